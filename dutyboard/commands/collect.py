"""``dutyboard collect``: run every configured source headless, one log line per event.

Only one collector runs against a database (a lease row); a second one exits 2 naming
the holder. SIGTERM or SIGINT stop it after the file or page in hand and release the
lease. ``--once`` does one pass (for cron and tests): exit 0 when everything went in, 1
when something was quarantined, unreadable or a source failed.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from dutyboard.commands import Context, Subparsers, UsageError, common_options
from dutyboard.config import reader_limits
from dutyboard.ingest.sources import load_sources

if TYPE_CHECKING:
    from dutyboard.ingest.collector import Collector
    from dutyboard.ingest.jobs import CollectReport


# A day: a lease is renewed while the collector runs; a longer one only keeps a dead
# collector's lease from expiring (and 1e308 overflowed the date maths).
MAX_LEASE_SECONDS = 86_400


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "collect",
        help="run the configured drop folders and HTTP feeds ([[sources]]) headless",
        description="Watch every drop folder and poll every HTTP feed configured as "
        "[[sources]] in the config file, importing what arrives; log one line per event "
        "to stderr. Only one collector runs per database. See docs/ingest.md.",
    )
    common_options(parser)
    parser.add_argument(
        "--once", action="store_true", help="one pass over every source, then exit (for cron)"
    )
    parser.add_argument(
        "--lease-seconds",
        type=float,
        default=60.0,
        metavar="S",
        help="how long the collector lease lasts unless renewed (default: 60)",
    )
    parser.set_defaults(func=run)


def _log(line: str) -> None:
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    print(f"{stamp} {line}", file=sys.stderr, flush=True)


async def _collect(collector: Collector, once: bool) -> CollectReport:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        return await collector.run(once=once, stop=stop)
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)


def run(args: argparse.Namespace, ctx: Context) -> int:
    # (not `< 1`: NaN compares false and would pass, then break the lease arithmetic)
    if not 1 <= args.lease_seconds <= MAX_LEASE_SECONDS:
        raise UsageError(f"--lease-seconds must be between 1 and {MAX_LEASE_SECONDS:,}")
    path = ctx.config.source_path
    sources = load_sources(path, default_zone=ctx.config.timezone) if path else []
    if not any(source.enabled for source in sources):
        where = path or "the config file"
        raise UsageError(f"no sources are configured: add [[sources]] to {where} (docs/ingest.md)")
    from dutyboard.ingest.collector import Collector

    ctx.db_path.parent.mkdir(parents=True, exist_ok=True)
    collector = Collector(
        ctx.db_path,
        sources,
        actor="collector",
        log=_log,
        lease_seconds=args.lease_seconds,
        limits=reader_limits(ctx.config),
    )
    report = asyncio.run(_collect(collector, args.once))
    _log(
        f"done: {report.files} file(s), {report.pages} page(s); {report.added} new, "
        f"{report.updated} updated, {report.unchanged} unchanged, {report.quarantined} "
        f"quarantined, {report.unreadable} unreadable, {report.incomplete} incomplete, "
        f"{report.failures} failure(s)"
    )
    if report.lease_lost:
        return 1
    return 0 if (report.clean or not args.once) else 1
