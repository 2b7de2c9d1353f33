"""Set-based writes the ORM has no words for."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def insert_select(
    model: type[models.Model], columns: Sequence[str], rows: models.QuerySet[Any]
) -> int:
    """INSERT INTO model (columns) SELECT … : one statement, whatever the number of rows.

    ``rows`` is a ``values_list`` queryset whose columns are in the order of ``columns``.
    Returns the number of rows inserted.
    """
    select_sql, params = rows.order_by().query.sql_with_params()
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(c) for c in columns]
    names = ", ".join(quote(f.column) for f in fields if isinstance(f, models.Field) and f.column)
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) {select_sql}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)
