"""Exports: a panel's view, or the supplies ledger, as CSV, xlsx or HXL-tagged CSV.

Rows are streamed a keyset page at a time (:mod:`dutyboard.store.views`, or the ledger's
own pager), so a 100,000-row table goes out without ever being held in memory; xlsx is
written by openpyxl's write-only workbook for the same reason. Files are written to a
temporary name beside the target and renamed into place: a reader never sees half a file.

Every text cell goes through :func:`~dutyboard.reports.cells.spreadsheet_safe`, so a
value such as ``=HYPERLINK(…)`` opens as text, not as a live formula. In HXL (meant for
machines as much as for spreadsheets) a value made only of digits, spaces and ``+-().``
— a phone number like ``+86 431 8…`` — is left as it is: it cannot call anything, and an
apostrophe would change the number other tools read.

HXL (https://hxlstandard.org): a header row, then a row of hashtags that other relief
tools (and dutyboard's own importer, :mod:`dutyboard.ingest.aliases`) read by tag.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any, Literal, TextIO

from dutyboard import files
from dutyboard.domain.clock import from_iso
from dutyboard.i18n import _
from dutyboard.reports.cells import spreadsheet_safe
from dutyboard.store import Row, Store
from dutyboard.store import supplies as ledger
from dutyboard.store import views as v

Format = Literal["csv", "xlsx", "hxl"]
FORMATS: tuple[str, ...] = ("csv", "xlsx", "hxl")
HXL_TABLES = ("requests", "supplies")
EXPORT_TABLES = ("requests", "leads", "contacts", "supplies")
PAGE = 1000

# table → (column, English header, how the value is written). Headers go through _().
ColumnKind = Literal["int", "number", "text", "time"]
COLUMNS: dict[str, tuple[tuple[str, str, ColumnKind], ...]] = {
    "requests": (
        ("id", "ID", "int"),
        ("received_at", "Received at", "time"),
        ("org", "Requesting unit", "text"),
        ("requester", "Contact person", "text"),
        ("phone", "Phone", "text"),
        ("email", "E-mail", "text"),
        ("item", "Item", "text"),
        ("quantity", "Quantity", "number"),
        ("unit", "Unit", "text"),
        ("priority", "Priority", "text"),
        ("due_by", "Due by", "time"),
        ("status", "Status", "text"),
        ("assignee", "Owner", "text"),
        ("notes", "Notes", "text"),
    ),
    "leads": (
        ("id", "ID", "int"),
        ("supplier", "Supplier", "text"),
        ("country", "Country", "text"),
        ("contact_name", "Contact person", "text"),
        ("phone", "Phone", "text"),
        ("email", "E-mail", "text"),
        ("item", "Item", "text"),
        ("quantity", "Quantity", "number"),
        ("unit", "Unit", "text"),
        ("unit_price", "Unit price", "number"),
        ("currency", "Currency", "text"),
        ("certification", "Certification", "text"),
        ("lead_time_days", "Lead time (days)", "int"),
        ("status", "Stage", "text"),
        ("closure_reason", "Closure reason", "text"),
        ("next_action_at", "Next action", "time"),
        # What to do then (the panel's "To do"); "Next step" is a header the leads
        # importer reads back into the same field.
        ("next_action", "Next step", "text"),
        ("assignee", "Owner", "text"),
        ("notes", "Notes", "text"),
    ),
    "contacts": (
        ("id", "ID", "int"),
        ("name", "Name", "text"),
        ("org", "Organisation", "text"),
        ("role", "Role", "text"),
        ("country", "Country", "text"),
        ("city", "City", "text"),
        ("tz", "Time zone", "text"),
        ("work_hours", "Working hours", "text"),
        ("weekend", "Weekend", "text"),
        ("languages", "Languages", "text"),
        ("phone", "Phone", "text"),
        ("email", "E-mail", "text"),
        ("wechat", "WeChat", "text"),
        ("whatsapp", "WhatsApp", "text"),
        ("tags", "Tags", "text"),
        ("last_contacted", "Last contacted", "time"),
    ),
    "supplies": (
        ("id", "ID", "int"),
        ("at", "Time", "time"),
        ("direction", "Direction", "text"),
        ("kind", "Kind", "text"),
        ("counterparty", "From / to", "text"),
        ("item", "Item", "text"),
        ("category", "Category", "text"),
        ("quantity", "Quantity", "number"),
        ("unit", "Unit", "text"),
        ("base_quantity", "Quantity in base unit", "number"),
        ("base_unit", "Base unit", "text"),
        ("amount", "Amount", "number"),
        ("currency", "Currency", "text"),
        ("request_id", "Request", "int"),
        ("lead_id", "Lead", "int"),
        ("notes", "Notes", "text"),
        ("actor", "Recorded by", "text"),
    ),
}

# column → HXL hashtag. Tags the importer knows land in the same fields again; the
# others (#status, #meta+assignee, #indicator+direction …) come back in its "extra".
HXL_TAGS: dict[str, dict[str, str]] = {
    "requests": {
        "id": "#meta+id",
        "received_at": "#date+reported",
        "org": "#org",
        "requester": "#contact+name",
        "phone": "#contact+phone",
        "email": "#contact+email",
        "item": "#item+name",
        "quantity": "#quantity",
        "unit": "#item+unit",
        "priority": "#priority",
        "due_by": "#date+due",
        "status": "#status",
        "assignee": "#meta+assignee",
        "notes": "#meta+notes",
    },
    "supplies": {
        "id": "#meta+id",
        "at": "#date+reported",
        "direction": "#indicator+direction",
        "kind": "#indicator+kind",
        "counterparty": "#org",
        "item": "#item+name",
        "category": "#meta+category",
        # #quantity before #value: both mean "quantity" to a requests importer, and the
        # earlier column wins there, so the amount lands in extra, not in quantity.
        "quantity": "#quantity",
        "unit": "#item+unit",
        "base_quantity": "#meta+base_qty",
        "base_unit": "#meta+base_unit",
        "amount": "#value+amount",
        "currency": "#currency",
        "request_id": "#meta+request",
        "lead_id": "#meta+lead",
        "notes": "#meta+notes",
    },
}

_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_HARMLESS_NUMBER = re.compile(r"^[+-]?[0-9][0-9 ().-]*$")


class ExportError(ValueError):
    """An export that cannot be made as asked (format/table mismatch …)."""


# -- cells ---------------------------------------------------------------------------------


def hxl_safe(value: object) -> str:
    """Like ``spreadsheet_safe``, but a phone number or signed number is left as it is."""
    text = "" if value is None else str(value)
    if _HARMLESS_NUMBER.match(text):
        return text
    return spreadsheet_safe(text)


def number_text(value: object) -> str:
    """1200 → '1200', 12.5 → '12.5', 1200.0 → '1200' (no thousands separators in data)."""
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    return str(value)


def _time_value(value: object, zone: tzinfo | None) -> datetime | str | None:
    if value is None or value == "":
        return None
    try:
        moment = from_iso(str(value))
    except ValueError:
        return str(value)
    if zone is None:
        return str(value)
    return moment.astimezone(zone).replace(tzinfo=None)


def _text_cell(value: object, kind: ColumnKind, zone: tzinfo | None, *, hxl: bool) -> str:
    if kind in ("int", "number"):
        text = number_text(value)
        return hxl_safe(text) if hxl else spreadsheet_safe(text)
    if kind == "time":
        moment = _time_value(value, zone)
        if isinstance(moment, datetime):
            return moment.strftime("%Y-%m-%d %H:%M")
        value = moment
    if hxl:
        return hxl_safe(value)
    return spreadsheet_safe(value)


def headers(table: str, zone: tzinfo | None) -> list[str]:
    names = []
    for _column, header, kind in COLUMNS[table]:
        label = _(header)
        if kind == "time":
            label = f"{label} ({zone if zone is not None else 'UTC'})"
        names.append(label)
    return names


# -- writers ---------------------------------------------------------------------------------


def write_csv(
    rows: Iterable[Row], table: str, out: TextIO, *, zone: tzinfo | None = None, hxl: bool = False
) -> int:
    """CSV (or HXL-tagged CSV) of ``rows`` to an open text stream; returns the row count."""
    columns = COLUMNS[table]
    writer = csv.writer(out, lineterminator="\r\n")
    if hxl:
        if table not in HXL_TAGS:
            raise ExportError(
                _("{table} cannot be exported as HXL (only {tables})").format(
                    table=table, tables=", ".join(HXL_TABLES)
                )
            )
        tags = HXL_TAGS[table]
        columns = tuple(c for c in columns if c[0] in tags)
        # HXL times stay UTC ISO-8601: machines read them, and the offset travels along.
        writer.writerow([_(header) for _c, header, _k in columns])
        writer.writerow([tags[c] for c, _h, _k in columns])
        zone = None
    else:
        writer.writerow([spreadsheet_safe(h) for h in headers(table, zone)])
    count = 0
    for row in rows:
        writer.writerow([_text_cell(row.get(c), k, zone, hxl=hxl) for c, _h, k in columns])
        count += 1
    return count


def _xlsx_value(value: object, kind: ColumnKind, zone: tzinfo | None) -> object:
    if value is None or value == "":
        return None
    if kind in ("int", "number"):
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        try:
            number = float(str(value))
        except ValueError:
            return spreadsheet_safe(_ILLEGAL_XLSX.sub("", str(value)))
        return int(number) if number.is_integer() else number
    if kind == "time":
        moment = _time_value(value, zone)
        if isinstance(moment, datetime):
            return moment
        value = moment
    return spreadsheet_safe(_ILLEGAL_XLSX.sub("", str(value)))


def write_xlsx(
    rows: Iterable[Row],
    table: str,
    path: Path,
    *,
    zone: tzinfo | None = None,
    sheet: str | None = None,
) -> int:
    """An xlsx workbook of ``rows`` (write-only: streamed, never all in memory)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    columns = COLUMNS[table]
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=xlsx_sheet_title(sheet or _(table)))
    worksheet.append([spreadsheet_safe(h) for h in headers(table, zone)])
    count = 0
    for row in rows:
        cells: list[Any] = []
        for column, _header, kind in columns:
            value = _xlsx_value(row.get(column), kind, zone)
            if isinstance(value, datetime):
                cell = WriteOnlyCell(worksheet, value=value)
                cell.number_format = "yyyy-mm-dd hh:mm"
                cells.append(cell)
            else:
                cells.append(value)
        worksheet.append(cells)
        count += 1
    workbook.save(path)
    return count


def xlsx_sheet_title(title: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\ ."""
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", _ILLEGAL_XLSX.sub("", title)).strip()
    return (cleaned or "Sheet")[:31]


def write_rows(
    rows: Iterable[Row],
    table: str,
    fmt: str,
    path: Path,
    *,
    zone: tzinfo | None = None,
    replace: bool = False,
) -> int:
    """Write ``rows`` as ``fmt`` to ``path`` through a temporary file and a rename; an
    existing file is replaced only with ``replace`` (see :mod:`dutyboard.files`)."""
    if fmt not in FORMATS:
        raise ExportError(
            _("unknown format {format!r} (choose {formats})").format(
                format=fmt, formats=", ".join(FORMATS)
            )
        )
    if fmt == "hxl" and table not in HXL_TABLES:
        raise ExportError(
            _("{table} cannot be exported as HXL (only {tables})").format(
                table=table, tables=", ".join(HXL_TABLES)
            )
        )
    with files.atomic_output(path, replace=replace) as tmp:
        if fmt == "xlsx":
            return write_xlsx(rows, table, tmp, zone=zone)
        # A BOM so spreadsheet programs read UTF-8 (Chinese) correctly; importers skip it.
        with open(tmp, "w", encoding="utf-8-sig", newline="") as out:
            return write_csv(rows, table, out, zone=zone, hxl=fmt == "hxl")


# -- what to export ---------------------------------------------------------------------------


def view_rows(store: Store, spec: v.ViewSpec, page_size: int = PAGE) -> Iterator[Row]:
    """Every row of a panel's view in its order, one keyset page at a time."""
    key: v.Key | None = None
    while True:
        rows = v.page(store, spec, key, page_size)
        if not rows:
            return
        yield from rows
        key = v.key_of(spec, rows[-1])


def export_view(
    store: Store,
    spec: v.ViewSpec,
    path: Path,
    fmt: str = "csv",
    *,
    zone: tzinfo | None = None,
    replace: bool = False,
) -> int:
    """A panel's current (filtered, sorted) view to ``path``; returns how many rows.

    ``zone``: times as wall-clock time there (header says which); None keeps UTC ISO.
    """
    return write_rows(
        view_rows(store, spec), spec.table, fmt, Path(path), zone=zone, replace=replace
    )


def export_supplies(
    store: Store,
    path: Path,
    fmt: str = "csv",
    *,
    direction: str | None = None,
    text: str = "",
    start: str | None = None,
    end: str | None = None,
    zone: tzinfo | None = None,
    replace: bool = False,
) -> int:
    """The supplies ledger (optionally one direction, matching words, a time window)."""
    rows = ledger.iter_ledger(store, direction=direction, text=text, start=start, end=end)
    return write_rows(rows, "supplies", fmt, Path(path), zone=zone, replace=replace)


def csv_text(rows: Sequence[Row] | Iterable[Row], table: str, *, hxl: bool = False) -> str:
    """The CSV (or HXL) of ``rows`` as a string (small exports, tests)."""
    buffer = io.StringIO()
    write_csv(rows, table, buffer, hxl=hxl)
    return buffer.getvalue()
