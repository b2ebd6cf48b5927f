"""
HR's position requirements editor: who may open it (matrix), the preview of gaps opened and closed before a save,
the save with its version, copy from another position, CSV import (hostile files refused), constant queries.
"""

import io

import pytest
from django.urls import reverse

from perf_mgmt_plugin.competencies import requirement_sets, services
from perf_mgmt_plugin.competencies.models import CompetencyGap, PositionRequirement, PositionRequirementSet
from perf_mgmt_plugin.org.models import Position
from tests import factories

pytestmark = pytest.mark.django_db


def edit_url(position):
    return reverse("perf_mgmt:position-requirements", kwargs={"pk": position.pk})


def client_for(client, user):
    client.force_login(user)
    return client


def form(fw, coach=None, plan=None, version=None, action="preview", coach_crit="high", plan_crit="medium"):
    """The editor's form for the Developer position, stating its current version unless ``version`` is given."""
    if version is None:
        version = requirement_sets.version_of(Position.objects.get(code="DEV"))
    return {
        "action": action,
        "version": str(version),
        f"level_{fw.coach.pk}": "" if coach is None else str(coach),
        f"criticality_{fw.coach.pk}": coach_crit,
        f"level_{fw.plan.pk}": "" if plan is None else str(plan),
        f"criticality_{fw.plan.pk}": plan_crit,
    }


@pytest.fixture
def rated(org, fw):
    """Developers need COACH 3 and PLAN 2. Alice: COACH 2 (open gap), PLAN 3. Bob: COACH 4, no PLAN rating."""
    services.record_assessment(org.alice.user, org.alice, fw.coach, 2, "self")
    services.record_assessment(org.alice.user, org.alice, fw.plan, 3, "self")
    services.record_assessment(org.bob.user, org.bob, fw.coach, 4, "self")
    return fw


def open_gaps(org):
    return set(
        CompetencyGap.objects.filter(person__position=org.dev, gap__gt=0).values_list(
            "person__user__username", "competency__code"
        )
    )


# --- access ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "list_status", "edit_status"),
    [
        ("hr", 200, 200),  # unrestricted HR admin
        ("hr_eng", 200, 200),  # HR admin of engineering: the Developer position sits in platform, below it
        ("manager", 403, 403),
        ("alice", 403, 403),
        ("staff", 403, 403),  # course staff
        ("outsider", 403, 403),
    ],
)
def test_who_may_open_the_editor(client, org, fw, who, list_status, edit_status):
    user = getattr(org, who)
    user = getattr(user, "user", user)
    client_for(client, user)
    assert client.get(reverse("perf_mgmt:requirement-positions")).status_code == list_status
    assert client.get(edit_url(org.dev)).status_code == edit_status
    assert client.post(edit_url(org.dev), form(fw, 4, 2, action="save")).status_code in {edit_status, 302}
    if edit_status != 200:
        assert PositionRequirement.objects.get(position=org.dev, competency=fw.coach).required_level == 3


def test_a_scoped_hr_admin_edits_only_the_positions_of_their_units(client, org, fw):
    seller_position = factories.make_position("AE", "Account executive", org.sales)
    orgwide = factories.make_position("CTO", "Chief technology officer", None)
    client_for(client, org.hr_eng)
    page = client.get(reverse("perf_mgmt:requirement-positions")).content.decode()
    assert "Developer" in page and "Account executive" not in page and "Chief technology officer" not in page
    assert client.get(edit_url(seller_position)).status_code == 404
    assert client.get(edit_url(orgwide)).status_code == 404
    assert client.post(edit_url(seller_position), form(fw, 4, action="save")).status_code == 404
    assert not PositionRequirement.objects.filter(position=seller_position).exists()
    client_for(client, org.hr)
    assert client.get(edit_url(orgwide)).status_code == 200


def test_anonymous_callers_are_sent_to_sign_in(client, org, fw):
    response = client.get(edit_url(org.dev))
    assert response.status_code == 302 and "/login/" in response["Location"]


# --- preview and save -----------------------------------------------------------------------------------------------


def test_the_preview_counts_gaps_opened_and_closed_and_saves_nothing(client, org, rated):
    assert open_gaps(org) == {("alice", "COACH"), ("bob", "PLAN")}
    client_for(client, org.hr)
    # COACH 3 -> 4 (Bob at 4 stays closed, Alice stays open); PLAN 2 -> 4 (Alice at 3 opens; Bob stays open).
    response = client.post(edit_url(org.dev), form(rated, 4, 4))
    assert response.status_code == 200
    preview = response.context["preview"]
    assert (preview.holders, preview.opened, preview.closed) == (2, 1, 0)
    assert (preview.widened, preview.narrowed) == (2, 0)  # Alice's COACH 1 -> 2, Bob's PLAN 2 -> 4
    assert "opens 1 new gap(s) and closes 0" in response.content.decode()
    assert open_gaps(org) == {("alice", "COACH"), ("bob", "PLAN")}  # nothing saved
    # Dropping COACH closes Alice's gap; PLAN down to 1 leaves Bob (no rating: level 0) with an open gap.
    preview = client.post(edit_url(org.dev), form(rated, None, 1)).context["preview"]
    assert (preview.opened, preview.closed) == (0, 1)
    assert (preview.widened, preview.narrowed) == (0, 1)  # Bob's PLAN 2 -> 1
    assert [c.competency.code for c in preview.changes] == ["COACH", "PLAN"]


def test_save_applies_the_previewed_set_with_its_version_and_recomputes_gaps(client, org, rated):
    client_for(client, org.hr)
    response = client.post(edit_url(org.dev), form(rated, 4, 4, action="save"))
    assert response.status_code == 302
    assert open_gaps(org) == {("alice", "COACH"), ("alice", "PLAN"), ("bob", "PLAN")}
    saved_version = PositionRequirementSet.objects.get(position=org.dev).version
    assert saved_version == 3  # the fixture's two requirements, then this save
    requirement = PositionRequirement.objects.get(position=org.dev, competency=rated.coach)
    assert requirement.required_level == 4 and requirement.history.first().history_user == org.hr
    # The same form again (a double submit, still stating the old version) changes nothing and is not a conflict.
    assert client.post(edit_url(org.dev), form(rated, 4, 4, version=2, action="save")).status_code == 302
    assert PositionRequirementSet.objects.get(position=org.dev).version == saved_version


def test_a_save_over_someone_elses_is_a_conflict_and_writes_nothing(client, org, rated):
    client_for(client, org.hr)
    opened_at = requirement_sets.version_of(org.dev)
    client.post(edit_url(org.dev), form(rated, 4, 2, action="save"))  # someone saved: the version moved on
    response = client.post(edit_url(org.dev), form(rated, 1, 1, version=opened_at, action="save"))
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    assert response.context["version"] == opened_at + 1 and response.context["preview"] is not None  # input kept
    assert PositionRequirement.objects.get(position=org.dev, competency=rated.coach).required_level == 4


def test_removing_every_requirement_and_criticality_only_changes(client, org, rated):
    client_for(client, org.hr)
    preview = client.post(edit_url(org.dev), form(rated, 3, 2, coach_crit="low")).context["preview"]
    assert len(preview.changes) == 1 and (preview.opened, preview.closed) == (0, 0)
    client.post(edit_url(org.dev), form(rated, None, None, action="save"))
    assert not PositionRequirement.objects.filter(position=org.dev).exists()
    assert open_gaps(org) == set()


@pytest.mark.parametrize(
    "bad", [{"level": "9"}, {"level": "x"}, {"criticality": "urgent"}, {"version": "abc"}, {"action": "drop"}]
)
def test_hostile_form_input_is_a_clear_400(client, org, rated, bad):
    client_for(client, org.hr)
    data = form(rated, 3, 2, action="save")
    if "level" in bad:
        data[f"level_{rated.coach.pk}"] = bad["level"]
    if "criticality" in bad:
        data[f"criticality_{rated.coach.pk}"] = bad["criticality"]
    data.update({k: v for k, v in bad.items() if k in ("version", "action")})
    data[f"level_{rated.plan.pk}"] = "4"
    response = client.post(edit_url(org.dev), data)
    if "version" in bad:  # an unreadable version is a conflict, never a blind overwrite
        assert response.status_code == 409
    else:
        assert response.status_code == 400
    assert PositionRequirement.objects.get(position=org.dev, competency=rated.plan).required_level == 2


# --- copy and import ------------------------------------------------------------------------------------------------


def test_copy_from_another_position_fills_the_form_and_previews(client, org, rated):
    lead = factories.make_position("LEAD", "Team lead", org.platform)
    services.set_requirement(lead, rated.coach, 4, "high")
    client_for(client, org.hr)
    response = client.get(edit_url(org.dev), {"copy_from": lead.pk})
    assert response.status_code == 200
    rows = {row["competency"].code: row["level"] for row in response.context["rows"]}
    assert rows == {"COACH": 4, "PLAN": None}
    preview = response.context["preview"]
    assert (preview.opened, preview.closed) == (0, 1)  # PLAN no longer required closes Bob's gap
    assert "Copied from Team lead" in response.content.decode()
    assert client.get(edit_url(org.dev), {"copy_from": "nope"}).status_code == 200


def upload(text, name="req.csv"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def test_csv_import_previews_and_the_export_round_trips(client, org, rated):
    client_for(client, org.hr)
    exported = client.get(edit_url(org.dev), {"format": "csv"}).content.decode()
    assert exported.splitlines() == [
        "framework,competency,level,criticality",
        "leadership,COACH,3,high",
        "leadership,PLAN,2,medium",
    ]
    text = "framework,competency,level,criticality\nleadership,COACH,4,high\nleadership,PLAN,,\n".replace(",,", ",2,")
    response = client.post(edit_url(org.dev), {"action": "import", "version": "0", "file": upload(text)})
    assert response.status_code == 200
    assert response.context["preview"].changes[0].after == (4, "high")
    assert PositionRequirement.objects.get(position=org.dev, competency=rated.coach).required_level == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("competency,level\nCOACH,3\n", "The first line must be"),
        ("framework,competency,level,criticality\nleadership,NOPE,3,high\n", "no active competency NOPE"),
        ("framework,competency,level,criticality\nleadership,COACH,=1+2,high\n", "whole number"),
        ("framework,competency,level,criticality\nleadership,COACH,7,high\n", "not a level"),
        ("framework,competency,level,criticality\nleadership,COACH,3,urgent\n", "Unknown criticality"),
        ("framework,competency,level,criticality\nleadership,COACH,3,\nleadership,COACH,2,\n", "listed twice"),
        (b"framework,competency,level,criticality\n\xff\xfe,COACH,3,high\n", "not UTF-8"),
    ],
)
def test_hostile_csv_files_are_refused_with_the_reason(client, org, rated, content, message):
    client_for(client, org.hr)
    response = client.post(edit_url(org.dev), {"action": "import", "version": "0", "file": upload(content)})
    assert response.status_code == 400
    assert message in " ".join(response.context["errors"])
    assert response.context["preview"] is None


def test_an_oversized_csv_is_refused(client, org, rated, settings):
    settings.PERF_MGMT_IMPORT_MAX_BYTES = 100
    client_for(client, org.hr)
    big = "framework,competency,level,criticality\n" + "leadership,COACH,3,high\n" * 20
    response = client.post(edit_url(org.dev), {"action": "import", "version": "0", "file": upload(big)})
    assert response.status_code == 400 and "larger than" in " ".join(response.context["errors"])


def test_formula_escaped_cells_of_an_export_are_read_back(org, rated):
    competencies = requirement_sets.editable_competencies()
    text = "framework,competency,level,criticality\nleadership,COACH,3,high\n"
    assert requirement_sets.from_csv(upload(text), competencies) == {rated.coach.pk: (3, "high")}


# --- queries --------------------------------------------------------------------------------------------------------


def test_queries_do_not_grow_with_the_people_holding_the_position(client, org, rated, count_queries):
    client_for(client, org.hr)
    url = edit_url(org.dev)
    client.get(url)

    def measure():
        with count_queries() as get_q:
            assert client.get(url).status_code == 200
        with count_queries() as preview_q:
            assert client.post(url, form(rated, 4, 4)).status_code == 200
        with count_queries() as list_q:
            assert client.get(reverse("perf_mgmt:requirement-positions")).status_code == 200
        return len(get_q), len(preview_q), len(list_q)

    before = measure()
    for n in range(15):
        person = factories.make_employee(f"dev{n}", manager=org.manager, org_unit=org.platform, position=org.dev)
        services.record_assessment(person.user, person, rated.coach, 1 + n % 4, "self")
    assert measure() == before


def test_a_change_made_elsewhere_moves_the_version_so_the_open_editor_conflicts(client, org, rated):
    client_for(client, org.hr)
    opened_at = client.get(edit_url(org.dev)).context["version"]
    services.set_requirement(org.dev, rated.plan, 3)  # through the REST API or the admin, meanwhile
    response = client.post(edit_url(org.dev), form(rated, 4, 2, version=opened_at, action="save"))
    assert response.status_code == 409
    assert PositionRequirement.objects.get(position=org.dev, competency=rated.plan).required_level == 3
