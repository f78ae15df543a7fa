"""Peak memory of a process tree, measured from /proc (no cgroups needed).

A sampler thread sums the resident memory of a process and all its descendants every few
milliseconds; `peak_mb` is the largest sum seen. Children that lived shorter than one period can
be missed, so the caller also checks `RUSAGE_CHILDREN`'s maxrss (the largest single process).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass


def _status(pid: int | str) -> dict[str, str]:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
            return dict(line.rstrip("\n").split(":\t", 1) for line in fh if ":\t" in line)
    except OSError:
        return {}


def tree_rss_mb(root: int) -> float:
    """VmRSS of `root` and every descendant, from /proc/*/status."""
    info = {int(n): _status(n) for n in os.listdir("/proc") if n.isdigit()}
    kids: dict[int, list[int]] = {}
    for pid, st in info.items():
        if st.get("PPid", "").strip().isdigit():
            kids.setdefault(int(st["PPid"]), []).append(pid)
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        rss = info.get(pid, {}).get("VmRSS", "0 kB").split()[0]
        total += int(rss) / 1024 if rss.isdigit() else 0.0
        todo.extend(kids.get(pid, []))
    return total


@dataclass
class TreeSample:
    peak_mb: float = 0.0
    samples: int = 0
    max_child_rss_mb: float = 0.0  # the largest process of the command's own tree (getrusage)
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # user + system of the whole tree (waited-for processes)


_LAUNCHER = """
import os, resource, signal, subprocess, sys
signal.signal(signal.SIGTERM, signal.SIG_DFL)
code = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "w") as fh:
    fh.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
if code < 0:  # killed by a signal: die of the same one, as the command did
    signal.signal(-code, signal.SIG_DFL)
    os.kill(os.getpid(), -code)
sys.exit(code)
"""


def run_measured(
    cmd: list[str], period: float = 0.02, **kw: object
) -> tuple[subprocess.CompletedProcess, TreeSample]:
    """Run `cmd` to completion while sampling its process tree's total resident memory."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    sample = TreeSample()
    start = time.monotonic()
    # through a small launcher: RUSAGE_CHILDREN of this process holds the largest child it ever
    # waited for (an earlier test's browser or OCR worker); the launcher's holds only cmd's tree
    fd, rusage_file = tempfile.mkstemp(suffix=".maxrss")
    os.close(fd)
    launcher = [sys.executable, "-c", _LAUNCHER, rusage_file, *cmd]
    proc = subprocess.Popen(launcher, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)  # type: ignore[call-overload]
    stop = threading.Event()

    def sampler() -> None:
        while not stop.is_set():
            sample.peak_mb = max(sample.peak_mb, tree_rss_mb(proc.pid))
            sample.samples += 1
            stop.wait(period)

    t = threading.Thread(target=sampler, daemon=True)
    t.start()
    out, err = proc.communicate(timeout=900)
    stop.set()
    t.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    sample.seconds = time.monotonic() - start
    with open(rusage_file) as fh:
        text = fh.read().strip()
    os.unlink(rusage_file)
    sample.max_child_rss_mb = int(text) / 1024 if text else 0.0
    sample.cpu_seconds = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err), sample
