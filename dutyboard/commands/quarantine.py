"""``dutyboard quarantine``: the rows and files ingest could not take, and what to do.

``dutyboard quarantine list [--all] [--source NAME] [--state S] [--json]``  open rows, newest first
``dutyboard quarantine show ID [--json]``             one row: reason, original text, file
``dutyboard quarantine retry ID | --file SHA | --source NAME``  read the file(s) again
``dutyboard quarantine discard ID… --reason TEXT``   set rows aside, saying why

``list`` and ``show`` only read (a leader may run them); ``retry`` re-reads the file's
kept bytes with the source's current settings (``dutyboard.ingest.retry``); every
resolution is logged in the events table. Text from files is hostile: everything shown
goes through the sanitiser. Exit 0; ``retry`` exits 1 when rows are still bad; 2 for a
problem a person can fix (an unknown id, a row already resolved), in one line.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any
from zoneinfo import ZoneInfo

from dutyboard.commands import Context, Subparsers, UsageError, common_options, pad, pgettext
from dutyboard.domain.clock import from_iso
from dutyboard.domain.text import clean_data, clean_line
from dutyboard.i18n import _
from dutyboard.store import Row, Store
from dutyboard.store import quarantine as q

ORIGINAL_SHOWN_LINES = 40
DEFAULT_LIMIT = 100


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "quarantine",
        help=_("rows and files ingest could not take: list, show, retry or discard them"),
        description=_(
            "Rows that could not be imported (a quantity that is not a number, a "
            "missing unit, a file that cannot be read) wait in quarantine with their reason "
            "and original text. List and show them; retry a file after fixing the source's "
            "mapping or config (its original bytes are kept); or discard rows with a reason. "
            "A source stays failing while its bad file's rows are open. See docs/ingest.md."
        ),
    )
    common_options(parser)
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    listing = actions.add_parser(
        "list",
        help=_("open quarantine rows, newest first, one line each"),
        description=_(
            "One line per row: id, state, when, source, file, row, reason. Open rows "
            "only unless --all. Read-only."
        ),
    )
    common_options(listing)
    listing.add_argument("--all", action="store_true", help=_("also the resolved rows"))
    listing.add_argument("--source", metavar="NAME", help=_("only this source's rows"))
    listing.add_argument("--state", choices=q.STATES, help=_("only rows in this state"))
    listing.add_argument(
        "--limit",
        type=_count,
        default=DEFAULT_LIMIT,
        metavar="N",
        help=_("at most N rows (default {limit})").format(limit=DEFAULT_LIMIT),
    )
    listing.add_argument("--json", action="store_true", help=_("print JSON instead"))
    listing.set_defaults(func=run_list)

    show = actions.add_parser(
        "show",
        help=_("one row: its reason, original text and the file it came from"),
        description=_(
            "Everything about one quarantine row: source, file, run, row and column, "
            "the reason, the original text (sanitised), the kept file's size, encoding and "
            "SHA-256, and how it was resolved. Read-only."
        ),
    )
    common_options(show)
    show.add_argument("id", type=_row_id, metavar="ID")
    show.add_argument("--json", action="store_true", help=_("print JSON instead"))
    show.set_defaults(func=run_show)

    retry = actions.add_parser(
        "retry",
        help=_("read a quarantined file again with the source's current settings"),
        description=_(
            "Read the file of quarantine row ID (or --file SHA, or every file of "
            "--source NAME with open rows) again from its kept original bytes, with the "
            "source's current mapping, zone and format from the config. Rows that now import "
            "are added; the file's open rows become 'retried'; rows still bad are open rows of "
            "the new run. Exits 1 when rows are still bad."
        ),
    )
    common_options(retry)
    retry.add_argument("id", type=_row_id, nargs="?", metavar="ID")
    retry.add_argument("--file", metavar="SHA", help=_("the file's SHA-256 (8 digits or more)"))
    retry.add_argument(
        "--source", metavar="NAME", help=_("every file of this source with open rows")
    )
    retry.add_argument(
        "--force-kind",
        action="store_true",
        help=_("import as the source's kind even a file whose columns are another kind's"),
    )
    retry.set_defaults(func=run_retry)

    drop = actions.add_parser(
        "discard",
        help=_("set quarantine rows aside, with the reason why"),
        description=_(
            "Discard open quarantine rows; --reason is required and is kept, with "
            "who and when, in the row and the events log."
        ),
    )
    common_options(drop)
    drop.add_argument("ids", type=_row_id, nargs="+", metavar="ID")
    drop.add_argument("--reason", metavar="TEXT", help=_("why (required)"))
    drop.set_defaults(func=run_discard)


def _row_id(text: str) -> int:
    value = text.strip().lstrip("#")
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(
            _("{text!r} is not a quarantine row id").format(text=clean_line(text, 40))
        )
    return int(value)


def _count(text: str) -> int:
    if not text.strip().isdigit() or not 1 <= int(text) <= 10_000:
        raise argparse.ArgumentTypeError(_("must be a whole number from 1 to 10,000"))
    return int(text)


def _local(iso: object, zone: ZoneInfo) -> str:
    if not iso:
        return "—"
    try:
        return from_iso(str(iso)).astimezone(zone).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return clean_line(iso, 25)


def _file_name(location: object) -> str:
    text = str(location or "")
    return text.rsplit("/", 1)[-1] or text


def _where(row: Row) -> str:
    if row.get("row_number") is not None:
        where = _("row {n}").format(n=row["row_number"])
    else:
        where = _("whole file")
    if row.get("column_name"):
        where += f", {row['column_name']}"
    return where


def state_word(state: object) -> str:
    """A quarantine row's state in the interface language ("open" has its own key: a
    request's "open" is another word in Chinese)."""
    word = pgettext("quarantine", str(state))
    return _(str(state)) if word == state else word


def _field(name: str, value: str) -> str:
    """'source:   value': the translated label, the values lined up (CJK counts two)."""
    return pad(name, 10) + value


def list_line(row: Row, zone: ZoneInfo) -> str:
    """``#12 open 2020-02-05 03:00 units needs.csv row 3, quantity: quantity '12x' is …``"""
    parts = [
        f"#{row['id']}",
        state_word(row["state"]),
        _local(row["at"], zone),
        clean_line(row["source"], 60),
        clean_line(_file_name(row["location"]), 80),
        clean_line(_where(row), 80) + ":",
        clean_line(row["reason"], 300),
    ]
    if row["state"] != "open":
        by = _("{state} by {who}").format(
            state=state_word(row["state"]), who=clean_line(row["resolved_by"] or "?", 40)
        )
        parts.append(f"[{by}]")
    return " ".join(parts)


def _open(ctx: Context, *, readonly: bool) -> Store:
    return Store.open(ctx.desk, readonly=readonly, actor=ctx.user)


def _officer(args: argparse.Namespace, ctx: Context) -> Store:
    """The store for a write (a leader's session was refused before it got here: cli)."""
    return _open(ctx, readonly=False)


def run_list(args: argparse.Namespace, ctx: Context) -> int:
    zone = ZoneInfo(ctx.config.timezone)
    store = _open(ctx, readonly=True)
    try:
        page = q.list_rows(
            store,
            source=args.source,
            state=args.state,
            include_resolved=bool(args.all),
            limit=args.limit,
        )
        total_open = q.open_count(store, args.source)
    finally:
        store.close()
    if args.json:
        data = {"open": total_open, "rows": page.rows, "more": page.next is not None}
        print(json.dumps(clean_data(data), ensure_ascii=False, indent=2))
        return 0
    for row in page.rows:
        print(list_line(row, zone))
    more = _(" (more: narrow with --source/--state, or raise --limit)") if page.next else ""
    count = _("{n} open row") if total_open == 1 else _("{n} open rows")
    print(count.format(n=f"{total_open:,}") + more, file=sys.stderr)
    return 0


def _show_dict(row: Row, history: list[Row]) -> dict[str, Any]:
    data = {key: value for key, value in row.items()}
    data["history"] = [
        {k: e[k] for k in ("at", "actor", "action", "after") if k in e} for e in history
    ]
    return data


def run_show(args: argparse.Namespace, ctx: Context) -> int:
    zone = ZoneInfo(ctx.config.timezone)
    store = _open(ctx, readonly=True)
    try:
        row = q.get_row(store, args.id)
        history = q.history(store, args.id)
    finally:
        store.close()
    if args.json:
        print(json.dumps(clean_data(_show_dict(row, history)), ensure_ascii=False, indent=2))
        return 0
    for line in show_lines(row, history, zone):
        print(line)
    return 0


def show_lines(row: Row, history: list[Row], zone: ZoneInfo) -> list[str]:
    """The text of ``quarantine show``: every value through the sanitiser."""
    kind = clean_line(row.get("kind") or "?", 20)
    fmt = clean_line(row.get("format") or "?", 20)
    lines = [
        _("quarantine #{id} · {state}").format(id=row["id"], state=state_word(row["state"])),
        _field(_("source:"), f"{clean_line(row['source'], 100)} ({kind}, {fmt})"),
        _field(_("file:"), clean_line(row["location"], 300)),
        _field(
            _("run:"),
            _("#{run} ({result}) at {time} {zone}").format(
                run=row["run_id"],
                result=clean_line(row.get("run_result") or "?", 20),
                time=_local(row["at"], zone),
                zone=zone.key,
            ),
        ),
        _field(_("where:"), clean_line(_where(row), 200)),
        _field(_("reason:"), clean_line(row["reason"], 1000)),
    ]
    sha = row.get("file_sha256")
    if row.get("file_kept"):
        encoding = clean_line(row.get("file_encoding") or _("none (binary)"), 30)
        lossy = (
            _(" (lossy: some bytes were not of it; the originals are kept)")
            if row.get("file_lossy")
            else ""
        )
        kept = _("{size} kept, encoding {encoding}{lossy}; sha256 {sha}").format(
            size=f"{int(row['file_size'] or 0):,}", encoding=encoding, lossy=lossy, sha=sha
        )
        lines.append(_field(_("bytes:"), kept))
    elif sha:
        lines.append(
            _field(
                _("bytes:"),
                _("not kept (quarantined before dutyboard kept them); sha256 {sha}").format(
                    sha=sha
                ),
            )
        )
    else:
        lines.append(
            _field(
                _("bytes:"),
                _("not kept (too big to read, still changing, or not a file import)"),
            )
        )
    original = str(row.get("original") or "")
    if row.get("row_number") is None and row.get("file_kept") and not row.get("file_encoding"):
        # A file refused whole that never decoded as text (a workbook): its bytes are kept,
        # and printing them as text would be noise.
        lines.append(_("original:") + " " + _("binary; the file's bytes are kept, not shown here"))
        original = ""
    else:
        lines.append(_("original:") + ("" if original else " —"))
    shown = original.splitlines()
    for text in shown[:ORIGINAL_SHOWN_LINES]:
        lines.append("  " + clean_line(text, 500))
    if len(shown) > ORIGINAL_SHOWN_LINES:
        more = f"{len(shown) - ORIGINAL_SHOWN_LINES:,}"
        lines.append("  " + _("… {n} more lines").format(n=more))
    if row["state"] != "open":
        resolved = _("{state} by {who} at {time}").format(
            state=state_word(row["state"]),
            who=clean_line(row["resolved_by"] or "?", 60),
            time=_local(row["resolved_at"], zone),
        )
        if row.get("retry_run_id"):
            resolved += _(", run #{id}").format(id=row["retry_run_id"])
        if row.get("record_id"):
            resolved += _(", record #{id}").format(id=row["record_id"])
        if row.get("resolution"):
            resolved += f": {clean_line(row['resolution'], 500)}"
        lines.append(_field(_("resolved:"), resolved))
    elif row.get("file_kept"):
        lines.append(
            _field(
                _("next:"),
                _(
                    "dutyboard quarantine retry {id}   (after fixing the mapping) "
                    "· discard {id} --reason TEXT"
                ).format(id=row["id"]),
            )
        )
    for event in history:
        lines.append(
            _field(
                _("event:"),
                f"{_local(event['at'], zone)} {clean_line(event['actor'], 60)} "
                f"{clean_line(event['action'], 30)}",
            )
        )
    return lines


def run_retry(args: argparse.Namespace, ctx: Context) -> int:
    chosen = [args.id is not None, args.file is not None]
    if sum(chosen) > 1:
        raise UsageError(_("retry one thing: a quarantine row ID or --file SHA (not both)"))
    if not any(chosen) and args.source is None:
        raise UsageError(_("say what to retry: a quarantine row ID, --file SHA or --source NAME"))
    if args.id is not None and args.source is not None:
        raise UsageError(_("retry ID already names its source; leave --source out"))
    from dutyboard.config import reader_limits
    from dutyboard.ingest.retry import retry
    from dutyboard.ingest.sources import load_sources

    path = ctx.config.source_path
    sources = load_sources(path, default_zone=ctx.config.timezone) if path else []
    store = _officer(args, ctx)
    try:
        done = retry(
            store,
            quarantine_id=args.id,
            sha256=args.file,
            source=args.source,
            sources=sources,
            default_zone=ctx.config.timezone,
            limits=reader_limits(ctx.config),
            force_kind=bool(args.force_kind),
        )
    finally:
        store.close()
    still_bad = False
    for item in done:
        print(clean_line(item.line()))
        if item.summary is None or not item.summary.clean:
            still_bad = True
    return 1 if still_bad else 0


def run_discard(args: argparse.Namespace, ctx: Context) -> int:
    reason = (args.reason or "").strip()
    if not reason:
        raise UsageError(_("say why: discard ID --reason TEXT (kept with the row and in the log)"))
    store = _officer(args, ctx)
    try:
        count = q.discard(store, args.ids, reason)
    finally:
        store.close()
    ids = ", ".join(f"#{i}" for i in args.ids)
    line = (
        _("discarded {count} row ({ids}): {reason}")
        if count == 1
        else _("discarded {count} rows ({ids}): {reason}")
    )
    print(line.format(count=count, ids=ids, reason=clean_line(reason, 200)))
    return 0
