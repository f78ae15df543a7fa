"""A PDF whose fonts have no ToUnicode map: it displays right and its text layer is glyph numbers.
Made from a labelled corpus PDF by deleting the maps (what some Chinese PDF printers write);
the page is then read from its pixels, never from the garbage."""

from __future__ import annotations

import io
import json
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

import nianbao
from nianbao.readers import _legible

# the first line of huaian-city-2024.pdf's text layer without its maps (pdfium's extraction)
GLYPH_NUMBERS = "\x10 \x14 \x10 ࣉ̠ඞஊउ \x13\x11\x13\x15 ࣱஊउζোМधࢹͺࣱऎઐն ᱘៑ॶ⩝⌚ႵጮϦℽᩫᏈژߊაᵥᢚȧ͙ࡺϦℽڝস"
REAL = "2024年，淮安市人民政府办公室坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实《中华人民共和国政府信息公开条例》。"


def test_glyph_numbers_are_garbled_and_text_is_not():
    assert _legible.garbled(GLYPH_NUMBERS * 2)
    assert not _legible.garbled(REAL)
    assert not _legible.garbled(
        "Annual report of the government information disclosure work, 2024 — table 3."
    )
    assert not _legible.garbled("（一）予以公开 12 0 0 0 0 0 12；①②③ ％‰ ×√" * 3)
    assert not _legible.garbled(GLYPH_NUMBERS[:30])  # too little to decide


_GB = sorted(_legible._gb2312())


@given(st.text(alphabet=st.sampled_from(_GB + list("0123456789，。、；：（）《》 ")), min_size=60))
def test_any_text_of_common_characters_is_legible(text):
    assert not _legible.garbled(text)


@given(st.text(alphabet=st.characters(min_codepoint=0x0900, max_codepoint=0x1FFF), min_size=60))
def test_text_of_scripts_no_report_uses_is_garbled(text):
    assert _legible.garbled(text)


def _without_maps(pdf: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    reader, writer = PdfReader(io.BytesIO(pdf)), PdfWriter()
    removed = 0
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for name in list(fonts.keys()):
            font = fonts[name].get_object()
            if "/ToUnicode" in font:
                del font[NameObject("/ToUnicode")]
                removed += 1
        writer.add_page(page)
    assert removed
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def garbled_pdf(corpus_dir):
    return _without_maps((corpus_dir / "pdf" / "huaian-hongze-2023.pdf").read_bytes())


def test_without_ocr_every_page_is_named_and_no_garbage_is_read(garbled_pdf, monkeypatch):
    monkeypatch.setenv("NIANBAO_PDF_OCR", "0")
    r = nianbao.parse(garbled_pdf, "report.pdf")
    notes = [f.message for f in r.findings if f.code == "DOCUMENT_READ_NOTE"]
    assert notes and all("文字层无法解码" in m for m in notes), notes
    assert r.organ is None and not r.tables_present
    assert all(not p.text for p in r.document.blocks), "glyph numbers read as text"


@pytest.mark.slow
def test_the_pages_are_read_by_ocr_right_or_flagged(garbled_pdf, corpus_dir, shared_dir):
    pytest.importorskip("rapidocr")
    sys.path.insert(0, str(shared_dir / "eval"))
    import score

    gold = json.loads((corpus_dir / "gold" / "huaian-hongze-2023.json").read_text(encoding="utf-8"))
    r = nianbao.parse(garbled_pdf, "report.pdf")
    s = score.score_one(gold, r.to_dict())
    assert s["silent"] == 0, s["wrong"]
    assert s["right"] >= 0.99 * s["scored"], s["wrong"]
    assert r.year == 2023 and r.organ and "洪泽" in r.organ
    assert r.document.metadata["ocr_pages"]
