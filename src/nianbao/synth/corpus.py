"""A synthetic corpus: reports in the layouts real ones come in, each with its truth JSON.

The truth files have the shape of `corpus/gold/*.json` (file, organ, region, year, template,
published, cells, unknown, absent, findings, notes), so the project's scorer runs on them as is.
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..templates import get_template
from ..writer.compose import compose
from ..writer.render import render
from ..writer.render.fonts import Fonts
from ..writer.render.pdf import convert_many
from .ambiguity import undetermined_cells
from .generate import break_data, random_data, unit_name

# layout name -> (renderer format, text style, file extension)
LAYOUTS: dict[str, tuple[str, str, str]] = {
    "docx": ("docx", "", ".docx"),
    "html": ("html", "", ".html"),
    "md": ("md", "", ".md"),
    "txt-rows": ("txt", "rows", ".txt"),
    "txt-cells": ("txt", "cells", ".txt"),
    "crawl": ("txt", "crawl", ".txt"),
    "pdf": ("pdf", "", ".pdf"),
}
DEFAULT_LAYOUTS = tuple(LAYOUTS)
PDF_BATCH = 25  # documents per LibreOffice run


@dataclass
class Item:
    file: str
    truth: dict


def _stable_zip(data: bytes) -> bytes:
    """Rewrite a DOCX with fixed timestamps so the same seed gives the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2020, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def make_item(
    index: int, seed: int, layout: str, broken: bool, units: int | None = None
) -> tuple[bytes, dict, str]:
    """One report. With `units`, item i is unit i % units's report for year 2019 + i // units
    (seven years in turn), so that every unit has reports for consecutive years."""
    rng = random.Random(f"{seed}:{index}")
    if units:
        data = random_data(rng, year=2019 + (index // units) % 7, organ=unit_name(index % units))
    else:
        data = random_data(rng)
    findings: list[str] = []
    notes = [f"synthetic report, seed {seed}, item {index}, layout {layout}"]
    omit: frozenset[str] = frozenset()
    if broken:
        breakage = break_data(rng, data)
        data, findings = breakage.data, breakage.findings
        notes.append("deliberately broken: " + breakage.note)
        omit = breakage.omit
    fmt, style, ext = LAYOUTS[layout]
    comp = compose(data, draft=True, omit=omit)
    # PDFs are returned as DOCX here and converted in one LibreOffice run by the caller
    content = render(comp, "docx" if fmt == "pdf" else fmt, Fonts(), style or "rows")
    if fmt in ("docx", "pdf"):
        content = _stable_zip(content)
    tpl = get_template(data.template_id)
    truth = {
        "file": "",
        "organ": data.organ,
        "region": data.region,
        "year": data.year,
        "template": tpl.id,
        "published": data.published.isoformat() if data.published else None,
        "cells": {k: data.cells.get(k) for k in tpl.cell_keys},
        "unknown": undetermined_cells(tpl, data.cells) if layout == "crawl" else [],
        "absent": [],
        "findings": findings,
        "notes": "; ".join(notes),
    }
    return content, truth, ext


def generate_corpus(
    n: int,
    seed: int,
    out_dir: str | Path,
    layouts: Sequence[str] = DEFAULT_LAYOUTS,
    broken_share: float = 0.2,
    progress: Callable[[int], None] | None = None,
    units: int | None = None,
) -> list[Item]:
    """Write `n` reports and their truth files into `out_dir` (and `out_dir/gold`).

    `units`: spread the reports over that many distinct organs, each reporting for consecutive
    years (see `make_item`); default a random organ of a few hundred per report."""
    out = Path(out_dir)
    (out / "gold").mkdir(parents=True, exist_ok=True)
    chooser = random.Random(seed)
    items = []
    pending_pdf: list[tuple[str, bytes]] = []
    for i in range(n):
        layout = layouts[i % len(layouts)]
        broken = chooser.random() < broken_share
        content, truth, ext = make_item(i, seed, layout, broken, units)
        name = f"{i:04d}_{layout}{ext}"
        truth["file"] = name
        if ext == ".pdf":
            pending_pdf.append((name[: -len(ext)], content))
        else:
            (out / name).write_bytes(content)
        (out / "gold" / f"{i:04d}_{layout}.json").write_text(
            json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        items.append(Item(name, truth))
        if progress:
            progress(i)
    for start in range(0, len(pending_pdf), PDF_BATCH):
        batch = pending_pdf[start : start + PDF_BATCH]
        for stem, pdf in convert_many(batch, ".docx", "pdf").items():
            (out / f"{stem}.pdf").write_bytes(pdf)
    return items
