"""
Concurrency burst (issue 20, ADR 0015): ``python -m benchmarks.bench_burst [--db mysql] [--sessions 20]
[--requests 1000]``.

Runs the host as production runs it -- a real multi-threaded HTTP server (Django's threaded ``runserver``, one
thread and one database connection per request) on MariaDB at REPEATABLE-READ -- and sends it a burst of mixed
requests from ``--sessions`` signed-in sessions at once: progress readings of individual tasks under one team goal,
bulk cascades of new goals under that same goal (the deadlock of issue 20 item 6), reads of the goal, the cascade
and the dashboard, check-ins prepared by employees and held by managers at the same time, plan items added,
completed and cancelled concurrently.

It reports the answers by status (server errors must be 0; a 409 is a transition that lost a race, said so) and
then checks the data by SQL: every parent's progress equals the weighted mean of its children's, a full
recomputation changes nothing, no check-in is held with a prepared status, no impediment, help request or note
is duplicated, no item is both cancelled and completed. Exit status 1 if any check fails. JSON in
``var/bench/burst.json``.
"""

import argparse
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from .database import BENCH_DIR, fresh_database

ROOT = Path(__file__).resolve().parents[1]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "mysql"), default="mysql")
    parser.add_argument("--sessions", type=int, default=20, help="concurrent sessions (default 20)")
    parser.add_argument("--requests", type=int, default=1000, help="requests in all (default 1000)")
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--output", default=str(BENCH_DIR / "burst.json"), help="where to write the JSON")
    return parser.parse_args(argv)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build(sessions):
    """The organisation, the cascade, check-ins and plans; ``(people, managers, ids)`` for the sessions."""
    # pylint: disable=import-outside-toplevel
    import datetime

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from perf_mgmt_plugin.development import services as plans
    from perf_mgmt_plugin.org import services as org
    from perf_mgmt_plugin.strategy import services as strategy
    from perf_mgmt_plugin.strategy.models import CheckIn, Level, Objective, Period

    users = get_user_model().objects
    hr = users.create_user("burst_hr", password="x")
    hr.groups.add(Group.objects.get_or_create(name=settings.PERF_MGMT_HR_ADMIN_GROUP)[0])
    company = org.create_org_unit(code="BURST", name="Burst Co", kind="company")
    managers, people = [], []
    n_managers = max(2, sessions // 10)
    for m in range(n_managers):
        user = users.create_user(f"burst_mgr{m}", password="x")
        managers.append(org.create_employee(user, org_unit=company, employee_number=f"BM{m:03d}"))
    for i in range(sessions - n_managers):
        user = users.create_user(f"burst_emp{i}", password="x")
        people.append(
            org.create_employee(user, manager=managers[i % n_managers], org_unit=company, employee_number=f"BE{i:03d}")
        )
    today = timezone.localdate()
    period = Period.objects.create(
        name="Burst", kind=Period.QUARTER, start=today - datetime.timedelta(days=30), end=today + datetime.timedelta(60)
    )
    levels = {level.rank: level for level in Level.objects.all()}
    root = strategy.create_objective(hr, title="Grow", period=period, owner_unit=company, level=levels[1])
    goals, tasks = {}, {}
    for manager in managers:
        goals[manager.pk] = strategy.create_objective(
            hr, title=f"Team goal {manager.pk}", period=period, parent=root, owner=manager, level=levels[4]
        )
    for person in people:
        goal = goals[person.manager_id]
        tasks[person.pk] = strategy.create_objective(
            person.manager.user,
            title=f"Task of {person.pk}",
            period=period,
            parent=goal,
            owner=person,
            measure=Objective.NUMERIC,
            start_value=0,
            target_value=100,
            weight=random.choice([1, 2, 3]),  # noqa: S311
        )
    check_ins = {
        person.pk: [
            CheckIn.objects.create(employee=person, manager=person.manager, scheduled_for=today).pk for _n in range(6)
        ]
        for person in people
    }
    plan_of = {person.pk: plans.create_plan(person.manager.user, person, title="Burst plan").pk for person in people}
    return {
        "people": [(p.pk, p.user_id, p.manager_id) for p in people],
        "managers": [(m.pk, m.user_id) for m in managers],
        "goals": {k: v.pk for k, v in goals.items()},
        "tasks": {k: v.pk for k, v in tasks.items()},
        "check_ins": check_ins,
        "plans": plan_of,
        "root": root.pk,
    }


def session_cookie(user_id):
    """A signed-in session for the user, made the way ``login()`` makes one; ``(sessionid, csrftoken)``."""
    # pylint: disable=import-outside-toplevel
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    user = get_user_model().objects.get(pk=user_id)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key, secrets.token_hex(16)


class Client:
    """One session: a ``requests.Session`` with the cookies, recording every answer's status and time."""

    def __init__(self, base, user_id, results):
        import requests  # pylint: disable=import-outside-toplevel

        self.base, self.results, self.sent = base, results, 0
        self.http = requests.Session()
        sessionid, csrf = session_cookie(user_id)
        self.http.cookies.set("sessionid", sessionid)
        self.http.cookies.set("csrftoken", csrf)
        self.http.headers.update({"X-CSRFToken": csrf, "Referer": base})

    def call(self, kind, method, path, payload=None):
        """One request; the response (``None`` if the connection failed, counted as a server error)."""
        started = time.perf_counter()
        self.sent += 1
        response = None
        try:
            response = self.http.request(method, self.base + path, json=payload, timeout=120)
            status, body = response.status_code, response.text[:300]
        except Exception as exc:  # noqa: BLE001 (a dropped connection is a server error too)
            status, body = 599, repr(exc)
        self.results.append((kind, status, time.perf_counter() - started, body if status >= 500 else ""))
        return response


def open_items(client, plan):
    """The plan's approved or started items, read as one request of the burst."""
    response = client.call("read plan", "GET", f"{API}/development/plans/{plan}/")
    if response is None or response.status_code != 200:
        return []
    return [item for item in response.json().get("items", []) if item["status"] in ("approved", "in_progress")]


API = "/perf-mgmt/api/v1"


def employee_step(client, rng, me, data):
    person, _user, _manager = me
    roll = rng.random()
    if roll < 0.40:
        task = data["tasks"][str(person)]
        client.call("progress", "POST", f"{API}/strategy/objectives/{task}/progress/", {"value": rng.randint(0, 100)})
    elif roll < 0.55:
        goal = data["goals"][str(me[2])]
        client.call("read goal", "GET", f"{API}/strategy/objectives/{goal}/")
    elif roll < 0.60:
        client.call("read cascade", "GET", f"{API}/strategy/cascade/")
    elif roll < 0.80:
        check_in = rng.choice(data["check_ins"][str(person)])
        payload = {
            "action": "prepare",
            "impediments": [{"description": "Waiting for access"}],
            "help_requests": ["Need a reviewer"],
            "notes": [{"body": "My update"}],
        }
        client.call("check-in prepare", "POST", f"{API}/strategy/check-ins/{check_in}/", payload)
    else:
        plan = data["plans"][str(person)]
        items = open_items(client, plan)
        if items:
            item = rng.choice(items)["id"]
            client.call("item complete", "POST", f"{API}/development/plans/{plan}/items/{item}/complete/", {})


def manager_step(client, rng, me, data, counter):
    manager, _user = me
    team = [p for p in data["people"] if p[2] == manager]
    roll = rng.random()
    if roll < 0.30:
        owners = [p[0] for p in rng.sample(team, k=max(1, len(team) // 2))]
        title = f"Cascade {manager}-{next(counter)}"
        goal = data["goals"][str(manager)]
        client.call(
            "bulk cascade", "POST", f"{API}/strategy/objectives/{goal}/cascade/", {"title": title, "owners": owners}
        )
    elif roll < 0.55:
        person = rng.choice(team)[0]
        check_in = rng.choice(data["check_ins"][str(person)])
        payload = {"action": "hold", "mode": "video", "notes": [{"body": "Agreed"}], "next_actions": "Carry on"}
        client.call("check-in hold", "POST", f"{API}/strategy/check-ins/{check_in}/", payload)
    elif roll < 0.75:
        person = rng.choice(team)[0]
        plan = data["plans"][str(person)]
        client.call("item add", "POST", f"{API}/development/plans/{plan}/items/", {"kind": "reading", "title": "Book"})
    elif roll < 0.85:
        person = rng.choice(team)[0]
        plan = data["plans"][str(person)]
        items = open_items(client, plan)
        if items:
            item = rng.choice(items)["id"]
            client.call("item cancel", "POST", f"{API}/development/plans/{plan}/items/{item}/cancel/", {"reason": "No"})
    else:
        client.call("dashboard", "GET", f"{API}/strategy/dashboard/")


def burst(base, data, sessions, total, seed):
    import itertools  # pylint: disable=import-outside-toplevel

    results = []
    counter = itertools.count()
    actors = [("manager", m) for m in data["managers"]] + [("employee", p) for p in data["people"]]
    actors = actors[:sessions]
    clients = [Client(base, actor[1][1], results) for actor in actors]
    per_session = total // len(actors)
    barrier = threading.Barrier(len(actors))

    def run(index):
        rng = random.Random(seed + index)  # noqa: S311
        kind, me = actors[index]
        barrier.wait()
        while clients[index].sent < per_session:
            if kind == "manager":
                manager_step(clients[index], rng, me, data, counter)
            else:
                employee_step(clients[index], rng, me, data)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actors))]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


def checks():
    """The data checks by SQL after the burst; ``{name: number of bad rows}`` (all must be 0)."""
    # pylint: disable=import-outside-toplevel
    from django.db import connection

    from perf_mgmt_plugin.development.models import PlanItem
    from perf_mgmt_plugin.strategy import rollup
    from perf_mgmt_plugin.strategy.models import CheckIn, CheckInNote, HelpRequest, Impediment, Objective

    def one(query, params=()):
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchone()[0]

    def table(model):
        return connection.ops.quote_name(model._meta.db_table)

    obj = table(Objective)
    result = {
        "parents unlike their children's weighted mean": one(
            f"SELECT COUNT(*) FROM {obj} p JOIN (SELECT parent_id, SUM(weight * progress) / SUM(weight) AS mean "  # noqa: S608
            f"FROM {obj} WHERE active = 1 AND weight > 0 GROUP BY parent_id) c ON c.parent_id = p.id "
            "WHERE ABS(p.progress - c.mean) > 0.000002"
        ),
        "held check-ins not 'held'": one(
            f"SELECT COUNT(*) FROM {table(CheckIn)} WHERE held_at IS NOT NULL AND status <> 'held'"  # noqa: S608
        ),
        "items cancelled yet completed": one(
            f"SELECT COUNT(*) FROM {table(PlanItem)} WHERE status = 'cancelled' "  # noqa: S608
            "AND (progress = 100 OR completed_at IS NOT NULL)"
        ),
    }
    for model, text in ((Impediment, "description"), (HelpRequest, "body"), (CheckInNote, "body")):
        result[f"duplicate {model.__name__}s on a check-in"] = one(
            f"SELECT COUNT(*) FROM (SELECT check_in_id FROM {table(model)} WHERE check_in_id IS NOT NULL "  # noqa: S608
            f"GROUP BY check_in_id, {text}{', author_id' if model is CheckInNote else ''} HAVING COUNT(*) > 1) d"
        )
    order = connection.ops.quote_name("order")
    result["plan items sharing a place"] = one(
        f"SELECT COUNT(*) FROM (SELECT plan_id FROM {table(PlanItem)} GROUP BY plan_id, {order} "  # noqa: S608
        "HAVING COUNT(*) > 1) d"
    )
    # Parents (objectives with children) as stored, then after a full recomputation: they must not move. (New
    # cascaded copies are first computed by the nightly run, so leaves are not compared.)
    parents = f"SELECT id, progress, status FROM {obj} WHERE id IN (SELECT parent_id FROM {obj}) ORDER BY id"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(parents)
        before = cursor.fetchall()
        rollup.recompute_all(notify=False)
        cursor.execute(parents)
        after = cursor.fetchall()
    result["parents a full recomputation changes"] = sum(1 for a, b in zip(before, after, strict=True) if a != b)
    return result


def main(argv=None):
    args = parse_args(argv)
    random.seed(args.seed)
    fresh_database(args.db, "burst")
    os.environ["PERF_MGMT_DB_ISOLATION"] = "repeatable read"
    sys.path.insert(0, str(ROOT))
    import django  # pylint: disable=import-outside-toplevel
    from django.core.management import call_command  # pylint: disable=import-outside-toplevel

    django.setup()
    call_command("migrate", verbosity=0)
    data = json.loads(json.dumps(build(args.sessions)))
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), "runserver", f"127.0.0.1:{port}", "--noreload"],
        env={**os.environ},
        cwd=str(ROOT),
        stdout=subprocess.DEVNULL,
        stderr=open(BENCH_DIR / "burst-server.log", "w"),  # noqa: SIM115
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _wait in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        results, elapsed = burst(base, data, args.sessions, args.requests, args.seed)
    finally:
        server.terminate()
        server.wait(timeout=30)
    by_status = Counter(status for _kind, status, _t, _b in results)
    by_kind = Counter((kind, status) for kind, status, _t, _b in results)
    server_errors = [(kind, status, body) for kind, status, _t, body in results if status >= 500]
    data_checks = checks()
    report = {
        "db": args.db,
        "sessions": args.sessions,
        "requests": len(results),
        "seconds": round(elapsed, 1),
        "requests_per_second": round(len(results) / elapsed, 1),
        "by_status": dict(sorted(by_status.items())),
        "by_kind": {f"{kind} {status}": n for (kind, status), n in sorted(by_kind.items())},
        "server_errors": len(server_errors),
        "server_error_samples": server_errors[:5],
        "checks": data_checks,
    }
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))  # noqa: T201
    failed = report["server_errors"] or any(data_checks.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
