#!/usr/bin/env bash
# Install everything and run the full test suite (this is what CI runs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
if [ "$(id -u)" = 0 ] && command -v pg_ctlcluster >/dev/null; then
  NIANBAO_TEST_PG=$(bash scripts/start-postgres.sh)
  export NIANBAO_TEST_PG
fi
.venv/bin/ruff check src tests bench
.venv/bin/ruff format --check src tests bench
.venv/bin/lint-imports  # the layers: pyproject.toml [tool.importlinter]
.venv/bin/mypy  # [tool.mypy]: 0 errors, the core strict
# the same hypothesis examples every run (tests/conftest.py's "ci" profile)
export HYPOTHESIS_PROFILE="${HYPOTHESIS_PROFILE:-ci}"
# one worker per core, a test file's tests in one worker (they share module fixtures)
.venv/bin/python -m pytest -n auto --dist loadfile "$@"
