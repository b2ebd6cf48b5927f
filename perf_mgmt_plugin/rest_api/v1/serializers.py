"""Serializers of v1: read shapes of the org domain (writes go through the domain services)."""

from rest_framework import serializers

from ...org.models import Employee, OrgUnit, Position


class OrgUnitSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)
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
    position = serializers.SlugRelatedField(slug_field="code", read_only=True)
    position_title = serializers.CharField(source="position.title", read_only=True, default=None)
    org_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    manager = serializers.CharField(source="manager.user.username", read_only=True, default=None)

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
