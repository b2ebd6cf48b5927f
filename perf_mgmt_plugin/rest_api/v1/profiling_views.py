"""
Views of v1 for the profiling domain: profiles (HR), rounds (start, progress by group, close), the caller's answer
sheets (read, save a draft or submit with ``If-Match`` and ``Idempotency-Key``, decline), nominations and their
approval, and a subject's report (the same figures as the page, anonymity applied) with its release.

Thin adapters over ``profiling.api``. Anything the caller may not see is a 404, like a missing id.
"""

from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from ...competencies import api as competencies
from ...core.access import can
from ...profiling import api as profiling
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
from .permissions import rule_permission
from .profiling_serializers import (
    AnswersWriteSerializer,
    ApproveSerializer,
    CoachSerializer,
    CoachStateSerializer,
    DeadlinesSerializer,
    DeclineSerializer,
    NominationsSerializer,
    OwnRoundSerializer,
    ProfileCopySerializer,
    ProfileDetailSerializer,
    ProfileEditSerializer,
    ProfileSerializer,
    ProfileStatusSerializer,
    ProfileWriteSerializer,
    ProgressSerializer,
    RaterTaskSerializer,
    ReportSerializer,
    RoundSerializer,
    RoundWriteSerializer,
    SheetSerializer,
    SubjectStateSerializer,
)


def _subject(pk):
    subject = (
        profiling.Subject.objects.select_related("round__profile", "person__user", "person__manager__user")
        .filter(pk=pk)
        .first()
    )
    if subject is None:
        raise NotFound()
    return subject


def _round(request, pk):
    rnd = profiling.Round.objects.select_related("profile").filter(pk=pk).first()
    if rnd is None or not profiling.can_manage_round(request.user, rnd):
        raise NotFound()
    return rnd


class ProfileListView(ApiViewMixin, generics.ListAPIView):
    """Every profile version (HR). POST makes a new profile (lane profiling2, :func:`_create_profile`)."""

    serializer_class = ProfileSerializer
    permission_classes = [rule_permission("perf_mgmt.manage_profiles")]

    def get_queryset(self):
        return profiling.Profile.objects.order_by("family", "-number")

    @extend_schema(request=ProfileWriteSerializer, responses={201: ProfileDetailSerializer})
    def post(self, request):
        return _create_profile(request)


class RoundListView(ApiViewMixin, generics.ListAPIView):
    """Rounds the caller manages (HR: all; a manager: those they started). POST starts one."""

    serializer_class = RoundSerializer
    permission_classes = [rule_permission("perf_mgmt.start_profiling_round")]

    def get_queryset(self):
        qs = profiling.Round.objects.all()
        if not can(self.request.user, "perf_mgmt.manage_profiles"):
            qs = qs.filter(created_by=self.request.user)
        return qs.order_by("-created", "-pk")

    @extend_schema(request=RoundWriteSerializer, responses={201: RoundSerializer})
    def post(self, request):
        serializer = RoundWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        profile = profiling.Profile.objects.filter(pk=data["profile"]).first()
        if profile is None:
            raise ValidationError({"profile": ["Unknown profile."]})
        rnd = profiling.start_round(
            request.user,
            profile,
            name=data["name"],
            person_ids=data["people"],
            unit_ids=data["units"],
            position_ids=data["positions"],
            answer_by=data["answer_by"],
            release_by=data["release_by"],
            counts_as_assessment=data["counts_as_assessment"],
            min_raters=data["min_raters"],
            max_raters=data["max_raters"],
        )
        return Response(RoundSerializer(rnd).data, status=status.HTTP_201_CREATED)


class RoundDetailView(ApiViewMixin, APIView):
    """A round with its progress by group (counts only, never who answered)."""

    permission_classes = [rule_permission(None)]

    @extend_schema(responses={200: ProgressSerializer})
    def get(self, request, pk):
        rnd = _round(request, pk)
        return Response(ProgressSerializer({"round": rnd, **profiling.progress(rnd)}).data)


class RoundCloseView(ApiViewMixin, APIView):
    """Close the round: answers are final; when it counts, its results become assessments."""

    permission_classes = [rule_permission(None)]

    @extend_schema(request=None, responses={200: RoundSerializer})
    def post(self, request, pk):
        rnd = _round(request, pk)
        return Response(RoundSerializer(profiling.close_round(request.user, rnd)).data)


class TaskListView(ApiViewMixin, generics.ListAPIView):
    """The caller's answer sheets in open rounds (self-assessments and feedback asked of them)."""

    serializer_class = RaterTaskSerializer
    permission_classes = [rule_permission(None)]

    def get_queryset(self):
        return (
            profiling.Rater.objects.filter(user=self.request.user, subject__round__status=profiling.Round.OPEN)
            .exclude(status=profiling.Rater.NOMINATED)
            .select_related("subject__round", "subject__person__user")
            .order_by("pk")
        )


def _sheet(rater):
    profile = rater.subject.round.profile
    items = list(profile.items.order_by("order", "pk"))
    scales = competencies.get_scales_for({item.competency_id for item in items})
    answers = dict(rater.answers.values_list("item_id", "level"))
    comments = dict(rater.comments.values_list("question_id", "text"))
    return {
        "rater": rater,
        "group_is_named": rater.group in ("self", "manager"),
        "items": [
            {
                "id": item.pk,
                "competency": item.competency_id,
                "text": item.text,
                "levels": [
                    {"value": lv.value, "name": lv.name, "description": lv.description}
                    for lv in scales[item.competency_id].levels
                ],
                "answered": item.pk in answers,
                "level": answers.get(item.pk),
            }
            for item in items
        ],
        "questions": [
            {"id": q.pk, "text": q.text, "answer": comments.get(q.pk, "")}
            for q in profile.questions.order_by("order", "pk")
        ],
    }


class SheetView(ApiViewMixin, APIView):
    """
    The caller's answer sheet (the scale's text for every point) with its ``ETag``. POST saves a draft or submits
    (``submit``): ``If-Match`` honoured (412 on a stale sheet), ``Idempotency-Key`` makes a retried submit answer
    the first one.
    """

    permission_classes = [rule_permission(None)]

    def _rater(self, request, pk):
        rater = profiling.own_rater(request.user, pk)
        if rater is None:
            raise NotFound()
        return rater

    @extend_schema(responses={200: SheetSerializer})
    def get(self, request, pk):
        rater = self._rater(request, pk)
        return tagged(Response(SheetSerializer(_sheet(rater)).data), rater.version)

    @extend_schema(
        request=AnswersWriteSerializer,
        parameters=[IF_MATCH, IDEMPOTENCY_KEY],
        responses={200: SheetSerializer, **STALE, **KEY_REFUSED},
    )
    def post(self, request, pk):
        rater = self._rater(request, pk)
        serializer = AnswersWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        profiling.save_answers(
            request.user,
            rater,
            answers=data["answers"],
            comments=data.get("comments") or {},
            submit=data["submit"],
            version=expected_version(request),
            idempotency_key=idempotency_key(request),
        )
        rater = self._rater(request, pk)
        return tagged(Response(SheetSerializer(_sheet(rater)).data), rater.version)


class DeclineView(ApiViewMixin, APIView):
    """Decline to rate, with a reason (seen by the subject's manager and HR, never with answers)."""

    permission_classes = [rule_permission(None)]

    @extend_schema(request=DeclineSerializer, responses={200: RaterTaskSerializer})
    def post(self, request, pk):
        rater = profiling.own_rater(request.user, pk)
        if rater is None:
            raise NotFound()
        serializer = DeclineSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(
            RaterTaskSerializer(profiling.decline(request.user, rater, serializer.validated_data["reason"])).data
        )


def _state(subject):
    subject.refresh_from_db(fields=["status", "released_at", "version"])
    return SubjectStateSerializer(
        {"id": subject.pk, "status": subject.status, "released_at": subject.released_at, "version": subject.version}
    ).data


class NominationsView(ApiViewMixin, APIView):
    """The subject (or HR) names raters per group (user ids), within the round's min/max."""

    permission_classes = [rule_permission(None)]

    @extend_schema(request=NominationsSerializer, responses={200: SubjectStateSerializer})
    def post(self, request, pk):
        subject = _subject(pk)
        if not can(request.user, "perf_mgmt.nominate_raters", subject.person):
            raise NotFound()
        serializer = NominationsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        profiling.nominate(request.user, subject, dict(serializer.validated_data))
        return Response(_state(subject))


class ApproveView(ApiViewMixin, APIView):
    """The manager (or HR) approves the nominations, or replaces them (``nominations``); the raters are invited."""

    permission_classes = [rule_permission(None)]

    @extend_schema(request=ApproveSerializer, parameters=[IF_MATCH], responses={200: SubjectStateSerializer, **STALE})
    def post(self, request, pk):
        subject = _subject(pk)
        if not can(request.user, "perf_mgmt.approve_raters", subject.person):
            raise NotFound()
        serializer = ApproveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        nominations = serializer.validated_data.get("nominations")
        profiling.approve(
            request.user,
            subject,
            dict(nominations) if nominations is not None else None,
            version=expected_version(request),
        )
        return Response(_state(subject))


def _readable(request, pk):
    subject = _subject(pk)
    if not profiling.can_read_report(request.user, subject):
        raise NotFound()
    return subject


class ReportView(ApiViewMixin, APIView):
    """
    A subject's report once the round is closed (those who debrief) and released (the subject): groups below the
    minimum merged into "others" or left out, comments without names, the same figures as the page and CSV.
    """

    permission_classes = [rule_permission(None)]

    @extend_schema(responses={200: ReportSerializer})
    def get(self, request, pk):
        subject = _readable(request, pk)
        return Response(ReportSerializer(profiling.report_data(profiling.build_report(subject))).data)


class ReleaseView(ApiViewMixin, APIView):
    """Release the report to its subject (HR, the coach or the manager, as the round says), after the debrief."""

    permission_classes = [rule_permission(None)]

    @extend_schema(request=None, responses={200: SubjectStateSerializer})
    def post(self, request, pk):
        subject = _readable(request, pk)
        profiling.release_report(request.user, subject)
        return Response(_state(subject))


# -- lane profiling2: profiles written over REST, one's own round, coaches, deadlines ---------------------------------


def _profile(pk):
    profile = profiling.Profile.objects.filter(pk=pk).first()
    if profile is None:
        raise NotFound()
    return profile


def _profile_data(profile):
    return ProfileDetailSerializer(
        {
            "id": profile.pk,
            "family": profile.family,
            "number": profile.number,
            "name": profile.name,
            "description": profile.description,
            "kind": profile.kind,
            "status": profile.status,
            "allow_self_request": profile.allow_self_request,
            "in_use": profiling.in_use(profile),
            "version": profile.version,
            "items": [
                {"competency": competency_id, "text": text}
                for competency_id, text in profile.items.order_by("order", "pk").values_list("competency_id", "text")
            ],
            "questions": list(profile.questions.order_by("order", "pk").values_list("text", flat=True)),
        }
    ).data


def _items(data):
    return None if data is None else [(item["competency"], item["text"]) for item in data]


def _create_profile(request):
    """HR makes a profile (draft, version 1): items seeded from ``competencies``' indicators, or given."""
    serializer = ProfileWriteSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    profile = profiling.create_profile(
        request.user,
        family=data["family"],
        name=data["name"],
        kind=data["kind"],
        competency_ids=data["competencies"],
        items=_items(data["items"]),
        questions=data["questions"],
        description=data["description"],
        allow_self_request=data["allow_self_request"],
    )
    return tagged(Response(_profile_data(profile), status=status.HTTP_201_CREATED), profile.version)


class ProfileDetailView(ApiViewMixin, APIView):
    """
    A profile version with its items and questions (HR). PATCH edits it with ``If-Match``: a version no round uses
    is edited in place; a version in use stays as answered and the edit makes the next version (201, ADR 0025).
    """

    permission_classes = [rule_permission("perf_mgmt.manage_profiles")]

    @extend_schema(responses={200: ProfileDetailSerializer})
    def get(self, request, pk):
        profile = _profile(pk)
        return tagged(Response(_profile_data(profile)), profile.version)

    @extend_schema(
        request=ProfileEditSerializer,
        parameters=[IF_MATCH],
        responses={200: ProfileDetailSerializer, 201: ProfileDetailSerializer, **STALE},
    )
    def patch(self, request, pk):
        profile = _profile(pk)
        serializer = ProfileEditSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        edited = profiling.update_profile(
            request.user,
            profile,
            version=expected_version(request),
            name=data.get("name"),
            description=data.get("description"),
            items=_items(data.get("items")),
            questions=data.get("questions"),
        )
        code = status.HTTP_201_CREATED if edited.pk != profile.pk else status.HTTP_200_OK
        return tagged(Response(_profile_data(edited), status=code), edited.version)


class ProfileCopyView(ApiViewMixin, APIView):
    """HR copies a profile version into a new family (draft, version 1)."""

    permission_classes = [rule_permission("perf_mgmt.manage_profiles")]

    @extend_schema(request=ProfileCopySerializer, responses={201: ProfileDetailSerializer})
    def post(self, request, pk):
        profile = _profile(pk)
        serializer = ProfileCopySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        copy = profiling.copy_profile(request.user, profile, **serializer.validated_data)
        return Response(_profile_data(copy), status=status.HTTP_201_CREATED)


class ProfileStatusView(ApiViewMixin, APIView):
    """HR activates a profile version (older active versions of its family retire) or retires it."""

    permission_classes = [rule_permission("perf_mgmt.manage_profiles")]

    @extend_schema(request=ProfileStatusSerializer, responses={200: ProfileDetailSerializer})
    def post(self, request, pk):
        profile = _profile(pk)
        serializer = ProfileStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile = profiling.set_profile_status(request.user, profile, serializer.validated_data["status"])
        return Response(_profile_data(profile))


class OwnRoundView(ApiViewMixin, APIView):
    """The caller starts a round for themselves, where the (active) profile allows it."""

    permission_classes = [rule_permission(None)]

    @extend_schema(request=OwnRoundSerializer, responses={201: RoundSerializer})
    def post(self, request):
        serializer = OwnRoundSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        profile = profiling.Profile.objects.filter(
            pk=data["profile"], status=profiling.Profile.ACTIVE, allow_self_request=True
        ).first()
        if profile is None:  # a draft, retired or closed profile is not offered: said like an unknown one
            raise ValidationError({"profile": ["No profile you may ask a round of has this id."]})
        rnd = profiling.request_own_round(request.user, profile, answer_by=data["answer_by"])
        return Response(RoundSerializer(rnd).data, status=status.HTTP_201_CREATED)


class CoachView(ApiViewMixin, APIView):
    """HR names (or removes, ``null``) the coach who debriefs and releases a subject's report."""

    permission_classes = [rule_permission("perf_mgmt.manage_profiles")]

    @extend_schema(request=CoachSerializer, responses={200: CoachStateSerializer})
    def post(self, request, pk):
        subject = _subject(pk)
        if not can(request.user, "perf_mgmt.include_in_round", subject.person):
            raise NotFound()
        serializer = CoachSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        coach = None
        if serializer.validated_data["coach"] is not None:
            coach = profiling.coach_candidate(serializer.validated_data["coach"])
            if coach is None:
                raise ValidationError({"coach": ["No active user has this id."]})
        profiling.set_coach(request.user, subject, coach)
        return Response(CoachStateSerializer({"id": subject.pk, "coach": subject.coach_id}).data)


class RoundDeadlinesView(ApiViewMixin, APIView):
    """HR moves a round's deadlines (``answer_by``, ``nominate_by``), e.g. to let late raters answer."""

    permission_classes = [rule_permission(None)]

    @extend_schema(request=DeadlinesSerializer, responses={200: RoundSerializer})
    def post(self, request, pk):
        rnd = _round(request, pk)
        serializer = DeadlinesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(RoundSerializer(profiling.extend_round(request.user, rnd, **serializer.validated_data)).data)
