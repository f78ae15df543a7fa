#!/usr/bin/env python3
"""OCR speed per page: nianbao's reading against one bare rapidocr call on the same page.

    python bench/bench_ocr.py [--dpi 200] [--profile office-200] [--repeat 2] [--only hongze]

The pages are the labelled corpus PDFs (../shared/corpus/pdf) rendered at `--dpi`, optionally
degraded by a bench/make_scans.py profile. For each page, in the same process and alternating
which goes first:

    ours   `nianbao.readers.ocr.ocr_page_image(page)`: geometry, grids, cell crops recognised in
           batches, detection only outside the tables (NIANBAO_OCR_THREADS threads, no spinning)
    bare   `RapidOCR()(page)` with rapidocr's defaults (detection, direction classifier and
           recognition over the whole page, onnxruntime's default threads)

Both are timed in CPU time of this process (user + system, all threads), the minimum of
`--repeat` runs each, after both engines have loaded their models on a first page. A page is a
"table" page when ours found a ruled table on it, else a "text" page. Accuracy is measured by
bench/make_scans.py, not here.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_scans as ms
import make_variants as mv


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def timed(fn, repeat: int) -> tuple[float, float, object]:
    best_cpu, best_wall, out = float("inf"), float("inf"), None
    for _ in range(repeat):
        c0, t0 = cpu(), time.perf_counter()
        out = fn()
        best_cpu = min(best_cpu, cpu() - c0)
        best_wall = min(best_wall, time.perf_counter() - t0)
    return best_cpu, best_wall, out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dpi", type=float, default=200)
    ap.add_argument("--profile", default="", help="a make_scans.py profile (default: clean render)")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--only", default="", help="comma-separated source stems (substrings)")
    ap.add_argument("--pages", type=int, default=0, help="at most this many pages per source")
    args = ap.parse_args()

    import numpy as np
    from rapidocr import RapidOCR

    from nianbao.document import Table
    from nianbao.readers import _ocr_engine
    from nianbao.readers.ocr import ocr_page_image

    srcs = ms.corpus_sources(mv.CORPUS)
    if args.only:
        srcs = [s for s in srcs if any(o in s.stem for o in args.only.split(","))]
    pages: list[tuple[str, np.ndarray]] = []
    for src in srcs:
        if args.profile:
            imgs, _kind, _dpi = ms.degrade(src, args.profile, seed=1)
        else:
            imgs = ms.render_pages(src.pdf, args.dpi)
        if args.pages:
            imgs = imgs[: args.pages]
        for i, img in enumerate(imgs, 1):
            pages.append((f"{src.stem} p{i}", np.asarray(img.convert("RGB"))[:, :, ::-1].copy()))

    bare = RapidOCR(params={"Global.log_level": "critical"})
    ocr_page_image(pages[0][1])  # models load once, not per page
    bare(pages[0][1])

    rows = []
    for n, (name, img) in enumerate(pages):

        def ours_fn(img=img):
            return ocr_page_image(img, 1)

        def bare_fn(img=img):
            return bare(img)

        if n % 2 == 0:
            o_cpu, o_wall, blocks = timed(ours_fn, args.repeat)
            b_cpu, b_wall, _ = timed(bare_fn, args.repeat)
        else:
            b_cpu, b_wall, _ = timed(bare_fn, args.repeat)
            o_cpu, o_wall, blocks = timed(ours_fn, args.repeat)
        kind = "table" if any(isinstance(b, Table) for b in blocks) else "text"  # type: ignore[union-attr]
        rows.append((name, kind, o_cpu, b_cpu, o_wall, b_wall))
        print(
            f"{name:28s} {kind:5s}  ours {o_cpu:5.2f} s CPU ({o_wall:5.2f} wall)  "
            f"bare {b_cpu:5.2f} s CPU ({b_wall:5.2f} wall)  ratio {o_cpu / b_cpu:4.2f}",
            flush=True,
        )
    load = os.getloadavg()[0]
    print(
        f"-- {time.strftime('%Y-%m-%d %H:%M')}, {len(pages)} pages at {args.dpi:.0f} dpi"
        f"{' ' + args.profile if args.profile else ' (clean)'}, threads {_ocr_engine.threads()}, "
        f"load {load:.1f} on {os.cpu_count()} cores"
    )
    for kind in ("table", "text", "all"):
        sel = [r for r in rows if kind == "all" or r[1] == kind]
        if not sel:
            continue
        ours = [r[2] for r in sel]
        bare_ = [r[3] for r in sel]
        ratios = [r[2] / r[3] for r in sel]
        print(
            f"{kind:5s} pages {len(sel):3d}  ours median {statistics.median(ours):.2f} s CPU "
            f"(max {max(ours):.2f})  bare median {statistics.median(bare_):.2f} s CPU  "
            f"paired ratio median {statistics.median(ratios):.2f} (max {max(ratios):.2f})  "
            f"wall ours {statistics.median(r[4] for r in sel):.2f} s, bare {statistics.median(r[5] for r in sel):.2f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
