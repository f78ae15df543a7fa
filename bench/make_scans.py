#!/usr/bin/env python3
"""Scanned, photographed and faxed copies of labelled reports, OCR'd and scored like score.py.

Nothing is stored in the repository: every copy is made at run time from

    corpus        the labelled text-layer PDFs of ../shared/corpus (real WPS exports)
    writer        `nianbao.writer`'s official-layout DOCX of the writer sources of
                  bench/make_variants.py, printed to PDF by LibreOffice (truth: what was written)
    synth         `nianbao.synth` table layouts (subtotal column, spanning group labels, another
                  column order, a header repeated after a page break, 表四 transposed …), same way

Each source PDF is rendered page by page and degraded by a profile:

    office-200    flatbed scan at 200 dpi: 0.5–1.5° skew, slight blur and noise, JPEG q80
    crooked-150   cheap 150 dpi scan: 2–3° skew, blur, noise, uneven lighting, JPEG q60
    scan-300      300 dpi scan, 0.5–1° skew, JPEG q75 (larger than OCR reads: reduced first)
    phone         phone photo: perspective (3–6 % corner offsets) on a dark desk, vignette and a
                  warm cast, blur, noise, JPEG q55
    fax           fax in fine mode: 200×200 dpi, binarised, salt-and-pepper specks, CCITT G4 TIFF
    fax-standard  the same in standard mode, 200×100 dpi: two rows scanned as one, thin rulings faint
    bleed         thin yellowed paper: the back page showing through mirrored, 0.8° skew
    stamp         a red official seal over a table and over the signature, colour scan
    pile          a scanner pile: one page upside down, one on its side, 1° skew

A copy is a PDF of page images (what scanners and phone apps produce) or a multi-page TIFF
(fax), parsed by `nianbao.parse` and scored with score.py's `score_one` against the source's
gold: cells right, silent errors (wrong and named by no finding), findings, metadata.

    python bench/make_scans.py                          # corpus × every profile
    python bench/make_scans.py --sources corpus,writer --profiles phone,fax -v
    python bench/make_scans.py --out DIR                # keep the scans (and a parse cache)

NIANBAO_VARIANTS_CACHE=DIR keeps LibreOffice's conversions between runs (bench/make_variants.py).
"""

from __future__ import annotations

import argparse
import io
import json
import math
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_variants as mv

PROFILES = ("office-200", "crooked-150", "scan-300", "phone", "fax", "fax-standard", "bleed", "stamp", "pile")
SOURCE_KINDS = ("corpus", "writer", "synth")
SYNTH_LAYOUTS = ("wording", "t3-subtotal", "t3-other-span", "col-order", "header-repeat", "t4-transposed")
SYNTH_SOURCE = "huaian-hongze-2023"
FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"


@dataclass
class Source:
    stem: str
    pdf: bytes
    gold: dict[str, Any]


@dataclass
class Scan:
    source: str
    profile: str
    path: Path
    gold: dict[str, Any]
    pages: int = 0

    @property
    def id(self) -> str:
        return f"{self.source}.{self.profile}"


# ------------------------------------------------------------------------------------- sources


def corpus_sources(corpus: Path = mv.CORPUS) -> list[Source]:
    out = []
    for stem, gold in mv.load_golds(corpus).items():
        if gold["file"].endswith(".pdf"):
            out.append(Source(stem, (corpus / gold["file"]).read_bytes(), gold))
    return out


def _writer_gold(stem: str, gold: dict[str, Any], data: Any, findings: Iterable[Any]) -> dict[str, Any]:
    return {
        "file": "",
        "organ": gold["organ"],
        "year": gold["year"],
        "template": gold["template"],
        "cells": {k: data.cells.get(k) for k in gold["cells"]},
        "unknown": [],
        "absent": [],
        "findings": sorted({f.code for f in findings if f.severity == "error"}),
    }


def writer_sources(corpus: Path = mv.CORPUS, cache: mv.Cache | None = None) -> list[Source]:
    """The writer's official-layout report of each writer source, printed by LibreOffice."""
    from nianbao.writer import render_report

    cache = cache or mv.default_cache()
    golds = mv.load_golds(corpus)
    docx, truth = {}, {}
    for stem in mv.WRITER_SOURCES:
        data = mv.writer_data(golds[stem], corpus)
        written = render_report(data, "docx", draft=False, allow_errors=True)
        docx[stem] = written.content
        truth[stem] = _writer_gold(stem, golds[stem], written.data, written.findings)
    pdfs = mv.soffice_batch(docx, ".docx", "pdf", cache)
    return [Source(f"{stem}.writer", pdfs[stem], truth[stem]) for stem in docx if stem in pdfs]


def synth_sources(corpus: Path = mv.CORPUS, cache: mv.Cache | None = None) -> list[Source]:
    """One report in several nianbao.synth table layouts, printed by LibreOffice."""
    from nianbao.synth.layouts import compose_layout
    from nianbao.templates import get_template
    from nianbao.writer import check
    from nianbao.writer.render import render

    cache = cache or mv.default_cache()
    gold = mv.load_golds(corpus)[SYNTH_SOURCE]
    data = mv.writer_data(gold, corpus)
    docx, truth = {}, {}
    for layout in SYNTH_LAYOUTS:
        laid = compose_layout(data, layout, rng=random.Random(f"{SYNTH_SOURCE}:{layout}"))
        tpl = get_template(laid.data.template_id)
        stem = f"{SYNTH_SOURCE}.synth-{layout}"
        docx[stem] = render(laid.comp, "docx")
        truth[stem] = dict(
            _writer_gold(stem, gold, laid.data, check(laid.data, draft=False)),
            cells={k: laid.data.cells.get(k) for k in tpl.cell_keys},
        )
    pdfs = mv.soffice_batch(docx, ".docx", "pdf", cache)
    return [Source(stem, pdfs[stem], truth[stem]) for stem in docx if stem in pdfs]


def sources(kinds: Iterable[str], corpus: Path = mv.CORPUS) -> list[Source]:
    makers: dict[str, Callable[[Path], list[Source]]] = {
        "corpus": corpus_sources,
        "writer": writer_sources,
        "synth": synth_sources,
    }
    out: list[Source] = []
    for kind in kinds:
        out.extend(makers[kind](corpus))
    return out


# ------------------------------------------------------------------------------------- pages


def render_pages(pdf: bytes, dpi: float) -> list[Any]:
    """The PDF's pages as RGB images at `dpi` (PDFium, as a print driver would rasterise)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return [doc[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(len(doc))]
    finally:
        doc.close()


def _arr(img: Any) -> Any:
    import numpy as np

    return np.asarray(img).astype(np.float32)


def _img(a: Any) -> Any:
    import numpy as np
    from PIL import Image

    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


def skew(img: Any, degrees: float, fill: tuple[int, int, int] = (244, 244, 242)) -> Any:
    from PIL import Image

    return img.rotate(degrees, resample=Image.BICUBIC, expand=True, fillcolor=fill)


def blur(img: Any, sigma: float) -> Any:
    from PIL import ImageFilter

    return img.filter(ImageFilter.GaussianBlur(sigma)) if sigma > 0 else img


def noise(img: Any, sigma: float, rng: Any) -> Any:
    a = _arr(img)
    return _img(a + rng.normal(0, sigma, a.shape[:2])[:, :, None])


def lighting(img: Any, strength: float, rng: Any) -> Any:
    """A smooth shadow: a gradient from a random side plus a vignette."""
    import numpy as np

    a = _arr(img)
    h, w = a.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, 2 * math.pi)
    grad = (np.cos(angle) * xx / w + np.sin(angle) * yy / h + 1) / 2
    vignette = ((xx / w - 0.5) ** 2 + (yy / h - 0.5) ** 2) * 2
    field_ = 1 - strength * (0.6 * grad + 0.4 * vignette)
    return _img(a * field_[:, :, None])


def jpeg(img: Any, quality: int) -> Any:
    from PIL import Image

    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def paper(img: Any, tint: tuple[float, float, float] = (250, 244, 226)) -> Any:
    import numpy as np

    a = _arr(img)
    return _img(a * (np.asarray(tint, np.float32) / 255.0))


def bleed(img: Any, back: Any, alpha: float) -> Any:
    """The back of the sheet showing through: mirrored, diffuse, faint."""
    import numpy as np
    from PIL import ImageFilter, ImageOps

    back = ImageOps.mirror(back.convert("L")).resize(img.size).filter(ImageFilter.GaussianBlur(1.6))
    b = np.asarray(back).astype(np.float32) / 255.0
    return _img(_arr(img) * (1 - alpha * (1 - b))[:, :, None])


def stamp(img: Any, center: tuple[float, float], radius: float, rng: Any) -> Any:
    """A red official seal (ring, star, the organ's name round the top), as ink: multiplied."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    size = int(radius * 2 + 8)
    layer = Image.new("L", (size, size), 0)
    d = ImageDraw.Draw(layer)
    c = size / 2
    ring = max(3, int(radius / 13))
    d.ellipse([c - radius, c - radius, c + radius, c + radius], outline=255, width=ring)
    star = []
    for k in range(10):
        r = radius * (0.28 if k % 2 == 0 else 0.11)
        a = -math.pi / 2 + k * math.pi / 5
        star.append((c + r * math.cos(a), c + r * math.sin(a)))
    d.polygon(star, fill=255)
    try:
        font = ImageFont.truetype(FONT, int(radius * 0.24))
        text = "某某市某某区人民政府办公室"
        for k, ch in enumerate(text):
            a = math.radians(-160 + k * 140 / (len(text) - 1))
            glyph = Image.new("L", (int(radius * 0.3),) * 2, 0)
            ImageDraw.Draw(glyph).text((0, 0), ch, fill=255, font=font)
            glyph = glyph.rotate(-math.degrees(a) - 90, expand=True)
            px = c + radius * 0.72 * math.cos(a) - glyph.size[0] / 2
            py = c + radius * 0.72 * math.sin(a) - glyph.size[1] / 2
            layer.paste(255, (int(px), int(py)), glyph)
    except OSError:
        pass  # no CJK font here: the ring and the star still cover the cells
    ink = np.asarray(layer).astype(np.float32) / 255.0
    # a seal's ink is patchy
    ink *= rng.uniform(0.55, 0.95, ink.shape) * float(rng.uniform(0.8, 0.95))
    a = _arr(img)
    x0, y0 = int(center[0] - size / 2), int(center[1] - size / 2)
    h, w = a.shape[:2]
    sx0, sy0, sx1, sy1 = max(0, x0), max(0, y0), min(w, x0 + size), min(h, y0 + size)
    if sx1 <= sx0 or sy1 <= sy0:
        return img
    part = ink[sy0 - y0 : sy1 - y0, sx0 - x0 : sx1 - x0, None]
    red = np.asarray([214, 32, 40], np.float32) / 255.0
    a[sy0:sy1, sx0:sx1] *= 1 - part * (1 - red)
    return _img(a)


def perspective(img: Any, rng: Any, strength: float, desk: tuple[int, int, int] = (62, 56, 50)) -> Any:
    """A photo from an angle: the sheet's corners moved by up to `strength` of its size, on a desk."""
    import cv2
    import numpy as np

    a = np.asarray(img)
    h, w = a.shape[:2]
    border = int(0.06 * max(h, w))
    canvas = np.full((h + 2 * border, w + 2 * border, 3), desk, np.uint8)
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    jitter = rng.uniform(-strength, strength, (4, 2)) * np.float32([w, h])
    dst = src + jitter.astype(np.float32) + border
    m = cv2.getPerspectiveTransform(src, dst)
    size = (canvas.shape[1], canvas.shape[0])
    warped = cv2.warpPerspective(a, m, size, flags=cv2.INTER_CUBIC)
    sheet = cv2.warpPerspective(np.full((h, w), 255, np.uint8), m, size) > 127
    canvas[sheet] = warped[sheet]
    return _img(canvas.astype(np.float32))


def fax(img: Any, rng: Any, fine: bool = True) -> Any:
    """A fax: 200×200 dpi ("fine") or 200×100 ("standard"), thresholded to black and white, specks."""
    import numpy as np
    from PIL import Image

    g = img.convert("L")
    w, h = g.size
    if not fine:  # the scan head integrates two rows into one: a thin ruling comes out half grey
        g = g.resize((w, h // 2), Image.BOX)
    a = np.asarray(g).astype(np.float32)
    a = a + rng.normal(0, 12, a.shape)
    bw = a > 150
    if not fine:
        bw = np.repeat(bw, 2, axis=0)[:h]
        if bw.shape[0] < h:
            bw = np.vstack([bw, np.ones((h - bw.shape[0], w), bool)])
    specks = rng.random((h, w))
    bw[specks < 0.0015] = False
    bw[specks > 0.9985] = True
    return Image.fromarray((bw * 255).astype(np.uint8)).convert("1")


def _table_centres(pdf: bytes, dpi: float) -> list[tuple[int, float, float]]:
    """(page, x, y) in pixels of a point inside each ruled table of the source, from its text layer:
    where 表三's first result row or 表四's first row is printed."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    out = []
    try:
        for i in range(len(doc)):
            page = doc[i]
            text = page.get_textpage()
            _, height = page.get_size()
            for needle in ("予以公开", "行政复议", "本年新收"):
                found = text.search(needle, match_case=False).get_next()
                if found:
                    idx, count = found
                    box = text.get_charbox(idx)
                    out.append((i, box[0] * dpi / 72, (height - box[1]) * dpi / 72))
                    break
    finally:
        doc.close()
    return out


def _last_text_point(page: Any) -> tuple[float, float]:
    """Somewhere over the page's last printed line (the signature and date on the last page)."""
    import numpy as np

    g = np.asarray(page.convert("L"))
    rows = np.nonzero((g < 128).sum(axis=1) > 3)[0]
    if not len(rows):
        return page.size[0] * 0.7, page.size[1] * 0.8
    y = int(rows[-1])
    cols = np.nonzero((g[max(0, y - 40) : y + 1] < 128).any(axis=0))[0]
    return float(cols[-1] - 120 if len(cols) else page.size[0] * 0.7), float(y - 30)


def degrade(source: Source, profile: str, seed: int) -> tuple[list[Any], str, float]:
    """The source's pages as the profile's copy: (images, container "pdf" | "tiff", dpi)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    r = random.Random(seed)
    if profile == "office-200":
        dpi = 200.0
        pages = render_pages(source.pdf, dpi)
        out = []
        for p in pages:
            p = skew(p, r.choice([-1, 1]) * r.uniform(0.5, 1.5))
            out.append(jpeg(noise(blur(p, 0.5), 4, rng), 80))
        return out, "pdf", dpi
    if profile == "crooked-150":
        dpi = 150.0
        out = []
        for p in render_pages(source.pdf, dpi):
            p = skew(p, r.choice([-1, 1]) * r.uniform(2.0, 3.0))
            p = lighting(noise(blur(p, 0.7), 8, rng), 0.18, rng)
            out.append(jpeg(p, 60))
        return out, "pdf", dpi
    if profile == "scan-300":
        dpi = 300.0
        out = []
        for p in render_pages(source.pdf, dpi):
            p = skew(p, r.choice([-1, 1]) * r.uniform(0.5, 1.0))
            out.append(jpeg(noise(blur(p, 0.6), 5, rng), 75))
        return out, "pdf", dpi
    if profile == "phone":
        dpi = 200.0
        out = []
        for p in render_pages(source.pdf, dpi):
            p = perspective(p, rng, r.uniform(0.03, 0.06))
            p = lighting(p, 0.3, rng)
            p = paper(p, (255, 240, 222))  # a warm indoor light
            out.append(jpeg(noise(blur(p, 1.0), 6, rng), 55))
        return out, "pdf", dpi
    if profile in ("fax", "fax-standard"):
        dpi = 200.0
        fine = profile == "fax"
        pages = [
            fax(skew(p, r.uniform(-0.8, 0.8), fill=(255, 255, 255)), rng, fine)
            for p in render_pages(source.pdf, dpi)
        ]
        return pages, "tiff", dpi
    if profile == "bleed":
        dpi = 200.0
        pages = render_pages(source.pdf, dpi)
        out = []
        for i, p in enumerate(pages):
            back = pages[i + 1] if i + 1 < len(pages) else pages[max(0, i - 1)]
            p = bleed(paper(p), back, r.uniform(0.16, 0.24))
            p = skew(p, r.choice([-1, 1]) * 0.8, fill=(236, 230, 214))
            out.append(jpeg(noise(p, 4, rng), 75))
        return out, "pdf", dpi
    if profile == "stamp":
        dpi = 200.0
        pages = render_pages(source.pdf, dpi)
        radius = 2.1 / 2.54 * dpi  # a 4.2 cm seal
        centres = _table_centres(source.pdf, dpi)
        for i, x, y in centres[:2]:
            pages[i] = stamp(
                pages[i], (x + r.uniform(1.0, 4.0) * radius, y + r.uniform(0, 1) * radius), radius, rng
            )
        pages[-1] = stamp(pages[-1], _last_text_point(pages[-1]), radius, rng)
        out = [jpeg(noise(skew(p, r.uniform(-0.7, 0.7)), 3, rng), 85) for p in pages]
        return out, "pdf", dpi
    if profile == "pile":
        dpi = 200.0
        pages = render_pages(source.pdf, dpi)
        out = [jpeg(noise(skew(p, r.choice([-1, 1]) * 1.0), 4, rng), 80) for p in pages]
        if len(out) >= 3:
            flip, side = r.sample(range(1, len(out)), 2)
            out[flip] = out[flip].rotate(180, expand=True)
            out[side] = out[side].rotate(r.choice([90, 270]), expand=True)
        return out, "pdf", dpi
    raise ValueError(f"unknown profile {profile!r}")


def container(pages: list[Any], kind: str, dpi: float) -> bytes:
    buf = io.BytesIO()
    if kind == "tiff":
        pages[0].save(
            buf, "TIFF", save_all=True, append_images=pages[1:], compression="group4", dpi=(dpi, dpi)
        )
    else:
        pages[0].save(buf, "PDF", save_all=True, append_images=pages[1:], resolution=dpi)
    return buf.getvalue()


def build(out: Path, srcs: list[Source], profiles: Iterable[str]) -> list[Scan]:
    out.mkdir(parents=True, exist_ok=True)
    scans = []
    for source in srcs:
        for k, profile in enumerate(profiles):
            seed = int.from_bytes(f"{source.stem}:{profile}".encode()[-8:], "little") % 2**32 + k
            pages, kind, dpi = degrade(source, profile, seed)
            path = out / f"{source.stem}.{profile}.{'tif' if kind == 'tiff' else 'pdf'}"
            path.write_bytes(container(pages, kind, dpi))
            gold = dict(source.gold, file=path.name, variant=f"scan-{profile}")
            scans.append(Scan(source.stem, profile, path, gold, len(pages)))
    return scans


# ------------------------------------------------------------------------------------- scoring


@dataclass
class Result:
    scan: Scan
    score: dict[str, Any]
    cpu: float
    repaired: int = 0
    uncertain: int = 0
    wrong: list[tuple[str, Any, Any, bool]] = field(default_factory=list)  # key, want, got, flagged
    out: dict[str, Any] = field(default_factory=dict)  # the parse, with every cell's provenance


def _cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def parse_output(path: Path) -> dict[str, Any]:
    """What `nianbao parse --jsonl` prints for the file, plus each cell's provenance."""
    import nianbao
    from nianbao.errors import ReadError

    try:
        report = nianbao.parse(path)
    except ReadError as exc:
        return {"source": str(path), "error": str(exc)}
    out = report.to_dict(provenance=True)
    out["source"] = str(path)
    return out


def score(scan: Scan, cache_dir: Path | None = None) -> Result:
    """Parse the scan (or take the cached parse of the same bytes) and score it with score_one."""
    import hashlib

    out: dict[str, Any] | None = None
    cached = None
    if cache_dir is not None:
        digest = hashlib.sha256(scan.path.read_bytes()).hexdigest()[:24]
        cached = cache_dir / f"{digest}.json"
        if cached.exists():
            out = json.loads(cached.read_text())
    c0 = _cpu()
    if out is None:
        out = parse_output(scan.path)
        if cached is not None:
            cached.write_text(json.dumps(out, ensure_ascii=False, default=str))
    cpu = _cpu() - c0
    if mv._SCORE is None:
        mv._SCORE = mv._scorer()
    if out.get("error"):
        n = len([k for k in scan.gold["cells"] if k not in set(scan.gold.get("unknown", []))])
        s = dict(scored=n, right=0, silent=n, wrong=[], expected=set(scan.gold.get("findings", [])),
                 found=set(), false_errors=set(), meta_ok=False, error=out["error"])  # fmt: skip
    else:
        s = mv._SCORE.score_one(scan.gold, out)
        s["error"] = None
    findings = out.get("findings") or []
    flagged = {k for f in findings for k in f.get("cells") or []}
    return Result(
        scan,
        s,
        cpu,
        repaired=sum(f.get("code") == "CELL_OCR_REPAIRED" for f in findings),
        uncertain=sum(f.get("code") == "CELL_OCR_UNCERTAIN" for f in findings),
        wrong=[(k, want, got, k in flagged) for k, want, got in s["wrong"]],
        out=out,
    )


def summary(results: list[Result], by: Callable[[Result], str]) -> list[str]:
    groups: dict[str, list[Result]] = {}
    for r in results:
        groups.setdefault(by(r), []).append(r)
    lines = []
    for name, rs in sorted(groups.items()):
        scored = sum(r.score["scored"] for r in rs)
        right = sum(r.score["right"] for r in rs)
        lines.append(
            f"{name:34s} docs {len(rs):3d}  cells {100 * right / max(1, scored):6.2f}% ({right}/{scored})  "
            f"silent {sum(r.score['silent'] for r in rs):3d}  meta {sum(bool(r.score['meta_ok']) for r in rs)}/{len(rs)}  "
            f"false {sum(len(r.score['false_errors']) for r in rs)}  repaired {sum(r.repaired for r in rs)}  "
            f"uncertain {sum(r.uncertain for r in rs)}  "
            f"{sum(r.cpu for r in rs) / max(1, sum(r.scan.pages for r in rs)):.2f} s CPU/page"
        )
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sources", default="corpus", help=f"comma-separated: {','.join(SOURCE_KINDS)}")
    ap.add_argument("--profiles", default=",".join(PROFILES))
    ap.add_argument("--only", default="", help="comma-separated source stems (substrings)")
    ap.add_argument("--out", type=Path, default=None, help="keep the scans here (and cache the parses)")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every wrong cell")
    ap.add_argument("--json", type=Path, default=None, help="write the per-scan results here")
    args = ap.parse_args()
    started = time.strftime("%Y-%m-%d %H:%M")
    srcs = sources(args.sources.split(","))
    if args.only:
        srcs = [s for s in srcs if any(o in s.stem for o in args.only.split(","))]
    profiles = [p for p in args.profiles.split(",") if p]
    with tempfile.TemporaryDirectory(prefix="nianbao-scans-") as tmp:
        out = args.out or Path(tmp)
        scans = build(out, srcs, profiles)
        cache = (out / "parsed") if args.out else None
        if cache:
            cache.mkdir(exist_ok=True)
        results = []
        for scan in scans:
            r = score(scan, cache)
            results.append(r)
            s = r.score
            print(
                f"{scan.id:48s} cells {s['right']:3d}/{s['scored']:3d}  silent {s['silent']:3d}  "
                f"meta {'ok' if s['meta_ok'] else 'WRONG'}  repaired {r.repaired}  uncertain {r.uncertain}"
                + (f"  false {','.join(sorted(s['false_errors']))}" if s["false_errors"] else "")
                + (f"  error {s['error']}" if s.get("error") else "")
                + f"  {r.cpu:.1f}s CPU/{scan.pages}p",
                flush=True,
            )
            if args.verbose:
                for key, want, got, flagged in r.wrong:
                    print(f"    {key}: want {want} got {got}{'' if flagged else '  SILENT'}")
    print(f"-- by profile ({started}, load {_load()})")
    for line in summary(results, lambda r: r.scan.profile):
        print(line)
    print("-- all")
    for line in summary(results, lambda r: "all"):
        print(line)
    if args.json:
        args.json.write_text(
            json.dumps(
                [
                    {
                        "scan": r.scan.id,
                        "pages": r.scan.pages,
                        "cpu": r.cpu,
                        "right": r.score["right"],
                        "scored": r.score["scored"],
                        "silent": r.score["silent"],
                        "meta_ok": r.score["meta_ok"],
                        "wrong": [list(map(str, w)) for w in r.wrong],
                    }  # fmt: skip
                    for r in results
                ],
                ensure_ascii=False,
                indent=1,
            )
        )
    return 0


def _load() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


if __name__ == "__main__":
    sys.exit(main())
