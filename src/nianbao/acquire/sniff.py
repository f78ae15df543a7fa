"""What fetched bytes are, by their first bytes; servers label files wrongly all the time
(PDFs as text/html, DOCX as application/octet-stream, WPS as application/msword)."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO
from urllib.parse import unquote, urlsplit

# the formats nianbao reads, with the extension a saved copy gets
REPORT_KINDS = ("pdf", "docx", "doc", "wps", "xlsx", "xls", "et", "ofd", "html", "text")
ATTACHMENT_EXTENSIONS = ("pdf", "doc", "docx", "wps", "xls", "xlsx", "et", "ofd")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*|<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b", re.I | re.S
)


def extension_of(url: str) -> str:
    """The extension of the URL's last path segment ("" if none)."""
    path = unquote(urlsplit(url).path)
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def sniff(data: bytes, content_type: str | None = None, url: str = "") -> str:
    """One of REPORT_KINDS, or "other". The content decides; the header and extension only
    break ties the bytes leave open (an OLE file is .doc, .wps, .xls or .et)."""
    head = data[:2048]
    ext = extension_of(url)
    ctype = (content_type or "").split(";", 1)[0].strip().lower()
    if head.lstrip()[:5] == b"%PDF-":
        return "pdf"
    if head.startswith(_OLE):
        if ext in ("doc", "wps", "xls", "et"):
            return ext
        if "excel" in ctype or "spreadsheet" in ctype:
            return "xls"
        return "doc"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data, ext)
    if _HTML.match(head) or b"<html" in head[:1024].lower():
        return "html"
    if ctype.startswith("text/html"):
        return "html"
    if ctype.startswith("text/") or _looks_like_text(head):
        return "text"
    return "other"


def _zip_kind(data: bytes, ext: str) -> str:
    try:
        names = set(zipfile.ZipFile(BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError):
        return "other"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "OFD.xml" in names:
        return "ofd"
    return ext if ext in ("docx", "xlsx", "wps", "et") else "other"


def _looks_like_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    for enc in ("utf-8", "gb18030"):
        try:
            head.decode(enc)
            return True
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 3:  # a character cut by the 2 KB window
                return True
    return False


def is_report_kind(kind: str) -> bool:
    return kind in REPORT_KINDS
