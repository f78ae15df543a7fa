"""The hostile-file suite: every file of issue 10 and the classics, mixed with good reports in one
folder, through the real `nianbao ingest -j 2`, twice. Every good report is stored exactly once,
every bad file gets a clear error row, and the whole run (parent and workers) stays under 1.5 GB."""

from __future__ import annotations

import io
import os
import shutil
import sys
import zipfile
from pathlib import Path

import pytest

from nianbao.store import Store

from .files import hostile_files
from .memory import run_measured

CLI = [sys.executable, "-m", "nianbao"]
PEAK_LIMIT_MB = 1536

# what `ingest` must record for each hostile file (substrings of its error row), where it differs
# from `nianbao parse` (`Hostile.expect`): ingest refuses what is not a report
NOT_A_REPORT = ("不是政府信息公开工作年度报告",)
INGEST_EXPECT: dict[str, tuple[str, ...] | None] = {
    "xxe": NOT_A_REPORT,
    "billion_laughs": NOT_A_REPORT,
    "deep_html": NOT_A_REPORT,
    "non_report": NOT_A_REPORT,
}
# a ZIP is unpacked: each member is a row of its own (named archive.zip!member)
ZIP_EXPECT = {
    "zip_bomb": {"zeros.txt": ("过大", "压缩")},
    "traversal_zip": {"../../etc/evil.txt": None, "/abs/path.txt": None, "ok/../../up.txt": None},
    "dotted_zip": {".hidden-report.txt": ("隐藏文件",), "sub/.also-hidden.txt": ("隐藏文件",)},
}


def _good_files(corpus: Path) -> dict[str, Path]:
    files = sorted((corpus / "seeds").glob("*.txt"))[:3]
    files += [corpus / "html" / "pingtan-2023.html", corpus / "pdf" / "huaian-hongze-2023.pdf"]
    return {p.name: p for p in files}


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("hostile") / "in"
    folder.mkdir()
    good = _good_files(corpus_dir)
    for name, path in good.items():
        shutil.copy(path, folder / name)
    # two more good reports inside a ZIP, beside the hostile ones
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted((corpus_dir / "seeds").glob("*.txt"))[3:5]:
            zf.write(p, f"报告/{p.name}")
    (folder / "good-reports.zip").write_bytes(buf.getvalue())
    made = hostile_files(corpus_dir)
    for h in made.values():
        (folder / h.name).write_bytes(h.data)
    return folder, made


def _ingest(folder: Path, db: Path, *extra: str, env: dict[str, str] | None = None):
    run_env = {**os.environ, "NIANBAO_LOG_FILE": str(db.parent / "errors.log"), **(env or {})}
    return run_measured(
        [*CLI, "ingest", "-j", "2", "--quiet", "--no-check", "--db", str(db), *extra, str(folder)],
        env=run_env,
    )


def _rows(db: Path) -> dict[str, tuple[str, str | None]]:
    store = Store(db)
    try:
        return {d.path: (d.status, d.error) for d in store.documents()}
    finally:
        store.close()


@pytest.mark.slow
def test_hostile_folder_twice(hostile_folder: tuple[Path, dict], tmp_path: Path, corpus_dir: Path) -> None:
    folder, made = hostile_folder
    db = tmp_path / "hostile.db"
    proc, first = _ingest(folder, db)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    rows = _rows(db)
    by_name = {Path(p).name if "!" not in p else p.split("!", 1)[1]: v for p, v in rows.items()}
    for name, (status, error) in sorted(by_name.items()):
        print(f"{name}\t{status}\t{error or ''}"[:200])

    # every good report stored, once
    good = [
        *_good_files(corpus_dir),
        *(f"报告/{p.name}" for p in sorted((corpus_dir / "seeds").glob("*.txt"))[3:5]),
    ]
    for name in good:
        assert by_name[name] == ("ok", None), (name, by_name.get(name))
    # every bad file: a clear error row, never an internal error
    for key, h in made.items():
        if key in ZIP_EXPECT:
            continue
        expect = INGEST_EXPECT.get(key, h.expect)
        status, error = by_name[h.name]
        if expect is None:
            assert status == "ok", (key, error)
            continue
        assert status == "error" and error, key
        assert any(e in error for e in expect), (key, error)
    for key, members in ZIP_EXPECT.items():
        for member, expect in members.items():
            status, error = by_name[member]
            if expect is None:
                assert status == "ok", (key, member, error)
            else:
                assert status == "error" and any(e in (error or "") for e in expect), (key, member, error)
    assert not [e for _, e in rows.values() if e and "内部错误" in e]
    # the whole run, parent and workers together
    assert first.peak_mb < PEAK_LIMIT_MB, first
    assert first.max_child_rss_mb < PEAK_LIMIT_MB, first

    # the second run stores nothing and parses nothing
    proc2, second = _ingest(folder, db)
    assert proc2.returncode == 0, proc2.stderr
    assert _rows(db) == rows
    assert "新导入 0 份" in proc2.stdout and "失败 0 份" in proc2.stdout, proc2.stdout
    print(f"\nhostile ingest: first {first}\nsecond {second}")
