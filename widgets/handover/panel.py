"""Who is on duty, and the handover in play (waiting, drafted, or the last one).

Keys (shown in the footer while the panel has focus, and in the command palette):
``enter`` opens the handover, ``H`` drafts (or goes back to) this shift's handover, ``T``
takes over the shift at once, ``h`` browses past handovers. A leader has no ``H``/``T``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import ClassVar

from rich.console import Group
from rich.text import Text
from textual import work
from textual.binding import Binding, BindingType
from textual.widgets import Static

from dutyboard.domain.clock import from_iso
from dutyboard.domain.handover import carried_words, handover_due, item_step, item_summary
from dutyboard.domain.status import IllegalTransition
from dutyboard.i18n import _
from dutyboard.store import Row, Shift, StoreError
from dutyboard.store import handovers as ho
from dutyboard.store import shifts as sh
from widgets.common.desk import OnDesk
from widgets.common.dialogs import ChoiceDialog
from widgets.common.fmt import duration, status_label
from widgets.handover.history import HandoverHistoryScreen
from widgets.handover.screen import HandoverScreen, desk_questions

# Items shown in the panel; the rest are counted (the screen lists them all).
PANEL_ITEMS = 12
STATE_STYLE = {"draft": "yellow", "signed": "bold yellow", "acknowledged": "green"}


class HandoverPanel(Static, OnDesk, can_focus=True):
    DEFAULT_CSS = """
    HandoverPanel {
        border: round $panel-lighten-2;
        border-title-style: bold;
        height: 1fr;
        padding: 0 1;
        overflow-y: auto;
    }
    HandoverPanel:focus {
        border: round $accent;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", _("Open handover"), id="handover.open"),
        Binding("H", "draft", _("Draft handover"), id="handover.draft"),
        Binding("T", "take_over", _("Take over shift"), id="handover.take_over"),
        Binding("h", "history", _("Handover history"), id="handover.history"),
    ]
    WRITE_ACTIONS: ClassVar[frozenset[str]] = frozenset({"draft", "take_over"})

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.border_title = _("5 Shift & handover")
        self.shift: Shift | None = None
        self.on_duty: Row | None = None
        self.handover: Row | None = None
        self.items: list[Row] = []
        self.lines: list[Text] = []
        self.reminder: datetime | None = None
        self._reminded: datetime | None = None

    def on_mount(self) -> None:
        self.reload()
        self.set_interval(30.0, self._check_rota)
        self._check_rota()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.WRITE_ACTIONS:
            return self.desk.can_write
        return True

    @work(thread=True, exclusive=True, exit_on_error=False, group="panel-load")
    def reload(self) -> None:
        store = self.store
        shift = store.current_shift()
        on_duty = sh.shift_on_duty(store)
        handover_id = ho.handover_to_show(store)
        handover = ho.get_handover(store, handover_id) if handover_id else None
        # In the officer's order (position), as the handover screen lists them.
        items = ho.handover_items(store, handover_id) if handover_id else []
        self.app.call_from_thread(self._show, shift, on_duty, handover, items)

    def _show(
        self, shift: Shift | None, on_duty: Row | None, handover: Row | None, items: list[Row]
    ) -> None:
        self.shift, self.on_duty, self.handover = shift, on_duty, handover
        self.items = [i for i in items if not i.get("removed")]
        self.draw()

    def refresh_times(self) -> None:
        """A new minute: redraw from what was read (how long the shift has run, "today"),
        without a query."""
        if self.lines:
            self.draw()

    def draw(self) -> None:
        desk = self.desk
        shift, on_duty, handover = self.shift, self.on_duty, self.handover
        lines: list[Text] = []
        if shift:
            started = from_iso(shift.started_at)
            line = Text.assemble(
                (_("On duty: "), "bold"),
                (shift.officer, "bold green"),
                "  ",
                _("since {time} ({span})").format(
                    time=self.local_hm_dt(started), span=duration(desk.clock() - started)
                ),
            )
            if on_duty and on_duty.get("taken_from"):
                line.append(
                    _(" (took over from {name})").format(name=on_duty["taken_from"]),
                    style="yellow",
                )
            lines.append(line)
        else:
            lines.append(Text(_("Nobody is on duty"), style="bold red"))
            lines.append(
                Text(
                    _("Start the shift: press 5, then T; or `dutyboard shift start` in a terminal")
                    if desk.can_write
                    else _("The officer starts the shift (read-only here)"),
                    style="yellow",
                )
            )
        if self.reminder is not None:
            lines.append(
                Text(
                    _("Handover due at {time}: H drafts it").format(
                        time=f"{self.reminder.astimezone(desk.zone):%H:%M}"
                    ),
                    style="bold yellow",
                )
            )
        lines.extend(self._handover_lines(handover))
        # Lines of the same lengths wrap the same: no layout pass (each minute's redraw
        # usually changes a digit or two, and a layout redraws the whole screen).
        same_shape = [line.cell_len for line in lines] == [line.cell_len for line in self.lines]
        self.lines = lines
        self.update(Group(*lines), layout=not same_shape)

    def _handover_lines(self, handover: Row | None) -> list[Text]:
        if not handover:
            return [Text(""), Text(_("No handover yet · H drafts one"), style="dim")]
        state = str(handover["state"])
        label = {
            "draft": _("Draft handover "),
            "signed": _("Handover to acknowledge "),
        }.get(state, _("Last handover "))
        lines = [
            Text(""),
            Text.assemble(
                (label, "bold"),
                f"#{handover['id']} ",
                (str(handover["from_officer"]), ""),
                " → ",
                (str(handover["to_officer"] or "?"), ""),
                "  ",
                (status_label(state), STATE_STYLE.get(state, "")),
            ),
        ]
        if handover["signed_at"]:
            # Only the officer handing over signs (the store enforces it).
            lines.append(
                Text(
                    _("  signed {time}").format(time=self._when(handover["signed_at"])),
                    style="dim",
                )
            )
        if handover["acknowledged_at"]:
            lines.append(
                Text(
                    _("  acknowledged {time} by {name}").format(
                        time=self._when(handover["acknowledged_at"]),
                        name=handover["acknowledged_by"],
                    ),
                    style="dim",
                )
            )
        if handover["notes"]:
            lines.append(Text(str(handover["notes"])))
        acked = sum(1 for i in self.items if i["acknowledged_at"])
        count = (
            f"{len(self.items)}"
            if acked in (0, len(self.items))
            else f"{acked}/{len(self.items)} ✓"
        )
        lines.append(Text(_("Items ({count}):").format(count=count), style="bold"))
        for item in self.items[:PANEL_ITEMS]:
            lines.extend(self._item_lines(item))
        if len(self.items) > PANEL_ITEMS:
            lines.append(
                Text(
                    _("  … and {n} more (enter)").format(n=len(self.items) - PANEL_ITEMS),
                    style="italic",
                )
            )
        return lines

    def _when(self, iso: str) -> str:
        """Desk time: the hour today, with the weekday on any other day."""
        return self.local_hm_dt(from_iso(iso))

    def _item_lines(self, item: Row) -> list[Text]:
        mark = "✓" if item["acknowledged_at"] else "•"
        owner = item["owner"] or _("unowned")
        line = Text.assemble(f" {mark} ", (item_summary(item), ""), (f"  [{owner}]", "dim"))
        carried = carried_words(int(item.get("carry_count") or 0))
        if carried:
            line.append(f"  ↻ {carried}", style="yellow")
        lines = [line]
        if item["next_step"]:
            step = item_step(item, self._when)
            lines.append(Text(_("    next: {step}").format(step=step), style="italic"))
        signed_at = self.handover.get("signed_at") if self.handover else None
        for question in desk_questions(item.get("question"), signed_at, self._when):
            lines.append(Text(f"    ? {question}", style="yellow"))
        return lines

    # -- rota reminder -----------------------------------------------------------------

    def _check_rota(self) -> None:
        """With a rota in the config (desk times of shift change), remind before each."""
        desk = self.desk
        rota = desk.config.rota
        if not rota:
            return
        minutes = float(desk.config.handover_remind_minutes)
        due = handover_due(desk.clock(), tuple(rota), desk.zone, timedelta(minutes=minutes))
        if due != self.reminder:
            self.reminder = due
            self.reload()
        if due is not None and due != self._reminded:
            self._reminded = due
            self.notify(
                _("Handover due at {time}: press H on the handover panel to draft it").format(
                    time=f"{due.astimezone(desk.zone):%H:%M}"
                ),
                timeout=15,
            )

    # -- actions ------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="panel-open")
    def action_open(self) -> None:
        handover_id = ho.handover_to_show(self.store)
        if handover_id is None:
            self.app.call_from_thread(
                self.notify, _("No handover yet: H drafts this shift's handover"), timeout=4
            )
            return
        self.app.call_from_thread(self.app.push_screen, HandoverScreen(handover_id))

    @work(thread=True, exclusive=True, exit_on_error=False, group="panel-open")
    def action_draft(self) -> None:
        try:
            handover_id = ho.draft_handover(self.store)
        except (StoreError, IllegalTransition) as exc:
            self.app.call_from_thread(
                self.notify, str(exc), severity="error", timeout=8, markup=False
            )
            return
        self.app.call_from_thread(self._opened_draft, handover_id)

    def _opened_draft(self, handover_id: int) -> None:
        self.desk.changed()
        self.app.push_screen(HandoverScreen(handover_id))

    def action_take_over(self) -> None:
        me = self.store.actor
        shift = self.shift
        if shift is not None and shift.officer == me:
            self.notify(_("You are already on duty"), timeout=3)
            return
        if shift is None:
            title = _("Start your shift now, {name}?").format(name=me)
        else:
            title = _(
                "Take over the shift from {name} now, without a handover? "
                "It is logged, and your next handover covers both shifts."
            ).format(name=shift.officer)

        def chosen(choice: str | None) -> None:
            if choice == "take":
                self._take_over()

        self.app.push_screen(
            ChoiceDialog(title, [("take", _("Take the desk now")), ("cancel", _("Cancel"))]), chosen
        )

    @work(thread=True, exit_on_error=False, group="panel-write")
    def _take_over(self) -> None:
        try:
            result = sh.take_over(self.store)
        except (StoreError, IllegalTransition) as exc:
            self.app.call_from_thread(
                self.notify, str(exc), severity="error", timeout=8, markup=False
            )
            return
        message = _("You are on duty (shift #{id})").format(id=result.shift_id)
        if result.taken_from:
            message += _("; {name}'s shift ended (take-over logged)").format(name=result.taken_from)
        self.app.call_from_thread(self.notify, message, timeout=5, markup=False)
        self.desk.changed()

    def action_history(self) -> None:
        self.app.push_screen(HandoverHistoryScreen(HandoverScreen))
