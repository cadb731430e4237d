"""The PostgreSQL schema (issue 21) is SQLite's, object by object, and enforces the same
rules, on a real server (``pg_url``: a new database per test).

The comparison introspects a fresh SQLite desk (``sqlite_master``, ``PRAGMA
table_xinfo`` / ``index_list`` / ``index_xinfo`` / ``foreign_key_list``) and a fresh
PostgreSQL one (``information_schema.columns``, ``pg_index``, ``pg_constraint``,
``pg_trigger``) into one shape, :class:`Schema`, with SQLite's types mapped to the
counterparts :mod:`dutyboard.store.pg_schema` promises. Any difference is one line. A
column, index, key, check or trigger that one engine has and the other lacks fails
:func:`test_the_postgresql_schema_is_the_sqlite_schema`, and the mutation tests below
prove that it would.

Expressions (index keys, WHERE terms, CHECKs, defaults, generated columns) are compared
normalised: PostgreSQL's casts (``::text``), ``= ANY (ARRAY[…])`` for ``IN (…)``, and
SQLite's ``BETWEEN`` are rewritten, and whitespace, parentheses and case outside string
literals are dropped. So grouping by parentheses is not compared. The behaviour tests
run the statements that matter on both engines.
"""

from __future__ import annotations

import dataclasses
import re
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import errors as pg_errors

from dutyboard.store import Store, pg_schema
from dutyboard.store import views as v
from dutyboard.store.connection import SCHEMA_VERSION, connect
from dutyboard.store.engine import APPLICATION_ID
from dutyboard.store.errors import NotADesk, SchemaTooNew, StorageError
from dutyboard.store.schema import all_migration_names
from dutyboard.store.sqltext import LEAD_STAGE_ORDER_SQL
from tests.pgserver import PgServer

REPO = Path(__file__).resolve().parents[2]

PgConn = psycopg.Connection[Any]

# SQLite's declared types and the PostgreSQL types pg_schema gives them. A text column is
# ``COLLATE "C"``, SQLite's BINARY (a SQLite schema with COLLATE anywhere is refused
# below: it would need its own mapping).
PG_TYPE = {
    "INTEGER": "bigint",
    "TEXT": "text collate C",
    "REAL": "double precision",
    "NUMERIC": "numeric",
    "BLOB": "bytea",
}
# The bookkeeping of each engine, outside the comparison: sqlite-utils' migrations table
# (and its index) and pg_schema's marker, which stands for it.
SQLITE_OWN = {"_sqlite_migrations", "idx__sqlite_migrations_migration_set_name"}
PG_OWN = {pg_schema.SCHEMA_TABLE}
# Indexes PostgreSQL may have and SQLite not, with the reason (none yet).
PG_ONLY_INDEXES: dict[str, str] = {}


# -- one shape for both engines ------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # the PostgreSQL type (SQLite's mapped through PG_TYPE)
    not_null: bool
    default: str | None  # normalised
    identity: str | None  # "BY DEFAULT" for SQLite's INTEGER PRIMARY KEY
    generated: str | None  # the expression, normalised


@dataclass(frozen=True)
class ForeignKey:
    columns: tuple[str, ...]
    table: str
    ref_columns: tuple[str, ...]
    on_update: str
    on_delete: str
    deferrable: bool


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    uniques: frozenset[tuple[str, ...]]  # UNIQUE constraints (not CREATE UNIQUE INDEX)
    foreign_keys: frozenset[ForeignKey]
    checks: tuple[str, ...]  # normalised, sorted


@dataclass(frozen=True)
class Index:
    table: str
    unique: bool
    keys: tuple[str, ...]  # column names, or normalised expressions
    where: str | None  # normalised


@dataclass(frozen=True)
class Trigger:
    table: str
    timing: str  # BEFORE, AFTER, INSTEAD OF
    event: str  # INSERT, DELETE, UPDATE, or "UPDATE OF a,b"
    for_each_row: bool


@dataclass(frozen=True)
class Schema:
    tables: dict[str, Table]
    indexes: dict[str, Index]
    triggers: dict[str, Trigger]
    views: frozenset[str]


# -- normalising expressions ---------------------------------------------------------------

_CAST = re.compile(
    r"::(?:text|bigint|integer|numeric|double precision|bytea|character varying)(?:\[\])?"
)
_ANY_ARRAY = re.compile(r"=\s*ANY\s*\(\s*ARRAY\s*\[([^\]]*)\]\s*\)", re.IGNORECASE)
_BETWEEN = re.compile(r"(\w+)\s+BETWEEN\s+(\S+)\s+AND\s+(\S+)", re.IGNORECASE)
_LITERAL = re.compile(r"'(?:[^']|'')*'")


def normal(expr: str) -> str:
    """An expression as either engine writes it, in one spelling (see the module)."""
    text = _CAST.sub("", expr)
    text = _ANY_ARRAY.sub(r"IN (\1)", text)
    text = _BETWEEN.sub(r"\1 >= \2 AND \1 <= \3", text)
    out: list[str] = []
    pos = 0
    for literal in _LITERAL.finditer(text):
        out += [_code(text[pos : literal.start()]), literal.group()]
        pos = literal.end()
    out.append(_code(text[pos:]))
    return "".join(out)


def _code(text: str) -> str:
    return re.sub(r'[\s()"]', "", text).lower()


def _literal_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _LITERAL.finditer(text)]


def _group(text: str, start: int) -> tuple[str, int]:
    """The text inside the parenthesis that opens at ``text[start]``, and where it ends."""
    assert text[start] == "(", text[start:]
    depth = 0
    literals = _literal_spans(text)
    i = start
    while i < len(text):
        inside = next((end for begin, end in literals if begin == i), None)
        if inside is not None:
            i = inside
            continue
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return text[start + 1 : i], i + 1
        i += 1
    raise AssertionError(f"unbalanced parentheses in {text!r}")


def _split_top(text: str) -> list[str]:
    """``text`` split at the commas outside parentheses and literals."""
    parts, depth, last, i = [], 0, 0, 0
    literals = dict(_literal_spans(text))
    while i < len(text):
        if i in literals:
            i = literals[i]
            continue
        char = text[i]
        depth += (char == "(") - (char == ")")
        if char == "," and depth == 0:
            parts.append(text[last:i].strip())
            last = i + 1
        i += 1
    parts.append(text[last:].strip())
    return parts


def _key(part: str) -> str:
    """An index key: a column's name as it is, an expression normalised."""
    bare = part.strip().strip('"')
    return bare if re.fullmatch(r"\w+", bare) else normal(part)


# -- SQLite --------------------------------------------------------------------------------


def sqlite_schema(conn: sqlite3.Connection) -> Schema:
    objects = [
        (str(kind), str(name), str(table), str(sql or ""))
        for kind, name, table, sql in conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"
        )
        if not str(name).startswith("sqlite_") and name not in SQLITE_OWN
    ]
    for _kind, name, _table, sql in objects:
        # Neither is read by the pragmas; each would need its own mapping here.
        assert not re.search(r"\bCOLLATE\b|\bDEFERRABLE\b", sql, re.IGNORECASE), name
    tables = {
        name: _sqlite_table(conn, name, sql) for kind, name, _t, sql in objects if kind == "table"
    }
    indexes = {
        name: _sqlite_index(conn, name, table, sql)
        for kind, name, table, sql in objects
        if kind == "index" and sql
    }
    triggers = {name: _sqlite_trigger(sql) for kind, name, _t, sql in objects if kind == "trigger"}
    views = frozenset(name for kind, name, _t, _sql in objects if kind == "view")
    return Schema(tables, indexes, triggers, views)


def _sqlite_table(conn: sqlite3.Connection, name: str, sql: str) -> Table:
    info = [tuple(row) for row in conn.execute(f"PRAGMA table_xinfo({name})")]
    pk = tuple(str(row[1]) for row in sorted((r for r in info if r[5]), key=lambda r: r[5]))
    columns = []
    for _cid, column, decl, notnull, default, in_pk, hidden in info:
        rowid = len(pk) == 1 and in_pk and str(decl).upper() == "INTEGER"
        columns.append(
            Column(
                name=str(column),
                type=PG_TYPE.get(str(decl).upper(), f"unmapped SQLite type {decl}"),
                # A primary key is NOT NULL on PostgreSQL, and in SQLite for the rowid;
                # SQLite's TEXT primary keys take a NULL (see the known difference below).
                not_null=bool(notnull or in_pk),
                default=None if default is None else normal(str(default)),
                identity="BY DEFAULT" if rowid else None,
                generated=_sqlite_generated(sql, str(column)) if hidden in (2, 3) else None,
            )
        )
    uniques = frozenset(
        tuple(str(r[2]) for r in conn.execute(f"PRAGMA index_info({index[1]})"))
        for index in conn.execute(f"PRAGMA index_list({name})")
        if index[3] == "u"
    )
    by_id: dict[int, list[tuple[Any, ...]]] = {}
    for row in conn.execute(f"PRAGMA foreign_key_list({name})"):
        by_id.setdefault(int(row[0]), []).append(tuple(row))
    foreign_keys = set()
    for rows in by_id.values():
        rows.sort(key=lambda r: r[1])
        target = str(rows[0][2])
        refs = tuple(str(r[4]) for r in rows if r[4] is not None) or _sqlite_pk(conn, target)
        foreign_keys.add(
            ForeignKey(
                columns=tuple(str(r[3]) for r in rows),
                table=target,
                ref_columns=refs,
                on_update=str(rows[0][5]),
                on_delete=str(rows[0][6]),
                deferrable=False,  # no DEFERRABLE in the schema (checked above)
            )
        )
    checks = []
    literals = _literal_spans(sql)
    for found in re.finditer(r"\bCHECK\s*\(", sql, re.IGNORECASE):
        if any(begin <= found.start() < end for begin, end in literals):
            continue
        body, _end = _group(sql, found.end() - 1)
        checks.append(normal(body))
    return Table(tuple(columns), pk, uniques, frozenset(foreign_keys), tuple(sorted(checks)))


def _sqlite_pk(conn: sqlite3.Connection, table: str) -> tuple[str, ...]:
    rows = [tuple(r) for r in conn.execute(f"PRAGMA table_info({table})") if r[5]]
    return tuple(str(r[1]) for r in sorted(rows, key=lambda r: r[5]))


def _sqlite_generated(sql: str, column: str) -> str:
    found = re.search(
        rf"\b{re.escape(column)}\b\s+\w+\s+GENERATED\s+ALWAYS\s+AS\s*\(", sql, re.IGNORECASE
    )
    assert found, f"no expression found for the generated column {column}"
    body, _end = _group(sql, found.end() - 1)
    return normal(body)


def _sqlite_index(conn: sqlite3.Connection, name: str, table: str, sql: str) -> Index:
    head = re.match(
        r"\s*CREATE\s+(UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?\w+\s+ON\s+\w+\s*\(",
        sql,
        re.IGNORECASE,
    )
    assert head, sql
    body, end = _group(sql, head.end() - 1)
    keys = tuple(_key(part) for part in _split_top(body))
    key_count = sum(1 for row in conn.execute(f"PRAGMA index_xinfo({name})") if row[5])
    assert len(keys) == key_count, (name, keys)
    rest = sql[end:].strip()
    where = normal(rest[5:]) if rest[:5].upper() == "WHERE" else None
    return Index(table, bool(head.group(1)), keys, where)


def _sqlite_trigger(sql: str) -> Trigger:
    head = re.match(
        r"\s*CREATE\s+TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?\w+\s+(BEFORE|AFTER|INSTEAD\s+OF)\s+"
        r"(INSERT|DELETE|UPDATE(?:\s+OF\s+[\w\s,]+?)?)\s+ON\s+(\w+)",
        sql,
        re.IGNORECASE,
    )
    assert head, sql
    timing = " ".join(head.group(1).upper().split())
    event = head.group(2).upper()
    if event.startswith("UPDATE OF"):
        event = "UPDATE OF " + ",".join(c.strip().lower() for c in event[9:].split(","))
    return Trigger(head.group(3), timing, event, True)  # SQLite triggers are row triggers


# -- PostgreSQL ----------------------------------------------------------------------------

_HERE = "(SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = current_schema())"
_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}


def _names(array: str, attrelid: str) -> str:
    """SQL: the column names of an attribute-number array, in its order."""
    return (
        f"ARRAY(SELECT a.attname::text FROM unnest({array}) WITH ORDINALITY AS k(n, o)"
        f" JOIN pg_catalog.pg_attribute a ON a.attrelid = {attrelid} AND a.attnum = k.n"
        " ORDER BY k.o)"
    )


def pg_schema_of(conn: PgConn) -> Schema:
    relations = conn.execute(
        f"SELECT relname::text, relkind::text FROM pg_catalog.pg_class"
        f" WHERE relnamespace = {_HERE} AND relkind IN ('r', 'p', 'v', 'm')"
    ).fetchall()
    table_names = sorted(n for n, kind in relations if kind in "rp" and n not in PG_OWN)
    views = frozenset(n for n, kind in relations if kind in "vm")

    columns: dict[str, list[Column]] = {name: [] for name in table_names}
    for row in conn.execute(
        """
        SELECT table_name::text, column_name::text, data_type::text, is_nullable::text,
               column_default::text, is_identity::text, identity_generation::text,
               generation_expression::text, collation_name::text
        FROM information_schema.columns
        WHERE table_schema = current_schema()
        ORDER BY table_name, ordinal_position
        """
    ):
        table, name, data_type, nullable, default, identity, generation, expr, collation = row
        if table not in columns:
            continue
        columns[table].append(
            Column(
                name=name,
                type=data_type + (f" collate {collation}" if collation else ""),
                not_null=nullable == "NO",
                default=None if default is None else normal(default),
                identity=generation if identity == "YES" else None,
                generated=None if expr is None else normal(expr),
            )
        )

    constraints: dict[str, list[tuple[Any, ...]]] = {name: [] for name in table_names}
    for row in conn.execute(
        f"""
        SELECT t.relname::text, c.contype::text, {_names("c.conkey", "c.conrelid")},
               r.relname::text, {_names("c.confkey", "c.confrelid")},
               c.confupdtype::text, c.confdeltype::text, c.condeferrable,
               pg_catalog.pg_get_constraintdef(c.oid, true)
        FROM pg_catalog.pg_constraint c
        JOIN pg_catalog.pg_class t ON t.oid = c.conrelid
        LEFT JOIN pg_catalog.pg_class r ON r.oid = c.confrelid
        WHERE t.relnamespace = {_HERE}
        """
    ):
        if row[0] in constraints:
            constraints[row[0]].append(tuple(row))

    tables = {}
    for name in table_names:
        rows = constraints[name]
        pk = next((tuple(r[2]) for r in rows if r[1] == "p"), ())
        tables[name] = Table(
            columns=tuple(columns[name]),
            primary_key=pk,
            uniques=frozenset(tuple(r[2]) for r in rows if r[1] == "u"),
            foreign_keys=frozenset(
                ForeignKey(tuple(r[2]), r[3], tuple(r[4]), _ACTIONS[r[5]], _ACTIONS[r[6]], r[7])
                for r in rows
                if r[1] == "f"
            ),
            checks=tuple(
                sorted(normal(re.sub(r"^CHECK\s*", "", r[8])) for r in rows if r[1] == "c")
            ),
        )

    indexes = {}
    for index, table, unique, key_count, predicate, oid in conn.execute(
        f"""
        SELECT i.relname::text, t.relname::text, x.indisunique, x.indnkeyatts,
               pg_catalog.pg_get_expr(x.indpred, x.indrelid), x.indexrelid
        FROM pg_catalog.pg_index x
        JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
        JOIN pg_catalog.pg_class t ON t.oid = x.indrelid
        WHERE t.relnamespace = {_HERE}
          AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c
                          WHERE c.conindid = x.indexrelid AND c.contype IN ('p', 'u', 'x'))
        """
    ).fetchall():
        if table in PG_OWN:
            continue
        keys = []
        for number in range(1, key_count + 1):
            found = conn.execute(
                "SELECT pg_catalog.pg_get_indexdef(%s, %s, true)", (oid, number)
            ).fetchone()
            assert found is not None
            keys.append(_key(str(found[0])))
        where = None if predicate is None else normal(predicate)
        indexes[index] = Index(table, unique, tuple(keys), where)

    triggers = {}
    for name, table, kind, update_of in conn.execute(
        f"""
        SELECT g.tgname::text, t.relname::text, g.tgtype::int,
               {_names("g.tgattr::int2[]", "g.tgrelid")}
        FROM pg_catalog.pg_trigger g JOIN pg_catalog.pg_class t ON t.oid = g.tgrelid
        WHERE NOT g.tgisinternal AND t.relnamespace = {_HERE}
        """
    ):
        timing = "INSTEAD OF" if kind & 64 else "BEFORE" if kind & 2 else "AFTER"
        events = [
            word for bit, word in ((4, "INSERT"), (8, "DELETE"), (16, "UPDATE")) if kind & bit
        ]
        event = " OR ".join(events)
        if update_of:
            event = "UPDATE OF " + ",".join(update_of)
        triggers[name] = Trigger(table, timing, event, bool(kind & 1))
    return Schema(tables, indexes, triggers, views)


# -- the comparison ------------------------------------------------------------------------


def _fields(want: Any, got: Any) -> str:
    return "; ".join(
        f"{f.name}: SQLite {getattr(want, f.name)!r}, PostgreSQL {getattr(got, f.name)!r}"
        for f in dataclasses.fields(want)
        if getattr(want, f.name) != getattr(got, f.name)
    )


def _by_name(kind: str, want: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """``kind`` names an object: "index" reads "index NAME: …", "column t." reads
    "column t.NAME: …"."""
    space = "" if kind.endswith(".") else " "
    out = [
        f"{kind}{space}{name}: missing on PostgreSQL" for name in sorted(want.keys() - got.keys())
    ]
    out += [f"{kind}{space}{name}: only on PostgreSQL" for name in sorted(got.keys() - want.keys())]
    out += [
        f"{kind}{space}{name}: {_fields(want[name], got[name])}"
        for name in sorted(want.keys() & got.keys())
        if want[name] != got[name]
    ]
    return out


def _sets(what: str, want: frozenset[Any] | set[Any], got: frozenset[Any] | set[Any]) -> list[str]:
    out = [f"{what} {item}: missing on PostgreSQL" for item in sorted(map(str, want - got))]
    return out + [f"{what} {item}: only on PostgreSQL" for item in sorted(map(str, got - want))]


def differences(want: Schema, got: Schema) -> list[str]:
    """Every way ``got`` (PostgreSQL) differs from ``want`` (SQLite), one line each."""
    out = _sets("table", set(want.tables), set(got.tables))
    for name in sorted(want.tables.keys() & got.tables.keys()):
        w, g = want.tables[name], got.tables[name]
        columns_w = {c.name: c for c in w.columns}
        columns_g = {c.name: c for c in g.columns}
        out += _by_name(f"column {name}.", columns_w, columns_g)
        order_w = [c.name for c in w.columns if c.name in columns_g]
        order_g = [c.name for c in g.columns if c.name in columns_w]
        if order_w != order_g:
            out.append(f"table {name}: columns in another order: {order_w} ≠ {order_g}")
        if w.primary_key != g.primary_key:
            out.append(f"table {name}: primary key {w.primary_key} ≠ {g.primary_key}")
        out += _sets(f"table {name}: unique", w.uniques, g.uniques)
        out += _sets(f"table {name}: foreign key", w.foreign_keys, g.foreign_keys)
        out += _sets(f"table {name}: check", set(w.checks), set(g.checks))
        if sorted(w.checks) != sorted(g.checks) and set(w.checks) == set(g.checks):
            out.append(f"table {name}: checks {w.checks} ≠ {g.checks}")
    pg_indexes = {name: i for name, i in got.indexes.items() if name not in PG_ONLY_INDEXES}
    out += _by_name("index", want.indexes, pg_indexes)
    out += _by_name("trigger", want.triggers, got.triggers)
    out += _sets("view", want.views, got.views)
    return out


# -- fixtures ------------------------------------------------------------------------------


@pytest.fixture
def sqlite_desk(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    conn = connect(tmp_path / "desk.db", create=True)
    try:
        yield conn
    finally:
        conn.close()


@pytest.fixture
def pg(pg_url: str) -> Iterator[PgConn]:
    """An autocommit connection to a new, empty database."""
    with psycopg.connect(pg_url, autocommit=True) as conn:
        yield conn


@pytest.fixture
def pg_desk(pg: PgConn) -> PgConn:
    """A new database with the desk schema."""
    pg_schema.create_schema(pg)
    return pg


@pytest.fixture(scope="module")
def shared_pg_desk(pg_server: PgServer) -> Iterator[PgConn]:
    """One desk for the tests that only read its catalogue."""
    url = pg_server.url(pg_server.fresh_database(prefix="desk"))
    with psycopg.connect(url, autocommit=True) as conn:
        pg_schema.create_schema(conn)
        yield conn


# -- applying it ---------------------------------------------------------------------------


def test_the_steps_carry_the_sqlite_migrations_names() -> None:
    assert pg_schema.STEP_NAMES == SCHEMA_VERSION == tuple(all_migration_names())
    assert len(set(pg_schema.STEP_NAMES)) == len(pg_schema.STEP_NAMES)
    for step in pg_schema.STEPS:
        assert step.covers[-1] == step.name
    assert pg_schema.STEPS[0] is pg_schema.BASELINE


def test_the_schema_applies_to_an_empty_database_and_again_changes_nothing(pg: PgConn) -> None:
    assert pg_schema.create_schema(pg) == list(SCHEMA_VERSION)
    before = pg_schema_of(pg)
    marker = pg.execute(f"SELECT * FROM {pg_schema.SCHEMA_TABLE} ORDER BY id").fetchall()
    objects = pg.execute("SELECT count(*) FROM pg_catalog.pg_class").fetchone()
    assert pg_schema.create_schema(pg) == []
    assert pg_schema_of(pg) == before
    assert pg.execute(f"SELECT * FROM {pg_schema.SCHEMA_TABLE} ORDER BY id").fetchall() == marker
    assert pg.execute("SELECT count(*) FROM pg_catalog.pg_class").fetchone() == objects
    assert {row[1] for row in marker} == {APPLICATION_ID}


def test_the_schema_is_one_transaction(pg: PgConn) -> None:
    # A function of one of the trigger's names already there: the step fails at its
    # triggers, after every table and index was made, and none of them stays.
    pg.execute(
        "CREATE FUNCTION dutyboard_refuse() RETURNS trigger LANGUAGE plpgsql"
        " AS $$ BEGIN RETURN NULL; END $$"
    )
    with pytest.raises(pg_errors.DuplicateFunction):
        pg_schema.create_schema(pg)
    assert not pg_schema.is_desk(pg)
    assert pg_schema_of(pg).tables == {}
    assert pg.execute(f"SELECT to_regclass('{pg_schema.SCHEMA_TABLE}')").fetchone() == (None,)


def test_two_processes_creating_it_at_once_queue_up(pg_url: str) -> None:
    barrier = threading.Barrier(2)
    results: list[list[str]] = []
    failures: list[BaseException] = []

    def create() -> None:
        try:
            with psycopg.connect(pg_url) as conn:
                barrier.wait(timeout=30)
                results.append(pg_schema.create_schema(conn))
        except BaseException as exc:  # reported below, in the test's thread
            failures.append(exc)

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert sorted(results, key=len) == [[], list(SCHEMA_VERSION)]


def test_the_schema_goes_where_the_search_path_says(pg_url: str) -> None:
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA night_desk")
    with psycopg.connect(pg_url, autocommit=True, options="-c search_path=night_desk") as conn:
        pg_schema.create_schema(conn)
        assert pg_schema.is_desk(conn)
        _signed_handover(conn)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        assert not pg_schema.is_desk(conn)  # public holds nothing
        assert pg_schema.schema_version(conn) == []
        # The item trigger finds its handover in the desk's schema, whatever the session's
        # search_path is.
        with pytest.raises(psycopg.IntegrityError, match="never edited"):
            conn.execute("UPDATE night_desk.handover_items SET summary = 'x'")


def _signed_handover(conn: PgConn) -> None:
    at = "2020-02-04T19:00:00+00:00"
    conn.execute(f"INSERT INTO shifts (officer, started_at) VALUES ('Li Na', '{at}')")
    conn.execute(
        "INSERT INTO handovers (shift_id, from_officer, created_at, state)"
        f" VALUES (1, 'Li Na', '{at}', 'draft')"
    )
    conn.execute(
        "INSERT INTO handover_items (handover_id, entity, summary) VALUES (1, 'note', 'a')"
    )
    conn.execute("UPDATE handovers SET state = 'signed'")


# -- the marker ----------------------------------------------------------------------------


def test_is_desk_on_an_empty_database_a_foreign_one_and_a_desk(
    pg: PgConn, sqlite_desk: sqlite3.Connection, tmp_path: Path
) -> None:
    assert not pg_schema.is_desk(pg)
    assert pg_schema.schema_version(pg) == []
    pg_schema.create_schema(pg)
    assert pg_schema.is_desk(pg)
    store = Store.open(tmp_path / "desk.db")
    try:
        assert pg_schema.schema_version(pg) == store.schema_version() == list(SCHEMA_VERSION)
    finally:
        store.close()


@pytest.mark.parametrize(
    "other",
    [
        ["CREATE TABLE orders (id serial PRIMARY KEY, total numeric)"],
        ["CREATE VIEW today AS SELECT now() AS at"],
        # A table of the marker's name, of another shape or another application.
        [f"CREATE TABLE {pg_schema.SCHEMA_TABLE} (name text)"],
        [
            f"CREATE TABLE {pg_schema.SCHEMA_TABLE} (application_id bigint, name text)",
            f"INSERT INTO {pg_schema.SCHEMA_TABLE} VALUES (1, 'm001_initial')",
        ],
    ],
    ids=["a-table", "a-view", "marker-name-other-shape", "marker-other-application"],
)
def test_another_programs_database_is_no_desk_and_left_untouched(
    pg: PgConn, other: list[str]
) -> None:
    for statement in other:
        pg.execute(statement)
    before = pg.execute("SELECT relname FROM pg_catalog.pg_class ORDER BY relname").fetchall()
    assert not pg_schema.is_desk(pg)
    assert pg_schema.schema_version(pg) == []
    with pytest.raises(pg_schema.ForeignSchema) as refused:
        pg_schema.create_schema(pg)
    assert isinstance(refused.value, NotADesk)
    assert refused.value.schema == "public" and refused.value.tables
    assert pg.execute("SELECT relname FROM pg_catalog.pg_class ORDER BY relname").fetchall() == (
        before
    )


def test_a_schema_from_a_newer_dutyboard_is_refused(pg_desk: PgConn) -> None:
    pg_desk.execute(
        f"INSERT INTO {pg_schema.SCHEMA_TABLE} (application_id, name, applied_at)"
        f" VALUES ({APPLICATION_ID}, 'm990_from_the_future', '2030-01-01T00:00:00+00:00')"
    )
    with pytest.raises(SchemaTooNew, match=r"postgresql://db1/desk .*m990_from_the_future"):
        pg_schema.create_schema(pg_desk, where="postgresql://db1/desk")
    assert pg_schema.schema_version(pg_desk)[-1] == "m990_from_the_future"


def test_a_garbled_record_is_refused(pg_desk: PgConn) -> None:
    pg_desk.execute(f"DELETE FROM {pg_schema.SCHEMA_TABLE} WHERE name = 'm050_open_record_indexes'")
    with pytest.raises(StorageError, match=r"garbled: m050_open_record_indexes"):
        pg_schema.create_schema(pg_desk)


def test_the_marker_holds_only_the_desks_application_id(pg_desk: PgConn) -> None:
    with pytest.raises(pg_errors.CheckViolation):
        pg_desk.execute(
            f"INSERT INTO {pg_schema.SCHEMA_TABLE} (application_id, name, applied_at)"
            " VALUES (1, 'm999_x', 'now')"
        )


# -- equal to SQLite -----------------------------------------------------------------------


def test_the_postgresql_schema_is_the_sqlite_schema(
    sqlite_desk: sqlite3.Connection, shared_pg_desk: PgConn
) -> None:
    want = sqlite_schema(sqlite_desk)
    got = pg_schema_of(shared_pg_desk)
    assert differences(want, got) == []
    # Not equal by both being empty: the introspection saw the whole schema.
    assert len(want.tables) == 21
    assert sum(len(t.columns) for t in want.tables.values()) > 250
    assert len(want.indexes) == 52
    assert sum(1 for i in want.indexes.values() if i.where) == 15
    assert any(not re.fullmatch(r"\w+", k) for i in want.indexes.values() for k in i.keys)
    assert len(want.triggers) == 4
    assert sum(len(t.foreign_keys) for t in want.tables.values()) == 15
    assert sum(len(t.checks) for t in want.tables.values()) == 12
    assert sum(len(t.uniques) for t in want.tables.values()) == 5
    assert want.tables["requests"].columns[10].generated


@pytest.mark.parametrize(
    ("change", "caught"),
    [
        ("ALTER TABLE requests ADD COLUMN urgency_note TEXT", "column requests.urgency_note"),
        ("ALTER TABLE leads ADD COLUMN score REAL NOT NULL DEFAULT 0", "column leads.score"),
        ("CREATE INDEX requests_org ON requests(org)", "index requests_org"),
        (
            "CREATE TABLE notices (id INTEGER PRIMARY KEY, at TEXT NOT NULL)",
            "table notices",
        ),
        (
            "CREATE TRIGGER events_append_only BEFORE DELETE ON events "
            "BEGIN SELECT RAISE(ABORT, 'no'); END",
            "trigger events_append_only",
        ),
    ],
    ids=["column", "column-not-null", "index", "table", "trigger"],
)
def test_the_comparison_catches_what_sqlite_gains_alone(
    sqlite_desk: sqlite3.Connection, shared_pg_desk: PgConn, change: str, caught: str
) -> None:
    """A later SQLite migration without its PostgreSQL step fails the equality test."""
    sqlite_desk.execute(change)
    found = differences(sqlite_schema(sqlite_desk), pg_schema_of(shared_pg_desk))
    assert found == [f"{caught}: missing on PostgreSQL"]


@pytest.mark.parametrize(
    ("change", "caught"),
    [
        ("ALTER TABLE leads DROP COLUMN next_action", "column leads.next_action: missing"),
        (
            "ALTER TABLE handovers ALTER COLUMN notes SET NOT NULL",
            "column handovers.notes: not_null",
        ),
        ("ALTER TABLE contacts ALTER COLUMN kind DROP DEFAULT", "column contacts.kind: default"),
        ("ALTER TABLE supplies ALTER COLUMN amount TYPE real", "column supplies.amount: type"),
        (
            'ALTER TABLE events ALTER COLUMN actor TYPE text COLLATE "POSIX"',
            "column events.actor: type",
        ),
        ("ALTER TABLE events ALTER COLUMN id DROP IDENTITY", "column events.id: identity"),
        ("ALTER TABLE requests DROP COLUMN priority_rank CASCADE", "column requests.priority_rank"),
        ("DROP INDEX leads_open_next", "index leads_open_next: missing"),
        (
            "DROP INDEX requests_hash;"
            " CREATE INDEX requests_hash ON requests (source, content_hash)",
            "index requests_hash: where",
        ),
        (
            "DROP INDEX contacts_profile_name; CREATE INDEX contacts_profile_name ON contacts"
            " ((COALESCE(tz, '') || '|' || COALESCE(country, '')), name, id)",
            "index contacts_profile_name: keys",
        ),
        (
            "DROP INDEX reporting_units_name;"
            " CREATE INDEX reporting_units_name ON reporting_units (name)",
            "index reporting_units_name: unique",
        ),
        ("CREATE INDEX leads_supplier ON leads (supplier)", "index leads_supplier: only"),
        ("DROP TRIGGER handovers_signed_not_deleted ON handovers", "trigger handovers_signed_not"),
        ("ALTER TABLE quarantine DROP CONSTRAINT quarantine_run_id_fkey", "foreign key"),
        ("ALTER TABLE arrivals DROP CONSTRAINT arrivals_permit_check", "check"),
        ("ALTER TABLE roll_calls DROP CONSTRAINT roll_calls_unit_id_day_key", "unique"),
        ("ALTER TABLE leases DROP CONSTRAINT leases_pkey", "primary key"),
        ("CREATE TABLE notices (id bigint)", "table notices: only on PostgreSQL"),
    ],
)
def test_the_comparison_catches_what_postgresql_lacks(
    sqlite_desk: sqlite3.Connection, pg_desk: PgConn, change: str, caught: str
) -> None:
    pg_desk.execute(change)
    found = differences(sqlite_schema(sqlite_desk), pg_schema_of(pg_desk))
    assert found, change
    assert any(caught in line for line in found), found


@pytest.mark.parametrize(
    ("query", "index"),
    [
        (
            f"SELECT id FROM requests WHERE {v.open_status_sql('requests')}"
            " ORDER BY priority_rank, received_at, id LIMIT 50",
            "requests_open_pressing",
        ),
        (
            f"SELECT id FROM leads WHERE {v.open_status_sql('leads')}"
            " ORDER BY COALESCE(next_action_at, '9999'), id LIMIT 50",
            "leads_open_next",
        ),
        (
            f"SELECT id FROM contacts ORDER BY {v.PROFILE_KEY_SQL}, name, id LIMIT 50",
            "contacts_profile_name",
        ),
        (f"SELECT id FROM leads ORDER BY {LEAD_STAGE_ORDER_SQL}, id LIMIT 50", "leads_stage_order"),
    ],
    ids=["open-requests", "open-leads", "contact-profiles", "lead-stages"],
)
def test_the_partial_and_expression_indexes_serve_the_stores_own_text(
    shared_pg_desk: PgConn, query: str, index: str
) -> None:
    """PostgreSQL, like SQLite, uses such an index only for the same expression and a
    WHERE that implies the index's: the store's text (views, sqltext) gets it. The
    tables are empty, so sequential scans are priced out; the full plan checks on a
    large desk are the engine slice's (as tests/store/test_open_indexes.py on SQLite)."""
    with shared_pg_desk.transaction():
        shared_pg_desk.execute("SET LOCAL enable_seqscan = off")
        shared_pg_desk.execute("SET LOCAL enable_sort = off")
        plan = "\n".join(str(r[0]) for r in shared_pg_desk.execute(f"EXPLAIN {query}"))
    assert re.search(rf"Index (Only )?Scan using {index} ", plan), plan
    assert "Sort" not in plan, plan


# -- the same rules on both engines --------------------------------------------------------

T = "'2020-02-04T19:00:00+00:00'"
EDITED = "a signed handover is never edited; add an amendment instead"
NOT_DELETED = "a signed handover is never deleted"
OK = "ok"

# Statements run in order on a fresh desk of each engine, each in its own transaction, and
# what each must do. The four after "signed" are those of
# tests/store/test_handovers.py::test_a_signed_handover_cannot_be_changed; the CHECK and
# identity ones those of tests/ingest/test_fast_paths.py (a priority SQLite refuses, a
# repeated external id).
RULES: list[tuple[str, str]] = [
    # The handover triggers (m003).
    (f"INSERT INTO shifts (id, officer, started_at) VALUES (1, 'Li Na', {T})", OK),
    (
        "INSERT INTO handovers (id, shift_id, from_officer, created_at)"
        f" VALUES (1, 1, 'Li Na', {T})",
        OK,
    ),
    (
        "INSERT INTO handover_items (id, handover_id, entity, entity_id, summary, owner, position)"
        " VALUES (1, 1, 'request', 7, 'KN95 masks for Jilin University', 'Li Na', 1.0)",
        OK,
    ),
    (
        "INSERT INTO handover_items (id, handover_id, entity, summary, position)"
        " VALUES (2, 1, 'note', 'call the airport', 2.0)",
        OK,
    ),
    ("UPDATE handovers SET notes = 'draft notes' WHERE id = 1", OK),  # a draft is free
    ("UPDATE handover_items SET summary = 'KN95 masks, 2000 pcs' WHERE id = 1", OK),
    ("DELETE FROM handover_items WHERE id = 2", OK),
    (
        "INSERT INTO handover_items (id, handover_id, entity, summary, position)"
        " VALUES (3, 1, 'note', 'call the airport at 06:00', 2.0)",
        OK,
    ),
    (
        f"UPDATE handovers SET state = 'signed', signed_by = 'Li Na', signed_at = {T},"
        f" covers_to = {T} WHERE id = 1",
        OK,
    ),
    ("UPDATE handovers SET notes = 'x' WHERE id = 1", EDITED),
    ("UPDATE handover_items SET summary = 'x' WHERE handover_id = 1", EDITED),
    ("DELETE FROM handover_items WHERE handover_id = 1", EDITED),
    ("DELETE FROM handovers WHERE id = 1", NOT_DELETED),
    ("UPDATE handovers SET state = 'draft' WHERE id = 1", EDITED),
    ("UPDATE handovers SET brief = '{}' WHERE id = 1", EDITED),
    ("UPDATE handovers SET last_event_id = 5 WHERE id = 1", EDITED),  # NULL to a value
    ("UPDATE handovers SET notes = notes WHERE id = 1", OK),  # the same value: no change
    (f"UPDATE handover_items SET next_at = {T} WHERE id = 1", EDITED),
    ("UPDATE handover_items SET removed = 1 WHERE id = 3", EDITED),
    # What acknowledging writes is allowed; so are a question and the order of items.
    (
        f"UPDATE handover_items SET acknowledged_at = {T}, acknowledged_by = 'Zhang Wei',"
        " passed_to = 'Zhang Wei' WHERE id = 1",
        OK,
    ),
    ("UPDATE handover_items SET question = 'who calls?' WHERE id = 3", OK),
    ("UPDATE handover_items SET position = 0.5 WHERE id = 3", OK),
    ("UPDATE handovers SET to_officer = 'Zhang Wei', version = version + 1 WHERE id = 1", OK),
    # No trigger refuses a new item on a signed handover (the store does): alike on both.
    (
        "INSERT INTO handover_items (id, handover_id, entity, summary) VALUES (4, 1, 'note', 'y')",
        OK,
    ),
    (
        f"UPDATE handovers SET state = 'acknowledged', acknowledged_at = {T},"
        " acknowledged_by = 'Zhang Wei' WHERE id = 1",
        OK,
    ),
    # Acknowledged: nothing changes any more, not even to the same value.
    ("UPDATE handovers SET to_officer = 'someone else' WHERE id = 1", EDITED),
    ("UPDATE handovers SET version = version WHERE id = 1", EDITED),
    ("UPDATE handover_items SET acknowledged_by = 'someone else' WHERE id = 3", EDITED),
    (
        "INSERT INTO handovers (id, shift_id, from_officer, created_at)"
        f" VALUES (2, 1, 'Zhang Wei', {T})",
        OK,
    ),
    ("DELETE FROM handovers WHERE id = 2", OK),  # a draft may go
    # CHECK, NOT NULL, UNIQUE (constraints and partial unique indexes), foreign keys.
    (
        "INSERT INTO requests (id, received_at, org, item, priority, created_at, updated_at)"
        f" VALUES (1, {T}, 'Jilin University', 'KN95 masks', 'whenever', {T}, {T})",
        "check",
    ),
    (
        "INSERT INTO requests (id, received_at, org, item, priority, external_id, created_at,"
        f" updated_at) VALUES (1, {T}, 'Jilin University', 'KN95 masks', 'urgent', 'x2', {T}, {T})",
        OK,
    ),
    (
        "INSERT INTO requests (id, received_at, org, item, external_id, created_at, updated_at)"
        f" VALUES (2, {T}, 'Erdao District Office', 'goggles', 'x2', {T}, {T})",
        "unique",
    ),
    (
        "INSERT INTO requests (id, received_at, org, item, priority, created_at, updated_at)"
        f" VALUES (3, {T}, 'Erdao District Office', 'goggles', 'low', {T}, {T})",
        OK,
    ),
    (
        "INSERT INTO requests (id, received_at, org, item, created_at, updated_at)"
        f" VALUES (4, {T}, 'Erdao District Office', 'goggles', {T}, {T})",
        OK,  # no external id: the identity index leaves it out
    ),
    (
        "INSERT INTO requests (id, received_at, item, created_at, updated_at)"
        f" VALUES (5, {T}, 'gloves', {T}, {T})",
        "not null",
    ),
    (
        "INSERT INTO requests (id, received_at, org, item, created_at, updated_at, version)"
        f" VALUES (5, {T}, 'Chaoyang', 'gloves', {T}, {T}, NULL)",
        "not null",
    ),
    (
        "INSERT INTO leads (id, supplier, item, created_at, updated_at)"
        f" VALUES (1, 'Lanka Medical', 'nitrile gloves', {T}, {T})",
        OK,
    ),
    (f"INSERT INTO lead_requests (lead_id, request_id, created_at) VALUES (1, 1, {T})", OK),
    (f"INSERT INTO lead_requests (lead_id, request_id, created_at) VALUES (1, 1, {T})", "unique"),
    (
        f"INSERT INTO lead_requests (lead_id, request_id, created_at) VALUES (1, 99, {T})",
        "foreign key",
    ),
    ("DELETE FROM leads WHERE id = 1", "foreign key"),
    (
        "INSERT INTO arrivals (id, kind, eta, created_at, updated_at)"
        f" VALUES (1, 'parcel', {T}, {T}, {T})",
        "check",
    ),
    (
        "INSERT INTO arrivals (id, kind, eta, permit, created_at, updated_at)"
        f" VALUES (1, 'shipment', {T}, 'maybe', {T}, {T})",
        "check",
    ),
    (
        "INSERT INTO arrivals (id, kind, eta, state, created_at, updated_at)"
        f" VALUES (1, 'shipment', {T}, 'lost', {T}, {T})",
        "check",
    ),
    (
        "INSERT INTO arrivals (id, kind, eta, permit, customs, lead_id, created_at, updated_at)"
        f" VALUES (1, 'shipment', {T}, 'pending', 'cleared', 1, {T}, {T})",
        OK,
    ),
    (
        "INSERT INTO arrivals (id, kind, eta, contact_id, created_at, updated_at)"
        f" VALUES (2, 'traveller', {T}, 9, {T}, {T})",
        "foreign key",
    ),
    (
        "INSERT INTO supplies (id, at, direction, item, quantity, actor, arrival_id)"
        f" VALUES (1, {T}, 'received', 'masks', 50000, 'Li Na', 1)",
        OK,
    ),
    (
        "INSERT INTO supplies (id, at, direction, item, quantity, actor)"
        f" VALUES (2, {T}, 'lent', 'masks', 10, 'Li Na')",
        "check",
    ),
    (
        "INSERT INTO supplies (id, at, direction, item, quantity, actor, arrival_id)"
        f" VALUES (2, {T}, 'received', 'masks', 10, 'Li Na', 1)",
        "unique",  # one ledger entry per arrival
    ),
    (
        "INSERT INTO supplies (id, at, direction, item, quantity, actor)"
        f" VALUES (2, {T}, 'distributed', 'masks', 10, 'Li Na')",
        OK,
    ),
    (
        "INSERT INTO supplies (id, at, direction, item, quantity, actor)"
        f" VALUES (3, {T}, 'distributed', 'masks', 10, 'Li Na')",
        OK,
    ),
    (
        "INSERT INTO supplies (id, at, direction, item, quantity, actor, lead_id)"
        f" VALUES (4, {T}, 'received', 'gloves', 10, 'Li Na', 42)",
        "foreign key",
    ),
    (
        "INSERT INTO supplies (id, at, direction, item, actor)"
        f" VALUES (4, {T}, 'received', 'gloves', 'Li Na')",
        "not null",
    ),
    (
        "INSERT INTO reporting_units (id, name, rule, every, deadline, created_at, updated_at)"
        f" VALUES (1, 'Erdao District Office', 'daily 10:00', 'daily', '10:00', {T}, {T})",
        OK,
    ),
    (
        "INSERT INTO reporting_units (id, name, rule, every, deadline, created_at, updated_at)"
        f" VALUES (2, 'Nanguan', 'monthly', 'monthly', '10:00', {T}, {T})",
        "check",
    ),
    (
        "INSERT INTO reporting_units (id, name, rule, every, weekday, deadline, created_at,"
        f" updated_at) VALUES (2, 'Nanguan', 'weekly', 'weekly', 7, '10:00', {T}, {T})",
        "check",
    ),
    (
        "INSERT INTO reporting_units (id, name, rule, every, weekday, deadline, created_at,"
        f" updated_at) VALUES (2, 'Nanguan', 'weekly', 'weekly', 6, '10:00', {T}, {T})",
        OK,
    ),
    (
        "INSERT INTO reporting_units (id, name, rule, every, deadline, created_at, updated_at)"
        f" VALUES (3, 'Erdao District Office', 'daily', 'daily', '10:00', {T}, {T})",
        "unique",
    ),
    (
        "INSERT INTO roll_calls (id, unit_id, day, state, actor, created_at)"
        f" VALUES (1, 1, '2020-02-04', 'reported', 'Li Na', {T})",
        OK,
    ),
    (
        "INSERT INTO roll_calls (id, unit_id, day, state, actor, created_at)"
        f" VALUES (2, 1, '2020-02-04', 'late', 'Li Na', {T})",
        "unique",
    ),
    (
        "INSERT INTO roll_calls (id, unit_id, day, state, actor, created_at)"
        f" VALUES (2, 2, '2020-02-04', 'excused', 'Li Na', {T})",
        "check",
    ),
    (
        "INSERT INTO roll_calls (id, unit_id, day, state, actor, created_at)"
        f" VALUES (2, 9, '2020-02-04', 'missing', 'Li Na', {T})",
        "foreign key",
    ),
    (
        "INSERT INTO quarantine (id, at, source, location, reason, state)"
        f" VALUES (1, {T}, 'units', '/srv/in/a.csv', 'no org', 'lost')",
        "check",
    ),
    (
        "INSERT INTO quarantine (id, run_id, at, source, location, reason)"
        f" VALUES (1, 5, {T}, 'units', '/srv/in/a.csv', 'no org')",
        "foreign key",
    ),
    ("INSERT INTO sources (id, name, kind, location) VALUES (1, 'units', 'folder', '/in')", OK),
    ("INSERT INTO sources (id, name, kind, location) VALUES (2, 'units', 'http', '/in')", "unique"),
    (f"INSERT INTO leases (name, holder, expires_at) VALUES ('collector', 'h:1', {T})", OK),
    (f"INSERT INTO leases (name, holder, expires_at) VALUES ('collector', 'h:2', {T})", "unique"),
    (
        "INSERT INTO handovers (id, shift_id, from_officer, created_at, state)"
        f" VALUES (3, 1, 'Li Na', {T}, 'lost')",
        "check",
    ),
    (
        f"INSERT INTO handovers (id, shift_id, from_officer, created_at) VALUES (3, 9, 'x', {T})",
        "foreign key",
    ),
    (
        "INSERT INTO shifts (id, officer, started_at, taken_over_from)"
        f" VALUES (2, 'Zhang Wei', {T}, 7)",
        "foreign key",
    ),
    (
        "INSERT INTO handover_items (id, handover_id, entity, summary, carried_from)"
        " VALUES (5, 1, 'note', 'z', 99)",
        "foreign key",
    ),
    (
        "INSERT INTO possible_duplicates (entity, record_id, other_id, reason, detected_at)"
        f" VALUES ('request', 3, 4, 'same org and item', {T})",
        OK,
    ),
    (
        "INSERT INTO possible_duplicates (entity, record_id, other_id, reason, detected_at)"
        f" VALUES ('request', 3, 4, 'again', {T})",
        "unique",
    ),
]

# What the statements leave behind, compared row by row between the engines.
DUMPS = [
    "SELECT * FROM handovers ORDER BY id",
    "SELECT * FROM handover_items ORDER BY id",
    "SELECT id, priority, priority_rank, status, source, external_id, version"
    " FROM requests ORDER BY id",
    "SELECT id, direction, arrival_id FROM supplies ORDER BY id",
    "SELECT id, name, kind, every, weekday, active FROM reporting_units ORDER BY id",
    "SELECT id, unit_id, day, state FROM roll_calls ORDER BY id",
    "SELECT id, kind, state, permit, customs FROM arrivals ORDER BY id",
]


def _sqlite_outcome(conn: sqlite3.Connection, statement: str) -> str:
    try:
        conn.execute(statement)
    except sqlite3.IntegrityError as exc:
        message = str(exc)
        for prefix, kind in (
            ("CHECK constraint failed", "check"),
            ("UNIQUE constraint failed", "unique"),
            ("NOT NULL constraint failed", "not null"),
            ("FOREIGN KEY constraint failed", "foreign key"),
        ):
            if message.startswith(prefix):
                return kind
        return message  # a trigger's RAISE
    return OK


def _pg_outcome(conn: PgConn, statement: str) -> str:
    try:
        conn.execute(statement)
    except psycopg.IntegrityError as exc:
        for error, kind in (
            (pg_errors.CheckViolation, "check"),
            (pg_errors.UniqueViolation, "unique"),
            (pg_errors.NotNullViolation, "not null"),
            (pg_errors.ForeignKeyViolation, "foreign key"),
        ):
            if isinstance(exc, error):
                return kind
        return str(exc.diag.message_primary)  # a trigger's RAISE
    return OK


def test_the_rules_hold_on_both_engines(sqlite_desk: sqlite3.Connection, pg_desk: PgConn) -> None:
    expected = [outcome for _statement, outcome in RULES]
    on_sqlite = [_sqlite_outcome(sqlite_desk, statement) for statement, _ in RULES]
    on_pg = [_pg_outcome(pg_desk, statement) for statement, _ in RULES]
    for (statement, _), want, lite, pg in zip(RULES, expected, on_sqlite, on_pg, strict=True):
        assert (lite, pg) == (want, want), statement
    for query in DUMPS:
        lite_rows = [tuple(row) for row in sqlite_desk.execute(query)]
        assert lite_rows, query
        assert [tuple(row) for row in pg_desk.execute(query)] == lite_rows, query


def test_a_known_difference_sqlite_takes_a_null_text_primary_key(
    sqlite_desk: sqlite3.Connection, pg_desk: PgConn
) -> None:
    """SQLite lets a NULL into a primary key that is not INTEGER (its documented legacy
    quirk): ``leases.name``, ``original_files.sha256``, ``collector_last_run.name``.
    PostgreSQL never does. The store never writes one. If a SQLite migration ever rebuilds
    those tables with NOT NULL, this test says so: then drop it."""
    statement = f"INSERT INTO leases (name, holder, expires_at) VALUES (NULL, 'h:1', {T})"
    assert _sqlite_outcome(sqlite_desk, statement) == OK
    assert _pg_outcome(pg_desk, statement) == "not null"
