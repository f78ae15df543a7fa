"""The unit's own file, for the reviewer to read beside the tables and to mark up.

`nianbao ingest` records where each file was read (the path is kept in `documents`); a web
upload's bytes live only in a temporary folder, so the upload job keeps a copy here, named by
its content hash. A file is served only when its bytes still have the stored hash.
"""

from __future__ import annotations

import hashlib
import html
import os
from pathlib import Path

from ..store import Store
from ..store import review as repo


def root() -> Path:
    base = os.environ.get("NIANBAO_ORIGINALS")
    return Path(base) if base else Path.home() / ".local" / "share" / "nianbao" / "originals"


def keep(sha256: str, name: str, data: bytes) -> Path | None:
    """Keep an uploaded file (best effort: a full disk must not fail the upload)."""
    safe = Path(name).name.replace("\x00", "") or "upload"
    folder = root() / sha256[:2] / sha256
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / safe
        if not path.exists():
            tmp = folder / f".{safe}.{os.getpid()}.tmp"
            tmp.write_bytes(data)
            tmp.replace(path)
        return path
    except OSError:
        return None


def keep_file(path: Path) -> Path | None:
    """Keep an uploaded file saved on disk (streamed: read in chunks, copied, never all in memory)."""
    import shutil

    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
        sha = digest.hexdigest()
        folder = root() / sha[:2] / sha
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / (Path(path.name).name or "upload")
        if not target.exists():
            tmp = folder / f".{target.name}.{os.getpid()}.tmp"
            shutil.copyfile(path, tmp)
            tmp.replace(target)
        return target
    except OSError:
        return None


def find(store: Store, report_id: int) -> Path | None:
    info = repo.report_row_info(store, report_id)
    if not info or not info.get("sha256"):
        return None
    sha = info["sha256"]
    candidates = []
    if info.get("path"):
        candidates.append(Path(info["path"]))
    folder = root() / sha[:2] / sha
    if folder.is_dir():
        candidates.extend(p for p in sorted(folder.iterdir()) if not p.name.startswith("."))
    for path in candidates:
        try:
            if path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == sha:
                return path
        except OSError:
            continue
    return None


TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".csv"}


def viewable(path: Path) -> tuple[bytes, str, str]:
    """(bytes, media type, file name) a browser can show in a frame."""
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if data.startswith(b"%PDF-"):
        return data, "application/pdf", path.name
    if suffix in (".html", ".htm", ".shtml", ".xhtml"):
        from ..readers.html import decode_html

        text, _ = decode_html(data)
        return text.encode("utf-8"), "text/html; charset=utf-8", path.name
    if suffix in TEXT_SUFFIXES:
        from ..readers._encoding import decode_text

        return decode_text(data)[0].encode("utf-8"), "text/plain; charset=utf-8", path.name
    # Word, spreadsheets, images: the text as read, in a plain page (the file itself downloads)
    from ..readers import read_document

    doc = read_document(data, path.name)
    body = "\n".join(f"<p>{html.escape(line)}</p>" for line in doc.lines())
    page = f'<!doctype html><meta charset="utf-8"><title>{html.escape(path.name)}</title>{body}'
    return page.encode("utf-8"), "text/html; charset=utf-8", path.name
