"""``dutyboard demo``: build a realistic demo database."""

from __future__ import annotations

import argparse
from pathlib import Path

from dutyboard.commands import Context, Subparsers, UsageError, common_options
from dutyboard.i18n import _


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "demo",
        help=_("build a realistic demo database"),
        description=_(
            "Build a demo database modelled on the 2020 relief desks: requests from "
            "units, procurement leads from 18 suppliers in 17 countries, 64 overseas contacts "
            "in 44 time zones, a past signed handover and a current shift."
        ),
    )
    common_options(parser)
    parser.add_argument("--force", action="store_true", help=_("replace an existing database"))
    parser.add_argument("--seed", type=int, default=2020, help=_("random seed (default: 2020)"))
    parser.add_argument("--open", action="store_true", help=_("open the dashboard when built"))
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from dutyboard.demo import build_demo

    db_path = ctx.db_path
    if db_path.exists():
        if not args.force:
            raise UsageError(
                _("{path} already exists; pass --force to replace it").format(path=db_path)
            )
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    summary = build_demo(db_path, seed=args.seed, officer=ctx.user)
    print(
        _(
            "demo database {path}: {requests} requests, {leads} leads, {contacts} contacts, "
            "{handovers} signed handover"
        ).format(
            path=db_path,
            requests=summary.requests,
            leads=summary.leads,
            contacts=summary.contacts,
            handovers=summary.handovers,
        )
    )
    if args.open:
        from dutyboard.commands.dashboard import open_dashboard

        return open_dashboard(ctx, role="officer")
    return 0
