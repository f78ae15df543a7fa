"""Checks on a ZIP container (DOCX, XLSX) before any library inflates it.

The sizes checked are those the archive declares; Python's zipfile never inflates a member beyond
its declared size (it fails the CRC check instead), so the declarations are a real bound.
"""

from __future__ import annotations

import io
import zipfile

from ..errors import ReadError

MAX_TOTAL = 200 * 1024 * 1024  # uncompressed bytes, all members together
MAX_RATIO = 100  # uncompressed / compressed, for the whole archive or a large member
RATIO_FLOOR = 1024 * 1024  # members smaller than this may compress as well as they like
MAX_MEMBERS = 10000

BOMB = "压缩包异常（疑似压缩炸弹）"


def open_zip(data: bytes, what: str = "文件") -> zipfile.ZipFile:
    """Open `data` as a ZIP after checking its declared sizes. Raises `ReadError`."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise ReadError(f"{what}已损坏，无法打开（{exc}）") from None
    if len(infos) > MAX_MEMBERS:
        raise ReadError(f"{BOMB}：包含 {len(infos)} 个文件")
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    if total > MAX_TOTAL:
        raise ReadError(f"{BOMB}：解压后 {total // 1048576} MB")
    if total > RATIO_FLOOR and total > MAX_RATIO * max(packed, 1):
        raise ReadError(f"{BOMB}：压缩比 {total // max(packed, 1)}:1")
    for i in infos:
        if i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise ReadError(f"{BOMB}：{i.filename} 压缩比 {i.file_size // max(i.compress_size, 1)}:1")
    return zf
