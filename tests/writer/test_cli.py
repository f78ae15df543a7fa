import io

import docx
import yaml
from typer.testing import CliRunner

from nianbao.cli import _load_commands, app
from nianbao.writer.data import dump_mapping

from .test_ledger import generated_ledger, ledger_csv

_load_commands()
runner = CliRunner()


def test_write_from_yaml_and_ledger(tmp_path, sample_data):
    data_file = tmp_path / "data.yaml"
    data_file.write_text(yaml.safe_dump(dump_mapping(sample_data), allow_unicode=True), encoding="utf-8")
    rows, count = generated_ledger(120, seed=2)
    ledger = tmp_path / "台账.csv"
    ledger.write_text(ledger_csv(rows), encoding="utf-8")
    out = tmp_path / "report.docx"
    result = runner.invoke(app, ["write", str(data_file), "--ledger", str(ledger), "-o", str(out)])
    assert result.exit_code == 0, result.output
    doc = docx.Document(io.BytesIO(out.read_bytes()))
    received = sum(v for (row, _), v in count.items() if row == "new_received")
    assert any(p.text.startswith(f"本年度共新收政府信息公开申请{received}件") for p in doc.paragraphs)


def test_write_refuses_an_inconsistent_report(tmp_path, sample_data):
    cells = dict(sample_data.cells)
    cells["t3.granted.natural_person"] += 1
    data_file = tmp_path / "data.yaml"
    data_file.write_text(
        yaml.safe_dump(dump_mapping(sample_data.model_copy(update={"cells": cells})), allow_unicode=True),
        encoding="utf-8",
    )
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["write", str(data_file), "-o", str(out)])
    assert result.exit_code == 2 and not out.exists()
    assert "报告未生成" in result.output and "T3_ROW_TOTAL" in result.output
    result = runner.invoke(app, ["write", str(data_file), "-o", str(out), "--allow-errors"])
    assert result.exit_code == 0 and "附：检查发现的问题" in out.read_text(encoding="utf-8")


def test_template_command_and_bad_ledger(tmp_path):
    out = tmp_path / "填报表.xlsx"
    assert runner.invoke(app, ["template", "--year", "2020", "-o", str(out)]).exit_code == 0
    assert out.read_bytes()[:2] == b"PK"
    ledger = tmp_path / "台账.csv"
    ledger.write_text(
        "申请人类型,收到日期,办理结果,办结日期\n自然人,2024-13-01,予以公开,2024-02-01\n", encoding="utf-8"
    )
    result = runner.invoke(
        app,
        ["write", "--organ", "甲", "--year", "2024", "--ledger", str(ledger), "-o", str(tmp_path / "r.md")],
    )
    assert result.exit_code == 1 and "第2行" in result.output and "2024-13-01" in result.output


def test_template_prefilled_from_data_reads_back(tmp_path, sample_data):
    data_file = tmp_path / "data.json"
    import json

    data_file.write_text(json.dumps(dump_mapping(sample_data), ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "填报表.xlsx"
    result = runner.invoke(app, ["template", "--year", "2024", "--from", str(data_file), "-o", str(out)])
    assert result.exit_code == 0, result.output
    from nianbao.writer.workbook import read_workbook

    back = read_workbook(out)
    assert back.cells == sample_data.cells and back.sections == sample_data.sections
    assert back.published == sample_data.published
