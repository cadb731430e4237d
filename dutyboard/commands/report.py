"""``dutyboard report``: the daily report (in, out, open needs, leads, notable events).

Reads the database read-only. ``--date`` is a calendar day in the desk's zone (default:
today there); ``--lang`` picks English or Simplified Chinese for this report only.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from zoneinfo import ZoneInfo

from dutyboard import files
from dutyboard.commands import Context, Subparsers, UsageError, common_options
from dutyboard.commands.output import output_options, output_path, refused_error
from dutyboard.domain import clock
from dutyboard.i18n import LANGUAGES, _


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "report",
        help=_("the daily report: what came in, what went out, open needs, leads, events"),
        description=_(
            "Make the daily report for one day in the desk's time zone: goods and "
            "funds received, goods distributed, totals to date, open needs, the leads "
            "pipeline and notable events. Reads the database read-only."
        ),
    )
    common_options(parser)
    parser.add_argument(
        "--date",
        default="today",
        metavar="D",
        help=_(
            "the day: YYYY-MM-DD, 'today', 'yesterday' or -N (N days back) in the desk's "
            "zone (default today)"
        ),
    )
    parser.add_argument("--format", choices=("md", "csv", "xlsx"), default="md")
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        # SUPPRESS: never overwrite a global `dutyboard --lang X report` with None.
        default=argparse.SUPPRESS,
        help=_("the report's language (default: the interface language)"),
    )
    output_options(parser)
    parser.set_defaults(func=run)


def parse_day(text: str, today: date) -> date:
    try:
        return clock.parse_day(text, today)
    except ValueError as exc:
        raise UsageError(_("--date {error}").format(error=exc)) from None


def run(args: argparse.Namespace, ctx: Context) -> int:
    from dutyboard.domain.supplies import SuppliesConfigError, SupplyCatalog, load_catalog
    from dutyboard.reports import daily
    from dutyboard.store import Store

    if args.format == "xlsx" and args.out is None:
        raise UsageError(_("an xlsx report needs --out FILE"))
    ctx.require_desk()
    target = output_path(args, ctx)
    try:
        catalog = (
            load_catalog(ctx.config.source_path) if ctx.config.source_path else SupplyCatalog()
        )
    except SuppliesConfigError as exc:
        raise UsageError(str(exc)) from None
    store = Store.open(ctx.desk, readonly=True, actor=ctx.user)
    try:
        today = store.clock().astimezone(ZoneInfo(ctx.config.timezone)).date()
        day = parse_day(args.date, today)
        report = daily.build_daily_report(
            store,
            day,
            timezone=ctx.config.timezone,
            desk_name=ctx.config.desk_name,
            catalog=catalog,
        )
    finally:
        store.close()
    with daily.language(getattr(args, "lang", None)):
        if target is not None:
            try:
                daily.write_report(report, args.format, target, replace=args.force)
            except files.WriteRefused as refused:
                raise refused_error(refused) from None
            print(
                _("report for {day} written to {path}").format(day=day, path=target),
                file=sys.stderr,
            )
            return 0
        text = daily.render_csv(report) if args.format == "csv" else daily.render_markdown(report)
    sys.stdout.write(text)
    sys.stdout.flush()
    return 0
