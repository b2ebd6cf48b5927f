"""
A closed round's results become competency assessments (when the round counts): per subject and competency, one
assessment per shown group that has an assessment source -- ``manager`` (with the manager as rater), ``peer`` and
``direct_report`` (no rater: anonymous, and each counts once under the current-level policy by its context). The
level is the group's mean over the shown cells, rounded to the nearest level of the scale. "Others" and self feed
nothing (self-assessments are the person's own, made where they assess themselves). Anonymity as in the report:
a group or cell hidden there feeds nothing either.
"""

from collections import defaultdict

from ..competencies import api as competencies
from .models import DIRECT_REPORT, MANAGER, PEER, ProfileItem, Rater, Subject
from .report import summaries

FED_GROUPS = {MANAGER: "manager", PEER: "peer", DIRECT_REPORT: "direct_report"}
BATCH = 200


def _nearest(value, levels):
    return min(levels, key=lambda level: (abs(level - value), -level))


def entries_for(rnd, subject_ids):
    """The assessment entries of these subjects of ``rnd`` (see ``competencies.api.record_round_results``)."""
    items = dict(ProfileItem.objects.filter(profile_id=rnd.profile_id).values_list("pk", "competency_id"))
    by_competency = defaultdict(list)
    for item_id, cid in items.items():
        by_competency[cid].append(item_id)
    scales = competencies.get_scales_for(list(by_competency))
    levels = {cid: [lv.value for lv in scale.levels] for cid, scale in scales.items()}
    subjects = dict(Subject.objects.filter(pk__in=subject_ids).values_list("pk", "person_id"))
    managers = dict(
        Rater.objects.filter(subject_id__in=subject_ids, group=MANAGER, status=Rater.SUBMITTED).values_list(
            "subject_id", "user_id"
        )
    )
    entries = []
    for sid, summary in summaries(subject_ids).items():
        for cid, item_ids in by_competency.items():
            figures = summary.competency_figures(item_ids, list(FED_GROUPS))
            for group, source in FED_GROUPS.items():
                value = figures.get(group)
                if value is None or not levels.get(cid):
                    continue
                rater = managers.get(sid) if group == MANAGER else None
                entries.append((subjects[sid], cid, _nearest(value, levels[cid]), source, rater))
    return entries


def record_results(rnd):
    """Feed the round's results, subjects in batches; returns how many assessments were recorded."""
    subject_ids = list(Subject.objects.filter(round=rnd).order_by("pk").values_list("pk", flat=True))
    total = 0
    for start in range(0, len(subject_ids), BATCH):
        batch = subject_ids[start : start + BATCH]
        total += competencies.record_round_results(entries_for(rnd, batch), f"round:{rnd.pk}")
    return total
