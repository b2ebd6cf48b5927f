"""
Views of v1 for organisational health and succession (issue 19): the pack (JSON and CSV), a manager's flag and the
coaching plan offer, the monthly-email preference; key positions, pools, suggestions, the talent review (readiness,
versioned), gaps to plan items, potential ratings and the 9-box.

Thin adapters over ``health.api`` and ``succession.api``. A unit, manager, key position or candidate out of the
caller's sight is a 404 exactly like a missing one; a person in a pool never sees it.
"""

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from ...core.access import can
from ...health import api as health
from ...org.api import Employee, OrgUnit, Position
from ...strategy.api import Period
from ...succession import api as succession
from ..openapi import extend_schema
from .base import ApiViewMixin
from .concurrency import (
    IDEMPOTENCY_KEY,
    IF_MATCH,
    KEY_REFUSED,
    STALE,
    expected_version,
    idempotency_key,
    tagged,
)
from .health_serializers import (
    AddCandidateSerializer,
    CandidateSerializer,
    GridSerializer,
    KeyPositionSerializer,
    ManagerFlagSerializer,
    MarkKeyPositionSerializer,
    PackSerializer,
    PlanItemRefSerializer,
    PlanRefSerializer,
    PoolSerializer,
    PotentialSerializer,
    PreferenceSerializer,
    ReadinessSerializer,
    SuggestionSerializer,
)
from .permissions import rule_permission

UNIT = OpenApiParameter("unit", int, description="The org unit's id (default: the first the caller may read).")
PERIOD = OpenApiParameter("period", int, description="The strategy period's id (default: the current one).")


def _id(value):
    text = str(value or "").strip()
    if not text.isdigit() or int(text) > 2**31 - 1:
        raise ValidationError({"detail": ["An id is a whole number."]})
    return int(text)


def _unit_and_period(request):
    raw = request.query_params.get("unit")
    if raw:
        unit = OrgUnit.objects.filter(pk=_id(raw), active=True).first()
    else:
        units = health.readable_units(request.user, limit=1)
        unit = units[0] if units else None
    if unit is None or not health.can_read_pack(request.user, unit):
        raise NotFound()
    period = None
    if request.query_params.get("period"):
        period = Period.objects.filter(pk=_id(request.query_params["period"])).first()
        if period is None:
            raise ValidationError({"period": ["No such period."]})
    return unit, period


class HealthPackView(ApiViewMixin, APIView):
    """The health pack of a unit and everything under it (its senior managers and HR in scope)."""

    permission_classes = [rule_permission("perf_mgmt.view_health")]

    @extend_schema(parameters=[UNIT, PERIOD], responses={200: PackSerializer})
    def get(self, request):
        unit, period = _unit_and_period(request)
        return Response(health.health_pack(request.user, unit, period).as_dict())


class HealthPackCsvView(ApiViewMixin, APIView):
    """The same figures as CSV (section, figure, value)."""

    permission_classes = [rule_permission("perf_mgmt.view_health")]

    @extend_schema(parameters=[UNIT, PERIOD], responses={(200, "text/csv"): OpenApiResponse(str)})
    def get(self, request):
        unit, period = _unit_and_period(request)
        response = HttpResponse(
            health.pack_csv(health.health_pack(request.user, unit, period)), content_type="text/csv"
        )
        response["Content-Disposition"] = f'attachment; filename="health-{unit.code}.csv"'
        return response


def _manager(request, pk):
    manager = Employee.objects.select_related("user", "org_unit").filter(pk=pk, active=True).first()
    if manager is None or not can(request.user, "perf_mgmt.view_manager_development", manager):
        raise NotFound()
    return manager


class ManagerFlagView(ApiViewMixin, APIView):
    """A manager's process figures and why they lag (their managers, delegates and HR; never themselves)."""

    permission_classes = [rule_permission(None)]

    @extend_schema(responses={200: ManagerFlagSerializer})
    def get(self, request, pk):
        flag = health.manager_flag(request.user, _manager(request, pk))
        from ...health.api import manager_dict  # pylint: disable=import-outside-toplevel

        return Response(
            {
                "manager": flag.manager.pk,
                "name": flag.manager.display_name,
                "figures": manager_dict(flag.figures),
                "reasons": flag.figures.reasons,
                "open_plan": flag.open_plan.pk if flag.open_plan else None,
            }
        )


class CoachingPlanView(ApiViewMixin, APIView):
    """Offer the coaching and communication skills plan to a lagging manager (once: again gives the same plan)."""

    permission_classes = [rule_permission(None)]

    @extend_schema(request=None, parameters=[IDEMPOTENCY_KEY], responses={201: PlanRefSerializer, **KEY_REFUSED})
    def post(self, request, pk):
        manager = _manager(request, pk)
        plan = health.offer_coaching_plan(request.user, manager, idempotency_key=idempotency_key(request))
        return Response({"id": plan.pk, "title": plan.title, "status": plan.status}, status=status.HTTP_201_CREATED)


class HealthPreferenceView(ApiViewMixin, APIView):
    """Whether the caller gets the monthly health pack by email (PUT to change)."""

    permission_classes = [rule_permission("perf_mgmt.view_health")]

    @extend_schema(responses={200: PreferenceSerializer})
    def get(self, request):
        return Response({"monthly_email": health.wants_monthly_email(request.user)})

    @extend_schema(request=PreferenceSerializer, responses={200: PreferenceSerializer})
    def put(self, request):
        data = PreferenceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pref = health.set_monthly_email(request.user, data.validated_data["monthly_email"])
        return Response({"monthly_email": pref.monthly_email})


# -- succession ----------------------------------------------------------------------------------------------------


def _key_position(request, pk, permission="perf_mgmt.view_succession_pool"):
    key = succession.KeyPosition.objects.select_related("position__org_unit").filter(pk=pk, active=True).first()
    if key is None or not can(request.user, "perf_mgmt.view_succession_pool", key):
        raise NotFound()
    if permission != "perf_mgmt.view_succession_pool" and not can(request.user, permission, key):
        raise PermissionDenied()
    return key


def _bench_data(bench, with_candidates=False):
    data = KeyPositionSerializer(bench).data
    if with_candidates:
        data["candidates"] = CandidateSerializer(bench.candidates, many=True).data
    return data


class KeyPositionListView(ApiViewMixin, APIView):
    """HR: the key positions with bench strength and risks; POST marks a position as key (again: no change)."""

    permission_classes = [rule_permission("perf_mgmt.manage_succession")]

    @extend_schema(responses={200: KeyPositionSerializer(many=True)})
    def get(self, request):
        return Response(
            [_bench_data(succession.pool(request.user, k)) for k in succession.key_positions_for(request.user)]
        )

    @extend_schema(request=MarkKeyPositionSerializer, responses={201: KeyPositionSerializer})
    def post(self, request):
        data = MarkKeyPositionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        position = Position.objects.filter(code=data.validated_data["position"], active=True).first()
        if position is None:
            raise ValidationError({"position": ["No such position."]})
        key = succession.mark_key_position(
            request.user,
            position,
            reason=data.validated_data.get("reason", ""),
            expected_vacancy=data.validated_data.get("expected_vacancy"),
        )
        return Response(_bench_data(succession.pool(request.user, key)), status=status.HTTP_201_CREATED)


class KeyPositionPoolView(ApiViewMixin, APIView):
    """A key position's bench, risks and pool (HR in scope and the unit's senior managers; never a candidate)."""

    permission_classes = [rule_permission(None)]

    @extend_schema(responses={200: PoolSerializer})
    def get(self, request, pk):
        key = _key_position(request, pk)
        return Response(_bench_data(succession.pool(request.user, key), with_candidates=True))


class KeyPositionPoolCsvView(ApiViewMixin, APIView):
    """The pool as CSV."""

    permission_classes = [rule_permission(None)]

    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(str)})
    def get(self, request, pk):
        key = _key_position(request, pk)
        response = HttpResponse(succession.pool_csv(request.user, key), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="pool-{key.position.code}.csv"'
        return response


class SuggestionsView(ApiViewMixin, APIView):
    """The best-fitting people for a key position, with the readiness suggested (those who edit the pool)."""

    permission_classes = [rule_permission(None)]

    @extend_schema(responses={200: SuggestionSerializer(many=True)})
    def get(self, request, pk):
        key = _key_position(request, pk, "perf_mgmt.edit_succession_pool")
        return Response(SuggestionSerializer(succession.suggestions(key), many=True).data)


class CandidateListView(ApiViewMixin, APIView):
    """Put a person in the pool (Idempotency-Key honoured; adding twice keeps one entry)."""

    permission_classes = [rule_permission(None)]

    @extend_schema(
        request=AddCandidateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: CandidateSerializer, **KEY_REFUSED},
    )
    def post(self, request, pk):
        key = _key_position(request, pk, "perf_mgmt.edit_succession_pool")
        data = AddCandidateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        employee = Employee.objects.filter(pk=data.validated_data["employee"], active=True).first()
        if employee is None:
            raise ValidationError({"employee": ["No such person."]})
        candidate = succession.add_candidate(request.user, key, employee, idempotency_key=idempotency_key(request))
        return tagged(Response(CandidateSerializer(candidate).data, status=status.HTTP_201_CREATED), candidate.version)


def _candidate(request, pk):
    candidate = succession.candidate_of(request.user, pk)
    if candidate is None:
        raise NotFound()
    return candidate


class CandidateView(ApiViewMixin, APIView):
    """One pool entry: GET (with its ETag), PATCH the readiness (the talent review; If-Match honoured), DELETE."""

    permission_classes = [rule_permission(None)]

    @extend_schema(responses={200: CandidateSerializer})
    def get(self, request, pk):
        candidate = _candidate(request, pk)
        return tagged(Response(CandidateSerializer(candidate).data), candidate.version)

    @extend_schema(request=ReadinessSerializer, parameters=[IF_MATCH], responses={200: CandidateSerializer, **STALE})
    def patch(self, request, pk):
        candidate = _candidate(request, pk)
        data = ReadinessSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        succession.set_readiness(
            request.user,
            candidate,
            data.validated_data["readiness"],
            version=expected_version(request),
        )
        return tagged(Response(CandidateSerializer(candidate).data), candidate.version)

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        succession.remove_candidate(request.user, _candidate(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class CandidateGapsView(ApiViewMixin, APIView):
    """Turn a candidate's gaps against the target position into plan items (again: adds nothing)."""

    permission_classes = [rule_permission(None)]

    @extend_schema(request=None, responses={200: PlanItemRefSerializer(many=True)})
    def post(self, request, pk):
        items = succession.gaps_to_plan(request.user, _candidate(request, pk))
        return Response(PlanItemRefSerializer(items, many=True).data)


class PotentialView(ApiViewMixin, APIView):
    """A manager's judgement of a person's potential (1 low, 2 medium, 3 high); If-Match honoured."""

    permission_classes = [rule_permission(None)]

    @extend_schema(request=PotentialSerializer, parameters=[IF_MATCH], responses={200: PotentialSerializer, **STALE})
    def put(self, request, pk):
        employee = Employee.objects.filter(pk=pk, active=True).first()
        if employee is None or not can(request.user, "perf_mgmt.rate_potential", employee):
            raise NotFound()
        data = PotentialSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rating = succession.rate_potential(
            request.user,
            employee,
            data.validated_data["potential"],
            version=expected_version(request),
        )
        return tagged(Response({"potential": rating.potential}), rating.version)


class TalentGridView(ApiViewMixin, APIView):
    """The 9-box of a unit: ``cells[potential high..low][performance low..high]`` -> names."""

    permission_classes = [rule_permission("perf_mgmt.view_health")]

    @extend_schema(parameters=[UNIT], responses={200: GridSerializer})
    def get(self, request):
        unit, _period = _unit_and_period(request)
        return Response(GridSerializer(succession.talent_grid(request.user, unit)).data)
