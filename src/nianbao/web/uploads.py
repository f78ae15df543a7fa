"""Reading an uploaded file within the size limit, and refusing what no reader recognises."""

from __future__ import annotations

from fastapi import HTTPException, Request, UploadFile

from ..corpus.inputs import is_zip
from ..errors import ReadError
from ..readers import choose_reader

CHUNK = 1024 * 1024


async def read_upload(request: Request, file: UploadFile, sniff: bool = True) -> tuple[str, bytes]:
    limit = request.app.state.max_upload
    name = (file.filename or "upload").replace("\\", "/").rsplit("/", 1)[-1][:200] or "upload"
    buf = bytearray()
    while chunk := await file.read(CHUNK):
        buf += chunk
        if len(buf) > limit:
            raise HTTPException(413, f"文件过大，上限为 {limit // 1048576} MB")
    data = bytes(buf)
    if not data.strip():
        raise HTTPException(422, "上传的文件为空")
    if sniff and not _is_zip_bytes(data, name):
        try:
            spec = choose_reader(data, name)  # content decides the type, not the extension
        except ReadError as exc:
            raise HTTPException(415, f"{name}：{exc}") from None
        if spec.sniff is not None and not spec.sniff(data, name):
            # no reader recognised the content; only the extension matched
            raise HTTPException(415, f"{name}：无法识别的文件格式（内容与扩展名 .{spec.extensions[0]} 不符）")
    return name, data


def _is_zip_bytes(data: bytes, name: str) -> bool:
    from pathlib import Path

    if not data.startswith(b"PK\x03\x04"):
        return False
    # a DOCX/XLSX is a ZIP too: only a plain archive is expanded
    return is_zip(Path(name)) if Path(name).suffix else True
