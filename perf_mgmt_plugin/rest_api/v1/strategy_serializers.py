"""Serializers of v1 for the strategy domain: read shapes and write validation; writes go through the services."""

from rest_framework import serializers

from ...strategy.api import (
    CheckIn,
    CheckInNote,
    CheckInObjective,
    CheckInSeries,
    HelpRequest,
    Impediment,
    Notification,
    Objective,
    ProgressUpdate,
)


class ObjectiveSerializer(serializers.ModelSerializer):
    level = serializers.CharField(source="level.name", read_only=True)
    owner = serializers.IntegerField(source="owner_id", read_only=True, allow_null=True)
    owner_name = serializers.SerializerMethodField()
    owner_unit = serializers.CharField(source="owner_unit.code", read_only=True, default=None, allow_null=True)
    period = serializers.CharField(source="period.name", read_only=True)
    parent = serializers.IntegerField(source="parent_id", read_only=True, allow_null=True)
    template = serializers.IntegerField(source="template_id", read_only=True, allow_null=True)

    class Meta:
        model = Objective
        fields = [
            "id", "title", "description", "level", "parent", "owner", "owner_name", "owner_unit", "period",
            "start_date", "due_date", "measure", "start_value", "target_value", "current_value", "unit", "done",
            "weight", "course_key", "template", "progress", "pace", "status", "forecast_date",
        ]  # fmt: skip

    def get_owner_name(self, obj) -> str:
        return obj.owner.display_name if obj.owner_id else (obj.owner_unit.name if obj.owner_unit_id else "")


class ObjectiveWriteSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    title = serializers.CharField(max_length=255)
    description = serializers.CharField(required=False, allow_blank=True)
    parent = serializers.IntegerField(required=False, allow_null=True)
    period = serializers.IntegerField(required=False, help_text="Required for a root; children take the parent's.")
    level = serializers.IntegerField(required=False, help_text="Level rank; by default one below the parent.")
    owner = serializers.IntegerField(required=False, allow_null=True, help_text="Employee id.")
    owner_unit = serializers.CharField(required=False, allow_null=True, help_text="Org unit code.")
    start_date = serializers.DateField(required=False)
    due_date = serializers.DateField(required=False)
    measure = serializers.ChoiceField(Objective.MEASURE_CHOICES, required=False)
    start_value = serializers.FloatField(required=False)
    target_value = serializers.FloatField(required=False)
    unit = serializers.CharField(required=False, allow_blank=True, max_length=32)
    weight = serializers.FloatField(required=False, min_value=0)
    course_key = serializers.CharField(required=False, allow_blank=True, max_length=255)
    milestones = serializers.ListField(child=serializers.CharField(max_length=255), required=False)


class ObjectiveUpdateSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    title = serializers.CharField(max_length=255, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    start_date = serializers.DateField(required=False)
    due_date = serializers.DateField(required=False)
    start_value = serializers.FloatField(required=False)
    target_value = serializers.FloatField(required=False)
    unit = serializers.CharField(required=False, allow_blank=True, max_length=32)
    weight = serializers.FloatField(required=False, min_value=0)
    course_key = serializers.CharField(required=False, allow_blank=True, max_length=255)
    active = serializers.BooleanField(required=False)
    apply_to_copies = serializers.BooleanField(
        default=False, help_text="For the first goal of a bulk cascade: apply the same changes to every copy."
    )


class ProgressWriteSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    value = serializers.FloatField(required=False, allow_null=True)
    done = serializers.BooleanField(required=False)
    milestones_done = serializers.ListField(child=serializers.IntegerField(), required=False)
    note = serializers.CharField(required=False, allow_blank=True)


class ProgressUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgressUpdate
        fields = ["id", "progress", "value", "note", "created"]


class BulkCascadeSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    title = serializers.CharField(max_length=255)
    description = serializers.CharField(required=False, allow_blank=True)
    owners = serializers.ListField(child=serializers.IntegerField(), required=False, help_text="Employee ids.")
    org_unit = serializers.CharField(required=False, help_text="Or everyone in this org unit (code) and below.")
    measure = serializers.ChoiceField(Objective.MEASURE_CHOICES, required=False)
    start_value = serializers.FloatField(required=False)
    target_value = serializers.FloatField(required=False)
    unit = serializers.CharField(required=False, allow_blank=True, max_length=32)
    weight = serializers.FloatField(required=False, min_value=0)
    due_date = serializers.DateField(required=False)


class CheckInObjectiveSerializer(serializers.ModelSerializer):
    objective_title = serializers.CharField(source="objective.title", read_only=True)

    class Meta:
        model = CheckInObjective
        fields = ["objective", "objective_title", "progress", "status", "confidence", "comment"]


class CheckInNoteSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True, default=None)

    class Meta:
        model = CheckInNote
        fields = ["id", "author", "body", "private", "created"]


class CheckInSerializer(serializers.ModelSerializer):
    employee_name = serializers.CharField(source="employee.display_name", read_only=True)
    manager_name = serializers.CharField(source="manager.display_name", read_only=True, default=None)

    class Meta:
        model = CheckIn
        fields = [
            "id", "series", "employee", "employee_name", "manager", "manager_name", "scheduled_for", "status", "mode",
            "held_at", "prepared_at", "agenda", "steps_done", "reflection", "next_actions", "course_key",
        ]  # fmt: skip


class CheckInDetailSerializer(CheckInSerializer):
    entries = CheckInObjectiveSerializer(source="objective_entries", many=True, read_only=True)
    notes = serializers.SerializerMethodField()

    class Meta(CheckInSerializer.Meta):
        fields = [*CheckInSerializer.Meta.fields, "entries", "notes"]

    def get_notes(self, obj) -> list[dict]:
        return CheckInNoteSerializer(self.context["notes"], many=True).data


class EntrySerializer(serializers.Serializer):  # pylint: disable=abstract-method
    objective = serializers.IntegerField()
    progress = serializers.FloatField(required=False, allow_null=True)
    status = serializers.ChoiceField(Objective.STATUS_CHOICES, required=False, allow_blank=True)
    confidence = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=10)
    comment = serializers.CharField(required=False, allow_blank=True)


class ImpedimentWriteSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    description = serializers.CharField()
    severity = serializers.ChoiceField(Impediment.SEVERITY_CHOICES, default=Impediment.MEDIUM)


class NoteWriteSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    body = serializers.CharField()
    private = serializers.BooleanField(default=False)


class CheckInWriteSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    action = serializers.ChoiceField(["prepare", "hold", "note"])
    mode = serializers.ChoiceField(CheckIn.MODE_CHOICES, required=False)
    entries = EntrySerializer(many=True, required=False)
    impediments = ImpedimentWriteSerializer(many=True, required=False)
    help_requests = serializers.ListField(child=serializers.CharField(), required=False)
    notes = NoteWriteSerializer(many=True, required=False)
    next_actions = serializers.CharField(required=False, allow_blank=True)


class SeriesWriteSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    employee = serializers.IntegerField(required=False, help_text="Employee id (or ``team``).")
    team = serializers.CharField(required=False, help_text="Org unit code.")
    cadence = serializers.ChoiceField(CheckInSeries.CADENCE_CHOICES, default=CheckInSeries.WEEKLY)
    agenda = serializers.ListField(child=serializers.CharField(max_length=255), required=False)
    start = serializers.DateField(required=False)


class SeriesSerializer(serializers.ModelSerializer):
    class Meta:
        model = CheckInSeries
        fields = ["id", "manager", "employee", "team", "cadence", "agenda", "start_date", "next_due", "active"]


class HelpRequestSerializer(serializers.ModelSerializer):
    employee_name = serializers.CharField(source="employee.display_name", read_only=True)

    class Meta:
        model = HelpRequest
        fields = [
            "id", "employee", "employee_name", "routed_to", "check_in", "objective", "body", "course_key", "created",
            "resolved_at", "resolution",
        ]  # fmt: skip


class HelpRequestWriteSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    body = serializers.CharField()
    objective = serializers.IntegerField(required=False, allow_null=True)


class ResolveSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    resolution = serializers.CharField(required=False, allow_blank=True)


class ImpedimentSerializer(serializers.ModelSerializer):
    employee_name = serializers.CharField(source="employee.display_name", read_only=True)

    class Meta:
        model = Impediment
        fields = ["id", "employee", "employee_name", "check_in", "objective", "description", "severity", "created",
                  "resolved_at"]  # fmt: skip


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "subject", "body", "objective", "created", "read_at"]


class DashboardSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    objectives = ObjectiveSerializer(many=True)
    overdue_check_ins = CheckInSerializer(many=True)
    upcoming_check_ins = CheckInSerializer(many=True)
    impediments = ImpedimentSerializer(many=True)
    help_requests = HelpRequestSerializer(many=True)
    counts = serializers.DictField(child=serializers.IntegerField())


class CascadeRowSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    objective = ObjectiveSerializer()
    depth = serializers.IntegerField()
    at_risk = serializers.BooleanField()
    branch_at_risk = serializers.BooleanField()
