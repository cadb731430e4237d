"""The status as one screen of plain text (24 lines or fewer at 80 columns on an
ordinary desk), in the leader's language, every value from the database made safe
for a terminal.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from dutyboard.domain.clock import from_iso
from dutyboard.domain.status import OPEN_LEAD_STATUSES, OPEN_REQUEST_STATUSES
from dutyboard.domain.text import clean_line
from dutyboard.reports.status.labels import CATEGORY_LABELS, HANDOVER_STATE, LABELS, VALUE_LABELS
from dutyboard.reports.status.model import (
    Arrivals,
    DeskStatus,
    HandoverInfo,
    LeadLine,
    Notifications,
    QuarantineCounts,
    RequestLine,
    RollCall,
    SourceHealth,
    SupplyTally,
)

TEXT_TOP = 3  # records per list on the text screen, so it fits 80×24
FAILING_SHOWN = 3  # failing sources named on the text screen, each with its last error


def safe(value: object) -> str:
    """A value fit to print on a terminal, on one line: the desk's one sanitiser
    (:func:`~dutyboard.domain.text.clean_line`), so no control character, escape
    sequence, bidi override or invisible character gets through, nor stacked marks."""
    return clean_line(str(value))


def cells(text: str) -> int:
    """Terminal columns ``text`` takes (CJK wide characters take two)."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def fit(text: str, width: int, *, pad: bool = False) -> str:
    """Cut ``text`` to ``width`` columns with "…"; pad with spaces when asked."""
    if cells(text) > width:
        out, used = [], 0
        for ch in text:
            w = cells(ch)
            if used + w > width - 1:
                break
            out.append(ch)
            used += w
        text = "".join(out) + "…"
    if pad:
        text += " " * (width - cells(text))
    return text


class _Text:
    """Label lookup and time formatting for one language and zone."""

    def __init__(self, lang: str, zone: ZoneInfo, now: datetime) -> None:
        if lang not in LABELS:
            raise ValueError(f"unknown language {lang!r} (known: {', '.join(LABELS)})")
        self.lang = lang
        self.zone = zone
        self.year = now.astimezone(zone).year
        self.labels = LABELS[lang]
        self.values = VALUE_LABELS[lang]

    def __call__(self, key: str, **values: Any) -> str:
        return self.labels[key].format(**values)

    def value(self, code: str) -> str:
        return self.values.get(code, safe(code))

    def category(self, code: str) -> str:
        return CATEGORY_LABELS[self.lang].get(code) or safe(code.replace("_", " "))

    def local(self, iso: str | None) -> str:
        if not iso:
            return "—"
        try:
            local = from_iso(iso).astimezone(self.zone)
        except ValueError:
            return fit(safe(iso), 16)
        # Month-day is enough this year; an older (or far) date shows its year instead.
        return local.strftime("%m-%d %H:%M" if local.year == self.year else "%Y-%m-%d")


def _counts(t: _Text, counts: dict[str, int]) -> list[str]:
    return [f"{t.value(k)} {n:,}" for k, n in counts.items()]


def _wrap(
    head: str,
    parts: Sequence[str],
    width: int,
    *,
    sep: str,
    indent: str = "  ",
    max_lines: int = 0,
    more: str = "",
) -> list[str]:
    """``head``, then ``parts`` joined by " · " and wrapped at whole parts, so a count is
    never cut in half. With ``max_lines``, what does not fit is summed up by ``more``
    (a label with ``{n}``)."""
    rows: list[list[str]] = [[]]

    def text(index: int, row: list[str]) -> str:
        if index == 0:
            return head + (sep + " · ".join(row) if row else sep.rstrip() if parts else "")
        return indent + " · ".join(row)

    placed = 0
    for part in parts:
        index = len(rows) - 1
        if cells(text(index, [*rows[index], part])) <= width or (index and not rows[index]):
            rows[index].append(part)
        elif max_lines and len(rows) >= max_lines:
            break
        else:
            rows.append([part])
        placed += 1
    left = len(parts) - placed
    if left and more:
        last = rows[-1]
        while last and cells(text(len(rows) - 1, [*last, more.format(n=left)])) > width:
            last.pop()
            left += 1
        last.append(more.format(n=left))
    return [text(i, row) for i, row in enumerate(rows)]


def _rjust(text: str, width: int) -> str:
    text = fit(text, width)
    return " " * (width - cells(text)) + text


def _quantity(quantity: int | float | None, unit: str | None) -> str:
    if quantity is None:
        return ""
    text = f"{quantity:,}"
    return f"{text} {safe(unit)}" if unit else text


def _record_row(tag: str, first: str, second: str, tail: str, width: int) -> str:
    """``  #id first second tail``: the two names share what the tail leaves."""
    room = max(width - 4 - cells(tag) - cells(tail), 12)
    first_w = max(room * 3 // 5, 6)
    second_w = max(room - first_w, 5)
    return f"  {tag} {fit(first, first_w, pad=True)} {fit(second, second_w, pad=True)}{tail}"


def _tags(ids: Sequence[int]) -> list[str]:
    """``#id`` labels padded to one width, so the columns of a list line up."""
    tags = [f"#{i}" for i in ids]
    width = max((len(tag) for tag in tags), default=0)
    return [tag.ljust(width) for tag in tags]


def _request_rows(t: _Text, rows: Sequence[RequestLine], width: int) -> list[str]:
    return [
        _record_row(
            tag,
            safe(r.org),
            safe(r.item),
            f" {_rjust(_quantity(r.quantity, r.unit), 13)} {t('due')} {t.local(r.due_by)}",
            width,
        )
        for tag, r in zip(_tags([r.id for r in rows]), rows, strict=True)
    ]


def _lead_rows(t: _Text, rows: Sequence[LeadLine], width: int) -> list[str]:
    return [
        _record_row(
            tag,
            safe(r.supplier) + (f" ({safe(r.country)})" if r.country else ""),
            safe(r.item),
            f" {fit(t.value(r.status), 11, pad=True)} {t('due')} {t.local(r.next_action_at)}",
            width,
        )
        for tag, r in zip(_tags([r.id for r in rows]), rows, strict=True)
    ]


def _minutes_since(now: datetime, iso: str) -> int:
    try:
        return max(int((now - from_iso(iso)).total_seconds() // 60), 0)
    except ValueError:
        return 0


def render_text(status: DeskStatus, *, lang: str = "en", width: int = 80) -> str:
    """One screen of plain text: 24 lines or fewer at 80 columns on an ordinary desk.

    Every value from the database goes through :func:`safe`, so no control character
    reaches the terminal; nothing is interpreted as markup (this is plain ``str``).
    """
    zone = ZoneInfo(status.timezone)
    now = from_iso(status.generated_at)
    t = _Text(lang, zone, now)
    colon = t("colon")
    lines = [
        t(
            "title",
            desk=safe(status.desk_name),
            local=now.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            zone=status.timezone,
            utc=now.strftime("%H:%M"),
        )
    ]
    if status.shift:
        minutes = _minutes_since(now, status.shift.started_at)
        line = t(
            "on_duty" if minutes < 48 * 60 else "on_duty_days",
            officer=safe(status.shift.officer),
            since=t.local(status.shift.started_at),
            hours=minutes // 60,
            minutes=minutes % 60,
            days=minutes // (24 * 60),
        )
        if status.shift.taken_over_from is not None:
            line += f" · {t('taken_over')}"
        lines.append(line)
    else:
        lines.append(t("nobody"))
    lines.extend(_handover_lines(t, status.handover, width))

    by_status = status.requests_by_status
    open_counts = {k: n for k, n in by_status.items() if k in OPEN_REQUEST_STATUSES}
    done_counts = {k: n for k, n in by_status.items() if k not in OPEN_REQUEST_STATUSES}
    head = t("requests", open=f"{status.requests_open:,}")
    lines.extend(_wrap(head, _counts(t, open_counts), width, sep=" — "))
    done = t("done", done=f"{sum(done_counts.values()):,}", total=f"{status.requests_total:,}")
    lines.extend(_wrap("  " + done, _counts(t, done_counts), width, sep=colon, indent="    "))
    priority = "  " + t("by_priority")
    lines.extend(
        _wrap(priority, _counts(t, status.open_by_priority), width, sep=colon, indent="    ")
    )
    lines.append(t("urgent", n=f"{status.urgent_open:,}"))
    lines.extend(_request_rows(t, status.top_urgent[:TEXT_TOP], width))
    lines.append(t("overdue", n=f"{status.overdue:,}"))
    lines.extend(_request_rows(t, status.top_overdue[:TEXT_TOP], width))

    by_stage = status.leads_by_status
    open_leads = {k: n for k, n in by_stage.items() if k in OPEN_LEAD_STATUSES}
    done_leads = {k: n for k, n in by_stage.items() if k not in OPEN_LEAD_STATUSES}
    done = t("done", done=f"{sum(done_leads.values()):,}", total=f"{status.leads_total:,}")
    parts = [*_counts(t, open_leads), done + colon + ", ".join(_counts(t, done_leads))]
    lines.extend(_wrap(t("leads", open=f"{status.leads_open:,}"), parts, width, sep=" — "))
    lines.append(t("awaiting", n=f"{status.awaiting_reply:,}"))
    lines.extend(_lead_rows(t, status.top_awaiting[:TEXT_TOP], width))

    lines.extend(_arrival_lines(t, status.arrivals, status.rollcall, width))
    lines.extend(_source_lines(t, status.sources, width, status.quarantine))
    lines.extend(_notify_lines(t, status.notifications, width))
    lines.extend(_supply_lines(t, status.supplies, width))
    return "\n".join(fit(line, width) for line in lines) + "\n"


def _arrival_lines(t: _Text, a: Arrivals | None, r: RollCall | None, width: int) -> list[str]:
    lines: list[str] = []
    # One line each, so the status still fits one screen: the first thing to chase.
    if a is not None and (a.count or a.overdue):
        head = t("arrivals", n=f"{a.count:,}", hours=a.hours, late=f"{a.overdue:,}")
        first = next(iter(a.top), None)
        if first is not None:
            mark = t("late_mark") + " " if first.overdue else ""
            head += f" — {mark}{t.local(first.eta)} {safe(first.what)}"
        lines.append(fit(head, width))
    if r is not None and (r.reported + r.late + r.due + r.missing):
        head = t("rollcall", missing=r.missing, due=r.due, late=r.late, reported=r.reported)
        if r.units_missing:
            head += " — " + ", ".join(safe(n) for n in r.units_missing)
        lines.append(fit(head, width))
    return lines


def _handover_lines(t: _Text, h: HandoverInfo | None, width: int) -> list[str]:
    if h is None:
        return [t("no_handover")]
    who = safe(h.from_officer) + (f" → {safe(h.to_officer)}" if h.to_officer else "")
    when = {"acknowledged": h.acknowledged_at, "signed": h.signed_at}.get(h.state)
    state = HANDOVER_STATE[t.lang].get(h.state) or t.value(h.state)
    head = t("handover", who=who, state=state, when=t.local(when or h.created_at))
    parts = []
    # Said only when someone other than the named recipient acknowledged it.
    if h.state == "acknowledged" and h.acknowledged_by and h.acknowledged_by != h.to_officer:
        parts.append(t("handover_by", who=safe(h.acknowledged_by)))
    if h.items:
        parts.append(t("handover_items", acked=h.items_acknowledged, items=h.items))
    return _wrap(head, parts, width, sep=" · ")


def _source_lines(
    t: _Text, sources: list[SourceHealth], width: int, quarantine: QuarantineCounts | None = None
) -> list[str]:
    """One line of counts; each failing source (up to three, latest failure first) with its
    last error; the open quarantine, when there is any."""
    lines: list[str] = []
    if not sources:
        lines.append(t("no_sources"))
    else:
        parts = []
        for state in ("ok", "error", "unknown"):
            n = sum(1 for s in sources if s.state == state)
            if n:
                parts.append(t(f"sources_{state}", n=n))
        lines.extend(_wrap(t("sources"), parts, width, sep=t("colon")))
    failing = sorted(
        (s for s in sources if s.state == "error"),
        key=lambda s: s.last_error_at or s.failing_since or "",
        reverse=True,
    )
    for index, source in enumerate(failing[:FAILING_SHOWN]):
        more = ""
        if index == FAILING_SHOWN - 1 and len(failing) > FAILING_SHOWN:
            more = f" ({t('more_failing', n=len(failing) - FAILING_SHOWN)})"
        when = t.local(source.last_error_at or source.failing_since)
        head = f"  {safe(source.name)} {when}{t('colon')}"
        error = fit(safe(source.last_error or ""), max(width - cells(head) - cells(more), 20))
        lines.append(f"{head}{error}{more}")
    if quarantine is not None and quarantine.open:
        oldest = t.local(quarantine.oldest_at)
        lines.append(t("quarantine", n=f"{quarantine.open:,}", oldest=oldest))
    return lines


def _supply_lines(t: _Text, supplies: list[SupplyTally], width: int) -> list[str]:
    if not supplies:
        return [t("no_supplies")]
    # In the tallies' own order (masks, gloves, suits…); one line, so that arrivals and
    # the roll-call fit on the same screen (the full tallies: `dutyboard supplies tally`).
    parts = [
        f"{t.category(s.category)} {s.received:,}/{s.distributed:,}"
        + (f" {safe(s.unit)}" if s.unit else "")
        for s in supplies
    ]
    more = t("more", n="{n}")
    return _wrap(t("supplies"), parts, width, sep=t("colon"), max_lines=1, more=more)


NOTIFY_ERRORS_SHOWN = 2  # targets whose last error gets a line of its own


def _notify_lines(t: _Text, n: Notifications | None, width: int) -> list[str]:
    """Nothing while every notification is delivered; else one line of what is not (per
    target: pending since when, failed, given up; what waits for a sender) and the last
    error of up to two targets, as stored (masked: no webhook token)."""
    if n is None or not (n.targets or n.waiting):
        return []
    parts: list[str] = []
    if n.waiting:  # first: nothing at all is being sent
        parts.append(t("notify_waiting", n=f"{n.waiting:,}", since=t.local(n.oldest_waiting_at)))
    for d in n.targets:
        name = safe(d.name)
        if d.pending:
            since = t.local(d.oldest_pending_at)
            parts.append(t("notify_pending", name=name, n=f"{d.pending:,}", since=since))
        if d.failed:
            parts.append(t("notify_failed", name=name, n=f"{d.failed:,}"))
        if d.gave_up:
            parts.append(t("notify_gave_up", name=name, n=f"{d.gave_up:,}"))
    lines = _wrap(t("notify"), parts, width, sep=t("colon"), max_lines=1, more=t("more", n="{n}"))
    failing = [d for d in n.targets if d.last_error]
    for d in failing[:NOTIFY_ERRORS_SHOWN]:
        head = f"  {safe(d.name)} {t.local(d.last_error_at)}{t('colon')}"
        lines.append(head + fit(safe(d.last_error or ""), max(width - cells(head), 20)))
    return lines
