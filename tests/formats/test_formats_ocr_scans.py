"""Scanned copies of a labelled corpus report, made at test time by bench/make_scans.py (a colour
scan with a red seal over 表三 and the signature; a crooked cheap 150-dpi scan with uneven light),
parsed end to end and scored with score.py's `score_one` against the report's gold: every cell
right or flagged, none silently wrong, organ, year and template right.

Each copy is OCR'd once per test session (5 pages each)."""

from __future__ import annotations

import pytest

from nianbao.testing import bench_module

pytest.importorskip("cv2")
pytest.importorskip("rapidocr")

SOURCE = "huaian-hongze-2023"
PROFILES = ("stamp", "crooked-150")


@pytest.fixture(scope="session")
def scored(corpus_dir, tmp_path_factory):
    ms = bench_module("make_scans")
    if not ms.mv.SCORER.exists():
        pytest.skip(f"scorer not present: {ms.mv.SCORER}")
    (source,) = [s for s in ms.corpus_sources(corpus_dir) if s.stem == SOURCE]
    scans = ms.build(tmp_path_factory.mktemp("scans"), [source], PROFILES)
    return {scan.profile: ms.score(scan) for scan in scans}


@pytest.mark.slow
@pytest.mark.parametrize("profile", PROFILES)
def test_scanned_copy_reads_like_the_original(scored, profile):
    result = scored[profile]
    s = result.score
    assert s["error"] is None, s["error"]
    assert s["right"] >= 0.99 * s["scored"], result.wrong
    assert s["silent"] == 0, [w for w in result.wrong if not w[3]]
    assert s["meta_ok"]
    assert not s["false_errors"], s["false_errors"]


@pytest.mark.slow
def test_every_cell_of_a_scan_says_where_it_was_read(scored):
    result = scored["stamp"]
    assert result.scan.pages == 5
    prov = result.out["provenance"]
    read = [c for c in prov.values() if c.get("prov")]
    assert len(read) >= 0.99 * len(prov)
    for cell in read:
        where = cell["prov"]
        assert where["method"].startswith("ocr"), cell
        assert where["page"] in range(1, 6) and len(where["bbox"]) == 4
        assert "confidence" in where or not cell["raw"]
