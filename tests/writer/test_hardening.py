"""The writer never writes a wrong report: totals from the template arithmetic when a workbook has
no cached results, a cached total that disagrees is an error, nianbao's own JSON is valid input,
and the PDF's pages are numbered with headings and the 落款 kept with their text."""

from __future__ import annotations

import io
import json
import random
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from nianbao.writer import ReportData, render_report
from nianbao.writer.data import InputError
from nianbao.writer.workbook import MAP_SHEET, build_workbook, read_workbook, total_formulas

from .conftest import consistent_cells

CLI = [sys.executable, "-m", "nianbao"]


def _cli(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=300, cwd=cwd)


def _script_fill(xlsx: bytes, values: dict, organ: str = "某某县人民政府") -> bytes:
    """What a script does: openpyxl writes the non-zero inputs and saves; formulas lose their results."""
    wb = openpyxl.load_workbook(io.BytesIO(xlsx))
    where = {k: (s, c) for k, s, c, _ in wb[MAP_SHEET].iter_rows(min_row=2, values_only=True)}
    for k, v in values.items():
        sheet, cell = where[k]
        wb[sheet][cell] = v if v else None  # zeros left blank, as a script filling "what there is" does
    for row in wb["基本信息"].iter_rows(min_row=1, max_col=2):
        if row[0].value == "机关名称":
            row[1].value = organ
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cached_formula_values(xlsx: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as zf:
        sheets = [zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/worksheets/")]
    return [m for s in sheets for m in re.findall(r"<f>[^<]*</f><v>([^<]+)</v>", s)]


def test_script_filled_workbook_gets_its_totals_from_the_arithmetic():
    cells = consistent_cells("2021", random.Random(11), high=30)
    totals = total_formulas("2021")
    filled = _script_fill(build_workbook(2024), {k: v for k, v in cells.items() if k not in totals})
    assert not _cached_formula_values(filled)  # no results in the file: nothing to read them from
    data = read_workbook(filled)
    for key in totals:
        assert data.cells[key] == cells[key], key  # blanks count as 0, as the formula computes
    assert data.cells["t3.results_total.total"] > 0


def test_the_report_of_a_script_filled_workbook_has_totals_and_the_statistics_sentence(tmp_path):
    cells = consistent_cells("2021", random.Random(12), high=30)
    totals = total_formulas("2021")
    path = tmp_path / "filled.xlsx"
    path.write_bytes(_script_fill(build_workbook(2024), {k: v for k, v in cells.items() if k not in totals}))
    out = tmp_path / "report.md"
    proc = _cli("write", path, "-o", out)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    received = cells["t3.new_received.total"]
    assert f"| {received} |" in text  # the 总计 column of 本年新收 is printed
    assert f"{received}件" in text.replace(" ", "")  # and the drafted statistics sentence names it


def test_a_cached_total_that_disagrees_is_an_error():
    cells = consistent_cells("2021", random.Random(13), high=30)
    wrong = dict(cells)
    wrong["t3.granted.total"] = cells["t3.granted.total"] + 5  # cached as the workbook's result
    xlsx = build_workbook(2024, data=ReportData(organ="甲", year=2024, cells=wrong))
    assert str(cells["t3.granted.total"] + 5) in _cached_formula_values(xlsx)
    with pytest.raises(InputError, match=r"t3\.granted\.total）：合计为 \d+，但按表格公式（各项之和）应为"):
        read_workbook(xlsx)
    # the same workbook with the right cached results reads back
    assert (
        read_workbook(build_workbook(2024, data=ReportData(organ="甲", year=2024, cells=cells))).cells
        == cells
    )


def test_a_number_typed_over_a_total_is_checked_too():
    cells = consistent_cells("2021", random.Random(14), high=30)
    wb = openpyxl.load_workbook(
        io.BytesIO(build_workbook(2024, data=ReportData(organ="甲", year=2024, cells=cells)))
    )
    where = {k: (s, c) for k, s, c, _ in wb[MAP_SHEET].iter_rows(min_row=2, values_only=True)}
    sheet, cell = where["t4.review.total"]
    wb[sheet][cell] = cells["t4.review.total"] + 1
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(InputError, match=r"t4\.review\.total"):
        read_workbook(buf.getvalue())


# --- nianbao's own JSON as input ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def clean_report(corpus_dir: Path) -> Path:
    return corpus_dir / "html" / "pingtan-2023.html"


@pytest.mark.slow
@pytest.mark.parametrize("provenance", [False, True])
def test_parse_json_write_parse_gives_the_same_cells(clean_report: Path, tmp_path: Path, provenance: bool):
    extra = ["--provenance"] if provenance else []
    first = _cli("parse", *extra, clean_report)
    assert first.returncode == 0, first.stderr
    parsed = json.loads(first.stdout)
    src = tmp_path / "report.jsonl"
    src.write_text(first.stdout, encoding="utf-8")
    out = tmp_path / "written.docx"
    proc = _cli("write", src, "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    again = json.loads(_cli("parse", out).stdout)
    assert again["cells"] == parsed["cells"]
    assert (again["organ"], again["year"], again["template"]) == (
        parsed["organ"],
        parsed["year"],
        parsed["template"],
    )
    if provenance:  # the parts' texts travel too
        assert len(again["sections"]) == 6


@pytest.mark.slow
def test_export_jsonl_is_valid_input_to_write(clean_report: Path, corpus_dir: Path, tmp_path: Path):
    db = tmp_path / "c.db"
    seed = sorted((corpus_dir / "seeds").glob("*.txt"))[0]
    assert _cli("ingest", "-j", "1", "--quiet", "--no-check", "--db", db, clean_report, seed).returncode == 0
    export = tmp_path / "all.jsonl"
    assert _cli("export", "--db", db, export).returncode == 0
    lines = [json.loads(x) for x in export.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 2
    # two reports in the file: write says which are there and how to choose
    proc = _cli("write", export, "-o", tmp_path / "x.docx")
    assert proc.returncode == 1 and "包含 2 条报告记录" in proc.stderr and "--organ" in proc.stderr, (
        proc.stderr
    )
    chosen = next(x for x in lines if x["organ"] and "平潭" in x["organ"])
    out = tmp_path / "one.docx"
    proc = _cli("write", export, "--organ", chosen["organ"], "--year", chosen["year"], "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(_cli("parse", out).stdout)["cells"] == chosen["cells"]


def test_a_failed_parse_line_is_refused_in_chinese(tmp_path: Path):
    src = tmp_path / "bad.jsonl"
    src.write_text(
        json.dumps({"source": "x.pdf", "error": "PDF 已加密，无法读取"}, ensure_ascii=False), encoding="utf-8"
    )
    proc = _cli("write", src, "-o", tmp_path / "x.docx")
    assert proc.returncode == 1 and "解析失败的记录" in proc.stderr and "Traceback" not in proc.stderr


# --- pagination ------------------------------------------------------------------------------------


def _docx_paragraphs(docx: bytes) -> list[tuple[str, bool]]:
    """(text, keep with next) of every body paragraph."""
    from docx import Document

    doc = Document(io.BytesIO(docx))
    return [(p.text, bool(p.paragraph_format.keep_with_next)) for p in doc.paragraphs if p.text.strip()]


def test_docx_keeps_headings_and_the_signature_with_their_text(sample_data: ReportData):
    docx = render_report(sample_data, "docx").content
    paras = _docx_paragraphs(docx)
    texts = [t for t, _ in paras]
    keep = dict(paras)
    for heading in ("一、总体情况", "二、主动公开政府信息情况", "五、存在的主要问题及改进情况"):
        assert keep[heading], heading
    organ_at = texts.index(sample_data.organ)
    assert paras[organ_at - 1][1] and paras[organ_at][1]  # last paragraph → organ → date
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        footers = [zf.read(n).decode() for n in zf.namelist() if n.startswith("word/footer")]
    assert any("PAGE" in f for f in footers)


def _page_texts(pdf: Path) -> list[list[str]]:
    n = int(
        re.search(
            r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        ).group(1)
    )
    pages = []
    for i in range(1, n + 1):
        out = subprocess.run(
            ["pdftotext", "-f", str(i), "-l", str(i), "-layout", str(pdf), "-"],
            capture_output=True,
            text=True,
        ).stdout
        pages.append([" ".join(line.split()) for line in out.splitlines() if line.strip()])
    return pages


@pytest.mark.slow
@pytest.mark.libreoffice
@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext")), reason="needs soffice, poppler"
)
def test_pdf_pages_are_numbered_and_no_heading_or_signature_is_left_alone(
    sample_data: ReportData, tmp_path: Path
):
    from nianbao.templates import sections
    from nianbao.writer.render.pdf import convert_many

    headings = {f"{s.number}、{s.title}" for s in sections()}
    # part 一 grows line by line: the later parts' headings and the 落款 move over every page break
    sentence = "本机关坚持以公开为常态、不公开为例外，持续推进决策、执行、管理、服务、结果公开。"
    variants = {}
    for i, n in enumerate(range(2, 40, 4)):
        data = sample_data.model_copy(
            update={
                "sections": {
                    **sample_data.sections,
                    "overview": "\n".join([sentence * 3] * n),
                    "other": sentence * (i + 1),
                }
            }
        )
        variants[f"v{i}"] = data
    pdfs = convert_many([(k, render_report(d, "docx").content) for k, d in variants.items()], ".docx", "pdf")
    for key, pdf in pdfs.items():
        path = tmp_path / f"{key}.pdf"
        path.write_bytes(pdf)
        pages = _page_texts(path)
        assert len(pages) >= 2
        for number, lines in enumerate(pages, 1):
            assert lines[-1].replace(" ", "") == f"－{number}－", (key, number, lines[-3:])
            body = lines[:-1]
            if number < len(pages):
                assert body[-1].replace(" ", "") not in headings, (key, number, body[-2:])
        last = pages[-1][:-1]
        organ = variants[key].organ
        at = last.index(organ) if organ in last else -1
        assert at > 0, (key, last[:3])  # the 落款 shares its page with the text before it
