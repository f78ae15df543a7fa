"""Organ identity: spellings of one organ share a key; departments and towns are told apart."""

from __future__ import annotations

import zipfile

from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao.corpus.inputs import member_name
from nianbao.identity import identify, split_regions


def _key(organ: str, region: str | None = None) -> tuple[str, str]:
    ident = identify(organ, region)
    assert ident is not None
    return ident.key, ident.kind


def test_spellings_of_a_county_government() -> None:
    keys = {
        _key("淮安市洪泽区人民政府"),
        _key("洪泽区人民政府", "淮安市"),
        _key("洪泽区政府"),
        _key(" 洪泽区 人民政府 "),
    }
    assert keys == {("洪泽区|人民政府", "政府")}


def test_towns_streets_departments_and_committees() -> None:
    assert _key("乐业镇", "同江市") == _key("同江市乐业镇人民政府") == ("乐业镇|人民政府", "乡镇")
    assert _key("高良涧街道办事处", "洪泽区") == ("高良涧街道|人民政府", "街道")
    assert _key("平潭综合实验区管委会") == _key("平潭综合实验区") == ("平潭综合实验区|人民政府", "政府")
    assert _key("洪泽区住房和城乡建设局") == ("洪泽区|住房和城乡建设局", "部门")
    assert _key("淮安市洪泽区市场监督管理局") == ("洪泽区|市场监督管理局", "部门")
    assert _key("上海市人民政府办公厅") == ("上海市|人民政府办公厅", "部门")
    assert identify("") is None


def test_region_levels() -> None:
    regions, rest = split_regions("黑龙江省佳木斯市同江市乐业镇人民政府")
    assert [(r.name, r.level) for r in regions] == [
        ("黑龙江省", "省"),
        ("佳木斯市", "市"),
        ("同江市", "县"),
        ("乐业镇", "乡镇"),
    ]
    assert rest == "人民政府"
    assert split_regions("北京市人民政府")[0][0].level == "省"


_HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
_name = st.text(_HAN, min_size=1, max_size=3).filter(
    lambda s: not any(c in s for c in "省市区县镇乡旗州盟地街道政府人民局委办部会院所队站司署城和与中心厅")
)


@settings(max_examples=60, deadline=None)
@given(
    city=_name, county=_name, dept=st.sampled_from(["教育局", "财政局", "卫生健康委员会", "人民政府", "政府"])
)
def test_prefix_and_context_spellings_agree(city: str, county: str, dept: str) -> None:
    full = identify(f"{city}市{county}县{dept}")
    short = identify(f"{county}县{dept}", f"{city}市")
    assert full is not None and short is not None
    assert full.key == short.key == f"{county}县|{'人民政府' if dept.endswith('政府') else dept}"


@settings(max_examples=60, deadline=None)
@given(st.text(_HAN, min_size=1, max_size=12))
def test_gbk_member_names_round_trip(name: str) -> None:
    raw = (name + ".txt").encode("gbk")
    info = zipfile.ZipInfo("x")
    info.filename = raw.decode("cp437")  # what zipfile gives for a name without the UTF-8 flag
    info.flag_bits = 0
    assert member_name(info) == name + ".txt"


@settings(max_examples=60, deadline=None)
@given(st.text(_HAN, min_size=1, max_size=12))
def test_utf8_member_names_without_the_flag(name: str) -> None:
    info = zipfile.ZipInfo("x")
    info.filename = (name + ".txt").encode("utf-8").decode("cp437")  # Linux/macOS archivers
    info.flag_bits = 0
    assert member_name(info) == name + ".txt"
