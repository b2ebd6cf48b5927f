"""
The appraisal pages: each role against each page (200 / 403 / 404, never a leak of whether a review exists), what
a person may never see (the manager's draft before sharing, coaching, others' private notes, another person's
review), the forms reaching the domain (CSRF on), and query counts pinned and constant as the data grows.

Data: ``cycle`` (tests/appraisals/conftest.py) -- an active cycle with reviews of alice and bob by ``manager``.
"""

import datetime

import pytest
from django.templatetags.static import static
from django.test import Client
from django.utils import timezone

from perf_mgmt_plugin.appraisals import coaching, cycles, launch, notes, reviews
from perf_mgmt_plugin.appraisals.models import CoachingFeedback, Cycle, InterimNote, Review
from tests import factories
from tests.strategy.test_pages_forms import url, user_of

from . import builders

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = pytest.mark.usefixtures("template_once")

ROLES = ["anon", "alice", "bob", "manager", "director", "ceo", "seller", "hr", "hr_eng", "outsider"]


def client_for(user, enforce_csrf=False):
    client = Client(enforce_csrf_checks=enforce_csrf)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def alice_review(cycle, org):
    return Review.objects.select_related("employee__user", "manager__user", "cycle").get(
        cycle=cycle, employee=org.alice
    )


@pytest.fixture
def bob_review(cycle, org):
    return Review.objects.select_related("employee__user", "manager__user", "cycle").get(cycle=cycle, employee=org.bob)


@pytest.fixture
def coached(cycle, org):
    """seller (another manager's report, in sales) coaches the manager's reviews in the cycle."""
    coaching.assign_coach(org.hr, cycle, org.manager, builders.lead(org.seller))
    return org.seller


def _status(client, path):
    return client.get(path).status_code


# ---------------------------------------------------------------------------------------------------------------
# Permission matrix
# ---------------------------------------------------------------------------------------------------------------

# The review page of alice: who sees it (200) and who gets a 404 (so ids reveal nothing). Seller coaches here.
REVIEW_PAGE = {
    "anon": 302,
    "alice": 200,
    "bob": 404,
    "manager": 200,
    "director": 200,
    "ceo": 200,
    "seller": 200,
    "hr": 200,
    "hr_eng": 200,
    "outsider": 404,
}


@pytest.mark.parametrize("role", ROLES)
def test_review_page_matrix(org, alice_review, coached, role):
    assert _status(client_for(user_of(org, role)), url("appraisal-review", alice_review.pk)) == REVIEW_PAGE[role]


def test_review_page_unknown_id_is_the_same_404(org, alice_review):
    client = client_for(org.bob.user)
    assert _status(client, url("appraisal-review", alice_review.pk + 1000)) == 404
    assert _status(client, url("appraisal-review", alice_review.pk)) == 404


def test_a_coach_sees_only_the_assigned_managers_reviews(org, cycle, alice_review):
    # seller coaches nobody yet: 404; then coaches director (who reviews nobody here): still 404.
    client = client_for(org.seller.user)
    assert _status(client, url("appraisal-review", alice_review.pk)) == 404
    coaching.assign_coach(org.hr, cycle, org.director, builders.lead(org.seller))
    assert _status(client, url("appraisal-review", alice_review.pk)) == 404
    assert alice_review.employee.display_name not in client.get(url("coaching")).content.decode()


# page name -> expected status per role (anon is always sent to the login page)
LIST_PAGES = {
    "my-reviews": {"alice": 200, "bob": 200, "manager": 200, "hr": 200, "outsider": 200},
    "team-reviews": {"alice": 403, "manager": 200, "director": 200, "hr": 403, "outsider": 403},
    "coaching": {"alice": 200, "manager": 200, "seller": 200, "outsider": 200},
    "appraisal-cycles": {"alice": 403, "manager": 403, "hr": 200, "hr_eng": 200, "outsider": 403},
    "appraisal-cycle-new": {"manager": 403, "hr": 200, "hr_eng": 403},
}


@pytest.mark.parametrize("name", list(LIST_PAGES))
def test_list_pages_matrix(org, cycle, name):
    assert _status(client_for(None), url(name)) == 302
    for role, expected in LIST_PAGES[name].items():
        assert _status(client_for(user_of(org, role)), url(name)) == expected, role


@pytest.mark.parametrize(
    "role,expected", [("hr", 200), ("hr_eng", 200), ("manager", 403), ("alice", 403), ("outsider", 403)]
)
def test_cycle_pages_matrix(org, cycle, role, expected):
    client = client_for(user_of(org, role))
    assert _status(client, url("appraisal-cycle", cycle.pk)) == expected
    assert _status(client, url("appraisal-cycle-progress", cycle.pk)) == expected
    assert _status(client, url("appraisal-cycle-survey-csv", cycle.pk)) == expected


def test_cycle_actions_need_manage_appraisals(org, cycle):
    for role in ("hr_eng", "manager", "alice"):
        client = client_for(user_of(org, role))
        assert client.post(url("appraisal-cycle-close", cycle.pk)).status_code == 403
        assert client.post(url("appraisal-cycle-launch", cycle.pk)).status_code == 403
    assert Cycle.objects.get(pk=cycle.pk).status == Cycle.ACTIVE
    assert _status(client_for(org.hr), url("appraisal-cycle", cycle.pk + 999)) == 404


@pytest.mark.parametrize(
    "role,expected",
    [
        ("alice", 200),
        ("manager", 200),
        ("director", 200),
        ("bob", 404),
        ("hr", 404),
        ("seller", 404),
        ("outsider", 404),
    ],
)
def test_person_notes_matrix(org, cycle, role, expected):
    assert _status(client_for(user_of(org, role)), url("person-notes", org.alice.pk)) == expected


def test_notes_post_needs_the_note_permission(org, cycle):
    # hr may view alice's record but neither reads nor writes notes about her.
    response = client_for(org.hr).post(url("person-notes", org.alice.pk), {"body": "x", "tag": "idea"})
    assert response.status_code == 404
    assert client_for(org.bob.user).post(url("person-notes", org.alice.pk), {"body": "x"}).status_code == 404
    assert client_for(org.alice.user).post(url("quick-note"), {"employee": org.bob.pk, "body": "x"}).status_code == 403
    assert not InterimNote.objects.exists()


def test_posts_to_a_review_need_the_right_permission(org, alice_review):
    # bob cannot even see it; director sees it but the domain refuses a self review by him.
    bob = client_for(org.bob.user)
    assert bob.post(url("appraisal-review", alice_review.pk), {"action": "share"}).status_code == 404
    director = client_for(org.director.user)
    response = director.post(url("appraisal-review", alice_review.pk), {"action": "self_submit"})
    assert response.status_code == 403
    assert Review.objects.get(pk=alice_review.pk).self_submitted_at is None


def test_csrf_is_enforced(org, alice_review):
    client = client_for(org.alice.user, enforce_csrf=True)
    response = client.post(url("appraisal-review", alice_review.pk), {"action": "self_save", "self_summary": "x"})
    assert response.status_code == 403
    assert Review.objects.get(pk=alice_review.pk).self_summary == ""


# ---------------------------------------------------------------------------------------------------------------
# What the pages show, and never show
# ---------------------------------------------------------------------------------------------------------------


def _items(review):
    return list(review.items.select_related("scale").order_by("order", "pk"))


def _self_post(review, action="self_submit", **extra):
    data = {"action": action, "self_summary": "<p>My year</p><script>alert(1)</script>"}
    for item in _items(review):
        if item.scale_id:
            data[f"self-{item.pk}-rating"] = str(item.scale.levels.order_by("-value").first().value)
        data[f"self-{item.pk}-comment"] = f"SELF-{item.pk}"
    data.update(extra)
    return data


def _manager_post(review, action="manager_save", comment="SECRET-DRAFT"):
    data = {"action": action, "manager_summary": comment}
    for item in _items(review):
        if item.scale_id:
            data[f"manager-{item.pk}-rating"] = str(item.scale.levels.order_by("value").first().value)
        data[f"manager-{item.pk}-comment"] = comment
    return data


def test_the_self_review_form_shows_each_scale_points_text(org, alice_review):
    body = client_for(org.alice.user).get(url("my-reviews")).content.decode()
    assert 'name="csrfmiddlewaretoken"' in body
    kra = next(i for i in _items(alice_review) if i.objective_id)
    assert f'name="self-{kra.pk}-rating"' in body
    # the KRA scale's points with their sanitised descriptions, right beside the radio buttons
    assert "Most results <strong>missed</strong>." in body and "Far beyond; an example to others." in body


def test_self_review_then_manager_draft_is_private_until_shared(org, alice_review, bob_review):
    alice, manager = client_for(org.alice.user), client_for(org.manager.user)
    response = alice.post(url("my-reviews"), _self_post(alice_review))
    assert response.status_code == 302
    review = Review.objects.get(pk=alice_review.pk)
    assert review.self_submitted_at is not None and review.stage == Review.MANAGER_REVIEW
    assert "<script>" not in review.self_summary  # sanitised by the domain

    page = manager.get(url("appraisal-review", review.pk)).content.decode()
    assert "My year" in page and f"SELF-{_items(review)[0].pk}" in page  # the manager sees the self review

    assert manager.post(url("appraisal-review", review.pk), _manager_post(review)).status_code == 302
    assert "SECRET-DRAFT" in manager.get(url("appraisal-review", review.pk)).content.decode()
    for path in (url("my-reviews"), url("appraisal-review", review.pk)):
        assert "SECRET-DRAFT" not in alice.get(path).content.decode()

    manager.post(url("appraisal-review", review.pk), {"action": "share"})
    assert Review.objects.get(pk=review.pk).manager_shared_at is not None
    assert "SECRET-DRAFT" in alice.get(url("my-reviews")).content.decode()


def test_coaching_feedback_reaches_the_manager_never_the_person(org, alice_review, coached):
    alice, manager, coach = (client_for(u) for u in (org.alice.user, org.manager.user, org.seller.user))
    alice.post(url("my-reviews"), _self_post(alice_review))
    manager.post(url("appraisal-review", alice_review.pk), _manager_post(alice_review))
    manager.post(url("appraisal-review", alice_review.pk), {"action": "request_coaching"})
    listing = coach.get(url("coaching")).content.decode()
    assert "Alice Tester" in listing and "Bob Tester" in listing
    page = coach.get(url("appraisal-review", alice_review.pk)).content.decode()
    assert "SECRET-DRAFT" in page  # the coach reads the draft before it is shared
    coach.post(url("appraisal-review", alice_review.pk), {"action": "coaching_feedback", "body": "COACH-NOTE"})
    assert CoachingFeedback.objects.filter(review=alice_review).count() == 1
    assert "COACH-NOTE" in manager.get(url("appraisal-review", alice_review.pk)).content.decode()
    manager.post(url("appraisal-review", alice_review.pk), {"action": "share"})
    assert Review.objects.get(pk=alice_review.pk).manager_shared_at is not None
    for path in (url("my-reviews"), url("appraisal-review", alice_review.pk)):
        assert "COACH-NOTE" not in alice.get(path).content.decode()


def test_another_persons_review_and_private_notes_never_leak(org, alice_review, bob_review):
    bob = client_for(org.bob.user)
    bob.post(url("my-reviews"), _self_post(bob_review, action="self_save", self_summary="BOB-OWN-WORDS"))
    notes.add_note(org.manager.user, org.alice, body="PRIVATE-MGR", tag="concern", private=True)
    notes.add_note(org.manager.user, org.alice, body="SHARED-MGR", tag="recognition")
    notes.add_note(org.alice.user, org.alice, body="ALICE-PRIVATE", tag="idea", private=True)
    alice = client_for(org.alice.user)
    mine = alice.get(url("my-reviews")).content.decode()
    assert "BOB-OWN-WORDS" not in mine and "PRIVATE-MGR" not in mine
    assert "SHARED-MGR" in mine and "ALICE-PRIVATE" in mine
    assert "PRIVATE-MGR" not in alice.get(url("person-notes", org.alice.pk)).content.decode()
    director_view = client_for(org.director.user).get(url("person-notes", org.alice.pk)).content.decode()
    assert "SHARED-MGR" in director_view and "PRIVATE-MGR" not in director_view and "ALICE-PRIVATE" not in director_view
    manager_view = client_for(org.manager.user).get(url("appraisal-review", alice_review.pk)).content.decode()
    assert "PRIVATE-MGR" in manager_view and "ALICE-PRIVATE" not in manager_view


def test_quick_note_from_my_team(org, cycle):
    client = client_for(org.manager.user)
    team = client.get(url("my-team")).content.decode()
    assert 'data-testid="quick-note"' in team and f'value="{org.alice.pk}"' in team
    response = client.post(url("quick-note"), {"employee": org.alice.pk, "body": "Great demo", "tag": "recognition"})
    assert response.status_code == 302 and response["Location"] == url("my-team")
    note = InterimNote.objects.get()
    assert (note.employee, note.author, note.tag, note.private) == (org.alice, org.manager.user, "recognition", False)
    assert client.post(url("quick-note"), {"employee": org.seller.pk, "body": "x"}).status_code == 404


def test_quick_note_from_the_team_objectives_dashboard(org, cycle):
    client = client_for(org.manager.user)
    board = client.get(url("strategy-dashboard")).content.decode()
    assert 'data-testid="quick-note"' in board and 'name="back" value="strategy"' in board
    assert f'value="{org.alice.pk}"' in board and f'value="{org.bob.pk}"' in board
    data = {"employee": org.bob.pk, "body": "Unblocked the release", "tag": "recognition", "back": "strategy"}
    response = client.post(url("quick-note"), data)
    assert response.status_code == 302 and response["Location"] == url("strategy-dashboard")
    assert InterimNote.objects.get().employee == org.bob
    # nobody reports to alice: no form on a dashboard she cannot see anyway; HR without reports sees no form
    assert 'data-testid="quick-note"' not in client_for(org.hr).get(url("strategy-dashboard")).content.decode()


def test_team_reviews_lists_the_team_with_overdue_flags(org, cycle, today):
    cycles.update_cycle(
        org.hr,
        cycle,
        start=today - datetime.timedelta(days=90),
        self_review_due=today - datetime.timedelta(days=1),
    )
    body = client_for(org.manager.user).get(url("team-reviews")).content.decode()
    assert "Alice Tester" in body and "Bob Tester" in body and "overdue" in body
    assert "Alice Tester" not in client_for(org.seller.user).get(url("coaching")).content.decode()


def _cycle_form(template, name, cadence, start, **population):
    """The fields of the new cycle form a person fills in (deadlines left to the suggestion)."""
    return {"name": name, "template": template.pk, "cadence": cadence, "start": start, **population}


def test_hr_creates_a_cycle_with_suggested_deadlines(org, template, today):
    client = client_for(org.hr)
    data = _cycle_form(template, "Monthly pulse", Cycle.MONTHLY, "2031-03-01", units=[org.platform.pk])
    data["action"] = "suggest"
    page = client.post(url("appraisal-cycle-new"), data)
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["end"] == datetime.date(2031, 3, 31)
    assert form.initial["self_review_due"] == datetime.date(2031, 4, 3)  # monthly: short phases
    data["action"] = "create"
    response = client.post(url("appraisal-cycle-new"), data)
    created = Cycle.objects.get(name="Monthly pulse")
    assert response.status_code == 302 and response["Location"] == url("appraisal-cycle", created.pk)
    assert (created.status, created.sign_off_due) == (Cycle.DRAFT, datetime.date(2031, 4, 14))
    assert list(created.units.all()) == [org.platform]
    # no population: the form says so and nothing is created
    data.update(name="Nobody", units=[])
    assert client.post(url("appraisal-cycle-new"), data).status_code == 200
    assert not Cycle.objects.filter(name="Nobody").exists()


def test_named_people_are_pasted_and_every_unknown_name_reported(org, template):
    client = client_for(org.hr)
    people = f"alice\n{org.bob.employee_number}, nobody;ghost@example.com"
    data = _cycle_form(template, "Named", Cycle.QUARTERLY, "2031-01-01", people=people)
    page = client.post(url("appraisal-cycle-new"), data)
    assert page.status_code == 200 and not Cycle.objects.filter(name="Named").exists()
    assert "Nobody active is called: ghost@example.com, nobody." in page.content.decode()
    assert "ghost@example.com" in page.context["form"]["people"].value()  # what was typed stays
    data["people"] = f"alice\n{org.bob.employee_number}, {org.seller.user.email}"
    assert client.post(url("appraisal-cycle-new"), data).status_code == 302
    assert set(Cycle.objects.get(name="Named").people.all()) == {org.alice, org.bob, org.seller}


def test_hr_launches_and_closes_a_cycle(org, template, django_capture_on_commit_callbacks):
    draft = cycles.create_cycle(
        org.hr,
        name="Launch me",
        template=template,
        people=[org.alice],
        **cycles.suggested_dates(Cycle.MONTHLY, timezone.localdate()),
    )
    client = client_for(org.hr)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("appraisal-cycle-launch", draft.pk))
    assert response.status_code == 302
    progress = client.get(url("appraisal-cycle-progress", draft.pk)).json()
    assert progress == {"status": "done", "done": 1, "total": 1, "error": ""}
    assert Review.objects.filter(cycle=draft, employee=org.alice).exists()
    page = client.get(url("appraisal-cycle", draft.pk)).content.decode()
    assert "Launched" in page
    client.post(url("appraisal-cycle-close", draft.pk))
    assert Cycle.objects.get(pk=draft.pk).status == Cycle.CLOSED


def test_running_launch_shows_a_polling_progress_bar(org, template):
    draft = cycles.create_cycle(
        org.hr,
        name="Big",
        template=template,
        people=[org.alice, org.bob],
        **cycles.suggested_dates(Cycle.QUARTERLY, timezone.localdate()),
    )
    launch.start_launch(org.hr, draft)  # the worker has not run yet
    page = client_for(org.hr).get(url("appraisal-cycle", draft.pk)).content.decode()
    assert "<progress" in page and url("appraisal-cycle-progress", draft.pk) in page
    assert static("perf_mgmt/appraisal_launch.js") in page  # the storage's URL: hashed under a manifest storage


def test_nav_entries_per_persona(org, cycle):
    def nav(role):
        return client_for(user_of(org, role)).get(url("home")).content.decode()

    assert "My reviews" in nav("alice") and "Team reviews" not in nav("alice") and "Review cycles" not in nav("alice")
    assert "Team reviews" in nav("manager") and "Coaching" in nav("manager")
    assert "Review cycles" in nav("hr") and "Review cycles" in nav("hr_eng")


# ---------------------------------------------------------------------------------------------------------------
# Query counts: pinned, and the same with much more data
# ---------------------------------------------------------------------------------------------------------------


def _grow(org, cycle, n):
    """
    n more reports of the manager in the cycle (a launch re-run adds their reviews), n // 2 more reviewing managers
    under the director (each with one report in the cycle, coached by the CEO), notes on alice.
    """
    people = [factories.make_employee(manager=org.manager, org_unit=org.platform, position=org.dev) for _ in range(n)]
    leads = [factories.make_employee(manager=org.director, org_unit=org.platform) for _ in range(n // 2)]
    people += [factories.make_employee(manager=lead, org_unit=org.platform, position=org.dev) for lead in leads]
    cycles.update_cycle(org.hr, cycle, people=[*cycle.people.all(), *people])
    launch.start_launch(org.hr, cycle)
    launch.run_launch(cycle.pk)
    for lead in leads:
        coaching.assign_coach(org.hr, cycle, lead, org.ceo)
    for i in range(n):
        notes.add_note(org.manager.user, org.alice, body=f"note {i}", tag="observation", private=bool(i % 2))
        notes.add_note(org.alice.user, org.alice, body=f"own {i}", tag="idea")
    if not cycle.coach_assignments.filter(reviewer=org.manager).exists():
        coaching.assign_coach(org.hr, cycle, org.manager, builders.lead(org.seller))


PAGES = [
    ("alice", "my-reviews", None),
    ("manager", "team-reviews", None),
    ("manager", "review", "alice"),
    ("alice", "review", "alice"),
    ("seller", "coaching", None),
    ("seller", "review", "alice"),
    ("hr", "review", "alice"),
    ("manager", "notes", "alice"),
    ("manager", "my-team", None),
    ("hr", "appraisal-cycles", None),
    ("hr", "cycle", None),
    ("hr", "coaches", None),
    ("director", "coaches", None),
]


def _path(org, cycle, name, target):
    if name == "review":
        return url("appraisal-review", Review.objects.get(cycle=cycle, employee=getattr(org, target)).pk)
    if name == "notes":
        return url("person-notes", getattr(org, target).pk)
    if name == "cycle":
        return url("appraisal-cycle", cycle.pk)
    if name == "coaches":
        return url("appraisal-cycle-coaches", cycle.pk)
    return url(name)


@pytest.mark.parametrize("role,name,target", PAGES, ids=[f"{r}-{n}" for r, n, _ in PAGES])
def test_query_count_constant_with_data_size(org, cycle, count_queries, role, name, target):
    _grow(org, cycle, 2)
    client = client_for(user_of(org, role))
    path = _path(org, cycle, name, target)
    assert client.get(path).status_code == 200  # warm per-process caches
    with count_queries() as small:
        assert client.get(path).status_code == 200
    _grow(org, cycle, 12)
    with count_queries() as large:
        assert client.get(path).status_code == 200
    assert len(large) == len(small), [q["sql"][:150] for q in large.captured_queries]
    assert len(small) == PINNED[(role, name)], len(small)


#: The query count of each page, pinned: session and user (2), access context and rules, then the page's own reads
#: (the review page: the review, its detail in a constant number of queries, the permission checks of its forms).
#: Review pages: one more for the blended modules' guide applications in the period's evidence (lane guide).
PINNED = {
    # +2 with each review's evidence: the last released 360 (lane profiling), the period's blended modules (lane guide)
    ("alice", "my-reviews"): 26,
    ("manager", "team-reviews"): 11,
    ("manager", "review"): 24,  # +2 likewise
    ("alice", "review"): 23,  # +2 likewise
    ("seller", "coaching"): 8,
    ("seller", "review"): 26,  # +2 likewise
    ("hr", "review"): 23,  # +2 likewise
    ("manager", "notes"): 9,
    ("manager", "my-team"): 11,
    ("hr", "appraisal-cycles"): 10,
    ("hr", "cycle"): 21,
    ("hr", "coaches"): 12,
    ("director", "coaches"): 12,
}


def test_review_detail_is_what_the_page_shows(org, alice_review):
    """The page renders the domain's detail: no item is shown that review_detail does not give."""
    detail = reviews.review_detail(org.alice.user, alice_review)
    body = client_for(org.alice.user).get(url("appraisal-review", alice_review.pk)).content.decode()
    for row in detail.items:
        assert f'data-testid="item-{row.item.pk}"' in body
