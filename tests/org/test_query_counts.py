"""
Query counts of every page, API call and Django admin page of the org domain: pinned, and independent of the data.

Each entry point is measured on the ``org`` fixture, then again after the organisation grew by 30 people, three
more reporting levels and three more unit levels (plus positions, grants, HR scopes, import jobs, courses taught),
and the two counts must both equal the pinned number. A query per row (an N+1) would make the second count larger;
a change that adds or removes a query anywhere changes the pin, on purpose, so it is seen in review.

Every request runs twice in a savepoint that is rolled back: the first warms the per-process caches (content
types) and the rollback keeps writes (an applied import, a moved manager) from changing the next measurement.
Lists stay within one page (fewer than 50 rows), so pagination does not hide growth.
"""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.models.functions import Length
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey
from rest_framework.test import APIClient

from lms_host.courses.models import Course, CourseAccessRole
from perf_mgmt_plugin.org import importer
from perf_mgmt_plugin.org.models import AccessGrant, Employee, HRAdminScope, ImportJob, OrgUnit

from .. import factories

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("org_once"),
]

API = "/perf-mgmt/api/v1/"
PAGES = "/perf-mgmt/"
ADMIN = "/admin/perf_mgmt/"

# fmt: off
#: entry point -> (user, method, url or a function of the scene giving it, body or a function giving it, queries)
#: "deepest" is the person (or unit) furthest from the top: their chain grows with every level added.
ENTRY_POINTS = {
    # REST API
    "api.me":                 ("manager", "get", API + "me/", None, 9),
    "api.people (hr)":        ("hr", "get", API + "people/", None, 8),
    "api.people (manager)":   ("manager", "get", API + "people/", None, 7),
    "api.people (hr_eng)":    ("hr_eng", "get", API + "people/", None, 8),
    "api.person":             ("hr", "get", lambda s: f"{API}people/{s.deepest.pk}/", None, 7),
    "api.chain (hr)":         ("hr", "get", lambda s: f"{API}people/{s.deepest.pk}/chain/", None, 8),
    "api.chain (manager)":    ("manager", "get", lambda s: f"{API}people/{s.deepest.pk}/chain/", None, 7),
    "api.team (ceo)":         ("ceo", "get", API + "team/", None, 8),
    "api.team direct":        ("manager", "get", API + "team/?direct=true", None, 8),
    "api.org-units":          ("hr", "get", API + "org-units/", None, 8),
    "api.positions":          ("hr", "get", API + "positions/", None, 8),
    "api.import post":        ("hr", "post", API + "org-import/", lambda s: s.import_rows, 17),
    "api.import job":         ("hr", "get", lambda s: f"{API}org-import/{s.job.pk}/", None, 7),
    # Pages
    "page.home (deepest)":    ("deepest", "get", PAGES, None, 9),
    "page.team (ceo)":        ("ceo", "get", PAGES + "team/", None, 11),
    "page.people (hr)":       ("hr", "get", PAGES + "people/", None, 11),
    "page.people (hr_eng)":   ("hr_eng", "get", PAGES + "people/", None, 11),
    "page.org-chart":         ("hr", "get", PAGES + "org-chart/", None, 8),
    "page.courses":           ("cstaff", "get", PAGES + "courses/", None, 9),
    "page.import":            ("hr", "get", PAGES + "org-import/", None, 8),
    "page.import upload":     ("hr", "post", PAGES + "org-import/", lambda s: s.upload(), 15),
    "page.import job":        ("hr", "get", lambda s: f"{PAGES}org-import/{s.job.pk}/", None, 8),
    "page.import apply":      ("hr", "post", lambda s: f"{PAGES}org-import/{s.job.pk}/apply/", None, 23),
    # Django admin
    "admin.index":            ("hr", "get", "/admin/", None, 9),
    "admin.employee list":    ("hr", "get", ADMIN + "employee/", None, 13),
    "admin.employee list (hr_eng)": ("hr_eng", "get", ADMIN + "employee/", None, 13),
    "admin.employee search":  ("hr", "get", ADMIN + "employee/?q=Tester&active__exact=1", None, 13),
    "admin.employee change":  ("hr", "get", lambda s: f"{ADMIN}employee/{s.deepest.pk}/change/", None, 14),
    "admin.employee save":    ("hr", "post", lambda s: f"{ADMIN}employee/{s.manager.pk}/change/",
                               lambda s: s.move_manager(), 23),
    "admin.employee add":     ("hr", "get", ADMIN + "employee/add/", None, 8),
    "admin.employee history": ("hr", "get", lambda s: f"{ADMIN}employee/{s.deepest.pk}/history/", None, 13),
    "admin.autocomplete":     ("hr", "get", "/admin/autocomplete/?app_label=perf_mgmt&model_name=employee"
                               "&field_name=manager&term=Tester", None, 8),
    "admin.orgunit list":     ("hr", "get", ADMIN + "orgunit/", None, 11),
    "admin.orgunit change":   ("hr", "get", lambda s: f"{ADMIN}orgunit/{s.deepest_unit.pk}/change/", None, 10),
    "admin.orgunit save":     ("hr", "post", lambda s: f"{ADMIN}orgunit/{s.org.engineering.pk}/change/",
                               lambda s: s.move_engineering(), 18),
    "admin.orgunit add":      ("hr", "get", ADMIN + "orgunit/add/", None, 8),
    "admin.orgunit history":  ("hr", "get", lambda s: f"{ADMIN}orgunit/{s.deepest_unit.pk}/history/", None, 12),
    "admin.position list":    ("hr", "get", ADMIN + "position/", None, 11),
    "admin.position change":  ("hr", "get", lambda s: f"{ADMIN}position/{s.org.dev.pk}/change/", None, 10),
    "admin.position add":     ("hr", "get", ADMIN + "position/add/", None, 8),
    "admin.hradminscope list": ("hr", "get", ADMIN + "hradminscope/", None, 11),
    "admin.hradminscope change": ("hr", "get", lambda s: f"{ADMIN}hradminscope/{s.scope.pk}/change/", None, 13),
    "admin.accessgrant list": ("hr", "get", ADMIN + "accessgrant/", None, 11),
    "admin.accessgrant change": ("hr", "get", lambda s: f"{ADMIN}accessgrant/{s.grant.pk}/change/", None, 16),
    "admin.accessgrant add":  ("hr", "get", ADMIN + "accessgrant/add/", None, 8),
    "admin.accessgrant revoke": ("hr", "post", ADMIN + "accessgrant/", lambda s: s.revoke_all(), 9),
    "admin.importjob list":   ("hr", "get", ADMIN + "importjob/", None, 13),
    "admin.importjob change": ("hr", "get", lambda s: f"{ADMIN}importjob/{s.job.pk}/change/", None, 10),
}
# fmt: on


class Scene:
    """The organisation under measurement and the objects the entry points point at."""

    def __init__(self, org):
        self.org = org
        for name in ("hr", "hr_eng"):
            user = getattr(org, name)
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        self.users = {
            "manager": org.manager.user,
            "ceo": org.ceo.user,
            "hr": org.hr,
            "hr_eng": org.hr_eng,
            "cstaff": org.staff,
        }
        self.manager = org.manager
        self.grant = AccessGrant.objects.create(
            grantee=org.outsider, subject=org.manager, ends_at=timezone.now() + timedelta(days=5), granted_by=org.hr
        )
        self.serial = 0
        self.job = self.preview()

    @property
    def deepest(self):
        return (
            Employee.objects.filter(active=True).order_by(Length("path").desc(), "-pk").select_related("user").first()
        )

    @property
    def deepest_unit(self):
        return OrgUnit.objects.order_by(Length("path").desc(), "-pk").first()

    @property
    def import_rows(self):
        return {"kind": "positions", "rows": [{"code": "QA", "title": "QA engineer", "org_unit": "PLAT"}]}

    def upload(self):
        return {"kind": "positions", "file": SimpleUploadedFile("p.csv", b"code,title,org_unit\nQA,QA,PLAT\n")}

    def preview(self):
        """A succeeded preview (dry run) uploaded by hr, ready to apply."""
        rows = importer.rows_from_json([{"code": "QA", "title": "QA engineer", "org_unit": "PLAT"}])
        job = importer.create_job("positions", rows, user=self.org.hr, dry_run=True, origin="page", keep=True)
        importer.execute_job(job)
        job.refresh_from_db()
        return job

    def move_manager(self):
        """The admin form moving ``manager`` (and everyone under them) under the seller."""
        manager = Employee.objects.get(pk=self.manager.pk)
        return {
            "user": manager.user_id,
            "employee_number": manager.employee_number,
            "org_unit": manager.org_unit_id,
            "manager": self.org.seller.pk,
            "active": "on",
        }

    @property
    def scope(self):
        return HRAdminScope.objects.order_by("pk").first()

    def move_engineering(self):
        """The admin form moving ENG (and its sub-units, which grow) under SALES."""
        unit = self.org.engineering
        return {"code": unit.code, "name": unit.name, "kind": unit.kind, "parent": self.org.sales.pk, "active": "on"}

    def revoke_all(self):
        """The changelist action revoking every grant (their number grows)."""
        return {"action": "revoke", "_selected_action": list(AccessGrant.objects.values_list("pk", flat=True))}

    def grow(self):
        """+30 people, +3 reporting levels below the deepest person, +3 unit levels, and more of everything else."""
        org = self.org
        unit = org.platform
        for _ in range(3):
            unit = factories.make_unit(parent=unit)
        positions = [factories.make_position(org_unit=unit) for _ in range(5)]
        boss = self.deepest
        for level in range(3):
            boss = factories.make_employee(manager=boss, org_unit=unit, position=positions[level])
        for i in range(10):
            factories.make_employee(manager=org.manager, org_unit=org.platform, position=positions[i % 5])
            factories.make_employee(manager=org.director, org_unit=unit, position=positions[i % 5])
            factories.make_employee(manager=org.seller, org_unit=org.sales)
        # 33 more people in total; everyone is still on the first page of every list.
        assert Employee.objects.count() == 6 + 33
        for i in range(4):
            grantee = factories.make_user()
            AccessGrant.objects.create(grantee=grantee, subject=org.bob, ends_at=timezone.now() + timedelta(days=i + 1))
            HRAdminScope.objects.create(user=grantee, org_unit=org.sales)
            key = CourseKey.from_string(f"course-v1:DemoOrg+C{i}+2026")
            Course.objects.create(id=key, display_name=f"Course {i}")
            CourseAccessRole.objects.create(user=org.staff, course_id=key, role="instructor", org="DemoOrg")
        for _ in range(4):
            self.preview()
        self.job = self.preview()


@pytest.fixture
def scene(org):
    return Scene(org)


def _measure(scene, entry):
    role, method, url, body, _ = ENTRY_POINTS[entry]
    url = url(scene) if callable(url) else url
    client = APIClient()
    client.force_login(scene.deepest.user if role == "deepest" else scene.users[role])
    for _ in range(2):  # the first run warms per-process caches; both are rolled back
        data = body(scene) if callable(body) else body
        with transaction.atomic():
            with CaptureQueriesContext(connection) as queries:
                if method == "get":
                    response = client.get(url)
                elif url.startswith(API):
                    response = client.post(url, data, format="json")
                else:
                    response = client.post(url, data or {})
            transaction.set_rollback(True)
    assert response.status_code in (200, 302), (entry, response.status_code, response.content[:300])
    if response.status_code == 302:
        assert "/login/" not in response["Location"] and response["Location"] != "/admin/", response["Location"]
        form = response.context and response.context.get("adminform")
        assert not (form and form.form.errors), form.form.errors
    return len(queries), [query["sql"] for query in queries.captured_queries]


def test_query_counts_are_pinned_and_do_not_grow_with_the_organisation(scene):
    """
    All entry points measured on the small org, then (one growth, it takes a while) on the grown org; every
    mismatch is reported together, with the SQL of the grown org's run.
    """
    small = {entry: _measure(scene, entry) for entry in ENTRY_POINTS}
    scene.grow()
    large = {entry: _measure(scene, entry) for entry in ENTRY_POINTS}
    report = []
    for entry, (*_, pinned) in ENTRY_POINTS.items():
        if small[entry][0] != pinned or large[entry][0] != pinned:
            report.append(
                f"{entry}: {small[entry][0]} queries on the small org, {large[entry][0]} grown, {pinned} pinned"
            )
            report.extend(f"    {sql}" for sql in large[entry][1])
    assert not report, "\n".join(report)


def test_growth_really_grows_what_the_entry_points_show(scene):
    """The second measurement is meaningful: the lists and the chain it reads are longer than the first."""
    before = (scene.deepest.path, Employee.objects.count(), OrgUnit.objects.count(), ImportJob.objects.count())
    scene.grow()
    after = (scene.deepest.path, Employee.objects.count(), OrgUnit.objects.count(), ImportJob.objects.count())
    assert len(after[0]) == len(before[0]) + 3 * 6  # three more reporting levels
    assert after[1] == before[1] + 33 and after[2] == before[2] + 3 and after[3] == before[3] + 5
    client = APIClient()
    client.force_login(scene.org.ceo.user)
    assert client.get(API + "team/").json()["count"] == 5 + 33


def test_every_org_entry_point_is_measured(scene):
    """Every REST call and page of the org domain, and each org model's admin pages, has a pinned count here."""
    from django.urls import resolve

    from .test_permission_matrix import ADMIN_MODELS, PAGE_ROUTES, ROUTES

    names = set()
    for _, _, url, _, _ in ENTRY_POINTS.values():
        match = resolve((url(scene) if callable(url) else url).split("?")[0])
        names.add((match.namespace, match.url_name))
    assert {("perf_mgmt:api-v1", name) for name in ROUTES} <= names
    assert {("perf_mgmt", name) for name in PAGE_ROUTES} <= names
    for model in ADMIN_MODELS:
        assert {("admin", f"perf_mgmt_{model}_changelist"), ("admin", f"perf_mgmt_{model}_change")} <= names, model
