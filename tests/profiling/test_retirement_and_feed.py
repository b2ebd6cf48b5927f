"""Retirement of a subject and of a rater; a closed round's results become assessments under the policy."""

from perf_mgmt_plugin.api import retire_user
from perf_mgmt_plugin.competencies.models import Assessment, CompetencyGap
from perf_mgmt_plugin.profiling import services
from perf_mgmt_plugin.profiling.models import Answer, Comment, Rater, Subject

from .builders import answer, nominate_and_approve, start


def _round(org, profile, people, counts=True):
    rnd, subject = start(org, profile, org.alice, counts_as_assessment=counts)
    nominate_and_approve(org, subject, peers=people.peers[:3], reports=[])
    return rnd, subject


def test_retiring_a_rater_keeps_their_levels_and_forgets_their_words(org, profile, people):
    _rnd, subject = _round(org, profile, people)
    answer(people.peers[0].user, subject, [3, 3, 3], comment="About Alice")
    rater = Rater.objects.get(subject=subject, user=people.peers[0].user)
    retire_user(people.peers[0].user)
    rater.refresh_from_db()
    assert rater.user_id is None and not Comment.objects.filter(rater=rater).exists()
    assert Answer.objects.filter(rater=rater).count() == 3


def test_retiring_the_subject_forgets_the_rounds_about_them(org, profile, people):
    _rnd, subject = _round(org, profile, people)
    answer(people.peers[0].user, subject, [3, 3, 3], comment="About Alice")
    retire_user(org.alice.user)
    assert not Subject.objects.filter(pk=subject.pk).exists()
    assert not Rater.objects.filter(subject_id=subject.pk).exists()


def test_a_counting_round_moves_gaps_as_the_policy_says(org, fw, profile, people, settings):
    """Alice (a developer: COACH required at 3) is rated 2 by her manager: manager_wins makes that her level."""
    settings.PERF_MGMT_COMPETENCY_POLICY = {"manager_wins": True}
    rnd, subject = _round(org, profile, people)
    answer(org.alice.user, subject, [4, 4, 4])
    answer(org.manager.user, subject, [2, 2, 1])
    for peer in people.peers[:3]:
        answer(peer.user, subject, [3, 4, 3])
    services.close_round(org.hr, rnd)
    fed = Assessment.objects.filter(person=org.alice, context_type="profiling")
    assert sorted(fed.values_list("competency__code", "source", "level")) == [
        ("COACH", "manager", 2),
        ("COACH", "peer", 4),  # 3.5 rounds to the nearest level, the higher one on a tie
        ("PLAN", "manager", 1),
        ("PLAN", "peer", 3),
    ]
    assert fed.filter(source="peer", rater__isnull=False).count() == 0  # anonymous groups carry no rater
    gap = CompetencyGap.objects.get(person=org.alice, competency=fw.coach)
    assert (gap.current_level, gap.gap) == (2.0, 1.0)  # required 3, the manager's 2 wins


def test_a_round_that_does_not_count_feeds_nothing(org, profile, people):
    rnd, subject = _round(org, profile, people, counts=False)
    answer(org.manager.user, subject, [2, 2, 1])
    services.close_round(org.hr, rnd)
    assert not Assessment.objects.filter(context_type="profiling").exists()
