"""Where the details of internal errors go: a log file, never the user's terminal.

`$NIANBAO_LOG_FILE`, else `$XDG_STATE_HOME/nianbao/errors.log` (`~/.local/state/nianbao/errors.log`).
Users see a one-line Chinese message that names this file.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def log_path() -> Path:
    given = os.environ.get("NIANBAO_LOG_FILE")
    if given:
        return Path(given)
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "nianbao" / "errors.log"


def log_exception(exc: BaseException, context: str = "") -> Path | None:
    """Append the traceback of `exc` to the log; returns the log's path (None if it cannot be written)."""
    import datetime as dt
    import traceback  # here: every parse worker imports this module for `log_path`

    path = log_path()
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    stamp = dt.datetime.now().isoformat(timespec="seconds")
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {stamp} pid {os.getpid()} {context}\n{text}\n")
        return path
    return None
