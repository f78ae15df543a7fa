"""Where the shared material is (spec, labelled corpus, scorer), for tests and benchmarks.

One locator: the environment variable `NIANBAO_SHARED` names the folder that holds `spec/`,
`corpus/` and `eval/`; without it, `shared/` beside the checkout (`../shared` from the repository
root). Tests reach it through the `corpus_dir` / `shared_dir` fixtures (tests/conftest.py), which
skip when it is absent; modules that need a path at import time call these functions.
"""

from __future__ import annotations

import copy
import importlib.util
import os
import sys
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

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


def bench_module(name: str) -> ModuleType:
    """The checkout's `bench/<name>.py` (variant and scan builders, their scorers), loaded once."""
    key = f"nianbao_bench_{name}"
    if key in sys.modules:
        return sys.modules[key]
    path = Path(__file__).resolve().parents[2] / "bench" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(key, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


# A new template year must be one entry in formats.yaml. The tests run every stage over the real
# templates and a synthetic third one (tests/conftest.py `template_id`): a copy of the newest
# template for a later year, with an applicant column renamed (key and label) and an extra result
# row. Code that knows template ids, keys or labels of its own fails on it.
SYNTHETIC_TEMPLATE = "2027"


def synthetic_template_yaml(base: str | None = None, new_id: str = SYNTHETIC_TEMPLATE) -> str:
    """formats.yaml text defining `new_id`: `base` (default the newest) changed as described above."""
    raw: dict[str, Any] = yaml.safe_load(
        resources.files("nianbao.templates").joinpath("formats.yaml").read_text("utf-8")
    )
    base = base or max(raw["templates"], key=lambda t: raw["templates"][t]["years"][0])
    tpl = copy.deepcopy(raw["templates"][base])
    tpl["years"] = [int(new_id), None]
    tpl["notice"] = f"国办公开办函〔{new_id}〕1号"
    t3 = tpl["tables"]["t3"]
    for col in t3["columns"]:  # 科研机构 -> 科研教育机构, under a new key
        if col["key"] == "research":
            col.update(key="research_education", label="科研教育机构")
        col["total_of"] = ["research_education" if k == "research" else k for k in col.get("total_of", [])]
    rows: list[dict[str, Any]] = []
    for item in t3["blocks"][0]["rows"]:
        rows.extend(item if isinstance(item, list) else [item])
    at = max(i for i, r in enumerate(rows) if str(r["key"]).startswith("unable."))
    rows.insert(at + 1, {"key": "unable.other_reason", "label": "4.其他无法提供的情形", "result": True})
    t3["blocks"][0]["rows"] = rows
    return yaml.safe_dump({"templates": {new_id: tpl}}, allow_unicode=True, sort_keys=False)
