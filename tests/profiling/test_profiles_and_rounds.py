"""Profiles (seeding, versions, copy, retire) and a round's workflow (start, nominate, approve, answer, close)."""

import pytest
from django.core import mail

from perf_mgmt_plugin.core.access import AccessDenied
from perf_mgmt_plugin.core.versioning import EditConflict
from perf_mgmt_plugin.profiling import services
from perf_mgmt_plugin.profiling.errors import ProfilingConflict, ProfilingError
from perf_mgmt_plugin.profiling.models import Answer, Profile, Rater, Round, Subject

from .builders import answer, nominate_and_approve, start


def test_a_new_profile_starts_from_the_competencies_indicators(org, fw):
    profile = services.create_profile(org.hr, family="coach", name="Coaching", competency_ids=[fw.coach.pk, fw.plan.pk])
    texts = list(profile.items.order_by("order").values_list("competency_id", "text"))
    # COACH has one indicator; PLAN has none, so its name stands in until HR writes items.
    assert texts == [(fw.coach.pk, "Runs regular 1:1s"), (fw.plan.pk, "Planning")]
    assert profile.status == Profile.DRAFT and profile.number == 1


def test_only_hr_makes_profiles_and_bad_items_are_refused(org, fw):
    with pytest.raises(AccessDenied):
        services.create_profile(org.manager.user, family="x", name="X", competency_ids=[fw.coach.pk])
    with pytest.raises(ProfilingError):
        services.create_profile(org.hr, family="x", name="X", items=[(987654, "Nope")])
    with pytest.raises(ProfilingError):
        services.create_profile(org.hr, family="x", name="X", items=[])


def test_a_profile_in_use_is_never_edited_under_its_answers(org, fw, profile):
    start(org, profile, org.alice)
    before = list(profile.items.values_list("pk", "text"))
    newer = services.update_profile(org.hr, profile, items=[(fw.coach.pk, "Listens")], version=profile.version)
    assert newer.pk != profile.pk and newer.family == profile.family and newer.number == 2
    assert newer.previous == profile and newer.status == Profile.DRAFT
    assert list(profile.items.values_list("pk", "text")) == before
    assert list(newer.items.values_list("text", flat=True)) == ["Listens"]
    assert list(newer.questions.values_list("text", flat=True)) == ["What should they keep doing?"]
    # The old version cannot be edited any more: the newer one is.
    with pytest.raises(ProfilingConflict):
        services.update_profile(org.hr, profile, name="Again")


def test_a_draft_is_edited_in_place_with_its_version(org, fw):
    draft = services.create_profile(org.hr, family="d", name="D", competency_ids=[fw.coach.pk])
    seen = draft.version
    same = services.update_profile(org.hr, draft, name="D2", version=seen)
    assert same.pk == draft.pk and same.name == "D2"
    with pytest.raises(EditConflict):
        services.update_profile(org.hr, draft, name="D3", version=seen)


def test_copy_and_retire(org, profile):
    copy = services.copy_profile(org.hr, profile, family="leadership-copy")
    assert copy.family == "leadership-copy" and copy.items.count() == profile.items.count()
    services.set_profile_status(org.hr, profile, Profile.RETIRED)
    with pytest.raises(ProfilingConflict):
        services.start_round(org.hr, profile, name="R", person_ids=[org.alice.pk])


def test_a_manager_starts_a_round_for_their_people_only(org, profile, people):
    rnd = services.start_round(org.manager.user, profile, name="Team", person_ids=[org.alice.pk, org.seller.pk])
    assert list(Subject.objects.filter(round=rnd).values_list("person", flat=True)) == [org.alice.pk]
    subject = Subject.objects.get(round=rnd)
    groups = dict(Rater.objects.filter(subject=subject).values_list("user_id", "group"))
    assert groups == {org.alice.user_id: "self", org.manager.user_id: "manager"}
    with pytest.raises(AccessDenied):
        services.start_round(org.alice.user, profile, name="No", person_ids=[org.bob.pk])


def test_hr_starts_by_unit_and_position(org, profile, people):
    rnd = services.start_round(org.hr, profile, name="Devs", position_ids=[org.dev.pk])
    assert set(Subject.objects.filter(round=rnd).values_list("person", flat=True)) == {org.alice.pk, org.bob.pk}
    rnd = services.start_round(org.hr, profile, name="Sales", unit_ids=[org.sales.pk])
    assert Subject.objects.filter(round=rnd).count() == 4  # the seller and three others


def test_nominations_stay_within_the_rounds_limits_and_are_approved(
    org, profile, people, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    _rnd, subject = start(org, profile, org.manager)
    with pytest.raises(ProfilingError):
        services.nominate(org.manager.user, subject, {"peer": [people.peers[0].user_id], "direct_report": []})
    with pytest.raises(ProfilingError):  # the subject cannot rate themselves as a peer
        services.nominate(
            org.manager.user,
            subject,
            {
                "peer": [org.manager.user_id, people.peers[0].user_id],
                "direct_report": [org.alice.user_id, org.bob.user_id],
            },
        )
    with pytest.raises(AccessDenied):
        services.nominate(org.alice.user, subject, {"peer": [], "direct_report": []})
    services.nominate(
        org.manager.user,
        subject,
        {"peer": [p.user_id for p in people.peers[:2]], "direct_report": [org.alice.user_id, org.bob.user_id]},
    )
    subject.refresh_from_db()
    assert subject.status == Subject.SUBMITTED
    with pytest.raises(AccessDenied):  # not the subject's own approval
        services.approve(org.manager.user, subject)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(
            org.director.user,
            subject,
            {"peer": [p.user_id for p in people.peers[:3]], "direct_report": [org.alice.user_id, org.bob.user_id]},
        )
    raters = Rater.objects.filter(subject=subject)
    assert set(raters.values_list("status", flat=True)) == {Rater.INVITED}
    assert raters.filter(group="peer").count() == 3
    invited = {m.to[0] for m in mail.outbox if "feedback" in m.subject.lower()}
    assert f"{people.peers[2].user.username}@example.com" in invited


def test_answering_drafts_submits_once_and_declines(org, profile, people):
    _rnd, subject = start(org, profile, org.manager)
    nominate_and_approve(org, subject, peers=people.peers[:2], reports=[org.alice, org.bob])
    rater = Rater.objects.get(subject=subject, user=org.alice.user)
    items = list(profile.items.order_by("order").values_list("pk", flat=True))
    services.save_answers(org.alice.user, rater, answers={items[0]: 3}, version=rater.version)
    rater.refresh_from_db()
    assert rater.status == Rater.DRAFT
    with pytest.raises(EditConflict):  # a save from an older copy of the page
        services.save_answers(org.alice.user, rater, answers={items[0]: 2}, version=rater.version - 1)
    with pytest.raises(ProfilingError):  # a submit with items left
        services.save_answers(org.alice.user, rater, answers={items[1]: 2}, submit=True)
    with pytest.raises(ProfilingError):  # a level off the scale
        services.save_answers(org.alice.user, rater, answers={items[1]: 9})
    first = services.save_answers(
        org.alice.user, rater, answers={items[1]: 2, items[2]: None}, submit=True, idempotency_key="k1"
    )
    again = services.save_answers(
        org.alice.user, rater, answers={items[1]: 4, items[2]: 4}, submit=True, idempotency_key="k1"
    )
    assert first.pk == again.pk
    assert dict(Answer.objects.filter(rater=rater).values_list("item_id", "level")) == {
        items[0]: 3,
        items[1]: 2,
        items[2]: None,
    }
    with pytest.raises(ProfilingConflict):
        services.save_answers(org.alice.user, rater, answers={items[0]: 1}, submit=True)
    with pytest.raises(AccessDenied):  # someone else's sheet
        services.save_answers(org.bob.user, rater, answers={items[0]: 1})
    bob = Rater.objects.get(subject=subject, user=org.bob.user)
    with pytest.raises(ProfilingError):
        services.decline(org.bob.user, bob, "")
    services.decline(org.bob.user, bob, "I joined last week")
    bob.refresh_from_db()
    assert bob.status == Rater.DECLINED and bob.decline_reason == "I joined last week"


def test_the_report_is_read_after_closing_and_released_to_the_subject(org, profile, people):
    rnd, subject = start(org, profile, org.manager)
    nominate_and_approve(org, subject, peers=people.peers[:3], reports=[org.alice, org.bob, people.carol])
    answer(org.manager.user, subject, [4, 4, 4])
    for person in [*people.peers[:3], org.alice, org.bob, people.carol]:
        answer(person.user, subject, [2, 2, 3], comment="Keep the 1:1s")
    answer(org.director.user, subject, [3, 3, 3])
    assert not services.can_read_report(org.director.user, subject)  # nothing before the round closes
    with pytest.raises(AccessDenied):
        services.close_round(org.manager.user, rnd)
    services.close_round(org.hr, rnd)
    subject.refresh_from_db()
    assert services.can_read_report(org.director.user, subject)
    assert services.can_read_report(org.hr, subject)
    assert not services.can_read_report(org.manager.user, subject)  # the subject waits for the release
    assert not services.can_read_report(org.alice.user, subject)
    with pytest.raises(AccessDenied):
        services.release_report(org.hr, subject)  # this round is released by the manager
    services.release_report(org.director.user, subject)
    subject.refresh_from_db()
    assert services.can_read_report(org.manager.user, subject)


def test_a_closed_round_takes_no_answers(org, profile, people):
    rnd, subject = start(org, profile, org.manager)
    services.close_round(org.hr, rnd)
    rater = Rater.objects.get(subject=subject, group="self")
    with pytest.raises(ProfilingConflict):
        services.save_answers(org.manager.user, rater, answers={})
    with pytest.raises(ProfilingConflict):
        services.close_round(org.hr, Round.objects.get(pk=rnd.pk))


def test_a_person_asks_for_their_own_round_where_allowed(org, profile):
    with pytest.raises(AccessDenied):
        services.request_own_round(org.alice.user, profile)
    Profile.objects.filter(pk=profile.pk).update(allow_self_request=True)
    profile.refresh_from_db()
    rnd = services.request_own_round(org.alice.user, profile)
    assert rnd.self_requested and Subject.objects.filter(round=rnd, person=org.alice).exists()
    with pytest.raises(ProfilingConflict):
        services.request_own_round(org.alice.user, profile)
