"""The parser on republished copies of the labelled reports, scored like eval/score.py.

One test per (source document, variant kind). A copy carries the same report as its source, so
the source's gold applies unchanged: every cell right, no silent error, the expected findings
found, no false error and the metadata right. A conversion known to lose part of a table
(`LOSSY` in bench/make_variants.py) must at least leave no silent error.
"""

from __future__ import annotations

import pytest
from _generalization import load_variants_module

mv = load_variants_module()


def _params() -> list:
    if not (mv.CORPUS / "gold").is_dir():
        return [pytest.param("-", "-", marks=pytest.mark.skip(reason="shared corpus not present"))]
    params = []
    for source, kind in mv.plan(mv.CORPUS):
        marks = [pytest.mark.slow] if kind in mv.SLOW_KINDS or kind in mv.WRITER_KINDS else []
        if kind in mv.SLOW_KINDS:
            marks.append(pytest.mark.libreoffice)
        params.append(pytest.param(source, kind, marks=marks, id=f"{source}-{kind}"))
    return params


@pytest.mark.parametrize(("source", "kind"), _params())
def test_variant_parses_like_its_source(source: str, kind: str, variant_of) -> None:
    variant = variant_of(source, kind)
    assert variant.path.exists(), f"{kind}: the conversion produced no file"
    score = mv.score(variant)
    assert mv.acceptable(variant, score), mv.describe(variant, score, limit=20)
