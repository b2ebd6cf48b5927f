"""
Floors for the benchmarks (issue 14): the minimal raw SQL giving the same answer as a measured call, through the
database driver's own cursor (``cursor.execute`` / ``executemany``, never the project's helpers), run in the same
process, checked equal, and timed alternately with the call it is the floor of. The ratio is the median of the
ratios of adjacent pairs (one call, one floor), which cancels the drift of a machine shared with other work.
"""

import datetime
import statistics
import time


def raw_cursor():
    """A DB-API cursor of the driver under Django's connection (no Django wrapper, no query logging)."""
    from django.db import connection  # pylint: disable=import-outside-toplevel

    connection.ensure_connection()
    return connection.connection.cursor()


def placeholder():
    """The driver's parameter marker: ``?`` for sqlite3, ``%s`` for MySQLdb."""
    from django.db import connection  # pylint: disable=import-outside-toplevel

    return "?" if connection.vendor == "sqlite" else "%s"


def db_datetime(value):
    """A datetime as the driver stores Django's: naive UTC (SQLite text, MySQL DATETIME(6))."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(datetime.UTC).replace(tzinfo=None)
    return value


def _timed(call):
    start = time.perf_counter()
    value = call()
    return time.perf_counter() - start, value


def paired(call, floor, check=None, repeat=7):
    """
    Run ``call`` and ``floor`` alternately ``repeat`` times each (call first on even rounds, floor first on odd
    ones), checking their answers with ``check(call_answer, floor_answer)`` (default: equal). Returns
    ``{"ms", "floor_ms", "ratio"}``: the medians and the median of the per-round ratios.
    """
    call(), floor()  # warm both
    times, floors, ratios = [], [], []
    for round_ in range(repeat):
        if round_ % 2 == 0:
            t_call, answer = _timed(call)
            t_floor, floor_answer = _timed(floor)
        else:
            t_floor, floor_answer = _timed(floor)
            t_call, answer = _timed(call)
        if check is None:
            if answer != floor_answer:
                raise AssertionError(f"the floor's answer differs: {answer!r} != {floor_answer!r}")
        else:
            check(answer, floor_answer)
        times.append(t_call)
        floors.append(t_floor)
        ratios.append(t_call / t_floor if t_floor else float("inf"))
    return {
        "ms": round(statistics.median(times) * 1000, 3),
        "floor_ms": round(statistics.median(floors) * 1000, 3),
        "ratio": round(statistics.median(ratios), 2),
    }


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]
