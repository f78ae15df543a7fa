"""`nianbao parse` without the command-line framework in the way.

typer builds a pydantic validator for every option of the command it runs, and importing typer
and pydantic is most of what `nianbao parse one.txt` costs before the file is even opened. The
parse command is the one run once per file by scripts, so its usual invocations are recognised
here, by the same option names, and run directly; anything else (`--help`, a mistyped option, a
value that is not a number, another command) is left to typer, which owns every message. The
typer command in `parse.py` runs the same `run_parse`.

Nothing here imports typer.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..isolation import Limits

_FLAGS = {"--jsonl": "jsonl", "--provenance": "provenance"}
_VALUES = {
    "--timeout": ("timeout", float),
    "--max-memory": ("memory", int),
    "--jobs": ("jobs", int),
    "-j": ("jobs", int),
}


def expand_paths(paths: Iterable[str]) -> Iterator[str]:
    """Files as given; folders expanded to the files inside them, sorted."""
    for p in paths:
        path = Path(p)
        # Path("") is the current directory: an empty argument (an unset shell variable) is an
        # error for that argument, not a walk of everything below the working directory
        if p.strip() and path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not child.name.startswith("."):
                    yield str(child)
        else:
            yield p


def limits_from(timeout: float | None = None, memory_mb: int | None = None) -> Limits:
    """The per-file limits: command-line options over environment variables over defaults.
    A time limit given on the command line bounds CPU time as well as elapsed time."""
    from ..isolation import Limits

    return Limits.from_env(wall_seconds=timeout, cpu_seconds=timeout, memory_mb=memory_mb)


def run_parse(
    files: list[str],
    provenance: bool = False,
    jobs: int = 1,
    timeout: float | None = None,
    memory: int | None = None,
) -> None:
    """Every file's JSON line on stdout, in the order given (each parsed in an isolated worker)."""
    from ..isolation import Pool
    from ..isolation.tasks import error_line, parse_line
    from . import resume_gc

    paths = list(expand_paths(files))
    if not paths:
        return
    workers = min(jobs or os.cpu_count() or 1, len(paths))
    # what every worker needs, made here once before they fork, while the cycle collector is
    # still paused: the parse pipeline (the pool would import it at its first fork, the collector
    # running) and, for more than one worker, the label splitter each would compile on its own
    from .. import api  # noqa: F401

    if workers > 1:
        from ..extract.labels import splitter

        splitter()
    resume_gc(freeze=True)  # before the workers fork: they collect their own garbage
    out = sys.stdout
    with Pool(workers, limits_from(timeout, memory)) as pool:
        outcomes = pool.map(parse_line, ((p, provenance) for p in paths))
        for path, outcome in zip(paths, outcomes, strict=True):
            out.write((outcome.value if outcome.ok else error_line(path, outcome.error or "未知错误")) + "\n")
            out.flush()


def parse_options(args: list[str]) -> dict[str, object] | None:
    """The options of `nianbao parse ARGS` as `run_parse` keywords, or None for anything this
    small parser does not recognise exactly (typer then reads the command line)."""
    opts: dict[str, object] = {"files": [], "provenance": False, "jobs": 1, "timeout": None, "memory": None}
    files: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            files.extend(args[i:])
            break
        if arg in _FLAGS:
            if _FLAGS[arg] == "provenance":
                opts["provenance"] = True
            continue
        name, value = arg, None
        if arg.startswith("--") and "=" in arg:
            name, value = arg.split("=", 1)
        elif arg.startswith("-j") and len(arg) > 2 and not arg.startswith("--"):
            name, value = "-j", arg[2:]
        if name in _VALUES:
            if value is None:
                if i >= len(args):
                    return None
                value = args[i]
                i += 1
            key, kind = _VALUES[name]
            try:
                opts[key] = kind(value)
            except ValueError:
                return None
            continue
        if arg.startswith("-") and arg != "-":
            return None  # --help, or an option typer should explain
        files.append(arg)
    if not files:
        return None
    opts["files"] = files
    return opts


def fast_parse(argv: list[str]) -> bool:
    """Run `nianbao parse …` here when the command line is one this module reads; True if it ran."""
    if not argv or argv[0] != "parse":
        return False
    opts = parse_options(argv[1:])
    if opts is None:
        return False
    run_parse(**opts)  # type: ignore[arg-type]
    return True
