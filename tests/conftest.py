import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# CI must be reproducible: the same examples every run (a new counterexample found while developing
# becomes an explicit test). No deadlines anywhere: the machines are shared and timing is noise.
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", parent=settings.get_profile("dev"), derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))

SHARED = Path(os.environ.get("NIANBAO_SHARED", Path(__file__).resolve().parents[2] / "shared"))
CORPUS = SHARED / "corpus"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not (CORPUS / "gold").is_dir():
        pytest.skip("shared corpus not present")
    return CORPUS
