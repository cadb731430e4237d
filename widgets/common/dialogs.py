"""Small modal dialogs: pick one of a list, type a line, fill a validated form.

Every dialog returns its result through ``dismiss`` (None when cancelled with ``esc``),
so callers use ``push_screen(dialog, callback)`` and never block the event loop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from dutyboard.domain.text import clean_text
from dutyboard.i18n import _

DIALOG_CSS = """
{name} {{
    align: center middle;
    background: $background 60%;
}}
{name} > Vertical {{
    width: 72;
    max-width: 100%;
    height: auto;
    max-height: 90%;
    border: thick $accent;
    background: $surface;
    padding: 0 1;
}}
{name} .dialog--title {{ text-style: bold; margin-bottom: 1; width: 100%; }}
{name} .dialog--hint {{ color: $text-muted; margin-top: 1; }}
{name} .dialog--error {{ color: $error; text-style: bold; height: auto; }}
"""


class ChoiceDialog(ModalScreen[str | None]):
    """Pick one value from a short list (legal statuses, closure reasons…)."""

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="ChoiceDialog")
        + """
    ChoiceDialog OptionList { height: auto; max-height: 16; }
    """
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", _("Cancel"), id="choice.cancel")
    ]

    def __init__(self, title: str, choices: Sequence[tuple[str, str]], hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.choices = list(choices)
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.title_text), classes="dialog--title")
            yield OptionList(*[Option(Text(label), id=value) for value, label in self.choices])
            yield Label(self.hint or _("enter choose · esc cancel"), classes="dialog--hint")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question: ``y`` yes; ``n`` or ``esc`` no (the safe answer is the easy one)."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ConfirmDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", _("Yes"), id="confirm.yes"),
        Binding("n", "answer(False)", _("No"), id="confirm.no"),
        Binding("escape", "answer(False)", _("No"), show=False, id="confirm.dismiss"),
    ]

    def __init__(self, title: str, question: str) -> None:
        super().__init__()
        self.title_text = title
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.title_text), classes="dialog--title")
            yield Label(Text(self.question))
            yield Label(_("y yes · n or esc no"), classes="dialog--hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


@dataclass(frozen=True)
class Field:
    """One form field. ``check`` turns the typed text into a value or raises ValueError."""

    name: str
    label: str
    required: bool = False
    placeholder: str = ""
    value: str = ""
    check: Callable[[str], object] | None = None


class FormDialog(ModalScreen[dict[str, object] | None]):
    """A small validated form; ``enter`` on the last field (or ``ctrl+s``) submits.

    Errors name the field and stay on screen; nothing is submitted until all pass.
    """

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="FormDialog")
        + """
    FormDialog VerticalScroll { height: auto; max-height: 30; }
    FormDialog Input { margin-bottom: 0; }
    FormDialog .form--label { margin-top: 1; }
    """
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", _("Cancel"), id="form.cancel"),
        Binding("ctrl+s", "submit", _("Save"), id="form.save"),
    ]

    def __init__(self, title: str, fields: Sequence[Field], hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.fields = list(fields)
        self.hint = hint
        self.error = ""

    def on_mount(self) -> None:
        self.query(Input).first().focus()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.title_text), classes="dialog--title")
            with VerticalScroll():
                for field in self.fields:
                    label = field.label + (" *" if field.required else "")
                    yield Label(Text(label), classes="form--label")
                    yield Input(
                        value=field.value,
                        placeholder=field.placeholder,
                        id=f"field-{field.name}",
                    )
            yield Static("", classes="dialog--error", id="form-error")
            yield Label(
                self.hint or _("tab next field · enter on last field or ctrl+s save · esc cancel"),
                classes="dialog--hint",
            )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        index = inputs.index(event.input)
        if index + 1 < len(inputs):
            inputs[index + 1].focus()
        else:
            self.action_submit()

    def action_submit(self) -> None:
        values: dict[str, object] = {}
        for field in self.fields:
            # Typed or pasted: a paste can carry escape sequences like any file can.
            text = clean_text(self.query_one(f"#field-{field.name}", Input).value)
            if not text:
                if field.required:
                    self._error(field, _("{field} is required").format(field=field.label))
                    return
                values[field.name] = None
                continue
            try:
                values[field.name] = field.check(text) if field.check else text
            except ValueError as exc:
                self._error(field, f"{field.label}: {_(str(exc))}")
                return
        self.dismiss(values)

    def _error(self, field: Field, message: str) -> None:
        self.error = message
        self.query_one("#form-error", Static).update(Text(message))
        self.query_one(f"#field-{field.name}", Input).focus()

    def unsaved(self) -> bool:
        """Whether any field holds something other than what the form opened with."""
        return any(
            self.query_one(f"#field-{field.name}", Input).value != field.value
            for field in self.fields
        )

    def action_cancel(self) -> None:
        """esc closes an untouched form at once; what was typed is never dropped without
        a y/n (``n`` or esc again goes back to the form, the text as it was)."""
        if not self.unsaved():
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmDialog(self.title_text, _("Discard what you typed?")), answered)


def text_dialog(title: str, label: str, *, value: str = "", placeholder: str = "") -> FormDialog:
    """A one-line prompt (a note, a name)."""
    return FormDialog(
        title,
        [Field("text", label, required=True, value=value, placeholder=placeholder)],
        hint=_("enter save · esc cancel"),
    )
