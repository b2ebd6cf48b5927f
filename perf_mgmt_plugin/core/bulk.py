"""
Fast bulk writes of many rows: updates to different values, one ``UPDATE ... SET col = CASE pk WHEN ... END`` per
batch (``bulk_set``), and plain inserts, one ``executemany`` per batch (``bulk_insert``).

Why not ``QuerySet.bulk_update``: it builds a ``Case(When(pk=..., then=Value(...)))`` expression per row and per
field and resolves each through the ORM, which costs about a millisecond per row -- 45 s of Python to rewrite the
reporting paths of 50,000 people (measured by ``benchmarks/bench_org.py``). The same statement written directly
takes a fraction of that. Values go through each field's ``get_db_prep_save`` and travel as parameters; the SQL
(simple ``CASE``) is the same on MySQL/MariaDB and SQLite.
"""

from django.db import connections, router

#: Rows per statement (lowered to fit the database's limit on parameters).
BATCH_SIZE = 1000


def bulk_set(model, field_names, values, *, batch_size=BATCH_SIZE):
    """
    Set ``field_names`` of the rows of ``model`` given by ``values`` (``{pk: (value, ...)}`` in field order).

    No signals, no history: callers record history themselves. Returns the number of statements run.
    """
    if not values:
        return 0
    using = router.db_for_write(model)
    connection = connections[using]
    meta = model._meta
    fields = [meta.get_field(name) for name in field_names]
    per_row = 2 * len(fields) + 1
    limit = connection.features.max_query_params
    if limit:
        batch_size = max(1, min(batch_size, limit // per_row))
    quote = connection.ops.quote_name
    table, pk_column = quote(meta.db_table), quote(meta.pk.column)
    items = list(values.items())
    statements = 0
    with connection.cursor() as cursor:
        for start in range(0, len(items), batch_size):
            chunk = items[start : start + batch_size]
            assignments, params = [], []
            for position, field in enumerate(fields):
                column = quote(field.column)
                whens = []
                for pk, row in chunk:
                    whens.append("WHEN %s THEN %s")
                    params.extend((pk, field.get_db_prep_save(row[position], connection)))
                assignments.append(f"{column} = CASE {pk_column} {' '.join(whens)} ELSE {column} END")
            params.extend(pk for pk, _row in chunk)
            placeholders = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"UPDATE {table} SET {', '.join(assignments)} WHERE {pk_column} IN ({placeholders})",  # noqa: S608
                params,
            )
            statements += 1
    return statements


def _preparer(field, connection):
    """``field.get_db_prep_save`` remembered per distinct value: bulk rows repeat few values (levels, times...)."""
    memo = {}

    def prepare(value):
        try:
            return memo[value]
        except KeyError:
            prepared = memo[value] = field.get_db_prep_save(value, connection)
            return prepared
        except TypeError:  # unhashable (JSON...): prepare every time
            return field.get_db_prep_save(value, connection)

    return prepare


def bulk_insert(model, field_names, rows, *, batch_size=10_000):
    """
    Insert ``rows`` (tuples in ``field_names`` order) into ``model``'s table: one ``executemany`` per ``batch_size``
    rows. Returns the number of statements run.

    Why not ``QuerySet.bulk_create``: it needs a model instance per row and compiles each value through the ORM
    (``benchmarks/bench_competencies.py`` measured 60% of a 600,000-gap recomputation there), and SQLite's limit of
    999 parameters cuts its statements to about a hundred rows. ``executemany`` sends the statement once per batch
    (SQLite steps one prepared statement; mysqlclient sends multi-row INSERTs). Values go through each field's
    ``get_db_prep_save``; no signals, no primary keys back, no defaults: give every column the caller needs.
    """
    if not rows:
        return 0
    using = router.db_for_write(model)
    connection = connections[using]
    meta = model._meta
    fields = [meta.get_field(name) for name in field_names]
    preparers = [_preparer(field, connection) for field in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    rows = list(rows)
    statements = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            chunk = rows[start : start + batch_size]
            prepared = [tuple(prepare(value) for prepare, value in zip(preparers, row, strict=True)) for row in chunk]
            cursor.executemany(sql, prepared)
            statements += 1
    return statements


# --- lane speed -------------------------------------------------------------------------------------------------------
def bulk_update_by_pk(model, field_names, values):
    """
    Set ``field_names`` of the rows given by ``values`` (``{pk: (value, ...)}`` in field order) with one
    ``UPDATE ... WHERE pk = %s`` sent once through ``executemany`` (each row by its primary key: no ``CASE`` whose
    length grows with the batch, as ``bulk_set`` and ``bulk_update`` build). No signals, no history. Returns the
    number of rows given.
    """
    if not values:
        return 0
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    preparers = [_preparer(meta.get_field(name), connection) for name in field_names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(meta.get_field(name).column)} = %s" for name in field_names)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
    rows = [
        [prepare(value) for prepare, value in zip(preparers, row, strict=True)] + [pk] for pk, row in values.items()
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    return len(rows)
