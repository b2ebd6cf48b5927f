"""
Views of v1 for importing competency frameworks from Open edX tagging taxonomies.

Thin adapters over ``competencies.taxonomy_import``; access is the framework import's rule
(``perf_mgmt.manage_frameworks``: unrestricted HR admins), since both create organisation-wide frameworks.
"""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from ...competencies import api as competencies_api
from ..openapi import extend_schema
from .base import ApiViewMixin
from .parsers import SafeJSONParser
from .permissions import rule_permission


class TaxonomySerializer(serializers.Serializer):  # pylint: disable=abstract-method
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    export_id = serializers.CharField()
    enabled = serializers.BooleanField()
    allow_free_text = serializers.BooleanField()
    framework = serializers.CharField(help_text="Slug of the framework imported from it; empty if none.")


class TaxonomyImportSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    taxonomy = serializers.CharField(help_text="The taxonomy's id, export id or name.")
    scale = serializers.SlugField(
        required=False, allow_blank=True, help_text="Slug of the scale (required for a new framework)."
    )
    framework = serializers.CharField(
        required=False, allow_blank=True, help_text="Slug of a new framework (default: from the taxonomy's name)."
    )
    target_level = serializers.IntegerField(
        required=False, allow_null=True, help_text="Level new course links develop to (default: the scale's top)."
    )
    dry_run = serializers.BooleanField(default=True)


class TaxonomyListView(ApiViewMixin, APIView):
    """The platform's tagging taxonomies, each with the framework imported from it (if any)."""

    permission_classes = [rule_permission("perf_mgmt.manage_frameworks")]

    @extend_schema(responses={200: TaxonomySerializer(many=True)})
    def get(self, request):
        return Response(TaxonomySerializer(competencies_api.list_taxonomies(), many=True).data)


class TaxonomyImportView(ApiViewMixin, APIView):
    """
    Import (create or update) a framework from a tagging taxonomy, with course links from the content tagged with
    it. A dry run unless ``dry_run`` is false. Problems answer 200 with ``ok: false``, the errors, and nothing
    written; 404 is for an unknown taxonomy, 400 for a request that cannot be read.
    """

    permission_classes = [rule_permission("perf_mgmt.manage_frameworks")]
    parser_classes = [SafeJSONParser]

    @extend_schema(
        request=TaxonomyImportSerializer,
        responses={200: OpenApiResponse(dict, description="The import result"), 400: OpenApiResponse()},
    )
    def post(self, request):
        serializer = TaxonomyImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        options = serializer.validated_data
        try:
            info = competencies_api.find_taxonomy(options["taxonomy"])
            result = competencies_api.import_taxonomy(
                info.id,
                scale=options.get("scale") or None,
                framework=options.get("framework") or None,
                target_level=options.get("target_level"),
                dry_run=options["dry_run"],
            )
        except competencies_api.TaxonomyNotFound as exc:
            raise NotFound(str(exc)) from exc
        return Response(result.as_dict())
