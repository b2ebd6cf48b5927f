"""
Course recommendations, the gap audit's action: the service (recommend, assign, idempotence, the person's side),
the permission matrix per role on every entry point, retirement, and query-count pins.
"""

import pytest
from django.test import Client
from django.urls import reverse
from opaque_keys.edx.keys import CourseKey

from lms_host.courses.models import Course, CourseEnrollment
from perf_mgmt_plugin.api import retire_user
from perf_mgmt_plugin.competencies import recommendations, services
from perf_mgmt_plugin.competencies.errors import CompetencyError
from perf_mgmt_plugin.competencies.models import CompetencyGap, CourseRecommendation
from perf_mgmt_plugin.core.access import AccessDenied
from perf_mgmt_plugin.openedx import get_backend
from tests import factories

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = pytest.mark.usefixtures("fw_once")

PLANNING_KEY = CourseKey.from_string("course-v1:DemoOrg+PLAN101+2026")
ROLES = ["alice", "bob", "manager", "director", "seller", "hr", "hr_eng", "staff", "outsider"]


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def api_url(name, **kwargs):
    return reverse(f"perf_mgmt:api-v1:{name}", kwargs=kwargs)


def user_of(org, role):
    value = getattr(org, role)
    return getattr(value, "user", value)


@pytest.fixture
def linked(org, fw):
    """Leading Teams develops COACH to 4; Planning Basics develops COACH to 2 and PLAN to 3. Alice rated 2."""
    Course.objects.create(id=PLANNING_KEY, display_name="Planning Basics")
    services.set_course_link(org.course_key, fw.coach, 4)
    services.set_course_link(PLANNING_KEY, fw.coach, 2)
    services.set_course_link(PLANNING_KEY, fw.plan, 3)
    services.record_assessment(org.alice.user, org.alice, fw.coach, 2, "self")
    return fw


def enrolled(user, key):
    return CourseEnrollment.objects.filter(user=user, course_id=key, is_active=True).exists()


def recs(**filters):
    return CourseRecommendation.objects.filter(**filters)


# ----------------------------------------------------------------------------------------------------------------
# The service
# ----------------------------------------------------------------------------------------------------------------


def test_recommend_to_a_cell_picks_courses_above_each_current_level(org, linked):
    result = recommendations.act_on_cell(org.hr, "org_unit", org.platform.pk, linked.coach.pk, "recommend")
    # Alice (current 2) gets only the level-4 course; Bob (never assessed) both.
    assert (result.created, result.unchanged, result.enrolled, result.denied) == (3, 0, 0, 0)
    assert set(recs(person=org.alice).values_list("course_key", flat=True)) == {org.course_key}
    assert set(recs(person=org.bob).values_list("course_key", flat=True)) == {org.course_key, PLANNING_KEY}
    rec = recs(person=org.bob, course_key=org.course_key).get()
    assert (rec.kind, rec.status, rec.live, rec.created_by) == ("recommend", "open", True, org.hr)
    assert rec.gap == CompetencyGap.objects.get(person=org.bob, competency=linked.coach)
    # Recommending enrolls nobody and leaves the gaps open.
    assert not CourseEnrollment.objects.exists()
    assert set(CompetencyGap.objects.filter(competency=linked.coach).values_list("status", flat=True)) == {"open"}


def test_assign_enrolls_marks_gaps_and_is_idempotent(org, linked):
    recommendations.act_on_cell(org.hr, "org_unit", org.platform.pk, linked.coach.pk, "recommend")
    result = recommendations.act_on_cell(
        org.hr, "org_unit", org.platform.pk, linked.coach.pk, "assign", course_keys=[str(org.course_key)]
    )
    # The open recommendations become assignments: no second row.
    assert (result.created, result.upgraded, result.enrolled, result.gaps_in_development) == (0, 2, 2, 2)
    assert enrolled(org.alice.user, org.course_key) and enrolled(org.bob.user, org.course_key)
    assert not enrolled(org.bob.user, PLANNING_KEY)
    assert recs(course_key=org.course_key).count() == 2
    assert set(recs(course_key=org.course_key).values_list("kind", "status")) == {("assign", "enrolled")}
    assert recs(course_key=org.course_key, enrolled_at__isnull=True).count() == 0
    gaps = CompetencyGap.objects.filter(competency=linked.coach, person__in=[org.alice, org.bob])
    assert set(gaps.values_list("status", flat=True)) == {"in_development"}

    again = recommendations.act_on_cell(org.hr, "org_unit", org.platform.pk, linked.coach.pk, "assign")
    # Re-running: Leading Teams already live for both; only Bob's open Planning Basics is upgraded.
    assert (again.created, again.upgraded, again.unchanged, again.enrolled) == (0, 1, 2, 1)
    third = recommendations.act_on_cell(org.hr, "org_unit", org.platform.pk, linked.coach.pk, "assign")
    assert (third.created, third.upgraded, third.unchanged, third.enrolled) == (0, 0, 3, 0)
    assert recs().count() == 3
    assert CourseEnrollment.objects.count() == 3


def test_a_closed_gap_gets_nothing_and_an_unlinked_course_is_refused(org, linked):
    services.record_assessment(org.manager.user, org.alice, linked.coach, 4, "manager")  # closes Alice's gap
    result = recommendations.act_on_person(org.manager.user, org.alice, "assign", competency=linked.coach)
    assert (result.created, result.enrolled) == (0, 0)
    with pytest.raises(CompetencyError):
        recommendations.act_on_person(
            org.manager.user, org.bob, "recommend", competency=linked.plan, course_keys=[str(org.course_key)]
        )
    with pytest.raises(CompetencyError):
        recommendations.act_on_person(org.manager.user, org.bob, "enrol-everyone", competency=linked.coach)
    assert not recs().exists()


def test_the_person_enrols_or_dismisses_and_may_be_recommended_again(org, linked):
    recommendations.act_on_person(org.manager.user, org.bob, "recommend", competency=linked.coach)
    leading = recs(person=org.bob, course_key=org.course_key).get()
    planning = recs(person=org.bob, course_key=PLANNING_KEY).get()
    with pytest.raises(AccessDenied):
        recommendations.enrol(org.manager.user, leading)
    recommendations.enrol(org.bob.user, leading)
    recommendations.enrol(org.bob.user, leading)  # again: nothing changes
    leading.refresh_from_db()
    assert (leading.status, leading.live) == ("enrolled", True) and leading.enrolled_at is not None
    assert enrolled(org.bob.user, org.course_key)
    assert CompetencyGap.objects.get(person=org.bob, competency=linked.coach).status == "in_development"
    with pytest.raises(CompetencyError):
        recommendations.dismiss(org.bob.user, leading)  # enrolled: unenrolling is the platform's business

    recommendations.dismiss(org.bob.user, planning)
    planning.refresh_from_db()
    assert (planning.status, planning.live) == ("dismissed", None)
    with pytest.raises(CompetencyError):
        recommendations.enrol(org.bob.user, planning)
    # The dismissed row stays as history; recommending again makes a new live one.
    recommendations.act_on_person(org.manager.user, org.bob, "recommend", competency=linked.coach)
    assert recs(person=org.bob, course_key=PLANNING_KEY).count() == 2
    assert recs(person=org.bob, course_key=PLANNING_KEY, live=True).count() == 1


@pytest.mark.parametrize(
    "role,allowed",
    [
        ("alice", False),  # not for oneself, nor for a colleague
        ("bob", False),
        ("manager", True),
        ("director", True),
        ("seller", False),
        ("hr", True),
        ("hr_eng", True),
        ("staff", False),
        ("outsider", False),
    ],
)
def test_who_may_act_on_alices_gaps(org, linked, role, allowed):
    actor = user_of(org, role)
    if allowed:
        assert recommendations.act_on_person(actor, org.alice, "recommend", competency=linked.coach).created == 1
    else:
        with pytest.raises(AccessDenied):
            recommendations.act_on_person(actor, org.alice, "recommend", competency=linked.coach)
        assert not recs().exists()


def test_a_cell_acts_only_within_the_actors_scope(org, linked):
    seller_position = factories.make_position("SELL", "Seller", org.sales)
    services.set_requirement(seller_position, linked.coach, 3)
    org.seller.position = seller_position
    org.seller.save()
    # A scoped HR admin acting on the sales cell finds nobody there.
    result = recommendations.act_on_cell(org.hr_eng, "org_unit", org.sales.pk, linked.coach.pk, "assign")
    assert (result.created, result.enrolled) == (0, 0)
    assert not enrolled(org.seller.user, org.course_key)
    # By position: the DEV row holds Alice and Bob; the manager reaches both, the seller's row is not his.
    result = recommendations.act_on_cell(org.manager.user, "position", org.dev.pk, linked.coach.pk, "recommend")
    assert result.created == 3
    assert (
        recommendations.act_on_cell(
            org.manager.user, "position", seller_position.pk, linked.coach.pk, "recommend"
        ).created
        == 0
    )
    assert not recs(person=org.seller).exists()
    # Whatever selection a caller passes, people outside the actor's reach are counted and left alone.
    result = recommendations.act_on_gaps(org.manager.user, CompetencyGap.objects.all(), "assign")
    assert result.denied == 1 and not recs(person=org.seller).exists()
    assert not enrolled(org.seller.user, org.course_key)


def test_retirement_removes_their_recommendations_and_unlinks_the_author(org, linked):
    recommendations.act_on_person(org.manager.user, org.bob, "recommend", competency=linked.coach)
    recommendations.act_on_person(org.hr, org.manager, "recommend", competency=linked.coach)  # nothing: no gap
    recommendations.act_on_person(org.director.user, org.alice, "recommend", competency=linked.coach)
    retire_user(org.bob.user)
    assert not recs(person=org.bob).exists()
    retire_user(org.manager.user)
    assert recs(person=org.alice).get().created_by == org.director.user
    retire_user(org.director.user)
    assert recs(person=org.alice).get().created_by is None
    retire_user(org.director.user)  # idempotent


# ----------------------------------------------------------------------------------------------------------------
# REST and pages: the permission matrix
# ----------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,status",
    [
        ("alice", 404),
        ("bob", 404),
        ("manager", 200),
        ("director", 200),
        ("seller", 404),
        ("hr", 200),
        ("hr_eng", 200),
        ("staff", 404),
        ("outsider", 404),
    ],
)
def test_rest_recommend_to_a_person_per_role(org, linked, role, status):
    body = {"kind": "recommend", "competency": linked.coach.pk, "person": org.alice.pk}
    response = client_for(user_of(org, role)).post(
        api_url("course-recommendations"), body, content_type="application/json"
    )
    assert response.status_code == status, response.content
    assert recs(person=org.alice).count() == (1 if status == 200 else 0)
    if status == 200:
        assert response.json()["created"] == 1


@pytest.mark.parametrize(
    "role,status,created",
    [
        ("hr", 200, 3),
        ("hr_eng", 200, 3),
        ("manager", 200, 3),
        ("director", 200, 3),
        ("alice", 403, 0),
        ("staff", 403, 0),
    ],
)
def test_rest_assign_to_a_cell_per_role(org, linked, role, status, created):
    body = {"kind": "assign", "competency": linked.coach.pk, "by": "org_unit", "row": org.platform.pk}
    response = client_for(user_of(org, role)).post(
        api_url("course-recommendations"), body, content_type="application/json"
    )
    assert response.status_code == status, response.content
    assert recs(kind="assign").count() == created
    if status == 200:
        assert response.json()["enrolled"] == 3
        again = client_for(user_of(org, role)).post(
            api_url("course-recommendations"), body, content_type="application/json"
        )
        assert (again.json()["created"], again.json()["unchanged"]) == (0, 3)


def test_rest_rejects_bad_requests(org, linked):
    hr = client_for(org.hr)
    url = api_url("course-recommendations")
    bad_kind = {"kind": "enrol", "competency": linked.coach.pk, "person": org.alice.pk}
    unlinked = {
        "kind": "assign",
        "competency": linked.plan.pk,
        "person": org.bob.pk,
        "course_keys": [str(org.course_key)],
    }
    bad_key = {"kind": "assign", "competency": linked.plan.pk, "person": org.bob.pk, "course_keys": ["nope"]}
    for body in (bad_kind, unlinked, bad_key, {"kind": "assign", "competency": 999999, "person": org.bob.pk}):
        assert hr.post(url, body, content_type="application/json").status_code == 400, body
    assert not recs().exists()
    assert client_for(None).post(url, bad_kind, content_type="application/json").status_code in (401, 403)


@pytest.mark.parametrize(
    "role,list_status,respond_status",
    [
        ("bob", 200, 200),
        ("alice", 404, 404),
        ("manager", 200, 404),
        ("hr", 200, 404),
        ("hr_eng", 200, 404),
        ("seller", 404, 404),
        ("staff", 404, 404),
        ("outsider", 404, 404),
    ],
)
def test_rest_list_and_respond_per_role(org, linked, role, list_status, respond_status):
    recommendations.act_on_person(org.manager.user, org.bob, "recommend", competency=linked.coach)
    leading = recs(person=org.bob, course_key=org.course_key).get()
    client = client_for(user_of(org, role))
    listed = client.get(api_url("person-course-recommendations", pk=org.bob.pk))
    assert listed.status_code == list_status
    if list_status == 200:
        assert {row["course_key"] for row in listed.json()["results"]} == {str(org.course_key), str(PLANNING_KEY)}
    url = api_url("course-recommendation-respond", pk=leading.pk)
    response = client.post(url, {"action": "enrol"}, content_type="application/json")
    assert response.status_code == respond_status
    leading.refresh_from_db()
    assert leading.status == ("enrolled" if respond_status == 200 else "open")
    assert enrolled(org.bob.user, org.course_key) == (respond_status == 200)


def test_rest_list_history_and_dismiss(org, linked):
    recommendations.act_on_person(org.manager.user, org.bob, "recommend", competency=linked.coach)
    planning = recs(person=org.bob, course_key=PLANNING_KEY).get()
    bob = client_for(org.bob.user)
    url = api_url("course-recommendation-respond", pk=planning.pk)
    assert bob.post(url, {"action": "dismiss"}, content_type="application/json").json()["status"] == "dismissed"
    assert bob.post(url, {"action": "enrol"}, content_type="application/json").status_code == 400
    listing = api_url("person-course-recommendations", pk=org.bob.pk)
    assert len(bob.get(listing).json()["results"]) == 1
    assert len(bob.get(listing, {"status": "all"}).json()["results"]) == 2
    assert len(bob.get(listing, {"status": "dismissed"}).json()["results"]) == 1


@pytest.mark.parametrize(
    "role,view_status,acts",
    [
        ("alice", 200, False),  # her own gaps: she sees them, no recommend buttons
        ("bob", 404, False),
        ("manager", 200, True),
        ("hr", 200, True),
        ("hr_eng", 200, True),
        ("seller", 404, False),
        ("staff", 404, False),
        ("outsider", 404, False),
    ],
)
def test_person_competencies_page_per_role(org, linked, role, view_status, acts):
    client = client_for(user_of(org, role))
    url = reverse("perf_mgmt:person-competencies", kwargs={"pk": org.alice.pk})
    page = client.get(url)
    assert page.status_code == view_status
    if view_status == 200:
        assert b"Coaching" in page.content
        assert (b'value="assign"' in page.content) == acts
    post = client.post(url, {"competency": linked.coach.pk, "course": str(org.course_key), "kind": "assign"})
    assert post.status_code == (302 if acts else 403 if view_status == 200 else 404)
    assert enrolled(org.alice.user, org.course_key) == acts


@pytest.mark.parametrize("role,status", [("hr", 302), ("manager", 302), ("alice", 403), ("staff", 403)])
def test_drill_down_action_per_role(org, linked, role, status):
    client = client_for(user_of(org, role))
    body = {"by": "org_unit", "row": org.platform.pk, "competency": linked.coach.pk, "kind": "recommend"}
    response = client.post(reverse("perf_mgmt:gap-audit-cell-courses"), {**body, "course": str(org.course_key)})
    assert response.status_code == status
    assert recs().count() == (2 if status == 302 else 0)
    if status == 302:
        assert f"row={org.platform.pk}" in response["Location"]
        page = client.get(response["Location"])
        assert b"2 course recommendations made" in page.content
        assert b"Leading Teams: recommended, open" in page.content
    assert client.get(reverse("perf_mgmt:gap-audit-cell-courses")).status_code in (302, 405)


@pytest.mark.parametrize("role,status", [("bob", 302), ("alice", 404), ("manager", 404), ("hr", 404)])
def test_my_competencies_respond_per_role(org, linked, role, status):
    recommendations.act_on_person(org.manager.user, org.bob, "recommend", competency=linked.coach)
    leading = recs(person=org.bob, course_key=org.course_key).get()
    url = reverse("perf_mgmt:respond-to-recommendation", kwargs={"pk": leading.pk})
    response = client_for(user_of(org, role)).post(url, {"action": "enrol"})
    assert response.status_code == status
    assert enrolled(org.bob.user, org.course_key) == (status == 302)


def test_my_competencies_lists_what_was_recommended(org, linked):
    recommendations.act_on_person(org.manager.user, org.bob, "recommend", competency=linked.coach)
    page = client_for(org.bob.user).get(reverse("perf_mgmt:my-competencies"))
    html = page.content.decode()
    assert "Courses recommended to you" in html
    assert f'href="{get_backend().course_url(org.course_key)}"' in html
    assert "Enrol in Leading Teams" in html and "Dismiss Planning Basics" in html
    assert (
        "Nothing recommended to you yet"
        in client_for(org.alice.user).get(reverse("perf_mgmt:my-competencies")).content.decode()
    )


# ----------------------------------------------------------------------------------------------------------------
# Query counts: constant with the data size
# ----------------------------------------------------------------------------------------------------------------


def _grow(org, fw, n):
    """``n`` more developers under the manager, in the same cell, each with open recommendations."""
    people = [factories.make_employee(manager=org.manager, org_unit=org.platform, position=org.dev) for _ in range(n)]
    for person in people:
        services.record_assessment(person.user, person, fw.coach, 1, "self")
        recommendations.act_on_person(org.hr, person, "recommend", competency=fw.coach)
    return people


def _count(count_queries, client, method, url, data=None):
    getattr(client, method)(url, data or {})  # warm the session
    with count_queries() as queries:
        response = getattr(client, method)(url, data or {})
    assert response.status_code < 400, response.content
    return len(queries)


@pytest.mark.parametrize(
    "name,user",
    [
        ("perf_mgmt:gap-audit-cell", "hr"),
        ("perf_mgmt:person-competencies", "manager"),
        ("perf_mgmt:my-competencies", "bob"),
        ("person-course-recommendations", "hr"),
    ],
)
def test_read_query_counts_are_constant(org, linked, count_queries, name, user):
    recommendations.act_on_person(org.hr, org.bob, "recommend", competency=linked.coach)
    if name.startswith("perf_mgmt:"):
        kwargs = {"pk": org.bob.pk} if name.endswith("person-competencies") else {}
        url = reverse(name, kwargs=kwargs)
    else:
        url = api_url(name, pk=org.bob.pk)
    params = {"row": org.platform.pk, "competency": linked.coach.pk} if name.endswith("cell") else {}
    client = client_for(user_of(org, user))
    before = _count(count_queries, client, "get", url, params)
    _grow(org, linked, 5)
    recommendations.act_on_person(org.hr, org.bob, "assign", competency=linked.coach)
    services.set_course_link(PLANNING_KEY, linked.plan, 4)
    assert _count(count_queries, client, "get", url, params) == before


def test_recommending_to_a_cell_is_constant_and_assigning_costs_one_platform_call_per_enrollment(
    org, linked, count_queries
):
    """
    Recommending to everyone in a cell is a fixed number of queries for 2 or 12 people; so is re-running an
    assignment. A first assignment adds exactly one platform enrollment call per new enrollment, nothing else.
    """
    url = api_url("course-recommendations")
    body = {"competency": linked.coach.pk, "by": "org_unit", "row": org.platform.pk}

    def run(kind):
        client = client_for(org.hr)
        client.get(api_url("me"))  # warm the session
        with count_queries() as queries:
            response = client.post(url, {**body, "kind": kind}, content_type="application/json")
        assert response.status_code == 200
        return len(queries), response.json()

    def reset():
        recs().delete()
        CourseEnrollment.objects.all().delete()
        CompetencyGap.objects.update(status="open")

    recommend_small, result = run("recommend")
    assert result["created"] == 3
    reset()
    assign_small, result = run("assign")
    assert result["enrolled"] == 3
    rerun_small, _ = run("assign")
    reset()

    people = [factories.make_employee(manager=org.manager, org_unit=org.platform, position=org.dev) for _ in range(10)]
    recommend_large, result = run("recommend")
    assert result["created"] == 3 + 2 * len(people)
    assert recommend_large == recommend_small
    reset()
    assign_large, result = run("assign")
    assert result["enrolled"] == 3 + 2 * len(people)
    rerun_large, result = run("assign")
    assert result["enrolled"] == 0 and result["unchanged"] == 3 + 2 * len(people)
    assert rerun_large == rerun_small

    newcomer = factories.make_user("newcomer")
    with count_queries() as one_enrollment:
        get_backend().enroll(newcomer, org.course_key)  # what one platform enrollment costs
    assert assign_large - assign_small == len(one_enrollment) * 2 * len(people)


def test_write_query_counts_do_not_grow_with_the_data(org, linked, count_queries):
    """The drill-down and person-page actions, and the learner's enrol/dismiss, are pinned against 10 more people."""

    def measure():
        CourseRecommendation.objects.all().delete()
        hr, manager, bob = client_for(org.hr), client_for(org.manager.user), client_for(org.bob.user)
        cell = {"by": "org_unit", "row": org.platform.pk, "competency": linked.coach.pk, "kind": "recommend"}
        counts = [_count(count_queries, hr, "post", reverse("perf_mgmt:gap-audit-cell-courses"), cell)]
        person_page = reverse("perf_mgmt:person-competencies", kwargs={"pk": org.bob.pk})
        person = {"competency": linked.plan.pk, "kind": "recommend"}
        counts.append(_count(count_queries, manager, "post", person_page, person))
        leading = recs(person=org.bob, course_key=org.course_key).get()
        planning = recs(person=org.bob, course_key=PLANNING_KEY, competency=linked.plan).get()
        respond = api_url("course-recommendation-respond", pk=leading.pk)
        # The first enrol changes things, the second (measured) is the idempotent one; then the same for the page.
        counts.append(_count(count_queries, bob, "post", respond, {"action": "enrol"}))
        dismiss = reverse("perf_mgmt:respond-to-recommendation", kwargs={"pk": planning.pk})
        counts.append(_count(count_queries, bob, "post", dismiss, {"action": "dismiss"}))
        return counts

    before = measure()
    _grow(org, linked, 10)
    services.set_course_link(PLANNING_KEY, linked.plan, 4)
    assert measure() == before


def test_drill_down_pages_keep_their_filters(org, linked, settings):
    settings.PERF_MGMT_PAGE_SIZE = 1
    page = client_for(org.hr).get(
        reverse("perf_mgmt:gap-audit-cell"), {"by": "org_unit", "row": org.platform.pk, "competency": linked.coach.pk}
    )
    html = page.content.decode()
    assert "Page 1 of 2" in html
    next_link = html.split("Next")[0].rsplit('href="', 1)[1].split('"')[0]
    assert f"competency={linked.coach.pk}" in next_link and f"row={org.platform.pk}" in next_link
    follow = client_for(org.hr).get(reverse("perf_mgmt:gap-audit-cell") + next_link.replace("&amp;", "&"))
    assert follow.status_code == 200 and b"Page 2 of 2" in follow.content
