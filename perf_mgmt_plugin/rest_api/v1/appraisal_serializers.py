"""
Serializers of v1 for appraisals: read shapes and write validation only; every check of meaning (dates in order, a
rating on the item's scale, who may do what) is the appraisals services' job, so the API and the pages agree.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ...appraisals.api import (
    Cycle,
    FollowUpAction,
    InterimNote,
    Review,
    ReviewTemplate,
    SurveyInvitation,
    TemplateSection,
)
from .competency_serializers import ScaleLevelSerializer

# Templates


class TemplateQuestionSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    id = serializers.IntegerField(read_only=True)
    text = serializers.CharField(read_only=True)
    required = serializers.BooleanField(read_only=True)


class TemplateSectionSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(TemplateSection.KIND_CHOICES, read_only=True)
    title = serializers.CharField(read_only=True)
    instructions = serializers.CharField(read_only=True)
    weight = serializers.FloatField(read_only=True)
    scale = serializers.CharField(source="scale.slug", read_only=True, default=None, allow_null=True)
    questions = TemplateQuestionSerializer(many=True, read_only=True)


class ReviewTemplateSerializer(serializers.ModelSerializer):
    sections = TemplateSectionSerializer(many=True, read_only=True)

    class Meta:
        model = ReviewTemplate
        fields = ["id", "slug", "name", "description", "active", "created", "sections"]
        read_only_fields = fields


class QuestionWriteSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    text = serializers.CharField()
    required = serializers.BooleanField(required=False, default=False)


class SectionWriteSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    kind = serializers.ChoiceField(TemplateSection.KIND_CHOICES)
    title = serializers.CharField(max_length=255)
    instructions = serializers.CharField(required=False, allow_blank=True, default="")
    weight = serializers.FloatField(required=False, default=1, min_value=0)
    scale = serializers.CharField(
        required=False, allow_null=True, default=None, help_text="Slug of a rating scale (key result areas)."
    )
    questions = QuestionWriteSerializer(many=True, required=False, default=list)


class TemplateWriteSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    slug = serializers.SlugField(max_length=64)
    name = serializers.CharField(max_length=255)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    sections = SectionWriteSerializer(many=True)


class TemplateUpdateSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """A change to a template: any of its texts, whether it is offered, and (while unused) all its sections."""

    name = serializers.CharField(max_length=255, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    active = serializers.BooleanField(required=False)
    sections = SectionWriteSerializer(many=True, required=False)


# Cycles


class CycleSerializer(serializers.ModelSerializer):
    template = serializers.CharField(source="template.slug", read_only=True)
    period = serializers.IntegerField(source="period_id", read_only=True, allow_null=True)
    units = serializers.SerializerMethodField()
    positions = serializers.SerializerMethodField()
    people = serializers.SerializerMethodField(help_text="Ids of the people named individually (HR admins only).")

    class Meta:
        model = Cycle
        fields = [
            "id", "name", "template", "cadence", "period", "start", "end", "self_review_due", "manager_review_due",
            "meeting_due", "sign_off_due", "scored", "status", "units", "positions", "people", "launch_status",
            "launch_total", "launch_done", "launch_error", "launched_at", "closed_at", "created",
        ]  # fmt: skip
        read_only_fields = fields

    # The population is prefetched by the views (one query each whatever the number of cycles).
    def get_units(self, cycle) -> list[str]:
        return [unit.code for unit in cycle.units.all()]

    def get_positions(self, cycle) -> list[str]:
        return [position.code for position in cycle.positions.all()]

    def get_people(self, cycle) -> list[int]:
        """The people named individually: HR admins only (the views say so in ``population``), else empty."""
        if not self.context.get("population"):
            return []
        return [person.pk for person in cycle.people.all()]


class CycleWriteSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    name = serializers.CharField(max_length=255)
    template = serializers.SlugField(help_text="Slug of an active review template.")
    cadence = serializers.ChoiceField(Cycle.CADENCE_CHOICES, required=False, default=Cycle.YEARLY)
    period = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="Strategy period id.")
    start = serializers.DateField()
    end = serializers.DateField()
    self_review_due = serializers.DateField()
    manager_review_due = serializers.DateField()
    meeting_due = serializers.DateField()
    sign_off_due = serializers.DateField()
    scored = serializers.BooleanField(required=False, default=True)
    units = serializers.ListField(
        child=serializers.CharField(), required=False, default=list, help_text="Org unit codes (with sub-units)."
    )
    positions = serializers.ListField(
        child=serializers.CharField(), required=False, default=list, help_text="Position codes."
    )
    people = serializers.ListField(child=serializers.IntegerField(), required=False, default=list, help_text="Ids.")


class CycleUpdateSerializer(CycleWriteSerializer):  # pylint: disable=abstract-method
    """The same fields, all optional (PATCH): only those sent change."""


class LaunchProgressSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    status = serializers.ChoiceField(Cycle.LAUNCH_CHOICES)
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    error = serializers.CharField()


# Reviews


class ReviewSerializer(serializers.ModelSerializer):
    """A review in a list: who, which cycle, where it stands -- never a rating, comment or summary."""

    cycle_name = serializers.CharField(source="cycle.name", read_only=True)
    employee_name = serializers.CharField(source="employee.display_name", read_only=True)
    manager = serializers.IntegerField(source="manager_id", read_only=True, allow_null=True)
    manager_name = serializers.SerializerMethodField()
    shared = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = [
            "id", "cycle", "cycle_name", "employee", "employee_name", "manager", "manager_name", "stage",
            "joined_late", "self_submitted_at", "self_missed", "shared", "meeting_at", "completed_at",
            "reopen_count",
        ]  # fmt: skip
        read_only_fields = fields

    def get_manager_name(self, review) -> str:
        return review.manager.display_name if review.manager_id else ""

    def get_shared(self, review) -> bool:
        return review.manager_shared_at is not None


class RatingWriteSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """One item's side: only the keys sent change (no default here: a missing key must not blank what is saved)."""

    rating = serializers.IntegerField(required=False, allow_null=True, min_value=0, help_text="null clears it.")
    comment = serializers.CharField(required=False, allow_blank=True)


class ReviewWriteSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    summary = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None)
    items = serializers.DictField(
        child=RatingWriteSerializer(),
        required=False,
        allow_null=True,
        default=None,
        help_text="Keyed by review item id: its rating (a point of the item's scale) and comment.",
    )
    submit = serializers.BooleanField(required=False, default=False)

    def validate_items(self, value):
        if value is None:
            return None
        try:
            return {int(key): dict(rating) for key, rating in value.items()}
        except ValueError:
            raise serializers.ValidationError("Review item ids are numbers.") from None


class MeetingWriteSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    at = serializers.DateTimeField()
    mode = serializers.ChoiceField(Review.MEETING_MODE_CHOICES)


class SignOffWriteSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    disagrees = serializers.BooleanField(required=False, default=False)
    disagreement = serializers.CharField(required=False, allow_blank=True, default="")


class ReopenWriteSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    to_stage = serializers.ChoiceField([choice for choice in Review.STAGE_CHOICES if choice[0] != Review.COMPLETED])
    reason = serializers.CharField()


# Interim notes


class InterimNoteSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True, default=None)

    class Meta:
        model = InterimNote
        fields = ["id", "employee", "author", "tag", "body", "private", "noted_on", "created"]
        read_only_fields = fields


class InterimNoteWriteSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    body = serializers.CharField()
    tag = serializers.ChoiceField(InterimNote.TAG_CHOICES, required=False, default=InterimNote.OBSERVATION)
    private = serializers.BooleanField(required=False, default=False)
    noted_on = serializers.DateField(required=False, allow_null=True, default=None)


class InterimNoteUpdateSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """A change to a note (PATCH): only the fields sent change."""

    body = serializers.CharField(required=False)
    tag = serializers.ChoiceField(InterimNote.TAG_CHOICES, required=False)
    private = serializers.BooleanField(required=False)
    noted_on = serializers.DateField(required=False)


# Coaching


class CoachAssignWriteSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    reviewer = serializers.IntegerField(help_text="Employee id of the reviewing manager.")
    coach = serializers.IntegerField(help_text="Employee id of the coach.")


class CoachAssignmentSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    id = serializers.IntegerField()
    cycle = serializers.IntegerField(source="cycle_id")
    reviewer = serializers.IntegerField(source="reviewer_id")
    coach = serializers.IntegerField(source="coach_id")


class FeedbackWriteSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    body = serializers.CharField()


# Follow-up actions


class FollowUpActionSerializer(serializers.ModelSerializer):
    owner = serializers.IntegerField(source="owner_id", read_only=True, allow_null=True)
    plan_item = serializers.IntegerField(source="plan_item_id", read_only=True, allow_null=True)

    class Meta:
        model = FollowUpAction
        fields = [
            "id", "review", "employee", "owner", "kind", "title", "description", "due_date", "status", "plan_item",
            "created", "done_at",
        ]  # fmt: skip
        read_only_fields = fields


class ActionWriteSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    title = serializers.CharField(max_length=255)
    due_date = serializers.DateField()
    kind = serializers.ChoiceField(FollowUpAction.KIND_CHOICES, default=FollowUpAction.WORK)
    owner = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="Employee id.")
    description = serializers.CharField(required=False, allow_blank=True, default="")


# One review as the caller may see it


class ReviewItemSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """An item as the caller may see it: a side not visible to them comes blank (the service blanked it)."""

    id = serializers.IntegerField(source="item.pk")
    section = serializers.IntegerField(source="item.section_id")
    section_kind = serializers.ChoiceField(TemplateSection.KIND_CHOICES, source="item.section.kind")
    section_title = serializers.CharField(source="item.section.title")
    title = serializers.CharField(source="item.title")
    objective = serializers.IntegerField(source="item.objective_id", allow_null=True)
    competency = serializers.IntegerField(source="item.competency_id", allow_null=True)
    question = serializers.IntegerField(source="item.question_id", allow_null=True)
    required_level = serializers.IntegerField(source="item.required_level", allow_null=True)
    weight = serializers.FloatField(source="item.weight")
    levels = ScaleLevelSerializer(
        many=True, help_text="The points of the item's scale, each with its text (empty for a question)."
    )
    self_rating = serializers.IntegerField(source="item.self_rating", allow_null=True)
    self_comment = serializers.CharField(source="item.self_comment")
    manager_rating = serializers.IntegerField(source="item.manager_rating", allow_null=True)
    manager_comment = serializers.CharField(source="item.manager_comment")
    evidence = serializers.CharField(help_text="The objective's progress or the current competency level.")


class ReviewEventSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    action = serializers.CharField()
    actor = serializers.CharField(source="actor.username", default=None)
    from_stage = serializers.CharField()
    to_stage = serializers.CharField()
    note = serializers.CharField()
    created = serializers.DateTimeField()


class CoachingFeedbackSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    id = serializers.IntegerField()
    coach = serializers.IntegerField(source="coach_id", allow_null=True)
    body = serializers.CharField()
    created = serializers.DateTimeField()


class PersonSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class EvidenceCheckInSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    id = serializers.IntegerField()
    scheduled_for = serializers.DateField()
    status = serializers.CharField()
    mode = serializers.CharField()
    held_at = serializers.DateTimeField(allow_null=True)
    entries = serializers.IntegerField(help_text="Objectives discussed.")


class EvidenceObjectiveSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    id = serializers.IntegerField()
    title = serializers.CharField()
    level = serializers.CharField(source="level.name")
    due_date = serializers.DateField(allow_null=True)
    progress = serializers.FloatField(allow_null=True)
    status = serializers.CharField()
    forecast_date = serializers.DateField(allow_null=True)


class EvidencePlanItemSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    id = serializers.IntegerField()
    plan = serializers.IntegerField(source="plan_id")
    title = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    progress = serializers.FloatField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)


class EvidenceGapSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    competency = serializers.IntegerField(source="competency_id")
    required_level = serializers.IntegerField(allow_null=True)
    current_level = serializers.FloatField(allow_null=True)
    gap = serializers.FloatField(allow_null=True)
    status = serializers.CharField()


class EvidenceSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """The period's evidence: check-in history, objective progress and forecasts, plan progress, current levels."""

    check_ins = EvidenceCheckInSerializer(many=True)
    held = serializers.IntegerField()
    missed = serializers.IntegerField()
    objectives = EvidenceObjectiveSerializer(many=True)
    plan_items = EvidencePlanItemSerializer(many=True)
    plan_done = serializers.IntegerField()
    gaps = serializers.SerializerMethodField()

    @extend_schema_field(EvidenceGapSerializer(many=True))
    def get_gaps(self, evidence):
        return EvidenceGapSerializer(list(evidence.gaps.values()), many=True).data


class ReviewPartsSerializer(ReviewSerializer):
    """The review's own fields; the service already blanked the manager's draft or the unsubmitted self review."""

    meeting_mode = serializers.ChoiceField(
        Review.MEETING_MODE_CHOICES, allow_blank=True, read_only=True, help_text='"" until the meeting is planned.'
    )

    class Meta(ReviewSerializer.Meta):
        fields = ReviewSerializer.Meta.fields + [
            "self_summary", "manager_summary", "coaching_requested_at", "manager_shared_at", "meeting_mode",
            "employee_attended_at", "manager_attended_at", "employee_signed_at", "manager_signed_at",
            "employee_comment", "disagrees", "disagreement",
        ]  # fmt: skip
        read_only_fields = fields


class ReviewDetailSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """
    ``reviews.review_detail`` as JSON: only the parts the caller may see. ``coaching`` and ``coach`` are null for
    the reviewed person; ``manager_visible`` false means the manager's ratings, comments, summary and score are blank.
    """

    review = ReviewPartsSerializer()
    items = ReviewItemSerializer(many=True)
    manager_visible = serializers.BooleanField()
    self_visible = serializers.BooleanField()
    score_shown = serializers.BooleanField()
    self_score = serializers.FloatField(allow_null=True)
    manager_score = serializers.FloatField(allow_null=True)
    formula = serializers.CharField()
    coach = PersonSerializer(allow_null=True)
    coaching = CoachingFeedbackSerializer(many=True, allow_null=True)
    actions = FollowUpActionSerializer(many=True)
    earlier_actions = FollowUpActionSerializer(many=True)
    evidence = EvidenceSerializer(allow_null=True)
    notes = InterimNoteSerializer(many=True)
    events = ReviewEventSerializer(many=True)
    may = serializers.SerializerMethodField()

    def get_may(self, detail) -> dict[str, bool]:
        """What the caller may do now (from the rules), so a client shows only the buttons that will work."""
        return self.context.get("may", {})


# Survey


class PendingSurveySerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """A closed cycle whose process survey the caller has not answered yet."""

    cycle = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()


class SurveyWriteSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    clarity = serializers.IntegerField(min_value=1, max_value=5)
    usefulness = serializers.IntegerField(min_value=1, max_value=5)
    fairness = serializers.IntegerField(min_value=1, max_value=5)
    meeting = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True, default=None)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    role = serializers.ChoiceField(
        SurveyInvitation.ROLE_CHOICES,
        required=False,
        allow_null=True,
        default=None,
        help_text="Which invitation to answer when invited in both roles (by default as the reviewed person).",
    )


class SurveyGroupSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """One group of answers; a hidden group (too few answers) carries no figure, not even its size."""

    key = serializers.SerializerMethodField()
    label = serializers.CharField()
    hidden = serializers.BooleanField()
    responses = serializers.IntegerField(allow_null=True)
    means = serializers.DictField(child=serializers.FloatField(allow_null=True))
    distribution = serializers.DictField(
        child=serializers.ListField(child=serializers.ListField(child=serializers.IntegerField())),
        help_text="Per question: [value, number of answers] for values 1-5.",
    )
    comments = serializers.ListField(child=serializers.CharField())

    def get_key(self, group) -> str | None:
        return None if group.key is None else str(group.key)


class SurveyResultsSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    cycle = serializers.IntegerField(source="cycle_id")
    group_by = serializers.CharField(allow_null=True)
    min_group = serializers.IntegerField()
    invited = serializers.IntegerField()
    hidden_groups = serializers.IntegerField()
    released = serializers.BooleanField(
        help_text="False while the survey takes answers: no group is shown before it is over (see closes_on)."
    )
    closes_on = serializers.DateField(allow_null=True, help_text="The last day answers are taken.")
    groups = SurveyGroupSerializer(many=True)


class SurveyTrendSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    cycle = serializers.IntegerField(source="cycle_id")
    name = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    hidden = serializers.BooleanField()
    responses = serializers.IntegerField(allow_null=True)
    means = serializers.DictField(child=serializers.FloatField(allow_null=True))


# Reports


@extend_schema_field(OpenApiTypes.STR)
class GroupKeyField(serializers.Field):
    """A report group's key (org unit or employee id, a role) as text; null for "none"."""

    def to_representation(self, value):
        return None if value is None else str(value)


class CompletionRowSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    key = GroupKeyField(allow_null=True)
    label = serializers.CharField()
    total = serializers.IntegerField()
    at_stage = serializers.DictField(child=serializers.IntegerField(), help_text="Reviews at each stage.")
    done = serializers.DictField(child=serializers.IntegerField(), help_text="Reviews past each phase.")
    completed_percent = serializers.FloatField()


class CompletionSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    rows = CompletionRowSerializer(many=True)
    total = CompletionRowSerializer()


class OverdueStepSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    review = serializers.IntegerField(source="review_id")
    employee = serializers.CharField()
    manager = serializers.CharField()
    stage = serializers.ChoiceField(Review.STAGE_CHOICES)
    due = serializers.DateField()
    days_late = serializers.IntegerField()
    owed_by = serializers.CharField(help_text="employee, manager or both")


class RatingGroupSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """One group's manager ratings; a hidden group (too few shared reviews) carries no figure."""

    key = GroupKeyField(allow_null=True)
    label = serializers.CharField()
    hidden = serializers.BooleanField()
    reviews = serializers.IntegerField(allow_null=True)
    mean_score = serializers.FloatField(allow_null=True)
    ratings = serializers.DictField(
        child=serializers.ListField(child=serializers.ListField(child=serializers.IntegerField())),
        help_text="Per scale id: [value, times given] for each point of the scale.",
    )


class ScalePointSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    value = serializers.IntegerField()
    name = serializers.CharField()


class RatedScaleSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    id = serializers.IntegerField()
    name = serializers.CharField()
    levels = ScalePointSerializer(many=True)


class RatingDistributionSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    by = serializers.CharField()
    min_group = serializers.IntegerField()
    hidden_groups = serializers.IntegerField()
    groups = RatingGroupSerializer(many=True)
    scales = serializers.SerializerMethodField()

    @extend_schema_field(RatedScaleSerializer(many=True))
    def get_scales(self, report):
        return [
            {"id": scale_id, "name": name, "levels": [{"value": value, "name": level} for value, level in levels]}
            for scale_id, (name, levels) in sorted(report.scales.items())
        ]


class CoachingCoverageSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    total = serializers.IntegerField()
    with_coach = serializers.IntegerField()
    coached = serializers.IntegerField()
    coached_percent = serializers.FloatField()
