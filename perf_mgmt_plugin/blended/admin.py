"""
Django admin of the blended-modules domain (registered by ``perf_mgmt_plugin/admin.py`` importing this module): the
job aids of the modules. As elsewhere, access is the plugin's rules, never Django's model permissions: unrestricted
HR admins (``perf_mgmt.manage_job_aids``) add a job aid to a course -- a file stored in the host's storage, or a link:
in the LMS a course asset's address as Studio's *Files* page shows it (``/asset-v1:...``), or any https address --
and see how many learners downloaded it. Learners' applications of the guides are not listed here: they belong to
the learners and their managers (pages), and to course staff as counts (the guide block).
"""

from django import forms
from django.contrib import admin
from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from ..core.access import can
from ..openedx.backend import parse_course_key
from .models import JobAid

MANAGE_JOB_AIDS = "perf_mgmt.manage_job_aids"


class JobAidForm(forms.ModelForm):
    class Meta:
        model = JobAid
        fields = ["course_key", "title", "description", "file", "url", "order", "active"]

    def clean_course_key(self):
        try:
            return parse_course_key(self.cleaned_data["course_key"])
        except (TypeError, ValueError) as exc:
            raise forms.ValidationError(_("Not a course key.")) from exc

    def clean(self):
        cleaned = super().clean()
        url, upload = (cleaned.get("url") or "").strip(), cleaned.get("file")
        if bool(url) == bool(upload):
            raise forms.ValidationError(_("Give either a file or a link, not both."))
        if url and not (url.startswith("https://") or (url.startswith("/") and not url.startswith("//"))):
            raise forms.ValidationError(_("A link is a course asset (/asset-v1:...) or an https address."))
        cleaned["url"] = url
        return cleaned


@admin.register(JobAid)
class JobAidAdmin(admin.ModelAdmin):
    form = JobAidForm
    list_display = ("title", "course_key", "order", "active", "learners", "downloads")
    list_filter = ("active",)
    search_fields = ("title", "course_key")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(learner_count=Count("downloads__user", distinct=True), download_count=Sum("downloads__count"))
        )

    @admin.display(description=_("Learners who downloaded it"))
    def learners(self, obj):
        return obj.learner_count

    @admin.display(description=_("Downloads"))
    def downloads(self, obj):
        return obj.download_count or 0

    def has_module_permission(self, request):
        return can(request.user, MANAGE_JOB_AIDS)

    def has_view_permission(self, request, obj=None):
        return can(request.user, MANAGE_JOB_AIDS)

    def has_change_permission(self, request, obj=None):
        return can(request.user, MANAGE_JOB_AIDS)

    def has_add_permission(self, request):
        return can(request.user, MANAGE_JOB_AIDS)

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: download counts stay
