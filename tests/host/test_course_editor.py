"""
The host's stand-in for Studio: a course team member's list of components, a component's editor page, OLX export
of a component as it is now and OLX import as a new component -- staff only, through the Django test client.
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from lxml import etree

from lms_host import xblock_runtime
from lms_host.courses.models import CourseBlock

from .echo_block import with_echo_block

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("org_once"),
]

HTML_OLX = "<html_demo><p>Welcome to the course</p></html_demo>"


def urls(org, course_block):
    base = f"/courses/{org.course_key}/studio/"
    return [base, f"{base}{course_block.pk}/", f"{base}{course_block.pk}/olx/"]


def upload(client, org, content, display_name="", name="component.xml"):
    return client.post(
        f"/courses/{org.course_key}/studio/",
        {"olx": SimpleUploadedFile(name, content, content_type="application/xml"), "display_name": display_name},
    )


def test_only_course_staff_reach_the_editor_pages(client, org, add_block, enroll):
    course_block = add_block(HTML_OLX, display_name="Welcome")
    enroll(org.alice.user)
    for url in urls(org, course_block):
        client.logout()
        assert client.get(url).status_code == 302  # to the login page
        for user in (org.alice.user, org.outsider):
            client.force_login(user)
            assert client.get(url).status_code == 403, (user, url)
        client.force_login(org.staff)
        assert client.get(url).status_code == 200, url
    client.force_login(org.alice.user)
    assert upload(client, org, HTML_OLX.encode()).status_code == 403
    assert CourseBlock.objects.count() == 1


def test_course_page_links_to_the_editors_for_staff_only(client, org, add_block, enroll):
    course_block = add_block(HTML_OLX, display_name="Welcome")
    enroll(org.alice.user)
    editor = f"/courses/{org.course_key}/studio/{course_block.pk}/"

    client.force_login(org.alice.user)
    assert editor not in client.get(f"/courses/{org.course_key}/").content.decode()
    client.force_login(org.staff)
    page = client.get(f"/courses/{org.course_key}/").content.decode()
    assert f'<a href="{editor}">Edit Welcome</a>' in page
    assert f'href="/courses/{org.course_key}/studio/"' in page


def test_a_block_of_another_course_is_not_found(client, org, add_block):
    other = add_block(HTML_OLX, course_key="course-v1:Other+X+1")
    client.force_login(org.staff)
    for url in urls(org, other)[1:]:
        assert client.get(url).status_code == 404


def test_a_component_without_editor_shows_its_preview(client, org, add_block):
    course_block = add_block(HTML_OLX, display_name="Welcome")
    client.force_login(org.staff)

    page = client.get(urls(org, course_block)[1]).content.decode()

    assert "This component has no editor" in page
    assert "Welcome to the course" in page


@with_echo_block
def test_export_then_import_makes_an_equal_component_at_the_end(client, org, add_block):
    add_block("<host_echo/>", order=3)
    course_block = add_block(HTML_OLX, order=1, display_name="Welcome")
    client.force_login(org.staff)

    response = client.get(urls(org, course_block)[2])
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="html_demo-{course_block.pk}.xml"'
    exported = response.content
    assert etree.fromstring(exported).tag == "html_demo"

    response = upload(client, org, exported, display_name="Welcome again")

    new = CourseBlock.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == f"/courses/{org.course_key}/studio/{new.pk}/"
    assert (new.course_id, new.order, new.display_name) == (org.course_key, 4, "Welcome again")
    assert new.usage_id.startswith(f"cb{new.pk}.html_demo.")  # parsed on import
    assert "<?xml" not in new.olx
    assert "Welcome to the course" in client.get(f"/courses/{org.course_key}/studio/{new.pk}/").content.decode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html_demo><p>unclosed</html_demo>", "The file is not well-formed XML"),
        (b"<no_such_block_type/>", "This LMS has no XBlock of type &#x27;no_such_block_type&#x27;."),
        # An external entity is neither read nor kept: the component would name an undefined entity.
        (b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><html_demo>&e;</html_demo>', "The OLX cannot be"),
    ],
)
def test_an_olx_that_cannot_work_is_refused_whole(client, org, content, message):
    client.force_login(org.staff)

    response = upload(client, org, content)

    assert response.status_code == 200
    page = response.content.decode()
    assert "root:" not in page
    assert message in page
    assert re.search(r'id="id_olx" [^>]*aria-invalid="true"', page)
    assert not CourseBlock.objects.exists()
    assert not xblock_runtime.XBlockState.objects.exists()


def test_a_file_too_large_is_refused(client, org):
    client.force_login(org.staff)
    big = b"<html_demo><p>" + b"x" * xblock_runtime.MAX_OLX_BYTES + b"</p></html_demo>"

    response = upload(client, org, big)

    assert "The file is larger than 1,000,000 bytes." in response.content.decode()
    assert not CourseBlock.objects.exists()
