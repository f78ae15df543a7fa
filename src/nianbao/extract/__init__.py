"""Extraction: a format-neutral Document onto the template (metadata, the six parts, every cell).

tokens  = tokenize(document)            # cells, line pieces, run-together text cut at labels
parts   = split into the six parts      # headings, with table regions for 表二/表三/表四
tables  = align each region with the template definitions of both years, keep the best fit
cells   = numbers read, run-together rows split by the arithmetic, everything with provenance
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..arithmetic import relations
from ..document import Document, Paragraph, Provenance
from ..findings import Finding, Severity
from ..model import CellValue, Report
from ..templates import TABLE_IDS, TableDef, get_template, latest_template, template_for_year, templates
from . import segment
from .evidence import TableChoice, choose_tables, header_evidence
from .fragments import fragments_of
from .gridmap import GridRead, LabelRow, Unplaced
from .labels import ALIAS, EXACT
from .metadata import find_title, organ_and_year, organ_from_text, published_date, region_of, year_from_text
from .normalize import NUMBERING_RE
from .numbers import STANDALONE_NUMBER, CellStatus, parse_number
from .parts import split_parts
from .tables import CellRead, Chunk, assign, best_read
from .tokens import Token, tokenize

_CRAWL_BODY_RE = re.compile(r"^=+\s*正文\s*=+$")


def extract(doc: Document) -> Report:
    doc = _strip_crawl_header(doc)
    report = Report(source=doc.source, format=doc.format, document=doc)
    lines = [ln for ln in doc.lines() if ln.strip()]
    tokens = tokenize(doc)

    title = find_title(lines, doc.title)
    organ, year = organ_and_year(title)
    if year is None:
        year = year_from_text(lines)
    if organ is None:
        organ = organ_from_text(lines)
    report.title, report.organ, report.year = title, organ, year
    report.region = region_of(organ)
    report.published = published_date(lines)

    regions = split_parts(tokens, report)
    year_template = template_for_year(year).id if year else None
    readings = _read_tables(doc, regions, year_template)
    for tid, reading in readings.items():
        report.table_templates[tid] = reading.table.template_id
    report.template = _report_template(report.table_templates, year_template)
    report.tables_present = set(readings)
    template = get_template(report.template)
    for tid, reading in readings.items():
        _fill_table(report, template.tables[tid], reading)
    if not report.organ or not report.year:
        missing = "机关名称" if not report.organ else "报告年度"
        report.add(Finding("METADATA_MISSING", f"未能从标题中识别{missing}，请核对报告标题"))
    # what the reader could not read, or read by OCR, is the reviewer's to know: a part of the
    # page dropped at a parser limit, a picture that could not be had, a scanned page
    for note in dict.fromkeys(doc.warnings):
        report.add(Finding("DOCUMENT_READ_NOTE", note, where=doc.source or None))
    return report


@dataclass
class _Reading:
    """One table as read, by its grid or by the token walk, onto one definition."""

    table: TableDef
    cells: dict[str, CellRead]
    chunks: list[Chunk]
    labels: list[LabelRow]
    unplaced: list[Unplaced] = field(default_factory=list)
    conflict: dict[str, GridRead] | None = None  # both readings, when the evidence conflicts
    findings: list[Finding] = field(default_factory=list)  # the token walk's own (extract.tables)

    @property
    def placed(self) -> int:
        return sum(1 for c in self.cells.values() if c.column.canonical) + sum(
            len(c.keys) for c in self.chunks
        )

    @property
    def broken_relations(self) -> int:
        values = {k: parse_number(c.raw or "", c.column.unit).value for k, c in self.cells.items()}
        return sum(1 for r in relations(self.table.template_id, self.table.id) if r.holds(values) is False)


def _read_tables(
    doc: Document, regions: dict[str, list[Token]], year_template: str | None
) -> dict[str, _Reading]:
    """Each table by its grid when the document prints one, else by walking its region's tokens."""
    runs = fragments_of(doc)
    grids = choose_tables(runs, prefer=year_template)
    # the token walk is for text without structure: it never re-reads a grid as a stream
    in_grids = {b for run in runs for f in run.fragments for b in f.blocks}
    out: dict[str, _Reading] = {}
    for tid in TABLE_IDS:
        grid = grids.get(tid)
        text_only = [t for t in regions.get(tid, []) if t.block not in in_grids]
        if grid is not None and grid.read.rows_matched:
            # a table that arrives as a grid is read by its grid, whole or not: what it cannot
            # place is reported, never re-guessed from the order of its values
            reading = _grid_reading(grid)
            _complete_from_text(reading, text_only, year_template)
            _blank_rows(reading, grid.read, text_only)
            out[tid] = reading
            continue
        if grid is not None and _printed_blank(grid, text_only):
            out[tid] = _blank_reading(grid)
            continue
        by_tokens = _token_reading(text_only, tid, year_template)
        if by_tokens is not None:
            out[tid] = by_tokens
    return out


def _blank_rows(reading: _Reading, read: GridRead, text: list[Token]) -> None:
    """The rows the grid reader saw named by a line alone (a one-row table of empty cells that
    a converter dropped) are printed blank — unless the text around the grids holds a number
    that may be theirs (「行政强制」 then 「12」): then they stay unread, for TABLE_INCOMPLETE."""
    if not read.blank_rows or any(_may_be_value(t.text) for t in text):
        return
    for row, block, prov in read.blank_rows:
        for col in block.value_columns:
            key = f"{reading.table.id}.{row.key}.{col.key}"
            if key not in reading.cells and not _in_chunks(reading, key):
                reading.cells[key] = CellRead(key, "", prov, col)


def _may_be_value(text: str) -> bool:
    """A number standing on its own, as a table value prints, once a label's list number
    (「3.其他」「(二)」) is set aside. (Page numbers are the tokenizer's PAGE tokens, no text.)"""
    t = unicodedata.normalize("NFKC", text).strip()
    return bool(STANDALONE_NUMBER.search(NUMBERING_RE.sub("", t, count=1)))


def _printed_blank(choice: TableChoice, text: list[Token]) -> bool:
    """A table printed as its header band alone: 表四's rows are column groups, so a blank 表四
    whose empty value row a converter dropped (markitdown of a PDF) is all header. With no number
    anywhere in its grid or around it, its cells are blank, not missing."""
    return (
        choice.read.table.layout == "flat"
        and header_evidence(choice.read) >= _BLANK_HEADER_EVIDENCE
        and not any(c.has_digits for f in choice.fragments for c in f.cells)
        and not any(o.cells or o.chunks for o in choice.others)
        and not any(_may_be_value(t.text) for t in text)
    )


# three header cells naming 表四's groups or columns in the official words (行政复议, 行政诉讼,
# 复议后起诉 …): its header, not a stray 总计 or 维持
_BLANK_HEADER_EVIDENCE = 9


def _blank_reading(choice: TableChoice) -> _Reading:
    table = choice.read.table
    prov = choice.fragments[0].prov
    cells = {key: CellRead(key, "", prov, col) for key, _b, _r, col in table.cells()}
    return _Reading(table, cells, [], [])


def _complete_from_text(reading: _Reading, tokens: list[Token], year_template: str | None) -> None:
    """Rows a converter printed as plain lines beside the table's grids (「行政许可」/「2629」
    under a grid of 表二's other blocks): the cells the grid leaves unfound are taken from the
    token walk over the region's *text*, never over the grid's own cells."""
    table = reading.table
    missing = {k for k in table.cell_keys if k not in reading.cells and not _in_chunks(reading, k)}
    if not missing or not tokens:
        return
    # the grid has settled the definition: the text is read with that one only
    by_text = _token_reading(tokens, table.id, table.template_id, only=table)
    if by_text is None:
        return
    for key, cell in by_text.cells.items():
        if key in missing:
            reading.cells[key] = cell
    reading.chunks.extend(ch for ch in by_text.chunks if set(ch.keys) <= missing)
    reading.labels.extend(
        r
        for r in by_text.labels
        if any(f"{table.id}.{r.row.key}.{c.key}" in missing for c in r.block.value_columns)
    )


def _in_chunks(reading: _Reading, key: str) -> bool:
    return any(key in ch.keys for ch in reading.chunks)


def _grid_reading(choice: TableChoice) -> _Reading:
    g = choice.read
    unplaced = list(g.unplaced)
    for other in choice.others:
        for cell in other.cells.values():
            if cell.raw and any(ch.isdigit() for ch in cell.raw):
                unplaced.append(
                    Unplaced(cell.raw, cell.prov or Provenance(), f"另一张{g.table.title}中的数字，未采用")
                )
    return _Reading(
        g.table,
        g.cells,
        g.chunks,
        g.labels,
        unplaced=unplaced,
        conflict=choice.readings if choice.conflict else None,
    )


def _token_reading(
    region: list[Token], tid: str, year_template: str | None, only: TableDef | None = None
) -> _Reading | None:
    candidates = [only] if only is not None else [t.tables[tid] for t in templates().values()]
    read = best_read(region, candidates, prefer=year_template)
    if read is None or not (read.rows or len(read.flat_values) >= 3):
        return None
    cells, chunks = assign(read)
    labels = [
        LabelRow(r.row, r.block, r.label.text, r.label.prov, r.quality)
        for r in read.rows
        if r.label is not None
    ]
    unplaced = [Unplaced(t.text, t.prov, why) for t, why in read.assigned.unplaced]
    return _Reading(read.table, cells, chunks, labels, unplaced=unplaced, findings=read.assigned.findings)


def _strip_crawl_header(doc: Document) -> Document:
    """Crawled pages start with the crawler's own header (标题/发布时间/原文链接) before 正文. The
    text reader has taken its title into `doc.title`; the header lines are not the report's text
    (their 发布时间 is the crawl's, not a date printed in the report)."""
    for i, block in enumerate(doc.blocks[:40]):
        if isinstance(block, Paragraph) and _CRAWL_BODY_RE.match(block.text.strip()):
            return Document(
                doc.source, doc.format, doc.blocks[i + 1 :], doc.title, doc.metadata, doc.warnings
            )
    return doc


def _report_template(table_templates: dict[str, str], year_template: str | None) -> str:
    # 表二 differs completely between the formats; 表三 only by its （六） rows
    if "t2" in table_templates:
        return table_templates["t2"]
    if year_template:
        return year_template
    return table_templates.get("t3", latest_template().id)


# --- cells ------------------------------------------------------------------------------------


def _fill_table(report: Report, table: TableDef, read: _Reading) -> None:
    cells, chunks = read.cells, read.chunks
    solved = _solve_chunks(report, read.table, cells, chunks)
    for row in read.labels:
        if row.quality not in (EXACT, ALIAS):  # aliases are accepted silently (formats.yaml)
            report.add(
                Finding(
                    "ROW_LABEL_NONSTANDARD",
                    f"{table.title}栏目“{row.text.strip()}”与规定名称“{row.row.label.official}”不一致",
                    cells=[f"{table.id}.{row.row.key}.{c.key}" for c in row.block.value_columns],
                    where=row.prov.describe() or None,
                    data={"printed": row.text.strip(), "official": row.row.label.official},
                )
            )
    _report_unplaced(report, read)
    for finding in read.findings:
        report.add(finding)
    converted: list[str] = []
    for key, _block, _row, col in table.cells():
        if key in solved:
            report.cells[key] = solved[key]
            continue
        read_cell = cells.get(key)
        if read_cell is None:
            report.cells[key] = CellValue(None, None, None)
            continue
        parsed = parse_number(read_cell.raw or "", col.unit)
        method = read_cell.method or ("converted" if parsed.status is CellStatus.CONVERTED else "read")
        if parsed.status is CellStatus.CONVERTED:
            converted.append(key)
        report.cells[key] = CellValue(parsed.value, read_cell.raw, read_cell.prov, method, read_cell.label)
    if converted:
        report.add(
            Finding(
                "CELL_UNIT_CONVERTED",
                "金额以“元”填报，已换算为万元："
                + "，".join(f"{report.cells[k].raw}→{report.cells[k].value}万元" for k in converted),
                cells=converted,
            )
        )
    if read.table.template_id != table.template_id:
        _map_split_rows(report, table, read.table, cells)
    if read.conflict:
        _report_template_conflict(report, table, read.conflict)


def _map_split_rows(
    report: Report, table: TableDef, read_table: TableDef, old_cells: dict[str, CellRead]
) -> None:
    """A table read with an older definition whose single row the report's template splits into
    sub-rows — a 2021 report whose 表三 keeps the 2019 （六）其他处理 row.

    The sub-rows are not printed. Where the single row is 0 in a column, each sub-row must be 0
    too (counts are non-negative): inferred and said so; otherwise they stay null.
    """
    printed = set(read_table.cell_keys)
    inferred: dict[str, list[str]] = {}
    unknown: dict[str, list[str]] = {}
    for key, _b, row, col in table.cells():
        if key in printed or "." not in row.key:
            continue
        parent = f"{table.id}.{row.key.split('.')[0]}.{col.key}"
        if parent not in printed:
            continue
        parent_cell = old_cells.get(parent)
        prov = parent_cell.prov if parent_cell else None
        label = read_table.row(parent).label.official
        zero = parent_cell is not None and parse_number(parent_cell.raw or "").value == 0
        # the finding names the printed cell too: it is not kept under its own key
        keys = (inferred if zero else unknown).setdefault(label, [])
        if parent not in keys:
            keys.append(parent)
        keys.append(key)
        report.cells[key] = (
            CellValue(0, None, prov, "inferred") if zero else CellValue(None, "", prov, "inferred")
        )
    old, new = f"{read_table.template_id}年格式", f"{table.template_id}年格式"
    for label, keys in inferred.items():
        report.add(
            Finding(
                "CELL_INFERRED",
                f"{table.title}仍使用{old}的单一“{label}”行，且该行为0；{new}的细分行按0推定",
                cells=keys,
            )
        )
    for label, keys in unknown.items():
        report.add(
            Finding(
                "CELL_INFERRED",
                f"{table.title}仍使用{old}的单一“{label}”行，无法拆分到{new}的细分行，相关单元格留空",
                cells=keys,
                severity=Severity.WARNING,
            )
        )


def _solve_chunks(
    report: Report, table: TableDef, cells: dict[str, CellRead], chunks: list[Chunk]
) -> dict[str, CellValue]:
    if not chunks:
        return {}
    seg_chunks = []
    for ch in chunks:
        decimal = frozenset(k for k, c in zip(ch.keys, ch.columns, strict=True) if not c.integer)
        signed = frozenset(k for k, c in zip(ch.keys, ch.columns, strict=True) if c.signed)
        seg_chunks.append(segment.Chunk(ch.keys, ch.text, decimal, signed))
    known = {}
    for key, cell in cells.items():
        value = parse_number(cell.raw or "", cell.column.unit).value
        if value is not None:
            known[key] = value
    rels = relations(table.template_id, table.id)
    sol = segment.solve(seg_chunks, rels, known=known)
    if not sol.consistent:
        segment.report_broken_arithmetic(report, table.title, seg_chunks, rels, known)
    _report_short_runs(report, table.title, chunks)
    out: dict[str, CellValue] = {}
    recovered, ambiguous = [], []
    for ch in chunks:
        for key, col in zip(ch.keys, ch.columns, strict=True):
            if not col.canonical:
                continue
            value = sol.values.get(key)
            if value is not None and ch.unit == "元" and col.unit == "万元":
                value = round(value / 10000, 6)
            if value is not None:
                out[key] = CellValue(value, ch.text, ch.prov, "recovered")
                recovered.append(key)
            else:
                out[key] = CellValue(None, ch.text, ch.prov, "ambiguous")
                ambiguous.append(key)
    if recovered:
        report.add(
            Finding(
                "CELL_RECOVERED",
                f"{table.title}有 {len(recovered)} 个单元格的数字粘连在一起，已按表内勾稽关系唯一拆分",
                cells=recovered,
            )
        )
    if ambiguous:
        texts = "；".join(sorted({ch.text for ch in chunks if any(k in ambiguous for k in ch.keys)}))
        report.add(
            Finding(
                "CELL_AMBIGUOUS",
                f"{table.title}有 {len(ambiguous)} 个单元格的数字粘连（{texts}），"
                "按表内勾稽关系有多种拆分方式，无法确定，已留空",
                cells=ambiguous,
                data={"candidates": {k: v for k, v in sol.ambiguous.items() if k in ambiguous}},
            )
        )
    return out


def _report_short_runs(report: Report, title: str, chunks: list[Chunk]) -> None:
    """A crawled row with fewer digits than cells: some cell was printed blank."""
    for ch in chunks:
        digits = sum(c.isdigit() for c in ch.text)
        if digits < len(ch.keys):
            keys = [k for k, c in zip(ch.keys, ch.columns, strict=True) if c.canonical]
            report.add(
                Finding(
                    "CELL_BLANK",
                    f"{title}有一行只有 {digits} 位数字（{ch.text}），却有 {len(keys)} 个单元格：至少有一个单元格为空白，"
                    "无法确定是哪一个，该行已留空",
                    cells=keys,
                )
            )


def _report_unplaced(report: Report, read: _Reading) -> None:
    """Numbers printed inside the table that no cell took: never dropped without a word."""
    if not read.unplaced:
        return
    title = read.table.title
    items = [f"“{u.text}”（{u.prov.describe() or '位置不明'}，{u.reason}）" for u in read.unplaced[:12]]
    more = f"等 {len(read.unplaced)} 处" if len(read.unplaced) > 12 else ""
    report.add(
        Finding(
            "VALUE_UNPLACED",
            f"{title}中有数字未能对应到表格栏目，未予采用，请核对原表：" + "；".join(items) + more,
            where=title,
            data={
                "values": [
                    {"text": u.text, "where": u.prov.to_dict(), "reason": u.reason} for u in read.unplaced
                ]
            },
        )
    )


def _report_template_conflict(report: Report, table: TableDef, readings: dict[str, GridRead]) -> None:
    """Headers point to one template and the rows to another: say which was taken, show both."""
    chosen = report.table_templates.get(table.id)
    summary = {
        tid: {k: c.raw for k, c in g.cells.items() if c.column.canonical} for tid, g in readings.items()
    }
    names = "、".join(f"{tid}年格式" for tid in readings)
    keys = [k for k in table.cell_keys]
    report.add(
        Finding(
            "TEMPLATE_EVIDENCE_CONFLICT",
            f"{table.title}的栏目标题与各行数据分别符合不同的表格格式（{names}），已按{chosen}年格式读取，请核对",
            cells=keys,
            where=table.title,
            data={"readings": summary},
        )
    )


__all__ = ["extract"]
