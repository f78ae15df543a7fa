import pytest

from nianbao.templates import get_template
from nianbao.writer.layout import layouts


@pytest.mark.parametrize("template_id", ["2019", "2021"])
def test_grids_cover_every_position_once_and_every_cell_key(template_id):
    tpl = get_template(template_id)
    for tid, lay in layouts(tpl).items():
        table = lay.filled({})
        seen: set[tuple[int, int]] = set()
        for c in table.cells:
            for r in range(c.row, c.row + c.rowspan):
                for k in range(c.col, c.col + c.colspan):
                    assert (r, k) not in seen
                    seen.add((r, k))
        assert len(seen) == table.n_rows * table.n_cols
        assert sorted(lay.positions) == sorted(tpl.table(tid).cell_keys)


def test_t3_merged_header_and_vertical_results_label():
    lay = layouts(get_template("2021"))["t3"]
    by_text = {c.text: c for c in lay.cells}
    assert (by_text["申请人情况"].colspan, by_text["法人或其他组织"].colspan) == (7, 5)
    assert by_text["自然人"].rowspan == 2 and by_text["总计"].rowspan == 2
    results = by_text["三、本年度办理结果"]
    assert (results.row, results.col) in lay.vertical
    # 2 + 8 + 3 + 5 + 3 result rows and （七）总计
    assert results.rowspan == 22
    assert by_text["（三）不予公开"].rowspan == 8
    assert by_text["一、本年新收政府信息公开申请数量"].colspan == 3
    assert layouts(get_template("2019"))["t3"].cells[-1].text == "四、结转下年度继续办理"


def test_t4_two_level_header():
    lay = layouts(get_template("2019"))["t4"]
    by_text = {c.text: c for c in lay.cells}
    assert by_text["行政复议"].colspan == 5 and by_text["行政诉讼"].colspan == 10
    assert by_text["未经复议直接起诉"].colspan == 5
    assert {r for r, _, _ in lay.positions.values()} == {3}
