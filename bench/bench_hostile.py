"""Hostile files one by one through the real `nianbao parse`: the error, the elapsed and CPU time,
and the peak memory of the whole process tree (parent and workers, sampled from /proc); then the
cost of isolation itself (the same files parsed in-process and through an isolated worker).

    python bench/bench_hostile.py [--only ones,png_huge] [--isolation-files 40]

The figures in docs/security.md come from this script.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from hostile.files import hostile_files  # noqa: E402
from hostile.memory import run_measured  # noqa: E402


def corpus() -> Path:
    import os

    return Path(os.environ.get("NIANBAO_SHARED", ROOT.parent / "shared")) / "corpus"


def per_file(only: set[str] | None) -> None:
    made = hostile_files(corpus())
    print(f"{'file':24} {'size':>9} {'wall s':>7} {'CPU s':>6} {'peak MB':>8}  outcome")
    with tempfile.TemporaryDirectory() as tmp:
        for key, h in made.items():
            if only and key not in only:
                continue
            path = Path(tmp) / h.name
            path.write_bytes(h.data)
            proc, sample = run_measured([sys.executable, "-m", "nianbao", "parse", str(path)])
            line = proc.stdout.strip()
            import json

            try:
                obj = json.loads(line)
                outcome = obj.get("error") or f"读取成功（{len(obj.get('cells', {}))} 个单元格）"
            except ValueError:
                outcome = (proc.stderr or line)[-120:]
            size = len(h.data)
            shown = f"{size / 1048576:.1f} MB" if size >= 1048576 else f"{size / 1024:.1f} KB"
            print(
                f"{h.name:24} {shown:>9} {sample.seconds:7.1f} {sample.cpu_seconds:6.2f} "
                f"{sample.peak_mb:8.0f}  {outcome[:90]}"
            )


def isolation_cost(n: int) -> None:
    """CPU per file in-process vs through one isolated worker (parent + worker CPU)."""
    from nianbao.corpus.ingest import parse_item
    from nianbao.isolation import Limits, Pool

    seeds = sorted((corpus() / "seeds").glob("*.txt")) + sorted((corpus() / "html").glob("*.html"))
    files = [(p.name, p.read_bytes()) for p in seeds]
    files = (files * (n // len(files) + 1))[:n]
    for name, data in files[:2]:
        parse_item(name, data)  # warm: imports, caches

    def cpu() -> float:
        s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime

    t0 = cpu()
    for name, data in files:
        parse_item(name, data)
    inproc = (cpu() - t0) / n
    t0 = cpu()
    wall = time.perf_counter()
    with Pool(1, Limits(), start_method="fork") as pool:
        outs = list(pool.map(parse_item, files))
    isolated = (cpu() - t0) / n  # the worker is joined on close: its CPU is in RUSAGE_CHILDREN
    wall = time.perf_counter() - wall
    assert all(o.ok for o in outs)
    print(
        f"\nisolation cost over {n} files (text and HTML reports): in-process {inproc * 1000:.1f} ms CPU/file, "
        f"isolated worker {isolated * 1000:.1f} ms CPU/file (parent + worker), "
        f"ratio {isolated / inproc:.2f}, {wall / n * 1000:.1f} ms wall/file"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", help="comma-separated keys of tests/hostile/files.py")
    ap.add_argument("--isolation-files", type=int, default=40)
    args = ap.parse_args()
    per_file(set(args.only.split(",")) if args.only else None)
    if args.isolation_files:
        isolation_cost(args.isolation_files)


if __name__ == "__main__":
    main()
