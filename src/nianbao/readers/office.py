"""Legacy word-processor files: DOC, WPS (Kingsoft), RTF and ODT.

LibreOffice converts them to DOCX (see `_libreoffice`), and the DOCX reader does the rest, so
tables, merged cells and paragraphs come out exactly as they would from a DOCX. The document keeps
the original format name, so output and statistics still say "doc" or "wps".
"""

from __future__ import annotations

from pathlib import Path

from .. import plugins
from ..document import Document
from ..errors import ReadError
from . import _libreoffice as lo

_EXTENSIONS = ("doc", "dot", "wps", "wpt", "rtf", "odt", "ott")


def original_format(data: bytes, name: str) -> str | None:
    """ "doc", "wps", "rtf" or "odt" when the content is one of them, else None."""
    if data.lstrip()[:5] == b"{\\rtf":
        return "rtf"
    if lo.odf_mimetype(data) == "application/vnd.oasis.opendocument.text":
        return "odt"
    kind = lo.ole2_kind(data)
    if kind == "word":
        return "wps" if Path(name).suffix.lower() in (".wps", ".wpt") else "doc"
    if kind in ("encrypted", "other") and Path(name).suffix.lower().lstrip(".") in _EXTENSIONS:
        return "doc"  # let read() say why it cannot be read rather than "unknown format"
    return None


def _sniff(data: bytes, name: str) -> bool:
    return original_format(data, name) is not None


def _to_docx(data: bytes, fmt: str) -> bytes:
    if lo.ole2_kind(data) == "encrypted":
        raise ReadError("文件已加密（设置了打开密码），无法读取")
    # WPS files are Word 97 binaries; naming them .doc makes LibreOffice pick the Word filter
    # rather than its Microsoft Works importer, which also claims the .wps extension
    ext = {"wps": "doc"}.get(fmt, fmt)
    return lo.convert(data, ext, "docx")


def docx_reader() -> plugins.ReaderSpec:
    plugins.load()
    spec = plugins.READERS.get("docx")
    if spec is None:
        raise ReadError("缺少 DOCX 读取组件，无法读取转换后的文件")
    return spec


def read_office(data: bytes, source: str) -> Document:
    fmt = original_format(data, source)
    if fmt is None:
        raise ReadError("不是可识别的 DOC/WPS/RTF/ODT 文件")
    docx = _to_docx(data, fmt)
    doc = docx_reader().read(docx, source)
    doc.format = fmt
    doc.metadata.setdefault("converted_by", "libreoffice")
    return doc


plugins.reader("office", extensions=_EXTENSIONS, sniff=_sniff, priority=10)(read_office)


def read_many(items: list[tuple[bytes, str]]) -> list[Document | ReadError]:
    """Read several legacy files with one LibreOffice start-up (a batch pays it only once)."""
    fmts = [original_format(d, n) for d, n in items]
    todo = [
        (d, {"wps": "doc"}.get(f, f))
        for (d, _), f in zip(items, fmts, strict=True)
        if f is not None and lo.ole2_kind(d) != "encrypted"
    ]
    converted = iter(lo.convert_many(todo, "docx") if todo else [])
    out: list[Document | ReadError] = []
    for (data, source), fmt in zip(items, fmts, strict=True):
        if fmt is None:
            out.append(ReadError("不是可识别的 DOC/WPS/RTF/ODT 文件"))
            continue
        if lo.ole2_kind(data) == "encrypted":
            out.append(ReadError("文件已加密（设置了打开密码），无法读取"))
            continue
        result = next(converted)
        if isinstance(result, ReadError):
            out.append(result)
            continue
        try:
            doc = docx_reader().read(result, source)
        except ReadError as exc:
            out.append(exc)
            continue
        doc.format = fmt
        doc.metadata.setdefault("converted_by", "libreoffice")
        out.append(doc)
    return out
