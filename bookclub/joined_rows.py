"""Hand-written joins for the hottest lookups: model instances as select_related() gives
them, from SQL that is put together once per process instead of compiled per request.

Django compiles a queryset anew each time it runs. For a comment with its thread, book,
meeting and club that was 0.76 ms of a 1.4 ms lookup (bench/README.md, "Findings"), and
every reply and every top-level comment starts with such a lookup. The SELECT list comes
from the models' own metadata, so a new column is picked up without touching any SQL, and
values pass through the same converters the ORM applies; the joins and the WHERE clause
are written where they are used, in SQL that runs on PostgreSQL and SQLite alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import Model
from django.db.transaction import TransactionManagementError
from django.utils.functional import cached_property


@dataclass(frozen=True)
class Joined:
    """One model's columns in a hand-written SELECT, under a table alias."""

    model: type[Model]
    alias: str

    @property
    def fields(self):
        return self.model._meta.concrete_fields


@dataclass
class JoinedSelect:
    """`sql` with `{columns}` as its SELECT list, run for one row of several models.

    Each Joined gives one instance, or None where its primary key came back NULL (an outer
    join that found nothing). The column list and converters are built on first use.
    """

    sql: str
    parts: list[Joined]
    # Rows of this alias are locked FOR UPDATE where the database can (PostgreSQL; SQLite
    # lets one writer in at a time anyway), as select_for_update(of=...) would.
    lock_of: str = ""
    _prepared: dict[str, tuple[str, list]] = field(default_factory=dict, repr=False)

    def fetch(self, params, *, using: str = "default") -> list[Model | None] | None:
        """The instances from the first row, or None when the query finds no row."""
        connection = connections[using]
        sql, converters = self._prepare(connection)
        if self.lock_of and connection.get_autocommit():
            raise TransactionManagementError("A locking read outside a transaction locks nothing.")
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        values = list(row)
        for index, convert in converters:
            values[index] = convert(values[index])
        instances, start = [], 0
        for part, names, primary_key in self._layout:
            chunk = values[start : start + len(names)]
            start += len(names)
            if chunk[primary_key] is None:
                instances.append(None)
            else:
                instances.append(part.model.from_db(using, names, chunk))
        return instances

    def fetch_one(self, params, *, using: str = "default") -> Model | None:
        """For a select of one model: its instance, or None when no row matches."""
        found = self.fetch(params, using=using)
        return None if found is None else found[0]

    @cached_property
    def _layout(self) -> list[tuple[Joined, list[str], int]]:
        """Per part: its attribute names in column order and where its primary key is."""
        layout = []
        for part in self.parts:
            names = [f.attname for f in part.fields]
            layout.append((part, names, names.index(part.model._meta.pk.attname)))
        return layout

    def _prepare(self, connection) -> tuple[str, list]:
        prepared = self._prepared.get(connection.alias)
        if prepared is None:
            quote = connection.ops.quote_name
            columns = ", ".join(
                f"{part.alias}.{quote(f.column)}" for part in self.parts for f in part.fields
            )
            converters = []
            expressions = [f.get_col(part.alias) for part in self.parts for f in part.fields]
            for index, expression in enumerate(expressions):
                functions = connection.ops.get_db_converters(
                    expression
                ) + expression.get_db_converters(connection)
                if functions:
                    converters.append((index, _chain(functions, expression, connection)))
            sql = self.sql.format(columns=columns)
            if self.lock_of and connection.features.has_select_for_update_of:
                sql += f" FOR UPDATE OF {self.lock_of}"
            prepared = self._prepared[connection.alias] = (sql, converters)
        return prepared


def _chain(functions, expression, connection) -> Callable:
    def convert(value):
        for function in functions:
            value = function(value, expression, connection)
        return value

    return convert
