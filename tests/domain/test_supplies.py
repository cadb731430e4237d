"""Ledger arithmetic: categories, unit conversion (boxes, pairs, 万), money per currency."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dutyboard.domain.supplies import (
    DEFAULT_CATALOG,
    CurrencyMismatch,
    Money,
    MoneyTotals,
    SuppliesConfigError,
    canonical_unit,
    format_money,
    format_quantity,
    parse_catalog,
    tally_entries,
)


@pytest.mark.parametrize(
    ("item", "category"),
    [
        ("KN95 masks", "masks"),
        ("医用外科口罩", "masks"),
        ("N95 Respirators", "masks"),
        ("ＫＮ９５ ＭＡＳＫＳ", "masks"),  # full-width, as some forms send it
        ("nitrile gloves", "gloves"),
        ("一次性手套", "gloves"),
        ("protective suits", "protective_suits"),
        ("防护服", "protective_suits"),
        ("isolation gowns", "protective_suits"),
        ("goggles", "goggles"),
        ("护目镜", "goggles"),
        ("face shields", "face_shields"),
        ("防护面罩", "face_shields"),  # a face shield, not a mask (面罩 ≠ 口罩)
        ("infrared thermometers", "thermometers"),
        ("额温枪", "thermometers"),
        ("75% alcohol", "disinfectant"),
        ("84消毒液", "disinfectant"),
        # Items in the seeds' tallies (night, should-work): each gets its category.
        ("medical shoe covers", "shoe_covers"),
        ("医用鞋套", "shoe_covers"),
        ("medical caps", "caps"),
        ("一次性医用帽", "caps"),
        ("detergent", "detergent"),
        ("洗衣液", "detergent"),
        ("vitamin capsules", "other"),  # "cap" alone would have caught these
        ("ventilators", "other"),
        ("", "other"),
    ],
)
def test_categories_in_english_and_chinese(item: str, category: str) -> None:
    assert DEFAULT_CATALOG.category(item) == category


@pytest.mark.parametrize(
    ("unit", "canonical"),
    [
        ("Boxes", "boxes"),
        ("box", "boxes"),
        ("盒", "boxes"),
        ("只", "pcs"),
        ("PCS", "pcs"),
        ("双", "pairs"),
        ("套", "sets"),
        ("箱", "cartons"),
        ("升", "litres"),
        ("", None),
        (None, None),
        ("drums", "drums"),
    ],
)
def test_unit_spellings(unit: str | None, canonical: str | None) -> None:
    assert canonical_unit(unit) == canonical


def test_box_of_50_masks_is_pieces_and_wan_multiplies() -> None:
    c = DEFAULT_CATALOG
    assert c.classify("KN95 masks", 20, "boxes").quantity == 1_000
    assert c.classify("KN95 masks", 20, "boxes").unit == "pcs"
    assert c.classify("医用外科口罩", 5, "万只").quantity == 50_000  # 5万只
    assert c.classify("医用外科口罩", 3, "万").quantity == 30_000  # bare 万: of the base unit
    assert c.classify("surgical masks", 1_200, None).quantity == 1_200  # no unit: base
    assert c.classify("masks", 2, "dozen").quantity == 24


def test_gloves_count_in_pairs() -> None:
    c = DEFAULT_CATALOG
    assert c.classify("nitrile gloves", 300, "pairs").quantity == 300
    assert c.classify("nitrile gloves", 300, "双").quantity == 300
    assert c.classify("nitrile gloves", 300, "只").quantity == 150  # single gloves
    assert c.classify("nitrile gloves", 10, "boxes").quantity == 500  # 50 pairs a box
    assert c.classify("nitrile gloves", 1, "pcs").quantity == 0.5


def test_suits_and_goggles_count_in_pieces() -> None:
    c = DEFAULT_CATALOG
    assert (c.classify("防护服", 3_000, "套").quantity, c.classify("防护服", 1, "套").unit) == (
        3_000,
        "pcs",
    )
    assert c.classify("护目镜", 100, "副").quantity == 100


def test_units_without_a_conversion_are_tallied_apart_never_added_to_pieces() -> None:
    c = DEFAULT_CATALOG
    cartons = c.classify("KN95 masks", 10, "cartons")
    assert (cartons.quantity, cartons.unit, cartons.exact) == (10, "cartons", False)
    ml = c.classify("75% alcohol", 500, "ml")
    assert (ml.quantity, ml.unit, ml.exact) == (0.5, "litres", True)
    tablets = c.classify("disinfection tablets", 30, "boxes")
    assert (tablets.category, tablets.unit) == ("disinfectant", "boxes")


def test_ledger_arithmetic_with_conversions() -> None:
    entries = [
        ("received", "KN95 masks", 100, "boxes"),  # 5,000 pcs
        ("received", "医用外科口罩", 5, "万只"),  # 50,000 pcs
        ("distributed", "surgical masks", 2_390, "pcs"),
        ("distributed", "KN95 masks", 10, "boxes"),  # 500 pcs
        ("received", "nitrile gloves", 40, "boxes"),  # 2,000 pairs
        ("distributed", "手套", 1_000, "只"),  # 500 pairs
        ("received", "masks", 3, "cartons"),  # no conversion: apart
    ]
    tallies = tally_entries(entries)
    masks = tallies[("masks", "pcs")]
    assert (masks.received, masks.distributed, masks.in_stock) == (55_000, 2_890, 52_110)
    gloves = tallies[("gloves", "pairs")]
    assert (gloves.received, gloves.distributed, gloves.in_stock) == (2_000, 500, 1_500)
    assert tallies[("masks", "cartons")].received == 3
    assert set(tallies) == {("masks", "pcs"), ("gloves", "pairs"), ("masks", "cartons")}


def test_fractions_stay_exact() -> None:
    tallies = tally_entries([("received", "gloves", 3, "pcs"), ("received", "gloves", 3, "pcs")])
    assert tallies[("gloves", "pairs")].received == 3  # 1.5 + 1.5, not 2.9999999


def test_money_never_adds_currencies() -> None:
    assert Money(Decimal("100"), "cny") + Money(Decimal("50.5"), "CNY") == Money(
        Decimal("150.5"), "CNY"
    )
    with pytest.raises(CurrencyMismatch):
        _ = Money(Decimal("100"), "CNY") + Money(Decimal("1"), "USD")
    totals = MoneyTotals(
        [
            Money(Decimal("5000000"), "CNY"),
            Money(Decimal("20000"), "USD"),
            Money(Decimal("8500000"), "CNY"),
        ]
    )
    assert totals.get("CNY") == Decimal("13500000")
    assert totals.get("usd") == Decimal("20000")
    assert [m.currency for m in totals.items()] == ["CNY", "USD"]
    assert len(totals) == 2


def test_formatting() -> None:
    assert format_quantity(5_050_120) == "5,050,120"
    assert format_quantity(1_245_418.0) == "1,245,418"
    assert format_quantity(12.5) == "12.5"
    assert format_quantity(None) == ""
    assert format_money(Money(Decimal("13500000"), "CNY")) == "¥13,500,000.00"
    assert format_money(Money(Decimal("922600"), "JPY")) == "JPY 922,600"
    assert format_money(Money(Decimal("50000"), "LKR")) == "LKR 50,000.00"


def test_config_adds_conversions_and_categories() -> None:
    catalog = parse_catalog(
        {
            "categories": {"masks": ["面具口罩"], "ventilators": ["ventilator", "呼吸机"]},
            "base_units": {"ventilators": "台"},
            "units": {
                "dozen": "12 pcs",
                "masks": {"carton": "2000 pcs", "bag": "10 pcs"},
                "gloves": {"box": "100 pairs"},
            },
        }
    )
    assert catalog.classify("KN95 masks", 3, "cartons").quantity == 6_000
    assert catalog.classify("KN95 masks", 3, "bags").quantity == 30
    assert catalog.classify("nitrile gloves", 2, "box").quantity == 200  # overrides 50
    assert catalog.classify("masks", 2, "boxes").quantity == 100  # default kept
    vent = catalog.classify("ICU 呼吸机", 4, "台")
    assert (vent.category, vent.quantity, vent.unit) == ("ventilators", 4, "pcs")
    assert catalog.ordered(["other", "ventilators", "masks", "funds"]) == [
        "masks",
        "ventilators",
        "other",
        "funds",
    ]


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"colours": {}}, "unknown key supplies.colours"),
        ({"units": {"box": 50}}, 'supplies.units.box: must be a string such as "50 pcs"'),
        ({"units": {"box": "fifty pcs"}}, "supplies.units.box: 'fifty pcs' is not like"),
        ({"units": {"masks": {"box": "0 pcs"}}}, "supplies.units.masks.box: the factor"),
        ({"categories": {"Masks": ["x"]}}, "supplies.categories.Masks: category names"),
        ({"categories": {"masks": "口罩"}}, "supplies.categories.masks: must be a list"),
    ],
)
def test_config_errors_name_the_key(section: dict[str, object], message: str) -> None:
    with pytest.raises(SuppliesConfigError, match=r"^config: ") as info:
        parse_catalog(section)
    assert message in str(info.value)
