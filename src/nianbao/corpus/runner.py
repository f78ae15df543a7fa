"""Run the corpus-scope rules over the store and keep their findings there."""

from __future__ import annotations

from collections import Counter

from .. import plugins
from ..findings import Finding
from ..store import ReportFilter, Store
from ..templates import templates
from . import aggregate, cross_year  # noqa: F401 - importing registers the built-in corpus rules
from .context import CorpusContext


def corpus_cells() -> tuple[str, ...]:
    """The cells the templates' cross-year relations read; AGG_MISMATCH reloads consolidated
    reports in full."""
    return tuple(sorted({k for t in templates().values() for rel in t.cross_year for k in rel.keys}))


def corpus_rules() -> list[plugins.CorpusRuleSpec]:
    return plugins.corpus_rules()  # third-party plugins may add corpus rules too


def run_corpus_rules(store: Store, flt: ReportFilter | None = None) -> Counter[str]:
    """Check every report against its organ's other years and its units; returns counts by code.

    Previous findings of these rules are replaced, so running twice gives the same result.
    """
    # the context is the whole corpus: a filtered report still needs its previous year and its units
    ctx = CorpusContext.build(
        store, store.load_reports(store.report_ids(), cell_prefixes=corpus_cells(), provenance=False)
    )
    wanted = None if flt is None else set(store.report_ids(flt))
    specs = corpus_rules()
    found: list[tuple[int, Finding]] = []
    for spec in specs:
        found.extend((rid, f) for rid, f in spec.check(ctx) if wanted is None or rid in wanted)
    codes = [c for spec in specs for c in spec.codes]
    store.replace_corpus_findings(codes, found, wanted)
    return Counter(f.code for _, f in found)
