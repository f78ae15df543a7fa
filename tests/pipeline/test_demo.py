import subprocess
import sys

import pytest
from sqlalchemy import create_engine, text


@pytest.mark.slow  # two `nianbao demo` runs, each parsing every example
def test_demo_checks_and_stores_every_example(tmp_path):
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    proc = subprocess.run(
        [sys.executable, "-m", "nianbao", "demo", "--no-serve", "--db", db],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert "平潭综合实验区" in proc.stdout and "无法读取 0" in proc.stdout
    with create_engine(db).connect() as c:
        assert c.execute(text("SELECT count(*) FROM reports")).scalar() == 8
    # a second run finds everything already stored
    again = subprocess.run(
        [sys.executable, "-m", "nianbao", "demo", "--no-serve", "--db", db],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert "新增 0" in again.stdout
