"""Overseas contacts: who can be called now, and when the others can.

Reachability is computed per contact *profile* (zone, country, hours, weekend), cached
per minute, and the default sort ("reachable first") ranks profiles in SQL, so the panel
stays keyset-paged however many contacts there are.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time

from rich.text import Text
from textual import work

from dutyboard.domain.contact_groups import ContactProfile, rank_profiles, reach
from dutyboard.domain.reachability import Reachability, ReachState, format_countdown
from dutyboard.store import Row
from dutyboard.store import views as v
from widgets.common import forms
from widgets.common.dialogs import Field
from widgets.common.fmt import plain
from widgets.common.table_panel import TablePanel
from widgets.common.virtual_table import ColumnSpec

# Word first, colour second: the state reads the same with NO_COLOR.
STATE = {
    ReachState.WORKING: ("CALL", "bold green"),
    ReachState.OFF_HOURS: ("off", ""),
    ReachState.WEEKEND: ("wknd", "yellow"),
    ReachState.HOLIDAY: ("hol", "magenta"),
    ReachState.ASLEEP: ("zzz", "dim"),
}


class ContactsPanel(TablePanel):
    title = "3 Contacts"
    table_name = "contacts"
    quick_filters = ("all",)
    UNSUPPORTED = frozenset({"assign_me", "assign_other", "status", "quick_filter"})
    columns = (
        ColumnSpec("Now", 4, sort="reach"),
        ColumnSpec("Local", 11),
        ColumnSpec("Name", 12, flex=True, sort="name"),
        ColumnSpec("Next window", 16),
        ColumnSpec("UTC±", 6, sort="tz"),
        ColumnSpec("Where / note", 12, flex=True, sort="country"),
    )

    def on_mount(self) -> None:
        super().on_mount()
        self.refresh_ranking()
        # Who is reachable changes with the clock, not only with the data.
        self.set_interval(60, self.refresh_ranking)

    def reload(self) -> None:
        super().reload()
        self.refresh_ranking()

    @work(thread=True, exclusive=True, exit_on_error=False, group="ranking")
    def refresh_ranking(self) -> None:
        profiles = [ContactProfile.of(r) for r in v.contact_profiles(self.store)]
        ranking = tuple(rank_profiles(profiles, self.dutyboard.clock(), self.night))
        self.app.call_from_thread(self._apply_ranking, ranking)

    def _apply_ranking(self, ranking: tuple[str, ...]) -> None:
        table = self.table
        if ranking != table.spec.ranking:
            table.spec = table.spec.with_(ranking=ranking)
            table.reset(keep_position=table.spec.sort != "reach")

    @property
    def night(self) -> tuple[time, time]:
        config = self.dutyboard.config
        return (config.night_start, config.night_end)

    def cells(self, row: Row) -> Sequence[Text]:
        now = self.dutyboard.clock()
        profile = ContactProfile.of(row)
        r = reach(profile, now, self.night)
        where = ", ".join(x for x in (row["city"], row["country"]) if x)
        if r is None:
            bad = Text("?", style="dim")
            zone = Text(str(row["tz"] or "no zone"), style="dim")
            return (
                bad,
                zone,
                plain(row["name"]),
                Text(""),
                Text(""),
                plain(where),
            )
        word, style = STATE[r.state]
        local = r.local_time.strftime("%a %H:%M") + (" ☀" if r.is_day else " ☾")
        return (
            Text(word, style=style),
            Text(local, style="" if r.is_day else "dim"),
            plain(row["name"], "bold" if r.state is ReachState.WORKING else ""),
            self._next(r, now),
            Text(_offset(r), style="dim"),
            # A holiday or a clock change this week matters more than the city.
            plain(self._note(r), "bold yellow") if self._note(r) else plain(where),
        )

    def _next(self, r: Reachability, now: datetime) -> Text:
        if r.state is ReachState.WORKING and r.window_end:
            return Text(f"until {self.dutyboard.local_hm_dt(r.window_end)}", style="green")
        if r.next_window_start is None:
            return Text("none in 3 weeks", style="dim")
        when = self.dutyboard.local_hm_dt(r.next_window_start)
        return Text(f"{when} {format_countdown(r.next_window_start - now)}")

    @staticmethod
    def _note(r: Reachability) -> str:
        if r.holiday_name:
            return r.holiday_name
        if r.clock_change is not None:
            return r.clock_change.label()
        return ""

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


def _offset(r: Reachability) -> str:
    minutes = int(r.utc_offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
