"""PDF through LibreOffice headless: the DOCX rendering converted by `soffice`.

Each call gets a private LibreOffice profile (a second soffice sharing a profile would hand the
job to the first one or fail), a timeout, and a clean kill of the whole process group.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ...errors import MissingDependency, NianbaoError

TIMEOUT_S = float(os.environ.get("NIANBAO_SOFFICE_TIMEOUT", 120))


class ConversionError(NianbaoError):
    pass


def soffice_path() -> str:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise MissingDependency(
        "未找到 LibreOffice（soffice），无法生成 PDF。请安装 libreoffice-writer-nogui，或改为输出 DOCX/HTML"
    )


# Calc keeps the cached results of a workbook's formulas unless told to recalculate on load
_RECALC_ON_LOAD = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def convert(data: bytes, suffix: str, target: str, timeout: float = TIMEOUT_S, recalc: bool = False) -> bytes:
    """Convert a document (`suffix` like ".docx") to `target` ("pdf", "xlsx", "csv", …).

    `recalc=True` makes Calc recompute every formula on load instead of trusting cached results.
    """
    return convert_many([("input", data)], suffix, target, timeout, recalc)["input"]


def convert_many(
    items: list[tuple[str, bytes]], suffix: str, target: str, timeout: float = TIMEOUT_S, recalc: bool = False
) -> dict[str, bytes]:
    """Convert several documents with one LibreOffice start (it dominates the time of a conversion).

    `items` are (stem, content) with distinct stems; returns stem -> converted bytes.
    """
    exe = soffice_path()
    with tempfile.TemporaryDirectory(prefix="nianbao-soffice-") as tmp:
        work = Path(tmp)
        if recalc:
            user = work / "profile" / "user"
            user.mkdir(parents=True)
            (user / "registrymodifications.xcu").write_text(_RECALC_ON_LOAD, encoding="utf-8")
        sources = []
        for stem, data in items:
            src = work / f"{stem}{suffix}"
            src.write_bytes(data)
            sources.append(str(src))
        out_dir = work / "out"
        cmd = [
            exe,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nofirststartwizard",
            "--convert-to",
            target,
            "--outdir",
            str(out_dir),
            *sources,
        ]
        proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, cwd=tmp
        )
        try:
            _, err = proc.communicate(
                timeout=timeout * max(1, len(items)) ** 0.5 if len(items) > 1 else timeout
            )
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise ConversionError(f"LibreOffice 转换超时（{timeout:.0f} 秒），已终止") from None
        finally:
            if proc.poll() is None:
                _kill_group(proc)
        ext = target.split(":")[0]
        out: dict[str, bytes] = {}
        for stem, _ in items:
            produced = out_dir / f"{stem}.{ext}"
            if not produced.exists():
                detail = err.decode("utf-8", "replace").strip()[-300:]
                raise ConversionError(
                    f"LibreOffice 转换失败（退出码 {proc.returncode}）：{detail or '无输出'}"
                )
            out[stem] = produced.read_bytes()
        return out


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def docx_to_pdf(docx: bytes, timeout: float = TIMEOUT_S) -> bytes:
    return convert(docx, ".docx", "pdf", timeout)
