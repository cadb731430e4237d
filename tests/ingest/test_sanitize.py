"""Text from outside is hostile: what clean_text removes, and what it must keep."""

from __future__ import annotations

import pytest

from dutyboard.ingest.parse import parse_bytes
from dutyboard.ingest.sanitize import MAX_FIELD_CHARS, clean_text


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("\x1b[31mred\x1b[0m", "red"),  # CSI colour, removed whole (no "[31m" left)
        ("a\x1b[2Jb", "ab"),  # clear screen
        ("a\x1b[?1049hb", "ab"),  # private CSI (alternate screen)
        ("copy\x1b]52;c;ZXZpbCBjb21tYW5k\x07me", "copyme"),  # OSC 52 clipboard, BEL-ended
        ("x\x1b]0;pwned title\x1b\\y", "xy"),  # OSC window title, ST-ended
        ("x\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\", "xlink"),  # OSC 8 hyperlink
        ("x\x1bPq#0;2;0;0;0\x1b\\y", "xy"),  # DCS (sixel)
        ("x\x1b(By\x1b7z", "xyz"),  # charset designation, save cursor
        ("x\x9b31my", "xy"),  # 8-bit CSI
        ("x\x9d0;title\x9cy", "xy"),  # 8-bit OSC … ST
        ("unterminated \x1b]52;c;AAAA", "unterminated"),  # OSC to the end of the text
        ("a\x00b\x07c\x08d\x7fe", "abcde"),  # C0 controls and DEL
        ("a\x85b\x86c\x9ad", "abcd"),  # C1 controls
        ("a\x90payload\x9cb", "ab"),  # 8-bit DCS string up to 8-bit ST
        ("admin\u202egnp.exe", "admingnp.exe"),  # right-to-left override
        ("a\u2066b\u2067c\u2068d\u2069e\u202ab\u202c", "abcdeb"),  # isolates, embeddings
        ("zero\u200bwidth\u200c\u200d\u2060\ufeffjoin", "zerowidthjoin"),
        ("line1\r\nline2\rline3", "line1\nline2\nline3"),
        ("  padded \t ", "padded"),
        ("\ufeffBOM at start", "BOM at start"),
    ],
)
def test_clean_text_strips_hostile_characters(dirty: str, clean: str) -> None:
    assert clean_text(dirty) == clean


@pytest.mark.parametrize(
    "text",
    [
        "市第一人民医院 N95口罩",
        "山田太郎",
        "😷 masks 🧤 gloves",
        "tab\tinside\nand newline",
        "[bold]not bold[/bold]",
        "[@click=app.quit]quit[/]",
        "[link=http://x]x[/link] {braces} <tags> & 'quotes'",
        "Panamá — Chocó",
    ],
)
def test_clean_text_keeps_ordinary_text_literally(text: str) -> None:
    assert clean_text(text) == text


def test_long_field_is_capped_with_ellipsis() -> None:
    result = clean_text("x" * (MAX_FIELD_CHARS + 50))
    assert len(result) == MAX_FIELD_CHARS
    assert result.endswith("…")


def test_parsed_fields_and_extra_are_clean_but_raw_is_verbatim() -> None:
    hostile_org = "Evil\x1b]52;c;cm0gLXJmIC8=\x07 Org\u202e"
    line = f'"{hostile_org}","N95\x1b[2J","[@click=app.quit]","\x9b1mx"'
    data = ("org,item,notes,Colour\x1b[31m\n" + line + "\n").encode()
    result = parse_bytes(data, "hostile.csv", "requests")
    assert not result.problems
    (row,) = result.rows
    assert row.fields == {"org": "Evil Org", "item": "N95", "notes": "[@click=app.quit]"}
    assert row.extra == {"Colour": "x"}
    assert row.raw == line  # the audit copy keeps every byte
    assert "\x1b" in row.raw


def test_oversized_cell_is_cut_and_warned() -> None:
    data = ("org,item,notes\nA,masks," + "n" * 20_000 + "\n").encode()
    result = parse_bytes(data, "big.csv", "requests")
    (row,) = result.rows
    notes = row.fields["notes"]
    assert isinstance(notes, str)
    assert len(notes) == MAX_FIELD_CHARS and notes.endswith("…")
    assert any("notes was longer than 10,000 characters" in w for w in result.warnings)
    assert len(row.raw) > 20_000


def test_hostile_values_in_problem_messages_are_cleaned() -> None:
    data = b"org,item,quantity\nA,masks,\x1b]0;x\x0712\x1b[2Jx\n"
    result = parse_bytes(data, "q.csv", "requests")
    (problem,) = result.problems
    assert problem.reason == "quantity '12x' is not a number"
    assert problem.column == "quantity"
    assert "\x1b" in problem.raw
