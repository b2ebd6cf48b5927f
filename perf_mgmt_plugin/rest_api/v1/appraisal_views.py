"""
Views of v1 for appraisals: templates and cycles (HR), launch with its progress, closing.

Thin adapters over the appraisals services: access comes from the appraisals rules -- a cycle or review the caller
may not see is a 404, so ids do not reveal what exists; a write the rules refuse on something the caller may see is a
403 -- and every check of meaning from the services (``AppraisalError`` becomes a 400 with its message). Lists and
details run a fixed number of queries whatever the number of cycles, reviews or items.
"""

import io

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from ... import api, tasks
from ...appraisals import api as appraisals_api
from ...appraisals.api import FollowUpAction, Review, ReviewTemplate
from ...core import csv_export
from ...core.access import can
from ...org.api import Employee, OrgUnit, Position
from ...strategy.api import Period
from ..openapi import extend_schema
from .appraisal_serializers import (
    ActionWriteSerializer,
    CoachAssignmentSerializer,
    CoachAssignWriteSerializer,
    CoachingCoverageSerializer,
    CompletionSerializer,
    CycleSerializer,
    CycleUpdateSerializer,
    CycleWriteSerializer,
    FeedbackWriteSerializer,
    FollowUpActionSerializer,
    InterimNoteSerializer,
    InterimNoteUpdateSerializer,
    InterimNoteWriteSerializer,
    LaunchProgressSerializer,
    MeetingWriteSerializer,
    OverdueStepSerializer,
    PendingSurveySerializer,
    RatingDistributionSerializer,
    ReopenWriteSerializer,
    ReviewDetailSerializer,
    ReviewSerializer,
    ReviewTemplateSerializer,
    ReviewWriteSerializer,
    SignOffWriteSerializer,
    SurveyResultsSerializer,
    SurveyTrendSerializer,
    SurveyWriteSerializer,
    TemplateUpdateSerializer,
    TemplateWriteSerializer,
)
from .base import ApiViewMixin
from .concurrency import (
    IDEMPOTENCY_KEY,
    IF_MATCH,
    KEY_REFUSED,
    STALE,
    expected_version,
    guarded,
    idempotency_key,
    tagged,
)
from .permissions import rule_permission

MANAGE = "perf_mgmt.manage_appraisals"
REPORTS = "perf_mgmt.view_appraisal_reports"


def _require(request, permission, obj=None):
    if not can(request.user, permission, obj):
        raise PermissionDenied()


# Templates


def _templates():
    return ReviewTemplate.objects.prefetch_related("sections__scale", "sections__questions")


class TemplateListView(ApiViewMixin, generics.ListAPIView):
    """Review templates with their sections and questions (HR admins). POST creates one (unrestricted HR admins)."""

    serializer_class = ReviewTemplateSerializer
    permission_classes = [rule_permission(REPORTS)]

    def get_queryset(self):
        return _templates().order_by("name", "pk")

    @extend_schema(request=TemplateWriteSerializer, responses={201: ReviewTemplateSerializer})
    def post(self, request):
        _require(request, MANAGE)
        serializer = TemplateWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        template = appraisals_api.create_template(request.user, **serializer.validated_data)
        return Response(ReviewTemplateSerializer(_templates().get(pk=template.pk)).data, status=201)


class TemplateDetailView(ApiViewMixin, generics.GenericAPIView):
    """
    One review template by slug (HR admins). PATCH changes its texts or whether it is offered (unrestricted HR
    admins); ``sections`` replaces all its sections, refused once reviews were made from the template.
    """

    serializer_class = ReviewTemplateSerializer
    permission_classes = [rule_permission(REPORTS)]

    def _template(self, slug):
        template = _templates().filter(slug=slug).first()
        if template is None:
            raise NotFound()
        return template

    def get(self, request, slug):
        return Response(ReviewTemplateSerializer(self._template(slug)).data)

    @extend_schema(request=TemplateUpdateSerializer, responses={200: ReviewTemplateSerializer})
    def patch(self, request, slug):
        _require(request, MANAGE)
        template = self._template(slug)
        # Not ``partial``: every field is optional already, and a partial validation would let a section in
        # ``sections`` go without its title or kind (partial applies to nested serializers too).
        serializer = TemplateUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        appraisals_api.update_template(request.user, template, **serializer.validated_data)
        return Response(ReviewTemplateSerializer(_templates().get(pk=template.pk)).data)


# Cycles


def _cycle(request, pk):
    """The cycle if the caller may see it, else 404 (its existence is not revealed)."""
    cycle = (
        appraisals_api.cycles_visible_to(request.user)
        .select_related("template")
        .prefetch_related("units", "positions", "people")
        .filter(pk=pk)
        .first()
    )
    if cycle is None:
        raise NotFound()
    return cycle


def _cycle_data(request, cycle):
    """The cycle as JSON; the people it names only for who may see them (``appraisals_api.may_see_population``)."""
    return CycleSerializer(cycle, context={"population": appraisals_api.may_see_population(request.user)}).data


def _by_keys(model, field, keys, name, **filters):
    """The rows of ``model`` whose ``field`` is in ``keys`` (one query); an unknown key is a 400 on ``name``."""
    keys = list(dict.fromkeys(keys))
    rows = list(model.objects.filter(**{f"{field}__in": keys}, **filters))
    if len(rows) != len(keys):
        found = {str(getattr(row, field)) for row in rows}
        unknown = ", ".join(str(key) for key in keys if str(key) not in found)
        raise ValidationError({name: [f"Unknown: {unknown}."]})
    return rows


def _cycle_fields(data):
    """Turn the write serializer's keys (template slug, period id, codes, ids) into the objects the services take."""
    fields = dict(data)
    if "template" in fields:
        fields["template"] = ReviewTemplate.objects.filter(slug=fields["template"]).first()
        if fields["template"] is None:
            raise ValidationError({"template": ["Unknown review template."]})
    if fields.get("period") is not None:
        fields["period"] = Period.objects.filter(pk=fields["period"]).first()
        if fields["period"] is None:
            raise ValidationError({"period": ["Unknown period."]})
    if "units" in fields:
        fields["units"] = _by_keys(OrgUnit, "code", fields["units"], "units")
    if "positions" in fields:
        fields["positions"] = _by_keys(Position, "code", fields["positions"], "positions")
    if "people" in fields:
        fields["people"] = _by_keys(Employee, "pk", fields["people"], "people", active=True)
    return fields


class CycleListView(ApiViewMixin, generics.ListAPIView):
    """
    The cycles the caller may see (HR: all; others: launched cycles they take part in), newest first; filter
    ``status``. POST creates a draft cycle (unrestricted HR admins).
    """

    serializer_class = CycleSerializer
    permission_classes = [rule_permission(None)]

    def get_queryset(self):
        qs = appraisals_api.cycles_visible_to(self.request.user)
        if self.request.query_params.get("status"):
            qs = qs.filter(status=self.request.query_params["status"])
        return qs.select_related("template").prefetch_related("units", "positions", "people").order_by("-start", "pk")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "population": appraisals_api.may_see_population(self.request.user)}

    @extend_schema(request=CycleWriteSerializer, responses={201: CycleSerializer})
    def post(self, request):
        _require(request, MANAGE)
        serializer = CycleWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cycle = appraisals_api.create_cycle(request.user, **_cycle_fields(serializer.validated_data))
        return Response(_cycle_data(request, _cycle(request, cycle.pk)), status=status.HTTP_201_CREATED)


class CycleDetailView(ApiViewMixin, APIView):
    """A cycle; PATCH changes it (unrestricted HR admins; what may change depends on its state)."""

    permission_classes = [rule_permission(None)]

    @extend_schema(responses={200: CycleSerializer})
    def get(self, request, pk):
        return Response(_cycle_data(request, _cycle(request, pk)))

    @extend_schema(request=CycleUpdateSerializer, responses={200: CycleSerializer})
    def patch(self, request, pk):
        cycle = _cycle(request, pk)
        _require(request, MANAGE)
        serializer = CycleUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        appraisals_api.update_cycle(request.user, cycle, **_cycle_fields(serializer.validated_data))
        return Response(_cycle_data(request, _cycle(request, pk)))


def _progress(cycle):
    state, done, total, error = appraisals_api.launch_progress(cycle)
    return {"status": state, "done": done, "total": total, "error": error}


class CycleLaunchView(ApiViewMixin, APIView):
    """
    Launch a cycle (or safely re-run its launch): the reviews are created by a Celery task; the answer is 202 with
    the progress, which ``launch-progress/`` polls.
    """

    permission_classes = [rule_permission(None)]

    @extend_schema(
        request=None,
        responses={202: OpenApiResponse(LaunchProgressSerializer, description="Queued: poll launch-progress/.")},
    )
    def post(self, request, pk):
        cycle = _cycle(request, pk)
        _require(request, MANAGE)
        cycle = api.start_cycle_launch(request.user, cycle)
        tasks.enqueue_cycle_launch(cycle)
        return Response(LaunchProgressSerializer(_progress(cycle)).data, status=status.HTTP_202_ACCEPTED)


class CycleLaunchProgressView(ApiViewMixin, APIView):
    """The launch's progress: status, reviews created of the total, the error of a failed run."""

    permission_classes = [rule_permission(None)]

    @extend_schema(responses={200: LaunchProgressSerializer})
    def get(self, request, pk):
        return Response(LaunchProgressSerializer(_progress(_cycle(request, pk))).data)


class CycleCloseView(ApiViewMixin, APIView):
    """Close an active cycle (unrestricted HR admins); its participants are invited to the process survey."""

    permission_classes = [rule_permission(None)]

    @extend_schema(request=None, responses={200: CycleSerializer})
    def post(self, request, pk):
        cycle = _cycle(request, pk)
        _require(request, MANAGE)
        appraisals_api.close_cycle(request.user, cycle)
        return Response(_cycle_data(request, _cycle(request, pk)))


# Reviews

REVIEW_RELATED = ("cycle", "employee__user", "manager__user")
#: What the caller may do on a review, the detail's ``may``: answers of ``appraisals_api.available_actions``.
MAY = ("write_self_review", "write_manager_review", "coach_review", "reopen_review", "manage_follow_up")


def _review(request, pk):
    """The review if the caller may open it, else 404 (a peer cannot tell whether it exists)."""
    review = Review.objects.select_related(*REVIEW_RELATED).filter(pk=pk).first()
    if review is None or not can(request.user, "perf_mgmt.view_review", review):
        raise NotFound()
    return review


def _detail(request, review):
    """The review as the caller may see it, with its ``ETag`` (self review version, manager review version)."""
    detail = appraisals_api.review_detail(request.user, review)
    actions = appraisals_api.available_actions(request.user, detail.review)
    may = {name: getattr(actions, name) for name in MAY}
    response = Response(ReviewDetailSerializer(detail, context={"may": may}).data)
    return tagged(response, detail.review.self_version, detail.review.manager_version)


def _review_versions(pk):
    return tuple(Review.objects.filter(pk=pk).values_list("self_version", "manager_version").first() or (None, None))


class ReviewListView(ApiViewMixin, generics.ListAPIView):
    """
    The reviews the caller may open (their own, their reports' at any depth, the ones they write or coach, HR
    scope; never a peer's), paginated, newest cycle first. Filters: ``cycle``, ``stage``, ``employee``,
    ``mine=true`` (the caller's own), ``writing=true`` (the ones they write as manager). No rating or text.
    """

    serializer_class = ReviewSerializer
    permission_classes = [rule_permission(None)]

    def get_queryset(self):
        params = self.request.query_params
        qs = appraisals_api.reviews_visible_to(self.request.user)
        for name in ("cycle", "employee"):
            if params.get(name, "").isdigit():
                qs = qs.filter(**{f"{name}_id": int(params[name])})
        if params.get("stage"):
            qs = qs.filter(stage=params["stage"])
        if params.get("mine") in ("1", "true"):
            qs = qs.filter(employee__user=self.request.user)
        if params.get("writing") in ("1", "true"):
            qs = qs.filter(manager__user=self.request.user)
        return qs.select_related(*REVIEW_RELATED).order_by("-cycle__start", "cycle_id", "pk")


class ReviewDetailView(ApiViewMixin, APIView):
    """
    One review with the parts the caller may see: the person never sees the manager's draft before it is shared
    nor coaching; nobody else sees the person's unsubmitted self review; notes only as the notes rules allow.
    """

    permission_classes = [rule_permission(None)]

    @extend_schema(responses={200: ReviewDetailSerializer})
    def get(self, request, pk):
        return _detail(request, _review(request, pk))


class _ReviewStep(ApiViewMixin, APIView):
    """A POST on a review that runs one service with the validated body, answering the review as the caller sees it."""

    permission_classes = [rule_permission(None)]
    write_serializer = None
    #: The step takes the ``Idempotency-Key`` header (sent twice: one step, the first's answer).
    idempotent = False
    #: The part of the review's ETag that ``If-Match`` is checked against (0 self review, 1 manager review).
    part = None

    def run(self, request, review, data):
        raise NotImplementedError

    def post(self, request, pk):
        review = _review(request, pk)
        data = {}
        if self.write_serializer is not None:
            serializer = self.write_serializer(data=request.data)  # pylint: disable=not-callable
            serializer.is_valid(raise_exception=True)
            # Only the keys sent: a key left out leaves what is saved alone (no serializer default stands in for it).
            data = dict(serializer.validated_data)
        if self.idempotent:
            data["idempotency_key"] = idempotency_key(request)
        if self.part is not None:
            data["version"] = expected_version(request, self.part, parts=2)
        guarded(self.run, request, review, data, current=lambda: _review_versions(pk))
        return _detail(request, _review(request, pk))


#: The schema of a save of a review part (self review, manager review): If-Match on that part, an Idempotency-Key.
REVIEW_PART_SCHEMA = extend_schema(
    request=ReviewWriteSerializer,
    parameters=[IF_MATCH, IDEMPOTENCY_KEY],
    responses={200: ReviewDetailSerializer, **STALE, **KEY_REFUSED},
)


class SelfReviewView(_ReviewStep):
    """The person saves their self review (``submit`` hands it to the manager: every item rated)."""

    write_serializer = ReviewWriteSerializer
    idempotent = True
    part = 0

    @REVIEW_PART_SCHEMA
    def post(self, request, pk):
        return super().post(request, pk)

    def run(self, request, review, data):
        appraisals_api.save_self_review(request.user, review, **data)


class ManagerReviewView(_ReviewStep):
    """The manager saves their private draft (``submit`` checks it is complete); sharing is ``share/``."""

    write_serializer = ReviewWriteSerializer
    idempotent = True
    part = 1

    @REVIEW_PART_SCHEMA
    def post(self, request, pk):
        return super().post(request, pk)

    def run(self, request, review, data):
        appraisals_api.save_manager_review(request.user, review, **data)


class RequestCoachingView(_ReviewStep):
    """The manager asks their assigned coach to read the draft."""

    @extend_schema(request=None, responses={200: ReviewDetailSerializer})
    def post(self, request, pk):
        return super().post(request, pk)

    def run(self, request, review, data):
        appraisals_api.request_coaching(request.user, review)


class ShareReviewView(_ReviewStep):
    """The manager shares the review with the person (after the coach's feedback when a coach is assigned)."""

    idempotent = True

    @extend_schema(request=None, parameters=[IDEMPOTENCY_KEY], responses={200: ReviewDetailSerializer, **KEY_REFUSED})
    def post(self, request, pk):
        return super().post(request, pk)

    def run(self, request, review, data):
        appraisals_api.share_review(request.user, review, **data)


class MeetingView(_ReviewStep):
    """The manager schedules (or moves) the face-to-face meeting: ``at`` and ``mode`` (in person or video)."""

    write_serializer = MeetingWriteSerializer

    @extend_schema(request=MeetingWriteSerializer, responses={200: ReviewDetailSerializer})
    def post(self, request, pk):
        return super().post(request, pk)

    def run(self, request, review, data):
        appraisals_api.schedule_meeting(request.user, review, **data)


class AttendView(_ReviewStep):
    """The person or the manager confirms they attended the meeting."""

    @extend_schema(request=None, responses={200: ReviewDetailSerializer})
    def post(self, request, pk):
        return super().post(request, pk)

    def run(self, request, review, data):
        appraisals_api.confirm_attendance(request.user, review)


class SignOffView(_ReviewStep):
    """The person or the manager signs; the person may comment and record disagreement (with its text)."""

    write_serializer = SignOffWriteSerializer
    idempotent = True

    @extend_schema(
        request=SignOffWriteSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={200: ReviewDetailSerializer, **KEY_REFUSED},
    )
    def post(self, request, pk):
        return super().post(request, pk)

    def run(self, request, review, data):
        appraisals_api.sign_off(request.user, review, **data)


class ReopenView(_ReviewStep):
    """HR in scope or a manager above the reviewing manager reopens the review at an earlier stage, with a reason."""

    write_serializer = ReopenWriteSerializer

    @extend_schema(request=ReopenWriteSerializer, responses={200: ReviewDetailSerializer})
    def post(self, request, pk):
        return super().post(request, pk)

    def run(self, request, review, data):
        appraisals_api.reopen(request.user, review, **data)


# Interim notes


def _person(request, pk):
    """An active person the caller may see (else 404)."""
    person = Employee.objects.select_related("user").filter(pk=pk, active=True).first()
    if person is None or not can(request.user, "perf_mgmt.view_employee", person):
        raise NotFound()
    return person


class PersonNotesView(ApiViewMixin, generics.ListAPIView):
    """
    GET: the interim notes about a person that the caller may read (the person, their managers, delegates; private
    notes only their author), newest first; ``start``/``end`` dates. POST: add one (tagged, private or shared).
    """

    serializer_class = InterimNoteSerializer
    permission_classes = [rule_permission(None)]

    def get_queryset(self):
        person = _person(self.request, self.kwargs["pk"])
        dates = {}
        for name in ("start", "end"):
            if self.request.query_params.get(name):
                field = InterimNoteWriteSerializer().fields["noted_on"]
                try:
                    dates[name] = field.to_internal_value(self.request.query_params[name])
                except ValidationError as exc:
                    raise ValidationError({name: exc.detail}) from exc
        return appraisals_api.notes_for(self.request.user, person, **dates)

    @extend_schema(
        request=InterimNoteWriteSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: InterimNoteSerializer, **KEY_REFUSED},
    )
    def post(self, request, pk):
        person = _person(request, pk)
        serializer = InterimNoteWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        key = idempotency_key(request)
        note = appraisals_api.add_note(request.user, person, **serializer.validated_data, idempotency_key=key)
        return Response(InterimNoteSerializer(note).data, status=status.HTTP_201_CREATED)


class NoteDetailView(ApiViewMixin, APIView):
    """
    One interim note the caller may read, with its ``ETag``; PATCH changes only the fields sent (its author), with
    ``If-Match`` honoured (a stale tag: 412, nothing saved).
    """

    permission_classes = [rule_permission(None)]

    def _note(self, request, pk):
        note = appraisals_api.note_for(request.user, pk)
        if note is None:
            raise NotFound()
        return note

    @extend_schema(responses={200: InterimNoteSerializer})
    def get(self, request, pk):
        note = self._note(request, pk)
        return tagged(Response(InterimNoteSerializer(note).data), note.version)

    @extend_schema(
        request=InterimNoteUpdateSerializer, parameters=[IF_MATCH], responses={200: InterimNoteSerializer, **STALE}
    )
    def patch(self, request, pk):
        note = self._note(request, pk)
        serializer = InterimNoteUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        note = appraisals_api.update_note(
            request.user, note, **serializer.validated_data, version=expected_version(request)
        )
        return tagged(Response(InterimNoteSerializer(note).data), note.version)


# Coaching


class CoachAssignView(ApiViewMixin, APIView):
    """
    Assign a coach to a reviewing manager's reviews in a cycle (HR admins covering the manager, or the manager's own
    managers); assigning again replaces the coach. DELETE ``coaches/<reviewer>/`` removes it.
    """

    permission_classes = [rule_permission(None)]

    @extend_schema(request=CoachAssignWriteSerializer, responses={201: CoachAssignmentSerializer})
    def post(self, request, pk):
        cycle = _cycle(request, pk)
        serializer = CoachAssignWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        reviewer = Employee.objects.select_related("user").filter(pk=data["reviewer"]).first()
        if reviewer is None or not can(request.user, "perf_mgmt.view_employee", reviewer):
            raise ValidationError({"reviewer": ["Unknown person."]})
        _require(request, appraisals_api.ASSIGN_COACH, reviewer)
        # The domain's one rule (the page offers the same people): an active manager in the caller's scope.
        coach = appraisals_api.coach_by_id(request.user, data["coach"])
        if coach is None:
            raise ValidationError({"coach": [str(appraisals_api.NOT_A_COACH)]})
        assignment = appraisals_api.assign_coach(request.user, cycle, reviewer, coach)
        return Response(CoachAssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)


class CoachRemoveView(ApiViewMixin, APIView):
    """Remove the coach of a reviewing manager in a cycle."""

    permission_classes = [rule_permission(None)]

    @extend_schema(responses={204: None})
    def delete(self, request, pk, reviewer):
        cycle = _cycle(request, pk)
        manager = _person(request, reviewer)
        if not appraisals_api.remove_coach(request.user, cycle, manager):
            raise NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)


class CoachedReviewListView(ApiViewMixin, generics.ListAPIView):
    """The reviews the caller coaches (of the managers assigned to them, in those cycles), paginated."""

    serializer_class = ReviewSerializer
    permission_classes = [rule_permission(None)]

    def get_queryset(self):
        qs = appraisals_api.coached_reviews(self.request.user)
        return qs.select_related(*REVIEW_RELATED).order_by("-cycle__start", "cycle_id", "pk")


class CoachingFeedbackView(_ReviewStep):
    """The assigned coach's feedback on the manager's draft, before it is shared (the person never sees it)."""

    write_serializer = FeedbackWriteSerializer

    @extend_schema(request=FeedbackWriteSerializer, responses={200: ReviewDetailSerializer})
    def post(self, request, pk):
        return super().post(request, pk)

    def run(self, request, review, data):
        appraisals_api.add_feedback(request.user, review, data["body"])


# Follow-up actions


class ReviewActionsView(ApiViewMixin, APIView):
    """
    Add an agreed follow-up action to a review (the person's managers, delegates); a development action becomes an
    item of the person's development plan.
    """

    permission_classes = [rule_permission(None)]

    @extend_schema(
        request=ActionWriteSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: FollowUpActionSerializer, **KEY_REFUSED},
    )
    def post(self, request, pk):
        review = _review(request, pk)
        _require(request, appraisals_api.MANAGE_FOLLOW_UP, review)  # a refusal before any field error
        serializer = ActionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if data.get("owner") is not None:
            data["owner"] = Employee.objects.filter(pk=data["owner"], active=True).first()
            if data["owner"] is None:
                raise ValidationError({"owner": ["Unknown person."]})
        action = appraisals_api.add_action(request.user, review, **data, idempotency_key=idempotency_key(request))
        return Response(FollowUpActionSerializer(action).data, status=status.HTTP_201_CREATED)


def _action(request, pk):
    action = (
        FollowUpAction.objects.select_related("employee__user", *(f"review__{name}" for name in REVIEW_RELATED))
        .filter(pk=pk)
        .first()
    )
    if action is None or not can(request.user, "perf_mgmt.view_review", action.review):
        raise NotFound()
    return action


class ActionStepView(ApiViewMixin, APIView):
    """Mark an action done (the managers; the person their own) or cancel it (the managers)."""

    permission_classes = [rule_permission(None)]
    step = None

    @extend_schema(request=None, responses={200: FollowUpActionSerializer})
    def post(self, request, pk):
        action = _action(request, pk)
        func = {"complete": appraisals_api.complete_action, "cancel": appraisals_api.cancel_action}[self.step]
        return Response(FollowUpActionSerializer(func(request.user, action)).data)


# Process survey


class PendingSurveyListView(ApiViewMixin, generics.ListAPIView):
    """The closed cycles whose process survey the caller was invited to and has not answered, newest first."""

    serializer_class = PendingSurveySerializer
    permission_classes = [rule_permission(None)]

    def get_queryset(self):
        return appraisals_api.pending_surveys(self.request.user)


class SurveySubmitView(ApiViewMixin, APIView):
    """Answer a closed cycle's process survey (once per invitation); the answer is stored without the person."""

    permission_classes = [rule_permission(None)]

    @extend_schema(request=SurveyWriteSerializer, responses={204: None})
    def post(self, request, pk):
        cycle = _cycle(request, pk)
        serializer = SurveyWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        appraisals_api.submit_response(request.user, cycle, **serializer.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


GROUP_BY_PARAMETER = OpenApiParameter(
    "group_by", str, enum=["org_unit", "role"], required=False, description="Group the answers (default: everyone)."
)


class SurveyResultsView(ApiViewMixin, APIView):
    """
    A cycle's survey results (HR admins; the groups of their scope, computed over everyone): groups below
    ``PERF_MGMT_SURVEY_MIN_GROUP`` answers are hidden with their free text, and so are the smallest others when the
    total would give them away. Nothing is shown (``released`` false) while the survey takes answers.
    """

    permission_classes = [rule_permission(REPORTS)]

    @extend_schema(parameters=[GROUP_BY_PARAMETER], responses={200: SurveyResultsSerializer})
    def get(self, request, pk):
        cycle = _cycle(request, pk)
        group_by = request.query_params.get("group_by") or None
        if group_by not in appraisals_api.GROUP_BY:
            raise ValidationError({"group_by": ["Group by org_unit or role."]})
        return Response(SurveyResultsSerializer(appraisals_api.results(request.user, cycle, group_by)).data)


class SurveyExportView(ApiViewMixin, APIView):
    """The survey results as CSV, with the same thresholds: never an individual answer."""

    permission_classes = [rule_permission(REPORTS)]

    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(str)})
    def get(self, request, pk):
        cycle = _cycle(request, pk)
        out = io.StringIO()
        csv_export.writer(out).writerows(appraisals_api.export_rows(request.user, cycle))
        response = HttpResponse(out.getvalue(), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="survey-{cycle.pk}.csv"'
        return response


class SurveyTrendsView(ApiViewMixin, APIView):
    """Each closed cycle's overall survey results over the HR admin's scope, oldest first (small cycles hidden)."""

    permission_classes = [rule_permission(REPORTS)]

    @extend_schema(responses={200: SurveyTrendSerializer(many=True)})
    def get(self, request):
        return Response(SurveyTrendSerializer(appraisals_api.trends(request.user), many=True).data)


# Reports (HR admins; each counts only the reviews of the people in the admin's scope)


def _by(request, allowed=("org_unit", "manager")):
    by = request.query_params.get("by") or "org_unit"
    if by not in allowed:
        raise ValidationError({"by": [f"Group by {' or '.join(allowed)}."]})
    return by


BY_PARAMETER = OpenApiParameter(
    "by", str, enum=["org_unit", "manager"], required=False, description="Group by (default org_unit)."
)


class CompletionReportView(ApiViewMixin, APIView):
    """Reviews at each stage and past each phase, per org unit of the reviewed people or per reviewing manager."""

    permission_classes = [rule_permission(REPORTS)]

    @extend_schema(parameters=[BY_PARAMETER], responses={200: CompletionSerializer})
    def get(self, request, pk):
        cycle = _cycle(request, pk)
        report = appraisals_api.completion_by_phase(request.user, cycle, _by(request))
        return Response(CompletionSerializer(report).data)


class OverdueReportView(ApiViewMixin, APIView):
    """The reviews whose current step is past its deadline and who owes it, most overdue first."""

    permission_classes = [rule_permission(REPORTS)]

    @extend_schema(responses={200: OverdueStepSerializer(many=True)})
    def get(self, request, pk):
        cycle = _cycle(request, pk)
        return Response(OverdueStepSerializer(appraisals_api.overdue_steps(request.user, cycle), many=True).data)


class RatingDistributionReportView(ApiViewMixin, APIView):
    """Managers' ratings of shared reviews per org unit or manager; groups below the minimum size are hidden."""

    permission_classes = [rule_permission(REPORTS)]

    @extend_schema(parameters=[BY_PARAMETER], responses={200: RatingDistributionSerializer})
    def get(self, request, pk):
        cycle = _cycle(request, pk)
        report = appraisals_api.rating_distribution(request.user, cycle, _by(request))
        return Response(RatingDistributionSerializer(report).data)


class CoachingCoverageReportView(ApiViewMixin, APIView):
    """Reviews in scope: all, with a coach assigned to their manager, coached (with feedback)."""

    permission_classes = [rule_permission(REPORTS)]

    @extend_schema(responses={200: CoachingCoverageSerializer})
    def get(self, request, pk):
        cycle = _cycle(request, pk)
        return Response(CoachingCoverageSerializer(appraisals_api.coaching_coverage(request.user, cycle)).data)
