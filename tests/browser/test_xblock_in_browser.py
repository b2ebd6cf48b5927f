"""
An XBlock on a course page in a real browser: rendered by the host's workbench runtime for the signed-in user,
its JavaScript initialised by the workbench JS runtime, and its handler called by a click -- which only works if
the page's CSRF cookie reaches the handler as the X-CSRFToken header.
"""

import pytest

from lms_host.courses.models import CourseBlock, CourseEnrollment
from tests.host.echo_block import with_echo_block

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@with_echo_block
def test_xblock_handler_called_from_the_course_page(org, page, sign_in, screenshot):
    alice = org.alice.user
    CourseEnrollment.objects.create(user=alice, course_id=org.course_key)
    CourseBlock.objects.create(
        course_id=org.course_key, order=1, display_name="Applying it at work", olx="<host_echo/>"
    )
    course_path = f"/courses/{org.course_key}/"
    handler_calls = []
    page.on(
        "request",
        lambda request: handler_calls.append(request.headers) if "/xblock/" in request.url else None,
    )
    sign_in(page, "alice", next_path=course_path)

    block = page.locator(".host-echo")
    assert block.get_by_test_id("echo-user-id").inner_text() == str(alice.pk)
    assert block.get_by_test_id("echo-username").inner_text() == "alice"

    block.get_by_label("Value").fill("ran the retro with the new format")
    block.get_by_role("button", name="Record").click()

    status = block.get_by_test_id("echo-status")
    status.filter(has_text="saved").or_(status.filter(has_text="error")).wait_for()
    assert status.inner_text() == "saved by alice"
    assert len(handler_calls) == 1
    cookies = {cookie["name"]: cookie["value"] for cookie in page.context.cookies()}
    assert handler_calls[0]["x-csrftoken"] == cookies["csrftoken"]
    screenshot(page, "xblock-course-page")

    page.reload()
    assert (
        page.locator(".host-echo").get_by_test_id("echo-recorded").inner_text() == "ran the retro with the new format"
    )
    assert page.js_errors == []
