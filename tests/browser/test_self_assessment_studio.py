"""
The self-assessment XBlock's Studio side in headless Chromium, on the host's course-team pages: a member of the
course team configures a new component in its editor (studio_view) with the keyboard only, sees the learner view
change, exports the component's OLX, imports that file as a new component, and finds the same configuration in
the new component's editor and in what learners see.
"""

from pathlib import Path

import pytest

from lms_host import xblock_runtime
from lms_host.courses.models import CourseBlock, CourseEnrollment
from perf_mgmt_plugin.competencies import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def focused(page, selector):
    return page.evaluate("(sel) => !!document.activeElement && document.activeElement.matches(sel)", selector)


def tab_to(page, selector, key="Tab", limit=60):
    """Press ``key`` (Tab or Shift+Tab) until the focused element matches ``selector``, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press(key)
        if focused(page, selector):
            return
    pytest.fail(f"{key} never reached {selector}")


def follow_link(page, name):
    """Tab to the link called ``name`` and press Enter."""
    link = page.get_by_role("link", name=name, exact=True)
    href = link.get_attribute("href")
    tab_to(page, f'a[href="{href}"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")


def block_fields(course_block):
    course_block.refresh_from_db()  # its usage id is set when a page first parses its OLX
    block = xblock_runtime.HostRuntime(course_block.course_id).get_block(course_block.usage_id)
    return block.framework, block.competencies, block.mode


def learner_view(page, unit_name):
    """(competency codes, phase label) of the self-assessment in the course page's unit headed ``unit_name``."""
    unit = page.get_by_role("region", name=unit_name, exact=True)
    block = unit.get_by_test_id("self-assessment")
    codes = block.locator("fieldset.psa-competency").evaluate_all("(sets) => sets.map((s) => s.dataset.code)")
    return codes, block.locator(".psa-phase").inner_text()


def test_configure_in_the_editor_then_olx_round_trip(org, framework, page, sign_in, screenshot, tmp_path):  # noqa: F811
    pm = services.create_framework(slug="pm", name="Project Management", scale=framework.scale)
    services.add_competency(pm, code="RISK", name="Risk management")
    services.add_competency(pm, code="SCOPE", name="Scoping")
    CourseEnrollment.objects.create(user=org.alice.user, course_id=org.course_key)
    course_block = CourseBlock.objects.create(
        course_id=org.course_key, order=1, display_name="Where you stand", olx="<perf_mgmt_self_assessment/>"
    )
    course_path = f"/courses/{org.course_key}/"

    # The course team reaches the component's editor from the course page.
    sign_in(page, "coursestaff", next_path=course_path)
    follow_link(page, "Edit Where you stand")
    assert page.url.endswith(f"/studio/{course_block.pk}/")
    editor = page.get_by_test_id("block-editor")
    assert "Choose a competency framework." in page.get_by_test_id("block-preview").inner_text()

    # Every control of the editor has a name from its label (and the help text it describes).
    for control in editor.locator("input, select, textarea").all():
        assert control.evaluate("(el) => el.labels.length") == 1, control.evaluate("(el) => el.outerHTML")
    framework_select = editor.get_by_role("combobox", name="Competency framework")
    assert framework_select.evaluate("(el) => document.getElementById(el.getAttribute('aria-describedby')).textContent")

    # Framework with the keyboard: its competencies appear right after the list.
    tab_to(page, "select[name=framework]")
    page.keyboard.press("ArrowDown")  # Leadership
    page.keyboard.press("ArrowDown")  # Project Management
    assert framework_select.input_value() == "pm"
    pm_group = editor.get_by_role("group", name="Competencies of Project Management that learners rate")
    assert pm_group.is_visible()
    assert not editor.get_by_role("group", name="Competencies of Leadership that learners rate").is_visible()

    # Saving without a competency: the reason is said and focused.
    tab_to(page, "button.psa-submit")
    page.keyboard.press("Enter")
    alert = editor.get_by_role("alert")
    alert.get_by_text("Choose at least one competency for learners to rate.").wait_for()
    assert focused(page, ".psa-error")

    # Back to the competencies, choose Risk management; then the mode with the arrow keys.
    tab_to(page, 'input[type=checkbox][value="RISK"]', key="Shift+Tab")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # Scoping, left out
    page.keyboard.press("Tab")  # into the mode group, on its checked radio
    assert focused(page, 'fieldset.psa-studio-mode input[value="single"]')
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    mode_group = editor.get_by_role("group", name="Mode")
    assert mode_group.get_by_role("radio", name="After the module").is_checked()
    assert pm_group.get_by_role("checkbox", name="Risk management RISK").is_checked()
    assert not pm_group.get_by_role("checkbox", name="Scoping SCOPE").is_checked()
    tab_to(page, "button.psa-submit")
    page.keyboard.press("Enter")
    editor.get_by_role("status").get_by_text("Saved.").wait_for()
    assert focused(page, "button.psa-submit")
    assert editor.locator(".psa-error").inner_text() == ""  # emptied, so hidden
    assert block_fields(course_block) == ("pm", ["RISK"], "after")
    # As in Studio, the preview is shown again after the save.
    preview = page.get_by_test_id("block-preview")
    preview.get_by_role("group", name="Risk management").wait_for()
    assert preview.locator(".psa-phase").inner_text() == "After the module"
    assert "not ready for learners" not in preview.inner_text()
    screenshot(page, "self-assessment-studio")

    # The learner view now rates Risk management, after the module.
    page.goto(course_path)
    assert learner_view(page, "Where you stand") == (["RISK"], "After the module")

    # Export the component's OLX as the course team would (a file download)...
    follow_link(page, "Edit Where you stand")
    with page.expect_download() as download_info:
        tab_to(page, 'a[download][href$="/olx/"]')
        page.keyboard.press("Enter")
    download = download_info.value
    assert download.suggested_filename == f"perf_mgmt_self_assessment-{course_block.pk}.xml"
    exported = Path(download.path()).read_text(encoding="utf-8")
    assert 'framework="pm"' in exported
    assert 'mode="after"' in exported

    # ... and import it into the course as a new component.
    olx_file = tmp_path / "exported.xml"
    olx_file.write_text(exported, encoding="utf-8")
    follow_link(page, "All components")
    page.get_by_label("OLX file").set_input_files(str(olx_file))
    page.get_by_label("Unit heading").fill("Where you stand, imported")
    with page.expect_navigation():
        page.get_by_role("button", name="Import").click()
    imported = CourseBlock.objects.exclude(pk=course_block.pk).get()
    assert page.url.endswith(f"/studio/{imported.pk}/")
    assert block_fields(imported) == ("pm", ["RISK"], "after")

    # The imported component's editor shows the same configuration...
    editor = page.get_by_test_id("block-editor")
    assert editor.get_by_role("combobox", name="Competency framework").input_value() == "pm"
    pm_group = editor.get_by_role("group", name="Competencies of Project Management that learners rate")
    assert pm_group.get_by_role("checkbox", name="Risk management RISK").is_checked()
    assert not pm_group.get_by_role("checkbox", name="Scoping SCOPE").is_checked()
    assert editor.get_by_role("group", name="Mode").get_by_role("radio", name="After the module").is_checked()

    # ... and so does what a learner sees, for both components.
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    sign_in(page, "alice", next_path=course_path)
    assert learner_view(page, "Where you stand") == (["RISK"], "After the module")
    assert learner_view(page, "Where you stand, imported") == (["RISK"], "After the module")
    assert page.get_by_role("link", name="Edit Where you stand").count() == 0  # not for learners

    # The one failed request is the refused save, answered with its reason above.
    expected = f"HTTP 400: POST {page.url_for(course_path)}studio/xblock/{course_block.usage_id}/submit_studio_edits/"
    assert [error for error in page.js_errors if not error.startswith(expected)] == []
