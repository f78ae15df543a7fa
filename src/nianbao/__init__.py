"""nianbao (年报): read, check, consolidate and write 政府信息公开工作年度报告."""

from typing import Any

from .api import parse, parse_document
from .errors import NianbaoError, ReadError
from .findings import Finding, Severity
from .model import CellValue, Report, Section

__version__ = "0.1.0"


def evaluate(*args: Any, **kwargs: Any) -> Any:
    """The evaluation rubric's indicators over the stored reports as a pandas DataFrame, one row per
    report × indicator: `nianbao.evaluate("nianbao.db", region="洪泽区", year=2024, rubric=None)`.

    Imported on first call: the store and pandas are not needed to parse a report.
    """
    from .evaluation import evaluate as _evaluate

    return _evaluate(*args, **kwargs)


__all__ = [
    "CellValue",
    "Finding",
    "NianbaoError",
    "ReadError",
    "Report",
    "Section",
    "Severity",
    "evaluate",
    "parse",
    "parse_document",
]
