"""
Benchmark of the org domain at scale: ``python -m benchmarks.bench_org [--people 50000] [--depth 10] [--db sqlite]``.

Builds an organisation of ``--people`` people in exactly ``--depth`` reporting levels in a throwaway database (a
SQLite file under ``var/bench/``, or the MariaDB/MySQL database ``perf_mgmt_bench`` with ``--db mysql``, dropped
and created afresh), with the host's settings (``lms_host.settings``). Then it measures, each with its query count:

* the hierarchy reads for the top manager, a mid-level manager and the deepest person: the services
  (``reports_of``, ``chain_of``), the access team query, the REST team and chain endpoints and the "My team" page;
* the org chart import of a CSV of as many people again (a second organisation joining the first, with new LMS
  users): parsing, dry run, apply, and re-import of the same file, which must change nothing.

Timings are medians of ``--repeat`` runs after one warm-up, so they compare within one run (the ratios) better
than across machines. Results are printed as a table and written as JSON to ``var/bench/org.json``.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

from .database import BENCH_DIR, fresh_database

ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=50_000, help="people in the organisation (default 50000)")
    parser.add_argument("--depth", type=int, default=10, help="reporting levels (default 10)")
    parser.add_argument("--db", choices=("sqlite", "mysql"), default="sqlite")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each read (default 5)")
    parser.add_argument("--skip-import", action="store_true", help="measure the reads only")
    parser.add_argument("--output", default=str(BENCH_DIR / "org.json"), help="where to write the JSON results")
    return parser.parse_args(argv)


def configure(args):
    """Point the host's settings at a fresh throwaway database, before Django starts."""
    fresh_database(args.db, "org")


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start


def measure(call, repeat):
    """Query count of one run (after a warm-up run), then the median and best time of ``repeat`` runs."""
    from .org_scenarios import count_queries  # pylint: disable=import-outside-toplevel

    call()
    with count_queries() as queries:
        call()
    times = []
    for _ in range(repeat):
        with Timer() as timer:
            call()
        times.append(timer.seconds)
    return {
        "ms": round(statistics.median(times) * 1000, 2),
        "best_ms": round(min(times) * 1000, 2),
        "queries": len(queries),
    }


def measure_once(call):
    """Time and query count of a call that can only run once (it writes)."""
    from .org_scenarios import count_queries  # pylint: disable=import-outside-toplevel

    with count_queries() as queries, Timer() as timer:
        value = call()
    return value, {"seconds": round(timer.seconds, 2), "queries": len(queries)}


def database_version():
    from django.db import connection  # pylint: disable=import-outside-toplevel

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
        else:
            cursor.execute("select version()")
        return f"{connection.vendor} {cursor.fetchone()[0]}"


def run(args):
    # Django is set up by main(); these imports need it.
    # pylint: disable=import-outside-toplevel
    import django
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction

    from perf_mgmt_plugin.org import importer

    from . import org_data, org_scenarios

    report = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "django": django.__version__,
            "platform": platform.platform(),
        },
        "people": args.people,
        "depth": args.depth,
        "repeat": args.repeat,
    }
    with Timer() as timer:
        call_command("migrate", run_syncdb=True, verbosity=0)
    report["machine"]["database"] = database_version()
    report["migrate_seconds"] = round(timer.seconds, 2)

    plan = org_data.plan_org(args.people, args.depth, prefix="B")
    with Timer() as timer, transaction.atomic():
        built = org_data.build_org(plan)
    report["level_sizes"] = list(plan.level_sizes)
    report["build"] = {
        "seconds": round(timer.seconds, 2),
        "people": len(plan.people),
        "org_units": len(plan.units),
        "people_per_second": round(len(plan.people) / timer.seconds),
    }
    report["subjects"] = {
        "top": {"level": 0, "reports": plan.subtree_size(plan.top)},
        "mid": {"level": plan.people[plan.mid].level, "reports": plan.subtree_size(plan.mid)},
        "deepest": {"level": plan.people[plan.deepest].level},
    }
    print(f"built {len(plan.people)} people in {args.depth} levels {plan.level_sizes} in {timer.seconds:.1f} s")

    reads = {}
    for name, call in org_scenarios.read_scenarios(built).items():
        reads[name] = measure(call, args.repeat)
        print(f"  {name}: {reads[name]['ms']} ms, {reads[name]['queries']} queries")
    report["reads"] = reads

    if not args.skip_import:
        report["import"] = run_import(args, importer, org_data, get_user_model())
    report["ratios"] = ratios(report)
    return report


def run_import(args, importer, org_data, user_model):
    """A second organisation of the same size and shape, in the first one's units, imported from a CSV file."""
    plan = org_data.plan_org(args.people, args.depth, prefix="I", unit_prefix="B")
    path = BENCH_DIR / "org-import.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        org_data.write_csv(plan, handle)
    hr = user_model.objects.create_superuser("bench-hr", "bench-hr@example.com", None)
    content = path.read_bytes()
    result = {"rows": len(plan.people), "file_mb": round(len(content) / 1e6, 2)}

    rows, result["parse"] = measure_once(lambda: importer.parse_csv(content))
    steps = (
        ("dry_run", True, lambda r: r.ok and r.created == len(rows) and not r.applied),
        ("apply", False, lambda r: r.applied and r.created == len(rows) and r.users_created == len(rows)),
        ("reimport", False, lambda r: r.applied and r.unchanged == len(rows) and not (r.created or r.updated)),
    )
    for name, dry_run, expected in steps:
        outcome, figures = measure_once(
            lambda dry_run=dry_run: importer.import_employees(rows, dry_run=dry_run, create_users=True, user=hr)
        )
        if not expected(outcome):
            raise SystemExit(
                f"import {name} went wrong: {outcome.as_dict(max_rows=3, max_errors=5, include_unchanged=False)}"
            )
        figures["rows_per_second"] = round(len(rows) / figures["seconds"]) if figures["seconds"] else None
        figures.update(created=outcome.created, updated=outcome.updated, unchanged=outcome.unchanged)
        result[name] = figures
        print(f"  import {name}: {figures['seconds']} s, {figures['queries']} queries, {figures['rows_per_second']}/s")
    return result


def ratios(report):
    """Ratios measured within this one run: how much a bigger subject or a second pass costs."""
    reads = report["reads"]
    result = {}
    for name, figures in reads.items():
        if " top " in name:
            mid = reads.get(name.replace(" top ", " mid "))
            if mid and figures["ms"] and figures["queries"]:
                result[f"{name.replace(' top ', ' ')}: mid/top time"] = round(mid["ms"] / figures["ms"], 2)
                result[f"{name.replace(' top ', ' ')}: mid/top queries"] = round(mid["queries"] / figures["queries"], 2)
    imported = report.get("import")
    if imported:
        result["import: apply/dry_run time"] = round(imported["apply"]["seconds"] / imported["dry_run"]["seconds"], 2)
        result["import: reimport/apply time"] = round(imported["reimport"]["seconds"] / imported["apply"]["seconds"], 2)
    return result


def print_table(report):
    print()
    print(
        f"Org benchmark: {report['people']} people, {report['depth']} levels {tuple(report['level_sizes'])}, "
        f"{report['machine']['database']}, {report['machine']['cpus']} CPUs"
    )
    subjects = report["subjects"]
    print(
        f"  top: {subjects['top']['reports']} reports; mid (level {subjects['mid']['level']}): "
        f"{subjects['mid']['reports']} reports; deepest at level {subjects['deepest']['level']}"
    )
    width = max(len(name) for name in report["reads"]) + 2
    print(f"\n{'build (bulk, in one transaction)':<{width}} {report['build']['seconds']:>9} s")
    print(f"\n{'read':<{width}} {'median ms':>10} {'best ms':>9} {'queries':>8}")
    for name, figures in report["reads"].items():
        print(f"{name:<{width}} {figures['ms']:>10} {figures['best_ms']:>9} {figures['queries']:>8}")
    imported = report.get("import")
    if imported:
        title = f"import of {imported['rows']} rows"
        print(f"\n{title:<{width}} {'seconds':>10} {'rows/s':>9} {'queries':>8}")
        for name in ("parse", "dry_run", "apply", "reimport"):
            figures = imported[name]
            rate = figures.get("rows_per_second") or ""
            print(f"{name:<{width}} {figures['seconds']:>10} {rate:>9} {figures['queries']:>8}")
    print("\nratios (this run)")
    for name, value in report["ratios"].items():
        print(f"  {name}: {value}")


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
