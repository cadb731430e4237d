"""What every mark on the dashboard means, for the help screen (``?``).

Built from the tables the panels draw with (labels and styles), so a mark and its
explanation cannot drift apart; only the explanations are written here.
"""

from __future__ import annotations

from rich.text import Text

from dutyboard.config import Config
from dutyboard.domain.arrivals import ArrivalState
from dutyboard.domain.reachability import ReachState
from dutyboard.domain.rollcall import RollCallState
from dutyboard.i18n import _
from widgets.arrivals.panel import KIND_LABEL, ROLL_LABEL, ROLL_STYLE, SHORT_HOLDUP, STATE_STYLE
from widgets.common.fmt import PRIORITY_STYLE, priority_label
from widgets.common.help_screen import HelpSection
from widgets.contacts.panel import STATE

REACH_MEANING = {
    ReachState.WORKING: _("inside their working hours now: call"),
    ReachState.OFF_HOURS: _("outside working hours (evening or early morning there)"),
    ReachState.WEEKEND: _("weekend where they are"),
    ReachState.HOLIDAY: _("public holiday where they are"),
    ReachState.ASLEEP: _("night where they are (asleep): only if it cannot wait"),
}
PRIORITY_MEANING = {
    "urgent": _("urgent: first in the list, counted in the header"),
    "high": _("high priority"),
    "normal": _("normal priority"),
    "low": _("low priority"),
}
ARRIVAL_MEANING = {
    ArrivalState.EXPECTED: _("on its way, on time as far as we know"),
    ArrivalState.DELAYED: _("a new, later ETA was given"),
    ArrivalState.LANDED: _("landed: to be received or met"),
    ArrivalState.RECEIVED: _("goods counted in (booked in the supplies ledger)"),
    ArrivalState.MET: _("traveller met on arrival"),
    ArrivalState.CANCELLED: _("will not come"),
}
KIND_MEANING = {
    "shipment": _("Kind: a shipment of goods"),
    "traveller": _("Kind: a person travelling (a volunteer, a returning student)"),
}
ROLL_MEANING = {
    RollCallState.REPORTED: _("has reported today"),
    RollCallState.LATE: _("reported, but after the deadline"),
    RollCallState.DUE: _("not reported yet; the deadline is still ahead"),
    RollCallState.MISSING: _("the deadline has passed with no report"),
}


def _mark(text: str, style: str = "") -> Text:
    # A span, not the Text's own style: the table's padding stays unpainted.
    return Text.assemble((text, style))


def legend_sections(config: Config) -> list[HelpSection]:
    """Every mark of every panel and of the header, grouped by where it appears."""
    late = _("LATE")
    hours = f"{config.stale_after_hours:g}"
    return [
        HelpSection(
            _("Header"),
            (
                (_mark(_("NEW"), "bold cyan"), _("requests nobody has looked at yet")),
                (_mark(_("URGENT"), "bold white on red"), _("open urgent requests")),
                (_mark(late, "bold red"), _("open requests past their due time")),
                (_mark(_("leads waiting"), "bold yellow"), _("leads whose next action is due")),
                (
                    _mark(_("feeds failing"), "bold white on red"),
                    _("drop folders or feeds that fail: press ! to see why"),
                ),
                (_mark(_("units missing"), "bold red"), _("units past their report deadline")),
                (_mark("☀ ☾"), _("day or night on that world clock")),
                (_mark("0", "dim"), _("a count of zero is dimmed, never hidden")),
            ),
        ),
        HelpSection(
            _("1 Requests"),
            (
                *(
                    (_mark(priority_label(p), PRIORITY_STYLE[p]), PRIORITY_MEANING[p])
                    for p in PRIORITY_MEANING
                ),
                (_mark(f"{late} 2h", "bold red"), _("Due: two hours past its due time")),
                (
                    _mark("3h!", "dim"),
                    _("Age: no update for {hours} hours or more (stale); the row is dimmed").format(
                        hours=hours
                    ),
                ),
            ),
        ),
        HelpSection(
            _("2 Leads"),
            ((_mark(f"{late} 2h", "bold yellow"), _("Next: the next action is two hours late")),),
        ),
        HelpSection(
            _("3 Contacts"),
            tuple((_mark(*STATE[state]), REACH_MEANING[state]) for state in ReachState),
        ),
        HelpSection(
            _("4 Arrivals"),
            (
                *(
                    (_mark(_(state.value), STATE_STYLE[state.value]), ARRIVAL_MEANING[state])
                    for state in ArrivalState
                ),
                (_mark(f"{late} 2h", "bold red"), _("In: two hours past its ETA, not landed")),
                *(
                    (_mark(short), _("hold-up: {what}").format(what=_(what)))
                    for what, short in SHORT_HOLDUP.items()
                ),
                *((_mark(label), KIND_MEANING[kind]) for kind, label in KIND_LABEL.items()),
            ),
        ),
        HelpSection(
            _("Roll-call"),
            tuple(
                (_mark(ROLL_LABEL[state], ROLL_STYLE[state]), ROLL_MEANING[state])
                for state in RollCallState
            ),
        ),
    ]
