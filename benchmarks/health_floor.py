# ruff: noqa: E501  (hand-written SQL reads better on one line)
"""
The raw-SQL floors of the health benchmark: the same figures as ``health.compute_pack`` and the same ranking as
``succession.suggestions``, written as hand-made SQL run on the database driver's own cursor (the DB-API connection
under Django's, no ORM and nothing of the plugin), so the ratio measures what the project adds over the database.
"""

import datetime

from django.db import connection

from perf_mgmt_plugin.appraisals.models import (
    CoachAssignment,
    CoachingFeedback,
    Cycle,
    FollowUpAction,
    Review,
    SurveyInvitation,
    SurveyResponse,
)
from perf_mgmt_plugin.competencies.models import CompetencyGap, GapSnapshot
from perf_mgmt_plugin.development.models import Plan, PlanItem
from perf_mgmt_plugin.health.models import HealthSnapshot
from perf_mgmt_plugin.org.models import Employee, OrgUnit
from perf_mgmt_plugin.strategy.models import CheckIn, HelpRequest, Impediment, Objective
from perf_mgmt_plugin.succession.models import SuccessorCandidate

T = {
    name: model._meta.db_table  # pylint: disable=protected-access
    for name, model in {
        "emp": Employee,
        "unit": OrgUnit,
        "obj": Objective,
        "imp": Impediment,
        "help": HelpRequest,
        "ci": CheckIn,
        "cycle": Cycle,
        "review": Review,
        "coach": CoachAssignment,
        "fb": CoachingFeedback,
        "act": FollowUpAction,
        "survey": SurveyResponse,
        "invite": SurveyInvitation,
        "gap": CompetencyGap,
        "snap": GapSnapshot,
        "plan": Plan,
        "item": PlanItem,
        "hsnap": HealthSnapshot,
        "cand": SuccessorCandidate,
    }.items()
}


def _cursor():
    connection.ensure_connection()
    return connection.connection.cursor()  # the driver's own (sqlite3 / MySQLdb), not Django's wrapper


def _sql(text):
    """Our ``?`` placeholders in the driver's paramstyle, ``{name}`` as table names, reserved words quoted."""
    text = text.format(**T, end="`end`" if connection.vendor == "mysql" else '"end"')
    return text if connection.vendor == "sqlite" else text.replace("?", "%s")


def _dt(value):
    return connection.ops.adapt_datetimefield_value(value)


def _as_datetime(value):
    return value if isinstance(value, datetime.datetime) else datetime.datetime.fromisoformat(str(value))


def _ids(values):
    return ",".join(str(int(v)) for v in values) or "NULL"


def floor_pack(unit_path, period, as_of, weeks=6):  # noqa: PLR0914,PLR0915
    """The pack's figures by hand: ``{figure: value}`` (the ones compared with the domain's answer)."""
    like = unit_path + "%"
    cur = _cursor()
    out = {}
    start = datetime.datetime.combine(period.start, datetime.time.min, tzinfo=datetime.UTC)
    end = datetime.datetime.combine(as_of + datetime.timedelta(days=1), datetime.time.min, tzinfo=datetime.UTC)
    q = lambda text, params=(): (cur.execute(_sql(text), params), cur.fetchall())[1]  # noqa: E731
    (out["people"],) = q(
        "SELECT COUNT(*) FROM {emp} e JOIN {unit} u ON e.org_unit_id=u.id WHERE e.active AND u.path LIKE ?", [like]
    )[0]
    rows = q(
        "SELECT o.status, COUNT(*), SUM(CASE WHEN o.forecast_date > o.due_date AND o.status <> 'done' THEN 1 ELSE 0 END) "
        "FROM {obj} o LEFT JOIN {emp} e ON o.owner_id=e.id LEFT JOIN {unit} ue ON e.org_unit_id=ue.id "
        "LEFT JOIN {unit} uo ON o.owner_unit_id=uo.id WHERE o.active AND o.period_id=? AND (ue.path LIKE ? OR uo.path LIKE ?) "
        "GROUP BY o.status",
        [period.pk, like, like],
    )
    out["objectives"] = sum(n for _s, n, _x in rows)
    out["forecast_slips"] = sum(x or 0 for _s, _n, x in rows)
    imp_join = "FROM {imp} i JOIN {emp} e ON i.employee_id=e.id JOIN {unit} u ON e.org_unit_id=u.id WHERE u.path LIKE ?"
    out["impediments_open"], _raised = q(
        "SELECT SUM(CASE WHEN i.resolved_at IS NULL THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN i.created >= ? AND i.created < ? THEN 1 ELSE 0 END) " + imp_join,
        [_dt(start), _dt(end), like],
    )[0]
    durations = [
        (_as_datetime(b) - _as_datetime(a)).total_seconds()
        for a, b in q(
            "SELECT i.created, i.resolved_at " + imp_join + " AND i.resolved_at >= ? AND i.resolved_at < ?",
            [like, _dt(start), _dt(end)],
        )
    ]
    out["impediments_resolved"] = len(durations)
    q(
        "SELECT SUM(CASE WHEN h.created >= ? AND h.created < ? THEN 1 ELSE 0 END), SUM(CASE WHEN h.resolved_at IS NULL THEN 1 ELSE 0 END) "
        "FROM {help} h JOIN {emp} e ON h.employee_id=e.id JOIN {unit} u ON e.org_unit_id=u.id WHERE u.path LIKE ?",
        [_dt(start), _dt(end), like],
    )
    reports = dict(
        q(
            "SELECT e.manager_id, COUNT(*) FROM {emp} e JOIN {emp} m ON e.manager_id=m.id JOIN {unit} u ON m.org_unit_id=u.id "
            "WHERE e.active AND m.active AND u.path LIKE ? GROUP BY e.manager_id",
            [like],
        )
    )
    since = as_of - datetime.timedelta(weeks=weeks)
    checkins = q(
        "SELECT e.manager_id, COUNT(DISTINCT c.employee_id), COUNT(*), SUM(CASE WHEN c.mode='face_to_face' THEN 1 ELSE 0 END) "
        "FROM {ci} c JOIN {emp} e ON c.employee_id=e.id JOIN {emp} m ON e.manager_id=m.id JOIN {unit} u ON m.org_unit_id=u.id "
        "WHERE c.status='held' AND c.scheduled_for >= ? AND c.scheduled_for <= ? AND e.active AND m.active AND u.path LIKE ? "
        "GROUP BY e.manager_id",
        [since.isoformat(), as_of.isoformat(), like],
    )
    out["reports"] = sum(reports.values())
    out["covered"] = sum(c for m, c, _h, _f in checkins if m in reports)
    out["held"] = sum(h for m, _c, h, _f in checkins if m in reports)
    out["face_to_face"] = sum(f for m, _c, _h, f in checkins if m in reports)
    cycles = [
        r[0]
        for r in q(
            "SELECT id FROM {cycle} WHERE start <= ? AND {end} >= ? AND status <> 'draft'",
            [period.end.isoformat(), period.start.isoformat()],
        )
    ]
    review_join = "FROM {review} r JOIN {cycle} cy ON r.cycle_id=cy.id JOIN {emp} e ON r.employee_id=e.id JOIN {unit} u ON e.org_unit_id=u.id "
    total, completed, on_time, with_coach, coached = q(
        "SELECT COUNT(*), SUM(CASE WHEN r.stage='completed' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN r.stage='completed' AND DATE(r.completed_at) <= cy.sign_off_due THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN EXISTS(SELECT 1 FROM {coach} ca WHERE ca.cycle_id=r.cycle_id AND ca.reviewer_id=r.manager_id) THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN EXISTS(SELECT 1 FROM {fb} f WHERE f.review_id=r.id) THEN 1 ELSE 0 END) "
        + review_join
        + f"WHERE r.cycle_id IN ({_ids(cycles)}) AND u.path LIKE ?",
        [like],
    )[0]
    out.update(reviews=total, completed=completed or 0, on_time=on_time or 0, with_coach=with_coach or 0)
    q(
        "SELECT r.manager_id, COUNT(*), SUM(CASE WHEN r.stage='completed' AND DATE(r.completed_at) > cy.sign_off_due THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN r.stage <> 'completed' AND cy.sign_off_due < ? THEN 1 ELSE 0 END) "
        "FROM {review} r JOIN {cycle} cy ON r.cycle_id=cy.id JOIN {emp} m ON r.manager_id=m.id JOIN {unit} u ON m.org_unit_id=u.id "
        f"WHERE r.cycle_id IN ({_ids(cycles)}) AND u.path LIKE ? GROUP BY r.manager_id",
        [as_of.isoformat(), like],
    )
    (out["actions"], _done, _overdue) = q(
        "SELECT COUNT(*), SUM(CASE WHEN a.status='done' THEN 1 ELSE 0 END), SUM(CASE WHEN a.status='open' AND a.due_date < ? THEN 1 ELSE 0 END) "
        "FROM {act} a JOIN {review} r ON a.review_id=r.id JOIN {emp} e ON a.employee_id=e.id JOIN {unit} u ON e.org_unit_id=u.id "
        f"WHERE r.cycle_id IN ({_ids(cycles)}) AND a.status <> 'cancelled' AND u.path LIKE ?",
        [as_of.isoformat(), like],
    )[0]
    recent = [
        r[0]
        for r in q(
            "SELECT id FROM {cycle} WHERE status='closed' AND start <= ? ORDER BY {end} DESC, id DESC LIMIT 6",
            [as_of.isoformat()],
        )
    ]
    survey_over = datetime.datetime.combine(as_of - datetime.timedelta(days=14), datetime.time.min, tzinfo=datetime.UTC)
    released = [
        r[0]
        for r in q(
            f"SELECT c.id FROM {{cycle}} c WHERE c.id IN ({_ids(recent)}) AND c.status='closed' AND (c.closed_at < ? OR NOT EXISTS("
            "SELECT 1 FROM {invite} v WHERE v.cycle_id=c.id AND NOT v.responded))",
            [_dt(survey_over)],
        )
    ]
    atoms = q(
        "SELECT s.cycle_id, s.org_unit_id, COUNT(*), COUNT(s.meeting), SUM(s.clarity), SUM(s.usefulness), SUM(s.fairness), SUM(s.meeting) "
        f"FROM {{survey}} s JOIN {{unit}} u ON s.org_unit_id=u.id WHERE s.cycle_id IN ({_ids(released)}) AND u.path LIKE ? "
        "GROUP BY s.cycle_id, s.org_unit_id",
        [like],
    )
    out["survey_answers"] = sum(a[2] for a in atoms if a[2] >= 3)
    managers = q(f"SELECT id, org_unit_id, user_id FROM {{emp}} WHERE id IN ({_ids(reports)})")
    gap_join = "FROM {gap} g JOIN {emp} e ON g.person_id=e.id JOIN {unit} u ON e.org_unit_id=u.id WHERE e.active AND u.path LIKE ?"
    out["gaps_open"], out["gaps_closed"], _dev = q(
        "SELECT SUM(CASE WHEN g.status IN ('open','in_development') THEN 1 ELSE 0 END), SUM(CASE WHEN g.status='closed' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN g.status='in_development' THEN 1 ELSE 0 END) " + gap_join,
        [like],
    )[0]
    q(
        "SELECT s.date, SUM(s.open_gaps) FROM {snap} s JOIN {unit} u ON s.org_unit_id=u.id WHERE s.date <= ? AND u.path LIKE ? GROUP BY s.date ORDER BY s.date DESC LIMIT 6",
        [as_of.isoformat(), like],
    )
    item_join = "FROM {item} i JOIN {emp} e ON i.owner_id=e.id JOIN {unit} u ON e.org_unit_id=u.id "
    q(
        "SELECT i.created, i.completed_at "
        + item_join
        + "WHERE i.source='gap' AND i.status='completed' AND i.completed_at >= ? AND i.completed_at < ? AND u.path LIKE ?",
        [_dt(start), _dt(end), like],
    )
    items = q(
        "SELECT i.category, i.kind, COUNT(*), SUM(CASE WHEN i.status='completed' THEN 1 ELSE 0 END) "
        "FROM {item} i JOIN {plan} p ON i.plan_id=p.id JOIN {emp} e ON i.owner_id=e.id JOIN {unit} u ON e.org_unit_id=u.id "
        "WHERE p.status IN ('active','completed') AND p.period_start <= ? AND p.period_end >= ? AND i.status <> 'cancelled' AND u.path LIKE ? "
        "GROUP BY i.category, i.kind",
        [period.end.isoformat(), period.start.isoformat(), like],
    )
    out["items"] = sum(r[2] for r in items)
    closed = [r[0] for r in q(f"SELECT id FROM {{cycle}} WHERE id IN ({_ids(cycles)}) AND status='closed'")]
    rating_atoms = q(
        "SELECT r.cycle_id, e.org_unit_id, COUNT(*), SUM(CASE WHEN r.stage='completed' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN r.stage='completed' AND r.disagrees THEN 1 ELSE 0 END) FROM {review} r JOIN {emp} e ON r.employee_id=e.id "
        f"JOIN {{unit}} u ON e.org_unit_id=u.id WHERE r.cycle_id IN ({_ids(closed)}) AND r.manager_shared_at IS NOT NULL AND u.path LIKE ? "
        "GROUP BY r.cycle_id, e.org_unit_id",
        [like],
    )
    out["released_reviews"] = sum(a[2] for a in rating_atoms if a[2] >= 3)
    q(
        "SELECT r.cycle_id, e.org_unit_id, ROUND(r.manager_score), COUNT(*) FROM {review} r JOIN {emp} e ON r.employee_id=e.id "
        f"JOIN {{unit}} u ON e.org_unit_id=u.id WHERE r.cycle_id IN ({_ids(closed)}) AND r.manager_shared_at IS NOT NULL AND u.path LIKE ? "
        "GROUP BY r.cycle_id, e.org_unit_id, ROUND(r.manager_score)",
        [like],
    )
    q(
        f"SELECT id, first_name, last_name, username FROM auth_user WHERE id IN ({_ids(user for _pk, _unit, user in managers)})"
    )
    q(
        "SELECT taken_on, figures FROM {hsnap} WHERE org_unit_id=(SELECT id FROM {unit} WHERE path=?) AND period_id=? AND taken_on < ? ORDER BY taken_on DESC LIMIT 6",
        [unit_path, period.pk, as_of.isoformat()],
    )
    cur.close()
    return out


WEIGHTS = {"high": 3, "medium": 2, "low": 1}


def floor_suggestions(key_position, requirements, limit=10):
    """``[(employee_id, points, name, last score)]`` best first: the suggestions' ranking by hand."""
    cur = _cursor()
    cases = " ".join(
        f"WHEN g.competency_id={int(r.competency_id)} THEN (CASE WHEN g.current_level < {int(r.required_level)} "
        f"THEN g.current_level ELSE {int(r.required_level)} END) * {WEIGHTS.get(r.criticality, 2)}"
        for r in requirements
    )
    cur.execute(
        _sql(
            f"SELECT g.person_id, SUM(CASE {cases} ELSE 0 END) AS points FROM {{gap}} g JOIN {{emp}} e ON g.person_id=e.id "
            f"WHERE g.competency_id IN ({_ids(r.competency_id for r in requirements)}) AND g.current_level IS NOT NULL AND e.active "
            "AND (e.position_id IS NULL OR e.position_id <> ?) AND g.person_id NOT IN (SELECT employee_id FROM {cand} WHERE key_position_id=?) "
            f"GROUP BY g.person_id ORDER BY points DESC, g.person_id LIMIT {int(limit)}"
        ),
        [key_position.position_id, key_position.pk],
    )
    ranked = cur.fetchall()
    ids = _ids(pk for pk, _p in ranked)
    cur.execute(
        _sql(
            f"SELECT e.id, a.first_name, a.last_name FROM {{emp}} e JOIN auth_user a ON e.user_id=a.id WHERE e.id IN ({ids})"
        )
    )
    names = {pk: f"{first} {last}" for pk, first, last in cur.fetchall()}
    cur.execute(
        _sql(
            "SELECT r.employee_id, r.manager_score FROM {review} r JOIN {cycle} c ON r.cycle_id=c.id "
            f"WHERE r.employee_id IN ({ids}) AND r.manager_shared_at IS NOT NULL AND r.manager_score IS NOT NULL "
            "ORDER BY r.employee_id, c.{end} DESC, r.id DESC"
        )
    )
    scores = {}
    for pk, score in cur.fetchall():
        scores.setdefault(pk, score)
    cur.close()
    return [(pk, points, names.get(pk), scores.get(pk)) for pk, points in ranked]
