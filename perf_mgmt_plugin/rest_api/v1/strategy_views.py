"""
Views of v1 for the strategy domain: objectives (list, create, edit, progress, line of sight, bulk cascade), the
manager dashboard, the cascade (JSON and CSV), check-ins and their series, help requests, impediments,
notifications.

Thin adapters: permissions come from the strategy rules (an objective or check-in the caller may not view is a
404, so ids do not reveal what exists), data and writes from ``strategy`` services; constant query counts.
"""

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from ...core.access import can
from ...org.api import Employee, OrgUnit
from ...strategy import api as strategy_api
from ...strategy.api import (
    CheckIn,
    HelpRequest,
    Impediment,
    Level,
    Objective,
    Period,
    notifications_for,
    visible_objectives_q,
)
from ..openapi import extend_schema
from .base import ApiViewMixin
from .concurrency import IF_MATCH, STALE, expected_version, tagged
from .permissions import rule_permission
from .strategy_serializers import (
    BulkCascadeSerializer,
    CascadeRowSerializer,
    CheckInDetailSerializer,
    CheckInSerializer,
    CheckInWriteSerializer,
    DashboardSerializer,
    HelpRequestSerializer,
    HelpRequestWriteSerializer,
    NotificationSerializer,
    ObjectiveSerializer,
    ObjectiveUpdateSerializer,
    ObjectiveWriteSerializer,
    ProgressUpdateSerializer,
    ProgressWriteSerializer,
    ResolveSerializer,
    SeriesSerializer,
    SeriesWriteSerializer,
)

OBJECTIVE_RELATED = ("level", "owner__user", "owner_unit", "period")


def _objective(request, pk, permission="perf_mgmt.view_objective"):
    objective = Objective.objects.select_related(*OBJECTIVE_RELATED).filter(pk=pk, active=True).first()
    if objective is None or not can(request.user, "perf_mgmt.view_objective", objective):
        raise NotFound()
    if permission != "perf_mgmt.view_objective" and not can(request.user, permission, objective):
        raise PermissionDenied()
    return objective


class ObjectiveListView(ApiViewMixin, generics.ListAPIView):
    """
    Objectives the caller may view; filters ``mine=true``, ``team=true``, ``period`` (id), ``status``, ``parent``.
    POST creates one (a child needs the right to cascade from its parent; a root needs manage_strategy).
    """

    serializer_class = ObjectiveSerializer
    permission_classes = [rule_permission(None)]

    def get_queryset(self):
        params = self.request.query_params
        qs = Objective.objects.filter(visible_objectives_q(self.request.user), active=True)
        if params.get("mine") in ("1", "true"):
            qs = strategy_api.my_objectives(self.request.user)
        if params.get("team") in ("1", "true"):
            from ...strategy.api import team_objectives_q  # pylint: disable=import-outside-toplevel

            qs = qs.filter(team_objectives_q(self.request.user))
        for name in ("period", "status", "parent"):
            if params.get(name):
                qs = qs.filter(**{name: params[name]})
        return qs.select_related(*OBJECTIVE_RELATED).order_by("path")

    @extend_schema(request=ObjectiveWriteSerializer, responses={201: ObjectiveSerializer})
    def post(self, request):
        serializer = ObjectiveWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        parent = None
        if data.get("parent"):
            parent = _objective(request, data.pop("parent"))
        else:
            data.pop("parent", None)
        period = parent.period if parent else Period.objects.filter(pk=data.pop("period", None)).first()
        data.pop("period", None)
        if period is None:
            raise ValidationError({"period": ["Choose the period of a top objective."]})
        if data.get("level"):
            data["level"] = Level.objects.filter(rank=data["level"]).first()
            if data["level"] is None:
                raise ValidationError({"level": ["Unknown level."]})
        if data.get("owner"):
            data["owner"] = Employee.objects.filter(pk=data["owner"], active=True).first()
            if data["owner"] is None:
                raise ValidationError({"owner": ["Unknown person."]})
        if data.get("owner_unit"):
            data["owner_unit"] = OrgUnit.objects.filter(code=data["owner_unit"]).first()
            if data["owner_unit"] is None:
                raise ValidationError({"owner_unit": ["Unknown org unit."]})
        objective = strategy_api.create_objective(request.user, period=period, parent=parent, **data)
        return Response(ObjectiveSerializer(objective).data, status=status.HTTP_201_CREATED)


class ObjectiveDetailView(ApiViewMixin, APIView):
    """
    One objective with its ``ETag``; PATCH edits it -- only the fields sent -- (``apply_to_copies`` for the first
    goal of a bulk cascade), with ``If-Match`` honoured (a stale tag: 412, nothing saved).
    """

    permission_classes = [rule_permission(None)]

    def _answer(self, request, pk):
        objective = _objective(request, pk)
        return tagged(Response(ObjectiveSerializer(objective).data), objective.version)

    @extend_schema(responses={200: ObjectiveSerializer})
    def get(self, request, pk):
        return self._answer(request, pk)

    @extend_schema(
        request=ObjectiveUpdateSerializer, parameters=[IF_MATCH], responses={200: ObjectiveSerializer, **STALE}
    )
    def patch(self, request, pk):
        objective = _objective(request, pk, "perf_mgmt.change_objective")
        serializer = ObjectiveUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        changes["version"] = expected_version(request)
        to_copies = changes.pop("apply_to_copies", False)
        if to_copies:
            strategy_api.apply_template_edits(request.user, objective, **changes)
        else:
            strategy_api.update_objective(request.user, objective, **changes)
        return self._answer(request, pk)


class LineOfSightView(ApiViewMixin, APIView):
    """The objectives this one serves, from the strategic objective down to itself."""

    permission_classes = [rule_permission(None)]

    @extend_schema(responses={200: ObjectiveSerializer(many=True)})
    def get(self, request, pk):
        objective = _objective(request, pk)
        rows = strategy_api.line_of_sight(objective)
        return Response(ObjectiveSerializer(rows, many=True).data)


class ProgressView(ApiViewMixin, APIView):
    """GET: the objective's progress history (newest first, 200 at most). POST: record a reading."""

    permission_classes = [rule_permission(None)]

    @extend_schema(responses={200: ProgressUpdateSerializer(many=True)})
    def get(self, request, pk):
        objective = _objective(request, pk)
        rows = objective.updates.order_by("-created", "-pk")[:200]
        return Response(ProgressUpdateSerializer(rows, many=True).data)

    @extend_schema(request=ProgressWriteSerializer, responses={200: ObjectiveSerializer})
    def post(self, request, pk):
        objective = _objective(request, pk, "perf_mgmt.update_progress")
        serializer = ProgressWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        strategy_api.record_progress(request.user, objective, **serializer.validated_data)
        return Response(ObjectiveSerializer(_objective(request, pk)).data)


class BulkCascadeView(ApiViewMixin, APIView):
    """Assign a goal to many people (``owners``) or a whole ``org_unit`` under this objective."""

    permission_classes = [rule_permission(None)]

    @extend_schema(request=BulkCascadeSerializer, responses={201: ObjectiveSerializer(many=True)})
    def post(self, request, pk):
        parent = _objective(request, pk, "perf_mgmt.cascade_objective")
        serializer = BulkCascadeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        owner_ids = data.pop("owners", None)
        unit_code = data.pop("org_unit", None)
        owners = unit = None
        if owner_ids:
            owners = list(Employee.objects.filter(pk__in=owner_ids, active=True))
            if len(owners) != len(set(owner_ids)):
                raise ValidationError({"owners": ["Unknown or inactive people."]})
            denied = [o.pk for o in owners if not can(request.user, "perf_mgmt.view_employee", o)]
            if denied:
                raise ValidationError({"owners": ["Unknown or inactive people."]})
        elif unit_code:
            unit = OrgUnit.objects.filter(code=unit_code).first()
            if unit is None:
                raise ValidationError({"org_unit": ["Unknown org unit."]})
        template = strategy_api.bulk_cascade(request.user, parent, owners=owners, org_unit=unit, **data)
        rows = strategy_api.cascaded_copies(template).select_related(*OBJECTIVE_RELATED)
        return Response(ObjectiveSerializer(rows, many=True).data, status=status.HTTP_201_CREATED)


class DashboardView(ApiViewMixin, APIView):
    """The manager dashboard: team objectives, overdue/upcoming check-ins, open impediments and help requests."""

    permission_classes = [rule_permission("perf_mgmt.view_strategy_dashboard")]

    @extend_schema(responses={200: DashboardSerializer})
    def get(self, request):
        board = strategy_api.manager_dashboard(request.user)
        return Response(DashboardSerializer(board).data)


def _cascade_rows(request):
    period = None
    if request.query_params.get("period"):
        period = Period.objects.filter(pk=request.query_params["period"]).first()
    depth = request.query_params.get("depth")
    roots = strategy_api.cascade_roots(request.user, period)
    return strategy_api.cascade(request.user, roots, max_depth=int(depth) if depth and depth.isdigit() else None)


class CascadeView(ApiViewMixin, APIView):
    """The cascade from the caller's level down (``period``, ``depth``), each row with its at-risk flags."""

    permission_classes = [rule_permission(None)]

    @extend_schema(responses={200: CascadeRowSerializer(many=True)})
    def get(self, request):
        return Response(CascadeRowSerializer(_cascade_rows(request), many=True).data)


class CascadeExportView(ApiViewMixin, APIView):
    """The same rows as CSV."""

    permission_classes = [rule_permission(None)]

    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(str)})
    def get(self, request):
        response = HttpResponse(strategy_api.cascade_csv(_cascade_rows(request)), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="cascade.csv"'
        return response


def _check_in(request, pk):
    check_in = CheckIn.objects.select_related("employee__user", "manager__user").filter(pk=pk).first()
    if check_in is None or not can(request.user, "perf_mgmt.view_check_in", check_in):
        raise NotFound()
    return check_in


class CheckInListView(ApiViewMixin, generics.ListAPIView):
    """The caller's check-ins: theirs and those they run, newest first."""

    serializer_class = CheckInSerializer
    permission_classes = [rule_permission(None)]

    def get_queryset(self):
        return strategy_api.check_ins_of(self.request.user)


class CheckInDetailView(ApiViewMixin, APIView):
    """
    One check-in with its objective entries and the notes the caller may read (private notes only to their author).
    POST ``action`` prepare (the employee), hold (the manager, with ``mode``) or note.
    """

    permission_classes = [rule_permission(None)]

    def _data(self, request, check_in):
        notes = list(strategy_api.visible_notes(request.user, [check_in.pk]).select_related("author"))
        return CheckInDetailSerializer(check_in, context={"notes": notes}).data

    @extend_schema(responses={200: CheckInDetailSerializer})
    def get(self, request, pk):
        return Response(self._data(request, _check_in(request, pk)))

    @extend_schema(request=CheckInWriteSerializer, responses={200: CheckInDetailSerializer})
    def post(self, request, pk):
        check_in = _check_in(request, pk)
        serializer = CheckInWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        action = data.pop("action")
        if action == "prepare":
            data.pop("mode", None)
            data.pop("next_actions", None)
            strategy_api.prepare(request.user, check_in, **data)
        elif action == "hold":
            if "mode" not in data:
                raise ValidationError({"mode": ["Say whether it was face to face or by video."]})
            strategy_api.hold(request.user, check_in, **data)
        else:
            notes = data.get("notes") or []
            if not notes:
                raise ValidationError({"notes": ["Write the note first."]})
            for note in notes:
                strategy_api.add_note(request.user, check_in, **note)
        return Response(self._data(request, _check_in(request, pk)))


class SeriesCreateView(ApiViewMixin, APIView):
    """Start recurring check-ins with one of the caller's reports (``employee``) or a ``team``."""

    permission_classes = [rule_permission(None)]

    @extend_schema(request=SeriesWriteSerializer, responses={201: SeriesSerializer})
    def post(self, request):
        serializer = SeriesWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        manager = Employee.objects.filter(user=request.user, active=True).first()
        if manager is None:
            raise PermissionDenied()
        employee = team = None
        if data.get("employee"):
            employee = Employee.objects.filter(pk=data["employee"], active=True).first()
            if employee is None or not can(request.user, "perf_mgmt.view_employee", employee):
                raise ValidationError({"employee": ["Unknown person."]})
        elif data.get("team"):
            team = OrgUnit.objects.filter(code=data["team"]).first()
            if team is None:
                raise ValidationError({"team": ["Unknown org unit."]})
        series = strategy_api.create_series(
            request.user,
            manager=manager,
            employee=employee,
            team=team,
            cadence=data["cadence"],
            agenda=data.get("agenda"),
            start=data.get("start"),
        )
        return Response(SeriesSerializer(series).data, status=status.HTTP_201_CREATED)


class HelpRequestListView(ApiViewMixin, generics.ListAPIView):
    """GET: open help requests for the caller to act on (routed to them, or from their team). POST: ask for help."""

    serializer_class = HelpRequestSerializer
    permission_classes = [rule_permission(None)]

    def get_queryset(self):
        return strategy_api.open_help_requests_for(self.request.user).order_by("-created", "-pk")

    @extend_schema(request=HelpRequestWriteSerializer, responses={201: HelpRequestSerializer})
    def post(self, request):
        serializer = HelpRequestWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        employee = strategy_api.employee_of(request.user)
        objective = None
        if serializer.validated_data.get("objective"):
            objective = _objective(request, serializer.validated_data["objective"])
        item = strategy_api.request_help(
            request.user, employee, body=serializer.validated_data["body"], objective=objective
        )
        return Response(HelpRequestSerializer(item).data, status=status.HTTP_201_CREATED)


class ResolveView(ApiViewMixin, APIView):
    """Resolve a help request (``kind`` help) or an impediment (``kind`` impediment)."""

    permission_classes = [rule_permission(None)]

    @extend_schema(request=ResolveSerializer, responses={204: None})
    def post(self, request, kind, pk):
        model = {"help": HelpRequest, "impediment": Impediment}.get(kind)
        item = model.objects.select_related("employee").filter(pk=pk).first() if model else None
        if item is None or not can(request.user, "perf_mgmt.resolve_for", item.employee):
            raise NotFound()
        serializer = ResolveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        strategy_api.resolve(request.user, item, serializer.validated_data.get("resolution", ""))
        return Response(status=status.HTTP_204_NO_CONTENT)


class NotificationListView(ApiViewMixin, generics.ListAPIView):
    """The caller's own notifications (``unread=true`` for unread only), newest first."""

    serializer_class = NotificationSerializer
    permission_classes = [rule_permission(None)]

    def get_queryset(self):
        return notifications_for(self.request.user, self.request.query_params.get("unread") in ("1", "true"))
