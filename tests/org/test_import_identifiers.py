"""
Identifiers in an org chart import are told apart the way MySQL/MariaDB (what Open edX runs) tells them apart: its
collation ignores letter case and accents, so two codes, employee numbers, usernames or emails that differ only in
those are one value for its unique indexes. The import reports them on their row, on every database, instead of
passing validation on SQLite and failing with a duplicate-key error when MariaDB writes them.
"""

import pytest
from django.contrib.auth import get_user_model

from perf_mgmt_plugin.org import importer
from perf_mgmt_plugin.org.models import Employee, OrgUnit, Position

from .. import factories

pytestmark = pytest.mark.django_db

User = get_user_model()


def errors_of(result):
    return sorted((error.line, error.column, error.code) for error in result.errors)


def test_a_code_that_differs_from_a_stored_one_only_in_case_or_accents_is_an_error_on_its_row():
    factories.make_unit("PLAT")
    factories.make_unit("CAFE")

    result = importer.import_org_units(
        [{"code": "plat", "name": "Platform"}, {"code": "Café", "name": "Café"}, {"code": "NEW", "name": "New"}],
        dry_run=False,
    )

    assert errors_of(result) == [(1, "code", "near_duplicate"), (2, "code", "near_duplicate")]
    assert "PLAT" in result.errors[0].message
    assert not result.applied
    assert sorted(OrgUnit.objects.values_list("code", flat=True)) == ["CAFE", "PLAT"]


def test_the_stored_code_itself_still_matches_its_unit():
    factories.make_unit("PLAT")

    result = importer.import_org_units([{"code": "PLAT", "name": "Platform team"}], dry_run=False)

    assert result.ok and (result.created, result.updated) == (0, 1)
    assert OrgUnit.objects.get().name == "Platform team"


def test_codes_in_one_file_that_differ_only_in_case_or_accents_are_duplicates():
    unit = factories.make_unit("ENG")

    result = importer.import_positions(
        [
            {"code": "dev", "title": "Developer", "org_unit": unit.code},
            {"code": "DEV", "title": "Developer", "org_unit": unit.code},
            {"code": "ÉTÉ", "title": "Summer", "org_unit": unit.code},
            {"code": "ete", "title": "Summer", "org_unit": unit.code},
        ],
        dry_run=False,
    )

    assert errors_of(result) == [(2, "code", "duplicate"), (4, "code", "duplicate")]
    assert not Position.objects.exists()


def test_employee_numbers_are_compared_the_same_way(org):
    stored = org.alice.employee_number

    result = importer.import_employees(
        [
            {"employee_number": stored.lower(), "username": "newbie", "email": "newbie@example.com"},
            {"employee_number": "n1", "username": "n1", "email": "n1@example.com"},
            {"employee_number": "N1", "username": "n2", "email": "n2@example.com"},
        ],
        dry_run=False,
        create_users=True,
    )

    assert errors_of(result) == [(1, "employee_number", "near_duplicate"), (3, "employee_number", "duplicate")]
    assert not User.objects.filter(username__in=["newbie", "n1", "n2"]).exists()
    assert Employee.objects.get(user=org.alice.user).employee_number == stored


def test_new_users_whose_username_or_email_differ_only_in_case_or_accents_are_duplicates():
    result = importer.import_employees(
        [
            {"employee_number": "X1", "username": "jose", "email": "jose@example.com"},
            {"employee_number": "X2", "username": "José", "email": "JOSE@example.com"},
        ],
        dry_run=True,
        create_users=True,
    )

    assert errors_of(result) == [(2, "email", "duplicate"), (2, "username", "duplicate")]
