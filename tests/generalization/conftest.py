"""Session fixtures: every variant of the labelled corpus is built once per test session, in a
temp dir, with one LibreOffice call per conversion stage (see bench/make_variants.py)."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import ModuleType

import pytest
from _generalization import load_variants_module


@pytest.fixture(scope="session")
def mv(corpus_dir: Path) -> ModuleType:
    module = load_variants_module()
    if not module.SCORER.exists():
        pytest.skip(f"scorer not present: {module.SCORER}")
    return module


@pytest.fixture(scope="session")
def fast_variants(mv: ModuleType, corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not installed (apt-get install poppler-utils)")
    return mv.build_fast(tmp_path_factory.mktemp("variants-fast"), corpus_dir)


@pytest.fixture(scope="session")
def writer_variants(mv: ModuleType, corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    pytest.importorskip("nianbao.writer.render.docx")
    return mv.build_writer(tmp_path_factory.mktemp("variants-writer"), corpus_dir)


@pytest.fixture(scope="session")
def office_variants(
    mv: ModuleType, corpus_dir: Path, writer_variants: dict, tmp_path_factory: pytest.TempPathFactory
) -> dict:
    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        pytest.skip("LibreOffice not installed (apt-get install libreoffice-writer-nogui)")
    return mv.build_office(tmp_path_factory.mktemp("variants-office"), writer_variants, corpus_dir)


@pytest.fixture(scope="session")
def variant_of(request: pytest.FixtureRequest, mv: ModuleType):
    """(source, kind) -> the built Variant, building only the groups a test asks for."""

    def get(source: str, kind: str):
        if kind in mv.SLOW_KINDS:
            group = request.getfixturevalue("office_variants")
        elif kind in mv.WRITER_KINDS:
            group = request.getfixturevalue("writer_variants")
        else:
            group = request.getfixturevalue("fast_variants")
        return group[(source, kind)]

    return get
