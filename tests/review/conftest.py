from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nianbao.corpus.ingest import ingest
from nianbao.corpus.runner import run_corpus_rules
from nianbao.store import Store

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "nianbao" / "examples"


@pytest.fixture(scope="session")
def examples_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled examples ingested once per session; tests copy the file."""
    path = tmp_path_factory.mktemp("examples") / "examples.db"
    store = Store(f"sqlite:///{path}")
    ingest(store, [EXAMPLES], workers=1)
    run_corpus_rules(store)
    store.close()
    return path


@pytest.fixture
def examples_store(examples_db: Path, tmp_path: Path):
    copy = tmp_path / "ex.db"
    shutil.copyfile(examples_db, copy)
    store = Store(f"sqlite:///{copy}")
    yield store
    store.close()
