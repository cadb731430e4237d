"""Values as people write them: "5万", "1,200", "两千三", "2020年2月3日 14时30分", "$1.20",
"斯里兰卡".

Each parser takes what a cell holds (str, or int/float/datetime from xlsx and JSON) and
returns a normalised value or raises ``ValueError`` whose message is a predicate to
complete a sentence: ``f"quantity '12x' {error}"`` → "quantity '12x' is not a number".
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, available_timezones

from dutyboard.domain.reference import (
    AMBIGUOUS_COUNTRY_NAMES,
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
    # Indian numbering, as suppliers in India, Pakistan and Sri Lanka write it.
    "lakh": 100_000,
    "lakhs": 100_000,
    "crore": 10_000_000,
    "crores": 10_000_000,
}

# fmt: off
KNOWN_UNITS = frozenset((
    "pc", "pcs", "piece", "pieces", "unit", "units", "pair", "pairs", "box", "boxes", "set",
    "sets", "pack", "packs", "packet", "packets", "bag", "bags", "bottle", "bottles", "carton",
    "cartons", "ctn", "ctns", "case", "cases", "roll", "rolls", "sheet", "sheets", "kg", "g",
    "l", "ml", "ton", "tons", "tonne", "tonnes", "dozen", "doz", "each", "ea", "kit", "kits",
    "test", "tests", "barrel", "barrels", "个", "只", "件", "箱", "盒", "包", "双", "副", "套",
    "瓶", "袋", "台", "把", "顶", "片", "支", "桶", "卷", "张", "吨", "公斤", "千克", "升",
    "毫升", "人份", "份", "条", "辆", "架", "枚", "对", "组", "批", "斤", "罐", "壶",
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
_MULTIPLIER = re.compile(
    r"^(万|萬|千|仟|百|亿|億|k|K|M|mn|thousand|million|lakhs?|crores?)(?![a-z])"
)
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
    """'1,200' → (1200, None); '5万' → (50000, None); '500 pcs' → (500, 'pcs');
    '三百箱' → (300, '箱'); '十几箱' → ValueError (an estimate). See docs/values.md."""
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
        if _CN_TRIGGER.search(text):  # "两千", "三百箱", "十几箱": the Chinese reading
            return _chinese_quantity(text)
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
            if _CN_TRIGGER.search(text):  # "1万2千", "3千5", "5千克"
                return _chinese_quantity(text)
            raise ValueError("is not a number")
        unit = rest
    return _finish_number(number), unit


def parse_price(value: object) -> Number:
    """A plain non-negative amount (no currency)."""
    amount, currency, leftover = split_price(value)
    if amount is None or currency is not None or leftover:
        raise ValueError("is not a price")
    return amount


# --------------------------------------------------------------------------- Chinese numerals
#
# Read only when the fast paths above fail on a text holding a Chinese numeral character
# ("两千", "三百箱", "1万2千", "壹仟贰佰"): cn2an computes the value, imported on first
# use (it costs ~0.1 s), after the checks below have turned away what has no one value —
# estimates (十几, 几千, 上万), ranges (一两千, 两千到三千) — and the mixtures cn2an would
# read wrongly ("5两" as 52, "12十" as 120, "负1万" as 10,000).


class _LazyPattern:
    """A regular expression compiled on its first use. The Chinese reading's patterns
    take ~3 ms to compile, which importing this module (the dashboard's first paint)
    need not pay: most desks' files never reach them."""

    __slots__ = ("_compiled", "_source")

    def __init__(self, source: str) -> None:
        self._source = source
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self._source)
        return self._compiled

    def search(self, text: str) -> re.Match[str] | None:
        return self.compiled.search(text)

    def match(self, text: str) -> re.Match[str] | None:
        return self.compiled.match(text)

    def fullmatch(self, text: str) -> re.Match[str] | None:
        return self.compiled.fullmatch(text)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(text)

    def sub(self, replacement: str | Callable[[re.Match[str]], str], text: str) -> str:
        return self.compiled.sub(replacement, text)


# Characters that make a failed text worth the Chinese reading.
_CN_TRIGGER = _LazyPattern(
    r"[零〇一二两兩三四五六七八九十百千万萬亿億壹贰貳叁參叄肆伍陆陸柒捌玖拾佰仟廿卅几]|若干"
)
# Texts longer than this are no numeral: they are refused before any library sees them.
MAX_NUMERAL_CHARS = 40
_CN_TRADITIONAL = str.maketrans(
    {"萬": "万", "億": "亿", "兩": "两", "貳": "贰", "參": "叁", "叄": "叁", "陸": "陆"}
)
_CN_DIGITS = "一二两三四五六七八九壹贰叁肆伍陆柒捌玖"
_CN_NUMERALS = "零〇" + _CN_DIGITS + "十百千万亿拾佰仟"
# A numeral as written: Chinese numerals, ASCII digits, a decimal point (点 or ".")
# between them.
_CN_RUN = _LazyPattern(rf"[0-9{_CN_NUMERALS}](?:[0-9.点{_CN_NUMERALS}]*[0-9{_CN_NUMERALS}])?")
# "十几", "几千", "若干", "数百", "上万", "成千上万", "近两千", "过万", "十来箱", "百把",
# "十多箱", "一百多万", "两千上下": no one number. (A trailing 多/余/左右 was taken off
# before, as "500多" and "约500" are read as 500.)
_CN_ESTIMATE = _LazyPattern(
    rf"几|若干|[数上成过逾][十百千万亿拾佰仟]|近(?=[0-9{_CN_NUMERALS}])"
    rf"|[十百千万亿拾佰仟][来把]|[0-9{_CN_NUMERALS}][多余](?=\S)|上下$"
)
# Two neighbouring digits side by side: "一两千" (1,000 or 2,000), "两三百", "十七八",
# "三五天" — a range, not a number; but not inside a digit-by-digit "一二〇〇".
_CN_PAIR = _LazyPattern(
    r"(?<![零〇一二两三四五六七八九壹贰叁肆伍陆柒捌玖])"
    r"(?P<low>[一壹][二两贰]|[二两贰][三叁]|[三叁][四肆]|[四肆][五伍]|[五伍][六陆]"
    r"|[六陆][七柒]|[七柒][八捌]|[八捌][九玖]|[三叁][五伍])"
    r"(?![零〇一二两三四五六七八九壹贰叁肆伍陆柒捌玖])"
)
_CN_RANGE = _LazyPattern(rf"[0-9{_CN_NUMERALS}]\s*(?:-|~|～|—|–|到|至|或)\s*[0-9{_CN_NUMERALS}]")
_CN_TOKEN = _LazyPattern(
    r"(?P<ascii>[0-9]+(?:\.[0-9]+)?)|(?P<digit>[一二两三四五六七八九壹贰叁肆伍陆柒捌玖])"
    r"|(?P<zero>[零〇])|(?P<small>[十百千拾佰仟])|(?P<big>[万亿])|(?P<point>点)"
)
_CN_DIGIT_VALUE = {ch: "123456789"[i % 9] for i, ch in enumerate(_CN_DIGITS.replace("两", ""))}
_CN_DIGIT_VALUE |= {"两": "2", "零": "0", "〇": "0"}
_BIG_PLACE = {"万": 10_000, "亿": 100_000_000}
# Tokens that may not follow each other in a numeral with places: cn2an reads "5两" as
# 52 and "两两千" as 2,200. (A zero before ASCII digits is fine: "1万零500".)
_CN_NEIGHBOURS_REFUSED = frozenset(
    {("ascii", "digit"), ("digit", "ascii"), ("ascii", "zero"), ("digit", "digit")}
)
# Units that begin with a numeral character: "五千克" is 5 kg, not 5,000 克.
_NUMERAL_LED_UNITS = tuple(
    sorted((u for u in KNOWN_UNITS if u[0] in _CN_NUMERALS), key=lambda u: (-len(u), u))
)
# Yuan and jiao: "三元五角" (3.5), "一块五" (1.5), "3元5角2分" (3.52).
_YUAN_JIAO = _LazyPattern(
    rf"(?P<yuan>[0-9{_CN_NUMERALS}]+)\s*[元圆块]\s*(?P<jiao>[0-9{_CN_DIGITS}零〇])"
    rf"(?:\s*[角毛](?:\s*(?P<fen>[0-9{_CN_DIGITS}零〇])\s*分)?)?"
)
_CN_NEGATIVE = _LazyPattern(rf"\s*(?:-|负)\s*[0-9{_CN_NUMERALS}]")
_YUAN_WHOLE = _LazyPattern(r"^\s*([元圆])[整正]")  # 壹仟元整: "and no jiao"


def _chinese_text(text: str, not_read: str, *, ranges: bool = True) -> str:
    """The text the Chinese reading works on (bounded, traditional forms made simple),
    or ValueError for an estimate, a range (unless ``ranges`` is False: lead times read
    a range's upper end) or a negative number."""
    if len(text) > MAX_NUMERAL_CHARS:
        raise ValueError(not_read)
    text = text.translate(_CN_TRADITIONAL).replace("廿", "二十").replace("卅", "三十")
    if _CN_ESTIMATE.search(text):
        raise ValueError("is an estimate (such as 十几, 几千 or 上万), not one number")
    if ranges and (_CN_RANGE.search(text) or _CN_PAIR.search(text)):
        raise ValueError("is a range, not one number")
    if _CN_NEGATIVE.match(text):
        raise ValueError("is negative")
    return text


@cache
def _cn2an() -> Callable[[str, str], object]:
    import cn2an  # ~0.1 s: only when a Chinese numeral needs it

    reader: Callable[[str, str], object] = cn2an.cn2an
    return reader


# A column repeats its numbers ("两千", "五百箱"): each distinct numeral is read once
# (~25 µs through cn2an). Errors are not cached.
@lru_cache(maxsize=4096)
def _chinese_number(text: str) -> Decimal:
    """One numeral ("两千三", "1万2千", "壹仟贰佰", "一点五万"), as ``_chinese_text``
    left it → its value; ValueError ("is not a number") for anything that is not exactly
    one number written in one of the ways people write them."""
    tokens = [(m.lastgroup or "", m.group()) for m in _CN_TOKEN.finditer(text)]
    if not tokens or sum(len(value) for _, value in tokens) != len(text):
        raise ValueError("is not a number")
    kinds = [kind for kind, _ in tokens]
    if "point" in kinds:  # "一点五" (1.5), "一点五万" (15,000)
        at = kinds.index("point")
        whole, fraction = tokens[:at], tokens[at + 1 :]
        scale = 1
        if fraction and fraction[-1][0] == "big":
            scale = _BIG_PLACE[fraction.pop()[1]]
        if not whole or not fraction or any(k not in ("digit", "zero") for k, _ in fraction):
            raise ValueError("is not a number")
        if any(v == "两" for _, v in fraction):
            raise ValueError("is not a number")
        digits = "".join(_CN_DIGIT_VALUE[v] for _, v in fraction)
        whole_text = "".join(v for _, v in whole)
        return (_chinese_number(whole_text) + Decimal("0." + digits)) * scale
    if len(tokens) == 1 and kinds[0] == "ascii":  # the number before a unit: "2.5千克"
        return Decimal(tokens[0][1])
    if not {"small", "big"} & set(kinds):
        # Digit by digit ("一二〇〇", "二〇"): never with 两, and two digits only with a
        # zero — "二五" or "三五" side by side is no number anyone writes for 25 or 35.
        if any(k != "digit" and k != "zero" for k in kinds) or ("两" in text and len(text) > 1):
            raise ValueError("is not a number")
        if len(tokens) == 2 and "zero" not in kinds:
            raise ValueError("is not a number")
        if any(v in "壹贰叁肆伍陆柒捌玖" for _, v in tokens) and len(tokens) > 1:
            raise ValueError("is not a number")
        return Decimal("".join(_CN_DIGIT_VALUE[v] for _, v in tokens))
    for (kind, value), (next_kind, _next_value) in itertools.pairwise(tokens):
        if (kind, next_kind) in _CN_NEIGHBOURS_REFUSED:
            raise ValueError("is not a number")  # "5两", "2二", "20〇", "两两千"
        if kind == "ascii" and "." in value:
            raise ValueError("is not a number")  # "1.5万2千" (the fast path reads 1.5万)
        if kind == "ascii" and next_kind == "small" and not re.fullmatch("[1-9]", value):
            raise ValueError("is not a number")  # "12十", "10千"
        if kind == "ascii" and next_kind == "big" and len(value) > 4:
            raise ValueError("is not a number")  # "12345万": write 1.2345亿
    try:
        result = _cn2an()(text, "smart")
    except Exception:  # whatever the library trips on is "not a number"
        raise ValueError("is not a number") from None
    if isinstance(result, bool) or not isinstance(result, int | float):
        raise ValueError("is not a number")
    return Decimal(str(result))


def _chinese_quantity(text: str) -> tuple[Number, str | None]:
    """'三百箱' → (300, '箱'); '一万二' → (12000, None); '十几箱' → ValueError."""
    text = _chinese_text(text, "is not a number")
    for unit in _NUMERAL_LED_UNITS:
        head = text[: -len(unit)].strip()
        if text.endswith(unit) and head and _CN_RUN.fullmatch(head):
            try:
                return _finish_number(_chinese_number(head)), unit
            except ValueError:
                break
    run = _CN_RUN.match(text)
    if run is None:
        raise ValueError("is not a number")
    rest = text[run.end() :].strip()
    if rest and not _is_unit(rest):
        raise ValueError("is not a number")
    return _finish_number(_chinese_number(run.group())), rest or None


def _chinese_price(text: str) -> tuple[Number | None, str | None, str]:
    """'两千元' → (2000, 'CNY', ''); '壹仟贰佰元整' → (1200, 'CNY', ''); '一块五' → 1.5."""
    text = _chinese_text(text, "is not a number")
    yuan = _YUAN_JIAO.fullmatch(text)
    if yuan:
        amount = _chinese_number(yuan.group("yuan"))
        amount += Decimal(_chinese_number(yuan.group("jiao"))) / 10
        if yuan.group("fen"):
            amount += Decimal(_chinese_number(yuan.group("fen"))) / 100
        return _finish_number(amount), "CNY", ""
    run = _CN_RUN.search(text)
    if run is None:
        raise ValueError("is not a number")
    before, after = text[: run.start()], _YUAN_WHOLE.sub(r"\1", text[run.end() :])
    per_unit = _PER_UNIT.search(after)
    if _CN_RUN.search(before) or _CN_RUN.search(after[: per_unit.start()] if per_unit else after):
        raise ValueError("holds more than one number")
    number = _chinese_number(run.group())
    currency, leftover = _price_sides(before, after)
    return _finish_number(number), currency, leftover


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
        if _CN_TRIGGER.search(text) or _YUAN_JIAO.fullmatch(text):  # "1万2千元", "3块5"
            return _chinese_price(text)
        # "1.2-1.5 USD": a range; "USD 1.20 FOB Shanghai 2020" would also land here.
        raise ValueError("holds more than one number")
    if not numbers:
        try:
            return None, parse_currency(text), ""
        except ValueError:
            if _CN_TRIGGER.search(text) or _YUAN_JIAO.fullmatch(text):  # "两千元", "一块五"
                return _chinese_price(text)
            raise
    match = numbers[0]
    before, after = text[: match.start()], text[match.end() :]
    # "15万 CNY", "¥1.5万", "$2M": the multiplier words quantities take (funds, 捐款).
    scale = 1
    multiplier = _MULTIPLIER.match(after.lstrip())
    if multiplier:
        word = multiplier.group(1)
        scale = _MULTIPLIERS[word.lower() if word != "M" else "m"]
        after = after.lstrip()[multiplier.end() :]
    try:
        currency, leftover = _price_sides(before, after)
    except ValueError:
        if _CN_TRIGGER.search(text):  # "两千3元": Chinese numerals the number split
            return _chinese_price(text)
        raise
    number = _decimal(match.group("num"), match.group("exp")) * scale
    if match.group("sign") == "-":
        number = -number
    return _finish_number(number), currency, leftover


def _price_sides(before: str, after: str) -> tuple[str | None, str]:
    """The currency written before or after a price's number, and what is left out of
    the amount ('/pc', 'FOB'): the words around one number, whichever way it was read."""
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
    return (currencies.pop() if currencies else None), " ".join(leftover_parts)


def parse_currency_price(value: object) -> tuple[Number | None, str | None]:
    """'$1.20' → (1.2, 'USD'); '0.8 USD' → (0.8, 'USD'); '¥2.5' → (2.5, 'CNY'); '3' → (3, None)."""
    amount, currency, _ = split_price(value)
    return amount, currency


# --------------------------------------------------------------------------- countries


# Longer than any country's name (the longest official names are ~60 characters).
MAX_COUNTRY_CHARS = 100


def parse_country(value: object) -> str | None:
    """ISO 3166-1 alpha-2 from a code ('lk', 'LKA') or a name ('Sri Lanka', '斯里兰卡',
    'Plurinational State of Bolivia', '多米尼加共和国'); None when it names no one country.

    The alias table (``reference.COUNTRY_BY_NAME``) is read first and wins; only a text
    it does not know loads pycountry's names (once, on first need).
    """
    raw = str(value)
    if len(raw) > MAX_COUNTRY_CHARS:
        return None
    text = halfwidth(raw)
    letters = text.strip(" .")
    if len(letters) == 2 and letters.isascii() and letters.upper() in ISO2_CODES:
        return letters.upper()
    key = name_key(text)
    found = COUNTRY_BY_NAME.get(key)
    if found is not None or not key or key in AMBIGUOUS_COUNTRY_NAMES:
        return found
    return _iso_country_names().get(key)


def country_candidates(value: object) -> tuple[str, ...]:
    """The countries a name could mean when it means more than one ('Congo' → CG, CD);
    () for any other text."""
    raw = str(value)
    if len(raw) > MAX_COUNTRY_CHARS:
        return ()
    return AMBIGUOUS_COUNTRY_NAMES.get(name_key(halfwidth(raw)), ())


@cache
def _iso_country_names() -> dict[str, str]:
    """Every ISO 3166-1 country by ``name_key`` of its alpha-3 code, English name,
    official and common name, and their Chinese in pycountry's zh_CN catalogue.

    Built once, on the first name the alias table does not know: pycountry costs
    ~60 ms to import, which the dashboard's first paint must not pay. A key two
    countries share is left out (no guess between them).
    """
    import gettext  # with pycountry, only when a name needs them
    from pathlib import Path

    import pycountry

    catalogue = Path(pycountry.LOCALES_DIR) / "zh_CN" / "LC_MESSAGES" / "iso3166-1.mo"
    try:
        with catalogue.open("rb") as handle:
            chinese: gettext.NullTranslations = gettext.GNUTranslations(handle)
    except OSError:  # a trimmed install without the catalogues: English names only
        chinese = gettext.NullTranslations()
    table: dict[str, str] = {}
    shared: set[str] = set()
    for country in pycountry.countries:
        code = str(country.alpha_2)
        names = {str(country.alpha_3)}
        for attribute in ("name", "official_name", "common_name"):
            name = getattr(country, attribute, None)
            if isinstance(name, str) and name:
                names.update((name, chinese.gettext(name)))
        for name in names:
            key = name_key(name)
            if not key:
                continue
            if table.setdefault(key, code) != code:
                shared.add(key)
    for key in shared:
        del table[key]
    return table


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


_LEAD_TIME = _LazyPattern(
    r"(\d+(?:\.\d+)?)\s*(?:(?:-|~|到|至|to)\s*(\d+(?:\.\d+)?))?\s*([^\d]*?)\s*(?:内|以内)?"
)


def _chinese_days(text: str) -> str:
    """'七到十天' → '7到10天', '两周' → '2周', '一两周' → '1-2周' (a range, read as lead
    times' ranges are: its upper end, with a note); '十几天' → ValueError."""
    text = _chinese_text(text, "is not a number of days", ranges=False)

    def pair(match: re.Match[str]) -> str:
        before, after = text[match.start() - 1 : match.start()], text[match.end() :][:1]
        if (before and before in _CN_NUMERALS) or (after and after in _CN_NUMERALS):
            # "十七八天" (17 or 18), "两三十天" (20 to 30): not a pair of plain numbers
            raise ValueError("is a range, not one number")
        low = match.group("low")
        return f"{low[0]}-{low[1]}"

    def number(match: re.Match[str]) -> str:
        try:
            value = _chinese_number(match.group())
        except ValueError:
            raise ValueError("is not a number of days") from None
        return format(value, "f")

    return _CN_RUN.sub(number, _CN_PAIR.sub(pair, text))


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
    match = _LEAD_TIME.fullmatch(text)
    if not match and _CN_TRIGGER.search(text):  # "七天", "两周", "七到十天", "一两周"
        match = _LEAD_TIME.fullmatch(_chinese_days(text))
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
