"""
Views of v1 for the development domain: plans (mine, a person's, one with its items and comments), the workflow
(propose, approve, send back, add or assign items, approve items, enrol / complete / cancel an item, comment),
plan templates and their assignment to a population (HR), and a course's learners for its staff.

Thin adapters: access comes from the development rules (a plan or person the caller may not view is a 404, so ids do
not reveal what exists; a write the rules refuse is a 403), data and writes from ``development.services``; constant
query counts whatever the number of plans, items or people.
"""

from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from ...competencies.api import Competency
from ...core.access import can
from ...development import api as development_api
from ...development.api import Plan, PlanTemplate
from ...openedx.backend import parse_course_key
from ...org.api import Employee, OrgUnit, Position
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
from .development_serializers import (
    CommentWriteSerializer,
    CourseLearnerSerializer,
    ItemIdsSerializer,
    ItemWriteSerializer,
    PlanCommentSerializer,
    PlanDetailSerializer,
    PlanSerializer,
    PlanTemplateSerializer,
    PlanUpdateSerializer,
    PlanWriteSerializer,
    ReasonSerializer,
    TemplateAssignmentSerializer,
    TemplateAssignWriteSerializer,
)
from .permissions import rule_permission

VIEW = "perf_mgmt.view_plan"


def _plan(request, pk):
    plan = Plan.objects.select_related("owner__user", "template").filter(pk=pk).first()
    if plan is None or not can(request.user, VIEW, plan.owner):
        raise NotFound()
    return plan


def _person(request, pk):
    person = Employee.objects.select_related("user").filter(pk=pk).first()
    if person is None or not can(request.user, VIEW, person):
        raise NotFound()
    return person


def _detail(request, plan):
    """The plan with its items and comments: a fixed number of queries whatever their number."""
    context = {
        "items": development_api.items_of_plan(plan),
        "comments": list(plan.comments.select_related("author")),
        "may_manage": can(request.user, "perf_mgmt.manage_plan", plan.owner),
    }
    return PlanDetailSerializer(plan, context=context).data


def _tagged_detail(request, pk, status_code=200):
    """The plan's detail as a response with its ``ETag`` (its version)."""
    plan = _plan(request, pk)
    return tagged(Response(_detail(request, plan), status=status_code), plan.version)


class PlanListView(ApiViewMixin, generics.ListAPIView):
    """
    Plans the caller may view (their own, their reports' at any depth, HR scope, delegations), newest first;
    filters ``mine=true``, ``owner`` (employee id), ``status``. POST creates a plan: a draft for oneself, or an
    active plan for a report (``owner``) as their manager.
    """

    serializer_class = PlanSerializer
    permission_classes = [rule_permission(None)]

    def get_queryset(self):
        params = self.request.query_params
        qs = development_api.visible_plans(self.request.user)
        if params.get("mine") in ("1", "true"):
            qs = qs.filter(owner__user=self.request.user)
        if params.get("owner", "").isdigit():
            qs = qs.filter(owner_id=int(params["owner"]))
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        return qs.order_by("-period_start", "-pk")

    @extend_schema(request=PlanWriteSerializer, responses={201: PlanDetailSerializer})
    def post(self, request):
        serializer = PlanWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        owner_id = data.pop("owner", None)
        if owner_id is None:
            owner = Employee.objects.filter(user=request.user, active=True).first()
            if owner is None:
                raise ValidationError({"owner": ["You have no employee record: name the plan's owner."]})
        else:
            owner = Employee.objects.filter(pk=owner_id, active=True).first()
            if owner is None or not can(request.user, VIEW, owner):
                raise ValidationError({"owner": ["Unknown person."]})
        plan = development_api.create_plan(request.user, owner, **data)
        return Response(_detail(request, _plan(request, plan.pk)), status=status.HTTP_201_CREATED)


class PersonPlansView(ApiViewMixin, generics.ListAPIView):
    """One person's plans, newest first (404 for a person the caller may not view)."""

    serializer_class = PlanSerializer
    permission_classes = [rule_permission(None)]

    def get_queryset(self):
        person = _person(self.request, self.kwargs["pk"])
        return development_api.plans_of(self.request.user, person).order_by("-period_start", "-pk")


class PlanDetailView(ApiViewMixin, APIView):
    """
    One plan with its items (course links, progress from the LMS) and comments, and its ``ETag``. PATCH: the owner
    (or a manager) changes its title, period or goals -- only the fields sent -- with ``If-Match`` honoured (a stale
    tag: 412, nothing saved).
    """

    permission_classes = [rule_permission(None)]

    @extend_schema(responses={200: PlanDetailSerializer})
    def get(self, request, pk):
        return _tagged_detail(request, pk)

    @extend_schema(request=PlanUpdateSerializer, parameters=[IF_MATCH], responses={200: PlanDetailSerializer, **STALE})
    def patch(self, request, pk):
        plan = _plan(request, pk)
        serializer = PlanUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        development_api.update_plan(request.user, plan, version=expected_version(request), **serializer.validated_data)
        return _tagged_detail(request, pk)


class PlanActionView(ApiViewMixin, APIView):
    """
    The plan's workflow: ``propose`` (the owner sends their draft), ``approve`` (a manager; its proposed items are
    approved and course items enrolled), ``send-back`` (a manager returns a proposed plan as a draft, with a
    ``comment`` saying why), ``complete`` or ``archive`` (a manager).
    """

    permission_classes = [rule_permission(None)]
    transition = None

    @extend_schema(
        request=ReasonSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={200: PlanDetailSerializer, **KEY_REFUSED},
        description="The Idempotency-Key header is honoured by approve (its comment is made once).",
    )
    def post(self, request, pk):
        plan = _plan(request, pk)
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = serializer.validated_data["comment"]
        if self.transition == "propose":
            development_api.propose_plan(request.user, plan)
        elif self.transition == "approve":
            development_api.approve_plan(request.user, plan, comment, idempotency_key=idempotency_key(request))
        elif self.transition == "send-back":
            development_api.return_plan(request.user, plan, comment)
        else:
            development_api.set_plan_status(request.user, plan, self.transition)
        return Response(_detail(request, _plan(request, pk)))


class PlanItemsView(ApiViewMixin, APIView):
    """
    Add an item to the plan: the owner proposes it (it waits for approval); a manager assigns it (approved at once,
    a course item enrolls the person).
    """

    permission_classes = [rule_permission(None)]

    @extend_schema(
        request=ItemWriteSerializer, parameters=[IDEMPOTENCY_KEY], responses={201: PlanDetailSerializer, **KEY_REFUSED}
    )
    def post(self, request, pk):
        plan = _plan(request, pk)
        serializer = ItemWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        source_ref = data.pop("source_ref", "")
        if data.get("competency") is not None:
            data["competency"] = Competency.objects.filter(pk=data["competency"]).first()
            if data["competency"] is None:
                raise ValidationError({"competency": ["Unknown competency."]})
        source = None
        if source_ref.startswith("appraisal:"):
            source = "appraisal"
        key = idempotency_key(request)
        development_api.add_item(request.user, plan, source=source, source_ref=source_ref, **data, idempotency_key=key)
        return Response(_detail(request, _plan(request, pk)), status=status.HTTP_201_CREATED)


class PlanItemsApproveView(ApiViewMixin, APIView):
    """A manager approves some of the plan's proposed items (``items``: ids); course items are enrolled."""

    permission_classes = [rule_permission(None)]

    @extend_schema(request=ItemIdsSerializer, responses={200: PlanDetailSerializer})
    def post(self, request, pk):
        plan = _plan(request, pk)
        serializer = ItemIdsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = set(serializer.validated_data["items"])
        items = list(plan.items.filter(pk__in=ids))
        if len(items) != len(ids):
            raise ValidationError({"items": ["Unknown items of this plan."]})
        for item in items:
            item.owner = plan.owner  # the same person: no query per item for the rule
        development_api.approve_items(request.user, items)
        return Response(_detail(request, _plan(request, pk)))


class PlanItemActionView(ApiViewMixin, APIView):
    """
    One item: ``enrol`` (the owner, in an approved course item that allows it), ``complete`` (a non-course item,
    the owner or a manager; course items complete from the LMS), ``cancel`` (the owner their proposals, a manager
    any open item), with an optional ``comment``.
    """

    permission_classes = [rule_permission(None)]
    transition = None

    @extend_schema(request=ReasonSerializer, responses={200: PlanDetailSerializer})
    def post(self, request, pk, item_pk):
        plan = _plan(request, pk)
        item = plan.items.filter(pk=item_pk).first()
        if item is None:
            raise NotFound()
        item.owner, item.plan = plan.owner, plan
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = serializer.validated_data["comment"]
        if self.transition == "enrol":
            development_api.enrol_in_item(request.user, item)
        elif self.transition == "complete":
            development_api.complete_item(request.user, item, comment)
        else:
            development_api.cancel_item(request.user, item, comment)
        return Response(_detail(request, _plan(request, pk)))


class PlanCommentsView(ApiViewMixin, generics.ListAPIView):
    """GET: the plan's comments, oldest first. POST: the owner or a manager comments (on the plan or an ``item``)."""

    serializer_class = PlanCommentSerializer
    permission_classes = [rule_permission(None)]

    def get_queryset(self):
        return _plan(self.request, self.kwargs["pk"]).comments.select_related("author").order_by("created", "pk")

    @extend_schema(
        request=CommentWriteSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: PlanCommentSerializer, **KEY_REFUSED},
    )
    def post(self, request, pk):
        plan = _plan(request, pk)
        serializer = CommentWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = None
        if serializer.validated_data["item"] is not None:
            item = plan.items.filter(pk=serializer.validated_data["item"]).first()
            if item is None:
                raise ValidationError({"item": ["Unknown item of this plan."]})
        body, key = serializer.validated_data["body"], idempotency_key(request)
        comment = development_api.add_comment(request.user, plan, body, item=item, idempotency_key=key)
        return Response(PlanCommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class TemplateListView(ApiViewMixin, generics.ListAPIView):
    """Active plan templates with their items, for HR admins who assign them."""

    serializer_class = PlanTemplateSerializer
    permission_classes = [rule_permission("perf_mgmt.assign_plan_templates")]

    def get_queryset(self):
        return PlanTemplate.objects.filter(active=True).prefetch_related("items").order_by("name", "pk")


class TemplateAssignView(ApiViewMixin, APIView):
    """
    Give everyone in some positions, org units (whole subtrees) or people an active plan from the template (HR; a
    scoped HR admin's population is cut to their scope, counted in ``denied``). Assigning again is a no-op.
    """

    permission_classes = [rule_permission("perf_mgmt.assign_plan_templates")]

    @extend_schema(request=TemplateAssignWriteSerializer, responses={200: TemplateAssignmentSerializer})
    def post(self, request, slug):
        template = PlanTemplate.objects.filter(slug=slug).first()
        if template is None:
            raise NotFound()
        serializer = TemplateAssignWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        positions = dict(Position.objects.filter(code__in=data["positions"]).values_list("code", "pk"))
        units = dict(OrgUnit.objects.filter(code__in=data["org_units"]).values_list("code", "pk"))
        errors = {}
        if set(data["positions"]) - set(positions):
            errors["positions"] = ["Unknown positions: " + ", ".join(sorted(set(data["positions"]) - set(positions)))]
        if set(data["org_units"]) - set(units):
            errors["org_units"] = ["Unknown org units: " + ", ".join(sorted(set(data["org_units"]) - set(units)))]
        if errors:
            raise ValidationError(errors)
        result = development_api.assign_template(
            request.user,
            template,
            position_ids=list(positions.values()),
            unit_ids=list(units.values()),
            employee_ids=data["people"],
            start=data["start"],
            title=data["title"],
        )
        return Response(TemplateAssignmentSerializer(result.as_dict()).data)


class CourseLearnersView(ApiViewMixin, generics.ListAPIView):
    """
    The learners who have this course in a plan, their item's status, progress and completion -- for the course's
    staff (and unrestricted HR admins) only; anyone else gets a 403 whatever the course.
    """

    serializer_class = CourseLearnerSerializer
    permission_classes = [rule_permission(None)]

    def get_queryset(self):
        try:
            key = parse_course_key(self.kwargs["course_id"])
        except ValueError as exc:
            raise NotFound() from exc
        if not can(self.request.user, "perf_mgmt.view_course_data", key):
            raise PermissionDenied()
        return development_api.course_learners(self.request.user, key)
