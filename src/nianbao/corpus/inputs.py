"""What ingest reads: files, folders and ZIP archives, as (name, bytes) items.

Chinese ZIPs made on Windows store member names in GBK without the UTF-8 flag; Python decodes
those as cp437, so we re-encode to the original bytes and decode them again (UTF-8 first, then
GB18030). Archives are checked against zip bombs before anything is inflated.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..readers import max_bytes

MAX_MEMBERS = int(os.environ.get("NIANBAO_ZIP_MAX_MEMBERS", 20000))
MAX_TOTAL = int(os.environ.get("NIANBAO_ZIP_MAX_TOTAL", 4 * 1024**3))  # uncompressed, per archive
MAX_RATIO = 200  # uncompressed/compressed, for members over 1 MB
_UTF8_FLAG = 0x800


@dataclass
class InputItem:
    name: str  # path as given, or archive.zip!member/name
    data: bytes | None  # None when the item itself could not be read (see error)
    error: str | None = None

    @property
    def sha256(self) -> str:
        if self.data is None:
            # unreadable items are recorded once per name
            return hashlib.sha256(("error:" + self.name).encode()).hexdigest()
        return hashlib.sha256(self.data).hexdigest()


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's real name, whatever encoding the archiver used."""
    if info.flag_bits & _UTF8_FLAG:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    candidates = []
    for enc in ("utf-8", "gb18030"):
        try:
            candidates.append(raw.decode(enc))
        except UnicodeDecodeError:
            continue
    if not candidates:
        return info.filename
    # short GBK names can also be valid UTF-8 (一 = D2 BB = Cyrillic һ): prefer the reading that
    # looks like a Chinese file name; ties go to UTF-8
    return max(candidates, key=_plausibility)


def _plausibility(name: str) -> float:
    good = sum(
        1
        for c in name
        if c.isascii() or "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef"
    )
    return good / max(len(name), 1)


def is_zip(path: Path) -> bool:
    return (
        path.suffix.lower() == ".zip"
        or zipfile.is_zipfile(path)
        and path.suffix.lower()
        not in (
            ".docx",
            ".xlsx",
            ".odt",
            ".ods",
            ".wps",
            ".et",
            ".pptx",
        )
    )


def _zip_items(path: Path) -> Iterator[InputItem]:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        yield InputItem(str(path), None, f"压缩包已损坏，无法打开：{exc}")
        return
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > MAX_MEMBERS:
            yield InputItem(str(path), None, f"压缩包内文件过多（{len(infos)} 个，上限 {MAX_MEMBERS}）")
            return
        total = sum(i.file_size for i in infos)
        if total > MAX_TOTAL:
            yield InputItem(str(path), None, f"压缩包解压后过大（{total // 1048576} MB），疑似压缩炸弹")
            return
        limit = max_bytes()
        for info in infos:
            name = member_name(info)
            if name.startswith("__MACOSX/"):  # the Mac archiver's resource forks, not files
                continue
            shown = f"{path}!{name}"
            if any(part.startswith(".") and part not in (".", "..") for part in name.split("/")):
                yield InputItem(
                    shown, None, "隐藏文件（名称以“.”开头），未导入；如确为报告，请改名后重新导入"
                )
                continue
            if info.file_size > limit:
                yield InputItem(
                    shown,
                    None,
                    f"文件过大（{info.file_size // 1048576} MB），上限为 {limit // 1048576} MB",
                )
                continue
            if info.file_size > 1048576 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                yield InputItem(shown, None, "压缩比异常，疑似压缩炸弹，已跳过")
                continue
            try:
                with zf.open(info) as fh:
                    data = fh.read(limit + 1)  # never trust the header's size alone
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
                yield InputItem(shown, None, f"无法解压：{exc}")
                continue
            if len(data) > limit:
                yield InputItem(shown, None, "解压后文件过大，已跳过")
                continue
            yield InputItem(shown, data)


def _file_item(path: Path) -> InputItem:
    try:
        size, limit = path.stat().st_size, max_bytes()
        if size > limit:
            return InputItem(
                str(path), None, f"文件过大（{size // 1048576} MB），上限为 {limit // 1048576} MB"
            )
        return InputItem(str(path), path.read_bytes())
    except OSError as exc:
        return InputItem(str(path), None, f"无法读取文件：{exc.strerror or exc}")


def list_inputs(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files as given, folders expanded (sorted, hidden files skipped)."""
    out: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            out.extend(
                c
                for c in sorted(path.rglob("*"))
                if c.is_file() and not any(part.startswith(".") for part in c.relative_to(path).parts)
            )
        else:
            out.append(path)
    return out


def iter_items(files: Iterable[Path]) -> Iterator[InputItem]:
    for path in files:
        if path.exists() and path.is_file() and is_zip(path):
            yield from _zip_items(path)
        elif not path.exists():
            yield InputItem(str(path), None, f"文件不存在：{path}")
        else:
            yield _file_item(path)
