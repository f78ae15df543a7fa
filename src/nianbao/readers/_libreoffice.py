"""Convert legacy office files (DOC, WPS, ET, XLS, RTF, ODT) with LibreOffice headless.

Each call runs one `soffice` process on a private user profile, so several workers (threads or
processes) convert at the same time without fighting over LibreOffice's profile lock. Profiles
are kept in a small pool under the cache directory because creating one costs seconds. Every
process runs in its own process group, which is killed as a whole when the time limit passes
(soffice forks `oosplash` and `soffice.bin`; killing only the parent would leave them running).

Converted files are cached by the SHA-256 of their input, so a batch re-run converts nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..errors import MissingDependency, ReadError

INSTALL_HINT = "需要 LibreOffice 才能读取 DOC/WPS 文件：apt-get install libreoffice-writer-nogui"
INSTALL_HINT_CALC = "需要 LibreOffice 才能读取该表格文件：apt-get install libreoffice-calc-nogui"

# soffice --convert-to takes "<extension>:<filter name>"
_FILTERS = {
    "docx": "docx:MS Word 2007 XML",
    "xlsx": "xlsx:Calc MS Excel 2007 XML",
    "pdf": "pdf",
    # the legacy formats, for making test fixtures and benchmarks from DOCX/XLSX
    "doc": "doc:MS Word 97",
    "xls": "xls:MS Excel 97",
    "rtf": "rtf:Rich Text Format",
    "odt": "odt",
    "ods": "ods",
}
_POOL_SIZE = 8


def cache_dir() -> Path:
    base = os.environ.get("NIANBAO_CACHE_DIR")
    root = Path(base) if base else Path.home() / ".cache" / "nianbao"
    return root


def soffice_binary() -> str | None:
    return os.environ.get("NIANBAO_SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")


def timeout_seconds(n_files: int) -> float:
    per_file = float(os.environ.get("NIANBAO_CONVERT_TIMEOUT", "60"))
    return 30 + per_file * n_files  # 30 s for start-up, which a cold profile needs


def content_hash(data: bytes) -> str:
    import hashlib  # only a conversion needs it; its import is a noticeable part of start-up

    return hashlib.sha256(data).hexdigest()


@contextlib.contextmanager
def _profile() -> Iterator[Path]:
    """Lease a profile directory no other process is using right now."""
    pool = cache_dir() / "lo-profiles"
    pool.mkdir(parents=True, exist_ok=True)
    for i in range(_POOL_SIZE):
        lock_path = pool / f"{i}.lock"
        fh = open(lock_path, "a+")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            continue
        try:
            yield pool / str(i)
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
            fh.close()
        return
    # every pooled profile is busy: a throw-away one is slower to start but still private
    with tempfile.TemporaryDirectory(prefix="nianbao-lo-") as tmp:
        yield Path(tmp)


def _run(cmd: list[str], timeout: float) -> subprocess.CompletedProcess[bytes] | None:
    """Run soffice in its own process group; None when it ran out of time (group killed)."""
    env = dict(os.environ, SAL_USE_VCLPLUGIN="svp", HOME=os.environ.get("HOME", "/tmp"))
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, env=env
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return None
    finally:
        # soffice.bin may outlive a crashed oosplash; never leave it behind
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def _convert_uncached(
    inputs: Sequence[tuple[str, bytes, str]], target: str, binary: str
) -> dict[str, bytes | None]:
    """inputs: (hash, data, extension LibreOffice should see). Returns hash -> converted bytes."""
    done = _convert_once(inputs, target, binary)
    missing = [item for item in inputs if done.get(item[0]) is None]
    if missing:
        # soffice's first start on a new profile sets the profile up and may convert nothing;
        # a second try tells that apart from a file that really cannot be converted
        done.update(_convert_once(missing, target, binary))
    return done


def _convert_once(
    inputs: Sequence[tuple[str, bytes, str]], target: str, binary: str
) -> dict[str, bytes | None]:
    with tempfile.TemporaryDirectory(prefix="nianbao-convert-") as tmp, _profile() as profile:
        src_dir, out_dir = Path(tmp, "in"), Path(tmp, "out")
        src_dir.mkdir()
        out_dir.mkdir()
        paths = []
        for digest, data, ext in inputs:
            p = src_dir / f"{digest}.{ext}"
            p.write_bytes(data)
            paths.append(str(p))
        cmd = [
            binary,
            f"-env:UserInstallation={profile.resolve().as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            "--convert-to",
            _FILTERS[target],
            "--outdir",
            str(out_dir),
            *paths,
        ]
        result = _run(cmd, timeout_seconds(len(paths)))
        if result is None and len(inputs) > 1:
            # one file may hang the batch: convert them one by one so only that one fails
            out: dict[str, bytes | None] = {}
            for item in inputs:
                out.update(_convert_once([item], target, binary))
            return out
        converted: dict[str, bytes | None] = {}
        for digest, _data, _ext in inputs:
            produced = out_dir / f"{digest}.{target}"
            converted[digest] = produced.read_bytes() if produced.exists() else None
        return converted


def convert_many(
    items: Sequence[tuple[bytes, str]], target: str = "docx", *, use_cache: bool = True
) -> list[bytes | ReadError]:
    """Convert several files in one soffice call.

    items: (data, extension LibreOffice should see: "doc", "xls", "rtf", "odt", …).
    Returns the converted bytes per item, or the ReadError for an item that could not be converted.
    """
    if target not in _FILTERS:
        raise ValueError(f"unsupported target {target!r}")
    out_cache = cache_dir() / "convert"
    hashes = [content_hash(d) for d, _ in items]
    results: dict[str, bytes | None] = {}
    todo: dict[str, tuple[str, bytes, str]] = {}
    for (data, ext), digest in zip(items, hashes, strict=True):
        cached = out_cache / f"{digest}.{target}"
        if use_cache and cached.exists():
            results[digest] = cached.read_bytes()
        else:
            todo.setdefault(digest, (digest, data, ext))
    if todo:
        binary = soffice_binary()
        if binary is None:
            hint = INSTALL_HINT_CALC if target == "xlsx" else INSTALL_HINT
            raise MissingDependency(hint)
        fresh = _convert_uncached(list(todo.values()), target, binary)
        for digest, converted in fresh.items():
            results[digest] = converted
            if converted is not None and use_cache:
                out_cache.mkdir(parents=True, exist_ok=True)
                tmp = out_cache / f".{digest}.{os.getpid()}.tmp"
                tmp.write_bytes(converted)
                tmp.replace(out_cache / f"{digest}.{target}")  # atomic: readers never see half a file
    out: list[bytes | ReadError] = []
    for digest in hashes:
        converted = results.get(digest)
        if converted:
            out.append(converted)
        else:
            out.append(ReadError("LibreOffice 无法转换该文件（文件可能已损坏、加密或转换超时）"))
    return out


def convert(data: bytes, ext: str, target: str = "docx") -> bytes:
    """Convert one file; raises ReadError when it cannot be converted."""
    (result,) = convert_many([(data, ext)], target)
    if isinstance(result, ReadError):
        raise result
    return result


# --- recognising the containers LibreOffice is needed for -------------------------------------

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def ole2_kind(data: bytes) -> str | None:
    """ "word", "excel", "encrypted" or "other" for an OLE2 compound file; None if not one.

    Stream names sit in the directory sectors as UTF-16; looking for them avoids parsing the
    FAT and is exact enough: Kingsoft WPS/ET files use the same stream names as Word/Excel.
    """
    if not data.startswith(OLE2_MAGIC):
        return None
    if _utf16("EncryptedPackage") in data:  # an encrypted DOCX/XLSX is wrapped in OLE2
        return "encrypted"
    if _utf16("WordDocument") in data:
        return "word"
    if _utf16("Workbook") in data or _utf16("Book\x00") in data:
        return "excel"
    return "other"


def odf_mimetype(data: bytes) -> str | None:
    """The mimetype an OpenDocument zip declares in its first, stored entry."""
    # ODF requires "mimetype" as the first entry, uncompressed: its name is at offset 30
    if data[:4] != b"PK\x03\x04" or data[30:38] != b"mimetype":
        return None
    extra = int.from_bytes(data[28:30], "little")
    head = data[38 + extra : 38 + extra + 80]
    for mt in (
        b"application/vnd.oasis.opendocument.text",
        b"application/vnd.oasis.opendocument.spreadsheet",
    ):
        if head.startswith(mt):
            return mt.decode()
    return None
