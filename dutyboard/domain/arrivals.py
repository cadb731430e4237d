"""Arrivals: what is expected to land, its state machine, hold-ups, overdue and reminders.

Two kinds share one timeline: *shipments* (goods in transit: a charter flight, a
sister-city donation) and *travellers* (people declaring a journey home). Both move
expected → (delayed →) landed → received (shipment) or met (traveller), or are
cancelled. An arrival still expected or delayed after its ETA is *overdue*: it has not
been seen to land. Times are aware datetimes (UTC in the store); nothing here reads a
clock.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dutyboard.domain.status import IllegalTransition, shown_list, shown_word
from dutyboard.domain.workweek import WEEKDAY_NAMES
from dutyboard.i18n import _


class ArrivalKind(StrEnum):
    SHIPMENT = "shipment"
    TRAVELLER = "traveller"


class ArrivalState(StrEnum):
    EXPECTED = "expected"
    DELAYED = "delayed"
    LANDED = "landed"
    RECEIVED = "received"  # shipments: counted in (the supplies ledger takes it from here)
    MET = "met"  # travellers: met on arrival
    CANCELLED = "cancelled"


class Permit(StrEnum):
    """A flight permit (a charter needs one before it may take off)."""

    PENDING = "pending"
    GRANTED = "granted"


class Customs(StrEnum):
    PENDING = "pending"
    CLEARED = "cleared"


# Not yet seen on the ground: these can be overdue and can be reminded of.
IN_TRANSIT = frozenset({ArrivalState.EXPECTED, ArrivalState.DELAYED})
# Still needing the desk: in transit, or landed but not yet received/met.
OPEN_ARRIVAL_STATES = IN_TRANSIT | {ArrivalState.LANDED}
FINAL_ARRIVAL_STATES = frozenset({ArrivalState.RECEIVED, ArrivalState.MET, ArrivalState.CANCELLED})

_DONE = {ArrivalKind.SHIPMENT: ArrivalState.RECEIVED, ArrivalKind.TRAVELLER: ArrivalState.MET}

# Transitions before the kind is considered; done_state() swaps received/met per kind.
# Delayed → delayed is legal: a delay can be moved again (each ETA stays in the log).
# A shipment picked up at the door may be received without a separate "landed".
_TRANSITIONS: dict[ArrivalState, frozenset[ArrivalState]] = {
    ArrivalState.EXPECTED: frozenset(
        {
            ArrivalState.DELAYED,
            ArrivalState.LANDED,
            ArrivalState.RECEIVED,
            ArrivalState.MET,
            ArrivalState.CANCELLED,
        }
    ),
    ArrivalState.DELAYED: frozenset(
        {
            ArrivalState.DELAYED,
            ArrivalState.EXPECTED,
            ArrivalState.LANDED,
            ArrivalState.RECEIVED,
            ArrivalState.MET,
            ArrivalState.CANCELLED,
        }
    ),
    ArrivalState.LANDED: frozenset({ArrivalState.RECEIVED, ArrivalState.MET}),
    ArrivalState.RECEIVED: frozenset(),
    ArrivalState.MET: frozenset(),
    ArrivalState.CANCELLED: frozenset(),
}


def done_state(kind: str) -> ArrivalState:
    """The state that ends an arrival well: received (shipment) or met (traveller)."""
    return _DONE[_kind(kind)]


def arrival_targets(kind: str, current: str) -> list[ArrivalState]:
    """Legal next states, in order (for a picker). Received is for shipments only,
    met for travellers only."""
    k = _kind(kind)
    cur = _state(current)
    other = _DONE[ArrivalKind.TRAVELLER if k is ArrivalKind.SHIPMENT else ArrivalKind.SHIPMENT]
    allowed = _TRANSITIONS[cur] - {other}
    return [s for s in ArrivalState if s in allowed]


def check_arrival_transition(kind: str, current: str, target: str) -> ArrivalState:
    """Return ``target`` if ``current → target`` is legal for this kind, else raise."""
    k = _kind(kind)
    cur, tgt = _state(current), _state(target)
    allowed = arrival_targets(k, cur)
    if tgt not in allowed:
        raise IllegalTransition(
            _("a {kind} that is {current} cannot become {target}; allowed: {allowed}").format(
                kind=shown_word(k.value),
                current=shown_word(cur.value),
                target=shown_word(tgt.value),
                allowed=shown_list(s.value for s in allowed) or _("none (final state)"),
            )
        )
    return tgt


def state_after_eta_change(state: str, old_eta: datetime, new_eta: datetime) -> ArrivalState:
    """A later ETA on something in transit makes it delayed; otherwise the state stays."""
    cur = _state(state)
    if cur in IN_TRANSIT and new_eta > old_eta:
        return ArrivalState.DELAYED
    return cur


def is_overdue(state: str, eta: datetime, now: datetime, grace: timedelta = timedelta(0)) -> bool:
    """Past its ETA (plus ``grace``) and not seen to land."""
    return _state(state) in IN_TRANSIT and now > eta + grace


def reminder_due(
    state: str, eta: datetime, reminded_at: datetime | None, now: datetime, before: timedelta
) -> bool:
    """Remind once, ``before`` the ETA, of anything still in transit.

    ``reminded_at`` is cleared when the ETA moves, so a new ETA is reminded of again.
    """
    return _state(state) in IN_TRANSIT and reminded_at is None and now >= eta - before


def holdups(permit: str | None, customs: str | None) -> list[str]:
    """What still holds an arrival up, as short words: ['permit pending', …]."""
    out = []
    if permit == Permit.PENDING:
        out.append("permit pending")
    if customs == Customs.PENDING:
        out.append("customs pending")
    return out


def _as_stored(word: str) -> str:
    return word


def origin_time(
    eta: datetime, zone_name: str | None, *, tr: Callable[[str], str] = _as_stored
) -> str:
    """The ETA on the origin's clock: 'Sun 03:30 EDT' (abbreviation, or a UTC offset).

    The weekday is English by default, as ``--json`` prints it (``eta_origin``: other
    tools read it); ``tr=_`` says it in the interface language for a person ('周日 03:30
    EDT'), with the catalogue's day names, the dashboard's and the command line's."""
    if not zone_name:
        return ""
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        return ""
    local = eta.astimezone(zone)
    label = local.tzname() or ""
    if not label or label[0] in "+-":
        label = _offset_label(local.utcoffset() or timedelta(0))
    return f"{tr(WEEKDAY_NAMES[local.weekday()])} {local:%H:%M} {label}"


def _offset_label(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{mins:02d}" if mins else "")


# -- origin zones ----------------------------------------------------------------------

# Cities people write that are not the name of a tz database zone.
_CITY_ZONES: dict[str, str] = {
    "seattle": "America/Los_Angeles",
    "sanfrancisco": "America/Los_Angeles",
    "sanjose": "America/Los_Angeles",
    "sandiego": "America/Los_Angeles",
    "portland": "America/Los_Angeles",
    "boston": "America/New_York",
    "washington": "America/New_York",
    "philadelphia": "America/New_York",
    "atlanta": "America/New_York",
    "miami": "America/New_York",
    "houston": "America/Chicago",
    "dallas": "America/Chicago",
    "austin": "America/Chicago",
    "montreal": "America/Toronto",
    "ottawa": "America/Toronto",
    "calgary": "America/Edmonton",
    "riodejaneiro": "America/Sao_Paulo",
    "brasilia": "America/Sao_Paulo",
    "canberra": "Australia/Sydney",
    "saintpetersburg": "Europe/Moscow",
    "stpetersburg": "Europe/Moscow",
    "novosibirsk": "Asia/Novosibirsk",
    "beijing": "Asia/Shanghai",
    "changchun": "Asia/Shanghai",
    "chongqing": "Asia/Shanghai",
    "纽约": "America/New_York",
    "洛杉矶": "America/Los_Angeles",
    "旧金山": "America/Los_Angeles",
    "西雅图": "America/Los_Angeles",
    "芝加哥": "America/Chicago",
    "多伦多": "America/Toronto",
    "温哥华": "America/Vancouver",
    "悉尼": "Australia/Sydney",
    "墨尔本": "Australia/Melbourne",
    "莫斯科": "Europe/Moscow",
    # Chinese spellings of cities in countries of several zones (a pasted contact's city).
    "吉隆坡": "Asia/Kuala_Lumpur",
    "槟城": "Asia/Kuala_Lumpur",
    "新山": "Asia/Kuala_Lumpur",
    "雅加达": "Asia/Jakarta",
    "圣保罗": "America/Sao_Paulo",
    "墨西哥城": "America/Mexico_City",
    "休斯顿": "America/Chicago",
    "波士顿": "America/New_York",
    "新泽西": "America/New_York",
    "华盛顿": "America/New_York",
    "马德里": "Europe/Madrid",
    "巴塞罗那": "Europe/Madrid",
    "里斯本": "Europe/Lisbon",
}


# Countries with several zones where one holds nearly everyone (the others are islands,
# exclaves or thinly peopled): an unknown city there is on the principal zone's clock.
_PRINCIPAL_ZONE: dict[str, str] = {
    "CN": "Asia/Shanghai",
    "DE": "Europe/Berlin",
    "ES": "Europe/Madrid",
    "PT": "Europe/Lisbon",
    "NZ": "Pacific/Auckland",
    "UA": "Europe/Kyiv",
    "MY": "Asia/Kuala_Lumpur",
    "EC": "America/Guayaquil",
    "CL": "America/Santiago",
    "CY": "Asia/Nicosia",
    "UZ": "Asia/Tashkent",
    "KR": "Asia/Seoul",
    "AR": "America/Argentina/Buenos_Aires",
}


def _city_key(text: str) -> str:
    normal = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in normal if ch.isalnum() and not unicodedata.combining(ch))


@cache
def _zones_by_country() -> dict[str, tuple[str, ...]]:
    """ISO 3166 code → IANA zones, from tzdata's own zone.tab (shipped as a dependency)."""
    table: dict[str, list[str]] = {}
    try:
        text = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) >= 3:
            table.setdefault(parts[0].upper(), []).append(parts[2])
    return {code: tuple(zones) for code, zones in table.items()}


def zone_country(zone_name: str | None) -> str | None:
    """The ISO 3166 code of the one country whose zone ``zone_name`` is in tzdata's
    zone.tab ("Asia/Shanghai" → "CN"); None for UTC, a link or an unknown name. A desk's
    zone gives the region its phone numbers are read in when a record names no country."""
    if not zone_name:
        return None
    return _country_by_zone().get(zone_name)


def known_country(code: str) -> bool:
    """Whether ``code`` is the ISO 3166 code of a country tzdata knows ("CN", "LK")."""
    return code in _zones_by_country()


@cache
def _country_by_zone() -> dict[str, str]:
    return {zone: code for code, zones in _zones_by_country().items() for zone in zones}


def guess_zone(country: str | None, city: str | None) -> str | None:
    """The IANA zone of a country code and city, when that is unambiguous (see
    :func:`zone_guess`, which also says what settled it)."""
    return zone_guess(country, city)[0]


def zone_guess(
    country: str | None,
    city: str | None,
    *,
    offset: timedelta | None = None,
    at: datetime | None = None,
    phone: str | None = None,
    default_region: str | None = None,
) -> tuple[str | None, str]:
    """The one place that infers a zone: ``(zone or None, what settled it)``.

    In this order (ROUND2: an IANA zone, which the caller has, comes first): a UTC
    ``offset`` together with the country — when there is no country, the region of the
    ``phone`` number stands in for it — when the country's zones that keep that offset
    at ``at`` all keep the same clock for the coming year; then a city naming a zone
    ('New York', 'São Paulo') or known to the app's own table ('Seattle'); then the
    ``phone`` number's region, when the number allows only one zone and its region is
    the country (a '+86' number of a student in London says nothing of London's clock);
    then the country's only (or principal) zone. Otherwise None — better no local time
    than a wrong one. The number is read in the country, else in ``default_region``.

    The second value is "offset", "city", "phone", "country" or why nothing fits
    ("offset unsettled", "several zones", "unknown country", "no country").
    """
    code = (country or "").strip().upper()
    number_region, number_zone = _phone_zone(phone, code or default_region)
    zones = _zones_by_country().get(code, ())
    at = at or datetime.now(ZoneInfo("UTC"))
    by_city = _city_zone(zones, city)
    if offset is not None:
        pinned = zones or _zones_by_country().get(number_region or "", ())
        if pinned:
            # A city whose clock keeps that offset for part of the year agrees with it (a
            # New York contact written "-05:00" in July): the city, which knows the DST.
            if by_city and offset in _year_of_offsets(by_city, at):
                return by_city, "city"
            found = _zone_with_offset(pinned, offset, at)
            # Two zones on that clock, or none: the offset and the country disagree or do
            # not settle it, and a guess from the country alone would hide that.
            return (found, "offset") if found else (None, "offset unsettled")
    if by_city:
        return by_city, "city"
    if number_zone and (not code or number_region == code) and (not zones or number_zone in zones):
        return number_zone, "phone"
    if len(zones) == 1:
        return zones[0], "country"
    principal = _PRINCIPAL_ZONE.get(code)
    if principal and principal in zones:
        return principal, "country"
    if zones:
        return None, "several zones"
    return None, "unknown country" if code else "no country"


def _phone_zone(phone: str | None, region: str | None) -> tuple[str | None, str | None]:
    """The region of a phone number and its one zone in tzdata's spelling (phonenumbers
    says 'Asia/Calcutta'), or None for each that the number does not settle."""
    if not phone or not phone.strip():
        return None, None
    from dutyboard.domain import phones  # the library only for a number

    number = phones.read_phone(phone, region)
    if number.e164 is None:
        return None, None
    zone = phones.number_zone(number.e164)
    return number.region, _zone_links().get(zone, zone) if zone else None


@cache
def _zone_links() -> dict[str, str]:
    """Old zone names → tzdata's current ones ('Asia/Calcutta' → 'Asia/Kolkata'), from
    tzdata's own link lines."""
    try:
        text = resources.files("tzdata.zoneinfo").joinpath("tzdata.zi").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return {}
    links: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("L "):
            parts = line.split()
            if len(parts) == 3:
                links[parts[2]] = parts[1]
    return links


def _city_zone(zones: tuple[str, ...], city: str | None) -> str | None:
    key = _city_key(city or "")
    if not key:
        return None
    for zone_name in zones or _all_zones():
        if _city_key(zone_name.rsplit("/", 1)[-1]) == key:
            return zone_name
    known = _CITY_ZONES.get(key)
    return known if known and (not zones or known in zones) else None


def _year_of_offsets(zone: str, at: datetime) -> tuple[timedelta | None, ...]:
    """The zone's UTC offset at ``at`` and about every month for the year after it."""
    info = ZoneInfo(zone)
    return tuple((at + timedelta(days=30 * m)).astimezone(info).utcoffset() for m in range(13))


def _zone_with_offset(zones: tuple[str, ...], offset: timedelta, at: datetime) -> str | None:
    """The zone of ``zones`` on ``offset`` at ``at`` — if every such zone keeps the same
    clock over the next year (US Eastern's many names), the first as tzdata lists it."""
    matching = [z for z in zones if at.astimezone(ZoneInfo(z)).utcoffset() == offset]
    if not matching:
        return None
    clocks = {_year_of_offsets(z, at) for z in matching}
    return matching[0] if len(clocks) == 1 else None


@cache
def _all_zones() -> tuple[str, ...]:
    return tuple(z for zones in _zones_by_country().values() for z in zones)


# -- helpers -----------------------------------------------------------------------------


def _kind(value: str) -> ArrivalKind:
    try:
        return ArrivalKind(value)
    except ValueError:
        raise IllegalTransition(
            _("unknown arrival kind {value!r}; expected shipment or traveller").format(value=value)
        ) from None


def _state(value: str) -> ArrivalState:
    try:
        return ArrivalState(value)
    except ValueError:
        raise IllegalTransition(
            _("unknown arrival state {value!r}; expected one of {choices}").format(
                value=value, choices=", ".join(s.value for s in ArrivalState)
            )
        ) from None


# -- words people type for a kind and a hold-up (the form, the CLI, a shipments file) ----


def _word(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold().replace("_", " ")


_KIND_WORDS: dict[str, ArrivalKind] = {
    **dict.fromkeys(
        ("shipment", "shipments", "goods", "cargo", "freight", "g", "s", "物资", "货物", "货"),
        ArrivalKind.SHIPMENT,
    ),
    **dict.fromkeys(
        (
            "traveller",
            "travellers",
            "traveler",
            "travelers",
            "person",
            "people",
            "passenger",
            "p",
            "t",
            "人员",
            "旅客",
            "人",
        ),
        ArrivalKind.TRAVELLER,
    ),
}
# "" and these mean: no such hold-up.
_NO_HOLDUP = frozenset(
    {"", "-", "—", "none", "no", "n/a", "na", "not needed", "无", "无需", "不需要"}
)
_PERMIT_WORDS: dict[str, Permit] = {
    **dict.fromkeys(
        ("pending", "waiting", "applied", "requested", "?", "待批", "待审批", "申请中", "未批"),
        Permit.PENDING,
    ),
    **dict.fromkeys(
        ("granted", "approved", "ok", "yes", "已批", "已批准", "批准", "获批"), Permit.GRANTED
    ),
}
_CUSTOMS_WORDS: dict[str, Customs] = {
    **dict.fromkeys(
        ("pending", "waiting", "held", "?", "待清关", "清关中", "报关中", "未清关"),
        Customs.PENDING,
    ),
    **dict.fromkeys(
        ("cleared", "granted", "released", "done", "ok", "yes", "已清关", "放行", "已放行"),
        Customs.CLEARED,
    ),
}


def parse_kind(text: str) -> ArrivalKind:
    """'goods' / 'shipment' / '物资' → shipment; 'person' / 'traveller' / '人员' → traveller."""
    found = _KIND_WORDS.get(_word(text))
    if found is None:
        raise ValueError(_("is neither goods nor a person (goods / person)"))
    return found


def parse_permit(text: str | None) -> Permit | None:
    """A flight permit as typed: 'pending' / 'granted' (待批 / 已批); blank or 'none': none."""
    word = _word(text or "")
    if word in _NO_HOLDUP:
        return None
    found = _PERMIT_WORDS.get(word)
    if found is None:
        raise ValueError(_("is not a permit state (pending / granted / none)"))
    return found


def parse_customs(text: str | None) -> Customs | None:
    """Customs as typed: 'pending' / 'cleared' ('granted' too; 待清关 / 已清关); blank: none."""
    word = _word(text or "")
    if word in _NO_HOLDUP:
        return None
    found = _CUSTOMS_WORDS.get(word)
    if found is None:
        raise ValueError(_("is not a customs state (pending / cleared / none)"))
    return found


_FLIGHT = re.compile(r"^\s*([A-Z0-9]{2})\s*-?\s*(\d{1,4}[A-Z]?)\s*$", re.I)


def normalise_flight(text: str) -> str:
    """'ca 934' / 'CA-934' → 'CA934'; anything else (a waybill) is kept as written."""
    match = _FLIGHT.match(text)
    if match:
        return (match.group(1) + match.group(2)).upper()
    return text.strip()
