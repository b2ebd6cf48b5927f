"""
The XBlocks in runtimes shaped like the platform's, where the stand-in host used to hide the differences:

* Studio: ``load_services_for_studio`` gives ``DjangoXBlockUserService(user)`` -- both staff flags False for everyone
  -- and the ``studio_user_permissions`` service; the LMS keeps course settings read-only (``LmsFieldData``);
* masquerade: course staff "view as a specific learner" and handlers run with the learner's id while the request is
  the staff member's (``setup_masquerade`` sets ``real_user``);
* the Blocks API: ``StudentViewTransformer.collect`` calls ``student_view_data()`` once, at cache time, with no
  learner (and a user service bound to whoever the modulestore was made for);
* a non-English locale: the blocks' catalogue where ``XBlockI18nService`` looks for it.
"""

import json

import crum
import pytest
from django.utils import translation
from lxml import html as lxml_html
from xblock.exceptions import InvalidScopeError
from xblock.field_data import FieldData
from xblock.fields import Scope

from lms_host import xblock_runtime
from lms_host.xblock_services import ATTR_USER_IS_GLOBAL_STAFF, ATTR_USER_IS_STAFF
from perf_mgmt_plugin.competencies.models import Assessment
from perf_mgmt_plugin.strategy.models import CheckIn, HelpRequest
from xblocks.common.base import is_authoring_runtime

from .conftest import block_for, call_handler, handler, page_of, post, studio_handler

pytestmark = pytest.mark.django_db


def studio_block(org, course_block, user):
    """The block in the host's Studio runtime, with Studio's services (as ``load_services_for_studio``)."""
    return xblock_runtime.HostStudioRuntime(org.course_key, user).get_block(course_block.usage_id)


def as_learner_seen_by(learner, staff):
    """``learner`` as the LMS's ``setup_masquerade`` returns them to course staff viewing as them."""
    learner.real_user = staff
    return learner


# ----------------------------------------------------------------------------------------------------------------
# 1. Studio saves the editor; the LMS never does
# ----------------------------------------------------------------------------------------------------------------


def test_studio_user_service_says_not_staff_yet_the_course_team_saves(org, add_checkin):
    course_block = add_checkin(agenda=["reflection"])
    org.staff.is_superuser = True  # Studio's user service says "not staff" even to superusers
    block = studio_block(org, course_block, org.staff)
    attrs = block.runtime.service(block, "user").get_current_user().opt_attrs
    assert (attrs[ATTR_USER_IS_STAFF], attrs[ATTR_USER_IS_GLOBAL_STAFF]) == (False, False)
    assert block.runtime.service(block, "studio_user_permissions").can_write(org.course_key) is True

    status, body = call_handler(block, "submit_studio_edits", {"values": {"agenda": ["steps_done"]}})

    assert (status, body) == (200, {"result": "success"})
    assert block_for(org, course_block, org.staff).agenda == ["steps_done"]


def test_studio_refuses_whoever_may_not_write_the_course(org, add_block, framework, enroll):
    course_block = add_block(competencies=["COACH"])
    enroll(org.alice.user)
    block = studio_block(org, course_block, org.alice.user)

    status, body = call_handler(block, "submit_studio_edits", {"values": {"competencies": ["PLAN"]}})

    assert status == 403
    assert body["error"] == "Only the course team can change this component."
    assert block_for(org, course_block, org.staff).competencies == ["COACH"]


def test_the_lms_never_writes_settings_even_for_course_staff(org, add_checkin, add_block, framework):
    for course_block in (add_checkin(agenda=["reflection"]), add_block(competencies=["COACH"])):
        block = block_for(org, course_block, org.staff)  # the LMS's runtime: staff flags True
        assert block.runtime.service(block, "user").get_current_user().opt_attrs[ATTR_USER_IS_STAFF] is True

        status, _body = call_handler(block, "submit_studio_edits", {"values": {"display_name": "Renamed"}})

        assert status == 403
        assert block_for(org, course_block, org.staff).display_name != "Renamed"


def test_the_host_lms_runtime_keeps_authored_fields_read_only_like_the_lms(org, add_checkin):
    block = block_for(org, add_checkin(), org.staff)
    block.display_name = "Renamed"
    with pytest.raises(InvalidScopeError):
        block.save()


def test_through_the_host_studio_handler_a_refused_save_stores_nothing(client, org, add_checkin, enroll):
    course_block = add_checkin(agenda=["reflection"])
    enroll(org.alice.user)
    client.force_login(org.alice.user)
    url = studio_handler(org, course_block, "submit_studio_edits")

    assert post(client, url, {"values": {"agenda": ["steps_done"]}}).status_code == 403

    client.force_login(org.staff)
    assert post(client, url, {"values": {"agenda": ["steps_done"]}}).status_code == 200
    assert block_for(org, course_block, org.staff).agenda == ["steps_done"]


class _Runtime:
    def __init__(self, **attrs):
        self.__dict__.update(attrs)


class _Mode:
    def __init__(self, name):
        self.name = name


def test_authoring_runtimes_are_told_apart_from_the_lms():
    assert is_authoring_runtime(_Runtime(is_author_mode=True))  # Studio's preview runtime
    assert is_authoring_runtime(_Runtime(authored_data_mode=_Mode("DEFAULT_DRAFT")))  # Learning Core in Studio
    assert not is_authoring_runtime(_Runtime(authored_data_mode=_Mode("STRICTLY_PUBLISHED")))  # ... in the LMS
    assert not is_authoring_runtime(_Runtime())


def test_learner_handlers_save_nothing_in_studio(org, add_checkin, strategy):
    block = studio_block(org, add_checkin(), org.alice.user)

    status, _body = call_handler(block, "submit", {"answers": {"reflection": "From Studio's preview"}})

    assert status == 403
    assert not CheckIn.objects.exists()


# ----------------------------------------------------------------------------------------------------------------
# 2. Masquerade: read-only, never a record in the learner's name
# ----------------------------------------------------------------------------------------------------------------


def test_masquerade_refuses_every_write_in_the_learners_name(org, add_checkin, add_block, framework, strategy, enroll):
    enroll(org.alice.user)
    checkin_block, assessment_block = add_checkin(), add_block()
    alice = as_learner_seen_by(org.alice.user, org.staff)

    checkin = block_for(org, checkin_block, alice)
    status, body = call_handler(checkin, "submit", {"answers": {"help_request": "Written by someone else"}})
    assert status == 403
    assert "viewing this as another learner" in body["error"]
    status, _body = call_handler(block_for(org, assessment_block, alice), "submit", {"ratings": {"COACH": 4}})
    assert status == 403

    assert not CheckIn.objects.exists()
    assert not HelpRequest.objects.exists()
    assert not Assessment.objects.exists()
    assert not checkin.submitted


def test_masquerade_is_seen_from_the_request_when_the_runtime_user_is_the_learner(org, add_checkin, strategy):
    block = block_for(org, add_checkin(), org.alice.user)  # no real_user mark: only the request tells
    with crum.impersonate(org.staff):
        status, _body = call_handler(block, "submit", {"answers": {"reflection": "Not mine"}})
    assert status == 403
    assert not CheckIn.objects.exists()


def test_staff_viewing_as_a_learner_through_the_host(client, org, add_checkin, strategy, enroll):
    enroll(org.alice.user)
    course_block = add_checkin()
    client.force_login(org.alice.user)
    assert post(client, handler(org, course_block, "submit"), {"answers": {"reflection": "Her own"}}).status_code == 200

    client.force_login(org.staff)
    response = client.post(f"/courses/{org.course_key}/masquerade/", {"username": "alice"})
    assert response.status_code == 302
    page = page_of(client, org)

    assert "You are viewing this course as alice." in page
    block = lxml_html.fromstring(page).xpath('//*[@data-testid="checkin"]')[0]
    assert "viewing this as another learner" in block.text_content()
    assert "Her own" in block.text_content()  # her check-ins, read-only
    assert not block.xpath('.//button[@class="pci-submit"]')
    response = post(client, handler(org, course_block, "submit"), {"answers": {"reflection": "Staff's words"}})
    assert response.status_code == 403
    state = post(client, handler(org, course_block, "learner_state"), {}).json()  # reads still answer
    assert state["can_submit"] is False
    assert [c["reflection"] for c in state["check_ins"]] == ["Her own"]
    assert list(CheckIn.objects.values_list("reflection", flat=True)) == ["Her own"]

    client.post(f"/courses/{org.course_key}/masquerade/", {"username": ""})  # back to themselves
    assert "You are viewing this course as" not in page_of(client, org)


def test_only_course_staff_may_view_as_an_enrolled_learner(client, org, enroll):
    enroll(org.alice.user, org.bob.user)
    client.force_login(org.alice.user)
    assert client.post(f"/courses/{org.course_key}/masquerade/", {"username": "bob"}).status_code == 403
    client.force_login(org.staff)
    client.post(f"/courses/{org.course_key}/masquerade/", {"username": "outsider"})
    page = page_of(client, org)
    assert "No learner with the username outsider is enrolled in this course." in page
    assert "You are viewing this course as" not in page


# ----------------------------------------------------------------------------------------------------------------
# 3. student_view_data: collected once, for everyone, with no learner
# ----------------------------------------------------------------------------------------------------------------


class NoLearnerFieldData(FieldData):
    """Field data as the Blocks API's collection has it: authored fields only, no learner to read state of."""

    def __init__(self, authored):
        self._authored = authored

    def _check(self, block, name):
        if block.fields[name].scope.user != Scope.content.user:
            raise InvalidScopeError(f"no learner: {name} cannot be read")

    def get(self, block, name):
        self._check(block, name)
        return self._authored.get(block, name)

    def set(self, block, name, value):
        raise InvalidScopeError(f"{name} cannot be written here")

    def delete(self, block, name):
        raise InvalidScopeError(f"{name} cannot be deleted here")

    def has(self, block, name):
        self._check(block, name)
        return self._authored.has(block, name)


def blocks_api_block(org, course_block):
    """The block as the Blocks API collects it: no learner bound, learner state unreadable."""
    runtime = xblock_runtime.HostRuntime(org.course_key, None)
    runtime._services["field-data"] = NoLearnerFieldData(runtime._services["field-data"])  # pylint: disable=W0212
    return runtime.get_block(course_block.usage_id)


def test_student_view_data_holds_no_learner_state_nor_anyones_history(client, org, strategy, add_checkin, enroll):
    enroll(org.alice.user)
    course_block = add_checkin(agenda=["reflection", "help_request"])
    client.force_login(org.alice.user)
    post(client, handler(org, course_block, "submit"), {"answers": {"reflection": "Alice's private reflection"}})

    # The modulestore's user service is bound to whoever it was made for -- here alice's request.
    with crum.impersonate(org.alice.user):
        data = blocks_api_block(org, course_block).student_view_data()

    text = json.dumps(data)
    assert "Alice's private reflection" not in text
    assert "Migrate billing" not in text  # nor her line of sight
    assert set(data) == {"display_name", "intro", "sections", "max_answer", "learner_state_handler"}
    assert [section["name"] for section in data["sections"]] == ["reflection", "help_request"]


def test_self_assessment_student_view_data_holds_no_learner_state(client, org, framework, add_block, enroll):
    enroll(org.alice.user)
    course_block = add_block()
    client.force_login(org.alice.user)
    post(client, handler(org, course_block, "submit"), {"ratings": {"COACH": 3}})

    with crum.impersonate(org.alice.user):
        data = blocks_api_block(org, course_block).student_view_data()

    assert "user_state" not in data and "rated" not in json.dumps(data)
    assert [c["code"] for c in data["competencies"]] == ["COACH", "PLAN"]
    assert data["learner_state_handler"] == "learner_state"
    state = post(client, handler(org, course_block, "learner_state"), {}).json()
    assert state["rated"] == {"COACH": 3}


# ----------------------------------------------------------------------------------------------------------------
# 4. A non-English locale
# ----------------------------------------------------------------------------------------------------------------


def test_a_block_renders_in_french_from_the_catalogue_where_the_platform_looks(org, add_checkin, strategy, enroll):
    enroll(org.alice.user)
    course_block = add_checkin()
    with translation.override("fr"):
        body = block_for(org, course_block, org.alice.user).render("student_view", {}).body_html()
    assert "Envoyer mon point d’étape" in body  # a template string
    assert "Étapes réalisées" in body  # a Python string (a section's label)
    with translation.override("en"):
        assert (
            "Submit my check-in" in block_for(org, course_block, org.alice.user).render("student_view", {}).body_html()
        )


def test_the_course_page_and_a_handler_answer_in_the_learners_language(client, org, framework, add_block, enroll):
    enroll(org.outsider)
    course_block = add_block()
    client.force_login(org.outsider)

    page = client.get(f"/courses/{org.course_key}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Enregistrer mon autoévaluation" not in page  # read-only for someone without an employee record...
    assert "Votre compte n’a pas de fiche collaborateur" in page  # ...told so in French

    response = client.post(
        handler(org, course_block, "learner_state"),
        data="{}",
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.json()["message"].startswith("Votre compte n’a pas de fiche collaborateur")


def test_a_page_renders_in_french(client, org):
    client.force_login(org.alice.user)

    page = client.get("/perf-mgmt/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    doc = lxml_html.fromstring(page)
    assert doc.get("lang") == "fr"
    assert doc.xpath("//h1")[0].text == "Ma performance"
    nav = [a.text for a in doc.xpath('//nav[@class="pm-nav"]//a')]
    assert "Mes compétences" in nav and "Mon plan de développement" in nav
    assert doc.xpath('//nav[@class="pm-nav"]')[0].get("aria-label") == "Rubriques de la performance"
    assert "Se déconnecter" in page and "Où aller" in page


# ----------------------------------------------------------------------------------------------------------------
# Query counts of what this change added: learner_state, a masquerade on the course page
# ----------------------------------------------------------------------------------------------------------------


def test_learner_state_costs_the_same_whatever_the_history(client, org, strategy, add_checkin, enroll, count_queries):
    enroll(org.alice.user)
    course_block = add_checkin()
    client.force_login(org.alice.user)
    url = handler(org, course_block, "learner_state")

    def state_queries():
        with count_queries() as queries:
            assert post(client, url, {}).status_code == 200
        return len(queries)

    post(client, handler(org, course_block, "submit"), {"answers": {"reflection": "one"}})
    first = state_queries()
    for n in range(3):
        post(client, handler(org, course_block, "submit"), {"answers": {"reflection": f"more {n}"}})
    assert state_queries() == first
    # Pinned (SQLite): session and user, the handler view's course checks, the user service's course role, the
    # employee (twice: the notice and the related objective), the block's fields and state, the line of sight, the
    # history (check-ins, impediments, help requests).
    assert first == 18


def test_self_assessment_learner_state_costs_the_same_for_more_ratings(
    client, org, framework, add_block, enroll, count_queries
):
    enroll(org.alice.user)
    one, two = add_block(order=0, competencies=["COACH"]), add_block(order=1, competencies=["COACH", "PLAN"])
    client.force_login(org.alice.user)
    post(client, handler(org, one, "submit"), {"ratings": {"COACH": 2}})
    post(client, handler(org, two, "submit"), {"ratings": {"COACH": 2, "PLAN": 1}})

    def state_queries(course_block):
        with count_queries() as queries:
            assert post(client, handler(org, course_block, "learner_state"), {}).status_code == 200
        return len(queries)

    # Pinned (SQLite): session, the handler view's checks, the user service, the employee, the block's fields and
    # state, the competencies with their scales. 21 since lane profiling2: the block's ``profile`` setting is one
    # more field the workbench's field store reads (the LMS reads settings from the modulestore, not per query).
    assert state_queries(one) == state_queries(two) == 21


def test_viewing_as_a_learner_costs_the_same_however_many_learners(
    client, org, framework, add_block, enroll, count_queries
):
    enroll(org.alice.user)
    add_block()
    client.force_login(org.staff)
    client.post(f"/courses/{org.course_key}/masquerade/", {"username": "alice"})
    assert "You are viewing this course as alice." in page_of(client, org)

    def page_queries():
        with count_queries() as queries:
            page_of(client, org)
        return len(queries)

    before = page_queries()
    enroll(org.bob.user, org.manager.user, org.outsider)
    assert page_queries() == before
    # Pinned (SQLite): as many as alice's own course page (23, measured); the masquerade's one lookup (her enrolment
    # with her user) costs no more than the staff member's own view of the page. 24 since lane profiling2: the
    # block's ``profile`` setting, one more field read from the workbench's field store.
    assert before == 24


def test_staff_viewing_as_a_learner_see_her_self_assessment_read_only(client, org, framework, add_block, enroll):
    enroll(org.alice.user)
    course_block = add_block()
    client.force_login(org.alice.user)
    post(client, handler(org, course_block, "submit"), {"ratings": {"COACH": 2}})

    client.force_login(org.staff)
    client.post(f"/courses/{org.course_key}/masquerade/", {"username": "alice"})
    doc = lxml_html.fromstring(page_of(client, org))

    [block] = doc.xpath('//*[@data-testid="self-assessment"]')
    text = block.text_content()
    assert "viewing this as another learner" in text
    assert "Your result" in text  # her result, as she sees it
    assert not block.xpath('.//button[@class="psa-submit"]')
    assert all(f.get("disabled") is not None for f in block.xpath(".//fieldset"))
    response = post(client, handler(org, course_block, "submit"), {"ratings": {"COACH": 4}})
    assert response.status_code == 403
    assert list(Assessment.objects.values_list("level", flat=True)) == [2]
