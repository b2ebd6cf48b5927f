"""
The platform's retirement signals retire the user's perf-mgmt data.

The signals only exist inside openedx-platform, so a FAKE ``openedx.core.djangoapps.user_api.accounts.signals`` (two
plain Signals, see ``contract/fake_platform.py``) is installed and sent with the kwargs the platform's retirement
views really use (``openedx/core/djangoapps/user_api/accounts/views.py``): CRITICAL with ``user``,
``retired_username`` and ``retired_email``; MISC with ``user`` only; the sender is the view class.
"""

import io
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from perf_mgmt_plugin import api, handlers
from perf_mgmt_plugin.core import retirement as registry
from perf_mgmt_plugin.development.models import UnmatchedEvent
from perf_mgmt_plugin.org.models import AccessGrant, Employee, HRAdminScope

from . import factories
from .contract.fake_platform import installed_fake_retirement_signals

pytestmark = pytest.mark.django_db


class AccountRetirementView:
    """Stands in for the platform view class that sends USER_RETIRE_LMS_CRITICAL."""


class LMSAccountRetirementView:
    """Stands in for the platform view class that sends USER_RETIRE_LMS_MISC."""


def _send_critical(signal, user):
    return signal.send(
        sender=AccountRetirementView,
        user=user,
        retired_username=f"retired__user_{user.pk}",
        retired_email=f"retired__user_{user.pk}@retired.invalid",
    )


def _send_misc(signal, user):
    signal.send(sender=LMSAccountRetirementView, user=user)


SENDERS = {"critical": _send_critical, "misc": _send_misc}


@pytest.fixture
def retiree():
    """An employee with an employee number, a start date, history, HR admin scopes and delegated access."""
    manager = factories.make_employee("retiree_manager")
    unit = factories.make_unit("RET")
    employee = factories.make_employee("retiree", manager=manager, org_unit=unit, start_date=date(2019, 4, 1))
    employee.employee_number = "E-RET-2"
    employee.save()
    user = employee.user
    HRAdminScope.objects.create(user=user, org_unit=unit)
    AccessGrant.objects.create(grantee=user, subject=manager, ends_at=timezone.now() + timedelta(days=30))
    return employee


@pytest.fixture
def signals():
    with installed_fake_retirement_signals() as (critical, misc):
        assert handlers.connect_platform_receivers() is True
        yield {"critical": critical, "misc": misc}


def _assert_retired(employee):
    user = employee.user
    employee.refresh_from_db()
    assert employee.employee_number is None
    assert employee.start_date is None
    assert not employee.active
    history = Employee.history.filter(user_id=user.pk)
    assert history.count() >= 2
    assert set(history.values_list("employee_number", "start_date")) == {(None, None)}
    assert not AccessGrant.objects.filter(grantee=user).exists()
    assert not HRAdminScope.objects.filter(user=user).exists()


def test_without_the_platform_no_receiver_is_connected():
    assert handlers.connect_platform_receivers() is False


def test_both_signals_are_connected(signals):
    assert signals["critical"].has_listeners()
    assert signals["misc"].has_listeners()


@pytest.mark.parametrize("which", ["critical", "misc"])
def test_each_signal_retires_the_user(signals, retiree, which):
    bystander = factories.make_employee("bystander")
    SENDERS[which](signals[which], retiree.user)
    _assert_retired(retiree)
    bystander.refresh_from_db()
    assert bystander.employee_number and bystander.active


def test_critical_signal_without_the_retired_names_still_retires(signals, retiree):
    """Releases before the enterprise clean-up send USER_RETIRE_LMS_CRITICAL with ``user`` only."""
    signals["critical"].send(sender=AccountRetirementView, user=retiree.user)
    _assert_retired(retiree)


def test_retirement_is_idempotent(signals, retiree):
    _send_misc(signals["misc"], retiree.user)
    _send_critical(signals["critical"], retiree.user)
    _send_critical(signals["critical"], retiree.user)
    _assert_retired(retiree)


def test_connecting_twice_does_not_retire_twice(signals, retiree, monkeypatch):
    calls = []
    monkeypatch.setattr("perf_mgmt_plugin.api.retire_user", lambda user, **kwargs: calls.append(user))
    assert handlers.connect_platform_receivers() is True
    _send_critical(signals["critical"], retiree.user)
    assert calls == [retiree.user]


def test_a_failing_step_rolls_back_every_step_never_raises_and_is_replayed(signals, retiree):
    """
    The platform sends the retirement signals with a plain ``send``: a receiver that raised would stop its
    retirement pipeline with a 500. A failing step rolls back every step, is logged and kept; the replay command
    retires the user once the cause is gone.
    """
    failures = {"left": 1}

    def failing_step(user, retired_username=None, retired_email=None):
        if failures["left"]:
            failures["left"] -= 1
            raise RuntimeError("this step failed")

    registry.register_retirement_step("zz_test_failing_step", order=10_000)(failing_step)
    try:
        assert [step.name for step in registry.retirement_steps()][-1] == "zz_test_failing_step"
        responses = _send_critical(signals["critical"], retiree.user)  # does not raise
        assert [response for _receiver, response in responses] == [None]
        retiree.refresh_from_db()
        assert retiree.employee_number == "E-RET-2"
        assert retiree.start_date == date(2019, 4, 1)
        assert retiree.active
        assert AccessGrant.objects.filter(grantee=retiree.user).exists()
        assert HRAdminScope.objects.filter(user=retiree.user).exists()
        kept = UnmatchedEvent.objects.get(user_id=retiree.user.pk)
        assert kept.event_type == "perf_mgmt.user.retirement" and "this step failed" in kept.error
        assert kept.payload["retired_username"] == f"retired__user_{retiree.user.pk}"

        out = io.StringIO()
        call_command("replay_failed_lms_events", stdout=out)
        assert "1 replayed, 0 still failing" in out.getvalue()
    finally:
        registry._STEPS.pop("zz_test_failing_step")  # pylint: disable=protected-access
    _assert_retired(retiree)
    assert not UnmatchedEvent.objects.filter(user_id=retiree.user.pk).exists()
    assert "zz_test_failing_step" not in {step.name for step in registry.retirement_steps()}


def test_a_failing_hard_delete_retirement_does_not_stop_the_deletion(retiree, monkeypatch):
    """Deleting a user (the LMS admin) is not stopped by the plugin; the retirement is kept and replayed by id."""

    def down(user, **kwargs):
        raise RuntimeError("database busy")

    real = api._retire_user  # pylint: disable=protected-access
    monkeypatch.setattr(api, "_retire_user", down)
    user_id = retiree.user.pk
    retiree.user.delete()
    assert not get_user_model().objects.filter(pk=user_id).exists()
    kept = UnmatchedEvent.objects.get(user_id=user_id)  # once, though both delete receivers failed
    assert kept.event_type == "perf_mgmt.user.retirement" and kept.error == "database busy"
    monkeypatch.setattr(api, "_retire_user", real)
    assert api.replay_failed_platform_events() == (1, 0)
    assert not UnmatchedEvent.objects.filter(user_id=user_id).exists()


def test_a_signal_without_a_user_is_ignored(signals, retiree):
    signals["misc"].send(sender=LMSAccountRetirementView, user=None)
    retiree.refresh_from_db()
    assert retiree.employee_number == "E-RET-2"
