"""
The host's XBlock runtime: course pages render XBlocks for the signed-in user, with the LMS's user service.

These go through the Django test client and the real workbench runtime, field store and handler plumbing; the
only test-only part is the XBlock (tests/host/echo_block.py), registered for each test that needs it.
"""

import html
import json
import re

import crum
import pytest
from completion.models import BlockCompletion
from django.test import Client
from waffle.testutils import override_switch
from workbench.runtime import WorkbenchRuntime
from xblock.exceptions import NoSuchUsage
from xblock.reference.user_service import XBlockUser

from lms_host import xblock_runtime
from lms_host.courses.models import Course, CourseAccessRole, CourseBlock, CourseEnrollment
from lms_host.xblock_services import HostUserService

from .echo_block import with_echo_block

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("org_once"),
]


def course_url(course_key):
    return f"/courses/{course_key}/"


def spans(page, testid):
    """Texts of every ``<span data-testid=...>`` on ``page``, unescaped."""
    return [html.unescape(text) for text in re.findall(rf'data-testid="{testid}">([^<]*)<', page)]


def get_page(client, course_key):
    response = client.get(course_url(course_key))
    assert response.status_code == 200
    return response.content.decode()


def post_json(client, url, payload, **extra):
    return client.post(url, data=json.dumps(payload), content_type="application/json", **extra)


@with_echo_block
def test_course_page_renders_blocks_for_the_signed_in_user(client, org, add_block, enroll):
    alice = org.alice.user
    enroll(alice)
    add_block("<host_echo/>", order=2, display_name="Second")
    add_block("<html_demo><p>Welcome to the course</p></html_demo>", order=1, display_name="First")
    client.force_login(alice)

    page = get_page(client, org.course_key)

    assert spans(page, "echo-user-id") == [str(alice.pk)]
    assert spans(page, "echo-username") == ["alice"]
    assert spans(page, "echo-staff") == ["False"]
    assert spans(page, "echo-role") == ["student"]
    # The LMS's way of finding the course works here: scope_ids.usage_id.context_key, and course_id.
    assert spans(page, "echo-course") == [str(org.course_key)]
    assert spans(page, "echo-course-id") == [str(org.course_key)]
    # In order, each block wrapped by the workbench runtime, with its JS runtime and our handler base URL.
    assert page.index("Welcome to the course") < page.index("host-echo")
    assert page.index(">First<") < page.index(">Second<")
    assert "data-init='HostEchoBlock'" in page
    assert "/static/workbench/js/runtime/1.js" in page
    assert "var handlerBaseUrl" in page
    (handler_url,) = spans(page, "echo-handler-url")
    assert re.fullmatch(
        rf"/courses/{re.escape(str(org.course_key))}/xblock/cb\d+\.host_echo\.d0\.u0/record/", handler_url
    )


@with_echo_block
def test_course_staff_see_the_blocks_as_staff_without_enrolling(client, org, add_block):
    add_block("<host_echo/>")
    client.force_login(org.staff)

    page = get_page(client, org.course_key)

    assert spans(page, "echo-username") == ["coursestaff"]
    assert spans(page, "echo-staff") == ["True"]
    assert spans(page, "echo-role") == ["staff"]


@with_echo_block
def test_handler_records_for_the_signed_in_user_and_needs_csrf(org, add_block, enroll):
    alice = org.alice.user
    enroll(alice)
    add_block("<host_echo/>")
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    page = get_page(client, org.course_key)
    (handler_url,) = spans(page, "echo-handler-url")
    token = client.cookies["csrftoken"].value  # set by the course page (ensure_csrf_cookie)

    assert post_json(client, handler_url, {"value": "no token"}).status_code == 403

    response = post_json(client, handler_url, {"value": "applied it at work"}, HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 200
    assert response.json() == {"recorded": "applied it at work", "user_id": alice.pk, "username": "alice"}
    assert spans(get_page(client, org.course_key), "echo-recorded") == ["applied it at work"]


@with_echo_block
def test_a_completion_event_is_stored_as_the_users_block_completion(org, add_block, enroll):
    """As in the LMS, a block's ``completion`` event becomes an edx-completion ``BlockCompletion`` row."""
    alice = org.alice.user
    enroll(alice)
    add_block("<host_echo/>")
    client = Client()
    client.force_login(alice)
    (handler_url,) = spans(get_page(client, org.course_key), "echo-handler-url")
    assert post_json(client, handler_url, {"value": "x"}).status_code == 200
    assert not BlockCompletion.objects.exists()
    for _ in range(2):  # repeated events update the one row
        assert post_json(client, handler_url, {"value": "x", "complete": True}).status_code == 200
    (row,) = BlockCompletion.objects.all()
    assert (row.user, row.context_key, row.block_type, row.completion) == (alice, org.course_key, "host_echo", 1.0)
    assert row.block_key.course_key == org.course_key and row.block_key.block_id.endswith(".u0")


@with_echo_block
def test_with_completion_tracking_off_a_completion_event_stores_nothing(org, add_block, enroll):
    """Like the LMS's handler, the host stores nothing (and does not fail) while edx-completion's switch is off."""
    enroll(org.alice.user)
    add_block("<host_echo/>")
    client = Client()
    client.force_login(org.alice.user)
    (handler_url,) = spans(get_page(client, org.course_key), "echo-handler-url")
    with override_switch("completion.enable_completion_tracking", active=False):
        assert post_json(client, handler_url, {"value": "x", "complete": True}).status_code == 200
    assert not BlockCompletion.objects.exists()


@with_echo_block
def test_state_is_per_user_and_student_parameter_is_ignored(client, org, add_block, enroll):
    alice, bob = org.alice.user, org.bob.user
    enroll(alice)
    enroll(bob)
    add_block("<host_echo/>")
    client.force_login(alice)
    (handler_url,) = spans(get_page(client, org.course_key), "echo-handler-url")
    post_json(client, handler_url, {"value": "alice's"})

    client.force_login(bob)
    assert spans(get_page(client, org.course_key), "echo-recorded") == [""]
    # The workbench would take ?student= as the user; the host takes the session's user.
    response = post_json(client, f"{handler_url}?student={alice.pk}", {"value": "bob's"})
    assert response.json()["username"] == "bob"

    client.force_login(alice)
    assert spans(get_page(client, org.course_key), "echo-recorded") == ["alice's"]


@with_echo_block
def test_handler_only_reaches_parsed_blocks_of_its_own_course(client, org, add_block, enroll):
    other_key = "course-v1:DemoOrg+OTHER+2026"
    Course.objects.create(id=other_key, display_name="Other")
    alice = org.alice.user
    enroll(alice)
    CourseEnrollment.objects.create(user=alice, course_id=other_key)
    block = add_block("<host_echo/>")
    client.force_login(alice)
    get_page(client, org.course_key)
    block.refresh_from_db()

    # The block's own course: fine. Another course, a made-up id in the block's tree, a malformed id: 404.
    own = f"/courses/{org.course_key}/xblock/{block.usage_id}/record/"
    assert post_json(client, own, {"value": "x"}).status_code == 200
    assert post_json(client, f"/courses/{other_key}/xblock/{block.usage_id}/record/", {}).status_code == 404
    made_up = f"cb{block.pk}.html_demo.d7.u0"
    assert post_json(client, f"/courses/{org.course_key}/xblock/{made_up}/record/", {}).status_code == 404
    assert post_json(client, f"/courses/{org.course_key}/xblock/not-an-id/record/", {}).status_code == 404
    assert post_json(client, f"/courses/{org.course_key}/xblock/{block.usage_id}/student_view/", {}).status_code == (
        404
    )


@with_echo_block
def test_outsiders_get_an_enroll_button_and_no_handlers(client, org, add_block):
    block = add_block("<host_echo/>")
    client.force_login(org.outsider)

    page = get_page(client, org.course_key)
    assert "host-echo" not in page
    assert "Enroll now" in page
    xblock_runtime.ensure_parsed(block)
    assert post_json(client, f"/courses/{org.course_key}/xblock/{block.usage_id}/record/", {}).status_code == 403

    response = client.post(f"/courses/{org.course_key}/enroll/")
    assert response.status_code == 302
    assert spans(get_page(client, org.course_key), "echo-username") == ["outsider"]


def test_course_page_needs_sign_in(client, org):
    response = client.get(course_url(org.course_key))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_unknown_block_type_shows_a_notice_not_an_error_page(client, org, add_block, enroll):
    enroll(org.alice.user)
    add_block("<no_such_xblock_type/>", display_name="Broken")
    add_block("<html_demo><p>Still here</p></html_demo>", order=1)
    client.force_login(org.alice.user)

    page = get_page(client, org.course_key)

    assert "This component cannot be shown" in page
    assert "Still here" in page


@with_echo_block
def test_edited_olx_is_reparsed_with_the_same_ids_and_state_kept(client, org, add_block, enroll):
    alice = org.alice.user
    enroll(alice)
    block = add_block("<vertical_demo><host_echo/><host_echo/></vertical_demo>")
    client.force_login(alice)
    second = spans(get_page(client, org.course_key), "echo-handler-url")[1]
    post_json(client, second, {"value": "kept"})

    block.olx = "<vertical_demo><host_echo/><host_echo/><host_echo/></vertical_demo>"
    block.save()
    page = get_page(client, org.course_key)

    # Three children, not five (no children appended twice); the second one still has alice's value.
    assert spans(page, "echo-recorded") == ["", "kept", ""]
    assert spans(page, "echo-handler-url")[1] == second
    block.refresh_from_db()
    runtime = xblock_runtime.HostRuntime(org.course_key, alice)
    assert len(runtime.get_block(block.usage_id).children) == 3


def test_ids_are_read_back_from_the_string_alone(org):
    ids = xblock_runtime.HostIdManager(org.course_key, scenario="cb9")
    def_id = ids.create_definition("vertical_demo")
    usage_id = ids.create_usage(def_id)

    reader = xblock_runtime.HostIdManager(org.course_key)  # a fresh one, as in another process
    assert usage_id == "cb9.vertical_demo.d0.u0"
    assert usage_id.context_key == org.course_key
    assert reader.get_definition_id(usage_id) == def_id
    assert reader.get_block_type(def_id) == "vertical_demo"
    aside_def, aside_usage = reader.create_aside(def_id, usage_id, "an_aside")
    assert reader.get_usage_id_from_aside(aside_usage) == usage_id
    assert reader.get_aside_type_from_usage(aside_usage) == "an_aside"
    assert reader.get_definition_id_from_aside(aside_def) == def_id
    with pytest.raises(NoSuchUsage):
        reader.get_definition_id("../etc")
    with pytest.raises(ValueError, match="scenario"):
        reader.create_definition("html_demo")


def test_user_service_without_a_runtime_user_uses_the_request_user(org):
    """The workbench's own pages build services with no arguments: the signed-in request user is used."""
    runtime = WorkbenchRuntime("student_1")
    service = runtime._services["user"]  # pylint: disable=protected-access
    assert isinstance(service, HostUserService)

    with crum.impersonate(org.hr):
        attrs = service.get_current_user().opt_attrs
    assert attrs["edx-platform.user_id"] == org.hr.pk
    assert attrs["edx-platform.username"] == "hr"
    assert attrs["edx-platform.user_is_staff"] is False
    assert attrs["edx-platform.is_authenticated"] is True

    anonymous = service.get_current_user()
    assert isinstance(anonymous, XBlockUser)
    assert anonymous.opt_attrs == {"edx-platform.is_authenticated": False, "edx-platform.request_country_code": None}


def test_user_service_course_roles(org):
    instructor = org.bob.user
    CourseAccessRole.objects.create(user=instructor, course_id=org.course_key, role="instructor", org="DemoOrg")

    def attrs(user, course_key=org.course_key):
        return HostUserService(django_user=user, course_key=course_key).get_current_user().opt_attrs

    assert attrs(instructor)["edx-platform.user_role"] == "instructor"
    assert attrs(instructor)["edx-platform.user_is_staff"] is True
    assert attrs(org.staff)["edx-platform.user_role"] == "staff"
    assert attrs(org.alice.user)["edx-platform.user_role"] == "student"
    # Course roles count only in their course; the anonymous id differs per course and is stable.
    assert attrs(org.staff, "course-v1:DemoOrg+OTHER+2026")["edx-platform.user_is_staff"] is False
    assert (
        attrs(org.alice.user)["edx-platform.anonymous_user_id"]
        == attrs(org.alice.user)["edx-platform.anonymous_user_id"]
    )
    assert (
        attrs(org.alice.user)["edx-platform.anonymous_user_id"]
        != attrs(org.alice.user, "course-v1:DemoOrg+OTHER+2026")["edx-platform.anonymous_user_id"]
    )


def test_course_block_model_orders_and_describes(org):
    block = CourseBlock.objects.create(course_id=org.course_key, order=3, display_name="Check-in", olx="<x/>")
    assert str(block) == f"{org.course_key} #3 Check-in"


def test_course_blocks_are_editable_in_the_admin(admin_client, org):
    response = admin_client.post(
        "/admin/host_courses/courseblock/add/",
        {"course_id": str(org.course_key), "order": 1, "display_name": "Intro", "olx": "<html_demo>Hi</html_demo>"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert CourseBlock.objects.get(display_name="Intro").course_id == org.course_key
    assert admin_client.get("/admin/host_courses/courseblock/").status_code == 200
