"""The region page: per-unit breakdown, 催报清单, the region's own report apart, no save button
without units, Excel in the official layout."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook


def test_region_page_breakdown_chase_list_and_exports(make_client, world) -> None:
    c = make_client("rev_hz")
    hz = world.regions["洪泽区"]
    page = c.get(f"/regions/{hz}/2023").text
    assert "各单位明细" in page and "洪泽区财政局" in page
    # the breakdown: a consolidated number and the unit's own number side by side
    cz = world.store.get_report(world.ids["hz_cz_2023"]).report
    value = int(cz.value("t3.new_received.total"))
    row = page.split("表三·一、本年新收政府信息公开申请数量·总计")[1].split("</tr>")[0]
    assert row.count(f"<td>{value}</td>") == 2  # 汇总 and 洪泽区财政局
    # 教育局 reported in 2024 but not in 2023: on the 催报清单
    assert "洪泽区教育局" in page.split("未报送单位")[1].split("</section>")[0]
    chase = c.get(f"/regions/{hz}/2023/missing.csv")
    rows = list(csv.reader(io.StringIO(chase.content.decode("utf-8-sig"))))
    assert rows[0] == ["序号", "单位", "所属地区", "年度", "状态"]
    assert any("洪泽区教育局" in r[1] and r[4] == "未报送" for r in rows[1:])
    assert c.get(f"/regions/{hz}/2023/missing.xlsx").content[:2] == b"PK"
    # Excel in the official layout: the fill-in workbook's sheets, with the sums
    wb = load_workbook(io.BytesIO(c.get(f"/regions/{hz}/2023/export.xlsx").content))
    names = wb.sheetnames
    assert any("表三" in n for n in names) and any("表四" in n for n in names)
    assert "本级报告" in page and 'action="/regions/' in page


def test_no_save_button_when_there_is_nothing_to_consolidate(make_client, world) -> None:
    c = make_client("admin")
    pt = world.regions["平潭县"]
    page = c.get(f"/regions/{pt}/2023").text
    assert "无法生成汇总报告" in page and "save-consolidation" not in page
