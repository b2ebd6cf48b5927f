"""
Django admin of the profiling domain (registered by ``perf_mgmt_plugin/admin.py`` importing this module).

Read only, for HR admins (the plugin's rules, never Django's model permissions): profiles with their statements,
rounds, and the subjects of a round in the HR admin's scope with their rater counts by group and status. Raters,
answers and comments have no admin pages at all: who said what is never shown, in any channel (ADR 0024). Every
change goes through the pages and the REST API, which call the services.
"""

from django.contrib import admin
from django.db.models import Count

from ..core.access import can
from .deps import hr_employees_q
from .models import Profile, ProfileItem, Round, Subject


class ReadOnlyHrAdmin(admin.ModelAdmin):
    """HR admins look; nobody adds, changes or deletes here."""

    def has_module_permission(self, request):
        return can(request.user, "perf_mgmt.hr_admin")

    def has_view_permission(self, request, obj=None):
        return can(request.user, "perf_mgmt.hr_admin")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ProfileItemInline(admin.TabularInline):
    model = ProfileItem
    fields = ["competency", "text", "order"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return can(request.user, "perf_mgmt.hr_admin")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("competency")


@admin.register(Profile)
class ProfileAdmin(ReadOnlyHrAdmin):
    list_display = ["name", "family", "number", "kind", "status"]
    list_filter = ["kind", "status"]
    inlines = [ProfileItemInline]


@admin.register(Round)
class RoundAdmin(ReadOnlyHrAdmin):
    list_display = ["name", "profile", "status", "release_by", "answer_by", "closed_at"]
    list_filter = ["status"]
    list_select_related = ["profile"]
    exclude = ["created_by"]


@admin.register(Subject)
class SubjectAdmin(ReadOnlyHrAdmin):
    """A round's subjects in scope, with how many raters are in each state (counts, never who)."""

    list_display = ["person", "round", "status", "raters", "released_at"]
    list_select_related = ["person__user", "round"]
    fields = ["round", "person", "status", "released_at", "raters"]
    readonly_fields = fields

    def get_queryset(self, request):
        qs = super().get_queryset(request).annotate(rater_count=Count("raters"))
        scope = hr_employees_q(request.user)
        return qs if not scope else qs.filter(person__in=Subject.person.field.related_model.objects.filter(scope))

    @admin.display(description="raters")
    def raters(self, obj):
        return obj.rater_count
