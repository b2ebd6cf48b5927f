"""
The one REST exception handler of the plugin (issue 18, ADR 0018).

Views call domain functions directly; whatever they raise is answered here, once, by the kind of the error
(``core/errors.py``), with a JSON body ``{"detail": ...}``:

* a plain :class:`~perf_mgmt_plugin.core.errors.DomainError` -> 400 ``{"detail": ["message"]}`` (a field error of
  the whole request, as DRF's ``ValidationError`` writes it; :func:`field_errors` names a field instead);
* ``Refused`` -> 403, ``NotFound`` (and Django's ``Http404``) -> 404 with one body for "missing" and "out of sight";
* ``Conflict`` -> 409; ``PreconditionFailed`` -> 412 with ``current_etag``; ``PreconditionRequired`` -> 428;
  ``Unprocessable`` (a refused idempotency key) -> 422; ``limits.TooLarge`` and a too large body -> 413;
* ``Busy``, or a deadlock / lock-wait timeout that reached the view unretried -> 503 with ``Retry-After``;
* anything else (a ``ValueError``, ``KeyError`` ... raised by a bug) is *not* translated: it stays a 500 and is
  logged, never a 400 that hides the bug.

DRF's ``EXCEPTION_HANDLER`` is a platform-wide setting in the LMS (``REST_FRAMEWORK`` in openedx/envs/common.py),
so the plugin does not set it: :class:`~.base.ApiViewMixin` returns :func:`exception_handler` from
``get_exception_handler()`` for its own views only, and this handler hands the translated exception on to the
handler the platform configured (DRF's by default).
"""

import contextlib

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.settings import api_settings

from ...core import errors
from ...core.concurrency import is_retryable
from ...core.limits import TooLarge


class ApiError(exceptions.APIException):
    """An answer of the handler other than DRF's own: 409, 412, 413, 422, 428 or 503, with its code."""

    def __init__(self, status_code, code, detail=None):
        self.status_code = status_code
        super().__init__(detail, code)


def _precondition_failed(exc):
    tag = getattr(exc, "current_etag", None)
    if tag is None and getattr(exc, "current", None) is not None:
        tag = f'"{int(exc.current)}"'
    answer = ApiError(status.HTTP_412_PRECONDITION_FAILED, "precondition_failed", str(exc))
    answer.current_etag = tag  # set on the body as is: DRF would write a missing tag as the string "None"
    return answer


def translate(exc):
    """The DRF exception that answers ``exc``, or ``exc`` itself when it is not ours to answer (DRF's own, bugs)."""
    # One body for every 404: "No Employee matches the given query." for a missing id and "Not found." for one out
    # of sight would tell the two apart.
    if isinstance(exc, (Http404, errors.NotFound)):
        return exceptions.NotFound()
    # Too large: a JSON 413 instead of Django's HTML 400 (the body) or a 500 (an import).
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        detail = f"The request body is larger than {limit} bytes (DATA_UPLOAD_MAX_MEMORY_SIZE)."
        return ApiError(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, "too_large", detail)
    # A number beyond what the database stores, sent as a form field or in the query (JSON bodies are refused by the
    # parser already): the driver's OverflowError is the caller's mistake, not a server error.
    if isinstance(exc, OverflowError):
        return exceptions.ValidationError({"detail": ["A number is out of range (64-bit)."]})
    # Retries exhausted, or a deadlock that reached the view unretried: 503, never an empty 500 (ADR 0015).
    if isinstance(exc, errors.Busy) or is_retryable(exc):
        return ApiError(status.HTTP_503_SERVICE_UNAVAILABLE, "busy", str(errors.Busy()))
    if not isinstance(exc, errors.DomainError):
        return exc
    if isinstance(exc, TooLarge):
        return ApiError(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, "too_large", str(exc))
    if isinstance(exc, errors.PreconditionFailed):
        return _precondition_failed(exc)
    if isinstance(exc, errors.PreconditionRequired):
        return ApiError(status.HTTP_428_PRECONDITION_REQUIRED, "precondition_required", str(exc))
    if isinstance(exc, errors.Unprocessable):
        return ApiError(status.HTTP_422_UNPROCESSABLE_ENTITY, "idempotency_key", {"detail": str(exc)})
    if isinstance(exc, errors.Conflict):
        return ApiError(status.HTTP_409_CONFLICT, "conflict", str(exc))
    if isinstance(exc, errors.Refused):
        # A refusal with its own sentence says it; the general one is DRF's ("You do not have permission ...").
        return exceptions.PermissionDenied(str(exc) if exc.args else None)
    return exceptions.ValidationError({"detail": [str(exc)]})


def exception_handler(exc, context):
    """The plugin's views' handler: translate ``exc`` (:func:`translate`), then answer as the platform does."""
    translated = translate(exc)
    if translated is not exc:
        translated.__cause__ = exc
    response = api_settings.EXCEPTION_HANDLER(translated, context)
    if response is not None and response.status_code == status.HTTP_503_SERVICE_UNAVAILABLE:
        response["Retry-After"] = "1"
    if response is not None and hasattr(translated, "current_etag"):
        response.data = {"detail": response.data["detail"], "current_etag": translated.current_etag}
    return response


@contextlib.contextmanager
def field_errors(field):
    """
    Inside, a plain domain error (400) is ``field``'s -- ``{field: ["message"]}`` -- rather than the request's;
    the other kinds (403, 404, 409, ...) and programming errors pass through unchanged.
    """
    try:
        yield
    except errors.DomainError as exc:
        if translate(exc).status_code != status.HTTP_400_BAD_REQUEST:
            raise
        raise exceptions.ValidationError({field: [str(exc)]}) from exc
