"""MHTML: a web page saved as one MIME file (browsers' .mht/.mhtml, Word's 单个文件网页), often
published as `.doc` or `.txt`.

The page is the first `text/html` part; the standard library's MIME parser undoes its transfer
encoding (quoted-printable, base64) and charset, and the HTML reader reads it as any page.
"""

from __future__ import annotations

import re

from ..document import Document
from ..errors import ReadError
from ..plugins import reader
from .html import read as read_html

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
    for part in message.walk():
        if part.get_content_type() != "text/html":
            continue
        try:
            html = part.get_content()
        except (LookupError, ValueError) as exc:
            raise ReadError(f"MHTML 网页部分无法解码：{exc}") from None
        if isinstance(html, bytes):
            html = html.decode("utf-8", errors="replace")
        doc = read_html(html.encode("utf-8"), source)
        doc.format = "mhtml"
        return doc
    raise ReadError("MHTML 文件中没有网页内容（text/html 部分）")
