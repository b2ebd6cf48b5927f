"""
Every email through edx-ace (issue 18, ADR 0019): ``core.notify`` declares one edx-ace ``MessageType`` per message,
renders its templates in the message's language and delivers over the channel the settings name (the LMS's
``django_email``; edx-ace's ``file_email`` test channel here too), and the three senders of the plugin use it.
"""

import datetime
import re

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone, translation
from edx_ace.signals import ACE_MESSAGE_SENT

from perf_mgmt_plugin.appraisals.reminders import StepsWaiting
from perf_mgmt_plugin.core import notify
from perf_mgmt_plugin.development import reminders as plan_reminders
from perf_mgmt_plugin.development import services as plans
from perf_mgmt_plugin.development.models import PlanItem
from perf_mgmt_plugin.strategy.notifications import ObjectiveForecastWorse

pytestmark = pytest.mark.django_db

ALL_MESSAGES = [plan_reminders.OverduePlanItems, StepsWaiting, ObjectiveForecastWorse]


@pytest.fixture
def sent():
    """The edx-ace messages delivered during the test, as edx-ace signals them (``ACE_MESSAGE_SENT``, dicts)."""
    messages = []

    def record(sender, message, **kwargs):
        messages.append(message)

    ACE_MESSAGE_SENT.connect(record, weak=False)
    yield messages
    ACE_MESSAGE_SENT.disconnect(record)


@pytest.fixture
def overdue_item(org):
    plan = plans.create_plan(org.manager.user, org.alice)
    item = plans.add_item(org.manager.user, plan, kind="on_the_job", title="Shadow <a> lead & learn")
    PlanItem.objects.filter(pk=item.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=3))
    return PlanItem.objects.get(pk=item.pk)


def test_each_message_is_one_edx_ace_message_type_with_every_template_edx_ace_renders():
    from django.template.loader import get_template  # pylint: disable=import-outside-toplevel

    for kind in ALL_MESSAGES:
        assert notify.MESSAGE_TYPES[kind.NAME] is kind
        message = kind(context={})
        assert (message.app_label, message.name) == ("perf_mgmt", kind.NAME)
        for part in ("from_name.txt", "subject.txt", "head.html", "body.html", "body.txt"):
            get_template(f"perf_mgmt/edx_ace/{kind.NAME}/email/{part}")


def test_a_name_nobody_declared_is_a_bug_not_a_silent_no_op(org):
    with pytest.raises(LookupError):
        notify.send("no_such_message", org.alice.user, {})


def test_the_host_configures_edx_ace_as_the_lms_does(settings):
    assert "edx_ace" in settings.INSTALLED_APPS
    assert settings.ACE_ENABLED_CHANNELS == ["django_email"]
    assert settings.ACE_CHANNEL_DEFAULT_EMAIL == settings.ACE_CHANNEL_TRANSACTIONAL_EMAIL == "django_email"


def test_send_goes_through_edx_ace_to_the_recipient_with_subject_and_language(org, overdue_item, sent):
    count = notify.send(
        "overdue_plan_items", org.alice.user, {"items": [overdue_item]}, cc=[org.manager.user], language="fr"
    )
    assert count == 2 and len(sent) == 2
    to_alice, to_manager = mail.outbox
    assert to_alice.to == [org.alice.user.email] and to_manager.to == [org.manager.user.email]
    assert to_alice.subject == to_manager.subject == "1 development plan item(s) overdue"
    assert [m["message_language"] for m in sent] == ["fr", "fr"]
    # Rendered with French active (the templates' {% get_current_language %}), and said in a header.
    assert all('content="fr"' in m.alternatives[0][0] for m in mail.outbox)
    assert to_alice.extra_headers["Content-Language"] == "fr"
    assert to_alice.extra_headers["Cc"] == org.manager.user.email  # the main message names the copy
    assert [m["recipient"]["user_id"] for m in sent] == [org.alice.user.pk, org.manager.user.pk]
    # The text is plain (not HTML-escaped); the HTML part escapes what people typed.
    assert "Shadow <a> lead & learn (due " in to_alice.body
    html = to_alice.alternatives[0][0]
    assert "Shadow &lt;a&gt; lead &amp; learn" in html and "<a>" not in html
    assert "A copy of the reminder sent to" in to_manager.body and "A copy" not in to_alice.body


def test_a_mail_server_that_refuses_is_logged_and_the_other_messages_still_go(org, overdue_item, monkeypatch, caplog):
    """An action that sent a message has committed: a refused connection must not fail it (nor the next message)."""
    real_send = notify.ace.send
    calls = []

    def refusing_first(message):
        calls.append(message.recipient.lms_user_id)
        if len(calls) == 1:
            raise ConnectionRefusedError(111, "Connection refused")
        return real_send(message)

    monkeypatch.setattr(notify.ace, "send", refusing_first)
    count = notify.send("overdue_plan_items", org.alice.user, {"items": [overdue_item]}, cc=[org.manager.user])
    assert calls == [org.alice.user.pk, org.manager.user.pk]
    assert count == 1 and [m.to for m in mail.outbox] == [[org.manager.user.email]]
    assert "could not send the overdue_plan_items message" in caplog.text


def test_the_message_is_in_the_active_language_unless_one_is_asked_for(org, overdue_item, sent):
    with translation.override("en"):
        notify.send("overdue_plan_items", org.alice.user, {"items": [overdue_item]})
        notify.send("overdue_plan_items", org.alice.user, {"items": [overdue_item]}, language="de")
    assert [m["message_language"] for m in sent] == ["en", "de"]
    assert ['content="en"' in m.alternatives[0][0] for m in mail.outbox] == [True, False]
    assert ['content="de"' in m.alternatives[0][0] for m in mail.outbox] == [False, True]
    assert [m.extra_headers["Content-Language"] for m in mail.outbox] == ["en", "de"]


def test_nobody_without_an_address_is_sent_anything(org, overdue_item, sent):
    org.alice.user.email = ""
    assert notify.send("overdue_plan_items", org.alice.user, {"items": [overdue_item]}) == 0
    assert mail.outbox == [] and sent == []


@pytest.fixture
def reload_ace_channels():
    """edx-ace loads its channels once per process (``@once``): load them again from the settings of the test."""
    from edx_ace.channel import channels  # pylint: disable=import-outside-toplevel

    def forget():
        if hasattr(channels.__wrapped__, "__once_result"):
            delattr(channels.__wrapped__, "__once_result")

    forget()
    yield
    forget()


@override_settings(ACE_ENABLED_CHANNELS=["file_email"], ACE_CHANNEL_DEFAULT_EMAIL="file_email")
def test_edx_aces_file_channel_receives_the_same_message(
    org, overdue_item, tmp_path, capsys, monkeypatch, reload_ace_channels
):
    """edx-ace's diagnostic channel (``file_email``) shows what was sent: the channel is the settings', not ours."""
    from edx_ace.channel import file as file_channel  # pylint: disable=import-outside-toplevel

    monkeypatch.setattr(file_channel, "DEFAULT_OUTPUT_FILE_PATH_TPL", str(tmp_path / "{recipient.lms_user_id}.html"))
    notify.send("overdue_plan_items", org.alice.user, {"items": [overdue_item]}, language="en")
    out = capsys.readouterr().out
    assert mail.outbox == []
    assert f"To: {org.alice.user.email}" in out and "Subject: 1 development plan item(s) overdue" in out
    assert re.search(
        r"Shadow <a> lead & learn \(due \d{4}-\d\d-\d\d\)", (tmp_path / f"{org.alice.user.pk}.html").read_text()
    )


def test_the_plan_reminder_goes_through_edx_ace_to_the_person_and_a_copy_to_the_manager(org, overdue_item, sent):
    result = plan_reminders.send_overdue_reminders()
    assert (result.people, result.items, result.emails) == (1, 1, 2)
    assert [m["name"] for m in sent] == ["overdue_plan_items", "overdue_plan_items"]
    assert sorted(address for m in mail.outbox for address in m.to) == sorted(
        [org.alice.user.email, org.manager.user.email]
    )
    # Dedup unchanged: within the interval nothing is sent again.
    assert plan_reminders.send_overdue_reminders().emails == 0 and len(mail.outbox) == 2


def test_nothing_but_edx_ace_sends_mail():
    """No module of the plugin, its XBlocks or the host sends mail itself: every email goes through ``core.notify``."""
    import pathlib  # pylint: disable=import-outside-toplevel

    root = pathlib.Path(notify.__file__).parents[2]
    senders = [
        str(path.relative_to(root))
        for folder in ("perf_mgmt_plugin", "xblocks", "lms_host")
        for path in (root / folder).rglob("*.py")
        # an import of Django's mail, not a settings string naming a mail backend
        if re.search(
            r"from django\.core\.mail import|import django\.core\.mail|from django\.core import mail|send_mail\(|"
            r"send_mass_mail\(|EmailMessage\(",
            path.read_text(),
        )
    ]
    assert senders == []
    assert "from edx_ace import ace" in pathlib.Path(notify.__file__).read_text()
