"""``dutyboard --db postgresql://… pg-roles``: a PostgreSQL desk's roles, officers who
write and leaders who only read, enforced by the server (issue 21).

It prints the SQL (the default: to read, or to run with ``psql``) or, with ``--apply``,
runs it in one transaction and checks the result, then says in one line what was
granted. What the SQL does, and why, is :mod:`dutyboard.store.pg_roles`; the operator's
guide is docs/postgres.md ("Roles").
"""

from __future__ import annotations

import argparse

from dutyboard.commands import Context, Subparsers, UsageError, common_options
from dutyboard.i18n import _


def register(sub: Subparsers) -> None:
    from dutyboard.commands.init import keep_indented_lines
    from dutyboard.store.pg_roles import DEFAULT_LEADER, DEFAULT_OFFICER

    parser = sub.add_parser(
        "pg-roles",
        help=_("print or apply a PostgreSQL desk's roles: officers write, leaders only read"),
        description=_(
            "Print the SQL that sets up a PostgreSQL desk's roles, or run it with --apply. "
            "Two group roles nobody logs in as: officers may read and change the desk's "
            "rows, leaders may only read them, and leaders' sessions start read-only. "
            "Nobody but the role that ran 'dutyboard init' may change the schema, and only "
            "the desk's roles may connect to its database. People log in as themselves and "
            "are made members with --add-officer and --add-leader (their login roles must "
            "exist). Applying twice changes nothing. Run it as the desk's owner with "
            "CREATEROLE, or as a superuser."
        ),
        epilog=_(
            "examples:\n"
            "  dutyboard --db postgresql://owner@db1/desk pg-roles > roles.sql\n"
            "  dutyboard --db postgresql://owner@db1/desk pg-roles --apply "
            "--add-officer li_na --add-leader wang_fang"
        ),
    )
    keep_indented_lines(parser)  # the examples line for line, the prose filled
    common_options(parser)
    parser.add_argument(
        "--officer-role",
        default=DEFAULT_OFFICER,
        metavar="NAME",
        help=_("the officers' group role (default: %(default)s)"),
    )
    parser.add_argument(
        "--leader-role",
        default=DEFAULT_LEADER,
        metavar="NAME",
        help=_("the leaders' group role (default: %(default)s)"),
    )
    parser.add_argument(
        "--add-officer",
        action="append",
        default=[],
        metavar="LOGIN",
        help=_("make this existing login role an officer (may be given more than once)"),
    )
    parser.add_argument(
        "--add-leader",
        action="append",
        default=[],
        metavar="LOGIN",
        help=_(
            "make this existing login role a leader, its sessions read-only (may be given "
            "more than once)"
        ),
    )
    parser.add_argument(
        "--apply",
        action="store_true",
        help=_("run the SQL in one transaction and check the result, instead of printing it"),
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from dutyboard.store import pg_engine
    from dutyboard.store.pg_roles import DeskRoles, apply_roles, roles_script

    location = ctx.location
    if location is None:
        raise UsageError(
            _(
                "{desk} is a SQLite desk: roles are PostgreSQL's (a SQLite desk's leaders are "
                "kept read-only by the file's permissions: docs/ssh.md)"
            ).format(desk=ctx.shown_desk)
        )
    if args.apply and getattr(args, "role", None) == "leader":
        raise UsageError(_("a leader's session changes no roles: run --apply as the desk's owner"))
    roles = DeskRoles(
        officer=args.officer_role,
        leader=args.leader_role,
        officers=tuple(dict.fromkeys(args.add_officer)),
        leaders=tuple(dict.fromkeys(args.add_leader)),
    ).checked()  # a bad name is refused before anything connects
    shown = location.masked()
    conn = pg_engine.connect(location, readonly=not args.apply)
    try:
        if not args.apply:
            print(roles_script(conn.raw, roles, where=shown), end="")
            return 0
        applied = apply_roles(conn.raw, roles, where=shown)
    finally:
        conn.close()
    line = _(
        "{url}: {officer} may change the rows of the desk's {tables} tables, {leader} may "
        "only read them; only {owner} may change the schema"
    ).format(
        url=shown,
        officer=roles.officer,
        leader=roles.leader,
        tables=applied.tables,
        owner=applied.desk.owner,
    )
    if roles.officers:
        line += _("; officers: {names}").format(names=", ".join(roles.officers))
    if roles.leaders:
        line += _("; leaders, read-only: {names}").format(names=", ".join(roles.leaders))
    print(line)
    return 0
