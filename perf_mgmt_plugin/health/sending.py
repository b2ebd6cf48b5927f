"""
The monthly health pack by email (``send_health_packs`` command / ``perf_mgmt.health.send_packs`` task): each reader
gets the pack of the top unit they may read -- senior managers the unit they head, HR admins the top of their scope
-- unless they opted out (``HealthPackPreference``). A snapshot of each pack sent is stored for the trends. The
managers flagged in a pack are named to its readers; each flagged manager's own manager is told too.
"""

from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ..core import notify
from ..org.api import Employee, HRAdminScope, OrgUnit
from . import notifications as _notifications  # noqa: F401  declares the message types sent below
from .access import heads
from .errors import HealthError
from .models import HealthPackPreference, HealthSnapshot
from .pack import REASON_LABELS, compute_pack

#: Units of these kinds get a monthly pack (teams see theirs on the page).
PACK_UNIT_KINDS = ("company", "division", "department")


def _opted_out():
    return set(HealthPackPreference.objects.filter(monthly_email=False).values_list("user_id", flat=True))


def recipients():
    """``{unit: [users]}``: heads of units of :data:`PACK_UNIT_KINDS` and HR admins (top of their scope)."""
    by_unit = defaultdict(list)
    for employee in (
        heads().filter(org_unit__kind__in=PACK_UNIT_KINDS, org_unit__active=True).select_related("user", "org_unit")
    ):
        by_unit[employee.org_unit].append(employee.user)
    hr_users = (
        get_user_model()
        .objects.filter(Q(groups__name=settings.PERF_MGMT_HR_ADMIN_GROUP) | Q(is_superuser=True), is_active=True)
        .distinct()
    )
    scopes = defaultdict(list)
    for user_id, unit_id in HRAdminScope.objects.values_list("user_id", "org_unit_id"):
        scopes[user_id].append(unit_id)
    roots = list(OrgUnit.objects.filter(parent__isnull=True, active=True))
    scoped_units = {u.pk: u for u in OrgUnit.objects.filter(pk__in={pk for ids in scopes.values() for pk in ids})}
    for user in hr_users:
        units = [scoped_units[pk] for pk in scopes.get(user.pk, ()) if pk in scoped_units] or roots
        for unit in units:
            by_unit[unit].append(user)
    return by_unit


def send_packs(as_of=None, base_url="", force=False):
    """
    Send this month's packs; returns ``(packs, emails)``. Meant to run daily (Celery beat): a unit whose pack went
    out this month already (its snapshot of the month exists) is skipped, so only the month's first run sends and a
    repeated or retried run sends nothing twice. ``force`` sends again (the snapshot is replaced, not doubled).
    """
    as_of = as_of or timezone.localdate()
    month_start = as_of.replace(day=1)
    done = set(
        HealthSnapshot.objects.filter(taken_on__gte=month_start, taken_on__lte=as_of).values_list(
            "org_unit_id", flat=True
        )
    )
    skip = _opted_out()
    messages, packs = [], []
    for unit, users in recipients().items():
        if unit.pk in done and not force:
            continue
        try:
            pack = compute_pack(unit, as_of=as_of)
        except HealthError:  # no strategy period yet: nothing to report
            continue
        packs.append(pack)
        readers = [u for u in dict.fromkeys(users) if u.pk not in skip]
        lagging = [
            {"name": m.name, "reasons": [REASON_LABELS[r] for r in m.reasons], "manager_id": m.manager_id}
            for m in pack.lagging_managers
        ]
        context = {
            "unit": unit.name,
            "period": pack.period.name,
            "figures": pack.headline(),
            "lagging": lagging,
            "url": f"{base_url}{reverse('perf_mgmt:health')}?unit={unit.pk}",
        }
        messages.extend(("health_pack", user, context, ()) for user in readers)
        # Each flagged manager's own manager hears of it too.
        flagged = Employee.objects.filter(pk__in=[m["manager_id"] for m in lagging]).select_related(
            "user", "manager__user"
        )
        for employee in flagged:
            boss = employee.manager.user if employee.manager_id else None
            if boss is not None and boss.pk not in skip:
                url = reverse("perf_mgmt:health-manager", kwargs={"pk": employee.pk})
                messages.append(
                    (
                        "health_manager_flag",
                        boss,
                        {"manager": employee.display_name, "unit": unit.name, "url": f"{base_url}{url}"},
                        (),
                    )
                )
    seen, unique = set(), []
    for name, user, context, cc in messages:
        key = (name, user.pk, context.get("unit"), context.get("manager"))
        if key not in seen:
            seen.add(key)
            unique.append((name, user, context, cc))
    emails = notify.send_many(unique)
    for pack in packs:  # after sending: a failed send leaves the month to the next run
        HealthSnapshot.objects.update_or_create(
            org_unit=pack.unit, period=pack.period, taken_on=pack.as_of, defaults={"figures": pack.headline()}
        )
    return len(packs), emails


def set_monthly_email(user, enabled):
    """Record the reader's choice about the monthly email."""
    pref, _created = HealthPackPreference.objects.update_or_create(
        user=user, defaults={"monthly_email": bool(enabled), "updated": timezone.now()}
    )
    return pref


def wants_monthly_email(user):
    return not HealthPackPreference.objects.filter(user=user, monthly_email=False).exists()
