"""A report page whose tables are pictures: the page bundled with its pictures as one MHTML file.

When the report is the page itself, its same-site pictures (`Page.pictures`) are fetched with the
same fetcher as everything else — address checks, robots.txt, the host's rate limit, the size
cap, conditional requests for a picture seen before — and the page and its pictures become one
MHTML archive: what is parsed, stored and kept as evidence is then the page as it was shown, and
the MHTML reader OCRs the pictures where they stand. A picture that cannot be fetched is a part
with no content and an `X-Nianbao-Error` header saying why, so the reader names it. A page whose
pictures are all logos and icons (or none could be fetched) stays the page alone.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import replace
from email.header import Header

from ..readers._pictures import worth_reading
from ..readers.mhtml import ERROR_HEADER
from .errors import FetchError
from .listing import Crawler, Fetched


async def with_pictures(crawler: Crawler, page: Fetched) -> Fetched:
    """`page` (a report page) with its pictures, as an MHTML `Fetched`; `page` itself when it has
    no pictures to fetch."""
    if page.page is None or not page.page.pictures or page.content is None:
        return page
    parts: list[tuple[str, bytes | None, str | None, str | None]] = []
    changed = page.changed
    for url in page.page.pictures:
        try:
            got = await crawler.fetch(url)
        except FetchError as exc:
            parts.append((url, None, None, str(exc)))
            continue
        changed = changed or got.changed
        if got.content is None:
            parts.append((url, None, None, "服务器称图片未变，但本地副本缺失"))
        else:
            parts.append((url, got.content, _content_type(got.content), None))
    if not any(data is not None and worth_reading(data) for _, data, _, _ in parts):
        return page  # logos and icons (or nothing fetched): the page alone is the report
    bundle = bundle_mhtml(page.final_url, page.content, parts)
    sha = hashlib.sha256(bundle).hexdigest()
    return replace(
        page,
        kind="mhtml",
        sha256=sha,
        content=bundle,
        changed=changed,
        local_file=crawler.save(sha, "mhtml", bundle),
    )


def bundle_mhtml(
    url: str, html: bytes, pictures: list[tuple[str, bytes | None, str | None, str | None]]
) -> bytes:
    """An MHTML archive (RFC 2557) of the page at `url` and its pictures, each (address, bytes,
    content type, why it is missing). Every part is base64, so no content can hold the boundary;
    the boundary comes from the contents, so the same page and pictures give the same bytes."""
    digest = hashlib.sha256(html)
    for _, data, _, why in pictures:
        digest.update(data or (why or "").encode())
    boundary = f"----nianbao-{digest.hexdigest()[:24]}"
    out = [
        "MIME-Version: 1.0",
        f'Content-Type: multipart/related; type="text/html"; boundary="{boundary}"',
        "",
    ]

    def part(headers: list[str], data: bytes) -> None:
        out.extend([f"--{boundary}", *headers, "Content-Transfer-Encoding: base64", ""])
        encoded = base64.b64encode(data).decode("ascii")
        out.extend(encoded[i : i + 76] for i in range(0, len(encoded), 76))

    part(["Content-Type: text/html", f"Content-Location: {_header_safe(url)}"], html)
    for address, data, ctype, why in pictures:
        headers = [
            f"Content-Type: {ctype or 'application/octet-stream'}",
            f"Content-Location: {_header_safe(address)}",
        ]
        if why is not None:
            headers.append(f"{ERROR_HEADER}: {Header(_header_safe(why), 'utf-8').encode()}")
        part(headers, data or b"")
    out.append(f"--{boundary}--")
    out.append("")
    return "\r\n".join(out).encode("utf-8")


def _header_safe(value: str) -> str:
    return " ".join(value.split())[:2000]


def _content_type(data: bytes) -> str:
    from ..readers.image import image_format

    fmt = image_format(data)
    if fmt is not None:
        return f"image/{fmt}"
    return "image/gif" if data[:4] == b"GIF8" else "application/octet-stream"
