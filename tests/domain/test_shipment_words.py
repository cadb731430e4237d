"""The words people type for an arrival's kind and hold-ups (the form, the CLI, a file)."""

from __future__ import annotations

import pytest

from dutyboard.domain.arrivals import (
    ArrivalKind,
    Customs,
    Permit,
    parse_customs,
    parse_kind,
    parse_permit,
)


@pytest.mark.parametrize("text", ["goods", "Shipment", " 物资 ", "货物", "ＧＯＯＤＳ"])
def test_goods(text: str) -> None:
    assert parse_kind(text) is ArrivalKind.SHIPMENT


@pytest.mark.parametrize("text", ["person", "traveller", "Traveler", "人员", "旅客"])
def test_people(text: str) -> None:
    assert parse_kind(text) is ArrivalKind.TRAVELLER


def test_holdups() -> None:
    assert parse_permit("pending") is Permit.PENDING and parse_permit("已批") is Permit.GRANTED
    assert parse_customs("待清关") is Customs.PENDING
    assert parse_customs("granted") is Customs.CLEARED  # "customs granted" means cleared
    for blank in ("", None, "none", "无", "n/a"):
        assert parse_permit(blank) is None and parse_customs(blank) is None
    with pytest.raises(ValueError, match="not a permit state"):
        parse_permit("maybe")
    with pytest.raises(ValueError, match="not a customs state"):
        parse_customs("soon")
    with pytest.raises(ValueError, match="neither goods nor a person"):
        parse_kind("car")
