"""Overseas contacts with their local time."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rich.text import Text

from dutyboard.store import Row
from widgets.common import forms
from widgets.common.dialogs import Field
from widgets.common.fmt import plain
from widgets.common.table_panel import TablePanel
from widgets.common.virtual_table import ColumnSpec


class ContactsPanel(TablePanel):
    title = "3 Contacts"
    table_name = "contacts"
    quick_filters = ("all",)
    UNSUPPORTED = frozenset({"assign_me", "assign_other", "status", "quick_filter"})
    columns = (
        ColumnSpec("Local", 9),
        ColumnSpec("Name", 12, flex=True, sort="name"),
        ColumnSpec("UTC±", 6, sort="tz"),
        ColumnSpec("Where", 10, flex=True, sort="country"),
        ColumnSpec("Org", 10, flex=True, sort="org"),
    )

    def cells(self, row: Row) -> Sequence[Text]:
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

    def form_fields(self) -> list[Field]:
        return [
            Field("name", "Name", required=True),
            Field("org", "Organisation"),
            Field("role", "Role"),
            Field("country", "Country", placeholder="LK or Sri Lanka", check=forms.country),
            Field("city", "City"),
            Field("tz", "Time zone", required=True, placeholder="Asia/Colombo", check=forms.zone),
            Field("work_hours", "Working hours", placeholder="09:00-18:00", check=forms.work_hours),
            Field("phone", "Phone"),
            Field("email", "E-mail"),
            Field("wechat", "WeChat"),
            Field("whatsapp", "WhatsApp"),
            Field("languages", "Languages", placeholder="en, zh"),
        ]

    def create(self, values: dict[str, object]) -> object:
        fields = {k: v for k, v in values.items() if v is not None}
        return self.store.add_contact(fields)
