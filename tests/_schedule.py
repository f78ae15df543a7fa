"""Longest files first under `pytest -n auto --dist loadfile`.

xdist hands out whole files, by default the files with most tests first, so the files of one or two
long tests (a real server under a hostile upload, a scanned PDF through every command, the
browser walks) came last and one worker ran them while the other had nothing left. Here the queue
is ordered by each file's seconds in `file_seconds.json` (a file not listed counts 0.05 s a test):
the longest-processing-time-first rule, which leaves at most about one short file between the
workers' ends. The order changes only when each file runs, never what it asserts.

The table is a whole-suite run's per-file time (the sum of the JUnit times of its tests); refresh it
when a file grows or shrinks by tens of seconds:
`pytest -n auto --dist loadfile --junitxml=run.xml`, then, in the checkout,
`python tests/_schedule.py run.xml`.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

SECONDS = Path(__file__).with_name("file_seconds.json")
PER_TEST = 0.05  # seconds, for a file the table does not list
KEEP = 0.5  # the table lists files of at least this many seconds


def file_seconds() -> dict[str, float]:
    try:
        return json.loads(SECONDS.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def make_scheduler(config: Any, log: Any) -> Any:
    from xdist.scheduler import LoadFileScheduling

    class LongestFirst(LoadFileScheduling):
        _ordered = False

        def _assign_work_unit(self, node: Any) -> None:
            if not self._ordered:
                self._ordered = True
                known = file_seconds()

                def cost(item: tuple[str, dict[str, bool]]) -> float:
                    scope, tests = item
                    return known.get(scope.split("::", 1)[0], PER_TEST * len(tests))

                queue = getattr(self, "workqueue", None)  # xdist's own: a newer one may differ
                if isinstance(queue, dict):
                    ordered = sorted(queue.items(), key=cost, reverse=True)
                    queue.clear()
                    queue.update(ordered)
            super()._assign_work_unit(node)

    return LongestFirst(config, log)


def main(junit: str) -> None:
    import xml.etree.ElementTree as ET

    seconds: Counter[str] = Counter()
    for case in ET.parse(junit).iter("testcase"):
        parts = case.get("classname", "").split(".")  # tests.web.test_x[.TestClass]
        while parts and not Path(*parts[:-1], parts[-1] + ".py").exists():
            parts.pop()
        if parts:
            seconds["/".join(parts) + ".py"] += float(case.get("time") or 0)
    table = {f: round(s, 1) for f, s in seconds.most_common() if s >= KEEP}
    SECONDS.write_text(json.dumps(table, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
