"""The HTML reader's stylesheet path gives exactly the Document of its tree walk.

The walk (`_Builder`) is the definition; `_fast_blocks` renders the body with libxslt and must
agree on every page: the corpus, random pages built from the constructs that matter (blocks,
inline runs, breaks, dropped elements, pre, scripts carrying the page, data and layout tables
with spans, captions, entities, invisible characters, line breaks between Chinese characters),
and the pages that must fall back to the walk (marks in the text, deep nesting).
"""

from __future__ import annotations

import random

import lxml.etree
import pytest

from nianbao.document import Document
from nianbao.readers import html


def _walk(data: bytes) -> Document:
    saved = html._fast_blocks
    html._fast_blocks = lambda *args: None
    try:
        return html.read(data, "x.html")
    finally:
        html._fast_blocks = saved


def _both(data: bytes) -> tuple[Document, Document]:
    return html.read(data, "x.html"), _walk(data)


def test_corpus_pages_take_the_fast_path_and_agree(corpus_dir):
    for path in sorted((corpus_dir / "html").glob("*.html")):
        data = path.read_bytes()
        root = lxml.etree.fromstring(data, html._parser())
        assert html._fast_blocks(data, root) is not None, path.name
        fast, walk = _both(data)
        assert fast == walk, path.name


_TEXTS = ["中", "文", "a", "1", "2019", " ", "\n", "\r\n", "\u3000", "\xa0", "\t", "\u200b", "&nbsp;",
          "&#160;", "&amp;", "发布时间：2023", "x\n中", "中\n 文", "\x1c", "\u2028", "(3)", "  \n  "]  # fmt: skip
_INLINE = ["span", "a", "b", "font", "o:p", "i", "strong", "img", "sup"]
_BLOCK = ["p", "div", "li", "ul", "h1", "section", "center", "blockquote", "dd", "caption"]
_DROP = ["script", "style", "noscript", "select", "textarea", "svg", "title"]


def _text(r: random.Random) -> str:
    return "".join(r.choice(_TEXTS) for _ in range(r.randint(0, 3)))


def _content(r: random.Random, depth: int) -> str:
    out = []
    for _ in range(r.randint(0, 4)):
        k = r.random()
        if k < 0.4 or depth > 5:
            tag = r.choice(_INLINE)
            inner = "" if tag == "img" else f"{_content(r, depth + 1) if depth < 4 else _text(r)}</{tag}>"
            out.append(f"<{tag}>{inner}{_text(r)}")
        elif k < 0.6:
            tag = r.choice(_BLOCK)
            out.append(f"<{tag}>{_content(r, depth + 1)}</{tag}>")
        elif k < 0.67:
            out.append("<br>" + _text(r))
        elif k < 0.74:
            tag = r.choice(_DROP)
            out.append(f"<{tag}>{_text(r)}x<b>y</b></{tag}>{_text(r)}")
        elif k < 0.8:
            out.append(f"<pre>{_text(r)}\n  line\t<b>{_text(r)}</b>\n\n</pre>{_text(r)}")
        elif k < 0.83:
            page = "<p>嵌入" + _text(r) + "</p><table><tr><td>1</td><td>2</td></tr></table>"
            out.append(f'<script>var content = "{page}";</script>{_text(r)}')
        elif k < 0.97:
            out.append(_table(r, depth + 1))
    return "".join(out)


def _table(r: random.Random, depth: int) -> str:
    rows = []
    for _ in range(r.randint(0, 5)):
        cells = []
        for _ in range(r.randint(0, 5)):
            attrs = ""
            if r.random() < 0.2:
                attrs += f' rowspan="{r.choice(["2", "3", "0", "1", "", " 2", "x", "99999999"])}"'
            if r.random() < 0.2:
                attrs += f' colspan="{r.choice(["2", "0", "", "30", "300"])}"'
            roll = r.random()
            if roll < 0.08:
                inner = "很长的内容" * r.randint(100, 140)  # an article-sized cell: page layout
            elif roll < 0.16:
                inner = "<p>x</p>" * r.randint(5, 12)  # many blocks in a cell
            elif roll < 0.2 and depth < 4:
                inner = _table(r, depth + 1)
            else:
                inner = _content(r, depth + 1) if roll < 0.6 else _text(r)
            tag = r.choice(["td", "th"])
            cells.append(f"<{tag}{attrs}>{inner}</{tag}>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    body = "".join(rows) if r.random() < 0.6 else "<tbody>" + "".join(rows) + "</tbody>"
    caption = f"<caption>{_text(r)}</caption>" if r.random() < 0.15 else ""
    return f"<table>{caption}{body}</table>{_text(r)}"


@pytest.mark.parametrize("seed", range(4))
def test_random_pages_agree(seed):
    fast_path = 0
    for i in range(150):
        r = random.Random(seed * 1000 + i)
        head = f"<head><title>T{_text(r)}</title><meta name=PubDate content='2020-01-02'></head>"
        data = f"<!doctype html><html>{head}<body>{_content(r, 0)}</body></html>".encode()
        root = lxml.etree.fromstring(data, html._parser())
        fast_path += html._fast_blocks(data, root) is not None
        fast, walk = _both(data)
        assert fast == walk, data.decode()
    assert fast_path > 140  # the pages exercise the stylesheet, not the fallback


@pytest.mark.parametrize(
    "body",
    [
        "<p>a\ufdd0b</p><table><tr><td>1</td><td>2</td></tr></table>",  # a mark in the text
        "<p>a&#xfdd3;b</p>",  # … as a character reference
        "<p>a&#64976;b</p>",
        "<div>" * 180 + "<p>deep</p>" + "</div>" * 180,  # deeper than the stylesheet goes
        "<table><tr><td>" + "<span>" * 175 + "x" + "</span>" * 175 + "</td><td>2</td></tr></table>",
    ],
)
def test_pages_the_walk_reads_agree(body):
    page = f"<html><body>{body}</body></html>".encode()
    root = lxml.etree.fromstring(page, html._parser())
    assert html._fast_blocks(page, root) is None
    fast, walk = _both(page)
    assert fast == walk
