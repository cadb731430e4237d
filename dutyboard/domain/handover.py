"""Handover states, the rules between them, and the brief's shape and rendering.

A handover is a ``draft`` while the outgoing officer edits it, ``signed`` once they sign
off (from then on it is never edited: amendments are new events), and ``acknowledged``
when the incoming officer has acknowledged every item. Pure code: the store calls these
rules, the CLI and the widgets render with the helpers at the bottom.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from dutyboard.domain.status import IllegalTransition

# Each list in a brief shows at most this many lines and says how many it left out.
LIST_CAP = 20


class HandoverState(StrEnum):
    DRAFT = "draft"
    SIGNED = "signed"
    ACKNOWLEDGED = "acknowledged"


class PassTo(StrEnum):
    """Where the outgoing officer's open items go when the handover is acknowledged."""

    INCOMING = "incoming"  # the officer who acknowledges
    POOL = "pool"  # nobody: unowned, visibly


class HandoverLocked(IllegalTransition):
    """A signed handover was about to be changed; it never is."""


def check_editable(state: str, handover_id: int) -> None:
    """Notes and items change only while the handover is a draft."""
    if state != HandoverState.DRAFT:
        raise HandoverLocked(
            f"handover #{handover_id} is {state}: a signed handover is never edited; "
            "add an amendment instead"
        )


def check_author(
    state: str, handover_id: int, from_officer: str, actor: str, doing: str = "edit"
) -> None:
    """A draft is edited and signed by the officer who hands over, nobody else."""
    check_editable(state, handover_id)
    if actor != from_officer:
        raise IllegalTransition(
            f"only {from_officer} can {doing} handover #{handover_id}: it hands over their shift"
        )


def check_sign(state: str, handover_id: int, from_officer: str, actor: str) -> None:
    check_author(state, handover_id, from_officer, actor, "sign")


def check_acknowledge(state: str, handover_id: int, from_officer: str, actor: str) -> None:
    if state == HandoverState.DRAFT:
        raise IllegalTransition(
            f"handover #{handover_id} is still a draft: {from_officer} has not signed it yet"
        )
    if state == HandoverState.ACKNOWLEDGED:
        raise HandoverLocked(f"handover #{handover_id} is already acknowledged")
    if actor == from_officer:
        raise IllegalTransition(
            f"{actor} signed handover #{handover_id}; the incoming officer acknowledges it"
        )


def check_question(state: str, handover_id: int) -> None:
    """Questions are asked while the handover is being taken over (signed)."""
    if state == HandoverState.DRAFT:
        raise IllegalTransition(
            f"handover #{handover_id} is still a draft: questions come once it is signed"
        )
    if state == HandoverState.ACKNOWLEDGED:
        raise HandoverLocked(
            f"handover #{handover_id} is acknowledged: add an amendment instead of a question"
        )


def check_amend(state: str, handover_id: int) -> None:
    if state == HandoverState.DRAFT:
        raise IllegalTransition(
            f"handover #{handover_id} is a draft: edit its notes instead of amending it"
        )


# -- the brief: what happened, drawn from the events log --------------------------------


@dataclass(frozen=True)
class BriefLine:
    text: str
    ref: str = ""  # "request #12", "lead #5": what the line is about
    at: str | None = None  # UTC ISO time of the event, shown in the desk's zone
    actor: str | None = None


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    total: int  # how many there are; ``lines`` holds at most LIST_CAP of them
    lines: tuple[BriefLine, ...] = ()

    @property
    def left_out(self) -> int:
        return max(0, self.total - len(self.lines))


@dataclass(frozen=True)
class Brief:
    covers_from: str
    covers_to: str
    events: int  # events in the window, whatever their kind
    sections: tuple[Section, ...] = ()
    open_requests: int = 0
    open_leads: int = 0

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)

    def to_json(self) -> str:
        data = {
            "covers_from": self.covers_from,
            "covers_to": self.covers_to,
            "events": self.events,
            "open_requests": self.open_requests,
            "open_leads": self.open_leads,
            "sections": [
                {
                    "key": s.key,
                    "title": s.title,
                    "total": s.total,
                    "lines": [
                        {"text": li.text, "ref": li.ref, "at": li.at, "actor": li.actor}
                        for li in s.lines
                    ],
                }
                for s in self.sections
            ],
        }
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Brief:
        data = json.loads(text)
        return cls(
            covers_from=str(data["covers_from"]),
            covers_to=str(data["covers_to"]),
            events=int(data["events"]),
            open_requests=int(data.get("open_requests", 0)),
            open_leads=int(data.get("open_leads", 0)),
            sections=tuple(
                Section(
                    key=str(s["key"]),
                    title=str(s["title"]),
                    total=int(s["total"]),
                    lines=tuple(
                        BriefLine(
                            text=str(li["text"]),
                            ref=str(li.get("ref") or ""),
                            at=li.get("at"),
                            actor=li.get("actor"),
                        )
                        for li in s["lines"]
                    ),
                )
                for s in data["sections"]
            ),
        )


@dataclass(frozen=True)
class HandoverView:
    """Everything one handover shows: the row, its items, its brief and amendments."""

    handover: Mapping[str, Any]
    items: Sequence[Mapping[str, Any]]
    brief: Brief | None
    amendments: Sequence[Mapping[str, Any]] = ()
    passes: Sequence[Mapping[str, Any]] = ()  # records passed on at acknowledgement
    listed_requests: int = 0
    listed_leads: int = 0
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def state(self) -> str:
        return str(self.handover["state"])

    @property
    def active_items(self) -> list[Mapping[str, Any]]:
        return [i for i in self.items if not i.get("removed")]

    @property
    def acknowledged_items(self) -> int:
        return sum(1 for i in self.active_items if i.get("acknowledged_at"))


# -- rota: when the next handover is due (the reminder) ---------------------------------


def next_changeover(now: datetime, rota: Sequence[time], zone: ZoneInfo) -> datetime | None:
    """The next rota time (e.g. 08:00, 20:00 desk time) after ``now``, as an aware time."""
    if not rota:
        return None
    local = now.astimezone(zone)
    candidates = []
    for days in (0, 1):
        day = local.date() + timedelta(days=days)
        for at in rota:
            moment = datetime.combine(day, at, tzinfo=zone)
            if moment > local:
                candidates.append(moment)
    return min(candidates) if candidates else None


def handover_due(
    now: datetime,
    rota: Sequence[time],
    zone: ZoneInfo,
    remind_before: timedelta = timedelta(minutes=30),
) -> datetime | None:
    """The changeover time if it is within ``remind_before`` of ``now`` (remind then)."""
    moment = next_changeover(now, rota, zone)
    if moment is not None and moment - now <= remind_before:
        return moment
    return None


# -- rendering (plain text and Markdown for the chat group) -----------------------------

LocalTime = Callable[[str], str]

# Enough that a name from outside cannot become a link, emphasis, code or a table; every
# line of the export starts with our own "- " or "### ", so "#" cannot make a heading.
_MD_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*[]<>|~"})


def one_line(value: object) -> str:
    """A value from outside on one line (a newline could fake a heading in the brief)."""
    return " ".join(str(value or "").split())


def md(value: object) -> str:
    """Escape text from outside so a chat client shows it literally."""
    return one_line(value).translate(_MD_SPECIAL)


def _md_line(value: str) -> str:
    """A line of the officer's notes: escaped, and never a heading, list or quote."""
    text = md(value)
    if text[:1] in ("#", "-", "+", "=") or (text[:1].isdigit() and "." in text[:4]):
        text = "\\" + text
    return text


def item_label(item: Mapping[str, Any]) -> str:
    entity, entity_id = item.get("entity"), item.get("entity_id")
    if entity in ("request", "lead") and entity_id is not None:
        return f"{entity} #{entity_id}"
    return "note" if entity == "note" else str(entity or "item")


def item_next(item: Mapping[str, Any], local: LocalTime) -> str:
    step = one_line(item.get("next_step"))
    if item.get("next_at"):
        when = local(str(item["next_at"]))
        return f"{step} {when}".strip()
    return step


def carried_text(count: int) -> str:
    if count <= 0:
        return ""
    return "carried over once" if count == 1 else f"carried over {count} times"


def render(view: HandoverView, local: LocalTime, *, markdown: bool = False) -> str:
    """The handover as text: Markdown for the chat group, or plain for a terminal."""
    esc: Callable[[object], str] = md if markdown else one_line
    h = view.handover
    out: list[str] = []
    head = f"Handover #{h['id']}: {esc(h['from_officer'])} → {esc(h['to_officer'] or '?')}"
    out.append(f"## {head}" if markdown else head)
    out.append(f"State: {view.state}")
    out.append(f"Drafted: {local(str(h['created_at']))}")
    if h.get("signed_at"):
        signer = esc(h.get("signed_by") or h["from_officer"])
        out.append(f"Signed: {local(str(h['signed_at']))} by {signer}")
    if h.get("acknowledged_at"):
        out.append(
            f"Acknowledged: {local(str(h['acknowledged_at']))} by {esc(h['acknowledged_by'])}"
        )
    if markdown:
        out = [out[0], ""] + [f"- {line}" for line in out[1:]]
    brief = view.brief
    if brief is not None:
        out.append("")
        out.append(
            f"Covers {local(brief.covers_from)} – {local(brief.covers_to)}: "
            f"{brief.events} events in the log"
        )
    out.append("")
    out.append("### Notes" if markdown else "Notes")
    notes = str(h.get("notes") or "").strip()
    if notes:
        for line in notes.splitlines():
            # Quoted in Markdown, so a line of notes can never pass for a heading or item.
            out.append(f"> {_md_line(line)}" if markdown else line.rstrip())
    else:
        out.append("(none)")
    if brief is not None:
        for section in brief.sections:
            out.append("")
            title = f"{section.title} ({section.total})"
            out.append(f"### {title}" if markdown else title)
            for entry in section.lines:
                bits = []
                if entry.at:
                    bits.append(local(entry.at))
                if entry.ref:
                    bits.append(entry.ref)
                bits.append(esc(entry.text))
                if entry.actor:
                    bits.append(f"({esc(entry.actor)})")
                out.append(("- " if markdown else "  • ") + " ".join(bits))
            if section.left_out:
                out.append(("- " if markdown else "  ") + f"… and {section.left_out} more")
    items = view.active_items
    out.append("")
    title = f"Open items handed over ({len(items)}, {view.acknowledged_items} acknowledged)"
    out.append(f"### {title}" if markdown else title)
    if brief is not None:
        out.append(
            f"{view.listed_requests} of {brief.open_requests} open requests and "
            f"{view.listed_leads} of {brief.open_leads} open leads are listed here"
        )
    for item in items:
        mark = "x" if item.get("acknowledged_at") else " "
        owner = esc(item.get("owner") or "unowned")
        parts = [f"{item_label(item)}: {esc(item.get('summary'))}", f"owner {owner}"]
        step = item_next(item, local)
        if step:
            parts.append(f"next: {esc(step)}")
        carried = carried_text(int(item.get("carry_count") or 0))
        if carried:
            parts.append(carried)
        if item.get("acknowledged_at"):
            parts.append(
                f"acknowledged {local(str(item['acknowledged_at']))} by "
                f"{esc(item.get('acknowledged_by'))}"
            )
        if item.get("passed_to") is not None:
            parts.append(f"passed to {esc(item['passed_to'] or 'the unowned pool')}")
        prefix = f"- [{mark}] " if markdown else f"  [{mark}] "
        out.append(prefix + " · ".join(parts))
        for question in str(item.get("question") or "").splitlines():
            out.append(("  - Q: " if markdown else "      ? ") + esc(question))
    if view.passes:
        out.append("")
        out.append("### Passed on" if markdown else "Passed on")
        for event in view.passes:
            out.append(("- " if markdown else "  ") + esc(event.get("text")))
    if view.amendments:
        out.append("")
        out.append("### Amendments" if markdown else "Amendments")
        for event in view.amendments:
            text = f"{local(str(event['at']))} {esc(event['actor'])}: {esc(event.get('text'))}"
            out.append(("- " if markdown else "  ") + text)
    return "\n".join(out) + "\n"
