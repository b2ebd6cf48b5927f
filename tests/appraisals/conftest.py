"""
Appraisal fixtures built through the appraisals services (templates, cycles, launch), on top of the shared ``org``,
the strategy fixture's cascade (alice and bob own individual tasks in its quarter) and the competencies fixture's
framework (Developers need COACH at 3 and PLAN at 2). Other suites may append fixtures with distinct names.
"""

import datetime

import pytest

from perf_mgmt_plugin.appraisals import cycles, launch, templates
from perf_mgmt_plugin.appraisals.models import Cycle
from perf_mgmt_plugin.competencies import services as competency_services
from tests.competencies.conftest import fw  # noqa: F401  pylint: disable=unused-import
from tests.strategy.conftest import strategy, today  # noqa: F401  pylint: disable=unused-import


@pytest.fixture
def kra_scale(db):
    """A descriptive five-point scale for key result areas, each point with its (sanitised) text."""
    return competency_services.create_scale(
        slug="kra-five",
        name="Results",
        levels=[
            (1, "Not met", "<p>Most results <strong>missed</strong>.</p>"),
            (2, "Partly met", "<p>Some results reached.</p>"),
            (3, "Met", "<p>The agreed results, as agreed.</p>"),
            (4, "Exceeded", "<p>More than agreed.</p>"),
            (5, "Outstanding", "<p>Far beyond; an example to others.</p>"),
        ],
    )


@pytest.fixture
def template(org, kra_scale):
    """Key result areas (weight 2), competencies (weight 1), two free questions, development."""
    return templates.create_template(
        org.hr,
        slug="annual",
        name="Annual review",
        description="<p>Our yearly conversation.</p>",
        sections=[
            {"kind": "kra", "title": "Key results", "weight": 2, "scale": kra_scale},
            {"kind": "competencies", "title": "Competencies", "weight": 1},
            {
                "kind": "questions",
                "title": "Looking back",
                "weight": 0,
                "questions": [{"text": "What went well?", "required": True}, "What would you change?"],
            },
            {"kind": "development", "title": "Development", "weight": 0},
        ],
    )


def cycle_dates(today):  # noqa: F811
    """A cycle over the strategy fixture's quarter with deadlines 1, 2, 3 and 4 weeks from ``today``."""
    week = datetime.timedelta(days=7)
    return {
        "start": today - datetime.timedelta(days=60),
        "end": today + datetime.timedelta(days=30),
        "self_review_due": today + week,
        "manager_review_due": today + 2 * week,
        "meeting_due": today + 3 * week,
        "sign_off_due": today + 4 * week,
    }


@pytest.fixture
def cycle(org, template, strategy, fw, today):  # noqa: F811
    """
    An active, scored cycle over the strategy period, launched (synchronously) for alice and bob: each review has
    one KRA item (their task), two competency items (COACH 3, PLAN 2) and two question items.
    """
    draft = cycles.create_cycle(
        org.hr,
        name="Q review",
        template=template,
        cadence=Cycle.QUARTERLY,
        period=strategy.period,
        people=[org.alice, org.bob],
        **cycle_dates(today),
    )
    launch.start_launch(org.hr, draft)
    launch.run_launch(draft.pk)
    return Cycle.objects.get(pk=draft.pk)
