"""The HTML and PDF readers against the bare library pass over the same files, in the same run.

    python bench/bench_bare.py [--rounds 40] [--formats html pdf] [FILE ...]

HTML: `nianbao.readers.html.read` vs `lxml.html.fromstring` of the same bytes. PDF:
`nianbao.readers.pdf.read` vs a bare pypdfium2 text pass (open the document, every page's
`get_textpage().get_text_range()`, close). Default files: the shared corpus pages and PDFs.

The two are run in turn (A B A B …) `--rounds` times per file, each timed in CPU seconds of
this process (`time.process_time`), so that a neighbour's load slows both alike; per file the
median of each and the median of the per-round ratios are printed, then the totals over all
files (sum of medians) and their ratio. On the shared box the absolute figures move with the
load; the ratios are the figure to quote.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from nianbao.testing import corpus_dir

CLOCK = time.process_time


def _html_pair() -> tuple[Callable[[bytes, str], object], Callable[[bytes, str], object]]:
    import lxml.html

    from nianbao.readers.html import read

    return read, lambda data, name: lxml.html.fromstring(data)


def _pdf_pair() -> tuple[Callable[[bytes, str], object], Callable[[bytes, str], object]]:
    import pypdfium2

    from nianbao.readers.pdf import read

    def bare(data: bytes, name: str) -> object:
        pdf = pypdfium2.PdfDocument(data)
        try:
            out = []
            for i in range(len(pdf)):
                page = pdf[i]
                textpage = page.get_textpage()
                out.append(textpage.get_text_range())
                textpage.close()
                page.close()
            return out
        finally:
            pdf.close()

    return read, bare


PAIRS = {"html": _html_pair, "pdf": _pdf_pair}
DEFAULT = {"html": ("html", "*.html"), "pdf": ("pdf", "*.pdf")}


def measure(
    ours: Callable[[bytes, str], object],
    bare: Callable[[bytes, str], object],
    data: bytes,
    name: str,
    rounds: int,
) -> tuple[float, float, float]:
    ours(data, name)  # warm-up: imports, parser objects, caches
    bare(data, name)
    a, b, ratios = [], [], []
    for _ in range(rounds):
        t0 = CLOCK()
        ours(data, name)
        t1 = CLOCK()
        bare(data, name)
        t2 = CLOCK()
        a.append(t1 - t0)
        b.append(t2 - t1)
        if t2 > t1:
            ratios.append((t1 - t0) / (t2 - t1))
    return statistics.median(a), statistics.median(b), statistics.median(ratios)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--rounds", type=int, default=40)
    ap.add_argument("--formats", nargs="+", default=["html", "pdf"], choices=sorted(PAIRS))
    args = ap.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"# readers vs bare library · {platform.machine()} · {os.cpu_count()} cores · Python "
        f"{platform.python_version()} · {time.strftime('%Y-%m-%d %H:%M')} · load {load:.1f}"
    )
    for fmt in args.formats:
        if args.files:
            files = [f for f in args.files if f.suffix.lower().lstrip(".").startswith(fmt[:3])]
        else:
            folder, pattern = DEFAULT[fmt]
            files = sorted((corpus_dir() / folder).glob(pattern))
        if not files:
            continue
        ours, bare = PAIRS[fmt]()
        print(f"\n| {fmt} file | KB | nianbao ms | bare ms | ratio (median of pairs) |")
        print("|---|---:|---:|---:|---:|")
        total_a = total_b = 0.0
        for f in files:
            data = f.read_bytes()
            a, b, r = measure(ours, bare, data, str(f), args.rounds)
            total_a += a
            total_b += b
            print(f"| {f.name} | {len(data) // 1024} | {a * 1000:.2f} | {b * 1000:.2f} | {r:.2f}× |")
        print(
            f"| **all {len(files)}** | | {total_a * 1000:.2f} | {total_b * 1000:.2f} | {total_a / total_b:.2f}× |"
        )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nload average at the end: {load:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
