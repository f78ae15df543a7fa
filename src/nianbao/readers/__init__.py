"""Readers: one module per input format, each registering itself with `@nianbao.plugins.reader`.

`read_document()` is the single entry point: it loads the bytes (with a size limit), picks the
reader by content first and extension second, and returns a format-neutral `Document`.
"""

from __future__ import annotations

import os
from pathlib import Path

from .. import plugins
from ..document import Document
from ..errors import ReadError, TooLarge, UnsupportedFormat

MAX_BYTES = int(os.environ.get("NIANBAO_MAX_BYTES", 200 * 1024 * 1024))


def load_bytes(source: str | os.PathLike[str] | bytes, name: str | None = None) -> tuple[bytes, str]:
    """Return (data, name). Refuses files over MAX_BYTES before reading them."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        if len(data) > MAX_BYTES:
            raise TooLarge(f"文件过大（{len(data) // 1048576} MB），上限为 {MAX_BYTES // 1048576} MB")
        return data, name or "<bytes>"
    path = Path(source)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ReadError(f"文件不存在：{path}") from None
    except OSError as exc:
        raise ReadError(f"无法读取文件：{exc.strerror or exc}") from None
    if path.is_dir():
        raise ReadError(f"这是一个文件夹，不是文件：{path}")
    if size > MAX_BYTES:
        raise TooLarge(f"文件过大（{size // 1048576} MB），上限为 {MAX_BYTES // 1048576} MB")
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


def read_document(source: str | os.PathLike[str] | bytes, name: str | None = None) -> Document:
    data, name = load_bytes(source, name)
    spec = choose_reader(data, name)
    return spec.read(data, name)
