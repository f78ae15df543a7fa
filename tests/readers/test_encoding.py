"""Encoding detection: the same report decodes identically whatever encoding it was saved in."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao.errors import ReadError
from nianbao.readers import read_document
from nianbao.readers._encoding import decode_text

# An excerpt of seeds/001 (a Word text dump): tab-indented cells, a bookmark, full-width punctuation.
REPORT = (
    "小曹娥镇人民政府\n2020年政府信息公开工作年度报告\n\n一、总体情况\n"
    "2020年，我镇通过不同渠道和方式共公开政府信息729条。\n"
    "\t[bookmark: _GoBack]第二十条第（一）项\n\n\t信息内容\n\n\t本年新制作数量\n\n"
    "\t规章\n\n\t0\n\n\t规范性文件\n\n\t1\n"
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t自然人\t商业企业\n"
)

ENCODINGS = [
    ("utf-8", lambda s: s.encode("utf-8"), "utf-8"),
    ("utf-8 BOM", lambda s: b"\xef\xbb\xbf" + s.encode("utf-8"), "utf-8-sig"),
    ("gb18030", lambda s: s.encode("gb18030"), "gb18030"),
    ("gbk", lambda s: s.encode("gbk"), "gb18030"),
    ("utf-16le BOM", lambda s: b"\xff\xfe" + s.encode("utf-16-le"), "utf-16-le"),
    ("utf-16be BOM", lambda s: b"\xfe\xff" + s.encode("utf-16-be"), "utf-16-be"),
    ("utf-16le", lambda s: s.encode("utf-16-le"), "utf-16-le"),
    ("utf-16be", lambda s: s.encode("utf-16-be"), "utf-16-be"),
]


@pytest.mark.parametrize(("label", "encode", "name"), ENCODINGS, ids=[e[0] for e in ENCODINGS])
def test_same_report_in_every_encoding(label, encode, name):
    text, detected = decode_text(encode(REPORT))
    assert text == REPORT
    assert detected == name


@pytest.mark.parametrize(("label", "encode", "name"), ENCODINGS, ids=[e[0] for e in ENCODINGS])
def test_text_reader_gives_identical_documents(label, encode, name):
    reference = read_document(REPORT.encode("utf-8"), "r.txt")
    doc = read_document(encode(REPORT), "r.txt")
    assert [p.text for p in doc.paragraphs] == [p.text for p in reference.paragraphs]
    assert doc.metadata["encoding"] == name


def test_real_seed_round_trips_through_gb18030_and_utf16(corpus_dir):
    for path in sorted((corpus_dir / "seeds").glob("*.txt")):
        original = path.read_text(encoding="utf-8")
        for enc in ("gb18030", "utf-16-le", "utf-16-be"):
            assert decode_text(original.encode(enc))[0] == original, (path.name, enc)


def test_pure_chinese_utf16_without_any_ascii():
    text = "政府信息公开工作年度报告主动公开政府信息情况收到和处理政府信息公开申请情况"
    assert decode_text(text.encode("utf-16-le")) == (text, "utf-16-le")
    assert decode_text(text.encode("utf-16-be")) == (text, "utf-16-be")


def test_ascii_only_is_utf8():
    assert decode_text(b"2019\t0\t1\r\n") == ("2019\t0\t1\r\n", "utf-8")


def test_dos_eof_in_long_file_is_tolerated():
    data = (REPORT * 20).encode("gb18030") + b"\x1a"
    assert decode_text(data)[1] == "gb18030"


@pytest.mark.parametrize(
    "data",
    [
        os.urandom(4096),
        bytes(range(256)) * 16,
        b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + os.urandom(200),
        b"\x00\x01\x02\x03\x04\x05\x06\x07" * 100,
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" * 50,
    ],
    ids=["random", "all-bytes", "png", "control-bytes", "exe"],
)
def test_binary_is_refused(data):
    with pytest.raises(ReadError, match="不是可识别的文本文件"):
        decode_text(data)


# Lines of Chinese with figures, as in a report: every line has a digit and ends with a newline.
_cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
_ascii = st.sampled_from("0123456789abcXYZ ()%.,-")
_line = st.tuples(
    st.text(_cjk, min_size=2, max_size=30),
    st.text(_ascii, max_size=8),
    st.integers(0, 10**6),
    st.sampled_from(["", "\t", "　"]),
).map(lambda t: f"{t[3]}{t[0]}{t[1]}{t[2]}")
_report = (
    st.lists(_line, min_size=1, max_size=12)
    .map(lambda ls: "\n".join(ls) + "\n")
    .filter(lambda s: sum(1 for ch in s if ch >= "\u4e00") >= 8)
)


@settings(max_examples=150, deadline=None)
@given(_report, st.sampled_from(["utf-8", "gb18030", "utf-16-le", "utf-16-be", "utf-16"]))
def test_random_chinese_text_round_trips(text, encoding):
    assert decode_text(text.encode(encoding))[0] == text


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16-le", "utf-16-be", "utf-16"])
def test_truncated_file_decodes_to_a_prefix(encoding):
    data = REPORT.encode(encoding)
    for cut in range(len(data) // 3, len(data), 7):  # cuts land inside characters too
        text, _ = decode_text(data[:cut])
        assert REPORT.startswith(text)
        assert len(REPORT) - len(text) <= (len(data) - cut) + 1
