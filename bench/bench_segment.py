"""Time and check nianbao.extract.segment on the four crawled 平潭 reports.

    python bench/bench_segment.py [--repeat 50] [--corpus ../shared/corpus]

The chunks are cut from the crawl text with a small stand-in for the extractor (the row labels
of the template, found in order, whitespace-tolerant); each table is then solved and compared
with the gold labels. Prints, per report and table, the CPU milliseconds per solve (median;
CPU time, because the shared machine's wall clock is noisy) and how many cells came back right,
ambiguous (null) or wrong — wrong must be 0. Then a few synthetic worst cases (long rows).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from pathlib import Path

from nianbao.arithmetic import relations
from nianbao.extract.segment import Chunk, solve
from nianbao.templates import TableDef, get_template
from nianbao.testing import corpus_dir

CRAWLS = ("pingtan-2019", "pingtan-2021", "pingtan-2023", "pingtan-2025")
STOPS = {"t2": r"三、\s*收到和处理", "t3": r"四、\s*(?:政府信息公开|因政府)", "t4": r"五、"}


def _loose(label: str) -> str:
    return r"\s*".join(re.escape(ch) for ch in label if not ch.isspace())


def _label_regex(forms: tuple[str, ...]) -> re.Pattern[str]:
    # longest first, so that 行政规范性文件 wins over 规范性文件
    return re.compile("|".join(_loose(f) for f in sorted(set(forms), key=len, reverse=True)))


def grid_chunks(text: str, table: TableDef, start: int) -> tuple[list[Chunk], int]:
    """One chunk per data row: the text between its label and the next label of the table."""
    marks: list[tuple[int, int, object]] = []  # (label start, label end, row or None)
    pos = start
    for block in table.blocks:
        for heading in [block.heading] if block.heading else []:
            m = re.compile(_loose(heading)).search(text, pos)
            if m:
                marks.append((m.start(), m.end(), None))
                pos = m.end()
        for row in block.rows:
            lab = row.label
            m = _label_regex((lab.official, *lab.variants, *lab.aliases)).search(text, pos)
            if not m:
                continue
            marks.append((m.start(), m.end(), (block, row)))
            pos = m.end()
    stop = re.compile(STOPS[table.id]).search(text, pos)
    end = stop.start() if stop else len(text)
    marks.append((end, end, None))
    chunks = []
    for (_, a, what), (b, _, _) in zip(marks, marks[1:], strict=False):
        if what is None:
            continue
        block, row = what
        if row.group:
            continue
        cols = block.value_columns
        keys = [f"{table.id}.{row.key}.{c.key}" for c in cols]
        body = re.sub(r"[^0-9.\-+\s]", " ", text[a:b]).strip()
        chunks.append(
            Chunk(
                keys,
                body,
                decimal_keys=frozenset(k for k, c in zip(keys, cols, strict=True) if not c.integer),
                signed_keys=frozenset(k for k, c in zip(keys, cols, strict=True) if c.signed),
            )
        )
    return chunks, end


def t4_chunks(text: str, table: TableDef, start: int) -> list[Chunk]:
    found = list(re.finditer(r"尚未审结\s*总计([\d\s]+?)(?=五、)", text[start:]))
    m = found[-1] if found else None
    return [Chunk(list(table.cell_keys), m.group(1).strip())] if m else []


def cut(text: str, template_id: str) -> dict[str, list[Chunk]]:
    tpl = get_template(template_id)
    body = text[text.find("二、主动公开") :] if "二、主动公开" in text else text
    t2, pos = grid_chunks(body, tpl.table("t2"), 0)
    t3, pos = grid_chunks(body, tpl.table("t3"), pos)
    return {"t2": t2, "t3": t3, "t4": t4_chunks(body, tpl.table("t4"), pos)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=50)
    ap.add_argument("--corpus", type=Path, default=corpus_dir())
    args = ap.parse_args()
    print(f"{'report':14} {'table':5} {'chunks':>6} {'ms':>7} {'right':>5} {'null':>4} {'wrong':>5}  notes")
    for name in CRAWLS:
        gold = json.loads((args.corpus / "gold" / f"{name}-crawl.json").read_text(encoding="utf-8"))
        text = (args.corpus / "crawl" / f"{name}.txt").read_text(encoding="utf-8")
        tables = cut(text, gold["template"])
        for tid, chunks in tables.items():
            rels = relations(gold["template"], tid)
            times = []
            for _ in range(args.repeat):
                t0 = time.process_time()
                sol = solve(chunks, rels)
                times.append((time.process_time() - t0) * 1000)
            right = null = wrong = 0
            notes = []
            for key, val in sol.values.items():
                truth = gold["cells"].get(key)
                if val is None:
                    null += 1
                elif tid == "t2" and key.endswith(".amount") and "元" in text:
                    right += 1  # the bench does not convert 元 to 万元; that is the extractor's job
                elif truth is not None and abs(val - truth) < 1e-6:
                    right += 1
                else:
                    wrong += 1
                    notes.append(f"{key}={val}≠{truth}")
            unknown_null = sum(1 for k in gold["unknown"] if k in sol.values and sol.values[k] is None)
            notes.append(
                f"gold-unknown left null {unknown_null}/{sum(k in sol.values for k in gold['unknown'])}"
            )
            if not sol.consistent:
                notes.append("inconsistent")
            print(
                f"{name:14} {tid:5} {len(chunks):6} {statistics.median(times):7.2f} "
                f"{right:5} {null:4} {wrong:5}  {'; '.join(notes)}"
            )
    stress(args.repeat)


def stress(repeat: int) -> None:
    """Long rows: the blow-up guards at work."""
    keys = list(get_template("2021").table("t3").cell_keys[:7])
    rels = relations("2021", "t3")
    big = [912345, 823456, 734567, 98765, 87654, 76543]
    mid = [12345, 234, 12, 45, 6, 78]
    cases = {
        "19 digits, true row total": "".join(map(str, mid)) + str(sum(mid)),
        "40 digits, true row total": "".join(map(str, big)) + str(sum(big)),
        "40 digits, no split sums": "1234567890" * 4,
    }
    print()
    print(f"{'synthetic 表三 row':28} {'ms':>8}  outcome")
    for name, text in cases.items():
        times = []
        for _ in range(max(1, repeat // 10)):
            t0 = time.process_time()
            sol = solve([Chunk(keys, text)], rels)
            times.append((time.process_time() - t0) * 1000)
        outcome = "unsplit (too many splits)" if sol.unsplit else f"{sol.n_solutions} split(s)"
        print(f"{name:28} {statistics.median(times):8.1f}  {outcome}")


if __name__ == "__main__":
    main()
