"""Django admin of competencies on the rules, and the demo data."""

import pytest
from django.test import Client
from django.urls import reverse

from lms_host import demo
from perf_mgmt_plugin.competencies.models import Assessment, CompetencyGap, Framework, PositionRequirement


@pytest.mark.parametrize(
    "model",
    ["framework", "scale", "competency", "positionrequirement", "assessment", "competencygap", "courserecommendation"],
)
def test_admin_follows_the_rules(org, fw, model):
    url = reverse(f"admin:perf_mgmt_{model}_changelist")
    for user, status in ((org.hr, 200), (org.hr_eng, 403), (org.alice.user, 403)):
        user.is_staff = True
        user.save()
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == status, (user, model)


def test_assessments_are_read_only_in_admin(org, fw):
    org.hr.is_staff = True
    org.hr.save()
    client = Client()
    client.force_login(org.hr)
    assert client.get(reverse("admin:perf_mgmt_assessment_add")).status_code == 403
    assert client.get(reverse("admin:perf_mgmt_courserecommendation_add")).status_code == 403


@pytest.mark.slow  # the whole demo loaded (twice)
def test_demo_data_is_idempotent(db):
    demo.load_demo_data()
    counts = (Framework.objects.count(), PositionRequirement.objects.count(), Assessment.objects.count())
    gaps = CompetencyGap.objects.count()
    demo.load_demo_data()
    assert counts == (Framework.objects.count(), PositionRequirement.objects.count(), Assessment.objects.count())
    assert counts[0] == 2 and counts[2] > 0 and gaps == CompetencyGap.objects.count() > 0
