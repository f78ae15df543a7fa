"""Ingest benchmark: N synthetic reports as text files, local engine and Ray, throughput and peak memory.

    python bench/bench_ingest.py -n 10000 --engines local ray [--db postgresql://…]

Peak memory is the maximum resident set size of this (parent) process and, separately, of its
largest child (a parse worker), from getrusage.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from nianbao.corpus.ingest import ingest
from nianbao.corpus.runner import run_corpus_rules
from nianbao.corpus.synthetic import make_report, to_text
from nianbao.store import DocumentRecord, Store


def generate(folder: Path, n: int) -> float:
    folder.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    organs = max(n // 7, 1)  # each organ reports for up to seven years, so the cross-year rules have work
    for i in range(n):
        j = i % organs
        r = make_report(f"第{j % 100}县第{j // 100}局", 2019 + (i // organs) % 7, region="某某市", seed=i)
        (folder / f"{i:06d}.txt").write_text(to_text(r), encoding="utf-8")
    return time.perf_counter() - t


def run(engine: str, folder: Path, db: str, workers: int) -> dict[str, float]:
    store = Store(db)
    t = time.perf_counter()
    stats = ingest(store, [folder], workers=workers, engine=engine)
    dt = time.perf_counter() - t
    counts = store.counts()
    rerun = time.perf_counter()
    again = ingest(store, [folder], workers=workers, engine=engine)
    rerun = time.perf_counter() - rerun
    assert again.stored == 0 and again.skipped == stats.stored + stats.errors
    check = time.perf_counter()
    found = run_corpus_rules(store)
    check = time.perf_counter() - check
    return {
        "crosscheck_seconds": check,
        "crosscheck_findings": sum(found.values()),
        "files": stats.stored + stats.errors,
        "errors": stats.errors,
        "seconds": dt,
        "files_per_s": (stats.stored + stats.errors) / dt,
        "reports_in_db": counts["reports"],
        "rerun_seconds": rerun,
    }


def cpu_costs(folder: Path, db: str, n: int = 200) -> tuple[float, float]:
    """CPU seconds per report for parsing and for the parent's database write, load-independent."""
    from nianbao.corpus.ingest import parse_item

    files = sorted(folder.iterdir())[:n]
    t = time.process_time()
    parsed = [(f, parse_item(f.name, f.read_bytes())[0]) for f in files]
    parse_cpu = (time.process_time() - t) / len(files)
    store = Store(db)
    t = time.process_time()
    records = [
        DocumentRecord(f"{i:064x}", str(f), f.stat().st_size, report) for i, (f, report) in enumerate(parsed)
    ]
    for i in range(0, len(records), 16):  # as ingest writes: batches of 16 per transaction
        store.record_documents(records[i : i + 16])
    write_cpu = (time.process_time() - t) / len(files)
    return parse_cpu, write_cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=1000)
    ap.add_argument("--engines", nargs="+", default=["local"])
    ap.add_argument("--workers", type=int, default=0)
    ap.add_argument("--db", default=None, help="default: a fresh SQLite file per engine")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="nianbao-bench-"))
    try:
        gen = generate(tmp / "in", args.n)
        print(f"generated {args.n} reports in {gen:.1f} s")
        parse_cpu, write_cpu = cpu_costs(tmp / "in", args.db or f"sqlite:///{tmp / 'cpu.db'}")
        print(
            f"CPU per report: parse {parse_cpu * 1000:.0f} ms (worker), store {write_cpu * 1000:.1f} ms (parent)"
        )
        for engine in args.engines:
            db = args.db or f"sqlite:///{tmp / (engine + '.db')}"
            res = run(engine, tmp / "in", db, args.workers or 0)
            self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(
                f"{engine:6s} {res['files']:.0f} files in {res['seconds']:.1f} s = {res['files_per_s']:.1f} files/s;"
                f" re-run (all skipped) {res['rerun_seconds']:.1f} s; peak RSS parent {self_mb:.0f} MB,"
                f" largest worker {child_mb:.0f} MB; db reports {res['reports_in_db']:.0f};"
                f" crosscheck {res['crosscheck_seconds']:.1f} s ({res['crosscheck_findings']:.0f} findings)",
                flush=True,
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(0)


if __name__ == "__main__":
    main()
