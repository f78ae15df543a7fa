"""MHTML pages (saved as one file by a browser or Word) under any name."""

from __future__ import annotations

import quopri

import pytest

import nianbao
from nianbao.errors import ReadError
from nianbao.readers import read_document


def _mhtml(html: str, charset: str = "gb2312") -> bytes:
    body = quopri.encodestring(html.encode(charset))
    return (
        b"From: <Saved by Blink>\r\n"
        b"Subject: report\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/related; type="text/html"; boundary="----MultipartBoundary--x"\r\n'
        b"\r\n"
        b"------MultipartBoundary--x\r\n"
        b"Content-Type: text/html; charset=" + charset.encode() + b"\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n"
        b"Content-Location: http://example.gov.cn/art/2024/1/20/report.html\r\n"
        b"\r\n" + body + b"\r\n"
        b"------MultipartBoundary--x\r\n"
        b"Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n"
        b"------MultipartBoundary--x--\r\n"
    )


@pytest.mark.parametrize("name", ["report.mht", "report.doc", "report.txt"])
def test_mhtml_under_any_name_reads_as_its_page(corpus_dir, name):
    page = (corpus_dir / "html" / "pingtan-2023.html").read_text(encoding="utf-8")
    data = _mhtml(page, "utf-8" if name.endswith(".txt") else "gb18030")
    doc = read_document(data, name)
    assert doc.format == "mhtml"
    direct = read_document(corpus_dir / "html" / "pingtan-2023.html")
    assert [t.to_text_rows() for t in doc.tables] == [t.to_text_rows() for t in direct.tables]
    direct_report = nianbao.parse(corpus_dir / "html" / "pingtan-2023.html")
    assert nianbao.parse(data, name).values() == direct_report.values()


def test_mhtml_without_a_page_is_a_clear_error():
    data = (
        b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=b\r\n\r\n--b\r\n"
        b"Content-Type: image/png\r\n\r\nxx\r\n--b--\r\n"
    )
    with pytest.raises(ReadError, match="没有网页内容"):
        read_document(data, "x.mht")
