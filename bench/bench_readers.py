"""Time each reader on the corpus: milliseconds per document and documents per second, one core.

    python bench/bench_readers.py [--corpus ../shared/corpus] [--repeat 30]

Text and HTML are timed on the corpus files as they are. The corpus has no Word or Markdown
files, so the Shanghai page's Document is written out as DOCX (python-docx) and Markdown and those
are timed: the same report content in each format.

HTML files are also timed against a bare `lxml.html.fromstring` of the same bytes, in the same
run: the reader and the bare parse alternate (A B A B …), each round timed in CPU seconds, and the
line shows both medians and the median of the per-round ratios (the figure to quote on a shared
machine; bench/bench_bare.py does the same for PDF against pypdfium2).
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from pathlib import Path

from nianbao import plugins
from nianbao.document import Document, Paragraph, Table
from nianbao.readers import read_document
from nianbao.testing import corpus_dir


def _as_docx(doc: Document) -> bytes:
    import docx

    out = docx.Document()
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            out.add_paragraph(block.text)
            continue
        t = out.add_table(rows=block.n_rows, cols=block.n_cols)
        for cell in block.cells:
            target = t.cell(cell.row, cell.col)
            if cell.rowspan > 1 or cell.colspan > 1:
                target = target.merge(t.cell(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1))
            target.text = cell.text
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


def _as_markdown(doc: Document) -> bytes:
    lines: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            lines += [block.text, ""]
        elif isinstance(block, Table):
            rows = [["" if c is None else c.text.replace("\n", "") for c in r] for r in block.grid()]
            lines.append("| " + " | ".join(rows[0]) + " |")
            lines.append("|" + "---|" * len(rows[0]))
            lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
            lines.append("")
    return "\n".join(lines).encode()


def _time(fmt: str, data: bytes, name: str, repeat: int) -> float:
    """The fastest of `repeat` runs in CPU seconds of this process: on a shared machine the
    minimum is what the code costs, the rest is other processes' noise."""
    read = plugins.READERS[fmt].read
    read(data, name)  # warm up: imports, parser objects
    times = []
    for _ in range(repeat):
        start = time.process_time()
        read(data, name)
        times.append(time.process_time() - start)
    return min(times)


def _paired_html(data: bytes, name: str, repeat: int) -> tuple[float, float, float]:
    """(our median, bare median, median of per-round ratios) in CPU seconds: the reader and a
    bare `lxml.html.fromstring` of the same bytes, alternating."""
    import lxml.html

    read = plugins.READERS["html"].read
    read(data, name)
    lxml.html.fromstring(data)
    ours, bare, ratios = [], [], []
    for _ in range(repeat):
        t0 = time.process_time()
        read(data, name)
        t1 = time.process_time()
        lxml.html.fromstring(data)
        t2 = time.process_time()
        ours.append(t1 - t0)
        bare.append(t2 - t1)
        if t2 > t1:
            ratios.append((t1 - t0) / (t2 - t1))
    return statistics.median(ours), statistics.median(bare), statistics.median(ratios) if ratios else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=corpus_dir())
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args()
    plugins.load()

    cases: list[tuple[str, str, bytes]] = []
    for folder, fmt in (("seeds", "text"), ("crawl", "text"), ("html", "html")):
        for path in sorted((args.corpus / folder).glob("*")):
            cases.append((fmt, f"{folder}/{path.name}", path.read_bytes()))
    shanghai = args.corpus / "html" / "shanghai-gov-office-2019.html"
    if shanghai.exists():
        doc = read_document(shanghai)
        cases.append(("docx", "shanghai-gov-office-2019 → .docx", _as_docx(doc)))
        cases.append(("markdown", "shanghai-gov-office-2019 → .md", _as_markdown(doc)))

    per_format: dict[str, list[float]] = {}
    bare_html: list[float] = []
    print(f"{'reader':9} {'file':44} {'KB':>7} {'ms':>8} {'docs/s':>8}  {'bare lxml ms':>12} {'ratio':>6}")
    for fmt, name, data in cases:
        extra = ""
        if fmt == "html":
            t, bare, ratio = _paired_html(data, name, args.repeat)
            bare_html.append(bare)
            extra = f"  {bare * 1000:12.2f} {ratio:5.2f}×"
        else:
            t = _time(fmt, data, name, args.repeat)
        per_format.setdefault(fmt, []).append(t)
        print(f"{fmt:9} {name:44} {len(data) / 1024:7.0f} {t * 1000:8.2f} {1 / t:8.0f}{extra}")
    print()
    for fmt, ts in per_format.items():
        mean = sum(ts) / len(ts)
        extra = ""
        if fmt == "html" and bare_html:
            extra = f"  bare lxml.html.fromstring {sum(bare_html) / len(bare_html) * 1000:6.2f} ms/doc, ratio of sums {sum(ts) / sum(bare_html):4.2f}×"
        print(f"{fmt:9} mean {mean * 1000:6.2f} ms/doc  {1 / mean:6.0f} docs/s  ({len(ts)} files){extra}")


if __name__ == "__main__":
    main()
