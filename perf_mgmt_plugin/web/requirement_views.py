"""
HR's pages for position requirements (beside the REST API): the positions an HR admin may edit, and one
position's requirement set -- every active competency with a level (or none) and a criticality -- filled by hand,
copied from another position or imported from CSV, always previewed (gaps opened and closed among the people
holding the position) before the save, which states the set's version.

Thin adapters over ``competencies.requirement_sets``; access is ``perf_mgmt.hr_admin`` for the list and
``perf_mgmt.manage_position_requirements`` per position (a position out of a scoped HR admin's units is a 404,
as one that does not exist). Constant queries per page, whatever the number of holders.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from ..competencies import requirement_sets
from ..competencies.errors import CompetencyError
from ..core.access import can
from ..core.versioning import EditConflict, as_version
from ..org.models import Employee, Position
from .access import page_requires
from .views import _render


@page_requires("perf_mgmt.hr_admin")
def position_list(request):
    """The positions whose requirements the HR admin may edit, with their holders and requirement counts."""
    from django.db.models import Count, Q  # pylint: disable=import-outside-toplevel

    positions = requirement_sets.positions_in_scope(request.user).annotate(
        people_count=Count("holders", filter=Q(holders__active=True), distinct=True),
        required_count=Count("competency_requirements", distinct=True),
    )
    return _render(
        request, "perf_mgmt/requirements_positions.html", {"positions": positions}, _("Position requirements")
    )


def _position_or_404(user, pk):
    position = requirement_sets.positions_in_scope(user).filter(pk=pk).first()
    if position is None or not can(user, "perf_mgmt.manage_position_requirements", position):
        raise Http404(_("No such position."))
    return position


@page_requires("perf_mgmt.hr_admin")
def position_requirements(request, pk):  # noqa: C901  (one page, four actions)
    """
    GET: the editor with the saved set (``?copy_from=<position>`` fills it with another position's set and
    previews). POST ``action``: ``preview`` (the form), ``import`` (a CSV file), ``save`` (the previewed form, with
    its ``version``). Errors re-show the form with the input kept.
    """
    position = _position_or_404(request.user, pk)
    competencies = requirement_sets.editable_competencies()
    saved = requirement_sets.current_set(position, competencies)
    proposal, result, errors, source, status = saved, None, [], "", 200
    version = requirement_sets.version_of(position)
    if request.method == "GET" and request.GET.get("format") == "csv":
        response = HttpResponse(requirement_sets.to_csv(position, competencies), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="requirements-{position.code}.csv"'
        return response
    if request.method == "GET" and request.GET.get("copy_from"):
        copy_from = request.GET["copy_from"]
        other = Position.objects.filter(pk=int(copy_from), active=True).first() if copy_from.isdigit() else None
        if other is None:
            errors.append(_("Choose a position to copy from."))
        else:
            proposal = requirement_sets.current_set(other, competencies)
            source = _("Copied from %(title)s: not saved yet.") % {"title": other.title}
            result = requirement_sets.preview(position, proposal, competencies)
    elif request.method == "POST":
        action = request.POST.get("action")
        posted_version = request.POST.get("version")
        try:
            version = as_version(posted_version)
        except EditConflict:  # unreadable: shown as the current one, and a save with it is a conflict
            version = requirement_sets.version_of(position)
        if action == "import":
            upload = request.FILES.get("file")
            try:
                if upload is None:
                    raise CompetencyError(_("Choose a CSV file."))
                proposal = requirement_sets.from_csv(upload, competencies)
            except CompetencyError as exc:
                errors.append(str(exc))
                proposal = saved
            else:
                source = _("Imported from %(name)s: not saved yet.") % {"name": upload.name}
                result = requirement_sets.preview(position, proposal, competencies)
        elif action in ("preview", "save"):
            proposal, errors = requirement_sets.from_form(request.POST, competencies)
            if not errors and action == "preview":
                result = requirement_sets.preview(position, proposal, competencies)
            elif not errors:
                try:
                    applied = requirement_sets.save(request.user, position, proposal, competencies, posted_version)
                except EditConflict as exc:
                    errors.append(str(exc))
                    status = 409
                    result = requirement_sets.preview(position, proposal, competencies)
                    version = requirement_sets.version_of(position)
                else:
                    if applied.changed:
                        messages.success(
                            request,
                            _(
                                "The requirements of %(title)s are saved: %(opened)s gap(s) opened, %(closed)s closed "
                                "among %(holders)s people."
                            )
                            % {
                                "title": position.title,
                                "opened": applied.opened,
                                "closed": applied.closed,
                                "holders": applied.holders,
                            },
                        )
                    else:
                        messages.info(request, _("Nothing changed: these are the saved requirements."))
                    return redirect("perf_mgmt:position-requirements", pk=position.pk)
        else:
            errors.append(_("Unknown action."))
    rows = [
        {
            "competency": c,
            "level": (proposal.get(c.pk) or (None, "medium"))[0],
            "criticality": (proposal.get(c.pk) or (None, "medium"))[1],
            "saved": saved.get(c.pk),
        }
        for c in competencies
    ]
    # Any active position's set may be copied (requirements are readable by every signed-in user, as in REST).
    others = Position.objects.filter(active=True).exclude(pk=position.pk).order_by("title", "code")
    context = {
        "position": position,
        "rows": rows,
        "version": version,
        "preview": result,
        "errors": errors,
        "source": source,
        "others": others,
        "holders": Employee.objects.filter(position=position, active=True).count(),
        "criticalities": requirement_sets.CRITICALITIES.items(),
        "csv_header": ",".join(requirement_sets.CSV_HEADER),
    }
    if errors and request.method == "POST" and status == 200:
        status = 400
    title = _("Requirements of %(title)s") % {"title": position.title}
    return _render(request, "perf_mgmt/requirements_edit.html", context, title, status=status)
