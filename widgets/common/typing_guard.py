"""Typing in a text field is typing, never a command.

The app binds single keys (``1``–``6`` switch panels, ``q`` quits) and screens bind more
(``a``, ``d``, ``S``…). An editable ``Input`` or ``TextArea`` takes every printable key
before a binding sees it, but a *read-only* ``TextArea`` lets them through: on the
handover screen the notes are read-only until the draft has loaded (and for anyone but
its author), so a note typed there switched panels and closed the screen. Two layers
keep that from happening anywhere:

* :class:`QuietTextArea` swallows printable keys while it is read-only;
* :func:`typing_in` lets ``check_action`` refuse single-key actions while a text field
  has focus (the app's panel keys and ``q``; a screen's own letter keys).
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.screen import Screen
from textual.widgets import Input, TextArea

TEXT_FIELDS = (Input, TextArea)


def typing_in(screen: Screen[Any]) -> bool:
    """Does a text field have the focus on ``screen``?"""
    return isinstance(screen.focused, TEXT_FIELDS)


class QuietTextArea(TextArea):
    """A TextArea whose printable keys are text even while it is read-only: swallowed,
    never passed on to run as the screen's or the app's key bindings."""

    async def _on_key(self, event: events.Key) -> None:
        # Textual runs every class's _on_key down the MRO (TextArea's inserts the text
        # of an editable area); prevent_default() only when nothing is to be inserted.
        if self.read_only and event.is_printable:
            event.stop()
            event.prevent_default()
