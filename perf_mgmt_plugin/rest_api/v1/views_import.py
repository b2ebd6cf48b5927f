"""
Org chart import over REST: a thin adapter over ``org.importer``, the same checks and writes as the HR page.

``POST org-import/`` takes JSON (``{"kind", "rows", "dry_run", "create_users"}``) or a multipart upload
(``file`` plus the same options as form fields). Inputs up to ``PERF_MGMT_IMPORT_ASYNC_ROWS`` rows run in the
request and answer 200 with the full result; larger ones answer 202 with the job, whose progress and result
``GET org-import/<id>/`` returns. Row errors are part of a 200 answer (``result.ok`` is false, nothing written);
400 is for a request that cannot be read at all.
"""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from ... import tasks
from ...core import limits
from ...org import api as org_api
from ...org.api import ImportJob
from ..openapi import extend_schema
from .base import ApiViewMixin
from .parsers import SafeJSONParser
from .permissions import rule_permission
from .serializers import ImportJobSerializer, OrgImportRowsSerializer, OrgImportUploadSerializer


class OrgImportView(ApiViewMixin, APIView):
    """Start an org chart import (people, org units or positions); a dry run unless ``dry_run`` is false."""

    permission_classes = [rule_permission("perf_mgmt.import_org")]
    parser_classes = [SafeJSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request={
            "application/json": OrgImportRowsSerializer,
            "multipart/form-data": OrgImportUploadSerializer,
        },
        responses={
            200: OpenApiResponse(ImportJobSerializer, description="Ran in the request: the job with its full result."),
            202: OpenApiResponse(ImportJobSerializer, description="Queued: poll the job for progress and result."),
            400: OpenApiResponse(description="The request or the file cannot be read."),
        },
    )
    def post(self, request):
        upload = "file" in request.FILES
        serializer = (OrgImportUploadSerializer if upload else OrgImportRowsSerializer)(data=request.data)
        serializer.is_valid(raise_exception=True)
        options = serializer.validated_data
        try:
            if upload:
                source = options["file"]
                rows = org_api.parse_upload(limits.read_import(source), filename=source.name)
                source_name = source.name
            else:
                rows = org_api.rows_from_json(options["rows"])
                source_name = ""
            background = org_api.runs_async(len(rows))
            job = org_api.create_job(
                options["kind"],
                rows,
                user=request.user,
                dry_run=options["dry_run"],
                create_users=options["create_users"],
                origin="api",
                source_name=source_name,
                keep=background,
            )
        except org_api.ImportFileError as exc:
            raise ValidationError({"file" if upload else "rows": [str(exc)]}) from exc
        if background:
            tasks.enqueue_org_import(job)
            data = ImportJobSerializer(job, context={"request": request}).data
            return Response(data, status=status.HTTP_202_ACCEPTED)
        result = org_api.execute_job(job, rows)
        job.refresh_from_db()
        data = ImportJobSerializer(job, context={"request": request}).data
        # In the request the whole result fits: every row (unchanged ones too) and every error.
        data["result"] = result.as_dict()
        data["errors"] = data["result"]["errors"]
        return Response(data, status=status.HTTP_200_OK)


class OrgImportJobView(ApiViewMixin, APIView):
    """An import job: status, progress (``processed_rows`` of ``total_rows``, ``phase``) and, once done, result."""

    permission_classes = [rule_permission("perf_mgmt.import_org")]

    @extend_schema(responses={200: ImportJobSerializer})
    def get(self, request, pk):
        job = ImportJob.objects.select_related("user").defer("payload").filter(pk=pk).first()
        if job is None:
            raise NotFound()
        return Response(ImportJobSerializer(job, context={"request": request}).data)
