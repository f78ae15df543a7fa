"""The rubric as data: indicators, their 口径, formulas, weights, colour thresholds and sample guards.

`rubrics/default.yaml` is the built-in rubric. A user's file either replaces it or, with
`extends: default`, changes it field by field (an indicator with a known `key` overrides only the
fields it names; a new `key` is added; `remove:` drops indicators). Everything is checked before
any report is scored: an unknown field, a cell no template has, a formula that does not parse or
calls an unknown function, thresholds in the wrong order — each refused with the file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..errors import NianbaoError
from .expr import Formula, FormulaError, compile_formula
from .facts import FUNCTIONS, check_cell

COLOURS = ("green", "yellow", "red")
COLOUR_ZH = {"green": "绿", "yellow": "黄", "red": "红"}
DEFAULT_NAME = "default"
MAX_RUBRIC_BYTES = 512 * 1024

_TOP_FIELDS = {
    "name",
    "version",
    "description",
    "extends",
    "min_sample",
    "yellow_points",
    "deadlines",
    "indicators",
    "remove",
}
_INDICATOR_FIELDS = {
    "key",
    "name",
    "category",
    "caliber",
    "basis",
    "value",
    "sample",
    "min_sample",
    "better",
    "green",
    "yellow",
    "weight",
    "unit",
    "score",
    "note",
}
_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_DEADLINE_RE = re.compile(r"^(\d{1,2})-(\d{1,2})$")


class RubricError(NianbaoError):
    """A rubric that cannot be used; `problems` lists every (file, line, message) found."""

    def __init__(self, problems: list[tuple[str, int | None, str]]) -> None:
        self.problems = sorted(problems, key=lambda p: (p[0], p[1] or 0))
        super().__init__("\n".join(_where(f, line) + msg for f, line, msg in problems))


def _where(file: str, line: int | None) -> str:
    return f"评估细则 {file}" + (f" 第 {line} 行" if line else "") + "："


@dataclass(frozen=True)
class Origin:
    file: str
    line: int | None = None
    block: bool = False  # a `|` / `>` scalar: its text starts on the next line


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    category: str
    caliber: str  # 口径: exactly what is counted, in words
    basis: str  # where the indicator comes from (条例, 通知, 评估实践)
    value: Formula
    better: str  # higher | lower
    green: float
    yellow: float
    weight: float
    unit: str = ""  # "%": a fraction shown as a percentage; 天, 个, 字, 件 …
    sample: Formula | None = None
    min_sample: float | None = None
    score: Formula | None = None  # fraction of the weight earned, over `value`; default by colour
    note: str = ""
    origin: Origin = field(default=Origin(DEFAULT_NAME), compare=False)

    @property
    def percent(self) -> bool:
        return self.unit == "%"

    def colour(self, v: float) -> str:
        if self.better == "higher":
            return "green" if v >= self.green else "yellow" if v >= self.yellow else "red"
        return "green" if v <= self.green else "yellow" if v <= self.yellow else "red"

    def format(self, v: float | None) -> str:
        if v is None:
            return "—"
        if self.percent:
            return f"{v:.1%}"
        if float(v).is_integer():
            return f"{int(v)}{self.unit}"
        return f"{v:.2f}{self.unit}"

    def verdict(self, v: float) -> str:
        """`复议纠错率 25.0%（红：> 15.0%）`: the value and the bound it crossed, for a card."""
        colour = self.colour(v)
        if colour == "green":
            bound = f"绿：{'≥' if self.better == 'higher' else '≤'} {self.format(self.green)}"
        elif colour == "yellow":
            bound = f"黄：{'<' if self.better == 'higher' else '>'} {self.format(self.green)}"
        else:
            bound = f"红：{'<' if self.better == 'higher' else '>'} {self.format(self.yellow)}"
        return f"{self.name} {self.format(v)}（{bound}）"

    def threshold_text(self) -> str:
        g, y = self.format(self.green), self.format(self.yellow)
        if self.better == "higher":
            return f"绿 ≥ {g}；黄 ≥ {y}；红 < {y}"
        return f"绿 ≤ {g}；黄 ≤ {y}；红 > {y}"

    @property
    def tables(self) -> set[str]:
        """The tables whose cells the formulas read (so loading can skip the others)."""
        out: set[str] = set()
        for f in (self.value, self.sample):
            if f is None:
                continue
            out.update(ref.split(".", 1)[0] for ref in f.cells)
            if "results" in f.calls:
                out.add("t3")
            if "filled" in f.calls:
                out.update(args[0] for name, args in f.calls_with if name == "filled")
        return out


@dataclass(frozen=True)
class Rubric:
    name: str
    version: str
    description: str
    min_sample: float
    yellow_points: float  # share of the weight a yellow indicator earns (colour scoring)
    deadlines: dict[str, tuple[int, int]]  # organ kind -> (month, day) of the following year
    indicators: tuple[Indicator, ...]
    source: str = DEFAULT_NAME

    @property
    def total_weight(self) -> float:
        return sum(i.weight for i in self.indicators)

    def indicator(self, key: str) -> Indicator:
        for i in self.indicators:
            if i.key == key:
                return i
        raise KeyError(key)

    @property
    def tables(self) -> set[str]:
        return {t for i in self.indicators for t in i.tables}

    def min_sample_of(self, ind: Indicator) -> float:
        return self.min_sample if ind.min_sample is None else ind.min_sample


# --- YAML with line numbers --------------------------------------------------------------------
class _Lined(dict[str, Any]):
    """A mapping that remembers the line of each of its values."""

    line: int
    origins: dict[str, tuple[int, bool]]


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _Lined:
    loader.flatten_mapping(node)
    out = _Lined()
    out.line = node.start_mark.line + 1
    out.origins = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise yaml.constructor.ConstructorError(
                None, None, f"字段名应为文字，而不是 {key!r}", key_node.start_mark
            )
        if key in out:
            raise yaml.constructor.ConstructorError(None, None, f"字段“{key}”重复", key_node.start_mark)
        out[key] = loader.construct_object(value_node, deep=True)
        block = isinstance(value_node, yaml.ScalarNode) and value_node.style in ("|", ">")
        out.origins[key] = (value_node.start_mark.line + 1, block)
    return out


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _parse_yaml(text: str, file: str) -> _Lined:
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = exc.problem or exc.context or "格式错误"
        raise RubricError([(file, line, f"YAML 格式错误：{_yaml_zh(what)}")]) from None
    except yaml.YAMLError as exc:
        raise RubricError([(file, None, f"YAML 格式错误：{exc}")]) from None
    if not isinstance(data, _Lined):
        raise RubricError([(file, 1, "评估细则应为一个映射（name: …、indicators: …）")])
    return data


def _yaml_zh(what: str) -> str:
    if "found character '\\t'" in what:
        return "含有制表符（请用空格缩进）"
    if "mapping values are not allowed" in what:
        return "冒号位置不对（含冒号的文字请加引号）"
    if "could not find expected ':'" in what:
        return "缺少冒号"
    return what


# --- loading -----------------------------------------------------------------------------------
def default_text() -> str:
    return resources.files(__package__).joinpath("rubrics", "default.yaml").read_text(encoding="utf-8")


def load_rubric(path: str | Path | None = None) -> Rubric:
    """The default rubric, or a user's file (replacing or, with `extends: default`, extending it)."""
    if path is None:
        return _build(_parse_yaml(default_text(), "default.yaml"), "default.yaml", None)
    p = Path(path)
    try:
        if p.stat().st_size > MAX_RUBRIC_BYTES:
            raise RubricError([(str(p), None, f"文件过大（上限 {MAX_RUBRIC_BYTES // 1024} KB）")])
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RubricError([(str(p), None, "文件不存在")]) from None
    except UnicodeDecodeError:
        raise RubricError([(str(p), None, "文件不是 UTF-8 编码")]) from None
    except OSError as exc:
        raise RubricError([(str(p), None, f"无法读取：{exc.strerror or exc}")]) from None
    return loads_rubric(text, str(p))


def loads_rubric(text: str, file: str = "<评估细则>") -> Rubric:
    data = _parse_yaml(text, file)
    base = None
    if "extends" in data:
        ext = data["extends"]
        if ext != DEFAULT_NAME:
            raise RubricError([(file, data.origins["extends"][0], f"extends 只能是 {DEFAULT_NAME}")])
        base = _parse_yaml(default_text(), "default.yaml")
    return _build(data, file, base)


Field = tuple[Any, Origin]  # a value with where it was written


def _fields(mapping: _Lined, file: str) -> dict[str, Field]:
    return {
        k: (v, Origin(file, mapping.origins[k][0], mapping.origins[k][1]))
        for k, v in mapping.items()
        if isinstance(k, str)
    }


def _build(data: _Lined, file: str, base: _Lined | None) -> Rubric:
    problems: list[tuple[str, int | None, str]] = []

    def bad(origin: Origin | None, msg: str) -> None:
        problems.append((origin.file if origin else file, origin.line if origin else None, msg))

    for k in data:
        if k not in _TOP_FIELDS:
            bad(Origin(file, data.origins[k][0]), f"未知字段“{k}”（可用：{'、'.join(sorted(_TOP_FIELDS))}）")
    top: dict[str, Field] = _fields(base, "default.yaml") if base is not None else {}
    top.pop("indicators", None)
    own = _fields(data, file)
    if "remove" in own and base is None:
        bad(own["remove"][1], "remove 只能与 extends: default 一起使用")
    top.update({k: v for k, v in own.items() if k not in ("indicators", "extends", "remove")})

    raw_inds: dict[str, dict[str, Field]] = {}
    order: list[str] = []
    for source, source_file in ((base, "default.yaml"), (data, file)):
        if source is None:
            continue
        items = source.get("indicators")
        where = Origin(source_file, source.origins.get("indicators", (source.line, False))[0])
        if items is None:
            if source is data and base is None:
                bad(Origin(file, data.line), "缺少 indicators（指标列表）")
            continue
        if not isinstance(items, list):
            bad(where, "indicators 应为列表（每项以 - 开头）")
            continue
        for item in items:
            if not isinstance(item, _Lined):
                bad(where, "indicators 的每一项应为一个映射（key: …、name: …）")
                continue
            fields = _fields(item, source_file)
            for k, (_, origin) in fields.items():
                if k not in _INDICATOR_FIELDS:
                    bad(origin, f"未知的指标字段“{k}”（可用：{'、'.join(sorted(_INDICATOR_FIELDS))}）")
            key_field = fields.get("key")
            if key_field is None or not isinstance(key_field[0], str) or not _KEY_RE.match(key_field[0]):
                bad(
                    key_field[1] if key_field else Origin(source_file, item.line),
                    "指标缺少 key，或 key 不是小写英文字母、数字、下划线（如 disclosure_rate）",
                )
                continue
            key = key_field[0]
            if key in raw_inds and source is data and base is not None:
                raw_inds[key].update(fields)  # extend: override the named fields only
            elif key in raw_inds:
                bad(key_field[1], f"指标 key“{key}”重复")
            else:
                raw_inds[key] = fields
                order.append(key)

    if "remove" in own and base is not None:
        value, origin = own["remove"]
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            bad(origin, "remove 应为指标 key 的列表")
        else:
            for key in value:
                if key not in raw_inds:
                    bad(origin, f"remove 中的指标“{key}”不存在")
                else:
                    raw_inds.pop(key)
                    order.remove(key)

    min_sample = _number(top, "min_sample", 30, bad, minimum=0)
    yellow_points = _number(top, "yellow_points", 0.5, bad, minimum=0, maximum=1)
    deadlines = _deadlines(top.get("deadlines"), bad)
    indicators = []
    for key in order:
        ind = _indicator(key, raw_inds[key], bad)
        if ind is not None:
            indicators.append(ind)
    if not indicators and not problems:
        bad(Origin(file, data.line), "评估细则中没有指标")
    if problems:
        raise RubricError(problems)
    return Rubric(
        name=str(_value(top, "name", "评估细则")),
        version=str(_value(top, "version", "")),
        description=str(_value(top, "description", "")),
        min_sample=min_sample,
        yellow_points=yellow_points,
        deadlines=deadlines,
        indicators=tuple(indicators),
        source=file,
    )


def _value(fields: dict[str, Field], key: str, default: Any) -> Any:
    return fields[key][0] if key in fields else default


def _number(
    fields: dict[str, Field],
    key: str,
    default: float,
    bad: Any,
    minimum: float | None = None,
    maximum: float | None = None,
    percent: bool = False,
) -> float:
    if key not in fields:
        return default
    value, origin = fields[key]
    v = _to_number(value, percent)
    if v is None:
        bad(origin, f"{key} 应为数字{'（或百分数，如 15%）' if percent else ''}，而不是“{value}”")
        return default
    if (minimum is not None and v < minimum) or (maximum is not None and v > maximum):
        rng = f"{'' if minimum is None else minimum} 到 {'' if maximum is None else maximum}"
        bad(origin, f"{key} 应在 {rng} 之间，而不是 {value}")
        return default
    return v


def _to_number(value: Any, percent: bool = False) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        text = value.strip().replace("％", "%")
        scale = 1.0
        if text.endswith("%"):
            text, scale = text[:-1], 0.01
        try:
            return float(text) * scale
        except ValueError:
            return None
    return None


def _deadlines(field_: Field | None, bad: Any) -> dict[str, tuple[int, int]]:
    if field_ is None:
        return {}
    value, origin = field_
    if not isinstance(value, dict):
        bad(origin, "deadlines 应为“单位类别: 月-日”的映射，如 部门: 01-31")
        return {}
    out = {}
    for kind, md in value.items():
        m = _DEADLINE_RE.match(str(md).strip())
        if not m or not (1 <= int(m.group(1)) <= 12 and 1 <= int(m.group(2)) <= 31):
            line = (
                value.origins.get(kind, (origin.line, False))[0] if isinstance(value, _Lined) else origin.line
            )
            bad(
                Origin(origin.file, line), f"deadlines 中“{kind}”的日期应写作 月-日（如 01-31），而不是“{md}”"
            )
            continue
        out[str(kind)] = (int(m.group(1)), int(m.group(2)))
    return out


def _formula(fld: Field, what: str, key: str, bad: Any, names: tuple[str, ...] = ()) -> Formula | None:
    text, origin = fld
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        text = str(text)
    if not isinstance(text, str):
        bad(origin, f"指标“{key}”的 {what} 应为公式文字")
        return None
    try:
        return compile_formula(text, FUNCTIONS, names=names, cell_check=check_cell)
    except FormulaError as exc:
        line = origin.line
        if line is not None:
            # a block scalar's text starts on the line after its `|`; leading blank lines are stripped
            lead = len(text) - len(text.lstrip("\n"))
            line += (1 if origin.block else 0) + lead + exc.line - 1
        col = f"（公式第 {exc.column} 个字符处）" if exc.column else ""
        bad(Origin(origin.file, line), f"指标“{key}”的 {what} 公式有误：{exc.message}{col}")
        return None


def _indicator(key: str, f: dict[str, Field], bad: Any) -> Indicator | None:
    ok = True
    key_origin = f["key"][1]
    for required in ("name", "value", "better", "green", "yellow", "weight"):
        if required not in f:
            bad(key_origin, f"指标“{key}”缺少字段 {required}")
            ok = False
    # go on checking what is there, so that one run lists every problem of the file
    better, b_origin = f.get("better", ("higher", key_origin))
    if better not in ("higher", "lower"):
        bad(b_origin, f"指标“{key}”的 better 应为 higher（越高越好）或 lower（越低越好），而不是“{better}”")
        ok = False
    unit = str(_value(f, "unit", "") or "")
    percent = unit == "%"
    errors_before: list[bool] = []

    def local_bad(origin: Origin, msg: str) -> None:
        errors_before.append(True)
        bad(origin, msg)

    green = _number(f, "green", 0.0, local_bad, percent=percent)
    yellow = _number(f, "yellow", 0.0, local_bad, percent=percent)
    weight = _number(f, "weight", 0.0, local_bad, minimum=0)
    min_sample = _number(f, "min_sample", -1.0, local_bad, minimum=0) if "min_sample" in f else None
    if not errors_before and better in ("higher", "lower") and "green" in f and "yellow" in f:
        if better == "higher" and green < yellow:
            bad(f["green"][1], f"指标“{key}”越高越好，绿色阈值 green 应不低于黄色阈值 yellow")
            ok = False
        if better == "lower" and green > yellow:
            bad(f["green"][1], f"指标“{key}”越低越好，绿色阈值 green 应不高于黄色阈值 yellow")
            ok = False
    for text_field in ("name", "category", "caliber", "basis", "note"):
        if text_field in f and not isinstance(f[text_field][0], str):
            bad(f[text_field][1], f"指标“{key}”的 {text_field} 应为文字")
            ok = False
    value = _formula(f["value"], "value", key, bad) if "value" in f else None
    sample = _formula(f["sample"], "sample", key, bad) if "sample" in f else None
    score = _formula(f["score"], "score", key, bad, names=("value", "sample")) if "score" in f else None
    if value is None or ("sample" in f and sample is None) or ("score" in f and score is None):
        ok = False
    if errors_before or not ok:
        return None
    return Indicator(
        key=key,
        name=f["name"][0],
        category=str(_value(f, "category", "")),
        caliber=str(_value(f, "caliber", "")).strip(),
        basis=str(_value(f, "basis", "")).strip(),
        value=value,  # type: ignore[arg-type]
        better=better,
        green=green,
        yellow=yellow,
        weight=weight,
        unit=unit,
        sample=sample,
        min_sample=min_sample,
        score=score,
        note=str(_value(f, "note", "")).strip(),
        origin=key_origin,
    )
