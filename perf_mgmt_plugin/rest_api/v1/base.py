"""What every v1 view shares: the platform's authentication classes and pagination."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from edx_rest_framework_extensions.auth.jwt.authentication import JwtAuthentication
from edx_rest_framework_extensions.auth.session.authentication import SessionAuthenticationAllowInactiveUser
from edx_rest_framework_extensions.paginators import DefaultPagination
from rest_framework import status
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser

from ...core.concurrency import Busy, Conflict, is_retryable
from ...core.limits import TooLarge
from .. import schema_auth  # noqa: F401  (registers the schema's authentication schemes)
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


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request is too large."
    default_code = "too_large"


#: The parsers of every v1 view: JSON with limits (``parsers.SafeJSONParser``), forms and uploads.
PARSER_CLASSES = (SafeJSONParser, FormParser, MultiPartParser)


class ConflictError(APIException):
    """409: the state changed under the request (someone else acted first); nothing was written (ADR 0015)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "This changed in the meantime; reload and try again."
    default_code = "conflict"


class BusyError(APIException):
    """503 with ``Retry-After``: the write kept meeting deadlocks or lock waits after its retries (ADR 0015)."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "busy"


def concurrency_error(exc):
    """
    The JSON error for a concurrency failure, or ``None``: a :class:`Conflict` raised by a service (also when a
    view's ``_call`` turned it into a 400 ``ValidationError``) becomes 409; retries exhausted (:class:`Busy`) or a
    deadlock / lock-wait timeout that reached the view unretried becomes 503 -- never an empty 500.
    """
    cause = exc.__cause__ if isinstance(exc, ValidationError) else None
    if isinstance(exc, Conflict) or isinstance(cause, Conflict):
        return ConflictError(str(cause or exc))
    if isinstance(exc, Busy) or is_retryable(exc):
        return BusyError(str(Busy()))
    return None


class ApiViewMixin:
    """
    Authentication, parsers, pagination, error bodies (404, 409, 413, 503) and the OpenAPI schema class of every v1
    view.

    The schema class is set here, not through ``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``: the LMS sets none (DRF's
    own ``AutoSchema`` is the default there), and drf-spectacular refuses to describe a view without its ``AutoSchema``
    (``ApiAutoSchema`` is one).
    """

    authentication_classes = AUTHENTICATION_CLASSES
    parser_classes = PARSER_CLASSES
    pagination_class = ApiPagination
    schema = ApiAutoSchema()

    def handle_exception(self, exc):
        # One body for every 404: "No Employee matches the given query." for a missing id and "Not found." for one
        # out of sight would tell the two apart.
        if isinstance(exc, Http404):
            exc = NotFound()
        # Too large: a JSON 413 instead of Django's HTML 400 (the body) or a 500 (an import).
        elif isinstance(exc, RequestDataTooBig):
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            exc = PayloadTooLarge(f"The request body is larger than {limit} bytes (DATA_UPLOAD_MAX_MEMORY_SIZE).")
        elif isinstance(exc, TooLarge):
            exc = PayloadTooLarge(str(exc))
        # A number beyond what the database stores, sent as a form field or in the query (JSON bodies are refused by
        # the parser already): the driver's OverflowError is the caller's mistake, not a server error.
        elif isinstance(exc, OverflowError):
            exc = ValidationError({"detail": ["A number is out of range (64-bit)."]})
        # Someone else acted first (409) or the write kept meeting deadlocks (503 with Retry-After): ADR 0015.
        converted = concurrency_error(exc)
        response = super().handle_exception(converted or exc)
        if isinstance(converted, BusyError):
            response["Retry-After"] = "1"
        return response
