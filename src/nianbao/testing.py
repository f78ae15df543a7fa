"""Where the shared material is (spec, labelled corpus, scorer), for tests and benchmarks.

One locator: the environment variable `NIANBAO_SHARED` names the folder that holds `spec/`,
`corpus/` and `eval/`; without it, `shared/` beside the checkout (`../shared` from the repository
root). Tests reach it through the `corpus_dir` / `shared_dir` fixtures (tests/conftest.py), which
skip when it is absent; modules that need a path at import time call these functions.
"""

from __future__ import annotations

import os
from pathlib import Path

SHARED_ENV = "NIANBAO_SHARED"


def shared_dir() -> Path:
    env = os.environ.get(SHARED_ENV)
    if env:
        return Path(env)
    checkout = Path(__file__).resolve().parents[2]  # src/nianbao/testing.py -> the repository
    return checkout.parent / "shared"


def corpus_dir() -> Path:
    return shared_dir() / "corpus"


def spec_dir() -> Path:
    return shared_dir() / "spec"


def has_corpus() -> bool:
    return (corpus_dir() / "gold").is_dir()
