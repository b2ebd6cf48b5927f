"""The navigation of the UI shell, per persona: what each persona may open, in the order they see it."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .. import api

NAV = [
    # (persona, url name, label)
    ("learner", "perf_mgmt:home", _("My performance")),
    ("manager", "perf_mgmt:my-team", _("My team")),
    ("hr_admin", "perf_mgmt:people", _("People")),
    ("hr_admin", "perf_mgmt:org-chart", _("Org chart")),
    ("course_staff", "perf_mgmt:course-staff", _("My courses")),
]


def nav_context(request):
    """Template context of the shell: nav items, the current one, and the user's personas."""
    personas = api.personas(request.user)
    items = []
    for persona, url_name, label in NAV:
        if persona in personas:
            url = reverse(url_name)
            items.append({"url": url, "label": label, "current": request.path == url})
    return {"nav_items": items, "personas": personas, "logout_url": settings.PERF_MGMT_LOGOUT_URL}
