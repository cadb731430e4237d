"""Phone numbers as typed → E.164, display, region, valid or not (issue 22, phonenumbers).

A number that cannot be read is kept as typed and marked, never dropped or guessed at.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dutyboard.domain.phones import (
    MAX_PHONE_CHARS,
    Phone,
    e164,
    number_zone,
    number_zones,
    read_phone,
    same_number,
)

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize(
    ("typed", "region", "expected", "country"),
    [
        ("+94 11 234 5678", None, "+94112345678", "LK"),
        ("011 234 5678", "LK", "+94112345678", "LK"),
        ("011-2345678", "lk", "+94112345678", "LK"),
        ("13812345678", "CN", "+8613812345678", "CN"),
        ("+86 138 1234 5678", "US", "+8613812345678", "CN"),  # its own code wins
        ("0086 138 1234 5678", "CN", "+8613812345678", "CN"),
        ("(212) 555-0100", "US", "+12125550100", "US"),
        ("+92 300 1234567", None, "+923001234567", "PK"),
        ("+975 2 323 456", None, "+9752323456", "BT"),
        ("Tel: +94 11 234 5678", None, "+94112345678", "LK"),
        ("tel:+94-11-234-5678", None, "+94112345678", "LK"),
        ("手机：138 1234 5678", "CN", "+8613812345678", "CN"),
        ("13812345678（手机）", "CN", "+8613812345678", "CN"),
        ("+86-138-1234-5678 (mobile)", None, "+8613812345678", "CN"),  # not 662453
        ("13812345678 mobile", "CN", "+8613812345678", "CN"),
        ("+44 (0)20 7946 0958", None, "+442079460958", "GB"),
        ("030/1234567", "DE", "+49301234567", "DE"),  # a slash inside one number
        ("１３８１２３４５６７８", "CN", "+8613812345678", "CN"),  # full-width digits
        ("\x1b[2J+94 11 234 5678\u202e", None, "+94112345678", "LK"),
    ],
)
def test_numbers_read_to_e164(typed: str, region: str | None, expected: str, country: str) -> None:
    phone = read_phone(typed, region)
    assert phone.e164 == expected
    assert phone.region == country
    assert phone.valid and phone.problem is None
    assert e164(typed, region) == expected


def test_what_a_phone_says() -> None:
    phone = read_phone("+1 212 555 0100 ext. 12")
    assert phone == Phone(
        typed="+1 212 555 0100 ext. 12",
        e164="+12125550100",
        international="+1 212-555-0100 ext. 12",
        region="US",
        valid=True,
        extension="12",
    )
    assert phone.shown == "+1 212-555-0100 ext. 12"
    assert read_phone("010-6552 9988 转 123", "CN").extension == "123"
    assert read_phone("+800 1234 5678").region is None  # non-geographic (international freephone)


@pytest.mark.parametrize(
    ("typed", "region", "problem"),
    [
        ("138 1234 5678", None, "has no country code (+…) and no country to read it in"),
        ("0094 11 234 5678", None, "has no country code"),
        ("011 234 5678", "XX", "has no country code"),  # a region with no numbering plan
        ("+999 1234", None, "has a country code I do not know"),
        ("garbage", None, "is not a phone number I can read"),
        ("", None, "is empty"),
        ("   ", None, "is empty"),
        ("1-800-FLOWERS-1", "US", "has letters where digits should be"),
        ("138 1234 5678 / 139 8765 4321", "CN", "holds more than one phone number"),
        ("13812345678, 13987654321", "CN", "holds more than one phone number"),
        ("9" * 200, None, "is too long for a phone number"),
        ("9" * 5000, None, "is too long for a phone number"),
    ],
)
def test_what_cannot_be_read_is_kept_as_typed_and_marked(
    typed: str, region: str | None, problem: str
) -> None:
    phone = read_phone(typed, region)
    assert phone.e164 is None and phone.international is None and not phone.valid
    assert phone.problem is not None and phone.problem.startswith(problem)
    assert phone.typed == typed.strip()  # kept (cleaned of controls only)
    assert phone.shown == phone.typed
    assert e164(typed, region) is None


def test_a_possible_number_outside_the_plan_keeps_its_e164_marked_not_valid() -> None:
    """'+1 555…' is fictional; a number of a range the library learns of late looks the
    same: its E.164 is kept (storage can still find it twice), marked not valid."""
    phone = read_phone("+1-555-555-5555")
    assert phone.e164 == "+15555555555" and not phone.valid
    assert phone.problem == "is not a number in use in its country's numbering plan"


def test_same_number() -> None:
    assert same_number("+94 11 234 5678", "011-2345678", "LK")
    assert same_number("+86 138 1234 5678", "13812345678", "CN")
    assert not same_number("+94 11 234 5678", "+94 11 234 5679")
    assert not same_number("+1 212 555 0100 ext. 1", "+1 212 555 0100 ext. 2")
    assert same_number("12x 34", "1234x")  # unreadable: the same digits as typed
    assert not same_number("garbage", "nonsense")


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("+94 11 234 5678", "Asia/Colombo"),
        ("+1 212 555 0100", "America/New_York"),
        ("+1 415 555 2671", "America/Los_Angeles"),
        ("+34 928 123 456", "Atlantic/Canary"),  # not Madrid
        ("+86 10 6552 9988", "Asia/Shanghai"),
        ("+1 907 555 0100", None),  # Alaska: two zones
        ("+1 800 555 0100", None),  # toll-free: the whole plan
        ("+61 4 1234 5678", None),  # an Australian mobile: anywhere
        ("+800 1234 5678", None),  # non-geographic
        ("garbage", None),
    ],
)
def test_a_number_gives_a_zone_only_when_its_prefix_allows_one(
    typed: str, zone: str | None
) -> None:
    assert number_zone(typed) == zone
    assert "Etc/Unknown" not in number_zones(typed)


PHONE_SOUP = st.lists(
    st.one_of(
        st.sampled_from(
            [*"0123456789+-() ./,;x#", "ext", "转", "tel:", "\x00", "\x1b[2J", "\u202e", "ｌ"]
        ),
        st.characters(exclude_categories=["Cs"]),
    ),
    max_size=80,
).map("".join)


@FAST
@given(PHONE_SOUP, st.sampled_from([None, "CN", "US", "LK", "XX", "", "cn", "C"]))
def test_any_text_reads_to_a_phone_without_raising(typed: str, region: str | None) -> None:
    phone = read_phone(typed, region)
    assert (phone.e164 is None) == (phone.international is None)
    assert phone.e164 is not None or phone.problem is not None
    if phone.e164 is not None:
        assert phone.e164.startswith("+") and phone.e164[1:].isdigit()
        assert len(typed) <= MAX_PHONE_CHARS * 4


@FAST
@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_round_trip_through_e164(national: str) -> None:
    """A number read, written as E.164, reads back to itself (with no region at all)."""
    first = read_phone(national, "CN")
    if first.e164 is None:
        return
    again = read_phone(first.e164)
    assert again.e164 == first.e164 and again.region == first.region
    assert read_phone(first.international or "").e164 == first.e164


def test_importing_phones_loads_no_library() -> None:
    code = (
        "import sys, dutyboard.domain.phones, dutyboard.domain.arrivals, "
        "dutyboard.ingest.normalise\n"
        "print('phonenumbers' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
