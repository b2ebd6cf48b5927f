"""
The strategy form pages: "New objective" (child or root), "Edit objective" (with "apply to the copies") and
"Cascade to my team" -- success, field errors, the permission of every role on every page and POST, the links that
lead to them, and query counts pinned and constant with the size of the data.

Objectives come from tests/strategy/conftest.py: ``top`` (company) > ``dept`` (ENG) > ``team`` (manager) >
``alice_task`` / ``bob_task``; ``seller_goal`` under ``top``.
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from perf_mgmt_plugin.strategy import services
from perf_mgmt_plugin.strategy.models import Level, Milestone, Objective
from tests import factories

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = pytest.mark.usefixtures("strategy_once")


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def user_of(org, role):
    if role == "anon":
        return None
    value = getattr(org, role)
    return getattr(value, "user", value)


def url(name, pk=None):
    return reverse(f"perf_mgmt:{name}", kwargs={"pk": pk} if pk is not None else None)


def _objective_post(**overrides):
    data = {
        "title": "Harden CI",
        "description": "<b>Fast</b> builds<script>alert(1)</script>",
        "level": Level.objects.get(rank=5).pk,
        "measure": Objective.NUMERIC,
        "start_value": "0",
        "target_value": "5",
        "unit": "pipelines",
        "weight": "2",
        "milestones": "",
        "course_key": "",
        "start_date": "",
        "due_date": "",
        "owner": "",
        "owner_unit": "",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------------------------------------------------------
# New objective
# ---------------------------------------------------------------------------------------------------------------


def test_new_child_objective(org, strategy):
    client = client_for(org.manager.user)
    page = client.get(url("objective-new-child", strategy.team.pk))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="csrfmiddlewaretoken"' in body
    assert '<label for="id_title">Title</label>' in body
    # The level proposed is the one below the parent's; only people the manager may assign to are offered.
    assert page.context["form"]["level"].value() == Level.objects.get(rank=5).pk
    offered = {e.pk for e in page.context["form"].fields["owner"].queryset}
    assert offered == {org.manager.pk, org.alice.pk, org.bob.pk}

    response = client.post(
        url("objective-new-child", strategy.team.pk),
        _objective_post(owner=org.alice.pk, course_key=str(org.course_key)),
    )
    created = Objective.objects.get(title="Harden CI")
    assert response.status_code == 302 and response["Location"] == url("objective", created.pk)
    assert created.parent == strategy.team and created.owner == org.alice and created.period == strategy.period
    assert created.description == "<b>Fast</b> buildsalert(1)"  # sanitised by the service
    assert (created.measure, created.target_value, created.unit, created.weight) == ("numeric", 5.0, "pipelines", 2.0)
    assert created.due_date == strategy.team.due_date  # defaults to the parent's
    assert created.course_key == str(org.course_key)
    assert created.path.startswith(strategy.team.path)


def test_new_child_with_milestones_owned_by_a_unit(org, strategy):
    client = client_for(org.manager.user)
    response = client.post(
        url("objective-new-child", strategy.team.pk),
        _objective_post(owner_unit=org.platform.pk, measure=Objective.MILESTONES, milestones="Plan\n\n Build \nShip"),
    )
    assert response.status_code == 302
    created = Objective.objects.get(title="Harden CI")
    assert created.owner_unit == org.platform and created.owner is None
    titles = list(Milestone.objects.filter(objective=created).values_list("title", flat=True))
    assert titles == ["Plan", "Build", "Ship"]


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"title": "", "owner": "ALICE"}, "title", "This field is required."),
        ({}, "owner", "Choose a person or an org unit (one of them)."),
        ({"owner": "ALICE", "owner_unit": "PLAT"}, "owner", "Choose a person or an org unit (one of them)."),
        ({"owner": "ALICE", "target_value": "0"}, "target_value", "The target must differ from the start value."),
        ({"owner": "ALICE", "measure": "milestones"}, "milestones", "Give at least one milestone (one per line)."),
        ({"owner": "ALICE", "weight": "-1"}, "weight", "Ensure this value is greater than or equal to 0."),
        ({"owner": "ALICE", "course_key": "nope"}, "course_key", "This is not a course key"),
        ({"owner": "ALICE", "course_key": "course-v1:X+Y+Z"}, "course_key", "There is no course with this key."),
        (
            {"owner": "ALICE", "start_date": "2030-02-01", "due_date": "2030-01-01"},
            "due_date",
            "The due date cannot be before the start date.",
        ),
        ({"owner": "SELLER"}, "owner", "Select a valid choice."),  # not someone the manager may assign to
        ({"owner_unit": "SALES"}, "owner_unit", "Select a valid choice."),  # not on the manager's unit line
    ],
)
def test_new_objective_field_errors(org, strategy, overrides, field, message):
    ids = {"ALICE": org.alice.pk, "SELLER": org.seller.pk, "PLAT": org.platform.pk, "SALES": org.sales.pk}
    data = _objective_post(**{k: ids.get(v, v) for k, v in overrides.items()})
    before = Objective.objects.count()
    response = client_for(org.manager.user).post(url("objective-new-child", strategy.team.pk), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    body = response.content.decode()
    assert 'role="alert"' in body and 'aria-invalid="true"' in body
    assert Objective.objects.count() == before


def test_new_root_objective_by_hr(org, strategy):
    client = client_for(org.hr)
    page = client.get(url("objective-new"))
    assert page.status_code == 200 and "period" in page.context["form"].fields
    response = client.post(
        url("objective-new"),
        _objective_post(
            title="Delight customers",
            level=Level.objects.get(rank=1).pk,
            owner_unit=org.company.pk,
            period=strategy.period.pk,
            measure=Objective.ROLLUP,
        ),
    )
    assert response.status_code == 302
    root = Objective.objects.get(title="Delight customers")
    assert root.parent is None and root.owner_unit == org.company and root.period == strategy.period


# ---------------------------------------------------------------------------------------------------------------
# Edit objective, apply to copies
# ---------------------------------------------------------------------------------------------------------------


def _edit_post(objective, **overrides):
    data = {
        "title": objective.title,
        "description": objective.description,
        "level": objective.level_id,
        "owner": objective.owner_id or "",
        "owner_unit": objective.owner_unit_id or "",
        "start_date": objective.start_date.isoformat(),
        "due_date": objective.due_date.isoformat(),
        "measure": objective.measure,
        "start_value": objective.start_value,
        "target_value": objective.target_value,
        "unit": objective.unit,
        "weight": objective.weight,
        "course_key": objective.course_key,
    }
    data.update(overrides)
    return data


def test_edit_objective(org, strategy):
    task = strategy.alice_task
    client = client_for(org.manager.user)
    page = client.get(url("objective-edit", task.pk))
    assert page.status_code == 200
    assert page.context["form"]["title"].value() == "Migrate billing"
    assert "apply_to_copies" not in page.context["form"].fields  # not a cascaded goal
    new_due = strategy.team.due_date - datetime.timedelta(days=3)
    response = client.post(
        url("objective-edit", task.pk), _edit_post(task, title="Migrate billing and invoicing", due_date=new_due)
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.title, task.due_date) == ("Migrate billing and invoicing", new_due)


def test_edit_objective_errors(org, strategy):
    task = strategy.alice_task
    response = client_for(org.manager.user).post(
        url("objective-edit", task.pk), _edit_post(task, due_date="", measure="milestones")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["due_date"] == ["This field is required."]
    assert "Milestones are set when an objective is created" in errors["measure"][0]
    task.refresh_from_db()
    assert task.measure == Objective.NUMERIC


@pytest.mark.parametrize("apply", [True, False])
def test_edit_cascaded_goal_applies_to_copies(org, strategy, apply):
    carol = factories.make_employee("carol", manager=org.manager, org_unit=org.platform)
    template = services.bulk_cascade(
        org.manager.user, strategy.team, title="Learn Kubernetes", owners=[org.alice, org.bob, carol]
    )
    client = client_for(org.manager.user)
    page = client.get(url("objective-edit", template.pk))
    assert page.context["form"].fields["apply_to_copies"].label == "Apply this change to the 2 copies"
    data = _edit_post(template, title="Learn Kubernetes well", weight="3")
    if apply:
        data["apply_to_copies"] = "on"
    response = client.post(url("objective-edit", template.pk), data, follow=True)
    titles = sorted(services.cascaded_copies(template).values_list("title", "weight"))
    if apply:
        assert titles == [("Learn Kubernetes well", 3.0)] * 3
        assert "2 copies were changed too." in response.content.decode()
    else:
        assert titles == [("Learn Kubernetes", 1.0)] * 2 + [("Learn Kubernetes well", 3.0)]


# ---------------------------------------------------------------------------------------------------------------
# Cascade to my team
# ---------------------------------------------------------------------------------------------------------------


def _cascade_post(**overrides):
    data = {"title": "Learn Kubernetes", "measure": Objective.BINARY, "weight": "1", "description": ""}
    data.update(overrides)
    return data


def test_cascade_to_chosen_people_then_skips_who_has_it(org, strategy):
    client = client_for(org.manager.user)
    page = client.get(url("objective-cascade", strategy.team.pk))
    assert page.status_code == 200
    body = page.content.decode()
    assert f'value="{org.alice.pk}"' in body and f'value="{org.bob.pk}"' in body
    assert f'value="{org.seller.pk}"' not in body
    response = client.post(url("objective-cascade", strategy.team.pk), _cascade_post(people=[org.alice.pk]))
    assert response.status_code == 200
    assert [e.pk for e in response.context["result"]["created"]] == [org.alice.pk]
    response = client.post(url("objective-cascade", strategy.team.pk), _cascade_post(people=[org.alice.pk, org.bob.pk]))
    result = response.context["result"]
    assert [e.pk for e in result["created"]] == [org.bob.pk]
    assert [e.pk for e in result["skipped"]] == [org.alice.pk]
    assert "Skipped (they already have it): Alice Tester" in response.content.decode()
    copies = Objective.objects.filter(parent=strategy.team, title="Learn Kubernetes")
    assert sorted(copies.values_list("owner_id", flat=True)) == [org.alice.pk, org.bob.pk]
    assert {c.level.rank for c in copies} == {5}


def test_cascade_to_a_whole_team(org, strategy):
    response = client_for(org.director.user).post(
        url("objective-cascade", strategy.team.pk),
        _cascade_post(org_unit=org.platform.pk, measure=Objective.NUMERIC, target_value="3", unit="talks"),
    )
    assert response.status_code == 200, response.context["form"].errors
    created = {e.pk for e in response.context["result"]["created"]}
    assert created == {org.manager.pk, org.alice.pk, org.bob.pk}
    assert set(
        Objective.objects.filter(parent=strategy.team, title="Learn Kubernetes").values_list("target_value", flat=True)
    ) == {3.0}


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"people": []}, "people", "Choose the people, or one team / org unit (not both)."),
        ({"people": ["ALICE"], "org_unit": "PLAT"}, "people", "Choose the people, or one team / org unit (not both)."),
        ({"people": ["SELLER"]}, "people", "Select a valid choice."),
        ({"people": ["ALICE"], "title": ""}, "title", "This field is required."),
        (
            {"people": ["ALICE"], "measure": "numeric", "target_value": "0"},
            "target_value",
            "The target must differ from the start value.",
        ),
        ({"people": ["ALICE"], "measure": "rollup"}, "measure", "Select a valid choice."),
        ({"people": ["ALICE"], "course_key": "nope"}, "course_key", "This is not a course key"),
    ],
)
def test_cascade_field_errors(org, strategy, overrides, field, message):
    ids = {"ALICE": org.alice.pk, "SELLER": org.seller.pk, "PLAT": org.platform.pk}
    data = _cascade_post()
    for key, value in overrides.items():
        data[key] = [ids.get(v, v) for v in value] if isinstance(value, list) else ids.get(value, value)
    before = Objective.objects.count()
    response = client_for(org.manager.user).post(url("objective-cascade", strategy.team.pk), data)
    assert response.status_code == 200 and response.context["result"] is None
    assert any(message in error for error in response.context["form"].errors[field])
    assert Objective.objects.count() == before


def test_cascade_service_refusal_is_a_form_error(org, strategy):
    """The manager's own unit is offered; once it holds a peer who does not report to him, the service refuses the
    whole team, and the page says why on the form (nothing is created)."""
    factories.make_employee("peer", manager=org.director, org_unit=org.platform)
    response = client_for(org.manager.user).post(
        url("objective-cascade", strategy.team.pk), _cascade_post(org_unit=org.platform.pk)
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["You cannot give objectives to some of these people."]
    assert not Objective.objects.filter(title="Learn Kubernetes").exists()


# ---------------------------------------------------------------------------------------------------------------
# Permissions: every role on every new page, GET and POST
# ---------------------------------------------------------------------------------------------------------------

ROLES = ("anon", "outsider", "alice", "bob", "seller", "manager", "director", "hr", "hr_eng")
# role -> expected status of GET / of a valid POST; 302 for a POST means it succeeded (anon: login redirect)
NEW_CHILD_OF_TEAM = {  # team goal owned by the manager; alice and bob are his reports
    "anon": "login",
    "outsider": 404,
    "alice": 403,  # a report: sees it (line of sight), may not add to it
    "bob": 403,
    "seller": 404,  # a peer elsewhere in the company: cannot see it
    "manager": 200,  # the owner
    "director": 200,  # the owner's manager
    "hr": 200,
    "hr_eng": 200,  # HR scoped to ENG, which owns it
}
EDIT_ALICE_TASK = {
    "anon": "login",
    "outsider": 404,
    "alice": 403,  # the owner may record progress, not redefine the task
    "bob": 404,  # a peer
    "seller": 404,
    "manager": 200,
    "director": 200,
    "hr": 200,
    "hr_eng": 200,
}
EDIT_SELLER_GOAL_HR_ENG = 404  # out of the scoped HR admin's scope
CASCADE_FROM_TEAM = {
    "anon": "login",
    "outsider": 403,  # no team: the page itself is refused
    "alice": 403,
    "bob": 403,
    "seller": 403,
    "manager": 200,
    "director": 200,
    "hr": 200,
    "hr_eng": 200,
}
NEW_ROOT = dict.fromkeys(ROLES, 403) | {"anon": "login", "hr": 200}


def _check(response, expected):
    if expected == "login":
        assert response.status_code == 302 and "/login" in response["Location"]
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_permissions_new_child(org, strategy, role):
    client = client_for(user_of(org, role))
    expected = NEW_CHILD_OF_TEAM[role]
    _check(client.get(url("objective-new-child", strategy.team.pk)), expected)
    response = client.post(url("objective-new-child", strategy.team.pk), _objective_post(owner=org.alice.pk))
    created = Objective.objects.filter(title="Harden CI").exists()
    if expected == 200:
        assert response.status_code == 302 and created
    else:
        _check(response, expected)
        assert not created


@pytest.mark.parametrize("role", ROLES)
def test_permissions_edit(org, strategy, role):
    task = strategy.alice_task
    client = client_for(user_of(org, role))
    expected = EDIT_ALICE_TASK[role]
    _check(client.get(url("objective-edit", task.pk)), expected)
    response = client.post(url("objective-edit", task.pk), _edit_post(task, title="Renamed"))
    task.refresh_from_db()
    if expected == 200:
        assert response.status_code == 302 and task.title == "Renamed"
    else:
        _check(response, expected)
        assert task.title == "Migrate billing"


def test_scoped_hr_cannot_edit_outside_scope(org, strategy):
    goal = strategy.seller_goal
    client = client_for(org.hr_eng)
    assert client.get(url("objective-edit", goal.pk)).status_code == EDIT_SELLER_GOAL_HR_ENG
    assert client.post(url("objective-edit", goal.pk), _edit_post(goal, title="x")).status_code == 404
    assert client.get(url("objective-cascade", goal.pk)).status_code == 404
    assert client_for(org.hr).get(url("objective-edit", goal.pk)).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_permissions_cascade(org, strategy, role):
    client = client_for(user_of(org, role))
    expected = CASCADE_FROM_TEAM[role]
    _check(client.get(url("objective-cascade", strategy.team.pk)), expected)
    response = client.post(url("objective-cascade", strategy.team.pk), _cascade_post(people=[org.alice.pk]))
    created = Objective.objects.filter(title="Learn Kubernetes").exists()
    if expected == 200:
        assert response.status_code == 200 and created
    else:
        _check(response, expected)
        assert not created


@pytest.mark.parametrize("role", ROLES)
def test_permissions_new_root(org, strategy, role):
    client = client_for(user_of(org, role))
    expected = NEW_ROOT[role]
    _check(client.get(url("objective-new")), expected)
    data = _objective_post(
        title="Root", level=Level.objects.get(rank=1).pk, owner_unit=org.company.pk, period=strategy.period.pk
    )
    response = client.post(url("objective-new"), data)
    if expected == 200:
        assert response.status_code == 302
    else:
        _check(response, expected)
    assert Objective.objects.filter(title="Root").exists() == (expected == 200)


# ---------------------------------------------------------------------------------------------------------------
# Links to the forms, shown only when allowed
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,links",
    [
        ("manager", {"edit": False, "new-child": True, "cascade": True}),  # his own team goal
        ("director", {"edit": True, "new-child": True, "cascade": True}),
        ("alice", {"edit": False, "new-child": False, "cascade": False}),
        ("hr_eng", {"edit": True, "new-child": True, "cascade": True}),
    ],
)
def test_links_on_objective_page(org, strategy, role, links):
    body = client_for(user_of(org, role)).get(url("objective", strategy.team.pk)).content.decode()
    assert (url("objective-edit", strategy.team.pk) in body) == links["edit"]
    assert (url("objective-new-child", strategy.team.pk) in body) == links["new-child"]
    assert (url("objective-cascade", strategy.team.pk) in body) == links["cascade"]


def test_links_on_my_objectives_and_dashboard(org, strategy):
    manager = client_for(org.manager.user)
    mine = manager.get(url("my-objectives")).content.decode()
    assert url("objective-new-child", strategy.team.pk) in mine and url("objective-cascade", strategy.team.pk) in mine
    assert url("objective-new") not in mine
    board = manager.get(url("strategy-dashboard")).content.decode()
    assert url("objective-edit", strategy.alice_task.pk) in board
    assert url("objective-new-child", strategy.alice_task.pk) in board
    alice = client_for(org.alice.user).get(url("my-objectives")).content.decode()
    # Alice may break her own task down, but has no team to cascade to and may not redefine it.
    assert url("objective-new-child", strategy.alice_task.pk) in alice
    assert url("objective-cascade", strategy.alice_task.pk) not in alice
    assert url("objective-edit", strategy.alice_task.pk) not in alice
    hr_board = client_for(org.hr).get(url("strategy-dashboard")).content.decode()
    assert url("objective-new") in hr_board


# ---------------------------------------------------------------------------------------------------------------
# Query counts
# ---------------------------------------------------------------------------------------------------------------


def _grow(org, strategy, n):
    """n more reports of the manager, each with a goal under the team goal, and n more units under PLAT."""
    people = [factories.make_employee(manager=org.manager, org_unit=org.platform) for _ in range(n)]
    for _ in range(n):
        factories.make_unit(parent=org.platform)
    services.bulk_cascade(org.manager.user, strategy.team, title=f"Goal {Objective.objects.count()}", owners=people)
    return people


GET_PAGES = [
    ("manager", "objective-new-child", "team", 18),
    ("manager", "objective-edit", "alice_task", 16),
    ("manager", "objective-cascade", "team", 14),
    ("manager", "objective", "team", 16),
    ("manager", "my-objectives", None, 14),
    ("manager", "strategy-dashboard", None, 15),
    ("hr", "objective-new", None, 14),
    ("hr", "strategy-dashboard", None, 12),
    ("hr_eng", "objective-edit", "alice_task", 15),
]


@pytest.mark.parametrize("role,name,target,pinned", GET_PAGES, ids=[f"{r}-{n}" for r, n, _t, _p in GET_PAGES])
def test_page_query_counts_pinned_and_constant(org, strategy, count_queries, role, name, target, pinned):
    client = client_for(user_of(org, role))
    address = url(name, getattr(strategy, target).pk if target else None)
    _grow(org, strategy, 2)
    client.get(address)  # warm per-process caches (content types, templates)
    with count_queries() as small:
        assert client.get(address).status_code == 200
    _grow(org, strategy, 20)
    with count_queries() as large:
        assert client.get(address).status_code == 200
    assert len(large) == len(small), [q["sql"][:150] for q in large.captured_queries]
    assert len(small) == pinned, [q["sql"][:150] for q in small.captured_queries]


def test_cascade_post_query_count_constant_in_people(org, strategy, count_queries):
    client = client_for(org.manager.user)
    few = _grow(org, strategy, 2)
    many = _grow(org, strategy, 20)
    address = url("objective-cascade", strategy.team.pk)
    client.post(address, _cascade_post(title="Warm-up", people=[org.alice.pk]))
    with count_queries() as small:
        response = client.post(address, _cascade_post(title="Small", people=[p.pk for p in few]))
    assert len(response.context["result"]["created"]) == 2
    with count_queries() as large:
        response = client.post(address, _cascade_post(title="Large", people=[p.pk for p in many]))
    assert len(response.context["result"]["created"]) == 20
    assert len(large) == len(small), [q["sql"][:150] for q in large.captured_queries]
    assert len(small) <= 40, [q["sql"][:150] for q in small.captured_queries]
