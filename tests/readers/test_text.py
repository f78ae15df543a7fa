"""The plain-text reader on the corpus's Word dumps and crawler dumps."""

from __future__ import annotations

import pytest

from nianbao.document import Paragraph
from nianbao.errors import ReadError
from nianbao.readers import choose_reader, read_document
from nianbao.readers.text import read


def test_every_seed_and_crawl_file_reads_line_for_line(corpus_dir):
    paths = sorted((corpus_dir / "seeds").glob("*.txt")) + sorted((corpus_dir / "crawl").glob("*.txt"))
    assert len(paths) >= 9
    for path in paths:
        doc = read_document(path)
        raw = path.read_text(encoding="utf-8").split("\n")
        if raw[-1] == "":
            raw.pop()
        assert doc.format == "text"
        assert doc.metadata["encoding"] == "utf-8"
        assert all(isinstance(b, Paragraph) for b in doc.blocks)
        assert [p.prov.line for p in doc.paragraphs] == list(range(1, len(raw) + 1))
        for p, line in zip(doc.paragraphs, raw, strict=True):
            assert p.text == line.replace("[bookmark: _GoBack]", ""), (path.name, p.prov.line)


def test_seed_keeps_tabs_and_drops_bookmark(corpus_dir):
    doc = read_document(corpus_dir / "seeds" / "001_39f905e0d0162760.txt")
    line12 = doc.paragraphs[11]
    assert line12.prov.line == 12
    assert line12.text == "\t第二十条第（一）项"
    assert not any("bookmark" in p.text for p in doc.paragraphs)


def test_seed_tab_separated_row_is_kept_verbatim(corpus_dir):
    doc = read_document(corpus_dir / "seeds" / "003_9062bfdbeadefa61.txt")
    rows = [p.text for p in doc.paragraphs if p.text.startswith("\t\t4.保护第三方合法权益")]
    assert rows == ["\t\t4.保护第三方合法权益\t0\t0\t0\t0\t0\t0\t0"]


def test_crawl_header_becomes_metadata(corpus_dir):
    doc = read_document(corpus_dir / "crawl" / "pingtan-2023.txt")
    assert doc.title == "平潭综合实验区2023年度政府信息公开工作年度报告"
    assert doc.metadata["published"] == "2024-03-08 15:34"
    assert doc.metadata["publisher"] == "平潭综合实验区管委会办公室"
    assert doc.metadata["url"].startswith("https://www.pingtan.gov.cn/")
    # the header lines stay in the document too: the reader does not decide what is content
    assert doc.paragraphs[0].text.startswith("标题: ")
    assert max(len(p.text) for p in doc.paragraphs) > 2000  # the body is one huge line


def test_word_dump_residue_is_removed_but_spacing_kept():
    data = ("\t[bookmark: _Toc123]一、总体情况\f\n本年\u200b新收\t821\u3000\n\n\xa00\n").encode()
    doc = read(data, "x.txt")
    assert [p.text for p in doc.paragraphs] == ["\t一、总体情况", "本年新收\t821\u3000", "", "\xa00"]


def test_line_endings():
    doc = read(b"a\r\nb\rc\nd", "x.txt")
    assert [(p.text, p.prov.line) for p in doc.paragraphs] == [("a", 1), ("b", 2), ("c", 3), ("d", 4)]


def test_gb18030_file_is_detected():
    doc = read("总计\t859\n".encode("gb18030"), "x.txt")
    assert doc.metadata["encoding"] == "gb18030"
    assert doc.paragraphs[0].text == "总计\t859"


def test_empty_and_binary_files_are_refused():
    with pytest.raises(ReadError, match="文件为空"):
        read(b"", "x.txt")
    with pytest.raises(ReadError, match="文件为空"):
        read_document(b"  \n\n", "x.txt")
    with pytest.raises(ReadError, match="不是可识别的文本文件"):
        read(b"\x00\x01\x02\xff\xfe\x03" * 50 + b"\x07", "x.txt")


def test_sniffing_picks_text_for_unknown_and_missing_extensions():
    data = "一、总体情况\n".encode()
    assert choose_reader(data, "report").name == "text"
    assert choose_reader(data, "report.dat").name == "text"
    assert choose_reader("一、总体情况\n".encode("utf-16"), "report").name == "text"
    # an extension another reader claims wins over the text fallback
    assert choose_reader(data, "report.md").name == "markdown"
