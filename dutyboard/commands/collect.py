"""``dutyboard collect``: run every configured source headless, one log line per event.

Only one collector runs against a database (a lease row); a second one exits 2 naming
the holder. SIGTERM or SIGINT stop it after the file or page in hand and release the
lease. ``--once`` does one pass (for cron and tests): exit 0 when everything went in, 1
when something was quarantined, unreadable or a source failed.

Its lines go to a log file (:func:`dutyboard.applog.default_collector_log_path`, or
``--log-file PATH``; ``--log-file -`` for none) and, always, to stderr: a person's
terminal, cron's mail, or the journal of a systemd service (docs/collector.md). A usage
error is said before anything is opened, so it makes no log file and no desk; a leader's
session does not collect at all.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from dutyboard import __version__
from dutyboard.commands import Context, Subparsers, UsageError, common_options
from dutyboard.config import reader_limits
from dutyboard.i18n import _
from dutyboard.ingest.sources import load_sources

if TYPE_CHECKING:
    from dutyboard.applog import AppLog
    from dutyboard.ingest.collector import Collector
    from dutyboard.ingest.jobs import CollectReport


# A day: a lease is renewed while the collector runs; a longer one only keeps a dead
# collector's lease from expiring (and 1e308 overflowed the date maths).
MAX_LEASE_SECONDS = 86_400
NO_FILE = "-"  # --log-file -: stderr only


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "collect",
        help=_("run the configured drop folders and HTTP feeds ([[sources]]) headless"),
        description=_(
            "Watch every drop folder and poll every HTTP feed configured as [[sources]] in "
            "the config file, importing what arrives; log one line per event to the "
            "collector's log file and to stderr. Only one collector runs per database. See "
            "docs/ingest.md and, to run it as a service, docs/collector.md."
        ),
    )
    common_options(parser)
    parser.add_argument(
        "--once",
        action="store_true",
        help=_("one pass over every source, then exit (for cron)"),
    )
    parser.add_argument(
        "--lease-seconds",
        type=float,
        default=60.0,
        metavar="S",
        help=_("how long the collector lease lasts unless renewed (default: 60)"),
    )
    parser.add_argument(
        "--log-file",
        metavar="PATH",
        help=_(
            "the log file, rotated at 1 MB, three old ones kept (default: collector.log "
            "in the folder of $DUTYBOARD_LOG, else in the user state folder, "
            "~/.local/state/dutyboard); '-' writes no file, stderr only"
        ),
    )
    parser.set_defaults(func=run)


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


def _log_file(given: str | None) -> tuple[bool, Path | None]:
    """(write a file?, where: None for the default) from ``--log-file``."""
    if given is None:
        return True, None
    if given == NO_FILE:
        return False, None
    if not given.strip():
        raise UsageError(_("--log-file needs a path, or - for no file"))
    return True, Path(given).expanduser()


def _open_log(given: str | None) -> AppLog:
    from dutyboard.applog import default_collector_log_path, open_collector_log

    file, path = _log_file(given)
    try:
        return open_collector_log(path, file=file, stream=sys.stderr)
    except OSError as exc:
        target = path or default_collector_log_path()
        reason = str(exc.strerror or exc)
        if exc.filename and Path(exc.filename) != target:  # its folder, say
            reason = f"{exc.filename}: {reason}"
        raise UsageError(
            _(
                "cannot write the collector's log {path}: {reason} (--log-file PATH puts "
                "it elsewhere, --log-file - writes none)"
            ).format(path=target, reason=reason)
        ) from exc


def run(args: argparse.Namespace, ctx: Context) -> int:
    # (not `< 1`: NaN compares false and would pass, then break the lease arithmetic)
    if not 1 <= args.lease_seconds <= MAX_LEASE_SECONDS:
        raise UsageError(
            _("--lease-seconds must be between 1 and {most}").format(most=f"{MAX_LEASE_SECONDS:,}")
        )
    path = ctx.config.source_path
    sources = load_sources(path, default_zone=ctx.config.timezone) if path else []
    from dutyboard.notify.watch import load_notify

    notify = load_notify(ctx.config)
    if not any(source.enabled for source in sources) and not notify.targets:
        where = path or _("the config file")
        raise UsageError(
            _(
                "no sources or notification targets are configured: add [[sources]] "
                "(docs/ingest.md) or [[notify]] (docs/notify.md) to {where}"
            ).format(where=where)
        )
    from dutyboard.ingest.collector import Collector
    from dutyboard.store import StoreError
    from dutyboard.store.engine import DatabaseError

    log = _open_log(args.log_file)
    try:
        enabled = sum(source.enabled for source in sources)
        # In the file only (stderr has it when there is no file): on stderr a refused
        # second collector says one line, the refusal; the collector's own first line
        # names its holder and lease.
        log.info(
            _("dutyboard {version} collecting into {db}: {n} source(s); log: {where}").format(
                version=__version__,
                db=ctx.shown_desk if ctx.location else ctx.db_path.absolute(),
                n=enabled,
                where=log.path if log.path is not None else _("stderr only"),
            ),
            echo=log.path is None,
        )
        if ctx.location is None:
            ctx.db_path.parent.mkdir(parents=True, exist_ok=True)
        collector = Collector(
            ctx.desk,
            sources,
            actor="collector",
            log=log.info,
            lease_seconds=args.lease_seconds,
            limits=reader_limits(ctx.config),
            phone_region=ctx.config.desk_phone_region,
            notify=notify,
        )
        try:
            report = asyncio.run(_collect(collector, args.once))
        except (StoreError, DatabaseError, OSError) as exc:
            # The CLI says it on stderr as one line; the file keeps it too, or a
            # service's log would end without saying why.
            log.error(_("stopped: {error}").format(error=exc), echo=False)
            raise
        except Exception as exc:  # a bug: its traceback in the file, and on stderr by the CLI
            log.error(
                _("stopped by an unexpected error: {error}").format(error=exc), exc, echo=False
            )
            raise
        summary = _(
            "done: {files} file(s), {pages} page(s); {added} new, {updated} updated, "
            "{unchanged} unchanged, {quarantined} quarantined, {unreadable} unreadable, "
            "{incomplete} incomplete, {failures} failure(s)"
        ).format(
            files=report.files,
            pages=report.pages,
            added=report.added,
            updated=report.updated,
            unchanged=report.unchanged,
            quarantined=report.quarantined,
            unreadable=report.unreadable,
            incomplete=report.incomplete,
            failures=report.failures,
        )
        if report.clean:
            log.info(summary)
        else:
            log.warning(summary)
    finally:
        log.close()
    if report.lease_lost:
        return 1
    return 0 if (report.clean or not args.once) else 1
