"""The navigation of the UI shell, per persona: what each persona may open, in the order they see it."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .. import api

NAV = [
    # (persona, url name, label)
    ("learner", "perf_mgmt:home", _("My performance")),
    ("learner", "perf_mgmt:my-competencies", _("My competencies")),
    ("learner", "perf_mgmt:my-plan", _("My development plan")),
    ("learner", "perf_mgmt:my-objectives", _("My objectives")),
    ("manager", "perf_mgmt:my-team", _("My team")),
    ("manager", "perf_mgmt:strategy-dashboard", _("Team objectives")),
    ("learner", "perf_mgmt:cascade", _("Strategy")),
    ("learner", "perf_mgmt:my-reviews", _("My reviews")),
    ("manager", "perf_mgmt:team-reviews", _("Team reviews")),
    ("manager", "perf_mgmt:coaching", _("Coaching")),
    ("manager", "perf_mgmt:team-plans", _("Team plans")),
    ("hr_admin", "perf_mgmt:people", _("People")),
    ("hr_admin", "perf_mgmt:org-chart", _("Org chart")),
    ("hr_admin", "perf_mgmt:org-import", _("Import")),
    ("manager", "perf_mgmt:gap-audit", _("Gap audit")),
    ("hr_admin", "perf_mgmt:gap-audit", _("Gap audit")),
    ("hr_admin", "perf_mgmt:appraisal-cycles", _("Review cycles")),
    ("course_staff", "perf_mgmt:course-staff", _("My courses")),
    # lane host
    ("hr_admin", "perf_mgmt:requirement-positions", _("Position requirements")),
    # lane profiling
    ("learner", "perf_mgmt:my-feedback", _("My feedback")),
    ("manager", "perf_mgmt:feedback-rounds", _("Feedback rounds")),
    ("hr_admin", "perf_mgmt:feedback-rounds", _("Feedback rounds")),
    ("hr_admin", "perf_mgmt:feedback-profiles", _("Feedback profiles")),
    # lane guide: the team's guide steps awaiting the manager's observation
    ("manager", "perf_mgmt:observations", _("Observations")),
    # lane health: organisational health and succession (issue 19)
    ("manager", "perf_mgmt:health", _("Organisational health")),
    ("hr_admin", "perf_mgmt:health", _("Organisational health")),
    ("hr_admin", "perf_mgmt:succession", _("Succession")),
]

#: Entries that need more than their persona (e.g. HR admins limited to some units cannot import).
NAV_PERMISSIONS = {
    "perf_mgmt:org-import": "perf_mgmt.import_org",
    "perf_mgmt:appraisal-cycles": "perf_mgmt.view_appraisal_reports",
    # lane profiling
    "perf_mgmt:feedback-profiles": "perf_mgmt.manage_profiles",
}


def nav_context(request):
    """Template context of the shell: nav items, the current one, and the user's personas."""
    personas = api.personas(request.user)
    items, seen = [], set()
    for persona, url_name, label in NAV:
        required = NAV_PERMISSIONS.get(url_name)
        # A page shared by several personas (the gap audit) is listed once.
        if url_name not in seen and persona in personas and (required is None or api.can(request.user, required)):
            seen.add(url_name)
            url = reverse(url_name)
            items.append({"url": url, "label": label, "current": request.path == url})
    return {"nav_items": items, "personas": personas, "logout_url": settings.PERF_MGMT_LOGOUT_URL}
