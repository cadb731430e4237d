"""Store errors. Each message is one line a person can act on."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dutyboard.domain.clock import from_iso
from dutyboard.i18n import _


class StoreError(Exception):
    """Base class for store problems shown to users."""


class ReadOnlyError(StoreError):
    """A write was attempted on a read-only (leader) connection."""


class StaleEdit(StoreError):
    """The row changed under the user since they loaded it; the edit was not applied.

    ``change`` (when the store could read it) is the latest change on the record, so a
    person is told who did what and when rather than version numbers.
    """

    def __init__(self, message: str, change: Change | None = None) -> None:
        super().__init__(message)
        self.change = change


# What a change was, as words: one template per events action ({who}, {what}: the
# record's kind, {time}; {status}, {assignee} where the action has them). English is the
# key; the Chinese is in dutyboard/locale/zh_CN_night.py.
CHANGE_TEMPLATES: dict[str, str] = {
    "acknowledge": "{who} acknowledged this {what} at {time}",
    "status": "{who} moved this {what} to {status} at {time}",
    "assign": "{who} assigned this {what} to {assignee} at {time}",
    "assign_self": "{who} took this {what} at {time}",
    "assign_pool": "{who} put this {what} back in the unowned pool at {time}",
    "note": "{who} added a note to this {what} at {time}",
    "next_action": "{who} set the next action of this {what} at {time}",
    "delay": "{who} changed when this {what} is expected at {time}",
    "holdup": "{who} changed the hold-ups of this {what} at {time}",
    "contact_attempt": "{who} recorded a call to this {what} at {time}",
    "create": "{who} added this {what} at {time}",
    "": "{who} changed this {what} at {time}",
}
# The record's kind, for {what} (the key carries a context: "lead" alone is ambiguous).
CHANGE_NOUNS: dict[str, str] = {
    entity: f"conflict\x04{entity}"
    for entity in ("request", "lead", "contact", "arrival", "handover", "reporting_unit")
}
ONE_CHANGE = "{change}; reopen it to see the change"
MANY_CHANGES = "{change} ({count} changes since you opened it); reopen it to see them"


def _english(text: str) -> str:
    return text


def stale_version(what: str, record_id: object, version: object, had: object) -> str:
    """The refusal of an edit made on an older version of a record, when no change in
    the events log can be named: ``what`` is the record's kind as the reader says it
    (:func:`dutyboard.domain.status.shown_noun`)."""
    return _(
        "{what} #{id} was changed by someone else (version {version}, you had {had}); "
        "reload and retry"
    ).format(what=what, id=record_id, version=version, had=had)


@dataclass(frozen=True)
class Change:
    """The latest change on a record (from the events log)."""

    entity: str  # request, lead, contact, arrival…
    record_id: int
    actor: str
    action: str  # the events action: acknowledge, status, assign, note…
    at: str  # UTC ISO
    after: Mapping[str, Any] | None = None
    count: int = 1  # changes since the version the user had

    def describe(
        self,
        local: Callable[[datetime], str] | None = None,
        tr: Callable[[str], str] = _,
    ) -> str:
        """'Li Na acknowledged this request at 03:12; reopen it to see the change', the
        time by ``local`` (the desk's clock; UTC without it), the words by ``tr``."""
        moment = from_iso(self.at)
        time = local(moment) if local is not None else f"{moment:%H:%M} UTC"
        after = dict(self.after or {})
        key = "status" if self.action == "state" else self.action  # an arrival's state
        status = after.get("status") or after.get("state")
        if key not in CHANGE_TEMPLATES or (key == "status" and not status):
            key = ""
        if key == "assign":
            assignee = after.get("assignee")
            key = (
                "assign_pool" if not assignee else "assign_self" if assignee == self.actor else key
            )
        noun = CHANGE_NOUNS.get(self.entity)
        what = tr(noun) if noun else self.entity.replace("_", " ")
        if "\x04" in what:  # no translation: the English word after the context
            what = what.split("\x04", 1)[1].replace("_", " ")
        change = tr(CHANGE_TEMPLATES[key]).format(
            who=self.actor or tr("someone"),
            what=what,
            time=time,
            status=tr(str(status or "").replace("_", " ")),
            assignee=after.get("assignee") or "",
        )
        if self.count > 1:
            return tr(MANY_CHANGES).format(change=change, count=self.count)
        return tr(ONE_CHANGE).format(change=change)

    def english(self) -> str:
        """:meth:`describe` in English and UTC, whatever the interface language (a log's
        line; the exception's own text is said in the interface language)."""
        return self.describe(tr=_english)


class Unreachable(StoreError):
    """The database server cannot be reached (a restart, a network cut, a failover): the
    store tries again by itself; ``since`` is when it was first missed (UTC)."""

    def __init__(self, message: str, since: datetime) -> None:
        super().__init__(message)
        self.since = since


class NotFound(StoreError):
    """No such record."""


class SchemaTooOld(StoreError):
    """A read-only process found a database that needs migrating first."""


class SchemaTooNew(StoreError):
    """The database was written by a newer dutyboard."""


class ValidationError(StoreError):
    """A value a person entered is not acceptable; the message names the field."""


class StorageError(StoreError):
    """The disk or the file failed (full, read-only, I/O error, damaged, locked too long).

    Raised instead of the raw ``sqlite3`` error so that it reaches a person as one line;
    whatever transaction met it was rolled back.
    """


class NotADesk(StoreError):
    """The file is an SQLite database of another program, not a dutyboard desk; it was
    left untouched."""
