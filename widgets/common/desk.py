"""How a widget reaches its desk (:class:`dutyboard.desk.Desk`) and the one change bus.

A widget never imports the App: it asks ``self.desk`` (the :class:`OnDesk` mixin) for the
store, config, clock, zone and role, and says "I wrote" with ``self.desk.changed()``.
The app that hosts the widgets — the dashboard, or a test's small host — holds a ``desk``
attribute and handles :class:`DeskChanged` (``on_desk_changed``) once for everyone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from textual.app import App
from textual.dom import DOMNode
from textual.message import Message
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from dutyboard.desk import Desk
from dutyboard.domain.clock import from_iso
from dutyboard.store import Store
from widgets.common.fmt import day_hm, local_hm


class DeskChanged(Message):
    """Something on the desk changed: this session wrote, or the change watcher saw
    another connection's commit. Handled once, by the App; a burst of them is one."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, DeskChanged)


class WorkerFailed(Message):
    """A worker ended with an error nobody caught: the App turns it into a notice and a
    log line (:meth:`DutyboardApp.on_worker_failed`), once, whoever ran it."""

    def __init__(self, worker: Worker[Any], where: str) -> None:
        super().__init__()
        self.worker = worker
        self.where = where  # the widget or screen that ran it

    @property
    def error(self) -> BaseException | None:
        return self.worker.error


class ReportsFailures(Widget):
    """Mixin for every widget or screen that runs workers. Textual tells only the node
    that ran a worker how it ended (``Worker.StateChanged`` does not bubble), and a
    worker run with ``exit_on_error=False`` that raises would otherwise vanish: a panel
    that silently stops updating looks like a quiet night."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.app.post_message(WorkerFailed(event.worker, type(self).__name__))


def connect_bus(desk: Desk, app: App[Any]) -> None:
    """Make ``desk.changed()`` post :class:`DeskChanged` to ``app`` (thread-safe)."""

    def post() -> None:
        app.post_message(DeskChanged())

    desk.on_change = post


def desk_of(node: DOMNode) -> Desk:
    desk = getattr(node.app, "desk", None)
    if not isinstance(desk, Desk):
        raise TypeError("dutyboard's widgets run in an app that has a desk (dutyboard.desk)")
    return desk


def local_stamp(desk: Desk, iso: str) -> str:
    """'2020-02-03 Tue 15:40 (07:40 UTC)': the desk's time first, UTC for reference."""
    moment = from_iso(iso)
    local = moment.astimezone(desk.zone)
    return f"{local:%Y-%m-%d} {day_hm(local)} ({moment:%H:%M} UTC)"


class OnDesk(ReportsFailures):
    """Mixin for panels, screens and dialogs that work on the desk."""

    @property
    def desk(self) -> Desk:
        return desk_of(self)

    @property
    def store(self) -> Store:
        return self.desk.store

    def local_hm_dt(self, moment: datetime, now: datetime | None = None) -> str:
        """An instant as the desk's wall-clock time; the weekday too if not today."""
        desk = self.desk
        return local_hm(moment, desk.zone, now or desk.clock())

    def local_time(self, iso: str) -> str:
        return local_stamp(self.desk, iso)

    def desk_changed(self) -> None:
        """The bus's delivery to a screen on top of the dashboard: something was written
        (here or by another process). Screens that show the database reload here."""
