import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from nianbao import testing

# CI must be reproducible: the same examples every run (a new counterexample found while developing
# becomes an explicit test). No deadlines anywhere: the machines are shared and timing is noise.
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", parent=settings.get_profile("dev"), derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# the one corpus locator: NIANBAO_SHARED, default ../shared beside the checkout (nianbao.testing)
SHARED = testing.shared_dir()
CORPUS = testing.corpus_dir()


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    # --dist loadfile: the longest files first (tests/_schedule.py), not the files of most tests
    if config.getvalue("dist") != "loadfile":
        return None
    from _schedule import make_scheduler

    return make_scheduler(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # a test that drives Chromium or LibreOffice takes seconds: part of the whole suite, not of the
    # inner loop (`pytest -m "not slow"`)
    for item in items:
        if item.get_closest_marker("browser") or item.get_closest_marker("libreoffice"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("shared folder not present (set NIANBAO_SHARED)")
    return SHARED


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not testing.has_corpus():
        pytest.skip("shared corpus not present (set NIANBAO_SHARED)")
    return CORPUS


# --- every template, a synthetic future one included -----------------------------------------
# A new template year must be one entry in formats.yaml. The fixture `template_id` runs a test
# over the real templates and a synthetic third one: a copy of the newest template for a later
# year, with an applicant column renamed (key and label) and an extra result row. Code that still
# knows template ids, keys or labels of its own fails on it.
SYNTHETIC_TEMPLATE = testing.SYNTHETIC_TEMPLATE


@pytest.fixture(scope="session")
def synthetic_template_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("templates") / f"template-{SYNTHETIC_TEMPLATE}.yaml"
    path.write_text(testing.synthetic_template_yaml(), encoding="utf-8")
    return path


@pytest.fixture(params=["2019", "2021", SYNTHETIC_TEMPLATE])
def template_id(
    request: pytest.FixtureRequest, synthetic_template_file: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """Each template id in turn; the synthetic one is installed (for subprocesses too) while it runs."""
    from nianbao import templates

    if request.param != SYNTHETIC_TEMPLATE:
        yield request.param
        return
    monkeypatch.setenv(templates.TEMPLATES_ENV, str(synthetic_template_file))
    templates.reload()
    try:
        yield request.param
    finally:
        monkeypatch.delenv(templates.TEMPLATES_ENV)
        templates.reload()
