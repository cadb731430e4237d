"""Who has the desk: the shift on duty, taking the desk over, ending one's own shift.

A shift starts and ends in :class:`~dutyboard.store.store.Store` (``start_shift``,
``end_shift``); a handover's acknowledgement changes the shift inside its own transaction
(:mod:`dutyboard.store.handovers`). What is read back for showing
(:func:`shift_on_duty`) is cleaned, so a desk written before the rule shows safe too.
"""

from __future__ import annotations

from dataclasses import dataclass

from dutyboard.domain.text import clean_data
from dutyboard.i18n import _
from dutyboard.store.errors import ValidationError
from dutyboard.store.store import Row, Store, clean_name


@dataclass(frozen=True)
class TakeOver:
    shift_id: int
    officer: str
    taken_from: str | None  # the officer whose shift was ended, if any


def take_over(store: Store, officer: str | None = None) -> TakeOver:
    """Take the desk at once (no handover): the shift on duty ends, logged as a take-over.

    The next handover then covers both shifts' events (see :mod:`dutyboard.store.brief`).
    """
    officer = clean_name(officer or store.actor)
    before = store.current_shift()
    shift_id = store.start_shift(officer)
    taken = before.officer if before is not None and before.officer != officer else None
    return TakeOver(shift_id, officer, taken)


def open_shift(store: Store) -> Row | None:
    """The open shift as stored, with the name of the officer it took over from, if any
    (``taken_from``). Not cleaned: see :func:`shift_on_duty`."""
    return store._one(
        "SELECT s.id, s.officer, s.started_at, s.taken_over_from, p.officer AS taken_from "
        "FROM shifts s LEFT JOIN shifts p ON p.id = s.taken_over_from "
        "WHERE s.ended_at IS NULL ORDER BY s.started_at DESC, s.id DESC LIMIT 1"
    )


def shift_on_duty(store: Store) -> Row | None:
    """The open shift with the name of the officer it took over from, if any."""
    row = open_shift(store)
    return clean_data(row) if row is not None else None  # shown: cleaned on the way out


def end_own_shift(store: Store, officer: str) -> int:
    """End the shift on duty, which must be ``officer``'s; returns its id."""
    officer = clean_name(officer)
    shift = store.current_shift()
    if shift is None:
        raise ValidationError(_("nobody is on duty: there is no shift to end"))
    if shift.officer != officer:
        raise ValidationError(
            _(
                "{officer} is on duty, not {name}; to take the desk use `dutyboard shift start`"
            ).format(officer=shift.officer, name=officer)
        )
    store.end_shift(shift.id)
    return shift.id


__all__ = ["TakeOver", "end_own_shift", "open_shift", "shift_on_duty", "take_over"]
