from __future__ import annotations

import formats_fixtures as fx
import pytest


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    # every test run converts afresh into its own cache; the LibreOffice profiles are shared
    # across the session so only the first conversion pays the profile's set-up
    monkeypatch.setenv("NIANBAO_CACHE_DIR", str(_session_cache(tmp_path_factory)))


_CACHE: list = []


def _session_cache(factory):
    if not _CACHE:
        _CACHE.append(factory.mktemp("nianbao-cache"))
    return _CACHE[0]


@pytest.fixture(scope="session")
def written():
    return fx.written_report(2023, seed=7)


@pytest.fixture(scope="session")
def soffice():
    if not fx.HAVE_SOFFICE:
        pytest.skip("LibreOffice (soffice) not installed")


@pytest.fixture(scope="session")
def written_pdf(written, soffice):
    from nianbao.readers import _libreoffice as lo

    (pdf,) = lo.convert_many([(written.docx, "docx")], "pdf", use_cache=False)
    assert isinstance(pdf, bytes), pdf
    return pdf


@pytest.fixture(scope="session")
def degraded_pages(written_pdf):
    if not fx.HAVE_PDFTOPPM:
        pytest.skip("pdftoppm (poppler-utils) not installed")
    pages = fx.pdf_pages(written_pdf, dpi=150)
    return [fx.degrade(p, seed=700 + i) for i, p in enumerate(pages)]
