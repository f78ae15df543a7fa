"""Only annual reports are stored: a README, a label file or a notice is an error row."""

from __future__ import annotations

import json
from pathlib import Path

from nianbao.api import parse
from nianbao.corpus.ingest import ingest, parse_item
from nianbao.review.identify import NOT_A_REPORT, not_a_report
from nianbao.store import Store


def test_notices_and_specs_are_not_reports(corpus_dir: Path) -> None:
    spec = corpus_dir.parent / "spec"
    for path in sorted((spec / "official").iterdir()) + [spec / "README.md", corpus_dir / "README.md"]:
        reason = not_a_report(parse(path))
        assert reason and reason.startswith(NOT_A_REPORT), path.name


def test_a_label_file_is_refused_by_parse_item(corpus_dir: Path) -> None:
    gold = next((corpus_dir / "gold").glob("*.json"))
    report, error = parse_item(gold.name, gold.read_bytes())
    assert report is None and error.startswith(NOT_A_REPORT)


def test_ingesting_the_corpus_folder_stores_exactly_the_reports(corpus_dir: Path, tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'c.db'}")
    stats = ingest(store, [corpus_dir], workers=2)
    files = [p for p in corpus_dir.rglob("*") if p.is_file() and not p.name.startswith(".")]
    labels = {p.name for p in files if p.suffix == ".json" or p.name == "README.md"}
    reports = {p.name for p in files} - labels
    stored = {Path(sr.report.source).name for sr in store.reports()}
    assert stored == reports
    assert stats.stored == len(reports) and stats.errors == len(labels)
    errors = {Path(d.path).name: d.error for d in store.documents(status="error")}
    assert set(errors) == labels
    assert all(e.startswith(NOT_A_REPORT) for e in errors.values())
    # every gold label names a stored document's reading, none is itself a report
    assert all(json.loads((corpus_dir / "gold" / n).read_text()) for n in labels if n.endswith(".json"))
    store.close()


def test_a_title_alone_makes_a_report_only_where_the_rest_may_be_unreadable_ink() -> None:
    from nianbao.model import Report

    title = "洪泽区人民政府2023年政府信息公开工作年度报告"
    # a page image that OCR could not read beyond its title: kept, the desk sees it
    scan = Report(source="scan.pdf", format="pdf", organ="洪泽区人民政府", year=2023, title=title)
    assert not_a_report(scan) is None
    assert not_a_report(Report(source="p.png", format="png", organ="洪泽区人民政府", title=title)) is None
    # a text that only quotes the title (a label file's notes, a news item): not a report
    for fmt in ("text", "markdown", "html", "docx"):
        quoted = Report(source=f"x.{fmt}", format=fmt, organ="洪泽区人民政府", year=2023, title=title)
        assert (not_a_report(quoted) or "").startswith(NOT_A_REPORT), fmt
