import json
import random

import pytest
from typer.testing import CliRunner

import nianbao
from nianbao.arithmetic import all_relations
from nianbao.cli import _load_commands, app
from nianbao.synth.ambiguity import undetermined_cells
from nianbao.synth.corpus import generate_corpus
from nianbao.synth.generate import break_data, consistent_cells, random_data
from nianbao.templates import get_template
from nianbao.testing import corpus_dir

GOLD = corpus_dir() / "gold"
FAST_LAYOUTS = ("docx", "html", "md", "txt-rows", "txt-cells", "crawl")


@pytest.mark.parametrize("template_id", ["2019", "2021"])
def test_consistent_cells_satisfy_every_relation(template_id):
    for seed in range(30):
        cells = consistent_cells(template_id, random.Random(seed))
        assert set(cells) == set(get_template(template_id).cell_keys)
        assert all(r.holds(cells) for r in all_relations(template_id))
        assert all(v >= 0 for k, v in cells.items() if not k.endswith(".change"))


def test_broken_reports_record_the_codes_their_defect_raises():
    for seed in range(40):
        rng = random.Random(seed)
        broken = break_data(rng, random_data(rng))
        assert broken.findings, broken.note
        report = broken.data.to_report()
        if broken.findings[0].startswith(("T3", "T4")):
            failing = {r.code for r in all_relations(report.template) if r.holds(report.values()) is False}
            assert failing == set(broken.findings)


@pytest.mark.parametrize(
    "name", ["pingtan-2019-crawl", "pingtan-2021-crawl", "pingtan-2023-crawl", "pingtan-2025-crawl"]
)
def test_undetermined_cells_match_the_hand_labelled_crawls(name):
    path = GOLD / f"{name}.json"
    if not path.exists():
        pytest.skip("corpus not present")
    gold = json.loads(path.read_text(encoding="utf-8"))
    assert undetermined_cells(get_template(gold["template"]), gold["cells"]) == sorted(gold["unknown"])


def test_corpus_is_deterministic_and_shaped_like_the_gold(tmp_path):
    a = generate_corpus(12, 5, tmp_path / "a", FAST_LAYOUTS)
    generate_corpus(12, 5, tmp_path / "b", FAST_LAYOUTS)
    for item in a:
        assert (tmp_path / "a" / item.file).read_bytes() == (tmp_path / "b" / item.file).read_bytes()
    truth = json.loads((tmp_path / "a" / "gold" / "0005_crawl.json").read_text(encoding="utf-8"))
    real = GOLD / "pingtan-2023-crawl.json"
    if real.exists():
        assert set(json.loads(real.read_text(encoding="utf-8"))) <= set(truth)
    assert truth["file"] == "0005_crawl.txt"
    assert set(truth["cells"]) == set(get_template(truth["template"]).cell_keys)
    other = generate_corpus(12, 6, tmp_path / "c", FAST_LAYOUTS)
    assert [i.truth["cells"] for i in other] != [i.truth["cells"] for i in a]


def _rows_with_negatives(cells):
    """t2 rows holding a negative 本年增/减 (their run-together digits read wrongly, see below)."""
    return {k.rsplit(".", 1)[0] for k, v in cells.items() if v is not None and v < 0}


def test_synthetic_reports_parse_to_their_truth(tmp_path):
    items = generate_corpus(18, 3, tmp_path, FAST_LAYOUTS, broken_share=0.3)
    for item in items:
        truth = item.truth
        report = nianbao.parse(tmp_path / item.file)
        unknown = set(truth["unknown"])
        skip = _rows_with_negatives(truth["cells"]) if item.file.endswith("_crawl.txt") else set()
        for key, value in truth["cells"].items():
            got = report.value(key)
            if key.rsplit(".", 1)[0] in skip:
                continue  # known extractor issue: test_crawl_row_with_a_negative_change
            if key in unknown:
                assert got is None or got == value, (item.file, key)
            else:
                assert got == value, (item.file, key, value, got)
        codes = {f.code for f in report.findings}
        assert set(truth["findings"]) <= codes, (item.file, truth["notes"], codes)


def test_cli(tmp_path):
    _load_commands()
    result = CliRunner().invoke(
        app, ["synth", "-n", "3", "--seed", "2", "-o", str(tmp_path), "--layouts", "html,md"]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "0000_html.html",
        "0001_md.md",
        "0002_html.html",
        "gold",
    ]
    bad = CliRunner().invoke(app, ["synth", "-n", "1", "-o", str(tmp_path), "--layouts", "rtf"])
    assert bad.exit_code == 1 and "未知的版式" in bad.output


def test_crawl_row_with_a_negative_change():
    """行政许可0-689 is 0, -6, 89 or 0, -68, 9: never 6/8/9 read past the minus sign."""
    rng = random.Random(0)
    data = random_data(rng, year=2020)
    data.cells.update({"t2.licensing.prev_count": 0, "t2.licensing.change": -6, "t2.licensing.decisions": 89})
    from nianbao.writer import render_report

    text = render_report(data, "txt", text_style="crawl").content
    assert "行政许可0-689" in text.decode()
    report = nianbao.parse(text, name="crawl.txt")
    assert report.value("t2.licensing.decisions") in (89, None)
    assert report.value("t2.licensing.prev_count") in (0, None)
    assert report.value("t2.licensing.change") in (-6, None)
    flagged = {k for f in report.findings for k in f.cells}
    for key in ("t2.licensing.change", "t2.licensing.decisions"):
        assert report.value(key) is not None or key in flagged


def test_cells_dump_with_a_blank_cell():
    """A tab-only line is a blank cell in a one-cell-per-line dump (once misread as run-together digits)."""
    from nianbao.writer import render_report

    data = random_data(random.Random(0), year=2024)
    data.cells.update({"t2.rules.issued": 79, "t2.rules.repealed": 2, "t2.rules.in_force": None})
    text = render_report(data, "txt", text_style="cells", allow_errors=True).content.decode()
    assert "\t规章\n\t79\n\t2\n\t\n" in text
    report = nianbao.parse(text.encode(), name="dump.txt")
    assert (report.value("t2.rules.issued"), report.value("t2.rules.repealed")) == (79, 2)
    assert report.value("t2.rules.in_force") is None
    assert "CELL_BLANK" in {f.code for f in report.findings}
