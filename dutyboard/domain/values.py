"""Values as people write them: "5万", "1,200", "2020年2月3日 14时30分", "$1.20", "斯里兰卡".

Each parser takes what a cell holds (str, or int/float/datetime from xlsx and JSON) and
returns a normalised value or raises ``ValueError`` whose message is a predicate to
complete a sentence: ``f"quantity '12x' {error}"`` → "quantity '12x' is not a number".
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, available_timezones

from dutyboard.domain.reference import (
    COUNTRY_BY_NAME,
    CURRENCY_BY_TOKEN,
    CURRENCY_CODES,
    ISO2_CODES,
    name_key,
)

Number = int | float
# Texts up to this long are remembered by the parsers that cache their results.
_CACHED_CHARS = 100
MAX_NUMBER = 1e12
PRIORITIES = ("urgent", "high", "normal", "low")


def halfwidth(text: str) -> str:
    """Full-width digits, letters and punctuation → ASCII ("１２００" → "1200")."""
    return unicodedata.normalize("NFKC", text).strip()


# --------------------------------------------------------------------------- numbers

_MULTIPLIERS: dict[str, int] = {
    "万": 10_000,
    "萬": 10_000,
    "千": 1_000,
    "仟": 1_000,
    "百": 100,
    "亿": 100_000_000,
    "億": 100_000_000,
    "k": 1_000,
    "thousand": 1_000,
    "m": 1_000_000,  # only upper-case M is accepted, see _split_number
    "mn": 1_000_000,
    "million": 1_000_000,
}

# fmt: off
KNOWN_UNITS = frozenset((
    "pc", "pcs", "piece", "pieces", "unit", "units", "pair", "pairs", "box", "boxes", "set",
    "sets", "pack", "packs", "packet", "packets", "bag", "bags", "bottle", "bottles", "carton",
    "cartons", "ctn", "ctns", "case", "cases", "roll", "rolls", "sheet", "sheets", "kg", "g",
    "l", "ml", "ton", "tons", "tonne", "tonnes", "dozen", "doz", "each", "ea", "kit", "kits",
    "test", "tests", "barrel", "barrels", "个", "只", "件", "箱", "盒", "包", "双", "副", "套",
    "瓶", "袋", "台", "把", "顶", "片", "支", "桶", "卷", "张", "吨", "公斤", "千克", "升",
    "毫升", "人份", "份", "条", "辆", "架", "枚", "对", "组", "批",
))
# fmt: on

_NUMBER = re.compile(
    r"(?P<sign>[+-])?\s*"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?: \d{3})+(?![\d.,])|\d+(?:[.,]\d+)?|\.\d+)"
    r"(?P<exp>[eE][+-]?\d{1,4})?"
)
_APPROX_PREFIX = re.compile(
    r"^(?:约|大约|大概|approx(?:imately)?\.?|about|around|ca\.|circa|~|≈|≥|>=|>)\s*", re.I
)
_APPROX_SUFFIX = re.compile(r"\s*(?:左右|余|多|以上|\+|or more)$", re.I)
_DECIMAL_COMMA = re.compile(r"\d+,\d{1,2}")
_UNIT_WORD = re.compile(r"[a-z]{3,20}")
_NOT_FINITE = re.compile(r"\b(?:nan|inf|infinity)\b", re.I)
_RANGE_REST = re.compile(r"^(?:-|~|到|至|to\b)\s*\d")
_MULTIPLIER = re.compile(r"^(万|萬|千|仟|百|亿|億|k|K|M|mn|thousand|million)(?![a-z])")
# A whole number as most cells write it ("1200", "16,717"): ASCII digits only, at most 15
# of them, so ``int`` reads it exactly as the general path (``Decimal``) would.
_PLAIN_INT = re.compile(r"[0-9]{1,15}|[0-9]{1,3}(?:,[0-9]{3}){1,4}")


def _decimal(text: str, exponent: str | None = None) -> Decimal:
    if exponent:  # "1.2E+13", as spreadsheets export big numbers
        return _decimal(text) * (Decimal(10) ** int(exponent[1:]))
    if "," in text and "." not in text and _DECIMAL_COMMA.fullmatch(text):
        text = text.replace(",", ".")  # decimal comma: "0,95"
    text = text.replace(",", "").replace(" ", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError("is not a number") from None


def _finish_number(value: Decimal | float) -> Number:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        raise ValueError("is not a finite number")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError("is not a finite number")
    if value < 0:
        raise ValueError("is negative")
    if value > MAX_NUMBER:
        raise ValueError("is too large (over 1,000,000,000,000)")
    if value == int(value):
        return int(value)
    return float(value)


def _plain_number(value: object) -> Number | None:
    """int/float cells (xlsx, JSON) as they are; None for anything else."""
    if isinstance(value, bool):
        raise ValueError("is not a number")
    if isinstance(value, int):
        return _finish_number(Decimal(value))
    if isinstance(value, float):
        return _finish_number(value)
    return None


def _is_unit(text: str) -> bool:
    key = text.casefold().rstrip(".")
    if key in KNOWN_UNITS:
        return True
    # Other words of three or more letters ("masks", "gowns"), but never "12x".
    return bool(_UNIT_WORD.fullmatch(key))


def parse_quantity(value: object) -> tuple[Number, str | None]:
    """'1,200' → (1200, None); '5万' → (50000, None); '500 pcs' → (500, 'pcs')."""
    if type(value) is str and _PLAIN_INT.fullmatch(value):
        # The common case, read directly: NFKC leaves ASCII digits and commas as they are,
        # and the general path below would find one number, no unit and no multiplier.
        return _finish_number(int(value.replace(",", ""))), None
    plain = _plain_number(value)
    if plain is not None:
        return plain, None
    text = halfwidth(str(value))
    if not text:
        raise ValueError("is empty")
    if _NOT_FINITE.search(text):
        raise ValueError("is not a finite number")
    text = _APPROX_SUFFIX.sub("", _APPROX_PREFIX.sub("", text))
    match = _NUMBER.match(text)
    if not match:
        raise ValueError("is not a number")
    rest = text[match.end() :].strip()
    if _RANGE_REST.match(rest):
        raise ValueError("is a range, not one number")
    try:
        number = _decimal(match.group("num"), match.group("exp"))
    except InvalidOperation:
        raise ValueError("is not a number") from None
    if match.group("sign") == "-":
        number = -number
    multiplier = _MULTIPLIER.match(rest)
    if multiplier:
        word = multiplier.group(1)
        number *= _MULTIPLIERS[word.lower() if word != "M" else "m"]
        rest = rest[multiplier.end() :].strip()
    unit: str | None = None
    if rest:
        if not _is_unit(rest):
            raise ValueError("is not a number")
        unit = rest
    return _finish_number(number), unit


def parse_price(value: object) -> Number:
    """A plain non-negative amount (no currency)."""
    amount, currency, leftover = split_price(value)
    if amount is None or currency is not None or leftover:
        raise ValueError("is not a price")
    return amount


# --------------------------------------------------------------------------- currency


def parse_currency(value: object) -> str:
    """'USD', 'usd', '$', '人民币', '元', '€' → ISO 4217 code."""
    text = halfwidth(str(value))
    upper = text.upper()
    if upper in CURRENCY_CODES:
        return upper
    token = CURRENCY_BY_TOKEN.get(text.casefold())
    if token:
        return token
    raise ValueError("is not a currency I know")


_PER_UNIT = re.compile(r"\s*(?:/|per\b|each\b|every\b|每).*$", re.I | re.S)
_INCOTERM = re.compile(r"\b(?:EXW|FCA|FAS|FOB|CFR|CIF|CPT|CIP|DAP|DPU|DDP)\b\.?", re.I)


def split_price(value: object) -> tuple[Number | None, str | None, str]:
    """Split a price into (amount, currency, what was left out such as '/pc' or 'FOB')."""
    plain = _plain_number(value)
    if plain is not None:
        return plain, None, ""
    text = halfwidth(str(value))
    if not text:
        raise ValueError("is empty")
    if _NOT_FINITE.search(text):
        raise ValueError("is not a finite number")
    numbers = list(_NUMBER.finditer(text))
    if len(numbers) > 1:
        # "1.2-1.5 USD": a range; "USD 1.20 FOB Shanghai 2020" would also land here.
        raise ValueError("holds more than one number")
    if not numbers:
        return None, parse_currency(text), ""
    match = numbers[0]
    before, after = text[: match.start()], text[match.end() :]
    # "15万 CNY", "¥1.5万", "$2M": the multiplier words quantities take (funds, 捐款).
    scale = 1
    multiplier = _MULTIPLIER.match(after.lstrip())
    if multiplier:
        word = multiplier.group(1)
        scale = _MULTIPLIERS[word.lower() if word != "M" else "m"]
        after = after.lstrip()[multiplier.end() :]
    leftover_parts: list[str] = []
    per_unit = _PER_UNIT.search(after)
    if per_unit:
        leftover_parts.append(per_unit.group(0).strip())
        after = after[: per_unit.start()]
    for side in (before, after):
        for term in _INCOTERM.findall(side):
            leftover_parts.append(term)
    before = _INCOTERM.sub("", before).strip()
    after = _INCOTERM.sub("", after).strip()
    currencies = {parse_currency(side) for side in (before, after) if side}
    if len(currencies) > 1:
        raise ValueError("names two different currencies")
    number = _decimal(match.group("num"), match.group("exp")) * scale
    if match.group("sign") == "-":
        number = -number
    return (
        _finish_number(number),
        (currencies.pop() if currencies else None),
        " ".join(leftover_parts),
    )


def parse_currency_price(value: object) -> tuple[Number | None, str | None]:
    """'$1.20' → (1.2, 'USD'); '0.8 USD' → (0.8, 'USD'); '¥2.5' → (2.5, 'CNY'); '3' → (3, None)."""
    amount, currency, _ = split_price(value)
    return amount, currency


# --------------------------------------------------------------------------- countries


def parse_country(value: object) -> str | None:
    """ISO 3166-1 alpha-2 from a code ('lk', 'LKA') or a name ('Sri Lanka', '斯里兰卡')."""
    text = halfwidth(str(value))
    letters = text.strip(" .")
    if len(letters) == 2 and letters.isascii() and letters.upper() in ISO2_CODES:
        return letters.upper()
    return COUNTRY_BY_NAME.get(name_key(text))


# --------------------------------------------------------------------------- priority

_PRIORITY_WORDS: dict[str, str] = {
    "urgent": "urgent",
    "critical": "urgent",
    "asap": "urgent",
    "immediate": "urgent",
    "emergency": "urgent",
    "特急": "urgent",
    "紧急": "urgent",
    "加急": "urgent",
    "十万火急": "urgent",
    "非常紧急": "urgent",
    "high": "high",
    "important": "high",
    "高": "high",
    "急": "high",
    "较急": "high",
    "比较紧急": "high",
    "重要": "high",
    "normal": "normal",
    "medium": "normal",
    "med": "normal",
    "routine": "normal",
    "standard": "normal",
    "一般": "normal",
    "普通": "normal",
    "正常": "normal",
    "中": "normal",
    "low": "low",
    "低": "low",
    "不急": "low",
    "较低": "low",
}


_PRIORITY_SUFFIX = re.compile(r"(priority|优先级?)$")


def parse_priority(value: object) -> str:
    """'特急'/'紧急' → urgent, '高'/'急' → high, '一般'/'普通' → normal, '低' → low."""
    text = str(value)
    return _priority_cached(text) if len(text) <= _CACHED_CHARS else _priority_text(text)


def _priority_text(text: str) -> str:
    key = name_key(halfwidth(text))
    key = _PRIORITY_SUFFIX.sub("", key) or key
    found = _PRIORITY_WORDS.get(key)
    if found is None:
        raise ValueError("is not a priority I know (urgent, high, normal or low)")
    return found


# A column holds a handful of distinct words: each is read once (errors are not cached).
_priority_cached = lru_cache(maxsize=1024)(_priority_text)


# --------------------------------------------------------------------------- time zones


@cache
def _zone_names() -> dict[str, str]:
    """Every IANA name tzdata knows, by its lower-case form."""
    return {name.lower(): name for name in available_timezones()}


_ZONE_WORDS = {
    "utc": "UTC",
    "gmt": "UTC",
    "z": "UTC",
    "北京时间": "Asia/Shanghai",
    "beijingtime": "Asia/Shanghai",
    "中国标准时间": "Asia/Shanghai",
}
_OFFSET = re.compile(
    r"^(?:UTC|GMT|东|西)?\s*(?P<sign>[+-]|东|西)?\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?(?:区)?$",
    re.I,
)


def canonical_zone(name: str) -> str | None:
    """The IANA spelling of ``name`` if tzdata knows it (case-insensitive), else None."""
    if not name or len(name) > 64:
        return None
    return _zone_names().get(name.strip().lower())


@lru_cache(maxsize=64)
def zone(name: str) -> tzinfo:
    """A ZoneInfo for an IANA name; ValueError (not a file lookup) for anything else."""
    canonical = canonical_zone(name)
    if canonical is None:
        raise ValueError(f"unknown time zone {name!r}")
    return ZoneInfo(canonical)


def parse_offset(value: object) -> timedelta | None:
    """A bare UTC offset ('+05:30', 'UTC-5', '东八区') as a timedelta; None if it is not one."""
    compact = halfwidth(str(value)).replace(" ", "")
    compact = "+8" if compact == "东八区" else compact
    match = _OFFSET.match(compact)
    if not match or not (match.group("sign") or compact.upper().startswith(("UTC", "GMT"))):
        return None
    sign = -1 if match.group("sign") in ("-", "西") else 1
    hours, minutes = int(match.group("h")), int(match.group("m") or 0)
    if hours > 14 or minutes >= 60:
        return None
    return sign * timedelta(hours=hours, minutes=minutes)


def parse_tz(value: object) -> tuple[str, str | None]:
    """IANA zone from 'America/New_York', 'asia/shanghai', '北京时间', '-05:00', 'UTC+8'.

    Returns (zone, warning). A bare offset becomes a fixed ``Etc/GMT±N`` zone (note the
    inverted sign of the Etc names) with a warning: an offset knows nothing of DST.
    """
    text = halfwidth(str(value))
    found = canonical_zone(text)
    if found:
        return found, None
    word = _ZONE_WORDS.get(name_key(text))
    if word:
        return word, None
    compact = text.replace(" ", "")
    compact = "+8" if compact == "东八区" else compact
    match = _OFFSET.match(compact)
    if match and (match.group("sign") or compact.upper().startswith(("UTC", "GMT"))):
        sign = -1 if match.group("sign") in ("-", "西") else 1
        hours, minutes = int(match.group("h")), int(match.group("m") or 0)
        if minutes or hours > 14:
            raise ValueError("is an offset with no matching zone; give an IANA zone name")
        if hours == 0:
            return "UTC", None
        etc = f"Etc/GMT{'-' if sign > 0 else '+'}{hours}"
        return etc, f"a fixed offset {text!r} was read as {etc}, which ignores daylight saving"
    raise ValueError("is not a time zone I know (use an IANA name such as Asia/Shanghai)")


# --------------------------------------------------------------------------- date/time

_MONTHS = {
    name: index
    for index, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAY = re.compile(
    r"^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+|^(?:星期|周)[一二三四五六日天]\s*",
    re.I,
)
_YMD = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})?)?(Z)?$")
_DMY_NAME = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s-]+([a-z]+)\.?,?[\s-]+(\d{4})", re.I)
_MDY_NAME = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", re.I)
_NUMERIC_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_TIME = re.compile(
    r"^(?:[T,]|\s)*"
    r"(?:(?P<ampm1>上午|下午|晚上|凌晨|中午|早上|傍晚)\s*)?"
    r"(?P<h>\d{1,2})(?:\s*[:时点]\s*(?P<m>\d{1,2})?\s*分?"
    r"(?:\s*:?\s*(?P<s>\d{1,2})(?:\.(?P<f>\d{1,9}))?\s*秒?)?)?"
    r"\s*(?P<ampm2>[ap]\.?m\.?)?",
    re.I,
)
_TZ_SUFFIX = re.compile(
    r"^\s*(?P<tz>Z|UTC|GMT|(?:UTC|GMT)?\s*[+-]\d{1,2}(?::?\d{2})?)?\s*$",
    re.I,
)
_EXCEL_EPOCH = datetime(1899, 12, 30)
_OFFSET_TEXT = re.compile(r"([+-])(\d{1,2}):?(\d{2})?")
_NO_YEAR_CN = re.compile(r"^\d{1,2}\s*月\s*\d{1,2}\s*[日号]")
_NO_YEAR = re.compile(r"^\d{1,2}[/-]\d{1,2}(?:\s|$)")


def _excel_serial(number: float) -> datetime:
    if not 1 <= number < 2958466:
        raise ValueError("is not a date")
    return _EXCEL_EPOCH + timedelta(days=number)


def _offset(text: str | None) -> tzinfo | None:
    if not text:
        return None
    text = text.upper().replace(" ", "")
    text = text.removeprefix("UTC").removeprefix("GMT")
    if text in ("", "Z"):
        return UTC
    match = _OFFSET_TEXT.fullmatch(text)
    if not match:
        raise ValueError("has an offset I cannot read")
    hours, minutes = int(match.group(2)), int(match.group(3) or 0)
    if hours > 14 or minutes >= 60:
        raise ValueError("has an impossible UTC offset")
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if match.group(1) == "-" else delta)


def _time_and_zone(rest: str) -> tuple[time, tzinfo | None, int]:
    """Time of day, offset if written, and 1 when "24:00" pushes into the next day."""
    rest = rest.strip()
    if not rest:
        return time(), None, 0
    zone_only = _TZ_SUFFIX.match(rest)
    if zone_only:
        return time(), _offset(zone_only.group("tz")), 0
    match = _TIME.match(rest)
    if not match:
        raise ValueError("is not a date and time I can read")
    tail = _TZ_SUFFIX.match(rest[match.end() :])
    if not tail:
        raise ValueError("is not a date and time I can read")
    hour = int(match.group("h"))
    minute = int(match.group("m") or 0)
    second = int(match.group("s") or 0)
    micro = int((match.group("f") or "0")[:6].ljust(6, "0"))
    ampm = (match.group("ampm1") or match.group("ampm2") or "").lower().replace(".", "")
    if (ampm in ("下午", "晚上", "傍晚", "pm") and hour < 12) or (ampm == "中午" and hour < 11):
        hour += 12
    elif ampm in ("上午", "凌晨", "早上", "am") and hour == 12:
        hour = 0
    if hour == 24 and minute == second == micro == 0:
        return time(), _offset(tail.group("tz")), 1  # 24:00 is midnight at the day's end
    try:
        return time(hour, minute, second, micro), _offset(tail.group("tz")), 0
    except ValueError:
        raise ValueError("has an impossible time of day") from None


def _build(year: int, month: int, day: int, rest: str) -> datetime:
    try:
        day_value = date(year, month, day)
    except ValueError:
        raise ValueError("is not a real calendar date") from None
    clock, offset, next_day = _time_and_zone(rest)
    return datetime.combine(day_value, clock, tzinfo=offset) + timedelta(days=next_day)


def _parse_datetime_text(text: str) -> datetime:
    text = halfwidth(text)
    text = _WEEKDAY.sub("", text).strip()
    if not text:
        raise ValueError("is empty")
    if match := _YMD.match(text):
        y, m, d = (int(group) for group in match.groups())
        return _build(y, m, d, text[match.end() :])
    if match := _COMPACT.match(text):
        y, m, d = int(match.group(1)), int(match.group(2)), int(match.group(3))
        hh, mm, ss = (int(match.group(i) or 0) for i in (4, 5, 6))
        try:
            return datetime(y, m, d, hh, mm, ss, tzinfo=UTC if match.group(7) else None)
        except ValueError:
            raise ValueError("is not a real calendar date") from None
    if match := _DMY_NAME.match(text):
        month = _MONTHS.get(match.group(2).lower())
        if month:
            return _build(int(match.group(3)), month, int(match.group(1)), text[match.end() :])
    if match := _MDY_NAME.match(text):
        month = _MONTHS.get(match.group(1).lower())
        if month:
            return _build(int(match.group(3)), month, int(match.group(2)), text[match.end() :])
    if match := _NUMERIC_DMY.match(text):
        first, second, year = (int(group) for group in match.groups())
        if first > 12 >= second:
            day, month = first, second
        elif second > 12 >= first:
            month, day = first, second
        elif first == second:
            day = month = first
        else:
            raise ValueError("is ambiguous (day/month or month/day?); write it as 2020-02-03")
        return _build(year, month, day, text[match.end() :])
    if _NO_YEAR_CN.match(text) or _NO_YEAR.match(text):
        raise ValueError("has no year")
    raise ValueError("is not a date and time I can read")


def parse_datetime(value: object, zone_name: str | tzinfo = "UTC") -> str:
    """Any date/time people write → UTC ISO-8601 ('2020-02-03T06:00:00+00:00').

    Naive values are read as wall-clock time in ``zone_name`` (an IANA name or tzinfo).
    Accepts datetime/date objects (xlsx cells) and Excel serial numbers.
    """
    local_zone = zone(zone_name) if isinstance(zone_name, str) else zone_name
    if isinstance(value, bool):
        raise ValueError("is not a date")
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    elif isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError("is not a date")
        moment = _excel_serial(float(value))
    else:
        text = str(value)
        if len(text) <= _CACHED_CHARS:
            return _datetime_text_cached(text, local_zone)
        return _datetime_text_in(text, local_zone)
    return _utc_iso(moment, local_zone)


def _datetime_text_in(text: str, local_zone: tzinfo) -> str:
    return _utc_iso(_parse_datetime_text(text), local_zone)


# Times repeat (a report's hour, a day's date): each distinct text is read once per zone.
# Only results are cached; a text that fails is read (and fails) every time.
_datetime_text_cached = lru_cache(maxsize=4096)(_datetime_text_in)


def _utc_iso(moment: datetime, local_zone: tzinfo) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=local_zone)
    if not 1970 <= moment.year <= 2100:
        raise ValueError("has an implausible year")
    return moment.astimezone(UTC).isoformat(timespec="seconds")


# --------------------------------------------------------------------------- misc


_DAY_UNITS = {
    "d": 1,
    "day": 1,
    "days": 1,
    "天": 1,
    "日": 1,
    "个工作日": 1,
    "工作日": 1,
    "working days": 1,
    "business days": 1,
    "w": 7,
    "wk": 7,
    "wks": 7,
    "week": 7,
    "weeks": 7,
    "周": 7,
    "星期": 7,
    "个星期": 7,
    "month": 30,
    "months": 30,
    "个月": 30,
    "月": 30,
}
_IN_STOCK = {"现货", "有现货", "instock", "spot", "ex stock", "exstock", "immediate", "立即"}


def parse_lead_time_days(value: object) -> tuple[int, str | None]:
    """'7' / '7天' / '7 days' → 7; '2周' → 14; '现货' → 0; '7-10天' → 10 (with a note)."""
    plain = _plain_number(value)
    if plain is not None:
        if plain > 3650:
            raise ValueError("is more than ten years")
        return math.ceil(plain), None
    text = halfwidth(str(value)).lower()
    if text.replace(" ", "") in _IN_STOCK or text in _IN_STOCK:
        return 0, None
    match = re.fullmatch(
        r"(\d+(?:\.\d+)?)\s*(?:(?:-|~|到|至|to)\s*(\d+(?:\.\d+)?))?\s*([^\d]*?)\s*(?:内|以内)?",
        text,
    )
    if not match:
        raise ValueError("is not a number of days")
    unit = match.group(3).strip().rstrip(".")
    factor = _DAY_UNITS.get(unit, 1 if unit == "" else 0)
    if factor == 0:
        raise ValueError("is not a number of days")
    low = float(match.group(1))
    high = float(match.group(2)) if match.group(2) else low
    days = math.ceil(max(low, high) * factor)
    if days > 3650:
        raise ValueError("is more than ten years")
    note = None
    if match.group(2):
        note = f"the range {text!r} was read as its upper end, {days} days"
    elif factor == 30:
        note = f"{text!r} was read as {days} days"
    return days, note


def parse_work_hours(value: object) -> str:
    """'9:00-18:00', '09:00～18:00', '9-18', '9点-18点' → '09:00-18:00'."""
    text = halfwidth(str(value))
    match = re.fullmatch(
        r"(\d{1,2})(?:[:点时](\d{2})?)?\s*(?:-|~|〜|–|—|to|到|至)\s*(\d{1,2})(?:[:点时](\d{2})?)?",
        text.replace(" ", ""),
    )
    if not match:
        raise ValueError("is not a span of hours like 09:00-18:00")
    h1, m1, h2, m2 = (int(group or 0) for group in match.groups())
    if h1 > 24 or h2 > 24 or m1 > 59 or m2 > 59:
        raise ValueError("is not a span of hours like 09:00-18:00")
    return f"{h1:02d}:{m1:02d}-{h2:02d}:{m2:02d}"


_KIND_WORDS = {
    "person": "person",
    "individual": "person",
    "个人": "person",
    "人": "person",
    "org": "org",
    "organisation": "org",
    "organization": "org",
    "group": "org",
    "company": "org",
    "机构": "org",
    "单位": "org",
    "组织": "org",
    "公司": "org",
}


def parse_contact_kind(value: object) -> str:
    """'person'/'individual'/'个人' → person; 'org'/'group'/'机构'/'单位' → org."""
    found = _KIND_WORDS.get(name_key(halfwidth(str(value))))
    if found is None:
        raise ValueError("is neither a person nor an organisation")
    return found
