"""
Benchmark of the strategy cascade at scale: ``python -m benchmarks.bench_strategy [--roots 5]
[--fanout 5,10,20,19] [--updates 1000000] [--people 10000] [--db sqlite|mysql]``.

Builds an organisation (``org_data``) and on it a cascade of about 100,000 objectives (``strategy_data``: 5
strategic objectives, then 5, 10, 20 and 19 children per node; the 95,000 individual tasks have a numeric measure,
everything above rolls up) with ``--updates`` progress readings, in a throwaway database
(``var/bench/strategy.sqlite3``, or the MariaDB/MySQL database ``perf_mgmt_bench_strategy``). Then:

* the full roll-up and forecast recomputation (``rollup.recompute_all``, as the nightly task and the command run
  it): time and query count; again with nothing changed (must write nothing);
* one incremental update: one task's progress recorded (``services.record_progress``, as every entry point
  records it), and the path refresh alone (``rollup.refresh_path``) -- time and query count, which must not depend
  on the size of the cascade (the guard test ``tests/strategy/test_scale_query_counts.py`` asserts it);
* the manager dashboard (``dashboards.manager_dashboard``) of a level-1 manager, and the line of sight of a task.

Results are printed and written as JSON to ``var/bench/strategy.json``.
"""

import argparse
import json
import os
import platform
import sys

from .bench_org import Timer, database_version, measure, measure_once
from .database import BENCH_DIR, fresh_database


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000, help="people in the organisation (default 10000)")
    parser.add_argument("--depth", type=int, default=6, help="reporting levels (default 6)")
    parser.add_argument("--roots", type=int, default=5, help="strategic objectives (default 5)")
    parser.add_argument("--fanout", default="5,10,20,19", help="children per node, per level (default 5,10,20,19)")
    parser.add_argument("--updates", type=int, default=1_000_000, help="progress readings (default 1000000)")
    parser.add_argument("--db", choices=("sqlite", "mysql"), default="sqlite")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each read (default 5)")
    parser.add_argument("--output", default=str(BENCH_DIR / "strategy.json"), help="where to write the JSON")
    return parser.parse_args(argv)


def configure(args):
    """Point the host's settings at a fresh throwaway database, before Django starts."""
    fresh_database(args.db, "strategy")


def run(args):
    # Django is set up by main(); these imports need it.
    # pylint: disable=import-outside-toplevel
    import django
    from django.core import mail
    from django.core.management import call_command
    from django.db import transaction

    from perf_mgmt_plugin.strategy import dashboards, rollup, services
    from perf_mgmt_plugin.strategy.models import Objective

    from . import org_data, strategy_data
    from .bench_competencies import analyze_tables

    mail.outbox = []  # notifications are sent through the locmem backend below
    report = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "django": django.__version__},
        "people": args.people,
        "fanout": args.fanout,
        "updates": args.updates,
    }
    with Timer() as timer:
        call_command("migrate", run_syncdb=True, verbosity=0)
    report["machine"]["database"] = database_version()
    report["migrate_seconds"] = round(timer.seconds, 2)
    plan = org_data.plan_org(args.people, args.depth, prefix="S")
    with Timer() as org_timer, transaction.atomic():
        built = org_data.build_org(plan)
    fanout = tuple(int(n) for n in args.fanout.split(","))
    with Timer() as data_timer, transaction.atomic():
        cascade = strategy_data.build_cascade(built, roots=args.roots, fanout=fanout, updates=args.updates)
    report["build"] = {
        "org_seconds": round(org_timer.seconds, 2),
        "cascade_seconds": round(data_timer.seconds, 2),
        "objectives": cascade.objectives,
        "per_level": cascade.levels,
        "progress_updates": cascade.updates,
    }
    print(
        f"built {len(plan.people)} people in {org_timer.seconds:.1f} s; {cascade.objectives} objectives and "
        f"{cascade.updates} progress updates in {data_timer.seconds:.1f} s"
    )
    analyze_tables()

    with transaction.atomic():
        result, figures = measure_once(lambda: rollup.recompute_all(notify=True))
    report["full_recompute"] = {**figures, **result.as_dict()}
    print(f"full roll-up + forecast: {figures['seconds']} s, {figures['queries']} queries, {result.as_dict()}")
    statuses = dict(
        Objective.objects.values_list("status").annotate(n=django.db.models.Count("pk")).values_list("status", "n")
    )
    report["statuses"] = statuses
    print(f"  statuses: {statuses}")
    with transaction.atomic():
        again, figures = measure_once(lambda: rollup.recompute_all(notify=True))
    report["full_recompute_unchanged"] = {**figures, **again.as_dict()}
    if again.changed:
        raise AssertionError(f"a second recomputation changed {again.changed} objectives")
    print(f"  again, nothing changed: {figures['seconds']} s, {figures['queries']} queries")

    task = Objective.objects.select_related("owner__user").get(pk=cascade.task_ids[len(cascade.task_ids) // 2])
    actor = task.owner.user
    value = [task.current_value]

    def one_update():
        value[0] = (value[0] + 7) % 100
        services.record_progress(actor, task, value=value[0])

    report["incremental_update"] = measure(one_update, args.repeat)
    report["refresh_path"] = measure(lambda: rollup.refresh_path(task, notify=False), args.repeat)
    print(
        f"one task's progress (record_progress): {report['incremental_update']['ms']} ms, "
        f"{report['incremental_update']['queries']} queries; refresh_path alone: {report['refresh_path']['ms']} ms, "
        f"{report['refresh_path']['queries']} queries (path of {len(task.path) // 6} objectives)"
    )
    manager = built.employee(1).user  # a level-1 manager: a big share of the organisation
    report["manager_dashboard"] = measure(lambda: dashboards.manager_dashboard(manager), args.repeat)
    report["line_of_sight"] = measure(lambda: services.line_of_sight(task), args.repeat)
    for name in ("manager_dashboard", "line_of_sight"):
        print(f"{name}: {report[name]['ms']} ms, {report[name]['queries']} queries")
    report["notifications_emailed"] = len(mail.outbox)
    return report


def main(argv=None):
    args = parse_args(argv)
    configure(args)
    import django  # pylint: disable=import-outside-toplevel
    from django.conf import settings  # pylint: disable=import-outside-toplevel

    django.setup()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with Timer() as timer:
        report = run(args)
    report["total_seconds"] = round(timer.seconds, 1)
    with open(args.output, "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=2, default=str)
    print(f"total {timer.seconds:.0f} s; written {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
