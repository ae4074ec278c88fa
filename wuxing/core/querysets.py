"""Query helpers that know no domain."""

import copy
import functools
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import EmptyResultSet
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


class _PerConnection:
    """Values kept for a database connection, in the thread that owns it (Django's connections are per thread):
    a value that refers to its connection (a compiler, a backend's converters) goes with the thread, never keeping
    a finished thread's connection alive."""

    def __init__(self):
        self._local = threading.local()

    def get(self, connection):
        found = getattr(self._local, "values", {}).get(connection.alias)
        return found[1] if found is not None and found[0] is connection else None

    def __setitem__(self, connection, value):
        if not hasattr(self._local, "values"):
            self._local.values = {}
        self._local.values[connection.alias] = (connection, value)


def written_per_vendor(write):
    """`write(connection)`, a statement written out by hand for a connection's kind of database (its quoting, its
    columns, its locking clause), computed once per kind of database and kept: it depends on nothing else."""
    written: dict[str, str] = {}

    @functools.wraps(write)
    def statement(connection) -> str:
        sql = written.get(connection.vendor)
        if sql is None:
            sql = written[connection.vendor] = write(connection)
        return sql

    return statement


class Selected:
    """A model's concrete columns as a statement written out selects them (`"table"."column", …`), and a row's
    values for them made into an instance as the ORM's queries make one: the backend's and the fields' converters
    applied (SQLite hands back dates, decimals and booleans as text and numbers), then `Model.from_db`. For a
    statement built once and run on every request, where compiling the ORM's query would cost more than running it.
    """

    def __init__(self, model: type[models.Model]):
        self.model = model
        # Per connection (one per thread): the converters are the backend's, bound to that connection's operations.
        self._converters = _PerConnection()

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


# --- reads built and compiled once ------------------------------------------------------------------------

# Two sets of stand-in values, by type: a kept read is built with each, and its parameters must differ exactly where
# a stand-in went. Numbers no page asks with; floats of few digits, which a rounding to 9 places leaves as they are.
_STAND_INS = {
    int: (lambda k: -1_000_000_007 - k, lambda k: -2_000_000_011 - k),
    float: (lambda k: 0.9182731 + k / 1e7, lambda k: 0.8172631 + k / 1e7),
    date: (lambda k: date(1901, 2, 3) + timedelta(days=k), lambda k: date(1902, 3, 4) + timedelta(days=k)),
}


class NotKept(TypeError):
    """The read cannot be kept compiled: its statement or its parameters depend on the values in another way than
    by taking them as they are."""


@dataclass(frozen=True)
class _Kept:
    sql: str | None  # None: the query can return nothing (`none()`, a scope that admits no row)
    params: tuple
    slots: tuple  # (position, parameter name, form: the value as the backend was handed it)
    compiler: object
    names: tuple | None  # the keys of a values() row; None for values_list()
    flat: bool
    queryset: object = None  # model instances: the queryset built with stand-ins, whose iterable makes them


class Prepared:
    """A read that the ORM builds and compiles once per database connection, then runs again with new values: for
    a query of the same shape on every call whose building and compiling (annotations, Case expressions, filters on
    them, joins of select_related) cost more than running it. SQLAlchemy calls the same idea a cached statement.

    `build(**values)` returns a queryset that takes each named value (an id, a date, a number) into the statement
    as it is: `values()` or `values_list()` rows, or model instances (with their select_related rows; a
    prefetch_related lookup is read afterwards as the ORM reads it). It is built twice, with two sets of stand-in
    values: both statements must be the same and their parameters differ exactly where a stand-in went. A query
    that writes a value into its SQL, derives another value from one (a year from a date, a list whose length
    varies), or reads the clock fails that check and raises `NotKept` at its first call, before any result is
    given. Rows are converted as the ORM converts them, and the statement runs through the connection's cursor
    (query counts and logs see it). Returns a list."""

    # Statements kept per connection for one read: one for each set of value types (and, in PreparedFor, each
    # viewer), the least recently used dropped beyond this.
    LIMIT = 64

    def __init__(self, build):
        self.build = build
        self._model = None
        self._kept = _PerConnection()

    def __call__(self, **values) -> list:
        return self._read(None, (), values)

    def _read(self, key, args: tuple, values: dict) -> list:
        kinds = {name: _kind(name, value) for name, value in values.items()}
        first = None
        if self._model is None:
            first = self.build(*args, **_stand_ins(kinds, 0))
            self._model = first.model
        # Where the queryset would read (QuerySet.db): the router is asked on every call, as the ORM asks it.
        connection = connections[router.db_for_read(self._model) or DEFAULT_DB_ALIAS]
        kept_here = self._kept.get(connection)
        if kept_here is None:
            kept_here = self._kept[connection] = OrderedDict()
        slot = (key, tuple(sorted((name, kind.__name__) for name, kind in kinds.items())))
        kept = kept_here.get(slot)
        if kept is None:
            first = first if first is not None else self.build(*args, **_stand_ins(kinds, 0))
            kept = kept_here[slot] = self._prepare(first, kinds, connection, args)
            while len(kept_here) > self.LIMIT:
                kept_here.popitem(last=False)
        else:
            kept_here.move_to_end(slot)
        if kept.sql is None:
            return []
        params = list(kept.params)
        for position, name, form in kept.slots:
            params[position] = form(values[name])
        if kept.queryset is not None:
            return _model_rows(kept, params)
        with connection.cursor() as cursor:
            cursor.execute(kept.sql, params)
            rows = cursor.fetchall()
        compiler = kept.compiler
        if compiler.has_extra_select:
            rows = [row[: compiler.col_count] for row in rows]
        rows = compiler.results_iter(results=[rows], tuple_expected=True)
        if kept.flat:
            return [row[0] for row in rows]
        if kept.names is not None:
            names = kept.names
            return [dict(zip(names, row, strict=True)) for row in rows]
        return list(rows)

    def _prepare(self, first, kinds, connection, args: tuple = ()) -> _Kept:
        stand_ins = [_stand_ins(kinds, 0), _stand_ins(kinds, 1)]
        second = self.build(*args, **stand_ins[1])
        iterable = first._iterable_class.__name__
        if iterable not in ("ModelIterable", "ValuesIterable", "ValuesListIterable", "FlatValuesListIterable"):
            raise NotKept(f"only model, values() and values_list() reads are kept, not {iterable}")
        compiled = []
        for queryset in (first, second):
            compiler = queryset.query.get_compiler(connection=connection)
            try:
                sql, params = compiler.as_sql()
            except EmptyResultSet:
                sql, params = None, ()
            compiled.append((sql, tuple(params), compiler))
        (sql, params, compiler), (sql_b, params_b, _) = compiled
        if sql != sql_b or len(params) != len(params_b):
            raise NotKept("the statement changes with the values")
        if sql is None:
            return _Kept(None, (), (), compiler, None, False)
        slots = []
        for position, (a, b) in enumerate(zip(params, params_b, strict=True)):
            found = [(n, form) for n, kind in kinds.items() for form in _FORMS[kind] if form(stand_ins[0][n]) == a]
            if a == b and not found:
                continue
            matches = [(n, form) for n, form in found if form(stand_ins[1][n]) == b]
            if len(matches) != 1:
                raise NotKept(f"parameter {position} depends on the values in another way")
            slots.append((position, *matches[0]))
        unused = set(kinds) - {name for _pos, name, _form in slots}
        if unused:
            raise NotKept(f"not in the statement: {', '.join(sorted(unused))}")
        query = first.query
        if iterable == "ModelIterable":
            if query.combinator or first._known_related_objects:
                raise NotKept("a combined query or one read through a related manager is not kept")
            return _Kept(sql, params, tuple(slots), compiler, None, False, queryset=first)
        names = None
        if iterable == "ValuesIterable":
            names = tuple(query.selected or (*query.extra_select, *query.values_select, *query.annotation_select))
        return _Kept(sql, params, tuple(slots), compiler, names, iterable == "FlatValuesListIterable")


class PreparedFor(Prepared):
    """A `Prepared` read whose statement depends on who reads, besides its values: `build(who, **values)` (a
    queryset narrowed to what a user may see, say), kept for each `key(who)`. The key must tell apart every `who`
    whose statement differs: two readers with the same key share a statement, with their own values. A reader
    whose key is None is not kept: their queryset is built and read as the ORM reads it. So is one whose statement
    fails the stand-in check (a scope that reads the clock, say): kept as not kept, and read as the ORM reads it."""

    def __init__(self, build, key):
        super().__init__(build)
        self.key = key
        self._not_kept = set()

    def __call__(self, who, **values) -> list:
        key = self.key(who)
        if key is None or key in self._not_kept:
            return list(self.build(who, **values))
        try:
            return self._read(key, (who,), values)
        except NotKept:
            if len(self._not_kept) < 10_000:
                self._not_kept.add(key)
            return list(self.build(who, **values))


def _model_rows(kept: _Kept, params: list) -> list:
    """The model instances of a kept read: its stand-in queryset's own iterable (select_related rows, deferred
    fields and fetch modes as the ORM makes them) over a copy of its compiler that gives the kept statement with
    these values instead of compiling it again."""
    compiler = copy.copy(kept.compiler)
    statement = (kept.sql, tuple(params))
    compiler.as_sql = lambda *args, **kwargs: statement
    queryset = kept.queryset._chain()
    queryset.query.get_compiler = lambda *args, **kwargs: compiler
    return list(queryset)


def _stand_ins(kinds: dict, which: int) -> dict:
    return {name: _STAND_INS[kind][which](i) for i, (name, kind) in enumerate(sorted(kinds.items()))}


def _as_is(value):
    return value


def _iso(value):
    return value.isoformat()


# How a backend may have been handed a value: as it is (PostgreSQL), or a date as ISO text (SQLite).
_FORMS = {int: (_as_is,), float: (_as_is,), date: (_as_is, _iso)}


def _kind(name, value) -> type:
    for kind in (bool, int, float, date):
        if type(value) is kind:
            if kind is bool:
                break
            return kind
    raise NotKept(f"{name}: only ints, floats and dates are taken as values, not {type(value).__name__}")
