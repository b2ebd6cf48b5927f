"""
Pages of blended modules (issue 13): the manager's "Observations" page -- whose guide steps await their
observation (confirm what they saw, or give feedback) and who in the team applies which module -- and the counted
download of a job aid (an access check, a count per learner, then the file or the link).

Thin adapters over ``blended.api``; permissions from the blended rules; constant query counts.
"""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from ..blended import api as blended
from ..core.access import AccessDenied
from ..core.idempotency import IdempotencyError
from ..core.versioning import EditConflict
from ..openedx import get_backend
from .access import page_requires
from .views import _page, _render


@page_requires("perf_mgmt.view_team")
def observations(request):
    """Steps of the team's implementation guides awaiting the manager's observation; who applies which module."""
    if request.method == "POST":
        application = blended.get_application_for_observer(request.user, request.POST.get("application"))
        if application is None:
            raise Http404
        confirmed = request.POST.get("action") == "confirm"
        try:
            blended.observe(
                request.user,
                application,
                confirmed=confirmed,
                comment=request.POST.get("comment", ""),
                version=request.POST.get("version"),
                idempotency_key=request.POST.get("idempotency_key", ""),
            )
        except (blended.BlendedError, EditConflict, IdempotencyError) as exc:
            messages.error(request, str(exc))
        except AccessDenied:
            messages.error(request, _("You may not do that."))
        else:
            messages.success(
                request,
                _("Observation confirmed: %(name)s sees it in the guide.") % {"name": application.person.display_name}
                if confirmed
                else _("Feedback sent: %(name)s sees it in the guide.") % {"name": application.person.display_name},
            )
        return redirect(reverse("perf_mgmt:observations"))
    page = _page(request, blended.observation_queue(request.user))
    applying = blended.team_applications(request.user)
    # The modules' names, from the platform in one batch for the page's rows and the team's modules.
    infos = get_backend().get_courses({row.course_key for row in page} | {row["course_key"] for row in applying})
    for row in page:
        row.module_name = infos[row.course_key].display_name if row.course_key in infos else str(row.course_key)
    for row in applying:
        key = row["course_key"]
        row["module_name"] = infos[key].display_name if key in infos else str(key)
    return _render(
        request, "perf_mgmt/blended_observations.html", {"page": page, "applying": applying}, _("Observations")
    )


@page_requires()
def job_aid_download(request, pk):
    """Count the download, then serve the job aid's file or redirect to its link (a course asset or https)."""
    try:
        aid = blended.download_job_aid(request.user, pk)
    except AccessDenied:
        aid = None
    if aid is None:
        raise Http404
    if aid.file:
        return FileResponse(aid.file.open("rb"), as_attachment=True, filename=aid.file.name.rsplit("/", 1)[-1])
    url = aid.url or ""
    # A course asset of this LMS (``/asset-v1:...``) or an https link; nothing else is followed.
    if (url.startswith("/") and not url.startswith("//")) or url.startswith("https://"):
        return HttpResponseRedirect(url)
    raise Http404
