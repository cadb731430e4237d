"""A contacts sheet's role column, whatever its header says (角色, role, 职务, position,
title…), fills the contact's role: real files in a temp folder, into a real desk."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from openpyxl import Workbook

from dutyboard import cli
from dutyboard.ingest.store_sink import ingest_bytes
from dutyboard.store import Store


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("DUTYBOARD_CONFIG", "DUTYBOARD_DB", "DUTYBOARD_USER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))


def roles(store: Store) -> dict[str, tuple[str | None, str | None]]:
    rows = store.conn.execute("SELECT name, role, extra FROM contacts ORDER BY id")
    return {r["name"]: (r["role"], r["extra"]) for r in rows}


@pytest.mark.parametrize("header", ["角色", "role", "Role", "职务", "position", "Title", "职位"])
def test_a_role_column_fills_the_role(store: Store, tmp_path: Path, header: str) -> None:
    path = tmp_path / "contacts" / "海外联络人.csv"
    path.parent.mkdir()
    path.write_text(
        f"姓名,{header},国家,时区\n"
        "Nimal Perera,商务领事,LK,Asia/Colombo\n"
        "Sophie Martin,Volunteer coordinator,FR,Europe/Paris\n",
        encoding="utf-8",
    )
    summary = ingest_bytes(
        store,
        path.read_bytes(),
        path.name,
        kind="contacts",
        source="contacts-drop",
        location=str(path),
        zone="Asia/Shanghai",
    )
    assert (summary.added, summary.quarantined) == (2, 0)
    assert roles(store) == {
        "Nimal Perera": ("商务领事", None),
        "Sophie Martin": ("Volunteer coordinator", None),
    }


def test_a_role_column_in_a_spreadsheet_through_the_cli(tmp_path: Path) -> None:
    sheet = Workbook()
    ws = sheet.active
    assert ws is not None
    ws.append(["姓名", "机构", "角色", "微信", "时区"])
    ws.append(["王磊", "驻科伦坡总领馆", "领事", "wanglei_cg", "Asia/Colombo"])
    path = tmp_path / "drop" / "联络人.xlsx"
    path.parent.mkdir()
    sheet.save(path)
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    db = tmp_path / "duty.db"
    args = ["--db", str(db), "--create", "--config", str(config)]
    assert cli.main([*args, "ingest", "--kind", "contacts", str(path)]) == 0
    conn = sqlite3.connect(db)
    try:
        row = conn.execute("SELECT name, org, role, wechat, extra FROM contacts").fetchall()
    finally:
        conn.close()
    assert row == [("王磊", "驻科伦坡总领馆", "领事", "wanglei_cg", None)]
