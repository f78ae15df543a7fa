"""Whatever the bytes, a reader returns a Document or raises ReadError: a batch never crashes."""

from __future__ import annotations

import io

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.document import Document
from nianbao.errors import ReadError
from nianbao.readers import docx as docx_reader
from nianbao.readers import html, markdown, text

READERS = {"text": text.read, "html": html.read, "markdown": markdown.read, "docx": docx_reader.read}


def _outcome(read, data: bytes) -> None:
    try:
        doc = read(data, "fuzz")
    except ReadError as exc:
        assert str(exc)  # a message for the user
    else:
        assert isinstance(doc, Document)


@pytest.mark.parametrize("name", sorted(READERS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=2000))
def test_random_bytes(name, data):
    _outcome(READERS[name], data)


@settings(max_examples=60, deadline=None)
@given(
    body=st.text(alphabet=st.sampled_from(list("<>/=\"' &;#x0123abtdrhpcolspanrowspan表格\n")), max_size=400)
)
def test_random_tag_soup(body):
    _outcome(html.read, f"<html><body>{body}</body></html>".encode())


def _small_docx() -> bytes:
    d = docx.Document()
    d.add_paragraph("一、总体情况")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).merge(t.cell(1, 0)).text = "行政复议"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


_DOCX = _small_docx()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(_DOCX) - 1), st.integers(0, 255)), min_size=1, max_size=20))
def test_docx_with_flipped_bytes(flips):
    data = bytearray(_DOCX)
    for pos, value in flips:
        data[pos] = value
    _outcome(docx_reader.read, bytes(data))


def test_corpus_files_truncated_anywhere(corpus_dir):
    page = (corpus_dir / "html" / "shanghai-gov-office-2019.html").read_bytes()
    seed = (corpus_dir / "seeds" / "004_e35715c91d6cc432.txt").read_bytes()
    for cut in range(1, 40):
        _outcome(html.read, page[: len(page) * cut // 40])
        # a cut inside a UTF-8 character (a truncated download) still reads as UTF-8
        doc = text.read(seed[: len(seed) * cut // 40], "cut.txt")
        assert doc.metadata["encoding"] == "utf-8"
