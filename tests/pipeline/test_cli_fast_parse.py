"""`nianbao parse` read without typer (`cli._run`) means what typer would read, or is left to typer.

The hand parser exists for start-up time only; it must never disagree with the typer command: for
every command line it either returns exactly the parameters typer would pass, or None.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import typer.main

from nianbao.cli import _load_commands, _run, app

CASES = [
    ["a.txt"],
    ["a.txt", "b.html"],
    ["--provenance", "a.txt"],
    ["a.txt", "--provenance", "--jsonl"],
    ["-j", "2", "a.txt"],
    ["-j2", "a.txt"],
    ["--jobs=3", "a.txt", "b.txt"],
    ["--jobs", "0", "a.txt"],
    ["--timeout", "12.5", "a.txt"],
    ["--timeout=7", "--max-memory", "900", "a.txt"],
    ["--max-memory=512", "a.txt"],
    ["--timeout", "1", "--timeout", "2", "a.txt"],
    ["--", "-weird-name.txt"],
    ["a.txt", "--", "--provenance"],
    ["-", "a.txt"],
    ["--timeout", "-3", "a.txt"],
    # left to typer
    ["--help"],
    ["a.txt", "--hepl"],
    ["--jobs", "x", "a.txt"],
    ["--timeout"],
    [],
    ["--no-jsonl", "a.txt"],
    ["-jx", "a.txt"],
]


def _typer_params(args: list[str]) -> dict[str, object] | None:
    _load_commands(["parse"])
    command = typer.main.get_command(app).commands["parse"]  # type: ignore[attr-defined]
    try:
        ctx = command.make_context("parse", list(args))
    except (Exception, SystemExit):
        return None
    p = ctx.params
    return {
        "files": list(p["files"]),
        "provenance": p["provenance"],
        "jobs": p["jobs"],
        "timeout": p["timeout"],
        "memory": p["memory"],
    }


@pytest.mark.parametrize("args", CASES, ids=[" ".join(c) or "(none)" for c in CASES])
def test_the_fast_parser_agrees_with_typer_or_defers(args):
    mine = _run.parse_options(args)
    if mine is None:
        return  # typer reads it (and explains any mistake)
    assert mine == _typer_params(args)


def test_parse_runs_without_importing_typer(corpus_dir):
    path = corpus_dir / "seeds" / "000_99c313048ea6a297.txt"
    code = (
        "import sys\n"
        f"sys.argv = ['nianbao', 'parse', {str(path)!r}]\n"
        "from nianbao.cli import main\n"
        "main()\n"
        "assert 'typer' not in sys.modules and 'pydantic' not in sys.modules, 'typer loaded'\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert '"organ"' in proc.stdout


def test_an_empty_path_is_an_error_for_it_not_a_walk_of_the_working_directory(corpus_dir, tmp_path):
    # `nianbao parse "$FILE"` with FILE unset: Path("") is ".", and every file below the working
    # directory used to be parsed (506 s in a checkout); it is one error line, the rest still run
    (tmp_path / "not-to-be-read.txt").write_text("一、总体情况\n", "utf-8")
    path = corpus_dir / "seeds" / "000_99c313048ea6a297.txt"
    proc = subprocess.run(
        [sys.executable, "-m", "nianbao", "parse", "", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [line["source"] for line in lines] == ["", str(path)]
    assert lines[0]["error"] == "未给出文件路径（路径为空）"
    assert "error" not in lines[1] and lines[1]["organ"]
