"""Hook specifications for readers and rules.

Built-in readers and rules register themselves through exactly these hooks, the way a third-party
plugin would: a new input format is one module with a `@reader`, a new check one module with a
`@report_rule` (one report at a time) or a `@corpus_rule` (a report against the corpus: the same
organ's other years, a region's units). Third-party packages expose modules under the
`nianbao.plugins` entry-point group.

Each hook has its own signature:

    @reader("odt", extensions=["odt"])                     # (data: bytes, source: str) -> Document
    @report_rule("my_check", codes=[Code("MY_CODE", Severity.WARNING, "我的检查")])
    def check(report: Report) -> Iterable[Finding]: ...
    @corpus_rule("my_xy", codes=["XY_CARRY_MISMATCH"])      # (ctx: CorpusContext) -> (report id, Finding)

A rule declares the finding codes it may emit. A `Code(code, severity, title)` declares a new code
(the catalogue in `nianbao.findings` is built from these declarations; a plugin never edits it); a
bare string names a code declared elsewhere. Report rules run by stage, `Stage.REPAIR` (rules that
may correct cell values, such as the OCR repair) before `Stage.CHECK`, then in registration order.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING, ClassVar, TypeVar

from .findings import Code, declare

if TYPE_CHECKING:
    from .corpus.context import CorpusContext
    from .document import Document
    from .findings import Finding
    from .model import Report

ReadFn = Callable[[bytes, str], "Document"]
SniffFn = Callable[[bytes, str], bool]
ReportRuleFn = Callable[["Report"], Iterable["Finding"]]
CorpusRuleFn = Callable[["CorpusContext"], Iterable[tuple[int, "Finding"]]]
RuleFn = ReportRuleFn  # the name before report and corpus rules had their own specs

F = TypeVar("F", bound=Callable[..., object])


class Stage(IntEnum):
    """When a report rule runs. Lower first: a repair changes values the checks then judge."""

    REPAIR = 10
    CHECK = 20
    AUDIT = 30  # after every check: whatever the checks left unsaid (a cell with no value and no finding)


@dataclass(frozen=True)
class ReaderSpec:
    """A registered reader: the formats it reads and how it reads them."""

    name: str
    read: ReadFn
    extensions: tuple[str, ...]
    sniff: SniffFn | None
    priority: int  # higher wins when several readers claim a file


@dataclass(frozen=True)
class ReportRuleSpec:
    """A registered check run on one report."""

    name: str
    check: ReportRuleFn
    codes: tuple[str, ...]  # finding codes the rule may emit
    stage: Stage = Stage.CHECK
    scope: ClassVar[str] = "report"


@dataclass(frozen=True)
class CorpusRuleSpec:
    """A registered check run over many reports."""

    name: str
    check: CorpusRuleFn
    codes: tuple[str, ...]
    scope: ClassVar[str] = "corpus"


RuleSpec = ReportRuleSpec | CorpusRuleSpec

READERS: dict[str, ReaderSpec] = {}
REPORT_RULES: dict[str, ReportRuleSpec] = {}
CORPUS_RULES: dict[str, CorpusRuleSpec] = {}
_loaded = False


class _AllRules(Mapping[str, RuleSpec]):
    """Report and corpus rules by name, read-only (for callers that list every rule's codes)."""

    def __getitem__(self, name: str) -> RuleSpec:
        if name in REPORT_RULES:
            return REPORT_RULES[name]
        return CORPUS_RULES[name]

    def __iter__(self) -> Iterator[str]:
        yield from REPORT_RULES
        yield from CORPUS_RULES

    def __len__(self) -> int:
        return len(REPORT_RULES) + len(CORPUS_RULES)


RULES: Mapping[str, RuleSpec] = _AllRules()


def reader(
    name: str, extensions: Iterable[str] = (), sniff: SniffFn | None = None, priority: int = 0
) -> Callable[[ReadFn], ReadFn]:
    """Register `fn(data, source) -> Document` as the reader for a format."""

    def register(fn: ReadFn) -> ReadFn:
        exts = tuple(e.lower().lstrip(".") for e in extensions)
        READERS[name] = ReaderSpec(name, fn, exts, sniff, priority)
        return fn

    return register


def _declare(codes: Iterable[str | Code], rule: str) -> tuple[str, ...]:
    return tuple(c if isinstance(c, str) else declare(c, by=rule).code for c in codes)


def report_rule(
    name: str, codes: Iterable[str | Code], stage: Stage = Stage.CHECK
) -> Callable[[ReportRuleFn], ReportRuleFn]:
    """Register `fn(report) -> findings` as a check of one report."""
    declared = _declare(codes, name)

    def register(fn: ReportRuleFn) -> ReportRuleFn:
        REPORT_RULES[name] = ReportRuleSpec(name, fn, declared, Stage(stage))
        return fn

    return register


def corpus_rule(name: str, codes: Iterable[str | Code]) -> Callable[[CorpusRuleFn], CorpusRuleFn]:
    """Register `fn(ctx) -> (report id, finding)…` as a check of reports against the corpus."""
    declared = _declare(codes, name)

    def register(fn: CorpusRuleFn) -> CorpusRuleFn:
        CORPUS_RULES[name] = CorpusRuleSpec(name, fn, declared)
        return fn

    return register


def rule(name: str, codes: Iterable[str | Code], scope: str = "report") -> Callable[[F], F]:
    """The former single hook: `report_rule` or `corpus_rule` by `scope`. Prefer those."""

    def register(fn: F) -> F:
        if scope == "corpus":
            corpus_rule(name, codes)(fn)  # type: ignore[arg-type]
        else:
            report_rule(name, codes)(fn)  # type: ignore[arg-type]
        return fn

    return register


def report_rules() -> list[ReportRuleSpec]:
    """Every report rule in the order they run: by stage, then as registered."""
    load()
    return sorted(REPORT_RULES.values(), key=lambda spec: spec.stage)


def corpus_rules() -> list[CorpusRuleSpec]:
    load()
    importlib.import_module("nianbao.corpus.runner")  # the built-in corpus rules (they need the store)
    return list(CORPUS_RULES.values())


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
    for module, attr in _plugin_entry_points():
        obj = importlib.import_module(module)
        for part in attr.split(".") if attr else ():
            obj = getattr(obj, part)


def _plugin_entry_points() -> list[tuple[str, str]]:
    """(module, attribute) of every `nianbao.plugins` entry point installed.

    Scanning the installed distributions (and importing `importlib.metadata`) costs a command's
    start-up tens of milliseconds; the result is kept in a small cache file, valid while the
    fingerprint of the installation is unchanged: the distributions found in every `sys.path`
    folder and each one's `entry_points.txt` (time and size). Installing, removing or changing a
    plugin changes it.
    """
    import json
    import os
    import sys

    fingerprint: list[list[object]] = []
    for entry in sys.path:
        try:
            fingerprint.append([entry])
            with os.scandir(entry or ".") as it:
                children = sorted(it, key=lambda c: c.name)
                for child in children:
                    if child.name.endswith((".dist-info", ".egg-info")):
                        try:
                            st = os.stat(os.path.join(child.path, "entry_points.txt"))
                            fingerprint.append([child.name, st.st_mtime_ns, st.st_size])
                        except OSError:
                            pass
        except OSError:
            fingerprint.append([entry, None])
    import zlib

    # one cache file per search path (a script, `python -c` and pytest each see a different one);
    # a checksum, not a hash from hashlib (whose import costs more than the whole look-up): two
    # search paths with one name only take turns, as the fingerprint names every folder
    key = f"{zlib.crc32(chr(0).join(sys.path).encode('utf-8', 'surrogateescape')):08x}"
    cache = os.path.join(os.path.dirname(__file__), "__pycache__", f"plugin-entry-points.{key}.json")
    try:
        with open(cache, encoding="utf-8") as fh:
            saved = json.load(fh)
        if saved["fingerprint"] == fingerprint:
            return [(m, a) for m, a in saved["entry_points"]]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    from importlib.metadata import entry_points

    found = []
    for ep in entry_points(group="nianbao.plugins"):
        found.append((ep.module, ep.attr or ""))
    try:
        os.makedirs(os.path.dirname(cache), exist_ok=True)
        tmp = f"{cache}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump({"fingerprint": fingerprint, "entry_points": found}, fh)
        os.replace(tmp, cache)
    except OSError:  # a read-only installation: scan every time
        pass
    return found
