"""
Benchmark of the organisational health pack and the successor suggestions (issue 19):
``python -m benchmarks.bench_health [--people 50000] [--db sqlite|mysql] [--repeat 5]``.

Builds an organisation (``org_data``), a competency framework with requirements per position (``competency_data``)
and a quarter of health data for everyone (``health_data``) in a throwaway database (``var/bench/health.sqlite3`` or
the MariaDB database ``perf_mgmt_bench_health``), then, each timed as the median of ``--repeat`` runs after a warm-up,
with its query count, beside its raw-SQL floor run in the same process (``health_floor``, the driver's own cursor):

* the pack of the top unit (everyone) and of a unit one level down: the same number of queries for both;
* the successor suggestions for a key position over everyone: the same number of queries as for a small pool.

Each call is checked against its floor (the same figures, the same ranking) and the run stops if one is wrong; the
target is pack / floor and suggestions / floor <= 3. Results are printed and written to ``var/bench/health.json``.
"""

import argparse
import json
import os
import platform
import sys

from .bench_org import Timer, database_version, measure
from .database import BENCH_DIR, fresh_database


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=50_000, help="people (default 50000)")
    parser.add_argument("--depth", type=int, default=7, help="reporting levels (default 7)")
    parser.add_argument("--competencies", type=int, default=12, help="competencies (default 12)")
    parser.add_argument("--per-position", type=int, default=4, help="requirements per position (default 4)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per call (default 5)")
    parser.add_argument("--db", choices=("sqlite", "mysql"), default="sqlite")
    parser.add_argument("--output", default=str(BENCH_DIR / "health.json"), help="where to write the JSON")
    return parser.parse_args(argv)


def check_pack(pack, floor):
    """The pack's figures are the floor's."""
    mine = {
        "people": pack.people,
        "objectives": pack.strategy.objectives,
        "forecast_slips": pack.strategy.forecast_slips,
        "impediments_open": pack.strategy.impediments_open,
        "impediments_resolved": pack.strategy.impediments_resolved,
        "reports": pack.process.reports,
        "covered": pack.process.covered,
        "held": pack.process.held,
        "face_to_face": pack.process.face_to_face,
        "reviews": pack.process.reviews,
        "completed": pack.process.completed,
        "on_time": pack.process.on_time,
        "with_coach": pack.process.with_coach,
        "actions": pack.process.actions,
        "survey_answers": sum(entry["answers"] for entry in pack.process.survey),
        "gaps_open": pack.capability.gaps_open,
        "gaps_closed": pack.capability.gaps_closed,
        "items": pack.capability.items,
        "released_reviews": pack.people_figures.reviews,
    }
    if mine != floor:
        wrong = {k: (mine[k], floor.get(k)) for k in mine if mine[k] != floor.get(k)}
        raise AssertionError(f"pack and floor disagree: {wrong}")
    if not (pack.people and pack.strategy.objectives and pack.process.held and pack.people_figures.reviews):
        raise AssertionError("empty pack")


def check_suggestions(rows, floor, denominator):
    mine = [(r.employee_id, round(r.fit, 3), r.last_score) for r in rows]
    theirs = [(pk, round(points / denominator, 3), score) for pk, points, _name, score in floor]
    if mine != theirs or not mine:
        raise AssertionError(f"suggestions and floor disagree: {mine[:3]} vs {theirs[:3]}")


def run(args):  # noqa: PLR0915
    # Django is set up by main(); these imports need it.
    # pylint: disable=import-outside-toplevel
    import django
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from perf_mgmt_plugin.health import api as health
    from perf_mgmt_plugin.org.models import OrgUnit, Position
    from perf_mgmt_plugin.strategy.models import Period
    from perf_mgmt_plugin.succession import api as succession
    from perf_mgmt_plugin.succession.services import WEIGHTS

    from . import competency_data, health_data, health_floor, org_data
    from .bench_competencies import analyze_tables

    report = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "django": django.__version__},
        "people": args.people,
    }
    call_command("migrate", run_syncdb=True, verbosity=0)
    report["machine"]["database"] = database_version()
    plan = org_data.plan_org(args.people, args.depth, prefix="H")
    with Timer() as build, transaction.atomic():
        built = org_data.build_org(plan)
        competency_ids = competency_data.build_frameworks(args.competencies, prefix="health")
        requirements = competency_data.build_requirements(plan, competency_ids, args.per_position)
        data = health_data.build_health(built, requirements)
    report["build_seconds"] = round(build.seconds, 1)
    report["rows"] = data.rows
    print(f"built {len(plan.people)} people and {sum(data.rows.values())} rows in {build.seconds:.1f} s: {data.rows}")
    analyze_tables()

    today = timezone.localdate()
    period = Period.objects.get(pk=data.period_id)
    top = OrgUnit.objects.filter(parent=None, code__startswith="H").order_by("pk").first()
    mid = OrgUnit.objects.filter(parent=top).order_by("pk").first()
    results = {}
    for name, unit in (("pack_top", top), ("pack_mid", mid)):
        floor = health_floor.floor_pack(unit.path, period, today)
        check_pack(health.compute_pack(unit, period, today), floor)
        call = measure(lambda unit=unit: health.compute_pack(unit, period, today), args.repeat)
        base = measure(lambda unit=unit: health_floor.floor_pack(unit.path, period, today), args.repeat)
        results[name] = {
            "call": call,
            "floor": base,
            "ratio": round(call["ms"] / base["ms"], 2),
            "people": floor["people"],
        }
        print(
            f"{name} ({floor['people']} people): {call['ms']} ms, {call['queries']} queries; "
            f"floor {base['ms']} ms; ratio {results[name]['ratio']}x"
        )
    if results["pack_top"]["call"]["queries"] != results["pack_mid"]["call"]["queries"]:
        raise AssertionError("the pack's query count depends on the unit")

    admin = get_user_model().objects.create_superuser("bench-hr", "hr@example.com", None)
    position = Position.objects.filter(code=plan.positions[2][0]).get()
    key = succession.mark_key_position(admin, position)
    reqs = succession.requirements_of(position)
    denominator = sum(WEIGHTS.get(r.criticality, 2.0) * r.required_level for r in reqs)
    check_suggestions(succession.suggestions(key), health_floor.floor_suggestions(key, reqs), denominator)
    call = measure(lambda: succession.suggestions(key), args.repeat)
    base = measure(lambda: health_floor.floor_suggestions(key, reqs), args.repeat)
    results["suggestions"] = {"call": call, "floor": base, "ratio": round(call["ms"] / base["ms"], 2)}
    print(
        f"suggestions over {args.people} people: {call['ms']} ms, {call['queries']} queries; "
        f"floor {base['ms']} ms; ratio {results['suggestions']['ratio']}x"
    )
    report["results"] = results
    worst = max(r["ratio"] for r in results.values())
    report["worst_ratio"] = worst
    print(f"worst ratio {worst}x (target <= 3)")
    return report


def main(argv=None):
    args = parse_args(argv)
    fresh_database(args.db, "health")
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
