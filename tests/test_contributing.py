"""CONTRIBUTING.md's "Common changes": each is made once here, with exactly the files it lists.

Every example runs in a fresh interpreter, so what it registers (a rule, a reader, a template)
cannot leak into other tests. A new module is written into a scratch folder appended to the
package's search path (`nianbao.rules.__path__`, `nianbao.readers.__path__`): to the plugin loader
that is the same as a new file in `src/nianbao/rules/` or `src/nianbao/readers/`. A change to
`formats.yaml` is written as a template file given in `NIANBAO_TEMPLATES`, which replaces the
built-in template of the same id.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def documented_counts() -> dict[str, int]:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (a new [a-z ]+?) \| (\d+) \|", text, re.M)
    return {name: int(n) for name, n in rows}


def _written(folder: Path) -> list[Path]:
    """The files a change consists of (bytecode caches left by an import are not part of it)."""
    return [p for p in folder.iterdir() if p.name != "__pycache__"]


def run(code: str, env: dict[str, str] | None = None) -> dict[str, object]:
    """Run `code` in a fresh interpreter; it prints one JSON line, returned here."""
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_the_table_lists_the_four_changes() -> None:
    assert documented_counts() == {
        "a new label wording": 1,
        "a new rule": 1,
        "a new reader": 1,
        "a new template year": 1,
    }


WRITE_REPORT = """
import datetime as dt, json, random
import nianbao
from nianbao.synth.generate import consistent_cells
from nianbao.templates import template_for_year
from nianbao.writer import ReportData, render_report

def written(year, template=None):
    data = ReportData(
        organ="青山县人民政府办公室", year=year, template=template, published=dt.date(year + 1, 1, 20),
        cells=consistent_cells(template or template_for_year(year).id, random.Random(5)),
        sections={"overview": "本机关认真贯彻落实条例。", "other": "本年度未收取信息处理费。"},
    )
    return render_report(data, "txt")
"""


def test_a_new_label_wording_is_one_file(tmp_path: Path) -> None:
    import yaml

    from nianbao.templates import _raw

    wording = "本年度受理信息公开申请总数"
    tpl = json.loads(json.dumps(_raw()["templates"]["2021"]))  # the 2021 entry, as a plain copy
    rows = tpl["tables"]["t3"]["blocks"][0]["rows"]
    flat = [r for item in rows for r in (item if isinstance(item, list) else [item])]
    next(r for r in flat if r["key"] == "new_received").setdefault("variants", []).append(wording)
    tpl["tables"]["t3"]["blocks"][0]["rows"] = flat
    change = tmp_path / "formats.yaml"
    change.write_text(yaml.safe_dump({"templates": {"2021": tpl}}, allow_unicode=True), encoding="utf-8")
    code = textwrap.dedent(WRITE_REPORT) + textwrap.dedent(
        f"""
        text = written(2024).content.decode().replace("一、本年新收政府信息公开申请数量", "一、{wording}")
        report = nianbao.parse(text.encode(), name="r.txt")
        w = written(2024)
        read = all(report.value(k) == v for k, v in w.data.cells.items() if k.startswith("t3.new_received."))
        flagged = [f for f in report.findings if f.code == "ROW_LABEL_NONSTANDARD" and "{wording}" in f.message]
        print(json.dumps({{"read": read, "flagged": bool(flagged)}}))
        """
    )
    before = run(code)
    after = run(code, {"NIANBAO_TEMPLATES": str(change)})
    # unknown, the row is not read; listed as a variant, it is read and reported nonstandard
    assert before["read"] is False
    assert after == {"read": True, "flagged": True}
    assert len(_written(tmp_path)) == documented_counts()["a new label wording"]


def test_a_new_rule_is_one_file(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "overview_year.py").write_text(
        textwrap.dedent(
            """
            from nianbao.findings import Code, Finding, Severity
            from nianbao.plugins import report_rule


            @report_rule("overview_year", codes=[Code("OVERVIEW_NO_YEAR", Severity.INFO, "总体情况未写年度")])
            def check(report):
                overview = report.section("overview")
                if overview is not None and report.year and str(report.year) not in overview.text:
                    yield Finding("OVERVIEW_NO_YEAR", f"“总体情况”未提及 {report.year} 年", where=overview.heading)
            """
        ),
        encoding="utf-8",
    )
    result = run(
        f"""
        import json
        import nianbao.rules
        nianbao.rules.__path__.append({str(rules)!r})  # = a new file in src/nianbao/rules/
        from nianbao.findings import CATALOGUE
        from nianbao.model import Report, Section
        from nianbao.rules import validate
        report = Report(source="x", year=2024, sections=[Section("overview", "一、总体情况", "一、", "本机关……")])
        found = [f for f in validate(report) if f.code == "OVERVIEW_NO_YEAR"]
        print(json.dumps({{"found": len(found), "severity": str(found[0].severity), "title": CATALOGUE["OVERVIEW_NO_YEAR"][1]}}))
        """
    )
    assert result == {"found": 1, "severity": "info", "title": "总体情况未写年度"}
    assert len(_written(rules)) == documented_counts()["a new rule"]


def test_a_new_reader_is_one_file(tmp_path: Path) -> None:
    readers = tmp_path / "readers"
    readers.mkdir()
    (readers / "jsonlines.py").write_text(
        textwrap.dedent(
            '''
            """A toy format: one JSON string per line, each a printed line of the report."""
            import json

            from nianbao.document import Document, Paragraph, Provenance
            from nianbao.plugins import reader


            @reader("jsonlines", extensions=["jsonl"])
            def read(data: bytes, source: str) -> Document:
                lines = [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]
                return Document(source=source, format="jsonlines",
                                blocks=[Paragraph(t, Provenance(line=i)) for i, t in enumerate(lines, 1)])
            '''
        ),
        encoding="utf-8",
    )
    code = textwrap.dedent(WRITE_REPORT) + textwrap.dedent(
        f"""
        import nianbao.readers
        nianbao.readers.__path__.append({str(readers)!r})  # = a new file in src/nianbao/readers/
        w = written(2024)
        data = "\\n".join(json.dumps(line, ensure_ascii=False) for line in w.content.decode().splitlines())
        report = nianbao.parse(data.encode(), name="report.jsonl")
        same = all(report.value(k) == v for k, v in w.data.cells.items())
        print(json.dumps({{"format": report.format, "cells": same, "year": report.year}}))
        """
    )
    assert run(code) == {"format": "jsonlines", "cells": True, "year": 2024}
    assert len(_written(readers)) == documented_counts()["a new reader"]


def test_a_new_template_year_is_one_file(tmp_path: Path) -> None:
    from nianbao.testing import synthetic_template_yaml

    change = tmp_path / "formats.yaml"
    change.write_text(synthetic_template_yaml(new_id="2031"), encoding="utf-8")
    code = textwrap.dedent(WRITE_REPORT) + textwrap.dedent(
        """
        from nianbao.findings import Severity
        w = written(2032)
        report = nianbao.parse(w.content, name="r.txt")
        print(json.dumps({
            "template": report.template,
            "cells": all(report.value(k) == v for k, v in w.data.cells.items()),
            "errors": [f.code for f in report.findings if f.severity == Severity.ERROR],
        }))
        """
    )
    assert run(code, {"NIANBAO_TEMPLATES": str(change)}) == {"template": "2031", "cells": True, "errors": []}
    assert len(_written(tmp_path)) == documented_counts()["a new template year"]


@pytest.mark.parametrize("path", ["CHANGELOG.md", "CONTRIBUTING.md", "LICENSE"])
def test_project_files_exist(path: str) -> None:
    assert (ROOT / path).stat().st_size > 0
