"""
The host's course pages: a course home that renders the course's XBlocks, their handler endpoint, enrollment.

Access follows the LMS: signed-in users only; the course content and its handlers for enrolled learners and
course staff; others get the course home with an enroll button.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_POST
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey
from xblock.django.request import django_to_webob_request, webob_to_django_response
from xblock.exceptions import NoSuchHandlerError, NoSuchUsage

from lms_host import xblock_runtime

from .backend import HostPlatformBackend
from .models import Course, CourseBlock, CourseEnrollment


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
    if enrolled or staff:
        blocks = list(CourseBlock.objects.filter(course_id=course.id).order_by("order", "id"))
        units, resources = xblock_runtime.render_course_blocks(blocks, request.user, course.id)
    context = {
        "course": course,
        "enrolled": enrolled,
        "is_course_staff": staff,
        "units": units,
        "head_html": resources.head_html() if resources else "",
        "foot_html": resources.foot_html() if resources else "",
        "handler_base_url": xblock_runtime.handler_base_url(course.id),
        "perf_mgmt_url": "/perf-mgmt/",
        "logout_url": getattr(settings, "PERF_MGMT_LOGOUT_URL", "/logout/"),
    }
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
    blocks = CourseBlock.objects.filter(course_id=course.id).only("id", "course_id")
    if xblock_runtime.course_block_for_usage(blocks, usage_id) is None or not xblock_runtime.is_parsed_usage(usage_id):
        raise Http404("no such block in this course")
    runtime = xblock_runtime.HostRuntime(course.id, request.user)
    try:
        block = runtime.get_block(usage_id)
        response = runtime.handle(block, handler, django_to_webob_request(request), suffix)
    except (NoSuchUsage, NoSuchHandlerError) as exc:
        raise Http404(str(exc)) from exc
    return webob_to_django_response(response)


@login_required
@require_POST
def enroll(request, course_id):
    """Enroll the signed-in user (the LMS's enroll button), then back to the course home."""
    course = _course_or_404(course_id)
    HostPlatformBackend().enroll(request.user, course.id)
    return redirect("host_course", course_id=str(course.id))
