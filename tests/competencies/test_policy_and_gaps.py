"""The current-level policy with conflicting raters, and gap recomputation on every trigger."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from perf_mgmt_plugin import api, tasks
from perf_mgmt_plugin.competencies import gaps, services
from perf_mgmt_plugin.competencies.errors import InvalidLevel, NoEmployeeRecord
from perf_mgmt_plugin.competencies.models import Assessment, CompetencyGap, GapSnapshot
from perf_mgmt_plugin.competencies.policy import Policy, Rating, current_level
from perf_mgmt_plugin.core.access import AccessDenied
from tests import factories

NOW = timezone.now()
POLICY = Policy(manager_wins=True, recency_days=365, weights={"self": 1, "manager": 3, "peer": 1, "course": 2})


def r(level, source, rater=None, days_ago=0, context="", pk=0):
    return Rating(level, source, rater, context, NOW - timedelta(days=days_ago), pk)


def test_manager_rating_wins_over_conflicting_raters():
    ratings = [r(4, "self", 1), r(1, "peer", 2), r(2, "manager", 3, days_ago=5), r(4, "course", context="c")]
    assert current_level(ratings, POLICY, NOW) == 2.0


def test_latest_manager_rating_wins_among_managers():
    ratings = [r(2, "manager", 3, days_ago=5), r(3, "manager", 4, days_ago=1)]
    assert current_level(ratings, POLICY, NOW) == 3.0


def test_weighted_mean_of_source_means_without_manager():
    # self 4 (w1), peers (1 and 3 -> mean 2, w1), course 3 (w2): (4 + 2 + 6) / 4 = 3
    ratings = [r(4, "self", 1), r(1, "peer", 2), r(3, "peer", 5), r(3, "course", context="c")]
    assert current_level(ratings, POLICY, NOW) == 3.0


def test_each_rater_counts_once_with_their_latest_rating():
    # The same peer rating twice does not outweigh another peer; only their latest counts.
    ratings = [r(1, "peer", 2, days_ago=10), r(3, "peer", 2, days_ago=1), r(1, "peer", 7, days_ago=2)]
    assert current_level(ratings, POLICY, NOW) == 2.0


def test_ratings_outside_the_window_do_not_count():
    assert current_level([r(4, "manager", 3, days_ago=400), r(2, "self", 1)], POLICY, NOW) == 2.0
    assert current_level([r(4, "manager", 3, days_ago=400)], POLICY, NOW) is None


def test_manager_wins_can_be_switched_off_and_zero_weight_ignores_a_source():
    policy = Policy(manager_wins=False, recency_days=None, weights={"self": 0, "manager": 1, "peer": 1})
    assert current_level([r(4, "manager", 3), r(2, "peer", 2), r(1, "self", 1)], policy, NOW) == 3.0


@override_settings(PERF_MGMT_COMPETENCY_POLICY={"manager_wins": False})
def test_setting_changes_the_stored_gap(org, fw):
    services.record_assessment(org.alice.user, org.alice, fw.coach, 1, "self")
    services.record_assessment(org.manager.user, org.alice, fw.coach, 3, "manager")
    # (1*1 + 3*3) / 4 = 2.5 -> gap 0.5
    gap = CompetencyGap.objects.get(person=org.alice, competency=fw.coach)
    assert (gap.current_level, gap.gap, gap.status) == (2.5, 0.5, "open")


def test_gaps_created_for_holders_when_requirement_set(org, fw):
    assert set(CompetencyGap.objects.values_list("person__user__username", "competency__code", "gap")) == {
        ("alice", "COACH", 3.0),
        ("alice", "PLAN", 2.0),
        ("bob", "COACH", 3.0),
        ("bob", "PLAN", 2.0),
    }


def test_assessment_recomputes_gap_and_closes_it(org, fw):
    services.record_assessment(org.manager.user, org.alice, fw.coach, 3, "manager", evidence="<script>x</script>ok")
    gap = CompetencyGap.objects.get(person=org.alice, competency=fw.coach)
    assert (gap.current_level, gap.gap, gap.status) == (3.0, 0.0, "closed")
    assert Assessment.objects.get().evidence == "xok"


def test_requirement_change_and_removal_recompute(org, fw):
    services.record_assessment(org.alice.user, org.alice, fw.plan, 2, "self")
    assert CompetencyGap.objects.get(person=org.alice, competency=fw.plan).gap == 0
    services.set_requirement(org.dev, fw.plan, 4)
    assert CompetencyGap.objects.get(person=org.alice, competency=fw.plan).gap == 2
    services.remove_requirement(org.dev.competency_requirements.get(competency=fw.plan))
    assert not CompetencyGap.objects.filter(competency=fw.plan).exists()


def test_position_change_and_deactivation_recompute(org, fw):
    other = factories.make_position("OTHER", "Other")
    org.alice.position = other
    org.alice.save()
    assert not CompetencyGap.objects.filter(person=org.alice).exists()
    org.bob.active = False
    org.bob.save(update_fields=["active"])
    assert not CompetencyGap.objects.filter(person=org.bob).exists()
    carol = factories.make_employee("carol", manager=org.manager, org_unit=org.platform, position=org.dev)
    assert CompetencyGap.objects.filter(person=carol).count() == 2


def test_in_development_status_is_kept_while_open(org, fw):
    gap = CompetencyGap.objects.get(person=org.alice, competency=fw.coach)
    gaps.set_gap_status(gap, "in_development")
    services.record_assessment(org.alice.user, org.alice, fw.coach, 1, "self")
    gap.refresh_from_db()
    assert (gap.gap, gap.status) == (2.0, "in_development")


def test_assessments_are_append_only_history(org, fw):
    services.record_assessment(org.alice.user, org.alice, fw.coach, 1, "self")
    services.record_assessment(org.alice.user, org.alice, fw.coach, 2, "self")
    assert list(Assessment.objects.order_by("pk").values_list("level", flat=True)) == [1, 2]


def test_invalid_level_and_forbidden_source(org, fw):
    with pytest.raises(InvalidLevel):
        services.record_assessment(org.alice.user, org.alice, fw.coach, 9, "self")
    with pytest.raises(AccessDenied):
        services.record_assessment(org.alice.user, org.bob, fw.coach, 2, "manager")
    with pytest.raises(AccessDenied):
        services.record_assessment(org.alice.user, org.bob, fw.coach, 2, "self")
    assert not Assessment.objects.exists()


def test_bulk_recompute_repairs_drift_and_is_idempotent(org, fw):
    CompetencyGap.objects.all().delete()
    result = gaps.recompute_gaps(batch_size=1)
    assert result.created == 4 and result.batches >= 2
    again = gaps.recompute_gaps()
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)


def test_task_and_command_recompute_and_snapshot(org, fw):
    CompetencyGap.objects.all().delete()
    tasks.recompute_gaps.apply()
    assert CompetencyGap.objects.count() == 4
    assert GapSnapshot.objects.get(competency=fw.coach).open_gaps == 2
    CompetencyGap.objects.all().delete()
    call_command("recompute_competency_gaps")
    assert CompetencyGap.objects.count() == 4 and GapSnapshot.objects.count() == 2
    assert gaps.trend(fw.coach.pk)[-1][1:] == (2, 2, 3.0)


def _add_people(org, n):
    for _ in range(n):
        person = factories.make_employee(manager=org.manager, org_unit=org.platform, position=org.dev)
        Assessment.objects.create(person=person, competency_id=org.coach_id, level=2, source="self")


def test_bulk_recompute_query_count_is_constant_per_batch(org, fw, count_queries):
    org.coach_id = fw.coach.pk
    _add_people(org, 3)
    CompetencyGap.objects.all().delete()
    with count_queries() as small:
        gaps.recompute_gaps()
    _add_people(org, 12)
    CompetencyGap.objects.all().delete()
    with count_queries() as large:
        gaps.recompute_gaps()
    assert len(large) == len(small)
    assert CompetencyGap.objects.filter(competency=fw.coach, current_level=2).count() == 15


def test_public_api_self_assessment(org, fw):
    services.set_course_link(org.course_key, fw.coach, 4)
    saved = api.record_self_assessment(org.alice.user, fw.coach.pk, 2, course_key=str(org.course_key), phase="before")
    assert saved.context_id.endswith("#before")
    [coach, plan] = api.get_self_result(org.alice.user, [fw.coach.pk, fw.plan.pk])
    assert (coach.self_level, coach.current_level, coach.required_level, coach.gap) == (2, 2.0, 3, 1.0)
    assert [c.course_key for c in coach.suggested_courses] == [str(org.course_key)]
    assert (plan.current_level, plan.gap) == (None, 2.0)
    # The code for programs, its name (translated in the active language) for people.
    assert [(r.criticality, r.criticality_display) for r in (coach, plan)] == [
        ("high", "Critical"),
        ("medium", "Important"),
    ]
    [unrequired] = api.get_self_result(org.manager.user, [fw.coach.pk])  # the manager's position requires nothing
    assert (unrequired.required_level, unrequired.criticality, unrequired.criticality_display) == (None, "", "")
    # one person's rating waits for a step of PERF_MGMT_ANONYMITY_MIN_GROUP people (3) before it is counted
    assert api.course_self_assessment_summary(org.staff, org.course_key) == {}
    with override_settings(PERF_MGMT_ANONYMITY_MIN_GROUP=1):
        assert api.course_self_assessment_summary(org.staff, org.course_key) == {
            (fw.coach.pk, "before"): {"levels": {2: 1}, "people": 1}
        }
    with pytest.raises(AccessDenied):
        api.course_self_assessment_summary(org.alice.user, org.course_key)
    with pytest.raises(NoEmployeeRecord):
        api.record_self_assessment(org.outsider, fw.coach.pk, 2)
    assert [c.code for c in api.list_competencies("leadership")] == ["COACH", "PLAN"]
    assert [lv.value for lv in api.get_scale_for(fw.coach.pk).levels] == [1, 2, 3, 4]


def test_retirement_removes_self_assessments_and_evidence(org, fw):
    services.record_assessment(org.alice.user, org.alice, fw.coach, 2, "self", evidence="mine")
    services.record_assessment(org.manager.user, org.alice, fw.coach, 3, "manager", evidence="about alice")
    services.record_assessment(org.alice.user, org.bob, fw.coach, 2, "peer", evidence="about bob")
    api.retire_user(org.alice.user)
    assert list(Assessment.objects.values_list("source", "evidence", "rater")) == [
        ("peer", "", None),
        ("manager", "", org.manager.user.pk),
    ]
    assert not CompetencyGap.objects.filter(person=org.alice).exists()


def test_an_org_import_that_moves_people_recomputes_their_gaps(org, fw, django_capture_on_commit_callbacks):
    """Bulk imports send no post_save: the org signal makes a worker recompute the gaps of the people it moved."""
    from perf_mgmt_plugin.org import importer  # pylint: disable=import-outside-toplevel

    assert not CompetencyGap.objects.filter(person=org.seller).exists()
    rows = importer.parse_csv(
        "employee_number,position,active\n"
        f"{org.seller.employee_number},DEV,\n"  # now a developer: gaps appear
        f"{org.alice.employee_number},,false\n"  # leaves: her gaps go
        f"{org.bob.employee_number},DEV,\n"  # unchanged: not recomputed
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = importer.import_employees(rows, dry_run=False, user=org.hr)
    assert result.applied and (result.updated, result.unchanged) == (2, 1)
    assert len(callbacks) == 1  # one task for the whole import
    assert set(CompetencyGap.objects.filter(person=org.seller).values_list("competency__code", flat=True)) == {
        "COACH",
        "PLAN",
    }
    assert not CompetencyGap.objects.filter(person=org.alice).exists()
    assert CompetencyGap.objects.filter(person=org.bob).count() == 2
