"""Notifications out (issue 23): news pushed to where people are.

Three layers, each its own module:

* :mod:`dutyboard.notify.targets` — the ``[[notify]]`` array of the config, checked and
  turned into :class:`Target` values (no secret is ever stored in one: only the name of
  the environment variable that holds it).
* :mod:`dutyboard.notify.channels` — one :class:`Notification` to one :class:`Target`:
  the body in that chat tool's format (WeCom, DingTalk, Feishu, Slack, Teams, a generic
  JSON webhook) or an e-mail (SMTP with STARTTLS), the text sanitised for the channel,
  sent once with a timeout; :func:`deliver` raises :class:`DeliveryError` on failure.
* the outbox (:mod:`dutyboard.store.outbox`, :mod:`dutyboard.notify.sender`): what is to
  be sent is written in the transaction of the event that causes it, and sent (retried,
  backed off, deduplicated) by the collector or, with none, by one officer dashboard.

The values below are the contract between the layers.
"""

from __future__ import annotations

from dataclasses import dataclass

# The events a target may choose (``events = [...]`` in a ``[[notify]]`` block).
EVENTS: tuple[str, ...] = (
    "handover_signed",  # a handover signed (with its brief as text)
    "handover_acknowledged",  # a handover fully acknowledged by the incoming officer
    "urgent_unacknowledged",  # a new urgent request still not acknowledged after N minutes
    "nobody_on_duty",  # no shift open
    "feed_failing",  # a source failing for N minutes
    "arrival_overdue",  # an arrival past its ETA and not marked arrived
    "daily_report",  # the daily report, at its send time (mail: the xlsx attached)
)

# The kinds of target (``kind = "..."``).
KINDS: tuple[str, ...] = ("webhook", "wecom", "dingtalk", "feishu", "slack", "teams", "email")


@dataclass(frozen=True)
class Attachment:
    filename: str
    mime: str
    data: bytes


@dataclass(frozen=True)
class Notification:
    """One piece of news, the same for every target; each channel renders it its way.

    ``id`` is unique per notification and is sent as the idempotency key (a header for
    webhooks, ``Message-ID`` for mail) so a receiver can drop a repeat. ``title`` and
    ``body`` are plain text, already translated; they may hold untrusted text (a unit's
    name, a brief), which each channel escapes for its own markup."""

    id: str
    event: str  # one of EVENTS, or "test"
    title: str
    body: str
    created_at: str  # ISO 8601, UTC
    link: str | None = None
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class Target:
    """One ``[[notify]]`` block, checked. Secrets are named, never held."""

    name: str  # unique; how status, check and `dutyboard notify test NAME` call it
    kind: str  # one of KINDS
    events: frozenset[str]
    url: str | None = None  # webhooks; may hold a token: shown only masked
    secret_env: str | None = None  # DingTalk / Feishu signing secret, from this variable
    # e-mail
    smtp_host: str | None = None
    smtp_port: int = 587
    starttls: bool = True
    mail_from: str | None = None
    mail_to: tuple[str, ...] = ()
    username_env: str | None = None
    password_env: str | None = None
    # thresholds (minutes)
    urgent_after_minutes: float = 15.0
    feed_failing_minutes: float = 30.0
    timeout_s: float = 10.0
    # e-mail: a CA bundle (PEM file) trusted for STARTTLS instead of the system's, for a
    # desk's own relay with a private certificate
    smtp_cafile: str | None = None


class DeliveryError(Exception):
    """A delivery failed. ``retry``: worth trying again later (a timeout, a 5xx, a refused
    connection); not (a 4xx other than 408/429, a missing secret): retried only after the
    config changes."""

    def __init__(self, message: str, *, retry: bool) -> None:
        super().__init__(message)
        self.retry = retry
