"""Run the corpus-scope rules over the store and keep their findings there."""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence

from .. import plugins
from ..store import ReportFilter, Store
from ..templates import templates
from . import aggregate, cross_year  # noqa: F401 - importing registers the built-in corpus rules
from .context import CorpusContext


def corpus_cells() -> tuple[str, ...]:
    """The cells the templates' cross-year relations read; AGG_MISMATCH reloads consolidated
    reports in full."""
    return tuple(sorted({k for t in templates().values() for rel in t.cross_year for k in rel.keys}))


# reports per context: the rules relate an organ's reports to each other, so a check holds whole
# organs a shard at a time and its memory does not grow with the corpus (≈ 50 KB per loaded report)
SHARD_REPORTS = int(os.environ.get("NIANBAO_CORPUS_SHARD", 500))


def organ_shards(
    report_organs: Sequence[tuple[int, int | None]], size: int | None = None
) -> Iterator[list[int]]:
    """Report ids in shards of about `size`, never splitting an organ's reports (an organ with more
    than `size` reports is one shard of its own; a report with no organ relates to no other)."""
    size = size or SHARD_REPORTS
    groups: dict[object, list[int]] = defaultdict(list)
    for rid, organ in report_organs:
        groups[organ if organ is not None else ("none", rid)].append(rid)
    shard: list[int] = []
    for ids in groups.values():
        if shard and len(shard) + len(ids) > size:
            yield shard
            shard = []
        shard.extend(ids)
    if shard:
        yield shard


def corpus_rules() -> list[plugins.CorpusRuleSpec]:
    return plugins.corpus_rules()  # third-party plugins may add corpus rules too


def run_corpus_rules(store: Store, flt: ReportFilter | None = None) -> Counter[str]:
    """Check every report against its organ's other years and its units; returns counts by code.

    Previous findings of these rules are replaced, so running twice gives the same result.
    """
    wanted = None if flt is None else set(store.report_ids(flt))
    specs = corpus_rules()
    codes = [c for spec in specs for c in spec.codes]
    counts: Counter[str] = Counter()
    # every shard holds whole organs: a filtered report still has its previous years beside it;
    # its findings replace the shard's old ones before the next shard is loaded (flat memory)
    for shard in organ_shards(store.report_organs()):
        mine = set(shard) if wanted is None else wanted.intersection(shard)
        if not mine:
            continue
        ctx = CorpusContext.build(
            store, store.load_reports(shard, cell_prefixes=corpus_cells(), provenance=False)
        )
        found = [(rid, f) for spec in specs for rid, f in spec.check(ctx) if rid in mine]
        store.replace_corpus_findings(codes, found, mine)
        counts.update(f.code for _, f in found)
    return counts
