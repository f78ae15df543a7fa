"""Label matching on wordings taken from real reports."""

import pytest

from nianbao.extract.labels import ALIAS, EXACT, FUZZY, VARIANT, label_index, match_heading
from nianbao.extract.normalize import normalize, strip_numbering


@pytest.mark.parametrize(
    "printed,key,quality",
    [
        ("一、本年新收政府信息公开申请数量", "new_received", EXACT),
        ("一、本年新收到政府信息公开申请数量", "new_received", VARIANT),  # seed 001
        ("二、上年转结政府信息公开申请数量", "carried_over", VARIANT),  # seed 001
        ("（二）部分公开（区分处理的，只记这一情形，不计其他情形）", "partially_granted", EXACT),  # 记/计
        (
            "（二）部分公开（区分处理的，只计这一情形，不计其他",
            "partially_granted",
            EXACT,
        ),  # wrapped in a PDF cell
        ("2.其他法律行政止公开", "denied.prohibited_by_law", VARIANT),  # 洪泽区 typo
        ("3.危及“三安全一稳定”", "denied.three_safety_one_stability", EXACT),
        ("（七）总计", "results_total", EXACT),
    ],
)
def test_t3_rows(printed, key, quality):
    index = label_index("2021", "t3")
    after = 27 if key == "results_total" else -1  # a short label is only taken near its place
    m = index.match_row(printed, after=after)
    assert m is not None and m.row.key == key and m.quality == quality


def test_a_typo_not_listed_is_still_matched_but_flagged():
    m = label_index("2021", "t3").match_row("5.属于三类内部事物信息", after=9)
    assert m is not None and m.row.key == "denied.internal_affairs" and m.quality == FUZZY


def test_short_labels_only_near_their_place():
    index = label_index("2021", "t3")
    # the 其他 column header comes before any row: not the row "3.其他" thirty rows later
    assert index.match_row("其他", after=-1) is None
    assert index.match_row("总计", after=-1) is None
    # … but with its own numbering a short label is the row wherever the walk stands: a table
    # read from its middle (a converter's one-row tables after rows printed blank) prints （七）总计
    assert index.match_row("（七）总计", after=-1).row.key == "results_total"
    assert index.match_row("3.其他", after=-1).row.key == "other.other"
    assert (
        index.match_row("（六）其他", after=-1) is None or index.match_row("（六）其他", after=-1).row.group
    )


def test_2021_normative_docs_wording_in_2019_is_an_alias():
    m = label_index("2019", "t2").match_row("行政规范性文件", after=0)
    assert m.row.key == "normative_docs" and m.quality == ALIAS
    m = label_index("2021", "t2").match_row("规范性文件", after=0)
    assert m.row.key == "normative_docs" and m.quality == VARIANT


@pytest.mark.parametrize(
    "line,key",
    [
        ("一、总体情况", "overview"),
        ("1、 总体情况", "overview"),
        ("二、行政机关主动公开政府信息情况", "proactive"),
        ("四、因政府信息公开工作被申请行政复议、提起行政诉讼情况", "appeals"),
        ("5、 政府信息公开工作存在的主要问题及改进情况", "problems"),
        ("六、其他需要报告的事项", "other"),
    ],
)
def test_part_headings(line, key):
    m = match_heading(line)
    assert m is not None and m.section.key == key


def test_sentences_are_not_headings():
    assert (
        match_heading("本报告包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况等六个部分。")
        is None
    )
    assert match_heading("四、结转下年度继续办理") is None


def test_numbering_is_stripped():
    assert strip_numbering(normalize("三、（一）予以公开")) == ("三.(一)", "予以公开")
    assert strip_numbering(normalize("(三) 1.属于国家秘密")) == ("(三)1.", "属于国家秘密")


@pytest.mark.parametrize(
    "line,key",
    [
        ("三、依申请公开政府信息办理情况", "requests"),
        ("四、政府信息公开行政复议和行政诉讼情况", "appeals"),
        ("五、工作中存在的问题和下一步改进措施", "problems"),
    ],
)
def test_unlisted_heading_wordings_by_key_words(line, key):
    m = match_heading(line)
    assert m is not None and m.section.key == key and m.quality == VARIANT


def test_key_words_need_top_level_numbering():
    assert match_heading("（三）依申请公开办理情况") is None
    assert match_heading("依申请公开办理情况") is None


def test_a_short_label_with_another_items_number_is_not_that_row():
    # 「（六）其他」: the group label （六）其他处理 cut by its wrap (PyMuPDF, LibreOffice's PDF
    # import), not the sub-row 「3.其他」 — whose numbers it took, silently
    index = label_index("2021", "t3")
    assert index.match_row("（六）其他", 20) is None
    assert index.match_row("3.其他", 20).row.key == "other.other"
    assert index.match_row("其他", 25).row.key == "other.other"
    assert index.match_row("（三）其他", 25).row.key == "other.other"  # 3 whichever way it is written
