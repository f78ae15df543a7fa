"""Export benchmark: `nianbao export` formats against a bare dump of the same SQLite database.

    python bench/bench_export.py -n 2000 [--repeat 2]

N synthetic reports (`nianbao.corpus.synthetic`) are parsed and stored the way ingest stores
them (batches of 16 per transaction), then each export runs in this process and is timed in CPU
time (minimum of `--repeat`). The bare baseline is what any wide export must at least do: one
`SELECT report_id, key, value FROM cells` over the sqlite3 module, written to CSV by the csv
module as (report, key, value) rows, no pivot, no metadata. The ratio is ours / bare. The same
long dump written by xlsxwriter is printed too: what the XLSX format costs by itself.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from nianbao.corpus.export import export
from nianbao.corpus.ingest import parse_item
from nianbao.corpus.synthetic import make_report, to_text
from nianbao.store import DocumentRecord, Store


def build(db: Path, n: int) -> None:
    store = Store(f"sqlite:///{db}")
    organs = max(n // 7, 1)
    records = []
    for i in range(n):
        j = i % organs
        r = make_report(f"第{j % 100}县第{j // 100}局", 2019 + (i // organs) % 7, region="某某市", seed=i)
        report = parse_item(f"{i:06d}.txt", to_text(r).encode("utf-8"))[0]
        records.append(DocumentRecord(f"{i:064x}", f"{i:06d}.txt", 1, report))
        if len(records) == 16:
            store.record_documents(records)
            records = []
    if records:
        store.record_documents(records)
    store.close()


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def bare_dump(db: Path, out: Path) -> None:
    con = sqlite3.connect(db)
    with out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerows(con.execute("SELECT report_id, key, value FROM cells"))
    con.close()


def bare_xlsx(db: Path, out: Path) -> None:
    """The same long dump through xlsxwriter (constant memory): the cost of the format itself."""
    import xlsxwriter

    con = sqlite3.connect(db)
    wb = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    ws = wb.add_worksheet("cells")
    for r, row in enumerate(con.execute("SELECT report_id, key, value FROM cells")):
        ws.write_row(r, 0, row)
    wb.close()
    con.close()


def ours(db: Path, out: Path) -> None:
    store = Store(f"sqlite:///{db}")
    try:
        export(store, out)
    finally:
        store.close()


def timed(fn: Callable[[Path, Path], None], db: Path, out: Path, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = cpu()
        fn(db, out)
        best = min(best, cpu() - t)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="nianbao-bench-export-"))
    try:
        db = tmp / "c.db"
        t = time.perf_counter()
        build(db, args.n)
        print(
            f"{args.n} reports stored in {time.perf_counter() - t:.1f} s ({db.stat().st_size / 1e6:.0f} MB)"
        )
        bare = timed(bare_dump, db, tmp / "bare.csv", repeat=args.repeat)
        print(f"bare dump (sqlite3 + csv, long format)  {bare:6.2f} s CPU")
        bare_x = timed(bare_xlsx, db, tmp / "bare.xlsx", repeat=args.repeat)
        print(f"bare dump through xlsxwriter            {bare_x:6.2f} s CPU  ratio {bare_x / bare:5.1f}")
        for fmt in ("csv", "parquet", "xlsx", "jsonl"):
            out = tmp / f"export.{fmt}"
            ours_s = timed(ours, db, out, repeat=args.repeat)
            vs_x = f"  ({ours_s / bare_x:.1f} x the xlsxwriter dump)" if fmt == "xlsx" else ""
            print(
                f"nianbao export .{fmt:8s}                {ours_s:6.2f} s CPU  ratio {ours_s / bare:5.1f}{vs_x}"
            )
        load = os.getloadavg()[0]
        print(
            f"-- {time.strftime('%Y-%m-%d %H:%M')}, {args.n} reports, load {load:.1f} on {os.cpu_count()} cores"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(0)


if __name__ == "__main__":
    main()
