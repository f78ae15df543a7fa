import os
from pathlib import Path

import pytest

SHARED = Path(os.environ.get("NIANBAO_SHARED", Path(__file__).resolve().parents[2] / "shared"))
CORPUS = SHARED / "corpus"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not (CORPUS / "gold").is_dir():
        pytest.skip("shared corpus not present")
    return CORPUS
