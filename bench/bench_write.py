"""Time the writer: rendering per format, the round trip through nianbao.parse, and nianbao synth.

    python bench/bench_write.py [--n 20] [--pdf 6] [--seed 1]

Prints, per format, the median CPU milliseconds to render one report (validation included) and
to parse it back, and how many of the reports read back to identical cells (must be all); then
the wall time of LibreOffice PDF conversion one document per run vs. a batch in one run.
CPU time is used for the pure-Python parts because the shared machine's wall clock is noisy.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import nianbao
from nianbao.synth.generate import random_data
from nianbao.writer import render_report
from nianbao.writer.compose import compose
from nianbao.writer.render.docx import render_docx
from nianbao.writer.render.pdf import convert_many, docx_to_pdf

FORMATS = ("docx", "html", "md", "txt")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--pdf", type=int, default=6)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    reports = [random_data(rng) for _ in range(args.n)]
    print(f"{args.n} random reports (both templates), seed {args.seed}")
    for fmt in FORMATS:
        render_ms, parse_ms, same = [], [], 0
        for data in reports:
            t = time.process_time()
            content = render_report(data, fmt).content
            render_ms.append((time.process_time() - t) * 1000)
            t = time.process_time()
            report = nianbao.parse(content, name=f"r.{fmt}")
            parse_ms.append((time.process_time() - t) * 1000)
            same += all(report.value(k) == v for k, v in data.cells.items())
        print(
            f"{fmt:5} render {statistics.median(render_ms):7.1f} ms  parse {statistics.median(parse_ms):7.1f} ms"
            f"  identical {same}/{len(reports)}"
        )
    docs = [render_docx(compose(d)) for d in reports[: args.pdf]]
    if docs:
        t = time.perf_counter()
        for d in docs:
            docx_to_pdf(d)
        single = time.perf_counter() - t
        t = time.perf_counter()
        convert_many([(f"r{i}", d) for i, d in enumerate(docs)], ".docx", "pdf")
        batch = time.perf_counter() - t
        print(
            f"pdf   {len(docs)} docs: one soffice per doc {single / len(docs):.2f} s/doc, "
            f"one batch {batch / len(docs):.2f} s/doc (wall)"
        )


if __name__ == "__main__":
    main()
