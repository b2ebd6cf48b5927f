"""
A subject's 360 report, computed once and read by every channel (page, print view, REST, CSV): per competency and
item, self vs each shown group vs all others, the distribution, the position's required level, blind spots and
hidden strengths, comments without names, and the trend against the person's previous round.

Only what ``anonymity`` lets through counts (ADR 0024); nothing is computed for a reader's scope, so every reader
allowed to see the report sees the same figures. A constant number of queries whatever the round's size.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from ..competencies import api as competencies
from .anonymity import min_group, shown_cells, shown_groups
from .models import GROUP_CHOICES, SELF, Answer, Comment, ProfileItem, ProfileQuestion, Rater, Round, Subject

GROUP_LABELS = dict(GROUP_CHOICES)


def _mean(values):
    return round(sum(values) / len(values), 2) if values else None


def gap_threshold():
    return float(getattr(settings, "PERF_MGMT_PROFILING_GAP_THRESHOLD", 1.0))


@dataclass
class Summary:
    """The figures of one subject (no rater ids): what the report, the feed and the trend read."""

    groups: dict  # shown group -> raters counted
    hidden: int  # submitted raters who count nowhere
    cells: dict  # (item_id, group) -> [levels] (shown cells only)
    rater_groups: dict = field(default_factory=dict)  # rater_id -> shown group (internal: comments, never shown)

    def item_figures(self, item_id, groups):
        return self._figures([item_id], groups)

    def competency_figures(self, item_ids, groups):
        return self._figures(item_ids, groups)

    def _figures(self, item_ids, groups):
        """Means per group and over all others (a sum of shown cells only), answer counts and the distribution."""
        levels = {g: [lv for i in item_ids for lv in self.cells.get((i, g), [])] for g in groups}
        others = [lv for g in groups if g != SELF for lv in levels[g]]
        row = {g: _mean(levels[g]) for g in groups}
        row["others"] = _mean(others)
        row["counts"] = {**{g: len(levels[g]) for g in groups}, "others": len(others)}
        row["distribution"] = dict(sorted(Counter(others).items()))
        return row


def summarise(raters, answers, minimum=None):
    """
    The :class:`Summary` from ``raters`` ``[(rater_id, group)]`` who submitted and ``answers``
    ``[(rater_id, item_id, level or None)]``. Pure: the anonymity rules decide what counts.
    """
    minimum = minimum or min_group()
    shown = shown_groups(raters, minimum)
    levels = defaultdict(list)
    for rater_id, item_id, level in answers:
        group = shown.get(rater_id)
        if group is not None and level is not None:
            levels[(item_id, group)].append(level)
    allowed = shown_cells({cell: len(values) for cell, values in levels.items()}, minimum)
    cells = {cell: sorted(values) for cell, values in levels.items() if cell in allowed}
    groups = Counter(shown.values())
    return Summary(groups=dict(groups), hidden=len(raters) - len(shown), cells=cells, rater_groups=shown)


def _submitted(subject_ids):
    return list(
        Rater.objects.filter(subject_id__in=subject_ids, status=Rater.SUBMITTED).values_list(
            "subject_id", "pk", "group"
        )
    )


def summaries(subject_ids, minimum=None):
    """``{subject_id: Summary}`` for several subjects, in two queries."""
    raters = _submitted(subject_ids)
    answers = Answer.objects.filter(rater_id__in=[pk for _s, pk, _g in raters]).values_list(
        "rater_id", "item_id", "level"
    )
    by_rater = {pk: sid for sid, pk, _g in raters}
    grouped_answers = defaultdict(list)
    for rater_id, item_id, level in answers:
        grouped_answers[by_rater[rater_id]].append((rater_id, item_id, level))
    grouped_raters = defaultdict(list)
    for sid, pk, group in raters:
        grouped_raters[sid].append((pk, group))
    return {sid: summarise(grouped_raters[sid], grouped_answers[sid], minimum) for sid in subject_ids}


@dataclass
class Report:
    subject: object
    round: object
    groups: list  # [(group, label, raters)] shown, in a fixed order
    hidden: int
    competencies: list  # dicts, see build()
    comments: list  # [(question text, [texts])]
    blind_spots: list
    hidden_strengths: list
    scale_max: int
    levels: list  # [(value, name)] of the first competency's scale
    previous: object = None  # the previous Subject row, if any
    minimum: int = 3


def previous_subject(subject):
    """The person's previous closed round of the same profile family (for the trend), or ``None``. One query."""
    return (
        Subject.objects.filter(
            person_id=subject.person_id,
            round__status=Round.CLOSED,
            round__profile__family=subject.round.profile.family,
            round__closed_at__lt=subject.round.closed_at,
        )
        .select_related("round")
        .order_by("-round__closed_at")
        .first()
    )


def build(subject):
    """The report of ``subject`` (the caller checked the reader may read it). A constant number of queries."""
    profile = subject.round.profile
    minimum = min_group()
    items = list(ProfileItem.objects.filter(profile=profile).select_related("competency").order_by("order", "pk"))
    previous = previous_subject(subject) if subject.round.closed_at else None
    ids = [subject.pk] + ([previous.pk] if previous else [])
    sums = summaries(ids, minimum)
    summary = sums[subject.pk]
    order = [g for g, _label in GROUP_CHOICES if g in summary.groups]
    by_competency = defaultdict(list)
    for item in items:
        by_competency[item.competency_id].append(item)
    competency_ids = list(by_competency)
    scales = competencies.get_scales_for(competency_ids)
    try:
        results = {r.competency_id: r for r in competencies.get_self_result(subject.person.user, competency_ids)}
    except competencies.CompetencyError:
        results = {}
    prev_items = {}
    if previous is not None:
        for pk, cid in ProfileItem.objects.filter(profile_id=previous.round.profile_id).values_list(
            "pk", "competency_id"
        ):
            prev_items.setdefault(cid, []).append(pk)
    threshold = gap_threshold()
    rows, blind, strengths = [], [], []
    for cid, its in by_competency.items():
        figures = summary.competency_figures([i.pk for i in its], order)
        result = results.get(cid)
        row = {
            "id": cid,
            "name": its[0].competency.name,
            "figures": figures,
            "required": result.required_level if result else None,
            "courses": list(result.suggested_courses) if result else [],
            "items": [{"id": i.pk, "text": i.text, "figures": summary.item_figures(i.pk, order)} for i in its],
            "previous": None,
        }
        if previous is not None and cid in prev_items:
            prev = sums[previous.pk].competency_figures(prev_items[cid], list(GROUP_LABELS))
            row["previous"] = {"self": prev.get(SELF), "others": prev["others"]}
        own, others = figures.get(SELF), figures["others"]
        row["blind_spot"] = own is not None and others is not None and own - others >= threshold
        row["hidden_strength"] = own is not None and others is not None and others - own >= threshold
        if row["blind_spot"]:
            blind.append(row)
        if row["hidden_strength"]:
            strengths.append(row)
        rows.append(row)
    questions = list(ProfileQuestion.objects.filter(profile=profile).order_by("order", "pk"))
    texts = defaultdict(list)
    counted = [pk for pk, group in summary.rater_groups.items() if group != SELF]
    for question_id, text in Comment.objects.filter(rater_id__in=counted).values_list("question_id", "text"):
        texts[question_id].append(text)
    # Sorted, not in the order written: the order of arrival would line comments up with raters.
    comments = [(q.text, sorted(texts.get(q.pk, []))) for q in questions]
    first_scale = scales[competency_ids[0]] if competency_ids else None
    levels = [(lv.value, lv.name) for lv in first_scale.levels] if first_scale else []
    scale_max = max((lv.value for s in scales.values() for lv in s.levels), default=5)
    return Report(
        subject=subject,
        round=subject.round,
        groups=[(g, GROUP_LABELS[g], summary.groups[g]) for g in order],
        hidden=summary.hidden,
        competencies=rows,
        comments=comments,
        blind_spots=blind,
        hidden_strengths=strengths,
        scale_max=scale_max,
        levels=levels,
        previous=previous,
        minimum=minimum,
    )


def csv_rows(report):
    """The report as rows for ``core.csv_export`` (the same figures as the page: nothing more)."""
    groups = [g for g, _label, _n in report.groups]
    header = [_("Competency"), _("Statement"), *[GROUP_LABELS[g] for g in groups], _("All others"), _("Required")]
    rows = [header]
    for row in report.competencies:
        figures = row["figures"]
        rows.append([row["name"], "", *[figures.get(g) for g in groups], figures["others"], row["required"]])
        for item in row["items"]:
            rows.append(
                [row["name"], item["text"], *[item["figures"].get(g) for g in groups], item["figures"]["others"], ""]
            )
    for question, texts in report.comments:
        rows.extend([_("Comment"), question, text] for text in texts)
    return rows


def as_data(report):
    """The report as plain data (REST): groups, competencies with items, comments; no rater ever named."""
    return {
        "subject": report.subject.pk,
        "round": report.round.pk,
        "minimum_group": report.minimum,
        "groups": [{"group": g, "label": str(label), "raters": n} for g, label, n in report.groups],
        "not_counted": report.hidden,
        "competencies": [
            {
                "competency": row["id"],
                "name": row["name"],
                "required_level": row["required"],
                "figures": row["figures"],
                "blind_spot": row["blind_spot"],
                "hidden_strength": row["hidden_strength"],
                "previous": row["previous"],
                "items": [{"item": i["id"], "text": i["text"], "figures": i["figures"]} for i in row["items"]],
            }
            for row in report.competencies
        ],
        "comments": [{"question": q, "answers": texts} for q, texts in report.comments],
    }
