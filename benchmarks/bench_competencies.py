"""
Benchmark of competency gaps at scale: ``python -m benchmarks.bench_competencies [--people 50000]
[--competencies 40] [--assessments 1000000] [--db sqlite|mysql]``.

Builds an organisation (``org_data``, ``--depth`` levels, one position per level) with two frameworks sharing
``--competencies`` competencies, ``--per-position`` requirements per position and ``--assessments`` assessments
(``competency_data``) in a throwaway database (``var/bench/competencies.sqlite3``, or the MariaDB/MySQL database
``perf_mgmt_bench_competencies`` with ``--db mysql``, dropped and created afresh), with the host's settings. Then:

* the full gap recomputation (``gaps.recompute_gaps()`` for everyone, as the task and the command run it), its time
  and query count; the same again with nothing changed (must write nothing); and again after new manager ratings
  for some people (must update only their gaps);
* the gap audit heatmap -- the service call the gap audit page and the REST endpoint make (``gaps.heatmap``) --
  for an unrestricted HR admin (by org unit and by position), an HR admin scoped to one division, and two managers
  (a level-1 manager of a third of the organisation and a mid-level one), each with its query count; the REST
  endpoint for the unrestricted HR admin;
* the floor: for each heatmap, the single hand-written SQL aggregate that gives the same cells (GROUP BY org unit
  or position x competency over the stored gaps, with the count, the open count and the average), run with the
  cursor in the same run. The ratio heatmap/floor is the price of the service (access scoping, the ORM, labels);
  the target is 2x at most. Each heatmap is checked to give exactly the floor's cells.

Planner statistics are refreshed (``ANALYZE``) after the data load and after the first recomputation, untimed.
Timings of reads are medians of ``--repeat`` runs after one warm-up (a heatmap and its floor alternate). Results
are printed as a table and written as JSON to ``var/bench/competencies.json``.
"""

import argparse
import json
import os
import platform
import statistics
import sys
from pathlib import Path

from .bench_org import ROOT, Timer, database_version, measure, measure_once
from .database import BENCH_DIR, fresh_database

TARGET_RATIO = 2.0


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=50_000, help="people in the organisation (default 50000)")
    parser.add_argument("--depth", type=int, default=10, help="reporting levels = positions (default 10)")
    parser.add_argument("--competencies", type=int, default=40, help="competencies in two frameworks (default 40)")
    parser.add_argument("--per-position", type=int, default=12, help="requirements per position (default 12)")
    parser.add_argument("--assessments", type=int, default=1_000_000, help="assessments (default 1000000)")
    parser.add_argument("--db", choices=("sqlite", "mysql"), default="sqlite")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs of each read (default 7)")
    parser.add_argument("--output", default=str(BENCH_DIR / "competencies.json"), help="where to write the JSON")
    return parser.parse_args(argv)


def configure(args):
    """Point the host's settings at a fresh throwaway database, before Django starts."""
    fresh_database(args.db, "competencies")


def run(args):
    # Django is set up by main(); these imports need it.
    # pylint: disable=import-outside-toplevel
    import django
    from django.core.management import call_command
    from django.db import transaction

    from . import competency_data, competency_scenarios, org_data

    report = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "django": django.__version__,
            "platform": platform.platform(),
        },
        "people": args.people,
        "depth": args.depth,
        "competencies": args.competencies,
        "per_position": args.per_position,
        "assessments": args.assessments,
        "repeat": args.repeat,
    }
    with Timer() as timer:
        call_command("migrate", run_syncdb=True, verbosity=0)
    report["machine"]["database"] = database_version()
    report["migrate_seconds"] = round(timer.seconds, 2)

    plan = org_data.plan_org(args.people, args.depth, prefix="B")
    with Timer() as org_timer, transaction.atomic():
        built = org_data.build_org(plan)
    with Timer() as data_timer, transaction.atomic():
        data = competency_data.build_competencies(
            built, competencies=args.competencies, assessments=args.assessments, per_position=args.per_position
        )
    report["build"] = {
        "org_seconds": round(org_timer.seconds, 2),
        "competency_data_seconds": round(data_timer.seconds, 2),
        "assessments_per_second": round(data.assessments / data_timer.seconds),
        "assessments_by_source": data.sources,
        "level_sizes": list(plan.level_sizes),
        "org_units": len(plan.units),
    }
    print(
        f"built {len(plan.people)} people in {org_timer.seconds:.1f} s; {len(data.competency_ids)} competencies, "
        f"{sum(map(len, data.requirements.values()))} requirements, {data.assessments} assessments in "
        f"{data_timer.seconds:.1f} s"
    )

    analyze_tables()
    subjects = competency_scenarios.Subjects.create(built, data)
    report["subjects"] = subjects.describe()
    report["recompute"] = run_recompute(subjects, competency_data)

    reads = {}
    for name, (call, floor) in competency_scenarios.heatmap_scenarios(subjects).items():
        reads[name] = measure_pair(call, floor, args.repeat)
        reads[name]["cells"] = subjects.cells[name]
        print(
            f"  {name}: {reads[name]['ms']} ms, {reads[name]['queries']} queries; floor {reads[name]['floor_ms']} ms; "
            f"ratio {reads[name]['ratio']}"
        )
    report["heatmap"] = reads
    for name, call in competency_scenarios.entry_point_scenarios(subjects).items():
        report.setdefault("entry_points", {})[name] = measure(call, args.repeat)
        print(f"  {name}: {report['entry_points'][name]['ms']} ms, {report['entry_points'][name]['queries']} queries")
    report["within_target"] = all(
        figures["ratio"] is not None and figures["ratio"] <= TARGET_RATIO for figures in reads.values()
    )
    return report


def analyze_tables():
    """
    Refresh the planner's statistics after the bulk loads, as a database in service has them: InnoDB recalculates
    them in the background after a tenth of a table changes, which a load of a million rows in seconds outruns --
    MariaDB then planned the gap aggregates from the statistics of empty tables (rows=1) and scanned everything.
    Not timed.
    """
    # pylint: disable=import-outside-toplevel
    from django.apps import apps
    from django.db import connection

    tables = [model._meta.db_table for model in apps.get_app_config("perf_mgmt").get_models()]
    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            cursor.execute(f"ANALYZE TABLE {', '.join(connection.ops.quote_name(table) for table in tables)}")
            cursor.fetchall()
        else:
            cursor.execute("ANALYZE")


def measure_pair(call, floor, repeat):
    """
    The heatmap and its floor timed alternately (``repeat`` runs each, after a warm-up of both), so that a load
    change on a shared machine hits both alike; medians, best times, query counts and the ratio of the medians.
    """
    from .org_scenarios import count_queries  # pylint: disable=import-outside-toplevel

    call()
    floor()
    with count_queries() as queries:
        call()
    with count_queries() as floor_queries:
        floor()
    times, floor_times = [], []
    for _ in range(repeat):
        for timed, into in ((call, times), (floor, floor_times)):
            with Timer() as timer:
                timed()
            into.append(timer.seconds)
    ratios = [mine / theirs for mine, theirs in zip(times, floor_times, strict=True) if theirs]
    return {
        "ms": round(statistics.median(times) * 1000, 2),
        "best_ms": round(min(times) * 1000, 2),
        "queries": len(queries),
        "floor_ms": round(statistics.median(floor_times) * 1000, 2),
        "floor_best_ms": round(min(floor_times) * 1000, 2),
        "floor_queries": len(floor_queries),
        # Median of the ratios of adjacent runs: a burst of load from elsewhere skews one pair, not the figure.
        "ratio": round(statistics.median(ratios), 2) if ratios else None,
        "best_ratio": round(min(times) / min(floor_times), 2) if min(floor_times) else None,
    }


def run_recompute(subjects, competency_data):
    """The full recomputation three times: from no gaps, with nothing changed, after some new manager ratings."""
    # pylint: disable=import-outside-toplevel
    from perf_mgmt_plugin.competencies import gaps
    from perf_mgmt_plugin.competencies.models import CompetencyGap

    expected = subjects.expected_gaps
    steps = {}

    def check(name, result, **wanted):
        got = {key: getattr(result, key) for key in wanted}
        if got != wanted:
            raise SystemExit(f"recompute {name} went wrong: {got} != {wanted}")

    result, figures = measure_once(gaps.recompute_gaps)
    check("full", result, people=subjects.people, created=expected, updated=0, deleted=0)
    stored = CompetencyGap.objects.count()
    if stored != expected:
        raise SystemExit(f"{stored} gaps stored, {expected} expected")
    analyze_tables()  # the gaps table went from empty to hundreds of thousands of rows
    steps["full (no gaps stored yet)"] = {**figures, **_counts(result)}

    result, figures = measure_once(gaps.recompute_gaps)
    check("unchanged", result, people=subjects.people, created=0, updated=0, deleted=0)
    steps["full, nothing changed"] = {**figures, **_counts(result)}

    changed = subjects.add_manager_ratings(competency_data)
    result, figures = measure_once(gaps.recompute_gaps)
    if not (0 < result.updated <= changed["pairs"]) or result.created or result.deleted:
        raise SystemExit(f"recompute after new ratings went wrong: {result} for {changed}")
    steps[f"full, after {changed['assessments']} new manager ratings"] = {**figures, **_counts(result)}
    for name, figures in steps.items():
        print(f"  recompute {name}: {figures['seconds']} s, {figures['queries']} queries, {figures}")
    return steps


def _counts(result):
    return {
        "people": result.people,
        "created": result.created,
        "updated": result.updated,
        "deleted": result.deleted,
        "batches": result.batches,
    }


def print_table(report):
    build = report["build"]
    print()
    print(
        f"Competency benchmark: {report['people']} people, {report['depth']} positions, {report['competencies']} "
        f"competencies ({report['per_position']} required per position), {report['assessments']} assessments; "
        f"{report['machine']['database']}, {report['machine']['cpus']} CPUs"
    )
    print(f"build: org {build['org_seconds']} s, competency data {build['competency_data_seconds']} s")
    width = max(len(name) for name in (*report["recompute"], *report["heatmap"], *report.get("entry_points", {}))) + 2
    print(f"\n{'recompute':<{width}} {'seconds':>9} {'queries':>8} {'created':>8} {'updated':>8} {'deleted':>8}")
    for name, figures in report["recompute"].items():
        print(
            f"{name:<{width}} {figures['seconds']:>9} {figures['queries']:>8} {figures['created']:>8} "
            f"{figures['updated']:>8} {figures['deleted']:>8}"
        )
    print(f"\n{'heatmap':<{width}} {'cells':>6} {'ms':>9} {'queries':>8} {'floor ms':>9} {'ratio':>6} {'best':>6}")
    for name, figures in report["heatmap"].items():
        print(
            f"{name:<{width}} {figures['cells']:>6} {figures['ms']:>9} {figures['queries']:>8} "
            f"{figures['floor_ms']:>9} {figures['ratio']:>6} {figures['best_ratio']:>6}"
        )
    for name, figures in report.get("entry_points", {}).items():
        print(f"{name:<{width}} {'':>6} {figures['ms']:>9} {figures['queries']:>8}")
    print(f"\nheatmap within {TARGET_RATIO}x of the floor everywhere: {report['within_target']}")


def main(argv=None):
    args = parse_args(argv)
    configure(args)
    sys.path.insert(0, str(ROOT))
    import django  # pylint: disable=import-outside-toplevel

    django.setup()
    with Timer() as total:
        report = run(args)
    report["total_seconds"] = round(total.seconds, 1)
    print_table(report)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\ntotal {report['total_seconds']} s; results written to {output}")


if __name__ == "__main__":
    main()
