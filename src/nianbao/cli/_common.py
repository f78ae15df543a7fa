"""Helpers shared by sub-commands."""

from __future__ import annotations

import signal
import threading
import traceback
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
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


class _TimedOut(Exception):
    pass


@contextmanager
def time_limit(seconds: float | None):
    """Interrupt the work after `seconds` (main thread, Unix); elsewhere no limit is applied."""
    usable = (
        seconds and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def _raise(signum, frame):  # noqa: ARG001
        raise _TimedOut

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def parse_safely(path: str, timeout: float | None = None) -> tuple[Report | None, str | None]:
    """Parse one file; never raises. Returns (report, None) or (None, a Chinese error message)."""
    from ..api import parse

    try:
        with time_limit(timeout):
            return parse(path), None
    except _TimedOut:
        return None, f"处理超时（超过 {timeout:g} 秒），已跳过该文件"
    except NianbaoError as exc:
        return None, str(exc)
    except MemoryError:
        return None, "内存不足，无法处理该文件"
    except Exception as exc:  # a bug must not lose the rest of the batch
        detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return None, f"内部错误（请报告此问题）：{detail}"
