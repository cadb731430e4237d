"""Time-based notifications (issue 23): conditions the sender's process looks at on each
pass, each raised once into the outbox by its dedup key.

==========================  ================================================================
event                       raised when (key)
==========================  ================================================================
``urgent_unacknowledged``   an urgent request is still ``new`` (nobody acknowledged,
                            assigned or moved it) N minutes after it was received; N is
                            each subscribed target's ``urgent_after_minutes``, so a
                            second target with a larger N is an escalation, told later
                            (``urgent_unacknowledged:<id>:<N>``)
``nobody_on_duty``          no shift is open, for ``nobody_on_duty_minutes`` since the
                            last one ended (``nobody_on_duty:<its end>``)
``feed_failing``            a source has been failing for a target's
                            ``feed_failing_minutes`` (``feed_failing:<name>:<since>:<N>``)
``arrival_overdue``         an arrival still in transit ``arrival_overdue_minutes`` past
                            its ETA (``arrival_overdue:<id>:<eta>``: a new ETA re-arms it)
``daily_report``            the desk's clock passed ``daily_report_at``
                            (``daily_report:<day>``); the text is the day's report, and a
                            mail target gets the xlsx too, made when it is sent
==========================  ================================================================

:class:`NotifyLoop` is one pass of these and of the sender (:mod:`dutyboard.notify.sender`)
under the ``notify-sender`` lease: what the collector, ``dutyboard notify send`` and a
dashboard run.

Only events some target subscribes to are looked at. Records older than the delivery
window (``give_up_hours``) are not raised at all: news a day old is not news.

The settings are the ``[notify_settings]`` section of the config file (the targets are
its ``[[notify]]`` array, :mod:`dutyboard.notify.targets`)::

    [notify_settings]
    daily_report_at = "20:00"      # desk time; none: no daily report is sent
    nobody_on_duty_minutes = 10
    arrival_overdue_minutes = 0
    interval_seconds = 15          # how often the sender's process looks
    give_up_hours = 24             # a notification not delivered by then is given up
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from dutyboard.config import Config, ConfigError
from dutyboard.domain.clock import from_iso
from dutyboard.domain.supplies import format_quantity
from dutyboard.domain.text import clean_line
from dutyboard.i18n import _
from dutyboard.notify import Attachment, Target
from dutyboard.notify.sender import (
    LEASE_SECONDS,
    Deliver,
    Log,
    Sender,
    SenderLease,
    SendReport,
    clean_error,
    sender_holder,
)
from dutyboard.store import Store, StoreError
from dutyboard.store import outbox as box
from dutyboard.store.engine import DatabaseError
from dutyboard.store.outbox import Queued, local_formatter

SETTINGS_SECTION = "notify_settings"
TARGETS_SECTION = "notify"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RAISED_PER_PASS = 50  # per condition and threshold: the rest are raised on the next pass


@dataclass(frozen=True)
class NotifySettings:
    """``[notify_settings]``, checked."""

    daily_report_at: time | None = None
    nobody_on_duty_minutes: float = 10.0
    arrival_overdue_minutes: float = 0.0
    interval_seconds: float = 15.0
    give_up_hours: float = 24.0

    @property
    def max_age(self) -> timedelta:
        return timedelta(hours=self.give_up_hours)


def _number(low: float, high: float) -> Callable[[Any], float]:
    def parse(value: Any) -> float:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not low <= value <= high
        ):
            raise ValueError(
                _("must be a number from {low} to {high}").format(low=f"{low:g}", high=f"{high:g}")
            )
        return float(value)

    return parse


def _time(value: Any) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        try:
            return time.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(_('{value} is not a time like "20:00"').format(value=repr(value)))


_SETTINGS: dict[str, Callable[[Any], Any]] = {
    "daily_report_at": _time,
    "nobody_on_duty_minutes": _number(1, 7 * 24 * 60),
    "arrival_overdue_minutes": _number(0, 7 * 24 * 60),
    "interval_seconds": _number(1, 3600),
    "give_up_hours": _number(1, 7 * 24),
}


def parse_settings(value: Any, *, where: str) -> NotifySettings:
    """Check ``[notify_settings]``; a bad key raises ``ConfigError`` naming it."""
    if value is None:
        return NotifySettings()
    if not isinstance(value, dict):
        raise ConfigError(
            _("{where}: [{section}] must be a table").format(where=where, section=SETTINGS_SECTION)
        )
    values: dict[str, Any] = {}
    for key, raw in value.items():
        parse = _SETTINGS.get(key)
        if parse is None:
            raise ConfigError(
                _("{where}: unknown key {section}.{key} (known: {known})").format(
                    where=where, section=SETTINGS_SECTION, key=key, known=", ".join(_SETTINGS)
                )
            )
        try:
            values[key] = parse(raw)
        except ValueError as exc:
            raise ConfigError(f"{where}: {SETTINGS_SECTION}.{key}: {exc}") from None
    return NotifySettings(**values)


@dataclass(frozen=True)
class NotifySetup:
    """Everything a sender's process needs from the config: the targets, the settings,
    and the desk's name, zone and config file (the daily report's catalogue)."""

    targets: tuple[Target, ...] = ()
    settings: NotifySettings = field(default_factory=NotifySettings)
    desk_name: str = "Duty desk"
    timezone: str = "UTC"
    source_path: Path | None = None


def load_notify(config: Config) -> NotifySetup:
    """The ``[[notify]]`` targets and ``[notify_settings]`` of ``config``'s file (none
    without a file). A bad entry raises ``ConfigError`` with one line naming it."""
    base = NotifySetup(
        desk_name=config.desk_name, timezone=config.timezone, source_path=config.source_path
    )
    path = config.source_path
    if path is None or not path.exists():
        return base
    where = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{where}: {exc}") from None
    from dutyboard.notify.targets import parse_targets

    targets = parse_targets(data.get(TARGETS_SECTION, []), where=where)
    settings = parse_settings(data.get(SETTINGS_SECTION), where=where)
    return NotifySetup(
        targets=targets,
        settings=settings,
        desk_name=config.desk_name,
        timezone=config.timezone,
        source_path=path,
    )


# ------------------------------------------------------------------------- conditions


@dataclass(frozen=True)
class Raised:
    """A notification a condition would raise."""

    event: str
    key: str
    title: str
    body: str
    payload: dict[str, Any] = field(default_factory=dict)
    link: str | None = None


def _subscribed(targets: Iterable[Target], event: str) -> list[Target]:
    return [t for t in targets if event in t.events]


def _minutes(value: float) -> str:
    return f"{value:g}"


def check_conditions(
    store: Store,
    targets: Sequence[Target],
    now: datetime,
    config: Config | NotifySetup,
    *,
    settings: NotifySettings | None = None,
) -> list[str]:
    """Look at every condition some target subscribes to and raise what is new, each
    condition's notifications in one transaction of their own (with an ``events`` row
    each); the keys raised. A condition seen again raises nothing and writes nothing."""
    if store.readonly or not targets:
        return []
    setup = config if isinstance(config, NotifySetup) else load_notify(config)
    settings = settings or setup.settings
    local = local_formatter(setup.timezone)
    raised: list[str] = []
    checks: list[tuple[str, Callable[[], list[Raised]]]] = [
        ("urgent_unacknowledged", lambda: _urgent(store, targets, now, settings, local)),
        ("nobody_on_duty", lambda: _nobody(store, now, settings, local)),
        ("feed_failing", lambda: _feeds(store, targets, now, local)),
        ("arrival_overdue", lambda: _arrivals(store, now, settings, local)),
        ("daily_report", lambda: _daily(store, now, settings, setup)),
    ]
    for event, check in checks:
        if not _subscribed(targets, event):
            continue
        raised.extend(raise_new(store, check()))
    return raised


def raise_new(store: Store, candidates: Sequence[Raised]) -> list[str]:
    """Enqueue those of ``candidates`` whose key is new, in one transaction, each with its
    ``events`` row (entity ``notification``, action ``raise``); the keys raised."""
    new = set(box.missing_keys(store, (c.key for c in candidates)))
    fresh = [c for c in candidates if c.key in new]
    if not fresh:
        return []
    done: list[str] = []
    with store.transaction() as conn:
        for c in fresh:
            outbox_id = box.enqueue(
                conn, store, c.event, c.key, c.title, c.body, link=c.link, payload=c.payload
            )
            if outbox_id is None:
                continue  # raised by another process a moment ago
            store.log_event(
                conn,
                "notification",
                outbox_id,
                "raise",
                None,
                {"event": c.event, "key": c.key, "title": c.title},
            )
            done.append(c.key)
    return done


def _urgent(
    store: Store,
    targets: Sequence[Target],
    now: datetime,
    settings: NotifySettings,
    local: Callable[[str], str],
) -> list[Raised]:
    found: list[Raised] = []
    thresholds = sorted(
        {t.urgent_after_minutes for t in _subscribed(targets, "urgent_unacknowledged")}
    )
    for minutes in thresholds:
        waited = timedelta(minutes=minutes)
        rows = box.urgent_unacknowledged(
            store, now - waited, now - waited - settings.max_age, limit=RAISED_PER_PASS
        )
        for r in rows:
            what = clean_line(r["item"])
            if r["quantity"] is not None:
                amount = format_quantity(r["quantity"])
                what = f"{what} {amount}" + (f" {clean_line(r['unit'])}" if r["unit"] else "")
            found.append(
                Raised(
                    "urgent_unacknowledged",
                    f"urgent_unacknowledged:{r['id']}:{_minutes(minutes)}",
                    _("Urgent request #{id} not acknowledged for {minutes} min").format(
                        id=r["id"], minutes=_minutes(minutes)
                    ),
                    _("{org} asks for {what}; received {time}, still new.").format(
                        org=clean_line(r["org"]), what=what, time=local(str(r["received_at"]))
                    ),
                    {"request_id": int(r["id"]), "minutes": minutes},
                )
            )
    return found


def _nobody(
    store: Store, now: datetime, settings: NotifySettings, local: Callable[[str], str]
) -> list[Raised]:
    last = box.nobody_on_duty_since(store)
    if last is None:
        return []
    ended = str(last["ended_at"])
    try:
        since = from_iso(ended)
    except ValueError:
        return []
    if now - since < timedelta(minutes=settings.nobody_on_duty_minutes) or (
        now - since > settings.max_age
    ):
        return []
    minutes = _minutes(settings.nobody_on_duty_minutes)
    return [
        Raised(
            "nobody_on_duty",
            f"nobody_on_duty:{ended}",
            _("Nobody on duty for {minutes} min").format(minutes=minutes),
            _("The last shift ({officer}) ended at {time}; nobody has started one since.").format(
                officer=clean_line(last["officer"]), time=local(ended)
            ),
            {"since": ended},
        )
    ]


def _feeds(
    store: Store, targets: Sequence[Target], now: datetime, local: Callable[[str], str]
) -> list[Raised]:
    found: list[Raised] = []
    thresholds = sorted({t.feed_failing_minutes for t in _subscribed(targets, "feed_failing")})
    for minutes in thresholds:
        for r in box.failing_sources(store, now - timedelta(minutes=minutes), RAISED_PER_PASS):
            since = str(r["failing_since"])
            name = clean_line(r["name"], 100)
            error = clean_error(str(r["last_error"] or "?"), None)
            found.append(
                Raised(
                    "feed_failing",
                    f"feed_failing:{r['name']}:{since}:{_minutes(minutes)}",
                    _("Feed {name} failing for {minutes} min").format(
                        name=name, minutes=_minutes(minutes)
                    ),
                    _("Failing since {time}. Last error: {error}").format(
                        time=local(since), error=error
                    ),
                    {"source": str(r["name"]), "minutes": minutes},
                )
            )
    return found


def _arrivals(
    store: Store, now: datetime, settings: NotifySettings, local: Callable[[str], str]
) -> list[Raised]:
    from dutyboard.store.arrivals import describe

    grace = timedelta(minutes=settings.arrival_overdue_minutes)
    rows = box.overdue_arrivals(store, now - grace, now - grace - settings.max_age, RAISED_PER_PASS)
    found: list[Raised] = []
    for r in rows:
        what = clean_line(describe(r), 200)
        kind = _("Traveller") if r["kind"] == "traveller" else _("Shipment")
        found.append(
            Raised(
                "arrival_overdue",
                f"arrival_overdue:{r['id']}:{r['eta']}",
                _("Arrival overdue: {what}").format(what=what),
                _("{kind} #{id} {what} was due at {eta} and is not marked arrived.").format(
                    kind=kind, id=r["id"], what=what, eta=local(str(r["eta"]))
                ),
                {"arrival_id": int(r["id"]), "eta": str(r["eta"])},
            )
        )
    return found


def _daily(
    store: Store, now: datetime, settings: NotifySettings, setup: NotifySetup
) -> list[Raised]:
    at = settings.daily_report_at
    if at is None:
        return []
    local = now.astimezone(ZoneInfo(setup.timezone))
    if local.time().replace(tzinfo=None) < at:
        return []
    day = local.date()
    key = f"daily_report:{day.isoformat()}"
    if not box.missing_keys(store, [key]):
        return []
    report = build_report(store, day, setup, now)
    from dutyboard.reports.daily import report_title

    return [
        Raised(
            "daily_report",
            key,
            report_title(report),
            daily_report_text(report),
            {"daily_report": day.isoformat()},
        )
    ]


# ------------------------------------------------------------------------- the daily report


def build_report(store: Store, day: date, setup: NotifySetup, now: datetime) -> Any:
    """The desk's daily report for ``day`` (:func:`dutyboard.reports.daily.build_daily_report`),
    with the supplies catalogue of the config file."""
    from dutyboard.domain.supplies import SuppliesConfigError, SupplyCatalog, load_catalog
    from dutyboard.reports.daily import build_daily_report

    try:
        catalog = load_catalog(setup.source_path) if setup.source_path else SupplyCatalog()
    except SuppliesConfigError:
        catalog = SupplyCatalog()  # `dutyboard check` and `report` say what is wrong
    return build_daily_report(
        store,
        day,
        timezone=setup.timezone,
        desk_name=setup.desk_name,
        now=now,
        catalog=catalog,
    )


def daily_report_text(report: Any) -> str:
    """The daily report as plain text (each channel escapes it for its own markup): the
    same sections as the Markdown and the xlsx."""
    from dutyboard.reports.daily import report_sections, report_subtitle

    def cell(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, int | float) and not isinstance(value, bool):
            return format_quantity(value)
        return clean_line(value, 300)

    lines = [report_subtitle(report)]
    for section in report_sections(report):
        lines += ["", section.title]
        if section.key == "summary":
            lines += [f"{cell(k)}: {cell(v)}" for k, v in section.rows]
            continue
        if not section.rows:
            lines.append(cell(section.empty))
            continue
        lines += [" · ".join(cell(c) for c in row if c not in (None, "")) for row in section.rows]
        if section.note:
            lines.append(cell(section.note))
    return "\n".join(lines)


class ReportAttachments:
    """What a notification carries to a target, made when it is sent: the daily report's
    xlsx for a mail target (``payload.daily_report``), nothing else. Made once per
    notification and pass, whichever of the sender's threads asks first."""

    def __init__(self, setup: NotifySetup) -> None:
        self.setup = setup
        self._lock = threading.Lock()
        self._made: dict[int, tuple[Attachment, ...]] = {}

    def __call__(self, store: Store, target: Target, queued: Queued) -> tuple[Attachment, ...]:
        day = queued.payload.get("daily_report")
        if target.kind != "email" or not isinstance(day, str):
            return ()
        with self._lock:
            if queued.outbox_id not in self._made:
                self._made = {queued.outbox_id: self._xlsx(store, date.fromisoformat(day), queued)}
            return self._made[queued.outbox_id]

    def _xlsx(self, store: Store, day: date, queued: Queued) -> tuple[Attachment, ...]:
        from dutyboard.reports.daily import write_xlsx

        report = build_report(store, day, self.setup, store.clock())
        handle, name = tempfile.mkstemp(suffix=".xlsx", prefix="dutyboard-report-")
        os.close(handle)
        path = Path(name)
        try:
            write_xlsx(report, path)
            data = path.read_bytes()
        finally:
            path.unlink(missing_ok=True)
        return (Attachment(f"daily-report-{day.isoformat()}.xlsx", XLSX_MIME, data),)


# ------------------------------------------------------------------------- who sends


@dataclass
class PassReport:
    raised: list[str]  # the keys the conditions raised
    send: SendReport


class NotifyLoop:
    """One pass of conditions and sender at a time, while holding the ``notify-sender``
    lease: what the collector runs every ``interval_seconds``, ``dutyboard notify send``
    once, and a dashboard (when no collector runs) every so often in a thread worker::

        loop = NotifyLoop(store, load_notify(config), role="dashboard",
                          defer_to_collector=True)
        loop.run_pass(wait=0)    # None: another process sends (or no targets, or read-only)
        ...
        loop.close()             # on exit: lets in-flight sends finish, frees the lease
    """

    def __init__(
        self,
        store: Store,
        setup: NotifySetup,
        *,
        holder: str | None = None,
        role: str = "",
        deliver: Deliver | None = None,
        defer_to_collector: bool = False,
        lease_seconds: float = LEASE_SECONDS,
        log: Log | None = None,
    ) -> None:
        self.store = store
        self.setup = setup
        self.log: Log = log or (lambda line: None)
        self.lease = SenderLease(
            store,
            holder or sender_holder(role),
            lease_seconds,
            defer_to_collector=defer_to_collector,
        )
        self.sender = Sender(
            store,
            setup.targets,
            deliver=deliver,
            attachments=ReportAttachments(setup),
            max_age=setup.settings.max_age,
            log=self.log,
        )

    @property
    def interval_seconds(self) -> float:
        return self.setup.settings.interval_seconds

    def run_pass(
        self, now: datetime | None = None, *, wait: float | None = None
    ) -> PassReport | None:
        """Conditions, then the sender (``wait``: see :meth:`Sender.run_once`), if this
        process is the sender; else None."""
        if not self.setup.targets or self.store.readonly or not self.lease.acquire():
            return None
        now = now or self.store.clock()
        raised = check_conditions(
            self.store, self.setup.targets, now, self.setup, settings=self.setup.settings
        )
        return PassReport(raised, self.sender.run_once(now, wait=wait))

    def close(self, wait: float = 5.0) -> None:
        """Let the sending threads finish (up to ``wait`` s: a send cut short would be sent
        again), then give the lease up."""
        self.sender.wait_idle(wait)
        with contextlib.suppress(StoreError, DatabaseError):
            self.lease.release()


__all__ = [
    "NotifyLoop",
    "NotifySettings",
    "NotifySetup",
    "PassReport",
    "Raised",
    "ReportAttachments",
    "build_report",
    "check_conditions",
    "daily_report_text",
    "load_notify",
    "parse_settings",
    "raise_new",
]
