"""Serializers of v1 for the health and succession domains (issue 19)."""

# pylint: disable=abstract-method
from rest_framework import serializers


class PackSerializer(serializers.Serializer):
    """A unit's health pack: ``Pack.as_dict()`` (figures by group; ratios 0..1, ``null`` when nothing to count)."""

    unit = serializers.DictField()
    period = serializers.DictField()
    as_of = serializers.DateField()
    people = serializers.IntegerField()
    strategy = serializers.DictField()
    process = serializers.DictField()
    capability = serializers.DictField()
    people_figures = serializers.DictField()
    history = serializers.ListField(child=serializers.DictField())


class ManagerFlagSerializer(serializers.Serializer):
    manager = serializers.IntegerField(source="manager.pk")
    name = serializers.CharField(source="manager.display_name")
    figures = serializers.DictField()
    reasons = serializers.ListField(child=serializers.CharField())
    open_plan = serializers.IntegerField(allow_null=True)


class PlanRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()


class PreferenceSerializer(serializers.Serializer):
    monthly_email = serializers.BooleanField()


class KeyPositionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="key_position.pk")
    position = serializers.CharField(source="key_position.position.code")
    title = serializers.CharField(source="key_position.position.title")
    incumbents = serializers.IntegerField()
    ready_now = serializers.IntegerField()
    one_two_years = serializers.IntegerField()
    later = serializers.IntegerField()
    risks = serializers.ListField(child=serializers.CharField())


class MarkKeyPositionSerializer(serializers.Serializer):
    position = serializers.CharField(help_text="The position's code.")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=255)
    expected_vacancy = serializers.DateField(required=False, allow_null=True)


class CandidateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    employee = serializers.IntegerField(source="employee_id")
    name = serializers.CharField(source="employee.display_name")
    fit = serializers.FloatField()
    suggested_readiness = serializers.CharField()
    readiness = serializers.CharField()
    effective_readiness = serializers.CharField()
    version = serializers.IntegerField()


class PoolSerializer(KeyPositionSerializer):
    candidates = CandidateSerializer(many=True)


class SuggestionSerializer(serializers.Serializer):
    employee = serializers.IntegerField(source="employee_id")
    name = serializers.CharField()
    position = serializers.CharField()
    fit = serializers.FloatField()
    last_score = serializers.FloatField(allow_null=True)
    readiness = serializers.CharField()


class AddCandidateSerializer(serializers.Serializer):
    employee = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


class ReadinessSerializer(serializers.Serializer):
    readiness = serializers.ChoiceField(choices=["ready_now", "one_two_years", "later"])


class PotentialSerializer(serializers.Serializer):
    potential = serializers.ChoiceField(choices=[1, 2, 3])


class PlanItemRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    competency = serializers.IntegerField(source="competency_id", allow_null=True)
    target_level = serializers.IntegerField(allow_null=True)


class GridSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit.pk")
    cells = serializers.ListField(
        child=serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    )
    unrated = serializers.IntegerField()
