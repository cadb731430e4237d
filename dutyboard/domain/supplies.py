"""Supplies: item categories, unit conversion and money. Plain rules, no I/O.

The offices published tallies per *kind of thing* ("5,050,120 masks, 1,245,418 gloves,
92,026 protective suits"), while requests and deliveries arrive per item as people write
them ("KN95 masks", "医用外科口罩", "nitrile gloves") and in whatever unit came to hand
(boxes of 50, pairs, 只, 万只). This module says which category an item belongs to and how
much of that category's *base unit* a quantity is, so tallies add like with like:

* an item's category comes from keywords (English and Chinese), first match wins, in the
  order of :data:`DEFAULT_CATEGORIES` (configured keywords are tried first);
* a unit is first reduced to a canonical spelling ("Boxes", "box", "盒" → ``boxes``),
  then converted to the category's base unit by the category's own table, then by the
  table for every category; "万只" is 10,000 只. A quantity whose unit cannot be
  converted keeps its own unit and is tallied apart — never added to pieces;
* money is an amount with a currency, and amounts of different currencies are never
  added together (:class:`CurrencyMismatch`).

The defaults are in code; the ``[supplies]`` section of the config file adds to them
(see :func:`parse_catalog` and ``docs/reports.md``).
"""

from __future__ import annotations

import os
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from dutyboard.i18n import _

Number = int | float

OTHER = "other"
FUNDS = "funds"
RECEIVED_KINDS = ("donation", "purchase", "transfer")
DIRECTIONS = ("received", "distributed")

# Category → item keywords (matched case- and width-insensitively inside the item name).
# Order matters: "face shield" is tried before "mask", "防护面罩" before "口罩".
# fmt: off
DEFAULT_CATEGORIES: dict[str, tuple[str, ...]] = {
    "face_shields": ("face shield", "face-shield", "faceshield", "visor", "面屏", "防护面罩",
        "面罩"),
    "goggles": ("goggle", "eye protection", "safety glasses", "护目镜", "防护眼镜", "眼罩"),
    "gloves": ("glove", "手套"),
    "protective_suits": ("protective suit", "protective clothing", "coverall", "gown",
        "isolation suit", "hazmat", "防护服", "隔离衣", "防护衣", "手术衣"),
    "thermometers": ("thermometer", "temperature gun", "体温计", "温度计", "测温枪", "额温枪",
        "体温枪", "测温仪"),
    "disinfectant": ("disinfect", "sanitiser", "sanitizer", "alcohol", "bleach", "chlorine",
        "消毒", "酒精", "洗手液"),
    # Seen in the seeds' tallies (Hunan: "4800 pairs of medical shoe covers, 8743 bottles
    # of detergent, 185800 medical caps"). Caps are named whole: "cap" is in "capsule".
    "shoe_covers": ("shoe cover", "boot cover", "overshoe", "鞋套", "脚套"),
    "caps": ("medical cap", "surgical cap", "disposable cap", "nurse cap", "scrub cap",
        "bouffant", "hair cover", "医用帽", "手术帽", "一次性帽", "圆帽", "帽子"),
    "detergent": ("detergent", "laundry", "washing liquid", "washing powder", "dish soap",
        "soap", "洗涤剂", "洗衣液", "洗衣粉", "洗洁精", "肥皂", "香皂"),
    "masks": ("mask", "respirator", "n95", "kn95", "ffp2", "ffp3", "口罩"),
    FUNDS: ("funds", "cash", "money", "捐款", "资金", "善款", "现金"),
}
# fmt: on
CATEGORY_LABELS: dict[str, str] = {
    "masks": "masks",
    "gloves": "gloves",
    "protective_suits": "protective suits",
    "goggles": "goggles",
    "face_shields": "face shields",
    "thermometers": "thermometers",
    "disinfectant": "disinfectant",
    "shoe_covers": "shoe covers",
    "caps": "medical caps",
    "detergent": "detergent",
    FUNDS: "funds",
    OTHER: "other supplies",
}
# The order tallies are listed in: the seeds' order, then whatever config adds.
DISPLAY_ORDER = (
    "masks",
    "gloves",
    "protective_suits",
    "goggles",
    "face_shields",
    "thermometers",
    "disinfectant",
    "shoe_covers",
    "caps",
    "detergent",
)

# Canonical unit → spellings. A spelling not listed stays as written (normalised).
# fmt: off
UNIT_SPELLINGS: dict[str, tuple[str, ...]] = {
    "pcs": ("pc", "pcs", "piece", "pieces", "each", "ea", "unit", "units", "item", "items",
        "个", "只", "件", "片", "枚", "支", "台", "把", "顶"),
    "pairs": ("pair", "pairs", "双", "对", "副"),
    "sets": ("set", "sets", "套"),
    "boxes": ("box", "boxes", "盒"),
    "cartons": ("carton", "cartons", "ctn", "ctns", "case", "cases", "箱"),
    "packs": ("pack", "packs", "packet", "packets", "bag", "bags", "包", "袋"),
    "bottles": ("bottle", "bottles", "瓶"),
    "dozens": ("dozen", "dozens", "doz"),
    "litres": ("l", "litre", "litres", "liter", "liters", "升", "公升"),
    "ml": ("ml", "millilitre", "millilitres", "milliliter", "milliliters", "毫升"),
    "kg": ("kg", "kilogram", "kilograms", "kilo", "kilos", "公斤", "千克"),
}
# fmt: on
_MULTIPLIER_PREFIXES = {"万": 10_000, "萬": 10_000, "千": 1_000, "百": 100, "亿": 100_000_000}

# Base unit each category is tallied in.
DEFAULT_BASE_UNITS: dict[str, str] = {
    "masks": "pcs",
    "gloves": "pairs",
    "protective_suits": "pcs",
    "goggles": "pcs",
    "face_shields": "pcs",
    "thermometers": "pcs",
    "disinfectant": "litres",
    "shoe_covers": "pairs",
    "caps": "pcs",
    "detergent": "bottles",
    OTHER: "pcs",
}


@dataclass(frozen=True)
class Conversion:
    """One ``unit`` is ``factor`` of ``base``."""

    factor: Decimal
    base: str


def _conv(factor: str, base: str) -> Conversion:
    return Conversion(Decimal(factor), base)


# For every category.
DEFAULT_UNITS: dict[str, Conversion] = {
    "dozens": _conv("12", "pcs"),
    "ml": _conv("0.001", "litres"),
}
# Per category: the "box of 50 → pieces" and "pairs of gloves".
DEFAULT_CATEGORY_UNITS: dict[str, dict[str, Conversion]] = {
    "masks": {"boxes": _conv("50", "pcs")},
    "gloves": {"boxes": _conv("50", "pairs"), "pcs": _conv("0.5", "pairs")},
    "protective_suits": {"sets": _conv("1", "pcs")},
    "goggles": {"pairs": _conv("1", "pcs")},
}


class CurrencyMismatch(ValueError):
    """Two amounts in different currencies were about to be added together."""


class SuppliesConfigError(ValueError):
    """A bad ``[supplies]`` key; the message names the key."""


def _key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


def canonical_unit(unit: str | None) -> str | None:
    """'Boxes' → 'boxes', '盒' → 'boxes', '只' → 'pcs'; unknown units normalised as written."""
    if unit is None:
        return None
    key = _key(unit).rstrip(".").strip()
    if not key:
        return None
    return _UNIT_INDEX.get(key, key)


_UNIT_INDEX: dict[str, str] = {
    _key(spelling): canonical
    for canonical, spellings in UNIT_SPELLINGS.items()
    for spelling in spellings
}


@dataclass(frozen=True)
class Converted:
    """A quantity in its category's base unit (or, if no conversion is known, its own)."""

    category: str
    quantity: Number
    unit: str | None
    exact: bool  # False: the unit had no conversion and is tallied apart


@dataclass
class SupplyCatalog:
    """Categories, base units and conversions: defaults, plus what config adds."""

    categories: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_CATEGORIES))
    base_units: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_BASE_UNITS))
    units: dict[str, Conversion] = field(default_factory=lambda: dict(DEFAULT_UNITS))
    category_units: dict[str, dict[str, Conversion]] = field(
        default_factory=lambda: {k: dict(v) for k, v in DEFAULT_CATEGORY_UNITS.items()}
    )

    def category(self, item: str | None) -> str:
        """The category an item name belongs to ('KN95 masks' → 'masks'); else 'other'."""
        key = _key(item or "")
        if not key:
            return OTHER
        for category, words in self.categories.items():
            for word in words:
                if _key(word) in key:
                    return category
        return OTHER

    def base_unit(self, category: str) -> str | None:
        """What the category is counted in; funds are counted in their currency (None)."""
        if category == FUNDS:
            return None
        return self.base_units.get(category, self.base_units.get(OTHER, "pcs"))

    def convert(self, category: str, quantity: Number, unit: str | None) -> Converted:
        """``quantity`` of ``unit`` in the category's base unit.

        No unit means the base unit. "万只" is 10,000 只; a bare "万" 10,000 of the base.
        """
        base = self.base_unit(category)
        canonical = canonical_unit(unit)
        if category == FUNDS:
            return Converted(category, quantity, (unit or "").strip().upper() or None, True)
        multiplier = Decimal(1)
        if canonical and canonical[0] in _MULTIPLIER_PREFIXES and canonical != base:
            multiplier = Decimal(_MULTIPLIER_PREFIXES[canonical[0]])
            canonical = canonical_unit(canonical[1:]) or base
        amount = _decimal(quantity) * multiplier
        if canonical is None or canonical == base:
            return Converted(category, _number(amount), base, True)
        conversion = self.category_units.get(category, {}).get(canonical) or self.units.get(
            canonical
        )
        if conversion is not None and conversion.base == base:
            return Converted(category, _number(amount * conversion.factor), base, True)
        if conversion is not None:
            # Converts to another unit (say ml → litres for an item counted in pieces):
            # tally it in that unit, apart from the base.
            return Converted(category, _number(amount * conversion.factor), conversion.base, False)
        return Converted(category, _number(amount), canonical, False)

    def classify(self, item: str | None, quantity: Number, unit: str | None) -> Converted:
        return self.convert(self.category(item), quantity, unit)

    def ordered(self, categories: Iterable[str]) -> list[str]:
        """Categories in display order: the seeds' order, then config's, then other, funds."""
        middle = [c for c in self.categories if c not in (OTHER, FUNDS)]
        order = [*DISPLAY_ORDER, *middle, OTHER, FUNDS]
        rank = {c: i for i, c in enumerate(dict.fromkeys(order))}
        return sorted(set(categories), key=lambda c: (rank.get(c, len(rank)), c))


DEFAULT_CATALOG = SupplyCatalog()


def category_label(category: str) -> str:
    """A category as people read it, in the interface language."""
    return _(CATEGORY_LABELS.get(category, category.replace("_", " ")))


def unit_label(unit: str | None) -> str:
    return _(unit) if unit else ""


# -- numbers and money -------------------------------------------------------------------


def _decimal(value: Number | Decimal | str) -> Decimal:
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number") from None


def _number(value: Decimal) -> Number:
    """Whole → int, else float (what SQLite stores and JSON shows)."""
    if not value.is_finite():
        raise ValueError(f"{value} is not a finite number")
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def format_quantity(value: Number | None) -> str:
    """1245418 → '1,245,418'; 12.5 → '12.5'; None → ''."""
    if value is None:
        return ""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Money:
    """An amount in one currency (ISO 4217). Adding another currency raises."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", _decimal(self.amount))
        object.__setattr__(self, "currency", self.currency.strip().upper())

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        if other.currency != self.currency:
            raise CurrencyMismatch(
                f"cannot add {other.currency} to {self.currency}: keep a total per currency"
            )
        return Money(self.amount + other.amount, self.currency)


class MoneyTotals:
    """Totals kept per currency, never converted or summed across currencies."""

    def __init__(self, amounts: Iterable[Money] = ()) -> None:
        self._totals: dict[str, Money] = {}
        for money in amounts:
            self.add(money)

    def add(self, money: Money) -> None:
        current = self._totals.get(money.currency)
        self._totals[money.currency] = money if current is None else current + money

    def items(self) -> list[Money]:
        """Largest first (by amount in its own currency: an order, not a comparison)."""
        return sorted(self._totals.values(), key=lambda m: (-m.amount, m.currency))

    def get(self, currency: str) -> Decimal:
        money = self._totals.get(currency.upper())
        return money.amount if money else Decimal(0)

    def __len__(self) -> int:
        return len(self._totals)

    def __bool__(self) -> bool:
        return bool(self._totals)


CURRENCY_SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£"}
ZERO_DECIMAL_CURRENCIES = frozenset({"JPY", "KRW", "VND", "CLP", "ISK"})


def format_money(money: Money) -> str:
    """'¥13,500,000.00', '$200,000.00', 'JPY 1,000,000', 'LKR 50,000.00'."""
    places = 0 if money.currency in ZERO_DECIMAL_CURRENCIES else 2
    text = f"{money.amount:,.{places}f}"
    symbol = CURRENCY_SYMBOLS.get(money.currency)
    return f"{symbol}{text}" if symbol else f"{money.currency} {text}"


# -- tallies ---------------------------------------------------------------------------


@dataclass
class Tally:
    """One category in one unit: what came in, went out, and is still asked for."""

    category: str
    unit: str | None
    received: Number = 0
    distributed: Number = 0
    unmet: Number = 0  # requested by open requests and not yet delivered to them

    @property
    def in_stock(self) -> Number:
        return _number(_decimal(self.received) - _decimal(self.distributed))

    def add(self, direction: str, quantity: Number) -> None:
        if direction == "received":
            self.received = _number(_decimal(self.received) + _decimal(quantity))
        elif direction == "distributed":
            self.distributed = _number(_decimal(self.distributed) + _decimal(quantity))
        else:
            raise ValueError(f"direction {direction!r} is not received or distributed")


def tally_entries(
    entries: Iterable[tuple[str, str | None, Number, str | None]],
    catalog: SupplyCatalog = DEFAULT_CATALOG,
) -> dict[tuple[str, str | None], Tally]:
    """(direction, item, quantity, unit) entries → tallies per (category, base unit).

    The arithmetic the store does in SQL over its snapshot columns, as a plain function.
    """
    tallies: dict[tuple[str, str | None], Tally] = {}
    for direction, item, quantity, unit in entries:
        converted = catalog.classify(item, quantity, unit)
        key = (converted.category, converted.unit)
        tally = tallies.setdefault(key, Tally(converted.category, converted.unit))
        tally.add(direction, converted.quantity)
    return tallies


def unmet(requested: Converted, delivered: Number) -> Number:
    """What an open request still needs, never below zero."""
    rest = _decimal(requested.quantity) - _decimal(delivered)
    return _number(rest) if rest > 0 else 0


# -- configuration -----------------------------------------------------------------------

_CONVERSION = re.compile(r"^\s*(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>\S.*?)\s*$")


def _parse_conversion(value: Any, where: str) -> Conversion:
    if isinstance(value, bool) or not isinstance(value, str):
        raise SuppliesConfigError(
            _('{where}: must be a string such as "50 pcs"').format(where=where)
        )
    match = _CONVERSION.match(value)
    if not match:
        raise SuppliesConfigError(
            _('{where}: {value!r} is not like "50 pcs"').format(where=where, value=value)
        )
    factor = Decimal(match.group("n"))
    if factor <= 0:
        raise SuppliesConfigError(_("{where}: the factor must be positive").format(where=where))
    base = canonical_unit(match.group("unit"))
    assert base is not None
    return Conversion(factor, base)


def _category_name(name: str, where: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,40}", name):
        raise SuppliesConfigError(
            _(
                "{where}: category names are lower-case words with underscores (got {name!r})"
            ).format(where=where, name=name)
        )
    return name


def parse_catalog(section: Mapping[str, Any], *, where: str = "config") -> SupplyCatalog:
    """The ``[supplies]`` section → a catalog (defaults plus these additions).

    Keys: ``categories`` (category → list of item words, tried before the built-in ones;
    a new name makes a new category), ``base_units`` (category → unit it is counted in),
    ``units`` (unit → "N base-unit" for every category, or a table per category).
    """
    catalog = SupplyCatalog()
    for key in section:
        if key not in ("categories", "base_units", "units"):
            raise SuppliesConfigError(
                _(
                    "{where}: unknown key supplies.{key} (known: categories, base_units, units)"
                ).format(where=where, key=key)
            )
    categories = section.get("categories", {})
    if not isinstance(categories, Mapping):
        raise SuppliesConfigError(
            _("{where}: supplies.categories must be a table").format(where=where)
        )
    configured: dict[str, tuple[str, ...]] = {}
    for name, words in categories.items():
        at = f"{where}: supplies.categories.{name}"
        _category_name(name, at)
        if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
            raise SuppliesConfigError(_("{where}: must be a list of item words").format(where=at))
        configured[name] = tuple(w.strip() for w in words)
    # Configured words are tried first; built-in ones keep their order after them.
    merged: dict[str, tuple[str, ...]] = {}
    for name, words in configured.items():
        merged[name] = words + DEFAULT_CATEGORIES.get(name, ())
    for name, words in DEFAULT_CATEGORIES.items():
        merged.setdefault(name, words)
    catalog.categories = merged
    base_units = section.get("base_units", {})
    if not isinstance(base_units, Mapping):
        raise SuppliesConfigError(
            _("{where}: supplies.base_units must be a table").format(where=where)
        )
    for name, unit in base_units.items():
        at = f"{where}: supplies.base_units.{name}"
        _category_name(name, at)
        if not isinstance(unit, str) or not unit.strip():
            raise SuppliesConfigError(_('{where}: must be a unit such as "pcs"').format(where=at))
        catalog.base_units[name] = canonical_unit(unit) or "pcs"
    units = section.get("units", {})
    if not isinstance(units, Mapping):
        raise SuppliesConfigError(_("{where}: supplies.units must be a table").format(where=where))
    for name, value in units.items():
        if isinstance(value, Mapping):
            at = f"{where}: supplies.units.{name}"
            _category_name(name, at)
            table = catalog.category_units.setdefault(name, {})
            for unit, conversion in value.items():
                table[canonical_unit(unit) or unit] = _parse_conversion(conversion, f"{at}.{unit}")
        else:
            catalog.units[canonical_unit(name) or name] = _parse_conversion(
                value, f"{where}: supplies.units.{name}"
            )
    return catalog


def load_catalog(config_path: Path | None = None) -> SupplyCatalog:
    """The catalog from the config file's ``[supplies]`` (same file as ``load_config``).

    No file, or no ``[supplies]`` section, gives the defaults. A bad key raises
    :class:`SuppliesConfigError` naming it.
    """
    if config_path is None:
        from dutyboard.paths import default_config_path

        explicit = "DUTYBOARD_CONFIG" in os.environ
        config_path = default_config_path()
        if not config_path.exists() and not explicit:
            return SupplyCatalog()
    if not config_path.exists():
        return SupplyCatalog()
    try:
        data = tomllib.loads(config_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SuppliesConfigError(
            _("{path}: cannot read: {error}").format(path=config_path, error=exc)
        ) from None
    section = data.get("supplies", {})
    if not isinstance(section, Mapping):
        raise SuppliesConfigError(_("{path}: [supplies] must be a table").format(path=config_path))
    return parse_catalog(section, where=str(config_path))
