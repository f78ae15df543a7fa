"""Random reports: consistent by construction, or broken on purpose with the findings expected.

Values follow the shapes of real reports: most 表三 cells are 0, a few carry small counts, the
natural-person column dominates; 表二 counts are larger; amounts have up to two decimals.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from ..arithmetic import all_relations
from ..templates import Role, get_template, template_for_year
from ..writer.data import ReportData, complete_totals

PLACES = ("青山", "白河", "安平", "临川", "东湖", "西岭", "南溪", "北塘", "长宁", "永丰", "和平", "兴隆")
LEVELS = ("县", "区", "市")
DEPARTMENTS = (
    "人民政府办公室",
    "交通运输局",
    "市场监督管理局",
    "自然资源局",
    "教育局",
    "卫生健康委员会",
    "生态环境局",
    "住房和城乡建设局",
    "人力资源和社会保障局",
    "民政局",
)
OVERVIEW = (
    "{year}年，{organ}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》，"
    "扎实推进政务公开各项工作。",
    "主动公开方面，围绕中心工作及时发布政策文件、规划计划和重点领域信息，全年通过政府门户网站主动公开政府信息{n}条。",
    "依申请公开方面，严格执行登记、审核、办理、答复、归档等工作制度，依法按时答复。",
    "政府信息管理方面，落实公开属性源头认定和发布前保密审查制度，及时清理更新现行有效文件。",
    "平台建设方面，持续优化政府网站信息公开专栏，提升政务新媒体信息发布质量。",
    "监督保障方面，将政务公开工作纳入年度绩效考核，开展业务培训{k}次。",
)
PROBLEMS = (
    "一是政策解读形式较为单一，图解、视频等多样化解读偏少；二是基层公开人员业务能力有待提升。",
    "下一步，将加强政策解读工作，丰富解读形式；加大培训力度，提升工作人员业务水平。",
    "部分栏目信息更新不够及时。改进措施：建立栏目更新台账，明确责任人和更新时限。",
)
OTHER = ("本年度未收取信息处理费。", "本年度无其他需要报告的事项。")


def organ_name(rng: random.Random) -> tuple[str, str]:
    region = rng.choice(PLACES) + rng.choice(LEVELS)
    if rng.random() < 0.25:
        return f"{rng.choice(PLACES)}镇人民政府", region
    return f"{region}{rng.choice(DEPARTMENTS)}", region


# characters of place names, none a level (县, 市 …) or a word of a report's title
_PLACE_CHARS = "".join(
    dict.fromkeys(
        "东西南北中青白安平临长永和兴宁丰山河湖江海阳川林石泉溪岭桥城源泽湾洲峰台宝金玉华新龙凤云清明光德福寿康顺昌盛"
        "泰嘉祥瑞通远利丰沙柳桃松梅兰竹荷枫杨槐泗渭汉淮洛汝颍沂沭济汾沁漳滦潞涿蓟易涞曲阜邹滕峄沾棣鄄郓巨"
    )
)


def unit_name(unit: int) -> tuple[str, str]:
    """The organ and region of unit number `unit`: distinct for every number below 100,000
    (a two-character place, a level, a department or the town's government)."""
    kinds = len(DEPARTMENTS) + 1
    kind, rest = unit % kinds, unit // kinds
    n = len(_PLACE_CHARS)
    place = _PLACE_CHARS[rest % n] + _PLACE_CHARS[(rest // n) % n]
    level = LEVELS[(rest // (n * n)) % len(LEVELS)]
    if kind == len(DEPARTMENTS):
        return f"{place}镇人民政府", f"{place}镇"
    region = place + level
    return f"{region}{DEPARTMENTS[kind]}", region


def _small(rng: random.Random, high: int) -> int:
    return rng.choice((0, 0, 0, 0, rng.randint(0, 3), rng.randint(0, high)))


def consistent_cells(template_id: str, rng: random.Random, high: int = 20) -> dict[str, int | float]:
    """Every cell of the template, all relations holding and 表二 plausible."""
    tpl = get_template(template_id)
    t2, t3 = tpl.table("t2"), tpl.table("t3")
    cells: dict[str, int | float] = {}
    for key in t2.cell_keys:
        col = t2.column(key)
        if col.unit:
            cells[key] = rng.choice((0, round(rng.uniform(0, 3000), rng.choice((0, 1, 2)))))
        elif col.signed:
            cells[key] = rng.randint(-high, high)
        else:
            cells[key] = rng.choice((0, rng.randint(0, high * 5)))
    for bound in t2.lower_bounds:  # the plausibility the rules check
        cells[bound.cell] += max(0, bound.minimum(cells) or 0)
    cols = [c.key for c in tpl.applicants]
    weights = {cols[0]: 1.0}  # the first kind of applicant (自然人) dominates
    totals = {c.key for c in t3.total_columns}
    derived = {tpl.role_row(Role.RESULTS_TOTAL).key, tpl.role_row(Role.RECEIVED).key}
    for key in t3.cell_keys:
        row_key, col_key = key[3:].rsplit(".", 1)
        if col_key in totals or row_key in derived:
            continue
        scale = weights.get(col_key, 0.3)
        cells[key] = _small(rng, high) if rng.random() < scale else 0
    for applicant in cols:
        results = sum(cells[f"t3.{r.key}.{applicant}"] for r in t3.result_rows)
        forward = cells[tpl.role_key(Role.CARRIED_FORWARD, applicant)]
        carried = min(cells[tpl.role_key(Role.CARRIED_OVER, applicant)], results + forward)
        cells[tpl.role_key(Role.CARRIED_OVER, applicant)] = carried
        cells[tpl.role_key(Role.RECEIVED, applicant)] = results + forward - carried
    for key in tpl.table("t4").cell_keys:
        if not key.endswith(".total"):
            cells[key] = rng.choice((0, 0, rng.randint(0, 3)))
    return complete_totals(cells, template_id)  # type: ignore[return-value]


def random_data(
    rng: random.Random,
    year: int | None = None,
    template_id: str | None = None,
    organ: tuple[str, str] | None = None,
) -> ReportData:
    """`organ`: (organ, region) of the report; default a random one of a few hundred."""
    year = year or rng.randint(2019, 2025)
    template_id = template_id or template_for_year(year).id
    organ_text, region = organ or organ_name(rng)
    overview = "".join(
        s.format(year=year, organ=organ_text, n=rng.randint(50, 3000), k=rng.randint(1, 6))
        for s in rng.sample(OVERVIEW[1:], rng.randint(1, 4))
    )
    return ReportData(
        organ=organ_text,
        region=region,
        year=year,
        template=template_id,
        published=dt.date(year + 1, 1, rng.randint(10, 30)),
        sections={
            "overview": OVERVIEW[0].format(year=year, organ=organ_text) + overview,
            "problems": "".join(rng.sample(PROBLEMS, rng.randint(1, 3))),
            # a notice that asks for the fee gets the sentence that reports it
            "other": OTHER[0] if get_template(template_id).fee_reported else rng.choice(OTHER),
        },
        cells=dict(consistent_cells(template_id, rng)),
    )


@dataclass
class Breakage:
    data: ReportData
    findings: list[str] = field(default_factory=list)  # finding codes a checker must report
    note: str = ""
    omit: frozenset[str] = frozenset()  # parts left out of the document entirely


def break_data(rng: random.Random, data: ReportData) -> Breakage:
    """A copy of `data` with one deliberate defect, and the finding codes it must raise."""
    cells = dict(data.cells)
    tpl = get_template(data.template_id)
    kind = rng.choice(("t3_cell", "t4_total", "blank", "section", "narrative"))
    if kind == "narrative":
        # a figure typed into the overview by hand that disagrees with 表三
        stated = (cells.get(tpl.role_key(Role.RECEIVED)) or 0) + rng.randint(1, 9)
        overview = data.sections.get("overview", "") + f"全年共收到政府信息公开申请{stated}件。"
        return Breakage(
            data.model_copy(update={"sections": {**data.sections, "overview": overview}}),
            ["NARRATIVE_MISMATCH"],
            f"overview states {stated} applications",
        )
    if kind == "section":
        key = rng.choice(("problems", "other"))
        sections = {k: v for k, v in data.sections.items() if k != key}
        return Breakage(
            data.model_copy(update={"sections": sections}),
            ["SECTION_MISSING"],
            f"part {key} dropped (heading and text)",
            frozenset({key}),
        )
    if kind == "blank":
        key = rng.choice([k for k in tpl.table("t2").cell_keys])
        cells[key] = None
        return Breakage(data.model_copy(update={"cells": cells}), ["CELL_BLANK"], f"{key} printed blank")
    if kind == "t4_total":
        key = rng.choice([k for k in tpl.table("t4").cell_keys if k.endswith(".total")])
    else:
        key = rng.choice(
            [
                k
                for k in tpl.table("t3").cell_keys
                if not k.endswith(".total") and not k.startswith(tpl.role_key(Role.RESULTS_TOTAL, ""))
            ]
        )
    cells[key] = (cells[key] or 0) + rng.randint(1, 5)
    codes = sorted({r.code for r in all_relations(tpl.id) if key in r.keys and r.holds(cells) is False})
    return Breakage(data.model_copy(update={"cells": cells}), codes, f"{key} changed to {cells[key]}")
