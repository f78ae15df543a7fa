"""Check, correct, consolidate, compare, write and export through the web app."""

from __future__ import annotations

import io
import time
import zipfile

import pytest

from nianbao.templates import template_for_year
from nianbao.testing import corpus_dir
from nianbao.web.jobs import parse_with_timeout

from .conftest import XSS, api_headers

CORPUS = corpus_dir()


def _codes(client, rid):
    return {f["code"] for f in client.get(f"/api/reports/{rid}").json()["findings"] if not f["accepted"]}


def test_report_page_lays_out_official_tables_and_flags_cells(make_client, world):
    c = make_client("rev_hz")
    rid = world.ids["hz_cz_2024"]
    page = c.get(f"/reports/{rid}").text
    assert "本年新收政府信息公开申请数量" in page and "申请人情况" in page and "行政复议" in page
    # the broken 总计 cell is coloured as an error and says why on hover
    cell = page.split('id="cell-t3.new_received.total"')[1].split("</td>")[0]
    assert "sev-error" in cell and "总计" in cell
    panel = c.get(f"/reports/{rid}/cells/t3.new_received.total").text
    assert "更正为" in panel and "T3_ROW_TOTAL" not in panel or "表三行总计" in panel


def test_correction_revalidates_and_keeps_the_original(make_client, world):
    c = make_client("rev_hz")
    rid = world.ids["hz_cz_2024"]
    assert "T3_ROW_TOTAL" in _codes(c, rid)
    before = c.get(f"/api/reports/{rid}").json()
    cols = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org")
    right = sum(before["cells"][f"t3.new_received.{k}"] for k in cols)
    wrong = before["cells"]["t3.new_received.total"]
    r = c.post_form(f"/reports/{rid}/cells/t3.new_received.total", {"value": str(right)})
    assert r.status_code == 303
    assert "T3_ROW_TOTAL" not in _codes(c, rid)
    after = c.get(f"/api/reports/{rid}").json()
    assert after["cells"]["t3.new_received.total"] == right
    (edit,) = after["edits"]
    assert edit["old"] == wrong and edit["new"] == right and edit["who"] == "rev_hz"
    page = c.get(f"/reports/{rid}").text
    assert "更正记录" in page and "rev_hz" in page
    cell = page.split('id="cell-t3.new_received.total"')[1].split("</td>")[0]
    assert "sev-error" not in cell and "edited" in cell
    # a wrong value brings the finding back at once
    c.put(
        f"/api/reports/{rid}/cells/t3.new_received.total", json={"value": right + 1}, headers=api_headers(c)
    )
    assert "T3_ROW_TOTAL" in _codes(c, rid)
    assert c.post_form(f"/reports/{rid}/cells/t3.new_received.total", {"value": "abc"}).status_code == 422


def test_accepting_a_finding_with_a_comment(make_client, world):
    c = make_client("rev_hz")
    rid = world.ids["hz_cz_2024"]
    f = next(f for f in c.get(f"/api/reports/{rid}").json()["findings"] if f["code"] == "T3_ROW_TOTAL")
    assert (
        c.post_form(
            f"/findings/{f['id']}/accept", {"comment": "原件如此，已电话核实", "accepted": "1"}
        ).status_code
        == 303
    )
    assert "T3_ROW_TOTAL" not in _codes(c, rid)
    page = c.get(f"/reports/{rid}").text
    assert "原件如此，已电话核实" in page and "已接受" in page
    row = next(x for x in world.store.findings(report_id=rid) if x.id == f["id"])
    assert row.accepted and row.accepted_by == "rev_hz" and row.accepted_at is not None
    # re-validation after an unrelated correction keeps the acceptance
    c.put(f"/api/reports/{rid}/cells/t2.rules.issued", json={"value": 1}, headers=api_headers(c))
    assert "T3_ROW_TOTAL" not in _codes(c, rid)


def test_document_text_is_escaped(make_client, world):
    c = make_client("admin")
    page = c.get(f"/reports/{world.ids['hz_cz_2024']}").text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert XSS not in c.get("/reports").text


def test_filters_and_list_exports(make_client, world):
    c = make_client("admin")
    assert len(c.get("/api/reports", params={"year": 2023}).json()) == 1
    assert {r["organ"] for r in c.get("/api/reports", params={"region": "平潭县"}).json()} == {
        "平潭县交通运输局"
    }
    assert [r["id"] for r in c.get("/api/reports", params={"status": "error"}).json()] == [
        world.ids["hz_cz_2024"]
    ]
    page = c.get("/reports", params={"organ": "洪泽区教育局"}).text
    assert "洪泽区教育局" in page and "平潭县交通运输局" not in page
    x = c.get("/reports/export.xlsx", params={"year": 2024})
    assert x.content[:2] == b"PK"
    lines = c.get("/reports/export.jsonl").text.strip().splitlines()
    assert len(lines) == 4
    import pyarrow.parquet as pq

    table = pq.read_table(io.BytesIO(c.get("/reports/export.parquet", params={"year": 2023}).content))
    assert table.num_rows == 1 and "t3.new_received.total" in table.column_names


def test_report_exports(make_client, world):
    c = make_client("admin")
    rid = world.ids["hz_jy_2024"]
    assert c.get(f"/reports/{rid}/export.docx").content[:2] == b"PK"
    html = c.get(f"/reports/{rid}/export.html").text
    assert "<table" in html and "洪泽区教育局" in html
    assert c.get(f"/reports/{rid}/export.json").json()["year"] == 2024
    assert c.get(f"/reports/{rid}/export.exe").status_code == 404


def test_consolidation_page_sums_units_and_lists_problems(make_client, world):
    c = make_client("rev_ha")
    rid = world.regions["洪泽区"]
    data = c.get(f"/api/regions/{rid}/2024/consolidated").json()
    reports = [c.get(f"/api/reports/{world.ids[n]}").json() for n in ("hz_cz_2024", "hz_jy_2024")]
    key = "t3.new_received.natural_person"
    assert data["cells"][key] == sum(r["cells"][key] for r in reports)
    assert {u["name"] for u in data["unreliable"]} == {"洪泽区财政局"}
    page = c.get(f"/regions/{rid}/2024").text
    assert "已汇总 2 个单位" in page and "洪泽区财政局" in page
    assert c.get(f"/regions/{rid}/2024/export.csv").text.count("\n") > 190
    assert c.get(f"/regions/{rid}/2024/export.docx").content[:2] == b"PK"


def test_year_over_year_shows_deltas_and_text_diff(make_client, world):
    c = make_client("writer_cz")
    oid = world.organs["洪泽区财政局"]
    data = c.get(f"/api/organs/{oid}/years").json()
    assert [p["from"] for p in data["pairs"]] == [2023] and [p["to"] for p in data["pairs"]] == [2024]
    page = c.get(f"/organs/{oid}").text
    assert "2023 → 2024" in page and "相似度" in page and ("<ins>" in page or "<del>" in page)


def test_dashboard(make_client, world):
    c = make_client("admin")
    d = c.get("/api/dashboard").json()
    assert d["reports"] == 4 and d["years"] == [2023, 2024]
    assert sum(x["value"] for x in d["applicants"]) > 0
    assert {x["code"] for x in d["findings"]} >= {"T3_ROW_TOTAL"}
    page = c.get("/dashboard").text
    assert "echarts-5.6.0.min.js" in page and 'id="dashboard-data"' in page
    # a writer's dashboard only counts their organ
    assert make_client("writer_jy").get("/api/dashboard").json()["reports"] == 1
    assert c.get("/static/vendor/echarts-5.6.0.min.js").status_code == 200


def test_write_form_checks_live_and_downloads(make_client, world):
    c = make_client("writer_cz")
    form = c.get("/write?year=2024").text
    assert 'name="cell:t3.new_received.natural_person"' in form and "洪泽区财政局" in form
    assert 'name="cell:t2.rules.issued"' in form  # 2021 template for 2024
    assert 'name="cell:t2.rules.made"' in c.get("/write?year=2020").text  # 2019 template
    zeros = {f"cell:{k}": "0" for k in template_for_year(2024).cell_keys}  # what the browser sends, filled
    fields = {
        **zeros,
        "year": "2024",
        "cell:t3.new_received.natural_person": "5",
        "cell:t3.new_received.total": "9",
    }
    r = c.post_form("/write/check", fields)
    assert "T3_ROW_TOTAL" in r.text or "表三行总计" in r.text
    fields["cell:t3.new_received.total"] = "5"
    assert "表三行总计" not in c.post_form("/write/check", fields).text
    ok = {**zeros, "year": "2024", "fmt": "docx", "section:overview": "本机关认真贯彻落实。"}
    r = c.post_form("/write/download", ok)
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert "attachment" in r.headers["content-disposition"]
    bad = {**ok, "cell:t3.new_received.natural_person": "5", "cell:t3.new_received.total": "9"}
    r = c.post_form("/write/download", bad)
    assert r.status_code == 422 and "未生成文件" in r.text
    r = c.post_form("/write/download", {**bad, "allow_errors": "1", "fmt": "html"})
    assert r.status_code == 200 and "<table" in r.text


def test_write_imports_the_fill_in_workbook(make_client):
    from nianbao.writer import ReportData
    from nianbao.writer.workbook import build_workbook

    data = ReportData(organ="x", year=2024, cells={"t3.new_received.natural_person": 7})
    content = build_workbook(2024, data=data)
    c = make_client("writer_cz")
    r = c.post_form(
        "/write/import", {"kind": "workbook", "year": "2024"}, files={"file": ("填报表.xlsx", content)}
    )
    assert r.status_code == 200, r.text
    assert (
        'name="cell:t3.new_received.natural_person" id="cell-t3.new_received.natural_person" value="7"'
        in r.text
    )


def _wait(c, job_id: str, timeout: float = 90) -> dict:
    end = time.time() + timeout
    while time.time() < end:
        job = c.get(f"/api/jobs/{job_id}").json()
        if job["done"]:
            return job
        time.sleep(0.2)
    raise AssertionError("job did not finish")


def test_upload_a_corpus_report(make_client):
    path = CORPUS / "seeds" / "000_99c313048ea6a297.txt"
    if not path.exists():
        pytest.skip("corpus absent")
    c = make_client("admin")
    r = c.post_form("/upload", files={"file": (path.name, path.read_bytes())})
    assert r.status_code == 303 and r.headers["location"].startswith("/jobs/")
    job_id = r.headers["location"].rsplit("/", 1)[-1]
    assert 'hx-trigger="every 1s"' in c.get(f"/jobs/{job_id}/progress").text or _wait(c, job_id)
    job = _wait(c, job_id)
    (item,) = job["items"]
    assert item["status"] == "ok", item
    page = c.get(f"/reports/{item['report_id']}").text
    assert "表三" in page and "cell-t3.new_received.total" in page
    assert "已完成" in c.get(f"/jobs/{job_id}/progress").text
    # the same file again finds the stored report
    again = _wait(
        c,
        c.post("/api/jobs", files={"file": (path.name, path.read_bytes())}, headers=api_headers(c)).json()[
            "id"
        ],
    )
    assert again["items"][0]["report_id"] == item["report_id"]


def test_zip_upload_with_a_bomb_member_and_junk(make_client):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("一.txt", "某某县人民政府2024年政府信息公开工作年度报告\n一、总体情况\n本年度……".encode())
        z.writestr("bomb.txt", b"0" * (30 * 1024 * 1024))  # 30 MB of zeros: ratio ~1000
        z.writestr("junk.bin", b"\x00\x01\x02" * 100)
    c = make_client("admin")
    job = c.post("/api/jobs", files={"file": ("batch.zip", buf.getvalue())}, headers=api_headers(c))
    assert job.status_code == 202
    items = {i["name"].rsplit("!", 1)[-1]: i for i in _wait(c, job.json()["id"])["items"]}
    assert items["bomb.txt"]["status"] == "error" and "压缩" in items["bomb.txt"]["error"]
    assert items["junk.bin"]["status"] == "error"
    assert items["一.txt"]["status"] in ("ok", "error") and len(items) == 3


def test_hostile_uploads_are_refused(make_client):
    c = make_client("admin")
    big = c.post("/api/jobs", files={"file": ("big.txt", b"a" * (6 * 1024 * 1024))}, headers=api_headers(c))
    assert big.status_code == 413
    exe = c.post(
        "/api/jobs",
        files={"file": ("report.docx", b"MZ\x90\x00" + bytes(range(256)) * 10)},
        headers=api_headers(c),
    )
    assert exe.status_code == 415 and "无法识别" in exe.json()["detail"]
    empty = c.post("/api/jobs", files={"file": ("e.txt", b"  ")}, headers=api_headers(c))
    assert empty.status_code == 422


def test_parse_time_limit_stops_a_slow_file():
    path = CORPUS / "pdf" / "huaian-city-2024.pdf"
    if not path.exists():
        pytest.skip("corpus absent")
    t0 = time.time()
    report, error = parse_with_timeout(path.name, path.read_bytes(), timeout=0.01)
    assert report is None and "超时" in error
    assert time.time() - t0 < 10


def test_write_imports_a_case_ledger_into_table_four(make_client):
    ledger = "案件类型,结果,立案日期\n行政复议,维持,2024-03-01\n行政复议,纠正,2024-05-02\n复议后起诉,驳回,2024-06-03\n"
    c = make_client("writer_cz")
    r = c.post_form(
        "/write/import",
        {"kind": "cases", "year": "2024"},
        files={"file": ("复议诉讼台账.csv", ledger.encode("utf-8"))},
    )
    assert r.status_code == 200, r.text

    def value(key: str) -> str:
        return r.text.split(f'name="cell:{key}"')[1].split('value="')[1].split('"')[0]

    assert value("t4.review.upheld") == "1" and value("t4.review.corrected") == "1"
    assert value("t4.litigation_after_review.upheld") == "1"
    bad = c.post_form(
        "/write/import",
        {"kind": "cases", "year": "2024"},
        files={"file": ("台账.csv", "甲,乙\n1,2\n".encode())},
    )
    assert bad.status_code == 422 and "导入失败" in bad.text
