"""The report: figures, blind spots and hidden strengths, trend, constant queries; the radar chart."""

from django.utils import timezone

from perf_mgmt_plugin.core.charts.palette import SERIES
from perf_mgmt_plugin.core.charts.radar import radar_svg
from perf_mgmt_plugin.profiling import report as reporting
from perf_mgmt_plugin.profiling import services
from perf_mgmt_plugin.profiling.models import Round, Subject
from tests import factories

from .builders import answer, nominate_and_approve, start


def _closed_round(org, profile, peers, self_levels, peer_levels):
    rnd, subject = start(org, profile, org.alice)
    nominate_and_approve(org, subject, peers=peers, reports=[])
    answer(org.alice.user, subject, self_levels)
    for peer in peers:
        answer(peer.user, subject, peer_levels)
    services.close_round(org.hr, rnd)
    return Subject.objects.select_related("round__profile", "person__user", "person__manager").get(pk=subject.pk)


def test_blind_spots_hidden_strengths_required_level_and_trend(org, fw, profile, people):
    first = _closed_round(org, profile, people.peers[:3], [3, 3, 3], [3, 3, 3])
    Round.objects.filter(pk=first.round_id).update(closed_at=timezone.now() - timezone.timedelta(days=200))
    second = _closed_round(org, profile, people.peers[:3], [4, 4, 1], [2, 2, 3])
    report = reporting.build(second)
    rows = {row["name"]: row for row in report.competencies}
    assert rows["Coaching"]["blind_spot"] and not rows["Coaching"]["hidden_strength"]
    assert rows["Planning"]["hidden_strength"] and not rows["Planning"]["blind_spot"]
    assert rows["Coaching"]["required"] == 3 and rows["Planning"]["required"] == 2
    assert rows["Coaching"]["figures"]["self"] == 4.0 and rows["Coaching"]["figures"]["peer"] == 2.0
    assert rows["Coaching"]["figures"]["distribution"] == {2: 6}
    assert rows["Coaching"]["previous"] == {"self": 3.0, "others": 3.0}
    assert report.previous.pk == first.pk


def test_one_subjects_report_takes_the_same_queries_at_any_size(
    org, fw, profile, people, django_assert_max_num_queries
):
    small = _closed_round(org, profile, people.peers[:3], [3, 3, 3], [2, 2, 2])
    with django_assert_max_num_queries(100) as captured:
        reporting.build(small)
    baseline = len(captured)
    many = [factories.make_employee(f"more{n}", manager=org.director, org_unit=org.engineering) for n in range(8)]
    services.update_profile(org.hr, profile, items=[(fw.coach.pk, f"Statement {n}") for n in range(12)])
    newer = profile.__class__.objects.get(family=profile.family, number=2)
    services.set_profile_status(org.hr, newer, "active")
    rnd, subject = start(org, newer, org.bob)
    nominate_and_approve(org, subject, peers=many, reports=[])
    for person in many:
        answer(person.user, subject, [3] * 12)
    services.close_round(org.hr, rnd)
    big = Subject.objects.select_related("round__profile", "person__user", "person__manager").get(pk=subject.pk)
    with django_assert_max_num_queries(baseline) as captured:
        report = reporting.build(big)
    assert report.groups[-1] == ("peer", "Peers", 8)


def test_the_radar_is_svg_with_the_palette_and_escaped_labels():
    svg = str(radar_svg(["A<b>", "B", "C"], [("Self", [1, 2, 3]), ("Others", [2, None, 4])], 4, title="T"))
    assert svg.startswith("<svg") and "<title>T</title>" in svg
    assert SERIES[0] in svg and SERIES[1] in svg
    assert "A&lt;b&gt;" in svg and "<b>" not in svg
    assert svg.count('class="pm-radar-series"') == 2


def test_the_appraisal_evidence_reads_the_last_released_360_only(org, profile, people):
    from perf_mgmt_plugin.profiling import api as profiling_api

    subject = _closed_round(org, profile, people.peers[:3], [4, 4, 1], [2, 2, 3])
    assert profiling_api.last_360_for(org.alice.pk) is None  # closed, not released to Alice yet
    services.release_report(org.manager.user, subject)
    found = profiling_api.last_360_for(org.alice.pk)
    assert found.subject.pk == subject.pk and found.blind_spots[0]["name"] == "Coaching"
