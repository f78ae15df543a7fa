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
SYNTHETIC_TEMPLATE = "2027"


def synthetic_template_yaml(base: str | None = None, new_id: str = SYNTHETIC_TEMPLATE) -> str:
    """formats.yaml text defining `new_id`: `base` (default the newest) changed as described above."""
    import copy
    from importlib import resources

    import yaml

    raw = yaml.safe_load(resources.files("nianbao.templates").joinpath("formats.yaml").read_text("utf-8"))
    base = base or max(raw["templates"], key=lambda t: raw["templates"][t]["years"][0])
    tpl = copy.deepcopy(raw["templates"][base])
    tpl["years"] = [int(new_id), None]
    tpl["notice"] = f"国办公开办函〔{new_id}〕1号"
    t3 = tpl["tables"]["t3"]
    for col in t3["columns"]:  # 科研机构 -> 科研教育机构, under a new key
        if col["key"] == "research":
            col.update(key="research_education", label="科研教育机构")
        col["total_of"] = ["research_education" if k == "research" else k for k in col.get("total_of", [])]
    rows: list[dict[str, object]] = []
    for item in t3["blocks"][0]["rows"]:
        rows.extend(item if isinstance(item, list) else [item])
    at = max(i for i, r in enumerate(rows) if str(r["key"]).startswith("unable."))
    rows.insert(at + 1, {"key": "unable.other_reason", "label": "4.其他无法提供的情形", "result": True})
    t3["blocks"][0]["rows"] = rows
    return yaml.safe_dump({"templates": {new_id: tpl}}, allow_unicode=True, sort_keys=False)


@pytest.fixture(scope="session")
def synthetic_template_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("templates") / f"template-{SYNTHETIC_TEMPLATE}.yaml"
    path.write_text(synthetic_template_yaml(), encoding="utf-8")
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
