"""Cross-document rules (`nianbao crosscheck`): CPU and peak memory against the number of reports.

    python bench/bench_crosscheck.py -n 5000 [--db FILE] [--shards 500 1000000000]

N synthetic reports (every organ over seven years, as `bench_export.build` stores them) in a
SQLite file (kept with `--db`, reused when it exists), then `run_corpus_rules` in a fresh process
per shard size: CPU seconds and peak RSS of that process. A shard size at least N is the whole
corpus in one context (what the check did before it held organs a shard at a time).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_export import build

CHILD = """
import json, os, resource, sys, time
from nianbao.corpus.runner import run_corpus_rules
from nianbao.store import Store
store = Store(sys.argv[1])
t = time.process_time()
found = run_corpus_rules(store)
r = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"cpu": time.process_time() - t, "rss_mb": r.ru_maxrss / 1024,
                  "findings": sum(found.values()), "reports": store.count_reports()}))
"""


def check(db: Path, shard: int) -> dict[str, float]:
    env = dict(os.environ, NIANBAO_CORPUS_SHARD=str(shard))
    out = subprocess.run(
        [sys.executable, "-c", CHILD, f"sqlite:///{db}"], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=5000)
    ap.add_argument("--db", type=Path, default=None, help="keep the database here (reused if present)")
    ap.add_argument("--shards", type=int, nargs="+", default=[500, 10**9])
    args = ap.parse_args()
    db = args.db or Path(tempfile.mkdtemp(prefix="nianbao-bench-xcheck-")) / "c.db"
    if not db.exists():
        t = time.perf_counter()
        build(db, args.n)
        print(
            f"{args.n} reports stored in {time.perf_counter() - t:.1f} s ({db.stat().st_size / 1e6:.0f} MB)"
        )
    for shard in args.shards:
        res = check(db, shard)
        what = "whole corpus in one context" if shard >= res["reports"] else f"shards of {shard} reports"
        print(
            f"{res['reports']:.0f} reports, {what:28s} {res['cpu']:6.2f} s CPU  peak RSS {res['rss_mb']:5.0f} MB"
            f"  ({res['findings']:.0f} findings)",
            flush=True,
        )
    print(f"-- {time.strftime('%Y-%m-%d %H:%M')}, load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
