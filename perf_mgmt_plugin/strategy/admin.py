"""
Django admin of the strategy domain for HR (registered by ``perf_mgmt_plugin/admin.py`` importing this module).

Access is the plugin's rules, never Django's model permissions: periods and levels need
``perf_mgmt.manage_strategy`` (unrestricted HR admins, superusers); objectives are listed for HR admins within what
they may view (``visible_objectives_q``) and edited only through ``strategy.services`` (so paths and roll-ups stay
right), by those the rules allow; check-ins, impediments and help requests are read only, for HR admins in scope, and
private check-in notes are never shown to anyone but their author. Nothing is deleted here: objectives are
deactivated. Changelists read their rows with ``list_select_related`` (constant query counts).
"""

from django.contrib import admin, messages

from ..core.access import AccessDenied
from ..core.admin_rules import RuleAdminMixin
from ..org.api import Employee, visible_employees_q
from . import services
from .access import visible_objectives_q
from .errors import StrategyError
from .models import CheckIn, HelpRequest, Impediment, Level, Objective, Period

MANAGE = "perf_mgmt.manage_strategy"


class StrategyAdminMixin(RuleAdminMixin):
    """
    The strategy admins' rules (``core.admin_rules``): HR admins open them; ``object_change_rule`` (None: read
    only) allows writes on an object, ``add_rule`` adding; no deletes.
    """

    view_rule = "perf_mgmt.hr_admin"


@admin.register(Period)
class PeriodAdmin(StrategyAdminMixin, admin.ModelAdmin):
    view_rule = change_rule = object_change_rule = add_rule = MANAGE
    list_display = ("name", "kind", "start", "end", "active")
    list_filter = ("kind", "active")


@admin.register(Level)
class LevelAdmin(StrategyAdminMixin, admin.ModelAdmin):
    """Cascade levels are data: rename, add or retire levels here."""

    view_rule = change_rule = object_change_rule = add_rule = MANAGE
    list_display = ("rank", "name", "active")


@admin.register(Objective)
class ObjectiveAdmin(StrategyAdminMixin, admin.ModelAdmin):
    """Objectives in tree order; edits go through ``services.update_objective`` (rules, paths, roll-up)."""

    change_rule = "perf_mgmt.hr_admin"
    object_change_rule = "perf_mgmt.change_objective"
    object_view_rule = "perf_mgmt.view_objective"
    list_display = ("indented_title", "level", "owner_name", "period", "due_date", "progress_pct", "status")
    list_filter = ("status", "period", "level", "measure")
    list_select_related = ("level", "owner__user", "owner_unit", "period")
    search_fields = ("title",)
    fields = ("title", "description", "level", "due_date", "start_date", "weight", "unit", "course_key", "active")
    readonly_fields = ("level",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(visible_objectives_q(request.user))

    @admin.display(description="Objective", ordering="path")
    def indented_title(self, obj):
        return f"{'· ' * obj.depth}{obj.title}"

    @admin.display(description="Owner")
    def owner_name(self, obj):
        return obj.owner.display_name if obj.owner_id else (obj.owner_unit.name if obj.owner_unit_id else "")

    @admin.display(description="Progress")
    def progress_pct(self, obj):
        return f"{obj.progress:.0%}"

    def save_model(self, request, obj, form, change):
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in services.EDITABLE_FIELDS}
        try:
            fresh = Objective.objects.get(pk=obj.pk)
            services.update_objective(request.user, fresh, **changes)
        except (StrategyError, AccessDenied) as exc:
            self.message_user(request, str(exc) or "Not allowed.", messages.ERROR)


class _ReadOnlyScoped(StrategyAdminMixin, admin.ModelAdmin):
    """Read only, limited to the people the HR admin may view."""

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(employee__in=Employee.objects.filter(visible_employees_q(request.user)))
        )

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]


@admin.register(CheckIn)
class CheckInAdmin(_ReadOnlyScoped):
    list_display = ("employee", "manager", "scheduled_for", "status", "mode", "course_key")
    list_filter = ("status", "mode")
    list_select_related = ("employee__user", "manager__user")
    date_hierarchy = "scheduled_for"


@admin.register(Impediment)
class ImpedimentAdmin(_ReadOnlyScoped):
    list_display = ("employee", "severity", "created", "resolved_at")
    list_filter = ("severity",)
    list_select_related = ("employee__user",)


@admin.register(HelpRequest)
class HelpRequestAdmin(_ReadOnlyScoped):
    list_display = ("employee", "routed_to", "created", "resolved_at")
    list_select_related = ("employee__user", "routed_to__user")
