"""The arrival form (``N`` new, ``e`` edit): kind, reference, origin and its zone, ETA in
desk time, contents and quantity, the linked lead, hold-ups.

Each field is read by the parsers a file would be read with ('1,900,000 pcs', '5万',
'匈牙利', 'tomorrow 09:00', '待批'); a value that cannot be read is an error in the form,
on its field, and nothing is saved. What needs the database (which lead "Budapest
Medical" is, the origin zone guessed from tzdata's table) is settled off the event loop
by the panel after the form closes; a problem there opens the form again with what was
typed and the error on its field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from textual.widgets import Input

from dutyboard.domain import values
from dutyboard.domain.arrivals import (
    FINAL_ARRIVAL_STATES,
    ArrivalKind,
    ArrivalState,
    normalise_flight,
    parse_customs,
    parse_kind,
    parse_permit,
)
from dutyboard.domain.clock import from_iso
from dutyboard.domain.text import clean_text
from dutyboard.i18n import _
from dutyboard.store import Row
from widgets.common import forms
from widgets.common.dialogs import Field, FormDialog
from widgets.leads.when import when_check

KIND_WORD = {ArrivalKind.SHIPMENT: "goods", ArrivalKind.TRAVELLER: "person"}


def quantity(text: str) -> tuple[float | int, str | None]:
    number, unit = values.parse_quantity(text)
    if number < 0:
        raise ValueError(_("cannot be negative"))
    return number, unit


def reference(text: str) -> str:
    return normalise_flight(text)


def arrival_fields(
    desk_zone: str, now: Callable[[], datetime], row: Row | None = None
) -> list[Field]:
    """The form's fields, empty for a new arrival or holding ``row``'s values."""
    shown = prefill(row, desk_zone) if row is not None else {"kind": _("goods")}
    return [
        Field(
            "kind",
            _("Kind: goods or person"),
            required=True,
            value=shown.get("kind", ""),
            placeholder=_("goods / person"),
            check=parse_kind,
        ),
        Field(
            "reference",
            _("Reference (flight, waybill, container)"),
            value=shown.get("reference", ""),
            placeholder=_("CZ8421"),
            check=reference,
        ),
        Field(
            "traveller",
            _("Traveller's name (a person)"),
            value=shown.get("traveller", ""),
            placeholder=_("Li Ming"),
        ),
        Field(
            "item",
            _("Contents (goods)"),
            value=shown.get("item", ""),
            placeholder=_("medical masks"),
        ),
        Field(
            "quantity",
            _("Quantity"),
            value=shown.get("quantity", ""),
            placeholder=_("1,900,000 pcs or 5万"),
            check=quantity,
        ),
        Field("unit", _("Unit"), value=shown.get("unit", ""), placeholder=_("pcs, boxes, pairs")),
        Field(
            "origin_city",
            _("Origin city"),
            value=shown.get("origin_city", ""),
            placeholder=_("Budapest"),
        ),
        Field(
            "origin_country",
            _("Origin country"),
            value=shown.get("origin_country", ""),
            placeholder=_("HU, Hungary or 匈牙利"),
            check=forms.country,
        ),
        Field(
            "origin_tz",
            _("Origin time zone (blank: from the country and city)"),
            value=shown.get("origin_tz", ""),
            placeholder=_("Europe/Budapest"),
            check=forms.zone,
        ),
        Field(
            "eta",
            _("ETA ({zone})").format(zone=desk_zone),
            required=True,
            value=shown.get("eta", ""),
            placeholder=_("2020-02-06 01:00, +2h, tomorrow 09:00"),
            check=when_check(now, desk_zone),
        ),
        Field(
            "lead",
            _("Linked lead (its number or supplier; optional)"),
            value=shown.get("lead", ""),
            placeholder=_("12 or Budapest Medical"),
        ),
        Field(
            "permit",
            _("Flight permit"),
            value=shown.get("permit", ""),
            placeholder=_("pending / granted / blank: none"),
            check=parse_permit,
        ),
        Field(
            "customs",
            _("Customs"),
            value=shown.get("customs", ""),
            placeholder=_("pending / cleared / blank: none"),
            check=parse_customs,
        ),
    ]


def prefill(row: Row, desk_zone: str) -> dict[str, str]:
    """``row`` as the form shows it (the texts an unchanged save gives back as they were)."""
    eta = from_iso(str(row["eta"])).astimezone(ZoneInfo(desk_zone))
    number = row.get("quantity")
    amount = ""
    if number not in (None, ""):
        value = float(number)
        amount = f"{int(value):,}" if value == int(value) else f"{value:,}"
    texts = {
        "kind": _(KIND_WORD[ArrivalKind(row["kind"])]),
        "reference": row.get("reference") or "",
        "traveller": row.get("traveller") or "",
        "item": row.get("item") or "",
        "quantity": amount,
        "unit": row.get("unit") or "",
        "origin_city": row.get("origin_city") or "",
        "origin_country": row.get("origin_country") or "",
        "origin_tz": row.get("origin_tz") or "",
        "eta": f"{eta:%Y-%m-%d %H:%M}",
        "lead": str(row["lead_id"]) if row.get("lead_id") else "",
        "permit": row.get("permit") or "",
        "customs": row.get("customs") or "",
    }
    return {k: clean_text(str(v), limit=500) for k, v in texts.items()}


def cross_check(texts: Mapping[str, str], row: Row | None) -> tuple[str, str] | None:
    """What the fields say together: (field, error) or None. A person needs a name, goods
    their contents or a reference; a received or met arrival keeps its kind."""
    try:
        kind = parse_kind(texts.get("kind", ""))
    except ValueError:
        return None  # the kind field's own check says so
    if kind is ArrivalKind.TRAVELLER and not texts.get("traveller", "").strip():
        return "traveller", _("a person needs the traveller's name")
    if kind is ArrivalKind.SHIPMENT and not (
        texts.get("item", "").strip() or texts.get("reference", "").strip()
    ):
        return "item", _("goods need their contents or a reference (flight, waybill)")
    if (
        row is not None
        and kind != row["kind"]
        and row["state"] in FINAL_ARRIVAL_STATES
        and row["state"] != ArrivalState.CANCELLED
    ):
        return "kind", _("a {state} arrival keeps its kind").format(state=_(row["state"]))
    return None


class ArrivalForm(FormDialog):
    """The form, checking the fields together before it closes, and opening (again) with
    what was typed and an error on a field when the panel found one after it closed."""

    def __init__(
        self,
        title: str,
        fields: Sequence[Field],
        *,
        row: Row | None = None,
        error: tuple[str, str] | None = None,
    ) -> None:
        super().__init__(title, fields)
        self.row = row
        self.initial_error = error
        self.texts: dict[str, str] = {}

    def on_mount(self) -> None:
        super().on_mount()
        if self.initial_error is not None:
            name, message = self.initial_error
            self._error(next(f for f in self.fields if f.name == name), message)

    def typed(self) -> dict[str, str]:
        return {
            f.name: clean_text(self.query_one(f"#field-{f.name}", Input).value) for f in self.fields
        }

    def _field_error(self, texts: Mapping[str, str]) -> bool:
        """Each field on its own first (a bad ETA is named before a missing name)."""
        for item in self.fields:
            text = texts.get(item.name, "")
            if not text:
                if item.required:
                    self._error(item, _("{field} is required").format(field=item.label))
                    return True
                continue
            try:
                if item.check is not None:
                    item.check(text)
            except ValueError as exc:
                self._error(item, f"{item.label}: {_(str(exc))}")
                return True
        return False

    def action_submit(self) -> None:
        self.texts = self.typed()
        if self._field_error(self.texts):
            return
        problem = cross_check(self.texts, self.row)
        if problem is not None:
            name, message = problem
            self._error(next(f for f in self.fields if f.name == name), message)
            return
        super().action_submit()


@dataclass
class Submitted:
    """A closed form: the parsed values, the texts as typed, and what it started from."""

    values: dict[str, object]
    texts: dict[str, str]
    row: Row | None = None
    before: dict[str, str] = field(default_factory=dict)  # the texts it opened with

    def changed(self, name: str) -> bool:
        return self.texts.get(name, "") != self.before.get(name, "")


def store_fields(form: Submitted) -> dict[str, Any]:
    """The form's values as the store's fields (a new arrival: those given; an edit: those
    changed, with None for one cleared). The lead and a guessed zone are the panel's."""
    v = form.values
    kind = v["kind"]
    assert isinstance(kind, ArrivalKind)
    out: dict[str, Any] = {"kind": kind.value}
    amount = v.get("quantity")
    number, unit = amount if isinstance(amount, tuple) else (None, None)
    out["quantity"] = number
    out["unit"] = v.get("unit") or unit
    for name in ("reference", "traveller", "item", "origin_city", "origin_country", "origin_tz"):
        out[name] = v.get(name)
    out["eta"] = v["eta"]
    for name in ("permit", "customs"):
        state = v.get(name)
        out[name] = state.value if state is not None else None  # type: ignore[attr-defined]
    if form.row is None:
        return {k: value for k, value in out.items() if value is not None}
    changes = {}
    for name, value in out.items():
        text_field = "quantity" if name == "unit" and form.changed("quantity") else name
        if form.changed(name) or form.changed(text_field):
            changes[name] = value
    return changes


__all__ = [
    "ArrivalForm",
    "Submitted",
    "arrival_fields",
    "cross_check",
    "prefill",
    "store_fields",
]
