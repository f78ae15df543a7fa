"""Image files (PNG, JPEG, TIFF, BMP, WEBP): a photographed or scanned report, read by OCR.

A multi-page TIFF (the usual output of an office scanner) is one page per frame. EXIF rotation
from a phone camera is applied before recognition.

OCR reads a page at most `ocr.MAX_SIDE` (3600) pixels long, about A4 at 300 dpi. A page is
checked against `NIANBAO_MAX_IMAGE_PIXELS` (50 million: a 48-megapixel phone photo, an A4 scan
at 600 dpi) from its header, before it is decoded; a JPEG is decoded at a reduced scale when it is
larger than OCR needs, any other page is reduced right after decoding, so a page costs at most
one decoded copy at full size.
"""

from __future__ import annotations

import io

from .. import plugins
from ..document import Block, Document, Table
from ..errors import ReadError

_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpeg",
    b"II*\x00": "tiff",
    b"MM\x00*": "tiff",
    b"BM": "bmp",
}
MAX_PAGES = 200
MAX_IMAGE_PIXELS = 50_000_000


def max_pixels() -> int:
    from . import env_limit

    return env_limit("NIANBAO_MAX_IMAGE_PIXELS", MAX_IMAGE_PIXELS)


def _too_big(w: int, h: int, limit: int, page: int | None = None) -> ReadError:
    where = f"第{page}页" if page else ""
    return ReadError(
        f"图片{where}像素过多（{w}×{h}，约 {w * h / 1e6:.0f} 百万像素），上限为 {limit / 1e6:.0f} 百万像素；"
        "识别文字只需约 300 dpi（A4 约 2500×3500 像素），请缩小后重新提交"
    )


# every format `image_format` names: pages that reach the text only through OCR
IMAGE_FORMATS = frozenset(_MAGIC.values()) | {"webp"}


def image_format(data: bytes) -> str | None:
    for magic, fmt in _MAGIC.items():
        if data.startswith(magic):
            if fmt == "bmp" and len(data) < 26:
                return None
            return fmt
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def _sniff(data: bytes, name: str) -> bool:
    return image_format(data) is not None


def picture_size(data: bytes) -> tuple[int, int] | None:
    """A picture's width and height from its header (not decoded); None if it is no picture."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            return img.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None


def _header_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG header (the usual bomb); (0, 0) when unknown."""
    if data.startswith(b"\x89PNG") and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return 0, 0


def _decoded_for_ocr(img: object, image_ops: object) -> tuple[object, float]:
    """The page as RGB, no longer than about twice what OCR reads; (page, pixel scale back to the
    original's coordinates)."""
    from . import ocr

    w, h = img.size  # type: ignore[attr-defined]
    long_side = max(w, h)
    factor = 1
    while long_side // (factor * 2) >= ocr.MAX_SIDE:
        factor *= 2
    if factor > 1 and getattr(img, "format", None) == "JPEG":
        img.draft("RGB", (w // factor, h // factor))  # type: ignore[attr-defined]  # DCT scaling
    page = img.convert("RGB")  # type: ignore[attr-defined]
    shrink = max(1, round(w / page.size[0]))
    if factor > shrink:
        page = page.reduce(factor // shrink)
    page = image_ops.exif_transpose(page)  # type: ignore[attr-defined]
    return page, long_side / max(page.size)


def read_image(data: bytes, source: str) -> Document:
    fmt = image_format(data)
    if fmt is None:
        raise ReadError("不是可识别的图片文件（PNG/JPEG/TIFF/BMP/WEBP）")
    from PIL import Image, ImageOps, UnidentifiedImageError

    from . import ocr  # here, not at the top: every command imports this reader for its sniff

    limit = max_pixels()
    # Pillow's own bomb check, at our limit: it guards decoders that allocate before we look
    Image.MAX_IMAGE_PIXELS = limit
    try:
        img = Image.open(io.BytesIO(data))
        n_frames = getattr(img, "n_frames", 1)
    except Image.DecompressionBombError:
        raise _too_big(*_header_size(data), limit) from None
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ReadError(f"图片已损坏或无法解码：{exc}") from None
    if n_frames > MAX_PAGES:
        raise ReadError(f"图片页数过多（{n_frames} 页），上限为 {MAX_PAGES} 页")
    blocks: list[Block] = []
    n_tables = 0
    for frame in range(n_frames):
        try:
            img.seek(frame)
            w, h = img.size
            if w * h > limit:
                raise _too_big(w, h, limit, frame + 1 if n_frames > 1 else None)
            page, scale = _decoded_for_ocr(img, ImageOps)
        except (OSError, ValueError, Image.DecompressionBombError) as exc:
            raise ReadError(f"图片第{frame + 1}页无法解码：{exc}") from None
        page_blocks = ocr.ocr_page_image(page, frame + 1, scale=scale, first_table_index=n_tables)
        n_tables += sum(isinstance(b, Table) for b in page_blocks)
        blocks.extend(page_blocks)
    doc = Document(source=source, format=fmt, blocks=blocks)
    doc.metadata["ocr"] = "rapidocr"
    if not blocks:
        doc.warnings.append("图片中没有识别出任何文字")
    return doc


plugins.reader(
    "image", extensions=("png", "jpg", "jpeg", "tif", "tiff", "bmp", "webp"), sniff=_sniff, priority=5
)(read_image)
