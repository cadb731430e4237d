"""A PostgreSQL desk's roles (issue 21): officers write, leaders only read, and the server
is what says so.

Two group roles that nobody logs in as (``NOLOGIN``); each person logs in with a role of
their own that is made a member of one of them:

* **officers** (:data:`DEFAULT_OFFICER`) may read and change the desk's rows (``SELECT``,
  ``INSERT``, ``UPDATE``, ``DELETE`` on every table but the schema record), use its
  sequences (``USAGE``, ``SELECT``, and ``UPDATE``: an import that keeps ids moves a key's
  sequence on with ``setval``) and execute its functions;
* **leaders** (:data:`DEFAULT_LEADER`) get ``SELECT`` on every table and ``EXECUTE`` on
  the functions (the JSON readers and ``total`` the store's reads call; every one of the
  desk's functions runs with its caller's rights, so this gives nothing ``SELECT`` does
  not), and nothing else. Their sessions start read-only: ``ALTER ROLE … SET
  default_transaction_read_only = on`` on the group and on each member (a role's settings
  are not inherited by its members, so each member carries its own). A leader can turn
  that off for a session; the missing privileges still refuse every write.

Neither may change the schema: it stays owned by the role that ran ``dutyboard init``
(nothing here changes an owner), ``CREATE`` on the schema is revoked from ``PUBLIC``, and
neither group is granted it. ``CONNECT`` on the database is revoked from ``PUBLIC`` and
granted to the two groups and the owner, so a role of no desk cannot even read (and a
leader cannot make temporary tables, which ``PUBLIC`` may by default). Default privileges
for the owner give tables, sequences and functions that later schema steps add the same
grants. Advisory locks and ``LISTEN``/``NOTIFY`` need no privilege in PostgreSQL.

Everything is one script (:func:`roles_statements`), written with :mod:`psycopg.sql` so
every name is quoted, and idempotent: applying it twice changes nothing and raises no
error. :func:`apply_roles` runs it in one transaction and then checks the result with
``has_*_privilege`` (a leader that can write a table through some other grant, a
superuser leader, an officer that cannot write, a group that may create in the schema:
each undoes the whole transaction with one line). :func:`roles_script` is the same
statements as text, for ``psql``.

psycopg is imported when a function here runs, never when the module is imported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dutyboard.i18n import _
from dutyboard.store.engine import APPLICATION_ID
from dutyboard.store.errors import NotADesk, StoreError

if TYPE_CHECKING:
    import psycopg
    from psycopg import sql

DEFAULT_OFFICER = "dutyboard_officer"
DEFAULT_LEADER = "dutyboard_leader"
# The desk's schema record: officers read it (to know the version), only the owner writes.
SCHEMA_TABLE = "_dutyboard_schema"
# What an officer may do to a table's rows; a leader gets the first only.
OFFICER_TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE")
OFFICER_SEQUENCE_PRIVILEGES = ("USAGE", "SELECT", "UPDATE")
# The privileges that change a table, its rows or its sequence: a leader holds none.
WRITE_PRIVILEGES = ("INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
# A group role the script makes: plain lower-case SQL names, so a person can type it in
# psql unquoted, and dollar-quoting the role check (below) cannot be broken by a name.
_GROUP_NAME = re.compile(r"[a-z_][a-z0-9_]*")
# Names PostgreSQL keeps for itself (a role cannot be called so, or means something else).
_RESERVED = frozenset({"public", "none", "current_user", "session_user", "current_role"})
_NAME_BYTES = 63  # NAMEDATALEN - 1: a longer name would be cut short by the server
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class RolesError(StoreError):
    """The roles were not set up: a bad name, a role that cannot be used, a refusal."""


@dataclass(frozen=True)
class DeskRoles:
    """The desk's two group roles and the people (login roles) to add to them."""

    officer: str = DEFAULT_OFFICER
    leader: str = DEFAULT_LEADER
    officers: tuple[str, ...] = ()
    leaders: tuple[str, ...] = ()

    def checked(self) -> DeskRoles:
        """These roles with every name checked; :class:`RolesError` naming a bad one."""
        group_name(self.officer)
        group_name(self.leader)
        if self.officer == self.leader:
            raise RolesError(
                _("the officer and the leader role must be two roles, not both {name}").format(
                    name=self.officer
                )
            )
        for name in (*self.officers, *self.leaders):
            member_name(name)
        both = sorted(set(self.officers) & set(self.leaders))
        if both:
            raise RolesError(
                _("{name} cannot be both an officer and a leader: a leader only reads").format(
                    name=both[0]
                )
            )
        groups = {self.officer, self.leader}
        named = sorted(groups & {*self.officers, *self.leaders})
        if named:
            raise RolesError(
                _("{name} is one of the desk's group roles, not a person's login").format(
                    name=named[0]
                )
            )
        return self


@dataclass(frozen=True)
class DeskFacts:
    """Where the desk is, as the script needs it: names read from the server."""

    database: str
    schema: str
    owner: str


def group_name(name: str) -> str:
    """``name`` if it can be one of the desk's group roles; :class:`RolesError` if not."""
    _check_common(name)
    if not _GROUP_NAME.fullmatch(name):
        raise RolesError(
            _(
                "role name {name!r}: a desk's group role is lower-case letters, digits and _ "
                "(not first a digit), such as dutyboard_leader"
            ).format(name=name)
        )
    return name


def member_name(name: str) -> str:
    """``name`` if it can name an existing login role; :class:`RolesError` if not. Any
    spelling PostgreSQL allows is taken (it is quoted where it is used)."""
    _check_common(name)
    return name


def _check_common(name: str) -> None:
    if not name or _CONTROL.search(name):
        raise RolesError(
            _("role name {name!r}: a role name is not empty and holds no control characters")
            .format(name=name)
        )  # fmt: skip
    if len(name.encode("utf-8")) > _NAME_BYTES:
        raise RolesError(
            _("role name {name!r} is longer than PostgreSQL's {limit} bytes").format(
                name=name[:20] + "…", limit=_NAME_BYTES
            )
        )
    if name.lower() in _RESERVED or name.lower().startswith("pg_"):
        raise RolesError(
            _("role name {name!r} is reserved by PostgreSQL (public, none, current_user, pg_…)")
            .format(name=name)
        )  # fmt: skip


# -- the script ------------------------------------------------------------------------------


def desk_facts(conn: psycopg.Connection[Any], *, where: str | None = None) -> DeskFacts:
    """The database, schema and owner of the desk ``conn`` is in (its current schema);
    :class:`NotADesk` when there is none (``where`` names the database in that line: the
    caller's masked URL). The owner is the role that owns the schema record, which is the
    role that ran ``dutyboard init``."""
    from dutyboard.store import pg_schema

    if not pg_schema.is_desk(conn):
        shown = where if where is not None else conn.info.dbname
        raise NotADesk(
            _("{url} holds no dutyboard desk: make one with `dutyboard init --db {url}`").format(
                url=shown
            )
        )
    row = conn.execute(
        "SELECT current_database(), current_schema(), pg_catalog.pg_get_userbyid(c.relowner) "
        "FROM pg_catalog.pg_class c "
        "WHERE c.relname = %s AND c.relnamespace = "
        "(SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = current_schema())",
        (SCHEMA_TABLE,),
    ).fetchone()
    assert row is not None  # is_desk found the table
    return DeskFacts(database=str(row[0]), schema=str(row[1]), owner=str(row[2]))


@dataclass(frozen=True)
class Part:
    """A few statements of the script under one comment saying why."""

    why: str
    statements: tuple[sql.Composed, ...]


def roles_statements(roles: DeskRoles, desk: DeskFacts) -> list[Part]:
    """The whole set-up for ``desk``, in order, each part with its reason (translated)."""
    from psycopg import sql

    roles = roles.checked()
    names: dict[str, sql.Composable] = {
        "officer": sql.Identifier(roles.officer),
        "leader": sql.Identifier(roles.leader),
        "groups": sql.SQL(", ").join([sql.Identifier(roles.officer), sql.Identifier(roles.leader)]),
        "db": sql.Identifier(desk.database),
        "schema": sql.Identifier(desk.schema),
        "owner": sql.Identifier(desk.owner),
        "marker": sql.Identifier(desk.schema, SCHEMA_TABLE),
        "rows": sql.SQL(", ".join(OFFICER_TABLE_PRIVILEGES)),
        "sequences": sql.SQL(", ".join(OFFICER_SEQUENCE_PRIVILEGES)),
    }
    names["default"] = sql.SQL(
        "ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema}"
    ).format(**names)

    def s(*texts: str) -> tuple[sql.Composed, ...]:
        return tuple(sql.SQL(text).format(**names) for text in texts)

    parts = [
        Part(
            _("the two group roles: nobody logs in as them (a person's role is a member)"),
            (_group_role(roles.officer), _group_role(roles.leader)),
        ),
        Part(
            _("a leader's sessions start read-only (each member gets the setting below too)"),
            s("ALTER ROLE {leader} SET default_transaction_read_only = on"),
        ),
        Part(
            _("only the desk's roles and its owner may connect to its database"),
            s(
                "REVOKE CONNECT, TEMPORARY ON DATABASE {db} FROM PUBLIC",
                "GRANT CONNECT ON DATABASE {db} TO {groups}",
                "GRANT CONNECT, TEMPORARY ON DATABASE {db} TO {owner}",
            ),
        ),
        Part(
            _("nobody but the owner changes the schema; both groups may look into it"),
            s(
                "REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC",
                "GRANT USAGE ON SCHEMA {schema} TO {groups}",
            ),
        ),
        Part(
            _("officers read and change rows, use the sequences and run the functions"),
            s(
                "GRANT {rows} ON ALL TABLES IN SCHEMA {schema} TO {officer}",
                "REVOKE INSERT, UPDATE, DELETE ON {marker} FROM {officer}",
                "GRANT {sequences} ON ALL SEQUENCES IN SCHEMA {schema} TO {officer}",
                "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {schema} TO {officer}",
            ),
        ),
        Part(
            _("leaders read, and run the functions the reads call"),
            s(
                "GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {leader}",
                "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {schema} TO {leader}",
            ),
        ),
        Part(
            _("what later schema steps add gets the same grants"),
            s(
                "{default} GRANT {rows} ON TABLES TO {officer}",
                "{default} GRANT SELECT ON TABLES TO {leader}",
                "{default} GRANT {sequences} ON SEQUENCES TO {officer}",
                "{default} GRANT EXECUTE ON FUNCTIONS TO {groups}",
            ),
        ),
    ]
    members: list[sql.Composed] = []
    for person in roles.officers:
        names["person"] = sql.Identifier(person)
        members.extend(s("GRANT {officer} TO {person}"))
    for person in roles.leaders:
        names["person"] = sql.Identifier(person)
        members.extend(
            s(
                "GRANT {leader} TO {person}",
                "ALTER ROLE {person} SET default_transaction_read_only = on",
            )
        )
    if members:
        parts.append(Part(_("the people: each logs in as themselves"), tuple(members)))
    return parts


def _group_role(name: str) -> sql.Composed:
    """Create the group role ``name`` unless it exists; refuse one that is more than a
    group (it can log in, or has an attribute such as SUPERUSER or BYPASSRLS) rather than
    strip it: someone made it for something else."""
    from psycopg import sql

    group_name(name)  # the name sits inside a dollar-quoted block: it must be plain
    body = sql.SQL(
        """
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = {literal}) THEN
        CREATE ROLE {name} NOLOGIN;
    ELSIF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = {literal}
            AND (rolcanlogin OR rolsuper OR rolcreaterole OR rolcreatedb
                 OR rolreplication OR rolbypassrls)) THEN
        RAISE EXCEPTION 'role % exists and is more than a group role', {literal};
    END IF;
END"""
    ).format(literal=sql.Literal(name), name=sql.Identifier(name))
    return sql.SQL("DO $roles${body}\n$roles$").format(body=body)


def roles_script(
    conn: psycopg.Connection[Any], roles: DeskRoles, *, where: str | None = None
) -> str:
    """The set-up of the desk in ``conn``'s current schema as SQL text for ``psql``:
    one transaction, a comment before each part saying why. Only reads."""
    desk = desk_facts(conn, where=where)
    lines = [
        _comment(
            _("dutyboard: the roles of the desk in schema {schema} of database {database}").format(
                schema=desk.schema, database=desk.database
            )
        ),
        _comment(
            _(
                "run as the desk's owner ({owner}) with CREATEROLE, or as a superuser; "
                "applying it twice changes nothing"
            ).format(owner=desk.owner)
        ),
        "BEGIN;",
    ]
    for part in roles_statements(roles, desk):
        lines.append("")
        lines.append(_comment(part.why))
        lines.extend(statement.as_string(conn) + ";" for statement in part.statements)
    lines += ["", "COMMIT;"]
    return "\n".join(lines) + "\n"


def _comment(text: str) -> str:
    """One SQL comment line. The names in it are the server's (a database may be named
    with a line break in it): a control character would end the comment and make the
    rest of the name SQL that psql runs, so each one becomes a space."""
    return "-- " + _CONTROL.sub(" ", text)


# -- applying it -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Applied:
    """What :func:`apply_roles` set up."""

    desk: DeskFacts
    roles: DeskRoles
    tables: int


def apply_roles(
    conn: psycopg.Connection[Any], roles: DeskRoles, *, where: str | None = None
) -> Applied:
    """Set up ``roles`` on the desk in ``conn``'s current schema, in one transaction, and
    check the result; nothing changes when anything is refused (:class:`RolesError`).

    ``conn`` must be in autocommit mode with no transaction open (a dutyboard session's
    ``raw`` connection is). Two calls at once queue on the desk's write lock.
    """
    import psycopg

    roles = roles.checked()
    try:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (APPLICATION_ID,))
            desk = desk_facts(conn, where=where)
            _check_runner(conn, desk)
            _check_existing(conn, roles)
            for part in roles_statements(roles, desk):
                for statement in part.statements:
                    conn.execute(statement)
            tables = verify(conn, roles, desk)
    except psycopg.Error as exc:
        reason = (getattr(exc.diag, "message_primary", None) or str(exc)).strip()
        raise RolesError(
            _("the roles were not set up (nothing changed): {reason}").format(reason=reason)
        ) from exc
    return Applied(desk=desk, roles=roles, tables=tables)


def _check_runner(conn: psycopg.Connection[Any], desk: DeskFacts) -> None:
    """Refuse, in words, a role that could apply only part of the script: PostgreSQL
    grants what it can on a table it does not own with a mere warning."""
    row = conn.execute(
        "SELECT r.rolsuper, r.rolcreaterole, "
        "pg_catalog.pg_has_role(current_user, %s::name, 'USAGE') "
        "FROM pg_catalog.pg_roles r WHERE r.rolname = current_user",
        (desk.owner,),
    ).fetchone()
    superuser, createrole, owner = (bool(v) for v in row) if row else (False, False, False)
    if not (superuser or (createrole and owner)):
        raise RolesError(
            _(
                "the roles can be set up only by the desk's owner ({owner}) with CREATEROLE, "
                "or by a superuser; this session is {user}"
            ).format(owner=desk.owner, user=conn.info.user)
        )


def _check_existing(conn: psycopg.Connection[Any], roles: DeskRoles) -> None:
    """The people must exist and be plain logins; the groups, if they exist, plain groups."""
    names = [roles.officer, roles.leader, *roles.officers, *roles.leaders]
    rows = conn.execute(
        "SELECT rolname, rolcanlogin, rolsuper OR rolcreaterole OR rolcreatedb "
        "OR rolreplication OR rolbypassrls, rolsuper "
        "FROM pg_catalog.pg_roles WHERE rolname = ANY(%s::name[])",
        (names,),
    ).fetchall()
    found = {str(r[0]): (bool(r[1]), bool(r[2]), bool(r[3])) for r in rows}
    for group in (roles.officer, roles.leader):
        login, attributes, _superuser = found.get(group, (False, False, False))
        if login or attributes:
            raise RolesError(
                _(
                    "the role {name} exists and is more than a group role (it can log in or "
                    "has attributes such as SUPERUSER): pick another name"
                ).format(name=group)
            )
    for person in (*roles.officers, *roles.leaders):
        if person not in found:
            raise RolesError(
                _("there is no role {name}: create the person's login first (CREATE ROLE … LOGIN)")
                .format(name=person)
            )  # fmt: skip
    for person in roles.leaders:
        if found[person][2]:
            raise RolesError(
                _("{name} is a superuser: a superuser passes every check, so it cannot be a leader")
                .format(name=person)
            )  # fmt: skip


def verify(conn: psycopg.Connection[Any], roles: DeskRoles, desk: DeskFacts) -> int:
    """Check what the roles can do now; :class:`RolesError` naming the first thing wrong.
    The number of the desk's tables checked. Run inside :func:`apply_roles`'s transaction
    (so a failure undoes it), or afterwards on its own."""
    tables = [
        str(r[0])
        for r in conn.execute(
            "SELECT c.relname FROM pg_catalog.pg_class c "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'p') ORDER BY c.relname",
            (desk.schema,),
        ).fetchall()
    ]
    for reader in (roles.leader, *roles.leaders):
        _refuse_writer(conn, reader, desk)
    for role in (roles.officer, roles.leader, *roles.officers, *roles.leaders):
        _require(conn, role, desk, tables, "SELECT")
        if role != desk.owner and _one(
            conn, "SELECT has_schema_privilege(%s::name, %s::text, 'CREATE')", (role, desk.schema)
        ):
            raise RolesError(
                _("{role} may create objects in the schema {schema}: only the owner may").format(
                    role=role, schema=desk.schema
                )
            )
    for writer in (roles.officer, *roles.officers):
        rows = [t for t in tables if t != SCHEMA_TABLE]
        for privilege in OFFICER_TABLE_PRIVILEGES:
            _require(conn, writer, desk, rows, privilege)
    return len(tables)


def _refuse_writer(conn: psycopg.Connection[Any], role: str, desk: DeskFacts) -> None:
    if _one(conn, "SELECT rolsuper OR rolbypassrls FROM pg_catalog.pg_roles WHERE rolname = %s",
            (role,)):  # fmt: skip
        raise RolesError(
            _("{name} is a superuser: a superuser passes every check, so it cannot be a leader")
            .format(name=role)
        )  # fmt: skip
    checks = " OR ".join(
        f"has_table_privilege(%(role)s::name, c.oid, '{p}')" for p in WRITE_PRIVILEGES
    )
    found = conn.execute(
        f"SELECT c.relname FROM pg_catalog.pg_class c "
        f"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        f"WHERE n.nspname = %(schema)s::name AND c.relkind IN ('r', 'p') AND ({checks}) "
        f"UNION ALL "
        f"SELECT c.relname FROM pg_catalog.pg_class c "
        f"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        f"WHERE n.nspname = %(schema)s::name AND c.relkind = 'S' "
        f"AND (has_sequence_privilege(%(role)s::name, c.oid, 'UPDATE') "
        f"OR has_sequence_privilege(%(role)s::name, c.oid, 'USAGE')) "
        f"UNION ALL "
        f"SELECT %(database)s::text "
        f"WHERE has_database_privilege(%(role)s::name, %(database)s::text, 'TEMPORARY') "
        f"LIMIT 1",
        {"role": role, "schema": desk.schema, "database": desk.database},
    ).fetchone()
    if found is not None:
        raise RolesError(
            _(
                "{role} could still write {what} through another grant (a membership or a "
                "privilege given before): a leader must not; revoke it and apply again"
            ).format(role=role, what=found[0])
        )


def _require(
    conn: psycopg.Connection[Any],
    role: str,
    desk: DeskFacts,
    tables: list[str],
    privilege: str,
) -> None:
    assert privilege in OFFICER_TABLE_PRIVILEGES
    missing = conn.execute(
        "SELECT t FROM unnest(%s::text[]) AS t "
        f"WHERE NOT has_table_privilege(%s::name, format('%%I.%%I', %s::text, t), '{privilege}') "
        "LIMIT 1",
        (tables, role, desk.schema),
    ).fetchone()
    if missing is not None:
        raise RolesError(
            _("{role} lacks {privilege} on {table} after the grants: apply again as the owner")
            .format(role=role, privilege=privilege, table=missing[0])
        )  # fmt: skip


def _one(conn: psycopg.Connection[Any], query: str, params: tuple[Any, ...]) -> bool:
    row = conn.execute(query, params).fetchone()
    return bool(row and row[0])


__all__ = [
    "DEFAULT_LEADER",
    "DEFAULT_OFFICER",
    "Applied",
    "DeskFacts",
    "DeskRoles",
    "Part",
    "RolesError",
    "apply_roles",
    "desk_facts",
    "group_name",
    "member_name",
    "roles_script",
    "roles_statements",
    "verify",
]
