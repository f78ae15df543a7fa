"""Registration hooks for readers and rules.

Built-in readers and rules register themselves through exactly these hooks, the way a third-party
plugin would: a new input format is one module with a `@reader`, a new check one module with a
`@rule`. Third-party packages expose modules under the `nianbao.plugins` entry-point group.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .document import Document
    from .findings import Finding
    from .model import Report

ReadFn = Callable[[bytes, str], "Document"]
SniffFn = Callable[[bytes, str], bool]
RuleFn = Callable[["Report"], Iterable["Finding"]]


@dataclass(frozen=True)
class ReaderSpec:
    name: str
    read: ReadFn
    extensions: tuple[str, ...]
    sniff: SniffFn | None
    priority: int  # higher wins when several readers claim a file


@dataclass(frozen=True)
class RuleSpec:
    name: str
    check: RuleFn
    codes: tuple[str, ...]  # finding codes the rule may emit
    scope: str  # "report": one report at a time; corpus rules live with the store


READERS: dict[str, ReaderSpec] = {}
RULES: dict[str, RuleSpec] = {}
_loaded = False


def reader(
    name: str, extensions: Iterable[str] = (), sniff: SniffFn | None = None, priority: int = 0
) -> Callable[[ReadFn], ReadFn]:
    """Register `fn(data, source) -> Document` as the reader for a format."""

    def register(fn: ReadFn) -> ReadFn:
        exts = tuple(e.lower().lstrip(".") for e in extensions)
        READERS[name] = ReaderSpec(name, fn, exts, sniff, priority)
        return fn

    return register


def rule(name: str, codes: Iterable[str], scope: str = "report") -> Callable[[RuleFn], RuleFn]:
    """Register `fn(report) -> findings` as a validation rule."""

    def register(fn: RuleFn) -> RuleFn:
        RULES[name] = RuleSpec(name, fn, tuple(codes), scope)
        return fn

    return register


def _import_package(package: str) -> None:
    pkg = importlib.import_module(package)
    for mod in pkgutil.iter_modules(pkg.__path__):
        if not mod.name.startswith("_"):
            importlib.import_module(f"{package}.{mod.name}")


def load() -> None:
    """Import the built-in readers and rules, then any installed plugins. Idempotent."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    _import_package("nianbao.readers")
    _import_package("nianbao.rules")
    for ep in entry_points(group="nianbao.plugins"):
        ep.load()
