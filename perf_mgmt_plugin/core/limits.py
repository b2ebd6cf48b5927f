"""
Limits on what the plugin accepts, shared by every entry point: the size of an import (one setting,
``PERF_MGMT_IMPORT_MAX_BYTES``, for the HR pages, REST and the management commands) and the range of numbers.

An import is read at most one byte past the limit, so an oversize file is refused without being held in memory.
"""

import math

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import DomainError

#: The default of ``PERF_MGMT_IMPORT_MAX_BYTES``: 25 MB.
DEFAULT_IMPORT_MAX_BYTES = 25 * 1024 * 1024
#: Ids and counts the database stores in a signed 64-bit integer.
MAX_INT = 2**63 - 1
#: The largest magnitude of a measured value (objective start, target and current values).
MAX_VALUE = 1e12
#: The largest weight of an objective or milestone among its siblings.
MAX_WEIGHT = 1000.0


class TooLarge(DomainError):
    """An input above a size limit; the message says the limit (413 in REST)."""


def import_max_bytes():
    """The largest import file or body, in bytes (``PERF_MGMT_IMPORT_MAX_BYTES``)."""
    return int(getattr(settings, "PERF_MGMT_IMPORT_MAX_BYTES", DEFAULT_IMPORT_MAX_BYTES))


def too_large_message(limit=None):
    limit = import_max_bytes() if limit is None else limit
    return _("The file is larger than %(mb)s MB (PERF_MGMT_IMPORT_MAX_BYTES); split it.") % {
        "mb": round(limit / (1024 * 1024), 1)
    }


def check_import_size(size):
    """Refuse an import of ``size`` bytes above the limit (:class:`TooLarge`)."""
    if size is not None and size > import_max_bytes():
        raise TooLarge(too_large_message())


def read_import(source):
    """
    The bytes (or text) of ``source`` -- a file object, uploaded file or path -- refused with :class:`TooLarge`
    beyond the limit, reading no more than one byte past it.
    """
    limit = import_max_bytes()
    if isinstance(source, str):
        with open(source, "rb") as handle:
            return read_import(handle)
    check_import_size(getattr(source, "size", None))
    content = source.read(limit + 1)
    if len(content) > limit:
        raise TooLarge(too_large_message(limit))
    return content


def finite(value, bound, message):
    """``value`` as a float if it is a finite number within ``±bound``, else ``ValueError(message)``."""
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValueError(message) from exc
    if not math.isfinite(number) or abs(number) > bound:
        raise ValueError(message)
    return number
