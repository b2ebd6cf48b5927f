"""
The host's course pages: a course home that renders the course's XBlocks, their handler endpoint, enrollment;
and the course team's stand-in for Studio: each block's editor (``studio_view``) with its preview, OLX export of a
block and OLX import as a new block.

Access follows the LMS: signed-in users only; the course content and its handlers for enrolled learners and
course staff; others get the course home with an enroll button. Course staff may "view as a specific learner"
(:func:`masquerade`), after which the course page and its handlers run for that learner as the LMS's
``setup_masquerade`` makes them. The editor pages are for course staff only, as Studio is; the editor and its
preview call handlers through Studio's handler view (:func:`studio_xblock_handler`), with Studio's services.
"""

import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_POST
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey
from xblock.django.request import django_to_webob_request, webob_to_django_response
from xblock.exceptions import NoSuchHandlerError, NoSuchUsage

from lms_host import xblock_runtime
from perf_mgmt_plugin.openedx import EnrollmentRefused

from .backend import HostPlatformBackend
from .models import Course, CourseBlock, CourseEnrollment

log = logging.getLogger(__name__)

#: Session key of the "view as a specific learner" settings, ``{course id: username}`` (the LMS keeps its own
#: ``masquerade_settings`` in the session the same way).
MASQUERADE_SESSION_KEY = "host_masquerade"


def _course_or_404(course_id):
    try:
        key = CourseKey.from_string(course_id)
    except InvalidKeyError as exc:
        raise Http404("unknown course") from exc
    course = Course.objects.filter(id=key).first()
    if course is None:
        raise Http404("unknown course")
    return course


def _access(user, course):
    """(enrolled, staff) of ``user`` in ``course``."""
    enrolled = CourseEnrollment.objects.filter(user=user, course_id=course.id, is_active=True).exists()
    staff = HostPlatformBackend().is_course_staff(user, course.id)
    return enrolled, staff


def _staff_course_or_403(user, course_id):
    """The course, for its staff only (the editor pages are Studio's, which learners never reach)."""
    course = _course_or_404(course_id)
    if not HostPlatformBackend().is_course_staff(user, course.id):
        raise PermissionDenied
    return course


def _page_context(course, resources=None, **extra):
    """What every course page's template (``host_courses/base.html``) needs, with the workbench JS globals."""
    return {
        "course": course,
        "head_html": resources.head_html() if resources else "",
        "foot_html": resources.foot_html() if resources else "",
        "handler_base_url": xblock_runtime.handler_base_url(course.id),
        "perf_mgmt_url": "/perf-mgmt/",
        "logout_url": getattr(settings, "PERF_MGMT_LOGOUT_URL", "/logout/"),
        **extra,
    }


def setup_masquerade(request, course_key, staff):
    """
    The user the course's blocks run for, as the LMS's ``courseware.masquerade.setup_masquerade``: the learner that
    course staff chose to view as -- enrolled in the course, carrying ``real_user`` (the staff member, who stays
    ``request.user``) -- or ``request.user``. A choice that no longer holds (the learner left) is forgotten.
    """
    chosen = request.session.get(MASQUERADE_SESSION_KEY, {})
    username = chosen.get(str(course_key))
    if not username or not staff:
        return request.user
    enrollment = (
        CourseEnrollment.objects.filter(course_id=course_key, is_active=True, user__username=username)
        .select_related("user")
        .first()
    )
    if enrollment is None:
        chosen.pop(str(course_key), None)
        request.session[MASQUERADE_SESSION_KEY] = chosen
        return request.user
    learner = enrollment.user
    learner.real_user = request.user
    return learner


@login_required
@require_POST
def masquerade(request, course_id):
    """Course staff: view the course as the enrolled learner named ``username`` (empty: as yourself again)."""
    course = _staff_course_or_403(request.user, course_id)
    username = (request.POST.get("username") or "").strip()
    chosen = dict(request.session.get(MASQUERADE_SESSION_KEY, {}))
    if not username:
        chosen.pop(str(course.id), None)
    elif CourseEnrollment.objects.filter(course_id=course.id, is_active=True, user__username=username).exists():
        chosen[str(course.id)] = username
    else:
        messages.error(
            request, _("No learner with the username %(name)s is enrolled in this course.") % {"name": username}
        )
    request.session[MASQUERADE_SESSION_KEY] = chosen
    return redirect("host_course", course_id=str(course.id))


@login_required
@ensure_csrf_cookie
def course_home(request, course_id):
    """
    The course home with its XBlocks (``CourseBlock`` rows in order) rendered by the host's workbench runtime.

    The fragments are embedded in this page; the page defines the globals the workbench's JS runtime expects
    (``handlerBaseUrl``, ``studentId``) and sets the CSRF cookie the runtime's AJAX calls send back.
    """
    course = _course_or_404(course_id)
    enrolled, staff = _access(request.user, course)
    units, resources = [], None
    acting = setup_masquerade(request, course.id, staff)
    if enrolled or staff:
        blocks = list(CourseBlock.objects.filter(course_id=course.id).order_by("order", "id"))
        units, resources = xblock_runtime.render_course_blocks(blocks, acting, course.id)
    context = _page_context(
        course,
        resources,
        enrolled=enrolled,
        is_course_staff=staff,
        units=units,
        viewing_as=acting if acting is not request.user else None,
    )
    return render(request, "host_courses/course_home.html", context)


@login_required
def xblock_handler(request, course_id, usage_id, handler, suffix=""):
    """
    Call an XBlock handler of this course as the signed-in user (``?student=`` is ignored).

    The usage must belong to one of the course's blocks, so a handler cannot reach another course's state. CSRF
    is checked by Django's middleware as for any POST in the LMS.
    """
    course = _course_or_404(course_id)
    enrolled, staff = _access(request.user, course)
    if not (enrolled or staff):
        raise PermissionDenied
    _block_of_course_or_404(course, usage_id)
    runtime = xblock_runtime.HostRuntime(course.id, setup_masquerade(request, course.id, staff))
    return _handle(runtime, request, usage_id, handler, suffix)


def _block_of_course_or_404(course, usage_id):
    blocks = CourseBlock.objects.filter(course_id=course.id).only("id", "course_id")
    if xblock_runtime.course_block_for_usage(blocks, usage_id) is None or not xblock_runtime.is_parsed_usage(usage_id):
        raise Http404("no such block in this course")


def _handle(runtime, request, usage_id, handler, suffix):
    try:
        block = runtime.get_block(usage_id)
        response = runtime.handle(block, handler, django_to_webob_request(request), suffix)
    except (NoSuchUsage, NoSuchHandlerError) as exc:
        raise Http404(str(exc)) from exc
    return webob_to_django_response(response)


@login_required
def studio_xblock_handler(request, course_id, usage_id, handler, suffix=""):
    """
    Studio's handler view (``component_handler``/``preview_handler``) for the editor pages: the block runs in the
    Studio runtime (``user`` service with both staff flags False, ``studio_user_permissions``), for anyone signed
    in, and -- as ``component_handler`` -- what the handler changed is kept only for the course team (write access):
    for anyone else it is rolled back, whatever the block answered.
    """
    course = _course_or_404(course_id)
    _block_of_course_or_404(course, usage_id)
    runtime = xblock_runtime.HostStudioRuntime(course.id, request.user)
    with transaction.atomic():
        response = _handle(runtime, request, usage_id, handler, suffix)
        if not HostPlatformBackend().is_course_staff(request.user, course.id):
            log.warning("%s has no write access to %s: %s not stored", request.user.pk, course.id, handler)
            transaction.set_rollback(True)
    return response


@login_required
@require_POST
def enroll(request, course_id):
    """Enroll the signed-in user (the LMS's enroll button), then back to the course home."""
    course = _course_or_404(course_id)
    try:
        HostPlatformBackend().enroll(request.user, course.id)
    except EnrollmentRefused as exc:  # closed, invitation only, full...: said on the course home, as the LMS does
        messages.error(request, str(exc)[:1].upper() + str(exc)[1:])
    return redirect("host_course", course_id=str(course.id))


class ImportOlxForm(forms.Form):
    """One component's OLX file (what the export gives) and the heading of its unit."""

    olx = forms.FileField(label=_("OLX file"), help_text=_("An .xml file with one component, as the export gives."))
    display_name = forms.CharField(
        label=_("Unit heading"),
        required=False,
        max_length=255,
        help_text=_("Shown above the component on the course page; the component's own name if left empty."),
    )


@login_required
@ensure_csrf_cookie
def course_studio(request, course_id):
    """
    The course team's list of the course's components, each with its editor and OLX export, and an OLX import
    that adds a component at the end of the course (Studio's course outline and import, for one component).
    """
    course = _staff_course_or_403(request.user, course_id)
    form = ImportOlxForm()
    if request.method == "POST":
        form = ImportOlxForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                course_block = xblock_runtime.import_course_block(
                    course.id,
                    form.cleaned_data["olx"].read(xblock_runtime.MAX_OLX_BYTES + 1),
                    form.cleaned_data["display_name"],
                )
            except xblock_runtime.OlxError as exc:
                form.add_error("olx", str(exc))
            else:
                return redirect("host_course_block_editor", course_id=str(course.id), block_id=course_block.pk)
    blocks = CourseBlock.objects.filter(course_id=course.id).order_by("order", "id")
    return render(request, "host_courses/course_studio.html", _page_context(course, blocks=blocks, form=form))


@login_required
@ensure_csrf_cookie
def block_editor(request, course_id, block_id):
    """
    A component's editor (its ``studio_view``) and preview, for the course team, with the workbench JS runtime
    as on the course page; the editor saves through the course's handler view.
    """
    course = _staff_course_or_403(request.user, course_id)
    course_block = get_object_or_404(CourseBlock, pk=block_id, course_id=course.id)
    editor_html, preview_html, resources = xblock_runtime.render_editor(course_block, request.user, course.id)
    context = _page_context(
        course, resources, course_block=course_block, editor_html=editor_html, preview_html=preview_html
    )
    context["handler_base_url"] = xblock_runtime.handler_base_url(course.id, studio=True)
    return render(request, "host_courses/block_editor.html", context)


@login_required
def block_olx(request, course_id, block_id):
    """A component's OLX as it is now (with the editor's changes), as a file to download, for the course team."""
    course = _staff_course_or_403(request.user, course_id)
    course_block = get_object_or_404(CourseBlock, pk=block_id, course_id=course.id)
    olx = xblock_runtime.export_olx(course_block)
    response = HttpResponse(olx, content_type="application/xml; charset=utf-8")
    block_type = str(course_block.usage_id).split(".")[1]
    response["Content-Disposition"] = f'attachment; filename="{block_type}-{course_block.pk}.xml"'
    return response
