"""Serializers of v1 for the competencies domain: read shapes; writes go through the domain services."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ...competencies.api import (
    Assessment,
    Competency,
    CompetencyGap,
    CourseRecommendation,
    Framework,
    PositionRequirement,
    ScaleLevel,
)


class ScaleLevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScaleLevel
        fields = ["value", "name", "description"]


class FrameworkSerializer(serializers.ModelSerializer):
    scale = serializers.CharField(source="scale.slug", read_only=True)

    class Meta:
        model = Framework
        fields = ["id", "slug", "name", "description", "scale", "active"]


class CompetencySerializer(serializers.ModelSerializer):
    cluster = serializers.CharField(source="cluster.code", read_only=True, default=None, allow_null=True)
    indicators = serializers.SerializerMethodField()

    class Meta:
        model = Competency
        fields = ["id", "code", "name", "description", "cluster", "active", "indicators"]

    @extend_schema_field({"type": "array", "items": {"type": "object"}})
    def get_indicators(self, obj):
        return [{"level": i.level, "text": i.text} for i in obj.indicators.all()]


class FrameworkDetailSerializer(FrameworkSerializer):
    levels = ScaleLevelSerializer(source="scale.levels", many=True, read_only=True)
    clusters = serializers.SerializerMethodField()
    competencies = CompetencySerializer(many=True, read_only=True)

    class Meta(FrameworkSerializer.Meta):
        fields = [*FrameworkSerializer.Meta.fields, "levels", "clusters", "competencies"]

    @extend_schema_field({"type": "array", "items": {"type": "object"}})
    def get_clusters(self, obj):
        return [{"code": c.code, "name": c.name} for c in obj.clusters.all()]


class FrameworkImportSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    framework = serializers.JSONField(required=False, help_text="The framework as JSON (see competencies.transfer).")
    file = serializers.FileField(required=False, help_text="A .json or .csv file instead of ``framework``.")
    dry_run = serializers.BooleanField(default=True)


class RequirementSerializer(serializers.ModelSerializer):
    position = serializers.CharField(source="position.code", read_only=True)
    framework = serializers.CharField(source="competency.framework.slug", read_only=True)
    competency_code = serializers.CharField(source="competency.code", read_only=True)

    class Meta:
        model = PositionRequirement
        fields = ["id", "position", "framework", "competency", "competency_code", "required_level", "criticality"]
        read_only_fields = fields


class RequirementWriteSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    position = serializers.CharField(help_text="Position code.")
    competency = serializers.IntegerField()
    required_level = serializers.IntegerField(min_value=1)
    criticality = serializers.ChoiceField(choices=PositionRequirement.CRITICALITY_CHOICES, default="medium")


class AssessmentSerializer(serializers.ModelSerializer):
    competency_code = serializers.CharField(source="competency.code", read_only=True)
    framework = serializers.CharField(source="competency.framework.slug", read_only=True)
    rater = serializers.CharField(source="rater.username", read_only=True, default=None)
    course_key = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "competency",
            "competency_code",
            "framework",
            "level",
            "source",
            "rater",
            "context_type",
            "context_id",
            "course_key",
            "evidence",
            "created",
        ]
        read_only_fields = fields


class AssessmentWriteSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    competency = serializers.IntegerField()
    level = serializers.IntegerField(min_value=1)
    source = serializers.ChoiceField(choices=Assessment.SOURCE_CHOICES)
    evidence = serializers.CharField(required=False, allow_blank=True, default="")
    course_key = serializers.CharField(required=False, allow_blank=True, default="")
    context_type = serializers.CharField(required=False, allow_blank=True, default="", max_length=32)
    context_id = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)


class GapSerializer(serializers.ModelSerializer):
    competency_code = serializers.CharField(source="competency.code", read_only=True)
    competency_name = serializers.CharField(source="competency.name", read_only=True)
    framework = serializers.CharField(source="competency.framework.slug", read_only=True)
    courses = serializers.SerializerMethodField()

    class Meta:
        model = CompetencyGap
        fields = [
            "id",
            "competency",
            "competency_code",
            "competency_name",
            "framework",
            "required_level",
            "current_level",
            "gap",
            "status",
            "computed_at",
            "courses",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "array", "items": {"type": "object"}})
    def get_courses(self, obj):
        links = (self.context.get("links") or {}).get(obj.competency_id, ())
        return [
            {"course_key": str(link.course_key), "target_level": link.target_level}
            for link in links
            if link.target_level > (obj.current_level or 0)
        ]


class CellGapSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="person.user.username", read_only=True)
    name = serializers.CharField(source="person.display_name", read_only=True)
    person = serializers.IntegerField(source="person_id", read_only=True)
    org_unit = serializers.CharField(source="person.org_unit.code", read_only=True, default=None)
    position = serializers.CharField(source="person.position.code", read_only=True, default=None)

    class Meta:
        model = CompetencyGap
        fields = [
            "id",
            "person",
            "username",
            "name",
            "org_unit",
            "position",
            "competency",
            "required_level",
            "current_level",
            "gap",
            "status",
        ]
        read_only_fields = fields


class CourseRecommendationSerializer(serializers.ModelSerializer):
    course_key = serializers.CharField(read_only=True)
    competency_code = serializers.CharField(source="competency.code", read_only=True)
    competency_name = serializers.CharField(source="competency.name", read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True, default=None)

    class Meta:
        model = CourseRecommendation
        fields = [
            "id",
            "person",
            "competency",
            "competency_code",
            "competency_name",
            "gap",
            "course_key",
            "kind",
            "status",
            "created_by",
            "created",
            "enrolled_at",
        ]
        read_only_fields = fields


class CourseRecommendationWriteSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """One person (``person``) or everyone behind a gap-audit cell (``by`` + ``row``), on one competency."""

    kind = serializers.ChoiceField(choices=CourseRecommendation.KIND_CHOICES)
    competency = serializers.IntegerField()
    person = serializers.IntegerField(required=False, allow_null=True, default=None)
    by = serializers.ChoiceField(choices=["org_unit", "position"], required=False, default="org_unit")
    row = serializers.IntegerField(required=False, allow_null=True, default=None)
    framework = serializers.SlugField(required=False, allow_blank=True, default="")
    course_keys = serializers.ListField(child=serializers.CharField(), required=False, allow_null=True, default=None)


class CourseRecommendationRespondSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    action = serializers.ChoiceField(choices=["enrol", "dismiss"])
