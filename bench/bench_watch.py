"""Watch benchmark: units per minute against the local fixture CMS, with 1, 4 and 16 units in flight.

    python bench/bench_watch.py [-n 120] [--hosts 16] [--latency 0.05] [--concurrency 1 4 16] [--db]

Each unit is a column (list page) → detail page (发布时间) → PDF attachment (a corpus report), spread
over `--hosts` sites (ports of 127.0.0.1, each its own host for the per-host limit of 2). Every
response waits `--latency` seconds first, as a distant government server would, so concurrency
matters. Each concurrency level runs a fresh watch (new work folder) and then a second, incremental
one over the same folder (everything found: nothing fetched). `--db` also parses and stores the
reports (the PDFs are one corpus file, so it is parsed once; the figure is the fetch path's).
The sites run in a child process; wall time and the watch process's CPU time (parse workers
excluded) are both reported; units per minute are by wall time.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from nianbao.acquire.fixture_site import bench_site
from nianbao.acquire.policy import FetchPolicy
from nianbao.acquire.sites import parse_sites
from nianbao.acquire.watch import WatchOptions, run_watch
from nianbao.testing import corpus_dir

CORPUS = corpus_dir()


def _serve(units: int, hosts: int, latency: float, conn) -> None:
    """The sites in their own process, so that the CPU time measured is the watch's alone."""
    sites, rows = bench_site(CORPUS, units, hosts, latency)
    conn.send(rows)
    conn.recv()  # until told to stop
    for site in sites:
        site.stop()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", "--units", type=int, default=120)
    ap.add_argument("--hosts", type=int, default=16)
    ap.add_argument("--latency", type=float, default=0.05)
    ap.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16])
    ap.add_argument("--db", action="store_true", help="also parse and store the reports (SQLite)")
    args = ap.parse_args()
    ours, theirs = mp.Pipe()
    server = mp.Process(target=_serve, args=(args.units, args.hosts, args.latency, theirs), daemon=True)
    server.start()
    rows = ours.recv()
    units = parse_sites("机关,地区,年报栏目\n" + "\n".join(rows) + "\n")
    policy = FetchPolicy(allow_private=True, per_host=2, min_interval=0.0, retries=0)
    load = os.getloadavg()
    print(
        f"# bench_watch {date.today().isoformat()}  units={args.units} hosts={args.hosts} "
        f"latency={args.latency * 1000:.0f} ms  load before={load[0]:.2f} {load[1]:.2f} {load[2]:.2f}  "
        f"cores={os.cpu_count()}"
    )
    print()
    print(
        "| in flight | units | wall s | CPU s | units/min | requests | found | re-run wall s | re-run fetched |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    try:
        for c in args.concurrency:
            with tempfile.TemporaryDirectory() as tmp:
                store = None
                if args.db:
                    from nianbao.store import Store

                    store = Store(f"sqlite:///{tmp}/bench.db")
                opts = WatchOptions(2024, Path(tmp) / "w", concurrency=c, workers=2)
                t, cpu = time.perf_counter(), time.process_time()
                s = run_watch(units, opts, policy, store)
                wall, cpu = time.perf_counter() - t, time.process_time() - cpu
                found = sum(r.state in ("on_time", "late") for r in s.results)
                t2 = time.perf_counter()
                again = run_watch(units, opts, policy, store)
                rerun = time.perf_counter() - t2
                print(
                    f"| {c} | {len(units)} | {wall:.1f} | {cpu:.1f} | {len(units) / wall * 60:.0f} | "
                    f"{s.requests} | {found} | {rerun:.2f} | {again.new} |",
                    flush=True,
                )
                if store is not None:
                    store.close()
    finally:
        ours.send("stop")
        server.join(10)
    load = os.getloadavg()
    print()
    print(f"load after={load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
