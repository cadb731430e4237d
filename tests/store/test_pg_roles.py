"""Leaders read-only by the server (issue 21): the roles of dutyboard/store/pg_roles.py,
``dutyboard pg-roles``, and a leader on a streaming replica, against a real server.

The proof: a login role that is a member of the leader role connects with psycopg alone
(no dutyboard code in the way) and tries every way to change the desk that a person at
``psql`` would: rows, tables, the schema, sequences, functions, COPY, locks, roles and
its own session settings. Every one is refused by the server. The same member reads the
dashboard's panels through the store; an officer member makes the store's writes, and
cannot change the schema either.

Roles are the cluster's, not a database's, so every test makes its own names and drops
them after (tests share one server).
"""

from __future__ import annotations

import argparse
import ast
import atexit
import contextlib
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from dutyboard import i18n
from dutyboard.commands import Context, UsageError
from dutyboard.commands import pg_roles as command
from dutyboard.config import Config
from dutyboard.store import Store, pg_engine
from dutyboard.store import handovers as ho
from dutyboard.store import views as v
from dutyboard.store.counts import latest_handover, source_health, status_counts
from dutyboard.store.dburl import PostgresLocation
from dutyboard.store.pg_roles import (
    DEFAULT_LEADER,
    DEFAULT_OFFICER,
    SCHEMA_TABLE,
    DeskRoles,
    RolesError,
    apply_roles,
    desk_facts,
    group_name,
    member_name,
    roles_script,
    verify,
)
from tests.pgserver import PgServer, PgServerUnavailable, start_server

REPO = Path(__file__).resolve().parents[2]
INSUFFICIENT_PRIVILEGE = "42501"
READ_ONLY_TRANSACTION = "25006"


# -- names and clean-up ------------------------------------------------------------------------


@dataclass
class Cast:
    """This test's roles: the two groups and one login member of each."""

    roles: DeskRoles
    officer_login: str
    leader_login: str


@pytest.fixture
def made_roles(pg_server: PgServer, pg_desk: str) -> Iterator[list[str]]:
    """Role names this test makes; dropped after it (before its desk is dropped)."""
    names: list[str] = []
    yield names
    drop_roles(pg_server, dbname(pg_desk), names)


def drop_roles(server: PgServer, database: str, names: list[str]) -> None:
    if not names:
        return
    with server.connect() as conn:
        existing = [
            str(r[0])
            for r in conn.execute(
                "SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", (names,)
            ).fetchall()
        ]
    if not existing:
        return
    idents = sql.SQL(", ").join(sql.Identifier(n) for n in existing)
    # Privileges in the desk's database (and on the database itself) go with DROP OWNED.
    with server.connect(database) as conn:
        conn.execute(sql.SQL("DROP OWNED BY {}").format(idents))
    with server.connect() as conn:
        conn.execute(sql.SQL("DROP ROLE {}").format(idents))


def fresh(prefix: str, names: list[str]) -> str:
    name = f"{prefix}_{secrets.token_hex(3)}"
    names.append(name)
    return name


def login(server: PgServer, names: list[str], prefix: str, *, spelled: str | None = None) -> str:
    """A new login role (trust authentication on the test server's socket)."""
    name = spelled or f"{prefix}_{secrets.token_hex(3)}"
    names.append(name)
    with server.connect() as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name)))
    return name


def dbname(url: str) -> str:
    name = PostgresLocation.parse(url).dbname
    assert name
    return name


def as_user(server: PgServer, database: str, user: str) -> str:
    """The desk's URL for another role."""
    return server.url(database).replace(
        f"postgresql://{quote(server.user, safe='')}@", f"postgresql://{quote(user, safe='')}@", 1
    )


def connect_as(
    server: PgServer, database: str, user: str, **kwargs: Any
) -> psycopg.Connection[Any]:
    """psycopg alone, as ``user``: nothing of dutyboard between the person and the server."""
    kwargs.setdefault("autocommit", True)
    return psycopg.connect(make_conninfo(server.dsn(database), user=user), **kwargs)


@pytest.fixture
def cast(pg_server: PgServer, pg_desk: str, made_roles: list[str]) -> Cast:
    """The desk with some of everything, its roles applied, a member of each."""
    seed(PostgresLocation.parse(pg_desk))
    officer_login = login(pg_server, made_roles, "li_na")
    leader_login = login(pg_server, made_roles, "wang_fang")
    roles = DeskRoles(
        officer=fresh("officers", made_roles),
        leader=fresh("leaders", made_roles),
        officers=(officer_login,),
        leaders=(leader_login,),
    )
    with pg_server.connect(dbname(pg_desk)) as conn:
        # A function of the owner's that writes (the desk has none): a leader may call it,
        # and it runs with the leader's rights.
        conn.execute(
            "CREATE FUNCTION public.owner_writes() RETURNS void LANGUAGE sql "
            "AS $$ INSERT INTO requests (received_at, org, item, created_at, updated_at) "
            "VALUES ('2020-02-04T19:00:00+00:00', 'x', 'x', 'x', 'x') $$"
        )
        apply_roles(conn, roles)
    return Cast(roles, officer_login, leader_login)


def seed(desk: PostgresLocation) -> None:
    store = Store.open(desk, actor="Li Na")
    try:
        store.start_shift("Li Na")
        request = store.add_request(
            {"org": "Jilin University", "item": "KN95 masks", "quantity": 2000,
             "priority": "urgent"}
        )  # fmt: skip
        store.add_lead({"supplier": "Lanka Medical", "country": "LK", "item": "gloves"})
        store.add_contact({"name": "Ravi Perera", "country": "LK", "tz": "Asia/Colombo"})
        store.add_note("requests", request, "called the university")
        ho.sign_handover(store, ho.draft_handover(store), "Call the airport at 06:00.")
    finally:
        store.close()


def tables(conn: psycopg.Connection[Any]) -> list[tuple[str, str]]:
    """The desk's tables, each with a column an UPDATE may set (not an identity or a
    generated one, which the parser refuses before any privilege is looked at)."""
    rows = conn.execute(
        "SELECT DISTINCT ON (table_name) table_name, column_name "
        "FROM information_schema.columns "
        "WHERE table_schema = 'public' AND is_identity = 'NO' AND is_generated = 'NEVER' "
        "ORDER BY table_name, ordinal_position"
    ).fetchall()
    return [(str(r[0]), str(r[1])) for r in rows]


def sequences(conn: psycopg.Connection[Any]) -> list[str]:
    rows = conn.execute(
        "SELECT sequence_name FROM information_schema.sequences "
        "WHERE sequence_schema = 'public' ORDER BY 1"
    ).fetchall()
    return [str(r[0]) for r in rows]


def outcome(conn: psycopg.Connection[Any], statement: str | sql.Composed) -> str:
    """The SQLSTATE the server refused ``statement`` with; "done" if it ran (rolled back:
    a statement that got through must not change the next attack's ground)."""
    with contextlib.suppress(psycopg.errors.NoActiveSqlTransaction):
        conn.execute("ROLLBACK")
    try:
        with conn.transaction(force_rollback=True):
            conn.execute(statement)
    except psycopg.Error as exc:
        return str(exc.sqlstate)
    return "done"


# -- the proof --------------------------------------------------------------------------------


def test_a_leader_cannot_change_the_desk_with_the_ui_bypassed(
    pg_server: PgServer, pg_desk: str, cast: Cast
) -> None:
    database = dbname(pg_desk)
    with connect_as(pg_server, database, cast.leader_login) as conn:
        # The session starts read-only, set on the member's role: nothing of dutyboard
        # asked for it.
        shown = conn.execute("SHOW default_transaction_read_only").fetchone()
        assert shown is not None and shown[0] == "on"
        assert outcome(conn, "UPDATE requests SET org = org") == READ_ONLY_TRANSACTION
        # Turned off, for the session and as the role's own default (a role may set its
        # own defaults): the privileges still hold.
        conn.execute("SET default_transaction_read_only = off")
        conn.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE")
        conn.execute(sql.SQL("ALTER ROLE {} SET default_transaction_read_only = off").format(
            sql.Identifier(cast.leader_login)))  # fmt: skip
        attacks: dict[str, str | sql.Composed] = {}
        desk_tables = tables(conn)
        assert len(desk_tables) >= 20 and SCHEMA_TABLE in dict(desk_tables)
        for table, column in desk_tables:
            t, c = sql.Identifier(table), sql.Identifier(column)
            for name, text in {
                "insert": "INSERT INTO {t} DEFAULT VALUES",
                "update": "UPDATE {t} SET {c} = {c}",
                "delete": "DELETE FROM {t}",
                "truncate": "TRUNCATE {t} CASCADE",
                "lock its rows": "SELECT 1 FROM {t} FOR UPDATE",
                "lock it": "LOCK TABLE {t} IN EXCLUSIVE MODE",
                "alter": "ALTER TABLE {t} ADD COLUMN mine text",
                "rename": "ALTER TABLE {t} RENAME TO mine",
                "index": "CREATE INDEX ON {t} ({c})",
                "drop": "DROP TABLE {t} CASCADE",
                "comment": "COMMENT ON TABLE {t} IS 'mine'",
                "copy from": "COPY {t} FROM STDIN",
            }.items():
                attacks[f"{table}: {name}"] = sql.SQL(text).format(t=t, c=c)
        for sequence in sequences(conn):
            s = sql.Literal(sequence)
            attacks[f"{sequence}: nextval"] = sql.SQL("SELECT nextval({})").format(s)
            attacks[f"{sequence}: setval"] = sql.SQL("SELECT setval({}, 1)").format(s)
            attacks[f"{sequence}: alter"] = sql.SQL("ALTER SEQUENCE {} RESTART").format(
                sql.Identifier(sequence)
            )
        attacks |= {
            "create a table": "CREATE TABLE public.mine (x int)",
            "create a table unqualified": "CREATE TABLE mine (x int)",
            "create a temporary table": "CREATE TEMP TABLE mine (x int)",
            "create a view": "CREATE VIEW public.mine AS SELECT 1",
            "create a schema": "CREATE SCHEMA mine",
            "create a function": "CREATE FUNCTION public.mine() RETURNS int LANGUAGE sql "
            "AS 'SELECT 1'",
            "replace a desk function": "CREATE OR REPLACE FUNCTION public.json_valid(doc text) "
            "RETURNS boolean LANGUAGE sql AS 'SELECT true'",
            "alter a function": "ALTER FUNCTION public.json_valid(text) RENAME TO mine",
            "drop a function": "DROP FUNCTION public.json_valid(text) CASCADE",
            "drop a trigger": "DROP TRIGGER handovers_signed_are_final ON handovers",
            "drop the schema": "DROP SCHEMA public CASCADE",
            "a function that writes": "SELECT public.owner_writes()",
            "an anonymous block": "DO $$ BEGIN DELETE FROM requests; END $$",
            "copy from a file": "COPY requests FROM '/etc/passwd'",
            "copy from a program": "COPY requests FROM PROGRAM 'true'",
            "become an officer": sql.SQL("SET ROLE {}").format(sql.Identifier(cast.roles.officer)),
            "join the officers": sql.SQL("GRANT {} TO CURRENT_USER").format(
                sql.Identifier(cast.roles.officer)
            ),
            "make a role": "CREATE ROLE mine",
            "reassign the desk": "REASSIGN OWNED BY dutyboard TO CURRENT_USER",
            "change the desk's defaults": "ALTER DATABASE "
            + sql.Identifier(database).as_string(conn)
            + " SET default_transaction_read_only = off",
        }
        got = {name: outcome(conn, statement) for name, statement in attacks.items()}
        # A BEGIN READ WRITE, said outright.
        conn.execute("BEGIN READ WRITE")
        try:
            conn.execute("INSERT INTO requests DEFAULT VALUES")
            got["begin read write, insert"] = "done"
        except psycopg.Error as exc:
            got["begin read write, insert"] = str(exc.sqlstate)
        conn.execute("ROLLBACK")
        # COPY through the protocol, as a client library sends it.
        try:
            with conn.cursor() as cur, cur.copy("COPY requests (org) FROM STDIN") as copy:
                copy.write_row(("Jilin University",))
            got["copy from the client"] = "done"
        except psycopg.Error as exc:
            got["copy from the client"] = str(exc.sqlstate)
        # A grant to oneself is a warning from PostgreSQL, not an error: it grants nothing.
        conn.execute("GRANT INSERT ON requests TO CURRENT_USER")
        writable = conn.execute("SELECT has_table_privilege('requests', 'INSERT')").fetchone()
        got["grant oneself insert"] = "done" if writable and writable[0] else INSUFFICIENT_PRIVILEGE

    let_through = {name: state for name, state in got.items() if state == "done"}
    assert not let_through, f"the server let a leader do: {sorted(let_through)}"
    # Refused for want of a privilege (42501), not by accident (a syntax error, a missing
    # name): "must be owner", "permission denied", "only superuser"… all share the SQLSTATE.
    # A trigger function called as a function is refused as such; none of the desk's
    # functions runs with its owner's rights, so EXECUTE gives a leader nothing.
    other = {name: state for name, state in got.items() if state != INSUFFICIENT_PRIVILEGE}
    assert not other, f"refused for another reason: {other}"
    with pg_server.connect(database) as conn:
        row = conn.execute(
            "SELECT count(*) FILTER (WHERE prosecdef), count(*) FROM pg_proc "
            "WHERE pronamespace = 'public'::regnamespace"
        ).fetchone()
        assert row is not None and row[0] == 0 and row[1] >= 8
        counts = conn.execute("SELECT count(*) FROM requests").fetchone()
        assert counts is not None and counts[0] == 1  # the seed's one request, unchanged


def test_a_leader_reads_every_panel_through_the_store(
    pg_server: PgServer, pg_desk: str, cast: Cast
) -> None:
    from dutyboard.reports.status.build import build_status

    location = PostgresLocation.parse(as_user(pg_server, dbname(pg_desk), cast.leader_login))
    store = Store.open(location, readonly=True, actor=cast.leader_login)
    try:
        for table in ("requests", "leads", "contacts"):
            spec = v.ViewSpec(table, open_only=False)
            rows = v.page(store, spec, None, 50)
            assert v.count(store, spec) == len(rows) == 1, table
            assert v.find(store, spec, int(rows[0]["id"])) is not None
        assert v.contact_profiles(store)
        status = build_status(store, desk_name="Jilin FAO", timezone="Asia/Shanghai")
        assert status.generated_at
        assert status_counts(store, store.now())
        handover = latest_handover(store)
        assert handover is not None and handover["state"] == "signed"
        source_health(store)
        view = ho.handover_view(store, int(handover["id"]))
        assert view.brief is not None
        assert store.data_version() == store.data_version()
        assert store.schema_version()
    finally:
        store.close()


def test_an_officer_makes_the_store_s_writes_but_cannot_change_the_schema(
    pg_server: PgServer, pg_desk: str, cast: Cast
) -> None:
    database = dbname(pg_desk)
    location = PostgresLocation.parse(as_user(pg_server, database, cast.officer_login))
    store = Store.open(location, actor="Li Na")
    try:
        request = store.add_request({"org": "Hankou", "item": "goggles"})
        store.add_note("requests", request, "on the 01:00 flight")
        store.acknowledge_request(request)
        store.actor = "Zhang Wei"
        store.start_shift("Zhang Wei")  # takes over Li Na's shift
        ho.sign_handover(store, ho.draft_handover(store), "Masks at the airport.")
        with store.transaction() as conn:
            # An import gives the ids itself and then moves the key's sequence past them
            # (setval: UPDATE on the sequence); without it the next id would be taken.
            ids = store.insert_records(conn, "leads", [
                {"supplier": "Karachi Surgical", "item": "gowns"},
                {"supplier": "Thimphu Traders", "item": "thermometers"},
            ])  # fmt: skip
        assert all(isinstance(i, int) for i in ids), ids
        assert (
            store.add_lead({"supplier": "Colombo Gloves", "item": "gloves"})
            == max(i for i in ids if isinstance(i, int)) + 1
        )
    finally:
        store.close()
    with connect_as(pg_server, database, cast.officer_login) as conn:
        got = {
            "drop": outcome(conn, "DROP TABLE requests CASCADE"),
            "alter": outcome(conn, "ALTER TABLE requests ADD COLUMN mine text"),
            "truncate": outcome(conn, "TRUNCATE events"),
            "create": outcome(conn, "CREATE TABLE mine (x int)"),
            "temporary": outcome(conn, "CREATE TEMP TABLE mine (x int)"),
            "index": outcome(conn, "CREATE INDEX ON requests (org)"),
            "replace a function": outcome(
                conn,
                "CREATE OR REPLACE FUNCTION json_valid(doc text) RETURNS boolean "
                "LANGUAGE sql AS 'SELECT true'",
            ),
            "record a schema step": outcome(
                conn, f"DELETE FROM {SCHEMA_TABLE} WHERE name = 'm120_collector_last_run'"
            ),
            "become a leader's owner": outcome(conn, "SET ROLE dutyboard"),
        }
    assert got == dict.fromkeys(got, INSUFFICIENT_PRIVILEGE)


def test_tables_and_functions_a_later_step_adds_get_the_same_grants(
    pg_server: PgServer, pg_desk: str, cast: Cast
) -> None:
    database = dbname(pg_desk)
    with pg_server.connect(database) as conn:  # the owner, as `check --upgrade` would
        conn.execute("CREATE TABLE later (id bigint GENERATED BY DEFAULT AS IDENTITY, x text)")
        conn.execute("CREATE FUNCTION later_count() RETURNS bigint LANGUAGE sql "
                     "AS 'SELECT count(*) FROM later'")  # fmt: skip
    with connect_as(pg_server, database, cast.officer_login) as conn:
        conn.execute("INSERT INTO later (x) VALUES ('one')")
        assert outcome(conn, "DROP TABLE later") == INSUFFICIENT_PRIVILEGE
    with connect_as(pg_server, database, cast.leader_login) as conn:
        row = conn.execute("SELECT later_count(), (SELECT x FROM later)").fetchone()
        assert row is not None and tuple(row) == (1, "one")
        conn.execute("SET default_transaction_read_only = off")
        assert outcome(conn, "INSERT INTO later (x) VALUES ('two')") == INSUFFICIENT_PRIVILEGE
    with pg_server.connect(database) as conn:
        verify(conn, cast.roles, desk_facts(conn))


def test_what_a_leader_can_still_do_is_none_of_the_desk_s_data(
    pg_server: PgServer, pg_desk: str, cast: Cast
) -> None:
    """Pinned, and said in docs/postgres.md: what any role that may connect can do, with no
    privilege PostgreSQL lets a desk take away (short of a superuser revoking EXECUTE on
    catalogue functions): hold an advisory lock (the desk's write lock too: officers'
    writes then wait), send a notification on the desk's channel (dashboards re-read for
    nothing), make large objects. None of it reads or changes a row of the desk."""
    with connect_as(pg_server, dbname(pg_desk), cast.leader_login) as conn:
        conn.execute("SELECT pg_advisory_lock(1)")
        conn.execute("NOTIFY dutyboard")
        conn.execute("SELECT lo_create(0)")


def test_a_role_of_no_desk_cannot_even_connect(
    pg_server: PgServer, pg_desk: str, cast: Cast, made_roles: list[str]
) -> None:
    stranger = login(pg_server, made_roles, "stranger")
    with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
        connect_as(pg_server, dbname(pg_desk), stranger).close()


# -- applying -----------------------------------------------------------------------------------


def test_applying_twice_changes_nothing_and_quotes_every_name(
    pg_server: PgServer, pg_desk: str, made_roles: list[str]
) -> None:
    # A login PostgreSQL allows but SQL must quote: a capital, a space, a quote, Chinese.
    odd = login(pg_server, made_roles, "", spelled='Wang "Fang" 王芳 ' + secrets.token_hex(2))
    roles = DeskRoles(
        officer=fresh("officers", made_roles), leader=fresh("leaders", made_roles), leaders=(odd,)
    )
    database = dbname(pg_desk)
    with pg_server.connect(database) as conn:
        first = apply_roles(conn, roles)
        acl = _privileges(conn)
        second = apply_roles(conn, roles)
        assert _privileges(conn) == acl
        assert first == second and first.tables >= 20
        script = roles_script(conn, roles)
    assert sql.Identifier(odd).as_string() in script
    assert script.startswith("-- dutyboard") and script.rstrip().endswith("COMMIT;")
    # The printed script is the same statements: psql runs it, twice, as the owner.
    for _time in range(2):
        done = pg_server.run(_psql(pg_server), *_PSQL, "-d", pg_server.dsn(database),
                             "-c", script)  # fmt: skip
        assert done.returncode == 0, done.stderr
    with pg_server.connect(database) as conn:
        assert _privileges(conn) == acl
    with connect_as(pg_server, database, odd) as conn:
        shown = conn.execute("SHOW default_transaction_read_only").fetchone()
        assert shown is not None and shown[0] == "on"


def test_a_name_from_the_server_cannot_end_a_comment_of_the_script(pg_server: PgServer) -> None:
    database = pg_server.fresh_database("desk\nDROP TABLE requests; --")
    try:
        pg_engine.create_desk(PostgresLocation.parse(pg_server.url(database)))
        with pg_server.connect(database) as conn:
            script = roles_script(conn, DeskRoles())
        first, second = script.splitlines()[:2]
        assert first.endswith("of database desk DROP TABLE requests; --")  # one line
        assert second.startswith("-- ")
        assert 'DATABASE "desk\nDROP TABLE requests; --"' in script  # quoted, as it is
        done = pg_server.run(_psql(pg_server), *_PSQL, "-d", pg_server.dsn(database),
                             "-c", script)  # fmt: skip
        assert done.returncode == 0, done.stderr
        with pg_server.connect(database) as conn:
            assert conn.execute("SELECT to_regclass('requests')").fetchone() == ("requests",)
    finally:
        drop_roles(pg_server, database, [DEFAULT_OFFICER, DEFAULT_LEADER])
        pg_server.drop_database(database)


_PSQL = ("-X", "-q", "-v", "ON_ERROR_STOP=1")


def _psql(server: PgServer) -> str:
    return str(Path(server.binaries.tool("initdb")).resolve().parent / "psql")


def _privileges(conn: psycopg.Connection[Any]) -> list[Any]:
    """Every access list the roles touch: tables, sequences, functions, the schema, the
    database, default privileges, memberships and role settings."""
    return [
        *conn.execute(
            "SELECT relname, relacl::text FROM pg_class "
            "WHERE relnamespace = 'public'::regnamespace ORDER BY 1"
        ).fetchall(),
        *conn.execute(
            "SELECT proname, proacl::text FROM pg_proc "
            "WHERE pronamespace = 'public'::regnamespace ORDER BY 1"
        ).fetchall(),
        *conn.execute("SELECT nspacl::text FROM pg_namespace WHERE nspname = 'public'"),
        *conn.execute("SELECT datacl::text FROM pg_database WHERE datname = current_database()"),
        *conn.execute("SELECT defaclobjtype, defaclacl::text FROM pg_default_acl ORDER BY 1, 2"),
        *conn.execute(
            "SELECT roleid::regrole::text, member::regrole::text FROM pg_auth_members ORDER BY 1, 2"
        ),
        *conn.execute("SELECT setrole, setconfig::text FROM pg_db_role_setting ORDER BY 1"),
    ]


def test_a_leader_who_could_write_by_another_grant_is_refused_and_nothing_changes(
    pg_server: PgServer, pg_desk: str, made_roles: list[str]
) -> None:
    leader = login(pg_server, made_roles, "zhao_lei")
    database = dbname(pg_desk)
    roles = DeskRoles(
        officer=fresh("officers", made_roles), leader=fresh("leaders", made_roles),
        leaders=(leader,),
    )  # fmt: skip
    with pg_server.connect(database) as conn:
        conn.execute(sql.SQL("GRANT UPDATE ON arrivals TO {}").format(sql.Identifier(leader)))
        before = _privileges(conn)
        with pytest.raises(RolesError, match=f"{leader} could still write arrivals"):
            apply_roles(conn, roles)
        assert _privileges(conn) == before
        exists = conn.execute(
            "SELECT count(*) FROM pg_roles WHERE rolname = ANY(%s)",
            ([roles.officer, roles.leader],),
        ).fetchone()
        assert exists is not None and exists[0] == 0  # the groups' creation undone too


@pytest.mark.parametrize(
    ("setup", "roles_of", "said"),
    [
        ("CREATE ROLE {leader} LOGIN", lambda r: r, "exists and is more than a group role"),
        ("CREATE ROLE {leader} BYPASSRLS", lambda r: r, "exists and is more than a group role"),
        ("", lambda r: DeskRoles(r.officer, r.leader, leaders=("nobody_here_x",)),
         "there is no role nobody_here_x"),
        ("", lambda r: DeskRoles(r.officer, r.leader, leaders=("dutyboard",)),
         "dutyboard is a superuser"),
    ],
)  # fmt: skip
def test_roles_that_cannot_be_used_are_refused(
    pg_server: PgServer,
    pg_desk: str,
    made_roles: list[str],
    setup: str,
    roles_of: Any,
    said: str,
) -> None:
    base = DeskRoles(officer=fresh("officers", made_roles), leader=fresh("leaders", made_roles))
    with pg_server.connect(dbname(pg_desk)) as conn:
        if setup:
            conn.execute(setup.format(leader=base.leader))
        with pytest.raises(RolesError, match=said):
            apply_roles(conn, roles_of(base))


def test_only_the_owner_with_createrole_or_a_superuser_may_apply(
    pg_server: PgServer, pg_desk: str, cast: Cast
) -> None:
    database = dbname(pg_desk)
    with (
        connect_as(pg_server, database, cast.officer_login) as conn,
        pytest.raises(RolesError, match="only by the desk's owner"),
    ):
        apply_roles(conn, cast.roles)


def test_a_desk_owned_by_a_plain_role_with_createrole(
    pg_server: PgServer, made_roles: list[str]
) -> None:
    """The set-up of docs/postgres.md from nothing: an owner who is no superuser makes the
    desk, applies the roles and adds two officers and a leader."""
    owner = login(pg_server, made_roles, "desk_owner")
    officers = [login(pg_server, made_roles, "li_na"), login(pg_server, made_roles, "zhang_wei")]
    leader = login(pg_server, made_roles, "wang_fang")
    database = pg_server.fresh_database(prefix="owned")
    with pg_server.connect() as conn:
        conn.execute(sql.SQL("ALTER ROLE {} CREATEROLE").format(sql.Identifier(owner)))
        conn.execute(sql.SQL("ALTER DATABASE {} OWNER TO {}").format(
            sql.Identifier(database), sql.Identifier(owner)))  # fmt: skip
    roles = DeskRoles(
        officer=fresh("officers", made_roles), leader=fresh("leaders", made_roles),
        officers=tuple(officers), leaders=(leader,),
    )  # fmt: skip
    try:
        pg_engine.create_desk(PostgresLocation.parse(as_user(pg_server, database, owner)))
        with connect_as(pg_server, database, owner) as conn:
            applied = apply_roles(conn, roles)
            assert applied.desk.owner == owner
        for person in officers:
            store = Store.open(PostgresLocation.parse(as_user(pg_server, database, person)))
            try:
                store.add_request({"org": "Changchun FAO", "item": "masks"})
            finally:
                store.close()
        with connect_as(pg_server, database, leader) as conn:
            conn.execute("SET default_transaction_read_only = off")
            assert outcome(conn, "DELETE FROM requests") == INSUFFICIENT_PRIVILEGE
            row = conn.execute("SELECT count(*) FROM requests").fetchone()
            assert row is not None and row[0] == 2
    finally:
        # The owner owns the database: it goes first, and its privileges with it.
        pg_server.drop_database(database)
        drop_roles(pg_server, "postgres", made_roles)
        made_roles.clear()


@pytest.mark.parametrize(
    "name",
    ["", "Leaders", "1leaders", "pg_leaders", "PG_x", "public", "none", "current_user",
     "lead;ers", "lead ers", 'lead"ers', "lead$ers", "领导", "x" * 64, "a\nb"],
)  # fmt: skip
def test_a_group_role_name_is_plain_sql(name: str) -> None:
    with pytest.raises(RolesError):
        group_name(name)


@pytest.mark.parametrize("name", ["", "pg_monitor", "Public", "a\x00b", "a\x1bb", "é" * 32])
def test_a_member_name_is_any_role_postgresql_allows_but_these(name: str) -> None:
    with pytest.raises(RolesError):
        member_name(name)


def test_member_names_postgresql_allows_are_taken() -> None:
    for name in ("Wang Fang", "王芳", 'o"brien', "x" * 63, "li.na@desk"):
        assert member_name(name) == name
    assert group_name("desk_leaders_2") == "desk_leaders_2"


@pytest.mark.parametrize(
    ("roles", "said"),
    [
        (DeskRoles(officer="desk", leader="desk"), "two roles"),
        (DeskRoles(officers=("li",), leaders=("li",)), "both an officer and a leader"),
        (DeskRoles(leaders=(DEFAULT_OFFICER,)), "one of the desk's group roles"),
    ],
)
def test_role_sets_that_make_no_sense_are_refused(roles: DeskRoles, said: str) -> None:
    with pytest.raises(RolesError, match=said):
        roles.checked()


# -- the command -----------------------------------------------------------------------------


def _args(**given: Any) -> argparse.Namespace:
    values: dict[str, Any] = {
        "officer_role": DEFAULT_OFFICER,
        "leader_role": DEFAULT_LEADER,
        "add_officer": [],
        "add_leader": [],
        "apply": False,
        "role": "officer",
    }
    values.update(given)
    return argparse.Namespace(**values)


def _context(url: str | None) -> Context:
    location = PostgresLocation.parse(url) if url else None
    return Context(config=Config(), db_path=Path("unused"), user="t", location=location)


def test_the_command_prints_the_script_and_changes_nothing(
    pg_server: PgServer, pg_desk: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pg_server.connect(dbname(pg_desk)) as conn:
        before = _privileges(conn)
    assert command.run(_args(add_leader=["wang_fang"]), _context(pg_desk)) == 0
    out = capsys.readouterr().out
    # Every name quoted (psycopg.sql), plain ones too.
    assert 'CREATE ROLE "dutyboard_leader" NOLOGIN' in out
    assert 'GRANT "dutyboard_leader" TO "wang_fang"' in out
    assert 'ALTER ROLE "wang_fang" SET default_transaction_read_only = on' in out
    with pg_server.connect(dbname(pg_desk)) as conn:
        assert _privileges(conn) == before


def test_the_command_applies_the_default_roles(
    pg_server: PgServer, pg_desk: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The default names, once (they are the cluster's: dropped again after)."""
    leader_login = f"leader_{secrets.token_hex(3)}"
    names = [DEFAULT_OFFICER, DEFAULT_LEADER, leader_login]
    with pg_server.connect() as conn:
        taken = conn.execute(
            "SELECT count(*) FROM pg_roles WHERE rolname = ANY(%s)", (names[:2],)
        ).fetchone()
        assert taken is not None and taken[0] == 0, "another test left the default roles"
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(leader_login)))
    try:
        code = command.run(_args(apply=True, add_leader=[leader_login]), _context(pg_desk))
        assert code == 0
        out = capsys.readouterr().out.strip().splitlines()
        assert len(out) == 1
        assert "dutyboard_officer may change the rows" in out[0]
        assert f"leaders, read-only: {leader_login}" in out[0]
        with connect_as(pg_server, dbname(pg_desk), leader_login) as conn:
            assert outcome(conn, "DELETE FROM requests") == READ_ONLY_TRANSACTION
    finally:
        drop_roles(pg_server, dbname(pg_desk), names)


def test_the_command_refuses_a_sqlite_desk_and_a_leader_s_apply(pg_desk: str) -> None:
    with pytest.raises(UsageError, match="roles are PostgreSQL's"):
        command.run(_args(), _context(None))
    with pytest.raises(UsageError, match="changes no roles"):
        command.run(_args(apply=True, role="leader"), _context(pg_desk))
    with pytest.raises(RolesError, match="lower-case letters"):
        command.run(_args(leader_role="Leaders"), _context(pg_desk))


def test_the_command_names_a_database_without_a_desk(pg_url: str) -> None:
    from dutyboard.store.errors import NotADesk

    with pytest.raises(NotADesk, match="dutyboard init --db"):
        command.run(_args(), _context(pg_url))


def test_the_cli_prints_the_script(
    pg_desk: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:  # fmt: skip
    from dutyboard.cli import main

    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    monkeypatch.setenv("DUTYBOARD_CONFIG", str(config))
    monkeypatch.setenv("DUTYBOARD_LANG", "en")
    try:
        code = main(["--db", pg_desk, "pg-roles", "--leader-role", "desk_leaders"])
    finally:
        i18n.set_language("en")
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert 'CREATE ROLE "desk_leaders" NOLOGIN' in captured.out


# -- the catalogue ------------------------------------------------------------------------------


def _literals(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "_"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
    return found


def _keys(path: Path) -> list[str]:
    return [
        key.value
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Dict)
        for key in node.keys
        if isinstance(key, ast.Constant) and isinstance(key.value, str)
    ]


def test_every_line_has_its_chinese_in_one_catalogue() -> None:
    from dutyboard.locale import zh_CN, zh_CN_pgroles

    locale = REPO / "dutyboard" / "locale"
    ours = _keys(locale / "zh_CN_pgroles.py")
    assert len(ours) == len(set(ours))
    others = {
        path.name: set(_keys(path))
        for path in sorted(locale.glob("zh_CN*.py"))
        if path.name != "zh_CN_pgroles.py"
    }
    for name, keys in others.items():
        assert not set(ours) & keys, f"also in {name}: {sorted(set(ours) & keys)}"
    used = _literals(REPO / "dutyboard" / "store" / "pg_roles.py") | _literals(
        REPO / "dutyboard" / "commands" / "pg_roles.py"
    )
    elsewhere = set().union(*others.values())
    # Every line of the two modules is translated, here or (shared) in another catalogue,
    # and this one holds nothing they do not say.
    assert used <= set(ours) | elsewhere
    assert set(ours) <= used
    assert set(zh_CN_pgroles.MESSAGES) <= set(zh_CN.MESSAGES)
    for key, chinese in zh_CN_pgroles.MESSAGES.items():
        names = sorted(part.split("}")[0] for part in key.split("{")[1:])
        assert names == sorted(part.split("}")[0] for part in chinese.split("{")[1:]), key
        assert chinese.count("%") == key.count("%"), key


# -- a leader on a streaming replica ---------------------------------------------------------


@pytest.fixture(scope="module")
def primary() -> Iterator[PgServer]:
    """A server of the replica tests' own. pg_basebackup copies a whole cluster, and the
    session's server holds whatever databases the suite has made so far; this one holds
    a desk or two."""
    try:
        server = start_server()
    except PgServerUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)
    atexit.register(server.stop)
    try:
        yield server
    finally:
        server.stop()
        atexit.unregister(server.stop)


@dataclass
class Replica:
    primary: PgServer
    desk: str  # the desk's URL on the primary
    folder: Path  # the replica's data folder
    socket_dir: Path

    @property
    def url(self) -> str:
        """The same desk's URL on the replica."""
        return self.desk.replace(
            quote(str(self.primary.socket_dir), safe=""), quote(str(self.socket_dir), safe="")
        )


@pytest.fixture
def replica(primary: PgServer) -> Iterator[Replica]:
    """A hot standby streaming from ``primary`` (pg_basebackup -R) on a socket folder of
    its own, holding a fresh desk; stopped and removed after the test."""
    desk = primary.fresh_desk()
    bindir = Path(primary.binaries.tool("initdb")).resolve().parent
    folder = primary.folder / f"replica_{secrets.token_hex(3)}"
    socket_dir = folder / "socket"
    data = folder / "data"
    folder.mkdir()
    socket_dir.mkdir()
    if primary.account is not None:
        for path in (folder, socket_dir):
            os.chown(path, primary.account.uid, primary.account.gid)
    try:
        done = primary.run(
            str(bindir / "pg_basebackup"),
            *("-D", str(data), "-R", "-X", "stream", "-c", "fast", "--no-sync"),
            *("-h", str(primary.socket_dir), "-p", str(primary.port), "-U", primary.user),
        )
        assert done.returncode == 0, done.stderr
        with (data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            # Its own socket folder (the port only names the socket file: no TCP listens).
            conf.write(f"unix_socket_directories = '{socket_dir}'\nhot_standby = on\n")
        started = primary.run(
            "pg_ctl", *("-D", str(data), "-l", str(folder / "log"), "-w", "-t", "30", "start")
        )
        assert started.returncode == 0, started.stderr + started.stdout
        yield Replica(primary, desk, data, socket_dir)
    finally:
        if (data / "postmaster.pid").exists():
            primary.run("pg_ctl", *("-D", str(data), "-m", "immediate", "-w", "stop"))
        shutil.rmtree(folder, ignore_errors=True)
        primary.drop_database(dbname(desk))


def _until(condition: Any, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return bool(condition())


def test_a_leader_on_a_replica_sees_the_officers_writes(replica: Replica) -> None:
    officer = Store.open(PostgresLocation.parse(replica.desk), actor="Li Na")
    leader = Store.open(PostgresLocation.parse(replica.url), readonly=True)
    try:
        conn = leader.conn
        assert isinstance(conn, pg_engine.PgConnection) and conn.standby
        listening = conn.raw.execute("SELECT count(*) FROM pg_listening_channels()").fetchone()
        assert listening is not None and listening[0] == 0  # a standby refuses LISTEN
        seen = leader.data_version()
        request = officer.add_request({"org": "Wuhan 5th", "item": "N95"})
        assert _until(lambda: leader.data_version() > seen)
        assert _until(lambda: _exists(leader, request), timeout=2)
        # The replica refuses a write whatever the session says.
        raw = conn.raw
        raw.execute("SET default_transaction_read_only = off")
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            raw.execute("DELETE FROM requests")
    finally:
        officer.close()
        leader.close()


def _exists(store: Store, request_id: int) -> bool:
    with store.reading() as conn:
        return (
            conn.execute("SELECT 1 FROM requests WHERE id = ?", (request_id,)).fetchone()
            is not None
        )


def test_a_replica_is_asked_at_most_once_per_poll_and_never_in_a_transaction(
    replica: Replica, monkeypatch: pytest.MonkeyPatch
) -> None:
    leader = Store.open(PostgresLocation.parse(replica.url), readonly=True)
    try:
        conn = leader.conn
        assert isinstance(conn, pg_engine.PgConnection)
        asked: list[str] = []
        execute = conn.raw.execute

        def counted(query: Any, *args: Any, **kwargs: Any) -> Any:
            asked.append(str(query))
            return execute(query, *args, **kwargs)

        monkeypatch.setattr(conn.raw, "execute", counted)
        time.sleep(pg_engine.REPLAY_POLL_S)
        started = time.monotonic()
        while time.monotonic() - started < 3 * pg_engine.REPLAY_POLL_S:
            leader.data_version()
        polls = [q for q in asked if "pg_last_wal_replay_lsn" in q]
        assert 2 <= len(polls) <= 4, len(polls)
        asked.clear()
        time.sleep(pg_engine.REPLAY_POLL_S)
        with leader.reading():
            leader.data_version()
        assert not [q for q in asked if "pg_last_wal_replay_lsn" in q]
    finally:
        leader.close()


def test_a_promoted_replica_s_leader_listens_from_then_on(replica: Replica) -> None:
    """Failover: the standby becomes the primary under the leader's session; the session
    notices at its next poll, counts that as a change, and takes notifications after."""
    url = replica.url
    leader = Store.open(PostgresLocation.parse(url), readonly=True)
    try:
        conn = leader.conn
        assert isinstance(conn, pg_engine.PgConnection) and conn.standby
        seen = leader.data_version()
        promoted = replica.primary.run("pg_ctl", "-D", str(replica.folder), "-w", "promote")
        assert promoted.returncode == 0, promoted.stderr
        assert _until(lambda: leader.data_version() > seen and not conn.standby)
        seen = leader.data_version()
        officer = Store.open(PostgresLocation.parse(url), actor="Li Na")  # the new primary
        try:
            officer.add_request({"org": "Hankou", "item": "gloves"})
        finally:
            officer.close()
        assert _until(lambda: leader.data_version() > seen, timeout=3)
    finally:
        leader.close()
