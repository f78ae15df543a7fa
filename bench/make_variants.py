#!/usr/bin/env python3
"""Republish the labelled corpus reports the way real reports get republished, parse every copy
and score it against the gold labels exactly as `../shared/eval/score.py` does.

Each labelled document becomes several *variants*, made with the real tools installed here:

    pdftotext-layout / pdftotext-raw   poppler's `pdftotext -layout` / plain `pdftotext` of a PDF
    lxml-text                          an HTML page's text as a browser copy gives it (blocks on lines,
                                       table cells tab-separated)
    pandas-md / -grid / -html / -csv   that text with each table as pandas renders `pd.read_html`'s
                                       DataFrame by default (row and column numbers): `to_markdown()`,
                                       `to_markdown(tablefmt="grid")`, `to_html()`, `to_csv()`
    gb18030 / utf16 / crlf             a text dump re-encoded (GB18030; UTF-16 with BOM) or with CRLF ends
    fullwidth                          a text dump with full-width spaces (U+3000): two as the paragraph
                                       indent and one where a tab separated cells
    header-broken                      a text dump with 表三's column headers broken over two lines
    soffice-docx / soffice-txt         LibreOffice headless: HTML -> DOCX, HTML -> plain text
    soffice-pdf / soffice-pdf-layout   LibreOffice: that DOCX -> PDF; and its `pdftotext -layout` dump
    writer-docx / writer-pdf           `nianbao.writer` official-layout DOCX (merged header cells) from
                                       the gold cells and the report's narrative; and LibreOffice's PDF of it

The text transforms apply to every text dump: the seeds, the crawler dumps and the pdftotext
dumps of the three PDFs. A variant keeps its source's gold (cells, unknown, absent, findings,
metadata); a writer variant's truth is what the writer wrote.

    python bench/make_variants.py                  # build into a temp dir, score, print the table
    python bench/make_variants.py --fast           # no LibreOffice
    python bench/make_variants.py --out DIR -v     # keep the files, list every wrong cell
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import importlib.util
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SHARED = Path(os.environ.get("NIANBAO_SHARED", Path(__file__).resolve().parents[2] / "shared"))
CORPUS = SHARED / "corpus"
SCORER = SHARED / "eval" / "score.py"

TEXT_KINDS = ("gb18030", "utf16", "crlf", "fullwidth", "header-broken")
# the text Python PDF libraries give (what a script that "reads the PDF" gets)
PDF_LIBRARIES = ("pypdf", "pypdf-layout", "pdfplumber", "pdfplumber-layout", "pdfminer")
PDF_KINDS = ("pdftotext-layout", "pdftotext-raw", *(f"{lib}-text" for lib in PDF_LIBRARIES))
HTML_FAST_KINDS = ("lxml-text", "html2text", "pandas-md", "pandas-grid", "pandas-html", "pandas-csv")
HTML_OFFICE_KINDS = ("soffice-docx", "soffice-txt", "soffice-pdf", "soffice-pdf-layout")
WRITER_KINDS = ("writer-docx",)
WRITER_OFFICE_KINDS = ("writer-pdf",)
# a PDF opened in LibreOffice and saved as Word: every run a positioned text box
PDF_OFFICE_KINDS = ("soffice-import-docx",)
SLOW_KINDS = frozenset(HTML_OFFICE_KINDS + WRITER_OFFICE_KINDS + PDF_OFFICE_KINDS)
# python-docx makes the writer take seconds a report: one of each layout the writer has to handle
# (2019 / 2021 template, a missing 表四, blank cells, a 2021 report on the 2019 （六） row, 元 amounts)
WRITER_SOURCES = (
    "000_99c313048ea6a297",
    "001_39f905e0d0162760",
    "003_9062bfdbeadefa61",
    "huaian-city-2024",
    "huaian-hongze-2023",
    "pingtan-2025-html",
    "shanghai-gov-office-2019",
)
# the writer's report in every table layout of nianbao.synth.layouts (their names are listed there)
SYNTH_FORMATS = ("md", "html", "docx")
SYNTH_FAST_FORMATS = ("md", "html")


def synth_kinds(formats: tuple[str, ...] = SYNTH_FORMATS) -> tuple[str, ...]:
    from nianbao.synth.layouts import LAYOUTS

    return tuple(f"synth-{layout}+{fmt}" for layout in LAYOUTS for fmt in formats)


# conversions that lose part of a table, so only "no silent error" can be asked of the parser
LOSSY = {
    ("shanghai-gov-office-2019", "soffice-pdf"): "LibreOffice keeps the page's fixed 表三 width: the PDF "
    "clips the row labels' left part and the columns after 法律服务机构",
    ("shanghai-gov-office-2019", "soffice-pdf-layout"): "the clipped PDF's text",
    **{("shanghai-gov-office-2019", f"soffice-pdf+{lib}"): "the clipped PDF's text" for lib in PDF_LIBRARIES},
    ("shanghai-gov-office-2019", "writer-docx+mammoth"): "mammoth's Markdown drops empty table cells: "
    "which cells of a row with blanks are blank is no longer in the text",
}

# Kinds whose text no longer says which number belongs to which row: plain `pdftotext` prints a
# ruled table column by column (all labels, then each column's numbers). The parser is only held
# to leaving nothing silently wrong there; recovering the table needs the PDF itself.
DEGRADED_KINDS = {
    "pdftotext-raw": "plain pdftotext prints the table column by column",
    **{
        k: "pdfminer's extract_text prints the table column by column"
        for k in ("pdfminer-text", "chromium-pdf+pdfminer", "soffice-pdf+pdfminer")
    },
}


@dataclass
class Variant:
    source: str  # the gold file's stem, e.g. "huaian-city-2024"
    kind: str
    path: Path
    gold: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    lossy: str | None = None  # set when the conversion itself lost part of a table (why)

    @property
    def id(self) -> str:
        return f"{self.source}:{self.kind}"


# ---------------------------------------------------------------------------------------- plan


def load_golds(corpus: Path = CORPUS) -> dict[str, dict[str, Any]]:
    golds = {}
    for p in sorted((corpus / "gold").glob("*.json")):
        golds[p.stem] = json.loads(p.read_text(encoding="utf-8"))
    return golds


def _folder(gold: dict[str, Any]) -> str:
    return gold["file"].split("/", 1)[0]


def plan(corpus: Path = CORPUS, *, slow: bool = True) -> list[tuple[str, str]]:
    """(source, kind) pairs, known without building anything (pytest parametrizes on this)."""
    pairs: list[tuple[str, str]] = []
    for stem, gold in load_golds(corpus).items():
        folder = _folder(gold)
        if folder in ("seeds", "crawl"):
            pairs += [(stem, k) for k in TEXT_KINDS]
        elif folder == "pdf":
            pairs += [(stem, k) for k in PDF_KINDS]
            pairs += [(stem, f"layout+{k}") for k in TEXT_KINDS]
            if slow:
                pairs += [(stem, k) for k in PDF_CONVERT_KINDS + PDF_OFFICE_KINDS]
        elif folder == "html":
            pairs += [(stem, k) for k in HTML_FAST_KINDS]
            if slow:
                pairs += [(stem, k) for k in HTML_OFFICE_KINDS]
                pairs += [(stem, k) for k in HTML_CONVERT_KINDS + HTML_OFFICE_CONVERT_KINDS]
                pairs += [(stem, k) for k in HTML_CHROMIUM_KINDS]
        if stem in WRITER_SOURCES:
            pairs += [(stem, k) for k in synth_kinds(SYNTH_FORMATS if slow else SYNTH_FAST_FORMATS)]
            pairs += [(stem, k) for k in WRITER_KINDS]
            if slow:
                pairs += [(stem, k) for k in WRITER_OFFICE_KINDS]
                pairs += [(stem, k) for k in WRITER_CONVERT_KINDS + WRITER_OFFICE_CONVERT_KINDS]
                pairs += [(stem, k) for k in WRITER_CHROMIUM_KINDS]
    return pairs


def group_of(kind: str) -> str:
    """Which build stage makes a kind: fast, writer, office, convert, office-convert, chromium."""
    if kind.startswith("synth-"):
        return "synth-docx" if kind.endswith("+docx") else "synth"
    if kind in CHROMIUM_KINDS:
        return "chromium"
    if kind in OFFICE_CONVERT_KINDS:
        return "office-convert"
    if kind in CONVERT_KINDS:
        return "convert"
    if kind in SLOW_KINDS:
        return "office"
    if kind in WRITER_KINDS:
        return "writer"
    return "fast"


# ------------------------------------------------------------------------------ text transforms


def read_text(path: Path) -> str:
    data = path.read_bytes()
    return data.decode("utf-8-sig")


_HEADER_LABELS = ("法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构")


def break_headers(text: str) -> str:
    """表三's applicant column headers broken over two lines, as a narrow Word/PDF column prints them.

    A line holding one header cell becomes two lines (`商业` / `企业`, the indent kept on the first);
    a line holding several becomes a line of first halves and a line of second halves with the
    same separators between them, the way `pdftotext -layout` prints a wrapped header row.
    """
    lines = text.split("\n")
    out: list[str] = []
    start = next((i for i, ln in enumerate(lines) if "申请人情况" in ln), None)
    if start is None:
        return text
    end = next((i for i in range(start, len(lines)) if "本年新收" in lines[i]), len(lines))
    for i, line in enumerate(lines):
        hits = [lab for lab in _HEADER_LABELS if lab in line]
        if not hits or not start <= i < end:
            out.append(line)
            continue
        if line.strip() in _HEADER_LABELS:
            label = line.strip()
            cut = (len(label) + 1) // 2 if len(label) % 2 else len(label) // 2
            lead = line[: line.index(label)]
            out.append(lead + label[:cut])
            out.append(label[cut:])
            continue
        # several header cells on one line: a line of first halves, then a line of second halves
        # at the same places (other cells blanked), the separators kept
        pieces = re.split(r"(\t| {2,})", line)
        first = [p[: len(p) // 2] if p.strip() in hits else p for p in pieces]
        second = [
            p[len(p) // 2 :] if p.strip() in hits else (p if i % 2 else " " * len(p) if " " in line else "")
            for i, p in enumerate(pieces)
        ]
        out.append("".join(first))
        out.append("".join(second).rstrip())
    return "\n".join(out)


def fullwidth(text: str) -> str:
    lines = []
    for line in text.split("\n"):
        body = line.replace("\t", "\u3000")
        lines.append("\u3000\u3000" + body if body.strip() else body)
    return "\n".join(lines)


TEXT_TRANSFORMS: dict[str, Callable[[str], bytes]] = {
    "gb18030": lambda t: t.encode("gb18030"),
    "utf16": lambda t: t.encode("utf-16"),  # with BOM, as Windows Notepad saves "Unicode"
    "crlf": lambda t: t.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8"),
    "fullwidth": lambda t: fullwidth(t).encode("utf-8"),
    "header-broken": lambda t: break_headers(t).encode("utf-8"),
}


# ------------------------------------------------------------------------------------ converters


def pdftotext(pdf: Path, layout: bool) -> str:
    cmd = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(pdf), "-"]
    return subprocess.run(cmd, capture_output=True, check=True, timeout=120).stdout.decode("utf-8")


_BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article"}


def html2text_markdown(html: bytes) -> str:
    """html2text's Markdown of a page, no line wrapping (its default wraps at 78 columns)."""
    import html2text

    from nianbao.readers._encoding import decode_text

    h = html2text.HTML2Text()
    h.body_width = 0
    return h.handle(decode_text(html)[0])


def mammoth_markdown(data: bytes) -> bytes:
    import io

    import mammoth

    return mammoth.convert_to_markdown(io.BytesIO(data)).value.encode("utf-8")


def lxml_text(html: bytes) -> str:
    """An HTML page's text as selecting all and copying from a browser gives it."""
    import lxml.html

    root = lxml.html.document_fromstring(html)
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    parts: list[str] = []

    def walk(el: Any, in_cell: bool = False) -> None:
        # a browser's copy: one table row per line, cells tab-separated, a cell's paragraphs run together
        tag = el.tag if isinstance(el.tag, str) else ""
        block = tag in _BLOCKS and not in_cell
        if block:
            parts.append("\n")
        if el.text:
            parts.append(el.text.replace("\n", " ") if in_cell else el.text)
        for child in el:
            cell = isinstance(child.tag, str) and child.tag in ("td", "th")
            walk(child, in_cell or cell)
            if cell:
                parts.append("\t")
            if child.tail:
                parts.append(child.tail.replace("\n", " ") if in_cell else child.tail)
        if tag == "tr" and parts and parts[-1] == "\t":
            parts.pop()  # cells are tab-separated; an empty last cell still leaves its tab
        if block:
            parts.append("\n")

    walk(root.body if root.body is not None else root)
    text = "".join(parts).replace("\xa0", " ")
    lines = [ln.strip(" ") for ln in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


PANDAS_KINDS = {"pandas-md": "md", "pandas-grid": "md", "pandas-html": "html", "pandas-csv": "txt"}


def pandas_page(html: bytes, kind: str) -> str:
    """The page as a script that converts its tables with pandas writes it: the page's text as a
    browser copy gives it, each table where it stood as `pd.read_html` → the DataFrame's default
    rendering (row numbers, column numbers 0…n; `to_markdown` pipe or grid table, `to_html`)."""
    import io

    import lxml.html
    import pandas as pd

    root = lxml.html.document_fromstring(html)
    tables = root.xpath("//table[not(ancestor::table)]")
    rendered = []
    for i, table in enumerate(tables):
        (frame,) = pd.read_html(io.StringIO(lxml.html.tostring(table, encoding="unicode")))
        if kind == "pandas-md":
            rendered.append(frame.to_markdown())
        elif kind == "pandas-csv":
            rendered.append(frame.to_csv())
        elif kind == "pandas-grid":
            rendered.append(frame.to_markdown(tablefmt="grid"))
        else:
            rendered.append(frame.to_html())
        marker = lxml.html.Element("p")
        marker.text, marker.tail = f"@@TABLE{i}@@", table.tail
        table.getparent().replace(table, marker)
    text = lxml_text(lxml.html.tostring(root))
    if kind == "pandas-html":
        import html as html_lib

        body = "".join(f"<p>{html_lib.escape(line)}</p>\n" for line in text.split("\n") if line.strip())
        for i, r in enumerate(rendered):
            body = body.replace(f"<p>@@TABLE{i}@@</p>", r)
        return f"<html><head><meta charset='utf-8'></head><body>{body}</body></html>"
    for i, r in enumerate(rendered):
        text = text.replace(f"@@TABLE{i}@@", f"\n{r}\n")
    return text


def soffice(inputs: list[Path], target: str, outdir: Path, infilter: str | None = None) -> None:
    """One LibreOffice headless call for a batch of files, on a private profile for this call."""
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if binary is None:
        raise RuntimeError("soffice not installed (apt-get install libreoffice-writer-nogui)")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="variants-lo-") as profile:
        cmd = [
            binary,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--nolockcheck",
            *([f"--infilter={infilter}"] if infilter else []),
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            *map(str, inputs),
        ]
        env = dict(os.environ, SAL_USE_VCLPLUGIN="svp")
        subprocess.run(
            cmd,
            capture_output=True,
            timeout=60 + 60 * len(inputs),
            env=env,
            start_new_session=True,
            check=False,
        )


# ---------------------------------------------------------------------------------------- build


def _derive(gold: dict[str, Any], kind: str) -> dict[str, Any]:
    g = dict(gold)
    g["variant"] = kind
    return g


def build_fast(out: Path, corpus: Path = CORPUS) -> dict[tuple[str, str], Variant]:
    """Variants that need no LibreOffice: pdftotext, lxml text and the text transforms."""
    out.mkdir(parents=True, exist_ok=True)
    variants: dict[tuple[str, str], Variant] = {}

    def add(stem: str, kind: str, data: bytes, gold: dict[str, Any], ext: str = "txt") -> None:
        path = out / f"{stem}.{kind.replace('+', '.')}.{ext}"
        path.write_bytes(data)
        variants[(stem, kind)] = Variant(stem, kind, path, _derive(gold, kind))

    for stem, gold in load_golds(corpus).items():
        src = corpus / gold["file"]
        folder = _folder(gold)
        if folder in ("seeds", "crawl"):
            text = read_text(src)
            for kind, fn in TEXT_TRANSFORMS.items():
                add(stem, kind, fn(text), gold)
        elif folder == "pdf":
            layout = pdftotext(src, layout=True)
            add(stem, "pdftotext-layout", layout.encode("utf-8"), gold)
            add(stem, "pdftotext-raw", pdftotext(src, layout=False).encode("utf-8"), gold)
            for lib, text in pdf_library_texts(src).items():
                add(stem, f"{lib}-text", text.encode("utf-8"), gold)
            for kind, fn in TEXT_TRANSFORMS.items():
                add(stem, f"layout+{kind}", fn(layout), gold)
        elif folder == "html":
            add(stem, "lxml-text", lxml_text(src.read_bytes()).encode("utf-8"), gold)
            add(stem, "html2text", html2text_markdown(src.read_bytes()).encode("utf-8"), gold, "md")
            for kind, ext in PANDAS_KINDS.items():
                add(stem, kind, pandas_page(src.read_bytes(), kind).encode("utf-8"), gold, ext)
    return variants


_NARRATIVE_PARTS = ("overview", "problems", "other")


def writer_data(gold: dict[str, Any], corpus: Path = CORPUS) -> Any:
    """The gold cells and the report's own narrative as the writer's input."""
    import nianbao
    from nianbao.writer import ReportData

    original = nianbao.parse(corpus / gold["file"])
    sections = {s.key: s.text for s in original.sections if s.key in _NARRATIVE_PARTS and s.text}
    cells = {k: v for k, v in gold["cells"].items() if v is not None}
    return ReportData(
        organ=gold["organ"], year=gold["year"], template=str(gold["template"]), sections=sections, cells=cells
    )


def build_synth(
    out: Path, corpus: Path = CORPUS, formats: tuple[str, ...] = SYNTH_FORMATS
) -> dict[tuple[str, str], Variant]:
    """The writer's report of each WRITER_SOURCES entry in every table layout of nianbao.synth.layouts.

    The truth is what was printed (`LaidOut.data`), the expected findings the writer check's errors.
    """
    from nianbao.synth.corpus import _stable_zip
    from nianbao.synth.layouts import LAYOUTS, compose_layout
    from nianbao.templates import get_template
    from nianbao.writer import check
    from nianbao.writer.render import render

    out.mkdir(parents=True, exist_ok=True)
    variants: dict[tuple[str, str], Variant] = {}
    for stem, gold in load_golds(corpus).items():
        if stem not in WRITER_SOURCES:
            continue
        data = writer_data(gold, corpus)
        for i, layout in enumerate(LAYOUTS):
            laid = compose_layout(data, layout, rng=random.Random(f"{stem}:{i}"))
            tpl = get_template(laid.data.template_id)
            truth = {
                "file": "",
                "organ": gold["organ"],
                "year": gold["year"],
                "template": gold["template"],
                "cells": {k: laid.data.cells.get(k) for k in tpl.cell_keys},
                "unknown": [],
                "absent": [],
                "findings": sorted({f.code for f in check(laid.data, draft=False) if f.severity == "error"}),
            }
            for fmt in formats:
                kind = f"synth-{layout}+{fmt}"
                content = render(laid.comp, fmt)
                path = out / f"{stem}.synth-{layout}.{fmt}"
                path.write_bytes(_stable_zip(content) if fmt == "docx" else content)
                variants[(stem, kind)] = Variant(stem, kind, path, dict(truth, file=path.name, variant=kind))
    return variants


def build_writer(out: Path, corpus: Path = CORPUS) -> dict[tuple[str, str], Variant]:
    """Official-layout DOCX from the gold cells and the report's own narrative, via nianbao.writer.

    The truth of such a file is what the writer wrote (it fills missing totals), its expected
    findings the errors the writer's own check reports on those cells.
    """
    from nianbao.synth.corpus import _stable_zip
    from nianbao.writer import render_report
    from nianbao.writer.workbook import build_workbook

    out.mkdir(parents=True, exist_ok=True)
    variants: dict[tuple[str, str], Variant] = {}
    for stem, gold in load_golds(corpus).items():
        if stem not in WRITER_SOURCES:
            continue
        data = writer_data(gold, corpus)
        written = render_report(data, "docx", draft=False, allow_errors=True)
        path = out / f"{stem}.writer-docx.docx"
        path.write_bytes(_stable_zip(written.content))
        # the same report as the writer's HTML page and its fill-in workbook, for the converters
        page = render_report(data, "html", draft=False, allow_errors=True)
        path.with_suffix(".html").write_bytes(page.content)
        path.with_suffix(".xlsx").write_bytes(
            build_workbook(written.data.year, written.data.template_id, written.data)
        )
        truth = {k: written.data.cells.get(k) for k in gold["cells"]}
        wgold = {
            "file": path.name,
            "organ": gold["organ"],
            "year": gold["year"],
            "template": gold["template"],
            "cells": truth,
            "unknown": [],
            "absent": [],
            "findings": sorted({f.code for f in written.findings if f.severity == "error"}),
            "variant": "writer-docx",
        }
        variants[(stem, "writer-docx")] = Variant(stem, "writer-docx", path, wgold)
    return variants


def build_office(
    out: Path,
    writer: dict[tuple[str, str], Variant] | None = None,
    corpus: Path = CORPUS,
    cache: Cache | None = None,
) -> dict[tuple[str, str], Variant]:
    """LibreOffice variants: three soffice calls in all, each on a batch of files (fewer with a cache)."""
    cache = cache or default_cache()
    golds = load_golds(corpus)
    html = {stem: g for stem, g in golds.items() if _folder(g) == "html"}
    pages = {stem: (corpus / g["file"]).read_bytes() for stem, g in html.items()}
    # LibreOffice names its output after the input: every input carries its variant's stem
    docx = soffice_batch(pages, ".html", "docx:MS Word 2007 XML", cache, infilter="HTML (StarWriter)")
    txt = soffice_batch(pages, ".html", "txt:Text (encoded):UTF8", cache, infilter="HTML (StarWriter)")
    to_pdf = dict(docx)
    for (stem, _kind), v in (writer or {}).items():
        to_pdf[f"{stem}.writer"] = v.path.read_bytes()
    pdfs = soffice_batch(to_pdf, ".docx", "pdf", cache)
    printed = {stem: g for stem, g in golds.items() if _folder(g) == "pdf"}
    imported = soffice_batch(
        {f"{stem}.import": (corpus / g["file"]).read_bytes() for stem, g in printed.items()},
        ".pdf",
        "docx:MS Word 2007 XML",
        cache,
        infilter="writer_pdf_import",
    )
    for folder, made in (("docx", docx), ("txt", txt), ("pdf", pdfs), ("docx", imported)):
        (out / folder).mkdir(parents=True, exist_ok=True)
        for stem, data in made.items():
            (out / folder / f"{stem}.{folder}").write_bytes(data)

    variants: dict[tuple[str, str], Variant] = {}

    def add(stem: str, kind: str, path: Path, gold: dict[str, Any]) -> None:
        final = out / f"{stem}.{kind}{path.suffix}"
        if path.exists():
            shutil.move(path, final)
        variants[(stem, kind)] = Variant(stem, kind, final, _derive(gold, kind))

    for stem, g in html.items():
        add(stem, "soffice-docx", out / "docx" / f"{stem}.docx", g)
        add(stem, "soffice-txt", out / "txt" / f"{stem}.txt", g)
        pdf = out / "pdf" / f"{stem}.pdf"
        if pdf.exists():
            layout = out / f"{stem}.soffice-pdf-layout.txt"
            layout.write_text(pdftotext(pdf, layout=True), encoding="utf-8")
            variants[(stem, "soffice-pdf-layout")] = Variant(
                stem, "soffice-pdf-layout", layout, _derive(g, "soffice-pdf-layout")
            )
        add(stem, "soffice-pdf", pdf, g)
    for (stem, _kind), v in (writer or {}).items():
        wg = dict(v.gold, variant="writer-pdf")
        add(stem, "writer-pdf", out / "pdf" / f"{stem}.writer.pdf", wg)
    for stem, g in printed.items():
        add(stem, "soffice-import-docx", out / "docx" / f"{stem}.import.docx", g)
    return variants


# ------------------------------------------------------------------- converters people really use
#
# Every stage below runs the real tool (markitdown, pandoc, LibreOffice, Chromium, python-docx,
# docx2txt, poppler) and can keep its output in a content-addressed cache (`--cache DIR`, or
# NIANBAO_VARIANTS_CACHE for the tests) so a developer's second run converts only what changed.

# one DOCX, many text exports: stage name -> (how, file extension of the export)
DOCX_CHAIN: dict[str, tuple[str, str]] = {
    "markitdown": ("markitdown", ".md"),
    "mammoth": ("mammoth", ".md"),  # mammoth.convert_to_markdown, the DOCX converter under markitdown
    "pandoc-gfm": ("pandoc:gfm", ".md"),
    "pandoc-gfm-noraw": ("pandoc:gfm-raw_html", ".md"),
    "pandoc-plain": ("pandoc:plain", ".txt"),
    "pandoc-markdown": ("pandoc:markdown", ".md"),
    "pandoc-rst": ("pandoc:rst", ".txt"),  # nobody keeps .rst for a report: saved as text
    "pandoc-html": ("pandoc:html", ".html"),  # pandoc's default: an HTML fragment, no <html>
    "python-docx": ("python-docx", ".txt"),
    "python-docx-pipes": ("python-docx-pipes", ".txt"),  # print(" | ".join(cell.text for cell in row.cells))
    "docx2txt": ("docx2txt", ".txt"),
}
SOFFICE_DOCX_KINDS = tuple(f"soffice-docx+{s}" for s in DOCX_CHAIN)
WRITER_DOCX_CHAIN_KINDS = tuple(f"writer-docx+{s}" for s in DOCX_CHAIN)
# need markitdown / pandoc only
PDF_CONVERT_KINDS = ("markitdown-pdf",)
HTML_CONVERT_KINDS = (
    "markitdown-html",
    "markitdown-html-as-txt",
    "pandoc-html-gfm",
    "pandoc-html-plain",
    "w3m",
)
WRITER_CONVERT_KINDS = (
    *WRITER_DOCX_CHAIN_KINDS,
    "writer-xlsx+markitdown",
    "writer-html+markitdown",
    "writer-html+w3m",
)
# need LibreOffice output first
HTML_OFFICE_CONVERT_KINDS = (
    *SOFFICE_DOCX_KINDS,
    "soffice-pdf+markitdown",
    "soffice-html+markitdown",
    *(f"soffice-pdf+{lib}" for lib in PDF_LIBRARIES),
)
WRITER_OFFICE_CONVERT_KINDS = ("writer-pdf+layout", "writer-pdf+markitdown", "writer-soffice-html+markitdown")
# Chromium print-to-PDF (headers and footers on, as the print dialog does by default)
HTML_CHROMIUM_KINDS = (
    "chromium-copy",
    "chromium-pdf",
    "chromium-pdf+layout",
    "chromium-pdf+markitdown",
    *(f"chromium-pdf+{lib}" for lib in PDF_LIBRARIES),
)
WRITER_CHROMIUM_KINDS = (
    "writer-chromium-copy",
    "writer-chromium-pdf",
    "writer-chromium-pdf+layout",
    "writer-chromium-pdf+markitdown",
)

CONVERT_KINDS = frozenset(PDF_CONVERT_KINDS + HTML_CONVERT_KINDS + WRITER_CONVERT_KINDS)
OFFICE_CONVERT_KINDS = frozenset(HTML_OFFICE_CONVERT_KINDS + WRITER_OFFICE_CONVERT_KINDS)
CHROMIUM_KINDS = frozenset(HTML_CHROMIUM_KINDS + WRITER_CHROMIUM_KINDS)

CHROMIUM = os.environ.get("NIANBAO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
# what Chrome's print dialog prints with "Headers and footers" ticked: date, title, URL, page x/n
_PRINT_HEADER = (
    '<div style="font-size:8px;width:100%;display:flex;justify-content:space-between;padding:0 1cm">'
    '<span class="date"></span><span class="title"></span><span></span></div>'
)
_PRINT_FOOTER = (
    '<div style="font-size:8px;width:100%;display:flex;justify-content:space-between;padding:0 1cm">'
    '<span class="url"></span><span><span class="pageNumber"></span>/<span class="totalPages"></span></span></div>'
)


class Cache:
    """Content-addressed store of conversion outputs; a no-op without a folder."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        if root is not None:
            root.mkdir(parents=True, exist_ok=True)

    def _path(self, tag: str, data: bytes) -> Path | None:
        if self.root is None:
            return None
        digest = hashlib.sha256(tag.encode() + b"\0" + data).hexdigest()[:32]
        return self.root / digest

    def get(self, tag: str, data: bytes) -> bytes | None:
        p = self._path(tag, data)
        return p.read_bytes() if p is not None and p.exists() else None

    def put(self, tag: str, data: bytes, result: bytes) -> bytes:
        p = self._path(tag, data)
        if p is not None:
            # one temp name per process: test workers fill the same cache at once
            tmp = p.with_name(f"{p.name}.{os.getpid()}.tmp")
            tmp.write_bytes(result)
            tmp.replace(p)
        return result

    def run(self, tag: str, data: bytes, fn: Callable[[], bytes]) -> bytes:
        hit = self.get(tag, data)
        return hit if hit is not None else self.put(tag, data, fn())


def default_cache() -> Cache:
    root = os.environ.get("NIANBAO_VARIANTS_CACHE")
    return Cache(Path(root) if root else None)


def pandoc_binary() -> str:
    found = shutil.which("pandoc")
    if found:
        return found
    try:
        import pypandoc

        return pypandoc.get_pandoc_path()
    except (ImportError, OSError) as exc:
        raise RuntimeError("pandoc not installed (pip install pypandoc_binary)") from exc


def pandoc(data: bytes, src_fmt: str, target: str, suffix: str) -> bytes:
    """`pandoc in.<suffix> -f src -t target -o out` with pandoc's defaults (line wrap at 72 included)."""
    with tempfile.TemporaryDirectory(prefix="variants-pandoc-") as tmp:
        src = Path(tmp) / f"in{suffix}"
        src.write_bytes(data)
        dst = Path(tmp) / "out"
        subprocess.run(
            [pandoc_binary(), "-f", src_fmt, "-t", target, str(src), "-o", str(dst)],
            capture_output=True,
            check=True,
            timeout=120,
        )
        return dst.read_bytes()


_MARKITDOWN: Any = None


def markitdown(data: bytes, suffix: str) -> bytes:
    """markitdown's Markdown of a file (one converter instance for the run: its start-up is ~2 s)."""
    global _MARKITDOWN
    if _MARKITDOWN is None:
        from markitdown import MarkItDown

        _MARKITDOWN = MarkItDown(enable_plugins=False)
    with tempfile.TemporaryDirectory(prefix="variants-md-") as tmp:
        src = Path(tmp) / f"in{suffix}"
        src.write_bytes(data)
        return _MARKITDOWN.convert(str(src)).text_content.encode("utf-8")


def md_cached(cache: Cache, data: bytes, suffix: str) -> bytes:
    return cache.run(f"markitdown:{suffix}", data, lambda: markitdown(data, suffix))


def pandoc_cached(cache: Cache, data: bytes, src_fmt: str, target: str, suffix: str) -> bytes:
    return cache.run(f"pandoc:{src_fmt}:{target}", data, lambda: pandoc(data, src_fmt, target, suffix))


def w3m_dump(html: bytes) -> bytes:
    """`w3m -dump` of a page, as a text browser saves it: tables drawn with box characters,
    columns set by display width (a CJK character two columns), 80 columns wide."""
    binary = shutil.which("w3m")
    if binary is None:
        raise RuntimeError("w3m not installed (apt-get install w3m)")
    with tempfile.NamedTemporaryFile(suffix=".html") as f:
        f.write(html)
        f.flush()
        cmd = [binary, "-dump", "-T", "text/html", "-I", "UTF-8", "-O", "UTF-8", "-cols", "80", f.name]
        return subprocess.run(cmd, capture_output=True, check=True, timeout=60).stdout


def python_docx_text(data: bytes, sep: str = "\t") -> bytes:
    """The dump a python-docx script gives: body paragraphs and tables in order, a table row per line
    with its cells joined by `sep` (a tab, or " | " with no outer bars) — `row.cells` repeats a
    merged cell's text in every column it spans."""
    import io

    from docx import Document as open_docx
    from docx.table import Table as DocxTable

    doc = open_docx(io.BytesIO(data))
    lines: list[str] = []
    for item in doc.iter_inner_content():
        if isinstance(item, DocxTable):
            for row in item.rows:
                lines.append(sep.join(c.text.replace("\n", " ") for c in row.cells))
            lines.append("")
        else:
            lines.append(item.text)
    return ("\n".join(lines) + "\n").encode("utf-8")


def pdf_library_texts(path: Path) -> dict[str, str]:
    """The text of a PDF as pypdf, pdfplumber and pdfminer.six extract it: their defaults, and the
    layout modes of pypdf and pdfplumber."""
    import logging

    import pdfplumber
    import pypdf
    from pdfminer.high_level import extract_text

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # font descriptor warnings by the page
    with pdfplumber.open(str(path)) as pdf:
        plumber = "\n".join(page.extract_text() or "" for page in pdf.pages)
        plumber_layout = "\n".join(page.extract_text(layout=True) or "" for page in pdf.pages)
    pages = pypdf.PdfReader(str(path)).pages
    return {
        "pypdf": "\n".join(page.extract_text() or "" for page in pages),
        "pypdf-layout": "\n".join(page.extract_text(extraction_mode="layout") or "" for page in pages),
        "pdfplumber": plumber,
        "pdfplumber-layout": plumber_layout,
        "pdfminer": extract_text(str(path)),
    }


def docx2txt_text(data: bytes) -> bytes:
    import io

    import docx2txt

    return docx2txt.process(io.BytesIO(data)).encode("utf-8")


def docx_export(stage: str, data: bytes, cache: Cache) -> bytes:
    how, _ = DOCX_CHAIN[stage]
    if how == "markitdown":
        return md_cached(cache, data, ".docx")
    if how.startswith("pandoc:"):
        target = how.split(":", 1)[1]
        return cache.run(f"pandoc:docx:{target}", data, lambda: pandoc(data, "docx", target, ".docx"))
    if how == "mammoth":
        return mammoth_markdown(data)
    if how == "python-docx":
        return python_docx_text(data)
    if how == "python-docx-pipes":
        return python_docx_text(data, " | ")
    return docx2txt_text(data)


def soffice_batch(
    items: dict[str, bytes], suffix: str, target: str, cache: Cache, infilter: str | None = None
) -> dict[str, bytes]:
    """stem -> converted bytes; one LibreOffice call for every input the cache does not hold."""
    tag = f"soffice:{suffix}:{target}:{infilter}"
    done = {stem: hit for stem, data in items.items() if (hit := cache.get(tag, data)) is not None}
    todo = {stem: data for stem, data in items.items() if stem not in done}
    if todo:
        with tempfile.TemporaryDirectory(prefix="variants-lo-batch-") as tmp:
            inputs = []
            for stem, data in todo.items():
                p = Path(tmp) / f"{stem}{suffix}"
                p.write_bytes(data)
                inputs.append(p)
            soffice(inputs, target, Path(tmp) / "out", infilter=infilter)
            ext = target.split(":")[0]
            for stem, data in todo.items():
                p = Path(tmp) / "out" / f"{stem}.{ext}"
                if p.exists():
                    done[stem] = cache.put(tag, data, p.read_bytes())
    return done


def chromium_print(pages: dict[str, bytes], cache: Cache) -> dict[str, tuple[bytes, bytes]]:
    """stem -> (PDF, text): Chromium's print-to-PDF of each page and the page's `innerText` (what
    selecting all and copying gives), one browser for the batch (Playwright on Debian's chromium,
    private profile, nothing but file: URLs loaded)."""
    tag, text_tag = "chromium-print:a4:header-footer", "chromium-innertext"
    done: dict[str, tuple[bytes, bytes]] = {}
    for stem, data in pages.items():
        pdf, text = cache.get(tag, data), cache.get(text_tag, data)
        if pdf is not None and text is not None:
            done[stem] = (pdf, text)
    todo = {stem: data for stem, data in pages.items() if stem not in done}
    if not todo:
        return done
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="variants-chromium-") as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        try:
            context = browser.new_context()
            # the pages' CSS and pictures are on sites this machine cannot reach: fail them at once
            context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
            for stem, data in todo.items():
                src = Path(tmp) / f"{stem}.html"
                src.write_bytes(data)
                page = context.new_page()
                page.goto(src.as_uri(), wait_until="load", timeout=60_000)
                text = page.inner_text("body").encode("utf-8")
                pdf = page.pdf(
                    format="A4",
                    display_header_footer=True,
                    header_template=_PRINT_HEADER,
                    footer_template=_PRINT_FOOTER,
                    margin={"top": "1cm", "bottom": "1cm", "left": "1cm", "right": "1cm"},
                )
                page.close()
                done[stem] = (cache.put(tag, data, pdf), cache.put(text_tag, data, text))
        finally:
            browser.close()
    return done


def _tables_dropped(text: str) -> bool:
    # pandoc's gfm without raw HTML cannot write a table with merged cells and prints "[TABLE]"
    return "[TABLE]" in text


def build_convert(
    out: Path, writer: dict[tuple[str, str], Variant], corpus: Path = CORPUS, cache: Cache | None = None
) -> dict[tuple[str, str], Variant]:
    """markitdown and pandoc of the PDFs, the HTML pages and the writer's DOCX/XLSX/HTML."""
    cache = cache or default_cache()
    out.mkdir(parents=True, exist_ok=True)
    variants: dict[tuple[str, str], Variant] = {}

    def add(stem: str, kind: str, data: bytes, gold: dict[str, Any], ext: str) -> Variant:
        path = out / f"{stem}.{kind.replace('+', '.')}{ext}"
        path.write_bytes(data)
        v = variants[(stem, kind)] = Variant(stem, kind, path, dict(gold, variant=kind))
        return v

    for stem, gold in load_golds(corpus).items():
        src = corpus / gold["file"]
        folder = _folder(gold)
        if folder == "pdf":
            data = src.read_bytes()
            add(
                stem,
                "markitdown-pdf",
                md_cached(cache, data, ".pdf"),
                gold,
                ".md",
            )
        elif folder == "html":
            data = src.read_bytes()
            md = md_cached(cache, data, ".html")
            add(stem, "markitdown-html", md, gold, ".md")
            add(stem, "markitdown-html-as-txt", md, gold, ".txt")
            for kind, target, ext in (
                ("pandoc-html-gfm", "gfm", ".md"),
                ("pandoc-html-plain", "plain", ".txt"),
            ):
                conv = pandoc_cached(cache, data, "html", target, ".html")
                add(stem, kind, conv, gold, ext)
            add(stem, "w3m", cache.run("w3m", data, lambda d=data: w3m_dump(d)), gold, ".txt")
    for (stem, _kind), w in writer.items():
        docx = w.path.read_bytes()
        for stage, (_how, ext) in DOCX_CHAIN.items():
            kind = f"writer-docx+{stage}"
            v = add(stem, kind, docx_export(stage, docx, cache), w.gold, ext)
            if stage == "pandoc-gfm-noraw" and _tables_dropped(v.path.read_text("utf-8")):
                v.lossy = "pandoc gfm-raw_html writes [TABLE] for a table with merged cells"
        xlsx = w.path.with_suffix(".xlsx")
        if xlsx.exists():
            data = xlsx.read_bytes()
            md = md_cached(cache, data, ".xlsx")
            add(stem, "writer-xlsx+markitdown", md, _workbook_gold(w.gold, data), ".md")
        html = w.path.with_suffix(".html")
        if html.exists():
            data = html.read_bytes()
            md = md_cached(cache, data, ".html")
            add(stem, "writer-html+markitdown", md, w.gold, ".md")
            add(stem, "writer-html+w3m", cache.run("w3m", data, lambda d=data: w3m_dump(d)), w.gold, ".txt")
    return variants


def _workbook_gold(gold: dict, data: bytes) -> dict:
    """What the fill-in workbook prints: its 总计 cells are formulas, and a formula over blank
    cells shows 0 — the truth of a copy of the workbook is its cells' cached values."""
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    where = {
        row[0]: (row[1], row[2]) for row in wb["_nianbao"].iter_rows(min_row=2, values_only=True) if row[0]
    }
    cells = dict(gold["cells"])
    for key in cells:
        if key in where:
            sheet, ref = where[key]
            value = wb[sheet][ref].value
            cells[key] = value if isinstance(value, (int, float)) else cells[key]
    return {**gold, "cells": cells}


def build_office_convert(
    out: Path,
    office: dict[tuple[str, str], Variant],
    writer: dict[tuple[str, str], Variant],
    cache: Cache | None = None,
) -> dict[tuple[str, str], Variant]:
    """The exports of LibreOffice's DOCX and PDF (of the HTML pages and of the writer's DOCX)."""
    cache = cache or default_cache()
    out.mkdir(parents=True, exist_ok=True)
    variants: dict[tuple[str, str], Variant] = {}

    def add(stem: str, kind: str, data: bytes, gold: dict[str, Any], ext: str) -> Variant:
        path = out / f"{stem}.{kind.replace('+', '.')}{ext}"
        path.write_bytes(data)
        v = variants[(stem, kind)] = Variant(stem, kind, path, dict(gold, variant=kind))
        return v

    docx_in: dict[str, bytes] = {}
    for (stem, kind), v in office.items():
        if kind == "soffice-docx" and v.path.exists():
            docx = v.path.read_bytes()
            docx_in[stem] = docx
            for stage, (_how, ext) in DOCX_CHAIN.items():
                k = f"soffice-docx+{stage}"
                conv = add(stem, k, docx_export(stage, docx, cache), v.gold, ext)
                if stage == "pandoc-gfm-noraw" and _tables_dropped(conv.path.read_text("utf-8")):
                    conv.lossy = "pandoc gfm-raw_html writes [TABLE] for a table with merged cells"
        elif kind in ("soffice-pdf", "writer-pdf") and v.path.exists():
            pdf = v.path.read_bytes()
            md = md_cached(cache, pdf, ".pdf")
            name = "soffice-pdf+markitdown" if kind == "soffice-pdf" else "writer-pdf+markitdown"
            if kind == "soffice-pdf":
                for lib, text in pdf_library_texts(v.path).items():
                    add(stem, f"soffice-pdf+{lib}", text.encode("utf-8"), v.gold, ".txt")
            add(stem, name, md, v.gold, ".md")
            if kind == "writer-pdf":
                add(stem, "writer-pdf+layout", pdftotext(v.path, layout=True).encode("utf-8"), v.gold, ".txt")
    for (stem, _kind), w in writer.items():
        docx_in[f"{stem}.writer"] = w.path.read_bytes()
    # LibreOffice's "Save as HTML" of the same DOCX, then markitdown of that page
    html = soffice_batch(docx_in, ".docx", "html:HTML (StarWriter)", cache)
    for name, page in html.items():
        stem, is_writer = (name[: -len(".writer")], True) if name.endswith(".writer") else (name, False)
        src = writer[(stem, "writer-docx")] if is_writer else office[(stem, "soffice-docx")]
        md = md_cached(cache, page, ".html")
        add(
            stem,
            "writer-soffice-html+markitdown" if is_writer else "soffice-html+markitdown",
            md,
            src.gold,
            ".md",
        )
    return variants


def build_chromium(
    out: Path,
    writer: dict[tuple[str, str], Variant],
    corpus: Path = CORPUS,
    cache: Cache | None = None,
) -> dict[tuple[str, str], Variant]:
    """Chromium's print-to-PDF of the HTML pages and of the writer's HTML, their layout text and
    markitdown; and each page's text as the browser copies it (`innerText`)."""
    cache = cache or default_cache()
    out.mkdir(parents=True, exist_ok=True)
    golds = load_golds(corpus)
    pages: dict[str, tuple[bytes, dict[str, Any], str]] = {}
    for stem, g in golds.items():
        if _folder(g) == "html":
            pages[stem] = ((corpus / g["file"]).read_bytes(), g, "chromium-pdf")
    for (stem, _kind), w in writer.items():
        html = w.path.with_suffix(".html")
        if html.exists():
            pages[f"{stem}.writer"] = (html.read_bytes(), w.gold, "writer-chromium-pdf")
    pdfs = chromium_print({k: v[0] for k, v in pages.items()}, cache)
    variants: dict[tuple[str, str], Variant] = {}
    for name, (pdf, inner) in pdfs.items():
        _, gold, base = pages[name]
        stem = name[: -len(".writer")] if name.endswith(".writer") else name
        copy = "chromium-copy" if base == "chromium-pdf" else "writer-chromium-copy"
        text_path = out / f"{stem}.{copy}.txt"
        text_path.write_bytes(inner)
        variants[(stem, copy)] = Variant(stem, copy, text_path, dict(gold, variant=copy))
        path = out / f"{stem}.{base}.pdf"
        path.write_bytes(pdf)
        variants[(stem, base)] = Variant(stem, base, path, dict(gold, variant=base))
        layout = out / f"{stem}.{base}.layout.txt"
        layout.write_text(pdftotext(path, layout=True), encoding="utf-8")
        k = f"{base}+layout"
        variants[(stem, k)] = Variant(stem, k, layout, dict(gold, variant=k))
        md = out / f"{stem}.{base}.markitdown.md"
        md.write_bytes(md_cached(cache, pdf, ".pdf"))
        k = f"{base}+markitdown"
        variants[(stem, k)] = Variant(stem, k, md, dict(gold, variant=k))
        if base == "chromium-pdf":
            for lib, text in pdf_library_texts(path).items():
                k = f"{base}+{lib}"
                txt = out / f"{stem}.{base}.{lib}.txt"
                txt.write_text(text, encoding="utf-8")
                variants[(stem, k)] = Variant(stem, k, txt, dict(gold, variant=k))
    return variants


def build_all(
    out: Path,
    corpus: Path = CORPUS,
    slow: bool = True,
    cache: Cache | None = None,
    kinds: Callable[[str], bool] | None = None,
) -> dict[tuple[str, str], Variant]:
    """Every variant (or, with `kinds`, the stages those kinds need and the variants they match)."""
    want = kinds or (lambda _k: True)
    planned = {k for _, k in plan(corpus, slow=slow) if want(k)}
    groups = {group_of(k) for k in planned}
    need_writer = bool(groups - {"fast", "synth", "synth-docx"})
    need_office = bool(groups & {"office", "office-convert"})
    variants: dict[tuple[str, str], Variant] = {}
    if "fast" in groups:
        variants.update(build_fast(out / "fast", corpus))
    if groups & {"synth", "synth-docx"}:
        formats = SYNTH_FORMATS if "synth-docx" in groups else SYNTH_FAST_FORMATS
        variants.update(build_synth(out / "synth", corpus, formats))
    writer = build_writer(out / "writer", corpus) if need_writer else {}
    variants.update(writer)
    if slow and need_office:
        office = build_office(out / "office", writer, corpus, cache)
        variants.update(office)
        if "office-convert" in groups:
            variants.update(build_office_convert(out / "office-convert", office, writer, cache))
    if slow and "convert" in groups:
        variants.update(build_convert(out / "convert", writer, corpus, cache))
    if slow and "chromium" in groups:
        variants.update(build_chromium(out / "chromium", writer, corpus, cache))
    return {key: v for key, v in variants.items() if key[1] in planned}


# ---------------------------------------------------------------------------------------- score


def _scorer() -> Any:
    spec = importlib.util.spec_from_file_location("nianbao_eval_score", SCORER)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"scorer not found: {SCORER}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_SCORE: Any = None


def parse_output(path: Path) -> dict[str, Any]:
    """What `nianbao parse --jsonl` prints for the file (an `error` object when it cannot be read)."""
    import nianbao
    from nianbao.errors import ReadError

    try:
        report = nianbao.parse(path)
    except ReadError as exc:
        return {"source": str(path), "error": str(exc)}
    out = report.to_dict()
    out["source"] = str(path)
    return out


def score(variant: Variant) -> dict[str, Any]:
    """score.py's score_one on this variant, plus the output it scored."""
    global _SCORE
    if _SCORE is None:
        _SCORE = _scorer()
    gold = variant.gold
    if not variant.path.exists():
        out: dict[str, Any] = {"error": "conversion produced no file"}
    else:
        out = parse_output(variant.path)
    if out.get("error"):
        unknown = set(gold.get("unknown", []))
        n = len([k for k in gold.get("cells", {}) if k not in unknown])
        return dict(
            scored=n,
            right=0,
            silent=n,
            wrong=[],
            expected=set(gold.get("findings", [])),
            found=set(),
            false_errors=set(),
            meta_ok=False,
            error=out["error"],
            out=out,
        )
    s = _SCORE.score_one(gold, out)
    s["error"] = None
    s["out"] = out
    return s


def perfect(s: dict[str, Any]) -> bool:
    return (
        s["error"] is None
        and s["right"] == s["scored"]
        and s["silent"] == 0
        and s["found"] == s["expected"]
        and not s["false_errors"]
        and s["meta_ok"]
    )


def acceptable(variant: Variant, s: dict[str, Any]) -> bool:
    """Perfect, or for a lossy conversion at least no silent error and the metadata right."""
    if (variant.source, variant.kind) in LOSSY or variant.kind in DEGRADED_KINDS or variant.lossy:
        return s["error"] is None and s["silent"] == 0 and s["meta_ok"]
    return perfect(s)


def flagged_cells(s: dict[str, Any]) -> set[str]:
    return {c for f in (s.get("out") or {}).get("findings") or [] for c in f.get("cells") or []}


def describe(variant: Variant, s: dict[str, Any], limit: int = 12) -> str:
    """A failure as a reader fixing the parser needs it."""
    out = s["out"]
    lines = [f"{variant.id} ({variant.path.name})"]
    if s["error"]:
        lines.append(f"  error: {s['error']}")
        return "\n".join(lines)
    lines.append(f"  cells {s['right']}/{s['scored']}  silent {s['silent']}")
    if not s["meta_ok"]:
        lines.append(
            f"  meta: got organ={out.get('organ')!r} year={out.get('year')} template={out.get('template')}"
            f"  want organ⊇{variant.gold.get('organ')!r} year={variant.gold.get('year')}"
            f" template={variant.gold.get('template')}"
        )
    missed = s["expected"] - s["found"]
    if missed:
        lines.append(f"  missed findings: {sorted(missed)}")
    if s["false_errors"]:
        errs = [f for f in out.get("findings") or [] if f.get("code") in s["false_errors"]]
        for f in errs[:5]:
            lines.append(
                f"  false error {f.get('code')}: {f.get('message')} cells={(f.get('cells') or [])[:6]}"
            )
    flagged = {c for f in out.get("findings") or [] for c in f.get("cells") or []}
    for key, want, got in s["wrong"][:limit]:
        mark = "" if key in flagged else "  SILENT"
        lines.append(f"  {key}: want {want} got {got}{mark}")
    if len(s["wrong"]) > limit:
        lines.append(f"  … {len(s['wrong']) - limit} more wrong cells")
    return "\n".join(lines)


def summarize(results: Iterable[tuple[Variant, dict[str, Any]]]) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for v, s in results:
        r = rows.setdefault(
            v.kind,
            dict(
                kind=v.kind,
                docs=0,
                perfect=0,
                acceptable=0,
                scored=0,
                right=0,
                silent=0,
                expected=0,
                found=0,
                false_errors=0,
                meta=0,
                unread=0,
            ),
        )
        r["docs"] += 1
        r["perfect"] += perfect(s)
        r["acceptable"] += acceptable(v, s)
        r["scored"] += s["scored"]
        r["right"] += s["right"]
        r["silent"] += s["silent"]
        r["expected"] += len(s["expected"])
        r["found"] += len(s["found"])
        r["false_errors"] += len(s["false_errors"])
        r["meta"] += bool(s["meta_ok"])
        r["unread"] += bool(s["error"])
    order = [
        *TEXT_KINDS,
        *PDF_KINDS,
        *(f"layout+{k}" for k in TEXT_KINDS),
        *HTML_FAST_KINDS,
        *HTML_OFFICE_KINDS,
        *WRITER_KINDS,
        *WRITER_OFFICE_KINDS,
        *PDF_CONVERT_KINDS,
        *HTML_CONVERT_KINDS,
        *HTML_OFFICE_CONVERT_KINDS,
        *HTML_CHROMIUM_KINDS,
        *WRITER_CONVERT_KINDS,
        *WRITER_OFFICE_CONVERT_KINDS,
        *WRITER_CHROMIUM_KINDS,
        *synth_kinds(),
    ]
    return sorted(rows.values(), key=lambda r: order.index(r["kind"]) if r["kind"] in order else len(order))


def markdown_table(rows: list[dict[str, Any]]) -> str:
    head = (
        "| variant kind | docs | tests pass | cells % | silent errors | findings recall | false errors "
        "| meta ok | unread |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    body = []
    tot = dict(
        docs=0,
        perfect=0,
        acceptable=0,
        scored=0,
        right=0,
        silent=0,
        expected=0,
        found=0,
        false_errors=0,
        meta=0,
        unread=0,
    )
    for r in rows + [dict(tot, kind="**all**")]:
        if r["kind"] != "**all**":
            for k in tot:
                tot[k] += r[k]
        else:
            r = dict(tot, kind="**all**")
        acc = 100.0 * r["right"] / r["scored"] if r["scored"] else 0.0
        rec = f"{r['found']}/{r['expected']}" if r["expected"] else "–"
        body.append(
            f"| {r['kind']} | {r['docs']} | {r['acceptable']} | {acc:.2f} | {r['silent']} | {rec} "
            f"| {r['false_errors']} | {r['meta']}/{r['docs']} | {r['unread']} |"
        )
    return head + "\n" + "\n".join(body)


def kind_filter(spec: str | None) -> Callable[[str], bool] | None:
    """`--kind a,b*`: exact kind names or shell patterns."""
    if not spec:
        return None
    pats = [x.strip() for x in spec.split(",") if x.strip()]
    return lambda k: any(fnmatch.fnmatchcase(k, p) for p in pats)


def keep_files(results: list[tuple[Variant, dict[str, Any]]], dest: Path) -> None:
    """Copy every variant to DEST/<kind>/ with its gold beside it, for whoever fixes the parser."""
    for v, s in results:
        folder = dest / v.kind.replace("+", "_")
        folder.mkdir(parents=True, exist_ok=True)
        if v.path.exists():
            shutil.copyfile(v.path, folder / v.path.name)
        gold = dict(v.gold, file=v.path.name, acceptable=acceptable(v, s), lossy=v.lossy)
        (folder / f"{v.path.name}.gold.json").write_text(
            json.dumps(gold, ensure_ascii=False, indent=1), encoding="utf-8"
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--out", type=Path, default=None, help="keep the variants here (default: a temp dir)")
    ap.add_argument("--fast", action="store_true", help="skip LibreOffice, Chromium, markitdown and pandoc")
    ap.add_argument("--kind", default=None, help="only these kinds (comma-separated names or patterns)")
    ap.add_argument("--cache", type=Path, default=None, help="keep conversion outputs here between runs")
    ap.add_argument("--files", type=Path, default=None, help="copy each variant and its gold to DIR/<kind>/")
    ap.add_argument("--json", type=Path, default=None, help="write every variant's score here")
    ap.add_argument("-v", "--verbose", action="store_true", help="describe every imperfect variant")
    args = ap.parse_args()
    tmp = None
    out = args.out
    if out is None:
        tmp = tempfile.TemporaryDirectory(prefix="nianbao-variants-")
        out = Path(tmp.name)
    cache = Cache(args.cache) if args.cache else default_cache()
    started = time.process_time()
    wall = time.perf_counter()
    variants = build_all(out, args.corpus, slow=not args.fast, cache=cache, kinds=kind_filter(args.kind))
    built = time.process_time()
    results = [(v, score(v)) for _, v in sorted(variants.items())]
    done = time.process_time()
    if args.verbose:
        for v, s in results:
            if not acceptable(v, s):
                print(describe(v, s))
    if args.files:
        keep_files(results, args.files)
    if args.json:
        rows = [
            dict(
                id=v.id,
                kind=v.kind,
                source=v.source,
                file=str(v.path),
                lossy=v.lossy,
                acceptable=acceptable(v, s),
                scored=s["scored"],
                right=s["right"],
                silent=s["silent"],
                meta_ok=s["meta_ok"],
                error=s["error"],
                wrong=[[*map(str, w), w[0] in flagged_cells(s)] for w in s["wrong"]],
                missed=sorted(s["expected"] - s["found"]),
                false_errors=sorted(s["false_errors"]),
            )
            for v, s in results
        ]
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    print(markdown_table(summarize(results)))
    print(
        f"\n{len(results)} variants · built in {built - started:.1f}s CPU (this process; tools are"
        f" child processes) · parsed and scored in {done - built:.1f}s CPU · {time.perf_counter() - wall:.0f}s wall"
    )
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
