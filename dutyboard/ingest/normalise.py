"""Source records → ``ParsedRow`` or ``RowProblem``: fields chosen, values read, text cleaned.

Per record: every non-empty cell is either the value of a canonical field (chosen by
mapping, source identity, HXL tag, header alias — see ``aliases``), or lands in
``extra`` under its column name. When two columns claim the same field the stronger (then
the earlier) wins and the other goes to ``extra``: nothing is dropped.

Values that cannot be read:
* numbers (quantity, unit_price, lead_time_days) and missing required fields make the
  record a ``RowProblem`` — a wrong number must not reach the desk looking right;
* times, priority, time zone, currency, working hours, contact kind are kept as text in
  ``extra`` with a warning — "ASAP" in a due column is information, not an error; a lead's
  next action that is not a time is what to do (``next_action``), the time left empty;
* an unrecognised country stays in ``country`` as text, with a warning (one that names
  two countries, "Congo", says which);
* a contact's phone or WhatsApp number that cannot be read as a phone number (in the
  contact's country, else the desk's default region) stays as typed, and one warning per
  file lists them.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import timedelta, tzinfo

from dutyboard.domain import phones
from dutyboard.domain.arrivals import zone_country, zone_guess
from dutyboard.domain.text import MAX_FIELD_CHARS, clean_text, clean_text_checked, quote
from dutyboard.domain.values import (
    country_candidates,
    parse_contact_kind,
    parse_country,
    parse_currency,
    parse_datetime,
    parse_lead_time_days,
    parse_offset,
    parse_priority,
    parse_quantity,
    parse_tz,
    parse_work_hours,
    split_price,
)
from dutyboard.ingest.aliases import (
    CANONICAL_FIELDS,
    EXTERNAL_ID,
    FIELD_TYPES,
    MEASURE_WORDS,
    REQUIRED_FIELDS,
    Target,
    header_key,
    normalise_tag,
    system_column,
    target_for_header,
    target_for_source_column,
    target_for_tag,
)
from dutyboard.ingest.records import Kind, ParsedRow, ParseResult, RowProblem
from dutyboard.ingest.source import Column, SourceRecord, cell_text, unique_name

MAX_WARNINGS = 500
# Numbers named in the one warning about phone numbers that could not be read.
MAX_PHONES_LISTED = 5
MAX_KEY_CHARS = 200
SYSTEM_LABELS = {"kobo": "KoBoToolbox", "odk": "ODK Central"}


@dataclass
class _Plan:
    """How the records of one column layout are read, worked out once per layout.

    ``claims`` lists, in the order fields are read (external id, then the kind's fields),
    each claimed field, whether it is plain text, and the columns that claim it, strongest
    (then earliest) first; ``loose`` are the columns that claim nothing; ``present`` the
    fields some column stands for (to tell "not in the file" from "empty in this record").
    """

    columns: list[Column]
    claims: list[tuple[str, bool, list[tuple[int, Column, Target]]]]
    loose: list[int]
    present: frozenset[str]


@dataclass
class _RowState:
    number: int
    raw: str
    fields: dict[str, object] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)
    external_id: str | None = None
    offset: timedelta | None = None  # a bare UTC offset given as the zone (contacts)


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class Normaliser:
    """Collects one file's rows, problems and warnings into a ``ParseResult``."""

    def __init__(
        self,
        kind: Kind,
        fmt: str,
        *,
        mapping: Mapping[str, str] | None,
        zone: tzinfo,
        system: str | None = None,
        phone_region: str | None = None,
        strict: frozenset[str] = frozenset(),
        required: bool = True,
    ) -> None:
        """``strict``: fields whose unreadable value makes the record a problem (as a
        quantity's always does) rather than text kept in ``extra`` — a pasted message's
        due date "3/4" is quarantined, not shelved. ``required=False`` reads a record
        that lacks a required field all the same (the paste box proposes it)."""
        self.kind = kind
        self.strict = strict
        self.required = required
        # The region a contact's number is read in when the contact has no country: the
        # country of the desk's zone unless told (the store reads it so: Config).
        self.phone_region = phone_region or zone_country(getattr(zone, "key", None))
        self.fields = frozenset(CANONICAL_FIELDS[kind])
        self.zone = zone
        self.system = system
        self.result = ParseResult(kind=kind, format=fmt)
        self._warning_count = 0
        self._targets: dict[Column, Target | None] = {}
        self._mapping: dict[str, str] = {}
        self._mapping_loose: dict[str, str] = {}
        self._mapping_used: set[str] = set()
        for source, canonical in (mapping or {}).items():
            self._mapping[source] = canonical
            self._mapping_loose.setdefault(header_key(source), source)
        self._mapped_nothing_warned: set[str] = set()
        self._plan: _Plan | None = None
        self._extra_keys: dict[str, str] = {}
        self._extra_taken: dict[str, int] = {}
        self._inferred: dict[str, int] = {}  # contacts' zones inferred, by what settled them
        self._unread_phones: list[str] = []  # "row 4: phone '12x' is not a phone number…"
        self._unread_phone_count = 0

    # ----------------------------------------------------------------- messages

    def warn(self, message: str) -> None:
        self._warning_count += 1
        if self._warning_count <= MAX_WARNINGS:
            self.result.warnings.append(clean_text(message, limit=1000))

    def _problem(self, state: _RowState, column: str | None, reason: str) -> None:
        state.problems.append(
            RowProblem(
                row_number=state.number,
                column=clean_text(column, limit=MAX_KEY_CHARS) if column is not None else None,
                reason=clean_text(reason, limit=1000),
                raw=state.raw,
            )
        )

    # ----------------------------------------------------------------- columns

    def _mapped(self, column: Column) -> str | None:
        for key in (column.name, column.header, column.tag):
            if key is not None and key in self._mapping:
                self._mapping_used.add(key)
                return self._mapping[key]
        for key in (column.name, column.header):
            if key is None:
                continue
            source = self._mapping_loose.get(header_key(key))
            if source is not None and header_key(source):
                self._mapping_used.add(source)
                return self._mapping[source]
        if column.tag is not None:
            for source, canonical in self._mapping.items():
                if source.startswith("#") and normalise_tag(source) == column.tag:
                    self._mapping_used.add(source)
                    return canonical
        return None

    def target(self, column: Column) -> Target | None:
        if column in self._targets:
            return self._targets[column]
        found: Target | None = None
        mapped = self._mapped(column)
        if mapped is not None:
            if mapped in self.fields or mapped == EXTERNAL_ID:
                found = Target(mapped, 0)
            elif mapped not in self._mapped_nothing_warned:
                self._mapped_nothing_warned.add(mapped)
                self.warn(
                    f"the mapping sends {column.name!r} to {mapped!r}, which is not a field "
                    f"of {self.kind}; the column is kept in extra"
                )
        if found is None and mapped is None:
            if column.target is not None:
                found = Target(column.target, 1)
            else:
                found = target_for_source_column(column.name)
                if found is None and column.tag is not None:
                    found = target_for_tag(column.tag, self.kind)
                if found is None and not system_column(column.name):
                    found = target_for_header(column.header or column.name, self.kind)
        if found is not None and found.field not in self.fields and found.field != EXTERNAL_ID:
            found = None
        self._targets[column] = found
        return found

    # ----------------------------------------------------------------- records

    def add(self, record: SourceRecord) -> None:
        state = _RowState(record.row_number, record.raw)
        if record.problem is not None:
            self._problem(state, None, record.problem)
            self.result.problems.extend(state.problems)
            return
        try:
            self._fill(record, state)
        except Exception as error:  # one odd record must not lose the rest of the file
            state.problems = []
            self._problem(
                state,
                None,
                f"record {record.row_number} could not be read "
                f"(internal error {type(error).__name__}); it is kept for review",
            )
        if state.problems:
            self.result.problems.extend(state.problems)
            return
        self.result.rows.append(
            ParsedRow(
                row_number=state.number,
                fields=state.fields,
                extra=state.extra,
                raw=state.raw,
                external_id=state.external_id,
            )
        )

    def _make_plan(self, cells: list[tuple[Column, object]]) -> _Plan:
        columns = [cell[0] for cell in cells]
        claimed: dict[str, list[tuple[int, Column, Target]]] = {}
        loose: list[int] = []
        for index, column in enumerate(columns):
            target = self.target(column)
            if target is None:
                loose.append(index)
            else:
                claimed.setdefault(target.field, []).append((index, column, target))
        if "org" in self.fields and "org" not in claimed:
            self._unit_as_org(claimed, cells)
        claims = []
        for name in (EXTERNAL_ID, *CANONICAL_FIELDS[self.kind]):
            candidates = claimed.get(name)
            if candidates:
                candidates.sort(key=lambda claim: (claim[2].rank, claim[0]))
                text = name != EXTERNAL_ID and FIELD_TYPES.get(name, "text") == "text"
                claims.append((name, text, candidates))
        return _Plan(list(columns), claims, loose, frozenset(claimed))

    def _unit_as_org(
        self,
        claimed: dict[str, list[tuple[int, Column, Target]]],
        cells: list[tuple[Column, object]],
    ) -> None:
        """Read an English "Unit" column as the requesting unit when nothing else names one.

        单位 (the requesting work unit) is often translated "Unit", which in English reads
        as the unit of measure. In a requests file with no other column for the unit, and
        whose first value is not a unit of measure, it can only be the requester; otherwise
        every record would be refused for want of one. A mapping always wins.
        """
        claims = claimed.get("unit", [])
        if len(claims) != 1:
            return
        index, column, target = claims[0]
        if target.rank != 1 or header_key(column.header or column.name) not in _AMBIGUOUS_UNIT:
            return
        first = cell_text(cells[index][1]).strip()
        if not first or _measure_word(first):
            return
        del claimed["unit"]
        claimed["org"] = [(index, column, Target("org", 1))]
        self.warn(
            f"column {quote(column.name)} is read as the requesting unit (org): no other "
            f"column names one, and its first value {quote(first)} is not a unit of measure; "
            f"if it is one, map it in the source's config: "
            f'mapping = {{ "{column.name}" = "unit" }}'
        )

    def _fill(self, record: SourceRecord, state: _RowState) -> None:
        cells = record.cells
        columns = [cell[0] for cell in cells]
        plan = self._plan
        if plan is None or plan.columns != columns:
            plan = self._plan = self._make_plan(cells)
        # Non-empty cells of no field, and of a field a stronger column already filled,
        # go to extra (in column order) once the fields are read.
        leftovers = [index for index in plan.loose if not _empty(cells[index][1])]
        fields = state.fields
        for name, text, candidates in plan.claims:
            chosen = False
            for index, column, target in candidates:
                value = cells[index][1]
                plain = value if type(value) is str else None
                stripped = None
                if plain is not None:
                    stripped = plain.strip()
                    if not stripped:
                        continue
                elif _empty(value):
                    continue
                if chosen:
                    leftovers.append(index)
                    continue
                chosen = True
                if (
                    text
                    and plain is not None
                    and stripped is not None
                    and len(stripped) <= MAX_FIELD_CHARS
                    and plain.isprintable()
                ):
                    # What _set_text does with printable text (see clean_text_checked):
                    # strip it, keep it unless it must be cut.
                    fields[name] = stripped
                    continue
                self._read_value(state, name, column, target, value)
        if leftovers:
            leftovers.sort()
            for index in leftovers:
                column, value = cells[index]
                self._keep_extra(state, column, value)
        if self.kind == "contacts":
            self._check_phones(state)
            if "tz" not in fields:
                self._infer_zone(state)
        self._check_required(state, plan.present)

    def _phone_region(self, state: _RowState) -> str | None:
        return phones.record_region(state.fields.get("country"), self.phone_region)

    def _check_phones(self, state: _RowState) -> None:
        """A contact's numbers as typed stay as they are; one that does not read as a
        phone number is listed in one warning for the file (storage keeps no E.164 for
        it), so it is seen before someone dials it at 2 a.m."""
        region = self._phone_region(state)
        for name in ("phone", "whatsapp"):
            typed = state.fields.get(name)
            if not isinstance(typed, str) or not typed:
                continue
            number = phones.read_phone(typed, region)
            if number.problem is None:
                continue
            self._unread_phone_count += 1
            if len(self._unread_phones) < MAX_PHONES_LISTED:
                self._unread_phones.append(
                    f"row {state.number}: {name} {quote(typed)} {number.problem}"
                )

    def _infer_zone(self, state: _RowState) -> None:
        """A contact with no IANA zone: from the offset with the country, the city, the
        phone number or the country (``zone_guess``, in that order), marked in ``extra``
        as inferred; else a warning, so no one is left "? no zone" unnoticed."""
        fields = state.fields
        country = fields.get("country")
        code = country if isinstance(country, str) and len(country) == 2 else None
        city = fields.get("city")
        # The first of the contact's numbers that reads as one (phone, else WhatsApp),
        # in E.164: zone_guess need not read it again in a region.
        region = self._phone_region(state)
        readable = (
            phones.read_phone(typed, region)
            for typed in (fields.get("phone"), fields.get("whatsapp"))
            if isinstance(typed, str) and typed
        )
        number = next((n.e164 for n in readable if n.e164 is not None), None)
        zone_name, basis = zone_guess(
            code, city if isinstance(city, str) else None, offset=state.offset, phone=number
        )
        who = quote(fields.get("name") or f"row {state.number}")
        offset_text = _offset_text(state.offset) if state.offset is not None else None
        pinned = code or (phones.read_phone(number).region if number is not None else None)
        if zone_name is not None:
            fields["tz"] = zone_name
            source = {
                "offset": f"{offset_text} in {pinned}",
                "city": str(city),
                "phone": str(number),
            }.get(basis, str(code))
            state.extra[INFERRED_ZONE_KEY] = f"{basis}: {clean_text(source, limit=80)}"
            self._inferred[basis] = self._inferred.get(basis, 0) + 1
            return
        if state.offset is not None and basis != "offset unsettled":
            # No country to pin it to: a whole-hour offset is still better than no clock.
            try:
                zone_name, note = parse_tz(offset_text)
            except ValueError:
                self.warn(
                    f"row {state.number}: {who} has no time zone (the offset {offset_text} "
                    "names none on its own; add the country or a TZ column)"
                )
                return
            fields["tz"] = zone_name
            state.extra[INFERRED_ZONE_KEY] = f"offset: {offset_text}"
            self.warn(f"row {state.number}: {note or zone_name}")
            return
        why = {
            "offset unsettled": f"the offset {offset_text} matches no single zone of {pinned}",
            "several zones": f"country {code} has several zones; add a city or a TZ column",
            "unknown country": f"country {quote(country)} is not one I recognise",
            "no country": "no country, city or TZ given",
        }.get(basis, basis)
        self.warn(f"row {state.number}: {who} has no time zone ({why})")

    def _extra_key(self, column: Column) -> str:
        key = self._extra_keys.get(column.name)
        if key is None:
            # Unique per column, once: long headers that clean to one key ("…" after 200
            # characters) would otherwise make every row count past all the others.
            cleaned = clean_text(column.name, limit=MAX_KEY_CHARS) or "column"
            key = unique_name(cleaned, self._extra_taken)
            self._extra_keys[column.name] = key
        return key

    def _keep_extra(self, state: _RowState, column: Column, value: object) -> None:
        key = self._extra_key(column)
        base, counter = key, 2
        while key in state.extra:
            key = f"{base} ({counter})"
            counter += 1
        text, cut = clean_text_checked(cell_text(value))
        if cut:
            self.warn(f"row {state.number}: {key} was longer than 10,000 characters and was cut")
        if text:
            state.extra[key] = text

    def _set_text(self, state: _RowState, name: str, value: object) -> None:
        text, cut = clean_text_checked(cell_text(value))
        if cut:
            self.warn(f"row {state.number}: {name} was longer than 10,000 characters and was cut")
        if text:
            state.fields[name] = text

    def _soft_fail(
        self, state: _RowState, name: str, column: Column, value: object, error: ValueError
    ) -> None:
        self.warn(
            f"row {state.number}: {name} {quote(cell_text(value))} {error}; "
            f"kept as text in extra[{clean_text(column.name, limit=80)!r}]"
        )
        self._keep_extra(state, column, value)

    def _read_value(
        self, state: _RowState, name: str, column: Column, target: Target, value: object
    ) -> None:
        if name == EXTERNAL_ID:
            text = clean_text(cell_text(value), limit=MAX_KEY_CHARS * 2)
            state.external_id = text or None
            return
        kind = FIELD_TYPES.get(name, "text")
        if kind == "text":  # most fields: no parsing, cleaning only
            self._set_text(state, name, value)
            return
        try:
            if kind == "quantity":
                number, unit = parse_quantity(value)
                state.fields[name] = number
                unit = unit or target.hint
                if unit and "unit" in self.fields:
                    state.fields.setdefault("unit", clean_text(unit, limit=50))
            elif kind == "price":
                amount, currency, leftover = split_price(value)
                if amount is None:
                    raise ValueError("has no amount")
                state.fields[name] = float(amount)
                if currency is None and target.hint:
                    try:
                        currency = parse_currency(target.hint)
                    except ValueError:
                        currency = None
                if currency is not None:
                    state.fields.setdefault("currency", currency)
                if leftover:  # "/pc", "FOB": keep the whole price as written
                    self._keep_extra(state, column, value)
            elif kind == "days":
                days, note = parse_lead_time_days(value)
                state.fields[name] = days
                if note:
                    self.warn(f"row {state.number}: {name}: {note}")
            elif kind == "datetime":
                zone = "UTC" if target.utc_naive else self.zone
                state.fields[name] = parse_datetime(value, zone)
            elif kind == "priority":
                state.fields[name] = parse_priority(value)
            elif kind == "currency":
                currency = parse_currency(value)
                earlier = state.fields.get("currency")
                if earlier is not None and earlier != currency:
                    self.warn(
                        f"row {state.number}: the price says {earlier} but the currency "
                        f"column says {currency}; kept {currency}"
                    )
                state.fields[name] = currency
            elif kind == "country":
                code = parse_country(value)
                if code is None:
                    self._set_text(state, name, value)
                    candidates = country_candidates(value)
                    why = (
                        f"could be {' or '.join(candidates)}; write the country's code"
                        if candidates
                        else "is not a country I recognise"
                    )
                    self.warn(
                        f"row {state.number}: country {quote(cell_text(value))} {why}; "
                        "kept as written"
                    )
                else:
                    state.fields[name] = code
            elif kind == "tz":
                state.offset = parse_offset(value)
                if state.offset is not None and self.kind == "contacts":
                    # The country may know its zone (settled in _infer_zone); the offset
                    # as written stays in extra.
                    self._keep_extra(state, column, value)
                    return
                zone_name, note = parse_tz(value)
                state.fields[name] = zone_name
                if note:
                    self.warn(f"row {state.number}: {note}")
            elif kind == "hours":
                state.fields[name] = parse_work_hours(value)
            elif kind == "kind":
                state.fields[name] = parse_contact_kind(value)
            elif kind == "email":
                text = clean_text(cell_text(value))
                if text.lower().startswith("mailto:"):
                    text = text[len("mailto:") :].strip()
                if text:
                    state.fields[name] = text
            else:
                self._set_text(state, name, value)
        except ValueError as error:
            if kind in ("quantity", "price", "days") or name in self.strict:
                self._problem(state, column.name, f"{name} {quote(cell_text(value))} {error}")
            elif name == "next_action_at" and self._next_action_text(state, value):
                return
            else:
                self._soft_fail(state, name, column, value, error)

    def _next_action_text(self, state: _RowState, value: object) -> bool:
        """A "next action" / "follow up" cell that is not a time ("call back about the
        price") says what to do: it is the lead's next action text, unless a column of its
        own ("next step", "下一步", read first) gave one. True if it was kept so."""
        if "next_action" not in self.fields or "next_action" in state.fields:
            return False
        self._set_text(state, "next_action", value)
        return "next_action" in state.fields

    def _check_required(self, state: _RowState, present: AbstractSet[str]) -> None:
        if not self.required:
            return
        missing = [name for name in REQUIRED_FIELDS[self.kind] if name not in state.fields]
        if not missing:
            return
        names = " and ".join(missing)
        plural = "s" if len(missing) > 1 else ""
        label = SYSTEM_LABELS.get(self.system or "")
        if label and not any(name in present for name in missing):
            reason = (
                f"missing required field{plural} {names}: no field of this {label} "
                f"submission is mapped to {'them' if plural else 'it'}; a per-source field "
                f'mapping is needed (for example "group/question" → {missing[0]})'
            )
        elif self.result.format == "text":
            them = "them" if plural else "it"
            reason = (
                f"missing required field{plural} {names}: the message does not name {them} "
                f"in a way the rules know; write {them} with a label (for example "
                '"单位：…", "Supplier: …", "姓名：…")'
            )
        elif not any(name in present for name in missing):
            reason = (
                f"missing required field{plural} {names}: no column is recognised as "
                f"{'them' if plural else 'it'}; rename the header or add a field mapping"
            )
        else:
            reason = f"missing required field{plural} {names}: empty in this record"
        self._problem(state, None, reason)

    # ----------------------------------------------------------------- the end

    def finish(self) -> ParseResult:
        if self._unread_phone_count:
            count = self._unread_phone_count
            listed = "; ".join(self._unread_phones)
            more = count - len(self._unread_phones)
            self.warn(
                f"{count:,} phone number{'s' if count > 1 else ''} could not be read as "
                f"{'numbers' if count > 1 else 'a number'} in use ({listed}"
                f"{f'; and {more:,} more' if more else ''}); kept as typed — a country "
                "column, or the number with its +country code, makes them readable"
            )
        if self._inferred:
            # One line per file, not per contact: a 5,000-card export has no TZ at all.
            count = sum(self._inferred.values())
            how = ", ".join(f"{n:,} from the {basis}" for basis, n in self._inferred.items())
            self.warn(
                f"the time zone of {count:,} contact{'s' if count > 1 else ''} was inferred "
                f"({how}), marked '{INFERRED_ZONE_KEY}' in each; a TZ column makes it sure"
            )
        for source in self._mapping:
            if source not in self._mapping_used:
                self.warn(f"the mapping entry {source!r} matched no column in this file")
        if self._warning_count > MAX_WARNINGS:
            self.result.warnings.append(
                f"… and {self._warning_count - MAX_WARNINGS} more warnings not shown"
            )
        return self.result


# English headers that may mean the unit of measure or the requesting unit (单位).
_AMBIGUOUS_UNIT = frozenset({"unit", "units"})
# Units of measure as English files write them (Chinese measure words are in aliases).
_MEASURES = frozenset(
    {
        *("pc", "pcs", "piece", "pieces", "box", "boxes", "pair", "pairs", "set", "sets"),
        *("bottle", "bottles", "carton", "cartons", "pack", "packs", "bag", "bags", "roll"),
        *("rolls", "kg", "g", "t", "ton", "tons", "tonne", "tonnes", "l", "litre", "litres"),
        *("liter", "liters", "ml", "each", "ea", "unit", "units", "item", "items", "dozen"),
    }
)


def _measure_word(text: str) -> bool:
    """Is ``text`` a unit of measure ("pcs", "boxes", "只", "个/箱")?"""
    word = text.casefold().rstrip(".")
    return word in _MEASURES or all(ch in MEASURE_WORDS or ch in "/()" for ch in word)


# Fields of a pasted message whose unreadable value quarantines its record (ROUND2: the
# CLI quarantines an ambiguous field with the reason; the paste box asks the officer).
PASTE_STRICT = frozenset({"due_by", "received_at", "next_action_at", "currency"})

# The key in a contact's ``extra`` saying its zone was inferred, and from what.
INFERRED_ZONE_KEY = "tz inferred from"


def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
