"""Handover states, the rules between them, and the brief's shape and rendering.

A handover is a ``draft`` while the outgoing officer edits it, ``signed`` once they sign
off (from then on it is never edited: amendments are new events), and ``acknowledged``
when the incoming officer has acknowledged every item. Pure code: the store calls these
rules, the CLI and the widgets render with the helpers at the bottom.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Any, Literal
from zoneinfo import ZoneInfo

from dutyboard.domain.status import (
    ClosureReason,
    IllegalTransition,
    LeadStatus,
    RequestStatus,
    shown_noun,
    shown_word,
)
from dutyboard.i18n import _, pgettext

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
            _(
                "handover #{id} is {state}: a signed handover is never edited; "
                "add an amendment instead"
            ).format(id=handover_id, state=shown_word(state))
        )


def check_author(
    state: str,
    handover_id: int,
    from_officer: str,
    actor: str,
    doing: Literal["edit", "sign"] = "edit",
) -> None:
    """A draft is edited and signed by the officer who hands over, nobody else."""
    check_editable(state, handover_id)
    if actor != from_officer:
        refusals = {
            "edit": _("only {name} can edit handover #{id}: it hands over their shift"),
            "sign": _("only {name} can sign handover #{id}: it hands over their shift"),
        }
        raise IllegalTransition(refusals[doing].format(name=from_officer, id=handover_id))


def check_sign(state: str, handover_id: int, from_officer: str, actor: str) -> None:
    check_author(state, handover_id, from_officer, actor, "sign")


def check_acknowledge(state: str, handover_id: int, from_officer: str, actor: str) -> None:
    if state == HandoverState.DRAFT:
        raise IllegalTransition(
            _("handover #{id} is still a draft: {name} has not signed it yet").format(
                id=handover_id, name=from_officer
            )
        )
    if state == HandoverState.ACKNOWLEDGED:
        raise HandoverLocked(_("handover #{id} is already acknowledged").format(id=handover_id))
    if actor == from_officer:
        raise IllegalTransition(
            _("{name} signed handover #{id}; the incoming officer acknowledges it").format(
                name=actor, id=handover_id
            )
        )


def check_question(state: str, handover_id: int) -> None:
    """Questions are asked while the handover is being taken over (signed)."""
    if state == HandoverState.DRAFT:
        raise IllegalTransition(
            _("handover #{id} is still a draft: questions come once it is signed").format(
                id=handover_id
            )
        )
    if state == HandoverState.ACKNOWLEDGED:
        raise HandoverLocked(
            _("handover #{id} is acknowledged: add an amendment instead of a question").format(
                id=handover_id
            )
        )


def check_amend(state: str, handover_id: int) -> None:
    if state == HandoverState.DRAFT:
        raise IllegalTransition(
            _("handover #{id} is a draft: edit its notes instead of amending it").format(
                id=handover_id
            )
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


# -- the store's words in the interface language ----------------------------------------
# The store writes the brief's titles and lines from templates, in English, and freezes
# them into a signed handover; they are read back here and said again in the interface
# language, with the catalogue keys the dashboard's handover screen uses. What a line
# quotes (a unit, an item, a name, an error) stays as it is. In English every one comes
# out exactly as stored.

# The statuses whose stored name is not the word people read ("in_progress").
_STATUS_NAMES = re.compile(
    r"\b("
    + "|".join(sorted(s.value for s in (*RequestStatus, *LeadStatus) if "_" in s.value))
    + r")\b"
)
_STATUS_CHANGE = re.compile(r"(?P<before>[a-z_?]+) → (?P<after>[a-z_]+)(?: \((?P<why>.*)\))?")
_SHIFT_STARTED = re.compile(r"(?P<name>.*) started shift #(?P<id>\d+)")
_SHIFT_ENDED = re.compile(r"shift #(?P<id>\d+) ended")
_SHIFT_TAKEN = re.compile(r"(?P<name>.*) took over \(shift #(?P<id>\w+) ended\)")
_REASONS = frozenset(r.value for r in ClosureReason)
# A line quoting a record ends in the store's own words ("· now in_progress, owner Li
# Na"): the tail is matched from the end, so whatever the record's text holds stays as it
# is, in front of it.
_OWNER = r"(?:owner (?P<owner>.*)|(?P<unowned>unowned))"
_NEW_REQUEST = re.compile(
    rf"(?P<priority>urgent|high|normal|low) · (?P<what>.*) · now (?P<status>[a-z_]+), {_OWNER}"
)
_NEW_LEAD = re.compile(r"(?P<what>.*) · now (?P<status>[a-z_]+)")
_STANDING = re.compile(
    rf"(?P<what>.*) · (?P<status>[a-z_]+), {_OWNER} · "
    r"(?P<tail>due|next action was due|last change)"
)
_SUPPLY = re.compile(
    r"(?P<direction>received|distributed): (?P<what>.*?)(?: \((?P<way>from|to) (?P<party>.*)\))?"
)
_HOLDUPS = re.compile(
    r"(?P<what>.*) \((?P<holdups>(?:permit|customs) pending(?:, customs pending)?)\)"
)
_REF = re.compile(r"(?P<entity>request|lead|arrival) #(?P<id>\d+)")
_PRIORITY_TAIL = re.compile(r"(?P<what>.*), (?P<priority>urgent|high|normal|low)", re.DOTALL)
_STALE_HOURS = re.compile(r"(\d+(?:\.\d+)?) h\b")
_NEXT_HOURS = re.compile(r"next (\d+) hours")
# Each section's title as the store writes it (stale and arrivals carry a figure).
SECTION_TITLES = {
    "shifts": "Shifts",
    "new_requests": "New requests, most pressing first",
    "request_status": "Request status changes, latest first",
    "new_leads": "New leads",
    "leads_advanced": "Leads advanced, latest first",
    "leads_dropped": "Leads dropped, latest first",
    "supplies": "Supplies received and distributed",
    "overdue": "Overdue now (requests past due, leads past their next action)",
    "sources": "Failing sources",
    "other": "Other changes (assignments, notes, links, contacts…)",
}


def section_title(section: Section) -> str:
    """A section's title in the interface language (its figures read back from the
    stored title); a title the store did not write this way stays as it is."""
    key, stored = section.key, section.title
    if key == "stale":
        hours = _STALE_HOURS.search(stored)
        template = "Stale: open, untouched for {hours} h or more"
        if hours and stored == template.format(hours=hours.group(1)):
            return _("Stale: open, untouched for {hours} h or more").format(hours=hours.group(1))
        return stored
    if key == "arrivals":
        ahead = _NEXT_HOURS.search(stored)
        template = "Arriving in the next {hours} hours (and overdue)"
        if ahead and stored == template.format(hours=ahead.group(1)):
            return _("Arriving in the next {hours} hours (and overdue)").format(
                hours=ahead.group(1)
            )
        return stored
    english = SECTION_TITLES.get(key)
    return _(english) if english == stored and english is not None else stored


def _priority_word(priority: str) -> str:
    words = {"urgent": _("urgent"), "high": _("high"), "normal": _("normal"), "low": _("low")}
    return words.get(priority, priority)


def _owner_words(match: re.Match[str]) -> str:
    if match["unowned"]:
        return _("unowned")
    return _("owner {name}").format(name=match["owner"])


def _record_line(section_key: str, text: str, word: Callable[[str], str]) -> str | None:
    """A line quoting a record, the store's words in the interface language (None: not
    a line of that shape)."""
    if section_key == "new_requests" and (m := _NEW_REQUEST.fullmatch(text)):
        return _("{priority} · {what} · now {status}, {owner}").format(
            priority=_priority_word(m["priority"]),
            what=m["what"],
            status=word(m["status"]),
            owner=_owner_words(m),
        )
    if section_key == "new_leads" and (m := _NEW_LEAD.fullmatch(text)):
        return _("{what} · now {status}").format(what=m["what"], status=word(m["status"]))
    if section_key in ("overdue", "stale") and (m := _STANDING.fullmatch(text)):
        tails = {
            "due": _("due"),
            "next action was due": _("next action was due"),
            "last change": _("last change"),
        }
        return _("{what} · {status}, {owner} · {tail}").format(
            what=m["what"],
            status=word(m["status"]),
            owner=_owner_words(m),
            tail=tails[m["tail"]],
        )
    if section_key == "supplies" and (m := _SUPPLY.fullmatch(text)):
        line = _("received: {what}") if m["direction"] == "received" else _("distributed: {what}")
        line = line.format(what=m["what"])
        if m["party"] is not None:
            party = _("from {name}") if m["way"] == "from" else _("to {name}")
            line += f" ({party.format(name=m['party'])})"
        return line
    if section_key == "arrivals" and (m := _HOLDUPS.fullmatch(text)):
        holdups = {"permit pending": _("permit pending"), "customs pending": _("customs pending")}
        said = _(", ").join(holdups[h] for h in m["holdups"].split(", "))
        return f"{m['what']} ({said})"
    return None


def brief_text(section_key: str, text: str, *, word: Callable[[str], str] = shown_word) -> str:
    """One line of the brief in the interface language: the store's words and the
    statuses and reasons said as words, the record's text as it is. ``word`` says a
    stored status (the CLI's ``shown_word`` keeps English exactly as stored; the
    dashboard's ``status_label`` reads "in progress")."""
    record = _record_line(section_key, text, word)
    if record is not None:
        return record
    if section_key in ("request_status", "leads_advanced", "leads_dropped"):
        change = _STATUS_CHANGE.fullmatch(text)
        if change is not None:
            line = f"{word(change['before'])} → {word(change['after'])}"
            why = change["why"]
            if why:
                line += f" ({word(why) if why in _REASONS else why})"
            return line
    elif section_key == "shifts":
        taken = _SHIFT_TAKEN.fullmatch(text)
        if taken is not None:
            return _("{name} took over (shift #{id} ended)").format(**taken.groupdict())
        started = _SHIFT_STARTED.fullmatch(text)
        if started is not None:
            return _("{name} started shift #{id}").format(**started.groupdict())
        ended = _SHIFT_ENDED.fullmatch(text)
        if ended is not None:
            return _("shift #{id} ended").format(**ended.groupdict())
    return status_words(text, word=word)


def status_words(text: str, *, word: Callable[[str], str] = shown_word) -> str:
    """The stored status names inside ``text`` said as words ('now in_progress' → 'now
    in progress' with the dashboard's ``word``)."""
    return _STATUS_NAMES.sub(lambda m: word(m.group()), text)


def item_words(item: Mapping[str, Any]) -> str:
    """:func:`item_label` in the interface language: 'request #12' / '需求 #12'."""
    entity, entity_id = item.get("entity"), item.get("entity_id")
    if entity == "request" and entity_id is not None:
        return _("request #{id}").format(id=entity_id)
    if entity == "lead" and entity_id is not None:
        return _("lead #{id}").format(id=entity_id)
    if entity == "note":
        return pgettext("handover item", "note")
    return shown_noun(str(entity)) if entity else "item"


def ref_words(ref: str) -> str:
    """What a line of the brief is about ('request #12'), in the interface language."""
    match = _REF.fullmatch(ref)
    if match is None:
        return ref
    if match["entity"] == "arrival":
        return _("arrival #{id}").format(id=match["id"])
    return item_words({"entity": match["entity"], "entity_id": match["id"]})


def item_summary(item: Mapping[str, Any]) -> str:
    """The item's summary; a request's, which the store ends with its priority
    ("…, urgent"), with that word in the interface language."""
    summary = str(item.get("summary") or "")
    if item.get("entity") == "request" and item.get("entity_id") is not None:
        tail = _PRIORITY_TAIL.fullmatch(summary)
        if tail is not None:
            return f"{tail['what']}, {_priority_word(tail['priority'])}"
    return summary


def item_step(item: Mapping[str, Any], local: LocalTime) -> str:
    """:func:`item_next`, the store's own words for a record's deadline ("due", "next
    action") in the interface language; an officer's next step as typed."""
    step = item_next(item, local)
    if item.get("next_at"):
        words = {"due": _("due"), "next action": _("next action")}
        stored = one_line(item.get("next_step"))
        if stored in words:
            step = f"{words[stored]} {local(str(item['next_at']))}".strip()
    return step


def carried_words(count: int) -> str:
    """:func:`carried_text` in the interface language."""
    if count <= 0:
        return ""
    if count == 1:
        return _("carried over once")
    return _("carried over {n} times").format(n=count)


def render(view: HandoverView, local: LocalTime, *, markdown: bool = False) -> str:
    """The handover as text: Markdown for the chat group, or plain for a terminal.

    Headings, labels and the store's own words are in the interface language; what
    officers typed (notes, summaries, next steps, questions, amendments) and the
    records' own text stay as written. In English the text is what it always was."""
    esc: Callable[[object], str] = md if markdown else one_line
    h = view.handover
    out: list[str] = []
    head = _("Handover #{id}: {from_officer} → {to_officer}").format(
        id=h["id"], from_officer=esc(h["from_officer"]), to_officer=esc(h["to_officer"] or "?")
    )
    out.append(f"## {head}" if markdown else head)
    out.append(_("State: {state}").format(state=shown_word(view.state)))
    out.append(_("Drafted: {time}").format(time=local(str(h["created_at"]))))
    if h.get("signed_at"):
        signer = esc(h.get("signed_by") or h["from_officer"])
        out.append(
            _("Signed: {time} by {name}").format(time=local(str(h["signed_at"])), name=signer)
        )
    if h.get("acknowledged_at"):
        out.append(
            _("Acknowledged: {time} by {name}").format(
                time=local(str(h["acknowledged_at"])), name=esc(h["acknowledged_by"])
            )
        )
    if markdown:
        out = [out[0], ""] + [f"- {line}" for line in out[1:]]
    brief = view.brief
    if brief is not None:
        out.append("")
        out.append(
            _("Covers {start} – {end}: {events} events in the log").format(
                start=local(brief.covers_from), end=local(brief.covers_to), events=brief.events
            )
        )
    out.append("")
    out.append(("### " if markdown else "") + _("Notes"))
    notes = str(h.get("notes") or "").strip()
    if notes:
        for line in notes.splitlines():
            # Quoted in Markdown, so a line of notes can never pass for a heading or item.
            out.append(f"> {_md_line(line)}" if markdown else line.rstrip())
    else:
        out.append(_("(none)"))
    if brief is not None:
        for section in brief.sections:
            out.append("")
            title = f"{section_title(section)} ({section.total})"
            out.append(f"### {title}" if markdown else title)
            for entry in section.lines:
                bits = []
                if entry.at:
                    bits.append(local(entry.at))
                if entry.ref:
                    bits.append(ref_words(entry.ref))
                bits.append(esc(brief_text(section.key, entry.text)))
                if entry.actor:
                    bits.append(f"({esc(entry.actor)})")
                out.append(("- " if markdown else "  • ") + " ".join(bits))
            if section.left_out:
                more = _("… and {n} more").format(n=section.left_out)
                out.append(("- " if markdown else "  ") + more)
    items = view.active_items
    out.append("")
    title = _("Open items handed over ({count}, {done} acknowledged)").format(
        count=len(items), done=view.acknowledged_items
    )
    out.append(f"### {title}" if markdown else title)
    if brief is not None:
        out.append(
            _(
                "{requests} of {open_requests} open requests and "
                "{leads} of {open_leads} open leads are listed here"
            ).format(
                requests=view.listed_requests,
                open_requests=brief.open_requests,
                leads=view.listed_leads,
                open_leads=brief.open_leads,
            )
        )
    for item in items:
        mark = "x" if item.get("acknowledged_at") else " "
        owner = item.get("owner")
        parts = [
            f"{item_words(item)}: {esc(item_summary(item))}",
            _("owner {name}").format(name=esc(owner)) if owner else _("owner unowned"),
        ]
        step = item_step(item, local)
        if step:
            parts.append(_("next: {step}").format(step=esc(step)))
        carried = carried_words(int(item.get("carry_count") or 0))
        if carried:
            parts.append(carried)
        if item.get("acknowledged_at"):
            parts.append(
                _("acknowledged {time} by {name}").format(
                    time=local(str(item["acknowledged_at"])), name=esc(item.get("acknowledged_by"))
                )
            )
        if item.get("passed_to") is not None:
            to = esc(item["passed_to"]) if item["passed_to"] else _("the unowned pool")
            parts.append(_("passed to {name}").format(name=to))
        prefix = f"- [{mark}] " if markdown else f"  [{mark}] "
        out.append(prefix + " · ".join(parts))
        for question in str(item.get("question") or "").splitlines():
            out.append(("  - " + _("Q: ") if markdown else "      ? ") + esc(question))
    if view.passes:
        out.append("")
        out.append(("### " if markdown else "") + _("Passed on"))
        for event in view.passes:
            out.append(("- " if markdown else "  ") + esc(event.get("text")))
    if view.amendments:
        out.append("")
        out.append(("### " if markdown else "") + _("Amendments"))
        for event in view.amendments:
            text = f"{local(str(event['at']))} {esc(event['actor'])}: {esc(event.get('text'))}"
            out.append(("- " if markdown else "  ") + text)
    return "\n".join(out) + "\n"
