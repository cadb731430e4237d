"""A leads sheet's next action: a time goes to ``next_action_at``, what to do to
``next_action`` — from a column of its own ("next step", "下一步", "todo"…) or from a
"next action" / "follow up" cell that is not a time. Real files, a real desk."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dutyboard.ingest.store_sink import ingest_bytes
from dutyboard.store import Store


def ingest(store: Store, tmp_path: Path, name: str, text: str) -> Any:
    path = tmp_path / "leads" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return ingest_bytes(
        store,
        path.read_bytes(),
        path.name,
        kind="leads",
        source="leads-drop",
        location=str(path),
        zone="Asia/Shanghai",
    )


def leads(store: Store) -> list[dict[str, Any]]:
    return [
        dict(r)
        for r in store.conn.execute(
            "SELECT supplier, next_action_at, next_action, extra FROM leads ORDER BY id"
        )
    ]


@pytest.mark.parametrize("header", ["下一步", "Next step", "TODO", "待办事项"])
def test_a_text_column_and_a_time_column(store: Store, tmp_path: Path, header: str) -> None:
    summary = ingest(
        store,
        tmp_path,
        "线索.csv",
        f"供应商,物资,跟进时间,{header}\n"
        "Hayleys,丁腈手套,2020-02-05 09:00,问清 EN 455 证书\n"
        "Ansell,防护服,,\n",
    )
    assert (summary.added, summary.quarantined) == (2, 0)
    assert leads(store) == [
        {
            "supplier": "Hayleys",
            "next_action_at": "2020-02-05T01:00:00+00:00",
            "next_action": "问清 EN 455 证书",
            "extra": None,
        },
        {"supplier": "Ansell", "next_action_at": None, "next_action": None, "extra": None},
    ]


def test_a_next_action_that_is_not_a_time_is_what_to_do(store: Store, tmp_path: Path) -> None:
    summary = ingest(
        store,
        tmp_path,
        "leads.csv",
        "Supplier,Item,Follow up\n"
        "Hayleys,nitrile gloves,2020-02-05 14:00\n"
        "Ansell,coveralls,call back about the price\n",
    )
    assert (summary.added, summary.quarantined) == (2, 0)
    first, second = leads(store)
    assert (first["next_action_at"], first["next_action"]) == ("2020-02-05T06:00:00+00:00", None)
    assert (second["next_action_at"], second["next_action"], second["extra"]) == (
        None,
        "call back about the price",
        None,
    )


def test_a_text_column_wins_and_the_odd_time_is_kept(store: Store, tmp_path: Path) -> None:
    """Both columns give a text: the next step column says what to do, and the "next
    action" cell that is no time stays in extra, as any unreadable time does."""
    summary = ingest(
        store,
        tmp_path,
        "leads.csv",
        "Supplier,Item,Next action,Next step\nHayleys,gloves,ASAP,send the EN 455 test report\n",
    )
    assert (summary.added, summary.quarantined) == (1, 0)
    (row,) = leads(store)
    assert (row["next_action_at"], row["next_action"]) == (None, "send the EN 455 test report")
    assert json.loads(row["extra"]) == {"Next action": "ASAP"}
    assert any("ASAP" in w for w in summary.warnings)


def test_hostile_next_action_text_is_cleaned(store: Store, tmp_path: Path) -> None:
    ingest(
        store,
        tmp_path,
        "leads.csv",
        "Supplier,Item,下一步\nHayleys,gloves,\x1b]8;;https://x.example\x1b\\[b]ring[/b]\x07 Li\n",
    )
    (row,) = leads(store)
    assert row["next_action"] == "[b]ring[/b] Li"
