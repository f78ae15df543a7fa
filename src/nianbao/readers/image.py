"""Image files (PNG, JPEG, TIFF, BMP, WEBP): a photographed or scanned report, read by OCR.

A multi-page TIFF (the usual output of an office scanner) is one page per frame. EXIF rotation
from a phone camera is applied before recognition.
"""

from __future__ import annotations

import io

from .. import plugins
from ..document import Block, Document, Table
from ..errors import ReadError
from . import ocr

_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpeg",
    b"II*\x00": "tiff",
    b"MM\x00*": "tiff",
    b"BM": "bmp",
}
MAX_PAGES = 200


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


def read_image(data: bytes, source: str) -> Document:
    fmt = image_format(data)
    if fmt is None:
        raise ReadError("不是可识别的图片文件（PNG/JPEG/TIFF/BMP/WEBP）")
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        img = Image.open(io.BytesIO(data))
        n_frames = getattr(img, "n_frames", 1)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ReadError(f"图片已损坏或无法解码：{exc}") from None
    if n_frames > MAX_PAGES:
        raise ReadError(f"图片页数过多（{n_frames} 页），上限为 {MAX_PAGES} 页")
    blocks: list[Block] = []
    n_tables = 0
    for frame in range(n_frames):
        try:
            img.seek(frame)
            page = ImageOps.exif_transpose(img.convert("RGB"))
        except (OSError, ValueError) as exc:
            raise ReadError(f"图片第{frame + 1}页无法解码：{exc}") from None
        page_blocks = ocr.ocr_page_image(page, frame + 1, first_table_index=n_tables)
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
