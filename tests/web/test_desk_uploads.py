"""Uploads of many files: organ and year per file, 已在库中 for a stored file, a summary, the
refusal of what is not an annual report, and the history of one's uploads."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse


def _wait(c, url: str, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page = c.get(url).text
        if "已完成" in page or "已中断" in page:
            return page
        time.sleep(0.3)
    raise AssertionError("upload did not finish")


def test_many_files_with_duplicates_and_a_readme(make_client, corpus_dir, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("NIANBAO_ORIGINALS", str(tmp_path / "originals"))
    seed = corpus_dir / "seeds" / "000_99c313048ea6a297.txt"
    other = corpus_dir / "seeds" / "004_e35715c91d6cc432.txt"
    readme = corpus_dir / "README.md"
    c = make_client("admin")
    first = c.post_form("/upload", files={"file": (seed.name, seed.read_bytes())})
    assert first.status_code == 303 and first.headers["location"].startswith("/jobs/")
    done = _wait(c, first.headers["location"] + "/progress")
    rid = int(done.split('href="/reports/')[1].split('"')[0])
    # the uploaded file is kept: it opens beside the tables, sandboxed
    original = c.get(f"/reports/{rid}/original")
    assert original.status_code == 200 and original.text == seed.read_text(encoding="utf-8")
    assert "sandbox" in original.headers["content-security-policy"]
    files = [("file", (p.name, p.read_bytes())) for p in (seed, other, readme)]
    r = c.post_form("/upload", files=files)
    assert r.status_code == 303 and r.headers["location"].startswith("/uploads?")
    jobs = parse_qs(urlparse(r.headers["location"]).query)["jobs"][0].split(",")
    assert len(jobs) == 3
    page = _wait(c, "/uploads/progress?jobs=" + ",".join(jobs))
    assert "共 3 个文件，新入库 1 份，已在库中 1 份，失败 1 个（其中 1 个不是年度报告）" in page
    assert "不是政府信息公开工作年度报告" in page
    assert "乐业镇" in page and "2020" in page and "阁山镇" in page and "2021" in page
    assert page.count("已在库中") >= 2  # the summary and the duplicate's line
    history = c.get("/jobs").text
    assert "上传记录" in history and seed.name in history and history.count('href="/jobs/') >= 4
