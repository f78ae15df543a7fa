"""Isolated parsing: a crash, a memory or time limit costs exactly one file, workers die with their
parent, the pool's own failures are retried, and the output order never changes."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from nianbao import isolation
from nianbao.corpus.ingest import ingest
from nianbao.isolation import Limits, Pool
from nianbao.store import Store

from . import workloads as wl
from .files import lines_of_ones, xlsx_far_corners

CLI = [sys.executable, "-m", "nianbao"]
TESTS = str(Path(__file__).resolve().parents[1])


@pytest.fixture(params=["fork", "forkserver"])
def start_method(request: pytest.FixtureRequest) -> str:
    return request.param


def test_a_crash_costs_only_its_own_task_and_the_order_is_kept(start_method: str) -> None:
    with Pool(2, Limits(memory_mb=0, cpu_seconds=0, wall_seconds=30), start_method=start_method) as pool:
        jobs = [(wl.echo, (0,)), (wl.abort, ()), (wl.echo, (2,)), (wl.raise_error, ()), (wl.echo, (4,))]
        assert list(pool.map(wl.echo, [])) == []
        outs = [pool.run(f, *a) for f, a in jobs]
        many = list(pool.map(wl.echo, [(i,) for i in range(20)]))
    assert [o.value for o in many] == list(range(20))
    assert [o.kind for o in outs] == ["ok", "crash", "ok", "error", "ok"]
    assert outs[1].error == isolation.CRASHED.format(how="SIGABRT") and outs[1].own
    assert "内部错误" in (outs[3].error or "") and "ValueError: a bug" in (outs[3].error or "")


def test_crashes_inside_a_batch_do_not_touch_the_neighbours() -> None:
    with Pool(2, Limits(memory_mb=0, cpu_seconds=0, wall_seconds=30)) as pool:
        outs = list(
            pool.imap_unordered(
                _dispatch, [(i, ("abort",) if i % 3 == 0 else ("echo", i)) for i in range(12)]
            )
        )
    by_key = dict(outs)
    assert sorted(by_key) == list(range(12))
    for i, out in by_key.items():
        if i % 3 == 0:
            assert out.kind == "crash"
        else:
            assert out.value == i


def _dispatch(what: str, *args: object) -> object:
    return {"abort": wl.abort, "echo": wl.echo}[what](*args)


def test_memory_limit_gives_the_limit_in_the_error() -> None:
    with Pool(1, Limits(memory_mb=300, cpu_seconds=0, wall_seconds=60)) as pool:
        stepwise = pool.run(wl.hog, 900)  # grows past the watchdog's sample
        at_once = pool.run(wl.big_alloc, 2000)  # refused by RLIMIT_DATA (2 × the limit) at once
        after = pool.run(wl.echo, "still here")
    assert stepwise.kind == "memory" and stepwise.error == isolation.OUT_OF_MEMORY.format(mb=300)
    assert stepwise.peak_rss_mb < 300 + 200  # killed close to the limit, not at 900 MB
    assert at_once.kind == "memory" and "超出内存上限 300 MB" in (at_once.error or "")
    assert after.value == "still here"


def test_wall_and_cpu_limits() -> None:
    with Pool(1, Limits(memory_mb=0, cpu_seconds=0, wall_seconds=1.5)) as pool:
        t0 = time.monotonic()
        slow = pool.run(wl.sleep, 30)
        assert time.monotonic() - t0 < 10
    assert slow.kind == "timeout" and slow.error == isolation.TIMED_OUT.format(s="1.5")
    with Pool(1, Limits(memory_mb=0, cpu_seconds=1, wall_seconds=60)) as pool:
        spin = pool.run(wl.spin, 30)
    assert spin.kind == "cpu" and "CPU 时间超过 1 秒" in (spin.error or "")


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            state = fh.read().rsplit(b")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in (b"Z", b"X")


def _pids_running(cmdline_part: str) -> list[int]:
    out = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/cmdline", "rb") as fh:
                    if cmdline_part.encode() in fh.read().replace(b"\0", b" ") and _alive(int(name)):
                        out.append(int(name))
            except OSError:
                continue
    return out


def test_a_killed_worker_takes_its_subprocesses_along() -> None:
    marker = "37.25"  # a unique `sleep` argument to find the worker's child by
    with Pool(1, Limits(memory_mb=0, cpu_seconds=0, wall_seconds=1.5)) as pool:
        out = pool.run(wl.sleep_in_child, float(marker))
    assert out.kind == "timeout"
    deadline = time.monotonic() + 5
    while _pids_running(f"sleep {marker}") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _pids_running(f"sleep {marker}")


@pytest.mark.parametrize("method", ["fork", "forkserver"])
def test_workers_die_with_their_parent(method: str, tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {TESTS!r})
        from hostile import workloads as wl
        from nianbao.isolation import Pool, Limits
        if __name__ == "__main__":
            pool = Pool(1, Limits(memory_mb=0, cpu_seconds=0, wall_seconds=600), start_method={method!r})
            print(pool.run(wl.pid).value, flush=True)
            pool.run(wl.sleep, 600)
        """
    )
    path = tmp_path / "parent.py"
    path.write_text(script)
    proc = subprocess.Popen([sys.executable, str(path)], stdout=subprocess.PIPE, text=True)
    worker = int(proc.stdout.readline())  # type: ignore[union-attr]
    assert _alive(worker)
    proc.kill()  # kill -9: no cleanup code runs in the parent
    proc.wait()
    deadline = time.monotonic() + 5
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(worker)


def _folder(tmp_path: Path, corpus: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for p in sorted((corpus / "seeds").glob("*.txt"))[:3]:
        (folder / p.name).write_bytes(p.read_bytes())
    (folder / "abort.xlsx").write_bytes(xlsx_far_corners())
    (folder / "ones.txt").write_bytes(lines_of_ones(12 * 1024 * 1024))
    return folder


# the two files' own guards switched off, so that they reach the spreadsheet library and the
# text reader: one aborts the process (calamine cannot allocate 17 billion cells), one needs GBs
UNGUARDED = {"NIANBAO_MAX_SHEET_CELLS": str(10**12), "NIANBAO_MAX_TEXT_LINES": str(10**9)}


@pytest.mark.slow
def test_ingest_stores_the_neighbours_of_a_crash_and_a_memory_hog(
    tmp_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for k, v in UNGUARDED.items():
        monkeypatch.setenv(k, v)
    folder = _folder(tmp_path, corpus_dir)
    store = Store(tmp_path / "db.sqlite")
    limits = Limits(memory_mb=400, cpu_seconds=120, wall_seconds=120)
    stats = ingest(store, [folder], workers=2, limits=limits)
    assert (stats.stored, stats.errors, stats.retry_later) == (3, 2, 0), stats.error_files
    errors = {Path(d.path).name: d.error for d in store.documents(status="error")}
    assert errors["abort.xlsx"] == isolation.CRASHED.format(how="SIGABRT")
    assert errors["ones.txt"] == isolation.OUT_OF_MEMORY.format(mb=400)
    assert stats.peak_worker_mb < 400 + 250
    again = ingest(store, [folder], workers=2, limits=limits)
    assert (again.stored, again.errors, again.skipped) == (0, 0, 5)


def test_the_pools_own_failure_is_retried_on_the_next_run(
    tmp_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for p in sorted((corpus_dir / "seeds").glob("*.txt"))[:2]:
        (folder / p.name).write_bytes(p.read_bytes())
    store = Store(tmp_path / "db.sqlite")

    def no_fork(self: Pool) -> None:  # what fork() does when the process limit is reached
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")

    with monkeypatch.context() as m:
        m.setattr(Pool, "_spawn", no_fork)
        failed = ingest(store, [folder], workers=2)
    assert (failed.stored, failed.errors, failed.retry_later) == (0, 0, 2)
    assert store.documents() == []  # nothing recorded: the files are not to blame
    assert all("下次导入时重试" in e for _, e in failed.error_files)
    retried = ingest(store, [folder], workers=2)
    assert (retried.stored, retried.skipped) == (2, 0)


def test_parse_gives_the_same_lines_in_the_same_order_whatever_crashes(
    tmp_path: Path, corpus_dir: Path
) -> None:
    seeds = sorted(str(p) for p in (corpus_dir / "seeds").glob("*.txt"))
    bad = tmp_path / "abort.xlsx"
    bad.write_bytes(xlsx_far_corners())
    files = [seeds[0], str(bad), *seeds[1:3], "/nonexistent.txt"]
    env = {**os.environ, **UNGUARDED}
    one = subprocess.run([*CLI, "parse", *files], capture_output=True, text=True, env=env, timeout=300)
    two = subprocess.run(
        [*CLI, "parse", "-j", "2", *files], capture_output=True, text=True, env=env, timeout=300
    )
    assert one.returncode == two.returncode == 0, one.stderr + two.stderr
    assert one.stdout == two.stdout
    lines = [json.loads(x) for x in one.stdout.splitlines()]
    assert [x["source"] for x in lines] == files
    assert lines[1]["error"] == isolation.CRASHED.format(how="SIGABRT")
    clean = subprocess.run([*CLI, "parse", *seeds[:3]], capture_output=True, text=True, timeout=300)
    assert [
        line for i, line in enumerate(one.stdout.splitlines()) if i in (0, 2, 3)
    ] == clean.stdout.splitlines()


def test_no_traceback_reaches_the_user(tmp_path: Path) -> None:
    log = tmp_path / "errors.log"
    code = textwrap.dedent(
        """
        import sys
        from nianbao.cli import app, main

        @app.command("boom")
        def boom() -> None:
            raise RuntimeError("an unexpected bug")

        sys.argv = ["nianbao", "boom"]
        main()
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "NIANBAO_LOG_FILE": str(log)},
        timeout=120,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "内部错误（请报告此问题）：RuntimeError: an unexpected bug" in proc.stderr
    assert str(log) in proc.stderr
    assert "Traceback" in log.read_text(encoding="utf-8") and "an unexpected bug" in log.read_text(
        encoding="utf-8"
    )


def _descendants(pid: int) -> list[int]:
    parents = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", "rb") as fh:
                    parents[int(name)] = int(fh.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        kids = [c for c, pp in parents.items() if pp == p]
        out += kids
        todo += kids
    return out


def test_ctrl_c_stops_the_workers_and_leaves_the_unfinished_file_for_the_next_run(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "slow.txt").write_text(
        "三、收到和处理政府信息公开申请情况\n" + "（一）予以公开\t1\t2\t3\n" * 200000, encoding="utf-8"
    )
    db = tmp_path / "db.sqlite"
    env = {**os.environ, "NIANBAO_MAX_TEXT_LINES": str(10**9)}
    proc = subprocess.Popen(
        [*CLI, "ingest", "-j", "1", "--quiet", "--no-check", "--db", str(db), str(folder)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # a job started in the background inherits SIGINT ignored; a terminal's Ctrl-C is not
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while time.monotonic() < deadline and not workers and proc.poll() is None:
        time.sleep(0.2)
        workers = _descendants(proc.pid)
    assert workers, "a worker was started"
    time.sleep(1)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "Traceback" not in out + err and "已中断" in err, (proc.returncode, err)
    assert not [w for w in workers if _alive(w)]
    assert Store(db).documents() == []  # interrupted, not failed: the next run parses it
