"""``dutyboard shift start|end|show``: who is on duty."""

from __future__ import annotations

import argparse

from dutyboard.commands import Context, Subparsers, UsageError, common_options
from dutyboard.commands.handover import local_formatter
from dutyboard.domain.text import clean_line, clean_output
from dutyboard.store import Store
from dutyboard.store import handovers as ho
from dutyboard.store import shifts as sh


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "shift",
        help="start, end or show the duty shift",
        description="Start a shift (taking over at once if someone else is on duty: logged, "
        "and the next handover covers both shifts), end your shift, or show who is on duty.",
    )
    actions = parser.add_subparsers(dest="shift_action", metavar="ACTION", required=True)
    for name, text in (
        ("start", "go on duty (takes over from whoever is on duty, logged)"),
        ("end", "end your shift (normally the handover's acknowledgement does this)"),
        ("show", "who is on duty, since when, and the handover in play (read-only)"),
    ):
        action = actions.add_parser(name, help=text, description=text)
        common_options(action)
        action.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    local = local_formatter(ctx.config.timezone)
    if not ctx.db_path.exists():
        raise UsageError(f"database {ctx.db_path} does not exist")
    if args.shift_action == "show":
        store = Store.open(ctx.db_path, readonly=True, actor=ctx.user)
        try:
            shift = sh.shift_on_duty(store)
            pending = ho.pending_handover_id(store)
            draft = ho.current_draft_id(store)
        finally:
            store.close()
        if shift is None:
            print("Nobody is on duty")
        else:
            # Names are cleaned by the store both ways; an old desk's are cleaned here too.
            line = f"On duty: {clean_line(shift['officer'])} since {local(shift['started_at'])}"
            if shift["taken_from"]:
                line += f" (took over from {clean_line(shift['taken_from'])})"
            print(clean_output(f"{line} · shift #{shift['id']}"))
        if pending:
            print(f"Handover #{pending} is signed and waiting to be acknowledged")
        if draft:
            print(f"Handover #{draft} is being drafted")
        return 0
    store = Store.open(ctx.db_path, actor=ctx.user)
    try:
        if args.shift_action == "start":
            result = sh.take_over(store, ctx.user)
            line = f"{clean_line(result.officer)} is on duty (shift #{result.shift_id})"
            if result.taken_from:
                line += f"; took over from {clean_line(result.taken_from)} (logged)"
            print(clean_output(line))
        else:
            shift_id = sh.end_own_shift(store, ctx.user)
            print(f"shift #{shift_id} of {clean_line(ctx.user)} ended; nobody is on duty")
    finally:
        store.close()
    return 0
