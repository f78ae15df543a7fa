"""Evaluating and ranking units' annual reports with a rubric kept as data.

    >>> from nianbao.evaluation import evaluate_region, load_rubric
    >>> ev = evaluate_region(store, "洪泽区", 2024)            # every expected unit, ranked
    >>> ev.coverage, ev.units[0].unit.name, ev.units[0].total
    >>> import nianbao; df = nianbao.evaluate("nianbao.db")      # report × indicator, pandas

The rubric (`rubrics/default.yaml`, or a user's file) defines each indicator's formula over cells,
findings and metadata, its 口径, weight, colour thresholds and minimum sample; see
docs/evaluation.md.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from .expr import FormulaError, compile_formula
from .facts import Evidence
from .region import EvaluationError, RegionEvaluation, Unit, UnitScore, evaluate_region, evaluate_trend
from .rubric import Indicator, Rubric, RubricError, load_rubric, loads_rubric
from .score import IndicatorResult, ReportScore

if TYPE_CHECKING:
    import pandas

    from ..store import Store


def evaluate(
    db: str | os.PathLike[str] | Store | None = None,
    *,
    region: str | int | None = None,
    year: int | None = None,
    rubric: str | os.PathLike[str] | Rubric | None = None,
) -> pandas.DataFrame:
    """The rubric's indicators for every stored report (optionally of one region and/or year), one
    row per report × indicator, as a pandas DataFrame (columns: `tidy.TIDY_COLUMNS`)."""
    from ..store import Store
    from .tidy import TIDY_COLUMNS, tidy_rows

    rub = rubric if isinstance(rubric, Rubric) else load_rubric(None if rubric is None else os.fspath(rubric))
    store = db if isinstance(db, Store) else Store(db)
    try:
        rows = list(tidy_rows(store, rub, region=region, year=year))
    finally:
        if store is not db:
            store.close()
    return frame(rows, list(TIDY_COLUMNS))


def frame(rows: list[dict[str, Any]], columns: list[str]) -> pandas.DataFrame:
    import pandas as pd

    df = pd.DataFrame.from_records(rows, columns=columns)
    for col in (
        "value",
        "sample",
        "points",
        "weight",
        "report_score",
        "previous_score",
        "movement",
        "coverage",
    ):
        if col in df:
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
    for col in ("report_id", "organ_id", "region_id", "year", "rank", "level_rank", "previous_rank"):
        if col in df:
            df[col] = df[col].astype("Int64")
    return df


def region_frame(ev: RegionEvaluation) -> pandas.DataFrame:
    """A region evaluation as a DataFrame: one row per unit × indicator, with ranks and coverage."""
    from .output import detail_columns, detail_rows

    return frame(list(detail_rows(ev)), list(detail_columns()))


__all__ = [
    "EvaluationError",
    "Evidence",
    "FormulaError",
    "Indicator",
    "IndicatorResult",
    "RegionEvaluation",
    "ReportScore",
    "Rubric",
    "RubricError",
    "Unit",
    "UnitScore",
    "compile_formula",
    "evaluate",
    "evaluate_region",
    "evaluate_trend",
    "load_rubric",
    "loads_rubric",
    "region_frame",
]
