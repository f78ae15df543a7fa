"""Text normalisation shared by label matching, section detection and number parsing."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..lazyre import lazy

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

# PDF text layers (Chromium's fonts through pdfminer) print CJK radicals in place of the
# ideographs; NFKC maps the Kangxi block (⼈ → 人) but not the supplement (⺠), and maps ⼾ to 戶
RADICALS = str.maketrans(
    {
        "\u2e9f": "母",
        "\u2ea0": "民",
        "\u2ec1": "虎",
        "\u2ec4": "西",
        "\u2ec5": "见",
        "\u2ec6": "角",
        "\u2ec9": "贝",
        "\u2eca": "足",
        "\u2ecb": "车",
        "\u2ed3": "长",
        "\u2ed4": "门",
        "\u2ed7": "雨",
        "\u2ed8": "青",
        "\u2ed9": "韦",
        "\u2eda": "页",
        "\u2edb": "风",
        "\u2edc": "飞",
        "\u2edd": "食",
        "\u2ee2": "马",
        "\u2ee3": "骨",
        "\u2ee4": "鬼",
        "\u2ee5": "鱼",
        "\u2ee6": "鸟",
        "\u2ee7": "卤",
        "\u2ee8": "麦",
        "\u2ee9": "黄",
        "\u2eea": "黾",
        "\u2eec": "齐",
        "\u2eee": "齿",
        "\u2ef0": "龙",
        "\u2ef3": "龟",
        "\u2f3e": "户",
    }
)

CN_NUMERALS = "一二三四五六七八九十"
# Leading list numbering: 一、 / （一） / (1) / 1. / 1、 / 第一 … possibly repeated: "三、（一）"
NUMBERING_RE = re.compile(
    rf"^(?:(?:[{CN_NUMERALS}]+[.)]|\([{CN_NUMERALS}\d]+\)|\d{{1,2}}(?:\.(?!\d)|\))|[{CN_NUMERALS}]+(?=\())\.?)+"
)


def squash(text: str) -> str:
    """Remove all whitespace (labels are broken over lines and padded with full-width spaces)."""
    return _SPACE_RE.sub("", text)


# markup a converter left around a cell's text: <u>23</u> (also escaped, \<u\> or &lt;u&gt;),
# org/markdown emphasis _23_ *23* ~23~ =23=, jira/textile +23+, AsciiDoc [.underline]#23#
_WRAPPED_RE = lazy(  # only a cell starting with markup reaches it
    r"^(?:\\?(?:<|&lt;)(?P<name>u|b|i|em|strong|ins|span)\b[^<>&]*\\?(?:>|&gt;)"
    r"(?P<tag>.*?)\\?(?:<|&lt;)/(?P=name)\\?(?:>|&gt;)"
    r"|(?P<mark>__|\*\*|~~|[_*~=+`])(?P<inner>.+)(?P=mark)"
    r"|(?:\[\.[a-z-]+\])?#(?P<adoc>.+)#)$"
)
_MARKUP_START = frozenset("<&\\_*~=+`[#")


def unwrap_markup(text: str) -> str:
    """The text inside markup a converter wrapped around a whole cell or label."""
    for _ in range(4):
        m = _WRAPPED_RE.match(text) if text[:1] in _MARKUP_START else None
        if m is None:
            return text
        text = next(g for g in (m.group("tag"), m.group("inner"), m.group("adoc")) if g is not None).strip()
    return text


# inline markup a converter left as text around a label (kreuzberg: 「\<u\>一、本年新收…\</u\>」)
_INLINE_TAG_RE = re.compile(r"\\?</?(?:u|b|i|em|strong|ins|span|font)\b[^<>]*\\?>")


@lru_cache(maxsize=1 << 16)
def normalize(text: str) -> str:
    """Canonical form for comparing labels: NFKC, no spaces, unified brackets and punctuation,
    no inline markup tags."""
    text = unicodedata.normalize("NFKC", text.translate(RADICALS))
    if "<" in text:
        text = _INLINE_TAG_RE.sub("", text)
    text = squash(unwrap_markup(text.strip()))
    # NFKC already turned （） into (); the table maps what NFKC leaves alone
    return text.translate(_PUNCT).translate(_CHAR_FIXES)


_CN_DIGITS = {ch: i for i, ch in enumerate("零一二三四五六七八九")}


def numeral_value(number: str) -> int | None:
    """The value of a list number as printed: 「3.」 3, 「(六)」 6, 「第十二部分」 12; None when it
    has none (or mixes digits and Chinese numerals)."""
    kept = "".join(ch for ch in number if ch.isdigit() or ch in _CN_DIGITS or ch == "十")
    if not kept:
        return None
    if kept.isdigit():
        return int(kept)
    if any(ch.isdigit() for ch in kept):
        return None
    if "十" not in kept:
        return _CN_DIGITS[kept[-1]] if len(kept) == 1 else None
    tens, _, ones = kept.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


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
