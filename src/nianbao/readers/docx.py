"""Word (.docx): the body's paragraphs and tables in document order.

The body XML is walked directly (python-docx's `paragraphs` and `tables` lists lose the order
between them). Merged cells become spans — `gridSpan` a colspan, a `vMerge` run of cells one cell
with a rowspan — so each physical cell appears once, as in the HTML reader. A table nested in a
cell is emitted as a table of its own right after the table that holds it. The content of text
boxes follows the paragraph they are anchored in. A document drawn as positioned text boxes (a
PDF opened in LibreOffice and saved as Word) is read as its pages' lines (`_docx_frames`).

Paragraph provenance: `line` is the 1-based number of the paragraph among the body's non-empty
paragraphs (Word has no stable line numbers).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..document import Document, Paragraph, Provenance, Table, TableCell
from ..errors import ReadError
from ..plugins import reader
from ._zipguard import open_zip

if TYPE_CHECKING:
    import lxml.etree

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _TR, _TC, _R = _W + "p", _W + "tbl", _W + "tr", _W + "tc", _W + "r"
_T, _TAB, _BR, _CR = _W + "t", _W + "tab", _W + "br", _W + "cr"
_NO_BREAK_HYPHEN = _W + "noBreakHyphen"
_VAL = _W + "val"
_TR_PR, _TC_PR, _GRID_BEFORE, _GRID_SPAN = _W + "trPr", _W + "tcPr", _W + "gridBefore", _W + "gridSpan"
_V_MERGE, _H_MERGE = _W + "vMerge", _W + "hMerge"
# Elements that only wrap content (content controls, custom XML, tracked insertions, links): their
# children count as if they stood in the wrapper's place. Deletions (w:del) are left out.
_WRAPPERS = frozenset(
    _W + t
    for t in (
        "sdt",
        "sdtContent",
        "customXml",
        "ins",
        "moveTo",
        "smartTag",
        "hyperlink",
        "fldSimple",
        "dir",
        "bdo",
    )
)
_TXBX = _W + "txbxContent"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_SDT = _W + "sdt"
_SDT_CONTENT = _W + "sdtContent"

MAX_SPAN = 63  # Word's own limit on columns
MAX_DEPTH = 50  # tables nested in tables


def _children(el: lxml.etree._Element, depth: int = 0) -> Iterator[lxml.etree._Element]:
    """Child elements, with content-control and similar wrappers flattened away."""
    for child in el:
        tag = child.tag
        if tag == _SDT:
            content = _child(child, _SDT_CONTENT)
            if content is not None and depth < MAX_DEPTH:
                yield from _children(content, depth + 1)
        elif tag in _WRAPPERS and depth < MAX_DEPTH:
            yield from _children(child, depth + 1)
        else:
            yield child


def paragraph_text(p: lxml.etree._Element) -> str:
    """Text of a `w:p`: runs in order, tabs as `\\t`, line breaks as `\\n`. Text boxes and other
    drawings anchored in the paragraph are not part of its text."""
    parts: list[str] = []
    for child in _children(p):
        if child.tag != _R:
            continue
        for x in child:
            tag = x.tag
            if tag == _T:
                parts.append(x.text or "")
            elif tag == _TAB:
                parts.append("\t")
            elif tag in (_BR, _CR):
                parts.append("\n")
            elif tag == _NO_BREAK_HYPHEN:
                parts.append("-")
    return "".join(parts)


def _child(el: lxml.etree._Element | None, tag: str) -> lxml.etree._Element | None:
    """The first child with this tag. (`find()` goes through lxml's Python-level path
    machinery; properties come first among the children, so this loop is short.)"""
    if el is not None:
        for child in el:
            if child.tag == tag:
                return child
    return None


def _text_boxes(p: lxml.etree._Element) -> list[lxml.etree._Element]:
    """Text boxes anchored in a paragraph, outermost only. A box is stored twice (a DrawingML
    `mc:Choice` and a VML `mc:Fallback`): the fallback copy is skipped."""
    boxes = []
    for box in p.iter(_TXBX):
        parent = box.getparent()
        while parent is not None and parent is not p:
            if parent.tag in (_FALLBACK, _TXBX):
                break
            parent = parent.getparent()
        else:
            boxes.append(box)
    return boxes


def _int_val(el: lxml.etree._Element | None, default: int, limit: int) -> int:
    if el is None:
        return default
    try:
        return max(0, min(int((el.get(_VAL) or "").strip()), limit))
    except ValueError:
        return default


class _Builder:
    def __init__(self) -> None:
        self.blocks: list[Paragraph | Table] = []
        self.n_tables = 0
        self.n_paragraphs = 0
        # pictures in the body: (index in `blocks` where the picture stands, relationship id)
        self.pictures: list[tuple[int, str]] = []

    def body(self, body: lxml.etree._Element, depth: int = 0) -> None:
        for child in _children(body):
            if child.tag == _P:
                text = paragraph_text(child)
                if text.strip():
                    self.n_paragraphs += 1
                    self.blocks.append(Paragraph(text, Provenance(line=self.n_paragraphs)))
                for rid in _picture_ids(child):
                    self.pictures.append((len(self.blocks), rid))
                if depth < MAX_DEPTH and next(child.iter(_TXBX), None) is not None:
                    for box in _text_boxes(child):
                        self.body(box, depth + 1)
            elif child.tag == _TBL:
                self.table(child, 0)

    def table(self, tbl: lxml.etree._Element, depth: int) -> None:
        index = self.n_tables
        self.n_tables += 1
        table = Table([], Provenance(table=index))
        self.blocks.append(table)  # placed before the tables nested in it
        cells: list[TableCell] = []
        nested: list[lxml.etree._Element] = []
        open_merges: dict[int, TableCell] = {}  # column → cell a vMerge in the next row extends
        rows = [tr for tr in _children(tbl) if tr.tag == _TR]
        for r, tr in enumerate(rows):
            tr_pr = _child(tr, _TR_PR)
            col = _int_val(_child(tr_pr, _GRID_BEFORE), 0, MAX_SPAN)
            still_open: dict[int, TableCell] = {}
            previous: TableCell | None = None
            for tc in _children(tr):
                if tc.tag != _TC:
                    continue
                tc_pr = _child(tc, _TC_PR)
                span = max(1, _int_val(_child(tc_pr, _GRID_SPAN), 1, MAX_SPAN))
                v_merge = _child(tc_pr, _V_MERGE)
                h_merge = _child(tc_pr, _H_MERGE)
                continues = v_merge is not None and v_merge.get(_VAL, "continue") == "continue"
                if continues and col in open_merges:
                    above = open_merges[col]
                    above.rowspan = r - above.row + 1
                    still_open[col] = above
                    nested.extend(self._nested(tc))
                elif (
                    h_merge is not None
                    and h_merge.get(_VAL, "continue") == "continue"
                    and previous is not None
                ):
                    previous.colspan += span  # legacy horizontal merge
                else:
                    text, inner = self._cell(tc)
                    nested.extend(inner)
                    previous = TableCell(text, r, col, 1, span, Provenance(table=index, row=r, col=col))
                    cells.append(previous)
                    if v_merge is not None:
                        still_open[col] = previous
                col += span
            open_merges = still_open
        table.cells = cells
        if depth < MAX_DEPTH:
            for inner_tbl in nested:
                self.table(inner_tbl, depth + 1)

    def _cell(self, tc: lxml.etree._Element) -> tuple[str, list[lxml.etree._Element]]:
        lines: list[str] = []
        nested: list[lxml.etree._Element] = []
        for child in _children(tc):
            if child.tag == _P:
                text = paragraph_text(child).strip()
                if text:
                    lines.append(text)
            elif child.tag == _TBL:
                nested.append(child)
        return "\n".join(lines), nested

    def _nested(self, tc: lxml.etree._Element) -> list[lxml.etree._Element]:
        return [child for child in _children(tc) if child.tag == _TBL]


_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
_EMBED = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"
_IMAGEDATA = "{urn:schemas-microsoft-com:vml}imagedata"
_RID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _picture_ids(p: lxml.etree._Element) -> list[str]:
    """Relationship ids of the pictures in a paragraph (DrawingML, or VML in old documents),
    the fallback copies of a drawing not counted twice."""
    ids = [b.get(_EMBED) for b in p.iter(_BLIP) if not any(a.tag == _FALLBACK for a in b.iterancestors())]
    if not ids:  # a document of Word 2003's time: VML only
        ids = [v.get(_RID) for v in p.iter(_IMAGEDATA)]
    return list(dict.fromkeys(i for i in ids if i))


def _recognise_pictures(builder: _Builder, wd: object, doc: Document) -> None:
    """OCR the large pictures of the body (scanned pages or tables pasted into Word), their
    text and tables put where the pictures stand (`_pictures`)."""
    from . import _pictures

    pictures: list[_pictures.Picture] = []
    for at, rid in builder.pictures:
        try:
            blob = wd.part.related_parts[rid].blob  # type: ignore[attr-defined]
        except (KeyError, AttributeError):
            continue  # a linked picture, not embedded: nothing to read
        pictures.append(_pictures.Picture(at, f"第{len(pictures) + 1}张图片", blob))
    _pictures.recognise(doc, pictures)


def _parse_part(xml: bytes) -> lxml.etree._Element:
    import lxml.etree  # here: registering the reader must not load lxml

    parser = lxml.etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
    )
    return lxml.etree.fromstring(xml, parser)


def _sniff(data: bytes, name: str) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        return "word/document.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        # a damaged Word file: claim it so that the user hears why it cannot be read
        return b"word/" in data[:65536]


@reader("docx", extensions=("docx", "docm", "dotx"), sniff=_sniff, priority=50)
def read(data: bytes, source: str) -> Document:
    import docx  # python-docx: imported here, it is slow to import and only needed for Word files

    zf = open_zip(data, "Word 文档")
    if "[Content_Types].xml" not in zf.namelist():
        raise ReadError("不是 Word 文档（压缩包里没有 Office 文档结构）")
    try:
        wd = docx.Document(io.BytesIO(data))
        # python-docx finds the main part through the package relationships; the body is then
        # re-parsed with a plain parser, because walking python-docx's custom element classes
        # costs several times more than the parse
        body = _child(_parse_part(zf.read(str(wd.part.partname).lstrip("/"))), _W + "body")
        if body is None:
            raise ValueError("no w:body")
        from ._docx_frames import positioned_lines  # only a Word file reaches here: not at import

        builder = _Builder()
        lines = positioned_lines(body)
        if lines is None:
            builder.body(body)
        else:
            # a PDF drawn as positioned text boxes (LibreOffice's PDF import): the page's lines
            builder.blocks = [Paragraph(t, Provenance(line=i + 1)) for i, t in enumerate(lines) if t.strip()]
    except ValueError as exc:
        if "content type" in str(exc):
            raise ReadError("不是 Word 文档（是其他类型的 Office 文件）") from None
        raise ReadError(f"Word 文档已损坏，无法读取（{exc}）") from None
    except Exception as exc:  # python-docx raises many kinds on damaged packages: all mean the same
        raise ReadError(f"Word 文档已损坏，无法读取（{type(exc).__name__}: {exc}）") from None
    doc = Document(source=source, format="docx", blocks=builder.blocks)
    if builder.pictures:
        _recognise_pictures(builder, wd, doc)
    try:
        props = wd.core_properties
        doc.title = (props.title or "").strip() or None
        for key, value in (
            ("author", props.author),
            ("created", props.created),
            ("modified", props.modified),
        ):
            if value:
                doc.metadata[key] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    except Exception:  # damaged core properties do not make the body unreadable
        doc.warnings.append("文档属性无法读取")
    return doc
