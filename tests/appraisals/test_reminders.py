"""
Deadline reminders: one email per person for every step they owe, before the deadline and once overdue, each
reminder once (cron and Celery on the same day send nothing twice), in a constant number of queries.
"""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from perf_mgmt_plugin import tasks
from perf_mgmt_plugin.appraisals import reminders
from perf_mgmt_plugin.appraisals.models import Cycle, Review
from tests.appraisals.builders import WEEK, add_review, make_cycle, make_people

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = pytest.mark.usefixtures("org_once")

TODAY = datetime.date(2026, 6, 1)
DAY = datetime.timedelta(days=1)


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_self_review_reminded_before_the_deadline_then_once_overdue(org):
    cycle = make_cycle(TODAY)
    add_review(cycle, org.alice)
    add_review(cycle, org.bob)
    assert reminders.send_appraisal_reminders(today=TODAY).reviews == 0  # a week away: too early

    before = cycle.self_review_due - 3 * DAY
    result = reminders.send_appraisal_reminders(today=before)
    assert (result.reviews, result.people, result.emails) == (2, 2, 2)
    assert recipients() == [org.alice.user.email, org.bob.user.email]
    assert "Self review: your review (" in mail.outbox[0].body and "due 2026-06-08" in mail.outbox[0].body
    review = Review.objects.get(employee=org.alice)
    assert review.reminded_key == "self_review:before:20260608" and review.reminded_at is not None

    assert reminders.send_appraisal_reminders(today=before + DAY).emails == 0  # same reminder: not again
    assert len(mail.outbox) == 2

    late = cycle.self_review_due + 2 * DAY
    assert reminders.send_appraisal_reminders(today=late).emails == 2
    assert "2 day(s) overdue" in mail.outbox[-1].body
    assert reminders.send_appraisal_reminders(today=late + DAY).emails == 0
    assert len(mail.outbox) == 4


def test_one_email_per_person_for_all_their_steps(org):
    cycle = make_cycle(TODAY)
    add_review(cycle, org.alice, Review.MANAGER_REVIEW)
    add_review(cycle, org.bob, Review.MANAGER_REVIEW)
    add_review(cycle, org.manager, Review.SELF_REVIEW)
    today = cycle.manager_review_due + DAY  # self review and manager review both overdue
    result = reminders.send_appraisal_reminders(today=today)
    assert (result.reviews, result.people, result.emails) == (3, 1, 1)
    (to_manager,) = mail.outbox
    assert to_manager.to == [org.manager.user.email]
    assert to_manager.subject == "Appraisals: 3 step(s) waiting for you"
    assert org.alice.display_name in to_manager.body and org.bob.display_name in to_manager.body
    assert "your review" in to_manager.body  # their own self review
    assert org.director.user.email not in recipients()  # the manager's own review is at the self review


def test_meeting_and_sign_off_remind_whoever_has_not_done_their_part(org):
    cycle = make_cycle(TODAY)
    now = timezone.now()
    add_review(cycle, org.alice, Review.MEETING)
    add_review(cycle, org.bob, Review.MEETING, manager_attended_at=now)
    seller_review = add_review(cycle, org.seller, Review.SIGN_OFF, employee_signed_at=now)
    reminders.send_appraisal_reminders(today=cycle.sign_off_due + DAY)
    assert recipients() == sorted(
        [org.manager.user.email, org.alice.user.email, org.bob.user.email, org.ceo.user.email]
    )
    assert Review.objects.get(pk=seller_review.pk).reminded_key.startswith("sign_off:overdue:")


def test_no_reminder_for_completed_reviews_closed_or_draft_cycles_or_inactive_people(org):
    closed = make_cycle(TODAY, status=Cycle.CLOSED)
    draft = make_cycle(TODAY, status=Cycle.DRAFT)
    active = make_cycle(TODAY)
    add_review(closed, org.alice)
    add_review(draft, org.alice)
    add_review(active, org.bob, Review.COMPLETED)
    (gone,) = make_people(1, org.manager, org.platform)
    add_review(active, gone)
    type(gone).objects.filter(pk=gone.pk).update(active=False)
    result = reminders.send_appraisal_reminders(today=TODAY + 6 * WEEK)
    assert (result.reviews, result.emails) == (1, 0)  # gone's review is marked, nobody to email
    assert mail.outbox == []


def test_moved_deadline_or_reopened_review_is_reminded_again(org):
    cycle = make_cycle(TODAY)
    review = add_review(cycle, org.alice)
    reminders.send_appraisal_reminders(today=cycle.self_review_due)
    Cycle.objects.filter(pk=cycle.pk).update(self_review_due=cycle.self_review_due + DAY)
    assert reminders.send_appraisal_reminders(today=cycle.self_review_due).emails == 1
    Review.objects.filter(pk=review.pk).update(stage=Review.MANAGER_REVIEW)
    reminders.send_appraisal_reminders(today=cycle.manager_review_due)
    Review.objects.filter(pk=review.pk).update(stage=Review.SELF_REVIEW)  # reopened to the self review
    assert reminders.send_appraisal_reminders(today=cycle.manager_review_due).emails == 1
    assert len(mail.outbox) == 4


@override_settings(PERF_MGMT_APPRAISAL_REMINDER_DAYS=10)
def test_days_before_is_a_setting_and_an_argument(org):
    cycle = make_cycle(TODAY)
    add_review(cycle, org.alice)
    assert reminders.send_appraisal_reminders(today=TODAY, days_before=0).reviews == 0
    assert reminders.send_appraisal_reminders(today=TODAY).emails == 1  # 7 days before, within 10


def test_dry_run_command_and_task(org):
    cycle = make_cycle(TODAY)
    add_review(cycle, org.alice)
    add_review(cycle, org.bob, Review.MANAGER_REVIEW)
    day = cycle.manager_review_due.isoformat()
    out = io.StringIO()
    call_command("send_appraisal_reminders", "--dry-run", "--date", day, stdout=out)
    assert out.getvalue().strip() == "2 reviews to remind, 2 people, 0 emails would be sent"
    assert mail.outbox == [] and not Review.objects.exclude(reminded_key="").exists()

    out = io.StringIO()
    call_command("send_appraisal_reminders", "--date", day, "--days-before", "0", stdout=out)
    assert out.getvalue().strip() == "2 reviews to remind, 2 people, 2 emails sent"
    call_command("send_appraisal_reminders", "--date", day, "--days-before", "0", stdout=io.StringIO())
    assert len(mail.outbox) == 2  # a second run the same day sends nothing


def test_task_sends_todays_reminders(org):
    cycle = make_cycle(timezone.localdate())
    add_review(cycle, org.alice)
    result = tasks.send_appraisal_reminders.apply(kwargs={"days_before": 7}).get()
    assert result == {"reviews": 1, "people": 1, "emails": 1}
    assert tasks.send_appraisal_reminders.apply(kwargs={"days_before": 7}).get()["emails"] == 0


def test_query_count_constant(org, count_queries):
    cycle = make_cycle(TODAY)
    add_review(cycle, org.alice)
    with count_queries() as small:
        reminders.send_appraisal_reminders(today=cycle.self_review_due)
    for person in make_people(15, org.manager, org.platform):
        add_review(cycle, person, Review.MANAGER_REVIEW)
        add_review(make_cycle(TODAY), person, Review.MEETING)
    with count_queries() as large:
        result = reminders.send_appraisal_reminders(today=cycle.sign_off_due)
    assert (result.reviews, result.emails) == (31, 17)  # 15 people, their manager, alice (now overdue)
    assert len(large) == len(small) <= 4, [q["sql"][:100] for q in large.captured_queries]
