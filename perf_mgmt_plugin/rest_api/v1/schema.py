"""
The OpenAPI schema of every v1 view, true to what the views return (issue 15: schemathesis over the schema).

- Only list views (``ListAPIView``, which paginate) are documented as paginated; the views that answer a plain
  list (trends, taxonomies, the cascade, reports, line of sight, chains, gaps...) are documented as a plain list,
  which is what they return and what the pages' scripts read.
- Path parameters say what their URL converter matches: ids are integers from 0 to the largest database id (``-1``
  or ``1e99`` match no URL), slugs are slugs, other segments hold no ``/``.
- The error answers every view can give are documented with one shared schema (``PerfMgmtError``: DRF's
  ``{"detail": ...}`` or ``{field: [messages]}``): 400, 401, 403 and 404 everywhere, and for writes also 409
  (conflicting change), 412 (a precondition such as ``If-Match`` failed) and 413 (body too large).
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent

#: The largest id a URL can name (a signed 64-bit database key).
MAX_ID = 2**63 - 1
ERROR_COMPONENT = "PerfMgmtError"
ERROR_SCHEMA = {
    "description": (
        'An error: {"detail": "message"} for the whole request, or {"field": ["message", ...]} per invalid field '
        "(a list of messages for the whole request)."
    ),
    "oneOf": [
        {
            "type": "object",
            "properties": {"detail": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}},
            "additionalProperties": True,
        },
        {"type": "array", "items": {"type": "string"}},
    ],
}
READ_ERRORS = {
    "400": "The request is invalid (a parameter or the body).",
    "401": "Not signed in.",
    "403": "Signed in, but not allowed to do this.",
    "404": "Not found, or not visible to you (the same answer for both).",
}
WRITE_ERRORS = {
    **READ_ERRORS,
    "409": "The change conflicts with the current state (someone else changed it, or it is not allowed now).",
    "412": "A precondition failed (If-Match: the object changed since you read it).",
    "413": "The request body is too large.",
}


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's schema with the two rules above."""

    def _get_paginator(self):
        if not hasattr(self.view, "list"):  # only ListModelMixin.list paginates in this API
            return None
        return super()._get_paginator()

    def _resolve_path_parameters(self, variables):
        parameters = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            schema = parameter.get("schema", {})
            if schema.get("type") == "integer":
                schema.setdefault("minimum", 0)
                schema.setdefault("maximum", MAX_ID)
            elif schema.get("type") == "string" and "pattern" not in schema:
                slug = parameter["name"].endswith("slug")
                schema["pattern"] = "^[-a-zA-Z0-9_]+$" if slug else "^[^/]+$"
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        self.registry.register_on_missing(
            ResolvedComponent(
                name=ERROR_COMPONENT, type=ResolvedComponent.SCHEMA, object=ERROR_COMPONENT, schema=ERROR_SCHEMA
            )
        )
        reference = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
        errors = READ_ERRORS if self.method in ("GET", "HEAD", "OPTIONS") else WRITE_ERRORS
        for code, description in errors.items():
            responses.setdefault(
                code, {"description": description, "content": {"application/json": {"schema": reference}}}
            )
        return responses
