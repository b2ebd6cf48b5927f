"""
Optimistic concurrency and idempotency in v1 (ADR 0016), one helper for every view.

* ``ETag``: the GET of an object people edit answers its version(s) as a strong entity tag (``"3"``; a review
  ``"2.5"``: its self review's version, then its manager review's).
* ``If-Match``: a PATCH/PUT (and a review part's POST) with the tag it read is checked by the domain's update
  function inside its transaction (compare-and-set); a stale tag is **412 Precondition Failed** with a JSON body
  (``detail``, ``current_etag``) and nothing is written. ``*`` or no header writes unconditionally: If-Match is
  honoured, not required (no 428), so existing clients keep working.
* ``Idempotency-Key``: a create or submit sent again with the same key (a retry after a lost answer) is answered
  with the record the first one made, never a second record; a malformed key or one used for another request is
  a 422.
"""

import functools

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers, status
from rest_framework.exceptions import APIException

from ...core.idempotency import IdempotencyError, clean_key
from ...core.versioning import EditConflict

KEY_HEADER = "Idempotency-Key"


class PreconditionFailedSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    detail = serializers.CharField()
    current_etag = serializers.CharField(allow_null=True, help_text="The ETag now (null when it cannot be told).")


# What the schema says about them (``extend_schema(parameters=..., responses={..., **STALE})``).
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description='The ETag read (e.g. "3"): the write is refused with 412 if someone saved since. Not required.',
)
IDEMPOTENCY_KEY = OpenApiParameter(
    KEY_HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="1-64 of A-Z a-z 0-9 - _ . : -- sent again (a retry), the request is done once and answered the same.",
)
STALE = {412: OpenApiResponse(PreconditionFailedSerializer, description="If-Match is not the current ETag.")}
KEY_REFUSED = {422: OpenApiResponse(description="The Idempotency-Key is malformed or was used for another request.")}


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"
    default_detail = "The object was changed since you read it."


class KeyRefused(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key"


def etag(*versions):
    """The strong entity tag of these version numbers."""
    return '"' + ".".join(str(int(version)) for version in versions) + '"'


def tagged(response, *versions):
    """``response`` with the ``ETag`` of ``versions``."""
    response["ETag"] = etag(*versions)
    return response


def expected_versions(request, parts=1):
    """
    The version(s) the ``If-Match`` header states, as a tuple of ``parts`` numbers, or None (no header, or ``*``).
    A weak tag, a list of tags or anything not of our shape cannot match the current version: 412.
    """
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    inner = header[1:-1] if len(header) >= 2 and header[0] == header[-1] == '"' else None
    numbers = inner.split(".") if inner is not None else []
    if len(numbers) != parts or not all(number.isdigit() for number in numbers):
        raise PreconditionFailed({"detail": "If-Match does not match the current version.", "current_etag": None})
    return tuple(int(number) for number in numbers)


def expected_version(request, part=0, parts=1):
    """One part of :func:`expected_versions` (None when the header is absent)."""
    versions = expected_versions(request, parts)
    return None if versions is None else versions[part]


def idempotency_key(request):
    """The ``Idempotency-Key`` header, checked ('' when absent)."""
    try:
        return clean_key(request.headers.get(KEY_HEADER, ""))
    except IdempotencyError as exc:
        raise KeyRefused({"detail": str(exc)}) from exc


def guarded(func, *args, current=None, **kwargs):
    """
    Run ``func``; an ``EditConflict`` becomes a 412 whose body names the current tag (``current()`` gives its
    versions when the object has several parts: then a 412 raised inside is given the whole tag too), an
    ``IdempotencyError`` a 422.
    """
    try:
        return func(*args, **kwargs)
    except (EditConflict, PreconditionFailed) as exc:
        if isinstance(exc, PreconditionFailed) and current is None:
            raise
        versions = current() if current else (exc.current,)
        tag = etag(*versions) if None not in versions else None
        detail = str(exc) if isinstance(exc, EditConflict) else exc.detail["detail"]
        raise PreconditionFailed({"detail": detail, "current_etag": tag}) from exc
    except IdempotencyError as exc:
        raise KeyRefused({"detail": str(exc)}) from exc


def run_guarded(call):
    """Decorate a view's ``_call(func, ...)``: its conflicts and refused keys answer 412 / 422 (:func:`guarded`)."""

    @functools.wraps(call)
    def wrapper(func, *args, **kwargs):
        return guarded(call, func, *args, **kwargs)

    return wrapper
