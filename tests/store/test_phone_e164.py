"""A contact's and a lead's phone number in E.164 beside the number as typed (issue 22).

The store derives ``phone_e164`` on every write, on both engines: in the record's own
country, else in the desk's region (``Store.phone_region``); a number that cannot be read
keeps its typed form and no E.164. Desks from before m130 get theirs on upgrade.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest
from sqlite_utils import Database

from dutyboard.config import ConfigError
from dutyboard.domain.limits import DEFAULT
from dutyboard.ingest.jobs import ingest_for
from dutyboard.ingest.sources import SourceConfig, parse_sources
from dutyboard.store import Store, pg_schema
from dutyboard.store.schema import migrations
from dutyboard.store.sources import register_sources
from tests.pgserver import PgServer


def _e164(store: Store, table: str, record_id: int) -> tuple[str | None, str | None]:
    row = store.get(table, record_id)
    return row["phone"], row["phone_e164"]


def test_numbers_are_kept_as_typed_and_in_e164(store: Store) -> None:
    plus = store.add_contact({"name": "Nimal", "phone": "+94 77 123 4567"})
    national = store.add_contact({"name": "Ayesha", "country": "PK", "phone": "0300 1234567"})
    unreadable = store.add_contact({"name": "Dorji", "phone": "call the front desk"})
    none = store.add_contact({"name": "Nobody"})
    lead = store.add_lead(
        {"supplier": "Lanka Medical", "item": "masks", "country": "LK", "phone": "077-123-4567"}
    )
    assert _e164(store, "contacts", plus) == ("+94 77 123 4567", "+94771234567")
    assert _e164(store, "contacts", national) == ("0300 1234567", "+923001234567")
    assert _e164(store, "contacts", unreadable) == ("call the front desk", None)
    assert _e164(store, "contacts", none) == (None, None)
    assert _e164(store, "leads", lead) == ("077-123-4567", "+94771234567")
    # Requests keep the number as typed only (a unit's own line, read by people).
    request = store.add_request({"org": "No. 1 Middle School", "item": "masks", "phone": "138"})
    assert "phone_e164" not in store.get("requests", request)


def test_a_national_number_without_a_country_reads_in_the_desks_region(store: Store) -> None:
    before = store.add_contact({"name": "王老师", "phone": "138 1234 5678"})
    assert _e164(store, "contacts", before)[1] is None  # no country, no region: not read
    store.phone_region = "CN"
    after = store.add_contact({"name": "李老师", "phone": "138 1234 5679"})
    assert _e164(store, "contacts", after)[1] == "+8613812345679"
    # The record's own country wins over the desk's region.
    abroad = store.add_contact({"name": "Nimal", "country": "LK", "phone": "077 123 4567"})
    assert _e164(store, "contacts", abroad)[1] == "+94771234567"


def test_an_edit_of_the_number_or_the_country_reads_it_again(store: Store) -> None:
    contact = store.add_contact({"name": "Nimal", "phone": "077 123 4567"})
    assert _e164(store, "contacts", contact)[1] is None
    with store.transaction() as conn:
        store.update_record(conn, "contacts", contact, {"country": "LK"})
    assert _e164(store, "contacts", contact)[1] == "+94771234567"
    with store.transaction() as conn:
        store.update_record(conn, "contacts", contact, {"phone": "+975 17 12 34 56"})
    assert _e164(store, "contacts", contact) == ("+975 17 12 34 56", "+97517123456")
    with store.transaction() as conn:
        store.update_record(conn, "contacts", contact, {"phone": None})
    assert _e164(store, "contacts", contact) == (None, None)
    # The derived column is the store's: a caller cannot set it.
    with pytest.raises(Exception, match="unknown field"):
        store.add_contact({"name": "x", "phone_e164": "+1"})


def test_a_sqlite_desk_from_before_m130_gets_its_numbers_on_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = Database(path)
    migrations.apply(db, stop_before="m130_phone_e164")
    db.execute(
        "INSERT INTO contacts (name, country, phone, created_at, updated_at) VALUES "
        "('Nimal', 'LK', '077 123 4567', 'x', 'x'), ('Dorji', NULL, 'not a number', 'x', 'x'),"
        " ('Jane', NULL, '+1 212 555 0100', 'x', 'x')"
    )
    db.execute(
        "INSERT INTO leads (supplier, item, phone, created_at, updated_at) "
        "VALUES ('Acme', 'gloves', '+49 30 1234567', 'x', 'x')"
    )
    db.conn.commit()
    db.close()
    Store.open(path).close()  # an officer's open upgrades it
    raw = sqlite3.connect(path)
    try:
        got = raw.execute("SELECT name, phone_e164 FROM contacts ORDER BY id").fetchall()
        lead = raw.execute("SELECT phone_e164 FROM leads").fetchone()
    finally:
        raw.close()
    assert got == [("Nimal", "+94771234567"), ("Dorji", None), ("Jane", "+12125550100")]
    assert lead == ("+49301234567",)


def test_a_postgresql_desk_from_before_m130_gets_its_numbers_on_upgrade(
    pg_server: PgServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = pg_server.url(pg_server.fresh_database())
    with psycopg.connect(url, autocommit=True) as conn:
        with monkeypatch.context() as patched:  # the schema as the version before m130 made it
            patched.setattr(pg_schema, "STEPS", (pg_schema.BASELINE,))
            pg_schema.create_schema(conn)
        conn.execute(
            "INSERT INTO contacts (name, country, phone, created_at, updated_at) VALUES "
            "('Nimal', 'LK', '077 123 4567', 'x', 'x'), ('Dorji', NULL, 'nope', 'x', 'x')"
        )
        assert pg_schema.create_schema(conn)[0] == "m130_phone_e164"  # and the ones after
        got = conn.execute("SELECT name, phone_e164 FROM contacts ORDER BY id").fetchall()
    assert got == [("Nimal", "+94771234567"), ("Dorji", None)]


def test_two_contacts_with_one_number_are_flagged_as_possible_duplicates(store: Store) -> None:
    from dutyboard.ingest.store_sink import ingest_bytes

    store.phone_region = "CN"
    first = (
        "name,country,phone\n"
        "Nimal Perera,LK,+94 77 123 4567\n"
        "N. Perera,LK,077-1234567\n"  # the same number, written the local way
        "王老师,,138 1234 5678\n"  # read in the desk's region
        "Front desk,,not a number\n"
    )
    summary = ingest_bytes(store, first.encode(), "book.csv", kind="contacts", source="book")
    assert (summary.added, summary.flagged) == (4, 1)
    later = "name,phone\nWang (school),+86 138-1234-5678\n"
    summary = ingest_bytes(store, later.encode(), "chat.csv", kind="contacts", source="chat")
    assert (summary.added, summary.flagged) == (1, 1)
    links = store.conn.execute(
        "SELECT record_id, other_id, reason FROM possible_duplicates WHERE entity = 'contact' "
        "ORDER BY record_id"
    ).fetchall()
    assert [(int(a), int(b)) for a, b, _ in links] == [(2, 1), (5, 3)]
    assert "same phone number (+94771234567) as contact #1" in links[0][2]
    events = store.history("contact", 5)
    assert any(event["action"] == "possible_duplicate" for event in events)


def test_a_contact_saved_by_hand_with_a_known_number_is_flagged_too(store: Store) -> None:
    """A form or a pasted message (``Store.add_contact``) flags the same number as an
    import does: the person may already be on the desk under another name."""
    first = store.add_contact({"name": "Nimal Perera", "country": "LK", "phone": "077 123 4567"})
    other = store.add_contact({"name": "Someone else", "phone": "+94 11 234 5678"})
    again = store.add_contact({"name": "N. Perera", "phone": "+94 77 123 4567"})
    links = store.conn.execute(
        "SELECT record_id, other_id, reason FROM possible_duplicates WHERE entity = 'contact'"
    ).fetchall()
    assert [(int(a), int(b)) for a, b, _ in links] == [(again, first)]
    assert f"as contact #{first}" in links[0][2] and other not in (links[0][0], links[0][1])
    assert any(e["action"] == "possible_duplicate" for e in store.history("contact", first))


CONTACTS_CSV = "name,phone\nNimal Perera,077 123 4567\n"


@pytest.mark.parametrize(
    ("region", "e164", "tz"),
    [("LK", "+94771234567", "Asia/Colombo"), (None, "+86771234567", None)],
)
def test_a_source_of_another_countrys_units_reads_their_numbers_in_its_region(
    store: Store, tmp_path: Path, region: str | None, e164: str, tz: str | None
) -> None:
    """A Colombo office's contact sheet on a Shanghai desk: ``[[sources]] phone_region =
    "LK"`` reads its national numbers as Sri Lankan, for what is stored and for the zone
    the import infers from them alike. Without it they are read in the desk's region (CN),
    where this mobile number would be a Nanning landline (0771) a digit short: no zone."""
    store.phone_region = "CN"
    source = SourceConfig(
        "colombo", "contacts", "folder", path=tmp_path, zone="Asia/Colombo", phone_region=region
    )
    register_sources(store, [source])
    summary = ingest_for(
        store, source, CONTACTS_CSV.encode(), "contacts.csv", location="contacts.csv",
        limits=DEFAULT,
    )  # fmt: skip
    assert summary.added == 1
    row = store._one("SELECT phone, phone_e164, tz FROM contacts WHERE name = 'Nimal Perera'")
    assert row == {"phone": "077 123 4567", "phone_e164": e164, "tz": tz}


def test_a_sources_phone_region_is_checked_like_the_desks() -> None:
    (source,) = parse_sources(
        [
            {
                "name": "c",
                "kind": "contacts",
                "type": "folder",
                "path": "/srv/c",
                "phone_region": "lk",
            }
        ],
        where="config.toml",
    )
    assert source.phone_region == "LK"
    with pytest.raises(ConfigError, match=r"sources\[0\]\.phone_region"):
        parse_sources(
            [
                {
                    "name": "c",
                    "kind": "contacts",
                    "type": "folder",
                    "path": "/c",
                    "phone_region": "XX",
                }
            ],
            where="config.toml",
        )
