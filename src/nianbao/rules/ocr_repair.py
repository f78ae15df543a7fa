"""Check the cells OCR read against the table arithmetic; repair only what the arithmetic confirms.

OCR confuses look-alike glyphs (O/0, l/1, B/8, S/5 …) and, in a blurred photo, digits with each
other (1/7, 3/8, 6/8 …). A doubtful reading is confirmed when every relation it takes part in
holds and at least one of them involves only confidently read cells besides it; it is repaired when
exactly one such substitution passes the same test. A doubtful cell the arithmetic does not confirm keeps its reading and is flagged
`CELL_OCR_UNCERTAIN`, so nothing OCR was unsure of is ever passed on silently.

A repair-stage rule: it runs before every check, so the checks judge the repaired values.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator

from ..arithmetic import Relation, relations
from ..findings import Code, Finding, Severity
from ..model import CellValue, Report
from ..plugins import Stage, report_rule

LOW_CONFIDENCE = 0.9

LOOKALIKE_LETTERS = {
    "O": "0", "o": "0", "D": "0", "Q": "0", "〇": "0", "口": "0",
    "l": "1", "I": "1", "i": "1", "|": "1", "!": "1", "丨": "1", "]": "1", "[": "1",
    "Z": "2", "z": "2", "B": "8", "S": "5", "s": "5", "b": "6", "G": "6", "g": "9", "q": "9", "T": "7",
}  # fmt: skip
# digits a blurred glyph is read as, both ways
DIGIT_CONFUSIONS = {
    "0": "869", "1": "74", "2": "7", "3": "85", "4": "1", "5": "63", "6": "580", "7": "12",
    "8": "3690", "9": "80",
}  # fmt: skip


def _is_ocr(cell: CellValue) -> bool:
    return cell.prov is not None and cell.prov.method == "ocr"


def _confidence(cell: CellValue) -> float | None:
    return getattr(cell.prov, "confidence", None)


def _candidates(raw: str, integer: bool) -> set[int | float]:
    """Numbers the printed cell may really hold: look-alike letters mapped, one digit swapped."""
    text = re.sub(r"\s+", "", raw)
    mapped = "".join(LOOKALIKE_LETTERS.get(ch, ch) for ch in text)
    forms = {mapped}
    for i, ch in enumerate(mapped):
        for alt in DIGIT_CONFUSIONS.get(ch, ""):
            forms.add(mapped[:i] + alt + mapped[i + 1 :])
    out: set[int | float] = set()
    for f in forms:
        if re.fullmatch(r"\d+", f):
            out.add(int(f))
        elif not integer and re.fullmatch(r"\d+\.\d+", f):
            out.add(float(f))
    return out


def _relations_of(report: Report) -> dict[str, list[Relation]]:
    by_key: dict[str, list[Relation]] = {}
    for tid, template_id in report.table_templates.items():
        for rel in relations(template_id, tid):
            for k in rel.keys:
                by_key.setdefault(k, []).append(rel)
    return by_key


def _checks(
    rels: Iterable[Relation], values: dict[str, float | int | None], key: str, doubtful: set[str]
) -> tuple[int, bool]:
    """(relations that vouch for `key`: evaluable, every other cell read confidently; all hold)."""
    n, ok = 0, True
    for rel in rels:
        held = rel.holds(values)
        if held is None:
            continue
        ok = ok and held
        if not any(k in doubtful for k in rel.keys if k != key):
            n += 1
    return n, ok


@report_rule(
    "ocr_review",
    codes=[
        Code("CELL_OCR_REPAIRED", Severity.INFO, "识别错误的字符已按勾稽关系更正"),
        Code("CELL_OCR_UNCERTAIN", Severity.WARNING, "识别结果不确定，请核对原件"),
    ],
    stage=Stage.REPAIR,
)
def review(report: Report) -> Iterator[Finding]:
    """Repair confirmed OCR confusions in `report.cells` (in place) and flag the doubtful rest."""
    ocr_cells = {k: c for k, c in report.cells.items() if _is_ocr(c) and c.raw is not None}
    if not ocr_cells:
        return
    rels = _relations_of(report)
    values = report.values()
    integer_keys = _integer_keys(report)

    def is_doubtful(cell: CellValue) -> bool:
        conf = _confidence(cell)
        raw = cell.raw or ""
        return (conf is not None and conf < LOW_CONFIDENCE) or (
            raw.strip() != "" and cell.value is None and bool(set(raw) & set(LOOKALIKE_LETTERS))
        )

    doubtful = {k for k, c in ocr_cells.items() if is_doubtful(c)}
    for key in sorted(doubtful):
        cell = ocr_cells[key]
        conf = _confidence(cell)
        raw = cell.raw or ""
        n, ok = _checks(rels.get(key, ()), values, key, doubtful)
        if cell.value is not None and ok and n >= 1:
            doubtful.discard(key)  # the arithmetic confirms the reading; it may vouch for others
            continue
        confirmed = []
        for cand in _candidates(raw, key in integer_keys):
            n_c, ok_c = _checks(rels.get(key, ()), dict(values, **{key: cand}), key, doubtful)
            if ok_c and n_c >= 1:
                confirmed.append(cand)
        if len(confirmed) == 1 and confirmed[0] != cell.value:
            new = confirmed[0]
            assert cell.prov is not None  # an OCR cell (`_is_ocr`)
            prov = dataclasses.replace(cell.prov, method="ocr-repaired")
            report.cells[key] = CellValue(new, str(new), prov, method="recovered", label=cell.label)
            values[key] = new
            doubtful.discard(key)
            yield Finding(
                "CELL_OCR_REPAIRED",
                f"识别结果“{raw}”按表内勾稽关系更正为 {new}",
                [key],
                where=cell.prov.describe() if cell.prov else None,
                data={"read": raw, "value": new, "confidence": conf},
                severity=Severity.INFO,
            )
            continue
        where = cell.prov.describe() if cell.prov else None
        shown = raw.strip() or "（无法辨认）"
        yield Finding(
            "CELL_OCR_UNCERTAIN",
            f"扫描件识别结果“{shown}”把握不大，表内勾稽关系无法确认，请对照原件核对",
            [key],
            where=where,
            data={"read": raw, "confidence": conf},
            severity=Severity.WARNING,
        )


def _integer_keys(report: Report) -> set[str]:
    from ..templates import get_template

    out = set()
    for tid, template_id in report.table_templates.items():
        for key, _b, _r, col in get_template(template_id).table(tid).cells():
            if col.integer:
                out.add(key)
    return out
