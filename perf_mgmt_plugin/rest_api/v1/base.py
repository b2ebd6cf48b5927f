"""What every v1 view shares: the platform's authentication classes and pagination."""

from edx_rest_framework_extensions.auth.jwt.authentication import JwtAuthentication
from edx_rest_framework_extensions.auth.session.authentication import SessionAuthenticationAllowInactiveUser
from edx_rest_framework_extensions.paginators import DefaultPagination
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser

from .. import schema_auth  # noqa: F401  (registers the schema's authentication schemes)
from .errors import exception_handler
from .parsers import SafeJSONParser
from .schema import ApiAutoSchema

AUTHENTICATION_CLASSES = (JwtAuthentication, SessionAuthenticationAllowInactiveUser)


class ApiPagination(DefaultPagination):
    """The platform's pagination (count, num_pages, next, previous, results) with ``page_size`` up to 200."""

    page_size = 50
    max_page_size = 200

    def get_page_size(self, request):
        """``page_size`` when sent must be a whole number from 1 (larger ones are cut to ``max_page_size``)."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        text = raw.strip()
        if not text.isdigit() or int(text) < 1:
            message = f"page_size must be a whole number from 1 to {self.max_page_size}."
            raise ValidationError({self.page_size_query_param: [message]})
        return min(int(text), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_page_size})
            elif parameter["name"] == self.page_query_param:
                parameter["schema"].update({"minimum": 1})
        return parameters


#: The parsers of every v1 view: JSON with limits (``parsers.SafeJSONParser``), forms and uploads.
PARSER_CLASSES = (SafeJSONParser, FormParser, MultiPartParser)


class ApiViewMixin:
    """
    Authentication, parsers, pagination, the one exception handler (``errors.py``: domain errors by kind to 400, 403,
    404, 409, 412, 413, 422, 428, 503) and the OpenAPI schema class of every v1 view.

    The schema class is set here, not through ``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``: the LMS sets none (DRF's
    own ``AutoSchema`` is the default there), and drf-spectacular refuses to describe a view without its ``AutoSchema``
    (``ApiAutoSchema`` is one).
    """

    authentication_classes = AUTHENTICATION_CLASSES
    parser_classes = PARSER_CLASSES
    pagination_class = ApiPagination
    schema = ApiAutoSchema()

    def get_exception_handler(self):
        """The plugin's one handler (``errors.exception_handler``), for these views only (not a platform setting)."""
        return exception_handler
