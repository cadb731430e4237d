"""Overseas contacts: who can be called now, and when the others can.

Reachability is computed per contact *profile* (zone, country, hours, weekend), cached
per minute, and the default sort ("reachable first") ranks profiles in SQL, so the panel
stays keyset-paged however many contacts there are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, time
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.binding import Binding, BindingType

from dutyboard.domain.contact_groups import ContactProfile, rank_profiles, reach
from dutyboard.domain.reachability import Party, Reachability, ReachState
from dutyboard.i18n import _
from dutyboard.store import Row
from dutyboard.store import views as v
from widgets.common import forms
from widgets.common.columns import ColumnSpec
from widgets.common.dialogs import Field, FormDialog
from widgets.common.fmt import countdown, day_hm, plain
from widgets.common.table_panel import TablePanel
from widgets.contacts.planner import PlannerScreen

# Word first, colour second: the state reads the same with NO_COLOR.
STATE = {
    ReachState.WORKING: (_("CALL"), "bold green"),
    ReachState.OFF_HOURS: (_("off"), ""),
    ReachState.WEEKEND: (_("wknd"), "yellow"),
    ReachState.HOLIDAY: (_("hol"), "magenta"),
    ReachState.ASLEEP: (_("zzz"), "dim"),
}


class ContactsPanel(TablePanel):
    title = _("3 Contacts")
    empty_hint = _(
        "No contacts yet. Press N to add one, or import a phone's or mail program's "
        "vCard file: `dutyboard ingest contacts.vcf --kind contacts`."
    )
    empty_hint_leader = _("No contacts on this desk yet.")
    new_title = _("New contact")
    table_name = "contacts"
    quick_filters = ("all",)
    pick_hint = _("{n} picked · P plan")
    UNSUPPORTED = frozenset({"assign_me", "assign_other", "status", "quick_filter"})
    WRITE_ACTIONS = TablePanel.WRITE_ACTIONS | {"contact_attempt"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "contact_attempt", _("Contacted"), id="contact.attempt"),
        Binding("space", "pick", _("Pick"), id="contact.pick"),
        Binding("P", "planner", _("Plan call"), id="contact.planner"),
    ]
    CHANNELS = ("phone", "wechat", "whatsapp", "email", "video", "other")
    OUTCOMES = ("reached", "no answer", "left message", "asked to call back", "wrong number")
    columns = (
        # The name first, with its local time; in a narrow panel the offset, the place
        # and then the next window give way.
        ColumnSpec(_("Now"), 4, sort="reach", fit=True),
        ColumnSpec(_("Local"), 11, fit=True),
        ColumnSpec(_("Name"), 14, flex=True, sort="name", cut="middle"),
        ColumnSpec(_("Next window"), 11, drop=1, fit=True),
        ColumnSpec(_("UTC±"), 6, sort="tz", drop=3, fit=True),
        ColumnSpec(_("Where / note"), 12, flex=True, sort="country", drop=2),
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
        ranking = tuple(rank_profiles(profiles, self.desk.clock(), self.night))
        self.app.call_from_thread(self._apply_ranking, ranking)

    def _apply_ranking(self, ranking: tuple[str, ...]) -> None:
        table = self.table
        if ranking != table.spec.ranking:
            table.spec = table.spec.with_(ranking=ranking)
            table.reset(keep_position=table.spec.sort != "reach")

    @property
    def night(self) -> tuple[time, time]:
        config = self.desk.config
        return (config.night_start, config.night_end)

    def cells(self, row: Row) -> Sequence[Text]:
        now = self.desk.clock()
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
        if row["id"] in self.picked:
            word = "+" + word
        local = day_hm(r.local_time) + (" ☀" if r.is_day else " ☾")
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
            return Text(
                _("until {time}").format(time=self.local_hm_dt(r.window_end)),
                style="green",
            )
        if r.next_window_start is None:
            return Text(_("none in 3 weeks"), style="dim")
        when = self.local_hm_dt(r.next_window_start)
        return Text(f"{when} {countdown(r.next_window_start - now)}")

    @staticmethod
    def _note(r: Reachability) -> str:
        if r.holiday_name:
            return r.holiday_name
        if r.clock_change is not None:
            return r.clock_change.label()
        return ""

    def action_planner(self) -> None:
        rows = list(self.picked.values())
        if not rows and self.table.cursor_row is not None:
            rows = [self.table.cursor_row]
        if not rows:
            return
        config = self.desk.config
        # Just the contacts when two or more are picked; a single one is planned with you.
        officer = Party(config.timezone) if len(rows) < 2 else None
        self.app.push_screen(PlannerScreen(rows, self.desk.clock(), self.local_hm_dt, officer))

    def action_contact_attempt(self) -> None:
        row = self.table.cursor_row
        if row is None:
            return

        def done(values: dict[str, object] | None) -> None:
            if values is None:
                return
            self.write(
                lambda: self.store.record_contact_attempt(
                    row["id"],
                    str(values["channel"]),
                    str(values["outcome"]),
                    str(values.get("note") or ""),
                ),
                _("contact with {name} recorded").format(name=row["name"]),
            )

        self.app.push_screen(
            FormDialog(
                _("Contact attempt: {name}").format(name=row["name"]),
                [
                    Field(
                        "channel",
                        _("Channel"),
                        required=True,
                        value="phone",
                        placeholder=" / ".join(self.CHANNELS),
                        check=_one_of(self.CHANNELS),
                    ),
                    Field(
                        "outcome",
                        _("Outcome"),
                        required=True,
                        value="reached",
                        placeholder=" / ".join(self.OUTCOMES),
                        check=_one_of(self.OUTCOMES),
                    ),
                    Field("note", _("Note")),
                ],
            ),
            done,
        )

    def form_fields(self) -> list[Field]:
        return [
            Field("name", _("Name"), required=True),
            Field("org", _("Organisation")),
            Field("role", _("Role")),
            Field("country", _("Country"), placeholder=_("LK or Sri Lanka"), check=forms.country),
            Field("city", _("City")),
            Field(
                "tz", _("Time zone"), required=True, placeholder="Asia/Colombo", check=forms.zone
            ),
            Field(
                "work_hours",
                _("Working hours"),
                placeholder="09:00-18:00",
                check=forms.work_hours,
            ),
            Field("phone", _("Phone")),
            Field("email", _("E-mail")),
            Field("wechat", _("WeChat")),
            Field("whatsapp", _("WhatsApp")),
            Field("languages", _("Languages"), placeholder="en, zh"),
        ]

    def create(self, values: dict[str, object]) -> object:
        fields = {k: v for k, v in values.items() if v is not None}
        return self.store.add_contact(fields)


def _offset(r: Reachability) -> str:
    minutes = int(r.utc_offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _one_of(choices: Sequence[str]) -> Callable[[str], str]:
    def check(text: str) -> str:
        value = text.strip().lower()
        matches = [c for c in choices if c.startswith(value)]
        if len(matches) != 1:
            raise ValueError(_("choose one of: {choices}").format(choices=", ".join(choices)))
        return matches[0]

    return check
