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

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from ...core import errors
from ...core.idempotency import clean_key

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
        raise errors.PreconditionFailed("If-Match does not match the current version.")
    return tuple(int(number) for number in numbers)


def expected_version(request, part=0, parts=1):
    """One part of :func:`expected_versions` (None when the header is absent)."""
    versions = expected_versions(request, parts)
    return None if versions is None else versions[part]


def idempotency_key(request):
    """The ``Idempotency-Key`` header, checked ('' when absent; a malformed one is a 422 by the exception handler)."""
    return clean_key(request.headers.get(KEY_HEADER, ""))


def guarded(func, *args, current, **kwargs):
    """
    Run ``func`` for an object of several parts (a review: its self and manager reviews): a 412 it raises names the
    whole current tag, ``etag(*current())``, not the version of the one part that conflicted.
    """
    try:
        return func(*args, **kwargs)
    except errors.PreconditionFailed as exc:
        versions = current()
        exc.current_etag = etag(*versions) if None not in versions else None
        raise
