"""Tasks that misbehave on purpose, for the isolation tests (importable by the workers)."""

from __future__ import annotations

import os
import time


def echo(x: object) -> object:
    return x


def pid() -> int:
    return os.getpid()


def abort() -> None:
    os.abort()


def hog(mb: int, step_mb: int = 16) -> int:
    """Touch `mb` MB, a step at a time (as a parser building objects does)."""
    held = []
    for _ in range(mb // step_mb):
        held.append(bytearray(step_mb * 1024 * 1024))
        time.sleep(0.005)
    return len(held)


def big_alloc(mb: int) -> int:
    """One allocation of `mb` MB at once."""
    return len(bytearray(mb * 1024 * 1024))


def sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def spin(seconds: float) -> int:
    end = time.process_time() + seconds
    n = 0
    while time.process_time() < end:
        n += 1
    return n


def raise_error() -> None:
    raise ValueError("a bug")


def sleep_in_child(seconds: float) -> int:
    """A subprocess in its own session (as LibreOffice is run); returns its pid."""
    import subprocess

    proc = subprocess.Popen(["sleep", str(seconds)], start_new_session=True)
    time.sleep(seconds)
    return proc.pid
