"""
Notifications of the strategy domain: a stored ``Notification`` row (shown in the UI) and an email, both sent when
an objective's forecast status gets worse, to the manager of the objective's owner.

For an objective owned by an org unit, the "owner's manager" is the person who owns the objective above it (the
nearest person-owned ancestor): whoever set the unit's target hears that it slips.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from ..core import notify
from ..core.paths import decode_path
from .models import Notification, Objective

STATUS_CHANGED = "objective_status"


class ObjectiveForecastWorse(notify.PerfMgmtMessage):
    """The stored ``notification`` of an objective whose forecast got worse, to the owner's manager."""

    NAME = "objective_forecast_worse"


def _recipient_user_id(node, nodes):
    if node.get("owner_id"):
        return node.get("owner__manager__user_id")
    for pk in reversed(decode_path(node["path"])[:-1]):
        ancestor = nodes.get(pk)
        if ancestor is not None and ancestor.get("owner__user_id"):
            return ancestor["owner__user_id"]
    return None


def notify_worsened(worse_nodes, nodes):
    """
    Store and email one notification per objective in ``worse_nodes`` (values dicts carrying ``old_status``) to
    its owner's manager. Three queries whatever the number: the recipients' emails, one insert, one email batch.
    """
    labels = dict(Objective.STATUS_CHOICES)
    pending = []
    for node in worse_nodes:
        recipient = _recipient_user_id(node, nodes)
        if recipient is None:
            continue
        subject = _("Forecast worse: %(title)s is now %(status)s") % {
            "title": node["title"],
            "status": labels.get(node["status"], node["status"]),
        }
        body = _(
            "%(title)s went from %(old)s to %(new)s. Progress %(progress)d%%, due %(due)s, projected %(forecast)s."
        ) % {
            "title": node["title"],
            "old": labels.get(node["old_status"], node["old_status"]),
            "new": labels.get(node["status"], node["status"]),
            "progress": round(node["progress"] * 100),
            "due": node["due_date"],
            "forecast": node["forecast_date"] or _("not in sight"),
        }
        pending.append(
            Notification(
                recipient_id=recipient, kind=STATUS_CHANGED, subject=subject, body=body, objective_id=node["pk"]
            )
        )
    if not pending:
        return 0
    Notification.objects.bulk_create(pending)
    users = get_user_model().objects.filter(pk__in={n.recipient_id for n in pending}, is_active=True).exclude(email="")
    users = {user.pk: user for user in users}
    name = ObjectiveForecastWorse.NAME
    emails = [(name, users[n.recipient_id], {"notification": n}, ()) for n in pending if n.recipient_id in users]
    notify.send_many(emails)
    return len(pending)


def notifications_for(user, unread_only=False):
    """The user's own notifications, newest first."""
    qs = Notification.objects.filter(recipient=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs
