"""Receiving uploads: streamed to disk within the size limit, named safely, refused early when no
reader recognises them. Nothing here holds a whole upload in memory or blocks the event loop."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from fastapi import HTTPException, Request, UploadFile
from starlette.concurrency import run_in_threadpool

from ..corpus.inputs import is_zip
from ..errors import ReadError
from ..readers import choose_reader

CHUNK = 1024 * 1024
SNIFF_BYTES = 256 * 1024  # what content sniffing looks at: magic numbers and the first lines
SNIFF_CONTAINER_BYTES = 20 * 1024 * 1024
_CONTAINERS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # ZIP (DOCX, XLSX, ODT) and OLE2 (DOC, XLS, WPS)
UPLOAD_PREFIX = "nianbao-upload-"


def safe_name(filename: str | None) -> str:
    """The base name an upload is stored under; HTTP 422 for a name that is no file name."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].replace("\x00", "").strip()[:200]
    if not name:
        return "upload"
    if name in (".", "..") or not name.strip("."):
        raise HTTPException(422, f"文件名“{name}”无效，请改名后重新上传")
    if name.startswith("."):
        raise HTTPException(422, f"“{name}”是隐藏文件（名称以“.”开头），未上传；如确为报告，请改名后重新上传")
    return name


def _too_large(limit: int) -> HTTPException:
    return HTTPException(413, f"文件过大，上限为 {limit // 1048576} MB")


@dataclass
class SavedUpload:
    name: str
    path: Path  # alone in its own temporary folder, which the job (or `discard`) removes

    def discard(self) -> None:
        shutil.rmtree(self.path.parent, ignore_errors=True)


async def save_upload(request: Request, file: UploadFile, sniff: bool = True) -> SavedUpload:
    """Copy an upload to a new temporary folder chunk by chunk (HTTP 413 past the limit)."""
    limit = request.app.state.max_upload
    name = safe_name(file.filename)
    folder = Path(await run_in_threadpool(tempfile.mkdtemp, prefix=UPLOAD_PREFIX))
    saved = SavedUpload(name, folder / name)
    try:
        size = 0
        head = bytearray()
        with open(saved.path, "wb") as out:
            while chunk := await file.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise _too_large(limit)
                if len(head) < SNIFF_BYTES:
                    head += chunk[: SNIFF_BYTES - len(head)]
                await run_in_threadpool(out.write, chunk)
        if not bytes(head).strip():
            raise HTTPException(422, "上传的文件为空")
        if sniff and not _is_plain_zip(bytes(head), saved.path):
            if not head.startswith(_CONTAINERS):
                _check_readable(bytes(head), name)
            elif size <= SNIFF_CONTAINER_BYTES:
                # DOCX, XLSX, DOC…: their sniffers read the archive's directory at the end
                await run_in_threadpool(lambda: _check_readable(saved.path.read_bytes(), name))
            # a larger container is checked by its job, which gives the same message in its row
        return saved
    except BaseException:
        saved.discard()
        raise


def _check_readable(head: bytes, name: str) -> None:
    try:
        spec = choose_reader(head, name)  # content decides the type, not the extension
    except ReadError as exc:
        raise HTTPException(415, f"{name}：{exc}") from None
    if spec.sniff is not None and not spec.sniff(head, name):
        # no reader recognised the content; only the extension matched
        raise HTTPException(415, f"{name}：无法识别的文件格式（内容与扩展名 .{spec.extensions[0]} 不符）")


async def read_upload(request: Request, file: UploadFile, sniff: bool = True) -> tuple[str, bytes]:
    """A small upload's bytes (a workbook or a ledger to import), with the same checks."""
    saved = await save_upload(request, file, sniff)
    try:
        return saved.name, await run_in_threadpool(saved.path.read_bytes)
    finally:
        saved.discard()


def _is_plain_zip(head: bytes, path: Path) -> bool:
    if not head.startswith(b"PK\x03\x04"):
        return False
    # a DOCX/XLSX is a ZIP too: only a plain archive is expanded
    return is_zip(path) if path.suffix else True
