"""The Python API: `nianbao.parse(path_or_bytes) -> Report`."""

from __future__ import annotations

import os

from .document import Document
from .extract import extract
from .model import Report
from .readers import read_document
from .rules import validate


def parse_document(doc: Document) -> Report:
    """Extract and validate an already-read document."""
    report = extract(doc)
    validate(report)
    return report


def parse(source: str | os.PathLike[str] | bytes, name: str | None = None) -> Report:
    """Read a report in any supported format, extract it onto its template and validate it.

    Raises `nianbao.errors.ReadError` (with a Chinese message) when the input cannot be read.
    """
    return parse_document(read_document(source, name))
