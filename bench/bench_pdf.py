"""Benchmark the PDF reader: documents/s and ms/page on one core, and peak memory.

    python bench/bench_pdf.py [PDF ...]        (default: the corpus PDFs)

Reads every file once to warm up (imports, PDFium init), then N rounds; reports the median
per document, as wall time and as CPU time (the CPU figure holds when the machine is busy). Peak Python-heap memory is measured with tracemalloc over one read of each file,
peak process RSS with resource.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

from nianbao.readers.pdf import read
from nianbao.testing import corpus_dir

CORPUS = corpus_dir() / "pdf"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args()
    files = args.files or sorted(CORPUS.glob("*.pdf"))
    if not files:
        print("no PDF files to read", file=sys.stderr)
        return 1
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    blobs = [(f, f.read_bytes()) for f in files]
    for f, data in blobs:
        read(data, str(f))  # warm-up
    total_pages = total_wall = total_cpu = 0.0
    print(f"{'file':40} {'pages':>5} {'wall ms':>8} {'cpu ms':>8} {'cpu ms/page':>12}")
    for f, data in blobs:
        wall, cpu = [], []
        for _ in range(args.rounds):
            t, c = time.perf_counter(), time.process_time()
            doc = read(data, str(f))
            wall.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        w, c = statistics.median(wall), statistics.median(cpu)
        pages = int(doc.metadata.get("pdf_pages", "1"))
        total_pages += pages
        total_wall += w
        total_cpu += c
        print(f"{f.name:40} {pages:5d} {w * 1000:8.1f} {c * 1000:8.1f} {c * 1000 / pages:12.1f}")
    print(
        f"throughput (1 core): {len(blobs) / total_cpu:.1f} docs/s, {total_cpu * 1000 / total_pages:.1f} ms/page"
        f" of CPU; {len(blobs) / total_wall:.1f} docs/s wall"
    )
    tracemalloc.start()
    for f, data in blobs:
        read(data, str(f))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak Python heap during a read: {peak / 1048576:.1f} MiB; peak process RSS: {rss:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
