"""
HR pages of the review templates: the list (every HR admin sees what each template asks, section by section), a new
template (blank, or a copy of another one) and a template's edit page (unrestricted HR admins).

Thin adapters over ``appraisals.templates``: it validates the sections and keeps the sections of a template that
reviews were made from (only its name, description and whether it is offered may change then; the page shows
them read only and offers a copy instead). A refused change re-shows everything that was typed.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from ..appraisals import api as appraisals_api
from ..appraisals.api import ReviewTemplate
from ..core.access import can
from .access import page_requires
from .appraisal_template_forms import TemplateForm, scales, section_formset, section_initial, sections_from
from .errors import form_errors
from .views import _render


@page_requires("perf_mgmt.view_appraisal_reports")
def template_list(request):
    """Every template: its sections with kind, weight, scale and questions, whether reviews use it, its cycles."""
    user = request.user
    context = {
        "templates": appraisals_api.templates_overview(user),
        "may_manage": can(user, appraisals_api.MANAGE_APPRAISALS),
    }
    return _render(request, "perf_mgmt/appraisal_templates.html", context, _("Review templates"))


def _copy_initial(request):
    """The values of a copy of the template ``?copy=<id>``: its texts, a new slug, its sections."""
    source_id = request.GET.get("copy") or ""
    source = ReviewTemplate.objects.filter(pk=source_id).first() if source_id.isdigit() else None
    if source is None:
        return {}, None
    sections = appraisals_api.sections_of([source.pk]).get(source.pk, [])
    texts = {"slug": f"{source.slug}-copy"[:64], "name": _("Copy of %(name)s") % {"name": source.name}}
    texts["description"] = source.description
    return texts, section_initial(sections)


@page_requires(appraisals_api.MANAGE_APPRAISALS)
def template_new(request):
    """A new template, blank or copied from another one; created by ``appraisals_api.create_template``."""
    all_scales = scales()
    texts, rows = _copy_initial(request)
    form = TemplateForm(request.POST or None, initial=texts)
    formset = section_formset(request.POST or None, initial=rows, scales=all_scales)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        with form_errors(form):
            created = appraisals_api.create_template(request.user, **form.cleaned_data, sections=sections_from(formset))
            messages.success(request, _("The template %(name)s is created.") % {"name": created.name})
            return redirect(reverse("perf_mgmt:appraisal-templates"))
    context = {"form": form, "formset": formset, "template_obj": None, "in_use": False}
    return _render(request, "perf_mgmt/appraisal_template_form.html", context, _("New review template"))


@page_requires(appraisals_api.MANAGE_APPRAISALS)
def template_edit(request, pk):
    """A template's texts and, while no review was made from it, its sections (``appraisals_api.update_template``)."""
    template = ReviewTemplate.objects.filter(pk=pk).first()
    if template is None:
        raise Http404
    in_use = appraisals_api.template_in_use(template)
    sections = appraisals_api.sections_of([template.pk]).get(template.pk, [])
    initial = {"name": template.name, "description": template.description, "active": template.active}
    form = TemplateForm(request.POST or None, initial=initial, editing=True)
    formset = None
    if not in_use:
        formset = section_formset(request.POST or None, initial=section_initial(sections), scales=scales())
    if request.method == "POST" and form.is_valid() and (formset is None or formset.is_valid()):
        changes = dict(form.cleaned_data)
        if formset is not None:
            changes["sections"] = sections_from(formset)
        with form_errors(form):
            appraisals_api.update_template(request.user, template, **changes)
            messages.success(request, _("The template %(name)s is saved.") % {"name": template.name})
            return redirect(reverse("perf_mgmt:appraisal-templates"))
    context = {"form": form, "formset": formset, "template_obj": template, "in_use": in_use, "sections": sections}
    title = _("Edit %(name)s") % {"name": template.name}
    return _render(request, "perf_mgmt/appraisal_template_form.html", context, title)
