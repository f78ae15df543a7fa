"""Extraction: a format-neutral Document onto the template (metadata, the six parts, every cell)."""

from __future__ import annotations

from ..document import Document
from ..model import Report


def extract(doc: Document) -> Report:
    raise NotImplementedError("extraction is being written")  # replaced in the next commit
