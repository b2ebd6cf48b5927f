"""
A review completed in a real browser by the person and their manager: self review with ratings (each scale point's
text beside its radio button) -> manager review -> share -> the meeting scheduled and both confirm they attended ->
both sign off, the person recording a disagreement. Screenshots in var/screenshots/.

(Here rather than in tests/appraisals/ because the browser fixtures are this package's; the appraisal fixtures are
imported from tests/appraisals/conftest.py.)
"""

import datetime

import pytest
from django.utils import timezone

from perf_mgmt_plugin.appraisals.models import Review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _click(page, name):
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def _status(page):
    return page.get_by_role("status").inner_text().strip()


def _rate_every_item(page, review, side, value_of):
    for item in review.items.select_related("scale").order_by("order", "pk"):
        box = page.get_by_test_id(f"item-{item.pk}")
        if item.scale_id:
            value = value_of(item)
            box.locator(f'input[name="{side}-{item.pk}-rating"][value="{value}"]').check()
        box.locator(f'textarea[name="{side}-{item.pk}-comment"]').fill(f"{side} on {item.title}")


def test_employee_and_manager_complete_a_review(org, cycle, page, sign_in, screenshot):  # noqa: F811
    review = Review.objects.get(cycle=cycle, employee=org.alice)

    # Alice: the self review, with the text of each point of the scale in front of her.
    sign_in(page, "alice", next_path="/perf-mgmt/reviews/")
    assert page.get_by_role("heading", level=1).inner_text() == "My reviews"
    assert page.get_by_text("Far beyond; an example to others.").count() == 1
    _rate_every_item(page, review, "self", lambda item: item.scale.levels.order_by("-value").first().value)
    page.get_by_label("My summary").fill("A good quarter.")
    screenshot(page, "appraisal-self-review")
    _click(page, "Submit my self review")
    assert _status(page) == "Your self review is submitted."
    review.refresh_from_db()
    assert review.stage == Review.MANAGER_REVIEW and review.self_submitted_at is not None
    assert page.js_errors == []

    # The manager: from "Team reviews" to Alice's review; rates, saves, shares.
    page.context.clear_cookies()
    sign_in(page, "manager", next_path="/perf-mgmt/reviews/team/")
    page.get_by_test_id("team-reviews").get_by_role("link", name="Alice Tester").click()
    page.wait_for_url(f"**/perf-mgmt/reviews/{review.pk}/")
    assert "A good quarter." in page.get_by_test_id("self-summary").inner_text()
    _rate_every_item(page, review, "manager", lambda item: item.scale.levels.order_by("value").first().value)
    page.get_by_label("Manager's summary").fill("Solid work; more delegation next time.")
    _click(page, "Save my review")
    assert _status(page) == "Your review is saved."
    screenshot(page, "appraisal-manager-review")
    _click(page, "Share the review")
    assert _status(page) == "The review is shared."
    review.refresh_from_db()
    assert review.manager_shared_at is not None and review.stage == Review.MEETING

    # The meeting: set by the manager (here: it began an hour ago), then both confirm they attended. Before it
    # begins there is nothing to confirm.
    assert page.get_by_role("button", name="I attended the meeting").count() == 0
    began = timezone.localtime() - datetime.timedelta(hours=1)
    meeting = page.get_by_test_id("meeting-form")
    meeting.get_by_label("Date and time").fill(began.strftime("%Y-%m-%dT%H:%M"))
    meeting.get_by_label("How").select_option(Review.VIDEO)
    _click(page, "Schedule the meeting")
    assert _status(page) == "Meeting scheduled."
    _click(page, "I attended the meeting")
    assert _status(page) == "Your attendance is confirmed."
    assert page.js_errors == []

    page.context.clear_cookies()
    sign_in(page, "alice", next_path="/perf-mgmt/reviews/")
    assert "Video call, cameras on" in page.get_by_test_id("meeting").inner_text()
    assert "Solid work; more delegation next time." in page.get_by_test_id("manager-summary").inner_text()
    _click(page, "I attended the meeting")
    review.refresh_from_db()
    assert review.stage == Review.SIGN_OFF

    # Sign-off: Alice records her disagreement, then the manager signs.
    sign = page.get_by_test_id("sign-form")
    sign.get_by_label("Comment").fill("Thanks for the talk.")
    sign.get_by_label("I disagree with this review").check()
    sign.get_by_label("What I disagree with").fill("The rating of my key result was too low.")
    screenshot(page, "appraisal-sign-off")
    _click(page, "Sign the review")
    assert _status(page) == "You signed the review."
    assert page.js_errors == []

    page.context.clear_cookies()
    sign_in(page, "manager", next_path=f"/perf-mgmt/reviews/{review.pk}/")
    assert "The rating of my key result was too low." in page.get_by_test_id("disagreement").inner_text()
    # Every review ends with what follows: the manager agrees a development action (it becomes a plan item) first.
    assert page.get_by_test_id("sign-needs-action").is_visible()
    page.get_by_label("Action", exact=True).fill("Lead the next design review")
    page.get_by_label("Kind").select_option("development")
    page.get_by_label("Due date").fill((timezone.localdate() + datetime.timedelta(days=30)).isoformat())
    _click(page, "Add the action")
    assert _status(page) == "Action added."
    assert "Lead the next design review" in page.get_by_test_id("actions").inner_text()
    _click(page, "Sign the review")
    review.refresh_from_db()
    assert review.stage == Review.COMPLETED
    assert review.disagrees and "too low" in review.disagreement
    assert review.employee_signed_at and review.manager_signed_at
    assert page.get_by_test_id("review-stage").inner_text() == "Completed"
    assert review.actions.get().plan_item.plan.owner == org.alice
    screenshot(page, "appraisal-completed")
    assert page.js_errors == []
