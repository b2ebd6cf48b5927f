"""
Lane profiling2: a round's deadlines are enforced (answers after ``answer_by`` and nominations after
``nominate_by`` refused with a clear message, unless HR extends the round; progress shows what is overdue), and the
periodic reminder (command and Celery task) reminds raters who have not answered at most once per interval.
"""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from perf_mgmt_plugin import tasks
from perf_mgmt_plugin.core.access import AccessDenied
from perf_mgmt_plugin.profiling import api as profiling_api
from perf_mgmt_plugin.profiling import services
from perf_mgmt_plugin.profiling.errors import DeadlinePassed, ProfilingError
from perf_mgmt_plugin.profiling.models import Rater, Round, Subject

from .builders import answer, nominate_and_approve, start

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _past(rnd, **dates):
    """Move the round's deadlines into the past (start_round refuses past dates, as it should)."""
    Round.objects.filter(pk=rnd.pk).update(**dates)
    rnd.refresh_from_db()
    return rnd


def test_answers_after_the_deadline_are_refused_until_hr_extends(org, profile, people):
    rnd, subject = start(org, profile, org.manager, answer_by=timezone.localdate())
    nominate_and_approve(org, subject, peers=people.peers[:2], reports=[org.alice, org.bob])
    answer(org.alice.user, subject, [3, 3, 3])  # on the day itself: still in time
    _past(rnd, answer_by=timezone.localdate() - DAY)

    with pytest.raises(DeadlinePassed, match="Ask HR to extend the round"):
        answer(org.bob.user, subject, [2, 2, 2])
    bob = Rater.objects.get(subject=subject, user=org.bob.user)
    with pytest.raises(DeadlinePassed):
        services.decline(org.bob.user, bob, "Too late anyway")
    progress = services.progress(rnd)
    # Invited raters who have not answered: the subject's self-assessment, their manager, the two peers and bob.
    assert (progress["answers_overdue"], progress["overdue_raters"]) == (True, 5)

    with pytest.raises(AccessDenied):  # only HR extends
        services.extend_round(org.manager.user, rnd, answer_by=timezone.localdate() + DAY)
    with pytest.raises(ProfilingError):  # not into the past
        services.extend_round(org.hr, rnd, answer_by=timezone.localdate() - DAY * 2)
    services.extend_round(org.hr, rnd, answer_by=timezone.localdate() + DAY)
    answer(org.bob.user, subject, [2, 2, 2])
    assert Rater.objects.get(pk=bob.pk).status == Rater.SUBMITTED
    assert services.progress(rnd)["overdue_raters"] == 0


def test_nominations_after_their_deadline_are_for_hr_only(org, profile, people):
    rnd, subject = start(org, profile, org.manager, nominate_by=timezone.localdate())
    _past(rnd, nominate_by=timezone.localdate() - DAY)
    nominations = {"peer": [p.user_id for p in people.peers[:2]], "direct_report": [org.alice.user_id, org.bob.user_id]}

    with pytest.raises(DeadlinePassed, match="Nominations were due by"):
        services.nominate(org.manager.user, subject, nominations)
    progress = services.progress(rnd)
    assert (progress["nominations_overdue"], progress["overdue_nominations"]) == (True, 1)
    services.nominate(org.hr, subject, nominations)  # HR may still nominate for them
    assert Subject.objects.get(pk=subject.pk).status == Subject.SUBMITTED
    assert services.progress(rnd)["overdue_nominations"] == 0


def test_the_round_page_shows_overdue_and_hr_moves_the_deadlines(client, org, profile, people):
    rnd, subject = start(org, profile, org.manager, answer_by=timezone.localdate())
    nominate_and_approve(org, subject, peers=people.peers[:2], reports=[org.alice, org.bob])
    _past(rnd, answer_by=timezone.localdate() - DAY)
    client.force_login(org.hr)
    url = reverse("perf_mgmt:feedback-round", kwargs={"pk": rnd.pk})
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    assert "Overdue: 6 raters have not answered." in page.content.decode()

    assert client.post(url, {"action": "extend", "answer_by": "not-a-date"}).status_code == 302
    rnd.refresh_from_db()
    assert rnd.answer_by == timezone.localdate() - DAY
    new = (timezone.localdate() + DAY * 7).isoformat()
    client.post(url, {"action": "extend", "answer_by": new})
    rnd.refresh_from_db()
    assert rnd.answer_by.isoformat() == new
    assert "Overdue" not in client.get(url).content.decode()

    # The rater's page says why the form is gone once the date has passed.
    _past(rnd, answer_by=timezone.localdate() - DAY)
    rater = Rater.objects.get(subject=subject, user=org.bob.user)
    client.force_login(org.bob.user)
    page = client.get(reverse("perf_mgmt:feedback-answer", kwargs={"pk": rater.pk})).content.decode()
    assert 'data-testid="answer-overdue"' in page and 'data-testid="answer-form"' not in page


def test_periodic_reminders_once_per_interval(org, profile, people, django_capture_on_commit_callbacks):
    rnd, subject = start(org, profile, org.manager)
    nominate_and_approve(org, subject, peers=people.peers[:2], reports=[org.alice, org.bob])
    answer(org.alice.user, subject, [3, 3, 3])
    now = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        assert profiling_api.send_profiling_reminders(now=now, interval=3).raters == 0  # invited just now
    later = now + DAY * 3
    with django_capture_on_commit_callbacks(execute=True):
        result = profiling_api.send_profiling_reminders(now=later, interval=3)
    # The subject's self-assessment, their manager, the two peers and bob; alice answered.
    assert (result.rounds, result.raters) == (1, 5)
    reminded = sorted(address for message in mail.outbox for address in message.to)
    assert reminded == sorted(
        u.email for u in [people.peers[0].user, people.peers[1].user, org.bob.user, org.manager.user, org.director.user]
    )
    assert org.alice.user.email not in reminded
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # a second run the same day: nobody twice
        assert profiling_api.send_profiling_reminders(now=later + DAY, interval=3).raters == 0
    assert mail.outbox == []
    # The command and the task run the same thing; past the interval each is reminded once more.
    out = io.StringIO()
    call_command("send_profiling_reminders", "--interval-days", "3", "--dry-run", stdout=out)
    assert "raters in" in out.getvalue()
    Rater.objects.filter(subject=subject).update(reminded_at=now - DAY * 4, invited_at=now - DAY * 10)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_profiling_reminders.apply(kwargs={"interval_days": 3}).get() == {"rounds": 1, "raters": 5}
    assert len(mail.outbox) == 5
    # Nobody is reminded of a round past its answer date (they could not answer) nor of a closed round.
    Rater.objects.filter(subject=subject).update(reminded_at=None)
    _past(rnd, answer_by=timezone.localdate() - DAY)
    assert profiling_api.send_profiling_reminders(interval=3, dry_run=True).raters == 0
    Round.objects.filter(pk=rnd.pk).update(answer_by=None, status=Round.CLOSED)
    assert profiling_api.send_profiling_reminders(interval=3, dry_run=True).raters == 0


def test_reminders_cost_constant_queries(org, profile, people, count_queries, django_capture_on_commit_callbacks):
    rnd, subject = start(org, profile, org.manager)
    nominate_and_approve(org, subject, peers=people.peers[:2], reports=[org.alice, org.bob])
    later = timezone.now() + DAY * 4

    def run(now):
        with count_queries() as queries:
            profiling_api.send_profiling_reminders(now=now, interval=3, dry_run=True)
        return len(queries)

    small = run(later)
    _rnd2, other = start(org, profile, people.carol)
    nominate_and_approve(org, other, peers=people.peers[:3], reports=[])
    assert run(later) == small == 3  # pinned: savepoint, the due raters (locked), release
