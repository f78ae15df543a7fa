"""Tasks the CLI runs in isolated workers (importable by name, so they can be sent to a worker)."""

from __future__ import annotations

import json

from .. import plugins
from ..errors import NianbaoError
from ..model import Report

plugins.load()  # the readers, once in the fork server (or the forking parent), not in every worker


def parse_path(path: str) -> tuple[Report | None, str | None]:
    """Parse one file by path; never raises. `(report, None)` or `(None, a Chinese error)`."""
    from ..api import parse

    try:
        return parse(path), None
    except NianbaoError as exc:
        return None, str(exc)
    except MemoryError:
        from . import memory_exhausted

        return None, memory_exhausted()
    except Exception as exc:  # a bug must not lose the rest of the batch
        import traceback

        from ..errorlog import log_exception

        log_exception(exc, f"parse {path}")
        detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return None, f"内部错误（请报告此问题）：{detail}"


def error_line(path: str, error: str) -> str:
    return json.dumps({"source": path, "error": error}, ensure_ascii=False)


def parse_line(path: str, provenance: bool) -> str:
    """The `nianbao parse --jsonl` line of one file."""
    report, error = parse_path(path)
    if report is None:
        return error_line(path, error or "未知错误")
    obj = report.to_dict(provenance=provenance)
    obj["source"] = path
    return json.dumps(obj, ensure_ascii=False)
