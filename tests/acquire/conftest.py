from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from nianbao.acquire.fixture_site import Expected, FixtureSite, cms_site, sites_csv
from nianbao.acquire.policy import FetchPolicy

CAP_MB = 2
CAP = CAP_MB * 1024 * 1024
CLI = [sys.executable, "-m", "nianbao"]
# fast but real: a 1 s timeout against the fixture's 3 s page, one retry, no spacing on loopback
FAST = ["--allow-private", "--timeout", "1", "--retries", "1", "--max-size", str(CAP_MB), "--interval", "0"]


def fast_policy(**kw: object) -> FetchPolicy:
    base = dict(
        connect_timeout=2.0,
        read_timeout=1.0,
        total_timeout=5.0,
        max_bytes=CAP,
        retries=1,
        backoff=0.05,
        per_host=4,
        min_interval=0.0,
        allow_private=True,
    )
    base.update(kw)
    return FetchPolicy(**base)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def cms(corpus_dir) -> Iterator[tuple[FixtureSite, list[Expected]]]:
    site, expected = cms_site(corpus_dir, CAP)
    site.start()
    yield site, expected
    site.stop()


def run(*args: object, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def watched(cms: tuple[FixtureSite, list[Expected]], tmp_path_factory: pytest.TempPathFactory):
    """The CLI run twice over the site, with a database."""
    site, expected = cms
    d = tmp_path_factory.mktemp("watch")
    csv = d / "SITES.csv"
    csv.write_text(sites_csv(site.base, expected), encoding="utf-8")
    db = f"sqlite:///{d / 'nb.db'}"
    args = ("watch", csv, "--year", 2024, "--db", db, "--out", d / "w", *FAST, "--per-host", 4, "-q")
    site.reset_counts()
    first = run(*args)
    first_bodies = dict(site.bodies)
    site.reset_counts()
    second = run(*args)
    second_bodies = dict(site.bodies)
    return d, db, expected, first, second, first_bodies, second_bodies
