"""Ingest: folders and ZIPs, errors recorded, idempotence, and a real kill -9 and resume."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from nianbao.corpus.ingest import ingest
from nianbao.corpus.inputs import iter_items, list_inputs, member_name
from nianbao.corpus.synthetic import make_report, to_text
from nianbao.store import Store
from nianbao.store.schema import Document
from nianbao.testing import corpus_dir

CORPUS = corpus_dir()


def _write_reports(folder: Path, n: int, start_year: int = 2021) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        r = make_report(f"洪泽区第{i}街道", start_year + i % 4, region="淮安市", seed=i)
        p = folder / f"r{i:03d}.txt"
        p.write_text(to_text(r), encoding="utf-8")
        out.append(p)
    return out


def test_ingest_folder_with_a_bad_file_and_rerun(db_url: str, tmp_path: Path) -> None:
    files = _write_reports(tmp_path / "in", 4)
    (tmp_path / "in" / "empty.pdf").write_bytes(b"")
    (tmp_path / "in" / "garbage.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    store = Store(db_url)
    stats = ingest(store, [tmp_path / "in"], workers=2)
    assert stats.stored == 4 and stats.errors == 2
    errors = {Path(d.path).name: d.error for d in store.documents(status="error")}
    assert set(errors) == {"empty.pdf", "garbage.pdf"}
    assert all(errors.values())
    # the parsed values are the generated ones
    organs = {r.report.organ: r for r in store.reports()}
    r0 = organs["洪泽区第0街道"].report
    truth = make_report("洪泽区第0街道", 2021, region="淮安市", seed=0)
    assert r0.values() == truth.values()
    again = ingest(store, [tmp_path / "in", files[0]], workers=2)
    assert (again.stored, again.errors, again.skipped) == (0, 0, 7)
    assert store.counts()["documents"] == 6


def test_zip_member_names_in_gbk_and_utf8(tmp_path: Path) -> None:
    text = to_text(make_report("甲镇", 2022, seed=1)).encode()
    archive = tmp_path / "reports.zip"
    gbk = "洪泽区/甲镇2022年报告.txt".encode("gbk")
    placeholder = b"x" * len(gbk)
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(placeholder.decode(), text)
        zf.writestr("乙镇2022年报告.txt", text + b"\n")  # Python sets the UTF-8 flag for non-ASCII names
    # Windows archivers write GBK bytes without the UTF-8 flag: patch them in, header and directory
    archive.write_bytes(archive.read_bytes().replace(placeholder, gbk))
    with zipfile.ZipFile(archive) as zf:
        names = sorted(member_name(i) for i in zf.infolist())
    assert names == ["乙镇2022年报告.txt", "洪泽区/甲镇2022年报告.txt"]
    items = list(iter_items(list_inputs([archive])))
    assert sorted(i.name.split("!")[1] for i in items) == names
    assert all(i.data for i in items)


def test_zip_bomb_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("zeros.txt", b"0" * (20 * 1024 * 1024))
    (item,) = list(iter_items([archive]))
    assert item.data is None and "压缩" in (item.error or "")


def test_corrupt_zip_is_an_error_not_a_crash(db_url: str, tmp_path: Path) -> None:
    _write_reports(tmp_path / "in", 1)
    (tmp_path / "in" / "broken.zip").write_bytes(b"PK\x03\x04 truncated")
    stats = ingest(Store(db_url), [tmp_path / "in"], workers=1)
    assert stats.stored == 1 and stats.errors == 1


@pytest.mark.slow
def test_kill_and_resume_stores_every_file_exactly_once(tmp_path: Path) -> None:
    files = _write_reports(tmp_path / "in", 80)
    db = tmp_path / "k.db"
    cmd = [sys.executable, "-m", "nianbao", "ingest", str(tmp_path / "in"), "--db", str(db), "-j", "2", "-q"]
    proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    store = Store(db)
    deadline = time.time() + 60
    stored = 0
    while time.time() < deadline and proc.poll() is None:
        with store.session() as s:
            stored = s.scalar(select(func.count()).select_from(Document)) or 0
        if stored >= 5:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "ingest finished before it could be killed; make the batch larger"
    os.killpg(proc.pid, signal.SIGKILL)  # the CLI and its worker processes, mid-run
    proc.wait()
    with store.session() as s:
        partial = s.scalar(select(func.count()).select_from(Document)) or 0
    assert 5 <= partial < len(files)
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    with store.session() as s:
        paths = list(s.scalars(select(Document.path)))
    assert sorted(paths) == sorted(str(f) for f in files)  # every file, none twice
    assert store.counts()["reports"] == len(files)


@pytest.mark.skipif(not CORPUS.exists(), reason="corpus absent")
def test_ingest_real_corpus_links_organs_over_years(db_url: str) -> None:
    store = Store(db_url)
    ingest(store, [CORPUS / "html", CORPUS / "pdf"], workers=2)
    pingtan = store.reports(organ="平潭综合实验区")
    assert sorted(r.report.year for r in pingtan) == [2019, 2021, 2023, 2025]
    hongze = store.reports(organ="洪泽区政府")
    assert sorted(r.report.year for r in hongze) == [2023, 2024]
    assert {r.report.organ for r in hongze} == {"洪泽区人民政府", "淮安市洪泽区人民政府"}


def test_ingest_a_zip_stores_members_under_their_chinese_names(db_url: str, tmp_path: Path) -> None:
    archive = tmp_path / "年报.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for i, town in enumerate(("甲镇", "乙镇")):
            zf.writestr(f"洪泽区/{town}.txt", to_text(make_report(town, 2023, region="洪泽区", seed=i)))
        zf.writestr("洪泽区/说明.docx", b"not a docx")
    store = Store(db_url)
    stats = ingest(store, [archive], workers=1)
    assert (stats.stored, stats.errors) == (2, 1)
    assert sorted(r.report.source.split("!")[1] for r in store.reports()) == [
        "洪泽区/乙镇.txt",
        "洪泽区/甲镇.txt",
    ]
    assert [d.path.split("!")[1] for d in store.documents(status="error")] == ["洪泽区/说明.docx"]


def test_the_database_beside_the_reports_is_not_ingested(tmp_path: Path) -> None:
    _write_reports(tmp_path, 2)
    store = Store(tmp_path / "nianbao.db")
    stats = ingest(store, [tmp_path], workers=1)
    assert (stats.stored, stats.errors) == (2, 0)
    assert (tmp_path / "nianbao.db-wal").exists() or (tmp_path / "nianbao.db").exists()


@pytest.mark.slow
def test_two_concurrent_ingests_store_each_file_once(db_url: str, tmp_path: Path) -> None:
    files = _write_reports(tmp_path / "in", 16)
    Store(db_url).close()  # migrate once up front, as a first `nianbao ingest` would
    cmd = [
        sys.executable,
        "-m",
        "nianbao",
        "ingest",
        str(tmp_path / "in"),
        "--db",
        db_url,
        "-j",
        "1",
        "-q",
        "--no-check",
    ]
    procs = [
        subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for _ in range(2)
    ]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    store = Store(db_url)
    with store.session() as s:
        paths = list(s.scalars(select(Document.path)))
    assert sorted(paths) == sorted(str(f) for f in files)
    assert store.counts()["reports"] == len(files)
