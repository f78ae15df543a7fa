"""Renderers: one `Composition`, many output formats."""

from __future__ import annotations

from pathlib import Path

from ...errors import NianbaoError
from ..compose import Composition
from .docx import render_docx
from .fonts import OFFICIAL, Fonts
from .html import render_html
from .pdf import docx_to_pdf
from .text import render_markdown, render_text

FORMATS = {".docx": "docx", ".html": "html", ".htm": "html", ".md": "md", ".pdf": "pdf", ".txt": "txt"}


def format_for(path: str | Path) -> str:
    ext = Path(path).suffix.lower()
    if ext not in FORMATS:
        raise NianbaoError(f"不支持的输出格式“{ext or '无扩展名'}”，可用：{'、'.join(sorted(set(FORMATS)))}")
    return FORMATS[ext]


def render(comp: Composition, fmt: str, fonts: Fonts | None = None, text_style: str = "rows") -> bytes:
    if fmt == "docx":
        return render_docx(comp, fonts)
    if fmt == "pdf":
        return docx_to_pdf(render_docx(comp, fonts))
    if fmt == "html":
        return render_html(comp, fonts).encode("utf-8")
    if fmt == "md":
        return render_markdown(comp).encode("utf-8")
    if fmt == "txt":
        return render_text(comp, text_style).encode("utf-8")
    raise NianbaoError(f"不支持的输出格式“{fmt}”")


__all__ = ["FORMATS", "OFFICIAL", "Fonts", "format_for", "render", "render_markdown", "render_text"]
