"""The host's course home: what a learner sees of a course here (the XBlocks render through the workbench)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from .models import Course, CourseEnrollment


@login_required
def course_home(request, course_id):
    try:
        key = CourseKey.from_string(course_id)
    except InvalidKeyError as exc:
        raise Http404("unknown course") from exc
    course = Course.objects.filter(id=key).first()
    if course is None:
        raise Http404("unknown course")
    enrolled = CourseEnrollment.objects.filter(user=request.user, course_id=key, is_active=True).exists()
    return render(request, "host_courses/course_home.html", {"course": course, "enrolled": enrolled})
