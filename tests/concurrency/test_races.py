"""
Issue 20, reproduced with real concurrent transactions on MariaDB (see ``conftest.py``), then checked by SQL.

Each case runs a few rounds; the assertion reports how many rounds went wrong, so a regression shows its rate.
"""

import random

import pytest
from django.db import connection
from django.utils import timezone

from perf_mgmt_plugin.core.concurrency import Conflict
from perf_mgmt_plugin.development import services as plans
from perf_mgmt_plugin.development.models import Plan, PlanComment, PlanItem
from perf_mgmt_plugin.strategy import checkins, rollup, services
from perf_mgmt_plugin.strategy.models import CheckIn, CheckInNote, HelpRequest, Impediment, Objective

from .conftest import ROUNDS, errors, race, sql, table

pytestmark = [pytest.mark.mysql, pytest.mark.django_db(transaction=True)]


def parent_matches_recomputation(objective):
    """
    The parent's stored figures equal a fresh recomputation: the weighted mean of its children's stored progress
    (by SQL), and nothing changes when the whole cascade is recomputed from scratch.
    """
    obj = table(Objective)
    stored = sql(f"SELECT progress, status FROM {obj} WHERE id = %s", [objective.pk])[0]  # noqa: S608
    mean = sql(
        f"SELECT SUM(weight * progress) / SUM(weight) FROM {obj} WHERE parent_id = %s AND active = 1",  # noqa: S608
        [objective.pk],
    )[0][0]
    rollup.recompute_all(notify=False)
    fresh = sql(f"SELECT progress, status FROM {obj} WHERE id = %s", [objective.pk])[0]  # noqa: S608
    return abs(stored[0] - float(mean)) < 1e-6 and tuple(stored) == tuple(fresh), (stored, float(mean), fresh)


# ---------------------------------------------------------------------------------------------------------------
# 1. Roll-ups
# ---------------------------------------------------------------------------------------------------------------


def test_six_owners_updating_siblings_leave_the_parent_right(team_goal):
    bad = []
    for _round in range(ROUNDS):
        values = [random.randint(1, 99) for _child in team_goal.children]  # noqa: S311
        outcomes = race(
            *(
                (lambda child=child, value=value: services.record_progress(child.owner.user, child, value=value))
                for child, value in zip(team_goal.children, values, strict=True)
            )
        )
        assert not errors(outcomes), errors(outcomes)
        right, figures = parent_matches_recomputation(team_goal.goal)
        if not right:
            bad.append(figures)
    # Every reading was recorded (no lost write) ...
    assert sql(f"SELECT COUNT(*) FROM {table(Objective)} WHERE parent_id = %s", [team_goal.goal.pk])[0][0] == 6  # noqa: S608
    # ... and the parent equals a recomputation after every round.
    assert not bad, f"{len(bad)}/{ROUNDS} rounds left the parent wrong: {bad}"


# ---------------------------------------------------------------------------------------------------------------
# 2. Check-in prepare racing hold
# ---------------------------------------------------------------------------------------------------------------


def test_prepare_racing_hold_never_leaves_a_held_check_in_prepared(org, make_check_in):
    results = []
    for _round in range(ROUNDS):
        check_in = make_check_in()
        outcomes = race(
            # Each side has the check-in as its page loaded it, before either acted.
            lambda ci=CheckIn.objects.get(pk=check_in.pk): checkins.prepare(org.alice.user, ci, notes=["ready"]),
            lambda ci=CheckIn.objects.get(pk=check_in.pk): checkins.hold(
                org.manager.user, ci, mode=CheckIn.FACE_TO_FACE, next_actions="go"
            ),
        )
        # A loser is told the check-in changed (409 / page message), never anything else.
        assert all(isinstance(error, Conflict) for error in errors(outcomes)), errors(outcomes)
        results.append(outcomes)
    wrong = sql(
        f"SELECT COUNT(*) FROM {table(CheckIn)} WHERE held_at IS NOT NULL AND status <> %s",  # noqa: S608
        [CheckIn.HELD],
    )[0][0]
    held = sql(f"SELECT COUNT(*) FROM {table(CheckIn)} WHERE status = %s", [CheckIn.HELD])[0][0]  # noqa: S608
    assert wrong == 0, f"{wrong}/{ROUNDS} held check-ins fell back to prepared"
    assert held == ROUNDS


# ---------------------------------------------------------------------------------------------------------------
# 5. Double submits
# ---------------------------------------------------------------------------------------------------------------


def test_the_same_course_check_in_sent_twice_makes_one(org):
    usage = "block-v1:DemoOrg+LEAD101+2026+type@perf_checkin+block@c1"

    def submit(key, text):
        return checkins.record_course_checkin(
            org.alice.user, org.course_key, usage, steps_done=text, help_request=f"help {text}", request_key=key
        )

    for round_ in range(ROUNDS):
        outcomes = race(
            lambda r=round_: submit(f"key-{r}", f"round {r}"), lambda r=round_: submit(f"key-{r}", f"round {r}")
        )
        assert not errors(outcomes), errors(outcomes)
        # Without a key (an older page): an identical submission seconds apart is the same one.
        outcomes = race(lambda r=round_: submit(None, f"nokey {r}"), lambda r=round_: submit(None, f"nokey {r}"))
        assert not errors(outcomes), errors(outcomes)
    check_ins = sql(f"SELECT COUNT(*) FROM {table(CheckIn)} WHERE employee_id = %s", [org.alice.pk])[0][0]  # noqa: S608
    helps = sql(f"SELECT COUNT(*) FROM {table(HelpRequest)} WHERE employee_id = %s", [org.alice.pk])[0][0]  # noqa: S608
    assert (check_ins, helps) == (2 * ROUNDS, 2 * ROUNDS), f"{check_ins} check-ins, {helps} help requests"


@pytest.mark.parametrize("step", ["prepare", "hold"])
def test_a_double_prepare_or_hold_adds_each_impediment_request_and_note_once(org, make_check_in, step):
    def submit(fresh):
        items = {"impediments": ["Waiting for access"], "help_requests": ["Need a reviewer"], "notes": ["Agenda"]}
        if step == "prepare":
            return checkins.prepare(org.alice.user, fresh, **items)
        return checkins.hold(org.manager.user, fresh, mode=CheckIn.VIDEO, **items)

    ids = []
    for _round in range(ROUNDS):
        check_in = make_check_in()
        ids.append(check_in.pk)
        outcomes = race(*(lambda ci=CheckIn.objects.get(pk=check_in.pk): submit(ci) for _twice in range(2)))
        assert all(isinstance(error, Conflict) for error in errors(outcomes)), errors(outcomes)
    marks = ", ".join(["%s"] * len(ids))
    for model in (Impediment, HelpRequest, CheckInNote):
        rows = sql(
            f"SELECT check_in_id, COUNT(*) FROM {table(model)} WHERE check_in_id IN ({marks}) "  # noqa: S608
            "GROUP BY check_in_id HAVING COUNT(*) > 1",
            ids,
        )
        assert not rows, f"{len(rows)}/{ROUNDS} check-ins got duplicate {model.__name__}s"


def test_a_cascade_given_twice_at_once_gives_each_person_one_copy(org, team_goal):
    people = team_goal.owners
    for round_ in range(ROUNDS):
        outcomes = race(
            *(
                lambda r=round_: services.cascade_goal(
                    org.manager.user, team_goal.goal, title=f"Learn {r}", owners=people
                )
                for _twice in range(2)
            )
        )
        assert not errors(outcomes), errors(outcomes)
    duplicates = sql(
        f"SELECT title, owner_id, COUNT(*) FROM {table(Objective)} WHERE parent_id = %s AND title LIKE %s "  # noqa: S608
        "GROUP BY title, owner_id HAVING COUNT(*) > 1",
        [team_goal.goal.pk, "Learn %"],
    )
    groups = sql(
        f"SELECT COUNT(DISTINCT template_id) FROM {table(Objective)} WHERE parent_id = %s AND title LIKE %s",  # noqa: S608
        [team_goal.goal.pk, "Learn %"],
    )[0][0]
    assert not duplicates and groups == ROUNDS, f"{len(duplicates)} duplicate copies, {groups} groups"
    assert parent_matches_recomputation(team_goal.goal)[0]


def _approved_item(org, plan, title):
    return plans.add_item(org.manager.user, plan, kind="on_the_job", title=title)


def test_an_item_completed_twice_at_once_is_completed_once(org, plan):
    items = [_approved_item(org, plan, f"Shadow {i}") for i in range(ROUNDS)]
    for item in items:
        outcomes = race(
            *(
                lambda i=PlanItem.objects.get(pk=item.pk): plans.complete_item(org.alice.user, i, note="Done it")
                for _twice in range(2)
            )
        )
        assert not errors(outcomes), errors(outcomes)
    notes = sql(
        f"SELECT item_id, COUNT(*) FROM {table(PlanComment)} WHERE plan_id = %s GROUP BY item_id",  # noqa: S608
        [plan.pk],
    )
    twice = [row for row in notes if row[1] > 1]
    assert len(notes) == ROUNDS and not twice, f"{len(twice)}/{ROUNDS} items completed twice"


def test_two_items_added_at_once_get_different_places(org, plan):
    for round_ in range(ROUNDS):
        outcomes = race(
            *(
                lambda r=round_, n=n, p=Plan.objects.get(pk=plan.pk): plans.add_item(
                    org.manager.user, p, kind="reading", title=f"Book {r}.{n}"
                )
                for n in range(2)
            )
        )
        assert not errors(outcomes), errors(outcomes)
    order = connection.ops.quote_name("order")
    total, places = sql(
        f"SELECT COUNT(*), COUNT(DISTINCT {order}) FROM {table(PlanItem)} WHERE plan_id = %s",  # noqa: S608
        [plan.pk],
    )[0]
    assert total == 2 * ROUNDS and places == total, f"{total - places} items share a place"


# ---------------------------------------------------------------------------------------------------------------
# 6. Deadlocks: progress readings under a parent while bulk cascades insert children of it
# ---------------------------------------------------------------------------------------------------------------


def test_progress_readings_during_bulk_cascades_neither_fail_nor_leave_the_parent_wrong(org, team_goal):
    failures = []
    for round_ in range(ROUNDS):
        calls = [
            lambda r=round_, n=n: services.cascade_goal(
                org.manager.user, team_goal.goal, title=f"Bulk {r}.{n}", owners=team_goal.owners
            )
            for n in range(2)
        ]
        calls += [
            lambda child=child: services.record_progress(
                child.owner.user,
                Objective.objects.get(pk=child.pk),
                value=random.randint(1, 99),  # noqa: S311
            )
            for child in team_goal.children[:4]
        ]
        failures += errors(race(*calls))
    assert not failures, f"{len(failures)}/{ROUNDS * 6} requests failed: {failures[:3]}"
    right, figures = parent_matches_recomputation(team_goal.goal)
    assert right, figures
    copies = sql(
        f"SELECT COUNT(*) FROM {table(Objective)} WHERE parent_id = %s AND title LIKE %s",  # noqa: S608
        [team_goal.goal.pk, "Bulk %"],
    )[0][0]
    assert copies == ROUNDS * 2 * len(team_goal.owners)


# ---------------------------------------------------------------------------------------------------------------
# 7. Conflicting transitions
# ---------------------------------------------------------------------------------------------------------------


def test_complete_racing_cancel_one_wins_and_the_other_is_told(org, plan):
    items = [_approved_item(org, plan, f"Task {i}") for i in range(ROUNDS)]
    losers = 0
    for item in items:
        outcomes = race(
            lambda i=PlanItem.objects.get(pk=item.pk): plans.complete_item(org.alice.user, i),
            lambda i=PlanItem.objects.get(pk=item.pk): plans.cancel_item(org.manager.user, i, reason="Not needed"),
        )
        assert all(isinstance(error, Conflict) for error in errors(outcomes)), errors(outcomes)
        losers += len(errors(outcomes))
    marks = ", ".join(["%s"] * len(items))
    mixed = sql(
        f"SELECT COUNT(*) FROM {table(PlanItem)} WHERE id IN ({marks}) AND status = %s "  # noqa: S608
        "AND (progress = 100 OR completed_at IS NOT NULL)",
        [item.pk for item in items] + [PlanItem.CANCELLED],
    )[0][0]
    assert mixed == 0, f"{mixed}/{ROUNDS} items ended cancelled with progress 100 and a completion date"
    assert losers == ROUNDS, f"{losers} of {ROUNDS} races had a loser told so"


# ---------------------------------------------------------------------------------------------------------------
# 6 (launches): one launch run twice at once (a double click, a task delivered twice)
# ---------------------------------------------------------------------------------------------------------------


def test_a_launch_run_twice_at_once_gives_everyone_one_review(org, template, period):
    from perf_mgmt_plugin.appraisals import cycles, launch  # pylint: disable=import-outside-toplevel
    from perf_mgmt_plugin.appraisals.models import Review  # pylint: disable=import-outside-toplevel
    from tests.fixtures.build import cycle_dates  # pylint: disable=import-outside-toplevel

    failures, ids = [], []
    for round_ in range(2):
        draft = cycles.create_cycle(
            org.hr, name=f"Race {round_}", template=template, **cycle_dates(timezone.localdate()), units=[org.company]
        )
        launch.start_launch(org.hr, draft)
        ids.append(draft.pk)
        failures += errors(race(*(lambda pk=draft.pk: launch.run_launch(pk, batch_size=2) for _twice in range(2))))
    assert not failures, failures
    marks = ", ".join(["%s"] * len(ids))
    twice = sql(
        f"SELECT COUNT(*) FROM (SELECT employee_id FROM {table(Review)} WHERE cycle_id IN ({marks}) "  # noqa: S608
        "GROUP BY cycle_id, employee_id HAVING COUNT(*) > 1) d",
        ids,
    )[0][0]
    people = sql(f"SELECT COUNT(*) FROM {table(Review)} WHERE cycle_id IN ({marks})", ids)[0][0]  # noqa: S608
    assert twice == 0 and people > 0
