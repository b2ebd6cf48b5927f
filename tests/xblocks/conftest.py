"""Fixtures of the XBlock tests: a framework with descriptive levels, and self-assessment blocks in a course."""

import json

import pytest

from lms_host import xblock_runtime
from lms_host.courses.models import CourseBlock, CourseEnrollment
from perf_mgmt_plugin.competencies import services


@pytest.fixture
def framework(org):
    """Leadership, 1..4 with descriptions; Developers (alice, bob) need COACH 3 and PLAN 2; a course develops COACH."""
    scale = services.create_scale(
        slug="four",
        name="Four levels",
        levels=[
            (1, "Aware", "<p>Knows what it is.</p>"),
            (2, "Practising", "<p>Applies it <em>with</em> guidance.</p>"),
            (3, "Skilled", "<p>Applies it alone.</p>"),
            (4, "Expert", "<p>Coaches others.</p>"),
        ],
    )
    framework = services.create_framework(slug="leadership", name="Leadership", scale=scale)
    coach = services.add_competency(framework, code="COACH", name="Coaching", description="<p>Helping others grow</p>")
    plan = services.add_competency(framework, code="PLAN", name="Planning")
    services.add_indicator(coach, level=3, text="Runs regular 1:1s")
    services.set_requirement(org.dev, coach, 3, "high")
    services.set_requirement(org.dev, plan, 2)
    services.set_course_link(org.course_key, coach, 4)
    return type("Framework", (), {"scale": scale, "framework": framework, "coach": coach, "plan": plan})


def block_olx(**attrs):
    """OLX of one self-assessment block; list values are written as JSON like the XBlock's own export."""
    attrs.setdefault("framework", "leadership")
    attrs.setdefault("competencies", ["COACH", "PLAN"])
    parts = []
    for name, value in attrs.items():
        if isinstance(value, (list, bool)):
            value = json.dumps(value)
        parts.append(f"{name}='{value}'")
    return f"<perf_mgmt_self_assessment {' '.join(parts)}/>"


@pytest.fixture
def add_block(org):
    """``add_block(order=0, **attrs)`` -> a parsed CourseBlock holding one self-assessment block."""

    def factory(order=0, course_key=None, **attrs):
        block = CourseBlock.objects.create(
            course_id=course_key or org.course_key,
            order=order,
            display_name=f"Self-assessment {order}",
            olx=block_olx(**attrs),
        )
        xblock_runtime.ensure_parsed(block)
        return block

    return factory


@pytest.fixture
def enroll(org):
    def factory(*users):
        for user in users:
            CourseEnrollment.objects.create(user=user, course_id=org.course_key)

    return factory
