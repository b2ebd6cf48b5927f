"""
Benchmark of the learning loop at LMS scale (issue 14, ADR 0021): ``python -m benchmarks.bench_development
[--people 10000] [--events 100000] [--courses 3] [--lag 2000] [--db sqlite|mysql]``.

Builds an organisation (``org_data``) where everyone has an active development plan whose course items develop a
competency their position requires (``development_data`` with ``competency_ids``: a completed item records course
evidence and the person's gap is recomputed), in a throwaway database (``var/bench/development.sqlite3``, or the
MariaDB/MySQL database ``perf_mgmt_bench_development``). Then sends ``--events`` LMS events the way the LMS does:
each in its own transaction, 40% course grades (``PERSISTENT_GRADE_SUMMARY_CHANGED`` data classes with fresh
metadata; 80% or more passes), 60% edx-completion ``BlockCompletion`` rows (``submit_completion``); the platform
backend's queries only (the host's extra count of completable blocks is switched off, as the real backend has none).

Two sides, measured separately:

- **request side** -- what the plugin adds to the platform's request: its receiver and the commit, per event, beside
  the floor: one raw ``INSERT`` of the same row and the commit, through the driver's cursor, in the same process,
  alternating which goes first, each floor row checked equal to the plugin's then removed. p50/p99 of both and the
  median of the per-event ratios.
- **worker side** -- after every ``--lag`` events (the worker lagging behind the requests), the queued tasks run
  (one per person and course and transaction) and their throughput is compared with a set-wise raw floor over the
  same pending rows (a handful of statements for the whole lag: read the pending rows, the items and the completed
  block counts, ``executemany`` the item updates and the course evidence, stamp the rows), run first in a
  transaction that is rolled back after its item states are read, then checked equal to the plugin's.

Results are printed and written as JSON to ``var/bench/development.json``.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time
import uuid

from .bench_org import Timer, database_version
from .database import BENCH_DIR, fresh_database
from .floors import db_datetime, percentile, placeholder, raw_cursor


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000, help="people with a plan (default 10000)")
    parser.add_argument("--depth", type=int, default=6, help="reporting levels (default 6)")
    parser.add_argument("--events", type=int, default=100_000, help="LMS events sent (default 100000)")
    parser.add_argument("--courses", type=int, default=3, help="course items per plan (default 3)")
    parser.add_argument("--lag", type=int, default=2000, help="events sent before the worker catches up (2000)")
    parser.add_argument("--competencies", type=int, default=6, help="competencies the course items develop (6)")
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
    from django.db import connection, transaction
    from django.db.models import Count

    from perf_mgmt_plugin.development.models import PlanItem, ProcessedEvent
    from perf_mgmt_plugin.openedx import get_backend

    from . import competency_data, development_data, org_data
    from .bench_competencies import analyze_tables

    report = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "django": django.__version__},
        "people": args.people,
        "events": args.events,
        "lag": args.lag,
    }
    with Timer() as timer:
        call_command("migrate", run_syncdb=True, verbosity=0)
    report["machine"]["database"] = database_version()
    report["migrate_seconds"] = round(timer.seconds, 2)
    with Timer() as build_timer, transaction.atomic():
        built = org_data.build_org(org_data.plan_org(args.people, args.depth, prefix="D"))
        competency_ids = competency_data.build_frameworks(args.competencies, prefix="D")
        competency_data.build_requirements(built.plan, competency_ids, args.competencies)
        plans = development_data.build_plans(
            built, courses=args.courses, blocks=20, prefix="D", competency_ids=competency_ids
        )
    report["build"] = {"seconds": round(build_timer.seconds, 2), "plans": plans.plans, "items": plans.items}
    print(f"built {args.people} people, {plans.plans} plans, {plans.items} items in {build_timer.seconds:.1f} s")
    analyze_tables()
    if connection.vendor == "sqlite":
        # Write-ahead log, fsync at checkpoints: a commit per event otherwise measures the disk's fsync (both the
        # plugin and its floors commit the same way, so the ratios hold either way).
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
    backend = get_backend()
    backend.completable_block_counts = lambda course_keys: {}  # the real backend's queries only

    loop = Loop()
    stream = list(development_data.event_stream(plans, args.events))
    worker_seconds = floor_seconds = 0.0
    applied = 0
    with Timer() as timer:
        for start in range(0, len(stream), args.lag):
            chunk = stream[start : start + args.lag]
            for number, event in enumerate(chunk, start):
                loop.request(event, project_first=number % 2 == 0, sample=number % 100 == 1)
            loop.check_and_drop_floor_rows()
            loop.events_in_lag = len(chunk)
            floor_time, floor_states = loop.worker_floor()
            project_time, project_states = loop.worker()
            if project_states != floor_states:
                diff = [
                    (k, project_states.get(k), floor_states.get(k))
                    for k in project_states
                    if project_states.get(k) != floor_states.get(k)
                ]
                raise AssertionError(f"the worker floor's item states differ: {diff[:5]}")
            worker_seconds += project_time
            floor_seconds += floor_time
            applied += len(chunk)
            print(
                f"  {applied} events: request p50 {loop.p50():.3f} ms (floor {loop.p50(floor=True):.3f} ms); "
                f"worker {len(chunk) / project_time:.0f} events/s (set-wise floor {len(chunk) / floor_time:.0f}/s)",
                flush=True,
            )
    report["seconds"] = round(timer.seconds, 1)
    report["request"] = loop.request_report()
    report["worker"] = {
        "events_per_second": round(applied / worker_seconds, 1),
        "floor_events_per_second": round(applied / floor_seconds, 1),
        "share_of_floor": round(floor_seconds / worker_seconds, 3),
        "tasks": loop.tasks_run,
        "queries_per_event_first_lag": round(loop.worker_queries, 2),
    }
    statuses = dict(PlanItem.objects.filter(kind="course").values_list("status").annotate(n=Count("pk")))
    report["course_item_statuses"] = statuses
    report["evidence_recorded"] = PlanItem.objects.filter(evidence_recorded=True).count()
    report["pending_left"] = ProcessedEvent.objects.filter(applied_at__isnull=True).count()
    request, worker = report["request"], report["worker"]
    print(f"{args.events} events in {timer.seconds:.0f} s")
    for kind, figures in request.items():
        print(
            f"  request side, {kind}: p50 {figures['p50_ms']} ms (floor {figures['floor_p50_ms']} ms), "
            f"p99 {figures['p99_ms']} ms (floor {figures['floor_p99_ms']} ms), ratio {figures['ratio']}x, "
            f"{figures['queries']} queries"
        )
    print(
        f"  worker side: {worker['events_per_second']} events/s, set-wise floor {worker['floor_events_per_second']}"
        f" events/s: {worker['share_of_floor']} of the floor; {worker['queries_per_event_first_lag']} queries per event"
    )
    print(f"  course items by status: {statuses}; evidence recorded on {report['evidence_recorded']} items")
    return report


class Loop:
    """The LMS side (requests with the plugin's receivers and their raw floors) and the worker side."""

    def __init__(self):
        # pylint: disable=import-outside-toplevel
        from completion.models import BlockCompletion
        from django.db import connection
        from django.db.models.signals import post_save
        from openedx_events.data import EventsMetadata
        from openedx_events.learning import signals
        from openedx_events.learning.data import CourseData, PersistentCourseGradeData

        from perf_mgmt_plugin import handlers, tasks
        from perf_mgmt_plugin.development import progress

        self.connection, self.handlers, self.tasks, self.progress = connection, handlers, tasks, progress
        self.completions, self.block_completion = BlockCompletion.objects, BlockCompletion
        # The platform's save is the same for both arms: the plugin's receiver is called by the request arm itself.
        post_save.disconnect(sender=BlockCompletion, dispatch_uid="perf_mgmt.handlers.on_block_completion_saved")
        self.signal, self.metadata = signals.PERSISTENT_GRADE_SUMMARY_CHANGED, EventsMetadata
        self.grade_class, self.course_class = PersistentCourseGradeData, CourseData
        from . import development_data  # pylint: disable=import-outside-toplevel

        self.sender = development_data.Sender()
        self.users = {}
        self.queue = []
        tasks._send_learning_tasks = self.queue.extend  # the broker: tasks wait for the worker side
        self.times = {"grade": [], "completion": []}
        self.floors = {"grade": [], "completion": []}
        self.queries = {}
        self.floor_ids = []
        self.tasks_run = 0
        self.worker_queries = 0
        self.events_in_lag = 1
        self._last_completion = None
        p = placeholder()
        self.insert_sql = (
            "INSERT INTO perf_mgmt_processedevent (event_id, event_type, user_id, course_key, occurred_at, received_at,"
            f" items, payload, applied_at) VALUES ({p}, {p}, {p}, {p}, {p}, {p}, 0, {p}, NULL)"
        )

    def _user(self, user_id):
        from django.contrib.auth import get_user_model  # pylint: disable=import-outside-toplevel

        user = self.users.get(user_id)
        if user is None:
            user = self.users[user_id] = get_user_model()(pk=user_id)
        return user

    # --- request side ---------------------------------------------------------------------------------------------

    def request(self, event, project_first, sample=False):
        """
        One LMS event, handled twice in two transactions: by the plugin's receiver and by the raw floor (timed:
        the call and the commit). A ``sample`` event counts the plugin's queries instead of being timed.
        """
        from django.db import transaction  # pylint: disable=import-outside-toplevel
        from django.utils import timezone  # pylint: disable=import-outside-toplevel

        kind, user_id, key, n = event
        if kind == "completion":
            usage_key = key.make_usage_key("html", f"unit{n}")
            args = (self._user(user_id), usage_key)
        else:
            now = timezone.now()
            grade = self.sender.grade(user_id, key, n, now)
            metadata = self.metadata(event_type=self.signal.event_type, id=uuid.uuid1(), time=now)
            args = (grade, metadata)
        for arm in ("project", "floor") if project_first else ("floor", "project"):
            first = arm == ("project" if project_first else "floor")
            atomic = transaction.atomic()
            atomic.__enter__()
            instance = None
            if kind == "completion" and first:  # the platform's own write, once, in the first request
                instance, _created = self.completions.submit_completion(*args, 1.0)
            elif kind == "completion":
                instance = self._last_completion
            self._last_completion = instance
            self.connection.force_debug_cursor = sample and arm == "project"
            queries_before = len(self.connection.queries_log)
            started = time.perf_counter()
            if arm == "project":
                if kind == "completion":
                    self.handlers.on_block_completion_saved(self.block_completion, instance=instance, created=True)
                else:
                    self.handlers.on_persistent_grade(self.signal, grade=args[0], metadata=args[1])
            else:
                self._floor_insert(kind, user_id, key, args, instance)
            atomic.__exit__(None, None, None)
            elapsed = time.perf_counter() - started
            if sample:
                if arm == "project":
                    self.queries.setdefault(kind, set()).add(len(self.connection.queries_log) - queries_before)
                    if os.environ.get("BENCH_SHOW_SQL"):
                        print([q["sql"][:80] for q in list(self.connection.queries_log)[queries_before:]])
                self.connection.force_debug_cursor = False
                continue
            (self.times if arm == "project" else self.floors)[kind].append(elapsed)

    def _floor_insert(self, kind, user_id, key, args, instance):
        from django.utils import timezone  # pylint: disable=import-outside-toplevel

        now = db_datetime(timezone.now())
        if kind == "completion":
            event_id = f"floor:{uuid.uuid4().hex}"
            row = (
                event_id,
                self.progress.BLOCK_COMPLETION_EVENT,
                user_id,
                str(key),
                now,
                now,
                json.dumps({"block_key": str(instance.block_key), "completion": float(instance.completion)}),
            )
        else:
            grade, metadata = args
            event_id = f"floor:{metadata.id}"
            passed = grade.passed_timestamp.isoformat() if grade.passed_timestamp else None
            row = (
                event_id,
                metadata.event_type,
                user_id,
                str(key),
                db_datetime(metadata.time),
                now,
                json.dumps({"fact": "grade", "value": [float(grade.percent_grade), passed]}),
            )
        cursor = raw_cursor()
        cursor.execute(self.insert_sql, row)
        self.floor_ids.append(event_id)

    def check_and_drop_floor_rows(self):
        """Each floor row holds what the plugin's row holds (type, person, course, time, fact); then removed."""
        from perf_mgmt_plugin.development.models import ProcessedEvent  # pylint: disable=import-outside-toplevel

        fields = ("event_id", "event_type", "user_id", "course_key", "occurred_at", "payload")
        floor = {r["event_id"]: r for r in ProcessedEvent.objects.filter(event_id__in=self.floor_ids).values(*fields)}
        ours = {
            r["event_id"]: r
            for r in ProcessedEvent.objects.filter(applied_at__isnull=True)
            .exclude(event_id__in=self.floor_ids)
            .values(*fields)
        }
        completions = sorted(
            (r["user_id"], str(r["course_key"]), json.dumps(r["payload"], sort_keys=True))
            for r in ours.values()
            if r["event_type"] == self.progress.BLOCK_COMPLETION_EVENT
        )
        floor_completions = sorted(
            (r["user_id"], str(r["course_key"]), json.dumps(r["payload"], sort_keys=True))
            for r in floor.values()
            if r["event_type"] == self.progress.BLOCK_COMPLETION_EVENT
        )
        if completions != floor_completions:
            raise AssertionError("the request floor's completion rows differ from the plugin's")
        for event_id, row in floor.items():
            if row["event_type"] == self.progress.BLOCK_COMPLETION_EVENT:
                continue
            mine = ours[event_id.removeprefix("floor:")]
            if (mine["user_id"], mine["course_key"], mine["occurred_at"], mine["payload"]) != (
                row["user_id"],
                row["course_key"],
                row["occurred_at"],
                row["payload"],
            ):
                raise AssertionError(f"the request floor's row differs: {mine} != {row}")
        ProcessedEvent.objects.filter(event_id__in=self.floor_ids).delete()
        self.floor_ids = []

    def p50(self, floor=False):
        values = [t for times in (self.floors if floor else self.times).values() for t in times]
        return statistics.median(values) * 1000

    def request_report(self):
        report = {}
        for kind in self.times:
            times, floors = self.times[kind], self.floors[kind]
            ratios = [t / f for t, f in zip(times, floors, strict=True) if f]
            report[kind] = {
                "events": len(times),
                "p50_ms": round(percentile(times, 0.5) * 1000, 3),
                "p99_ms": round(percentile(times, 0.99) * 1000, 3),
                "floor_p50_ms": round(percentile(floors, 0.5) * 1000, 3),
                "floor_p99_ms": round(percentile(floors, 0.99) * 1000, 3),
                "ratio": round(statistics.median(ratios), 2),
                "queries": sorted(self.queries.get(kind, ())),
            }
        return report

    # --- worker side ----------------------------------------------------------------------------------------------

    def _states(self, pairs):
        """Item states of the people and courses the pending events were about (what both sides must agree on)."""
        from perf_mgmt_plugin.development.models import PlanItem  # pylint: disable=import-outside-toplevel

        users = {user_id for user_id, _key in pairs}
        rows = PlanItem.objects.filter(owner__user_id__in=users, kind="course").values_list(
            "pk",
            "status",
            "progress",
            "achieved",
            "achieved_at",
            "grade_percent",
            "grade_at",
            "blocks_completed",
            "evidence_recorded",
        )
        return {row[0]: row[1:] for row in rows}

    def worker(self):
        """Run the queued tasks (the task's own code), one after another as one worker process would."""
        from django.db import reset_queries  # pylint: disable=import-outside-toplevel

        queue, self.queue[:] = list(self.queue), []
        counting = not self.tasks_run  # the first lag counts the queries (the debug cursor costs time)
        reset_queries()
        self.connection.force_debug_cursor = counting
        started = time.perf_counter()
        for user_id, course_key in queue:
            self.tasks.apply_learning_events(user_id, course_key)
        elapsed = time.perf_counter() - started
        self.connection.force_debug_cursor = False
        if counting:
            self.worker_queries = len(self.connection.queries_log) / max(1, self.events_in_lag)
        self.tasks_run += len(queue)
        return elapsed, self._states({(u, str(k)) for u, k in queue})

    def worker_floor(self):
        """The set-wise raw floor over the same pending rows, rolled back once its item states are read."""
        from django.db import transaction  # pylint: disable=import-outside-toplevel

        pairs = {(user_id, str(key)) for user_id, key in self.queue}
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            started = time.perf_counter()
            set_wise_floor(raw_cursor(), placeholder())
            elapsed = time.perf_counter() - started
            states = self._states(pairs)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
        return elapsed, states


def set_wise_floor(cursor, p):
    """
    Apply every pending event with the least SQL: read the pending rows, the course items of their people and the
    completed blocks (three reads), compute the registers in memory, write the changed items, the course evidence
    of newly completed competency-linked items, and stamp the rows (``executemany``). The gap recomputation that
    follows new evidence is not in the floor (see benchmarks/README.md).
    """
    import datetime  # pylint: disable=import-outside-toplevel

    from django.utils import timezone  # pylint: disable=import-outside-toplevel
    from django.utils.dateparse import parse_datetime  # pylint: disable=import-outside-toplevel

    now = db_datetime(timezone.now())
    cursor.execute(
        "SELECT id, event_type, user_id, course_key, occurred_at, payload FROM perf_mgmt_processedevent"
        " WHERE applied_at IS NULL ORDER BY occurred_at, id"
    )
    pending = cursor.fetchall()
    if not pending:
        return
    users = sorted({row[2] for row in pending})
    marks = ", ".join([p] * len(users))
    cursor.execute(
        "SELECT i.id, e.user_id, i.course_key, i.status, i.progress, i.achieved, i.achieved_at, i.grade_percent,"
        " i.grade_at, i.blocks_completed, i.competency_id, i.target_level, i.evidence_recorded, i.owner_id"
        " FROM perf_mgmt_planitem i JOIN perf_mgmt_employee e ON e.id = i.owner_id"
        f" WHERE e.user_id IN ({marks}) AND i.kind = 'course' AND i.status <> 'cancelled'",
        users,
    )
    items = {}
    for row in cursor.fetchall():
        items.setdefault((row[1], row[2]), []).append(list(row))
    recount = {(row[2], row[3]) for row in pending if row[1].endswith("block_completion.saved")}
    counts = {}
    if recount:
        cursor.execute(
            f"SELECT user_id, course_key, COUNT(*) FROM completion_blockcompletion WHERE user_id IN ({marks})"
            " AND completion >= 1.0 GROUP BY user_id, course_key",
            users,
        )
        counts = {(u, k): n for u, k, n in cursor.fetchall()}

    def stamp(value):
        if value is None or isinstance(value, datetime.datetime):
            return value
        return parse_datetime(value)

    touched = {}
    for _pk, _event_type, user_id, course_key, occurred_at, payload in pending:
        occurred_at = stamp(occurred_at)
        payload = json.loads(payload) if isinstance(payload, str) else payload
        for item in items.get((user_id, course_key), ()):
            touched[item[0]] = item
            if payload.get("fact") == "grade" and (item[8] is None or occurred_at >= stamp(item[8])):
                percent, passed = payload["value"]
                item[7], item[8] = percent, occurred_at
                passed = db_datetime(parse_datetime(passed)) if passed else None
                if passed is not None and (item[6] is None or passed >= stamp(item[6])):
                    item[5], item[6] = True, passed
    updates, evidence, evidence_items = [], [], []
    for item in touched.values():
        if (item[1], item[2]) in recount:
            item[9] = counts.get((item[1], item[2]), 0)
        status, progress = item[3], item[4]
        if item[5]:
            newly = status != "completed"
            status, progress = "completed", 100
            if newly and item[10] and item[11] and not item[12]:
                evidence.append(
                    (
                        item[13],
                        item[10],
                        item[11],
                        "course",
                        "course",
                        f"plan-item:{item[0]}",
                        item[2],
                        f"Completed {item[2]} (development plan item {item[0]}).",
                        now,
                    )
                )
                evidence_items.append((item[0],))
        else:
            progress = min(99, round(100.0 * item[7])) if item[7] is not None else 0
            status = "in_progress" if status in ("approved", "completed") else status
        updates.append(
            (
                status,
                progress,
                item[5],
                item[6],
                item[7],
                item[8],
                item[9],
                now if status == "completed" else None,
                item[0],
            )
        )
    cursor.executemany(
        f"UPDATE perf_mgmt_planitem SET status = {p}, progress = {p}, achieved = {p}, achieved_at = {p},"
        f" grade_percent = {p}, grade_at = {p}, blocks_completed = {p}, completed_at = {p} WHERE id = {p}",
        updates,
    )
    if evidence:
        cursor.executemany(
            "INSERT INTO perf_mgmt_assessment (person_id, competency_id, level, source, context_type, context_id,"
            f" course_key, evidence, created) VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p})",
            evidence,
        )
        cursor.executemany(f"UPDATE perf_mgmt_planitem SET evidence_recorded = 1 WHERE id = {p}", evidence_items)
    done = [(now, row[0]) for row in pending if not row[1].endswith("block_completion.saved")]
    cursor.executemany(f"UPDATE perf_mgmt_processedevent SET applied_at = {p}, payload = '{{}}' WHERE id = {p}", done)
    cursor.executemany(
        f"DELETE FROM perf_mgmt_processedevent WHERE id = {p}",
        [(row[0],) for row in pending if row[1].endswith("block_completion.saved")],
    )


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
