"""--engine ray stores the same rows as the local engine (one Ray runtime for this module)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from nianbao.corpus.ingest import ingest
from nianbao.corpus.synthetic import make_report, to_text
from nianbao.store import Store

ray = pytest.importorskip("ray")


@pytest.fixture(scope="module")
def ray_runtime() -> Iterator[None]:
    # module scope: Ray's daemons (gcs, raylet, dashboard agent) would otherwise run beside the
    # rest of the suite
    if not ray.is_initialized():
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)
    yield
    ray.shutdown()


def _rows(store: Store) -> dict[str, tuple]:
    out = {}
    for sr in store.reports():
        r = sr.report
        out[Path(r.source).name] = (
            r.organ,
            r.year,
            r.template,
            tuple(sorted(r.values().items())),
            tuple(sorted(f.code for f in r.findings)),
            sr.organ_name,
        )
    for d in store.documents(status="error"):
        out[Path(d.path).name] = ("error", d.error)
    return out


@pytest.mark.slow
def test_ray_and_local_engines_store_the_same_rows(ray_runtime: None, db_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(8):
        r = make_report(f"洪泽区第{i}局", 2019 + i % 6, region="淮安市", seed=i)
        (folder / f"{i}.txt").write_text(to_text(r), encoding="utf-8")
    (folder / "bad.pdf").write_bytes(b"%PDF-1.7 broken")
    local = Store(tmp_path / "local.db")
    ingest(local, [folder], workers=2, engine="local")
    remote = Store(db_url)
    stats = ingest(remote, [folder], engine="ray")
    assert stats.stored == 8 and stats.errors == 1
    assert _rows(remote) == _rows(local)
    again = ingest(remote, [folder], engine="ray")
    assert again.skipped == 9 and again.stored == 0
