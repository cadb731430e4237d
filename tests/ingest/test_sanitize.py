"""Text from outside is hostile: what clean_text removes, and what it must keep."""

from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dutyboard.domain import text as sanitize
from dutyboard.domain import text as text_module
from dutyboard.domain.text import MAX_FIELD_CHARS, MAX_MARKS, clean_json_text, clean_text
from dutyboard.ingest.parse import parse_bytes


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


# -- issue 17: the shared sanitiser (dutyboard.domain.text) -----------------------------

# Invisible or layout-breaking characters the sanitiser drops wherever they are.
DROPPED = {
    "tag characters": "\U000e0001\U000e0020\U000e0041\U000e007f",
    "line separator": "\u2028",
    "paragraph separator": "\u2029",
    "deprecated format characters": "\u206a\u206b\u206c\u206d\u206e\u206f",
    "invisible operators": "\u2061\u2062\u2063\u2064",
    "interlinear annotation": "\ufff9\ufffa\ufffb",
    "Mongolian vowel separator": "\u180e",
    "soft hyphen": "\u00ad",
    "Khmer inherent vowels": "\u17b4\u17b5",
    "combining grapheme joiner": "\u034f",
    "Hangul fillers": "\u115f\u1160\u3164\uffa0",
    "shorthand format controls": "\U0001bca0\U0001bca3",
    "musical formatting": "\U0001d173\U0001d17a",
    "zero-width joiner and friends": "\u200b\u200c\u200d\u2060\ufeff",
    "bidi override": "\u202e\u2066\u200f",
}


@pytest.mark.parametrize("what", sorted(DROPPED))
def test_invisible_characters_are_dropped(what: str) -> None:
    chars = DROPPED[what]
    assert clean_text(f"ab{chars}cd") == "abcd"
    assert clean_text(f"{chars}ab") == "ab"
    assert clean_text(f"中文{chars}字") == "中文字"
    for ch in chars:  # one by one too, between plain letters
        assert clean_text(f"x{ch}y") == "xy", hex(ord(ch))


def test_stacked_combining_marks_are_capped_at_four_per_base() -> None:
    zalgo = "Z" + "\u0301\u0300\u0302\u0303\u0304\u0305\u0306\u0307\u0308\u0309"
    assert clean_text(zalgo) == "Z\u0301\u0300\u0302\u0303"
    assert MAX_MARKS == 4
    # Per base character: the next letter starts a new count.
    assert clean_text("a" + "\u0301" * 6 + "b" + "\u0300" * 6) == (
        "a" + "\u0301" * 4 + "b" + "\u0300" * 4
    )
    # Enclosing marks count too; a mark with no base at all is dropped.
    assert clean_text("x" + "\u20dd" * 9) == "x" + "\u20dd" * 4
    assert clean_text("\u0301\u0301abc") == "abc"
    assert clean_text("line\n\u0301next") == "line\nnext"
    assert clean_text("a \u0301b") == "a b"  # a space is no base (cleaning twice agrees)


def test_variation_selectors_stay_only_after_a_base_character() -> None:
    assert clean_text("\u2764\ufe0f") == "\u2764\ufe0f"  # ❤️
    assert clean_text("#\ufe0f\u20e3") == "#\ufe0f\u20e3"  # keycap #️⃣
    assert clean_text("\u8fbb\U000e0100") == "\u8fbb\U000e0100"  # an ideographic variant
    assert clean_text("\ufe0fstart") == "start"
    assert clean_text("\U000e0100\U000e01efstart") == "start"
    assert clean_text("a\ufe0f\ufe0f") == "a\ufe0f"  # a second selector has no base
    assert clean_text("e\u0301\ufe0f") == "e\u0301"  # after a mark: no base
    assert clean_text("one\n\ufe0ftwo") == "one\ntwo"
    assert clean_text("one \ufe0ftwo") == "one two"


@pytest.mark.parametrize(
    "text",
    [
        "नमस्ते दुनिया",  # Devanagari: viramas and vowel signs
        "ภาษาไทย ผู้ใหญ่",  # Thai: stacked tone marks, two per base
        "בְּרֵאשִׁית",  # Hebrew with niqqud
        "Tiếng Việt",  # NFC
        "Tie\u0302\u0301ng Vie\u0323\u0302t",  # NFD: two marks per base
        "مَرْحَبًا",  # Arabic harakat
        "བོད་སྐད་",  # Tibetan stacks
        "한국어 日本語 かな カナ",
        "😷 👍🏽 🇨🇳 🏳️ 1️⃣ ❤️",  # skin tone, flag, keycap, VS16
        "Ω ≤ ∞ → ★ ①",
        "\u3000全角\u3000空格",  # ideographic space inside is kept (the ends are trimmed)
    ],
)
def test_clean_text_keeps_every_script_and_emoji(text: str) -> None:
    assert clean_text(text) == text.strip()


def test_zwj_emoji_sequences_fall_apart_into_their_emoji() -> None:
    # The zero-width joiner is dropped (it hides text); the family stays, one by one.
    assert clean_text("👨\u200d👩\u200d👧 family") == "👨👩👧 family"
    # A tag-sequence flag (Scotland) keeps its black flag.
    assert clean_text("🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f") == "🏴"


def test_unterminated_string_sequence_ends_at_its_line() -> None:
    # An old note with an unterminated OSC must not swallow the lines after it.
    assert clean_text("x\x1b]0;title\nnext line") == "x\nnext line"
    assert clean_text("x\x1b]52;c;AAAA") == "x"


def test_bytes_that_were_not_utf8_are_read_as_the_controls_they_are() -> None:
    # `--user $'\x9b31m'` arrives as a lone surrogate (surrogateescape).
    assert clean_text("Eve\udc9b31mlyn") == "Evelyn"
    assert clean_text("x\udc9d0;title\udc9cy") == "xy"
    assert clean_text("a\udcffb\ud800") == "ab"


def test_the_short_path_skips_no_character_cleaning_would_touch() -> None:
    # Printable text that _CARE finds nothing in is only trimmed: every character the
    # careful path removes or caps must be unprintable or found by _CARE.
    care = text_module._CARE
    for code in range(0x110000):
        ch = chr(code)
        if not ch.isprintable() or care.match(ch):
            continue
        assert text_module.clean_text(f"a{ch}b", strip=False) == f"a{ch}b", hex(code)
        assert unicodedata.category(ch)[0] != "M", hex(code)
    # And the table is this Python's: every mark, selector and filler below U+10000 is
    # in it, and nothing else is.
    extra = {0x115F, 0x1160, 0x3164, 0xFFA0, *range(0xFE00, 0xFE10), 0x180B, 0x180C, 0x180D}
    extra.add(0x180F)
    for code in range(0x10000):
        ch = chr(code)
        expected = unicodedata.category(ch)[0] == "M" or code in extra
        assert bool(care.match(ch)) == expected, f"U+{code:04X} ({unicodedata.unidata_version})"


def test_what_the_store_calls_clean_is_clean() -> None:
    for text in ["plain", "中文\n第二行\t\u3000全角", "\xa0nbsp", "😷", "❤️"]:
        assert text_module.clean_text(text, strip=False) == text
    assert text_module.is_clean("plain") and text_module.is_clean("中文\n\t\u3000")
    for dirty in ["a\x1b[2J", "e\u0301", "\ufe0f", "x\u200b", "\u3164", "😷", "a\rb"]:
        assert not text_module.is_clean(dirty), repr(dirty)  # (😷: the careful path decides)


HOSTILE_CHARS = st.sampled_from(
    [
        *"".join(DROPPED.values()),
        "\u0301",
        "\u0300",
        "\u20dd",
        "\ufe0f",
        "\U000e0100",
        "\u180b",
        "\x1b]52;c;cm0=\x07",
        "\x1b[2J",
        "\x9b1m",
        "\udc9b",
        "\n",
        "\t",
        " ",
        "a",
        "中",
        "😷",
        "\u2764",
    ]
)
NASTY_TEXT = st.lists(
    st.one_of(HOSTILE_CHARS, st.characters(exclude_categories=["Cs"])), max_size=40
).map("".join)


@settings(max_examples=400, deadline=None)
@given(NASTY_TEXT)
def test_short_path_agrees_and_cleaning_is_idempotent(text: str) -> None:
    cleaned = clean_text(text)
    assert cleaned == text_module._clean(text, True) or len(cleaned) > MAX_FIELD_CHARS
    assert clean_text(cleaned) == cleaned
    loose = text_module.clean_text(text, text_module.UNLIMITED, strip=False)
    assert text_module.clean_text(loose, text_module.UNLIMITED, strip=False) == loose
    if text_module.is_clean(text):  # the store's batch check: never wrong when it says so
        assert text_module.clean_text(text, text_module.UNLIMITED, strip=False) == text
    for ch in "\x1b\x07\x9b\x9d\u202e\u2028\u00ad\u034f\U000e0041":
        assert ch not in cleaned


def test_json_text_is_cleaned_inside_its_escapes() -> None:
    dirty = json.dumps({"a": "x\x1b]52;c;cm0gLXJmIH4=\x07y", "b": "C:\\users"})
    assert "\x1b" not in dirty and "\\u001b" in dirty
    assert json.loads(clean_json_text(dirty)) == {"a": "xy", "b": "C:\\users"}
    plain = json.dumps({"k": "口罩"}, ensure_ascii=False, sort_keys=True)
    assert clean_json_text(plain) == plain


def test_the_ingest_module_is_the_shared_function() -> None:
    # One sanitiser: ingest re-exports dutyboard.domain.text, it does not copy it.
    assert sanitize.clean_text is text_module.clean_text
    assert sanitize.clean_text_checked is text_module.clean_text_checked
    assert sanitize.quote is text_module.quote
