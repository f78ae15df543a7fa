"""The CLI end to end: the JSON Lines contract, bad input per file, `check` exit codes."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "nianbao"]


def run(*args, env=None, check=False):
    return subprocess.run(
        [*CLI, *map(str, args)], capture_output=True, text=True, env=env, timeout=300, check=check
    )


@pytest.fixture()
def bad_files(tmp_path: Path) -> list[Path]:
    files = {
        "empty.txt": b"",
        "binary.bin": bytes(range(256)) * 64,
        "corrupt.pdf": b"%PDF-1.7\n1 0 obj <<>> garbage without xref",
        "truncated.docx": b"PK\x03\x04" + b"\x00" * 40,
        "page.html": b"<html><body><p>" + b"<b>" * 5000 + b"no report here</p></body></html>",
    }
    out = []
    for name, data in files.items():
        p = tmp_path / name
        p.write_bytes(data)
        out.append(p)
    return out


def test_parse_jsonl_one_line_per_file_and_errors_do_not_stop_the_run(bad_files, corpus_dir):
    good = corpus_dir / "seeds" / "003_9062bfdbeadefa61.txt"
    missing = "/nonexistent/report.txt"
    proc = run("parse", "--jsonl", *bad_files, missing, good)
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [x["source"] for x in lines] == [*map(str, bad_files), missing, str(good)]
    by_name = {Path(x["source"]).name: x for x in lines}
    for name in ("empty.txt", "binary.bin", "corrupt.pdf", "truncated.docx", "report.txt"):
        assert by_name[name].get("error"), name
        assert "内部错误" not in by_name[name]["error"], by_name[name]["error"]
    ok = by_name[good.name]
    assert "error" not in ok and ok["year"] == 2021 and ok["template"] == "2021"
    assert len(ok["cells"]) == 200
    # the HTML page without a report is read; it simply has no tables
    assert by_name["page.html"].get("error") is None and by_name["page.html"]["cells"] == {}


def test_size_limit_gives_a_clear_error(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 5000)
    env = {**os.environ, "NIANBAO_MAX_BYTES": "1000"}
    line = json.loads(run("parse", "--jsonl", big, env=env).stdout)
    assert "文件过大" in line["error"]


def test_provenance_option(corpus_dir):
    line = json.loads(run("parse", "--provenance", corpus_dir / "pdf" / "huaian-hongze-2024.pdf").stdout)
    prov = line["provenance"]["t4.review.total"]["prov"]
    assert prov["page"] >= 1 and "bbox" in prov


def test_check_exit_codes(corpus_dir):
    clean = corpus_dir / "html" / "pingtan-2023.html"
    broken = corpus_dir / "pdf" / "huaian-hongze-2023.pdf"  # 表四 totals printed 0
    assert run("check", clean).returncode == 0
    proc = run("check", broken)
    assert proc.returncode == 1
    assert "T4_GROUP_TOTAL" in proc.stdout and "表四" in proc.stdout
    assert run("check", "--fail-on", "never", broken).returncode == 0
    assert run("check", "--fail-on", "warning", clean).returncode in (0, 1)


def test_python_api_from_bytes(corpus_dir):
    import nianbao

    data = (corpus_dir / "seeds" / "000_99c313048ea6a297.txt").read_bytes()
    report = nianbao.parse(data, "seed.txt")
    d = report.to_dict()
    assert d["organ"].endswith("乐业镇") and d["year"] == 2020
    assert report.cells["t3.new_received.natural_person"].value == 4
    with pytest.raises(nianbao.ReadError):
        nianbao.parse(b"", "empty.txt")


def test_a_file_that_takes_too_long_is_skipped_with_a_clear_error(tmp_path, corpus_dir):
    # 80k lines of a table-like dump: far more than a report, must be cut off by the time limit
    slow = tmp_path / "slow.txt"
    slow.write_text(
        "三、收到和处理政府信息公开申请情况\n" + "（一）予以公开\t1\t2\t3\n" * 80000, encoding="utf-8"
    )
    good = corpus_dir / "seeds" / "000_99c313048ea6a297.txt"
    proc = run("parse", "--timeout", "0.5", slow, good)
    lines = [json.loads(x) for x in proc.stdout.splitlines()]
    assert "超时" in lines[0]["error"]
    assert lines[1]["year"] == 2020


def test_parallel_parse_gives_the_same_lines_in_the_same_order(corpus_dir):
    files = sorted(str(p) for p in (corpus_dir / "seeds").glob("*.txt")) + ["/nonexistent.txt"]
    one = run("parse", *files).stdout.splitlines()
    many = run("parse", "-j", "2", *files).stdout.splitlines()
    assert one == many and len(one) == len(files)
