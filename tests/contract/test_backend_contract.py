"""
The PlatformBackend contract, run against both backends.

The host backend runs on the host's models. The openedx-platform backend cannot meet the real platform here, so it
runs against ``fake_platform`` -- FAKE platform modules with the names and signatures checked in the platform's code
(``perf_mgmt_plugin/openedx/compat.py``). Each backend comes with a small "world" that seeds data through that
backend's own models, so a test states the situation once and both backends must give the same answer.

Content tagging is not faked: openedx-core's REAL ``openedx_tagging`` is installed in the host (as in the LMS), the
host backend reads it through its api and the platform backend through ``compat``; both read the same tables.
"""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from opaque_keys.edx.django.models import CourseKeyField
from opaque_keys.edx.keys import CourseKey
from openedx_events.learning.signals import COURSE_ENROLLMENT_CREATED

from lms_host.courses import enrollment as host_enrollment
from lms_host.courses import models as host
from lms_host.courses.backend import HostPlatformBackend
from perf_mgmt_plugin.openedx.backend import CourseInfo, EnrollmentRefused, parse_course_key
from perf_mgmt_plugin.openedx.compat import PlatformUnavailable
from perf_mgmt_plugin.openedx.platform_backend import OpenedxPlatformBackend

from .. import factories
from . import fake_platform as fake

pytestmark = pytest.mark.django_db

KEY_A = CourseKey.from_string("course-v1:ContractOrg+A101+2026")
KEY_B = CourseKey.from_string("course-v1:ContractOrg+B202+2026")
KEY_C = CourseKey.from_string("course-v1:OtherOrg+C303+2026")
UNKNOWN = CourseKey.from_string("course-v1:Nobody+None+2026")
START = datetime(2026, 1, 5, tzinfo=UTC)
END = datetime(2026, 6, 30, tzinfo=UTC)


def _host_world():
    def enrollment(user, key):
        row = host.CourseEnrollment.objects.filter(user=user, course_id=key).first()
        return row and (row.mode, row.is_active)

    return SimpleNamespace(
        name="host",
        backend=HostPlatformBackend(),
        add_course=lambda key, name, start=None, end=None, **fields: host.Course.objects.create(
            id=key, display_name=name, start=start, end=end, **fields
        ),
        add_role=lambda user, key, role: host.CourseAccessRole.objects.create(
            user=user, course_id=key, org=key.org, role=role
        ),
        add_org_role=lambda user, org, role: host.CourseAccessRole.objects.create(
            user=user, course_id=CourseKeyField.Empty, org=org, role=role
        ),
        add_enrollment=lambda user, key, mode="audit", is_active=True: host.CourseEnrollment.objects.create(
            user=user, course_id=key, mode=mode, is_active=is_active
        ),
        enrollment=enrollment,
        enrollment_count=lambda user, key: host.CourseEnrollment.objects.filter(user=user, course_id=key).count(),
        profile_names=lambda: dict(host.UserProfile.objects.values_list("user__username", "name")),
    )


def _openedx_world():
    def enrollment(user, key):
        row = fake.FakeCourseEnrollment.objects.filter(user=user, course_id=key).first()
        return row and (row.mode, row.is_active)

    return SimpleNamespace(
        name="openedx",
        backend=OpenedxPlatformBackend(),
        add_course=lambda key, name, start=None, end=None, **fields: fake.FakeCourseOverview.objects.create(
            id=key, display_name=name, start=start, end=end, **fields
        ),
        add_role=lambda user, key, role: fake.FakeCourseAccessRole.objects.create(
            user=user, course_id=key, org=key.org, role=role
        ),
        add_org_role=lambda user, org, role: fake.FakeCourseAccessRole.objects.create(
            user=user, course_id=CourseKeyField.Empty, org=org, role=role
        ),
        add_enrollment=lambda user, key, mode="audit", is_active=True: fake.FakeCourseEnrollment.objects.create(
            user=user, course_id=key, mode=mode, is_active=is_active
        ),
        enrollment=enrollment,
        enrollment_count=lambda user, key: fake.FakeCourseEnrollment.objects.filter(user=user, course_id=key).count(),
        profile_names=lambda: dict(fake.FakeUserProfile.objects.values_list("user__username", "name")),
    )


@pytest.fixture(params=["host", "openedx"])
def world(request, db, settings):
    """One backend and its data helpers; the openedx one runs with the FAKE platform modules installed."""
    if request.param == "host":
        yield _host_world()
        return
    settings.LEARNING_MICROFRONTEND_URL = "http://apps.example.com/learning"
    with fake.installed_fake_platform():
        yield _openedx_world()


@pytest.fixture
def courses(world):
    world.add_course(KEY_A, "Alpha", START, END)
    world.add_course(KEY_B, "Beta")
    world.add_course(KEY_C, "Gamma")
    return world


# --- courses -------------------------------------------------------------------------------------------------------


def test_get_courses_returns_known_courses_in_one_query(courses, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = courses.backend.get_courses([KEY_A, str(KEY_B), UNKNOWN])
    assert set(found) == {KEY_A, KEY_B}
    assert found[KEY_A] == CourseInfo(course_key=KEY_A, display_name="Alpha", start=START, end=END)
    assert found[KEY_B].display_name == "Beta"
    assert found[KEY_B].start is None and found[KEY_B].end is None


def test_get_courses_of_nothing_runs_no_query(courses, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert courses.backend.get_courses([]) == {}


def test_get_course(courses):
    info = courses.backend.get_course(str(KEY_A))
    assert info.course_key == KEY_A
    assert info.display_name == "Alpha"
    assert (info.start, info.end) == (START, END)
    assert courses.backend.get_course(UNKNOWN) is None


# --- course roles --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, course, expected",
    [
        ("staff", KEY_A, True),
        ("instructor", KEY_A, True),
        ("beta_testers", KEY_A, False),  # another role
        ("staff", KEY_B, False),  # staff of another course
    ],
)
def test_is_course_staff_by_role(courses, role, course, expected):
    user = factories.make_user()
    courses.add_role(user, course, role)
    assert courses.backend.is_course_staff(user, KEY_A) is expected
    assert courses.backend.is_course_staff(user, str(KEY_A)) is expected


def test_global_staff_is_course_staff_everywhere(courses):
    admin = factories.make_user(is_staff=True)
    assert courses.backend.is_course_staff(admin, KEY_A)
    assert courses.backend.is_course_staff(admin, KEY_C)


def test_inactive_and_anonymous_users_are_never_course_staff(courses):
    inactive = factories.make_user(is_active=False)
    courses.add_role(inactive, KEY_A, "staff")
    inactive_admin = factories.make_user(is_staff=True, is_active=False)
    assert not courses.backend.is_course_staff(inactive, KEY_A)
    assert not courses.backend.is_course_staff(inactive_admin, KEY_A)
    assert not courses.backend.is_course_staff(AnonymousUser(), KEY_A)


def test_staff_course_keys(courses):
    user = factories.make_user()
    courses.add_role(user, KEY_A, "staff")
    courses.add_role(user, KEY_B, "instructor")
    courses.add_role(user, KEY_C, "beta_testers")
    other = factories.make_user()
    courses.add_role(other, KEY_C, "staff")
    assert courses.backend.staff_course_keys(user) == {KEY_A, KEY_B}
    assert courses.backend.staff_course_keys(factories.make_user()) == set()


def test_staff_course_keys_of_inactive_and_anonymous_users_are_empty(courses):
    inactive = factories.make_user(is_active=False)
    courses.add_role(inactive, KEY_A, "staff")
    assert courses.backend.staff_course_keys(inactive) == set()
    assert courses.backend.staff_course_keys(AnonymousUser()) == set()


# --- enrollments ---------------------------------------------------------------------------------------------------


def test_enroll_creates_an_active_enrollment(courses):
    user = factories.make_user()
    courses.backend.enroll(user, str(KEY_A))
    assert courses.enrollment(user, KEY_A) == ("audit", True)
    assert courses.backend.enrolled_course_keys(user) == {KEY_A}


def test_enroll_is_idempotent(courses):
    user = factories.make_user()
    courses.backend.enroll(user, KEY_A)
    courses.backend.enroll(user, KEY_A)
    assert courses.enrollment_count(user, KEY_A) == 1
    assert courses.enrollment(user, KEY_A) == ("audit", True)


def test_enroll_leaves_an_active_enrollment_and_its_mode_alone(courses):
    """The platform's CourseEnrollment.enroll would downgrade a verified learner to the mode given."""
    user = factories.make_user()
    courses.add_enrollment(user, KEY_A, mode="verified")
    courses.backend.enroll(user, KEY_A)
    assert courses.enrollment(user, KEY_A) == ("verified", True)


def test_enroll_reactivates_an_inactive_enrollment(courses):
    user = factories.make_user()
    courses.add_enrollment(user, KEY_A, is_active=False)
    courses.backend.enroll(user, KEY_A)
    assert courses.enrollment_count(user, KEY_A) == 1
    assert courses.enrollment(user, KEY_A)[1] is True


def test_enroll_in_an_unknown_course_raises(courses):
    user = factories.make_user()
    with pytest.raises(EnrollmentRefused, match="does not exist") as refused:
        courses.backend.enroll(user, UNKNOWN)
    assert isinstance(refused.value, ValueError) and refused.value.reason == EnrollmentRefused.COURSE_NOT_FOUND
    assert courses.enrollment(user, UNKNOWN) is None


def test_enrolled_course_keys(courses):
    user = factories.make_user()
    courses.add_enrollment(user, KEY_A)
    courses.add_enrollment(user, KEY_B, is_active=False)
    courses.add_enrollment(user, KEY_C)
    courses.add_enrollment(factories.make_user(), KEY_B)
    backend = courses.backend
    assert backend.enrolled_course_keys(user) == {KEY_A, KEY_C}
    assert backend.enrolled_course_keys(user, [KEY_A, str(KEY_B)]) == {KEY_A}
    assert backend.enrolled_course_keys(user, [UNKNOWN]) == set()
    assert backend.enrolled_course_keys(user, []) == set()
    assert all(isinstance(key, CourseKey) for key in backend.enrolled_course_keys(user))


# --- enrolment as the platform's enrolment API does it (issue 12) --------------------------------------------------

KEY_D = CourseKey.from_string("course-v1:ContractOrg+D404+2026")
PAST, FUTURE = datetime(2020, 1, 1, tzinfo=UTC), datetime(2999, 1, 1, tzinfo=UTC)


class PreventAll:
    """A ``CourseEnrollmentStarted`` pipeline step that refuses every enrolment (openedx-filters' shape)."""

    def run_filter(self, user, course_key, mode):  # pylint: disable=unused-argument
        raise host_enrollment.PreventEnrollment("Enrolment is handled by the company's LMS team.")


@pytest.fixture
def created_events():
    """The COURSE_ENROLLMENT_CREATED events sent during the test (the platform sends one per new enrolment)."""
    sent = []

    def receiver(signal, sender=None, enrollment=None, metadata=None, **kwargs):  # pylint: disable=unused-argument
        sent.append((enrollment.user.id, enrollment.course.course_key, enrollment.mode, enrollment.user.pii.name))

    COURSE_ENROLLMENT_CREATED.connect(receiver)
    yield sent
    COURSE_ENROLLMENT_CREATED.disconnect(receiver)


def _refused(world, user, key, reason):
    with pytest.raises(EnrollmentRefused) as refused:
        world.backend.enroll(user, key)
    assert refused.value.reason == reason
    assert world.enrollment(user, key) in (None, ("audit", False))  # nothing enrolled
    return refused.value


def test_enroll_takes_the_course_default_mode(courses):
    """No mode given: the course's default (``audit``, else ``honor``), not a hard-coded ``audit``."""
    courses.add_course(KEY_D, "Delta")
    for slug in ("honor", "verified"):
        host.CourseMode.objects.create(course_id=KEY_D, mode_slug=slug)
    user = factories.make_user()
    courses.backend.enroll(user, KEY_D)
    assert courses.enrollment(user, KEY_D) == ("honor", True)


def test_enroll_in_a_paid_only_course_is_refused(courses):
    courses.add_course(KEY_D, "Delta")
    host.CourseMode.objects.create(course_id=KEY_D, mode_slug="verified")
    _refused(courses, factories.make_user(), KEY_D, EnrollmentRefused.MODE_UNAVAILABLE)


def test_enroll_after_enrolment_closed_is_refused(courses):
    courses.add_course(KEY_D, "Delta", enrollment_end=PAST)
    refusal = _refused(courses, factories.make_user(), KEY_D, EnrollmentRefused.ENROLLMENT_CLOSED)
    assert str(refusal) == f"enrolment in {KEY_D} is closed."


def test_enroll_before_enrolment_opens_is_refused(courses):
    courses.add_course(KEY_D, "Delta", enrollment_start=FUTURE)
    _refused(courses, factories.make_user(), KEY_D, EnrollmentRefused.ENROLLMENT_CLOSED)


def test_course_staff_enrol_in_a_closed_course(courses):
    courses.add_course(KEY_D, "Delta", enrollment_end=PAST, invitation_only=True)
    staff = factories.make_user()
    courses.add_role(staff, KEY_D, "staff")
    courses.backend.enroll(staff, KEY_D)
    assert courses.enrollment(staff, KEY_D) == ("audit", True)


def test_enroll_in_an_invitation_only_course(courses):
    courses.add_course(KEY_D, "Delta", invitation_only=True)
    _refused(courses, factories.make_user(), KEY_D, EnrollmentRefused.INVITATION_ONLY)
    invited = factories.make_user("invited")
    host.CourseEnrollmentAllowed.objects.create(email=invited.email, course_id=KEY_D)
    courses.backend.enroll(invited, KEY_D)
    assert courses.enrollment(invited, KEY_D) == ("audit", True)


def test_enroll_in_a_full_course_is_refused_staff_not_counted(courses):
    courses.add_course(KEY_D, "Delta", max_student_enrollments_allowed=1)
    staff = factories.make_user()
    courses.add_role(staff, KEY_D, "staff")
    courses.add_enrollment(staff, KEY_D)
    first = factories.make_user()
    courses.backend.enroll(first, KEY_D)  # the staff member's enrollment does not count
    _refused(courses, factories.make_user(), KEY_D, EnrollmentRefused.COURSE_FULL)
    courses.backend.enroll(first, KEY_D)  # already enrolled: still fine


def test_an_enrolment_filter_step_can_refuse(courses, settings):
    settings.OPEN_EDX_FILTERS_CONFIG = {
        host_enrollment.ENROLLMENT_STARTED: {"pipeline": [f"{__name__}.PreventAll"], "fail_silently": False}
    }
    refusal = _refused(courses, factories.make_user(), KEY_A, EnrollmentRefused.NOT_ALLOWED)
    assert "handled by the company's LMS team" in str(refusal)


def test_enroll_a_user_without_a_profile(courses, created_events):
    """The platform's enroll reads ``user.profile.name``: the backend gives the account its profile first."""
    user = factories.make_user("noprofile", first_name="No", last_name="Profile")
    assert "noprofile" not in courses.profile_names()
    courses.backend.enroll(user, KEY_A)
    assert courses.enrollment(user, KEY_A) == ("audit", True)
    assert courses.profile_names()["noprofile"] == "No Profile"
    assert created_events == [(user.pk, KEY_A, "audit", "No Profile")]


def test_enroll_sends_course_enrollment_created_once(courses, created_events):
    """The platform sends COURSE_ENROLLMENT_CREATED in the same request (the plugin's receiver gets it back)."""
    user = factories.make_user()
    courses.backend.enroll(user, KEY_A)
    courses.backend.enroll(user, KEY_A)  # already enrolled: no call, no second event
    assert len(created_events) == 1


# --- org-level course roles (issue 12) ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["staff", "instructor"])
def test_an_org_level_role_is_staff_of_every_course_of_the_org(courses, role):
    """The LMS's has_access(user, "staff", course) counts OrgStaffRole / OrgInstructorRole (org, no course)."""
    user = factories.make_user()
    courses.add_org_role(user, "ContractOrg", role)
    assert courses.backend.is_course_staff(user, KEY_A)
    assert courses.backend.is_course_staff(user, str(KEY_B))
    assert not courses.backend.is_course_staff(user, KEY_C)  # another org
    assert courses.backend.staff_course_keys(user) == {KEY_A, KEY_B}


def test_an_org_level_role_of_an_inactive_user_counts_for_nothing(courses):
    user = factories.make_user(is_active=False)
    courses.add_org_role(user, "ContractOrg", "staff")
    assert not courses.backend.is_course_staff(user, KEY_A)
    assert courses.backend.staff_course_keys(user) == set()


def test_another_org_level_role_is_not_staff(courses):
    user = factories.make_user()
    courses.add_org_role(user, "ContractOrg", "beta_testers")
    assert not courses.backend.is_course_staff(user, KEY_A)
    assert courses.backend.staff_course_keys(user) == set()


# --- urls and keys -------------------------------------------------------------------------------------------------


def test_create_user_profiles_names_new_users_and_keeps_existing_profiles(world, django_assert_max_num_queries):
    named = factories.make_user("ana", first_name="Ana", last_name="Lima")
    bare = factories.make_user("noname", first_name="", last_name="")
    world.backend.create_user_profiles([named])
    named.first_name = "Changed"
    with django_assert_max_num_queries(2):
        world.backend.create_user_profiles([named, bare])
    assert world.profile_names() == {"ana": "Ana Lima", "noname": "noname"}
    world.backend.create_user_profiles([])
    assert len(world.profile_names()) == 2


def test_course_url_is_a_string_with_the_key(courses):
    url = courses.backend.course_url(str(KEY_A))
    assert isinstance(url, str)
    assert str(KEY_A) in url


@pytest.mark.parametrize("garbage", ["not a course", "", "course-v1:missing-parts"])
def test_garbage_course_keys_fail_clearly(courses, garbage):
    with pytest.raises(ValueError, match="is not a valid course key"):
        courses.backend.get_course(garbage)
    with pytest.raises(ValueError, match="is not a valid course key"):
        courses.backend.enrolled_course_keys(factories.make_user(), [garbage])


# --- backend-specific ----------------------------------------------------------------------------------------------


def test_parse_course_key():
    assert parse_course_key(KEY_A) is KEY_A
    assert parse_course_key(str(KEY_A)) == KEY_A
    with pytest.raises(ValueError, match="'garbage' is not a valid course key"):
        parse_course_key("garbage")


def test_platform_backend_uses_the_learning_mfe_home(settings):
    settings.LEARNING_MICROFRONTEND_URL = "http://apps.example.com/learning"
    with fake.installed_fake_platform():
        url = OpenedxPlatformBackend().course_url(KEY_A)
    assert url == f"http://apps.example.com/learning/course/{KEY_A}/home"


def test_platform_backend_names_a_course_without_display_name_by_its_key(db):
    # CourseOverview.display_name is nullable in the platform; the host table behind the fake is not, so "" here.
    fake.FakeCourseOverview.objects.create(id=KEY_A, display_name="")
    with fake.installed_fake_platform():
        assert OpenedxPlatformBackend().get_course(KEY_A).display_name == str(KEY_A)


def test_platform_backend_counts_inherited_limited_staff_as_staff(db):
    """The platform's CourseStaffRole includes ``limited_staff`` (its BASE_ROLE is staff); the backend follows it."""
    user = factories.make_user()
    fake.FakeCourseOverview.objects.create(id=KEY_A, display_name="Alpha")
    fake.FakeCourseAccessRole.objects.create(user=user, course_id=KEY_A, org=KEY_A.org, role="limited_staff")
    with fake.installed_fake_platform():
        assert OpenedxPlatformBackend().is_course_staff(user, KEY_A)
        assert OpenedxPlatformBackend().staff_course_keys(user) == {KEY_A}


def test_platform_backend_outside_the_platform_fails_with_a_clear_message(db):
    user = factories.make_user()
    with pytest.raises(PlatformUnavailable, match="needs openedx-platform; set PERF_MGMT_PLATFORM_BACKEND"):
        OpenedxPlatformBackend().enrolled_course_keys(user)


# --- content tagging (the REAL openedx_tagging, installed in the host; the platform backend imports it via compat) --


@pytest.fixture
def taxonomies(world):
    from tests.tagging import make_taxonomy

    skills = make_taxonomy(
        "Skills",
        [("Leadership", "LEAD", [("Coaching", "COACH", [("Feedback", None, [])])]), ("Planning", None, [])],
        description="What we train",
        export_id="skills",
    )
    archived = make_taxonomy("Archived", [("Old", None, [])], enabled=False, export_id="archived")
    free = make_taxonomy("Keywords", allow_free_text=True, export_id="keywords")
    return SimpleNamespace(world=world, backend=world.backend, skills=skills, archived=archived, free=free)


def _tag_ids(taxonomy):
    from openedx_tagging.models import Tag

    return dict(Tag.objects.filter(taxonomy=taxonomy).values_list("value", "pk"))


def test_list_taxonomies_in_one_query(taxonomies, django_assert_num_queries):
    from perf_mgmt_plugin.openedx.backend import TaxonomyInfo

    with django_assert_num_queries(1):
        found = taxonomies.backend.list_taxonomies()
    by_name = {info.name: info for info in found}
    assert [info.name for info in found] == sorted(by_name)  # by name
    assert by_name["Skills"] == TaxonomyInfo(
        id=taxonomies.skills.pk,
        name="Skills",
        description="What we train",
        export_id="skills",
        enabled=True,
        allow_free_text=False,
    )
    assert by_name["Archived"].enabled is False  # disabled taxonomies are listed too
    assert by_name["Keywords"].allow_free_text is True


def test_get_taxonomy_tree_has_every_level_with_parents(taxonomies, django_assert_max_num_queries):
    from perf_mgmt_plugin.openedx.backend import TagInfo

    ids = _tag_ids(taxonomies.skills)
    with django_assert_max_num_queries(2):
        tree = taxonomies.backend.get_taxonomy_tree(taxonomies.skills.pk)
    assert tree.taxonomy.name == "Skills" and tree.taxonomy.export_id == "skills"
    assert set(tree.tags) == {
        TagInfo(id=ids["Leadership"], value="Leadership", external_id="LEAD", parent_id=None),
        TagInfo(id=ids["Coaching"], value="Coaching", external_id="COACH", parent_id=ids["Leadership"]),
        TagInfo(id=ids["Feedback"], value="Feedback", external_id="", parent_id=ids["Coaching"]),
        TagInfo(id=ids["Planning"], value="Planning", external_id="", parent_id=None),
    }


def test_get_taxonomy_tree_queries_do_not_grow_with_the_taxonomy(taxonomies, django_assert_max_num_queries):
    from tests.tagging import add_tags

    add_tags(taxonomies.skills, [(f"Skill {n}", None, [(f"Sub {n}", None, [])]) for n in range(15)], "Planning")
    with django_assert_max_num_queries(2):
        tree = taxonomies.backend.get_taxonomy_tree(taxonomies.skills.pk)
    assert len(tree.tags) == 4 + 30


def test_get_taxonomy_tree_of_unknown_and_free_text_taxonomies(taxonomies):
    from tests.tagging import tag

    tag("course-v1:ContractOrg+A101+2026", taxonomies.free, "whatever")  # a value in use is not a predefined tag
    assert taxonomies.backend.get_taxonomy_tree(999999) is None
    free = taxonomies.backend.get_taxonomy_tree(taxonomies.free.pk)
    assert free.taxonomy.allow_free_text and free.tags == ()
    archived = taxonomies.backend.get_taxonomy_tree(taxonomies.archived.pk)
    assert [t.value for t in archived.tags] == ["Old"]


def test_tagged_objects_in_one_query(taxonomies, django_assert_num_queries):
    from openedx_tagging import api as tagging_api

    from perf_mgmt_plugin.openedx.backend import TaggedObject
    from tests.tagging import tag

    block = "block-v1:ContractOrg+A101+2026+type@vertical+block@unit1"
    library_block = "lb:ContractOrg:lib1:html:intro"
    tag(KEY_A, taxonomies.skills, "Coaching", "Planning")
    tag(block, taxonomies.skills, "Feedback")
    tag(library_block, taxonomies.skills, "Leadership")
    tag(KEY_B, taxonomies.archived, "Old")  # another taxonomy
    tag(KEY_B, taxonomies.free, "anything")  # free text: no tag
    tagging_api.add_tag_to_taxonomy(taxonomies.skills, "Gone")
    tag(KEY_C, taxonomies.skills, "Gone")
    tagging_api.delete_tags_from_taxonomy(taxonomies.skills, ["Gone"], with_subtags=False)  # object tag stays, tag NULL
    tagging_api.update_tag_in_taxonomy(taxonomies.skills, "Planning", "Planning work")  # renamed: current value
    ids = _tag_ids(taxonomies.skills)
    with django_assert_num_queries(1):
        found = taxonomies.backend.tagged_objects(taxonomies.skills.pk)
    assert set(found) == {
        TaggedObject(str(KEY_A), ids["Coaching"], "Coaching"),
        TaggedObject(str(KEY_A), ids["Planning work"], "Planning work"),
        TaggedObject(block, ids["Feedback"], "Feedback"),
        TaggedObject(library_block, ids["Leadership"], "Leadership"),
    }
    assert len(found) == 4
    assert taxonomies.backend.tagged_objects(taxonomies.free.pk) == []
    assert taxonomies.backend.tagged_objects(999999) == []


def test_platform_backend_reads_tagging_through_compat(db):
    """compat finds openedx-core's ``openedx_tagging.models`` (the older ``openedx_tagging.core.tagging`` is absent)."""
    from openedx_tagging import models as tagging_models

    from perf_mgmt_plugin.openedx import compat

    assert compat.tagging_models() == (tagging_models.Taxonomy, tagging_models.Tag, tagging_models.ObjectTag)


def test_platform_backend_falls_back_to_the_older_tagging_module_path(db):
    """Teak and Ulmo install openedx-learning, whose tagging models live in ``openedx_tagging.core.tagging.models``."""
    from openedx_tagging import models as tagging_models

    from perf_mgmt_plugin.openedx import compat

    older = {
        "openedx_tagging.core.tagging.models": {
            name: getattr(tagging_models, name) for name in ("Taxonomy", "Tag", "ObjectTag")
        }
    }
    with fake.installed_fake_modules(older), fake.hidden_modules("openedx_tagging.models"):
        assert compat.tagging_models() == (tagging_models.Taxonomy, tagging_models.Tag, tagging_models.ObjectTag)


def test_platform_backend_without_tagging_fails_with_a_clear_message(db):
    with fake.hidden_modules("openedx_tagging"), pytest.raises(PlatformUnavailable, match="Content tagging"):
        OpenedxPlatformBackend().list_taxonomies()
