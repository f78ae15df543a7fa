"""HTML pages: paragraphs and tables in reading order.

Government sites publish reports as web pages wrapped in navigation, often exported from Word
(every character in its own `<span>`, `&nbsp;` for empty cells). The reader keeps the text of the
page body in order; tables become grids with their row and column spans. Tables used only for page
layout (a cell holding nested tables or whole articles) are walked into, not emitted.

Hostile input is bounded: lxml parses without network access, DTD loading or the huge-tree
option, spans are clamped, and the tree walk has a depth limit.
"""

from __future__ import annotations

import re
import threading

import lxml.etree

from ..document import Document, Paragraph, Provenance, Table, TableCell
from ..errors import ReadError
from ..plugins import reader
from ._encoding import decode_text

_DROP = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "head",
        "object",
        "embed",
        "svg",
        "math",
        "canvas",
        "select",
        "textarea",
        "button",
        "title",
        "frameset",
        "audio",
        "video",
    }
)
_BLOCK = frozenset(
    {
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "blockquote",
        "pre",
        "section",
        "article",
        "header",
        "footer",
        "nav",
        "aside",
        "main",
        "form",
        "fieldset",
        "legend",
        "address",
        "figure",
        "figcaption",
        "center",
        "hr",
        "caption",
        "tr",
        "td",
        "th",
        "thead",
        "tbody",
        "tfoot",
        "body",
        "html",
        "details",
        "summary",
        "menu",
        "dir",
        "table",
    }
)

MAX_DEPTH = 200  # beyond this, a subtree is read as plain text (libxml2 already caps nesting)
MAX_COLS = 200  # columns of a table; cells beyond are dropped with a warning
MAX_COLSPAN = 100
SANE_COLSPAN = 20  # spans up to this may widen a table; wider ones are cut to the table's width
LAYOUT_BLOCKS = 8  # a cell with more block elements than this is page layout, not a value
LAYOUT_CHARS = 600  # … and so is a cell with more text than this

_local = threading.local()  # lxml parsers must not be shared between threads


def _parser() -> lxml.etree.HTMLParser:
    parser = getattr(_local, "parser", None)
    if parser is None:
        # etree's HTMLParser, not lxml.html's: same libxml2 parser without the Python-level
        # element class lookup, which costs more than the parse itself
        parser = _local.parser = lxml.etree.HTMLParser(
            encoding="utf-8",
            remove_comments=True,
            remove_pis=True,
            no_network=True,
            huge_tree=False,
            recover=True,
            default_doctype=False,
            collect_ids=False,
        )
    return parser


_META_CHARSET = re.compile(rb"""<meta[^>]{0,500}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_GB = {"gb2312", "gbk", "x-gbk", "gb_2312-80", "gb_2312", "csgb2312", "cp936", "euc-cn", "gb18030"}
_SINGLE_BYTE = {"iso-8859-1", "latin1", "latin-1", "windows-1252", "cp1252", "us-ascii", "ascii"}
_WS = re.compile(r"[ \t\r\n\f\v\xa0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_NL_BETWEEN_WIDE = re.compile(
    rf"(?<=[{_WIDE}])[ \t\f\v\xa0\u3000]*[\r\n][ \t\r\n\f\v\xa0\u3000]*(?=[{_WIDE}])"
)
_SPECIAL = frozenset({"table", "br", "pre"})
_BREAK = "\x00"  # a line break inside a cell; XML text cannot contain NUL, so it cannot clash
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\xad]")
_META_KEYS = {
    "articletitle": "article_title",
    "pubdate": "published",
    "contentsource": "publisher",
    "url": "url",
    "sitename": "site",
    "author": "author",
}
_SNIFF = re.compile(
    r"(?:<\?xml[^>]*>\s*|<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|table|p|div|meta|title|span)\b",
    re.S,
)


def normalize(text: str) -> str:
    """Collapse whitespace as a browser does. A line break between two Chinese characters is
    dropped entirely: it is source formatting, and a space there would split a word."""
    if _INVISIBLE.search(text):
        text = _INVISIBLE.sub("", text)
    if "\n" in text or "\r" in text:
        text = _NL_BETWEEN_WIDE.sub("", text)
    return _WS.sub(" ", text).strip()


def _tag(el: lxml.etree._Element) -> str:
    tag = el.tag  # the HTML parser lower-cases tag names already
    return tag if tag.__class__ is str else ""


def _span(value: str | None, limit: int) -> int:
    """A row/col span as browsers read it: leading digits, at least 1, at most `limit`; 0 means
    "to the end" (rowspan)."""
    if value is None:
        return 1
    m = re.match(r"\s*(\d{1,7})", value[:50])
    if m is None:
        return 1
    n = int(m.group(1))
    if n == 0:
        return limit
    return max(1, min(n, limit))


def decode_html(data: bytes) -> tuple[str, str]:
    """Decode a page. Bytes that are valid UTF-8 are UTF-8 whatever the page declares (Chinese
    GBK text is practically never valid UTF-8, while migrated sites keep stale `gb2312`
    declarations); otherwise the declared charset if it decodes, otherwise detection."""
    if not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) and b"\x00" not in data[:1024]:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
        m = _META_CHARSET.search(data[:8192])
        if m:
            declared = m.group(1).decode("ascii").lower()
            enc = "gb18030" if declared in _GB else declared
            if enc not in _SINGLE_BYTE:  # these decode anything, so they prove nothing
                try:
                    return data.decode(enc), enc
                except (LookupError, UnicodeDecodeError):
                    pass  # declarations lie
    return decode_text(data)


# Some sites ship the article as a string that a script writes into the page.
_JS_CONTENT = re.compile(r"""\b(?:let|var|const)\s+content\s*=\s*(["'])((?:[^\\\n]|\\.)*?)\1""", re.S)
_JS_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", re.S)
_JS_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "b": "", "f": "", "v": "", "0": ""}


def _js_unescape(s: str) -> str:
    def repl(m: re.Match[str]) -> str:
        e = m.group(1)
        if e[0] in "ux" and len(e) > 1:
            return chr(int(e[1:], 16))
        return _JS_SIMPLE.get(e, e)

    return _JS_ESCAPE.sub(repl, s)


def _embedded_body(script: str | None) -> lxml.etree._Element | None:
    """The HTML in a `let content = "…"` string, parsed, or None."""
    if not script or "content" not in script:
        return None
    m = _JS_CONTENT.search(script)
    if m is None or "<" not in m.group(2):
        return None
    fragment = _js_unescape(m.group(2))
    try:
        root = lxml.etree.fromstring(
            f"<html><body>{fragment}</body></html>".encode("utf-8", "replace"), _parser()
        )
    except (lxml.etree.LxmlError, ValueError):
        return None
    return None if root is None else root.find("body")


class _Builder:
    def __init__(self) -> None:
        self.blocks: list[Paragraph | Table] = []
        self.warnings: list[str] = []
        self._buf: list[str] = []
        self._line: int | None = None
        self._n_tables = 0

    # paragraphs ---------------------------------------------------------------------------------
    def _add(self, text: str | None, line: int | None) -> None:
        if text:
            if not self._buf:
                self._line = line
            self._buf.append(text)

    def flush(self) -> None:
        if self._buf:
            text = normalize("".join(self._buf))
            if text:
                self.blocks.append(Paragraph(text, Provenance(line=self._line)))
            self._buf = []
        self._line = None

    def walk(self, el: lxml.etree._Element, depth: int = 0) -> None:
        # the hot loop of the reader: attribute lookups are kept out of the common path
        tag = el.tag
        if tag.__class__ is not str or tag in _DROP:
            if tag == "script" and depth < MAX_DEPTH:
                embedded = _embedded_body(el.text)
                if embedded is not None:
                    self.flush()
                    self.walk(embedded, depth + 1)
                    self.flush()
            return
        if tag in _SPECIAL:
            self.flush()
            if tag == "table":
                self.table(el, depth)
            elif tag == "pre":  # preformatted text keeps its lines and tabs, like the text reader
                for line in "".join(el.itertext()).splitlines():
                    text = _INVISIBLE.sub("", line).rstrip()
                    if text.strip():
                        self.blocks.append(Paragraph(text, Provenance(line=el.sourceline)))
            return  # br: the line ends here
        block = tag in _BLOCK
        buf = self._buf
        if block and buf:
            self.flush()
            buf = self._buf
        text = el.text
        if text:
            if not buf:
                self._line = el.sourceline
            buf.append(text)
        if depth >= MAX_DEPTH:
            self._add("".join(el.itertext()), el.sourceline)
        else:
            for child in el:
                self.walk(child, depth + 1)
                tail = child.tail
                if tail:
                    buf = self._buf
                    if not buf:
                        self._line = child.sourceline
                    buf.append(tail)
        if block:
            self.flush()

    # tables -------------------------------------------------------------------------------------
    def table(self, el: lxml.etree._Element, depth: int) -> None:
        rows: list[lxml.etree._Element] = []
        caption: lxml.etree._Element | None = None
        for child in el:
            tag = _tag(child)
            if tag == "tr":
                rows.append(child)
            elif tag in ("thead", "tbody", "tfoot"):
                rows.extend(tr for tr in child if _tag(tr) == "tr")
            elif tag == "caption" and caption is None:
                caption = child
        row_cells = [[td for td in tr if _tag(td) in ("td", "th")] for tr in rows]
        if caption is not None:
            self.walk(caption, depth + 1)
        n_cells = sum(len(r) for r in row_cells)
        if n_cells == 0:
            return
        # A table that lays out the page rather than holding data: it nests tables, it is a single
        # box drawn around content, or one of its cells holds article-sized content.
        layout = n_cells == 1 or depth >= MAX_DEPTH or el.find(".//table") is not None
        texts: list[list[str]] = []
        if not layout:
            for tds in row_cells:
                row: list[str] = []
                for td in tds:
                    text, n_blocks = _cell_text(td)
                    if n_blocks > LAYOUT_BLOCKS or len(text) > LAYOUT_CHARS:
                        layout = True
                        break
                    row.append(text)
                if layout:
                    break
                texts.append(row)
        if layout:
            for tds in row_cells:
                for td in tds:
                    self.walk(td, depth + 1)
            return
        self.blocks.append(self._grid(row_cells, texts, el.sourceline))

    def _grid(
        self, row_cells: list[list[lxml.etree._Element]], texts: list[list[str]], line: int | None
    ) -> Table:
        index = self._n_tables
        self._n_tables += 1
        n_rows = len(row_cells)
        cells: list[TableCell] = []
        carry: list[int] = []  # per column: how many more rows a rowspan from above covers
        dropped = 0
        for r, tds in enumerate(row_cells):
            col = 0
            for td, text in zip(tds, texts[r], strict=True):
                while col < len(carry) and carry[col] > 0:
                    col += 1
                if col >= MAX_COLS:
                    dropped += 1
                    continue
                colspan = min(_span(td.get("colspan"), MAX_COLSPAN), MAX_COLS - col)
                rowspan = _span(td.get("rowspan"), n_rows - r)
                if len(carry) < col + colspan:
                    carry.extend([0] * (col + colspan - len(carry)))
                for k in range(col, col + colspan):
                    carry[k] = rowspan
                cells.append(
                    TableCell(text, r, col, rowspan, colspan, Provenance(table=index, row=r, col=col))
                )
                col += colspan
            carry = [c - 1 if c > 0 else 0 for c in carry]
        if dropped:
            self.warnings.append(f"表格{index + 1}列数过多，已忽略 {dropped} 个单元格")
        # An absurd colspan must not widen the grid beyond what the other cells show.
        width = max((c.col + (c.colspan if c.colspan <= SANE_COLSPAN else 1) for c in cells), default=0)
        for c in cells:
            if c.col + c.colspan > width:
                c.colspan = max(1, width - c.col)
        return Table(cells, Provenance(table=index, line=line))


def cell_text(td: lxml.etree._Element) -> str:
    """Text of a cell: `<br>` and block children start new lines, inline pieces join with
    nothing between them (numbers are often split across `<span>`s)."""
    return _cell_text(td)[0]


def _cell_text(td: lxml.etree._Element) -> tuple[str, int]:
    """(cell text, number of block elements inside the cell)."""
    if not _has_structure(td):
        # most cells are text in a few inline tags: let libxml2 join them
        return normalize("".join(td.itertext())), 0
    parts: list[str] = []
    n_blocks = _collect(td, parts, 0)
    joined = "".join(parts)
    if _BREAK not in joined:
        return normalize(joined), n_blocks
    lines = (normalize(line) for line in joined.split(_BREAK) if line)
    return "\n".join(line for line in lines if line), n_blocks


def _has_structure(td: lxml.etree._Element) -> bool:
    """Does a cell hold anything but inline text (a break, a block, something dropped, a comment)?"""
    for el in td.iterdescendants():
        tag = el.tag
        if not isinstance(tag, str) or tag in _STRUCTURE:
            return True
    return False


_STRUCTURE = _BLOCK | _DROP | {"br"}


def _collect(el: lxml.etree._Element, out: list[str], depth: int) -> int:
    """Append the text of `el` to `out`, block boundaries as `_BREAK`; return the block count."""
    tag = _tag(el)
    if not tag or tag in _DROP:
        return 0
    if tag == "br":
        out.append(_BREAK)
        return 0
    block = tag in _BLOCK and depth > 0
    n_blocks = int(block)
    if block:
        out.append(_BREAK)
    if el.text:
        out.append(el.text)
    if depth >= MAX_DEPTH:
        out.append("".join(el.itertext()))
    else:
        for child in el:
            n_blocks += _collect(child, out, depth + 1)
            if child.tail:
                out.append(child.tail)
    if block:
        out.append(_BREAK)
    return n_blocks


def _head_text(data: bytes) -> str:
    head = data[:2048]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[1:64:2].count(0) > 8 or head[0:64:2].count(0) > 8:
        for enc in ("utf-16", "utf-16-le", "utf-16-be"):
            try:
                return head.decode(enc, errors="ignore")
            except UnicodeDecodeError:
                continue
    return head.decode("latin-1")


def _sniff(data: bytes, name: str) -> bool:
    text = _head_text(data).lstrip("\ufeff\xef\xbb\xbf \t\r\n").lower()
    return bool(_SNIFF.match(text)) or "<html" in text[:1024]


@reader("html", extensions=("html", "htm", "shtml", "xhtml"), sniff=_sniff, priority=40)
def read(data: bytes, source: str) -> Document:
    if not data.strip():
        raise ReadError("文件为空")
    text, encoding = decode_html(data)
    # the parser is told the bytes are UTF-8, whatever the page declares: hand it UTF-8 bytes
    utf8 = data if encoding == "utf-8" else text.encode("utf-8", errors="replace")
    parser = _parser()
    try:
        root = lxml.etree.fromstring(utf8, parser)
    except (lxml.etree.LxmlError, ValueError) as exc:
        raise ReadError(f"网页无法解析：{exc}") from None
    doc = Document(source=source, format="html", metadata={"encoding": encoding})
    if any(e.level == lxml.etree.ErrorLevels.FATAL for e in parser.error_log):
        # libxml2 stops at its limits (nesting depth, huge text or attribute values): say so
        # rather than silently returning part of the page
        doc.warnings.append("网页结构异常（嵌套过深或单项内容过大），只读取了部分内容")
    if root is None:
        return doc
    title = root.find(".//title")
    if title is not None:
        doc.title = normalize("".join(title.itertext())) or None
    for meta in root.iter("meta"):
        key = _META_KEYS.get((meta.get("name") or "").lower())
        value = normalize(meta.get("content") or "")
        if key and value and key not in doc.metadata:
            doc.metadata[key] = value[:1000]
    body = root.find("body")
    builder = _Builder()
    builder.walk(body if body is not None else root)
    builder.flush()
    doc.blocks = builder.blocks
    doc.warnings.extend(builder.warnings)
    return doc
