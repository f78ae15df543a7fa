"""Helpers shared by sub-commands."""

from __future__ import annotations

import traceback
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import NianbaoError
from ..model import Report


def expand_paths(paths: Iterable[str]) -> Iterator[str]:
    """Files as given; folders expanded to the files inside them, sorted."""
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not child.name.startswith("."):
                    yield str(child)
        else:
            yield p


def parse_safely(path: str) -> tuple[Report | None, str | None]:
    """Parse one file; never raises. Returns (report, None) or (None, a Chinese error message)."""
    from ..api import parse

    try:
        return parse(path), None
    except NianbaoError as exc:
        return None, str(exc)
    except MemoryError:
        return None, "内存不足，无法处理该文件"
    except Exception as exc:  # a bug must not lose the rest of the batch
        detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return None, f"内部错误（请报告此问题）：{detail}"
