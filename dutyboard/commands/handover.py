"""``dutyboard handover show|export|list|draft|sign|ack|amend``.

``show``, ``export`` and ``list`` open the database read-only. The others are for
scripting; the dashboard (panel 4) is where handovers are normally written.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from zoneinfo import ZoneInfo

from dutyboard.commands import Context, Subparsers, UsageError, common_options, day_date_time
from dutyboard.domain.clock import from_iso
from dutyboard.domain.handover import PassTo
from dutyboard.domain.text import clean_line, clean_output
from dutyboard.i18n import _
from dutyboard.store import Store
from dutyboard.store import handovers as ho


def local_formatter(zone_name: str) -> Callable[[str], str]:
    """UTC ISO → 'Wed 05 Feb 03:00 (19:00 UTC)': the desk's time first, UTC for reference
    (in Chinese '周三 2月05日 03:00（UTC 19:00）')."""
    zone = ZoneInfo(zone_name)

    def local(iso: str) -> str:
        moment = from_iso(iso)
        return _("{local} ({utc} UTC)").format(
            local=day_date_time(moment.astimezone(zone)), utc=f"{moment:%H:%M}"
        )

    return local


def _handover_id(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", nargs="?", type=int, metavar="ID", help=_("handover number"))


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "handover",
        help=_("show, export, list or (for scripts) draft, sign and acknowledge handovers"),
        description=_(
            "Shift handovers: drafted from what happened during the shift, signed "
            "off by the outgoing officer, acknowledged item by item by the incoming one."
        ),
    )
    actions = parser.add_subparsers(dest="handover_action", metavar="ACTION", required=True)

    def add(name: str, text: str) -> argparse.ArgumentParser:
        """An action; ``text`` (its help and description) is already translated."""
        action: argparse.ArgumentParser = actions.add_parser(name, help=text, description=text)
        common_options(action)
        action.set_defaults(func=run)
        return action

    show = add("show", _("print a handover (default: the one in play, else the last; read-only)"))
    show.add_argument("--last", action="store_true", help=_("the most recent handover"))
    _handover_id(show)
    export = add("export", _("print a handover as Markdown for the chat group (read-only)"))
    export.add_argument("--format", choices=("md", "text"), default="md", help=_("default: md"))
    _handover_id(export)
    listing = add("list", _("past handovers, newest first (read-only)"))
    listing.add_argument("--search", default="", metavar="TEXT", help=_("officer, notes, items"))
    listing.add_argument("--limit", type=int, default=20, help=_("how many (default: 20)"))
    draft = add("draft", _("start (or find) the draft handover of your shift"))
    draft.add_argument("--notes", metavar="TEXT", help=_("set the draft's notes"))
    sign = add("sign", _("sign off your draft handover (it is never edited after)"))
    sign.add_argument("--notes", metavar="TEXT", help=_("final notes (default: keep the draft's)"))
    _handover_id(sign)
    ack = add("ack", _("acknowledge every item of the signed handover at once"))
    ack.add_argument(
        "--pool",
        action="store_true",
        help=_("the outgoing officer's open items go to the unowned pool (default: to you)"),
    )
    _handover_id(ack)
    amend = add("amend", _("add an amendment to a signed handover (a new event)"))
    amend.add_argument("id", type=int, metavar="ID")
    amend.add_argument("text", metavar="TEXT")


def run(args: argparse.Namespace, ctx: Context) -> int:
    ctx.require_desk()
    action = args.handover_action
    readonly = action in ("show", "export", "list")
    store = Store.open(ctx.desk, readonly=readonly, actor=ctx.user)
    store.desk_zone = ctx.config.timezone  # the times of its notifications (sign, ack)
    try:
        return ACTIONS[action](args, ctx, store)
    finally:
        store.close()


def _show(args: argparse.Namespace, ctx: Context, store: Store) -> int:
    if args.id is not None:
        handover_id: int | None = args.id
    elif getattr(args, "last", False):
        handover_id = ho.latest_handover_id(store)
    else:
        handover_id = ho.handover_to_show(store)
    if handover_id is None:
        raise UsageError(_("there is no handover yet"))
    markdown = args.handover_action == "export" and args.format == "md"
    text = ho.handover_text(
        store,
        handover_id,
        local_formatter(ctx.config.timezone),
        markdown=markdown,
        stale_after_hours=ctx.config.stale_after_hours,
    )
    # The view is cleaned field by field (store.handovers); this is the last pass.
    sys.stdout.write(clean_output(text))
    return 0


def _list(args: argparse.Namespace, ctx: Context, store: Store) -> int:
    if args.limit < 1:
        raise UsageError(_("--limit must be at least 1"))
    local = local_formatter(ctx.config.timezone)
    rows = ho.handover_history(store, text=args.search, limit=args.limit)
    for row in rows:
        signed = local(row["signed_at"]) if row["signed_at"] else _("not signed")
        who = f"{clean_line(row['from_officer'])} → {clean_line(row['to_officer']) or '?'}"
        print(
            _(
                "#{id}  {who}  {state}  signed {signed}  {acknowledged}/{items} items acknowledged"
            ).format(
                id=row["id"],
                who=who,
                state=_(clean_line(row["state"])),
                signed=signed,
                acknowledged=row["acknowledged_items"],
                items=row["items"],
            )
        )
    count = _("{n} handover(s)").format(n=len(rows))
    if args.search:
        count += _(" matching {text!r}").format(text=clean_line(args.search))
    print(count + (_(" (more with --limit)") if len(rows) == args.limit else ""))
    return 0


def _draft(args: argparse.Namespace, ctx: Context, store: Store) -> int:
    handover_id = ho.draft_handover(store)
    if args.notes is not None:
        ho.set_notes(store, handover_id, args.notes)
    view = ho.handover_view(store, handover_id)
    print(
        _("draft handover #{id}: {count} items").format(
            id=handover_id, count=len(view.active_items)
        )
    )
    return 0


def _sign(args: argparse.Namespace, ctx: Context, store: Store) -> int:
    handover_id = args.id or ho.current_draft_id(store)
    if handover_id is None:
        raise UsageError(_("there is no draft handover to sign (dutyboard handover draft)"))
    row = ho.sign_handover(
        store, handover_id, args.notes, stale_after_hours=ctx.config.stale_after_hours
    )
    print(
        _("handover #{id} signed by {who} at {time}").format(
            id=handover_id, who=clean_line(row["signed_by"]), time=clean_line(row["signed_at"])
        )
    )
    return 0


def _ack(args: argparse.Namespace, ctx: Context, store: Store) -> int:
    handover_id = args.id or ho.pending_handover_id(store)
    if handover_id is None:
        raise UsageError(_("there is no signed handover waiting to be acknowledged"))
    result = ho.acknowledge_all(
        store, handover_id, pass_to=PassTo.POOL if args.pool else PassTo.INCOMING
    )
    user = clean_line(ctx.user)
    where = _("the unowned pool") if args.pool else user
    print(
        _(
            "handover #{id} acknowledged by {user}: {items} items, {passed} records passed to "
            "{where}; {user} is on duty"
        ).format(
            id=handover_id,
            user=user,
            items=result.acknowledged,
            passed=result.passed,
            where=where,
        )
    )
    return 0


def _amend(args: argparse.Namespace, ctx: Context, store: Store) -> int:
    ho.amend_handover(store, args.id, args.text)
    print(_("amendment added to handover #{id}").format(id=args.id))
    return 0


ACTIONS: dict[str, Callable[[argparse.Namespace, Context, Store], int]] = {
    "show": _show,
    "export": _show,
    "list": _list,
    "draft": _draft,
    "sign": _sign,
    "ack": _ack,
    "amend": _amend,
}
