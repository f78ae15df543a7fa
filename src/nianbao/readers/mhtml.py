"""MHTML: a web page saved as one MIME file (browsers' .mht/.mhtml, Word's 单个文件网页), often
published as `.doc` or `.txt`.

The page is the first `text/html` part; the standard library's MIME parser undoes its transfer
encoding (quoted-printable, base64) and charset, and the HTML reader reads it as any page. The
page's pictures are the archive's other parts, found by `Content-Location` (resolved against the
page part's own location) or `Content-ID` (`cid:`); a part carrying `X-Nianbao-Error` is a picture
that could not be fetched when the archive was made (`nianbao.acquire.pictures`), and says why.
"""

from __future__ import annotations

import re

from ..document import Document
from ..errors import ReadError
from ..plugins import reader
from ._pictures import Parts
from .html import read_page

# a picture that could not be fetched when nianbao bundled a page with its pictures: why not
ERROR_HEADER = "X-Nianbao-Error"

_HEAD = re.compile(
    rb"^(?:[\w-]+:[^\r\n]*\r?\n(?:[ \t][^\r\n]*\r?\n)*)*?content-type:\s*multipart/related", re.I
)


def _sniff(data: bytes, name: str) -> bool:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return bool(_HEAD.match(head)) or (
        b"MIME-Version:" in head[:512] and b"multipart/related" in head.lower()
    )


@reader("mhtml", extensions=("mht", "mhtml"), sniff=_sniff, priority=45)
def read(data: bytes, source: str) -> Document:
    import email  # here: registering the reader must not load the e-mail package
    import email.policy

    message = email.message_from_bytes(data, policy=email.policy.default)
    page: str | None = None
    base: str | None = None
    parts: dict[str, bytes | str] = {}
    for part in message.walk():
        if part.is_multipart():
            continue
        if part.get_content_type() == "text/html" and page is None:
            try:
                html = part.get_content()
            except (LookupError, ValueError) as exc:
                raise ReadError(f"MHTML 网页部分无法解码：{exc}") from None
            if isinstance(html, bytes):
                html = html.decode("utf-8", errors="replace")
            page, base = html, _location(part)
            continue
        location, cid = _location(part), (part.get("Content-ID") or "").strip().strip("<>")
        if not location and not cid:
            continue
        why = part.get(ERROR_HEADER)
        content: bytes | str
        if why is not None:
            content = str(why)
        else:
            try:
                payload = part.get_payload(decode=True)
            except (LookupError, ValueError):
                payload = None
            content = payload if isinstance(payload, bytes) else "MHTML 中的图片部分无法解码"
        for key in (location, f"cid:{cid}" if cid else None):
            if key and key not in parts:
                parts[key] = content
    if page is None:
        raise ReadError("MHTML 文件中没有网页内容（text/html 部分）")
    doc = read_page(page.encode("utf-8"), source, Parts(base, parts))
    doc.format = "mhtml"
    return doc


def _location(part: object) -> str | None:
    value = part.get("Content-Location")  # type: ignore[attr-defined]
    return str(value).strip() or None if value is not None else None
