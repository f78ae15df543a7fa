"""Markdown and plain-text renderings, including the text-dump layouts real reports come in.

`markdown`: headings and pipe tables (a spanning cell's text at its top-left position, the
positions it covers left empty, as Word's own export does).
The dump layouts mirror the corpus: `cells` — each table cell on its own tab-indented line with a
blank line between rows (a Word "save as text"); `rows` — one tab-separated line per table row;
`crawl` — a web crawler's flattening: a metadata header, then the whole page run together.
"""

from __future__ import annotations

from ...document import Table
from ..compose import Composition


def _grid_rows(table: Table) -> list[list[str]]:
    rows = [[""] * table.n_cols for _ in range(table.n_rows)]
    for c in table.cells:
        rows[c.row][c.col] = c.text
    return rows


def _md_escape(text: str) -> str:
    out = text.replace("\\", "\\\\")
    for ch in "|*_`#[]<>":
        out = out.replace(ch, "\\" + ch)
    return out


def render_markdown(comp: Composition) -> str:
    lines: list[str] = []
    for b in comp.blocks:
        if b.table is not None:
            rows = _grid_rows(b.table)
            lines.append("| " + " | ".join(_md_escape(t) for t in rows[0]) + " |")
            lines.append("|" + "---|" * len(rows[0]))
            for row in rows[1:]:
                lines.append("| " + " | ".join(_md_escape(t) for t in row) + " |")
        elif b.kind == "title":
            lines.append("# " + _md_escape(b.text))
        elif b.kind in ("heading", "appendix_heading"):
            lines.append("## " + _md_escape(b.text))
        else:
            lines.append(_md_escape(b.text))
        lines.append("")
    return "\n".join(lines)


def render_text(comp: Composition, style: str = "rows") -> str:
    """Plain text in one of the dump layouts: "rows", "cells" or "crawl"."""
    if style == "crawl":
        return _crawl(comp)
    lines: list[str] = []
    for b in comp.blocks:
        if b.table is None:
            lines += [b.text, ""]
            continue
        if style == "cells":
            for row in b.table.rows():
                lines += ["\t" + c.text for c in row]
                lines.append("")
        else:
            lines += ["\t".join(row) for row in _grid_rows(b.table)]
            lines.append("")
    return "\n".join(lines)


def _crawl(comp: Composition) -> str:
    published = comp.data.published
    head = [
        f"标题: {comp.title}",
        f"发布时间: {published.isoformat() + ' 09:00' if published else ''}",
        "文号: ",
        f"发布机构: {comp.data.organ}",
        "栏目: 政府信息公开年报",
        "==================== 正文 ====================",
    ]
    parts: list[str] = []
    for b in comp.blocks:
        if b.kind == "title":
            continue
        if b.table is not None:
            parts.append("".join(c.text for row in b.table.rows() for c in row))
        else:
            parts.append(b.text)
    # the crawler keeps a space where a paragraph ended, none between table cells
    return "\n".join(head) + "\n" + " ".join(p for p in parts if p) + "\n"
