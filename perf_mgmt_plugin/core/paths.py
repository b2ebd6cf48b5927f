"""
Materialized paths for trees (org units, reporting lines, later the objective cascade).

A node's path is the concatenation of fixed-width base-36 steps, one per ancestor and itself, so "all
descendants" is one ``path LIKE 'prefix%'`` query on an index and "all ancestors" is one ``pk IN (...)`` query on
the ids decoded from the path, whatever the depth. Fixed width keeps prefixes unambiguous without separators.
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


def subtree_q(field, path):
    """
    A ``Q`` for the rows whose ``field`` (a materialized path) starts with ``path``: the subtree of ``path``. Every
    subtree filter of every domain uses this one.

    ``istartswith``, not ``startswith``: on MySQL/MariaDB Django writes ``startswith`` as ``LIKE BINARY``, which
    cannot range-scan the index of a case-insensitive column and reads the whole index instead (a manager of 194
    people scoped a heatmap over 50,000 people in 172 ms instead of 14; ``benchmarks/bench_competencies.py``).
    Paths use only lowercase base-36 digits, so both select exactly the same rows; SQLite writes both as the same
    ``LIKE``.
    """
    return Q(**{f"{field}__istartswith": path})
