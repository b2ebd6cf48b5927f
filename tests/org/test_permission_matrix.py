"""
The permission matrix of the org domain: every role against every entry point (REST API, pages, Django admin).

How to read it:

* ``ROLES`` are the columns. The people come from the ``org`` fixture (tests/conftest.py)::

      ACME (company)            ceo
      ├── ENG (department)      director (reports to ceo)
      │   └── PLAT (team)       manager (reports to director); alice, bob (report to manager)
      └── SALES (department)    seller (reports to ceo)

  plus users with no employee record: ``hr`` (HR admin, whole org), ``hr_eng`` (HR admin limited to ENG), both
  with staff status so they can enter Django admin; ``cstaff`` (staff of one course), ``outsider`` (nothing);
  ``deleg`` (an active AccessGrant on *manager*: manager and their reports), ``deleg_exp`` / ``deleg_rev`` (the
  same grant, expired / revoked), ``deleg_unit`` (an active grant on the SALES unit); ``staff`` (Django staff with
  every Django model permission of the app but not an HR admin: the rules must still say no); ``super``
  (superuser). *alice* is "self" for her own record and *bob* her peer.
* ``VISIBLE`` is who each role may see (``perf_mgmt.view_employee``); ``TEAM`` is the "My team" list;
  ``ADMIN_PEOPLE`` / ``ADMIN_UNITS`` what the Django admin lists. Every list entry point asserts the exact set.
* ``MATRIX_TABLE`` gives, per entry point (one line), the expected outcome for each role (one column); its
  legend is just above it. ``ENTRY_POINTS`` gives the URL of each line.
* Entry points about one person (detail, chain, admin change/history) are checked for every role against every
  person: allowed exactly when the person is in the role's ``VISIBLE`` (API) or ``ADMIN_PEOPLE`` (admin) set.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from perf_mgmt_plugin.org import importer
from perf_mgmt_plugin.org.models import AccessGrant, Employee, HRAdminScope, ImportJob

from .. import factories

pytestmark = pytest.mark.django_db

ROLES = (
    "anon",
    "outsider",
    "alice",
    "bob",
    "manager",
    "director",
    "ceo",
    "hr",
    "hr_eng",
    "deleg",
    "deleg_exp",
    "deleg_rev",
    "deleg_unit",
    "cstaff",
    "staff",
    "super",
)

EVERYONE = {"ceo", "director", "manager", "alice", "bob", "seller"}
ENG = {"director", "manager", "alice", "bob"}
NOBODY = set()

# Who each role may see: their own record, their reports at any depth, their HR scope, their active grants.
VISIBLE = {
    "outsider": NOBODY,
    "alice": {"alice"},
    "bob": {"bob"},
    "manager": {"manager", "alice", "bob"},
    "director": {"director", "manager", "alice", "bob"},
    "ceo": EVERYONE,
    "hr": EVERYONE,
    "hr_eng": ENG,
    "deleg": {"manager", "alice", "bob"},
    "deleg_exp": NOBODY,
    "deleg_rev": NOBODY,
    "deleg_unit": {"seller"},
    "cstaff": NOBODY,
    "staff": NOBODY,
    "super": EVERYONE,
}

# "My team": reports at any depth and granted people, never oneself; None = no team, the page/API answers 403.
TEAM = {
    "manager": {"alice", "bob"},
    "director": {"manager", "alice", "bob"},
    "ceo": EVERYONE - {"ceo"},
    "deleg": {"manager", "alice", "bob"},
    "deleg_unit": {"seller"},
}

# Django admin: the people and units each admin user administers (everyone else never reaches a changelist).
ADMIN_PEOPLE = {"hr": EVERYONE, "hr_eng": ENG, "super": EVERYONE}
ADMIN_UNITS = {
    "hr": {"ACME", "ENG", "PLAT", "SALES"},
    "hr_eng": {"ENG", "PLAT"},
    "super": {"ACME", "ENG", "PLAT", "SALES"},
}

#: One row per entry point, one column per role (``ROLE_COLUMNS`` abbreviates ``ROLES``, in the same order).
#: Outcomes: 200; 401 (REST without credentials); 403; 404; 409 (apply refused: only the uploader may apply);
#: log = 302 to the sign-in page; adm = 302 to Django admin's sign-in (no staff status); gone = 302 to the admin
#: index (Django admin's answer for an object outside the user's queryset); job = 302 to the new import job.
#: Notes: the import preview was uploaded by hr, so the superuser's apply is refused (409); hr_eng may open the
#: ENG unit in the admin read only (test_scoped_hr_admin_...); staff has every Django permission of the app.
MATRIX_TABLE = """
entry point                  anon outs alic bob  mgr  dir  ceo  hr   hrEn dlg  dExp dRev dUni cStf staf supr
api.me                       401  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200
api.people                   401  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200
api.person.missing           401  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404
api.team                     401  403  403  403  200  200  200  403  403  200  403  403  200  403  403  403
api.org-units                401  403  403  403  403  403  403  200  200  403  403  403  403  403  403  200
api.positions                401  403  403  403  403  403  403  200  200  403  403  403  403  403  403  200
api.import.post              401  403  403  403  403  403  403  200  403  403  403  403  403  403  403  200
api.import.job               401  403  403  403  403  403  403  200  403  403  403  403  403  403  403  200
api.import.job.missing       401  403  403  403  403  403  403  404  403  403  403  403  403  403  403  404

page.home                    log  200  200  200  200  200  200  200  200  200  200  200  200  200  200  200
page.team                    log  403  403  403  200  200  200  403  403  200  403  403  200  403  403  403
page.people                  log  403  403  403  403  403  403  200  200  403  403  403  403  403  403  200
page.org-chart               log  403  403  403  403  403  403  200  200  403  403  403  403  403  403  200
page.courses                 log  403  403  403  403  403  403  403  403  403  403  403  403  200  403  403
page.import                  log  403  403  403  403  403  403  200  403  403  403  403  403  403  403  200
page.import.job              log  403  403  403  403  403  403  200  403  403  403  403  403  403  403  200
page.import.apply            log  403  403  403  403  403  403  job  403  403  403  403  403  403  403  409

admin.index                  adm  adm  adm  adm  adm  adm  adm  200  200  adm  adm  adm  adm  adm  200  200
admin.employee.list          adm  adm  adm  adm  adm  adm  adm  200  200  adm  adm  adm  adm  adm  403  200
admin.employee.add           adm  adm  adm  adm  adm  adm  adm  200  200  adm  adm  adm  adm  adm  403  200
admin.orgunit.list           adm  adm  adm  adm  adm  adm  adm  200  200  adm  adm  adm  adm  adm  403  200
admin.orgunit.add            adm  adm  adm  adm  adm  adm  adm  200  403  adm  adm  adm  adm  adm  403  200
admin.orgunit.change.ENG     adm  adm  adm  adm  adm  adm  adm  200  200  adm  adm  adm  adm  adm  403  200
admin.orgunit.change.SALES   adm  adm  adm  adm  adm  adm  adm  200  gone adm  adm  adm  adm  adm  403  200
admin.orgunit.history.SALES  adm  adm  adm  adm  adm  adm  adm  200  404  adm  adm  adm  adm  adm  403  200
admin.position.list          adm  adm  adm  adm  adm  adm  adm  200  200  adm  adm  adm  adm  adm  403  200
admin.position.add           adm  adm  adm  adm  adm  adm  adm  200  403  adm  adm  adm  adm  adm  403  200
admin.position.change        adm  adm  adm  adm  adm  adm  adm  200  200  adm  adm  adm  adm  adm  403  200
admin.hradminscope.list      adm  adm  adm  adm  adm  adm  adm  200  403  adm  adm  adm  adm  adm  403  200
admin.hradminscope.change    adm  adm  adm  adm  adm  adm  adm  200  403  adm  adm  adm  adm  adm  403  200
admin.accessgrant.list       adm  adm  adm  adm  adm  adm  adm  200  403  adm  adm  adm  adm  adm  403  200
admin.accessgrant.add        adm  adm  adm  adm  adm  adm  adm  200  403  adm  adm  adm  adm  adm  403  200
admin.accessgrant.change     adm  adm  adm  adm  adm  adm  adm  200  403  adm  adm  adm  adm  adm  403  200
admin.importjob.list         adm  adm  adm  adm  adm  adm  adm  200  403  adm  adm  adm  adm  adm  403  200
admin.importjob.change       adm  adm  adm  adm  adm  adm  adm  200  403  adm  adm  adm  adm  adm  403  200
admin.importjob.add          adm  adm  adm  adm  adm  adm  adm  403  403  adm  adm  adm  adm  adm  403  403
"""

ROLE_COLUMNS = (
    "anon",
    "outs",
    "alic",
    "bob",
    "mgr",
    "dir",
    "ceo",
    "hr",
    "hrEn",
    "dlg",
    "dExp",
    "dRev",
    "dUni",
    "cStf",
    "staf",
    "supr",
)
OUTCOMES = {"log": "login", "adm": "admin-login", "gone": "admin-gone"}


def _parse_matrix(text):
    header, *rows = [line.split() for line in text.strip().splitlines() if line.strip()]
    assert tuple(header[2:]) == ROLE_COLUMNS, "the header must list ROLE_COLUMNS in order"
    return {row[0]: tuple(OUTCOMES.get(value, value) for value in row[1:]) for row in rows}


MATRIX = _parse_matrix(MATRIX_TABLE)

API = "/perf-mgmt/api/v1/"
PAGES = "/perf-mgmt/"
ADMIN = "/admin/perf_mgmt/"

#: (method, url template) per entry point; ``{job}``, ``{eng}``, ``{sales}``, ``{position}``, ``{scope}``,
#: ``{grant}`` are filled from the fixture.
ENTRY_POINTS = {
    "api.me": ("get", API + "me/"),
    "api.people": ("get", API + "people/"),
    "api.person.missing": ("get", API + "people/999999/"),
    "api.team": ("get", API + "team/"),
    "api.org-units": ("get", API + "org-units/"),
    "api.positions": ("get", API + "positions/"),
    "api.import.post": ("post", API + "org-import/"),
    "api.import.job": ("get", API + "org-import/{job}/"),
    "api.import.job.missing": ("get", API + "org-import/999999/"),
    "page.home": ("get", PAGES),
    "page.team": ("get", PAGES + "team/"),
    "page.people": ("get", PAGES + "people/"),
    "page.org-chart": ("get", PAGES + "org-chart/"),
    "page.courses": ("get", PAGES + "courses/"),
    "page.import": ("get", PAGES + "org-import/"),
    "page.import.job": ("get", PAGES + "org-import/{job}/"),
    "page.import.apply": ("post", PAGES + "org-import/{job}/apply/"),
    "admin.index": ("get", "/admin/"),
    "admin.employee.list": ("get", ADMIN + "employee/"),
    "admin.employee.add": ("get", ADMIN + "employee/add/"),
    "admin.orgunit.list": ("get", ADMIN + "orgunit/"),
    "admin.orgunit.add": ("get", ADMIN + "orgunit/add/"),
    "admin.orgunit.change.ENG": ("get", ADMIN + "orgunit/{eng}/change/"),
    "admin.orgunit.change.SALES": ("get", ADMIN + "orgunit/{sales}/change/"),
    "admin.orgunit.history.SALES": ("get", ADMIN + "orgunit/{sales}/history/"),
    "admin.position.list": ("get", ADMIN + "position/"),
    "admin.position.add": ("get", ADMIN + "position/add/"),
    "admin.position.change": ("get", ADMIN + "position/{position}/change/"),
    "admin.hradminscope.list": ("get", ADMIN + "hradminscope/"),
    "admin.hradminscope.change": ("get", ADMIN + "hradminscope/{scope}/change/"),
    "admin.accessgrant.list": ("get", ADMIN + "accessgrant/"),
    "admin.accessgrant.add": ("get", ADMIN + "accessgrant/add/"),
    "admin.accessgrant.change": ("get", ADMIN + "accessgrant/{grant}/change/"),
    "admin.importjob.list": ("get", ADMIN + "importjob/"),
    "admin.importjob.change": ("get", ADMIN + "importjob/{job}/change/"),
    "admin.importjob.add": ("get", ADMIN + "importjob/add/"),
}

PEOPLE = ("ceo", "director", "manager", "alice", "bob", "seller")


#: Every URL name of the org domain and where the matrix checks it (a new route must be added here and above).
ROUTES = {
    "me": "api.me",
    "people": "api.people",
    "person": "test_person_entry_points",
    "person-chain": "test_person_entry_points",
    "team": "api.team",
    "org-units": "api.org-units",
    "positions": "api.positions",
    "org-import": "api.import.post",
    "org-import-job": "api.import.job",
}
PAGE_ROUTES = {
    "home": "page.home",
    "my-team": "page.team",
    "people": "page.people",
    "org-chart": "page.org-chart",
    "course-staff": "page.courses",
    "org-import": "page.import",
    "org-import-job": "page.import.job",
    "org-import-apply": "page.import.apply",
}
ADMIN_MODELS = {"employee", "orgunit", "position", "hradminscope", "accessgrant", "importjob"}


def test_the_matrix_covers_every_route_of_the_org_domain():
    """A new URL or admin without a row in the matrix fails here, so nobody forgets to decide who may use it."""
    from django.contrib import admin

    from perf_mgmt_plugin.rest_api.v1 import urls as api_urls
    from perf_mgmt_plugin.web import urls as web_urls

    def org_routes(patterns, modules):
        return {pattern.name for pattern in patterns if pattern.callback.__module__ in modules}

    org_api = {"perf_mgmt_plugin.rest_api.v1.views", "perf_mgmt_plugin.rest_api.v1.views_import"}
    org_pages = {"perf_mgmt_plugin.web.views", "perf_mgmt_plugin.web.import_views"}
    assert org_routes(api_urls.urlpatterns, org_api) == set(ROUTES)
    assert org_routes(web_urls.urlpatterns, org_pages) == set(PAGE_ROUTES)
    for entry in (*ROUTES.values(), *PAGE_ROUTES.values()):
        assert entry in MATRIX or entry == "test_person_entry_points", entry
    org_models = {model._meta.model_name for model in admin.site._registry if model._meta.app_label == "perf_mgmt"}
    assert org_models >= ADMIN_MODELS
    for name in ADMIN_MODELS:
        assert f"admin.{name}.list" in MATRIX, name
    assert set(MATRIX) == set(ENTRY_POINTS)
    assert all(len(row) == len(ROLES) for row in MATRIX.values())


@pytest.fixture
def world(org):
    """The ``org`` fixture plus the roles the org fixture does not have, and one object of each admin model."""
    now = timezone.now()
    users = {
        "outsider": org.outsider,
        "alice": org.alice.user,
        "bob": org.bob.user,
        "manager": org.manager.user,
        "director": org.director.user,
        "ceo": org.ceo.user,
        "hr": org.hr,
        "hr_eng": org.hr_eng,
        "cstaff": org.staff,
    }
    for name in ("hr", "hr_eng"):
        users[name].is_staff = True
        users[name].save(update_fields=["is_staff"])
    for name, window, revoked in (
        ("deleg", (now - timedelta(days=1), now + timedelta(days=30)), None),
        ("deleg_exp", (now - timedelta(days=30), now - timedelta(days=1)), None),
        ("deleg_rev", (now - timedelta(days=1), now + timedelta(days=30)), now - timedelta(hours=1)),
    ):
        users[name] = factories.make_user(name)
        grant = AccessGrant.objects.create(
            grantee=users[name],
            subject=org.manager,
            starts_at=window[0],
            ends_at=window[1],
            revoked_at=revoked,
            granted_by=org.hr,
        )
    users["deleg_unit"] = factories.make_user("deleg_unit")
    AccessGrant.objects.create(grantee=users["deleg_unit"], org_unit=org.sales, ends_at=now + timedelta(days=3))
    users["staff"] = factories.make_user("staff", is_staff=True)
    users["staff"].user_permissions.set(Permission.objects.filter(content_type__app_label="perf_mgmt"))
    users["super"] = factories.make_user("super", is_staff=True, is_superuser=True)
    rows = importer.rows_from_json([{"code": "QA", "title": "QA engineer", "org_unit": "PLAT"}])
    job = importer.create_job("positions", rows, user=org.hr, dry_run=True, origin="page", keep=True)
    importer.execute_job(job)
    ids = {
        "job": job.pk,
        "eng": org.engineering.pk,
        "sales": org.sales.pk,
        "position": org.dev.pk,
        "scope": HRAdminScope.objects.get(user=org.hr_eng).pk,
        "grant": grant.pk,
    }
    return type("World", (), {"org": org, "users": users, "ids": ids})


def _client(world, role):
    client = APIClient()
    if role != "anon":
        client.force_login(world.users[role])
    return client


def _outcome(response):
    """The response as one of the matrix's outcome words."""
    if response.status_code != 302:
        return str(response.status_code)
    location = response["Location"]
    if location.startswith("/admin/login/"):
        return "admin-login"
    if location.startswith("/login/"):
        return "login"
    if location == "/admin/":
        return "admin-gone"
    if location.startswith(PAGES + "org-import/"):
        return "job"
    return f"302 {location}"


def _call(client, method, url):
    if method == "post" and url.startswith(API):
        return client.post(url, {"kind": "positions", "rows": [{"code": "QA", "title": "QA"}]}, format="json")
    return getattr(client, method)(url)


def _usernames(response):
    """The people a list response shows, whichever kind of entry point it is."""
    if response.get("Content-Type", "").startswith("application/json"):
        return {row["username"] for row in response.json()["results"]}
    context = response.context
    if "cl" in context:
        return {employee.user.username for employee in context["cl"].result_list}
    return {employee.user.username for employee in context["page"].object_list}


def _lists_shown(world, entry, role, response):
    """What a 200 answer shows, as (shown, expected) for the entry points that list people or units, else None."""
    if entry == "api.people" or entry == "page.people":
        return _usernames(response), VISIBLE[role]
    if entry in ("api.team", "page.team"):
        return _usernames(response), TEAM[role]
    if entry == "admin.employee.list":
        return _usernames(response), ADMIN_PEOPLE[role]
    if entry == "admin.orgunit.list":
        return {unit.code for unit in response.context["cl"].result_list}, ADMIN_UNITS[role]
    if entry == "api.me":
        data = response.json()
        employee = (data["employee"] or {}).get("username")
        return (data["username"], employee), (world.users[role].username, role if role in PEOPLE else None)
    return None


@pytest.mark.parametrize("entry", list(MATRIX))
def test_matrix(world, entry):
    """
    One entry point against every role; each role's request runs in a savepoint rolled back afterwards, so a write
    (an applied import) does not change what the next role finds. All mismatches are reported together.
    """
    method, url = ENTRY_POINTS[entry]
    mismatches = []
    for role, expected in zip(ROLES, MATRIX[entry], strict=True):
        with transaction.atomic():
            response = _call(_client(world, role), method, url.format(**world.ids))
            outcome = _outcome(response)
            if outcome != expected:
                mismatches.append(f"{role}: expected {expected}, got {outcome} {response.content[:200]!r}")
            elif outcome == "200" and (lists := _lists_shown(world, entry, role, response)) and lists[0] != lists[1]:
                mismatches.append(f"{role}: shows {lists[0]}, expected {lists[1]}")
            transaction.set_rollback(True)
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.parametrize("role", ROLES)
def test_person_entry_points(world, role):
    """
    One role against each person: the record and the reporting line (REST), the admin change page and history.
    Allowed exactly for the people in ``VISIBLE[role]`` (REST) and ``ADMIN_PEOPLE[role]`` (admin).
    """
    client = _client(world, role)
    expected, got = {}, {}
    for person in PEOPLE:
        pk = getattr(world.org, person).pk
        detail = client.get(f"{API}people/{pk}/")
        chain = client.get(f"{API}people/{pk}/chain/")
        change = client.get(f"{ADMIN}employee/{pk}/change/")
        history = client.get(f"{ADMIN}employee/{pk}/history/")
        got[person] = (_outcome(detail), _outcome(chain), _outcome(change), _outcome(history))
        if detail.status_code == 200:
            assert detail.json()["username"] == person
        if role == "anon":
            rest = ("401", "401")
        elif person in VISIBLE[role]:
            rest = ("200", "200")
        else:
            # Neither says whether the person exists: 404, as for a missing id.
            rest = ("404", "404")
        if role in ADMIN_PEOPLE:
            # Outside the scope: neither the change page (gone) nor the history (404) finds it, as for a missing id.
            admin_pages = ("200", "200") if person in ADMIN_PEOPLE[role] else ("admin-gone", "404")
        elif role == "staff":
            admin_pages = ("403", "403")
        else:
            admin_pages = ("admin-login", "admin-login")
        expected[person] = rest + admin_pages
    assert got == expected


CHAIN = {"alice": ["manager", "director", "ceo"]}


@pytest.mark.parametrize("role", ["alice", "manager", "director", "ceo", "hr", "hr_eng", "deleg"])
def test_chain_shows_full_records_only_of_people_the_caller_may_see(world, role):
    """
    A reporting line names everyone above the person (as the home page does), but the full record (email, employee
    number, start date...) only of the people the caller may see; for the others those fields are null.
    """
    response = _client(world, role).get(f"{API}people/{world.org.alice.pk}/chain/")
    assert response.status_code == 200
    rows = response.json()
    assert [row["username"] for row in rows] == CHAIN["alice"]
    for row in rows:
        private = [row[key] for key in ("email", "employee_number", "org_unit", "manager", "start_date", "active")]
        if row["username"] in VISIBLE[role]:
            assert row["email"] == f"{row['username']}@example.com" and row["employee_number"], (role, row)
        else:
            assert private == [None] * len(private), (role, row)
        assert row["name"] and row["id"]


def test_scoped_hr_admin_sees_units_read_only_and_cannot_see_grants_in_the_index(world):
    client = _client(world, "hr_eng")
    unit_page = client.get(f"{ADMIN}orgunit/{world.org.engineering.pk}/change/")
    assert unit_page.status_code == 200
    assert not unit_page.context["has_change_permission"]
    assert client.post(f"{ADMIN}orgunit/{world.org.engineering.pk}/change/", {"name": "Hacked"}).status_code == 403
    index = client.get("/admin/")
    models = {model["object_name"] for app in index.context["app_list"] for model in app["models"]}
    # Of the org models, only these; other domains add their own (e.g. the strategy's, scoped to the same people).
    org_models = {"Employee", "OrgUnit", "Position", "AccessGrant", "HRAdminScope", "ImportJob"}
    assert models & org_models == {"Employee", "OrgUnit", "Position"}


def test_no_one_deletes_people_or_units_in_the_admin(world):
    client = _client(world, "super")
    for path in (f"employee/{world.org.alice.pk}", f"orgunit/{world.org.platform.pk}", f"position/{world.org.dev.pk}"):
        assert client.get(f"{ADMIN}{path}/delete/").status_code == 403
        assert client.post(f"{ADMIN}{path}/delete/", {"post": "yes"}).status_code == 403
    assert Employee.objects.filter(pk=world.org.alice.pk).exists()


def test_hr_admin_without_staff_status_cannot_enter_the_admin(world):
    hr = world.users["hr"]
    hr.is_staff = False
    hr.save(update_fields=["is_staff"])
    assert _outcome(_client(world, "hr").get(f"{ADMIN}employee/")) == "admin-login"


def test_import_jobs_are_read_only_in_the_admin(world):
    job_id = world.ids["job"]
    page = _client(world, "hr").get(f"{ADMIN}importjob/{job_id}/change/")
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert _client(world, "hr").post(f"{ADMIN}importjob/{job_id}/change/", {"status": "failed"}).status_code == 403
    assert ImportJob.objects.get(pk=job_id).status == ImportJob.SUCCEEDED


@pytest.mark.parametrize("role", ["outsider", "alice", "manager", "hr_eng", "deleg_unit"])
def test_a_person_out_of_sight_answers_like_a_missing_one(world, role):
    """``people/<id>/`` and ``chain/``: 404 both for someone the caller may not see and for an id nobody has."""
    client = _client(world, role)
    missing = Employee.objects.order_by("-pk").first().pk + 1000
    for person in set(PEOPLE) - VISIBLE[role]:
        pk = getattr(world.org, person).pk
        for path in ("people/{}/", "people/{}/chain/"):
            hidden, absent = client.get(API + path.format(pk)), client.get(API + path.format(missing))
            assert (hidden.status_code, hidden.json()) == (absent.status_code, absent.json()) == (404, absent.json())
