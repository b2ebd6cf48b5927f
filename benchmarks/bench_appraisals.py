"""
Benchmark of launching an appraisal cycle: ``python -m benchmarks.bench_appraisals [--people 20000]
[--db sqlite|mysql]``.

Builds an organisation (``org_data``), a competency framework with requirements per position
(``competency_data``) and a cascade of objectives owned by the people in turn (``strategy_data``) in a throwaway
database (``var/bench/appraisals.sqlite3`` or the MariaDB database ``perf_mgmt_bench_appraisals``), then:

* the launch of a cycle for everyone (``launch.start_launch`` + ``launch.run_launch``, exactly what the Celery task
  ``perf_mgmt.launch_review_cycle`` runs): time, queries, reviews and items written;
* the floor: the same review and item rows (read back, deleted, then inserted again with their primary keys) with
  nothing but the driver's ``cursor.executemany`` in the same run, read back and checked equal -- the launch's
  target is within 3x of it;
* a re-run with nothing missing (the safe re-run must write nothing) and one late joiner.

Results are printed and written as JSON to ``var/bench/appraisals.json``.
"""

import argparse
import datetime
import json
import os
import platform
import sys

from .bench_org import Timer, database_version, measure_once
from .database import BENCH_DIR, fresh_database
from .floors import db_datetime, placeholder, raw_cursor


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=20_000, help="people in the cycle (default 20000)")
    parser.add_argument("--depth", type=int, default=6, help="reporting levels (default 6)")
    parser.add_argument("--competencies", type=int, default=24, help="competencies (default 24)")
    parser.add_argument("--per-position", type=int, default=8, help="requirements per position (default 8)")
    parser.add_argument("--db", choices=("sqlite", "mysql"), default="sqlite")
    parser.add_argument("--output", default=str(BENCH_DIR / "appraisals.json"), help="where to write the JSON")
    return parser.parse_args(argv)


def _fanout(people):
    """Four levels under 5 roots giving about three individual tasks per person."""
    leaves = max(3 * people // (5 * 5 * 10 * 20), 1)
    return (5, 10, 20, leaves)


def run(args):
    # Django is set up by main(); these imports need it.
    # pylint: disable=import-outside-toplevel
    import django
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction

    from perf_mgmt_plugin.appraisals import cycles, launch, templates
    from perf_mgmt_plugin.appraisals.models import Cycle, Review, ReviewItem
    from perf_mgmt_plugin.org.models import Employee, OrgUnit
    from perf_mgmt_plugin.strategy.models import Period

    from . import competency_data, org_data, strategy_data
    from .bench_competencies import analyze_tables

    report = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "django": django.__version__},
        "people": args.people,
    }
    call_command("migrate", run_syncdb=True, verbosity=0)
    report["machine"]["database"] = database_version()
    plan = org_data.plan_org(args.people, args.depth, prefix="A")
    with Timer() as build, transaction.atomic():
        built = org_data.build_org(plan)
        competency_ids = competency_data.build_frameworks(args.competencies, prefix="appr")
        competency_data.build_requirements(plan, competency_ids, args.per_position)
        cascade = strategy_data.build_cascade(built, roots=5, fanout=_fanout(args.people), updates=0, prefix="A")
    report["build_seconds"] = round(build.seconds, 1)
    print(f"built {len(plan.people)} people, {cascade.objectives} objectives in {build.seconds:.1f} s")
    analyze_tables()

    admin = get_user_model().objects.create_superuser("bench-hr", "hr@example.com", None)
    template = templates.create_template(
        admin,
        slug="bench",
        name="Bench review",
        sections=[
            {"kind": "kra", "title": "Key results", "weight": 2, "scale": "appr-five"},
            {"kind": "competencies", "title": "Competencies"},
            {"kind": "questions", "title": "Questions", "weight": 0, "questions": ["Went well?", "Change?"]},
            {"kind": "development", "title": "Development", "weight": 0},
        ],
    )
    period = Period.objects.get(pk=cascade.period_id)
    root_unit = OrgUnit.objects.filter(parent=None).order_by("pk").first()
    dates = cycles.suggested_dates(Cycle.QUARTERLY, period.start, period.end)
    cycle = cycles.create_cycle(
        admin, name="Bench", template=template, period=period, cadence=Cycle.QUARTERLY, units=[root_unit], **dates
    )
    population = cycles.population(cycle).count()
    if population != args.people:
        raise AssertionError(f"population {population} != {args.people}")

    def do_launch():
        launch.start_launch(admin, cycle)
        return launch.run_launch(cycle.pk)

    created, figures = measure_once(do_launch)
    reviews, items = Review.objects.count(), ReviewItem.objects.count()
    if created != args.people or reviews != args.people:
        raise AssertionError(f"launch created {created} reviews, {reviews} stored, for {args.people} people")
    report["launch"] = {
        **figures,
        "reviews": reviews,
        "items": items,
        "rows_per_second": round((reviews + items) / figures["seconds"]),
    }
    print(f"launch: {figures['seconds']} s, {figures['queries']} queries, {reviews} reviews, {items} items")

    # The floor: the same rows, with their keys, through the driver's executemany alone (no project helper), then
    # read back and checked equal to the launch's rows.
    review_fields = ["id", *launch.REVIEW_FIELDS]
    item_fields = ["id", *launch.ITEM_FIELDS]
    review_rows = list(Review.objects.order_by("pk").values_list(*review_fields))
    item_rows = list(ReviewItem.objects.order_by("pk").values_list(*item_fields))
    with transaction.atomic():
        ReviewItem.objects.all()._raw_delete(connection.alias)  # pylint: disable=protected-access
        Review.objects.all()._raw_delete(connection.alias)  # pylint: disable=protected-access
    p = placeholder()

    def statement(model, fields):
        columns = ", ".join(connection.ops.quote_name(model._meta.get_field(f).column) for f in fields)
        marks = ", ".join([p] * len(fields))
        return f"INSERT INTO {model._meta.db_table} ({columns}) VALUES ({marks})"  # noqa: S608

    review_sql, item_sql = statement(Review, review_fields), statement(ReviewItem, item_fields)
    raw_reviews, raw_items = [driver_row(row) for row in review_rows], [driver_row(row) for row in item_rows]

    def bare():
        with transaction.atomic():
            cursor = raw_cursor()
            cursor.executemany(review_sql, raw_reviews)
            cursor.executemany(item_sql, raw_items)

    _none, floor = measure_once(bare)
    if (
        list(Review.objects.order_by("pk").values_list(*review_fields)) != review_rows
        or list(ReviewItem.objects.order_by("pk").values_list(*item_fields)) != item_rows
    ):
        raise AssertionError("the floor's rows differ from the launch's")
    report["raw_executemany_floor"] = floor
    report["ratio"] = round(figures["seconds"] / floor["seconds"], 2)
    print(f"raw executemany of the same rows: {floor['seconds']} s; launch / floor = {report['ratio']}x (target <= 3)")

    again, rerun = measure_once(lambda: (launch.start_launch(admin, cycle), launch.run_launch(cycle.pk))[1])
    if again != 0 or Review.objects.count() != reviews:
        raise AssertionError(f"a re-run created {again} reviews")
    report["rerun_nothing_missing"] = rerun
    print(f"re-run with nothing missing: {rerun['seconds']} s, {rerun['queries']} queries, 0 created")

    manager = Employee.objects.get(pk=built.employee_pk(1))
    from tests import factories  # noqa: PLC0415  pylint: disable=import-outside-toplevel

    joiner = factories.make_employee("late-joiner", manager=manager, org_unit=manager.org_unit)
    Review.objects.filter(employee=joiner).delete()  # the save's handler added it; time the function alone
    added, late = measure_once(lambda: launch.add_late_joiners([joiner.pk]))
    if added != 1 or not Review.objects.filter(employee=joiner, joined_late=True).exists():
        raise AssertionError("the late joiner got no review")
    report["late_joiner"] = late
    print(f"one late joiner (launch.add_late_joiners): {late['seconds']} s, {late['queries']} queries")
    return report


def driver_row(row):
    """A row of Python values as the driver takes them: naive UTC datetimes, JSON as text, decimals as text."""
    import decimal  # pylint: disable=import-outside-toplevel

    out = []
    for value in row:
        if isinstance(value, datetime.datetime):
            value = db_datetime(value)
        elif isinstance(value, dict | list):
            value = json.dumps(value)
        elif isinstance(value, decimal.Decimal):
            value = str(value)
        out.append(value)
    return tuple(out)


def main(argv=None):
    args = parse_args(argv)
    fresh_database(args.db, "appraisals")
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
