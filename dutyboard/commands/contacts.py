"""``dutyboard contacts export``: the contact list as vCard 4.0 (or CSV)."""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections.abc import Iterator
from typing import TextIO

from dutyboard import files
from dutyboard.commands import Context, Subparsers, common_options
from dutyboard.commands.output import output_options, output_path, refused_error
from dutyboard.i18n import _
from dutyboard.store import Row, Store
from dutyboard.store import views as v

CSV_COLUMNS = (
    "name",
    "org",
    "role",
    "country",
    "city",
    "tz",
    "work_hours",
    "weekend",
    "phone",
    "email",
    "wechat",
    "whatsapp",
    "languages",
    "last_contacted",
)


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "contacts",
        help=_("export contacts (vCard or CSV)"),
        description=_("Export the contact list. Reads the database read-only."),
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    export = actions.add_parser(
        "export",
        help=_("write contacts as vCard 4.0 or CSV"),
        description=_("Write all contacts (or those matching --filter) as vCard 4.0 or CSV."),
    )
    common_options(export)
    export.add_argument("--format", choices=("vcard", "csv"), default="vcard")
    export.add_argument(
        "--filter",
        default="",
        metavar="TEXT",
        help=_("only contacts matching these words (name, org, city, …)"),
    )
    output_options(export)
    export.set_defaults(func=run_export)


def _rows(store: Store, text: str) -> Iterator[Row]:
    # Keyset pages: a 100,000-contact list streams out without being held in memory.
    spec = v.ViewSpec("contacts", sort="name", text=text)
    key: v.Key | None = None
    while True:
        page = v.page(store, spec, key, 1000)
        if not page:
            return
        yield from page
        key = v.key_of(spec, page[-1])


def run_export(args: argparse.Namespace, ctx: Context) -> int:
    from dutyboard.reports.cells import spreadsheet_safe
    from dutyboard.reports.vcard import contact_card

    ctx.require_desk()
    target = output_path(args, ctx)
    store = Store.open(ctx.desk, readonly=True)
    buffer = io.StringIO()
    out: TextIO = buffer if target else sys.stdout
    count = 0
    try:
        if args.format == "vcard":
            for row in _rows(store, args.filter):
                out.write(contact_card(row))
                count += 1
        else:
            writer = csv.writer(out)
            writer.writerow(CSV_COLUMNS)
            for row in _rows(store, args.filter):
                writer.writerow([spreadsheet_safe(row.get(c)) for c in CSV_COLUMNS])
                count += 1
    finally:
        store.close()
    if target:
        try:
            with files.atomic_output(target, replace=args.force) as tmp:
                tmp.write_text(buffer.getvalue(), encoding="utf-8")
        except files.WriteRefused as refused:
            raise refused_error(refused) from None
        print(
            _("{count} contacts written to {path}").format(count=count, path=target),
            file=sys.stderr,
        )
    return 0
