"""Benchmark the PDF reader: documents/s and ms/page on one core, and peak memory.

    python bench/bench_pdf.py [PDF ...]        (default: the corpus PDFs)

Reads every file once to warm up (imports, PDFium init), then N rounds; reports the median
per document. Peak Python-heap memory is measured with tracemalloc over one read of each file,
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

CORPUS = Path(os.environ.get("NIANBAO_CORPUS", "/work/shared/corpus")) / "pdf"


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
    total_pages = total_time = 0.0
    print(f"{'file':40} {'pages':>5} {'ms/doc':>8} {'ms/page':>8}")
    for f, data in blobs:
        times = []
        for _ in range(args.rounds):
            t = time.perf_counter()
            doc = read(data, str(f))
            times.append(time.perf_counter() - t)
        med = statistics.median(times)
        pages = int(doc.metadata.get("pdf_pages", "1"))
        total_pages += pages
        total_time += med
        print(f"{f.name:40} {pages:5d} {med * 1000:8.1f} {med * 1000 / pages:8.1f}")
    print(
        f"throughput: {len(blobs) / total_time:.1f} docs/s, {total_time * 1000 / total_pages:.1f} ms/page (1 core)"
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
