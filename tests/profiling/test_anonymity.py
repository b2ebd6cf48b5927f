"""
Anonymity of 360 reports (ADR 0024): small groups merged into "others" or hidden on every channel, cells with too
few answers left out of every figure, and replayed differencing sequences (groupings, scopes, time) that reveal
nothing below the minimum (3 here).
"""

import random

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from perf_mgmt_plugin.api import retire_user
from perf_mgmt_plugin.profiling import report as reporting
from perf_mgmt_plugin.profiling import services
from perf_mgmt_plugin.profiling.anonymity import shown_cells, shown_groups
from perf_mgmt_plugin.profiling.models import Rater, Subject

from .builders import answer, nominate_and_approve, start

MIN = 3


def test_groups_below_the_minimum_merge_into_others_or_hide():
    raters = [(1, "self"), (2, "manager"), (3, "peer"), (4, "peer"), (5, "other"), (6, "direct_report")]
    # peers (2) + others (1) + direct reports (1) = 4 >= 3: merged into "others".
    assert shown_groups(raters, MIN) == {1: "self", 2: "manager", 3: "other", 4: "other", 5: "other", 6: "other"}
    # peers (2) alone: 2 < 3, hidden; self and the named manager stay.
    assert shown_groups([(1, "self"), (2, "manager"), (3, "peer"), (4, "peer")], MIN) == {1: "self", 2: "manager"}
    # a big group stays itself; the small one joins "others" only if that reaches the minimum.
    big = [(10 + n, "peer") for n in range(3)] + [(20, "direct_report")]
    assert shown_groups(big, MIN) == {10: "peer", 11: "peer", 12: "peer"}
    assert shown_cells({(1, "peer"): 2, (1, "manager"): 1, (2, "peer"): 3}, MIN) == {(1, "manager"), (2, "peer")}


ANONYMOUS = ("peer", "direct_report", "other")


def _anonymous_counts(fig):
    """Answers of anonymous raters behind each figure: each group's, and all others' less the named manager's."""
    counts = {g: fig["counts"].get(g, 0) for g in ANONYMOUS}
    counts["others"] = fig["counts"]["others"] - fig["counts"].get("manager", 0)
    return counts


def _subtractions(summary, item_ids, groups):
    """
    What is left when an attacker subtracts one shown figure from another that holds it (all others minus one
    group; a competency minus one of its statements), as the number of anonymous answers left, and every figure's
    own number: a report leaks nothing when each is 0 or at least the minimum.
    """
    competency = _anonymous_counts(summary.competency_figures(item_ids, groups))
    left = list(competency.values())
    for item_id in item_ids:
        item = _anonymous_counts(summary.item_figures(item_id, groups))
        left.extend(item.values())
        left.extend(competency[key] - item[key] for key in item)  # the competency holds each statement
        left.extend(item["others"] - item[g] for g in ANONYMOUS)  # all others hold each group
    left.extend(competency["others"] - competency[g] for g in ANONYMOUS)
    return left


@pytest.mark.parametrize("seed", range(40))
def test_no_combination_of_shown_figures_leaves_fewer_than_the_minimum(seed):
    """Random rounds (group sizes, "not able to say" answers): every figure and every difference holds 0 or >= 3."""
    rng = random.Random(seed)
    raters, answers, pk = [(1, "self"), (2, "manager")], [], 2
    for group in ("peer", "direct_report", "other"):
        for _n in range(rng.randint(0, 5)):
            pk += 1
            raters.append((pk, group))
    for rater_id, _group in raters:
        for item in (1, 2, 3):
            answers.append((rater_id, item, None if rng.random() < 0.3 else rng.randint(1, 4)))
    summary = reporting.summarise(raters, answers, MIN)
    groups = ["self", "manager", "peer", "direct_report", "other"]
    leftovers = _subtractions(summary, [1, 2, 3], groups)
    assert all(n == 0 or n >= MIN for n in leftovers), (raters, answers, leftovers)


def test_a_hidden_raters_answers_change_nothing_anywhere():
    """Two rounds that differ only in what a hidden rater said give the same summary, figure for figure."""
    base = [(1, "self"), (2, "manager"), (3, "peer"), (4, "peer"), (5, "peer"), (6, "direct_report")]
    answers = [(r, i, 3) for r, _g in base for i in (1, 2)]
    changed = [(r, i, 1 if r == 6 else lv) for r, i, lv in answers]
    a, b = reporting.summarise(base, answers, MIN), reporting.summarise(base, changed, MIN)
    assert a.cells == b.cells and a.groups == b.groups == {"self": 1, "manager": 1, "peer": 3}


# -- every channel ---------------------------------------------------------------------------------------------------


@pytest.fixture
def closed(org, profile, people, settings):
    """A closed round on the manager: 3 peers answer, 2 direct reports (too few, nothing to merge with: hidden)."""
    settings.PERF_MGMT_PROFILING_MIN_GROUP = MIN
    rnd, subject = start(org, profile, org.manager)
    nominate_and_approve(org, subject, peers=people.peers[:3], reports=[org.alice, org.bob])
    answer(org.manager.user, subject, [4, 4, 4], comment="I plan well")
    for n, person in enumerate(people.peers[:3]):
        answer(person.user, subject, [2, 3, 2], comment=f"peer comment {n}")
    answer(org.alice.user, subject, [1, 1, 1], comment="SECRET-FROM-ALICE")
    answer(org.bob.user, subject, [1, 1, 1], comment="SECRET-FROM-BOB")
    answer(org.director.user, subject, [3, 3, 3])
    services.close_round(org.hr, rnd)
    subject = Subject.objects.get(pk=subject.pk)
    services.release_report(org.director.user, subject)
    return Subject.objects.get(pk=subject.pk)


def _channels(org, subject):
    """What each channel shows of the report, as text, for the manager (subject), their manager and HR."""
    texts = []
    for user in (org.manager.user, org.director.user, org.hr):
        page = Client()
        page.force_login(user)
        for name in ("feedback-report", "feedback-report-print", "feedback-report-csv"):
            response = page.get(reverse(f"perf_mgmt:{name}", kwargs={"pk": subject.pk}))
            assert response.status_code == 200, name
            texts.append((name, response.content.decode()))
        rest = APIClient()
        rest.force_authenticate(user)
        response = rest.get(reverse("perf_mgmt:api-v1:profiling-report", kwargs={"pk": subject.pk}))
        assert response.status_code == 200
        texts.append(("rest", response.content.decode()))
    return texts


def test_every_channel_hides_the_small_group_and_its_comments(org, closed):
    for name, text in _channels(org, closed):
        assert "SECRET-FROM" not in text, name
        assert "Direct reports" not in text and "direct_report" not in text, name
        assert "peer comment 0" in text, name


def test_the_admin_shows_no_answers_and_no_comments_of_a_rater(org, closed):
    client = Client()
    org.hr.is_staff = True
    org.hr.save()
    client.force_login(org.hr)
    rater = Rater.objects.get(subject=closed, user=org.alice.user)
    for url in (
        reverse("admin:perf_mgmt_round_changelist"),
        reverse("admin:perf_mgmt_subject_change", args=[closed.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "SECRET-FROM" not in response.content.decode()
    # Raters, answers and comments have no admin pages at all.
    for model in ("rater", "answer", "comment"):
        assert client.get(f"/admin/perf_mgmt/{model}/").status_code == 404
    assert client.get(f"/admin/perf_mgmt/rater/{rater.pk}/change/").status_code == 404


def test_scopes_every_reader_gets_the_same_figures(org, closed):
    """The subject, their manager and HR read the same report: nothing is recomputed for a scope."""
    (rest_texts) = [text for name, text in _channels(org, closed) if name == "rest"]
    assert len(set(rest_texts)) == 1


def test_time_a_rater_retired_after_the_release_changes_nothing(org, closed, people):
    before = reporting.as_data(reporting.build(closed))
    retire_user(people.peers[0].user)
    retire_user(org.alice.user)
    after = reporting.as_data(reporting.build(Subject.objects.get(pk=closed.pk)))
    assert before["competencies"] == after["competencies"] and before["groups"] == after["groups"]


def test_nothing_is_readable_before_the_round_closes(org, profile, people):
    rnd, subject = start(org, profile, org.manager)
    nominate_and_approve(org, subject, peers=people.peers[:3], reports=[org.alice, org.bob])
    for person in people.peers[:3]:
        answer(person.user, subject, [2, 3, 2])
    for user in (org.manager.user, org.director.user, org.hr):
        client = Client()
        client.force_login(user)
        assert client.get(reverse("perf_mgmt:feedback-report", kwargs={"pk": subject.pk})).status_code == 404
        rest = APIClient()
        rest.force_authenticate(user)
        url = reverse("perf_mgmt:api-v1:profiling-report", kwargs={"pk": subject.pk})
        assert rest.get(url).status_code == 404
