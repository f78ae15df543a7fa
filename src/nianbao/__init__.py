"""nianbao (年报): read, check, consolidate and write 政府信息公开工作年度报告.

The names below are imported when first used (`nianbao.parse`, `from nianbao import Report`):
`import nianbao.cli` or any other submodule does not load the parsing pipeline with it, so that
the command can set up its start-up (see `nianbao.cli.main`) before the heavy imports.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import parse, parse_document
    from .errors import NianbaoError, ReadError
    from .findings import Finding, Severity
    from .model import CellValue, Report, Section

__version__ = "0.1.0"

_LAZY = {
    "parse": "api",
    "parse_document": "api",
    "NianbaoError": "errors",
    "ReadError": "errors",
    "Finding": "findings",
    "Severity": "findings",
    "CellValue": "model",
    "Report": "model",
    "Section": "model",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    elif name.startswith("__"):  # a probe for a dunder (copy, pickle, inspect) is no submodule
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    else:
        # `import nianbao; nianbao.model.X`: the submodules the eager import used to load
        try:
            value = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


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
