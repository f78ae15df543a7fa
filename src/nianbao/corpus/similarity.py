"""Text similarity for XY_TEXT_REUSE: rapidfuzz when installed, difflib otherwise."""

from __future__ import annotations

import re
import unicodedata

_NOISE = re.compile(r"[\s\d０-９一二三四五六七八九十〇零年月日、，,。.；;：:（）()“”\"'《》—\-]+")


def normalise(text: str) -> str:
    """Compare wording, not layout or figures: the years and counts change every year anyway."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text or ""))


def ratio(a: str, b: str) -> float:
    """Similarity in [0, 1] of two normalised texts (Indel ratio)."""
    a, b = normalise(a), normalise(b)
    if not a and not b:
        return 1.0
    try:
        from rapidfuzz.fuzz import ratio as fuzz_ratio
    except ImportError:  # pragma: no cover - rapidfuzz is a dependency; difflib keeps it working without
        from difflib import SequenceMatcher

        return SequenceMatcher(None, a, b, autojunk=False).ratio()
    return fuzz_ratio(a, b) / 100.0
