"""
Django admin of the competencies domain for HR (registered by ``perf_mgmt_plugin/admin.py`` importing this module).

As for the org admin, access is the plugin's rules, never Django's model permissions: frameworks, scales,
requirements and course links need ``perf_mgmt.manage_frameworks`` (unrestricted HR admins, superusers);
assessments and gaps are read-only here (assessments are append-only history; gaps are computed). Rich text is
sanitised on save, and requirement changes recompute the holders' gaps, as the services do.
"""

from django.contrib import admin

from ..core.admin_rules import RuleAdminMixin
from ..core.sanitize import sanitize_html
from . import gaps, services
from .models import (
    Assessment,
    BehaviouralIndicator,
    Cluster,
    Competency,
    CompetencyGap,
    CourseCompetencyLink,
    CourseRecommendation,
    Framework,
    PositionRequirement,
    Scale,
    ScaleLevel,
)

MANAGE = "perf_mgmt.manage_frameworks"


class ManageFrameworksMixin(RuleAdminMixin):
    """
    The competency admins' rules (``core.admin_rules``): everything allowed to holders of
    ``perf_mgmt.manage_frameworks``; read only where ``change_rule`` and ``add_rule`` are None; deletes only where
    ``can_delete``.
    """

    view_rule = change_rule = add_rule = MANAGE


def _sanitise_descriptions(instances):
    for instance in instances:
        if hasattr(instance, "description"):
            instance.description = sanitize_html(instance.description)


class SanitisingAdmin(ManageFrameworksMixin, admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        _sanitise_descriptions([obj])
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        _sanitise_descriptions(instances)
        for instance in instances:
            instance.save()
        formset.save_m2m()


class ScaleLevelInline(ManageFrameworksMixin, admin.TabularInline):
    model = ScaleLevel
    extra = 0


@admin.register(Scale)
class ScaleAdmin(SanitisingAdmin):
    list_display = ["name", "slug"]
    inlines = [ScaleLevelInline]


class ClusterInline(ManageFrameworksMixin, admin.TabularInline):
    model = Cluster
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(SanitisingAdmin):
    list_display = ["name", "slug", "scale", "active"]
    list_filter = ["active"]
    list_select_related = ["scale"]
    search_fields = ["name", "slug"]
    inlines = [ClusterInline]


class IndicatorInline(ManageFrameworksMixin, admin.TabularInline):
    model = BehaviouralIndicator
    extra = 0
    can_delete = True


@admin.register(Competency)
class CompetencyAdmin(SanitisingAdmin):
    list_display = ["code", "name", "framework", "cluster", "active"]
    list_filter = ["framework", "active"]
    list_select_related = ["framework", "cluster"]
    search_fields = ["code", "name"]
    inlines = [IndicatorInline]


@admin.register(PositionRequirement)
class PositionRequirementAdmin(ManageFrameworksMixin, admin.ModelAdmin):
    list_display = ["position", "competency", "required_level", "criticality"]
    list_filter = ["criticality", "competency__framework"]
    list_select_related = ["position", "competency"]
    autocomplete_fields = []
    can_delete = True

    def save_model(self, request, obj, form, change):
        services.check_level(obj.competency, obj.required_level)
        obj._history_user = request.user  # pylint: disable=protected-access
        super().save_model(request, obj, form, change)
        gaps.recompute_gaps(position_ids=[obj.position_id], competency_ids=[obj.competency_id])

    def delete_model(self, request, obj):
        services.remove_requirement(obj, changed_by=request.user)

    def delete_queryset(self, request, queryset):
        for requirement in queryset.select_related("position", "competency"):
            services.remove_requirement(requirement, changed_by=request.user)


@admin.register(CourseCompetencyLink)
class CourseCompetencyLinkAdmin(ManageFrameworksMixin, admin.ModelAdmin):
    list_display = ["course_key", "competency", "target_level"]
    list_select_related = ["competency"]
    search_fields = ["course_key"]
    can_delete = True


@admin.register(Assessment)
class AssessmentAdmin(ManageFrameworksMixin, admin.ModelAdmin):
    """Read-only: assessments are append-only history, recorded through the pages, REST API and XBlocks."""

    change_rule = add_rule = None
    list_display = ["person", "competency", "level", "source", "rater", "course_key", "created"]
    list_filter = ["source"]
    list_select_related = ["person__user", "competency", "rater"]
    date_hierarchy = "created"


@admin.register(CompetencyGap)
class CompetencyGapAdmin(ManageFrameworksMixin, admin.ModelAdmin):
    """Read-only: gaps are computed from requirements and assessments."""

    change_rule = add_rule = None
    list_display = ["person", "competency", "required_level", "current_level", "gap", "status", "computed_at"]
    list_filter = ["status"]
    list_select_related = ["person__user", "competency"]


@admin.register(CourseRecommendation)
class CourseRecommendationAdmin(ManageFrameworksMixin, admin.ModelAdmin):
    """Read-only: recommendations are made from the gap audit and answered by the person (pages, REST API)."""

    change_rule = add_rule = None
    list_display = ["person", "competency", "course_key", "kind", "status", "created_by", "created", "enrolled_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["person__user", "competency", "created_by"]
    search_fields = ["course_key", "person__user__username", "person__employee_number"]
    date_hierarchy = "created"
