"""Who is on duty, and the last handover with its open items."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.text import Text
from textual import work
from textual.widgets import Static

from dutyboard.store import Row, Shift

if TYPE_CHECKING:
    from dutyboard.app import DutyboardApp


class HandoverPanel(Static, can_focus=True):
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

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.border_title = "4 Shift & handover"
        self.shift: Shift | None = None
        self.handover: Row | None = None
        self.items: list[Row] = []
        self.lines: list[Text] = []

    def on_mount(self) -> None:
        self.reload()

    @work(thread=True, exclusive=True, exit_on_error=False, group="panel-load")
    def reload(self) -> None:
        store = self.app.store  # type: ignore[attr-defined]
        shift = store.current_shift()
        handover = store.last_handover()
        items = store.handover_items(handover["id"]) if handover else []
        self.app.call_from_thread(self._show, shift, handover, items)

    def _show(self, shift: Shift | None, handover: Row | None, items: list[Row]) -> None:
        self.shift, self.handover, self.items = shift, handover, items
        app: DutyboardApp = self.app  # type: ignore[assignment]
        lines: list[Text] = []
        if shift:
            lines.append(
                Text.assemble(
                    ("On duty: ", "bold"),
                    (shift.officer, "bold green"),
                    f"  since {app.local_hm(shift.started_at)}",
                )
            )
        else:
            lines.append(Text("Nobody is on duty", style="bold red"))
        if handover:
            state = handover["state"]
            style = {"draft": "yellow", "signed": "bold yellow", "acknowledged": "green"}[state]
            lines.append(Text(""))
            lines.append(
                Text.assemble(
                    ("Last handover ", "bold"),
                    f"#{handover['id']} {handover['from_officer']} → "
                    f"{handover['to_officer'] or '?'}  ",
                    (state, style),
                )
            )
            if handover["signed_at"]:
                lines.append(Text(f"  signed {app.local_hm(handover['signed_at'])}", style="dim"))
            if handover["acknowledged_at"]:
                lines.append(
                    Text(
                        f"  acknowledged {app.local_hm(handover['acknowledged_at'])} "
                        f"by {handover['acknowledged_by']}",
                        style="dim",
                    )
                )
            if handover["notes"]:
                lines.append(Text(handover["notes"]))
            lines.append(Text(f"Items ({len(items)}):", style="bold"))
            for item in items:
                mark = "✓" if item["acknowledged_at"] else "•"
                owner = item["owner"] or "unowned"
                lines.append(
                    Text.assemble(f" {mark} ", (item["summary"] or "", ""), (f"  [{owner}]", "dim"))
                )
                if item["next_step"]:
                    lines.append(Text(f"    next: {item['next_step']}", style="italic"))
        else:
            lines.append(Text("No handover yet", style="dim"))
        self.lines = lines
        self.update(Group(*lines))
