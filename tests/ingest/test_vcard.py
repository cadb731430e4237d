"""vCard contacts (vobject), including the interop samples."""

from __future__ import annotations

from pathlib import Path

import pytest

from dutyboard.ingest.parse import parse_bytes, parse_file
from dutyboard.ingest.records import UnreadableFile


def test_vcard40_full(interop: Path) -> None:
    result = parse_file(interop / "vcard" / "vcard40_full.vcf", "contacts")
    assert result.format == "vcard"
    assert not result.problems
    (row,) = result.rows
    assert row.external_id == "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"
    assert row.fields["tz"] == "America/New_York"
    assert row.fields["name"] == "Dr. John Q. Public, III"  # the FN without LANGUAGE
    assert row.fields["phone"] == "+1-555-555-5555"
    assert row.fields["email"] == "john.public@example.com"
    assert row.fields["org"] == "Example Corp."
    assert row.fields["role"] == "CEO"
    assert row.fields["country"] == "US"  # "U.S.A." in ADR
    assert row.fields["city"] == "Any Town"
    assert row.fields["languages"] == "en, fr"
    assert row.fields["kind"] == "person"
    assert row.fields["notes"] == "This is a note about John.\nHe likes vCards."
    # The other phones, e-mails, names and the second address are all kept.
    assert row.extra["TEL (cell)"] == "+1-555-123-4567"
    assert row.extra["EMAIL (home)"] == "johnny@personal.example.org"
    assert row.extra["FN (jp)"] == "John Q. Public"
    assert row.extra["ROLE"] == "Executive"
    assert "456 Oak Lane" in row.extra["ADR (home)"]
    assert row.extra["ORG (units)"] == "North Division; Marketing"
    assert row.raw.startswith("BEGIN:VCARD") and row.raw.endswith("END:VCARD")


def test_vcard_multilang_fn(interop: Path) -> None:
    (row,) = parse_file(interop / "vcard" / "vcard40_multilang.vcf", "contacts").rows
    assert row.fields["name"] == "Yamada Taro"
    assert row.extra["FN (ja)"] == "山田太郎"
    assert row.external_id == "urn:uuid:multilang-vcard-example"


def test_vcard30_minimal(interop: Path) -> None:
    (row,) = parse_file(interop / "vcard" / "radicale-1587.vcf", "contacts").rows
    assert row.fields == {"name": "Given Family", "kind": "person"}
    assert row.extra["GEO"] == "37.386013;-122.082932"


@pytest.mark.parametrize("name", ["vcard40_group.vcf", "vcard40_org.vcf"])
def test_group_and_org_cards_are_flagged(interop: Path, name: str) -> None:
    result = parse_file(interop / "vcard" / name, "contacts")
    (row,) = result.rows
    assert row.fields["kind"] == "org"
    assert any("not a person" in warning for warning in result.warnings)


def test_org_card_fields(interop: Path) -> None:
    (row,) = parse_file(interop / "vcard" / "vcard40_org.vcf", "contacts").rows
    assert row.fields["org"] == "ABC, Inc."  # escaped comma
    assert row.fields["phone"] == "+1-555-000-0000"
    assert row.fields["email"] == "marketing@abc.example.com"


def test_several_cards_one_broken_and_offsets() -> None:
    text = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Nimal Perera\r\nORG:Colombo Office\r\n"
        "TZ:+05:30\r\nADR;TYPE=work:;;1 Galle Rd;Colombo;;;斯里兰卡\r\n"
        "X-WECHAT:nimal_wx\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Broken\r\nBEGIN:VCARD\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana\r\nTZ:-05:00\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:2.1\r\nN:;\r\nEND:VCARD\r\n"
    )
    result = parse_bytes(text.encode(), "people.vcf", "contacts")
    names = [row.fields.get("name") for row in result.rows]
    assert names == ["Nimal Perera", "Ana"]
    nimal, ana = result.rows
    assert nimal.fields["country"] == "LK" and nimal.fields["city"] == "Colombo"
    assert nimal.fields["wechat"] == "nimal_wx"
    # An offset with the country names the zone (night #10); the offset itself is kept.
    assert nimal.fields["tz"] == "Asia/Colombo" and nimal.extra["TZ"] == "+05:30"
    assert nimal.extra["tz inferred from"] == "city: Colombo"  # the city agrees with it
    assert ana.fields["tz"] == "Etc/GMT+5"
    assert ana.row_number == 14
    assert any("Etc/GMT+5" in warning for warning in result.warnings)
    reasons = {problem.row_number: problem.reason for problem in result.problems}
    assert reasons[9] == "the card starting on line 9 has no END:VCARD"
    assert reasons[12].startswith("missing required field name")  # an empty card
    assert reasons[19].startswith("missing required field name")
    assert result.problems[0].raw == "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Broken"


def test_text_outside_cards_is_kept_as_a_problem() -> None:
    text = "hello\nBEGIN:VCARD\nFN:A\nEND:VCARD\ntrailing junk\n"
    result = parse_bytes(text.encode(), "x.vcf", "contacts")
    assert [row.fields["name"] for row in result.rows] == ["A"]
    assert [(p.row_number, p.raw) for p in result.problems] == [
        (1, "hello"),
        (5, "trailing junk"),
    ]


def test_vcard_is_contacts_only(interop: Path) -> None:
    with pytest.raises(UnreadableFile, match="only be imported as contacts"):
        parse_file(interop / "vcard" / "vcard40_full.vcf", "requests")


def test_vcf_without_cards_is_unreadable() -> None:
    with pytest.raises(UnreadableFile, match="no BEGIN:VCARD"):
        parse_bytes(b"", "empty.vcf", "contacts")
