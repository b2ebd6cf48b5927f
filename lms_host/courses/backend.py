"""The plugin's platform backend for this host: the same contract as the real one, over the host's models."""

from django.db.models import Count, Q
from django.urls import reverse
from opaque_keys.edx.django.models import CourseKeyField
from openedx_tagging import api as tagging_api
from openedx_tagging.models import ObjectTag

from perf_mgmt_plugin.openedx.backend import (
    CourseInfo,
    EnrollmentRefused,
    PlatformBackend,
    TaggedObject,
    TagInfo,
    TaxonomyInfo,
    TaxonomyTree,
    parse_course_key,
)

from . import enrollment
from .models import Course, CourseAccessRole, CourseBlock, CourseEnrollment, UserProfile


class HostPlatformBackend(PlatformBackend):
    """Courses, enrollments and roles of the stand-in host; content tagging is openedx-core's, installed here."""

    def get_courses(self, course_keys):
        keys = [parse_course_key(key) for key in course_keys]
        if not keys:
            return {}
        return {
            course.id: CourseInfo(course.id, course.display_name, course.start, course.end)
            for course in Course.objects.filter(id__in=keys)
        }

    def is_course_staff(self, user, course_key):
        # As the LMS's has_access(user, "staff", course): global staff, or a staff/instructor role in the course or
        # in its organisation (an org-level role: the org and no course).
        if not user.is_authenticated or not user.is_active:
            return False
        if user.is_staff:
            return True
        key = parse_course_key(course_key)
        in_course = Q(course_id=key)
        in_org = Q(course_id=CourseKeyField.Empty, org=key.org)
        return CourseAccessRole.objects.filter(in_course | in_org, user=user, role__in=self._STAFF_ROLES).exists()

    def staff_course_keys(self, user):
        if not user.is_authenticated or not user.is_active:
            return set()
        roles = CourseAccessRole.objects.filter(user=user, role__in=self._STAFF_ROLES)
        rows = list(roles.values_list("course_id", "org"))
        keys = {key for key, _org in rows if key}
        orgs = {org for key, org in rows if not key and org}
        if orgs:
            keys.update(Course.objects.filter(org__in=orgs).values_list("id", flat=True))
        return keys

    #: The platform's CourseStaffRole includes the inherited ``limited_staff`` role.
    _STAFF_ROLES = (*PlatformBackend.STAFF_ROLES, "limited_staff")

    def enroll(self, user, course_key, mode=None):
        key = parse_course_key(course_key)
        if CourseEnrollment.objects.filter(user=user, course_id=key, is_active=True).exists():
            return  # left as it is, mode included
        self.create_user_profiles([user])  # the enrolment reads user.profile.name, as the LMS's does
        try:
            enrollment.add_enrollment(user, key, mode=mode)
        except enrollment.Refused as exc:
            if exc.reason == enrollment.ALREADY_ENROLLED:
                return  # enrolled by a concurrent request
            raise EnrollmentRefused(exc.reason, key, exc.detail) from exc

    def enrolled_course_keys(self, user, course_keys=None):
        rows = CourseEnrollment.objects.filter(user=user, is_active=True)
        if course_keys is not None:
            rows = rows.filter(course_id__in=[parse_course_key(key) for key in course_keys])
        return set(rows.values_list("course_id", flat=True))

    def completable_block_counts(self, course_keys):
        # The host's course content is its top-level blocks, each of which records one completion.
        keys = [parse_course_key(key) for key in course_keys]
        if not keys:
            return {}
        rows = CourseBlock.objects.filter(course_id__in=keys).values_list("course_id").annotate(n=Count("id"))
        return dict(rows)

    def course_url(self, course_key):
        return reverse("host_course", kwargs={"course_id": str(parse_course_key(course_key))})

    def create_user_profiles(self, users):
        # Like the LMS's registration: one profile per user, named after the account; existing ones are kept.
        UserProfile.objects.bulk_create(
            [UserProfile(user=user, name=user.get_full_name() or user.username) for user in users if user.pk],
            ignore_conflicts=True,
        )

    # The host has the real openedx_tagging installed (as the LMS does) and reads it through its public api where
    # the api has a call for it; the platform backend reads the same models directly (see its ``compat`` notes).
    # Both give the same answers in ``tests/contract``.

    def list_taxonomies(self):
        return [_taxonomy_info(taxonomy) for taxonomy in tagging_api.get_taxonomies(enabled=None)]

    def get_taxonomy_tree(self, taxonomy_id):
        taxonomy = tagging_api.get_taxonomy(taxonomy_id)
        if taxonomy is None:
            return None
        info = _taxonomy_info(taxonomy)
        if info.allow_free_text:  # get_tags would list the values in use, which are not tags
            return TaxonomyTree(taxonomy=info)
        rows = list(tagging_api.get_tags(taxonomy))  # one query, every level, parents named by value
        ids = {row["value"]: row["_id"] for row in rows}
        return TaxonomyTree(
            taxonomy=info,
            tags=tuple(
                TagInfo(
                    id=row["_id"],
                    value=row["value"],
                    external_id=row["external_id"] or "",
                    parent_id=ids[row["parent_value"]] if row["parent_value"] is not None else None,
                )
                for row in rows
            ),
        )

    def tagged_objects(self, taxonomy_id):
        # openedx_tagging's api reads object tags one object at a time; like the platform's bulk reads, one query.
        object_tags = ObjectTag.objects.filter(taxonomy_id=taxonomy_id, tag__isnull=False).select_related("tag")
        return [TaggedObject(object_id=row.object_id, tag_id=row.tag_id, value=row.value) for row in object_tags]


def _taxonomy_info(taxonomy):
    return TaxonomyInfo(
        id=taxonomy.pk,
        name=taxonomy.name,
        description=taxonomy.description or "",
        export_id=taxonomy.export_id or "",
        enabled=taxonomy.enabled,
        allow_free_text=taxonomy.allow_free_text,
    )
