"""
Django admin of the org domain, for HR admins and operators.

Access is the plugin's rules (``core.access.can``), never Django's model permissions: a user needs *staff status*
to enter Django admin at all (``is_staff``, Django's own gate), and then the perf-mgmt rules decide what they see.
Superusers and unrestricted HR admins see and change everything here; an HR admin limited to some org units sees and
changes only the people and units inside their scope; only unrestricted HR admins change the structure (units,
positions) and who may see what (HR scopes, grants); everyone else, even staff with Django model permissions, is
denied. In Open edX, ``is_staff`` also makes a user *global staff* of every course, so give it to HR admins only when
they need this admin; the plugin's own HR pages (People, Org chart, Import) need no staff status.

Writes that touch the trees go through ``org.services`` (so paths stay right and cycles are refused as form errors).
Records are never deleted here: people, units and positions are deactivated, grants revoked, so history and reports
keep them. Every changelist reads its rows with ``list_select_related`` / annotations: constant query counts
whatever the number of rows (pinned in tests/org/test_query_counts.py).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .core.admin_rules import RuleAdminMixin as BaseRuleAdminMixin
from .org import api as org_api
from .org.api import (
    AccessGrant,
    Employee,
    HRAdminScope,
    ImportJob,
    OrgError,
    OrgUnit,
    Position,
    access_context,
    hr_employees_q,
    hr_units_q,
)


class RuleAdminMixin(BaseRuleAdminMixin):
    """
    The org admins' rules (``core.admin_rules``): an object out of ``object_view_rule`` is still shown to who may
    change it.
    """

    view_if_changeable = True


class HistoryReadOnlyMixin:
    """
    The history of a record can be read, not reverted: a revert would save an old copy of the row past the services
    (and without its materialized path, which is not kept in history), breaking the reporting tree.
    """

    def revert_disabled(self, request, obj=None):
        return True

    def _found_in_scope(self, request, object_id):
        """
        A record outside the user's scope is not found (404), exactly like a missing one, so its history does not
        reveal that the id exists; users refused the whole model keep their 403.
        """
        if self.has_view_permission(request) and not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._found_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        self._found_in_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


def _indented(unit):
    return f"{'· ' * unit.depth}{unit.name}"


# ---------------------------------------------------------------------------------------------------------------
# Org units and positions: the structure
# ---------------------------------------------------------------------------------------------------------------


class OrgUnitForm(forms.ModelForm):
    """Refuses moving a unit under itself before anything is saved (``org_api.check_parent_unit``)."""

    class Meta:
        model = OrgUnit
        fields = ["code", "name", "kind", "parent", "active"]

    def clean(self):
        cleaned = super().clean()
        if "parent" in self.changed_data:
            try:
                org_api.check_parent_unit(self.instance, cleaned.get("parent"))
            except OrgError as exc:
                self.add_error("parent", str(exc))
        return cleaned


@admin.register(OrgUnit)
class OrgUnitAdmin(RuleAdminMixin, HistoryReadOnlyMixin, SimpleHistoryAdmin):
    """Org units as a tree (ordered by path); scoped HR admins see their subtrees, read only."""

    form = OrgUnitForm
    view_rule = "perf_mgmt.hr_admin"
    object_view_rule = "perf_mgmt.view_org_unit"
    change_rule = add_rule = "perf_mgmt.manage_structure"

    list_display = ("tree_name", "code", "kind", "parent", "head_count", "active")
    list_filter = ("active", "kind")
    list_select_related = ("parent",)
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)
    readonly_fields = ("path",)

    def get_queryset(self, request):
        qs = super().get_queryset(request).filter(hr_units_q(request.user))
        return qs.annotate(head_count=Count("members", filter=Q(members__active=True)))

    @admin.display(description=_("Name"), ordering="path")
    def tree_name(self, unit):
        return _indented(unit)

    @admin.display(description=_("People"), ordering="head_count")
    def head_count(self, unit):
        return unit.head_count

    def save_model(self, request, obj, form, change):
        if not change:
            fields = {name: form.cleaned_data[name] for name in form.cleaned_data if name != "parent"}
            created = org_api.create_org_unit(parent=form.cleaned_data.get("parent"), **fields)
            obj.pk, obj.path = created.pk, created.path
            obj._state.adding = False  # pylint: disable=protected-access
            return
        others = [name for name in form.changed_data if name != "parent"]
        if "parent" in form.changed_data:
            new_parent = obj.parent
            obj.parent_id = form.initial.get("parent")
            if others:
                obj.save(update_fields=others)
            org_api.set_parent_unit(obj, new_parent)
        elif others:
            obj.save(update_fields=others)


@admin.register(Position)
class PositionAdmin(RuleAdminMixin, HistoryReadOnlyMixin, SimpleHistoryAdmin):
    """Positions / job titles: every HR admin may look them up (to place people), unrestricted ones edit them."""

    view_rule = "perf_mgmt.hr_admin"
    change_rule = add_rule = "perf_mgmt.manage_structure"

    list_display = ("title", "code", "org_unit", "holder_count", "active")
    list_filter = ("active",)
    list_select_related = ("org_unit",)
    search_fields = ("code", "title")
    autocomplete_fields = ("org_unit",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(holder_count=Count("holders", filter=Q(holders__active=True)))

    @admin.display(description=_("People"), ordering="holder_count")
    def holder_count(self, position):
        return position.holder_count


# ---------------------------------------------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------------------------------------------


class EmployeeForm(forms.ModelForm):
    """
    The employee form: a manager who reports to the person is refused as a field error (``org_api.check_manager``,
    the same check ``set_manager`` makes), and a scoped HR admin may only pick units (and managers) in their scope.
    """

    class Meta:
        model = Employee
        fields = ["user", "employee_number", "position", "org_unit", "manager", "start_date", "active"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        if request is None:
            return
        if "org_unit" in self.fields:
            self.fields["org_unit"].queryset = OrgUnit.objects.filter(hr_units_q(request.user))
            self.fields["org_unit"].required = not access_context(request.user).hr_unrestricted
        if "manager" in self.fields:
            # The people the HR admin administers, plus the current manager (who may sit above their scope). An
            # empty Q (unrestricted) must stay empty: ``Q() | x`` would be just ``x``.
            allowed = hr_employees_q(request.user)
            if allowed and self.instance.manager_id:
                allowed |= Q(pk=self.instance.manager_id)
            self.fields["manager"].queryset = Employee.objects.filter(allowed).select_related("user")

    def clean(self):
        cleaned = super().clean()
        if "manager" in self.changed_data:
            try:
                org_api.check_manager(self.instance, cleaned.get("manager"))
            except OrgError as exc:
                self.add_error("manager", str(exc))
        return cleaned


@admin.register(Employee)
class EmployeeAdmin(RuleAdminMixin, HistoryReadOnlyMixin, SimpleHistoryAdmin):
    """People in the HR admin's scope; a changed manager goes through ``org_api.set_manager``."""

    form = EmployeeForm
    view_rule = change_rule = add_rule = "perf_mgmt.hr_admin"
    object_view_rule = object_change_rule = "perf_mgmt.change_employee"

    list_display = ("name", "username", "employee_number", "position", "org_unit", "manager_name", "active")
    list_filter = (
        "active",
        ("org_unit", admin.RelatedOnlyFieldListFilter),
        ("position", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("user", "position", "org_unit", "manager__user")
    search_fields = ("user__username", "user__first_name", "user__last_name", "user__email", "employee_number")
    raw_id_fields = ("user",)
    autocomplete_fields = ("position", "org_unit", "manager")
    readonly_fields = ("reporting_line",)

    def get_queryset(self, request):
        qs = super().get_queryset(request).filter(hr_employees_q(request.user))
        return qs.select_related("user", "position", "org_unit", "manager__user")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)

        class RequestForm(form_class):
            def __init__(self, *args, **inner):
                super().__init__(*args, request=request, **inner)

        return RequestForm

    @admin.display(description=_("Name"), ordering="user__last_name")
    def name(self, employee):
        return employee.display_name

    @admin.display(description=_("Username"), ordering="user__username")
    def username(self, employee):
        return employee.user.username

    @admin.display(description=_("Manager"), ordering="manager__user__last_name")
    def manager_name(self, employee):
        return employee.manager.display_name if employee.manager else "—"

    @admin.display(description=_("Reporting line"))
    def reporting_line(self, employee):
        if employee.pk is None:
            return "—"
        chain = org_api.chain_of(employee)
        return " → ".join(boss.display_name for boss in chain) or "—"

    def save_model(self, request, obj, form, change):
        if not change:
            fields = {name: form.cleaned_data[name] for name in form.cleaned_data if name not in ("user", "manager")}
            created = org_api.create_employee(
                form.cleaned_data["user"], manager=form.cleaned_data.get("manager"), changed_by=request.user, **fields
            )
            obj.pk, obj.path = created.pk, created.path
            obj._state.adding = False  # pylint: disable=protected-access
            return
        obj._history_user = request.user  # pylint: disable=protected-access
        others = [name for name in form.changed_data if name != "manager"]
        if "manager" in form.changed_data:
            new_manager = obj.manager
            obj.manager_id = form.initial.get("manager")
            if others:
                obj.save(update_fields=others)
            org_api.set_manager(obj, new_manager, changed_by=request.user)
        elif others:
            obj.save(update_fields=others)


# ---------------------------------------------------------------------------------------------------------------
# Who may see what: HR scopes and delegated access
# ---------------------------------------------------------------------------------------------------------------


@admin.register(HRAdminScope)
class HRAdminScopeAdmin(RuleAdminMixin, admin.ModelAdmin):
    """
    Limits of HR admins to org units. Removing someone's last scope row makes them an *unrestricted* HR admin (if
    they are still in the HR group), so rows can be deleted here and the admin says when that happens.
    """

    view_rule = change_rule = add_rule = "perf_mgmt.manage_grants"

    list_display = ("user", "org_unit")
    list_select_related = ("user", "org_unit")
    search_fields = ("user__username", "user__email", "org_unit__code", "org_unit__name")
    raw_id_fields = ("user",)
    autocomplete_fields = ("org_unit",)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, "perf_mgmt.manage_grants")

    def _warn_unscoped(self, request, user_ids):
        scoped = set(HRAdminScope.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True))
        unscoped = sorted(set(user_ids) - scoped)
        if unscoped:
            message = _(
                "Users %(ids)s have no HR scope left: if they are in the HR admin group they now see everyone."
            ) % {"ids": ", ".join(str(pk) for pk in unscoped)}
            self.message_user(request, message, messages.WARNING)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._warn_unscoped(request, [obj.user_id])

    def delete_queryset(self, request, queryset):
        user_ids = list(queryset.values_list("user_id", flat=True).distinct())
        super().delete_queryset(request, queryset)
        self._warn_unscoped(request, user_ids)


class GrantStatusFilter(admin.SimpleListFilter):
    """Active, upcoming, expired or revoked, computed in the database from the validity window."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("active", _("Active")),
            ("upcoming", _("Upcoming")),
            ("expired", _("Expired")),
            ("revoked", _("Revoked")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        live = queryset.filter(revoked_at__isnull=True)
        return {
            "active": live.filter(starts_at__lte=now, ends_at__gt=now),
            "upcoming": live.filter(starts_at__gt=now),
            "expired": live.filter(ends_at__lte=now),
            "revoked": queryset.filter(revoked_at__isnull=False),
        }.get(self.value(), queryset)


@admin.register(AccessGrant)
class AccessGrantAdmin(RuleAdminMixin, admin.ModelAdmin):
    """Delegated access (a coach, an acting manager); revoked, never deleted, so the trail stays."""

    view_rule = change_rule = add_rule = "perf_mgmt.manage_grants"

    list_display = ("grantee", "subject_name", "org_unit", "starts_at", "ends_at", "status", "granted_by")
    list_filter = (GrantStatusFilter,)
    list_select_related = ("grantee", "subject__user", "org_unit", "granted_by")
    search_fields = ("grantee__username", "grantee__email", "subject__user__username", "org_unit__code", "reason")
    raw_id_fields = ("grantee",)
    autocomplete_fields = ("subject", "org_unit")
    readonly_fields = ("granted_by", "revoked_at", "created")
    actions = ["revoke"]

    @admin.display(description=_("Person"), ordering="subject__user__username")
    def subject_name(self, grant):
        return grant.subject.display_name if grant.subject else "—"

    @admin.display(description=_("Status"))
    def status(self, grant):
        now = timezone.now()
        if grant.revoked_at:
            return _("Revoked")
        if grant.starts_at > now:
            return _("Upcoming")
        return _("Active") if grant.ends_at > now else _("Expired")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Revoke the selected grants"), permissions=["change"])
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, _("%(count)d grant(s) revoked.") % {"count": count}, messages.SUCCESS)


# ---------------------------------------------------------------------------------------------------------------
# Import jobs: read only
# ---------------------------------------------------------------------------------------------------------------


@admin.register(ImportJob)
class ImportJobAdmin(RuleAdminMixin, admin.ModelAdmin):
    """The import log, read only: who imported what and how it went (the import itself is on the HR page)."""

    view_rule = "perf_mgmt.import_org"

    list_display = ("pk", "kind", "status", "dry_run", "origin", "user", "source_name", "total_rows", "created")
    list_filter = ("status", "kind", "dry_run", "origin")
    list_select_related = ("user",)
    search_fields = ("source_name", "user__username")
    date_hierarchy = "created"
    exclude = ("payload",)

    def get_queryset(self, request):
        return super().get_queryset(request).defer("payload")

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in ImportJob._meta.fields if field.name != "payload"]


# The domains register their own admin classes.
from .appraisals import admin as _appraisals_admin  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import

# lane guide: the modules' job aids
from .blended import admin as _blended_admin  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import
from .competencies import admin as _competencies_admin  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import
from .development import admin as _development_admin  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import
from .profiling import admin as _profiling_admin  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import
from .strategy import admin as _strategy_admin  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import
