"""Contacts with a country but no zone get one when it is knowable (night #10): the
country's only zone, a city the app knows, an offset that one zone of the country keeps;
otherwise no zone and a warning for each such contact."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dutyboard.domain.arrivals import zone_guess
from dutyboard.ingest.parse import parse_bytes, parse_file
from dutyboard.store import Store

WINTER = datetime(2026, 1, 10, tzinfo=UTC)
SUMMER = datetime(2026, 7, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("country", "zone"),
    [
        ("IN", "Asia/Kolkata"),
        ("PK", "Asia/Karachi"),
        ("ZA", "Africa/Johannesburg"),
        ("PL", "Europe/Warsaw"),
        ("IL", "Asia/Jerusalem"),
        ("TH", "Asia/Bangkok"),
    ],
)
def test_a_country_with_one_zone_gives_it(country: str, zone: str) -> None:
    assert zone_guess(country, None) == (zone, "country")


def test_offsets_settle_a_zone_only_with_the_country_and_only_when_one_clock_fits() -> None:
    five_thirty = timedelta(hours=5, minutes=30)
    assert zone_guess("IN", None, offset=five_thirty, at=WINTER) == ("Asia/Kolkata", "offset")
    assert zone_guess("LK", None, offset=five_thirty, at=WINTER) == ("Asia/Colombo", "offset")
    # US Eastern has many names that keep one clock: the first tzdata lists.
    assert zone_guess("US", None, offset=timedelta(hours=-5), at=WINTER)[0] == "America/New_York"
    # -07:00 in winter is Denver (daylight saving) and Phoenix (none): not settled.
    assert zone_guess("US", None, offset=timedelta(hours=-7), at=WINTER) == (
        None,
        "offset unsettled",
    )
    # An offset the country does not keep is not papered over with its only zone.
    assert zone_guess("IN", None, offset=timedelta(hours=-5), at=WINTER) == (
        None,
        "offset unsettled",
    )
    # A New York address written "-05:00" in July: the city, whose clock keeps -05:00 in
    # winter, not Chicago, which keeps it that day.
    assert zone_guess("US", "New York", offset=timedelta(hours=-5), at=SUMMER) == (
        "America/New_York",
        "city",
    )
    assert zone_guess("US", None, offset=timedelta(hours=-5), at=SUMMER)[0] == "America/Chicago"


def test_contacts_file_infers_marks_and_warns() -> None:
    text = (
        "name,country,city,tz\n"
        "Ravi Kumar,India,,\n"
        "Ayesha Khan,Pakistan,,\n"
        "Thabo Nkosi,South Africa,,\n"
        "Piotr Nowak,Poland,,\n"
        "Noa Levi,Israel,,\n"
        "Somchai,Thailand,,\n"
        "John Smith,United States,Seattle,\n"
        "Mary Jones,United States,,\n"
        "Priya Shah,India,,+05:30\n"
        "Nobody,,,+05:30\n"
    )
    result = parse_bytes(text.encode(), "people.csv", "contacts")
    zones = {row.fields["name"]: row.fields.get("tz") for row in result.rows}
    assert zones == {
        "Ravi Kumar": "Asia/Kolkata",
        "Ayesha Khan": "Asia/Karachi",
        "Thabo Nkosi": "Africa/Johannesburg",
        "Piotr Nowak": "Europe/Warsaw",
        "Noa Levi": "Asia/Jerusalem",
        "Somchai": "Asia/Bangkok",
        "John Smith": "America/Los_Angeles",
        "Mary Jones": None,
        "Priya Shah": "Asia/Kolkata",
        "Nobody": None,
    }
    marks = {row.fields["name"]: row.extra.get("tz inferred from") for row in result.rows}
    assert marks["Ravi Kumar"] == "country: IN"
    assert marks["John Smith"] == "city: Seattle"
    assert marks["Priya Shah"] == "offset: UTC+05:30 in IN"
    assert marks["Mary Jones"] is None
    priya = next(row for row in result.rows if row.fields["name"] == "Priya Shah")
    assert priya.extra["tz"] == "+05:30"  # the offset as written is kept
    warnings = "\n".join(result.warnings)
    assert "the time zone of 8 contacts was inferred" in warnings
    assert "'Mary Jones' has no time zone (country US has several zones" in warnings
    assert "'Nobody' has no time zone (the offset UTC+05:30 names none on its own" in warnings


def test_an_iana_zone_wins_and_is_not_marked() -> None:
    text = "name,country,tz\nAli,Pakistan,Asia/Karachi\nBo,China,Asia/Urumqi\n"
    result = parse_bytes(text.encode(), "c.csv", "contacts")
    assert [row.fields["tz"] for row in result.rows] == ["Asia/Karachi", "Asia/Urumqi"]
    assert all("tz inferred from" not in row.extra for row in result.rows)
    assert not any("inferred" in w for w in result.warnings)


def test_a_vcard_nobody_on_the_team_wrote(interop: Path, tmp_path: Path) -> None:
    """RFC 6350's own example organisation (US, no TZ) is left without a zone, with a
    warning; the full example keeps its TZ; stored as read."""
    org = parse_file(interop / "vcard" / "vcard40_org.vcf", "contacts")
    assert "tz" not in org.rows[0].fields
    assert any("has no time zone (country US has several zones" in w for w in org.warnings)
    full = parse_file(interop / "vcard" / "vcard40_full.vcf", "contacts")
    assert full.rows[0].fields["tz"] == "America/New_York"
    card = (
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Rohan Mehta\r\nTZ:+05:30\r\n"
        "ADR;TYPE=work:;;MG Road;Bengaluru;;;India\r\nEND:VCARD\r\n"
    )
    store = Store.open(tmp_path / "d.db", actor="t")
    try:
        from dutyboard.ingest.store_sink import ingest_bytes

        ingest_bytes(store, card.encode(), "in.vcf", kind="contacts", source="test")
        (row,) = store.conn.execute("SELECT tz, extra FROM contacts").fetchall()
        assert row[0] == "Asia/Kolkata" and "tz inferred from" in row[1]
    finally:
        store.close()
