"""A stored phone number in a record's detail: international format, the typed form
beside it when written otherwise, and an unreadable number marked (issue 22)."""

from __future__ import annotations

from pathlib import Path

from tests.widgets.pilot import make_app, settle
from widgets.common.detail import DetailScreen, phone_text


def test_phone_text_shows_what_was_read_and_marks_what_was_not() -> None:
    assert phone_text("+94 77 123 4567", "+94771234567").plain == "+94 77 123 4567"
    local = phone_text("077-1234567", "+94771234567").plain
    assert local.startswith("+94 77 123 4567") and "typed: 077-1234567" in local
    unread = phone_text("call the front\x1b[2J desk", None)
    assert "not a number I can read" in unread.plain and "\x1b" not in unread.plain


async def test_the_detail_reads_a_number_in_the_desks_country(demo_db: Path) -> None:
    app = make_app(demo_db)  # a desk in Asia/Shanghai: numbers without +code read in CN
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        assert app.store.phone_region == "CN"
        teacher = app.store.add_contact({"name": "王老师", "phone": "138-1234-5678"})
        app.push_screen(DetailScreen(app.store, "contacts", teacher, lambda iso: iso))
        await settle(app, pilot)
        text = app.screen.plain() if isinstance(app.screen, DetailScreen) else ""
        assert "+86 138 1234 5678" in text and "typed: 138-1234-5678" in text
        assert "phone_e164" not in text
