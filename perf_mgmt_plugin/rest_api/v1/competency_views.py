"""
Views of v1 for competencies: frameworks, requirements, assessments, gaps and the gap audit.

Thin adapters: permissions come from the competency rules, data and writes from ``competencies`` services.
A person someone may not view answers 404 (as the org views do), so ids do not reveal who exists.
"""

from django.http import StreamingHttpResponse
from drf_spectacular.utils import OpenApiResponse
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from ...competencies import api as competencies_api
from ...competencies.api import Competency, CourseRecommendation, Framework, PositionRequirement
from ...core import limits
from ...core.access import AccessDenied, can
from ...org.api import Employee, OrgUnit, Position
from ..openapi import extend_schema
from .base import ApiViewMixin
from .competency_serializers import (
    AssessmentSerializer,
    AssessmentWriteSerializer,
    CellGapSerializer,
    CourseRecommendationRespondSerializer,
    CourseRecommendationSerializer,
    CourseRecommendationWriteSerializer,
    FrameworkDetailSerializer,
    FrameworkImportSerializer,
    FrameworkSerializer,
    GapSerializer,
    RequirementSerializer,
    RequirementWriteSerializer,
)
from .errors import field_errors
from .parsers import SafeJSONParser
from .permissions import rule_permission


def _person(request, pk, permission="perf_mgmt.view_competencies"):
    person = Employee.objects.select_related("org_unit").filter(pk=pk).first()
    if person is None or not can(request.user, permission, person):
        raise NotFound()
    return person


class FrameworkListView(ApiViewMixin, generics.ListAPIView):
    """Active competency frameworks (``include_inactive=true`` for those who manage them)."""

    serializer_class = FrameworkSerializer
    permission_classes = [rule_permission("perf_mgmt.view_frameworks")]

    def get_queryset(self):
        qs = Framework.objects.select_related("scale").order_by("name")
        wants_all = self.request.query_params.get("include_inactive") in ("1", "true")
        if not (wants_all and can(self.request.user, "perf_mgmt.manage_frameworks")):
            qs = qs.filter(active=True)
        return qs


class FrameworkDetailView(ApiViewMixin, generics.RetrieveAPIView):
    """One framework with its scale levels, clusters, competencies and behavioural indicators."""

    serializer_class = FrameworkDetailSerializer
    permission_classes = [rule_permission("perf_mgmt.view_frameworks")]
    lookup_field = "slug"

    def get_queryset(self):
        qs = competencies_api.frameworks_with_details(active_only=False)
        if not can(self.request.user, "perf_mgmt.manage_frameworks"):
            qs = qs.filter(active=True)
        return qs


class FrameworkExportView(ApiViewMixin, APIView):
    """A framework as a JSON document (default) or CSV (``as=csv``), in the format the import reads."""

    permission_classes = [rule_permission("perf_mgmt.view_frameworks")]

    @extend_schema(responses={200: dict})
    def get(self, request, slug):
        framework = Framework.objects.select_related("scale").filter(slug=slug).first()
        if framework is None or (not framework.active and not can(request.user, "perf_mgmt.manage_frameworks")):
            raise NotFound()
        if request.query_params.get("as") == "csv":
            response = StreamingHttpResponse(
                [competencies_api.export_framework_csv(framework)], content_type="text/csv; charset=utf-8"
            )
            response["Content-Disposition"] = f'attachment; filename="{framework.slug}.csv"'
            return response
        return Response(competencies_api.export_json(framework))


class FrameworkImportView(ApiViewMixin, APIView):
    """
    Import (create or update) one framework from JSON (``framework``) or an uploaded ``.json``/``.csv`` ``file``.
    A dry run unless ``dry_run`` is false. Row errors answer 200 with ``ok: false`` and nothing written; 400 is for
    a request or file that cannot be read at all.
    """

    permission_classes = [rule_permission("perf_mgmt.manage_frameworks")]
    parser_classes = [SafeJSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request=FrameworkImportSerializer,
        responses={200: OpenApiResponse(dict, description="The import result"), 400: OpenApiResponse()},
    )
    def post(self, request):
        serializer = FrameworkImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        options = serializer.validated_data
        try:
            if options.get("file") is not None:
                upload = options["file"]
                records = competencies_api.parse_framework_upload(limits.read_import(upload), filename=upload.name)
            elif options.get("framework") is not None:
                records = competencies_api.records_from_json(options["framework"])
            else:
                raise ValidationError({"framework": ["Send a framework or a file."]})
        except competencies_api.TransferFileError as exc:
            raise ValidationError({"file": [str(exc)]}) from exc
        result = competencies_api.import_framework(records, dry_run=options["dry_run"])
        return Response(result.as_dict())


class RequirementListView(ApiViewMixin, generics.ListCreateAPIView):
    """
    What positions require (``position`` = a position code to filter). Creating (HR) sets or changes the
    requirement of a position on a competency; holders' gaps are recomputed.
    """

    serializer_class = RequirementSerializer
    permission_classes = [rule_permission("perf_mgmt.view_frameworks")]

    def get_queryset(self):
        qs = PositionRequirement.objects.select_related("position", "competency__framework").order_by(
            "position__code", "competency__framework__slug", "competency__code"
        )
        if self.request.query_params.get("position"):
            qs = qs.filter(position__code=self.request.query_params["position"])
        return qs

    @extend_schema(request=RequirementWriteSerializer, responses={201: RequirementSerializer})
    def post(self, request, *args, **kwargs):
        if not can(request.user, "perf_mgmt.manage_frameworks"):
            raise PermissionDenied()
        serializer = RequirementWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        position = Position.objects.filter(code=data["position"]).first()
        competency = Competency.objects.filter(pk=data["competency"]).first()
        if position is None or competency is None:
            raise ValidationError({"position" if position is None else "competency": ["Unknown."]})
        with field_errors("required_level"):
            requirement = competencies_api.set_requirement(
                position, competency, data["required_level"], data["criticality"], changed_by=request.user
            )
        return Response(RequirementSerializer(requirement).data, status=status.HTTP_201_CREATED)


class RequirementDetailView(ApiViewMixin, APIView):
    """Remove a requirement (HR); holders' gaps on that competency go with it."""

    permission_classes = [rule_permission("perf_mgmt.manage_frameworks")]

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        requirement = PositionRequirement.objects.filter(pk=pk).first()
        if requirement is None:
            raise NotFound()
        competencies_api.remove_requirement(requirement, changed_by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PersonAssessmentsView(ApiViewMixin, generics.ListCreateAPIView):
    """
    A person's competency assessments, newest first (``competency`` id to filter). Creating records a new one
    (append-only): the ``source`` decides who may -- self, manager, peer, direct_report, course (HR).
    """

    serializer_class = AssessmentSerializer
    permission_classes = [rule_permission(None)]

    def get_queryset(self):
        person = _person(self.request, self.kwargs["pk"])
        qs = competencies_api.assessments_of(self.request.user, person)
        if self.request.query_params.get("competency"):
            qs = qs.filter(competency_id=self.request.query_params["competency"])
        return qs

    @extend_schema(request=AssessmentWriteSerializer, responses={201: AssessmentSerializer})
    def post(self, request, *args, **kwargs):
        person = Employee.objects.filter(pk=kwargs["pk"]).first()
        if person is None or not can(request.user, "perf_mgmt.assess_competencies", person):
            raise NotFound()
        serializer = AssessmentWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        competency = Competency.objects.filter(pk=data["competency"], active=True).first()
        if competency is None:
            raise ValidationError({"competency": ["Unknown competency."]})
        try:
            with field_errors("level"):
                assessment = competencies_api.record_assessment(
                    request.user,
                    person,
                    competency,
                    data["level"],
                    data["source"],
                    context_type=data["context_type"],
                    context_id=data["context_id"],
                    course_key=data["course_key"] or None,
                    evidence=data["evidence"],
                )
        except AccessDenied as exc:
            raise PermissionDenied(f"You may not record a {data['source']} assessment of this person.") from exc
        return Response(AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)


class PersonGapsView(ApiViewMixin, APIView):
    """A person's stored gaps (biggest first), each with the courses that develop it beyond the current level."""

    permission_classes = [rule_permission(None)]

    @extend_schema(responses={200: GapSerializer(many=True)})
    def get(self, request, pk):
        person = _person(request, pk)
        rows = list(competencies_api.gaps_of(person))
        links = competencies_api.linked_courses({gap.competency_id for gap in rows})
        return Response(GapSerializer(rows, many=True, context={"links": links}).data)


def _audit_params(request):
    by = request.query_params.get("by", "org_unit")
    if by not in competencies_api.BY_CHOICES:
        raise ValidationError({"by": [f"One of {', '.join(competencies_api.BY_CHOICES)}."]})
    framework = None
    if request.query_params.get("framework"):
        framework = Framework.objects.filter(slug=request.query_params["framework"]).first()
        if framework is None:
            raise ValidationError({"framework": ["Unknown framework."]})
    return by, framework


class GapAuditView(ApiViewMixin, APIView):
    """
    The gap audit heatmap within the caller's scope: ``by`` org_unit (default) or position, optionally one
    ``framework``. Rows, columns (competencies) and cells (people, open_gaps, avg_gap). Constant queries.
    """

    permission_classes = [rule_permission("perf_mgmt.view_gap_audit")]

    @extend_schema(responses={200: dict})
    def get(self, request):
        by, framework = _audit_params(request)
        result = competencies_api.heatmap(request.user, by=by, framework=framework)

        def label(row):
            if row is None:
                return {"id": None, "code": None, "name": "—"}
            if isinstance(row, OrgUnit):
                return {"id": row.pk, "code": row.code, "name": row.name}
            return {"id": row.pk, "code": row.code, "name": row.title}

        return Response(
            {
                "by": by,
                "rows": [label(row) for row in result.rows],
                "columns": [
                    {"id": c.pk, "code": c.code, "name": c.name, "framework": c.framework.slug} for c in result.columns
                ],
                "cells": [
                    {"row": row_id, "competency": competency_id, **cell}
                    for (row_id, competency_id), cell in sorted(result.cells.items(), key=lambda kv: str(kv[0]))
                ],
            }
        )


class GapAuditCellView(ApiViewMixin, generics.ListAPIView):
    """Drill-down: the people behind one heatmap cell (``by``, ``row`` id or empty for none, ``competency`` id)."""

    serializer_class = CellGapSerializer
    permission_classes = [rule_permission("perf_mgmt.view_gap_audit")]

    def get_queryset(self):
        by, framework = _audit_params(self.request)
        try:
            competency_id = int(self.request.query_params["competency"])
            row = self.request.query_params.get("row") or None
            row_id = int(row) if row is not None else None
        except (KeyError, ValueError) as exc:
            raise ValidationError({"competency": ["A competency id (and a numeric row) is required."]}) from exc
        return competencies_api.cell_gaps(self.request.user, by, row_id, competency_id, framework=framework)


class GapAuditExportView(ApiViewMixin, APIView):
    """The gaps in the caller's audit scope as CSV (streamed); ``framework``, ``competency``, ``by`` + ``row``."""

    permission_classes = [rule_permission("perf_mgmt.view_gap_audit")]

    @extend_schema(responses={(200, "text/csv"): str})
    def get(self, request):
        by, framework = _audit_params(request)
        params = request.query_params
        try:
            competency_id = int(params["competency"]) if params.get("competency") else None
            row_id = int(params["row"]) if params.get("row") else None
        except ValueError as exc:
            raise ValidationError({"competency": ["Ids are numbers."]}) from exc
        lines = competencies_api.export_gaps_csv(
            request.user, framework=framework, by=by, row_id=row_id, competency_id=competency_id
        )
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="competency-gaps.csv"'
        return response


class CourseRecommendationCreateView(ApiViewMixin, APIView):
    """
    The gap audit's action: recommend or assign (``kind``) the courses linked to ``competency`` (all of them above
    the person's current level, or ``course_keys``) to one ``person``, or to everyone behind one heatmap cell
    (``by`` + ``row``, empty ``row`` for people with no unit/position). Managers for their reports, HR admins in
    scope; people outside the caller's reach are counted in ``denied``. Assigning enrolls through the platform and
    marks the gaps in development. Idempotent: re-sending writes nothing new. Answers the counts.
    """

    permission_classes = [rule_permission(None)]

    @extend_schema(request=CourseRecommendationWriteSerializer, responses={200: dict, 404: OpenApiResponse()})
    def post(self, request):
        serializer = CourseRecommendationWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        competency = Competency.objects.filter(pk=data["competency"]).first()
        if competency is None:
            raise ValidationError({"competency": ["Unknown competency."]})
        with field_errors("course_keys"):
            if data["person"] is not None:
                person = _person(request, data["person"], competencies_api.RECOMMEND_PERMISSION)
                result = competencies_api.act_on_person(
                    request.user, person, data["kind"], competency=competency, course_keys=data["course_keys"]
                )
            else:
                if not can(request.user, "perf_mgmt.view_gap_audit"):
                    raise PermissionDenied()
                framework = None
                if data["framework"]:
                    framework = Framework.objects.filter(slug=data["framework"]).first()
                    if framework is None:
                        raise ValidationError({"framework": ["Unknown framework."]})
                result = competencies_api.act_on_cell(
                    request.user,
                    data["by"],
                    data["row"],
                    competency.pk,
                    data["kind"],
                    course_keys=data["course_keys"],
                    framework=framework,
                )
        return Response(result.as_dict())


class PersonCourseRecommendationsView(ApiViewMixin, generics.ListAPIView):
    """
    Courses recommended or assigned to a person, newest first (``status`` to filter; by default the live ones:
    open and enrolled; ``status=all`` for the history). Visible to whoever may view the person's competencies.
    """

    serializer_class = CourseRecommendationSerializer
    permission_classes = [rule_permission(None)]

    def get_queryset(self):
        person = _person(self.request, self.kwargs["pk"])
        wanted = self.request.query_params.get("status")
        qs = competencies_api.recommendations_of(self.request.user, person, live_only=not wanted)
        if wanted and wanted != "all":
            qs = qs.filter(status=wanted)
        return qs


class CourseRecommendationRespondView(ApiViewMixin, APIView):
    """The person enrols in (``enrol``) or dismisses (``dismiss``) a course recommended to them; 404 for others."""

    permission_classes = [rule_permission(None)]

    @extend_schema(request=CourseRecommendationRespondSerializer, responses={200: CourseRecommendationSerializer})
    def post(self, request, pk):
        rec = CourseRecommendation.objects.select_related("person", "competency", "created_by").filter(pk=pk).first()
        if rec is None or not can(request.user, competencies_api.RESPOND_PERMISSION, rec.person):
            raise NotFound()
        serializer = CourseRecommendationRespondSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with field_errors("action"):
            competencies_api.respond(request.user, rec, serializer.validated_data["action"])
        return Response(CourseRecommendationSerializer(rec).data)
