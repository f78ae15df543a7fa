"""Fuzzing the whole parse with corpus files mutated (bytes flipped, cut short, spliced, and the XML
inside DOCX/XLSX mutated before re-zipping): every outcome is a report or a clear error, never an
internal error, a crash or a hang. Derandomized under CI (see tests/conftest.py)."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.corpus.ingest import parse_item
from nianbao.isolation import Limits, Pool

pytestmark = pytest.mark.slow
# a longer hunt: NIANBAO_FUZZ_EXAMPLES=500 pytest tests/hostile/test_fuzz.py
EXAMPLES = int(os.environ.get("NIANBAO_FUZZ_EXAMPLES", 25))


def _seeds(corpus: Path) -> dict[str, bytes]:
    import random

    from nianbao.synth.generate import random_data
    from nianbao.writer import render_report
    from nianbao.writer.workbook import build_workbook

    data = random_data(random.Random(3), year=2023)
    return {
        "report.txt": (corpus / "seeds" / "001_39f905e0d0162760.txt").read_bytes(),
        "crawl.txt": (corpus / "crawl" / "pingtan-2019.txt").read_bytes(),
        "page.html": (corpus / "html" / "pingtan-2025.html").read_bytes(),
        "report.pdf": (corpus / "pdf" / "huaian-hongze-2024.pdf").read_bytes(),
        "report.docx": render_report(data, "docx").content,
        "report.xlsx": build_workbook(2023, data=data),
    }


class _Seeds(dict):
    def __repr__(self) -> str:  # hypothesis prints the arguments of a failing case
        return f"<{len(self)} corpus files>"


@pytest.fixture(scope="module")
def seeds(corpus_dir: Path) -> dict[str, bytes]:
    return _Seeds(_seeds(corpus_dir))


@pytest.fixture(scope="module")
def pool() -> Iterator[Pool]:
    with Pool(1, Limits(memory_mb=1536, cpu_seconds=60, wall_seconds=60)) as p:
        yield p


def _mutate_inner(data: bytes, member_pick: int, flips: list[tuple[float, int]], cut: float) -> bytes:
    """Mutate the uncompressed XML of one member of a ZIP container and zip it again."""
    src = zipfile.ZipFile(io.BytesIO(data))
    names = [n for n in src.namelist() if n.endswith(".xml")]
    target = names[member_pick % len(names)]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in src.namelist():
            body = bytearray(src.read(name))
            if name == target and body:
                for where, value in flips:
                    body[int(where * (len(body) - 1))] = value
                body = body[: max(1, int(len(body) * cut))]
            zf.writestr(name, bytes(body))
    return out.getvalue()


mutation = st.one_of(
    st.tuples(
        st.just("flip"), st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), min_size=1, max_size=24)
    ),
    st.tuples(st.just("cut"), st.floats(0.01, 0.99)),
    st.tuples(
        st.just("splice"),
        st.tuples(st.sampled_from(range(6)), st.floats(0, 1), st.floats(0, 1), st.floats(0, 0.3)),
    ),
    st.tuples(
        st.just("inner"),
        st.tuples(
            st.integers(0, 50),
            st.lists(
                st.tuples(st.floats(0, 1), st.sampled_from(b"<>&\"'=/ 0129;#x\x00\xff")),
                min_size=1,
                max_size=12,
            ),
            st.floats(0.2, 1.0),
        ),
    ),
)


def _apply(name: str, data: bytes, how: tuple, others: list[bytes]) -> bytes:
    kind, arg = how
    if kind == "flip":
        buf = bytearray(data)
        for where, value in arg:
            buf[int(where * (len(buf) - 1))] = value
        return bytes(buf)
    if kind == "cut":
        return data[: max(1, int(len(data) * arg))]
    if kind == "splice":
        other, at, start, length = arg
        donor = others[other % len(others)]
        a = int(start * len(donor))
        piece = donor[a : a + int(length * len(donor))]
        i = int(at * len(data))
        return data[:i] + piece + data[i:]
    member, flips, cut = arg
    if name.endswith((".docx", ".xlsx")):
        return _mutate_inner(data, member, flips, cut)
    return _apply(name, data, ("flip", [(w, v) for w, v in flips]), others)


@pytest.mark.parametrize(
    "name", ["report.txt", "crawl.txt", "page.html", "report.pdf", "report.docx", "report.xlsx"]
)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(how=mutation)
def test_mutated_corpus_files_never_cause_an_internal_error(
    name: str, how: tuple, seeds: dict[str, bytes], pool: Pool
) -> None:
    data = _apply(name, seeds[name], how, list(seeds.values()))
    out = pool.run(parse_item, name, data)
    assert out.kind in ("ok", "error"), (how, out.kind, out.error)  # no crash, no limit hit
    report, error = out.value
    if report is None:
        assert error and "内部错误" not in error, (how, error)
