"""
Django admin of the development domain for HR (registered by ``perf_mgmt_plugin/admin.py`` importing this module).

As elsewhere, access is the plugin's rules, never Django's model permissions. Plan templates are organisation-wide:
every HR admin may look at them (to assign them), only unrestricted HR admins edit them
(``perf_mgmt.manage_plan_templates``), with descriptions sanitised and course items checked as the services do.
Plans, items and comments are read-mostly: HR admins see those of the people they administer (their scope) and may
only complete or archive plans, through the services; the workflow itself (approve, assign, comment) belongs to the
people and their managers on the pages and the REST API. The processed and unmatched LMS event logs are read only,
for unrestricted HR admins (they are about LMS users, not scoped people). Nothing is deleted here except template
items. Changelists read their rows with ``list_select_related`` (constant query counts).
"""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from ..core.access import AccessDenied
from ..core.admin_rules import RuleAdminMixin
from ..core.sanitize import sanitize_html
from ..org.api import Employee, hr_employees_q
from . import services
from .errors import DevelopmentError
from .models import Plan, PlanComment, PlanItem, PlanTemplate, ProcessedEvent, TemplateItem, UnmatchedEvent

MANAGE_TEMPLATES = "perf_mgmt.manage_plan_templates"


class DevelopmentAdminMixin(RuleAdminMixin):
    """
    The development admins' rules (``core.admin_rules``): HR admins open them; ``change_rule`` (None: read only)
    allows writes and adding; deletes only where ``can_delete``.
    """

    view_rule = "perf_mgmt.hr_admin"


class TemplateItemForm(forms.ModelForm):
    """Checks an item as ``services.create_template`` does (course key for course items, 70/20/10 category)."""

    class Meta:
        model = TemplateItem
        fields = [
            "order", "kind", "title", "description", "course_key", "usage_key", "competency", "target_level",
            "category", "due_days", "self_enrol",
        ]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("kind"):
            return cleaned
        fields = {name: cleaned.get(name) for name in ("kind", "title", "description", "course_key", "usage_key")}
        fields["category"] = cleaned.get("category") or ""
        try:
            checked = services.check_item_fields(fields)
        except DevelopmentError as exc:
            raise forms.ValidationError(str(exc)) from exc
        cleaned["category"], cleaned["description"] = checked["category"], checked["description"]
        self.instance.category, self.instance.description = checked["category"], checked["description"]
        return cleaned


class TemplateItemInline(DevelopmentAdminMixin, admin.TabularInline):
    model = TemplateItem
    form = TemplateItemForm
    view_rule = "perf_mgmt.assign_plan_templates"
    change_rule = add_rule = MANAGE_TEMPLATES
    can_delete = True
    extra = 0
    raw_id_fields = ("competency",)


@admin.register(PlanTemplate)
class PlanTemplateAdmin(DevelopmentAdminMixin, admin.ModelAdmin):
    """Preset plans: every HR admin looks them up, unrestricted ones edit them (they are organisation-wide)."""

    view_rule = "perf_mgmt.assign_plan_templates"
    change_rule = add_rule = MANAGE_TEMPLATES
    list_display = ("name", "slug", "active", "created")
    list_filter = ("active",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    fields = ("name", "slug", "description", "active")
    inlines = [TemplateItemInline]

    def save_model(self, request, obj, form, change):
        obj.description = sanitize_html(obj.description)
        super().save_model(request, obj, form, change)


def _scoped(request, queryset, field="owner"):
    """Rows about the people the HR admin administers (everyone for unrestricted ones)."""
    return queryset.filter(**{f"{field}__in": Employee.objects.filter(hr_employees_q(request.user))})


class PlanItemInline(DevelopmentAdminMixin, admin.TabularInline):
    model = PlanItem
    extra = 0
    fields = ("order", "kind", "title", "course_key", "status", "progress", "due_date", "source", "completed_at")
    readonly_fields = fields
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(DevelopmentAdminMixin, admin.ModelAdmin):
    """The plans of the people in the HR admin's scope, read only; actions complete or archive them (services)."""

    list_display = ("title", "owner", "status", "period_start", "period_end", "template", "created")
    list_filter = ("status", "template")
    list_select_related = ("owner__user", "template")
    search_fields = ("title", "owner__user__username", "owner__employee_number")
    date_hierarchy = "period_start"
    inlines = [PlanItemInline]
    actions = ["complete_plans", "archive_plans"]

    def get_queryset(self, request):
        return _scoped(request, super().get_queryset(request))

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Plan._meta.fields]

    def get_actions(self, request):
        # Actions are writes: offered to HR admins, each plan still checked by ``manage_plan`` in the service.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def _set_status(self, request, queryset, status):
        done = refused = 0
        for plan in queryset.select_related("owner"):  # an explicit admin selection, bounded by the page size
            try:
                services.set_plan_status(request.user, plan, status)
                done += 1
            except (DevelopmentError, AccessDenied):
                refused += 1
        self.message_user(request, _("%(done)d plan(s) updated.") % {"done": done}, messages.SUCCESS)
        if refused:
            self.message_user(request, _("%(n)d plan(s) you may not change.") % {"n": refused}, messages.WARNING)

    @admin.action(description=_("Mark the selected plans completed"))
    def complete_plans(self, request, queryset):
        self._set_status(request, queryset, Plan.COMPLETED)

    @admin.action(description=_("Archive the selected plans"))
    def archive_plans(self, request, queryset):
        self._set_status(request, queryset, Plan.ARCHIVED)


@admin.register(PlanItem)
class PlanItemAdmin(DevelopmentAdminMixin, admin.ModelAdmin):
    """Plan items in scope, read only (they move through the workflow and the LMS events)."""

    list_display = ("title", "owner", "kind", "course_key", "status", "progress", "due_date", "source")
    list_filter = ("status", "kind", "category", "source")
    list_select_related = ("owner__user",)
    search_fields = ("title", "course_key", "owner__user__username")

    def get_queryset(self, request):
        return _scoped(request, super().get_queryset(request))

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in PlanItem._meta.fields]


@admin.register(PlanComment)
class PlanCommentAdmin(DevelopmentAdminMixin, admin.ModelAdmin):
    """Comments on plans in scope, read only."""

    list_display = ("plan", "author", "created", "__str__")
    list_select_related = ("plan", "author")
    date_hierarchy = "created"

    def get_queryset(self, request):
        return _scoped(request, super().get_queryset(request), "plan__owner")

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in PlanComment._meta.fields]


class EventLogAdmin(DevelopmentAdminMixin, admin.ModelAdmin):
    """The learning loop's logs, read only, for unrestricted HR admins (operators look here for lost events)."""

    view_rule = "perf_mgmt.view_learning_events"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]


@admin.register(ProcessedEvent)
class ProcessedEventAdmin(EventLogAdmin):
    list_display = (
        "event_type",
        "event_id",
        "user_id",
        "course_key",
        "occurred_at",
        "received_at",
        "applied_at",
        "items",
    )
    list_filter = ("event_type",)
    search_fields = ("event_id", "course_key")
    date_hierarchy = "received_at"


@admin.register(UnmatchedEvent)
class UnmatchedEventAdmin(EventLogAdmin):
    list_display = ("event_type", "user_id", "course_key", "occurred_at", "received_at", "resolved_at", "error")
    # "error" not empty: a signal whose handling failed, waiting for ``replay_failed_lms_events``.
    list_filter = ("event_type", ("resolved_at", admin.EmptyFieldListFilter), ("error", admin.EmptyFieldListFilter))
    search_fields = ("event_id", "course_key")
    date_hierarchy = "occurred_at"
