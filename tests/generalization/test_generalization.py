"""The parser on republished copies of the labelled reports, scored like eval/score.py.

One test per (source document, variant kind). A copy carries the same report as its source, so
the source's gold applies unchanged: every cell right, no silent error, the expected findings
found, no false error and the metadata right. A conversion known to lose part of a table
(`LOSSY` in bench/make_variants.py, or a variant marked lossy when built) must at least leave no
silent error.

`KNOWN_FAILING` lists the copies the parser does not read yet, by failure class (the classes of
docs/generalization.md; the snippets are in the report the variants engineer keeps for the
extractor). They are strict xfails: when a fix makes one pass, its test turns red and its entry
is removed here — except for the kinds of `UNSTABLE_KINDS`, whose text changes between builds.
"""

from __future__ import annotations

import fnmatch

import pytest
from _generalization import load_variants_module

mv = load_variants_module()

C1 = "C1 markitdown of a PDF: one pipe table per row, labels outside, two columns in one cell (`447 7`)"
C13 = "C13 a table or cells printed blank, in a text dump: TABLE_INCOMPLETE instead of CELL_BLANK"
C22 = (
    "C22 LibreOffice's PDF import saved as Word: a row's numbers on the line of the group label"
    " beside it (（三）不予公开), its label's number and words on two lines"
)
C21 = "C21 html2text of a page whose 表三 rows are short by their row-spanned cells and print blank cells"
C20 = (
    "C20 a Python PDF library's text (pypdf, pdfplumber, their layout modes): labels wrapped around their numbers, lines of "
    "numbers two rows could own, blank cells with no position: reported, not guessed"
)

ALL = "*"
# kind -> {source or ALL: failure class}
KNOWN_FAILING: dict[str, dict[str, str]] = {
    "chromium-pdf+markitdown": {"shanghai-gov-office-2019": C1},
    "soffice-pdf+markitdown": {s: C1 for s in ("pingtan-2019-html", "shanghai-gov-office-2019")},
    "writer-pdf+markitdown": {"shanghai-gov-office-2019": C1},
    "writer-chromium-pdf+markitdown": {"shanghai-gov-office-2019": C1},
    "chromium-pdf+layout": {"shanghai-gov-office-2019": C13},
    "chromium-pdf+pdfminer": {"shanghai-gov-office-2019": C13},
    "html2text": {"shanghai-gov-office-2019": C21},
    "soffice-import-docx": {s: C22 for s in ("huaian-hongze-2023", "huaian-hongze-2024")},
    "pdfplumber-text": {s: C20 for s in ("huaian-hongze-2023", "huaian-hongze-2024")},
    "chromium-pdf+pypdf": {s: C20 for s in ("pingtan-2019-html", "shanghai-gov-office-2019")},
    "chromium-pdf+pdfplumber": {"shanghai-gov-office-2019": C20},
    "soffice-pdf+pypdf": {"pingtan-2019-html": C20},
    "soffice-pdf+pdfplumber": {"pingtan-2019-html": C20},
    "pypdf-layout-text": {s: C20 for s in ("huaian-hongze-2023", "huaian-hongze-2024")},
    "chromium-pdf+pypdf-layout": {s: C20 for s in ("pingtan-2021-html", "shanghai-gov-office-2019")},
    "chromium-pdf+pdfplumber-layout": {s: C20 for s in ("pingtan-2021-html", "shanghai-gov-office-2019")},
    "soffice-pdf+pypdf-layout": {"pingtan-2019-html": C20},
    "soffice-pdf+pdfplumber-layout": {s: C20 for s in ("pingtan-2019-html", "pingtan-2021-html")},
    "writer-chromium-pdf+layout": {"shanghai-gov-office-2019": C13},
    "writer-pdf+layout": {"shanghai-gov-office-2019": C13},
}


# Chromium prints the print time and the file's temp path in its page header and footer, and
# lays the page out with the fonts the machine has, so a PDF library's positional text of that
# print is not the same from one build or machine to the next (a failing copy of one build can
# pass in another; the Shanghai page's pdfminer text left one blank cell in doubt on a machine with
# more fonts): those xfails are not strict.
UNSTABLE_KINDS = ("chromium-pdf+pypdf*", "chromium-pdf+pdfplumber*", "chromium-pdf+pdfminer")


def unstable(kind: str) -> bool:
    return any(fnmatch.fnmatchcase(kind, p) for p in UNSTABLE_KINDS)


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
            marks.append(pytest.mark.xfail(strict=not unstable(kind), reason=reason))
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
    if not (mv.CORPUS / "gold").is_dir():
        pytest.skip("shared corpus not present")
    planned = {}
    for source, kind in mv.plan(mv.CORPUS):
        planned.setdefault(kind, set()).add(source)
    for pattern, entry in KNOWN_FAILING.items():
        kinds = [k for k in planned if fnmatch.fnmatchcase(k, pattern)]
        assert kinds, pattern
        for kind in kinds:
            assert set(entry) - {ALL} <= planned[kind], (kind, set(entry) - planned[kind])
