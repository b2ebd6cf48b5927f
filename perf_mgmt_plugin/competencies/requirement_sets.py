"""
A position's requirement set as HR edits it in one go: every active competency it requires, at which level and how
critically; filled from a form, copied from another position or imported from CSV; previewed (how many gaps the
change opens and closes for the people holding the position) before it is saved; saved with the set's version
(``core.versioning``), the holders' gaps recomputed once.

Who may edit a position's set: ``perf_mgmt.manage_position_requirements`` -- unrestricted HR admins for every
position, HR admins limited to some units for the positions of those units (a position without a unit is
organisation-wide: unrestricted HR admins only).

Every function here costs a fixed number of queries, whatever the number of holders or competencies, except the
save, which writes one row per changed requirement (kept in their history) before one gap recomputation.
"""

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..core import csv_export
from ..core.limits import TooLarge, read_import
from ..core.versioning import claim_version
from ..org.api import Employee, Position
from . import gaps
from .errors import CompetencyError
from .models import Competency, CompetencyGap, PositionRequirement, PositionRequirementSet, ScaleLevel
from .policy import current_level, get_policy

CRITICALITIES = dict(PositionRequirement.CRITICALITY_CHOICES)
CSV_HEADER = ["framework", "competency", "level", "criticality"]
#: More rows than any framework has competencies: a larger file is not a requirement set.
MAX_CSV_ROWS = 2000


@dataclass
class Change:
    """One competency whose requirement the proposal changes, with the gaps it opens and closes among holders."""

    competency: Competency
    before: tuple | None  # (level, criticality) or None
    after: tuple | None
    opened: int = 0
    closed: int = 0
    widened: int = 0
    narrowed: int = 0


@dataclass
class Preview:
    """What saving the proposal would do to the people holding the position."""

    holders: int
    opened: int = 0
    closed: int = 0
    widened: int = 0  # open gaps that stay open and grow
    narrowed: int = 0  # open gaps that stay open and shrink
    changes: list = field(default_factory=list)

    @property
    def changed(self):
        return bool(self.changes)


def editable_competencies():
    """The active competencies of active frameworks, with their framework and scale levels (two queries)."""
    competencies = list(
        Competency.objects.filter(active=True, framework__active=True)
        .select_related("framework")
        .order_by("framework__name", "order", "code")
    )
    levels = {}
    scale_ids = {c.framework.scale_id for c in competencies}
    for scale_id, value, name in ScaleLevel.objects.filter(scale_id__in=scale_ids).values_list(
        "scale_id", "value", "name"
    ):
        levels.setdefault(scale_id, []).append((value, name))
    for competency in competencies:
        competency.level_choices = sorted(levels.get(competency.framework.scale_id, []))
    return competencies


def current_set(position, competencies=None):
    """``{competency_id: (level, criticality)}`` of the position's requirements on editable competencies."""
    rows = PositionRequirement.objects.filter(
        position=position, competency__active=True, competency__framework__active=True
    )
    if competencies is not None:
        rows = rows.filter(competency_id__in=[c.pk for c in competencies])
    return {
        cid: (level, crit) for cid, level, crit in rows.values_list("competency_id", "required_level", "criticality")
    }


def positions_in_scope(user):
    """The active positions whose requirements ``user`` may edit (unrestricted HR: all; scoped: their units')."""
    from ..org.api import access_context, hr_units_q  # pylint: disable=import-outside-toplevel

    context = access_context(user)
    positions = Position.objects.filter(active=True).select_related("org_unit").order_by("title", "code")
    if not context.is_hr_admin:
        return positions.none()
    if context.hr_unrestricted:
        return positions
    return positions.filter(hr_units_q(user, prefix="org_unit__"), org_unit__isnull=False)


def version_of(position):
    return PositionRequirementSet.objects.filter(position=position).values_list("version", flat=True).first() or 0


def _check(competency, level, criticality):
    values = {value for value, _name in competency.level_choices}
    if level not in values:
        raise CompetencyError(
            _("%(level)s is not a level of the scale of %(competency)s (levels: %(values)s).")
            % {"level": level, "competency": competency.name, "values": ", ".join(str(v) for v in sorted(values))}
        )
    if criticality not in CRITICALITIES:
        raise CompetencyError(_("Unknown criticality '%(value)s'.") % {"value": criticality})


def from_form(data, competencies):
    """
    The proposal a form sent: ``level_<competency id>`` (empty: not required) and ``criticality_<competency id>``.
    Returns ``(proposal, errors)``; a competency with an invalid level is reported, not guessed.
    """
    proposal, errors = {}, []
    for competency in competencies:
        raw = (data.get(f"level_{competency.pk}") or "").strip()
        if not raw:
            continue
        criticality = (data.get(f"criticality_{competency.pk}") or "medium").strip()
        if not raw.isdigit():  # a level is a whole number: anything else is a typing slip, not a bug
            errors.append(_("%(name)s: choose a level.") % {"name": competency.name})
            continue
        level = int(raw)
        try:
            _check(competency, level, criticality)
        except CompetencyError as exc:
            errors.append(str(exc))
            continue
        proposal[competency.pk] = (level, criticality)
    return proposal, errors


def from_csv(source, competencies):
    """
    The proposal in a CSV file (``framework,competency,level,criticality``: framework slug, competency code, level
    value, criticality ``low``/``medium``/``high``, empty for ``medium``). Cells a spreadsheet export escaped against
    formulas are read back (``csv_export.unescape``). Raises :class:`CompetencyError` naming every bad line.
    """
    try:
        content = read_import(source)
    except TooLarge as exc:
        raise CompetencyError(str(exc)) from exc
    try:
        text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
    except UnicodeDecodeError as exc:
        raise CompetencyError(_("The file is not UTF-8 text.")) from exc
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or [c.strip().lower() for c in rows[0]][:4] != CSV_HEADER:
        raise CompetencyError(_("The first line must be: %(header)s") % {"header": ",".join(CSV_HEADER)})
    if len(rows) > MAX_CSV_ROWS + 1:
        raise CompetencyError(_("The file has more than %(n)s rows.") % {"n": MAX_CSV_ROWS})
    by_key = {(c.framework.slug, c.code): c for c in competencies}
    proposal, errors = {}, []
    for number, row in enumerate(rows[1:], start=2):
        cells = [csv_export.unescape(cell.strip()) for cell in row] + [""] * 4
        if not any(cells[:4]):
            continue
        slug, code, raw_level, criticality = cells[:4]
        competency = by_key.get((slug, code))
        if competency is None:
            errors.append(
                _("Line %(n)s: no active competency %(code)s in framework %(slug)s.")
                % {"n": number, "code": code, "slug": slug}
            )
            continue
        if competency.pk in proposal:
            errors.append(_("Line %(n)s: %(name)s is listed twice.") % {"n": number, "name": competency.name})
            continue
        try:
            level = int(raw_level)
        except ValueError:
            errors.append(_("Line %(n)s: the level must be a whole number.") % {"n": number})
            continue
        try:
            _check(competency, level, criticality or "medium")
        except CompetencyError as exc:
            errors.append(_("Line %(n)s: %(error)s") % {"n": number, "error": exc})
            continue
        proposal[competency.pk] = (level, criticality or "medium")
    if errors:
        raise CompetencyError(" ".join(errors[:20]))
    return proposal


def to_csv(position, competencies):
    """The position's set as the CSV :func:`from_csv` reads (formula-safe)."""
    by_id = {c.pk: c for c in competencies}
    rows = [CSV_HEADER]
    for cid, (level, criticality) in sorted(
        current_set(position, competencies).items(), key=lambda kv: (by_id[kv[0]].framework.slug, by_id[kv[0]].code)
    ):
        rows.append([by_id[cid].framework.slug, by_id[cid].code, level, criticality])
    return csv_export.to_text(rows)


def preview(position, proposal, competencies, now=None):
    """
    What saving ``proposal`` for ``position`` does to its active holders: per changed competency, how many gaps it
    opens (a holder below the new level who had no open gap) and closes (an open gap that no longer is one). Four
    queries whatever the number of holders.
    """
    now = now or timezone.now()
    before = current_set(position, competencies)
    by_id = {c.pk: c for c in competencies}
    changed = sorted(
        (cid for cid in set(before) | set(proposal) if before.get(cid) != proposal.get(cid)),
        key=lambda cid: (by_id[cid].framework.name, by_id[cid].order, by_id[cid].code),
    )
    holders = list(Employee.objects.filter(position=position, active=True).values_list("pk", flat=True))
    result = Preview(holders=len(holders))
    if not changed:
        return result
    levels_changed = [cid for cid in changed if (before.get(cid) or (None,))[0] != (proposal.get(cid) or (None,))[0]]
    open_now = {}
    if holders and levels_changed:
        open_now = {
            (person_id, cid): gap
            for person_id, cid, gap in CompetencyGap.objects.filter(
                person_id__in=holders, competency_id__in=levels_changed, gap__gt=0
            ).values_list("person_id", "competency_id", "gap")
        }
    policy = get_policy()
    ratings = gaps.load_ratings(holders, [cid for cid in levels_changed if cid in proposal], policy, now)
    for cid in changed:
        change = Change(competency=by_id[cid], before=before.get(cid), after=proposal.get(cid))
        if cid in levels_changed:
            for person_id in holders:
                was = open_now.get((person_id, cid), 0.0)
                will = 0.0
                if change.after is not None:
                    current = current_level(ratings.get((person_id, cid), ()), policy, now)
                    will = gaps._gap_value(change.after[0], current)  # pylint: disable=protected-access
                change.opened += will > 0 and not was
                change.closed += was > 0 and not will
                change.widened += was > 0 and will > was
                change.narrowed += 0 < will < was
        result.opened += change.opened
        result.closed += change.closed
        result.widened += change.widened
        result.narrowed += change.narrowed
        result.changes.append(change)
    return result


@transaction.atomic
def save(user, position, proposal, competencies, expected_version):
    """
    Save ``proposal`` as ``position``'s requirement set if the set is still at ``expected_version``
    (``EditConflict`` otherwise, nothing written); the holders' gaps are recomputed once. Saving the set it already
    is changes nothing and moves no version (a repeated submit is harmless). Returns the :class:`Preview` of what
    was applied.
    """
    Position.objects.select_for_update().filter(pk=position.pk).first()  # one save of this set at a time
    applied = preview(position, proposal, competencies)
    if not applied.changed:
        return applied
    row, _created = PositionRequirementSet.objects.get_or_create(position=position)
    claim_version(row, expected_version)
    existing = {
        r.competency_id: r
        for r in PositionRequirement.objects.filter(
            position=position, competency_id__in=[c.competency.pk for c in applied.changes]
        )
    }
    for change in applied.changes:
        requirement = existing.get(change.competency.pk)
        if change.after is None:
            requirement._history_user = user  # pylint: disable=protected-access
            requirement.delete()
            continue
        requirement = requirement or PositionRequirement(position=position, competency=change.competency)
        requirement.required_level, requirement.criticality = change.after
        requirement._history_user = user  # pylint: disable=protected-access
        requirement.save()
    gaps.recompute_gaps(position_ids=[position.pk], competency_ids=[c.competency.pk for c in applied.changes])
    return applied
