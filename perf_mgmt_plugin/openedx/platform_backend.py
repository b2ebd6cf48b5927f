"""
The backend used inside openedx-platform: thin calls to the platform's own models, roles and helpers.

Only platform APIs that have been stable for several releases are used; ``compat`` lists the import paths and what
was checked in the platform's code.
"""

from . import compat
from .backend import (
    CourseInfo,
    EnrollmentRefused,
    PlatformBackend,
    TaggedObject,
    TagInfo,
    TaxonomyInfo,
    TaxonomyTree,
    parse_course_key,
)


class OpenedxPlatformBackend(PlatformBackend):
    """Reads courses, enrollments, course roles and content tags from openedx-platform."""

    def get_courses(self, course_keys):
        keys = [parse_course_key(key) for key in course_keys]
        if not keys:
            return {}
        # CourseOverview has dozens of columns; load only what CourseInfo shows, still in one query.
        overviews = (
            compat.course_overview_model().objects.filter(id__in=keys).only("id", "display_name", "start", "end")
        )
        return {
            overview.id: CourseInfo(
                course_key=overview.id,
                display_name=overview.display_name or str(overview.id),
                start=overview.start,
                end=overview.end,
            )
            for overview in overviews
        }

    def is_course_staff(self, user, course_key):
        if not user.is_authenticated or not user.is_active:
            return False
        if user.is_staff:
            return True
        key = parse_course_key(course_key)
        # The platform's role classes, not a CourseAccessRole query: they also see roles kept in openedx-authz and
        # inherited roles, and cache the user's roles for the request. Org-level roles give staff access to every
        # course of the org, as ``has_access(user, "staff", course)`` counts them.
        roles = compat.student_roles()
        return any(role(key).has_user(user) for role in (roles.CourseStaffRole, roles.CourseInstructorRole)) or any(
            role(key.org).has_user(user) for role in (roles.OrgStaffRole, roles.OrgInstructorRole)
        )

    def staff_course_keys(self, user):
        if not user.is_authenticated or not user.is_active:
            return set()
        roles = compat.student_roles()
        keys, orgs = set(), set()
        for role in self.STAFF_ROLES:
            for assignment in roles.UserBasedRole(user, role).courses_with_role():
                # Org-wide roles have no course: every course of the org; on master the key may be a string.
                if assignment.course_id:
                    keys.add(parse_course_key(assignment.course_id))
                elif assignment.org:
                    orgs.add(assignment.org)
        if orgs:
            overviews = compat.course_overview_model().objects.filter(org__in=orgs)
            keys.update(overviews.values_list("id", flat=True))
        return keys

    def enroll(self, user, course_key, mode=None):
        key = parse_course_key(course_key)
        enrollments = compat.course_enrollment_model()
        if enrollments.objects.filter(user=user, course_id=key, is_active=True).exists():
            # The platform would answer "already enrolled"; CourseEnrollment.enroll itself would even reset the mode
            # (verified -> the default) and send COURSE_ENROLLMENT_CREATED again.
            return
        # CourseEnrollment.enroll reads user.profile.name: accounts the plugin created may have none yet.
        self.create_user_profiles([user])
        add_enrollment, refusals = compat.enrollment_api()
        try:
            # The platform's own enrolment API: default mode, mode check, check_access, the enrolment filter; it
            # creates or reactivates the enrollment and sends the platform's events.
            add_enrollment(user.username, str(key), mode=mode)
        except tuple(error for error, _reason in refusals) as exc:
            reason = next(reason for error, reason in refusals if isinstance(exc, error))
            if reason is None:
                return  # enrolled by a concurrent request
            if reason == EnrollmentRefused.ENROLLMENT_CLOSED and self._invitation_only(key):
                reason = EnrollmentRefused.INVITATION_ONLY  # the platform says "closed" for both
            raise EnrollmentRefused(reason, key, exc) from exc

    @staticmethod
    def _invitation_only(key):
        overview = compat.course_overview_model().objects.filter(id=key).only("id", "invitation_only").first()
        return bool(overview and overview.invitation_only)

    def enrolled_course_keys(self, user, course_keys=None):
        rows = compat.course_enrollment_model().objects.filter(user=user, is_active=True)
        if course_keys is not None:
            # ``course`` is a FK to CourseOverview: ``course_id`` is its column, as the platform queries it.
            rows = rows.filter(course_id__in=[parse_course_key(key) for key in course_keys])
        return set(rows.values_list("course_id", flat=True))

    def course_url(self, course_key):
        return compat.learning_mfe_home_url(parse_course_key(course_key))

    def create_user_profiles(self, users):
        users = [user for user in users if user.pk is not None]
        if not users:
            return
        profiles = compat.user_profile_model()
        have = set(profiles.objects.filter(user_id__in=[user.pk for user in users]).values_list("user_id", flat=True))
        profiles.objects.bulk_create(
            [profiles(user=user, name=user.get_full_name() or user.username) for user in users if user.pk not in have]
        )

    # --- content tagging (openedx_tagging) ------------------------------------------------------------------------
    # Plain ``values_list`` reads of the three models, whose fields are the same in every release (see ``compat``):
    # one query each, nothing cast or annotated per tag.

    _TAXONOMY_FIELDS = ("id", "name", "description", "export_id", "enabled", "allow_free_text")

    def list_taxonomies(self):
        taxonomy_model, _tag, _object_tag = compat.tagging_models()
        rows = taxonomy_model.objects.order_by("name", "id").values_list(*self._TAXONOMY_FIELDS)
        return [_taxonomy_info(row) for row in rows]

    def get_taxonomy_tree(self, taxonomy_id):
        taxonomy_model, tag_model, _object_tag = compat.tagging_models()
        row = taxonomy_model.objects.filter(pk=taxonomy_id).values_list(*self._TAXONOMY_FIELDS).first()
        if row is None:
            return None
        info = _taxonomy_info(row)
        if info.allow_free_text:
            return TaxonomyTree(taxonomy=info)
        tags = tag_model.objects.filter(taxonomy_id=info.id).values_list("id", "value", "external_id", "parent_id")
        return TaxonomyTree(
            taxonomy=info,
            tags=tuple(
                TagInfo(id=pk, value=value, external_id=external_id or "", parent_id=parent_id)
                for pk, value, external_id, parent_id in tags
            ),
        )

    def tagged_objects(self, taxonomy_id):
        _taxonomy, _tag, object_tag_model = compat.tagging_models()
        # ``tag`` is NULL for free-text values and for tags deleted since; ``tag__value`` is the tag's current value
        # (the object tag's own ``_value`` is only a cache of it).
        rows = object_tag_model.objects.filter(taxonomy_id=taxonomy_id, tag__isnull=False).values_list(
            "object_id", "tag_id", "tag__value"
        )
        return [TaggedObject(object_id=object_id, tag_id=tag_id, value=value) for object_id, tag_id, value in rows]


def _taxonomy_info(row):
    pk, name, description, export_id, enabled, allow_free_text = row
    return TaxonomyInfo(
        id=pk,
        name=name,
        description=description or "",
        export_id=export_id or "",
        enabled=enabled,
        allow_free_text=allow_free_text,
    )
