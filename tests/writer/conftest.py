import datetime as dt
import random

import pytest

from nianbao.templates import get_template
from nianbao.writer import ReportData
from nianbao.writer.data import complete_totals


def consistent_cells(template_id: str, rng: random.Random, high: int = 9) -> dict[str, int | float]:
    """Random values for every input cell, the totals left for complete_totals, 表三 balanced."""
    tpl = get_template(template_id)
    cells: dict[str, int | float] = {}
    for key in tpl.table("t2").cell_keys:
        col = tpl.table("t2").column(key)
        if col.unit:
            cells[key] = round(rng.uniform(0, 500), 2)
        elif col.signed:
            cells[key] = rng.randint(-high, high)
        else:
            cells[key] = rng.randint(0, high)
    t3 = tpl.table("t3")
    for key in t3.cell_keys:
        col = key.rsplit(".", 1)[1]
        if col == "total" or key.startswith(("t3.results_total", "t3.new_received")):
            continue
        cells[key] = rng.choice([0, 0, 0, rng.randint(0, high)])
    for col in (c.key for c in t3.blocks[0].value_columns if not c.total_of):
        results = sum(
            v for k, v in cells.items() if k.startswith("t3.") and k.endswith("." + col) and t3.row(k).result
        )
        carried_over = min(cells[f"t3.carried_over.{col}"], results + cells[f"t3.carried_forward.{col}"])
        cells[f"t3.carried_over.{col}"] = carried_over
        cells[f"t3.new_received.{col}"] = results + cells[f"t3.carried_forward.{col}"] - carried_over
    for key in tpl.table("t4").cell_keys:
        if not key.endswith(".total"):
            cells[key] = rng.choice([0, rng.randint(0, 3)])
    return complete_totals(cells, template_id)  # type: ignore[return-value]


@pytest.fixture
def sample_data() -> ReportData:
    rng = random.Random(7)
    return ReportData(
        organ="某某县人民政府办公室",
        region="某某县",
        year=2024,
        published=dt.date(2025, 1, 20),
        cells=consistent_cells("2021", rng),
        sections={
            "overview": "2024年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》。",
            "problems": "存在的问题：<公开>不够及时 & 解读偏少。",
            "other": "本年度未收取信息处理费。",
        },
    )
