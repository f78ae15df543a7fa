"""Evaluation benchmark: `nianbao evaluate` on the bundled examples and on N synthetic reports.

    python bench/bench_evaluate.py --examples
    python bench/bench_evaluate.py -n 10000 --workdir /tmp/nianbao-bench-eval [--repeat 3]

The synthetic corpus is made and loaded the way a user would: `nianbao synth -n N --layouts
txt-rows` (its truth files moved aside), then `nianbao ingest`; the database is kept in the work
folder, so a second run only times the evaluation. Every command runs as a child process; its CPU
time (user + system, from getrusage of the children) is reported beside the wall time, since the
two shared cores make wall time depend on the neighbours.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
EXAMPLES = HERE / "src" / "nianbao" / "examples"


def run(args: list[str]) -> tuple[float, float, float, str]:
    """(wall s, CPU s, peak RSS MB, stdout) of `python -m nianbao …`, from this child's own rusage
    (os.wait4), so an earlier ingest's workers do not count."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "nianbao", *args], stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        raise SystemExit(f"nianbao {' '.join(args)} failed ({proc.returncode}):\n{stderr}")
    cpu = usage.ru_utime + usage.ru_stime  # with its own waited-for children (ingest's workers)
    return wall, cpu, usage.ru_maxrss / 1024, stdout


def timed(args: list[str], repeat: int) -> dict[str, float]:
    walls, cpus, rss = [], [], 0.0
    for _ in range(repeat):
        wall, cpu, peak, _ = run(args)
        walls.append(wall)
        cpus.append(cpu)
        rss = max(rss, peak)
    return {"wall": statistics.median(walls), "cpu": statistics.median(cpus), "rss": rss}


def region_years(db: str) -> list[tuple[str, int, int]]:
    """(region, year, reports) for every region and year with reports, largest first."""
    from nianbao.store import Store
    from nianbao.store import evaluation as queries

    store = Store(db)
    try:
        nodes = {r.id: r for r in queries.regions(store)}
        counts: Counter[tuple[int, int]] = Counter()
        for k in queries.report_keys(store):
            cur = k.region_id
            while cur is not None and k.year is not None:  # a report counts for its region and above
                counts[(cur, k.year)] += 1
                cur = nodes[cur].parent_id
        return [(nodes[rid].name, y, n) for (rid, y), n in counts.most_common()]
    finally:
        store.close()


def in_process(db: str, region: str, year: int, repeat: int, tidy: bool = True) -> tuple[float, float, int]:
    """CPU seconds of evaluate_region (median) and of the tidy table, in this process (no start-up)."""
    from nianbao.evaluation import evaluate_region, load_rubric
    from nianbao.evaluation.tidy import tidy_rows
    from nianbao.store import Store

    store = Store(db)
    rubric = load_rubric()
    costs = []
    for _ in range(repeat):
        t = time.process_time()
        evaluate_region(store, region, year, rubric)
        costs.append(time.process_time() - t)
    rows, tidy_cpu = 0, 0.0
    if tidy:
        t = time.process_time()
        rows = sum(1 for _ in tidy_rows(store, rubric))
        tidy_cpu = time.process_time() - t
    store.close()
    return statistics.median(costs), tidy_cpu, rows


def examples(repeat: int) -> None:
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-eval-") as tmp:
        db = f"sqlite:///{tmp}/examples.db"
        wall, cpu, _, _ = run(["ingest", str(EXAMPLES), "--db", db])
        print(f"ingest of the bundled examples: {wall:.1f} s wall, {cpu:.1f} s CPU\n")
        print("| region | year | reports below it | wall s | CPU s | peak RSS MB |")
        print("|---|---|---|---|---|---|")
        for region, year, n in region_years(db):
            out = Path(tmp) / f"{region}-{year}.xlsx"
            t = timed(
                ["evaluate", "--db", db, "--region", region, "--year", str(year), "-o", str(out)], repeat
            )
            print(f"| {region} | {year} | {n} | {t['wall']:.2f} | {t['cpu']:.2f} | {t['rss']:.0f} |")
        t = timed(["evaluate", "--db", db, "--tidy", "-o", f"{tmp}/tidy.parquet"], repeat)
        print(
            f"\ntidy table of the examples: {t['wall']:.2f} s wall, {t['cpu']:.2f} s CPU, {t['rss']:.0f} MB"
        )
        region, year, _ = region_years(db)[0]
        region_cpu, tidy_cpu, rows = in_process(db, region, year, repeat)
        print(
            f"in process (no interpreter start, imports or migration check): evaluate_region {region} {year} "
            f"{region_cpu * 1000:.0f} ms CPU; tidy table {tidy_cpu * 1000:.0f} ms CPU for {rows} rows"
        )


def synthetic(n: int, workdir: Path, repeat: int, workers: int) -> None:
    workdir.mkdir(parents=True, exist_ok=True)
    db = f"sqlite:///{workdir / 'bench.db'}"
    corpus = workdir / "synth"
    if not corpus.exists():
        wall, cpu, _, _ = run(
            ["synth", "-n", str(n), "--seed", "1", "--layouts", "txt-rows", "-o", str(corpus)]
        )
        print(f"nianbao synth -n {n} --layouts txt-rows: {wall:.0f} s wall, {cpu:.0f} s CPU")
        if (corpus / "gold").exists():  # the truth files are not reports
            shutil.move(str(corpus / "gold"), str(workdir / "gold"))
    if not (workdir / "bench.db").exists():
        wall, cpu, rss, _ = run(["ingest", str(corpus), "--db", db, "-j", str(workers)])
        print(f"nianbao ingest ({workers} workers): {wall:.0f} s wall, {cpu:.0f} s CPU (parent + workers)")
    province = make_province(db, workdir)
    found = region_years(db)
    county, county_year, county_n = next(x for x in found if x[0] != province)
    prov_year, prov_n = next((y, n) for r, y, n in found if r == province)
    print("| command | reports scored | wall s | CPU s | peak RSS MB |")
    print("|---|---|---|---|---|")
    for region, year, count in ((county, county_year, county_n), (province, prov_year, prov_n)):
        out = workdir / f"scores-{region}.xlsx"
        t = timed(["evaluate", "--db", db, "--region", region, "--year", str(year), "-o", str(out)], repeat)
        print(
            f"| `nianbao evaluate --region {region} --year {year} -o scores.xlsx` | {count} (+ 2 years before) | "
            f"{t['wall']:.2f} | {t['cpu']:.2f} | {t['rss']:.0f} |"
        )
    t = timed(["evaluate", "--db", db, "--tidy", "-o", str(workdir / "all.parquet")], max(1, repeat // 2))
    print(
        f"| `nianbao evaluate --tidy -o all.parquet` | every report | "
        f"{t['wall']:.1f} | {t['cpu']:.1f} | {t['rss']:.0f} |"
    )
    for region, year in ((county, county_year), (province, prov_year)):
        region_cpu, _, _ = in_process(db, region, year, repeat, tidy=False)
        print(f"\nin process: evaluate_region {region} {year}: {region_cpu:.2f} s CPU")
    _, tidy_cpu, rows = in_process(db, county, county_year, 1, tidy=True)
    print(
        f"in process: tidy table {tidy_cpu:.1f} s CPU for {rows} rows ({rows / max(tidy_cpu, 1e-9):.0f} rows/s)"
    )


PROVINCE = "某某省"


def make_province(db: str, workdir: Path) -> str:
    """Put every top-level region of the synthetic corpus under one province (`organs load-regions`),
    so that one evaluation covers the whole corpus of a year, as a provincial office's would."""
    from nianbao.store import Store
    from nianbao.store import evaluation as queries

    store = Store(db)
    try:
        nodes = queries.regions(store)
    finally:
        store.close()
    if any(n.name == PROVINCE for n in nodes):
        return PROVINCE
    csv_path = workdir / "regions.csv"
    lines = ["名称,上级,级别", f"{PROVINCE},,省"]
    lines += [f"{n.name},{PROVINCE},{n.level or ''}" for n in nodes if n.parent_id is None]
    csv_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run(["organs", "load-regions", str(csv_path), "--db", db])
    return PROVINCE


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", action="store_true", help="the bundled examples")
    ap.add_argument("-n", type=int, default=0, help="synthetic reports")
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "nianbao-bench-eval")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("-j", "--workers", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f}; {time.strftime('%Y-%m-%d')}\n")
    if args.examples:
        examples(args.repeat)
    if args.n:
        synthetic(args.n, args.workdir, args.repeat, args.workers)


if __name__ == "__main__":
    main()
