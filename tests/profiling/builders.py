"""Helpers that run a round to a given point."""

from perf_mgmt_plugin.profiling import services
from perf_mgmt_plugin.profiling.models import Rater, Subject


def start(org, profile, person, **kwargs):
    rnd = services.start_round(org.hr, profile, name="Leaders 2026", person_ids=[person.pk], min_raters=2, **kwargs)
    return rnd, Subject.objects.get(round=rnd, person=person)


def nominate_and_approve(org, subject, peers=(), reports=(), others=()):
    nominations = {"peer": [p.user_id for p in peers], "direct_report": [r.user_id for r in reports]}
    if others:
        nominations["other"] = [o.user_id for o in others]
    services.nominate(subject.person.user, subject, nominations)
    subject.refresh_from_db()
    approver = subject.person.manager.user if subject.person.manager else org.hr
    return services.approve(approver, subject)


def answer(user, subject, levels, comment=""):
    """``levels``: one level (or None) per item, in the profile's order."""
    rater = Rater.objects.get(subject=subject, user=user)
    items = list(subject.round.profile.items.order_by("order", "pk").values_list("pk", flat=True))
    question = subject.round.profile.questions.first()
    comments = {question.pk: comment} if question and comment else {}
    return services.save_answers(user, rater, answers=dict(zip(items, levels)), comments=comments, submit=True)
