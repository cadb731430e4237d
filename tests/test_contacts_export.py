"""Contacts out (vCard, CSV) and back in through the ingest layer."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

from dutyboard.ingest.parse import parse_bytes
from dutyboard.reports.vcard import contacts_vcf
from dutyboard.store import Store


def test_vcard_export_reads_back_through_the_importer() -> None:
    rows = [
        {"id": 1, "name": "Nimal Perera", "org": "Trade council", "role": "Head of office",
         "phone": "+94 11 2345678", "email": "nimal@example.org", "tz": "Asia/Colombo",
         "city": "Colombo", "country": "LK", "languages": "en, si"},
        {"id": 2, "name": "山田太郎", "tz": "Asia/Tokyo", "country": "JP"},
    ]  # fmt: skip
    result = parse_bytes(contacts_vcf(rows).encode(), "out.vcf", "contacts")
    assert not result.problems
    first, second = (r.fields for r in result.rows)
    for key in ("name", "org", "role", "phone", "email", "tz", "city", "country"):
        assert first[key] == rows[0][key], key
    assert (second["name"], second["tz"], second["country"]) == ("山田太郎", "Asia/Tokyo", "JP")


def test_store_records_a_contact_attempt(store: Store) -> None:
    cid = store.add_contact({"name": "Ayesha Khan", "tz": "Asia/Karachi"})
    row = store.record_contact_attempt(cid, "whatsapp", "left message", "call back 16:00")
    assert row["last_contacted"] == store.now()
    (event,) = [e for e in store.history("contact", cid) if e["action"] == "contact_attempt"]
    assert "left message" in str(event["after"]) and "whatsapp" in str(event["after"])


def test_cli_export_csv_is_safe_for_spreadsheets(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    store = Store.open(db)
    store.add_contact({"name": '=HYPERLINK("http://evil","x")', "phone": "+94 11 2"})
    store.add_contact({"name": "Karma Dorji", "tz": "Asia/Thimphu"})
    store.close()
    env = {**os.environ, "NO_COLOR": "1"}
    out = tmp_path / "c.csv"
    result = subprocess.run(
        [sys.executable, "-m", "dutyboard", "contacts", "export", "--db", str(db),
         "--format", "csv", "--force", "--out", str(out)],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "2 contacts written" in result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    names = {r["name"] for r in rows}
    assert '\'=HYPERLINK("http://evil","x")' in names and "Karma Dorji" in names
    assert {r["phone"] for r in rows} == {"'+94 11 2", ""}
    vcf = subprocess.run(
        [sys.executable, "-m", "dutyboard", "contacts", "export", "--db", str(db),
         "--filter", "Karma"],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert vcf.stdout.count("BEGIN:VCARD") == 1 and "TZ:Asia/Thimphu" in vcf.stdout
