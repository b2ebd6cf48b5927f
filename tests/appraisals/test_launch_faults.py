"""
Launch faults (issue 14): a launch message delivered twice ends "done" with no duplicate and is not shown as
failed; a launch whose worker was killed is found stale on the cycle page and completes when resumed from it.
"""

import contextlib
import datetime

from django.urls import reverse
from django.utils import timezone

from perf_mgmt_plugin import api, tasks
from perf_mgmt_plugin.appraisals import launch
from perf_mgmt_plugin.appraisals.models import Cycle, Review, ReviewItem

from .test_launch import _draft


def _counts(cycle):
    reviews = Review.objects.filter(cycle=cycle)
    return (
        reviews.count(),
        reviews.values("employee").distinct().count(),
        ReviewItem.objects.filter(review__cycle=cycle).count(),
    )


def test_a_double_delivered_launch_ends_done_without_duplicates(org, template, strategy, fw, today):
    cycle = _draft(org, template, today, units=[org.company])
    launch.start_launch(org.hr, cycle)
    assert tasks.launch_review_cycle.apply((cycle.pk,)).get() == 6
    once = _counts(cycle)
    assert tasks.launch_review_cycle.apply((cycle.pk,)).get() == 0  # the same message again
    cycle.refresh_from_db()
    assert (cycle.launch_status, cycle.launch_error) == (Cycle.LAUNCH_DONE, "")
    assert _counts(cycle) == once and once[0] == once[1] == 6


def test_a_delivery_while_another_run_holds_the_launch_does_nothing_and_fails_nothing(
    org, template, strategy, fw, today
):
    cycle = _draft(org, template, today, units=[org.company])
    launch.start_launch(org.hr, cycle)
    Cycle.objects.filter(pk=cycle.pk).update(launch_heartbeat=timezone.now())  # a run is under way elsewhere
    assert launch.run_launch(cycle.pk) == 0
    cycle.refresh_from_db()
    assert cycle.launch_status == Cycle.LAUNCH_RUNNING and not cycle.launch_error
    assert not Review.objects.filter(cycle=cycle).exists()
    # A double click on "Launch" meanwhile does not reset the launch the running one holds.
    launch.start_launch(org.hr, cycle)
    cycle.refresh_from_db()
    assert cycle.launch_heartbeat is not None


def test_a_killed_launch_is_found_stale_and_completes_on_resume(
    org, template, strategy, fw, today, client, monkeypatch, django_capture_on_commit_callbacks
):
    cycle = _draft(org, template, today, units=[org.company])
    launch.start_launch(org.hr, cycle)
    real_batch = launch._launch_batch

    class Killed(BaseException):  # not an Exception: nothing in the run catches it, as with SIGKILL
        pass

    def killed_after_first(cycle_, batch, sources):
        real_batch(cycle_, batch, sources)
        raise Killed

    monkeypatch.setattr(launch, "_launch_batch", killed_after_first)
    with contextlib.suppress(Killed):
        launch.run_launch(cycle.pk, batch_size=2)
    monkeypatch.setattr(launch, "_launch_batch", real_batch)
    cycle.refresh_from_db()
    assert cycle.launch_status == Cycle.LAUNCH_RUNNING and cycle.launch_done == 2
    assert not launch.is_stale(cycle)  # it beat a moment ago
    assert launch.run_launch(cycle.pk) == 0  # the redelivered message: the launch still looks held

    # Time passes without a heartbeat: the page says so and offers to resume.
    old = timezone.now() - launch.LAUNCH_STALE - datetime.timedelta(seconds=1)
    Cycle.objects.filter(pk=cycle.pk).update(launch_heartbeat=old)
    cycle.refresh_from_db()
    assert launch.is_stale(cycle) and api.cycle_launch_is_stale(cycle)
    client.force_login(org.hr)
    page = client.get(reverse("perf_mgmt:appraisal-cycle", kwargs={"pk": cycle.pk})).content.decode()
    assert 'data-testid="launch-stale"' in page and "Resume the launch" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("perf_mgmt:appraisal-cycle-launch", kwargs={"pk": cycle.pk}))
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.launch_status == Cycle.LAUNCH_DONE and (cycle.launch_done, cycle.launch_total) == (6, 6)
    count, people, _items = _counts(cycle)
    assert count == people == 6
    page = client.get(reverse("perf_mgmt:appraisal-cycle", kwargs={"pk": cycle.pk})).content.decode()
    assert 'data-testid="launch-stale"' not in page
