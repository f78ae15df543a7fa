"""HTML pages: paragraphs and tables in reading order.

Government sites publish reports as web pages wrapped in navigation, often exported from Word
(every character in its own `<span>`, `&nbsp;` for empty cells). The reader keeps the text of the
page body in order, or of the report's region when the rest of the body is plainly the site's
menus and footer (`report_region`); tables become grids with their row and column spans. Tables
used only for page layout (a cell holding nested tables or whole articles) are walked into, not
emitted.

Hostile input is bounded: lxml parses without network access, DTD loading or the huge-tree
option, spans are clamped, and the tree walk has a depth limit.
"""

from __future__ import annotations

import functools
import itertools
import re
import threading
from typing import TYPE_CHECKING

from ..document import Block, Document, Paragraph, Provenance, Table, TableCell
from ..errors import ReadError
from ..lazyre import lazy
from ..plugins import reader
from ._encoding import decode_text

if TYPE_CHECKING:
    import lxml.etree

    from ._pictures import Picture, Source

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
        import lxml.etree  # here, not at import: registering the reader must not load lxml

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


_META_CHARSET = lazy(rb"""<meta[^>]{0,500}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_GB = {"gb2312", "gbk", "x-gbk", "gb_2312-80", "gb_2312", "csgb2312", "cp936", "euc-cn", "gb18030"}
_SINGLE_BYTE = {"iso-8859-1", "latin1", "latin-1", "windows-1252", "cp1252", "us-ascii", "ascii"}
_WS = lazy(r"[ \t\r\n\f\v\xa0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_NL_BETWEEN_WIDE = lazy(rf"(?<=[{_WIDE}])[ \t\f\v\xa0\u3000]*[\r\n][ \t\r\n\f\v\xa0\u3000]*(?=[{_WIDE}])")
_SPECIAL = frozenset({"table", "br", "pre"})
_BREAK = "\x00"  # a line break inside a cell; XML text cannot contain NUL, so it cannot clash
_INVISIBLE = lazy(r"[\u200b-\u200d\u2060\ufeff\xad]")
_META_KEYS = {
    "articletitle": "article_title",
    "pubdate": "published",
    "contentsource": "publisher",
    "url": "url",
    "sitename": "site",
    "author": "author",
}
_SNIFF = lazy(
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


_SPAN_DIGITS = lazy(r"\s*(\d{1,7})")


def _span(value: str | None, limit: int) -> int:
    """A row/col span as browsers read it: leading digits, at least 1, at most `limit`; 0 means
    "to the end" (rowspan)."""
    if value is None:
        return 1
    m = _SPAN_DIGITS.match(value[:50])
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
_JS_CONTENT = lazy(r"""\b(?:let|var|const)\s+content\s*=\s*(["'])((?:[^\\\n]|\\.)*?)\1""", re.S)
_JS_ESCAPE = lazy(r"\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", re.S)
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
    import lxml.etree

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
        spans = [[(td.get("rowspan"), td.get("colspan")) for td in tds] for tds in row_cells]
        table, self._n_tables = _assemble(spans, texts, line, self._n_tables, self.warnings)
        return table


def _assemble(
    spans: list[list[tuple[str | None, str | None]]],
    texts: list[list[str]],
    line: int | None,
    index: int,
    warnings: list[str],
) -> tuple[Table, int]:
    """A data table from its rows of (rowspan, colspan) attribute values and cell texts: the
    cells placed on the grid as a browser does. Returns the table and the next table index."""
    n_rows = len(spans)
    cells: list[TableCell] = []
    append = cells.append
    provs = _table_provs(index)
    carry: list[int] = []  # per column: how many more rows a rowspan from above covers
    dropped = 0
    too_wide = False  # a colspan beyond SANE_COLSPAN
    for r, row in enumerate(spans):
        col = 0
        n_carry = len(carry)
        row_provs = provs[r] if r < len(provs) else None
        n_provs = len(row_provs) if row_provs is not None else 0
        for (rs, cs), text in zip(row, texts[r], strict=True):
            if not n_carry and col < n_provs and (not rs or rs == "1") and (not cs or cs == "1"):
                # most cells: one row, one column, no rowspan from above, a shared provenance
                assert row_provs is not None  # n_provs > 0: row_provs is a list
                append(TableCell(text, r, col, 1, 1, row_provs[col]))
                col += 1
                continue
            if n_carry:
                while col < n_carry and carry[col] > 0:
                    col += 1
            if col >= MAX_COLS:
                dropped += 1
                continue
            colspan = 1 if not cs or cs == "1" else min(_span(cs, MAX_COLSPAN), MAX_COLS - col)
            rowspan = 1 if not rs or rs == "1" else _span(rs, n_rows - r)
            # a cell of one row leaves nothing for the rows below, unless it overwrites a rowspan
            # from above (overlapping spans): then the walk's bookkeeping is kept exactly
            if rowspan > 1 or col < n_carry:
                if n_carry < col + colspan:
                    carry.extend([0] * (col + colspan - n_carry))
                    n_carry = len(carry)
                for k in range(col, col + colspan):
                    carry[k] = rowspan
            if colspan > SANE_COLSPAN:
                too_wide = True
            if col < n_provs:
                assert row_provs is not None  # n_provs > 0: row_provs is a list
                prov = row_provs[col]
            elif row_provs is not None and col < _PROV_COLS:
                while len(row_provs) <= col:
                    row_provs.append(Provenance(table=index, row=r, col=len(row_provs)))
                n_provs = len(row_provs)
                prov = row_provs[col]
            else:
                prov = Provenance(table=index, row=r, col=col)
            append(TableCell(text, r, col, rowspan, colspan, prov))
            col += colspan
        if carry:
            carry = [c - 1 if c > 0 else 0 for c in carry]
            if not any(carry):
                carry = []
    if dropped:
        warnings.append(f"表格{index + 1}列数过多，已忽略 {dropped} 个单元格")
    if too_wide:
        # An absurd colspan must not widen the grid beyond what the other cells show.
        width = max((c.col + (c.colspan if c.colspan <= SANE_COLSPAN else 1) for c in cells), default=0)
        for c in cells:
            if c.col + c.colspan > width:
                c.colspan = max(1, width - c.col)
    return Table(cells, Provenance(table=index, line=line)), index + 1


def _table_provs(table: int) -> list[list[Provenance]]:
    """The shared provenance objects of table `table`'s cells, row by row, filled as cells are
    placed. Provenance is frozen, so one object per position can serve every document: that
    saves building a nine-field frozen dataclass per cell, the largest cost of a big table. Only
    the first tables, rows and columns are kept (bounded memory); `_assemble` builds the rest."""
    if table >= _PROV_TABLES:
        return []
    rows = _PROVS.get(table)
    if rows is None:
        rows = _PROVS[table] = [[] for _ in range(_PROV_ROWS)]
    return rows


_PROV_TABLES, _PROV_ROWS, _PROV_COLS = 16, 64, 32
_PROVS: dict[int, list[list[Provenance]]] = {}


@functools.lru_cache(maxsize=65536)
def _line_prov(line: int | None) -> Provenance:
    return Provenance(line=line)


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


# --- the fast path ----------------------------------------------------------------------------
# The walk above is the definition; this is the same walk done by libxslt in C. A stylesheet
# renders the body as one string of text pieces and markers (noncharacters U+FDD0…, which no
# page text contains: a page that does is read by the walk), and Python turns that string into
# the same blocks with a few bulk regex passes instead of a call per element. Anything unusual
# (very deep nesting, a cell that makes its table a layout table without a rendering for it)
# gives None and the walk reads the page.

_F = "\ufdd0"  # a block boundary (flush)
_E, _M = "\ufdd1", "\ufdd2"  # _E line _M: an element starts or ends (its text or tail follows)
_TS, _TH, _TE = "\ufdd3", "\ufdd4", "\ufdd5"  # a data table: _TS line _SEP n _TH rows _TE
_ROW, _CELL, _SEP = "\ufdd6", "\ufdd7", "\ufdd8"  # a row: _ROW (_CELL [_RS …] [_CS …] _SEP text)*
_BO, _BC, _BR = "\ufdd9", "\ufdda", "\ufddb"  # inside a cell: block open, block close, <br>
_RS, _CS = "\ufddc", "\ufde1"  # in a cell, before _SEP: a rowspan, a colspan attribute value
_PS, _PE = "\ufddd", "\ufdde"  # a <pre>: _PS line _TH text _PE
_SS, _SE = "\ufddf", "\ufde0"  # a script that may carry the page: _SS depth _TH text _SE
# libxslt counts nested template calls, at least one per element level: a page nested deeper
# than this makes the transform fail (the walk then reads it, with its own MAX_DEPTH rules). The
# limit is process-wide (set with the first stylesheet); nothing else here runs XSLT, and 160 is
# far above any real page.
_FAST_DEPTH = 160
_FAST_TABLES = 100  # a data table's number is counted over the page: quadratic in the tables
_MARK_ENTITY = lazy(rb"&#(?:[xX]0*[fF][dD][cCdDeEfF]|0*6(?:49[6-9][0-9]|50[0-3][0-9]))")
_LINE_MARK = lazy(f"{_E}[^{_M}]*{_M}")
# a line break that may sit between two wide characters: a cheap scan before _NL_BETWEEN_WIDE,
# whose leading lookbehind makes it slow to run over text that has none
_NL_HIT = lazy(rf"[\r\n][ \t\r\n\f\v\xa0\u3000]*[{_WIDE}]")
# A piece of a block (from one _F to the next) with some text that is not whitespace: the
# line of its first text (the last of the marks that open the piece; text, even whitespace,
# always follows a mark) and the rest of the piece. Pieces of marks and whitespace only, most
# of a page, are skipped inside the regex engine.
_PARAGRAPH = lazy(
    rf"{_F}(?:{_E}[0-9-]*{_M})*{_E}([0-9-]*){_M}(?=(?:{_E}[0-9-]*{_M}|\s)*+[^{_F}\s])([^{_F}]*)"
)
_MARKS = tuple(chr(c) for c in range(0xFDD0, 0xFDE2))
_MARK_UTF8 = lazy(rb"\xef\xb7[\x90-\xa1]")  # the marks in UTF-8: U+FDD0 … U+FDE1
_SECTION = lazy(f"({_TS}[^{_TE}]*{_TE}|{_PS}[^{_PE}]*{_PE}|{_SS}[^{_SE}]*{_SE})")
# a cell's span attributes, in either order: (rowspan, colspan, rowspan)
_SPANS = lazy(f"{_CELL}(?:{_RS}([^{_CS}{_SEP}]*))?(?:{_CS}([^{_RS}{_SEP}]*))?(?:{_RS}([^{_SEP}]*))?{_SEP}")
# a cell with more block elements than LAYOUT_BLOCKS (a cell's text runs to the next _CELL)
_MANY_BLOCKS = lazy(f"{_CELL}(?:[^{_CELL}{_BO}]*{_BO}){{{LAYOUT_BLOCKS + 1}}}")
# the line breaks of a cell with the whitespace after them, then the whitespace before them:
# one "\n" (empty lines dropped; every "\n" of the page's own is a space by then)
_CELL_BREAKS = lazy(rf"[{_BO}{_BC}{_BR}][\s{_BO}{_BC}{_BR}]*")
_SPACE_BEFORE_BREAK = lazy(r"\s+\n")


def _xslt_source(root: str = '<xsl:apply-templates select="$region"/>') -> bytes:
    def names(tags: frozenset[str]) -> str:
        return "|".join(sorted(tags))

    line = '<xsl:value-of select="saxon:line-number()"/>'
    mark = f"{_E}{line}{_M}"
    rows = "tr|thead/tr|tbody/tr|tfoot/tr"
    cells = f"({rows})/*[self::td or self::th]"
    xsl = f"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:saxon="http://icl.com/saxon" extension-element-prefixes="saxon">
<xsl:output method="text" encoding="utf-8"/>
<xsl:param name="table"/>
<xsl:param name="region" select="/*/body[1]"/>
<xsl:template match="/">{root}</xsl:template>
<xsl:template match="*">{mark}<xsl:apply-templates/>{mark}</xsl:template>
<xsl:template match="{names(_DROP)}">{mark}</xsl:template>
<xsl:template match="script[contains(., 'content')]">{_SS}<xsl:value-of select="count(ancestor::*) - 1"/>{_TH}<xsl:value-of select="."/>{_SE}{mark}</xsl:template>
<xsl:template match="br">{_F}{mark}</xsl:template>
<xsl:template match="pre">{_F}{_PS}{line}{_TH}<xsl:value-of select="."/>{_PE}{_F}{mark}</xsl:template>
<xsl:template match="{names(_BLOCK - _SPECIAL)}">{_F}{mark}<xsl:apply-templates/>{_F}{mark}</xsl:template>
<xsl:template match="table">{_F}<xsl:apply-templates select="caption[1]"/><xsl:choose>
  <xsl:when test=".//table or not(({cells})[2])"><xsl:apply-templates select="{cells}"/></xsl:when>
  <xsl:otherwise>{_TS}{line}{_SEP}<xsl:value-of select="count(preceding::table) + count(ancestor::table)"/>{_TH}<xsl:for-each select="*"><xsl:choose>
    <xsl:when test="self::tr">{_ROW}<xsl:call-template name="cells"/></xsl:when>
    <xsl:when test="self::tbody or self::thead or self::tfoot"><xsl:for-each select="tr">{_ROW}<xsl:call-template name="cells"/></xsl:for-each></xsl:when>
  </xsl:choose></xsl:for-each>{_TE}</xsl:otherwise>
</xsl:choose>{_F}{mark}</xsl:template>
<xsl:template name="cells"><xsl:for-each select="*[self::td or self::th]">{_CELL}<xsl:apply-templates select="@rowspan|@colspan" mode="s"/>{_SEP}<xsl:apply-templates mode="c"/></xsl:for-each></xsl:template>
<xsl:template match="@rowspan" mode="s">{_RS}<xsl:value-of select="."/></xsl:template>
<xsl:template match="@colspan" mode="s">{_CS}<xsl:value-of select="."/></xsl:template>
<xsl:template match="{names(_DROP)}" mode="c"/>
<xsl:template match="br" mode="c">{_BR}</xsl:template>
<xsl:template match="{names(_BLOCK)}" mode="c">{_BO}<xsl:apply-templates mode="c"/>{_BC}</xsl:template>
<xsl:template match="table" mode="layout">{_F}<xsl:apply-templates select="{cells}"/>{_F}</xsl:template>
</xsl:stylesheet>"""
    return xsl.encode("utf-8")


def _transform(name: str = "transform") -> lxml.etree.XSLT:
    transform = getattr(_local, name, None)
    if transform is None:
        # "layout": the cells of one table (the number of tables before it) walked as page
        # layout, for a table that looked like data until the reader saw how big a cell is
        source = (
            _xslt_source('<xsl:apply-templates select="(//table)[$table + 1]" mode="layout"/>')
            if name == "layout"
            else _xslt_source()
        )
        import lxml.etree

        lxml.etree.XSLT.set_global_max_depth(_FAST_DEPTH)
        transform = lxml.etree.XSLT(lxml.etree.XML(source))
        setattr(_local, name, transform)
    return transform


class _Fast:
    """The blocks of a rendered body, with the walk's table numbering."""

    def __init__(self, root: lxml.etree._Element) -> None:
        self.root = root
        self.blocks: list[Paragraph | Table] = []
        self.warnings: list[str] = []
        self.n_tables = 0

    def flow(self, stream: str) -> bool:
        parts = _SECTION.split(stream)
        pending = parts[0]
        for i in range(1, len(parts), 2):
            section, after = parts[i], parts[i + 1]
            kind = section[0]
            if kind == _SS:
                depth, script = section[1:-1].split(_TH, 1)
                embedded = _embedded_body(script)
                if embedded is None:  # no page in it: the text around it runs on
                    pending += after
                    continue
                if not self.paragraphs(pending):
                    return False
                walker = _Builder()
                walker._n_tables = self.n_tables
                walker.walk(embedded, int(depth) + 1)
                walker.flush()
                self.blocks.extend(walker.blocks)
                self.warnings.extend(walker.warnings)
                self.n_tables = walker._n_tables
            elif kind == _PS:
                if not self.paragraphs(pending):
                    return False
                line, text = section[1:-1].split(_TH, 1)
                prov = _line_prov(_line(line))
                for raw in text.splitlines():
                    text = _INVISIBLE.sub("", raw).rstrip()
                    if text.strip():
                        self.blocks.append(Paragraph(text, prov))
            elif not self.paragraphs(pending) or not self.table(section):
                return False
            pending = after
        return self.paragraphs(pending)

    def paragraphs(self, flow: str) -> bool:
        found = _PARAGRAPH.findall(_F + flow)
        if not found:
            return True
        # the pieces with text normalised together, one regex pass each: no pattern crosses _F
        text = _LINE_MARK.sub("", _F.join([raw for _, raw in found]))
        if _INVISIBLE.search(text):
            text = _INVISIBLE.sub("", text)
        if ("\n" in text or "\r" in text) and _NL_HIT.search(text):
            text = _join_wide_lines(text)
        blocks = self.blocks
        for (line, _), piece in zip(found, _WS.sub(" ", text).split(_F), strict=True):
            if piece := piece.strip():
                blocks.append(Paragraph(piece, _line_prov(_line(line))))
        return True

    def table(self, section: str) -> bool:
        head, body = section[1:-1].split(_TH, 1)
        line, before = head.split(_SEP)
        raw_rows = body.split(_ROW)[1:]
        text = _SPANS.sub(_CELL, body)
        if _INVISIBLE.search(text):
            text = _INVISIBLE.sub("", text)
        if ("\n" in text or "\r" in text) and _NL_HIT.search(text):
            text = _NL_BETWEEN_WIDE.sub("", text)
        text = _WS.sub(" ", text)
        many_blocks = text.count(_BO) > LAYOUT_BLOCKS
        if _BO in text or _BR in text:
            text = _SPACE_BEFORE_BREAK.sub("\n", _CELL_BREAKS.sub("\n", text))
        texts = [[cell.strip() for cell in row.split(_CELL)[1:]] for row in text.split(_ROW)[1:]]
        # the walk's test, cell by cell: a cell of article size makes the table page layout
        layout = max(map(len, itertools.chain.from_iterable(texts)), default=0) > LAYOUT_CHARS
        if many_blocks and not layout:
            layout = _MANY_BLOCKS.search(body) is not None
        if layout:
            transform = _transform("layout")
            stream = str(transform(self.root.getroottree(), table=str(int(before))))
            return self.flow(stream)
        spans = [[(a or c, b) for a, b, c in _SPANS.findall(row)] for row in raw_rows]
        table, self.n_tables = _assemble(spans, texts, _line(line), self.n_tables, self.warnings)
        self.blocks.append(table)
        return True


def _join_wide_lines(text: str) -> str:
    """`_NL_BETWEEN_WIDE` applied to each piece of `text` (between two _F) where a cheap scan
    finds a line break before a wide character: its leading lookbehind is slow to run anywhere
    else. The pattern never crosses _F, so piece by piece is the same as all at once."""
    out: list[str] = []
    done = 0
    for hit in _NL_HIT.finditer(text):
        at = hit.start()
        if at < done:
            continue
        start = text.rfind(_F, 0, at) + 1
        end = text.find(_F, at)
        if end < 0:
            end = len(text)
        out.append(text[done:start])
        out.append(_NL_BETWEEN_WIDE.sub("", text[start:end]))
        done = end
    out.append(text[done:])
    return "".join(out)


def _line(digits: str) -> int | None:
    line = int(digits)
    return line if line > 0 else None


def _may_hold_marks(utf8: bytes) -> bool:
    """Might the page (its UTF-8 bytes) contain one of the marks, as itself or as a character
    reference? Two regex passes with a literal prefix, at nearly memory speed (faster than
    `bytes.__contains__`, whose skip table fails on Chinese UTF-8; and no decoded text needed)."""
    return _MARK_UTF8.search(utf8) is not None or _MARK_ENTITY.search(utf8) is not None


def _fast_blocks(
    utf8: bytes, root: lxml.etree._Element, region: lxml.etree._Element | None = None
) -> _Fast | None:
    """The blocks of the body (or of `region`, an element inside it) by the stylesheet, or None
    when the walk must read this page."""
    if _may_hold_marks(utf8) or root.xpath("count(//table)") > _FAST_TABLES:
        return None
    import lxml.etree

    try:
        tree = root.getroottree()
        if region is None:
            stream = str(_transform()(tree))
        else:
            stream = str(_transform()(tree, region=tree.getpath(region)))
    except lxml.etree.XSLTApplyError:  # nested too deep
        return None
    fast = _Fast(root)
    try:
        return fast if fast.flow(stream) else None
    except (ValueError, IndexError):  # a rendering this code did not expect: the walk decides
        return None


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
    from ._pictures import folder_source

    return read_page(data, source, folder_source())


def _parse_utf8(
    data: bytes, parser: lxml.etree.HTMLParser
) -> tuple[lxml.etree._Element | None, str | None, bytes]:
    """The page parsed as UTF-8, when that is what `decode_html` would call it: (root, "utf-8",
    data), else (None, None, data) and the caller decodes. Decoding a large page in Python only
    to learn that it is valid UTF-8 costs a sixth of the parse; libxml2 checks every byte sequence
    as it parses (overlong forms, surrogates, beyond U+10FFFF, cut sequences all log
    ERR_INVALID_ENCODING), so a parse without that error proves the same. Pages that declare
    another charset take the Python path directly, so that a GBK page is not parsed twice."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:1024]:
        return None, None, data
    declared = _META_CHARSET.search(data[:8192])
    if declared is not None and declared.group(1).lower().replace(b"_", b"-") not in (b"utf-8", b"utf8"):
        return None, None, data
    import lxml.etree

    try:
        root = lxml.etree.fromstring(data, parser)
    except (lxml.etree.LxmlError, ValueError):
        return None, None, data
    log = parser.error_log
    if len(log) and any(e.type == lxml.etree.ErrorTypes.ERR_INVALID_ENCODING for e in log):
        return None, None, data
    return root, "utf-8", data


def read_page(data: bytes, source: str, pictures: Source | None = None) -> Document:
    """Read a page; its `<img>` pictures come from `data:` URIs and from `pictures` (the folder
    it was saved with, an archive's parts, the pictures fetched with it)."""
    if not data or data.isspace():
        raise ReadError("文件为空")
    import lxml.etree

    parser = _parser()
    root, encoding, utf8 = _parse_utf8(data, parser)
    if encoding is None:
        text, encoding = decode_html(data)
        # the parser is told the bytes are UTF-8, whatever the page declares: hand it UTF-8 bytes
        utf8 = data if encoding == "utf-8" else text.encode("utf-8", errors="replace")
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
    marked = _mark_pictures(root, body if body is not None else root, pictures, doc)
    region = report_region(body) if body is not None else None
    fast = _fast_blocks(utf8, root, region) if body is not None else None
    if fast is not None:
        doc.blocks = fast.blocks
        doc.warnings.extend(fast.warnings)
    else:
        builder = _Builder()
        if region is not None:
            # the depth the walk from the body would have reached there (its MAX_DEPTH rules)
            builder.walk(region, sum(1 for _ in region.iterancestors()) - 1)
        else:
            builder.walk(body if body is not None else root)
        builder.flush()
        doc.blocks = builder.blocks
        doc.warnings.extend(builder.warnings)
    if marked:
        _recognise_pictures(doc, marked)
    return doc


# --- the report's region ----------------------------------------------------------------------
# Most of a government page can be the site around the report: header menus, breadcrumbs, link
# lists in the footer. Reading them costs as much as reading the report. The region is found by
# going down from the body while the element holding the page's text is one block among
# siblings that are all site furniture; the first level where that is not certain stops it. A
# sibling is furniture only if it holds no table, no picture mark, no sentence (。), nothing that
# names a report (报告, 年报), no script that may carry the page, and its text is mostly link
# text; text of the parent's own (between the blocks) stops the descent too. What is dropped is
# thus only text that was in links or outside any sentence, never a table, a title or a date.

_NO_DESCENT = _SPECIAL | _DROP | {"tr", "td", "th", "thead", "tbody", "tfoot", "caption", "html"}
_KEEP_WORDS = ("。", "报告", "年报", "\ue000")  # a sentence, a title, a picture's mark
_SITE_FOOTER = lazy("版权所有|ICP备|网站标识码|公网安备")  # what every site's footer carries


def _text_len(text: str) -> int:
    return len(text) - sum(text.count(c) for c in " \t\r\n\xa0\u3000")


def _carries_page(script: str | None) -> bool:
    """May this script's text hold a page that the reading parses (`_embedded_body`)?"""
    if not script or "content" not in script:
        return False
    m = _JS_CONTENT.search(script)
    return m is not None and "<" in m.group(2)


@functools.cache
def _link_texts() -> lxml.etree.XPath:
    import lxml.etree

    return lxml.etree.XPath(".//a//text()")  # compiled once, not on every call of el.xpath


def _furniture(el: lxml.etree._Element) -> bool:
    """Is this sibling of the report's block site furniture that may be left unread?"""
    import lxml.etree

    tag = el.tag
    if tag.__class__ is not str:
        return True  # a comment or processing instruction: no text of the page
    if tag in _DROP:
        return tag != "script" or not _carries_page(el.text)
    if el.find(".//table") is not None or el.find(".//pre") is not None:
        return False
    if any(_carries_page(s.text) for s in el.iter("script")):
        return False  # the walk reads scripts that carry the page
    text = lxml.etree.tostring(el, method="text", encoding=str, with_tail=False)
    link_text = "".join(_link_texts()(el))
    # a word outside the links (a menu item 政府工作报告 is a link), or a report's title as a link
    if any(text.count(word) > link_text.count(word) for word in _KEEP_WORDS) or "年度报告" in link_text:
        # … but a sentence in the site's footer (版权所有, ICP备 …: "best viewed with …。") is not
        # a report's
        if not (_SITE_FOOTER.search(text) and not any(w in text for w in _KEEP_WORDS[1:])):
            return False
    total = _text_len(text)
    return total == 0 or 2 * _text_len(link_text) >= total


def report_region(body: lxml.etree._Element) -> lxml.etree._Element | None:
    """The element below `body` that holds all of the page's report, or None for the body.

    The report's tables anchor it: the descent follows the path from the body to the lowest
    element holding every table of the page, and stops at the first level where anything beside
    that path is not site furniture. A page without tables is read whole."""
    tables = list(body.iter("table"))
    if not tables:
        return None
    common = [*reversed(list(tables[0].iterancestors())), tables[0]]  # html, body, … the table
    common = common[common.index(body) :]
    for table in tables[1:]:
        chain = set(table.iterancestors())
        while common and common[-1] not in chain:
            common.pop()
    node = body
    for child in common[1:]:
        if (node.text or "").strip() or child.tag not in _BLOCK or child.tag in _NO_DESCENT:
            break
        if any((c.tail or "").strip() for c in node):
            break  # text between the blocks belongs to the parent's flow
        if not all(c is child or _furniture(c) for c in node):
            break
        node = child
    return None if node is body else node


# --- pictures ---------------------------------------------------------------------------------
# A table printed as a picture (a screenshot, a scan) is read by OCR where it stands. Before the
# page is read, each picture worth reading is replaced in the tree by a block holding a mark no
# page can contain (a nonce); both reading paths then place that block exactly as they place any
# other, and the mark's paragraph is where the picture's blocks go. A picture in a table's cell
# stands in a one-cell table of its own: the table around it becomes page layout, walked into,
# as a table whose cell holds a page's picture is.

_IMG_SOURCES = ("src", "data-src", "data-original", "original", "file")
_OUTSIDE = _DROP | {"pre"}
_MAX_ADDRESSES = 200  # distinct picture addresses looked up on one page (logos, icons, pictures)


def _img_src(img: lxml.etree._Element) -> str:
    """The picture's address: `src`, or where lazy loading keeps it (`data-src` …) when `src` is
    missing or a placeholder."""
    src = (img.get("src") or "").strip()
    if src and not (src.startswith("data:") and len(src) < 200):
        return src
    for attr in _IMG_SOURCES[1:]:
        lazy = (img.get(attr) or "").strip()
        if lazy:
            return lazy
    return src


def _declared_small(img: lxml.etree._Element) -> bool:
    """Width and height attributes that make the picture an icon, whatever its file is."""
    try:
        w = int(re.match(r"\s*(\d{1,6})", img.get("width") or "").group(1))  # type: ignore[union-attr]
        h = int(re.match(r"\s*(\d{1,6})", img.get("height") or "").group(1))  # type: ignore[union-attr]
    except AttributeError:
        return False
    return w * h < 2000  # 40×50 on screen: an icon shown small whatever its file's size


def _mark_pictures(
    root: lxml.etree._Element, body: lxml.etree._Element, pictures: Source | None, doc: Document
) -> dict[str, Picture]:
    """Replace each picture worth reading by its mark; the pictures by mark. Pictures that
    cannot be had are named in `doc.warnings`."""
    imgs = [
        img
        for img in body.iter("img")
        if not any(_tag(a) in _OUTSIDE for a in img.iterancestors()) and not _declared_small(img)
    ]
    if not imgs:
        return {}
    base_el = root.find(".//base")
    base = (base_el.get("href") or "").strip() or None if base_el is not None else None
    import secrets  # here: it imports hashlib, which costs every command's start-up

    import lxml.etree

    from . import _pictures

    nonce = secrets.token_hex(8)
    marked: dict[str, Picture] = {}
    missing: list[str] = []
    n = 0
    got: dict[str, tuple[bytes | None, str | None]] = {}  # by address: a logo repeated is read once
    for img in imgs:
        src = _img_src(img)
        if not src:
            continue
        if src not in got:
            if len(got) >= _MAX_ADDRESSES:
                doc.warnings.append(f"网页中引用的图片过多，只查看了前 {_MAX_ADDRESSES} 个")
                break
            got[src] = _picture_bytes(src, pictures, base)
        data, error = got[src]
        if data is None and error is None:
            continue  # not held by any source: a picture on the web, not saved with the page
        name = "内嵌图片" if src[:5].lower() == "data:" else src[:120]
        if data is None:
            missing.append(f"{name}（{error}）")
            continue
        worth = _pictures.worth_reading(data)
        if not worth:
            said = src[:11].lower() == "data:image/" and "svg" not in src[:20].lower()
            if worth is None and (said or _pictures.claims_image(data)):
                missing.append(f"{name}（已损坏）")
            continue  # a logo, an icon, a QR code; or a drawing that is no picture
        if len(marked) >= _pictures.MAX_PICTURES:
            doc.warnings.append(f"网页中图片过多，只识别了前 {_pictures.MAX_PICTURES} 张")
            break
        n += 1
        mark = f"\ue000{nonce}-{n}\ue000"
        marked[mark] = _pictures.Picture(0, f"第{n}张图片（{name}）", data)
        holder = lxml.etree.Element("div")
        holder.text = mark
        stand_in = holder
        if any(_tag(a) in ("td", "th") for a in img.iterancestors()):
            stand_in = lxml.etree.Element("table")
            lxml.etree.SubElement(lxml.etree.SubElement(stand_in, "tr"), "td").append(holder)
        stand_in.tail = img.tail
        parent = img.getparent()
        if parent is not None:
            parent.replace(img, stand_in)
    if missing:
        doc.warnings.append(
            f"网页中有 {len(missing)} 张图片无法读取：{'、'.join(missing[:10])}"
            + ("等" if len(missing) > 10 else "")
        )
    return marked


def _picture_bytes(src: str, pictures: Source | None, base: str | None) -> tuple[bytes | None, str | None]:
    """(bytes, None), or (None, why not), or (None, None) when no source holds the picture."""
    from . import _pictures

    try:
        if src[:5].lower() == "data:":
            return _pictures.data_uri(src), None
        return (pictures.get(src, base) if pictures is not None else None), None
    except _pictures.PictureError as exc:
        return None, str(exc)


def _recognise_pictures(doc: Document, marked: dict[str, Picture]) -> None:
    """The marks taken out of the blocks, each picture OCR'd into the place its mark held."""
    from . import _pictures

    blocks: list[Block] = []
    placed: list[Picture] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph) and block.text in marked:
            picture = marked.pop(block.text)
            picture.at = len(blocks)
            placed.append(picture)
            continue
        blocks.append(block)
        if isinstance(block, Table) and marked:
            # a mark read as a cell's text (a table deeper than the walk follows): the picture
            # goes after the table, the mark out of the cell
            for cell in block.cells:
                for mark in [m for m in marked if m in cell.text]:
                    cell.text = cell.text.replace(mark, "").strip()
                    picture = marked.pop(mark)
                    picture.at = len(blocks)
                    placed.append(picture)
    for picture in marked.values():  # in a part of the page the reading skipped: at the end
        picture.at = len(blocks)
        placed.append(picture)
    doc.blocks = blocks
    _pictures.recognise(doc, placed, "网页")
