"""Session fixtures: every variant of the labelled corpus is built once per test session, in a
temp dir, with one LibreOffice call per conversion stage and one Chromium for all the prints
(see bench/make_variants.py). NIANBAO_VARIANTS_CACHE=DIR keeps the conversions between runs."""

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
    return mv.build_writer(tmp_path_factory.mktemp("variants-writer"), corpus_dir)


@pytest.fixture(scope="session")
def office_variants(
    mv: ModuleType, corpus_dir: Path, writer_variants: dict, tmp_path_factory: pytest.TempPathFactory
) -> dict:
    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        pytest.skip("LibreOffice not installed (apt-get install libreoffice-writer-nogui)")
    return mv.build_office(tmp_path_factory.mktemp("variants-office"), writer_variants, corpus_dir)


@pytest.fixture(scope="session")
def convert_variants(
    mv: ModuleType, corpus_dir: Path, writer_variants: dict, tmp_path_factory: pytest.TempPathFactory
) -> dict:
    pytest.importorskip("markitdown")
    try:
        mv.pandoc_binary()
    except RuntimeError as exc:
        pytest.skip(str(exc))
    return mv.build_convert(tmp_path_factory.mktemp("variants-convert"), writer_variants, corpus_dir)


@pytest.fixture(scope="session")
def office_convert_variants(
    mv: ModuleType,
    office_variants: dict,
    writer_variants: dict,
    convert_variants: dict,
    tmp_path_factory: pytest.TempPathFactory,
) -> dict:
    return mv.build_office_convert(
        tmp_path_factory.mktemp("variants-office-convert"), office_variants, writer_variants
    )


@pytest.fixture(scope="session")
def chromium_variants(
    mv: ModuleType,
    corpus_dir: Path,
    writer_variants: dict,
    convert_variants: dict,
    tmp_path_factory: pytest.TempPathFactory,
) -> dict:
    if not Path(mv.CHROMIUM).exists():
        pytest.skip(f"chromium not installed: {mv.CHROMIUM} (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api")
    return mv.build_chromium(tmp_path_factory.mktemp("variants-chromium"), writer_variants, corpus_dir)


@pytest.fixture(scope="session")
def synth_variants(mv: ModuleType, corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    return mv.build_synth(tmp_path_factory.mktemp("variants-synth"), corpus_dir, mv.SYNTH_FORMATS)


GROUP_FIXTURES = {
    "synth": "synth_variants",
    "synth-docx": "synth_variants",
    "fast": "fast_variants",
    "writer": "writer_variants",
    "office": "office_variants",
    "convert": "convert_variants",
    "office-convert": "office_convert_variants",
    "chromium": "chromium_variants",
}


@pytest.fixture(scope="session")
def variant_of(request: pytest.FixtureRequest, mv: ModuleType):
    """(source, kind) -> the built Variant, building only the groups a test asks for."""

    def get(source: str, kind: str):
        return request.getfixturevalue(GROUP_FIXTURES[mv.group_of(kind)])[(source, kind)]

    return get
