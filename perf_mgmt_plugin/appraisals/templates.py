"""
Review templates: the form of a review, made of ordered sections (key result areas, competencies, free questions,
development).

Why validation lives here: a template is copied into thousands of reviews at launch (``launch.run_launch``), so a
key-result-area section without a scale or a negative weight would only show up as broken reviews later. A
template used by a launched cycle keeps its sections (review items point at them); only its texts may change.
"""

from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.utils.translation import gettext as _

from ..competencies.api import Scale
from ..core.access import require
from ..core.sanitize import sanitize_html
from .cycles import VIEW_REPORTS
from .errors import AppraisalError
from .models import ReviewItem, ReviewTemplate, TemplateQuestion, TemplateSection

MANAGE_APPRAISALS = "perf_mgmt.manage_appraisals"
_KINDS = {kind for kind, _label in TemplateSection.KIND_CHOICES}


def _scales_by_slug(sections):
    """The scales the sections name by slug (one query), so a bad slug is reported before anything is written."""
    slugs = {section.get("scale") for section in sections if isinstance(section.get("scale"), str)}
    found = {scale.slug: scale for scale in Scale.objects.filter(slug__in=slugs)} if slugs else {}
    missing = slugs - set(found)
    if missing:
        raise AppraisalError(_("Unknown rating scale: {slugs}.").format(slugs=", ".join(sorted(missing))))
    return found


def _clean_question(question):
    if isinstance(question, str):
        question = {"text": question}
    text = (question.get("text") or "").strip()
    if not text:
        raise AppraisalError(_("A question needs a text."))
    return {"text": text, "required": bool(question.get("required", False))}


def clean_sections(sections):
    """
    Check and normalise section dicts (``kind``, ``title``, ``instructions``, ``weight``, ``scale``, ``questions``).

    Rules: a known kind; a title; a weight that is a number >= 0; a key-result-area section needs a scale (its
    items are rated on it) and only it may have one (competencies are rated on their framework's scale); only a
    questions section has questions, and it has at least one. Returns the cleaned list.
    """
    sections = list(sections)
    if not sections:
        raise AppraisalError(_("A template needs at least one section."))
    scales = _scales_by_slug(sections)
    cleaned = []
    for raw in sections:
        kind = raw.get("kind")
        if kind not in _KINDS:
            raise AppraisalError(_("Unknown section kind: {kind}.").format(kind=kind))
        title = (raw.get("title") or "").strip()
        if not title:
            raise AppraisalError(_("Every section needs a title."))
        try:
            weight = float(raw.get("weight", 1))
        except (TypeError, ValueError):
            raise AppraisalError(_("A section's weight must be a number.")) from None
        if weight < 0:
            raise AppraisalError(_("A section's weight cannot be negative."))
        scale = raw.get("scale")
        if isinstance(scale, str):
            scale = scales[scale]
        if kind == TemplateSection.KRA and scale is None:
            raise AppraisalError(_("The key result area section '{title}' needs a rating scale.").format(title=title))
        if kind != TemplateSection.KRA and scale is not None:
            raise AppraisalError(_("Only a key result area section has its own rating scale."))
        questions = [_clean_question(q) for q in raw.get("questions") or ()]
        if kind == TemplateSection.QUESTIONS and not questions:
            raise AppraisalError(_("The questions section '{title}' needs at least one question.").format(title=title))
        if kind != TemplateSection.QUESTIONS and questions:
            raise AppraisalError(_("Only a questions section has questions."))
        cleaned.append(
            {
                "kind": kind,
                "title": title[:255],
                "instructions": sanitize_html(raw.get("instructions") or ""),
                "weight": weight,
                "scale": scale,
                "questions": questions,
            }
        )
    return cleaned


def _write_sections(template, sections):
    created = TemplateSection.objects.bulk_create(
        [
            TemplateSection(
                template=template,
                kind=section["kind"],
                title=section["title"],
                instructions=section["instructions"],
                order=order,
                weight=section["weight"],
                scale=section["scale"],
            )
            for order, section in enumerate(sections)
        ]
    )
    TemplateQuestion.objects.bulk_create(
        [
            TemplateQuestion(section=row, text=question["text"], required=question["required"], order=order)
            for row, section in zip(created, sections, strict=True)
            for order, question in enumerate(section["questions"])
        ]
    )


@transaction.atomic
def create_template(actor, *, slug, name, description="", sections=()):
    """Create a template with its sections and questions (unrestricted HR admins)."""
    require(actor, MANAGE_APPRAISALS)
    slug, name = (slug or "").strip(), (name or "").strip()
    if not slug or not name:
        raise AppraisalError(_("A template needs a slug and a name."))
    if ReviewTemplate.objects.filter(slug=slug).exists():
        raise AppraisalError(_("A template with the slug '{slug}' already exists.").format(slug=slug))
    cleaned = clean_sections(sections)
    template = ReviewTemplate.objects.create(slug=slug, name=name[:255], description=sanitize_html(description))
    _write_sections(template, cleaned)
    return template


def template_in_use(template):
    """Whether reviews were made from the template (their items point at its sections, which must stay)."""
    return ReviewItem.objects.filter(section__template=template).exists()


def templates_overview(user):
    """
    Every template for the templates page (any HR admin), offered ones first: ``in_use`` (as
    :func:`template_in_use`), ``cycle_count`` and ``section_list`` (:func:`sections_of`). Three queries whatever the
    number of templates.
    """
    require(user, VIEW_REPORTS)
    used = ReviewItem.objects.filter(section__template=OuterRef("pk"))
    rows = list(
        ReviewTemplate.objects.annotate(in_use=Exists(used), cycle_count=Count("cycles")).order_by("-active", "name")
    )
    by_template = sections_of(row.pk for row in rows)
    for row in rows:
        row.section_list = by_template.get(row.pk, [])
    return rows


@transaction.atomic
def update_template(actor, template, *, name=None, description=None, active=None, sections=None):
    """
    Change a template's texts or activity; replace its sections only while no review was made from it (a used
    template's sections are the structure of existing reviews -- copy it to a new slug instead).
    """
    require(actor, MANAGE_APPRAISALS)
    if name is not None:
        name = name.strip()
        if not name:
            raise AppraisalError(_("A template needs a name."))
        template.name = name[:255]
    if description is not None:
        template.description = sanitize_html(description)
    if active is not None:
        template.active = bool(active)
    if sections is not None:
        cleaned = clean_sections(sections)
        if template_in_use(template):
            raise AppraisalError(_("Reviews were made from this template: its sections can no longer change."))
        template.sections.all().delete()
        _write_sections(template, cleaned)
    template.save()
    return template


def sections_of(template_ids):
    """The sections of the templates with their scale and questions, in order (two queries), keyed by template id."""
    by_template = {}
    for section in (
        TemplateSection.objects.filter(template_id__in=list(template_ids))
        .select_related("scale")
        .prefetch_related("questions")
        .order_by("template_id", "order", "pk")
    ):
        by_template.setdefault(section.template_id, []).append(section)
    return by_template
