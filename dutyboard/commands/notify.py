"""``dutyboard notify list|test|send``: the notification targets and the outbox.

``dutyboard notify list``          the ``[[notify]]`` targets (webhook URLs masked), what each
                                   has pending or failed, and who sends
``dutyboard notify test TARGET``   send a test notification to TARGET now, directly (not
                                   through the outbox); ok, or the error and exit 2
``dutyboard notify send``          one pass of conditions and sender (for cron, on a desk
                                   where no collector runs); exit 1 when a delivery failed

``list`` only reads (a leader may run it); ``test`` and ``send`` send, which a leader's
session never does. ``send`` takes the ``notify-sender`` lease, so it sends nothing while
a collector (or a dashboard) is the sender. See docs/notify.md.
"""

from __future__ import annotations

import argparse
import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from dutyboard.commands import Context, Subparsers, UsageError, common_options
from dutyboard.domain.clock import from_iso, to_iso, utcnow
from dutyboard.domain.text import clean_line
from dutyboard.i18n import _
from dutyboard.notify import DeliveryError, Notification, Target

if TYPE_CHECKING:
    from dutyboard.notify.watch import NotifySetup
    from dutyboard.store.outbox import TargetDeliveries

# How long after its notification a delivery given up still shows in `notify list`.
SHOWN_GAVE_UP = timedelta(hours=48)


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "notify",
        help=_("notification targets and the outbox: list, test a target, send now"),
        description=_(
            "Notifications go to the [[notify]] targets of the config file (chat webhooks, "
            "e-mail) through an outbox, sent by the collector or, with none running, by an "
            "officer's dashboard, with retries. List the targets and what is waiting, send "
            "a test to one target, or do one pass of sending now (for cron). See "
            "docs/notify.md."
        ),
    )
    common_options(parser)
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser(
        "list",
        help=_("the targets (URLs masked), what is pending or failed, who sends"),
        description=_(
            "One block per [[notify]] target: its kind, events and where it sends (a "
            "webhook's URL masked), then its pending and failed deliveries and last "
            "error; and who holds the sender lease. Read-only."
        ),
    )
    common_options(listing)
    test = actions.add_parser(
        "test",
        help=_("send a test notification to TARGET now; exit 2 if it fails"),
        description=_(
            "Send one test notification to the named target at once, directly (the outbox "
            "is not used), and say whether the target took it. Exit 2 with the error when "
            "it did not."
        ),
    )
    common_options(test)
    test.add_argument("target", metavar="TARGET", help=_("a [[notify]] target's name"))
    send = actions.add_parser(
        "send",
        help=_("one pass: raise what is due, send what waits (for cron)"),
        description=_(
            "Look at the conditions (urgent requests not acknowledged, nobody on duty, "
            "failing feeds, overdue arrivals, the daily report) and send what the outbox "
            "holds, once, then exit: for cron on a desk where no collector runs. Sends "
            "nothing while the collector or a dashboard is the sender. Exit 1 when a "
            "delivery failed."
        ),
    )
    common_options(send)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from dutyboard.notify.watch import load_notify

    ctx.require_desk()
    setup = load_notify(ctx.config)
    if args.action == "test":
        return _test(args, ctx, setup.targets)
    if args.action == "send":
        return _send(ctx, setup)
    return _list(ctx, setup)


def where(target: Target) -> str:
    """Where a target sends, fit to show: the masked URL, or the mailboxes."""
    from dutyboard.notify.targets import mask

    if target.kind == "email":
        return _("{to} via {host}:{port}").format(
            to=", ".join(target.mail_to), host=target.smtp_host, port=target.smtp_port
        )
    return mask(target.url or "")


def _find(targets: tuple[Target, ...], name: str) -> Target:
    for target in targets:
        if target.name == name:
            return target
    known = ", ".join(t.name for t in targets) or _("none: add [[notify]] to the config file")
    raise UsageError(
        _("no notify target named {name} (known: {known})").format(
            name=repr(clean_line(name, 100)), known=known
        )
    )


def _test(args: argparse.Namespace, ctx: Context, targets: tuple[Target, ...]) -> int:
    from dutyboard.notify.channels import deliver
    from dutyboard.notify.sender import clean_error
    from dutyboard.store.outbox import local_formatter

    target = _find(targets, args.target)
    now = to_iso(utcnow())
    note = Notification(
        id=f"test-{uuid.uuid4().hex}",
        event="test",
        title=_("dutyboard test notification"),
        body=_("A test from {desk} at {time}: if you read this, the target {target} works.").format(
            desk=ctx.config.desk_name,
            time=local_formatter(ctx.config.timezone)(now),
            target=target.name,
        ),
        created_at=now,
    )
    try:
        deliver(target, note)
    except DeliveryError as exc:
        print(
            _("{target} ({where}): failed: {error}").format(
                target=target.name, where=where(target), error=clean_error(str(exc), target)
            )
        )
        return 2
    print(_("{target} ({where}): ok").format(target=target.name, where=where(target)))
    return 0


def _send(ctx: Context, setup: NotifySetup) -> int:
    from dutyboard.notify.watch import NotifyLoop
    from dutyboard.store import Store
    from dutyboard.store import outbox as box

    if not setup.targets:
        raise UsageError(_("no notify targets are configured: add [[notify]] to the config file"))
    store = Store.open(ctx.desk, actor=ctx.user)
    store.desk_zone = ctx.config.timezone
    store.phone_region = ctx.config.desk_phone_region
    try:
        loop = NotifyLoop(store, setup, role="notify-send", defer_to_collector=True, log=print)
        result = loop.run_pass()
        if result is None:
            lease = box.sender_lease(store)
            holder = clean_line(lease["holder"], 120) if lease else _("the collector")
            print(_("notify: {holder} is the sender; nothing sent from here").format(holder=holder))
            return 0
        loop.close()
        send = result.send
        print(
            _("notify: {raised} raised, {sent} sent, {failed} failed, {gave_up} given up").format(
                raised=len(result.raised), sent=send.sent, failed=send.failed, gave_up=send.gave_up
            )
        )
        if send.busy:
            print(
                _("notify: still sending to {targets} (sent again next time if cut short)").format(
                    targets=", ".join(send.busy)
                )
            )
        return 1 if send.failed or send.gave_up else 0
    finally:
        store.close()


def _list(ctx: Context, setup: NotifySetup) -> int:
    from dutyboard.store import Store
    from dutyboard.store import outbox as box

    store = Store.open(ctx.desk, readonly=True, actor=ctx.user)
    try:
        now = store.clock()
        deliveries = {d.name: d for d in box.target_deliveries(store, now - SHOWN_GAVE_UP)}
        waiting = box.waiting(store)
        lease = box.sender_lease(store)
    finally:
        store.close()
    if not setup.targets:
        print(_("no notify targets are configured: add [[notify]] to the config file"))
    for target in setup.targets:
        print(
            _("{name} ({kind}): {where}").format(
                name=target.name, kind=target.kind, where=where(target)
            )
        )
        print("  " + _("events: {events}").format(events=", ".join(sorted(target.events))))
        d = deliveries.pop(target.name, None)
        print("  " + (delivery_line(d, now) if d else _("nothing pending")))
        if d and d.last_error:
            print("  " + _("last error: {error}").format(error=clean_line(d.last_error, 300)))
    for name, d in sorted(deliveries.items()):  # a target since removed from the config
        print(
            _("{name} (no longer configured): {what}").format(
                name=clean_line(name, 100), what=delivery_line(d, now)
            )
        )
    if waiting.count:
        print(
            _("{n} notification(s) waiting for a sender, the oldest raised {time}").format(
                n=waiting.count, time=clean_line(waiting.oldest_at or "?", 40)
            )
        )
    if lease is not None and from_iso(str(lease["expires_at"])) > now:
        print(
            _("sender: {holder} (lease until {until})").format(
                holder=clean_line(lease["holder"], 120), until=clean_line(lease["expires_at"], 40)
            )
        )
    else:
        print(_("sender: none running (the collector sends; or 'dutyboard notify send')"))
    return 0


def delivery_line(d: TargetDeliveries, now: datetime) -> str:
    """'2 pending (oldest 5 min), 1 failed, 1 given up' for one target."""
    from dutyboard.commands.check import duration

    parts = []
    if d.pending:
        age = ""
        if d.oldest_pending_at:
            age = duration((now - from_iso(d.oldest_pending_at)).total_seconds())
        parts.append(_("{n} pending (oldest {age})").format(n=d.pending, age=age))
    if d.failed:
        parts.append(_("{n} failed").format(n=d.failed))
    if d.gave_up:
        parts.append(_("{n} given up").format(n=d.gave_up))
    return ", ".join(parts) or _("nothing pending")
