"""A clean standalone HTML page with the same merged-cell tables; all text escaped by Jinja2."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import jinja2

from ..compose import Composition
from .fonts import Fonts


@dataclass
class _Cell:
    text: str
    rowspan: int
    colspan: int
    tag: str
    vertical: bool


@cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("nianbao.writer", "templates"),
        autoescape=True,
        keep_trailing_newline=True,
    )


def render_html(comp: Composition, fonts: Fonts | None = None) -> str:
    fonts = fonts or Fonts()
    blocks = []
    for b in comp.blocks:
        item: dict[str, object] = {"kind": b.kind, "text": b.text}
        if b.table is not None:
            header = b.layout.header_rows if b.layout is not None else 0
            values = {(r, c) for r, c, _ in b.layout.positions.values()} if b.layout else set()
            vertical = b.layout.vertical if b.layout else set()
            item["rows"] = [
                [
                    _Cell(
                        c.text,
                        c.rowspan,
                        c.colspan,
                        "td" if (c.row, c.col) in values or c.row >= header else "th",
                        (c.row, c.col) in vertical,
                    )
                    for c in row
                ]
                for row in b.table.rows()
            ]
        blocks.append(item)
    return (
        _env()
        .get_template("report.html.jinja")
        .render(
            title=comp.title,
            published=comp.data.published.isoformat() if comp.data.published else None,
            blocks=blocks,
            has_findings=any(b.kind == "appendix_heading" for b in comp.blocks),
            body_font=fonts.css_stack(fonts.body),
            title_font=fonts.css_stack(fonts.title),
            heading_font=fonts.css_stack(fonts.heading, sans=True),
        )
    )
