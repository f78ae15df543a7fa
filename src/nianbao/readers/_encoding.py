"""Turn the bytes of a text-like file into `str`, detecting the encoding.

Government reports reach us as UTF-8, GBK/GB2312 (decoded as GB18030, their superset) and UTF-16
from Word's "save as text", with or without a byte-order mark. The order of the guesses matters:
UTF-16 of mostly-ASCII text is valid UTF-8 (with NULs), and UTF-16 of Chinese is often valid
GB18030, so every candidate must also *look* like text, not merely decode.
"""

from __future__ import annotations

import re
import unicodedata

from ..errors import ReadError

NOT_TEXT = "不是可识别的文本文件"

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)

# Control characters that never occur in a text report. Tab, newlines, form-feed and vertical tab
# do (Word's text export writes form-feeds at page breaks).
_BAD_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffd]")
_SAMPLE = 65536  # bytes looked at when guessing; decoding itself is always of the whole file


def _bom(data: bytes) -> str | None:
    for mark, name in _BOMS:
        if data.startswith(mark):
            return name
    return None


def _plausible(text: str, check_assigned: bool) -> bool:
    """True when `text` reads as text: (almost) no control characters, no unassigned code points.

    A wrong decoding of real text nearly always produces some: a newline read as the wrong half of
    a UTF-16 unit is U+0A00, unassigned; Chinese UTF-16 read as GB18030 yields control bytes."""
    allowed = len(text) // 1000  # a stray DOS EOF or NUL in a long file is tolerated
    bad = 0
    for _ in _BAD_CONTROL.finditer(text):  # counted lazily: a binary file has millions
        bad += 1
        if bad > allowed:
            return False
    if check_assigned:
        sample = text[:20000]
        unassigned = sum(1 for ch in sample if unicodedata.category(ch) in ("Cn", "Cs"))
        if unassigned > len(sample) // 1000:
            return False
    return True


def _decode(data: bytes, encoding: str) -> str:
    """Strict decoding, except that a character cut off at the very end (a truncated download)
    is dropped rather than failing the whole file."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and exc.end == len(data) and exc.start > 0:
            return data[: exc.start].decode(encoding)
        raise


def _try(data: bytes, encoding: str, check_assigned: bool = False) -> str | None:
    try:
        text = _decode(data, encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    return text if _plausible(text, check_assigned) else None


def _utf16_by_nul_parity(sample: bytes) -> list[str]:
    """UTF-16 candidates, most likely first, from where the NUL bytes of ASCII characters fall."""
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    if even + odd == 0:
        return []
    return ["utf-16-le", "utf-16-be"] if odd >= even else ["utf-16-be", "utf-16-le"]


def _common_ratio(text: str) -> float:
    """Share of the characters reports are made of: ASCII, common Chinese characters, Chinese and
    full-width punctuation. The wrong byte order of UTF-16 decodes to characters too, but to rare
    ideographs (extension A), private-use code points and Hangul among them."""
    sample = text[:4000]
    if not sample:
        return 0.0
    common = sum(
        1
        for ch in sample
        if ch < "\x7f"
        or "\u4e00" <= ch <= "\u9fa5"
        or "\u3000" <= ch <= "\u303f"
        or "\uff01" <= ch <= "\uff5e"
        or "\u2010" <= ch <= "\u203b"
    )
    return common / len(sample)


def _best_utf16(data: bytes, order: list[str]) -> tuple[str, str] | None:
    """(encoding, text) of the byte order that decodes to the most ordinary text, or None."""
    if not order:
        return None
    best: tuple[float, int, str, str] | None = None
    for rank, enc in enumerate(order):
        text = _try(data, enc, check_assigned=True)
        if text is not None:
            candidate = (_common_ratio(text), -rank, enc, text)
            best = candidate if best is None or candidate > best else best
    if best is None or best[0] <= 0.5:  # decodes, but to no language a report is written in
        return None
    return best[2], best[3]


def decode_text(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Raises `ReadError` when the bytes are not text."""
    bom = _bom(data)
    if bom is not None:
        try:
            bom_text = _decode(data, bom)
        except UnicodeDecodeError:
            raise ReadError(f"{NOT_TEXT}（{bom} 编码有误）") from None
        if bom == "utf-8-sig":
            return bom_text, "utf-8-sig"
        # decode() with -le/-be keeps the BOM as U+FEFF: drop it
        return bom_text.removeprefix("\ufeff"), bom

    sample = data[:_SAMPLE]
    if b"\x00" in sample:
        found = _best_utf16(data, _utf16_by_nul_parity(sample))
        if found is None:
            raise ReadError(NOT_TEXT)
        return found[1], found[0]

    text = _try(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    text = _try(data, "gb18030", check_assigned=True)
    if text is not None:
        return text, "gb18030"
    # Chinese UTF-16 without BOM and without a single ASCII character
    found = _best_utf16(data, ["utf-16-le", "utf-16-be"])
    if found is not None:
        return found[1], found[0]

    from charset_normalizer import from_bytes  # slow to import; rarely needed

    best = from_bytes(data).best()
    if best is not None and best.encoding:
        text = _try(data, best.encoding, check_assigned=True)
        if text is not None:
            return text, best.encoding
    raise ReadError(NOT_TEXT)


def looks_like_text(data: bytes) -> bool:
    """Cheap check on the start of a file, for sniffing."""
    head = data[:4096]
    # cut at a character boundary isn't possible in general: tolerate a broken last character
    try:
        decode_text(head)
        return True
    except ReadError:
        pass
    for cut in (1, 2, 3):
        try:
            decode_text(head[:-cut])
            return True
        except ReadError:
            continue
    return False
