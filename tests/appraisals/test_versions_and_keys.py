"""
Partial saves, optimistic concurrency and idempotency of the appraisal entry points (ADR 0016), on SQLite:

* REST ``manager-review/`` / ``self-review/``: sending only a rating keeps the comment, only a comment keeps the
  rating (issue 20, item 3); template and cycle PATCH change only the keys sent.
* ``ETag`` on the review (self version . manager version) and on a note; ``If-Match`` stale: 412 with a JSON body,
  nothing written; current or ``*`` or absent: saved.
* The review page and "My reviews": a hidden version per side; a save from a stale tab is refused with "changed by
  someone else", keeps the user's input in the form and shows what is saved now (409).
* ``Idempotency-Key`` / the hidden ``idempotency_key``: the same note, action, review submit, share or sign-off sent
  twice makes one record and answers the first's.
"""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from perf_mgmt_plugin.appraisals import notes, reviews
from perf_mgmt_plugin.appraisals.models import FollowUpAction, InterimNote, Review, ReviewEvent
from perf_mgmt_plugin.core.models import IdempotencyKey
from perf_mgmt_plugin.core.versioning import EditConflict
from perf_mgmt_plugin.development import services as development_services
from perf_mgmt_plugin.development.models import PlanComment
from tests.strategy.test_pages_forms import url as page_url

from . import builders
from .test_rest_api import _answers, client_for, url

# The shared data is built once for this module (tests/fixtures/plugin.py).
pytestmark = pytest.mark.usefixtures("org_once")


@pytest.fixture
def review(cycle, org):
    return Review.objects.select_related("cycle", "employee__user", "manager__user").get(
        cycle=cycle, employee=org.alice
    )


def _kra(review):
    return review.items.filter(scale__isnull=False).order_by("order", "pk").first()


def _page_client(user):
    client = Client()
    client.force_login(user)
    return client


# ---------------------------------------------------------------------------------------------------------------
# Partial saves change only the keys sent
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("side", ["manager", "self"])
def test_a_rating_alone_keeps_the_comment_and_a_comment_alone_keeps_the_rating(org, review, side):
    client = client_for(org.manager.user if side == "manager" else org.alice.user)
    path = url(f"appraisal-review-{side}-review", pk=review.pk)
    item = _kra(review)
    both = {"items": {str(item.pk): {"rating": 3, "comment": "<p>kept comment</p>"}}, "summary": "<p>kept</p>"}
    assert client.post(path, both, format="json").status_code == 200
    only_rating = client.post(path, {"items": {str(item.pk): {"rating": 4}}}, format="json")
    assert only_rating.status_code == 200, only_rating.content
    item.refresh_from_db()
    assert getattr(item, f"{side}_rating") == 4
    assert getattr(item, f"{side}_comment") == "<p>kept comment</p>"  # was blanked by the serializer's default
    only_comment = client.post(path, {"items": {str(item.pk): {"comment": "new comment"}}}, format="json")
    assert only_comment.status_code == 200
    item.refresh_from_db()
    assert (getattr(item, f"{side}_rating"), getattr(item, f"{side}_comment")) == (4, "new comment")
    # An explicit null still clears the rating; the summary never sent stays.
    assert client.post(path, {"items": {str(item.pk): {"rating": None}}}, format="json").status_code == 200
    item.refresh_from_db()
    assert getattr(item, f"{side}_rating") is None and getattr(item, f"{side}_comment") == "new comment"
    assert getattr(Review.objects.get(pk=review.pk), f"{side}_summary") == "<p>kept</p>"


def test_template_and_cycle_patch_change_only_the_keys_sent(org, cycle):
    hr = client_for(org.hr)
    template_path = url("appraisal-template", slug=cycle.template.slug)
    before = hr.get(template_path).json()
    assert hr.patch(template_path, {"name": "Renamed"}, format="json").status_code == 200
    after = hr.get(template_path).json()
    assert (after["name"], after["description"], after["active"]) == ("Renamed", before["description"], True)
    cycle_path = url("appraisal-cycle", pk=cycle.pk)
    before = hr.get(cycle_path).json()
    changed = hr.patch(cycle_path, {"name": "Renamed cycle"}, format="json")
    assert changed.status_code == 200, changed.content
    after = changed.json()
    assert after["name"] == "Renamed cycle"
    assert {k: v for k, v in after.items() if k != "name"} == {k: v for k, v in before.items() if k != "name"}


# ---------------------------------------------------------------------------------------------------------------
# ETag and If-Match in REST
# ---------------------------------------------------------------------------------------------------------------


def test_review_etag_and_if_match(org, review):
    manager = client_for(org.manager.user)
    detail = manager.get(url("appraisal-review", pk=review.pk))
    assert detail["ETag"] == '"0.0"'
    path = url("appraisal-review-manager-review", pk=review.pk)
    item = _kra(review)
    first = manager.post(path, {"items": {str(item.pk): {"comment": "tab one"}}}, format="json", HTTP_IF_MATCH='"0.0"')
    assert first.status_code == 200 and first["ETag"] == '"0.1"'
    # The second tab still holds "0.0": refused with 412 and a JSON body naming the current tag; nothing written.
    stale = manager.post(path, {"items": {str(item.pk): {"comment": "tab two"}}}, format="json", HTTP_IF_MATCH='"0.0"')
    assert stale.status_code == 412
    assert stale["Content-Type"] == "application/json"
    assert stale.json()["current_etag"] == '"0.1"' and "changed by someone else" in stale.json()["detail"]
    item.refresh_from_db()
    assert item.manager_comment == "tab one"
    # The person's self review is another part: her save does not make the manager's tag stale.
    alice = client_for(org.alice.user)
    self_path = url("appraisal-review-self-review", pk=review.pk)
    assert alice.post(self_path, {"summary": "mine"}, format="json", HTTP_IF_MATCH='"0.1"').status_code == 200
    assert manager.post(path, {"summary": "ok"}, format="json", HTTP_IF_MATCH='"1.1"').status_code == 200
    # Garbage or a weak tag cannot match; "*" and no header write unconditionally (If-Match is not required).
    assert manager.post(path, {"summary": "x"}, format="json", HTTP_IF_MATCH='W/"1.2"').status_code == 412
    assert manager.post(path, {"summary": "x"}, format="json", HTTP_IF_MATCH='"abc"').status_code == 412
    assert manager.post(path, {"summary": "y"}, format="json", HTTP_IF_MATCH="*").status_code == 200
    assert manager.post(path, {"summary": "z"}, format="json").status_code == 200
    assert Review.objects.get(pk=review.pk).manager_version == 4


def test_note_etag_if_match_and_partial_patch(org, cycle):
    note = notes.add_note(org.manager.user, org.alice, body="<p>first</p>", tag=InterimNote.CONCERN, private=True)
    manager = client_for(org.manager.user)
    path = url("appraisal-note", pk=note.pk)
    read = manager.get(path)
    assert read.status_code == 200 and read["ETag"] == '"0"'
    changed = manager.patch(path, {"body": "second"}, format="json", HTTP_IF_MATCH='"0"')
    assert changed.status_code == 200 and changed["ETag"] == '"1"'
    assert (changed.json()["tag"], changed.json()["private"]) == (InterimNote.CONCERN, True)  # only the body changed
    stale = manager.patch(path, {"body": "third"}, format="json", HTTP_IF_MATCH='"0"')
    assert stale.status_code == 412 and stale.json()["current_etag"] == '"1"'
    assert InterimNote.objects.get(pk=note.pk).body == "second"
    # A private note is its author's only: the person gets a 404, as for a note that does not exist.
    assert client_for(org.alice.user).get(path).status_code == 404
    assert client_for(org.alice.user).patch(path, {"body": "x"}, format="json").status_code == 404


def test_the_domain_checks_the_version_inside_its_transaction(org, review):
    reviews.save_manager_review(org.manager.user, review, summary="a", version=0)
    with pytest.raises(EditConflict) as caught:
        reviews.save_manager_review(org.manager.user, review, summary="b", version=0)
    assert caught.value.current == 1
    assert Review.objects.get(pk=review.pk).manager_summary == "a"


# ---------------------------------------------------------------------------------------------------------------
# Pages: hidden version, "changed by someone else", the input kept
# ---------------------------------------------------------------------------------------------------------------


def _manager_form(review, comment, version):
    data = {"action": "manager_save", "manager_summary": f"summary {comment}", "manager_version": str(version)}
    for item in review.items.order_by("order", "pk"):
        if item.scale_id:
            data[f"manager-{item.pk}-rating"] = "2"
        data[f"manager-{item.pk}-comment"] = comment
    return data


def test_two_tabs_of_the_review_page_the_second_is_told_and_keeps_its_input(org, review):
    client = _page_client(org.manager.user)
    path = page_url("appraisal-review", pk=review.pk)
    page = client.get(path).content.decode()
    assert 'name="manager_version" value="0"' in page and 'name="idempotency_key"' in page
    first = client.post(path, _manager_form(review, "FROM-TAB-ONE", 0))
    assert first.status_code == 302
    second = client.post(path, _manager_form(review, "FROM-TAB-TWO", 0))
    assert second.status_code == 409
    body = second.content.decode()
    assert 'data-testid="conflict"' in body and "since you opened it" in body
    assert "FROM-TAB-TWO" in body  # the user's input, back in the form
    assert "FROM-TAB-ONE" in body  # what is saved now, shown
    assert 'name="manager_version" value="1"' in body  # saving again replaces theirs, knowingly
    saved = Review.objects.get(pk=review.pk)
    assert saved.manager_summary == "summary FROM-TAB-ONE" and saved.manager_version == 1
    assert set(saved.items.values_list("manager_comment", flat=True)) == {"FROM-TAB-ONE"}
    again = client.post(path, _manager_form(review, "FROM-TAB-TWO", 1))
    assert again.status_code == 302
    assert Review.objects.get(pk=review.pk).manager_summary == "summary FROM-TAB-TWO"


def test_my_reviews_two_tabs_of_the_self_review(org, review):
    client = _page_client(org.alice.user)
    path = page_url("my-reviews")
    assert 'name="self_version" value="0"' in client.get(path).content.decode()
    assert client.post(path, {"action": "self_save", "self_summary": "ONE", "self_version": "0"}).status_code == 302
    stale = client.post(path, {"action": "self_save", "self_summary": "TWO", "self_version": "0"})
    assert stale.status_code == 409
    body = stale.content.decode()
    assert "since you opened it" in body and ">TWO</textarea>" in body and "ONE" in body
    assert Review.objects.get(pk=review.pk).self_summary == "ONE"


# ---------------------------------------------------------------------------------------------------------------
# Idempotency: the same request twice makes one record
# ---------------------------------------------------------------------------------------------------------------


def test_the_same_note_sent_twice_with_one_key_is_one_note(org, cycle):
    client = client_for(org.manager.user)
    path = url("appraisal-person-notes", pk=org.alice.pk)
    body = {"body": "Great demo", "tag": "recognition"}
    first = client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="note-key-1")
    again = client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="note-key-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert InterimNote.objects.filter(employee=org.alice).count() == 1
    # Another key: another note. The same key for another request (another person): 422, nothing made.
    assert client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="note-key-2").status_code == 201
    other = client.post(
        url("appraisal-person-notes", pk=org.bob.pk), body, format="json", HTTP_IDEMPOTENCY_KEY="note-key-1"
    )
    assert other.status_code == 422 and "another request" in other.json()["detail"]
    bad = client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="no spaces allowed")
    assert bad.status_code == 422
    assert InterimNote.objects.filter(employee__in=[org.alice, org.bob]).count() == 2


def test_the_same_follow_up_action_and_sign_off_twice(org, review):
    manager = client_for(org.manager.user)
    path = url("appraisal-review-actions", pk=review.pk)
    body = {
        "title": "Pair on the release",
        "due_date": (datetime.date.today() + datetime.timedelta(days=30)).isoformat(),
    }
    first = manager.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="act-1")
    again = manager.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="act-1")
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    assert FollowUpAction.objects.filter(review=review).count() == 1
    assert ReviewEvent.objects.filter(review=review, action="action_added").count() == 1


def test_a_double_submit_of_the_self_review_is_one_submission(org, review):
    alice = client_for(org.alice.user)
    mine = alice.get(url("appraisal-review", pk=review.pk)).json()
    body = {"summary": "<p>My year</p>", "items": _answers(mine, 3), "submit": True}
    path = url("appraisal-review-self-review", pk=review.pk)
    first = alice.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="submit-1")
    again = alice.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="submit-1")
    # Without the key the second is refused by the stage check; with it the client gets the first's answer.
    assert first.status_code == again.status_code == 200, again.content
    assert again.json()["review"]["stage"] == "manager_review"
    assert ReviewEvent.objects.filter(review=review, action="self_submitted").count() == 1


def test_page_forms_carry_a_new_key_per_render_and_a_double_click_makes_one_note(org, cycle):
    client = _page_client(org.manager.user)
    path = page_url("person-notes", pk=org.alice.pk)
    keys = [client.get(path).content.decode().split('name="idempotency_key" value="')[1][:32] for _ in range(2)]
    assert keys[0] != keys[1]
    form = {"action": "note", "body": "Twice clicked", "tag": "observation", "idempotency_key": keys[0]}
    assert client.post(path, form).status_code == client.post(path, form).status_code == 302
    assert InterimNote.objects.filter(employee=org.alice, body__contains="Twice clicked").count() == 1
    assert IdempotencyKey.objects.filter(user=org.manager.user, key=keys[0]).count() == 1


def test_a_failed_request_frees_its_key(org, cycle):
    client = client_for(org.manager.user)
    path = url("appraisal-person-notes", pk=org.alice.pk)
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    refused = client.post(path, {"body": "x", "noted_on": future}, format="json", HTTP_IDEMPOTENCY_KEY="k-retry")
    assert refused.status_code == 400
    assert not IdempotencyKey.objects.filter(key="k-retry").exists()
    retried = client.post(path, {"body": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="k-retry")
    assert retried.status_code == 201 and InterimNote.objects.filter(employee=org.alice).count() == 1


def test_note_read_patch_and_replayed_create_query_counts_are_pinned_and_constant(org, cycle, count_queries):
    client = client_for(org.manager.user)
    create = url("appraisal-person-notes", pk=org.alice.pk)

    def counts(number):
        with count_queries() as created:
            note = client.post(create, {"body": f"n{number}"}, format="json", HTTP_IDEMPOTENCY_KEY=f"k{number}")
        with count_queries() as replayed:
            again = client.post(create, {"body": f"n{number}"}, format="json", HTTP_IDEMPOTENCY_KEY=f"k{number}")
        path = url("appraisal-note", pk=note.json()["id"])
        with count_queries() as read:
            tag = client.get(path)["ETag"]
        with count_queries() as patched:
            changed = client.patch(path, {"body": "changed"}, format="json", HTTP_IF_MATCH=tag)
        assert (note.status_code, again.status_code, changed.status_code) == (201, 201, 200)
        return len(created), len(replayed), len(read), len(patched)

    before = counts(1)
    for number in range(2, 5):
        notes.add_note(org.manager.user, org.alice, body=f"more {number}")
    assert counts(5) == before == NOTE_QUERIES


#: (create with a key, the same create replayed, GET a note, PATCH it with If-Match).
NOTE_QUERIES = (15, 17, 6, 13)


def test_a_double_sign_off_is_one_signature(org, cycle, today):
    review = builders.add_review(builders.make_cycle(today), org.alice, stage=Review.SIGN_OFF)
    alice = client_for(org.alice.user)
    path = url("appraisal-review-sign-off", pk=review.pk)
    body = {"comment": "Fair", "disagrees": False}
    first = alice.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="sign-1")
    again = alice.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="sign-1")
    assert first.status_code == again.status_code == 200, again.content
    assert ReviewEvent.objects.filter(review=review, action="signed").count() == 1
    # Without the key the second signature is refused by the state check (never a second one).
    refused = alice.post(path, body, format="json")
    assert refused.status_code == 400 and "already signed" in refused.json()["detail"][0]


def test_a_double_click_on_approve_in_the_plan_page_is_one_comment(org):
    plan = development_services.create_plan(org.alice.user, org.alice, title="Mine")
    development_services.propose_plan(org.alice.user, plan)
    client = _page_client(org.manager.user)
    path = page_url("plan-review", pk=plan.pk)
    key = client.get(path).content.decode().split('name="idempotency_key" value="')[1][:32]
    form = {"action": "approve", "comment": "Go ahead", "idempotency_key": key}
    assert client.post(path, form).status_code == client.post(path, form).status_code == 302
    assert PlanComment.objects.filter(plan=plan).count() == 1


def test_keys_are_purged_after_a_day_and_go_with_a_retired_user(org, cycle):
    from perf_mgmt_plugin import api  # pylint: disable=import-outside-toplevel
    from perf_mgmt_plugin.core import idempotency  # pylint: disable=import-outside-toplevel

    notes.add_note(org.manager.user, org.alice, body="a", idempotency_key="old")
    notes.add_note(org.manager.user, org.alice, body="b", idempotency_key="new")
    notes.add_note(org.alice.user, org.alice, body="c", idempotency_key="hers")
    IdempotencyKey.objects.filter(key="old").update(created=timezone.now() - datetime.timedelta(days=2))
    assert idempotency.purge() == 1
    assert set(IdempotencyKey.objects.values_list("key", flat=True)) == {"new", "hers"}
    api.retire_user(org.manager.user)
    assert set(IdempotencyKey.objects.values_list("key", flat=True)) == {"hers"}


def test_two_tabs_editing_a_note(org, cycle):
    note = notes.add_note(org.manager.user, org.alice, body="first", tag=InterimNote.OBSERVATION)
    client = _page_client(org.manager.user)
    listing = client.get(page_url("person-notes", pk=org.alice.pk)).content.decode()
    path = page_url("note-edit", pk=note.pk)
    assert f'href="{path}"' in listing  # the author's own note offers "Edit"
    page = client.get(path).content.decode()
    assert '<input type="hidden" name="version" value="0"' in page
    saved = client.post(path, {"body": "from tab one", "tag": "concern", "version": "0"})
    assert saved.status_code == 302
    stale = client.post(path, {"body": "from tab two", "tag": "idea", "version": "0"})
    assert stale.status_code == 409
    body = stale.content.decode()
    assert "changed by someone else" in body and "from tab two</textarea>" in body and "from tab one" in body
    assert '<input type="hidden" name="version" value="1"' in body
    assert InterimNote.objects.get(pk=note.pk).body == "from tab one"
    # Only the author edits; another reader gets a 403, someone who may not read it a 404.
    assert _page_client(org.director.user).get(path).status_code == 403
    assert _page_client(org.bob.user).get(path).status_code == 404


def test_note_edit_page_query_count_is_pinned_and_constant(org, cycle, count_queries):
    note = notes.add_note(org.manager.user, org.alice, body="first")
    client = _page_client(org.manager.user)

    def count():
        with count_queries() as queries:
            assert client.get(page_url("note-edit", pk=note.pk)).status_code == 200
        return len(queries)

    before = count()
    for number in range(4):
        notes.add_note(org.manager.user, org.alice, body=f"more {number}")
    assert count() == before == NOTE_EDIT_PAGE_QUERIES


NOTE_EDIT_PAGE_QUERIES = 8
