"""Plain text: one `Paragraph` per line, as printed.

Most text reports are dumps of Word files: table rows come out tab-separated or one cell per line,
and the line structure is all the extractor has, so lines are kept exactly (tabs, blank lines,
indentation). Only residue of the dump that is never content is removed: bookmark markers
(`[bookmark: _GoBack]`), form-feeds and zero-width characters.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from ..document import Document, Paragraph, Provenance
from ..errors import ReadError
from ..plugins import READERS, reader
from ._encoding import decode_text, looks_like_text

_LINE_BREAK = re.compile(r"\r\n|\r|\n|\u2028|\u2029")
_RESIDUE = re.compile(r"\[bookmark: [^\]\n]*\]|[\x0b\x0c\u200b-\u200d\u2060\ufeff]")

# A crawler's dump starts with "key: value" lines and a separator before the body.
_CRAWL_SEPARATOR = re.compile(r"^=+ *正文 *=+$")
_CRAWL_KEYS = {
    "标题": "title",
    "发布时间": "published",
    "发布机构": "publisher",
    "原文链接": "url",
    "文号": "document_number",
}


def clean_line(line: str) -> str:
    return _RESIDUE.sub("", line)


def split_lines(text: str) -> list[str]:
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":  # the newline that ends the last line does not start another
        lines.pop()
    return lines


def _crawl_header(lines: list[str]) -> dict[str, str]:
    """Metadata from a crawler's header block, if the file has one (only the first ~20 lines)."""
    meta: dict[str, str] = {}
    for line in lines[:20]:
        if _CRAWL_SEPARATOR.match(line.strip()):
            return meta
        key, sep, value = line.partition(":")
        if sep and key.strip() in _CRAWL_KEYS and value.strip():
            meta[_CRAWL_KEYS[key.strip()]] = value.strip()
    return {}


def read_text(data: bytes, source: str, fmt: str = "text") -> tuple[Document, list[str]]:
    """Decode and split; returns the document (without blocks) and its cleaned lines."""
    if not data.strip():
        raise ReadError("文件为空")
    text, encoding = decode_text(data)
    lines = [clean_line(line) for line in split_lines(text)]
    doc = Document(source=source, format=fmt, metadata={"encoding": encoding})
    header = _crawl_header(lines)
    if header:
        doc.title = header.pop("title", None)
        doc.metadata.update(header)
    return doc, lines


def _sniff(data: bytes, name: str) -> bool:
    """The fallback: anything that decodes as text. It runs after every more specific sniffer,
    and leaves a file whose extension another reader claims (`.md`, `.htm` …) to that reader."""
    ext = PurePath(name).suffix.lower().lstrip(".")
    if ext and any(ext in spec.extensions for spec in READERS.values() if spec.name != "text"):
        return False
    return looks_like_text(data)


@reader("text", extensions=("txt", "text", "csv", "tsv"), sniff=_sniff, priority=-100)
def read(data: bytes, source: str) -> Document:
    doc, lines = read_text(data, source)
    doc.blocks = [Paragraph(line, Provenance(line=i)) for i, line in enumerate(lines, 1)]
    return doc
