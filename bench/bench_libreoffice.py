"""LibreOffice conversion speed: DOC → DOCX, one file per call, batched, and two workers at once.

    python bench/bench_libreoffice.py [--files 6]

Reports written by nianbao's writer are saved as DOC first (not timed); the cache is bypassed so
every timed conversion really runs soffice. Pages are counted on the PDF of each report.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "formats"))

import formats_fixtures as fx
import pypdfium2 as pdfium

from nianbao.readers import _libreoffice as lo


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=6)
    args = ap.parse_args()
    docs, pages = [], 0
    for seed in range(args.files):
        docx = fx.written_report(2023, seed).docx
        (doc,) = lo.convert_many([(docx, "docx")], "doc", use_cache=False)
        (pdf,) = lo.convert_many([(docx, "docx")], "pdf", use_cache=False)
        docs.append(doc)
        pages += len(pdfium.PdfDocument(pdf))

    def run(label: str, fn) -> None:
        t0 = time.perf_counter()
        fn()
        s = time.perf_counter() - t0
        print(f"{label:<28} {s:6.1f} s  {args.files / s:5.2f} files/s  {pages / s:5.2f} pages/s")

    print(f"{args.files} DOC files, {pages} pages")
    run(
        "one soffice per file", lambda: [lo.convert_many([(d, "doc")], "docx", use_cache=False) for d in docs]
    )
    run(
        "one batched soffice call",
        lambda: lo.convert_many([(d, "doc") for d in docs], "docx", use_cache=False),
    )

    def two_workers() -> None:
        half = len(docs) // 2
        with ThreadPoolExecutor(2) as ex:
            list(
                ex.map(
                    lambda part: lo.convert_many([(d, "doc") for d in part], "docx", use_cache=False),
                    [docs[:half], docs[half:]],
                )
            )

    run("two workers, batched", two_workers)
    t0 = time.perf_counter()
    for d in docs:
        lo.convert(d, "doc", "docx")  # warm the cache
    t0 = time.perf_counter()
    for d in docs:
        lo.convert(d, "doc", "docx")
    print(f"{'cached':<28} {time.perf_counter() - t0:6.3f} s")


if __name__ == "__main__":
    main()
