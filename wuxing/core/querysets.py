"""Query helpers that know no domain."""

import weakref
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections, models, router
from django.db.models.sql import InsertQuery, UpdateQuery
from django.utils.functional import cached_property


def prefix_q(q: models.Q, prefix: str) -> models.Q:
    """The same condition seen through a relation (`office__`, `branch__`, …)."""
    children = []
    for child in q.children:
        if isinstance(child, models.Q):
            children.append(prefix_q(child, prefix))
        else:
            key, value = child
            children.append((prefix + key, value))
    new = models.Q()
    new.connector, new.negated, new.children = q.connector, q.negated, children
    return new


class Selected:
    """A model's concrete columns as a statement written out selects them (`"table"."column", …`), and a row's
    values for them made into an instance as the ORM's queries make one: the backend's and the fields' converters
    applied (SQLite hands back dates, decimals and booleans as text and numbers), then `Model.from_db`. For a
    statement built once and run on every request, where compiling the ORM's query would cost more than running it.
    """

    def __init__(self, model: type[models.Model]):
        self.model = model
        # Per connection (one per thread): the converters are the backend's, bound to that connection's operations.
        self._converters: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    @cached_property
    def fields(self) -> list:
        # Read on first use, not when the module defining the statement is imported (the apps may still be loading).
        return list(self.model._meta.concrete_fields)

    def __len__(self) -> int:
        return len(self.fields)

    def columns(self, connection) -> str:
        qn = connection.ops.quote_name
        table = qn(self.model._meta.db_table)
        return ", ".join(f"{table}.{qn(f.column)}" for f in self.fields)

    def instance(self, connection, values) -> models.Model:
        """The instance of `values` (one per field, in order) read on `connection`."""
        converters = self._converters.get(connection)
        if converters is None:
            converters = []
            table = self.model._meta.db_table
            for pos, field in enumerate(self.fields):
                col = field.get_col(table)
                found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
                if found:
                    converters.append((pos, found, col))
            self._converters[connection] = converters
        if converters:
            values = list(values)
            for pos, found, col in converters:
                value = values[pos]
                for converter in found:
                    value = converter(value, col, connection)
                values[pos] = value
        return self.model.from_db(connection.alias, None, values)


@dataclass(frozen=True)
class Write:
    """A data-modifying statement (an UPDATE or an upsert, compiled by the ORM or written where the project keeps
    its SQL) to run on database `using`, with its parameters."""

    sql: str
    params: tuple
    using: str = DEFAULT_DB_ALIAS

    def run(self) -> None:
        with connections[self.using].cursor() as cursor:
            cursor.execute(self.sql, self.params)


# Statements the ORM compiled for plain values (no expression, no field with a placeholder of its own), kept per
# model, fields and kind of database: for such values the ORM writes the same SQL every time, only the parameters
# change, so they are prepared as the ORM prepares them and the compilation is not repeated.
_COMPILED: dict[tuple, tuple[str, tuple]] = {}


def _plain(fields, values) -> bool:
    return not any(hasattr(v, "resolve_expression") or hasattr(v, "prepare_database_save") for v in values) and not any(
        getattr(f, "get_placeholder_sql", None) for f in fields
    )


def update_write(obj: models.Model, fields: list[str], using: str | None = None) -> Write:
    """`obj.save(update_fields=fields)` as a Write: the row of `obj`'s primary key set to `obj`'s values of
    `fields`, prepared by the fields as Model.save prepares them (the caller knows the row exists)."""
    using = using or router.db_for_write(type(obj), instance=obj) or DEFAULT_DB_ALIAS
    connection = connections[using]
    meta = obj._meta
    model_fields = [meta.get_field(name) for name in fields]
    values = [f.pre_save(obj, False) for f in model_fields]
    plain = _plain(model_fields, values)
    key = ("update", type(obj), tuple(fields), connection.vendor)
    if plain and key in _COMPILED:
        sql, _ = _COMPILED[key]
        params = [f.get_db_prep_save(v, connection=connection) for f, v in zip(model_fields, values, strict=True)]
        return Write(sql, (*params, meta.pk.get_db_prep_value(obj.pk, connection)), using)
    query = UpdateQuery(type(obj))
    query.add_update_fields([(f, None, v) for f, v in zip(model_fields, values, strict=True)])
    query.add_filter("pk", obj.pk)
    sql, params = query.get_compiler(using).as_sql()
    if plain:
        _COMPILED[key] = (sql, ())
    return Write(sql, tuple(params), using)


def insert_with(obj: models.Model, writes: list[Write] = ()) -> None:
    """Insert `obj` as `Model.save(force_insert=True)` does (its fields' pre_save, e.g. auto_now_add, then its
    primary key from RETURNING; no signals: callers are services that need none) and run `writes` with it.

    On PostgreSQL, when the writes go to the same database, all of it is one statement: the writes as
    data-modifying WITH queries ahead of the INSERT, which happen together or not at all, in one round trip. Their
    rows must be others than the insert's, and any lock they take is taken at this statement, as it would be by
    running them just after the insert. Elsewhere (SQLite) the insert is followed by each write on its own.
    """
    model = type(obj)
    meta = obj._meta
    using = router.db_for_write(model, instance=obj) or DEFAULT_DB_ALIAS
    connection = connections[using]
    fields = [f for f in meta.local_concrete_fields if not f.generated]
    if obj.pk is None:
        fields = [f for f in fields if f is not meta.auto_field]
    returning = meta.db_returning_fields
    together = connection.vendor == "postgresql" and all(w.using == using for w in writes)
    if together and connection.features.can_return_columns_from_insert:
        sql, params, compiler = _insert_statement(obj, fields, returning, connection)
        names = [f"w{i}" for i in range(len(writes))]
        ahead = ", ".join(f"{name} AS ({w.sql})" for name, w in zip(names, writes))
        with connection.cursor() as cursor:
            cursor.execute(f"WITH {ahead} {sql}" if writes else sql, (*(p for w in writes for p in w.params), *params))
            rows = connection.ops.fetch_returned_rows(cursor, compiler.returning_params if compiler else ())
        if compiler is not None:  # compiled now: its converters (a statement kept is one that needs none)
            converters = compiler.get_converters([f.get_col(meta.db_table) for f in returning])
            if converters:
                rows = list(compiler.apply_converters(rows, converters))
        writes = ()
    else:
        query = InsertQuery(model)
        query.insert_values(fields, [obj], raw=False)
        rows = query.get_compiler(using).execute_sql(returning)
    for value, field in zip(rows[0] if rows else (), returning, strict=False):
        setattr(obj, field.attname, value)
    obj._state.adding = False
    obj._state.db = using
    for write in writes:
        write.run()


def _insert_statement(obj: models.Model, fields: list, returning, connection):
    """The INSERT of `obj`'s `fields` returning `returning`, as the ORM compiles it (with the compiler, to convert
    what it returns), or, for plain values, the statement it compiled before for the same model and fields with the
    values prepared as it prepares them (and None for the compiler: such a statement is kept only when what it
    returns needs no converter)."""
    model = type(obj)
    values = [f.pre_save(obj, True) for f in fields]
    plain = _plain(fields, values)
    key = ("insert", model, tuple(f.attname for f in fields), tuple(f.attname for f in returning), connection.vendor)
    if plain and key in _COMPILED:
        sql, _ = _COMPILED[key]
        return sql, [f.get_db_prep_save(v, connection=connection) for f, v in zip(fields, values, strict=True)], None
    query = InsertQuery(model)
    query.insert_values(fields, [obj], raw=False)
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = returning
    [(sql, params)] = compiler.as_sql()
    if plain and not compiler.returning_params:
        if not compiler.get_converters([f.get_col(model._meta.db_table) for f in returning]):
            _COMPILED[key] = (sql, ())
    return sql, params, compiler
