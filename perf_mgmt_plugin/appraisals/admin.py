"""
Django admin of the appraisals domain for HR (registered by ``perf_mgmt_plugin/admin.py`` importing this module).

As in the other domains, access is the plugin's rules, never Django's model permissions. Templates and cycles are
organisation-wide: every HR admin may look at them (``perf_mgmt.view_appraisal_reports``), only unrestricted HR
admins change them (``perf_mgmt.manage_appraisals``), and every write goes through ``templates`` / ``cycles`` so the
admin checks exactly what the pages check (a key-result-area section without a scale, phases out of order, the
template of a launched cycle...). Launching is on the HR cycle page: it enqueues a Celery task, which lives above
the domains and so cannot be reached from here.

Reviews, their follow-up actions and coach assignments are read only, for HR admins covering the person
(``hr_employees_q``). What a review shows comes from ``reviews.review_detail`` -- the same function behind the
pages and the API -- so nobody sees here what they may not see there: a self review before it is submitted, a
manager's draft for the reviewed person themself. Interim notes are not here at all (HR is not among their
readers), and neither is the process survey: its answers are anonymous and shown only in groups of the minimum
size, through ``survey.results`` on the report pages, never per row. Nothing is deleted here. Changelists read
their rows with ``list_select_related`` (constant query counts).
"""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from ..core.access import AccessDenied, can
from ..core.admin_rules import RuleAdminMixin
from ..org.api import Employee, hr_employees_q
from . import cycles, templates
from .errors import AppraisalError
from .models import CoachAssignment, Cycle, FollowUpAction, Review, ReviewTemplate, TemplateSection

MANAGE = "perf_mgmt.manage_appraisals"
REPORTS = "perf_mgmt.view_appraisal_reports"


class AppraisalAdminMixin(RuleAdminMixin):
    """
    The appraisal admins' rules (``core.admin_rules``): appraisal reports are the door (every HR admin); writes
    need it too, and the change rule (``manage_appraisals``), asked on the changelist, the add page and the object;
    no deletes.
    """

    view_rule = REPORTS
    change_needs_view = True


def _scoped(request, queryset, field="employee"):
    """Rows about the people the HR admin administers (everyone for unrestricted ones)."""
    return queryset.filter(**{f"{field}__in": Employee.objects.filter(hr_employees_q(request.user)).values("pk")})


# ---------------------------------------------------------------------------------------------------------------
# Templates: sections edited inline, written by ``templates.create_template`` / ``update_template``
# ---------------------------------------------------------------------------------------------------------------


def _parse_questions(text):
    """One question per line; a leading ``*`` marks a required one."""
    questions = []
    for line in (text or "").splitlines():
        line = line.strip()
        if line:
            required = line.startswith("*")
            questions.append({"text": line.lstrip("*").strip(), "required": required})
    return questions


class SectionForm(forms.ModelForm):
    """A section with its questions as lines of text (questions are a third level, which admin inlines lack)."""

    questions_text = forms.CharField(
        label=_("Questions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 40}),
        help_text=_("Questions sections only: one question per line; start a line with * to make it required."),
    )

    class Meta:
        model = TemplateSection
        fields = ["order", "kind", "title", "instructions", "weight", "scale"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["questions_text"].initial = "\n".join(
                ("* " if question.required else "") + question.text for question in self.instance.questions.all()
            )

    def section_dict(self):
        data = self.cleaned_data
        return {
            "kind": data.get("kind"),
            "title": data.get("title"),
            "instructions": data.get("instructions") or "",
            "weight": data.get("weight") if data.get("weight") is not None else 1,
            "scale": data.get("scale"),
            "questions": _parse_questions(data.get("questions_text")),
        }


class SectionFormSet(forms.BaseInlineFormSet):
    """The sections as a whole, checked by ``templates.clean_sections`` before anything is written."""

    def live_forms(self):
        forms_ = [
            form
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if not (self.can_delete and self._should_delete_form(form))
        ]
        return sorted(forms_, key=lambda form: form.cleaned_data.get("order") or 0)

    def section_dicts(self):
        return [form.section_dict() for form in self.live_forms()]

    def clean(self):
        super().clean()
        if any(self.errors) or not (self.has_changed() or self.instance.pk is None):
            return
        try:
            templates.clean_sections(self.section_dicts())
        except AppraisalError as exc:
            raise forms.ValidationError(str(exc)) from exc


class TemplateSectionInline(AppraisalAdminMixin, admin.StackedInline):
    """
    The template's sections. Editable until a review was made from the template (its sections then are the
    structure of existing reviews: ``templates.update_template`` refuses, and the inline turns read only).
    """

    model = TemplateSection
    change_rule = object_change_rule = add_rule = MANAGE
    form = SectionForm
    formset = SectionFormSet
    extra = 0
    fields = ("order", "kind", "title", "instructions", "weight", "scale", "questions_text")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("scale").prefetch_related("questions")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.pk and templates.template_in_use(obj))

    def has_add_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Removing a section replaces the template's sections (allowed only while the template is unused).
        return self.has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if self.has_change_permission(request, obj):
            return ()
        return ("order", "kind", "title", "instructions", "weight", "scale", "question_list")

    def get_fields(self, request, obj=None):
        if self.has_change_permission(request, obj):
            return self.fields
        return ("order", "kind", "title", "instructions", "weight", "scale", "question_list")

    @admin.display(description=_("Questions"))
    def question_list(self, section):
        return format_html_join(
            "",
            "<div>{}{}</div>",
            (("* " if q.required else "", q.text) for q in section.questions.all()),
        )


@admin.register(ReviewTemplate)
class ReviewTemplateAdmin(AppraisalAdminMixin, admin.ModelAdmin):
    """Review templates: every HR admin looks them up; unrestricted ones create and change them (services)."""

    change_rule = object_change_rule = add_rule = MANAGE
    list_display = ("name", "slug", "section_count", "active", "created")
    list_filter = ("active",)
    search_fields = ("name", "slug")
    fields = ("name", "slug", "description", "active")
    inlines = [TemplateSectionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(section_count=Count("sections"))

    def get_readonly_fields(self, request, obj=None):
        return ("slug",) if obj is not None else ()

    @admin.display(description=_("Sections"), ordering="section_count")
    def section_count(self, template):
        return template.section_count

    def save_model(self, request, obj, form, change):
        """Nothing yet: the template and its sections are written together in ``save_related``."""

    def save_formset(self, request, form, formset, change):
        """The sections are written by the services in ``save_related``, never by the formset itself."""
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def save_related(self, request, form, formsets, change):
        sections = next((fs for fs in formsets if isinstance(fs, SectionFormSet)), None)
        for formset in formsets:
            self.save_formset(request, form, formset, change)
        obj, data = form.instance, form.cleaned_data
        try:
            if not change:
                created = templates.create_template(
                    request.user,
                    slug=data["slug"],
                    name=data["name"],
                    description=data.get("description") or "",
                    sections=sections.section_dicts() if sections is not None else (),
                )
                obj.pk = created.pk
                obj._state.adding = False  # pylint: disable=protected-access
                return
            fresh = ReviewTemplate.objects.get(pk=obj.pk)
            fields = {name: data[name] for name in form.changed_data if name in ("name", "description", "active")}
            if sections is not None and sections.has_changed():
                fields["sections"] = sections.section_dicts()
            templates.update_template(request.user, fresh, **fields)
        except (AppraisalError, AccessDenied) as exc:
            transaction.set_rollback(True)
            self.message_user(request, str(exc) or _("Not allowed."), messages.ERROR)


# ---------------------------------------------------------------------------------------------------------------
# Cycles: written by ``cycles.create_cycle`` / ``update_cycle``; closed by ``cycles.close_cycle``
# ---------------------------------------------------------------------------------------------------------------


class _DryRun(Exception):
    """Rolls back the check of a form by the service that will save it."""


#: The fields of a cycle the admin edits: the arguments of ``cycles.create_cycle`` (``update_cycle`` takes them too).
CYCLE_FIELDS = [
    "name", "template", "cadence", "period", "scored", "start", "end", "self_review_due", "manager_review_due",
    "meeting_due", "sign_off_due", "units", "positions", "people",
]  # fmt: skip


class CycleForm(forms.ModelForm):
    """
    Checked by the service that will save it, in a transaction rolled back at once (a dry run), so its refusals
    (dates out of order, the template of a launched cycle, a closed cycle...) are form errors and nothing is written
    until the admin saves.
    """

    class Meta:
        model = Cycle
        fields = CYCLE_FIELDS

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def service_call(self, user):
        """The service call that saves this form (``create_cycle`` or ``update_cycle`` with the changed fields)."""
        data = self.cleaned_data
        if self.instance.pk is None:
            fields = {name: data.get(name) for name in CYCLE_FIELDS}
            return lambda: cycles.create_cycle(user, **fields)
        changed = {name: data.get(name) for name in self.changed_data if name in CYCLE_FIELDS}
        cycle = Cycle.objects.get(pk=self.instance.pk)
        return lambda: cycles.update_cycle(user, cycle, **changed) if changed else cycle

    def clean(self):
        cleaned = super().clean()
        if self.errors or self.request is None:
            return cleaned
        try:
            with transaction.atomic():
                self.service_call(self.request.user)()
                raise _DryRun
        except _DryRun:
            pass
        except (AppraisalError, AccessDenied) as exc:
            raise forms.ValidationError(str(exc) or _("Not allowed.")) from exc
        return cleaned

    def validate_unique(self):
        """The service checks the name (on the saved rows, not this unsaved copy)."""


@admin.register(Cycle)
class CycleAdmin(AppraisalAdminMixin, admin.ModelAdmin):
    """Review cycles: every HR admin looks them up; unrestricted ones create, change and close them (services)."""

    change_rule = object_change_rule = add_rule = MANAGE
    form = CycleForm
    list_display = (
        "name", "template", "cadence", "start", "end", "status", "launch_progress", "review_count", "closed_at",
    )  # fmt: skip
    list_filter = ("status", "cadence", "scored")
    list_select_related = ("template", "period")
    search_fields = ("name",)
    date_hierarchy = "start"
    autocomplete_fields = ("units", "positions", "people")
    readonly_fields = (
        "status", "launch_status", "launch_total", "launch_done", "launch_error", "launched_at", "closed_at",
        "created_by", "created",
    )  # fmt: skip
    actions = ["close_cycles"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(review_count=Count("reviews"))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)

        class RequestForm(form_class):
            def __init__(self, *args, **inner):
                super().__init__(*args, request=request, **inner)

        return RequestForm

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description=_("Launch"))
    def launch_progress(self, cycle):
        if cycle.launch_status == Cycle.LAUNCH_IDLE:
            return cycle.get_launch_status_display()
        return f"{cycle.get_launch_status_display()} ({cycle.launch_done}/{cycle.launch_total})"

    @admin.display(description=_("Reviews"), ordering="review_count")
    def review_count(self, cycle):
        return cycle.review_count

    def save_model(self, request, obj, form, change):
        saved = form.service_call(request.user)()
        obj.pk = saved.pk
        obj._state.adding = False  # pylint: disable=protected-access

    def save_related(self, request, form, formsets, change):
        """The population was set by the service."""

    @admin.action(description=_("Close the selected cycles (invites participants to the survey)"))
    def close_cycles(self, request, queryset):
        done = refused = 0
        for cycle in queryset:  # an explicit admin selection, bounded by the page size
            try:
                cycles.close_cycle(request.user, cycle)
                done += 1
            except (AppraisalError, AccessDenied):
                refused += 1
        self.message_user(request, _("%(done)d cycle(s) closed.") % {"done": done}, messages.SUCCESS)
        if refused:
            self.message_user(request, _("%(n)d cycle(s) could not be closed.") % {"n": refused}, messages.WARNING)


# ---------------------------------------------------------------------------------------------------------------
# Reviews, actions, coach assignments: read only, in the HR admin's scope
# ---------------------------------------------------------------------------------------------------------------


class _ReadOnly(AppraisalAdminMixin, admin.ModelAdmin):
    """Read only, limited to the people the HR admin administers."""

    scope_field = "employee"

    def get_queryset(self, request):
        return _scoped(request, super().get_queryset(request), self.scope_field)

    def get_actions(self, request):
        return {}


def _detail_display(description):
    """
    A read-only field of the review page drawn from the ``review_detail`` that ``get_object`` computed for the user;
    "—" when there is none (nothing is read from the row itself) or it gives nothing.
    """

    def wrap(method):
        def display(self, review):
            detail = getattr(review, "_admin_detail", None)
            return (method(self, detail) if detail is not None else None) or "—"

        return admin.display(description=description)(display)

    return wrap


@admin.register(Review)
class ReviewAdmin(_ReadOnly):
    """
    Where each review stands. The change page shows what ``reviews.review_detail`` gives the HR admin, nothing read
    straight from the row: an unsubmitted self review stays hidden, and so would a manager's draft for whoever may
    not see it.
    """

    object_view_rule = "perf_mgmt.view_review"
    list_display = (
        "employee", "cycle", "manager", "stage", "joined_late", "self_submitted_at", "self_missed",
        "manager_shared_at", "completed_at", "disagrees", "reopen_count",
    )  # fmt: skip
    list_filter = ("stage", "cycle", "joined_late", "self_missed", "disagrees")
    list_select_related = ("employee__user", "manager__user", "cycle")
    search_fields = ("employee__user__username", "employee__user__last_name", "employee__employee_number")
    fields = (
        "cycle", "employee", "manager", "stage", "joined_late", "self_submitted_at", "self_missed",
        "coaching_requested_at", "manager_shared_at", "meeting_at", "meeting_mode", "employee_attended_at",
        "manager_attended_at", "employee_signed_at", "manager_signed_at", "completed_at", "reopen_count",
        "summaries", "ratings", "sign_off", "coaching", "follow_up", "audit_trail",
    )  # fmt: skip
    readonly_fields = fields

    def _detail(self, request, review):
        """The review as ``review_detail`` shows it to this user (computed once per page)."""
        from .reviews import review_detail  # pylint: disable=import-outside-toplevel

        cached = getattr(review, "_admin_detail", None)
        if cached is None:
            cached = review._admin_detail = review_detail(request.user, review)  # pylint: disable=protected-access
        return cached

    def get_object(self, request, object_id, from_field=None):
        review = super().get_object(request, object_id, from_field)
        if review is not None and can(request.user, self.object_view_rule, review):
            self._detail(request, review)
        return review

    @_detail_display(_("Summaries"))
    def summaries(self, detail):
        shown = detail.review
        return format_html(
            "<p><strong>{}</strong></p>{}<p><strong>{}</strong></p>{}<p>{}</p>",
            _("Self review"),
            _html(shown.self_summary) if detail.self_visible else _("Not submitted yet."),
            _("Manager"),
            _html(shown.manager_summary) if detail.manager_visible else _("Draft, not shared yet."),
            _("Score (self / manager): {mine} / {manager}").format(
                mine=_fmt(detail.self_score), manager=_fmt(detail.manager_score)
            )
            if detail.score_shown
            else _("Not scored."),
        )

    @_detail_display(_("Ratings"))
    def ratings(self, detail):
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    row.item.section.title,
                    row.item.title,
                    _level(row.self_level, row.item.self_rating),
                    _html(row.item.self_comment),
                    _level(row.manager_level, row.item.manager_rating),
                    _html(row.item.manager_comment),
                )
                for row in detail.items
            ),
        )
        head = format_html(
            "<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            _("Section"), _("Item"), _("Self"), _("Comment"), _("Manager"), _("Comment"),
        )  # fmt: skip
        return format_html("<table>{}{}</table>", head, rows)

    @_detail_display(_("Sign-off"))
    def sign_off(self, detail):
        shown = detail.review
        disagreement = format_html("<p><strong>{}</strong> {}</p>", _("Disagrees:"), _html(shown.disagreement))
        return format_html("{}{}", _html(shown.employee_comment) or "—", disagreement if shown.disagrees else "")

    @_detail_display(_("Coaching"))
    def coaching(self, detail):
        feedback = detail.coaching or ()
        # The coaches' names in one query (the detail loads each coach without their user).
        coaches = Employee.objects.filter(pk__in={f.coach_id for f in feedback if f.coach_id}).select_related("user")
        names = {coach.pk: coach.display_name for coach in coaches} if feedback else {}
        return format_html_join("", "<p>{}: {}</p>", ((names.get(f.coach_id, "—"), _html(f.body)) for f in feedback))

    @_detail_display(_("Follow-up actions"))
    def follow_up(self, detail):
        return format_html_join(
            "",
            "<div>{} ({}, {}, {})</div>",
            ((a.title, a.get_kind_display(), a.due_date, a.get_status_display()) for a in detail.actions),
        )

    @_detail_display(_("Audit trail"))
    def audit_trail(self, detail):
        return format_html_join(
            "",
            "<div>{} {} {} → {} {}</div>",
            (
                (
                    e.created.strftime("%Y-%m-%d %H:%M"),
                    e.action,
                    e.from_stage or "",
                    e.to_stage or "",
                    e.note,
                )
                for e in detail.events
            ),
        )


def _html(value):
    """Text already sanitised by the services on the way in (``sanitize_html``), shown as HTML."""
    return mark_safe(value or "")  # noqa: S308  (sanitised when saved)


def _fmt(score):
    return "—" if score is None else f"{score:.2f}"


def _level(level, value):
    if value is None:
        return "—"
    return f"{value} {level.name}" if level is not None else str(value)


@admin.register(FollowUpAction)
class FollowUpActionAdmin(_ReadOnly):
    """The actions agreed in reviews, read only (owners and managers move them on the pages)."""

    list_display = ("title", "employee", "owner", "kind", "due_date", "status", "review_cycle", "plan_item")
    list_filter = ("status", "kind")
    list_select_related = ("employee__user", "owner__user", "review__cycle", "plan_item")
    search_fields = ("title", "employee__user__username")
    date_hierarchy = "due_date"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in FollowUpAction._meta.fields]

    @admin.display(description=_("Cycle"), ordering="review__cycle__name")
    def review_cycle(self, action):
        return action.review.cycle.name


@admin.register(CoachAssignment)
class CoachAssignmentAdmin(_ReadOnly):
    """Who coaches whose reviews, read only (assigned on the pages by HR or senior managers)."""

    scope_field = "reviewer"
    list_display = ("cycle", "reviewer", "coach", "assigned_by", "created")
    list_filter = ("cycle",)
    list_select_related = ("cycle", "reviewer__user", "coach__user", "assigned_by")
    search_fields = ("reviewer__user__username", "coach__user__username")

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in CoachAssignment._meta.fields]
