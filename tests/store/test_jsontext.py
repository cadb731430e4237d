"""Canonical JSON must be byte for byte what the standard library writes: hashes depend on it."""

from __future__ import annotations

import enum
import json
import math
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dutyboard.ingest.store_sink import content_hash
from dutyboard.store.jsontext import _same_text, canonical_bytes, canonical_text


def standard(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=20,
)


def encodable(value: object) -> bool:
    try:
        standard(value).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: neither writer can store it
        return False
    return True


@settings(max_examples=600, deadline=None)
@given(values)
def test_same_text_as_the_standard_library(value: object) -> None:
    if not encodable(value):
        with pytest.raises(UnicodeEncodeError):
            canonical_bytes(value)
        return
    assert canonical_text(value) == standard(value)
    assert canonical_bytes(value) == standard(value).encode("utf-8")


@pytest.mark.parametrize(
    "value",
    [
        9.9e-05,
        -1e-300,
        math.nan,
        -math.inf,
        2**64,
        -(2**64) - 1,
        datetime(2020, 2, 3, 14, 0, tzinfo=UTC),
        Decimal("1.50"),
        (1, "二"),
        {"nested": [{"b": 1, "a": 2.5e-7}]},
    ],
    ids=repr,
)
def test_values_orjson_writes_otherwise_take_the_standard_path(value: object) -> None:
    assert canonical_text(value) == standard(value)


def test_enums_are_written_as_their_text() -> None:
    class Colour(enum.Enum):
        RED = "red"

    class Level(enum.StrEnum):
        HIGH = "high"

    for value in ({"c": Colour.RED}, {"l": Level.HIGH}):
        assert canonical_text(value) == standard(value)


def test_a_plain_record_takes_the_fast_path() -> None:
    fields = {
        "org": "第6人民医院",
        "item": "N95口罩",
        "quantity": 1200,
        "price": 3.5,
        "notes": None,
        "urgent": True,
    }
    assert _same_text(["requests", fields])
    assert not _same_text({"t": datetime(2020, 2, 3, tzinfo=UTC)})
    assert canonical_text({1: "integer key"}) == standard({1: "integer key"})  # orjson refuses


def test_content_hash_is_unchanged() -> None:
    # Pinned (written by the standard library before orjson): a record ingested by an
    # older dutyboard must hash the same today.
    fields = {"org": "第6人民医院", "item": "护目镜", "quantity": 43936, "unit": "副"}
    assert content_hash("requests", fields) == "fdc96ecdeba848c12598e67a9d1f471e"
    assert content_hash("requests", fields, 2) != content_hash("requests", fields)
