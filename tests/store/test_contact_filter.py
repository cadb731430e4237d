"""The contacts panel's filter finds a contact by what the officer remembers: a role, a
note, a number or a chat ID (WeChat, WhatsApp, or a Telegram ID among the source's other
fields), in every order the panel offers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dutyboard.domain.contact_groups import ContactProfile, rank_profiles
from dutyboard.ingest.store_sink import ingest_bytes
from dutyboard.store import Store
from dutyboard.store import views as v
from tests.conftest import FIXED_NOW

CONTACTS: list[dict[str, Any]] = [
    {
        "name": "Nimal Perera",
        "tz": "Asia/Colombo",
        "role": "Consul (commercial)",
        "notes": "prefers calls after 10:00; knows the Hayleys glove plant",
        "wechat": "nimal_lk",
        "phone": "+94 77 123 4567",
    },
    {
        "name": "Sophie Martin",
        "tz": "Europe/Paris",
        "role": "Volunteer coordinator",
        "whatsapp": "+33 6 12 34 56 78",
        "extra": {"Telegram": "@sophie_relief", "Skype": "sophie.m"},
    },
    {
        "name": "Emily Chen",
        "tz": "America/New_York",
        "role": "留学生会 会长",
        "email": "emily@example.org",
        "extra": {"Telegram": "@emchen", "备注2": "纽约 物资 转运"},
    },
]


@pytest.fixture
def contacts(store: Store) -> Store:
    for fields in CONTACTS:
        store.add_contact(fields)
    return store


def found(store: Store, text: str, **view: object) -> list[str]:
    spec = v.ViewSpec("contacts", text=text, **view)  # type: ignore[arg-type]
    rows = v.page(store, spec, None, 50)
    assert v.count(store, spec) == len(rows)
    return sorted(r["name"] for r in rows)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("consul", ["Nimal Perera"]),  # role
        ("coordinator", ["Sophie Martin"]),
        ("会长", ["Emily Chen"]),
        ("Hayleys", ["Nimal Perera"]),  # notes
        ("nimal_lk", ["Nimal Perera"]),  # WeChat ("_" is a letter here, not a wildcard)
        ("12 34 56", ["Sophie Martin"]),  # WhatsApp (words: each must match)
        ("+33", ["Sophie Martin"]),
        ("123", ["Nimal Perera"]),  # phone
        ("emily@example", ["Emily Chen"]),  # e-mail
        ("@sophie_relief", ["Sophie Martin"]),  # Telegram, a field of the source's own
        ("@emchen", ["Emily Chen"]),
        ("转运", ["Emily Chen"]),
        ("sophie.m", ["Sophie Martin"]),
        ("consul Hayleys", ["Nimal Perera"]),  # every word, each anywhere
        ("consul emchen", []),
    ],
)
def test_the_filter_reads_roles_notes_and_chat_ids(
    contacts: Store, text: str, names: list[str]
) -> None:
    assert found(contacts, text) == names
    assert found(contacts, text, sort="country", descending=True) == names


def test_the_names_of_the_sources_fields_are_not_searched(contacts: Store) -> None:
    assert found(contacts, "Telegram") == []
    assert found(contacts, "Skype") == []
    # LIKE's wildcards are letters: "%" is in no contact, "_" in a WeChat ID, a Telegram
    # ID and a zone name (America/New_York).
    assert found(contacts, "%") == []
    assert found(contacts, "_") == ["Emily Chen", "Nimal Perera", "Sophie Martin"]
    assert found(contacts, "sophie_") == ["Sophie Martin"]


def test_the_reachable_first_order_filters_alike(contacts: Store) -> None:
    profiles = [ContactProfile.of(r) for r in v.contact_profiles(contacts)]
    ranking = tuple(rank_profiles(profiles, FIXED_NOW))
    spec = v.ViewSpec("contacts", text="@emchen", ranking=ranking)
    assert [r["name"] for r in v.page(contacts, spec, None, 50)] == ["Emily Chen"]
    assert v.count(contacts, spec) == 1


def test_extra_that_is_not_json_does_not_break_the_filter(contacts: Store) -> None:
    with contacts.transaction() as conn:  # a row written by hand, or by an old version
        conn.execute(
            "INSERT INTO contacts (name, extra, created_at, updated_at) "
            "VALUES ('Hand Written', '{not json @emchen', '2020', '2020')"
        )
    assert found(contacts, "@emchen") == ["Emily Chen"]
    assert found(contacts, "Hand") == ["Hand Written"]


def test_a_telegram_handle_from_a_vcard_is_found(store: Store, tmp_path: Path) -> None:
    """A vCard's IMPP:telegram has no column: it is one of the card's other fields, and the
    filter finds the contact by it all the same."""
    path = tmp_path / "drop" / "lk.vcf"
    path.parent.mkdir()
    path.write_text(
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Kamal Silva\r\nTITLE:Trade attaché\r\n"
        "TZ:Asia/Colombo\r\nIMPP:telegram:@kamal_trade\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    summary = ingest_bytes(
        store, path.read_bytes(), path.name, kind="contacts", source="cards", location=str(path)
    )
    assert (summary.added, summary.quarantined) == (1, 0)
    assert found(store, "@kamal_trade") == ["Kamal Silva"]
    assert found(store, "attaché") == ["Kamal Silva"]  # the TITLE is the role
