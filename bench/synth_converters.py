"""The writer's report in every table layout of `nianbao.synth.layouts` (the `synth-L+html` and
`synth-L+docx` copies of make_variants.py), passed through more converters than the variant kinds
hold, scored like score.py: cells right, silent errors, copies perfect.

    python bench/synth_converters.py --out /tmp/synth-conv [--only chromium-pdf,pdf-layout]

Converters: `chromium-pdf` (Debian Chromium's print of the HTML, read by nianbao's PDF reader),
`soffice-pdf` (LibreOffice's PDF of the DOCX, one soffice call for all), `pdf-layout`
(`pdftotext -layout` of the Chromium PDF), `pdf-markitdown` (markitdown of it), `docx-markitdown`,
`docx-pandoc-plain`, `docx-pandoc-gfm`, `html-w3m`, `html-html2text`. A probe, not a test: the
figures are in docs/generalization.md.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import make_variants as mv

CONVERTERS = (
    "chromium-pdf",
    "soffice-pdf",
    "pdf-layout",
    "pdf-markitdown",
    "docx-markitdown",
    "docx-pandoc-plain",
    "docx-pandoc-gfm",
    "html-w3m",
    "html-html2text",
)


def _chromium_pdfs(variants: dict, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        tab = browser.new_page()
        for v in variants.values():
            pdf = out / (v.path.stem + ".pdf")
            if not pdf.exists():
                tab.goto(v.path.as_uri())
                pdf.write_bytes(tab.pdf(format="A4"))
        browser.close()


def _soffice_pdfs(variants: dict, out: Path) -> None:
    todo = [str(v.path) for v in variants.values() if not (out / (v.path.stem + ".pdf")).exists()]
    if todo:
        profile = tempfile.mkdtemp()
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf"]
            + ["--outdir", str(out), *todo],
            check=True,
            capture_output=True,
            timeout=1800,
        )


def _convert(how: str, source: Path, out: Path) -> Path:
    stem = source.stem
    if how in ("chromium-pdf", "soffice-pdf"):
        return out / (stem + ".pdf")
    if how == "pdf-layout":
        dst = out / (stem + ".layout.txt")
        subprocess.run(["pdftotext", "-layout", str(out / (stem + ".pdf")), str(dst)], check=True)
    elif how == "pdf-markitdown":
        from markitdown import MarkItDown

        dst = out / (stem + ".pdf.md")
        dst.write_text(MarkItDown().convert(str(out / (stem + ".pdf"))).text_content, encoding="utf-8")
    elif how == "docx-markitdown":
        from markitdown import MarkItDown

        dst = out / (stem + ".docx.md")
        dst.write_text(MarkItDown().convert(str(source)).text_content, encoding="utf-8")
    elif how.startswith("docx-pandoc-"):
        import pypandoc

        fmt = how.removeprefix("docx-pandoc-")
        dst = out / (stem + f".{fmt}.txt")
        dst.write_text(pypandoc.convert_file(str(source), fmt), encoding="utf-8")
    elif how == "html-w3m":
        dst = out / (stem + ".w3m.txt")
        cmd = ["w3m", "-dump", "-T", "text/html", "-I", "UTF-8", "-O", "UTF-8", "-cols", "80", str(source)]
        dst.write_bytes(subprocess.run(cmd, capture_output=True, check=True).stdout)
    else:
        import html2text

        dst = out / (stem + ".h2t.md")
        dst.write_text(html2text.html2text(source.read_text(encoding="utf-8")), encoding="utf-8")
    return dst


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--only", default=",".join(CONVERTERS))
    args = ap.parse_args()
    chosen = [c for c in args.only.split(",") if c]
    html = mv.build_synth(args.out / "html", mv.CORPUS, ("html",))
    docx = mv.build_synth(args.out / "docx", mv.CORPUS, ("docx",))
    chromium, office = args.out / "chromium", args.out / "office"
    chromium.mkdir(parents=True, exist_ok=True)
    office.mkdir(parents=True, exist_ok=True)
    if {"chromium-pdf", "pdf-layout", "pdf-markitdown"} & set(chosen):
        _chromium_pdfs(html, chromium)
    if "soffice-pdf" in chosen:
        _soffice_pdfs(docx, office)
    for how in chosen:
        variants = docx if how.startswith(("docx-", "soffice")) else html
        out = (
            office if how == "soffice-pdf" else chromium if how.startswith(("chromium", "pdf-")) else args.out
        )
        total = collections.Counter()
        silent_by_layout: collections.Counter[str] = collections.Counter()
        for (_stem, kind), v in sorted(variants.items()):
            path = _convert(how, v.path, out)
            s = mv.score(dataclasses.replace(v, kind=f"{kind.split('+')[0]}+{how}", path=path))
            total.update(scored=s["scored"] or 0, right=s["right"] or 0, silent=s["silent"] or 0)
            total.update(perfect=int(mv.perfect(s)), copies=1)
            if s["silent"]:
                silent_by_layout[kind.split("+")[0]] += s["silent"]
        pct = 100 * total["right"] / max(total["scored"], 1)
        print(
            f"{how:18} cells {total['right']}/{total['scored']} ({pct:.2f} %)  silent {total['silent']}"
            f"  perfect {total['perfect']}/{total['copies']}  {dict(silent_by_layout) or ''}",
            flush=True,
        )


if __name__ == "__main__":
    main()
