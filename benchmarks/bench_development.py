"""
Benchmark of the learning loop at scale: ``python -m benchmarks.bench_development [--people 10000]
[--events 100000] [--courses 3] [--db sqlite|mysql]``.

Builds an organisation (``org_data``) where everyone has an active development plan with course items
(``development_data``: ``--courses`` courses of 20 blocks each, plus an on-the-job item), in a throwaway database
(``var/bench/development.sqlite3``, or the MariaDB/MySQL database ``perf_mgmt_bench_development``). Then sends
``--events`` LMS events through the real receivers -- 40% course grades through the openedx-events signal
``PERSISTENT_GRADE_SUMMARY_CHANGED`` (``send_event`` with the real data classes; 80% or more passes and completes
the item), 60% edx-completion ``BlockCompletion`` rows (``submit_completion``) -- each in its own transaction as
in the LMS, and reports events per second and queries per event, overall and per kind (the most an event costs
must not depend on the size of the data: the guard test ``tests/development/test_scale_query_counts.py`` asserts
it).

Results are printed and written as JSON to ``var/bench/development.json``.
"""

import argparse
import json
import os
import platform
import sys

from .bench_org import Timer, database_version
from .database import BENCH_DIR, fresh_database


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000, help="people with a plan (default 10000)")
    parser.add_argument("--depth", type=int, default=6, help="reporting levels (default 6)")
    parser.add_argument("--events", type=int, default=100_000, help="LMS events sent (default 100000)")
    parser.add_argument("--courses", type=int, default=3, help="course items per plan (default 3)")
    parser.add_argument(
        "--commit-every",
        type=int,
        default=1000,
        help="events per commit (default 1000; 1 commits every event, which on SQLite measures its fsync)",
    )
    parser.add_argument("--db", choices=("sqlite", "mysql"), default="sqlite")
    parser.add_argument("--output", default=str(BENCH_DIR / "development.json"), help="where to write the JSON")
    return parser.parse_args(argv)


def configure(args):
    """Point the host's settings at a fresh throwaway database, before Django starts."""
    fresh_database(args.db, "development")


def run(args):
    # pylint: disable=import-outside-toplevel
    import django
    from django.core.management import call_command
    from django.db import transaction
    from django.db.models import Count

    from perf_mgmt_plugin.development.models import PlanItem, ProcessedEvent

    from . import development_data, org_data
    from .bench_competencies import analyze_tables
    from .org_scenarios import count_queries

    report = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "django": django.__version__},
        "people": args.people,
        "events": args.events,
    }
    with Timer() as timer:
        call_command("migrate", run_syncdb=True, verbosity=0)
    report["machine"]["database"] = database_version()
    report["migrate_seconds"] = round(timer.seconds, 2)
    with Timer() as build_timer, transaction.atomic():
        built = org_data.build_org(org_data.plan_org(args.people, args.depth, prefix="D"))
        plans = development_data.build_plans(built, courses=args.courses, blocks=20, prefix="D")
    report["build"] = {"seconds": round(build_timer.seconds, 2), "plans": plans.plans, "items": plans.items}
    print(f"built {args.people} people, {plans.plans} plans, {plans.items} items in {build_timer.seconds:.1f} s")
    analyze_tables()

    sender = development_data.Sender()
    per_kind = {}
    stream = development_data.event_stream(plans, args.events)
    outer = None
    with count_queries() as queries, Timer() as timer:
        for number, event in enumerate(stream):
            before = len(queries)
            if number % args.commit_every == 0:
                if outer is not None:
                    outer.__exit__(None, None, None)
                outer = transaction.atomic()
                outer.__enter__()
            with transaction.atomic():  # each event's own (nested) transaction, as the receivers run in the LMS
                sender.send(event)
            stats = per_kind.setdefault(event[0], {"events": 0, "queries": 0, "max_queries": 0})
            cost = len(queries) - before
            stats["events"] += 1
            stats["queries"] += cost
            stats["max_queries"] = max(stats["max_queries"], cost)
        outer.__exit__(None, None, None)
    for stats in per_kind.values():
        stats["queries_per_event"] = round(stats["queries"] / stats["events"], 2)
    report["events_per_second"] = round(args.events / timer.seconds, 1)
    report["seconds"] = round(timer.seconds, 1)
    report["queries_per_event"] = round(len(queries) / args.events, 2)
    report["per_kind"] = per_kind
    statuses = dict(PlanItem.objects.filter(kind="course").values_list("status").annotate(n=Count("pk")))
    report["course_item_statuses"] = statuses
    report["processed_events"] = ProcessedEvent.objects.count()
    print(
        f"{args.events} events in {timer.seconds:.1f} s: {report['events_per_second']} events/s, "
        f"{report['queries_per_event']} queries per event"
    )
    for kind, stats in sorted(per_kind.items()):
        cost = f"{stats['queries_per_event']} queries/event, max {stats['max_queries']}"
        print(f"  {kind}: {stats['events']} events, {cost}")
    print(f"  course items by status: {statuses}")
    return report


def main(argv=None):
    args = parse_args(argv)
    configure(args)
    import django  # pylint: disable=import-outside-toplevel

    django.setup()
    with Timer() as timer:
        report = run(args)
    report["total_seconds"] = round(timer.seconds, 1)
    with open(args.output, "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=2, default=str)
    print(f"total {timer.seconds:.0f} s; written {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
