"""OCR speed and cell accuracy on reports written by nianbao's writer and degraded like scans.

    python bench/bench_ocr.py [--dpi 150] [--seeds 1 2] [--clean]

Prints pages/s and, against the known cell values, how many value cells were read right, how many
wrong ones were flagged (low confidence) and how many were wrong silently.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "formats"))

import formats_fixtures as fx

from nianbao.document import Document
from nianbao.readers import _libreoffice as lo
from nianbao.readers.ocr import engine, ocr_page_image


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dpi", type=int, default=150)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--clean", action="store_true", help="do not degrade the pages")
    ap.add_argument("--year", type=int, default=2023)
    args = ap.parse_args()
    engine()  # model loading is not per page
    pages_done, seconds, cpu = 0, 0.0, 0.0
    totals = fx.CellScore(0, 0, 0, [])
    for seed in args.seeds:
        rep = fx.written_report(args.year, seed)
        pages = fx.pdf_pages(lo.convert(rep.docx, "docx", "pdf"), args.dpi)
        if not args.clean:
            pages = [fx.degrade(p, seed * 100 + i) for i, p in enumerate(pages)]
        doc = Document(source=f"seed{seed}", format="png")
        t0, c0 = time.perf_counter(), time.process_time()
        n_tables = 0
        for i, page in enumerate(pages, 1):
            blocks = ocr_page_image(page, i, first_table_index=n_tables)
            n_tables += sum(1 for b in blocks if hasattr(b, "cells"))
            doc.blocks.extend(blocks)
        seconds += time.perf_counter() - t0
        cpu += time.process_time() - c0
        pages_done += len(pages)
        expected = [v for t in ("t2", "t3", "t4") for v in rep.tables[t]]
        s = fx.score_cells(expected, fx.table_values(doc))
        print(
            f"seed {seed}: {len(pages)} pages, cells {s.correct}/{s.expected} ({s.accuracy:.2%}), "
            f"flagged {s.flagged_wrong}, silent {len(s.silent)} {s.silent[:5]}"
        )
        totals = fx.CellScore(
            totals.expected + s.expected,
            totals.correct + s.correct,
            totals.flagged_wrong + s.flagged_wrong,
            totals.silent + s.silent,
        )
    print(
        f"OCR at {args.dpi} dpi{' (clean)' if args.clean else ' (degraded)'}: "
        f"{pages_done / seconds:.2f} pages/s ({seconds / pages_done:.1f} s/page wall, "
        f"{cpu / pages_done:.1f} s/page CPU); "
        f"cells {totals.accuracy:.2%}, flagged {totals.flagged_wrong}, silent {len(totals.silent)}"
    )


if __name__ == "__main__":
    main()
