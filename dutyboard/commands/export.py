"""``dutyboard export``: requests, leads, contacts or the supplies ledger as CSV, xlsx or
HXL-tagged CSV (requests and supplies). Reads the database read-only.

Rows stream out a keyset page at a time; a file is written beside ``--out`` and renamed
into place. CSV and xlsx show times in the desk's zone (``--utc`` keeps UTC); HXL always
carries UTC ISO-8601 times with their offset, for other tools to read.
"""

from __future__ import annotations

import argparse
import sys
from zoneinfo import ZoneInfo

from dutyboard import files
from dutyboard.commands import Context, Subparsers, UsageError, common_options
from dutyboard.commands.output import output_options, output_path, refused_error
from dutyboard.domain.status import LeadStatus, RequestStatus
from dutyboard.i18n import _

TABLES = ("requests", "leads", "contacts", "supplies")
STATUSES: dict[str, tuple[str, ...]] = {
    "requests": tuple(s.value for s in RequestStatus),
    "leads": tuple(s.value for s in LeadStatus),
}


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "export",
        help=_("export requests, leads, contacts or supplies (CSV, xlsx, HXL)"),
        description=_(
            "Write a table as CSV, xlsx or HXL-tagged CSV (requests and supplies). "
            "Cells a spreadsheet would run as formulas are neutralised. Reads the database "
            "read-only."
        ),
    )
    common_options(parser)
    parser.add_argument("table", choices=TABLES, help=_("what to export"))
    parser.add_argument("--format", choices=("csv", "xlsx", "hxl"), default="csv")
    parser.add_argument(
        "--filter", default="", metavar="TEXT", help=_("only records matching these words")
    )
    parser.add_argument(
        "--status",
        action="append",
        default=[],
        metavar="STATUS",
        help=_("only these statuses (repeat, or comma-separated); default: all"),
    )
    parser.add_argument(
        "--open", action="store_true", help=_("only open requests or leads (as the panels show)")
    )
    parser.add_argument(
        "--direction",
        choices=("received", "distributed"),
        help=_("supplies: only what came in, or only what went out"),
    )
    parser.add_argument(
        "--utc", action="store_true", help=_("CSV/xlsx: times in UTC instead of the desk's zone")
    )
    output_options(parser)
    parser.set_defaults(func=run)


def _statuses(table: str, given: list[str]) -> frozenset[str]:
    wanted = {s.strip() for item in given for s in item.split(",") if s.strip()}
    if not wanted:
        return frozenset()
    if table not in STATUSES:
        hint = _(" (use --direction)") if table == "supplies" else ""
        raise UsageError(_("{table} have no status to filter on").format(table=table) + hint)
    unknown = wanted - set(STATUSES[table])
    if unknown:
        raise UsageError(
            _("unknown {table} status {statuses} (known: {known})").format(
                table=table,
                statuses=", ".join(sorted(unknown)),
                known=", ".join(STATUSES[table]),
            )
        )
    return frozenset(wanted)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from dutyboard.reports import export
    from dutyboard.store import Store
    from dutyboard.store import supplies as ledger
    from dutyboard.store import views as v

    table: str = args.table
    fmt: str = args.format
    if fmt == "hxl" and table not in export.HXL_TABLES:
        raise UsageError(
            _("HXL export is for {tables}, not {table}").format(
                tables=_(" and ").join(export.HXL_TABLES), table=table
            )
        )
    if fmt == "xlsx" and args.out is None:
        raise UsageError(_("an xlsx export needs --out FILE"))
    if args.direction and table != "supplies":
        raise UsageError(_("--direction is for supplies only"))
    if args.open and table not in STATUSES:
        raise UsageError(_("--open is for requests and leads, not {table}").format(table=table))
    statuses = _statuses(table, args.status)
    ctx.require_desk()
    target = output_path(args, ctx)
    zone = None if args.utc or fmt == "hxl" else ZoneInfo(ctx.config.timezone)
    store = Store.open(ctx.desk, readonly=True, actor=ctx.user)
    try:
        if table == "supplies":
            rows = ledger.iter_ledger(store, direction=args.direction, text=args.filter)
        else:
            spec = v.ViewSpec(
                table,  # type: ignore[arg-type]
                text=args.filter,
                open_only=args.open,
                statuses=statuses,
            )
            rows = export.view_rows(store, spec)
        if target is not None:
            try:
                count = export.write_rows(rows, table, fmt, target, zone=zone, replace=args.force)
            except files.WriteRefused as refused:
                raise refused_error(refused) from None
            print(
                _("{count} {table} written to {path}").format(
                    count=f"{count:,}", table=_(table), path=target
                ),
                file=sys.stderr,
            )
        else:
            export.write_csv(rows, table, sys.stdout, zone=zone, hxl=fmt == "hxl")
            sys.stdout.flush()
    except export.ExportError as exc:
        raise UsageError(str(exc)) from None
    finally:
        store.close()
    return 0
