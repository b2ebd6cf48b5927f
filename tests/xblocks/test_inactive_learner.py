"""
Inactive (not yet activated) users in the LMS (issue 12, finding 9).

The LMS authenticates with ``EdxRateLimitedAllowAllUsersModelBackend`` (``openedx/core/djangoapps/user_authn``), a
``django.contrib.auth.backends.AllowAllUsersModelBackend``: a learner who has not clicked the activation link yet
signs in and studies. The host authenticates the same way; the blocks must treat such a learner as themselves, not as
an anonymous visitor. Staff roles still need an active account (the platform's ``has_user`` checks activation).
"""

import pytest
from django.test import Client

from perf_mgmt_plugin import api
from perf_mgmt_plugin.competencies.models import Assessment
from tests import factories

from .conftest import handler, page_of, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def inactive_alice(org):
    user = org.alice.user
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


def test_an_inactive_user_signs_in_as_in_the_lms(org, inactive_alice):
    client = Client()
    assert client.login(username=inactive_alice.username, password="pass")


def test_get_user_by_id_finds_an_inactive_user():
    user = factories.make_user(is_active=False)
    assert api.get_user_by_id(user.pk) == user
    assert api.get_user_by_id(str(user.pk)) == user
    assert api.get_user_by_id(None) is None and api.get_user_by_id("x") is None and api.get_user_by_id(10**9) is None


def test_an_inactive_learner_records_their_self_assessment(org, framework, add_block, enroll, inactive_alice):
    enroll(inactive_alice)
    course_block = add_block(mode="before")
    client = Client()
    assert client.login(username=inactive_alice.username, password="pass")
    page = page_of(client, org)
    assert 'class="psa-submit"' in page  # the form, not "sign in to answer"
    response = post(client, handler(org, course_block, "submit"), {"ratings": {"COACH": 2}})
    assert response.status_code == 200, response.content
    assert Assessment.objects.filter(person=org.alice, level=2, source="self").exists()


def test_an_inactive_account_acts_only_on_its_own_data(org, inactive_alice):
    """Own self-assessment and own impediments / help requests; nothing else (no team, no one else's data)."""
    assert api.can(inactive_alice, "perf_mgmt.self_assess", org.alice)
    assert api.can(inactive_alice, "perf_mgmt.raise_for", org.alice)
    assert not api.can(inactive_alice, "perf_mgmt.self_assess", org.bob)
    assert not api.can(inactive_alice, "perf_mgmt.raise_for", org.bob)
    assert not api.can(inactive_alice, "perf_mgmt.view_competencies", org.alice)  # pages need an active account
    manager = org.manager.user
    manager.is_active = False
    manager.save(update_fields=["is_active"])
    assert not api.can(manager, "perf_mgmt.raise_for", org.bob)  # a manager's rights need an active account
    assert not api.can(manager, "perf_mgmt.view_team")
