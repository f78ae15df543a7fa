"""The writer's report in every table layout of `nianbao.synth.layouts`, as Markdown, HTML and
DOCX, read back (see test_generalization.py; a separate file so that a test worker builds these
while another builds the converters' copies)."""

from __future__ import annotations

import pytest
from _generalization import load_variants_module
from test_generalization import SEPARATE_GROUPS, variant_params

mv = load_variants_module()


@pytest.mark.parametrize(("source", "kind"), variant_params(SEPARATE_GROUPS))
def test_synthetic_layout_parses_like_its_source(source: str, kind: str, variant_of) -> None:
    variant = variant_of(source, kind)
    assert variant.path.exists(), f"{kind}: the writer produced no file"
    score = mv.score(variant)
    assert mv.acceptable(variant, score), mv.describe(variant, score, limit=20)
