"""CPU time of `nianbao parse one.txt` as a whole process, against `python -c pass`, in one run.

    python bench/bench_startup.py [--runs 11] [--against SRC] [FILE]

Each command runs `--runs` times in turn (A B A B …); a run's CPU is the user + system time the
kernel accounts to the child and its children (`resource.getrusage(RUSAGE_CHILDREN)` deltas: the
parse worker is a child too). Medians and the median of the per-pair differences are printed, with
the load average before and after.

Bytecode: an installed package has its `.pyc` files; a session with `PYTHONDONTWRITEBYTECODE=1`
compiles every module at every start. The script therefore runs with `PYTHONPYCACHEPREFIX` set to a
temporary folder (compiled on a first run that is not counted), as an installed nianbao would.
`--against SRC` (another checkout's `src`, e.g. a worktree of the commit before a change) adds
`nianbao parse` run from there (`PYTHONPATH=SRC`), in the same rounds: before and after measured at
the same load. Also printed, for where the time goes: importing the parse pipeline alone (`nianbao.api` named:
`import nianbao` no longer loads it).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from nianbao.testing import corpus_dir


def cpu_of(cmd: list[str], env: dict[str, str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", nargs="?", type=Path, default=corpus_dir() / "seeds" / "000_99c313048ea6a297.txt")
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--against", type=Path, help="another checkout's src folder, measured alongside")
    args = ap.parse_args()
    nianbao = str(Path(sys.executable).with_name("nianbao"))
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="nianbao-pyc-")
    commands = {
        "nianbao parse": [nianbao, "parse", str(args.file)],
        "import the parse pipeline": [
            sys.executable,
            "-c",
            "import nianbao.api, nianbao.cli._run, nianbao.isolation.tasks",
        ],
        "python -c pass": [sys.executable, "-c", "pass"],
    }
    envs = {name: env for name in commands}
    if args.against is not None:
        src = str(args.against.resolve())
        name = f"nianbao parse ({src})"
        commands = {name: commands["nianbao parse"], **commands}
        envs[name] = {**env, "PYTHONPATH": os.pathsep.join(filter(None, [src, env.get("PYTHONPATH")]))}
    for name, cmd in commands.items():  # compile the bytecode, warm the caches
        cpu_of(cmd, envs[name])
    load0 = os.getloadavg()[0]
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, cmd in commands.items():
            times[name].append(cpu_of(cmd, envs[name]))
    load1 = os.getloadavg()[0]
    print(f"# start-up CPU · {args.file.name} · {args.runs} runs each · load {load0:.1f} → {load1:.1f}")
    print("| command | median CPU s | min | max |")
    print("|---|---:|---:|---:|")
    for name, ts in times.items():
        print(f"| {name} | {statistics.median(ts):.3f} | {min(ts):.3f} | {max(ts):.3f} |")
    diffs = [a - b for a, b in zip(times["nianbao parse"], times["python -c pass"], strict=True)]
    print(f"\nnianbao parse − python -c pass, median of pairs: {statistics.median(diffs):.3f} s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
