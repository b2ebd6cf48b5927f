"""What every v1 view shares: the platform's authentication classes and pagination."""

from edx_rest_framework_extensions.auth.jwt.authentication import JwtAuthentication
from edx_rest_framework_extensions.auth.session.authentication import SessionAuthenticationAllowInactiveUser
from edx_rest_framework_extensions.paginators import DefaultPagination
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError

from ...core.concurrency import Busy, Conflict, is_retryable
from .. import schema_auth  # noqa: F401  (registers the schema's authentication schemes)

AUTHENTICATION_CLASSES = (JwtAuthentication, SessionAuthenticationAllowInactiveUser)


class ApiPagination(DefaultPagination):
    """The platform's pagination (count, num_pages, next, previous, results) with ``page_size`` up to 200."""

    page_size = 50
    max_page_size = 200


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
    """Authentication and pagination of every v1 view; concurrency failures as JSON 409 / 503."""

    authentication_classes = AUTHENTICATION_CLASSES
    pagination_class = ApiPagination

    def handle_exception(self, exc):
        converted = concurrency_error(exc)
        response = super().handle_exception(converted or exc)
        if isinstance(converted, BusyError):
            response["Retry-After"] = "1"
        return response
