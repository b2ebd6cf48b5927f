"""
Benchmark of a 360 round at scale: ``python -m benchmarks.bench_profiling [--subjects 2000] [--raters 10]
[--items 40] [--db sqlite|mysql]``.

In a throwaway database (``var/bench/profiling.sqlite3`` or the MariaDB database ``perf_mgmt_bench_profiling``):

1. an organisation (``org_data``) and a framework of competencies (``competency_data``), a profile of ``--items``
   statements (``profiling.services.create_profile``), activated;
2. **launch**: ``profiling.services.start_round`` for ``--subjects`` people (subjects, their self and manager rater
   rows, bulk inserts), timed with its queries; then the **floor**: the same rows read back, deleted, and inserted
   again with their keys by the database driver's own ``executemany`` (no project helper, no ORM) -- target: the
   launch within 3x of it;
3. nominations: ``nominate`` + ``approve`` timed for a sample of subjects (per subject), then the remaining raters
   up to ``--raters`` per subject and every answer (``subjects x raters x items`` rows) written by ``executemany``
   (data generation, not measured against a target);
4. **report**: one subject's report (``profiling.report.build``) timed with its query count, beside the same call in a
   one-subject round: the count must be equal (constant queries at any size);
5. closing the round (``close_round``: results fed as assessments, gaps recomputed), timed.

Results are printed and written as JSON to ``var/bench/profiling.json``.
"""

import argparse
import json
import os
import platform
import random
import sys

from .bench_org import Timer, database_version, measure_once
from .database import BENCH_DIR, fresh_database


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subjects", type=int, default=2000, help="people rated (default 2000)")
    parser.add_argument("--raters", type=int, default=10, help="raters per subject, self and manager included")
    parser.add_argument("--items", type=int, default=40, help="statements in the profile (default 40)")
    parser.add_argument("--sample", type=int, default=20, help="subjects nominated through the services")
    parser.add_argument("--db", choices=("sqlite", "mysql"), default="sqlite")
    parser.add_argument("--output", default=str(BENCH_DIR / "profiling.json"), help="where to write the JSON")
    return parser.parse_args(argv)


def _executemany(table, fields, rows, batch=5000):
    """The floor's writer: the driver's executemany with a hand-written INSERT (placeholders of the driver)."""
    from django.db import connection  # pylint: disable=import-outside-toplevel

    quote = connection.ops.quote_name
    marker = "%s"
    columns = ", ".join(quote(f) for f in fields)
    sql = f"INSERT INTO {quote(table)} ({columns}) VALUES ({', '.join([marker] * len(fields))})"
    raw = connection.connection  # the DB-API connection under Django's wrapper
    cursor = raw.cursor()
    if connection.vendor == "sqlite":
        sql = sql.replace("%s", "?")
    for start in range(0, len(rows), batch):
        cursor.executemany(sql, rows[start : start + batch])
    cursor.close()


def run(args):  # noqa: PLR0915
    # pylint: disable=import-outside-toplevel
    import django
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction

    from perf_mgmt_plugin.org.models import Employee
    from perf_mgmt_plugin.profiling import report as reporting
    from perf_mgmt_plugin.profiling import services
    from perf_mgmt_plugin.profiling.models import Answer, Profile, Rater, Subject

    from . import competency_data, org_data
    from .org_scenarios import count_queries

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # invitations are built, not sent
    rng = random.Random(16)
    report = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "django": django.__version__},
        "subjects": args.subjects,
        "raters_per_subject": args.raters,
        "items": args.items,
    }
    call_command("migrate", run_syncdb=True, verbosity=0)
    report["machine"]["database"] = database_version()
    people = args.subjects + args.raters + 50
    plan = org_data.plan_org(people, 5, prefix="P")
    with Timer() as build, transaction.atomic():
        org_data.build_org(plan)
        competency_ids = competency_data.build_frameworks(max(args.items // 5, 1), prefix="prof")
    print(f"built {len(plan.people)} people in {build.seconds:.1f} s")
    admin = get_user_model().objects.create_superuser("bench-hr", "hr@example.com", None)
    items = [(competency_ids[n % len(competency_ids)], f"Statement {n}") for n in range(args.items)]
    profile = services.create_profile(admin, family="bench", name="Bench 360", items=items, questions=["Keep?"])
    services.set_profile_status(admin, profile, Profile.ACTIVE)
    employees = list(Employee.objects.exclude(manager=None).order_by("pk").values_list("pk", "user_id"))
    subjects = [pk for pk, _user in employees[: args.subjects]]
    users = [user for _pk, user in employees]

    # -- launch and its floor ------------------------------------------------------------------------------------
    rnd, launch = measure_once(
        lambda: services.start_round(admin, profile, name="Bench", person_ids=subjects, notify_people=False)
    )
    subject_fields = ["id", "round_id", "person_id", "status", "version"]
    rater_fields = ["id", "subject_id", "user_id", "group", "status", "decline_reason", "invited_at", "version"]
    subject_rows = list(Subject.objects.filter(round=rnd).order_by("pk").values_list(*subject_fields))
    rater_rows = list(Rater.objects.filter(subject__round=rnd).order_by("pk").values_list(*rater_fields))
    report["launch"] = {**launch, "subjects": len(subject_rows), "raters": len(rater_rows)}
    print(
        f"launch: {launch['seconds']} s, {launch['queries']} queries, "
        f"{len(subject_rows)} subjects, {len(rater_rows)} raters"
    )
    with transaction.atomic():
        Rater.objects.filter(subject__round=rnd)._raw_delete(connection.alias)  # pylint: disable=protected-access
        Subject.objects.filter(round=rnd)._raw_delete(connection.alias)  # pylint: disable=protected-access

    def floor():
        with transaction.atomic():
            _executemany(Subject._meta.db_table, subject_fields, subject_rows)
            _executemany(Rater._meta.db_table, rater_fields, rater_rows)

    _none, floor_figures = measure_once(floor)
    report["floor_executemany"] = floor_figures
    report["launch_over_floor"] = round(launch["seconds"] / floor_figures["seconds"], 2)
    print(
        f"floor (driver executemany of the same rows): {floor_figures['seconds']} s; "
        f"launch / floor = {report['launch_over_floor']}x (target <= 3)"
    )
    if Subject.objects.filter(round=rnd).count() != len(subject_rows):
        raise AssertionError("the floor did not write the same subjects")

    # -- nominations: a sample through the services, the rest generated -----------------------------------------
    subject_objects = list(
        Subject.objects.filter(round=rnd)
        .select_related("round__profile", "person__user", "person__manager__user")
        .order_by("pk")
    )
    nominated = args.raters - 2
    # The sample: people without reports (so the direct-report group is not asked of them).
    managers = set(Employee.objects.exclude(manager=None).values_list("manager_id", flat=True))
    sample = [s for s in subject_objects if s.person_id not in managers][: args.sample]
    sampled = {s.pk for s in sample}
    timings = []
    for subject in sample:
        chosen = rng.sample(
            [u for u in users if u != subject.person.user_id and u != getattr(subject.person.manager, "user_id", None)],
            nominated,
        )
        with count_queries() as queries, Timer() as timer:
            services.nominate(admin, subject, {"peer": chosen[: nominated // 2], "other": chosen[nominated // 2 :]})
            subject.refresh_from_db()
            services.approve(admin, subject)
        timings.append((timer.seconds, len(queries)))
    if timings:
        timings.sort()
        report["nominate_and_approve_per_subject"] = {
            "median_seconds": round(timings[len(timings) // 2][0], 4),
            "queries_max": max(q for _s, q in timings),
        }
        print(
            f"nominate + approve, per subject: median {timings[len(timings) // 2][0] * 1000:.1f} ms, "
            f"at most {max(q for _s, q in timings)} queries"
        )
    rows = []
    for subject in subject_objects:
        if subject.pk in sampled:
            continue
        manager_user = subject.person.manager.user_id if subject.person.manager else None
        pool = [u for u in rng.sample(users, nominated + 3) if u not in (subject.person.user_id, manager_user)][
            :nominated
        ]
        for n, user in enumerate(pool):
            rows.append((subject.pk, user, "peer" if n < nominated // 2 else "other", "invited", "", 0))
    with Timer() as generate, transaction.atomic():
        _executemany(
            Rater._meta.db_table, ["subject_id", "user_id", "group", "status", "decline_reason", "version"], rows
        )
        Rater.objects.filter(subject__round=rnd).update(status=Rater.SUBMITTED)
        item_ids = list(profile.items.order_by("pk").values_list("pk", flat=True))
        rater_ids = list(Rater.objects.filter(subject__round=rnd).values_list("pk", flat=True))
        answers = [(r, i, rng.randint(1, 5)) for r in rater_ids for i in item_ids]
        _executemany(Answer._meta.db_table, ["rater_id", "item_id", "level"], answers)
    report["answers"] = len(answers)
    report["generate_seconds"] = round(generate.seconds, 1)
    print(f"generated {len(rater_ids)} raters and {len(answers)} answers in {generate.seconds:.1f} s")

    # -- one subject's report: constant queries --------------------------------------------------------------------
    _closed, close = measure_once(lambda: services.close_round(admin, rnd))
    report["close_and_feed"] = close
    print(f"close (results fed as assessments, gaps recomputed): {close['seconds']} s, {close['queries']} queries")
    subject = Subject.objects.select_related("round__profile", "person__user", "person__manager").get(
        pk=subject_objects[-1].pk
    )
    built, figures = measure_once(lambda: reporting.build(subject))
    report["report_full_round"] = figures
    lone = services.start_round(admin, profile, name="Lone", person_ids=[subjects[-1]], notify_people=False)
    services.close_round(admin, lone)
    small = Subject.objects.select_related("round__profile", "person__user", "person__manager").get(round=lone)
    _small, small_figures = measure_once(lambda: reporting.build(small))
    report["report_one_subject_round"] = small_figures
    print(
        f"one subject's report: {figures['seconds']} s, {figures['queries']} queries "
        f"(a one-subject round: {small_figures['queries']})"
    )
    if figures["queries"] != small_figures["queries"]:
        raise AssertionError("the report's queries grow with the round")
    if sum(n for _g, _l, n in built.groups) == 0:
        raise AssertionError("the report shows no group")
    return report


def main(argv=None):
    args = parse_args(argv)
    fresh_database(args.db, "profiling")
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
