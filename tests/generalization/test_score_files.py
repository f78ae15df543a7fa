"""bench/score_files.py scores copies some outside tool made, named <stem>__<tool>.<ext>."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "score_files.py"


def test_copies_are_scored_per_tool_and_wrong_ones_listed(corpus_dir: Path, tmp_path: Path) -> None:
    page = (corpus_dir / "html" / "pingtan-2021.html").read_bytes()
    (tmp_path / "pingtan-2021-html__copy.html").write_bytes(page)
    # the same page with 表三's 64 new natural-person applications printed as 46: one wrong cell
    (tmp_path / "pingtan-2021-html__edited.html").write_bytes(page.replace(b">64<", b">46<", 1))
    (tmp_path / "notes.txt").write_text("not a copy", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, str(BENCH), str(tmp_path)], capture_output=True, text=True, check=True
    ).stdout
    assert "copy" in out and "cells 100.00 % (200/200)  silent 0" in out
    edited = next(line for line in out.splitlines() if line.startswith("edited"))
    assert "(199/200)" in edited or "(198/200)" in edited
    assert "pingtan-2021-html:edited" in out
