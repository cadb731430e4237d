"""No user-facing string of a widget bypasses the catalogue (``_()``).

Every module under ``widgets/`` is parsed with ``ast``; a string literal (or an f-string
with words in its literal parts) handed to a place the officer reads is flagged unless it
goes through ``_()``/``pgettext()``. The places ("sinks"): ``Label``/``Static``/``Text``
and friends, ``notify``, ``Binding`` descriptions, dialog titles, labels and
placeholders, column labels (``add_column``, ``ColumnSpec``), ``border_title``/
``border_subtitle``/``title``/``sub_title``, and the done-message of ``self.write``.
Strings that are not words (symbols, key names, format-only strings) are allowed by
rule; the few remaining exceptions are listed below, each with its reason. What counts
as a word, and how an expression is taken apart, is shared with the command line's check
(tests/catalogue_scan.py).
"""

from __future__ import annotations

import ast
from pathlib import Path

from dutyboard.domain.arrivals import ArrivalState
from dutyboard.domain.rollcall import RollCallState
from dutyboard.locale import zh_CN
from tests.catalogue_scan import call_name, untranslated

REPO = Path(__file__).resolve().parents[2]
WIDGETS = REPO / "widgets"

# Folders another engineer owns right now: checked by their own change, not here.
EXCLUDED: tuple[str, ...] = ()
# Single files left out for now (none: the handover screen is translated, issue 18 #7).
EXCLUDED_FILES: tuple[str, ...] = ()

# Calls whose positional string arguments are shown as they are.
TEXT_CALLS = {
    "Label", "Static", "Text", "Button", "Markdown", "Option", "Header", "notify",
    "ChoiceDialog", "ConfirmDialog", "FormDialog", "text_dialog", "append", "assemble",
    "add_column", "ColumnSpec", "update", "set_title", "push_notice",
}  # fmt: skip
# Keyword arguments that are user-facing wherever they appear.
TEXT_KEYWORDS = {
    "label", "title", "placeholder", "description", "tooltip", "question", "hint",
    "message", "done", "sub_title", "border_title", "border_subtitle",
}  # fmt: skip
# Attributes assigned a user-facing string.
TEXT_ATTRIBUTES = {"border_title", "border_subtitle", "title", "sub_title", "tooltip"}

# Literal parts of strings that are words but not for translating (units and marks that
# read the same in both languages), by exact text.
ALLOWED = {
    "UTC",  # the zone's name, as on every clock
    "ETA",  # the column's label is translated; "ETA" inside a line is the same in Chinese
    "#",
    "m",  # minutes in compact spans ("5m", "2h10"): fmt.countdown keeps them in both
    "h",
    "d",
    "h{rest:02d}",
    "Markdown",
    " dutyboard ",  # the program's name in the header
    # placeholders that are example values, the same in every language
    "Asia/Colombo",
    "en, zh",
    "CNY, USD, EUR",
    "CNY",
    "USD",
    "CE, FDA, EN 149",  # certification marks: written so in every language
}


def offenders(source: str, where: str) -> list[str]:
    tree = ast.parse(source)
    out: list[str] = []
    for node in ast.walk(tree):
        shown: list[ast.AST] = []
        if isinstance(node, ast.Call):
            name = call_name(node)
            if name in {"assemble", "ConfirmDialog"}:
                for arg in node.args:  # parts; a (text, style) tuple's text
                    shown.append(arg.elts[0] if isinstance(arg, ast.Tuple) else arg)
            elif name == "ChoiceDialog":
                shown.extend(node.args[:1])
                if len(node.args) > 1 and isinstance(node.args[1], (ast.List, ast.Tuple)):
                    # (value, label) choices: the label is shown, the value is an id
                    shown.extend(c.elts[1] for c in node.args[1].elts if isinstance(c, ast.Tuple))
            elif name in TEXT_CALLS:
                shown.extend(node.args[:1])  # Text(text, style): the style is no word
            elif name == "Binding":
                shown.extend(node.args[2:3])  # key, action, description
            elif name == "Field":
                shown.extend(node.args[1:2])  # name, label
            elif name == "write" and len(node.args) >= 2:
                shown.append(node.args[1])  # the done message, toasted
            shown.extend(k.value for k in node.keywords if k.arg in TEXT_KEYWORDS)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = {
                t.attr if isinstance(t, ast.Attribute) else t.id
                for t in targets
                if isinstance(t, (ast.Attribute, ast.Name))
            }
            if names & TEXT_ATTRIBUTES and node.value is not None:
                shown.append(node.value)
        for expr in shown:
            out.extend(
                f"{where}:{getattr(expr, 'lineno', 0)}: {text!r}"
                for text in untranslated(expr, ALLOWED)
            )
    return out


def widget_modules() -> list[Path]:
    return sorted(
        p
        for p in WIDGETS.rglob("*.py")
        if not any(p.relative_to(WIDGETS).as_posix().startswith(x) for x in EXCLUDED)
        and p.relative_to(WIDGETS).as_posix() not in EXCLUDED_FILES
    )


def test_no_user_facing_widget_string_bypasses_the_catalogue() -> None:
    found = [
        line
        for path in widget_modules()
        for line in offenders(path.read_text(encoding="utf-8"), str(path.relative_to(REPO)))
    ]
    assert not found, "strings shown without _():\n" + "\n".join(found)


def test_the_check_catches_what_it_should() -> None:
    """The rule itself: each sink is seen, translated and non-word strings pass."""
    source = """
self.notify(f"#{row['id']} landed")
Binding("l", "landed", "Landed")
table.add_column("In", width=9)
self.border_title = "4 Arrivals"
Static(Text("Roll-call"), id="rollcall-title")
Field("eta", f"New ETA ({zone})", placeholder="2020-02-05 06:30")
self.write(lambda: None, f"{day.name}: reported")
ok = [Static(_("Roll-call")), Binding("j", "down", _("Down")), Text(" · "), Label("{:,}")]
"""
    found = [line.split(": ", 1)[1] for line in offenders(source, "sample")]
    assert sorted(found) == sorted(
        [
            "' landed'",
            "'Landed'",
            "'In'",
            "'4 Arrivals'",
            "'Roll-call'",
            "'New ETA ('",
            "': reported'",
        ]
    ), found


def test_arrival_and_roll_call_states_are_in_chinese() -> None:
    """States are shown through ``_(state)`` at run time: the catalogue must know them."""
    from widgets.arrivals.panel import ROLL_LABEL

    for state in ArrivalState:
        assert state.value in zh_CN.MESSAGES, state
    for roll in RollCallState:
        assert ROLL_LABEL[roll] in zh_CN.MESSAGES, roll
