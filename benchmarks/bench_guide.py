"""
Benchmark of blended modules at scale: ``python -m benchmarks.bench_guide [--people 10000] [--learners 1000]
[--db sqlite|mysql] [--repeat 5]``.

Builds an organisation (``org_data``), four modules with a five-step implementation guide each, and ``--learners``
people part-way through one module (``guide_data``), in a throwaway database. Then measures, each with its query
count: a learner applying a step (``blended.apply_step``, the guide XBlock's write) for a sample of learners; the
manager's observation queue (first page of 50 with the learner, and its total) for the top manager, a mid-level
manager and a first-line manager, each beside its floor -- the same page by one hand-written SQL statement, checked
to give the same rows; and a manager's observation (evidence recorded, gap recomputed). The queue's query count
must not depend on the size of the team or of the data (``tests/blended/test_scale_query_counts.py`` asserts it).

Results are printed and written as JSON to ``var/bench/guide.json``.
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
    parser.add_argument("--learners", type=int, default=1_000, help="people applying a guide (default 1000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per read (default 5)")
    parser.add_argument("--db", choices=("sqlite", "mysql"), default="sqlite")
    parser.add_argument("--output", default=str(BENCH_DIR / "guide.json"), help="where to write the JSON")
    return parser.parse_args(argv)


def managers_by_level(built):
    """The first person of level 0, of the middle level and of the last level with reports."""
    levels = {}
    for spec in built.plan.people:
        levels.setdefault(spec.level, spec.index)
    deepest = max(level for level in levels if level + 1 in levels)
    return {"top": levels[0], "mid": levels[max(1, deepest // 2)], "first_line": levels[deepest]}


def run(args):  # noqa: PLR0915
    # pylint: disable=import-outside-toplevel
    import django
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction

    from perf_mgmt_plugin.blended import api as blended
    from perf_mgmt_plugin.blended.models import GuideApplication
    from perf_mgmt_plugin.org.models import Employee

    from . import guide_data, org_data
    from .bench_competencies import analyze_tables

    report = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "django": django.__version__},
        "people": args.people,
        "learners": args.learners,
    }
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the managers' emails stay in memory
    call_command("migrate", run_syncdb=True, verbosity=0)
    report["machine"]["database"] = database_version()
    with Timer() as build_timer, transaction.atomic():
        built = org_data.build_org(org_data.plan_org(args.people, args.depth, prefix="G"))
        guides = guide_data.build_applications(built, args.learners)
    report["build"] = {
        "seconds": round(build_timer.seconds, 2),
        "applications": guides.applications,
        "awaiting": guides.awaiting,
    }
    print(
        f"built {args.people} people, {guides.applications} applications ({guides.awaiting} awaiting) "
        f"in {build_timer.seconds:.1f} s"
    )
    analyze_tables()
    users = get_user_model().objects

    # A learner applies the next step (new rows: each call a different learner, in its own transaction).
    sample = [pk for pk in guides.learners if not GuideApplication.objects.filter(person_id=pk, step_id="s5").exists()]
    sample = sample[: max(1, min(50, len(sample)))]
    costs = []
    with Timer() as timer:
        for person_pk in sample:
            person = Employee.objects.select_related("user").get(pk=person_pk)
            module = guide_data.MODULES[person_pk % len(guide_data.MODULES)]
            _row, cost = measure_once(
                lambda p=person, m=module: blended.apply_step(p.user, guide_data.guide(m), "s5", reflection="Done")
            )
            costs.append(cost["queries"])
    report["apply_step"] = {
        "calls": len(sample),
        "ms_per_call": round(timer.seconds * 1000 / len(sample), 2),
        "queries": sorted(set(costs)),
    }
    print(f"apply_step: {report['apply_step']['ms_per_call']} ms per call, queries {report['apply_step']['queries']}")

    # The manager's queue beside its floor.
    report["queue"] = {}
    for name, index in managers_by_level(built).items():
        manager = Employee.objects.get(pk=built.employee_pk(index))
        user = users.get(pk=manager.user_id)
        rows, total = guide_data.queue_page(user)
        floor_rows = guide_data.floor_page(user, manager.path)
        if [row.pk for row in rows] != [row[0] for row in floor_rows]:
            raise AssertionError(f"{name}: the queue and its floor differ")

        def service(u=user):
            # Fresh access context each run, as each request reads it.
            fresh = users.get(pk=u.pk)
            return guide_data.queue_page(fresh)

        timing = measure(service, args.repeat)
        floor = measure(lambda u=user, p=manager.path: guide_data.floor_page(u, p), args.repeat)
        report["queue"][name] = {
            "team_awaiting": total,
            "page_rows": len(rows),
            **timing,
            "floor_ms": floor["ms"],
            "floor_queries": floor["queries"],
            "ratio": round(timing["ms"] / floor["ms"], 2) if floor["ms"] else None,
        }
        entry = report["queue"][name]
        print(
            f"queue {name}: {total} awaiting, {entry['ms']} ms / {entry['queries']} queries "
            f"(floor {entry['floor_ms']} ms / {entry['floor_queries']}; ratio {entry['ratio']})"
        )

    # One observation: evidence (no competency here) and the state change.
    top = users.get(pk=Employee.objects.get(pk=built.employee_pk(0)).user_id)
    waiting = blended.observation_queue(top).first()
    _row, cost = measure_once(lambda: blended.observe(top, waiting, confirmed=True, comment="Seen"))
    report["observe"] = cost
    print(f"observe: {cost['seconds'] * 1000:.1f} ms, {cost['queries']} queries")
    return report


def main(argv=None):
    args = parse_args(argv)
    fresh_database(args.db, "guide")
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
