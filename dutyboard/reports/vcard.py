"""Contacts out as vCard 4.0, for phones and address books (vobject writes the format)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import vobject


def contact_card(row: Mapping[str, Any]) -> str:
    card = vobject.vCard()
    card.add("version").value = "4.0"
    card.add("fn").value = str(row.get("name") or "")
    card.add("n").value = vobject.vcard.Name(family="", given=str(row.get("name") or ""))
    if row.get("kind") == "org":
        card.add("kind").value = "org"
    if row.get("org"):
        card.add("org").value = [str(row["org"])]
    if row.get("role"):
        card.add("title").value = str(row["role"])
    for field in ("phone", "whatsapp"):
        if row.get(field):
            tel = card.add("tel")
            tel.value = str(row[field])
            if field == "whatsapp":
                tel.params["TYPE"] = ["x-whatsapp"]
    if row.get("email"):
        card.add("email").value = str(row["email"])
    if row.get("wechat"):
        card.add("impp").value = f"x-wechat:{row['wechat']}"
    if row.get("tz"):
        card.add("tz").value = str(row["tz"])
    if row.get("city") or row.get("country"):
        card.add("adr").value = vobject.vcard.Address(
            city=str(row.get("city") or ""), country=str(row.get("country") or "")
        )
    if row.get("languages"):
        for lang in str(row["languages"]).split(","):
            if lang.strip():
                card.add("lang").value = lang.strip()
    if row.get("external_id") and row.get("source"):
        card.add("uid").value = f"dutyboard:{row['source']}:{row['external_id']}"
    elif row.get("id"):
        card.add("uid").value = f"dutyboard:contact:{row['id']}"
    return str(card.serialize())


def contacts_vcf(rows: Iterable[Mapping[str, Any]]) -> str:
    return "".join(contact_card(row) for row in rows)
