"""``dutyboard check``: integrity, schema, WAL size, the collector, failing imports, and
the notifications' deliveries.

The collector line says whether it holds the lease now and when it last ran (from
``collector_last_run``, which outlives the lease). A collector that is not running and
has not been seen for longer than its sources allow
(:func:`dutyboard.store.sources.stale_after`), a failing source and an open quarantine
are each a ``warning:`` line, not a failed check: the database is sound, but an officer
has work (start the collector: docs/collector.md; ``dutyboard quarantine list``).

The ``notify:`` lines name the ``[[notify]]`` targets, who sends, and per target what is
pending (and for how long) or failed; a failed or given-up delivery, one pending for
longer than :data:`PENDING_WARN_S`, and notifications that no sender has picked up are
``warning:`` lines too (errors are stored masked: no webhook token is printed)."""

from __future__ import annotations

import argparse
from pathlib import Path

from dutyboard.commands import Context, Subparsers, common_options
from dutyboard.domain.text import clean_line
from dutyboard.i18n import _
from dutyboard.store import Store
from dutyboard.store import quarantine as q
from dutyboard.store.backup import integrity
from dutyboard.store.sources import CollectorStatus, collector_status

FAILING_SHOWN = 10
PENDING_WARN_S = 15 * 60  # a delivery pending longer than this is a warning
WAITING_WARN_S = 60  # and so is a notification no sender has picked up for this long
GAVE_UP_SHOWN_S = 48 * 3600  # deliveries given up for notifications raised this recently


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "check",
        help=_("check the database (integrity, schema, WAL, collector lease); upgrade its schema"),
        description=_(
            "Open the database read-write (applying pending schema migrations), run "
            "PRAGMA integrity_check, and report the schema version, the WAL size, who holds "
            "the collector lease and when the collector last ran; warn about a collector "
            "that is overdue, failing sources and open quarantine rows. Exits 1 if the "
            "integrity check fails (a warning does not)."
        ),
    )
    common_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    # A missing desk was refused by the CLI unless --create was given: then this makes
    # and checks a new, empty desk.
    if ctx.create and ctx.location is None:
        ctx.db_path.parent.mkdir(parents=True, exist_ok=True)
    store = Store.open(ctx.desk)
    try:
        result = integrity(store)
        print(_("database:  {path}").format(path=clean_line(ctx.shown_desk)))
        print(_("schema:    {versions}").format(versions=", ".join(store.schema_version())))
        print(_("engine:    {engine}").format(engine=store.engine_version()))
        if store.postgres:
            print(
                _("integrity: {result} (pages are the server's: pg_amcheck checks them)").format(
                    result=result
                )
            )
        else:
            print(_("integrity: {result}").format(result=result))
            wal = Path(f"{ctx.db_path}-wal")
            size = wal.stat().st_size if wal.exists() else 0
            print(_("wal:       {size} bytes").format(size=f"{size:,}"))
        collector = collector_status(store)
        print(collector_line(collector))
        notify_info, notify_warnings = notify_lines(store, ctx)
        for line in notify_info:
            print(line)
        if result == "ok":
            for line in [*collector_warnings(collector), *import_warnings(store), *notify_warnings]:
                print(line)
        return 0 if result == "ok" else 1
    finally:
        store.close()


def duration(seconds: float) -> str:
    """A span for people: "45 s", "3 min", "5 h", "2 days" (whole units, rounded down)."""
    whole = int(max(seconds, 0))
    if whole < 120:
        return _("{n} s").format(n=whole)
    if whole < 120 * 60:
        return _("{n} min").format(n=whole // 60)
    if whole < 48 * 3600:
        return _("{n} h").format(n=whole // 3600)
    return _("{n} days").format(n=f"{whole // 86_400:,}")


def _who(holder: str | None) -> str:
    """``host:pid`` as "host, pid 4242"; any other text cleaned, as it came."""
    text = clean_line(holder or "", 120)
    if not text:
        return _("host not recorded")
    host, sep, pid = text.rpartition(":")
    if sep and host and pid.isdigit():
        return _("{host}, pid {pid}").format(host=host, pid=pid)
    return text


def collector_line(status: CollectorStatus) -> str:
    """The ``collector:`` line: does it run now, when did it last run, who was it."""
    until = clean_line(status.lease_expires_at or "", 40)
    who = _who(status.holder)
    if status.state == "never":
        return _("collector: no lease; never ran on this desk")
    if status.seconds_since_seen is None:  # the lease of a collector older than m120
        if status.state == "running":
            return _("collector: held by {who} until {until}").format(who=who, until=until)
        return _("collector: lease of {who} expired at {until}, never released").format(
            who=who, until=until
        )
    ago = _("{age} ago").format(age=duration(status.seconds_since_seen))
    if status.state == "running":
        return _("collector: last ran {ago} ({who}), holding the lease until {until}").format(
            ago=ago, who=who, until=until
        )
    if status.state == "crashed":
        return _(
            "collector: last ran {ago} ({who}); its lease expired at {until} without being "
            "released: crashed or killed?"
        ).format(ago=ago, who=who, until=until)
    return _("collector: no lease; last ran {ago} ({who}), stopped").format(ago=ago, who=who)


def collector_warnings(status: CollectorStatus) -> list[str]:
    """A ``warning:`` line when the collector is overdue: not running, and not seen for
    longer than its sources' intervals allow."""
    if not status.stale or status.seconds_since_seen is None:
        return []
    ago = _("{age} ago").format(age=duration(status.seconds_since_seen))
    if status.interval_seconds:
        expect = _("its sources expect a pass every {every}").format(
            every=duration(status.interval_seconds)
        )
    else:
        expect = _("overdue after {after}").format(after=duration(status.stale_after_seconds))
    return [
        _(
            "warning:   the collector last ran {ago} — not running? ({expect}; docs/collector.md)"
        ).format(ago=ago, expect=expect)
    ]


def import_warnings(store: Store) -> list[str]:
    """``warning:`` lines for each failing source (with its last error) and the open
    quarantine: the desk is sound, but imports need an officer."""
    lines = []
    failing = q.failing_sources(store, limit=FAILING_SHOWN + 1)
    for source in failing[:FAILING_SHOWN]:
        since = source["failing_since"] or source["last_error_at"] or "?"
        open_rows = int(source["quarantine_open"])
        name = clean_line(source["name"], 100)
        error = clean_line(source["last_error"] or "?", 300)
        if open_rows:
            line = (
                _("warning:   source {name} failing since {since}, 1 open quarantine row: {error}")
                if open_rows == 1
                else _(
                    "warning:   source {name} failing since {since}, {rows} open quarantine "
                    "rows: {error}"
                )
            ).format(name=name, since=since, rows=f"{open_rows:,}", error=error)
        else:
            line = _("warning:   source {name} failing since {since}: {error}").format(
                name=name, since=since, error=error
            )
        lines.append(line)
    if len(failing) > FAILING_SHOWN:
        lines.append(_("warning:   … and more failing sources (dutyboard status)"))
    open_total = q.open_count(store)
    if open_total:
        lines.append(
            (
                _("warning:   1 quarantine row open (dutyboard quarantine list)")
                if open_total == 1
                else _("warning:   {count} quarantine rows open (dutyboard quarantine list)")
            ).format(count=f"{open_total:,}")
        )
    return lines


def notify_lines(store: Store, ctx: Context) -> tuple[list[str], list[str]]:
    """The ``notify:`` lines and the ``warning:`` lines of the notifications' deliveries."""
    from datetime import timedelta

    from dutyboard.config import ConfigError
    from dutyboard.domain.clock import from_iso
    from dutyboard.notify.watch import load_notify
    from dutyboard.store import outbox as box

    info: list[str] = []
    warnings: list[str] = []
    try:
        targets = load_notify(ctx.config).targets
    except ConfigError as exc:
        targets = ()
        warnings.append(_("warning:   [[notify]]: {error}").format(error=clean_line(exc, 300)))
    now = store.clock()
    deliveries = box.target_deliveries(store, now - timedelta(seconds=GAVE_UP_SHOWN_S))
    waiting = box.waiting(store)
    lease = box.sender_lease(store)
    sender = lease is not None and from_iso(str(lease["expires_at"])) > now
    if not targets and not deliveries:
        return [_("notify:    no targets configured ([[notify]] in the config file)")], warnings
    if sender and lease is not None:
        who = _("sender {who}, lease until {until}").format(
            who=_who(str(lease["holder"])), until=clean_line(lease["expires_at"], 40)
        )
    else:
        who = _("no sender running")
    info.append(_("notify:    {n} target(s); {who}").format(n=len(targets), who=who))
    for d in deliveries:
        parts = []
        if d.pending:
            age = duration((now - from_iso(d.oldest_pending_at or now.isoformat())).total_seconds())
            parts.append(_("{n} pending (oldest {age})").format(n=f"{d.pending:,}", age=age))
            if d.oldest_pending_at and (now - from_iso(d.oldest_pending_at)).total_seconds() > (
                PENDING_WARN_S
            ):
                warnings.append(
                    _(
                        "warning:   notify target {name}: {n} pending, the oldest for {age}: "
                        "{error}"
                    ).format(
                        name=clean_line(d.name, 100),
                        n=f"{d.pending:,}",
                        age=age,
                        error=clean_line(d.last_error or "?", 300),
                    )
                )
        if d.failed:
            parts.append(_("{n} failed").format(n=f"{d.failed:,}"))
            warnings.append(
                _(
                    "warning:   notify target {name}: {n} failed, tried again once its "
                    "config changes: {error} (dutyboard notify test {name})"
                ).format(
                    name=clean_line(d.name, 100),
                    n=f"{d.failed:,}",
                    error=clean_line(d.last_error or "?", 300),
                )
            )
        if d.gave_up:
            parts.append(_("{n} given up").format(n=f"{d.gave_up:,}"))
            warnings.append(
                _("warning:   notify target {name}: {n} given up (not sent within a day)").format(
                    name=clean_line(d.name, 100), n=f"{d.gave_up:,}"
                )
            )
        line = _("notify:    {name}: {what}").format(
            name=clean_line(d.name, 100), what=", ".join(parts)
        )
        if d.last_error:
            line += " — " + _("last error: {error}").format(error=clean_line(d.last_error, 300))
        info.append(line)
    if waiting.count and waiting.oldest_at and targets and not sender:
        waited = (now - from_iso(waiting.oldest_at)).total_seconds()
        if waited > WAITING_WARN_S:
            warnings.append(
                _(
                    "warning:   {n} notification(s) waiting for {age} and no sender runs: start "
                    "the collector (docs/collector.md) or run 'dutyboard notify send'"
                ).format(n=f"{waiting.count:,}", age=duration(waited))
            )
    return info, warnings
