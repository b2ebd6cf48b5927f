"""
Rules that live in the appraisals domain (and org's people finder), used alike by pages and REST (ADR 0017): a cycle
names its population, whatever the entry point; one answer to "what may this user do on this review now"; one rule
for the coach a user may name; one way to find people by username, email or employee number.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from perf_mgmt_plugin.appraisals import api as appraisals_api
from perf_mgmt_plugin.appraisals.models import Cycle, Review
from perf_mgmt_plugin.org import api as org_api

from .conftest import cycle_dates


def _client(user):
    client = APIClient()
    client.force_login(user)
    return client


def _api_url(name, **kwargs):
    return reverse(f"perf_mgmt:api-v1:{name}", kwargs=kwargs)


# A cycle must name a population


def test_the_domain_refuses_a_cycle_that_names_nobody(org, template, today):
    with pytest.raises(appraisals_api.AppraisalError, match="who the cycle is for"):
        appraisals_api.create_cycle(org.hr, name="Nobody", template=template, **cycle_dates(today))
    assert not Cycle.objects.filter(name="Nobody").exists()


def test_rest_cannot_create_a_cycle_without_a_population(org, template, today):
    body = {"name": "Nobody", "template": template.slug, "cadence": Cycle.QUARTERLY}
    body.update({key: value.isoformat() for key, value in cycle_dates(today).items()})
    refused = _client(org.hr).post(_api_url("appraisal-cycles"), body, format="json")
    assert refused.status_code == 400, refused.content
    assert "who the cycle is for" in refused.json()["detail"][0]
    assert not Cycle.objects.filter(name="Nobody").exists()
    created = _client(org.hr).post(_api_url("appraisal-cycles"), dict(body, people=[org.alice.pk]), format="json")
    assert created.status_code == 201, created.content


def test_a_change_may_not_leave_a_cycle_naming_nobody(org, template, today):
    cycle = appraisals_api.create_cycle(
        org.hr, name="Some", template=template, people=[org.alice], **cycle_dates(today)
    )
    with pytest.raises(appraisals_api.AppraisalError, match="who the cycle is for"):
        appraisals_api.update_cycle(org.hr, cycle, people=[])
    assert list(cycle.people.all()) == [org.alice]
    appraisals_api.update_cycle(org.hr, cycle, people=[], positions=[org.alice.position])  # another population
    assert list(cycle.positions.all()) == [org.alice.position] and not cycle.people.exists()
    refused = _client(org.hr).patch(_api_url("appraisal-cycle", pk=cycle.pk), {"positions": []}, format="json")
    assert refused.status_code == 400 and "who the cycle is for" in refused.json()["detail"][0]


def test_the_page_shows_the_domains_population_rule_at_the_field(org, template, today):
    from perf_mgmt_plugin.web.appraisal_forms import CycleForm  # noqa: PLC0415

    data = {"name": "Nobody", "template": template.pk, "cadence": Cycle.QUARTERLY, "start": today.isoformat()}
    form = CycleForm(data)
    assert not form.is_valid()
    assert any("who the cycle is for" in error for error in form.errors["units"])


# What a user may do on a review now


def test_available_actions_follow_the_stage_and_match_what_rest_reports(org, cycle):
    review = Review.objects.get(cycle=cycle, employee=org.alice)
    person = appraisals_api.available_actions(org.alice.user, review)
    manager = appraisals_api.available_actions(org.manager.user, review)
    assert review.stage == Review.SELF_REVIEW
    assert (person.write_self_review, person.can_write_self, person.write_manager_review) == (True, True, False)
    assert (manager.write_manager_review, manager.can_write_manager, manager.can_write_self) == (True, True, False)
    assert not (person.can_schedule or manager.can_schedule or person.can_sign or manager.can_confirm)

    review.stage = Review.MEETING
    review.meeting_at = timezone.now() - datetime.timedelta(hours=1)
    review.save()
    person = appraisals_api.available_actions(org.alice.user, review)
    manager = appraisals_api.available_actions(org.manager.user, review)
    assert (person.can_write_self, manager.can_write_manager) == (False, False)
    assert (manager.can_schedule, person.can_schedule) == (True, False)
    assert person.can_confirm and manager.can_confirm
    review.employee_attended_at = timezone.now()
    review.save()
    assert not appraisals_api.available_actions(org.alice.user, review).can_confirm
    assert appraisals_api.available_actions(org.manager.user, review).can_confirm  # the manager has not yet

    review.stage = Review.SIGN_OFF
    review.save()
    assert appraisals_api.available_actions(org.alice.user, review).can_sign

    # REST's ``may`` is the same answer.
    detail = _client(org.manager.user).get(_api_url("appraisal-review", pk=review.pk)).json()
    manager = appraisals_api.available_actions(org.manager.user, review)
    assert detail["may"] == {
        name: getattr(manager, name)
        for name in ("write_self_review", "write_manager_review", "coach_review", "reopen_review", "manage_follow_up")
    }


# Choosing a coach


def test_the_coach_a_user_may_name_is_one_rule(org, cycle):
    candidates = list(appraisals_api.coach_candidates(org.hr))
    assert candidates, "the fixture's org has managers in HR's scope"
    chosen = candidates[0]
    assert appraisals_api.coach_by_id(org.hr, chosen.pk) == chosen
    assert appraisals_api.coach_by_id(org.hr, str(chosen.pk)) == chosen  # as a page posts it
    assert appraisals_api.coach_by_id(org.hr, org.alice.pk) is None  # not a manager
    for junk in (None, "", "x", "-1", "1.0", 10**9):
        assert appraisals_api.coach_by_id(org.hr, junk) is None


# Finding people


def test_people_are_found_by_username_email_or_employee_number_in_one_query(org, django_assert_num_queries):
    names = [org.alice.user.username, org.bob.user.email, org.seller.employee_number, "nobody-here", ""]
    with django_assert_num_queries(1):
        found, unknown = org_api.find_people(names)
    assert {person.pk for person in found} == {org.alice.pk, org.bob.pk, org.seller.pk}
    assert unknown == ["nobody-here"]
    assert org_api.find_people([]) == ([], [])
    org.bob.active = False
    org.bob.save()
    assert org_api.find_people([org.bob.user.username]) == ([], [org.bob.user.username])  # active people only
