"""Text normalisation shared by label matching, section detection and number parsing."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Characters that carry no meaning for matching labels: every kind of space, zero-width marks.
_SPACE_RE = re.compile(r"[\s\u3000\u00a0\u200b-\u200f\u2028\u2029\ufeff]+")

_PUNCT = str.maketrans(
    {
        "（": "(",
        "）": ")",
        "【": "(",
        "】": ")",
        "〔": "(",
        "〕": ")",
        "［": "(",
        "］": ")",
        "、": ".",
        "．": ".",
        "。": ".",
        "，": ",",
        "；": ";",
        "：": ":",
        "“": "",
        "”": "",
        '"': "",
        "「": "",
        "」": "",
        "‘": "",
        "’": "",
        "'": "",
        "—": "-",
        "－": "-",
        "─": "-",
        "–": "-",
        "／": "/",
    }
)

# "记" is a common slip for "计" (只记这一情形); "它" for "他" in 其它.
_CHAR_FIXES = str.maketrans({"记": "计", "它": "他"})

CN_NUMERALS = "一二三四五六七八九十"
# Leading list numbering: 一、 / （一） / (1) / 1. / 1、 / 第一 … possibly repeated: "三、（一）"
NUMBERING_RE = re.compile(
    rf"^(?:(?:[{CN_NUMERALS}]+[.)]|\([{CN_NUMERALS}\d]+\)|\d{{1,2}}(?:\.(?!\d)|\))|[{CN_NUMERALS}]+(?=\())\.?)+"
)


def squash(text: str) -> str:
    """Remove all whitespace (labels are broken over lines and padded with full-width spaces)."""
    return _SPACE_RE.sub("", text)


@lru_cache(maxsize=1 << 16)
def normalize(text: str) -> str:
    """Canonical form for comparing labels: NFKC, no spaces, unified brackets and punctuation."""
    text = unicodedata.normalize("NFKC", text)
    text = squash(text)
    # NFKC already turned （） into (); the table maps what NFKC leaves alone
    return text.translate(_PUNCT).translate(_CHAR_FIXES)


def strip_numbering(norm: str) -> tuple[str, str]:
    """Split a normalised label into (numbering, rest): "(三)1.属于国家秘密" -> ("(三)1.", "属于国家秘密")."""
    m = NUMBERING_RE.match(norm)
    if not m:
        return "", norm
    return m.group(0), norm[m.end() :]


@lru_cache(maxsize=1 << 16)
def core(text: str) -> str:
    """Normalised label without numbering, without parenthesised remarks at the end."""
    _, rest = strip_numbering(normalize(text))
    return rest


HAS_CJK_RE = re.compile(r"[\u4e00-\u9fff]")


def has_cjk(text: str) -> bool:
    return bool(HAS_CJK_RE.search(text))
