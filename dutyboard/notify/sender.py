"""The sender (issue 23): the outbox's notifications to their targets, at least once,
never twice in a normal run, a failing target holding up nobody.

One pass (:meth:`Sender.run_once`):

1. **Route** — every notification no sender has seen gets a delivery row per target
   subscribed to its event (and, for ``urgent_unacknowledged`` and ``feed_failing``, whose
   threshold is the one it was raised for: the escalation's second target gets its own).
2. **Sweep** — a delivery not sent within the window (24 h) is given up; a ``failed`` one
   (refused in a way a retry cannot mend: a 4xx, a missing secret) is tried again once its
   target's configuration changed (a new fingerprint: :func:`fingerprint`).
3. **Deliver** — each target's due rows go out in a thread of their own, one after the
   other, each bounded by the target's ``timeout_s``; the pass waits for them a bounded
   time and goes on: a target that hangs keeps its thread (and gets no second one) while
   the others are sent. Each success is marked ``sent`` in its own transaction right after
   the target accepted it; a failure records the cleaned error and the next try, after
   30 s × 2ⁿ (at most an hour).

**At least once, with one id.** Every target is sent the notification's ``uid``
(:attr:`Notification.id`, the idempotency key). A process killed between the send and the
mark leaves the row pending: it is sent again after the restart, with the same id, so the
receiver can drop the repeat. In a normal run a row is sent once: it is marked before the
thread moves on, and a busy target gets no second thread.

Who sends is whoever holds the ``notify-sender`` lease (:class:`SenderLease`): the
collector, or an officer's dashboard when no collector runs
(:class:`dutyboard.notify.watch.NotifyLoop`). A read-only store (a leader's) never sends.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import astuple, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from dutyboard.domain.clock import from_iso
from dutyboard.domain.text import clean_line
from dutyboard.i18n import _
from dutyboard.notify import Attachment, DeliveryError, Notification, Target
from dutyboard.store import Store, StoreError
from dutyboard.store import outbox as box
from dutyboard.store.engine import DatabaseError
from dutyboard.store.outbox import Queued

Deliver = Callable[[Target, Notification], None]
Attach = Callable[[Store, Target, Queued], tuple[Attachment, ...]]
Log = Callable[[str], None]

BACKOFF_BASE_S = 30.0
BACKOFF_CAP_S = 3600.0
MAX_AGE = timedelta(hours=24)
BATCH = 20  # deliveries per target per pass
MAX_WAIT_S = 60.0  # the longest a pass waits for its threads
LEASE_SECONDS = 60.0
ERROR_CHARS = 300

# Events raised per threshold: a delivery goes to a target whose threshold it was raised for.
_THRESHOLDS: dict[str, str] = {
    "urgent_unacknowledged": "urgent_after_minutes",
    "feed_failing": "feed_failing_minutes",
}


def _default_deliver(target: Target, notification: Notification) -> None:
    from dutyboard.notify.channels import deliver

    deliver(target, notification)


def backoff(attempts: int) -> timedelta:
    """How long after its ``attempts``-th failed attempt a delivery is tried again:
    30 s, 1 min, 2 min… at most an hour."""
    return timedelta(seconds=min(BACKOFF_BASE_S * 2 ** max(attempts - 1, 0), BACKOFF_CAP_S))


def subscribes(target: Target, event: str, payload: Mapping[str, Any]) -> bool:
    """Does a notification of ``event`` (raised with ``payload``) go to ``target``?"""
    if event not in target.events:
        return False
    threshold = _THRESHOLDS.get(event)
    if threshold is None or "minutes" not in payload:
        return True
    try:
        return abs(float(payload["minutes"]) - float(getattr(target, threshold))) < 1e-9
    except (TypeError, ValueError):
        return False


def fingerprint(target: Target, environ: Mapping[str, str] | None = None) -> str:
    """A digest of the target's configuration and of which of its variables are set
    (never their values): a ``failed`` delivery is tried again when it changes."""
    env = os.environ if environ is None else environ
    named = (target.secret_env, target.username_env, target.password_env)
    present = tuple(bool(name and env.get(name)) for name in named)
    text = repr((astuple(target), present))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def mask_url(url: str) -> str:
    """A URL fit to show: :func:`dutyboard.notify.targets.mask`."""
    from dutyboard.notify.targets import mask

    return mask(url)


_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>]+")


def clean_error(
    message: str, target: Target | None, environ: Mapping[str, str] | None = None
) -> str:
    """An error fit to store and show: every URL masked (a webhook's token is in its path
    or query), the target's secrets' values blanked, one clean line."""
    env = os.environ if environ is None else environ
    text = str(message)
    if target is not None:
        for name in (target.secret_env, target.password_env):
            value = env.get(name) if name else None
            if value and len(value) >= 4:
                text = text.replace(value, "…")
        if target.url:
            text = text.replace(target.url, mask_url(target.url))
    text = _URL.sub(lambda m: mask_url(m.group()) if "…" not in m.group() else m.group(), text)
    return clean_line(text, ERROR_CHARS) or "?"


@dataclass
class SendReport:
    """What one pass did (what its threads finished while it waited)."""

    routed: int = 0
    started: dict[str, int] = field(default_factory=dict)  # target → deliveries handed over
    sent: int = 0
    failed: int = 0  # failed attempts (tried again later, or failed until the config changes)
    gave_up: int = 0
    busy: list[str] = field(default_factory=list)  # targets still sending when it stopped waiting


class Sender:
    """Sends the outbox of ``store`` to ``targets`` (see the module).

    ``deliver`` sends one notification to one target, raising ``DeliveryError`` (default:
    :func:`dutyboard.notify.channels.deliver`); ``attachments`` adds what is made at send
    time (:class:`dutyboard.notify.watch.ReportAttachments`); ``log`` gets one line per
    delivery, from the sending threads."""

    def __init__(
        self,
        store: Store,
        targets: Sequence[Target],
        *,
        deliver: Deliver | None = None,
        attachments: Attach | None = None,
        max_age: timedelta = MAX_AGE,
        batch: int = BATCH,
        log: Log | None = None,
    ) -> None:
        self.store = store
        self.targets = tuple(targets)
        self.deliver = deliver or _default_deliver
        self.attachments = attachments
        self.max_age = max_age
        self.batch = batch
        self.log: Log = log or (lambda line: None)
        self._threads: dict[str, threading.Thread] = {}
        self._lock = threading.Lock()

    # -- one pass ---------------------------------------------------------------------

    def run_once(self, now: datetime | None = None, *, wait: float | None = None) -> SendReport:
        """Route, sweep, and hand each target's due deliveries to its thread; wait for the
        threads up to ``wait`` seconds (None: as long as their timeouts allow, at most
        :data:`MAX_WAIT_S`; 0: not at all), then return."""
        report = SendReport()
        if self.store.readonly or not self.targets:
            return report
        now = now or self.store.clock()
        report.routed = self._route(now)
        report.gave_up += box.give_up(
            self.store,
            now - self.max_age,
            _("not sent within {hours} h").format(hours=f"{self.max_age.total_seconds() / 3600:g}"),
        )
        box.reopen_failed(self.store, {t.name: fingerprint(t) for t in self.targets}, now)
        started: list[tuple[threading.Thread, float]] = []
        for target in self.targets:
            with self._lock:
                running = self._threads.get(target.name)
                if running is not None and running.is_alive():
                    continue  # still at it (a hung target): never a second thread
            rows = box.due(self.store, target.name, now, self.batch)
            if not rows:
                continue
            thread = threading.Thread(
                target=self._work,
                args=(target, rows, report),
                name=f"notify-{target.name}",
                daemon=True,
            )
            with self._lock:
                self._threads[target.name] = thread
            report.started[target.name] = len(rows)
            thread.start()
            started.append((thread, len(rows) * (target.timeout_s + 1.0)))
        if started and wait != 0:
            bound = min(max(s for _t, s in started), MAX_WAIT_S) if wait is None else wait
            deadline = time.monotonic() + bound
            for thread, _s in started:
                thread.join(max(0.0, deadline - time.monotonic()))
        with self._lock:
            report.busy = sorted(n for n, t in self._threads.items() if t.is_alive())
        return report

    def wait_idle(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for every sending thread; True when none is left."""
        deadline = time.monotonic() + timeout
        with self._lock:
            threads = list(self._threads.values())
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return not self.busy_targets()

    def busy_targets(self) -> list[str]:
        with self._lock:
            return sorted(n for n, t in self._threads.items() if t.is_alive())

    # -- routing ----------------------------------------------------------------------

    def _route(self, now: datetime) -> int:
        rows = box.unrouted(self.store)
        if not rows:
            return 0
        prints = {t.name: fingerprint(t) for t in self.targets}
        plan: list[tuple[int, list[tuple[str, str]]]] = []
        stale: list[int] = []
        for row in rows:
            chosen = [
                (t.name, prints[t.name])
                for t in self.targets
                if subscribes(t, str(row["event"]), row["payload"])
            ]
            plan.append((int(row["id"]), chosen))
            try:
                if now - from_iso(str(row["created_at"])) > self.max_age:
                    stale.append(int(row["id"]))
            except ValueError:
                stale.append(int(row["id"]))
        hours = f"{self.max_age.total_seconds() / 3600:g}"
        return box.route(
            self.store,
            plan,
            now,
            stale=stale,
            stale_error=_("not sent within {hours} h: no sender was running").format(hours=hours),
        )

    # -- one target's thread ----------------------------------------------------------

    def _work(self, target: Target, rows: list[Queued], report: SendReport) -> None:
        for queued in rows:
            try:
                attachments = (
                    self.attachments(self.store, target, queued) if self.attachments else ()
                )
                notification = Notification(
                    id=queued.uid,
                    event=queued.event,
                    title=queued.title,
                    body=queued.body,
                    created_at=queued.created_at,
                    link=queued.link,
                    attachments=attachments,
                )
                self.deliver(target, notification)
            except DeliveryError as exc:
                error, retry = str(exc), exc.retry
            except Exception as exc:  # a bug or an unforeseen error: tried again later
                error, retry = f"{type(exc).__name__}: {exc}", True
            else:
                sent = functools.partial(
                    box.mark_sent, self.store, queued.outbox_id, target.name, self.store.clock()
                )
                if not self._mark(sent):
                    return
                with self._lock:
                    report.sent += 1
                self.log(
                    _("notify: {target}: sent {key}").format(
                        target=target.name, key=clean_line(queued.key, 120)
                    )
                )
                continue
            if not self._failed(target, queued, clean_error(error, target), retry, report):
                return
            if retry:
                return  # the target is failing: its other rows wait for the next pass

    def _failed(
        self, target: Target, queued: Queued, error: str, retry: bool, report: SendReport
    ) -> bool:
        now = self.store.clock()
        attempts = queued.attempts + 1
        next_at = now + backoff(attempts)
        try:
            too_old = next_at - from_iso(queued.created_at) > self.max_age
        except ValueError:
            too_old = True
        state = "failed" if not retry else ("gave_up" if too_old else "pending")
        marked = self._mark(
            lambda: box.mark_failed(
                self.store, queued.outbox_id, target.name, now, error, state=state, next_at=next_at
            )
        )
        with self._lock:
            if state == "gave_up":
                report.gave_up += 1
            else:
                report.failed += 1
        if state == "pending":
            line = _("notify: {target}: {key} not sent ({error}); next try in {seconds} s")
        elif state == "failed":
            line = _(
                "notify: {target}: {key} refused ({error}); tried again when the target's "
                "configuration changes"
            )
        else:
            line = _("notify: {target}: {key} given up ({error})")
        self.log(
            line.format(
                target=target.name,
                key=clean_line(queued.key, 120),
                error=error,
                seconds=f"{backoff(attempts).total_seconds():g}",
            )
        )
        return marked

    def _mark(self, write: Callable[[], bool]) -> bool:
        """Record an outcome; False when the store cannot be written (closed, gone): the
        row stays pending and is sent again by the next sender, with the same id."""
        try:
            write()
        except (StoreError, DatabaseError, ValueError) as exc:
            self.log(_("notify: could not record a delivery ({error})").format(error=exc))
            return False
        return True


# ------------------------------------------------------------------------- who sends


def sender_holder(role: str = "") -> str:
    """``host:pid`` (and a role, "dashboard"): who holds the sender lease."""
    base = f"{socket.gethostname()}:{os.getpid()}"
    return f"{base}:{role}" if role else base


class SenderLease:
    """The ``notify-sender`` lease: only its holder sends.

    The collector holds it while it runs (``defer_to_collector=False``). A dashboard asks
    with ``defer_to_collector=True``: it gets the lease only while no collector runs, and
    gives it up as soon as one does. :meth:`acquire` takes or renews it (writing only when
    a third of it is spent); call it before every pass. A read-only store never gets it.
    """

    def __init__(
        self,
        store: Store,
        holder: str | None = None,
        seconds: float = LEASE_SECONDS,
        *,
        defer_to_collector: bool = False,
    ) -> None:
        self.store = store
        self.holder = holder or sender_holder()
        self.seconds = seconds
        self.defer_to_collector = defer_to_collector
        self.held = False

    def acquire(self) -> bool:
        self.held = box.take_sender_lease(
            self.store, self.holder, self.seconds, unless_collector=self.defer_to_collector
        )
        return self.held

    def release(self) -> None:
        if self.held:
            box.release_sender_lease(self.store, self.holder)
        self.held = False


__all__ = [
    "BACKOFF_BASE_S",
    "BACKOFF_CAP_S",
    "MAX_AGE",
    "SendReport",
    "Sender",
    "SenderLease",
    "backoff",
    "clean_error",
    "fingerprint",
    "sender_holder",
    "subscribes",
]
