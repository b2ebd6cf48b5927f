"""
The JSON parser of every v1 view: DRF's, with limits an attacker cannot push past into a 500.

* nesting deeper than :data:`MAX_DEPTH` levels is a 400 (a body nested 1,000 levels deep raised RecursionError);
* integers outside a signed 64-bit range are a 400 (they overflowed the database: ids and counts are 64-bit);
* ``NaN``, ``Infinity`` and floats that overflow (``1e400``) are a 400 (DRF's strict JSON already refuses the names).

A body above ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is answered 413 with a JSON error by ``ApiViewMixin``.
"""

import codecs
import json
import math

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from ...core.limits import MAX_INT

#: The deepest nesting of arrays and objects a request body may have.
MAX_DEPTH = 32


def _int(text):
    value = int(text)
    if not -MAX_INT - 1 <= value <= MAX_INT:
        raise ParseError(f"JSON parse error - the integer {text[:30]} is out of range (64-bit).")
    return value


def _float(text):
    value = float(text)
    if not math.isfinite(value):
        raise ParseError(f"JSON parse error - the number {text[:30]} is out of range.")
    return value


def _constant(name):
    raise ParseError(f"JSON parse error - {name} is not a number JSON allows.")


def _depth(document):
    """The nesting depth of ``document``, walked without recursion."""
    deepest, stack = 0, [(document, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (list, dict)):
            deepest = max(deepest, depth)
            if depth > MAX_DEPTH:
                return depth
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


class SafeJSONParser(JSONParser):
    """DRF's JSON parser with a depth limit and numbers kept in range."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        # DRF 3.17 (the platform's) reads the request's stream, not ``request.body``, so Django's own check of
        # DATA_UPLOAD_MAX_MEMORY_SIZE never runs: read at most one byte past the limit here (a JSON 413, base.py).
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(raw) > limit:
            raise RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")
        try:
            text = codecs.decode(raw, encoding)
            document = json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
        except RecursionError as exc:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels.") from exc
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
        if _depth(document) > MAX_DEPTH:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels.")
        return document
