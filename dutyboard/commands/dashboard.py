"""Opening the dashboard (what ``dutyboard`` does with no command)."""

from __future__ import annotations

import os
import sys

from dutyboard.commands import Context, UsageError
from dutyboard.i18n import _
from dutyboard.store import Store


def open_dashboard(ctx: Context, *, role: str) -> int:
    readonly = role == "leader"
    if not readonly and ctx.location is None:
        ctx.db_path.parent.mkdir(parents=True, exist_ok=True)
    if not sys.stdout.isatty() and not os.environ.get("DUTYBOARD_FORCE_TTY"):
        raise UsageError(_("the dashboard needs a terminal (stdout is not a TTY)"))
    store = Store.open(ctx.desk, readonly=readonly, actor=ctx.user)
    from dutyboard.app import DutyboardApp

    try:
        DutyboardApp(store, ctx.config, role=role).run()
    finally:
        store.close()
    return 0
