"""The Textual App: wiring of screens and panels only."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

from textual import events, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Grid
from textual.dom import DOMNode
from textual.message import Message
from textual.screen import Screen
from textual.theme import Theme
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from dutyboard import files
from dutyboard.applog import open_log
from dutyboard.config import Config
from dutyboard.desk import Desk
from dutyboard.domain.clock import Clock, to_iso, utcnow
from dutyboard.domain.text import clean_line
from dutyboard.i18n import _
from dutyboard.state import load_state, save_state
from dutyboard.store import Store
from dutyboard.store.arrivals import DeskCounts, Reminders, desk_counts
from dutyboard.store.attention import Attention, attention, new_urgent_requests, newly_overdue
from dutyboard.store.errors import Unreachable
from dutyboard.store.rollcall import sync_units
from widgets.arrivals.panel import ArrivalsPanel, reminder_text
from widgets.common.desk import DeskChanged, OnDesk, WorkerFailed, connect_bus
from widgets.common.header import DeskHeader
from widgets.common.help_screen import HelpScreen, key_sections
from widgets.common.keys import check_keymap
from widgets.common.log_screen import LogScreen
from widgets.common.table_panel import PasteAsked
from widgets.common.typing_guard import typing_in
from widgets.common.virtual_table import VirtualTable
from widgets.contacts.panel import ContactsPanel
from widgets.handover.panel import HandoverPanel
from widgets.handover.screen import HandoverScreen
from widgets.leads.panel import LeadsPanel
from widgets.legend import legend_sections
from widgets.quarantine.screen import QuarantineScreen
from widgets.requests.panel import RequestsPanel
from widgets.supplies.panel import SuppliesPanel

if TYPE_CHECKING:
    from dutyboard.notify.watch import NotifyLoop

POLL_S = 0.25  # how often PRAGMA data_version is read: a change is on screen within this
# After a change the panel in use reloads at once, the rest of the screen this much later.
FOLLOW_S = 0.05
POLL_STUCK_S = 10.0  # counts asked for and not done by then (cancelled unstarted): ask again
PANELS = ("requests", "leads", "contacts", "arrivals", "handover", "supplies")
# The app's single-key actions: never run while a text field has the focus.
LETTER_ACTIONS = frozenset({"focus_panel", "quit_key", "quarantine", "help"})


class DutyboardApp(App[None]):
    """Live panels over one SQLite file: requests, leads, contacts, and a tabbed corner
    for arrivals and roll-call, the shift and handover, and supplies."""

    TITLE = "dutyboard"
    CSS = """
    Screen { layout: vertical; }
    #panels {
        grid-size: 2 2;
        grid-columns: 3fr 2fr;
        grid-rows: 3fr 2fr;
        height: 1fr;
    }
    /* Narrow terminals (phones over SSH, 80x24): one panel at a time, 1-4 / tab switch. */
    Screen.-narrow #panels { grid-size: 1 1; grid-columns: 1fr; grid-rows: 1fr; }
    Screen.-narrow #panels > .panel { display: none; }
    Screen.-narrow #panels > .panel.-active { display: block; }
    #corner { height: 1fr; border: none; }
    #corner > ContentSwitcher { height: 1fr; }
    #corner TabPane { padding: 0; height: 1fr; }
    """
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012 (Textual declares it without ClassVar)
        (0, "-narrow"),
        (110, "-wide"),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        # q, not ctrl+q: a letter, refused while typing; both ask about an unsaved edit.
        Binding("q", "quit_key", _("Quit"), id="quit"),
        Binding("1", "focus_panel('requests')", _("Requests"), show=False, id="panel.requests"),
        Binding("2", "focus_panel('leads')", _("Leads"), show=False, id="panel.leads"),
        Binding("3", "focus_panel('contacts')", _("Contacts"), show=False, id="panel.contacts"),
        Binding("4", "focus_panel('arrivals')", _("Arrivals"), show=False, id="panel.arrivals"),
        Binding("5", "focus_panel('handover')", _("Handover"), show=False, id="panel.handover"),
        Binding("6", "focus_panel('supplies')", _("Supplies"), show=False, id="panel.supplies"),
        # Shown in the footer only while something is failing (check_action); always in
        # the palette: a failure must never look like a quiet night.
        Binding("exclamation_mark", "quarantine", _("Failing imports"), id="app.quarantine"),
        Binding("question_mark", "help", _("Help"), id="app.help"),
        # Textual's own, declared here so that its footer label is in the interface
        # language (and it has an id like every key).
        Binding(
            "ctrl+p",
            "command_palette",
            _("palette"),
            show=False,
            priority=True,
            tooltip=_("Open the command palette"),
            id="app.palette",
        ),
    ]

    class CountsDue(Message):
        """From the change watcher's thread: a minute has passed since the header's counts
        (thread-safe: a message, not a call)."""

    class Reachable(Message):
        """From the change watcher's thread: the database server went away (``since``,
        UTC) or came back (None). The panels keep what they show meanwhile."""

        def __init__(self, since: datetime | None) -> None:
            super().__init__()
            self.since = since

    def __init__(
        self,
        store: Store,
        config: Config,
        *,
        role: str = "officer",
        clock: Clock = utcnow,
        poll_s: float = POLL_S,
    ) -> None:
        """``poll_s``: how often the change watcher looks for other processes' writes
        (tests settle faster with less)."""
        super().__init__()
        self.desk = Desk(store, config, role=role, clock=clock)
        connect_bus(self.desk, self)
        self.poll_s = poll_s
        self._reminders = Reminders(
            claim=self.desk.can_write, before=timedelta(minutes=config.arrivals_remind_minutes)
        )
        self._attention: Attention | None = None
        self._attention_at: datetime | None = None
        self._stale: set[str] = set()  # hidden panels to re-query when shown
        self._times_stale: set[str] = set()  # hidden panels to redraw (a new minute) when shown
        # After a change: the panels on screen after the one in use, and the header's
        # counts, due when the timer fires (refresh_panels).
        self._following: set[str] = set()
        self._count_following = False
        self._follow_timer: Timer | None = None
        # The notifications' sender, when this dashboard is the one (_start_sending).
        self._notify_loop: NotifyLoop | None = None
        self._notify_busy = threading.Lock()
        self._notify_problem: str | None = None
        self._minute: datetime | None = None  # the minute on screen in time-derived cells
        self._counts_asked = 0.0  # time.monotonic() when counts were asked for; 0: none
        self._watch_stop = threading.Event()
        self._watcher: threading.Thread | None = None
        if role == "leader":
            # Leaders often watch over a thin SSH link or a phone: no animation frames.
            self.animation_level = "none"
            # Read-only for the whole process: no export, screenshot or save, whatever
            # the key or palette entry (ROUND2, hardening #1).
            files.forbid_writes(_("a leader's session writes no files"))
        # After forbid_writes: a leader's log stays in memory (palette: "Log").
        self.desk_log = open_log()

    # The desk's, for the app's own use (widgets ask ``desk`` themselves).
    @property
    def store(self) -> Store:
        return self.desk.store

    @property
    def config(self) -> Config:
        return self.desk.config

    @config.setter
    def config(self, config: Config) -> None:
        self.desk.config = config

    @property
    def role(self) -> str:
        return self.desk.role

    @property
    def clock(self) -> Clock:
        return self.desk.clock

    @property
    def zone(self) -> ZoneInfo:
        return self.desk.zone

    def compose(self) -> ComposeResult:
        yield DeskHeader(
            self.config.desk_name, self.zone, self.role, self.clock(), self.config.clocks
        )
        with Grid(id="panels"):
            yield RequestsPanel(id="requests", classes="panel -active")
            yield ContactsPanel(id="contacts", classes="panel")
            yield LeadsPanel(id="leads", classes="panel")
            # The tab container is the grid cell (and the "panel" for narrow mode).
            with TabbedContent(id="corner", classes="panel", initial="tab-handover"):
                with TabPane(_("4 Arrivals"), id="tab-arrivals"):
                    yield ArrivalsPanel(id="arrivals")
                with TabPane(_("5 Handover"), id="tab-handover"):
                    yield HandoverPanel(id="handover")
                with TabPane(_("6 Supplies"), id="tab-supplies"):
                    yield SuppliesPanel(id="supplies")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#requests VirtualTable").focus()
        self._apply_keys()
        self._apply_theme()
        # Held from here on: timers and workers call back while a modal is on top or the
        # app is closing, when a query of the current screen finds none of them.
        self._header = self.query_one(DeskHeader)
        self._panels: dict[str, Widget] = {p: self.query_one(f"#{p}") for p in PANELS}
        self._arrivals = self.query_one(ArrivalsPanel)
        self._minute = minute_of(self.clock())
        self.set_interval(1.0, self._tick)
        self._sync_units()
        self._start_sending()
        self._watcher = threading.Thread(
            target=self._watch_changes, name="dutyboard-watch", daemon=True
        )
        self._watcher.start()
        self.call_after_refresh(self._freeze_startup_objects)

    def _apply_keys(self) -> None:
        """The config's ``[keys]``, checked against the bindings as they sit in this very
        screen (a table, its panel and the app are active together): what is wrong is one
        line each, at start-up, and the rest applies."""
        if not self.config.keys:
            return
        together = [
            tuple(type(node) for node in widget.ancestors_with_self)
            for widget in self.screen.query("*")
            if widget.can_focus
        ]
        check = check_keymap(self.config.keys, together=together)
        self.set_keymap(check.keymap)
        for problem in check.problems:
            self._say_at_start(problem)

    def _apply_theme(self) -> None:
        """The theme last chosen in the palette, unless the config names another one since
        (the config was edited after the choice); a leader's choice lasts the session."""
        remembered = load_state()
        wanted = self.config.theme
        if remembered.get("theme") and remembered.get("config_theme") == self.config.theme:
            wanted = str(remembered["theme"])
        if wanted and wanted in self.available_themes:
            self.theme = wanted
        elif wanted:
            problem = _("display.theme: no theme is called {name} (known: {known})").format(
                name=clean_line(wanted, 60), known=", ".join(sorted(self.available_themes))
            )
            self._say_at_start(problem)
        self.theme_changed_signal.subscribe(self, self._theme_chosen)

    def _say_at_start(self, problem: str) -> None:
        """A setting that could not be applied: one line, in the log and on screen."""
        self.desk_log.info(problem)
        self.notify(problem, severity="warning", timeout=20, markup=False)

    def _theme_chosen(self, theme: Theme) -> None:
        save_state({"theme": theme.name, "config_theme": self.config.theme})

    def _freeze_startup_objects(self) -> None:
        """Keep what start-up built (modules, the widget tree, styles: about 100,000
        objects) out of the cyclic garbage collector's full passes. They live as long as
        the app, yet each full pass walked all of them: about 40 ms on the UI thread, once
        every dozen filters or so, which a keystroke then waited for. Objects made later,
        rows and pages among them, are collected as before."""
        gc.freeze()

    def on_unmount(self) -> None:
        # Hand them back on the way out: a process that runs several apps in turn (the
        # tests, an embedding tool) must not keep every finished app's objects for good.
        gc.unfreeze()
        self._watch_stop.set()
        if self._watcher is not None:
            # It holds the store only for one PRAGMA; whoever closes the store next must
            # not find it mid-call.
            self._watcher.join(timeout=2)
        if self._notify_loop is not None:
            # Sends under way may finish (a send cut short would only be sent again); the
            # lease is given back for the collector or another dashboard.
            self._notify_loop.close(wait=2.0)
        self.desk_log.close()
        if self.role == "leader":
            files.allow_writes()

    # -- notifications: the sender when no collector runs ---------------------------

    def _start_sending(self) -> None:
        """An officer's dashboard sends the desk's notifications (``[[notify]]``) while
        no collector runs: it takes the notify-sender lease only then, and gives it back
        as soon as a collector holds its own (docs/notify.md). A leader's never does."""
        if not self.desk.can_write:
            return
        from dutyboard.config import ConfigError
        from dutyboard.notify.watch import NotifyLoop, load_notify

        try:
            setup = load_notify(self.config)
        except ConfigError as exc:
            self._say_at_start(str(exc))
            return
        if not setup.targets:
            return
        self._notify_loop = NotifyLoop(
            self.store, setup, role="dashboard", defer_to_collector=True, log=self.desk_log.info
        )
        self.set_interval(setup.settings.interval_seconds, self._send_notifications)
        self._send_notifications()

    @work(thread=True, exit_on_error=False, group="notify")
    def _send_notifications(self) -> None:
        loop = self._notify_loop
        if loop is None or not self._notify_busy.acquire(blocking=False):
            return  # the last pass is still sending: its targets keep their threads
        try:
            loop.run_pass(wait=0)
            self._notify_problem = None
        except Exception as exc:  # the database away, a bug: said once, tried again
            problem = _("notifications: could not look at the outbox ({error}); trying again")
            text = problem.format(error=clean_line(str(exc), 200))
            if text != self._notify_problem:
                self._notify_problem = text
                self.desk_log.info(text)
        finally:
            self._notify_busy.release()

    @work(thread=True, exit_on_error=False, group="sync")
    def _sync_units(self) -> None:
        """Bring the reporting units in the config into the database (officers only)."""
        if self.desk.can_write and self.config.rollcall_units:
            sync_units(self.store, self.config.rollcall_units)

    # -- time and live refresh ------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every key binding active here is also a palette entry."""
        for command in super().get_system_commands(screen):
            if command.title == "Screenshot":
                # Textual's saves into ~/Downloads (or fails when it is missing); ours goes
                # to the export folder and says where, and a leader has none.
                if self.desk.can_write_files:
                    yield SystemCommand(
                        _("Screenshot"),
                        _("Save an SVG picture of the screen in {folder}").format(
                            folder=self.config.export_dir
                        ),
                        lambda: self.set_timer(0.1, self.action_screenshot),
                    )
                continue
            yield command
        yield SystemCommand(
            _("Log"),
            _("This session's log: what failed, with the details a notice leaves out"),
            self.action_show_log,
        )
        yield SystemCommand(
            _("Quarantine"),
            _("Rows and files ingest could not take: retry, fix or discard them"),
            self.action_quarantine,
        )
        if self.desk.can_write:
            # Found from any panel, not only while the arrivals have the focus (18 #3).
            yield SystemCommand(
                _("New arrival"),
                _("A shipment or traveller on its way: the arrivals form (key N there)"),
                self._arrivals.ask_new,
            )
        seen: set[str] = {"quarantine", "new_arrival"}
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if not active.enabled or not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            yield SystemCommand(
                binding.description,
                f"key: {key}",
                partial(self._run_binding, active.node, binding.action),
            )

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """An SVG of the screen into the export folder (created if missing), never over a
        file; refused in a leader's session."""
        name = filename or f"dutyboard-{self.clock().astimezone(self.zone):%Y%m%d-%H%M%S}.svg"
        try:
            target = files.export_target(
                Path(path) / name if path else name,
                export_dir=self.config.export_dir,
                protected=files.desk_files(self.store.path, self.config.source_path),
            )
            svg = self.export_screenshot()
            with files.atomic_output(target, replace=False) as tmp:
                tmp.write_text(svg, encoding="utf-8")
        except (files.WriteRefused, OSError) as exc:
            self.notify(_("no screenshot: {why}").format(why=exc), severity="warning", markup=False)
            return
        self.notify(_("screenshot saved to {path}").format(path=target), markup=False)

    def save_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str:
        refused = files.writes_forbidden()
        if refused is not None:
            raise files.WriteRefused(refused)
        return super().save_screenshot(filename, path, time_format)

    def deliver_text(self, *args: Any, **kwargs: Any) -> str | None:
        return self._deliver_if_allowed(super().deliver_text, *args, **kwargs)

    def deliver_binary(self, *args: Any, **kwargs: Any) -> str | None:
        return self._deliver_if_allowed(super().deliver_binary, *args, **kwargs)

    def _deliver_if_allowed(self, deliver: Any, *args: Any, **kwargs: Any) -> str | None:
        """Textual's file delivery (a download in the browser, a file in a terminal): none
        in a leader's session."""
        refused = files.writes_forbidden()
        if refused is not None:
            self.notify(refused, severity="warning", markup=False)
            return None
        delivered: str | None = deliver(*args, **kwargs)
        return delivered

    def _run_binding(self, node: DOMNode, action: str) -> None:
        self.run_worker(self.run_action(action, node), exit_on_error=False)

    def _tick(self) -> None:
        """Every second: the header's clock; on each new minute of the app's clock, every
        time-derived cell on screen (ages, countdowns, LATE, local times, ETAs, roll-call,
        the shift's "since") is redrawn from the rows already loaded, without a query."""
        now = self.clock()
        self._header.tick(now)
        minute = minute_of(now)
        if minute != self._minute:
            self._minute = minute
            self.refresh_times()

    def refresh_times(self) -> None:
        """Redraw the time-derived cells of the panels on screen; a hidden one is redrawn
        when shown (unless it is re-queried then anyway)."""
        for panel_id, panel in self._panels.items():
            if shown(panel):
                panel.refresh_times()  # type: ignore[attr-defined]
            else:
                self._times_stale.add(panel_id)

    def _watch_changes(self) -> None:
        """The change watcher, on its own thread for the app's life: every POLL_S (on
        PostgreSQL also as soon as a notification arrives: ``Store.wait_for_change``) it
        reads the store's change signal (``data_version``) and wakes the event loop only when
        there is work: another connection wrote (:class:`DeskChanged`, the one bus), or
        the header's counts are a minute old (:class:`CountsDue`). (A thread worker per
        poll, four a second, cost an idle dashboard more CPU than all the rest.)"""
        # The first read differs: one reload and count at start-up, so a write that landed
        # between the panels' first load and the watcher's start is never missed.
        seen: int | None = None
        away: datetime | None = None
        while True:
            try:
                version = self.store.data_version()
            except Unreachable as exc:
                # The server went away: say so once, keep what is on screen, keep asking
                # (the store opens a new session when it can: a change, read below).
                if away is None:
                    away = exc.since
                    if not self.post_message(self.Reachable(away)):
                        return
                if self._watch_stop.wait(self.poll_s):
                    return
                continue
            except Exception:  # the store closed under us: the app is ending
                return
            if away is not None:
                away = None
                if not self.post_message(self.Reachable(None)):
                    return
            message: Message | None = None
            if version != seen:
                seen = version
                message = DeskChanged()
            elif self._counts_due():
                self._counts_asked = time.monotonic()
                message = self.CountsDue()
            if message is not None and not self.post_message(message):
                return  # the app has stopped taking messages
            if self.store.wait_for_change(self.poll_s, self._watch_stop):
                return

    def _counts_due(self) -> bool:
        asked = self._counts_asked
        if asked and time.monotonic() - asked < POLL_STUCK_S:
            return False  # the last count is still on its way
        at = self._attention_at
        return at is None or (self.clock() - at).total_seconds() >= 60

    def on_desk_changed(self, message: DeskChanged) -> None:
        """The one bus: every write — a key, a form, a retry here, another process seen
        by the watcher — ends here: the panels on screen, the header's counts and who is
        on duty, and any alert the change brings."""
        self.refresh_panels()
        for screen in self.screen_stack[1:]:  # the handover, the quarantine… on top
            if isinstance(screen, OnDesk):
                screen.desk_changed()
        # The header's counts follow with the other panels (see refresh_panels).
        self._count_following = True
        self._follow()

    def on_dutyboard_app_reachable(self, message: Reachable) -> None:
        self._header.unreachable_since = message.since
        self.desk_log.info(
            _("the database cannot be reached; retrying")
            if message.since is not None
            else _("the database is reachable again; the panels are read again")
        )

    def on_dutyboard_app_counts_due(self, message: CountsDue) -> None:
        self._count(changed=False)

    @work(thread=True, exclusive=True, exit_on_error=False, group="counts")
    def _count(self, *, changed: bool) -> None:
        """The header's counts, who is on duty, and the alerts: after a change, and once a
        minute since "overdue" changes with the clock alone."""
        self._counts_asked = time.monotonic()
        try:
            self._count_once(changed)
        finally:
            self._counts_asked = 0.0

    def _count_once(self, changed: bool) -> None:
        store = self.store
        now = self.clock()
        due = self._attention_at is None or (now - self._attention_at).total_seconds() >= 60
        if not (changed or due):
            return
        shift = store.current_shift()
        now_iso = to_iso(now)
        counts = attention(store, now_iso)
        alerts: list[str] = []
        if self._attention is not None:
            for row in new_urgent_requests(store, self._attention.last_request_id):
                alerts.append(_("URGENT #{id}: {org} — {item}").format(**row))
            if self._attention_at is not None:
                for row in newly_overdue(store, to_iso(self._attention_at), now_iso):
                    alerts.append(_("now LATE #{id}: {org} — {item}").format(**row))
        desk = desk_counts(store, now, self.config.timezone, self.config.arrivals_soon_hours)
        alerts += [reminder_text(row, now, self.zone) for row in self._reminders.due(store, now)]
        self._attention, self._attention_at = counts, now
        self.call_from_thread(
            self._after_poll, shift.officer if shift else "", counts, alerts, desk
        )

    def _after_poll(
        self,
        on_duty: str,
        counts: Attention,
        alerts: list[str],
        desk: DeskCounts | None = None,
    ) -> None:
        header = self._header
        header.on_duty = on_duty
        header.attention = counts
        header.desk_counts = desk
        self.refresh_bindings()  # the quarantine key shows while something is failing
        for alert in alerts:
            # Text from outside goes in as plain content, never parsed as markup.
            self.notify(alert, severity="warning", timeout=10, markup=False)
        if alerts and self.config.bell:
            self.bell()

    def refresh_panels(self) -> None:
        """Re-query the panels on screen; a hidden one (another tab, narrow mode) is only
        marked stale and re-queried when shown, so it never delays what the officer sees
        (two cores, and the supplies tallies are heavy on a large desk). The panel in use
        goes first; the others on screen follow :data:`FOLLOW_S` later, so that on two
        cores their queries do not slow the one being looked at (on a million requests
        on PostgreSQL, all at once put the requests panel's refresh at 60-120 ms after
        the commit, alone at 30-40)."""
        on_screen = []
        for panel_id, panel in self._panels.items():
            if shown(panel):
                on_screen.append(panel_id)
            else:
                self._stale.add(panel_id)
        if not on_screen:
            return
        first = next((p for p in on_screen if self._in_use(p)), on_screen[0])
        self._panels[first].reload()  # type: ignore[attr-defined]
        self._following.update(p for p in on_screen if p != first)
        self._follow()

    def _follow(self) -> None:
        if (self._following or self._count_following) and self._follow_timer is None:
            self._follow_timer = self.set_timer(FOLLOW_S, self._reload_following)

    def _in_use(self, panel_id: str) -> bool:
        return any(node.has_class("-active") for node in self._panels[panel_id].ancestors_with_self)

    def _reload_following(self) -> None:
        self._follow_timer = None
        following, self._following = self._following, set()
        for panel_id in sorted(following):
            panel = self._panels[panel_id]
            if shown(panel):
                panel.reload()  # type: ignore[attr-defined]
            else:
                self._stale.add(panel_id)
        if self._count_following:
            self._count_following = False
            self._count(changed=True)

    def _reload_stale(self) -> None:
        for panel_id in sorted(self._stale | self._times_stale):
            panel = self._panels[panel_id]
            if not shown(panel):
                continue
            self._times_stale.discard(panel_id)
            if panel_id in self._stale:
                self._stale.discard(panel_id)
                panel.reload()  # type: ignore[attr-defined]
            else:
                panel.refresh_times()  # type: ignore[attr-defined]

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.call_after_refresh(self._reload_stale)

    # -- actions --------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Typing in a text field is text: a digit or a q typed into a note must never
        # switch panels or quit, whatever screen or dialog holds the field.
        if action in LETTER_ACTIONS and typing_in(self.screen):
            return False
        if action == "quarantine":  # in the footer only while something is failing
            counts = self._attention
            return bool(counts and (counts.sources_failing or counts.quarantine_open))
        return True

    def action_quarantine(self) -> None:
        """The failing imports: reasons, original text; retry, fix or discard (officers)."""
        if not isinstance(self.screen, QuarantineScreen):
            self.push_screen(QuarantineScreen())

    def on_paste_asked(self, message: PasteAsked) -> None:
        """``p`` on a panel: the paste box (imported on first use: it brings ingest)."""
        if self.desk.can_write:
            from widgets.paste.box import paste_into

            paste_into(message.panel)

    def action_help(self) -> None:
        """``?``: the keys here and everywhere (as remapped), and what every mark means."""
        if not isinstance(self.screen, HelpScreen):
            sections = key_sections(self.screen) + legend_sections(self.config)
            self.push_screen(HelpScreen(sections))

    def action_show_log(self) -> None:
        self.push_screen(LogScreen(self.desk_log.lines, self.desk_log.where()))

    # -- failures --------------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The app's own workers (counts, unit sync, palette actions)."""
        if event.state == WorkerState.ERROR:
            self.post_message(WorkerFailed(event.worker, "app"))

    def on_worker_failed(self, message: WorkerFailed) -> None:
        """The one handler for a worker error nobody caught, wherever it ran: a line in
        the log with the traceback, and a notice that says so — never silence."""
        error = message.error
        what = f"{message.where}.{message.worker.name or 'worker'}"
        self.desk_log.error(f"{what} failed: {error!r}", error)
        self.notify(
            # An error's text can carry a feed's bytes: cleaned like any text from outside.
            _("Something went wrong ({what}: {error}). Details in the log: {where}").format(
                what=what, error=clean_line(str(error), 300), where=self.desk_log.where()
            ),
            severity="error",
            timeout=15,
            markup=False,
        )

    async def action_quit_key(self) -> None:
        await self.action_quit()

    async def action_quit(self) -> None:
        """``q`` or ``ctrl+q``: quit, asking first only if an edit is unsaved."""
        for screen in reversed(self.screen_stack):
            if isinstance(screen, HandoverScreen) and screen.has_unsaved_notes:
                screen.action_quit_checked()
                return
        self.exit()

    def action_focus_panel(self, panel: str) -> None:
        target = self.query_one(f"#{panel}")
        for pane in target.ancestors:
            if isinstance(pane, TabPane) and pane.id:
                self.query_one(TabbedContent).active = pane.id
        cell = next(
            n for n in target.ancestors_with_self if isinstance(n, Widget) and n.has_class("panel")
        )
        self._activate(cell)
        tables = target.query(VirtualTable)
        # A tab that was hidden must render before its panel can take focus.
        self.call_after_refresh((tables.first() if tables else target).focus)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        for node in event.widget.ancestors_with_self:
            if isinstance(node, Widget) and node.has_class("panel"):
                self._activate(node)
                break

    def _activate(self, panel: Widget) -> None:
        """Mark the panel in use; on a narrow screen it is the only one shown."""
        for other in self.query(".panel"):
            other.set_class(other is panel, "-active")
        self.call_after_refresh(self._reload_stale)


def minute_of(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def shown(widget: Widget) -> bool:
    """Is the widget displayed (no hidden tab or narrow-mode panel above it)?"""
    return all(node.display for node in widget.ancestors_with_self if isinstance(node, Widget))
