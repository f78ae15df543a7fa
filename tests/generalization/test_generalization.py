"""The parser on republished copies of the labelled reports, scored like eval/score.py.

One test per (source document, variant kind). A copy carries the same report as its source, so
the source's gold applies unchanged: every cell right, no silent error, the expected findings
found, no false error and the metadata right. A conversion known to lose part of a table
(`LOSSY` in bench/make_variants.py, or a variant marked lossy when built) must at least leave no
silent error.

`KNOWN_FAILING` lists the copies the parser does not read yet, by failure class (the classes of
docs/generalization.md; the snippets are in the report the variants engineer keeps for the
extractor). They are strict xfails: when a fix makes one pass, its test turns red and its entry
is removed here.
"""

from __future__ import annotations

import fnmatch

import pytest
from _generalization import load_variants_module

mv = load_variants_module()

C1 = "C1 markitdown of a PDF: one pipe table per row, labels outside, two columns in one cell (`447 7`)"
C2 = "C2 a table lost by the converter: TABLE_MISSING must name the cells it leaves null"
C3 = "C3 raw HTML <table> inside Markdown (pandoc -t gfm of merged cells)"
C4 = "C4 pandoc grid tables (+---+ borders, cells wrapped over lines)"
C5 = "C5 pipe rows without a separator line, rows short by their row-spanned cells, <u> in cells, Markdown in .txt"
C6 = "C6 python-docx row.cells: a merged cell repeated in every grid column it spans"
C7 = "C7 docx2txt: one cell per paragraph, empty cells only as extra blank lines"
C8 = "C8 ruled PDF: a vertical group label sharing its grid row with the first sub-row"
C9 = "C9 Chromium print: 表三 crossing a page, print header/footer inside the table"
C10 = "C10 a spreadsheet's Markdown: sheet heading taken as the organ, sections missing"
C11 = "C11 clean pipe table: 表三's last row and 表二's last block lost (pingtan-2023)"
C13 = "C13 a table or cells printed blank, in a text dump: TABLE_INCOMPLETE instead of CELL_BLANK"
# the writer's layouts (nianbao.synth.layouts), in Markdown, HTML and DOCX alike
C14 = "C14 2021 表二 headers in their other wordings (本年制发数量 …): read as the 2019 template"
C15 = "C15 表三 columns in another order under a one-row header: values placed by position (SILENT)"
C16 = "C16 表四 as three tables (行政复议 / 未经复议直接起诉 / 复议后起诉)"
C17 = "C17 a dummy table full of `-` before each table"
C18 = "C18 表三 split by a page break with its header printed again"
C19 = "C19 表四 with a row per group (transposed), or without its header"

ALL = "*"
# kind -> {source or ALL: failure class}
KNOWN_FAILING: dict[str, dict[str, str]] = {
    "markitdown-pdf": {ALL: C1},
    "soffice-pdf+markitdown": {ALL: C1},
    "chromium-pdf+markitdown": {ALL: C1},
    "writer-pdf+markitdown": {ALL: C1},
    "writer-chromium-pdf+markitdown": {
        s: C1
        for s in (
            "000_99c313048ea6a297",
            "003_9062bfdbeadefa61",
            "huaian-city-2024",
            "huaian-hongze-2023",
            "pingtan-2025-html",
            "shanghai-gov-office-2019",
        )
    },
    "soffice-docx+pandoc-gfm-noraw": {ALL: C2},
    "soffice-docx+pandoc-gfm": {ALL: C3},
    "writer-docx+pandoc-gfm": {ALL: C3},
    "pandoc-html-gfm": {"shanghai-gov-office-2019": C3, "pingtan-2023-html": C11},
    "soffice-docx+pandoc-plain": {ALL: C4},
    "soffice-docx+pandoc-markdown": {ALL: C4},
    "soffice-docx+pandoc-rst": {ALL: C4},
    "writer-docx+pandoc-plain": {ALL: C4},
    "writer-docx+pandoc-markdown": {ALL: C4},
    "writer-docx+pandoc-rst": {ALL: C4},
    "pandoc-html-plain": {ALL: C4},
    "soffice-html+markitdown": {ALL: C5},
    "writer-soffice-html+markitdown": {ALL: C5},
    "markitdown-html-as-txt": {ALL: C5},
    "soffice-docx+markitdown": {"pingtan-2019-html": C5, "pingtan-2023-html": C11},
    "soffice-docx+python-docx": {ALL: C6},
    "writer-docx+python-docx": {ALL: C6},
    "writer-chromium-pdf": {ALL: C8},
    "chromium-pdf": {"pingtan-2025-html": C9},
    "chromium-pdf+layout": {"shanghai-gov-office-2019": C13},
    "writer-chromium-pdf+layout": {"shanghai-gov-office-2019": C13},
    "writer-pdf+layout": {"shanghai-gov-office-2019": C13},
    "writer-xlsx+markitdown": {ALL: C10},
    "markitdown-html": {"pingtan-2023-html": C11},
    # writer layouts: the same failures whatever the format
    "synth-wording+*": {
        s: C14
        for s in ("003_9062bfdbeadefa61", "huaian-city-2024", "huaian-hongze-2023", "pingtan-2025-html")
    },
    "synth-col-order+*": {
        s: C15
        for s in ("huaian-city-2024", "huaian-hongze-2023", "pingtan-2025-html", "shanghai-gov-office-2019")
    },
    "synth-t4-three+*": {ALL: C16},
    "synth-dummy-tables+*": {ALL: C17},
    "synth-header-repeat+*": {
        s: C18 for s in ("000_99c313048ea6a297", "001_39f905e0d0162760", "003_9062bfdbeadefa61")
    },
    "synth-no-header+*": {s: C19 for s in ("001_39f905e0d0162760", "shanghai-gov-office-2019")},
    "synth-t4-transposed+*": {s: C19 for s in ("001_39f905e0d0162760", "shanghai-gov-office-2019")},
}


def known_failure(source: str, kind: str) -> str | None:
    for pattern, entry in KNOWN_FAILING.items():
        if fnmatch.fnmatchcase(kind, pattern):
            return entry.get(source) or entry.get(ALL)
    return None


def _params() -> list:
    if not (mv.CORPUS / "gold").is_dir():
        return [pytest.param("-", "-", marks=pytest.mark.skip(reason="shared corpus not present"))]
    params = []
    for source, kind in mv.plan(mv.CORPUS):
        group = mv.group_of(kind)
        marks = [] if group == "fast" else [pytest.mark.slow]
        if group in ("office", "office-convert"):
            marks.append(pytest.mark.libreoffice)
        if group == "chromium":
            marks.append(pytest.mark.browser)
        reason = known_failure(source, kind)
        if reason:
            marks.append(pytest.mark.xfail(strict=True, reason=reason))
        params.append(pytest.param(source, kind, marks=marks, id=f"{source}-{kind}"))
    return params


@pytest.mark.parametrize(("source", "kind"), _params())
def test_variant_parses_like_its_source(source: str, kind: str, variant_of) -> None:
    variant = variant_of(source, kind)
    assert variant.path.exists(), f"{kind}: the conversion produced no file"
    score = mv.score(variant)
    assert mv.acceptable(variant, score), mv.describe(variant, score, limit=20)


def test_known_failing_names_planned_variants() -> None:
    """An entry for a kind or source that no longer exists would hide nothing and mislead."""
    planned = {}
    for source, kind in mv.plan(mv.CORPUS):
        planned.setdefault(kind, set()).add(source)
    for pattern, entry in KNOWN_FAILING.items():
        kinds = [k for k in planned if fnmatch.fnmatchcase(k, pattern)]
        assert kinds, pattern
        for kind in kinds:
            assert set(entry) - {ALL} <= planned[kind], (kind, set(entry) - planned[kind])
