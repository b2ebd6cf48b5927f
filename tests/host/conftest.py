"""Fixtures of the host tests: course blocks (OLX) in the ``org`` fixture's course."""

import pytest

from lms_host.courses.models import CourseBlock, CourseEnrollment


@pytest.fixture
def add_block(org):
    """``add_block(olx, order=0, display_name="", course_key=org.course_key)`` -> a saved CourseBlock."""

    def factory(olx, order=0, display_name="", course_key=None):
        return CourseBlock.objects.create(
            course_id=course_key or org.course_key, order=order, display_name=display_name, olx=olx
        )

    return factory


@pytest.fixture
def enroll(org):
    """``enroll(user)`` in the ``org`` fixture's course."""

    def factory(user, course_key=None):
        return CourseEnrollment.objects.create(user=user, course_id=course_key or org.course_key)

    return factory
