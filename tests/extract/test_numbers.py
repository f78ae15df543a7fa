from hypothesis import given
from hypothesis import strategies as st

from nianbao.extract.numbers import CellStatus, ParsedNumber, looks_like_value, parse_number

FULLWIDTH = str.maketrans("0123456789.,", "０１２３４５６７８９．，")


def test_plain_and_full_width_digits():
    assert parse_number("22") == ParsedNumber(22, CellStatus.OK)
    assert parse_number("２２").value == 22
    assert parse_number(" 1,234 ").value == 1234
    assert parse_number("－3").value == -3


def test_blank_markers_are_null_not_zero():
    for raw in ["", " ", "\u00a0", "/", "—", "——", "无", "－"]:
        parsed = parse_number(raw)
        assert parsed.value is None and parsed.status is CellStatus.BLANK, raw


def test_annotated_numbers_keep_the_number():
    parsed = parse_number("22（其中修订16件）")
    assert parsed.value == 22 and parsed.status is CellStatus.ANNOTATED
    assert parse_number("270.6万元", "万元") == ParsedNumber(270.6, CellStatus.ANNOTATED)


def test_amount_in_yuan_is_converted_to_wan():
    parsed = parse_number("251000元", "万元")
    assert parsed.value == 25.1 and parsed.status is CellStatus.CONVERTED


def test_text_is_not_a_number():
    assert parse_number("不适用").status is CellStatus.NOT_NUMERIC
    assert parse_number("见附件").status is CellStatus.NOT_NUMERIC
    assert not looks_like_value("自然人")


@given(
    st.integers(min_value=0, max_value=10**9),
    st.booleans(),
    st.booleans(),
    st.sampled_from(["", " ", "\u3000", "\u00a0"]),
)
def test_integers_survive_any_printing(n, full_width, commas, pad):
    text = f"{n:,}" if commas else str(n)
    if full_width:
        text = text.translate(FULLWIDTH)
    assert parse_number(pad + text + pad).value == n
    assert looks_like_value(pad + text + pad)


@given(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False))
def test_amounts_survive(d):
    parsed = parse_number(f"{d}", "万元")
    assert abs(parsed.value - float(d)) < 1e-9


@given(st.integers(min_value=0, max_value=10**8))
def test_yuan_to_wan_is_exact_division(n):
    parsed = parse_number(f"{n}元", "万元")
    assert abs(parsed.value - n / 10000) < 1e-9


WRAPPERS = [
    "<u>{}</u>",  # markitdown of LibreOffice DOCX
    "\\<u\\>{}\\</u\\>",  # kreuzberg's Markdown escapes the tags it keeps
    "&lt;u&gt;{}&lt;/u&gt;",  # kreuzberg's HTML writes them as text
    '<span class="underline">{}</span>',
    "_{}_",  # pandoc org
    "+{}+",  # pandoc jira, textile
    "[.underline]#{}#",  # pandoc asciidoc
    "**{}**",
    "=<u>{}</u>=",
]


@given(value=st.integers(0, 10**9), wrapper=st.sampled_from(WRAPPERS))
def test_markup_a_converter_wrapped_around_a_number_never_breaks_it(value: int, wrapper: str) -> None:
    assert parse_number(wrapper.format(value)) == parse_number(str(value))


def test_markup_around_a_label_is_not_part_of_it() -> None:
    from nianbao.extract.normalize import normalize

    label = "一、本年新收政府信息公开申请数量"
    for wrapper in WRAPPERS:
        assert normalize(wrapper.format(label)) == normalize(label), wrapper
    # a signed change and a lone marker keep their meaning
    assert parse_number("+3").value == 3 and parse_number("+3+").value == 3
    assert parse_number("-").status is CellStatus.BLANK
