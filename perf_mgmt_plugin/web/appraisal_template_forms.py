"""
Forms of the review template pages: the template's texts, and its sections as a formset (one row per section, a
few empty rows to add more; an untouched empty row is no section).

They only shape the input into what ``appraisals.templates.create_template`` / ``update_template`` take; the
domain checks the sections (kinds, scales, weights, questions), sanitises the texts and refuses to change the
sections of a template reviews were made from. Its errors are shown as non-field errors of the template form.
"""

from django import forms
from django.utils.translation import gettext_lazy

from ..appraisals.api import TemplateSection
from ..competencies.api import Scale

#: Empty rows offered to add sections.
EXTRA_ROWS = 3
REQUIRED_MARK = "*"


class TemplateForm(forms.Form):
    """The template's slug (fixed once created), name, description and, when editing, whether it is offered."""

    slug = forms.SlugField(label=gettext_lazy("Slug"), max_length=64, help_text=gettext_lazy("A short unique code."))
    name = forms.CharField(label=gettext_lazy("Name"), max_length=255)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    active = forms.BooleanField(label=gettext_lazy("Offered for new cycles"), required=False, initial=True)

    def __init__(self, *args, editing=False, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["slug"]
        else:
            del self.fields["active"]


class SectionForm(forms.Form):
    """One section: kind, title, instructions, weight, the scale of a key-result-area section, the questions."""

    order = forms.IntegerField(label=gettext_lazy("Order"), required=False, min_value=0, max_value=999)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=[("", "—"), *TemplateSection.KIND_CHOICES])
    title = forms.CharField(label=gettext_lazy("Title"), max_length=255)
    instructions = forms.CharField(
        label=gettext_lazy("Instructions for both people"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    weight = forms.FloatField(label=gettext_lazy("Weight in the score"), min_value=0, initial=1)
    scale = forms.ChoiceField(
        label=gettext_lazy("Rating scale"),
        required=False,
        help_text=gettext_lazy("Key result areas only: competencies are rated on their framework's scale."),
    )
    questions = forms.CharField(
        label=gettext_lazy("Questions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Questions sections only: one per line; start a line with * if it must be answered."),
    )

    def __init__(self, *args, scales=(), **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["scale"].choices = [("", "—"), *((scale.slug, scale.name) for scale in scales)]

    def as_section(self):
        """The section as ``templates.clean_sections`` takes it."""
        data = self.cleaned_data
        questions = []
        for line in (data.get("questions") or "").splitlines():
            text = line.strip()
            required = text.startswith(REQUIRED_MARK)
            text = text.removeprefix(REQUIRED_MARK).strip()
            if text:
                questions.append({"text": text, "required": required})
        return {
            "kind": data["kind"],
            "title": data["title"],
            "instructions": data.get("instructions") or "",
            "weight": data["weight"],
            "scale": data.get("scale") or None,
            "questions": questions,
        }


class BaseSectionFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = gettext_lazy("Remove this section")


SectionFormSet = forms.formset_factory(SectionForm, formset=BaseSectionFormSet, extra=EXTRA_ROWS, can_delete=True)


def section_initial(sections):
    """Initial values of the section rows from a template's sections (with their questions prefetched)."""
    return [
        {
            "order": index,
            "kind": section.kind,
            "title": section.title,
            "instructions": section.instructions,
            "weight": section.weight,
            "scale": section.scale.slug if section.scale_id else "",
            "questions": "\n".join(
                f"{REQUIRED_MARK} {q.text}" if q.required else q.text for q in section.questions.all()
            ),
        }
        for index, section in enumerate(sections)
    ]


def section_formset(data=None, *, initial=None, scales=()):
    return SectionFormSet(data, initial=initial, prefix="s", form_kwargs={"scales": scales})


def sections_from(formset):
    """
    The sections of a valid formset in their order (then their position): every existing row not marked for
    removal, and the empty rows that were filled in.
    """
    existing = formset.initial_form_count()
    rows = [
        (form.cleaned_data.get("order"), index, form.as_section())
        for index, form in enumerate(formset.forms)
        if (index < existing or form.has_changed()) and not form.cleaned_data.get("DELETE")
    ]
    rows.sort(key=lambda row: (row[0] if row[0] is not None else 1000 + row[1], row[1]))
    return [section for _order, _index, section in rows]


def scales():
    """The rating scales to choose from (one query)."""
    return list(Scale.objects.order_by("name", "slug"))
