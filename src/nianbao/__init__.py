"""nianbao (年报): read, check, consolidate and write 政府信息公开工作年度报告."""

from .api import parse, parse_document
from .errors import NianbaoError, ReadError
from .findings import Finding, Severity
from .model import CellValue, Report, Section

__version__ = "0.1.0"

__all__ = [
    "CellValue",
    "Finding",
    "NianbaoError",
    "ReadError",
    "Report",
    "Section",
    "Severity",
    "parse",
    "parse_document",
]
