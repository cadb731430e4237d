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


# -- the phone number's region (issue 22): TZ > offset with the country > city > phone > --
# -- the country's only zone ---------------------------------------------------------------


def test_the_phone_number_settles_a_zone_the_country_leaves_open() -> None:
    # Several zones in the country: a landline's area code has one.
    assert zone_guess("US", None, phone="+1 212 555 0100") == ("America/New_York", "phone")
    assert zone_guess("US", None, phone="(415) 555-2671") == ("America/Los_Angeles", "phone")
    # Before the country's principal zone (Spain → Madrid): the Canaries' prefix.
    assert zone_guess("ES", None, phone="+34 928 123 456") == ("Atlantic/Canary", "phone")
    # No country at all: the number's own region.
    assert zone_guess(None, None, phone="+94 11 234 5678") == ("Asia/Colombo", "phone")
    # phonenumbers says "Asia/Calcutta"; the zone is written as tzdata writes it now.
    assert zone_guess(None, None, phone="+91 98765 43210") == ("Asia/Kolkata", "phone")
    # A national number is read in the configured default region when there is no country.
    assert zone_guess(None, None, phone="011 234 5678") == (None, "no country")
    assert zone_guess(None, None, phone="011 234 5678", default_region="LK") == (
        "Asia/Colombo",
        "phone",
    )


def test_what_wins_over_the_phone_and_what_it_never_overrides() -> None:
    # An offset matching the country comes first: -05:00 in January is the East Coast.
    west_coast = "+1 415 555 2671"
    eastern = zone_guess("US", None, offset=timedelta(hours=-5), at=WINTER, phone=west_coast)
    assert eastern == ("America/New_York", "offset")
    # A city the app knows comes before the number (people move, numbers stay).
    assert zone_guess("US", "Seattle", phone="+1 212 555 0100") == ("America/Los_Angeles", "city")
    # A number of another country says nothing of where the contact is: a student in
    # London with a +86 number is on London's clock.
    assert zone_guess("GB", None, phone="+86 138 1234 5678") == ("Europe/London", "country")
    assert zone_guess("US", None, phone="+86 138 1234 5678") == (None, "several zones")
    # A prefix of several zones (Alaska, a mobile anywhere in Australia) settles nothing.
    assert zone_guess("US", None, phone="+1 907 555 0100") == (None, "several zones")
    assert zone_guess("AU", None, phone="+61 4 1234 5678") == (None, "several zones")
    # Unreadable numbers are no evidence.
    assert zone_guess("US", None, phone="call the office") == (None, "several zones")
    assert zone_guess("IN", None, phone="garbage") == ("Asia/Kolkata", "country")


def test_with_no_country_the_number_pins_an_offset() -> None:
    half = timedelta(hours=5, minutes=30)
    assert zone_guess(None, None, offset=half, at=WINTER, phone="+91 98765 43210") == (
        "Asia/Kolkata",
        "offset",
    )
    # The offset and the number's country disagree: nothing is guessed.
    assert zone_guess(
        None, None, offset=timedelta(hours=-5), at=WINTER, phone="+91 98765 43210"
    ) == (
        None,
        "offset unsettled",
    )


def test_contacts_file_infers_zones_from_numbers_and_lists_unreadable_ones() -> None:
    text = (
        "name,country,city,tz,phone\n"
        "Kamal Perera,,,,+94 11 234 5678\n"
        "Ana Ruiz,Spain,,,+34 928 123 456\n"
        "Joe Bloggs,United States,,,+1 212 555 0100\n"
        "Li Wei,United Kingdom,,,+86 138 1234 5678\n"
        "Tariq,,,+05:00,+92 300 1234567\n"
        "Nobody,,,,call the office\n"
        "Zed,United States,,,1-800-FLOWERS-1\n"
    )
    result = parse_bytes(text.encode(), "people.csv", "contacts")
    rows = {row.fields["name"]: row for row in result.rows}
    assert {name: row.fields.get("tz") for name, row in rows.items()} == {
        "Kamal Perera": "Asia/Colombo",
        "Ana Ruiz": "Atlantic/Canary",
        "Joe Bloggs": "America/New_York",
        "Li Wei": "Europe/London",
        "Tariq": "Asia/Karachi",
        "Nobody": None,
        "Zed": None,
    }
    marks = {name: row.extra.get("tz inferred from") for name, row in rows.items()}
    assert marks["Kamal Perera"] == "phone: +94112345678"
    assert marks["Ana Ruiz"] == "phone: +34928123456"
    assert marks["Li Wei"] == "country: GB"
    assert marks["Tariq"] == "offset: UTC+05:00 in PK"
    # every number is kept as typed, readable or not
    assert rows["Nobody"].fields["phone"] == "call the office"
    assert rows["Zed"].fields["phone"] == "1-800-FLOWERS-1"
    warnings = "\n".join(result.warnings)
    assert "3 from the phone" in warnings
    assert (
        "2 phone numbers could not be read as numbers in use (row 7: phone 'call the office' "
        "is not a phone number I can read; row 8: phone '1-800-FLOWERS-1' has letters where "
        "digits should be); kept as typed"
    ) in warnings


def test_the_desk_default_region_reads_national_numbers() -> None:
    from dutyboard.ingest.normalise import Normaliser
    from dutyboard.ingest.source import Column, SourceRecord

    columns = [Column("name"), Column("phone")]
    for region, zone in ((None, None), ("LK", "Asia/Colombo")):
        normaliser = Normaliser("contacts", "csv", mapping=None, zone=UTC, phone_region=region)
        normaliser.add(
            SourceRecord(2, list(zip(columns, ["Kamal", "011 234 5678"], strict=True)), "x")
        )
        (row,) = normaliser.finish().rows
        assert row.fields.get("tz") == zone
        assert row.fields["phone"] == "011 234 5678"


def test_an_unreadable_phone_leaves_the_whatsapp_number_to_settle_it() -> None:
    text = "name,phone,whatsapp\nKamal,ask reception,+94 77 123 4567\n"
    (row,) = parse_bytes(text.encode(), "c.csv", "contacts").rows
    assert row.fields["tz"] == "Asia/Colombo"
    assert row.extra["tz inferred from"] == "phone: +94771234567"
    assert row.fields["phone"] == "ask reception"
