"""
Fast bulk updates of many rows to different values: one ``UPDATE ... SET col = CASE pk WHEN ... END`` per batch.

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
