"""
The HR page of the org chart import: upload -> preview (a dry run) -> "Apply" -> result.

A thin adapter over ``org.importer``, like the REST API and the command. The uploaded rows wait between preview
and "Apply" in the preview's ImportJob row on the server (never in the session cookie), and are discarded once
applied or expired. Files above ``PERF_MGMT_IMPORT_ASYNC_ROWS`` rows run in a Celery task; their page shows the
progress and refreshes itself (a small script polls the REST status endpoint; without scripts, a link reloads).
"""

from django import forms
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .. import tasks
from ..core import limits
from ..org import api as org_api
from ..org.api import ImportJob, OrgError
from .access import page_requires
from .nav import nav_context


class ImportForm(forms.Form):
    """The upload form; a valid form carries the parsed rows in ``rows``."""

    kind = forms.ChoiceField(label=gettext_lazy("What the file contains"), choices=ImportJob.KIND_CHOICES)
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("CSV with a header row, saved as UTF-8 (or a .json list of objects)."),
    )
    create_users = forms.BooleanField(
        label=gettext_lazy("Create LMS users for people who have no account yet"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            self.rows = org_api.parse_upload(limits.read_import(upload), filename=upload.name)
        except (org_api.ImportFileError, limits.TooLarge) as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload


def _render(request, template, context, title, status=200):
    return render(request, template, {**nav_context(request), **context, "page_title": title}, status=status)


def _run(job):
    """Run a small job now, a large one in the background (the job page follows its progress)."""
    if org_api.runs_async(job.total_rows):
        tasks.enqueue_org_import(job)
    else:
        org_api.execute_job(job)


@page_requires("perf_mgmt.import_org")
def upload(request):
    """The upload form and the latest imports; a valid upload becomes a preview job."""
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if form.is_bound and form.is_valid():
        job = org_api.create_job(
            form.cleaned_data["kind"],
            form.rows,
            user=request.user,
            dry_run=True,
            create_users=form.cleaned_data["create_users"],
            origin="page",
            source_name=form.cleaned_data["file"].name,
            keep=True,
        )
        _run(job)
        return redirect("perf_mgmt:org-import-job", pk=job.pk)
    recent = ImportJob.objects.select_related("user").defer("payload", "result", "errors")[:10]
    context = {"form": form, "recent": recent, "columns": org_api.COLUMNS}
    return _render(request, "perf_mgmt/import_upload.html", context, _("Import the org chart"))


def _job_or_404(pk):
    jobs = ImportJob.objects.select_related("user", "applied_by").defer("payload")
    jobs = jobs.annotate(has_rows=ExpressionWrapper(Q(payload__isnull=False), output_field=BooleanField()))
    return get_object_or_404(jobs, pk=pk)


def _job_page(request, job, apply_error="", status=200):
    phase, processed, total = org_api.job_progress(job)
    can_apply = (
        job.dry_run
        and job.status == ImportJob.SUCCEEDED
        and job.has_rows
        and job.applied_by_id is None
        and job.user_id == request.user.pk
    )
    context = {
        "job": job,
        "result": job.result or {},
        "errors": job.errors or [],
        "error_count": (job.result or {}).get("error_count", len(job.errors or [])),
        "phase": phase,
        "processed": processed,
        "total": total,
        "can_apply": can_apply,
        "apply_error": apply_error,
    }
    if job.finished:
        title = _("Preview of the import") if job.dry_run else _("Result of the import")
    else:
        title = _("Import in progress")
    return _render(request, "perf_mgmt/import_job.html", context, title, status=status)


@page_requires("perf_mgmt.import_org")
def job_page(request, pk):
    """A job: its progress while it runs; then the preview (with "Apply") or the result."""
    return _job_page(request, _job_or_404(pk))


@require_POST
@page_requires("perf_mgmt.import_org")
def apply(request, pk):
    """Apply a preview: a new job imports the same rows for real, re-checked against the org chart as it is now."""
    preview = _job_or_404(pk)
    try:
        job = org_api.apply_preview(preview, request.user)
    except OrgError as exc:
        return _job_page(request, _job_or_404(pk), apply_error=str(exc), status=409)
    _run(job)
    return redirect("perf_mgmt:org-import-job", pk=job.pk)
