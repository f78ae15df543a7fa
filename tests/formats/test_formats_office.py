"""DOC / WPS / RTF / ODT through LibreOffice, on reports written by nianbao's writer."""

from __future__ import annotations

import os
import threading
import time

import pytest

from nianbao.errors import MissingDependency, ReadError
from nianbao.readers import _libreoffice as lo
from nianbao.readers import choose_reader, read_document
from nianbao.readers.office import read_many

pytestmark = pytest.mark.libreoffice


def _values(doc) -> list[str]:
    """Every non-empty numeric cell of the document's tables, in reading order."""
    return [
        c.text.strip()
        for t in doc.tables
        for r in t.rows()
        for c in r
        if c.text.strip().replace(".", "").isdigit()
    ]


@pytest.fixture(scope="module")
def legacy(written, soffice):
    """The written DOCX as DOC, RTF and ODT (LibreOffice's own export filters)."""
    out = {}
    for fmt in ("doc", "rtf", "odt"):
        (data,) = lo.convert_many([(written.docx, "docx")], fmt, use_cache=False)
        assert isinstance(data, bytes), data
        out[fmt] = data
    return out


def _expected(written) -> list[str]:
    return [v for t in ("t2", "t3", "t4") for v in written.tables[t]]


@pytest.mark.parametrize("fmt", ["doc", "rtf", "odt"])
def test_legacy_file_reads_like_the_docx(legacy, written, fmt):
    doc = read_document(legacy[fmt], f"report.{fmt}")
    assert doc.format == fmt
    assert len(doc.tables) == 3
    assert _values(doc) == _expected(written)
    assert doc.paragraphs[0].text.startswith("某某市某某区某某镇人民政府2023年")


def test_wps_is_word97_inside_and_keeps_its_name(legacy, written):
    # Kingsoft WPS writes Word 97 binaries under .wps; the format name must say "wps"
    doc = read_document(legacy["doc"], "某镇年报.wps")
    assert doc.format == "wps"
    assert _values(doc) == _expected(written)


def test_sniffing_by_content_not_extension(legacy):
    assert lo.ole2_kind(legacy["doc"]) == "word"
    assert choose_reader(legacy["doc"], "report.html").name == "office"
    assert choose_reader(legacy["rtf"], "report.txt").name == "office"
    assert choose_reader(legacy["odt"], "report.zip").name == "office"
    assert lo.odf_mimetype(legacy["odt"]) == "application/vnd.oasis.opendocument.text"


def test_converted_files_are_cached_by_content(legacy, tmp_path, monkeypatch):
    monkeypatch.setenv("NIANBAO_CACHE_DIR", str(tmp_path))
    first = lo.convert(legacy["doc"], "doc", "docx")
    cached = list((tmp_path / "convert").glob("*.docx"))
    assert [p.name for p in cached] == [f"{lo.content_hash(legacy['doc'])}.docx"]
    monkeypatch.setenv("NIANBAO_SOFFICE", "/nonexistent/soffice")  # a second run must not need it
    t0 = time.perf_counter()
    assert lo.convert(legacy["doc"], "doc", "docx") == first
    assert time.perf_counter() - t0 < 0.5


def test_batch_converts_in_one_call_and_isolates_bad_files(legacy, written, tmp_path, monkeypatch):
    monkeypatch.setenv("NIANBAO_CACHE_DIR", str(tmp_path))
    broken = lo.OLE2_MAGIC + b"\x00" * 600 + "WordDocument".encode("utf-16-le") + os.urandom(3000)
    out = read_many(
        [(legacy["doc"], "a.doc"), (broken, "b.doc"), (b"plain text", "c.doc"), (legacy["rtf"], "d.rtf")]
    )
    assert [type(x).__name__ for x in out] == ["Document", "ReadError", "ReadError", "Document"]
    assert _values(out[0]) == _values(out[3]) == _expected(written)
    assert "LibreOffice" in str(out[1])


def test_parallel_workers_use_private_profiles(legacy, tmp_path, monkeypatch):
    monkeypatch.setenv("NIANBAO_CACHE_DIR", str(tmp_path))
    results: dict[str, bytes | Exception] = {}

    def work(fmt: str) -> None:
        try:
            results[fmt] = lo.convert(legacy[fmt], fmt, "docx")
        except Exception as exc:
            results[fmt] = exc

    threads = [threading.Thread(target=work, args=(f,)) for f in ("doc", "rtf", "odt")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    assert all(isinstance(v, bytes) and v[:2] == b"PK" for v in results.values()), results
    assert len(results) == 3


def test_missing_libreoffice_says_how_to_install(legacy, tmp_path, monkeypatch):
    monkeypatch.setenv("NIANBAO_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice anywhere
    monkeypatch.delenv("NIANBAO_SOFFICE", raising=False)
    with pytest.raises(MissingDependency) as exc:
        read_document(legacy["doc"], "report.doc")
    assert "apt-get install libreoffice-writer-nogui" in str(exc.value)
    assert "LibreOffice" in str(exc.value)


def test_encrypted_file_is_refused_with_a_reason():
    fake = lo.OLE2_MAGIC + b"\x00" * 100 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 100
    with pytest.raises(ReadError, match="加密"):
        read_document(fake, "secret.doc")


def test_time_limit_kills_the_whole_process_group(tmp_path):
    # soffice forks oosplash and soffice.bin; a stand-in that forks a sleeper shows the group dies
    pid_file = tmp_path / "child.pid"
    script = f"sleep 60 & echo $! > {pid_file}; wait"
    t0 = time.perf_counter()
    assert lo._run(["sh", "-c", script], timeout=1.0) is None
    assert time.perf_counter() - t0 < 10
    child = int(pid_file.read_text())
    time.sleep(0.2)
    assert not _alive(child)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as fh:
            state = next(line for line in fh if line.startswith("State:"))
    except FileNotFoundError:
        return False
    return "Z" not in state.split()[1]  # a zombie awaiting its reaper has been killed


def test_2019_template_report_as_doc(soffice):
    import formats_fixtures as fx

    old = fx.written_report(2020, seed=11)
    (doc_bytes,) = lo.convert_many([(old.docx, "docx")], "doc", use_cache=False)
    doc = read_document(doc_bytes, "2020年报.doc")
    assert doc.format == "doc"
    assert _values(doc) == [v for t in ("t2", "t3", "t4") for v in old.tables[t]]
