"""``dutyboard demo``: build a realistic demo database."""

from __future__ import annotations

import argparse
from pathlib import Path

from dutyboard.commands import Context, Subparsers, UsageError, common_options


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "demo",
        help="build a realistic demo database",
        description="Build a demo database modelled on the 2020 relief desks: requests from "
        "units, procurement leads from 18 suppliers in 17 countries, 64 overseas contacts "
        "in 44 time zones, a past signed handover and a current shift.",
    )
    common_options(parser)
    parser.add_argument("--force", action="store_true", help="replace an existing database")
    parser.add_argument("--seed", type=int, default=2020, help="random seed (default: 2020)")
    parser.add_argument("--open", action="store_true", help="open the dashboard when built")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from dutyboard.demo import build_demo

    db_path = ctx.db_path
    if db_path.exists():
        if not args.force:
            raise UsageError(f"{db_path} already exists; pass --force to replace it")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    summary = build_demo(db_path, seed=args.seed, officer=ctx.user)
    print(
        f"demo database {db_path}: {summary.requests} requests, {summary.leads} leads, "
        f"{summary.contacts} contacts, {summary.handovers} signed handover"
    )
    if args.open:
        from dutyboard.commands.dashboard import open_dashboard

        return open_dashboard(ctx, role="officer")
    return 0
