"""The variant builders change what they claim to change and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from _generalization import load_variants_module

mv = load_variants_module()


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d+(?:\.\d+)?", text)


@pytest.fixture(scope="module")
def seed_texts(corpus_dir: Path) -> dict[str, str]:
    return {p.name: mv.read_text(p) for p in sorted((corpus_dir / "seeds").glob("*.txt"))}


def test_encodings_round_trip(seed_texts: dict[str, str]) -> None:
    for text in seed_texts.values():
        assert mv.TEXT_TRANSFORMS["gb18030"](text).decode("gb18030") == text
        data = mv.TEXT_TRANSFORMS["utf16"](text)
        assert data[:2] in (b"\xff\xfe", b"\xfe\xff") and data.decode("utf-16") == text
        crlf = mv.TEXT_TRANSFORMS["crlf"](text).decode("utf-8")
        assert "\n" not in crlf.replace("\r\n", "") and crlf.replace("\r\n", "\n") == text


def test_fullwidth_replaces_tabs_and_indents(seed_texts: dict[str, str]) -> None:
    for text in seed_texts.values():
        out = mv.fullwidth(text)
        assert "\t" not in out
        assert _numbers(out) == _numbers(text)
        assert all(ln.startswith("\u3000\u3000") for ln in out.split("\n") if ln.strip())


def test_break_headers_splits_the_applicant_headers(seed_texts: dict[str, str]) -> None:
    for name, text in seed_texts.items():
        out = mv.break_headers(text)
        assert _numbers(out) == _numbers(text), name
        table3 = out[out.index("申请人情况") : out.index("本年新收")]
        for label in ("商业企业", "科研机构", "社会公益组织", "法律服务机构"):
            assert label not in table3, (name, label)
            assert label[:2] in table3 and label[-2:] in table3, (name, label)
        assert out.count("\n") > text.count("\n")


def test_lxml_text_prints_one_table_row_per_line(corpus_dir: Path) -> None:
    text = mv.lxml_text((corpus_dir / "html" / "shanghai-gov-office-2019.html").read_bytes())
    row = next(ln for ln in text.split("\n") if ln.startswith("一、本年新收政府信息公开申请数量"))
    # the 2019 layout: label, 6 applicant columns (two printed empty) and the total
    assert [c.strip() for c in row.split("\t")] == [
        "一、本年新收政府信息公开申请数量",
        "821",
        "35",
        "",
        "",
        "2",
        "1",
        "859",
    ]
    assert "<script" not in text and "<table" not in text


def test_pdftotext_layout_keeps_table_rows_on_one_line(corpus_dir: Path) -> None:
    text = mv.pdftotext(corpus_dir / "pdf" / "huaian-city-2024.pdf", layout=True)
    row = next(ln for ln in text.split("\n") if "本年新收政府信息公开申请数量" in ln)
    assert len(_numbers(row)) == 7  # six applicant columns and the total on the label's line


def test_plan_lists_each_source_and_kind_once(corpus_dir: Path) -> None:
    pairs = mv.plan(corpus_dir)
    assert len(pairs) == len(set(pairs))
    golds = mv.load_golds(corpus_dir)
    assert {s for s, _ in pairs} == set(golds)
    html = [s for s, g in golds.items() if g["file"].startswith("html/")]
    assert all((s, "soffice-pdf") in pairs for s in html)
