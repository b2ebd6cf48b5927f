"""
Views of v1. Each is a thin adapter: scope and permission come from the org rules, data from the org services.

Query counts are constant per page (pinned in tests/org/test_query_counts.py).
"""

from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from ... import api
from ...org import api as org_api
from ...org.api import Employee, OrgUnit, Position, team_q, visible_employees_q
from ..openapi import extend_schema
from .base import ApiViewMixin
from .permissions import rule_permission
from .serializers import ChainMemberSerializer, EmployeeSerializer, OrgUnitSerializer, PositionSerializer

EMPLOYEE_RELATED = ("user", "position", "org_unit", "manager__user")


class MeView(ApiViewMixin, APIView):
    """The signed-in user: their personas and their employee record (``null`` if they have none)."""

    permission_classes = [rule_permission(None)]

    @extend_schema(responses={200: dict})
    def get(self, request):
        employee = api.get_employee(request.user)
        return Response(
            {
                "username": request.user.username,
                "personas": api.personas(request.user),
                "employee": EmployeeSerializer(employee).data if employee else None,
            }
        )


class PeopleListView(ApiViewMixin, generics.ListAPIView):
    """
    Employee records the user may see: their own, their reports, HR scope and grants.

    Filters: ``q`` (name, username, employee number), ``org_unit`` (code, includes sub-units), ``position`` (code),
    ``manager`` (username; direct reports), ``active`` (true/false, default true).
    """

    serializer_class = EmployeeSerializer
    permission_classes = [rule_permission(None)]

    def get_queryset(self):
        from ...org.api import filter_people  # pylint: disable=import-outside-toplevel

        qs = Employee.objects.filter(visible_employees_q(self.request.user)).select_related(*EMPLOYEE_RELATED)
        return filter_people(qs, self.request.query_params)


class PersonDetailView(ApiViewMixin, generics.RetrieveAPIView):
    """One employee record, by id."""

    serializer_class = EmployeeSerializer
    permission_classes = [rule_permission(None, "perf_mgmt.view_employee")]
    queryset = Employee.objects.select_related(*EMPLOYEE_RELATED)


class TeamListView(ApiViewMixin, generics.ListAPIView):
    """The signed-in manager's team: reports at any depth (``direct=true`` for direct reports) and granted people."""

    serializer_class = EmployeeSerializer
    permission_classes = [rule_permission("perf_mgmt.view_team")]

    def get_queryset(self):
        qs = Employee.objects.filter(team_q(self.request.user), active=True).select_related(*EMPLOYEE_RELATED)
        if self.request.query_params.get("direct") in ("1", "true"):
            qs = qs.filter(manager__user=self.request.user)
        return qs


class ChainView(ApiViewMixin, APIView):
    """
    An employee's management chain, from the direct manager to the top. Full records only of the people the caller
    may view; the others show their name and position (``ChainMemberSerializer``).
    """

    permission_classes = [rule_permission(None)]

    @extend_schema(responses={200: ChainMemberSerializer(many=True)})
    def get(self, request, pk):
        employee = Employee.objects.filter(pk=pk).select_related("org_unit").first()
        if employee is None or not api.can(request.user, "perf_mgmt.view_employee", employee):
            raise NotFound()
        chain = org_api.chain_of(employee)
        visible_ids = {boss.pk for boss in chain if api.can(request.user, "perf_mgmt.view_employee", boss)}
        return Response(ChainMemberSerializer(chain, many=True, context={"visible_ids": visible_ids}).data)


class OrgUnitListView(ApiViewMixin, generics.ListAPIView):
    """Org units (HR admins), ordered as a tree."""

    serializer_class = OrgUnitSerializer
    permission_classes = [rule_permission("perf_mgmt.hr_admin")]
    queryset = OrgUnit.objects.select_related("parent")


class PositionListView(ApiViewMixin, generics.ListAPIView):
    """Positions / job titles (HR admins)."""

    serializer_class = PositionSerializer
    permission_classes = [rule_permission("perf_mgmt.hr_admin")]
    queryset = Position.objects.select_related("org_unit")
