"""A 360 set-up on top of the shared ``org`` and ``fw`` fixtures: the manager is rated by everyone around them."""

import pytest

from perf_mgmt_plugin.profiling import services
from perf_mgmt_plugin.profiling.models import Profile
from tests import factories
from tests.competencies.conftest import fw  # noqa: F401


@pytest.fixture
def people(org):
    """Peers of the manager (same director), a third report, and two people outside the team."""
    peers = [factories.make_employee(f"peer{n}", manager=org.director, org_unit=org.engineering) for n in range(4)]
    carol = factories.make_employee("carol", manager=org.manager, org_unit=org.platform)
    others = [factories.make_employee(f"other{n}", manager=org.ceo, org_unit=org.sales) for n in range(3)]
    return type("People", (), {"peers": peers, "carol": carol, "others": others})


@pytest.fixture
def profile(org, fw):  # noqa: F811
    made = services.create_profile(
        org.hr,
        family="leadership-360",
        name="Leadership 360",
        kind=Profile.KIND_360,
        items=[(fw.coach.pk, "Gives useful feedback"), (fw.coach.pk, "Runs regular 1:1s"), (fw.plan.pk, "Plans ahead")],
        questions=["What should they keep doing?"],
    )
    return services.set_profile_status(org.hr, made, Profile.ACTIVE)
