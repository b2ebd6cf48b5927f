"""The demo's health pack (a good and a lagging team) and its two key positions with pools; loading twice is a no-op."""

from django.contrib.auth import get_user_model

from lms_host import demo
from perf_mgmt_plugin.health import api as health
from perf_mgmt_plugin.org.models import OrgUnit
from perf_mgmt_plugin.succession import api as succession


def _state():
    return (
        sorted(
            succession.SuccessorCandidate.objects.values_list(
                "key_position__position__code", "employee__user__username", "readiness"
            )
        ),
        succession.PotentialRating.objects.count(),
    )


def test_demo_health_and_succession(db):
    demo.load_demo_data()
    amara = get_user_model().objects.get(username="amara")
    pack = health.health_pack(amara, OrgUnit.objects.get(code="SALES"))
    by_name = {m.name: m for m in pack.process.managers}
    assert by_name["Sofia Rossi"].reasons == [] and by_name["Sofia Rossi"].checkin_share == 1.0
    assert {"few_check_ins", "no_face_to_face"} <= set(by_name["Marcus Brown"].reasons)
    assert len(pack.history) == 1  # the snapshot a month ago
    helen = get_user_model().objects.get(username="helen")
    benches = {
        b.key_position.position.code: b
        for b in (succession.pool(helen, k) for k in succession.key_positions_for(helen))
    }
    assert set(benches) == {"ENG-MGR", "SALES-MGR"}
    assert all(len(b.candidates) == 2 for b in benches.values())
    before = _state()
    demo.load_demo_data()
    assert _state() == before
