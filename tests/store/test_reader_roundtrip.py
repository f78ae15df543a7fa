"""The data model's boundary: what a reader produced is what the store gives back.

For every reader, the report parsed from a real file (from the corpus or written by nianbao) goes
through `add_report` and the ingest path (`record_document`) and comes back from `get_report` with
the same cells (value, printed text, method, label, provenance with every field: OCR confidence,
bbox …), the same findings and the same parts; a property test does the same for arbitrary
provenance and findings. Provenance written by a newer version (a field this one does not know)
still loads.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reader_samples import READERS, have_ocr, have_soffice, sample
from sqlalchemy import text

from nianbao.document import Provenance
from nianbao.findings import CATALOGUE, Finding, Severity
from nianbao.model import CellValue, Report, Section
from nianbao.store import Store
from nianbao.store.db import clean
from nianbao.templates import get_template

_PARSED: dict[str, Report] = {}


def parsed(reader: str, corpus) -> Report:
    if reader not in _PARSED:
        from nianbao.api import parse

        name, data = sample(reader, corpus)
        report = parse(data, name=name)
        report.document = None  # not stored: the store keeps the report, not the reader's blocks
        _PARSED[reader] = report
    return _PARSED[reader]


def _marks(reader: str) -> list:
    marks = []
    if reader == "office":
        marks += [pytest.mark.libreoffice, pytest.mark.skipif(not have_soffice(), reason="soffice missing")]
    if reader in ("image", "scanned_pdf"):
        marks += [pytest.mark.slow, pytest.mark.skipif(not have_ocr(), reason="OCR extra not installed")]
    return marks


def assert_same(got: Report, want: Report) -> None:
    assert set(got.cells) == set(want.cells)
    for key, cell in want.cells.items():
        back = got.cells[key]
        assert back == cell, key
        if isinstance(cell.value, int) and _integer(key, want):  # amounts come back as floats: 7545.0
            assert type(back.value) is int, key
        if cell.prov is not None:
            assert back.prov.to_dict() == cell.prov.to_dict(), key
    assert got.findings == want.findings
    assert got.sections == want.sections
    for field in ("source", "format", "organ", "region", "year", "template", "published", "title"):
        assert getattr(got, field) == getattr(want, field), field
    assert got.table_templates == want.table_templates
    assert got.tables_present == want.tables_present


def _integer(key: str, report: Report) -> bool:
    table = key.split(".")[0]
    tid = report.table_templates.get(table) or report.template
    try:
        return get_template(tid).table(table).column(key).integer
    except KeyError:
        return False


@pytest.mark.parametrize("reader", [pytest.param(r, marks=_marks(r)) for r in READERS])
def test_every_readers_report_reads_back_identical(reader: str, db_url: str, corpus_dir) -> None:
    report = parsed(reader, corpus_dir)
    assert report.cells and any(c.prov is not None for c in report.cells.values())
    if reader in ("image", "scanned_pdf"):
        assert any(c.prov and c.prov.confidence is not None for c in report.cells.values())
    store = Store(db_url)
    try:
        rid = store.add_report(report)
        assert_same(store.get_report(rid).report, report)
        # the ingest path: one transaction with the file's record
        digest = hashlib.sha256(reader.encode()).hexdigest()
        store.record_document(digest, report.source, 1, report)
        (sr,) = [s for s in store.reports() if s.document_id is not None]
        assert_same(sr.report, report)
    finally:
        store.close()


# --- the same for anything a reader may produce --------------------------------------------------
_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)  # NUL included
_number = st.floats(allow_nan=False, allow_infinity=False, width=32)
provenances = st.builds(
    Provenance,
    line=st.none() | st.integers(1, 10**6),
    page=st.none() | st.integers(1, 2000),
    bbox=st.none() | st.tuples(_number, _number, _number, _number),
    table=st.none() | st.integers(0, 50),
    row=st.none() | st.integers(0, 500),
    col=st.none() | st.integers(0, 50),
    offset=st.none() | st.integers(0, 10**5),
    method=st.none() | st.sampled_from(["ocr", "segmentation", "converted"]) | _text,
    confidence=st.none() | st.floats(0, 1),
)
_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | _number | _text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=6,
)
TEMPLATE = get_template("2021")
KEYS = list(TEMPLATE.cell_keys)


@st.composite
def reports(draw) -> Report:
    report = Report(source=draw(_text) or "x.txt", format="text", year=2024, template=TEMPLATE.id)
    report.table_templates = {t: TEMPLATE.id for t in TEMPLATE.tables}
    for key in draw(st.lists(st.sampled_from(KEYS), unique=True, max_size=12)):
        integer = TEMPLATE.table(key.split(".")[0]).column(key).integer
        value = draw(st.none() | (st.integers(0, 10**9) if integer else _number))
        report.cells[key] = CellValue(
            value,
            draw(st.none() | _text),
            draw(st.none() | provenances),
            draw(st.sampled_from(["read", "recovered", "inferred", "converted", "ambiguous"])),
            draw(st.none() | _text.filter(bool)),
        )
    for _ in range(draw(st.integers(0, 4))):
        code = draw(st.sampled_from(sorted(CATALOGUE)))
        data = draw(st.dictionaries(_text.filter(lambda k: k not in ("accepted",)), _json, max_size=3))
        report.findings.append(
            Finding(
                code,
                draw(_text),
                draw(st.lists(st.sampled_from(KEYS), max_size=3)),
                draw(st.none() | _text),
                draw(st.sampled_from(list(Severity))),
                data,
            )
        )
    report.sections = [
        Section(
            draw(st.none() | st.sampled_from(["overview", "problems"])), draw(_text), None, draw(_text), p
        )
        for p in draw(st.lists(st.none() | provenances, max_size=2))
    ]
    return report


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(report=reports())
def test_any_report_reads_back_identical(db_url: str, report: Report) -> None:
    store = Store(db_url)
    try:
        assert_same(store.get_report(store.add_report(report)).report, _expected(report))
    finally:
        store.close()


def _expected(report: Report) -> Report:
    """What the store keeps: text without NUL characters (PostgreSQL refuses them, no report means
    them), and a finding reported twice with the same content once (the store's unique key)."""
    want = copy.deepcopy(report)
    for attr in ("source", "organ", "region", "title", "published"):
        setattr(want, attr, clean(getattr(want, attr)))
    for key, c in want.cells.items():
        prov = c.prov and replace(c.prov, method=clean(c.prov.method))
        want.cells[key] = replace(c, raw=clean(c.raw), label=clean(c.label), prov=prov)
    want.sections = [
        replace(
            s,
            heading=clean(s.heading),
            text=clean(s.text),
            prov=s.prov and replace(s.prov, method=clean(s.prov.method)),
        )
        for s in want.sections
    ]
    seen, kept = set(), []
    for f in want.findings:
        f = Finding(f.code, clean(f.message), f.cells, clean(f.where), f.severity, clean(f.data))
        key = json.dumps([f.code, f.message, f.cells, f.where], ensure_ascii=False)
        if key not in seen:
            seen.add(key)
            kept.append(f)
    want.findings = kept
    return want


def test_provenance_from_a_newer_version_loads(db_url: str) -> None:
    store = Store(db_url)
    try:
        report = Report(source="a.txt", year=2024, template="2021")
        report.cells["t2.rules.issued"] = CellValue(3, "3", Provenance(page=2, bbox=(1.0, 2.5, 3.0, 4.0)))
        rid = store.add_report(report)
        extra = json.dumps({"page": 2, "bbox": [1, 2.5, 3, 4], "glyph_font": "SimSun", "skew": 0.5})
        with store.engine.begin() as c:
            c.execute(text("UPDATE cells SET provenance = :p WHERE report_id = :r"), {"p": extra, "r": rid})
        (cell,) = store.get_report(rid).report.cells.values()
        assert cell.prov == Provenance(page=2, bbox=(1.0, 2.5, 3.0, 4.0))
        assert all(isinstance(x, float) and math.isfinite(x) for x in cell.prov.bbox)
    finally:
        store.close()


def test_an_empty_provenance_reads_back_as_one(db_url: str) -> None:
    # stored as {}, which is falsy: it must not come back as "no provenance"
    from nianbao.document import Provenance
    from nianbao.model import CellValue

    report = Report(source="x.txt", format="text", year=2024, template="2021")
    report.cells["t2.rules.issued"] = CellValue(None, None, Provenance())
    report.cells["t2.rules.repealed"] = CellValue(3, "3", None)
    store = Store(db_url)
    try:
        back = store.get_report(store.add_report(report)).report
        assert back.cells["t2.rules.issued"].prov == Provenance()
        assert back.cells["t2.rules.repealed"].prov is None
    finally:
        store.close()
