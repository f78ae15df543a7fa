"""The store's boundary beyond what import-linter sees: nothing outside `nianbao.store` opens a
session on the database (import-linter, run by scripts/test.sh, keeps its tables private)."""

from __future__ import annotations

import re
from pathlib import Path

import nianbao

SRC = Path(nianbao.__file__).parent
SESSION = re.compile(r"\.session\(\)|\._sessions\b|\bsessionmaker\b")


def test_no_module_outside_the_store_opens_a_session() -> None:
    found = [
        f"{path.relative_to(SRC)}:{n}"
        for path in sorted(SRC.rglob("*.py"))
        if path.relative_to(SRC).parts[0] != "store"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SESSION.search(line)
    ]
    assert found == []


def test_the_import_contracts_hold() -> None:
    """The same check scripts/test.sh runs, so that `pytest` alone catches a broken layer."""
    from importlinter.cli import lint_imports

    root = SRC.parents[1]
    assert lint_imports(config_filename=str(root / "pyproject.toml")) == 0
