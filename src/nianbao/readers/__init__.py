"""Readers: one module per input format, each registering itself with `@nianbao.plugins.reader`.

`read_document()` is the single entry point: it loads the bytes (with a size limit), picks the
reader by content first and extension second, and returns a format-neutral `Document`.

Limits are read from the environment at each call (a worker process may be older than a
setting): `NIANBAO_MAX_BYTES` for any file, `NIANBAO_MAX_TEXT_LINES` for plain text and Markdown
(whose readers cost about 400 bytes of memory per line), `NIANBAO_MAX_MARKUP_BYTES` for HTML.
Containers and images have their own (`_zipguard`, `spreadsheet`, `image`), and so do the pictures
of a web page (`_pictures`: `NIANBAO_MAX_PICTURE_BYTES`).
"""

from __future__ import annotations

import contextlib
import os
import struct
import zipfile
import zlib
from pathlib import Path

from .. import plugins
from ..document import Document
from ..errors import ReadError, TooLarge, UnsupportedFormat
from ._pictures import beside

MAX_BYTES = int(os.environ.get("NIANBAO_MAX_BYTES", 200 * 1024 * 1024))
# a report is a few hundred lines, a crawled page with its navigation a few thousand
MAX_TEXT_LINES = 100_000
MAX_MARKUP_BYTES = 30 * 1024 * 1024
_LINE_READERS = ("text", "markdown", "csv")


def env_limit(name: str, default: int) -> int:
    """An integer limit from the environment, read now; `default` when unset or not a number."""
    raw = os.environ.get(name, "").strip()
    try:
        return int(float(raw)) if raw else default
    except ValueError:
        return default


def max_bytes() -> int:
    return env_limit("NIANBAO_MAX_BYTES", MAX_BYTES)


def load_bytes(source: str | os.PathLike[str] | bytes, name: str | None = None) -> tuple[bytes, str]:
    """Return (data, name). Refuses files over MAX_BYTES before reading them."""
    limit = max_bytes()
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        if len(data) > limit:
            raise TooLarge(f"文件过大（{len(data) // 1048576} MB），上限为 {_mb(limit)}")
        return data, name or "<bytes>"
    if not str(source).strip():
        raise ReadError("未给出文件路径（路径为空）")
    path = Path(source)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ReadError(f"文件不存在：{path}") from None
    except OSError as exc:
        raise ReadError(f"无法读取文件：{exc.strerror or exc}") from None
    if path.is_dir():
        raise ReadError(f"这是一个文件夹，不是文件：{path}")
    if size > limit:
        raise TooLarge(f"文件过大（{size // 1048576} MB），上限为 {_mb(limit)}")
    try:
        return path.read_bytes(), name or str(source)
    except OSError as exc:
        raise ReadError(f"无法读取文件：{exc.strerror or exc}") from None


def choose_reader(data: bytes, name: str) -> plugins.ReaderSpec:
    plugins.load()
    if not data.strip():
        raise ReadError("文件为空")
    ext = Path(name).suffix.lower().lstrip(".")
    specs = sorted(plugins.READERS.values(), key=lambda s: -s.priority)
    for spec in specs:  # content beats the extension: sites serve HTML as .doc, PDFs as .htm …
        if spec.sniff is not None and spec.sniff(data, name):
            return spec
    for spec in specs:
        if ext and ext in spec.extensions:
            return spec
    raise UnsupportedFormat(f"无法识别的文件格式（扩展名 .{ext or '无'}）")


def _mb(n: int) -> str:
    return f"{n // 1048576} MB" if n >= 1048576 else f"{n} 字节"


def check_size_for(spec: plugins.ReaderSpec, data: bytes) -> None:
    """Refuse, before reading, what its reader would turn into gigabytes of objects."""
    if spec.name in _LINE_READERS:
        limit = env_limit("NIANBAO_MAX_TEXT_LINES", MAX_TEXT_LINES)
        lines = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")
        if lines > limit:
            raise TooLarge(f"文本行数过多（{lines} 行），上限为 {limit} 行；年度报告通常只有几百行")
    elif spec.name == "html":
        limit = env_limit("NIANBAO_MAX_MARKUP_BYTES", MAX_MARKUP_BYTES)
        if len(data) > limit:
            raise TooLarge(f"网页文件过大（{len(data) // 1048576} MB），上限为 {_mb(limit)}")


# what the parsing libraries raise for a damaged file, wherever a reader lets it through
_CORRUPT = (zipfile.BadZipFile, zlib.error, EOFError, struct.error)
_CORRUPT_NAMES = frozenset(
    {"PdfiumError", "XMLSyntaxError", "ParseError", "PdfReadError", "CalamineError", "UnidentifiedImageError"}
)


def read_document(source: str | os.PathLike[str] | bytes, name: str | None = None) -> Document:
    data, name = load_bytes(source, name)
    spec = choose_reader(data, name)
    check_size_for(spec, data)
    # a page read from a file may take its pictures from its own folder (a browser's saved
    # page_files/); bytes never reach the files of the machine that reads them
    folder = beside(Path(source)) if isinstance(source, (str, os.PathLike)) else contextlib.nullcontext()
    try:
        with folder:
            return spec.read(data, name)
    except Exception as exc:
        if isinstance(exc, _CORRUPT) or type(exc).__name__ in _CORRUPT_NAMES:
            raise ReadError(f"文件已损坏或格式异常，无法读取（{type(exc).__name__}: {exc}）"[:300]) from None
        raise
