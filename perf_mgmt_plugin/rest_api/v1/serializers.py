"""Serializers of v1: read shapes of the org domain (writes go through the domain services)."""

from rest_framework import serializers
from rest_framework.reverse import reverse

from ...org import api as org_api
from ...org.api import Employee, ImportJob, OrgUnit, Position


class OrgUnitSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    depth = serializers.IntegerField(read_only=True)

    class Meta:
        model = OrgUnit
        fields = ["id", "code", "name", "kind", "parent", "depth", "active"]


class PositionSerializer(serializers.ModelSerializer):
    org_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Position
        fields = ["id", "code", "title", "description", "org_unit", "active"]


class EmployeeSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    name = serializers.CharField(source="display_name", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    position = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    position_title = serializers.CharField(source="position.title", read_only=True, default=None, allow_null=True)
    org_unit = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    manager = serializers.CharField(source="manager.user.username", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Employee
        fields = [
            "id",
            "username",
            "name",
            "email",
            "employee_number",
            "position",
            "position_title",
            "org_unit",
            "manager",
            "start_date",
            "active",
        ]


class ChainMemberSerializer(EmployeeSerializer):
    """
    One person in a reporting line. Everyone who may view the person at the bottom of the line sees who is above
    them (name and position, as the home page shows), but the rest of a record (email, employee number, unit,
    manager, start date, active) only for the people the caller may view themselves (``context["visible_ids"]``);
    for the others those fields are null, so a peer or a coach cannot read the whole chain's records through it.
    """

    PUBLIC_FIELDS = ("id", "username", "name", "position", "position_title")

    email = serializers.EmailField(source="user.email", read_only=True, allow_null=True)
    manager = serializers.CharField(source="manager.user.username", read_only=True, default=None, allow_null=True)
    active = serializers.BooleanField(read_only=True, allow_null=True)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if instance.pk not in self.context.get("visible_ids", ()):
            for key in data:
                if key not in self.PUBLIC_FIELDS:
                    data[key] = None
        return data


class OrgImportOptionsSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """Options of an org chart import; a dry run unless ``dry_run`` is false, so a mistake never writes."""

    kind = serializers.ChoiceField(choices=ImportJob.KIND_CHOICES, default=org_api.EMPLOYEES)
    dry_run = serializers.BooleanField(default=True)
    create_users = serializers.BooleanField(default=False)


class OrgImportRowsSerializer(OrgImportOptionsSerializer):  # pylint: disable=abstract-method
    """JSON body: the rows as objects keyed by column name (see ``org.importer`` for the columns)."""

    rows = serializers.ListField(child=serializers.DictField(), allow_empty=False, max_length=org_api.MAX_ROWS)


class OrgImportUploadSerializer(OrgImportOptionsSerializer):  # pylint: disable=abstract-method
    """Multipart body: a CSV file (UTF-8, header row) or a ``.json`` list in ``file``."""

    file = serializers.FileField()


class ImportJobSerializer(serializers.ModelSerializer):
    """An import job: its progress while it runs, then its result (counts, row changes, errors)."""

    started_by = serializers.CharField(source="user.username", read_only=True, default=None)
    phase = serializers.SerializerMethodField()
    processed_rows = serializers.SerializerMethodField()
    result = serializers.JSONField(read_only=True)
    errors = serializers.JSONField(read_only=True)
    status_url = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "kind",
            "status",
            "dry_run",
            "create_users",
            "source_name",
            "started_by",
            "total_rows",
            "processed_rows",
            "phase",
            "created",
            "started_at",
            "finished_at",
            "result",
            "errors",
            "status_url",
        ]
        read_only_fields = fields

    def get_phase(self, job) -> str:
        return org_api.job_progress(job)[0]

    def get_processed_rows(self, job) -> int:
        return org_api.job_progress(job)[1]

    def get_status_url(self, job) -> str:
        return reverse("perf_mgmt:api-v1:org-import-job", args=[job.pk], request=self.context.get("request"))
