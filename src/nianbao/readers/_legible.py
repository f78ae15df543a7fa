"""Is a PDF page's text layer Chinese text, or glyph numbers? A PDF whose fonts carry no
ToUnicode map (some Chinese PDF printers and converters write such files) displays perfectly and
extracts as `\\x14\\x10 ࣉ̠ඞஊउ ᱘៑ॶ⩝…`: characters from random scripts, digits as control codes.
Such a page is read from its pixels instead (see `readers.pdf`).

Legible characters: ASCII, the CJK and full-width punctuation blocks, and the 6,763 hanzi of
GB 2312 (over 99.9 % of the characters of modern official text; a glyph number mapped into the CJK
block lands on a rare character four times in five).
"""

from __future__ import annotations

from functools import cache

MIN_CHARS = 40  # fewer characters (a page number, a signature line) decide nothing
MIN_SHARE = 0.85  # real text sits near 1.0, a text layer of glyph numbers below 0.3


@cache
def _gb2312() -> frozenset[str]:
    # every two-byte code of the set in one decode; a code with no character becomes U+FFFD
    codes = bytes(b for hi in range(0xA1, 0xF8) for lo in range(0xA1, 0xFF) for b in (hi, lo))
    return frozenset(codes.decode("gb2312", errors="replace")) - {"\ufffd"}


def _legible(ch: str) -> bool:
    o = ord(ch)
    return (
        0x20 <= o < 0x7F
        or ch in "\t\r\n"
        or 0x2000 <= o < 0x2070  # general punctuation: dashes, quotes, ‰
        or 0x3000 <= o < 0x3040  # CJK punctuation
        or 0xFF00 <= o < 0xFFF0  # full-width forms
        or ch in _gb2312()
    )


def garbled(text: str) -> bool:
    """Whether `text` (a page's characters, spaces dropped or not) is too far from legible text
    to be anything but a text layer without a character map."""
    chars = [c for c in text if not c.isspace()]
    if len(chars) < MIN_CHARS:
        return False
    return sum(map(_legible, chars)) < MIN_SHARE * len(chars)
