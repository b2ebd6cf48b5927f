"""The org chart import (org.importer): parsing, every row error with its line, dry run, all-or-nothing, upserts."""

import pytest
from django.contrib.auth import get_user_model

from lms_host.courses.models import UserProfile
from perf_mgmt_plugin.core.paths import MAX_DEPTH
from perf_mgmt_plugin.org import importer, services
from perf_mgmt_plugin.org.models import Employee, OrgUnit, Position

from .. import factories

pytestmark = pytest.mark.django_db

User = get_user_model()
HEADER = "employee_number,username,email,first_name,last_name,position,org_unit,manager,start_date,active"


def csv_rows(*lines, header=HEADER):
    """Parsed rows of a CSV with ``header`` (line 1) and ``lines`` (lines 2, 3, ...)."""
    return importer.parse_csv("\n".join([header, *lines]) + "\n")


def snapshot():
    """Everything an import may write, to compare before and after."""
    return {
        "employees": sorted(
            Employee.objects.values_list(
                "pk", "user_id", "employee_number", "position_id", "org_unit_id", "manager_id", "path", "start_date"
            )
        ),
        "active": sorted(Employee.objects.values_list("pk", "active")),
        "users": sorted(User.objects.values_list("pk", "username", "email", "first_name", "last_name")),
        "units": sorted(OrgUnit.objects.values_list("pk", "code", "name", "kind", "parent_id", "path", "active")),
        "positions": sorted(Position.objects.values_list("pk", "code", "title", "org_unit_id", "description")),
        "history": (Employee.history.count(), OrgUnit.history.count(), Position.history.count()),
    }


def errors_by_line(result):
    return {(error.line, error.code) for error in result.errors}


def change_of(result, key):
    row = next(row for row in result.rows if row.key == key)
    return row.action, {change.field: (change.before, change.after) for change in row.changes}


# ---------------------------------------------------------------------------------------------------------------
# Reading files
# ---------------------------------------------------------------------------------------------------------------


def test_csv_with_bom_semicolons_blank_lines_and_multiline_cells_keeps_file_line_numbers():
    content = '\ufeffEmployee Number;Username\r\nE1;alice\r\n\r\n"E\n2";bob\r\nE3;carol\r\n'.encode()
    rows = importer.parse_csv(content)
    assert [(row.line, row.data["employee_number"]) for row in rows] == [(2, "E1"), (4, "E\n2"), (6, "E3")]
    assert rows[0].data == {"employee_number": "E1", "username": "alice"}


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\xff\xfe\x00bad", "UTF-8"),
        (b"", "empty"),
        (b"employee_number,username\n", "no rows"),
        (b"code,code\nA,B\n", "repeats"),
    ],
)
def test_unreadable_files_are_refused_as_a_whole(content, message):
    with pytest.raises(importer.ImportFileError, match=message):
        importer.parse_csv(content)


def test_json_rows_are_numbered_by_position_and_values_normalised():
    rows = importer.rows_from_json([{"code": "A", "active": False, "name": None}, {"Code": 7}])
    assert rows[0] == importer.SourceRow(1, {"code": "A", "active": "false", "name": ""})
    assert rows[1] == importer.SourceRow(2, {"code": "7"})
    with pytest.raises(importer.ImportFileError, match="Row 2"):
        importer.rows_from_json([{"code": "A"}, "B"])
    with pytest.raises(importer.ImportFileError):
        importer.rows_from_json({"code": "A"})


def test_extra_values_and_unknown_columns_are_row_errors(org):
    rows = csv_rows("N1,,,,,,,,,,surplus", header=HEADER + ",manger")
    result = importer.import_employees(rows)
    assert (2, "unknown_column") in errors_by_line(result)
    rows = csv_rows(f"{org.alice.employee_number},alice,,,,,,,,,surplus")
    assert (2, "bad_value") in errors_by_line(importer.import_employees(rows))


# ---------------------------------------------------------------------------------------------------------------
# Dry run and diff
# ---------------------------------------------------------------------------------------------------------------


def test_dry_run_shows_field_level_changes_and_writes_nothing(org):
    before = snapshot()
    rows = csv_rows(
        f"{org.alice.employee_number},alice,,,,,SALES,{org.ceo.employee_number},2020-05-01,",
        f"{org.bob.employee_number},bob,,,,DEV,PLAT,{org.manager.employee_number},,true",
        "N1,newbie,newbie@example.com,New,Bie,DEV,PLAT,,2024-01-02,false",
    )
    result = importer.import_employees(rows, dry_run=True, create_users=True, user=org.hr)
    assert result.ok and result.dry_run and not result.applied
    assert (result.total, result.created, result.updated, result.unchanged) == (3, 1, 1, 1)
    action, changes = change_of(result, org.alice.employee_number)
    assert action == "updated"
    assert changes == {
        "position": ("DEV", None),
        "org_unit": ("PLAT", "SALES"),
        "manager": (org.manager.employee_number, org.ceo.employee_number),
        "start_date": (None, "2020-05-01"),
    }
    assert change_of(result, org.bob.employee_number) == ("unchanged", {})
    action, changes = change_of(result, "N1")
    assert action == "created" and changes["username"] == (None, "newbie") and changes["active"] == (None, "false")
    assert next(row for row in result.rows if row.key == "N1").user_created
    assert snapshot() == before


def test_absent_columns_leave_fields_and_blank_cells_clear_them(org):
    rows = csv_rows(f"{org.alice.employee_number},alice,,", header="employee_number,username,manager,position")
    result = importer.import_employees(rows, dry_run=False)
    assert result.applied
    alice = Employee.objects.get(pk=org.alice.pk)
    assert alice.manager_id is None and alice.position_id is None and alice.path == services.child_path("", alice.pk)
    assert alice.org_unit_id == org.platform.pk and alice.active


# ---------------------------------------------------------------------------------------------------------------
# Row errors, each with its line
# ---------------------------------------------------------------------------------------------------------------


def test_unknown_manager(org):
    result = importer.import_employees(csv_rows(f"{org.alice.employee_number},alice,,,,,,NOPE,,"))
    assert errors_by_line(result) == {(2, "unknown_manager")}
    assert result.errors[0].column == "manager" and "NOPE" in result.errors[0].message


def test_duplicate_employee_number_within_the_file(org):
    result = importer.import_employees(
        csv_rows(
            f"{org.alice.employee_number},alice,,,,,,,,", "X1,bob,,,,,,,,", f"{org.alice.employee_number},,,,,,,,,"
        )
    )
    assert errors_by_line(result) == {(4, "duplicate")}
    assert "line 2" in result.errors[0].message


def test_same_person_twice_in_the_file(org):
    result = importer.import_employees(csv_rows(f"{org.bob.employee_number},bob,,,,,,,,", "X9,bob,,,,,,,,"))
    assert errors_by_line(result) == {(3, "duplicate")}


def test_reporting_cycle_within_the_file_is_reported_on_each_line(org):
    result = importer.import_employees(
        csv_rows("A1,alice,,,,,,B1,,", "B1,bob,,,,,,C1,,", "C1,seller,,,,,,A1,,", "D1,manager,,,,,,A1,,")
    )
    assert errors_by_line(result) == {(2, "cycle"), (3, "cycle"), (4, "cycle")}
    assert "A1 → B1 → C1 → A1" in result.errors[0].message


def test_reporting_cycle_through_the_stored_org_chart(org):
    # The CEO would report to Alice, who reports (through the stored chain) to the CEO.
    result = importer.import_employees(csv_rows(f"{org.ceo.employee_number},ceo,,,,,,{org.alice.employee_number},,"))
    assert errors_by_line(result) == {(2, "cycle")}
    result = importer.import_employees(csv_rows(f"{org.ceo.employee_number},ceo,,,,,,{org.ceo.employee_number},,"))
    assert errors_by_line(result) == {(2, "cycle")}


def test_unknown_position_and_unknown_org_unit(org):
    result = importer.import_employees(
        csv_rows(f"{org.alice.employee_number},alice,,,,NOPE,,,,", f"{org.bob.employee_number},bob,,,,,NOWHERE,,,")
    )
    assert errors_by_line(result) == {(2, "unknown_position"), (3, "unknown_org_unit")}
    assert [error.column for error in result.errors] == ["position", "org_unit"]


def test_bad_email_bad_date_bad_boolean(org):
    result = importer.import_employees(
        csv_rows("N1,newbie,not-an-email,,,,,,,", "N2,alice,,,,,,,2024-13-01,", "N3,bob,,,,,,,,maybe"),
        create_users=True,
    )
    assert errors_by_line(result) == {(2, "bad_email"), (3, "bad_date"), (4, "bad_value")}


def test_missing_required_fields(org):
    result = importer.import_employees(csv_rows(",alice,,,,,,,,", "N2,,new2@example.com,,,,,,,"), create_users=True)
    assert errors_by_line(result) == {(2, "missing_field"), (3, "missing_field")}
    assert [error.column for error in result.errors] == ["employee_number", "username"]


def test_a_new_employee_number_needs_a_username_or_an_email(org):
    result = importer.import_employees(csv_rows("N1,,,,,,,,,"), create_users=True)
    assert errors_by_line(result) == {(2, "missing_field")}


def test_unknown_user_without_create_users(org):
    result = importer.import_employees(csv_rows("N1,newbie,newbie@example.com,,,,,,,"))
    assert errors_by_line(result) == {(2, "unknown_user")}
    assert not User.objects.filter(username="newbie").exists()


def test_identity_conflicts_are_errors(org):
    result = importer.import_employees(
        csv_rows(f"{org.alice.employee_number},bob,,,,,,,,", "N2,someone,outsider@example.com,,,,,,,")
    )
    assert errors_by_line(result) == {(2, "identity_conflict"), (3, "identity_conflict")}


def test_too_deep_reporting_line(db):
    chain = factories.make_chain(MAX_DEPTH)
    factories.make_user("deep")
    result = importer.import_employees(csv_rows(f"DEEP,deep,,,,,,{chain[-1].employee_number},,"))
    assert errors_by_line(result) == {(2, "too_deep")}


def test_every_error_is_reported_at_once_sorted_by_line(org):
    result = importer.import_employees(
        csv_rows("N1,nobody,,,,,,,,", f"{org.bob.employee_number},bob,,,,NOPE,,,,", "N3,alice,,,,,,GONE,,")
    )
    assert [error.line for error in result.errors] == [2, 3, 4]


# ---------------------------------------------------------------------------------------------------------------
# All or nothing, idempotence, upserts
# ---------------------------------------------------------------------------------------------------------------


def test_one_bad_row_means_nothing_is_written(org):
    before = snapshot()
    rows = csv_rows(
        "N1,newbie,newbie@example.com,New,Bie,DEV,PLAT,,,",
        f"{org.alice.employee_number},alice,,Alicia,,,SALES,{org.ceo.employee_number},,",
        f"{org.bob.employee_number},bob,,,,,,NOPE,,",
    )
    result = importer.import_employees(rows, dry_run=False, create_users=True, user=org.hr)
    assert not result.applied and not result.ok and not result.dry_run
    assert errors_by_line(result) == {(4, "unknown_manager")}
    assert snapshot() == before


def test_importing_the_same_file_twice_changes_nothing_the_second_time(org):
    rows = csv_rows(
        "N1,newbie,newbie@example.com,New,Bie,DEV,PLAT,N2,2024-01-02,true",
        "N2,newboss,newboss@example.com,New,Boss,,PLAT,,,",
        f"{org.alice.employee_number},alice,,Alicia,,,SALES,N2,,false",
    )
    first = importer.import_employees(rows, dry_run=False, create_users=True, user=org.hr)
    assert first.applied and (first.created, first.updated, first.users_created) == (2, 1, 2)
    # New accounts get what the platform expects of every user, through the platform backend (the host's profile).
    profiles = dict(UserProfile.objects.values_list("user__username", "name"))
    assert profiles == {"newbie": "New Bie", "newboss": "New Boss"}
    after_first = snapshot()
    second = importer.import_employees(rows, dry_run=False, create_users=True, user=org.hr)
    assert second.applied and (second.created, second.updated, second.unchanged) == (0, 0, 3)
    assert second.changed_rows == () and second.users_created == 0
    assert snapshot() == after_first


def test_upsert_by_employee_number_updates_the_person_and_their_name(org):
    result = importer.import_employees(
        csv_rows(f"{org.alice.employee_number},,,Alicia,Smith,,,,2021-03-04,"), dry_run=False
    )
    assert change_of(result, org.alice.employee_number)[0] == "updated"
    alice = Employee.objects.select_related("user").get(pk=org.alice.pk)
    assert (alice.user.first_name, alice.user.last_name, str(alice.start_date)) == ("Alicia", "Smith", "2021-03-04")


def test_upsert_by_username_renumbers_and_managers_follow_the_new_number(org):
    old_number = org.manager.employee_number
    rows = csv_rows(
        f"M-1,manager,{org.director.employee_number}",
        f"{org.alice.employee_number},alice,M-1",
        header="employee_number,username,manager",
    )
    result = importer.import_employees(rows, dry_run=False)
    assert result.applied
    assert change_of(result, "M-1") == ("updated", {"employee_number": (old_number, "M-1")})
    assert Employee.objects.get(pk=org.manager.pk).employee_number == "M-1"
    assert Employee.objects.get(pk=org.alice.pk).manager_id == org.manager.pk
    # The old number is free now: referring to it is an unknown manager.
    result = importer.import_employees(csv_rows(f"{org.bob.employee_number},bob,,,,,,{old_number},,"))
    assert errors_by_line(result) == {(2, "unknown_manager")}


def test_upsert_by_username_and_by_email_for_users_without_a_record(org):
    other = factories.make_user("other")
    result = importer.import_employees(
        csv_rows("N1,outsider,,,,,,,,", f"N2,,{other.email.upper()},,,,,,,"), dry_run=False, user=org.hr
    )
    assert result.applied and result.created == 2 and result.users_created == 0
    assert Employee.objects.get(employee_number="N1").user == org.outsider
    assert Employee.objects.get(employee_number="N2").user == other


def test_ambiguous_email_is_an_error(org):
    factories.make_user("twin1", email="twin@example.com")
    factories.make_user("twin2", email="twin@example.com")
    result = importer.import_employees(csv_rows("N1,,twin@example.com,,,,,,,"))
    assert errors_by_line(result) == {(2, "ambiguous_user")}


def test_create_users_on_makes_accounts_without_usable_passwords(org):
    result = importer.import_employees(
        csv_rows("N1,newbie,newbie@example.com,New,Bie,,,,,"), dry_run=False, create_users=True
    )
    assert result.users_created == 1
    user = User.objects.get(username="newbie")
    assert (user.email, user.first_name, user.is_active, user.has_usable_password()) == (
        "newbie@example.com",
        "New",
        True,
        False,
    )
    assert result.rows[0].user_id == user.pk


def test_create_users_rejects_duplicates_within_the_file(org):
    result = importer.import_employees(
        csv_rows("N1,newbie,a@example.com,,,,,,,", "N2,NEWBIE,b@example.com,,,,,,,", "N3,other,A@example.com,,,,,,,"),
        create_users=True,
    )
    assert errors_by_line(result) == {(3, "duplicate"), (4, "duplicate")}


def test_new_people_get_reporting_paths_under_new_and_existing_managers(org):
    rows = csv_rows(
        "N2,newbie2,n2@example.com,,,,,N1,,",  # reports to a manager further down the file
        f"N1,newbie1,n1@example.com,,,,,{org.alice.employee_number},,",
    )
    importer.import_employees(rows, dry_run=False, create_users=True)
    n2 = Employee.objects.get(employee_number="N2")
    assert [e.employee_number for e in services.chain_of(n2)] == [
        "N1",
        org.alice.employee_number,
        org.manager.employee_number,
        org.director.employee_number,
        org.ceo.employee_number,
    ]


def test_moving_a_manager_moves_their_reports(org):
    importer.import_employees(
        csv_rows(f"{org.manager.employee_number},manager,,,,,,{org.seller.employee_number},,"), dry_run=False
    )
    alice = Employee.objects.get(pk=org.alice.pk)
    assert [e.user.username for e in services.chain_of(alice)] == ["manager", "seller", "ceo"]


def test_history_records_the_importing_user(org):
    importer.import_employees(
        csv_rows("N1,newbie,n@example.com,,,,,,,", f"{org.bob.employee_number},bob,,,,,SALES,,,"),
        dry_run=False,
        create_users=True,
        user=org.hr,
    )
    new = Employee.objects.get(employee_number="N1")
    assert list(Employee.history.filter(id=new.pk).values_list("history_type", "history_user_id")) == [("+", org.hr.pk)]
    latest = Employee.history.filter(id=org.bob.pk).first()
    assert (latest.history_type, latest.history_user_id, latest.org_unit_id) == ("~", org.hr.pk, org.sales.pk)


# ---------------------------------------------------------------------------------------------------------------
# Org units and positions
# ---------------------------------------------------------------------------------------------------------------

UNIT_HEADER = "code,name,kind,parent"
POSITION_HEADER = "code,title,org_unit,description"


def test_org_units_are_created_in_any_order_with_paths_and_history(org):
    rows = csv_rows(
        "QA,Quality,team,RND", "RND,Research,department,ACME", "ENG,Engineering,division,", header=UNIT_HEADER
    )
    result = importer.import_org_units(rows, dry_run=False, user=org.hr)
    assert result.applied and (result.created, result.updated) == (2, 1)
    assert change_of(result, "ENG")[1] == {
        "name": ("Unit ENG", "Engineering"),
        "kind": ("department", "division"),
        "parent": ("ACME", None),
    }
    qa = OrgUnit.objects.get(code="QA")
    assert qa.parent.code == "RND" and qa.path.startswith(OrgUnit.objects.get(code="RND").path)
    assert OrgUnit.objects.get(code="PLAT").path.startswith(OrgUnit.objects.get(code="ENG").path)
    assert OrgUnit.history.filter(code="QA").first().history_user_id == org.hr.pk
    again = importer.import_org_units(rows, dry_run=False, user=org.hr)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_org_unit_errors(org):
    rows = csv_rows(
        "ACME,Acme,company,PLAT",  # cycle through the stored tree
        "X1,,team,",  # a new unit needs a name
        "X2,Two,galaxy,",  # unknown kind
        "X3,Three,team,NOPE",  # unknown parent
        "X2,Again,team,",  # duplicate
        header=UNIT_HEADER,
    )
    result = importer.import_org_units(rows, dry_run=False)
    assert errors_by_line(result) == {
        (2, "cycle"),
        (3, "missing_field"),
        (4, "bad_value"),
        (5, "unknown_org_unit"),
        (6, "duplicate"),
    }
    assert not OrgUnit.objects.filter(code__startswith="X").exists()


def test_positions_import(org):
    rows = csv_rows("LEAD,Team lead,PLAT,Leads a team", "DEV,Senior developer,,", header=POSITION_HEADER)
    result = importer.import_positions(rows, dry_run=False, user=org.hr)
    assert result.applied and (result.created, result.updated) == (1, 1)
    assert change_of(result, "DEV")[1] == {"title": ("Developer", "Senior developer"), "org_unit": ("PLAT", None)}
    lead = Position.objects.get(code="LEAD")
    assert (lead.title, lead.org_unit, lead.description) == ("Team lead", org.platform, "Leads a team")
    assert Position.history.filter(code="LEAD").first().history_user_id == org.hr.pk
    bad = importer.import_positions(csv_rows("P1,,,", "P2,Two,NOPE,", header=POSITION_HEADER))
    assert errors_by_line(bad) == {(2, "missing_field"), (3, "unknown_org_unit")}


# ---------------------------------------------------------------------------------------------------------------
# Scale: the number of queries does not depend on the number of rows
# ---------------------------------------------------------------------------------------------------------------


def _people_rows(org, count, prefix):
    """``count`` new people: half under an existing manager, half under a new one further down the file."""
    lines = []
    for i in range(count):
        manager = f"{prefix}0" if i % 2 and i else org.manager.employee_number
        lines.append(f"{prefix}{i},{prefix.lower()}{i},{prefix.lower()}{i}@example.com,F{i},L{i},DEV,PLAT,{manager},,")
    return csv_rows(*lines)


def _update_rows(org, people):
    return csv_rows(
        *(f"{e.employee_number},,,Renamed,,,SALES,{org.seller.employee_number},2020-01-01," for e in people)
    )


def test_apply_takes_the_same_number_of_queries_for_20_and_60_rows(org, count_queries):
    counts = {}
    for size, prefix in ((20, "A"), (60, "B")):
        rows = _people_rows(org, size, prefix)
        with count_queries() as queries:
            result = importer.import_employees(rows, dry_run=False, create_users=True, user=org.hr)
        assert result.applied and result.created == size
        counts[("create", size)] = len(queries)
    for size, prefix in ((20, "A"), (60, "B")):
        people = list(Employee.objects.filter(employee_number__startswith=prefix))
        with count_queries() as queries:
            result = importer.import_employees(_update_rows(org, people), dry_run=False, user=org.hr)
        assert result.applied and result.updated == size
        counts[("update", size)] = len(queries)
    assert counts[("create", 20)] == counts[("create", 60)]
    assert counts[("update", 20)] == counts[("update", 60)]
    print("query counts", counts)
