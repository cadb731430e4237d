"""Overseas contacts with their local time."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rich.text import Text

from dutyboard.store import Row, Store
from widgets.common.fmt import plain
from widgets.common.table_panel import TablePanel


class ContactsPanel(TablePanel):
    title = "3 Contacts"
    columns = (
        ("Local", 9, False),
        ("Name", 12, True),
        ("UTC±", 6, False),
        ("Where", 10, True),
        ("Org", 10, True),
    )

    def fetch(self, store: Store) -> tuple[list[Row], int]:
        rows = store.contacts(limit=500)
        return rows, len(rows)

    def cells(self, row: Row) -> tuple[Text, ...]:
        now = self.dutyboard.clock()
        local, offset, style = "?", "", "dim"
        try:
            zone = ZoneInfo(row["tz"]) if row["tz"] else None
        except (ZoneInfoNotFoundError, ValueError):
            zone = None
        if zone is not None:
            here = now.astimezone(zone)
            local = here.strftime("%a %H:%M")
            minutes = int((here.utcoffset() or here - here).total_seconds() // 60)
            sign = "+" if minutes >= 0 else "-"
            offset = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
            style = "bold green" if 9 <= here.hour < 18 and here.weekday() < 5 else ""
            if here.hour < 7 or here.hour >= 22:
                style = "dim"
        where = ", ".join(x for x in (row["city"], row["country"]) if x)
        return (
            Text(local, style=style),
            plain(row["name"]),
            Text(offset, style="dim"),
            plain(where),
            plain(row["org"]),
        )
