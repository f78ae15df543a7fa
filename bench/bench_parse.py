"""Parse time per input format on the shared corpus: ms per document and docs/s on one core.

    python bench/bench_parse.py [--corpus ../shared/corpus] [--repeat 20]

Each document is parsed once to warm caches, then `--repeat` times; the median CPU time is
reported per stage (read, extract, validate). Peak memory is measured with tracemalloc over one parse of every
document of the format. Run on a quiet machine: numbers from a loaded box are meaningless.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path

from nianbao.extract import extract
from nianbao.readers import read_document
from nianbao.rules import validate
from nianbao.testing import corpus_dir

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = corpus_dir()
# CPU time of this process: on a shared or loaded machine wall time measures the neighbours
CLOCK = time.process_time
KINDS = {
    "seeds": "text (Word dump)",
    "crawl": "text (crawl, run together)",
    "html": "HTML",
    "pdf": "PDF (text layer)",
}


def time_one(path: Path, repeat: int) -> tuple[float, float, float]:
    read, ext, val = [], [], []
    for _ in range(repeat + 1):
        t0 = CLOCK()
        doc = read_document(path)
        t1 = CLOCK()
        report = extract(doc)
        t2 = CLOCK()
        validate(report)
        t3 = CLOCK()
        read.append(t1 - t0)
        ext.append(t2 - t1)
        val.append(t3 - t2)
    # the first round warms caches
    return statistics.median(read[1:]), statistics.median(ext[1:]), statistics.median(val[1:])


def peak_memory(paths: list[Path]) -> float:
    tracemalloc.start()
    for p in paths:
        validate(extract(read_document(p)))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    groups: dict[str, list[Path]] = defaultdict(list)
    for kind in KINDS:
        groups[kind] = sorted(p for p in (args.corpus / kind).glob("*") if p.is_file())
    print(
        f"# parse benchmark · {platform.processor() or platform.machine()} · {os.cpu_count()} cores · "
        f"Python {platform.python_version()} · {time.strftime('%Y-%m-%d')}"
    )
    print(
        "| format | docs | read ms | extract ms | validate ms | total ms (CPU) | docs/s (1 core) | peak MB |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for kind, paths in groups.items():
        if not paths:
            continue
        rows = [time_one(p, args.repeat) for p in paths]
        r = statistics.mean(x[0] for x in rows) * 1000
        e = statistics.mean(x[1] for x in rows) * 1000
        v = statistics.mean(x[2] for x in rows) * 1000
        total = r + e + v
        print(
            f"| {KINDS[kind]} | {len(paths)} | {r:.1f} | {e:.1f} | {v:.1f} | {total:.1f} | "
            f"{1000 / total:.0f} | {peak_memory(paths):.1f} |"
        )


if __name__ == "__main__":
    main()
