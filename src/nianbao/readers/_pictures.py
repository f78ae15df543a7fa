"""Pictures inside a document — scans pasted into Word, tables published as `<img>` on a web
page — read by OCR, their text and tables put where the pictures stand.

Which pictures: a page-sized one (`MIN_PICTURE_PIXELS`) is kept whatever OCR finds in it (a
scanned page); a smaller one down to `MIN_TABLE_PIXELS` only when OCR finds a ruled table in it (a
screenshot of 表四 at 1× is about 870×100 pixels, as large as a site's banner, which holds no
grid). Below that: logos, icons, seals, QR codes, never read.

Where a web page's picture bytes come from (`Source`): a `data:` URI in the page; the folder a
browser saved the page with (`Folder`: only files inside the page's own folder); the parts of an
MHTML archive or the pictures fetched with a page (`Parts`). A picture that cannot be had
(damaged, too large, a file missing, a download refused) is named in a warning; the rest of the
document is read.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import contextvars
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, unquote_to_bytes, urljoin, urlsplit

from ..document import Document, Table

MIN_PICTURE_PIXELS = 400_000
MIN_TABLE_PIXELS = 60_000
MAX_PICTURES = 40  # pictures of one document OCR may read; a report has at most a page each
MAX_PICTURE_BYTES = 20 * 1024 * 1024  # one picture file: an A4 scan at 600 dpi as PNG is ~10 MB


class PictureError(Exception):
    """A picture that cannot be had; the message (Chinese) says why."""


def max_picture_bytes() -> int:
    from . import env_limit

    return env_limit("NIANBAO_MAX_PICTURE_BYTES", MAX_PICTURE_BYTES)


@dataclass
class Picture:
    at: int  # index in the document's blocks where the picture stands
    label: str  # how the user finds it: "第2张图片（page_files/t2.png）"
    data: bytes | None = None
    error: str | None = None  # why there are no bytes


def worth_reading(data: bytes) -> bool | None:
    """True when a picture is large enough to hold a table or a page, False when it is a logo
    or an icon; None when the bytes are no picture Pillow knows (a vector drawing, damage)."""
    from .image import picture_size

    size = picture_size(data)
    if size is None:
        return None
    return size[0] * size[1] >= MIN_TABLE_PIXELS


def claims_image(data: bytes) -> bool:
    """Do the first bytes say PNG, JPEG, GIF …? (A picture that does and cannot be decoded is
    damaged; one that does not may be a vector drawing, which OCR has nothing to read in.)"""
    from .image import image_format

    return image_format(data) is not None or data[:6] in (b"GIF87a", b"GIF89a")


def _ocr_ready(data: bytes) -> bytes:
    """The picture in a format the image reader takes: a GIF (old sites' tables) or another
    format Pillow decodes becomes a PNG of its first frame."""
    from PIL import Image

    from .image import image_format, max_pixels

    if image_format(data) is not None:
        return data
    with Image.open(io.BytesIO(data)) as img:
        w, h = img.size
        if w * h > max_pixels():
            return data  # refused by the image reader with its own message
        out = io.BytesIO()
        img.convert("RGB").save(out, "PNG")
        return out.getvalue()


def recognise(doc: Document, pictures: list[Picture], what: str = "文档") -> None:
    """OCR the pictures worth reading (when the OCR extra is installed) and insert their blocks
    at their places in `doc.blocks`; every picture that cannot be read is named in a warning."""
    from . import image, ocr

    readable: list[Picture] = []
    for p in pictures:
        if p.error is not None:
            doc.warnings.append(f"{p.label}无法读取：{p.error}")
            continue
        assert p.data is not None  # a picture without an error has bytes
        worth = worth_reading(p.data)
        if worth is None:
            if claims_image(p.data):
                doc.warnings.append(f"{p.label}已损坏，无法识别")
            continue
        if worth:
            readable.append(p)
    if not readable:
        return
    if not ocr.available():
        doc.warnings.append(f"{what}中有 {len(readable)} 张图片（可能是扫描的表格或页面），需要 OCR 识别")
        return
    if len(readable) > MAX_PICTURES:
        doc.warnings.append(f"{what}中图片过多（{len(readable)} 张），只识别了前 {MAX_PICTURES} 张")
        readable = readable[:MAX_PICTURES]
    inserted = 0
    recognised = 0
    for p in sorted(readable, key=lambda p: p.at):
        assert p.data is not None
        try:
            found = image.read_image(_ocr_ready(p.data), f"{doc.source}#{p.label}")
        except Exception as exc:  # a damaged picture loses that picture, not the document
            doc.warnings.append(f"{p.label}无法识别：{exc}")
            continue
        w, h = image.picture_size(p.data) or (0, 0)
        has_table = any(isinstance(b, Table) for b in found.blocks)
        if not found.blocks or (w * h < MIN_PICTURE_PIXELS and not has_table):
            continue  # a banner or a photo: no page, no table
        doc.blocks[p.at + inserted : p.at + inserted] = found.blocks
        inserted += len(found.blocks)
        recognised += 1
        doc.warnings.append(f"{p.label}的内容由 OCR 识别，请核对")
    if recognised:
        doc.metadata["ocr"] = "rapidocr"
        doc.metadata["ocr_pictures"] = str(recognised)


# --- where a web page's pictures come from ----------------------------------------------------


class Source(Protocol):
    def get(self, src: str, base: str | None) -> bytes | None:
        """The bytes of the picture `src` (resolved against the page's `base` URL, if any);
        None when this source does not hold it; PictureError when it holds it but cannot give it."""
        ...


def data_uri(src: str) -> bytes:
    """The bytes of a `data:` URI (base64 or percent-encoded)."""
    head, sep, payload = src.partition(",")
    if not sep:
        raise PictureError("data: 地址格式错误（缺少逗号）")
    if head.lower().rstrip().endswith(";base64"):
        try:
            data = base64.b64decode("".join(unquote(payload).split()), validate=False)
        except (binascii.Error, ValueError) as exc:
            raise PictureError(f"data: 地址中的 base64 数据已损坏（{exc}）") from None
    else:
        data = unquote_to_bytes(payload)
    if len(data) > max_picture_bytes():
        raise PictureError(_too_large(len(data)))
    return data


def _too_large(n: int) -> str:
    return f"图片文件过大（{n / 1048576:.1f} MB），上限为 {max_picture_bytes() / 1048576:.0f} MB"


class Folder:
    """The files a browser saved with a page ("网页，全部": page.html and page_files/): a picture's
    relative `src`, resolved inside the page's own folder and never outside it (no `..`, no
    absolute path, no symbolic link leading out), an image file under the size limit."""

    def __init__(self, directory: Path) -> None:
        self.root = directory.resolve()

    def get(self, src: str, base: str | None) -> bytes | None:
        parts = urlsplit(src.strip())
        if parts.scheme or parts.netloc or parts.path.startswith(("/", "\\")):
            return None  # a picture on a web site (or at the site's root): not saved with the page
        rel = unquote(parts.path)
        if not rel or "\x00" in rel:
            return None
        path = (self.root / rel.replace("\\", "/")).resolve()
        if not path.is_relative_to(self.root):
            raise PictureError("图片路径指向网页所在文件夹之外，未读取")
        try:
            if not path.is_file():
                raise PictureError("图片文件不存在")
            size = path.stat().st_size
            if size > max_picture_bytes():
                raise PictureError(_too_large(size))
            return path.read_bytes()
        except OSError as exc:
            raise PictureError(f"图片文件无法读取：{exc.strerror or exc}") from None


class Parts:
    """Pictures held by address: the parts of an MHTML archive (`Content-Location`, `cid:`) or
    the pictures fetched with a page. A value that is a string is why that picture is missing."""

    def __init__(self, base: str | None, parts: Mapping[str, bytes | str]) -> None:
        self.base = base
        self.parts = parts

    def get(self, src: str, base: str | None) -> bytes | None:
        src = src.strip()
        found = self.parts.get(src)
        if found is None:
            page = urljoin(self.base, base) if self.base and base else base or self.base
            found = self.parts.get(urljoin(page, src)) if page else None
        if found is None:
            return None
        if isinstance(found, str):
            raise PictureError(found)
        if len(found) > max_picture_bytes():
            raise PictureError(_too_large(len(found)))
        return found


_BESIDE: contextvars.ContextVar[Path | None] = contextvars.ContextVar("nianbao_page_folder", default=None)


@contextlib.contextmanager
def beside(path: Path) -> Iterator[None]:
    """While reading the file at `path`, pictures may be taken from its folder."""
    token = _BESIDE.set(path.parent)
    try:
        yield
    finally:
        _BESIDE.reset(token)


def folder_source() -> Folder | None:
    """The folder of the file being read, when it was given by path (never for bytes: an
    uploaded page must not reach the files of the machine that reads it)."""
    directory = _BESIDE.get()
    return Folder(directory) if directory is not None else None
