"""
Materialized paths for trees (org units, reporting lines, later the objective cascade).

A node's path is the concatenation of fixed-width base-36 steps, one per ancestor and itself, so "all
descendants" is one range query on an index (``path >= prefix AND path < next_prefix(prefix)``) and "all
ancestors" is one ``pk IN (...)`` query on the ids decoded from the path, whatever the depth. Fixed width keeps
prefixes unambiguous without separators.
"""

from django.db.models import Q

from .errors import DomainError

STEP_LEN = 6
ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
MAX_STEP = 36**STEP_LEN - 1
PATH_MAX_LENGTH = 255
MAX_DEPTH = PATH_MAX_LENGTH // STEP_LEN


class PathError(DomainError):
    """A tree operation would produce an invalid path (too deep, or an id too large to encode)."""


def encode_step(pk):
    """Encode one primary key as a fixed-width base-36 step."""
    if pk is None or pk < 0 or pk > MAX_STEP:
        raise PathError(f"id {pk!r} cannot be encoded in a tree path")
    digits = []
    for _ in range(STEP_LEN):
        pk, rem = divmod(pk, 36)
        digits.append(ALPHABET[rem])
    return "".join(reversed(digits))


def decode_path(path):
    """The primary keys along ``path``, root first."""
    return [int(path[i : i + STEP_LEN], 36) for i in range(0, len(path or ""), STEP_LEN)]


def child_path(parent_path, pk):
    """The path of node ``pk`` under a parent with ``parent_path`` ('' for a root)."""
    path = (parent_path or "") + encode_step(pk)
    if len(path) > PATH_MAX_LENGTH:
        raise PathError(f"the tree would be deeper than {MAX_DEPTH} levels")
    return path


def depth_of(path):
    """0 for a root, 1 for its children, and so on."""
    return max(len(path or "") // STEP_LEN - 1, 0)


def next_prefix(path):
    """
    The smallest string above every path that starts with ``path`` (``None`` when there is none: all ``z``), in the
    order of both binary and case-insensitive collations: the last step digit that is not ``z`` goes up by one in
    the alphabet (``9`` -> ``a``: nothing in a path sorts between them), the ``z`` after it are dropped.
    """
    stem = (path or "").rstrip(ALPHABET[-1])
    if not stem:
        return None
    return stem[:-1] + ALPHABET[ALPHABET.index(stem[-1]) + 1]


def subtree_q(field, path):
    """
    A ``Q`` for the rows whose ``field`` (a materialized path) starts with ``path``: the subtree of ``path``, as a
    range predicate ``field >= path AND field < next_prefix(path)``. Every subtree filter of every domain uses this.

    Why a range, not ``LIKE 'path%'``: SQLite only range-scans an index for ``LIKE`` when the column's collation
    and ``case_sensitive_like`` agree, which Django's columns do not, so ``LIKE`` read the whole index (the
    mid-level manager's count was about 100x slower; issue 14); MySQL/MariaDB wrote ``startswith`` as
    ``LIKE BINARY``, which cannot range-scan a case-insensitive index either. A range on the indexed column is a
    range scan everywhere. Paths use only lowercase base-36 digits, ordered alike by every collation.
    """
    if not path:
        return Q()
    upper = next_prefix(path)
    if upper is None:
        return Q(**{f"{field}__gte": path})
    return Q(**{f"{field}__gte": path, f"{field}__lt": upper})
