"""A small competency framework on top of the shared ``org`` fixture."""

import pytest

from perf_mgmt_plugin.competencies import services


@pytest.fixture
def fw(org):
    """Leadership framework, 1..4 scale, two competencies; Developers need COACH at 3 and PLAN at 2."""
    scale = services.create_scale(
        slug="four",
        name="Four levels",
        levels=[(1, "Aware", "<p>Knows</p>"), (2, "Practising", ""), (3, "Skilled", ""), (4, "Expert", "")],
    )
    framework = services.create_framework(slug="leadership", name="Leadership", scale=scale)
    cluster = services.add_cluster(framework, code="PEOPLE", name="Leading people")
    coach = services.add_competency(framework, code="COACH", name="Coaching", cluster=cluster)
    plan = services.add_competency(framework, code="PLAN", name="Planning")
    services.add_indicator(coach, level=3, text="Runs regular 1:1s")
    services.set_requirement(org.dev, coach, 3, "high")
    services.set_requirement(org.dev, plan, 2)
    return type("Fw", (), {"scale": scale, "framework": framework, "cluster": cluster, "coach": coach, "plan": plan})
