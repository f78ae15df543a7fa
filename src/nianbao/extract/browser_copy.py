"""Tables as a browser's copy of a page writes them when their cells hold paragraphs.

A browser's `innerText` (and its plain-text copy) joins a row's cells with a tab and ends the row
with a line break — but a cell whose content is a paragraph (`<td><p>89</p></td>`) starts and
ends with a line break of its own. The tab then stands alone on its line and a row runs over many
lines; a blank cell (`&nbsp;`) is a line holding a space:

    规范性文件            ← the row's first cell
    <TAB>
    89
    <TAB>
    89
    第二十条第（五）项      ← the last cell's line break, then the next rows
    信息内容
    <TAB>
    …

Read line by line, the cells' columns are lost and the blank ones vanish. Here such a run of lines
is rebuilt into one tab-separated line per row (what `fragments` reads as a row of cells): the
tabs delimit cells; where a stretch of lines between two tabs also holds the start of the next
row, the next row starts at its first line that is a row label or a heading of the templates
(a number ends the row before it; 「对外公开总数量」 / 「规章」: the header cell, then the row).
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from ..document import Block, Paragraph
from .labels import match_heading, template_words
from .normalize import core
from .numbers import looks_like_value

# a run of lines is a browser's copy only with this many tabs standing alone on their lines
_MIN_LONE_TABS = 5
# lines between two tabs of one table (a cell's wrapped paragraphs, one-cell rows)
_MAX_GROUP = 12
_SPACE = " \u3000\u00a0\r"


def _lone_tab(text: str) -> bool:
    # one tab: a line of several is a Word dump's row of empty cells
    return text.strip(_SPACE) == "\t"


def _blank(text: str) -> bool:
    return not text.strip(_SPACE)


@lru_cache(maxsize=1)
def _starts() -> tuple[frozenset[str], tuple[str, ...]]:
    """Row labels and block headings of every template: exact texts, and sorted for prefixes."""
    words = template_words()
    exact = words.row_labels | words.headings
    return exact, tuple(sorted(exact))


def _alone(text: str) -> bool:
    """A line that is a row by itself: a block heading or a part heading."""
    return core(text).replace(" ", "") in template_words().headings or match_heading(text) is not None


def _new_cell(before: str, text: str) -> bool:
    """Whether `text`, after the line `before` between the same two tabs, starts another row."""
    if _blank(text):
        return False
    if starts_row(text) or _alone(before):
        return True
    if _value(before) != _value(text):
        # a number ends its row, the text after it is the next row's; a header's last word, then
        # the numbers of a row without a label (表四)
        return True
    words, (labels, _) = template_words().column_words, _starts()
    head, word = core(before).replace(" ", ""), core(text).replace(" ", "")
    # two whole headers (自然人 / 法人或其他组织; 复议后起诉 / 结果维持) are two cells
    return (head in words or head in labels) and word in words


@lru_cache(maxsize=1 << 12)
def starts_row(text: str) -> bool:
    """A line that begins a row: a row label or block heading (whole, or its first ≥ 4
    characters when wrapped), or a part heading."""
    piece = core(text).replace(" ", "")
    if not piece:
        return False
    exact, labels = _starts()
    if piece in exact or match_heading(text) is not None:
        return True
    return len(piece) >= 4 and any(label.startswith(piece) for label in labels)


def _value(text: str) -> bool:
    return _blank(text) or looks_like_value(text.strip(_SPACE))


# a block and the indices in the document's blocks of the lines it was made of
Item = tuple[tuple[int, ...], Block]


def _rows_of(lines: list[tuple[int, Paragraph]]) -> list[list[tuple[str, tuple[int, ...]]]] | None:
    """The rows of a run of lines holding lone tabs, each a list of (cell text, its lines)."""
    rows: list[list[tuple[str, tuple[int, ...]]]] = []
    row: list[tuple[str, tuple[int, ...]]] = []
    group: list[tuple[int, Paragraph]] = []

    def cell(parts: list[tuple[int, Paragraph]]) -> tuple[str, tuple[int, ...]]:
        return "".join(p.text.strip(_SPACE) for _, p in parts), tuple(i for i, _ in parts)

    def close_group(last: bool) -> None:
        nonlocal row
        # a blank cell is a line holding a space; an empty line is only the cell's paragraph break
        content = [(i, p) for i, p in group if p.text.strip(_SPACE) or "\u00a0" in p.text or " " in p.text]
        if not content:
            if row or last is False:
                row.append(("", (group[0][0],) if group else ()))
            return
        if not row:
            row.append(cell(content))
            return
        # the stretch may end the row (its last cell) and start the next ones
        cut = next(
            (i for i in range(1, len(content)) if _new_cell(content[i - 1][1].text, content[i][1].text)),
            None,
        )
        if cut is None:
            row.append(cell(content))
            return
        row.append(cell(content[:cut]))
        rows.append(row)
        row = []
        current: list[tuple[int, Paragraph]] = []
        for item in content[cut:]:
            if current and _new_cell(current[-1][1].text, item[1].text):
                rows.append([cell(current)])
                current = []
            current.append(item)
        row.append(cell(current))

    for index, p in lines:
        pieces = p.text.split("\t")
        for k, piece in enumerate(pieces):
            if k > 0:
                close_group(False)
                group = []
            if piece or len(pieces) == 1:
                group.append((index, replace(p, text=piece)))
        if sum(1 for _, g in group if g.text) > _MAX_GROUP:
            return None
    if group:
        close_group(True)
    if row:
        rows.append(row)
    return rows


def _text(block: Block) -> str | None:
    return block.text if isinstance(block, Paragraph) else None


def _blank_line(block: Block) -> bool:
    text = _text(block)
    return text is not None and _blank(text)


def _tab_led(blocks: list[Block]) -> bool:
    """Lines whose cells each start with a tab (`\t自然人`, a Word dump's cell per line, an empty
    cell a lone tab, a blank line ending the row): no browser's copy, whose cell lines hold none."""
    texts = [t for b in blocks if (t := _text(b)) is not None and t.strip(_SPACE + "\t")]
    return sum("\t" in t for t in texts) >= sum("\t" not in t for t in texts)


def _run_end(blocks: list[Block], i: int) -> tuple[int, int]:
    """(index of the run's last line holding a tab, how many tabs stand alone) for the run of
    lines from `i`: it ends at a part heading, a table, or a long stretch without a tab."""
    end, lone, since = i, 0, 0
    for j in range(i, len(blocks)):
        text = _text(blocks[j])
        if text is None or since > _MAX_GROUP:
            break
        if "\t" in text:
            end, since = j, 0
            lone += _lone_tab(text)
        elif match_heading(text) is not None:
            break  # the next part: another table's, or none
        elif not _blank(text):
            since += 1
    return end, lone


def rebuild_items(items: list[Item]) -> list[Item]:
    """`items` with each run of lines a browser's copy made of a table replaced by one line per
    row, its cells tab-separated (the run's first line: the last line before its first tab); a
    row's origin is the lines it was made of."""
    blocks = [b for _, b in items]
    out: list[Item] = []
    i, n = 0, len(items)
    while i < n:
        text = _text(blocks[i])
        if text is None or not _lone_tab(text):
            out.append(items[i])
            i += 1
            continue
        # the row's first cell: the last non-empty line before the first tab
        first = len(out) - 1
        while first >= 0 and _blank_line(out[first][1]):
            first -= 1
        end, lone = _run_end(blocks, i)
        head = out[first] if first >= 0 else None
        if (
            lone < _MIN_LONE_TABS
            or head is None
            or not isinstance(head[1], Paragraph)
            or _tab_led(blocks[i : end + 1])
        ):
            out.extend(items[i : end + 1])  # no browser's copy: its lines as they are
            i = end + 1
            continue
        # the last cell: the next non-empty line after the last tab, unless it starts a row
        last = end + 1
        while last < n and _blank_line(blocks[last]):
            last += 1
        after = _text(blocks[last]) if last < n else None
        if after is not None and not starts_row(after):
            last += 1
        run = [(o[0], b) for o, b in (head, *items[i:last]) if isinstance(b, Paragraph)]
        rows = _rows_of(run)
        if rows is None:
            out.append(items[i])
            i += 1
            continue
        paragraph = dict(run)
        del out[first:]
        for cells in rows:
            lines = tuple(sorted({k for _, origin in cells for k in origin}))
            out.append((lines, replace(paragraph[lines[0]], text="\t".join(t for t, _ in cells))))
        i = last
    return out


def rebuild(blocks: list[Block]) -> list[Block]:
    """`rebuild_items` on blocks alone."""
    return [b for _, b in rebuild_items([((i,), b) for i, b in enumerate(blocks)])]


__all__ = ["Item", "rebuild", "rebuild_items", "starts_row"]
