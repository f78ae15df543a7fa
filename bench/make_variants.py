#!/usr/bin/env python3
"""Republish the labelled corpus reports the way real reports get republished, parse every copy
and score it against the gold labels exactly as `/work/shared/eval/score.py` does.

Each labelled document becomes several *variants*, made with the real tools installed here:

    pdftotext-layout / pdftotext-raw   poppler's `pdftotext -layout` / plain `pdftotext` of a PDF
    lxml-text                          an HTML page's text as a browser copy gives it (blocks on lines,
                                       table cells tab-separated)
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
import importlib.util
import json
import os
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
PDF_KINDS = ("pdftotext-layout", "pdftotext-raw")
HTML_FAST_KINDS = ("lxml-text",)
HTML_OFFICE_KINDS = ("soffice-docx", "soffice-txt", "soffice-pdf", "soffice-pdf-layout")
WRITER_KINDS = ("writer-docx",)
WRITER_OFFICE_KINDS = ("writer-pdf",)
SLOW_KINDS = frozenset(HTML_OFFICE_KINDS + WRITER_OFFICE_KINDS)
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
# conversions that lose part of a table, so only "no silent error" can be asked of the parser
LOSSY = {
    ("shanghai-gov-office-2019", "soffice-pdf"): "LibreOffice keeps the page's fixed 表三 width: the PDF "
    "clips the row labels' left part and the columns after 法律服务机构",
    ("shanghai-gov-office-2019", "soffice-pdf-layout"): "the clipped PDF's text",
}

# Kinds whose text no longer says which number belongs to which row: plain `pdftotext` prints a
# ruled table column by column (all labels, then each column's numbers). The parser is only held
# to leaving nothing silently wrong there; recovering the table needs the PDF itself.
DEGRADED_KINDS = {"pdftotext-raw": "plain pdftotext prints the table column by column"}


@dataclass
class Variant:
    source: str  # the gold file's stem, e.g. "huaian-city-2024"
    kind: str
    path: Path
    gold: dict[str, Any]
    notes: list[str] = field(default_factory=list)

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
        elif folder == "html":
            pairs += [(stem, k) for k in HTML_FAST_KINDS]
            if slow:
                pairs += [(stem, k) for k in HTML_OFFICE_KINDS]
        if stem in WRITER_SOURCES:
            pairs += [(stem, k) for k in WRITER_KINDS]
            if slow:
                pairs += [(stem, k) for k in WRITER_OFFICE_KINDS]
    return pairs


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
            for kind, fn in TEXT_TRANSFORMS.items():
                add(stem, f"layout+{kind}", fn(layout), gold)
        elif folder == "html":
            add(stem, "lxml-text", lxml_text(src.read_bytes()).encode("utf-8"), gold)
    return variants


_NARRATIVE_PARTS = ("overview", "problems", "other")


def build_writer(out: Path, corpus: Path = CORPUS) -> dict[tuple[str, str], Variant]:
    """Official-layout DOCX from the gold cells and the report's own narrative, via nianbao.writer.

    The truth of such a file is what the writer wrote (it fills missing totals), its expected
    findings the errors the writer's own check reports on those cells.
    """
    import nianbao
    from nianbao.writer import ReportData, render_report

    out.mkdir(parents=True, exist_ok=True)
    variants: dict[tuple[str, str], Variant] = {}
    for stem, gold in load_golds(corpus).items():
        if stem not in WRITER_SOURCES:
            continue
        original = nianbao.parse(corpus / gold["file"])
        sections = {s.key: s.text for s in original.sections if s.key in _NARRATIVE_PARTS and s.text}
        cells = {k: v for k, v in gold["cells"].items() if v is not None}
        data = ReportData(
            organ=gold["organ"],
            year=gold["year"],
            template=str(gold["template"]),
            sections=sections,
            cells=cells,
        )
        written = render_report(data, "docx", draft=False, allow_errors=True)
        path = out / f"{stem}.writer-docx.docx"
        path.write_bytes(written.content)
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
    out: Path, writer: dict[tuple[str, str], Variant] | None = None, corpus: Path = CORPUS
) -> dict[tuple[str, str], Variant]:
    """LibreOffice variants: three soffice calls in all, each on a batch of files."""
    golds = load_golds(corpus)
    html = {stem: g for stem, g in golds.items() if _folder(g) == "html"}
    stage = out / "stage"
    stage.mkdir(parents=True, exist_ok=True)
    # LibreOffice names its output after the input: give every input its variant's stem
    inputs = []
    for stem, g in html.items():
        p = stage / f"{stem}.html"
        shutil.copyfile(corpus / g["file"], p)
        inputs.append(p)
    soffice(inputs, "docx:MS Word 2007 XML", out / "docx", infilter="HTML (StarWriter)")
    soffice(inputs, "txt:Text (encoded):UTF8", out / "txt", infilter="HTML (StarWriter)")
    to_pdf = [out / "docx" / f"{stem}.docx" for stem in html]
    for (stem, _kind), v in (writer or {}).items():
        p = stage / f"{stem}.writer.docx"
        shutil.copyfile(v.path, p)
        to_pdf.append(p)
    soffice([p for p in to_pdf if p.exists()], "pdf", out / "pdf")

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
    return variants


def build_all(out: Path, corpus: Path = CORPUS, slow: bool = True) -> dict[tuple[str, str], Variant]:
    variants = build_fast(out / "fast", corpus)
    writer = build_writer(out / "writer", corpus)
    variants.update(writer)
    if slow:
        variants.update(build_office(out / "office", writer, corpus))
    return variants


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
    if (variant.source, variant.kind) in LOSSY or variant.kind in DEGRADED_KINDS:
        return s["error"] is None and s["silent"] == 0 and s["meta_ok"]
    return perfect(s)


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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--out", type=Path, default=None, help="keep the variants here (default: a temp dir)")
    ap.add_argument("--fast", action="store_true", help="skip the LibreOffice variants")
    ap.add_argument("-v", "--verbose", action="store_true", help="describe every imperfect variant")
    args = ap.parse_args()
    tmp = None
    out = args.out
    if out is None:
        tmp = tempfile.TemporaryDirectory(prefix="nianbao-variants-")
        out = Path(tmp.name)
    started = time.perf_counter()
    variants = build_all(out, args.corpus, slow=not args.fast)
    built = time.perf_counter()
    results = [(v, score(v)) for _, v in sorted(variants.items())]
    done = time.perf_counter()
    if args.verbose:
        for v, s in results:
            if not acceptable(v, s):
                print(describe(v, s))
    print(markdown_table(summarize(results)))
    print(
        f"\n{len(results)} variants · built in {built - started:.1f}s · parsed and scored in {done - built:.1f}s"
    )
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
