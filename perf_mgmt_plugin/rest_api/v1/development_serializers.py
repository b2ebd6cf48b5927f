"""Serializers of v1 for the development domain: read shapes and write validation; writes go through the services."""

from rest_framework import serializers

from ...development.api import CATEGORY_CHOICES, KIND_CHOICES, Plan, PlanComment, PlanItem, PlanTemplate


class PlanSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.display_name", read_only=True)
    owner_username = serializers.CharField(source="owner.user.username", read_only=True)
    template = serializers.CharField(source="template.slug", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Plan
        fields = [
            "id", "owner", "owner_name", "owner_username", "title", "period_start", "period_end", "goals", "status",
            "template", "manager_comments", "approved_at", "created", "updated",
        ]  # fmt: skip
        read_only_fields = fields


class PlanItemSerializer(serializers.ModelSerializer):
    course_key = serializers.CharField(read_only=True, allow_null=True)
    usage_key = serializers.CharField(read_only=True, allow_null=True)
    competency_code = serializers.CharField(source="competency.code", read_only=True, default=None)
    is_overdue = serializers.BooleanField(read_only=True)
    course_url = serializers.SerializerMethodField()

    class Meta:
        model = PlanItem
        fields = [
            "id", "order", "kind", "title", "description", "course_key", "usage_key", "course_url", "competency",
            "competency_code", "target_level", "due_date", "is_overdue", "category", "source", "source_ref", "status",
            "progress", "self_enrol", "enrolled", "achieved", "grade_percent", "blocks_completed", "approved_at",
            "completed_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_course_url(self, item) -> str:
        return getattr(item, "course_link", "")


class PlanCommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True, default=None)

    class Meta:
        model = PlanComment
        fields = ["id", "item", "author", "body", "created"]
        read_only_fields = fields


class PlanDetailSerializer(PlanSerializer):
    """A plan with its items (course links filled by ``items_of_plan``) and comments, passed in the context."""

    items = serializers.SerializerMethodField()
    comments = serializers.SerializerMethodField()
    may_manage = serializers.SerializerMethodField()

    class Meta(PlanSerializer.Meta):
        fields = PlanSerializer.Meta.fields + ["may_manage", "items", "comments"]
        read_only_fields = fields

    def get_items(self, plan) -> list[dict]:  # the shape of PlanItemSerializer
        return PlanItemSerializer(self.context["items"], many=True).data

    def get_comments(self, plan) -> list[dict]:  # the shape of PlanCommentSerializer
        return PlanCommentSerializer(self.context["comments"], many=True).data

    def get_may_manage(self, plan) -> bool:
        return bool(self.context.get("may_manage"))


class PlanWriteSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    owner = serializers.IntegerField(required=False, help_text="Employee id; by default the caller.")
    title = serializers.CharField(required=False, allow_blank=True, max_length=255, default="")
    period_start = serializers.DateField(required=False, allow_null=True, default=None)
    period_end = serializers.DateField(required=False, allow_null=True, default=None)
    goals = serializers.CharField(required=False, allow_blank=True, default="")


class PlanUpdateSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """A change to a plan (PATCH): only the fields sent change (no defaults)."""

    title = serializers.CharField(required=False, allow_blank=True, max_length=255)
    period_start = serializers.DateField(required=False)
    period_end = serializers.DateField(required=False)
    goals = serializers.CharField(required=False, allow_blank=True)


class CommentWriteSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    body = serializers.CharField()
    item = serializers.IntegerField(required=False, allow_null=True, default=None)


class ReasonSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ItemWriteSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    kind = serializers.ChoiceField(choices=KIND_CHOICES)
    title = serializers.CharField(max_length=255)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    course_key = serializers.CharField(required=False, allow_null=True, default=None, max_length=255)
    usage_key = serializers.CharField(required=False, allow_null=True, default=None, max_length=255)
    competency = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="Competency id.")
    target_level = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)
    due_date = serializers.DateField(required=False, allow_null=True, default=None)
    category = serializers.ChoiceField(choices=CATEGORY_CHOICES, required=False, allow_blank=True, default="")
    self_enrol = serializers.BooleanField(required=False, default=True)
    source_ref = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=64, help_text="e.g. appraisal:12 (managers only)."
    )


class ItemIdsSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    items = serializers.ListField(child=serializers.IntegerField(), min_length=1)


class TemplateItemSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    order = serializers.IntegerField(read_only=True)
    kind = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    course_key = serializers.CharField(read_only=True, allow_null=True)
    competency = serializers.IntegerField(source="competency_id", read_only=True, allow_null=True)
    target_level = serializers.IntegerField(read_only=True, allow_null=True)
    category = serializers.CharField(read_only=True)
    due_days = serializers.IntegerField(read_only=True, allow_null=True)


class PlanTemplateSerializer(serializers.ModelSerializer):
    items = TemplateItemSerializer(many=True, read_only=True)

    class Meta:
        model = PlanTemplate
        fields = ["id", "slug", "name", "description", "active", "items"]
        read_only_fields = fields


class TemplateAssignWriteSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    positions = serializers.ListField(child=serializers.CharField(), required=False, default=list, help_text="Codes.")
    org_units = serializers.ListField(
        child=serializers.CharField(), required=False, default=list, help_text="Org unit codes (whole subtrees)."
    )
    people = serializers.ListField(child=serializers.IntegerField(), required=False, default=list, help_text="Ids.")
    start = serializers.DateField(required=False, allow_null=True, default=None)
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)


class TemplateAssignmentSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    people = serializers.IntegerField()
    plans_created = serializers.IntegerField()
    items_created = serializers.IntegerField()
    enrollments = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    denied = serializers.IntegerField()


class CourseLearnerSerializer(serializers.ModelSerializer):
    """One plan item of a course, with its person (for the course's staff)."""

    person = serializers.IntegerField(source="owner_id", read_only=True)
    username = serializers.CharField(source="owner.user.username", read_only=True)
    name = serializers.CharField(source="owner.display_name", read_only=True)
    org_unit = serializers.CharField(source="owner.org_unit.name", read_only=True, default=None)

    class Meta:
        model = PlanItem
        fields = [
            "id", "person", "username", "name", "org_unit", "title", "status", "progress", "enrolled", "achieved",
            "due_date", "completed_at",
        ]  # fmt: skip
        read_only_fields = fields
