"""Run the dashboard in a language at 80×24, open the help screen (``?``) or look at an
empty desk, and report what it shows (for a subprocess: labels translate at import).

Usage: python -m tests.widgets.help_app LANG help|empty OUT.svg
Prints one JSON line. ``help``: the help screen's section titles and rows, and whether it
scrolls to its last line at 80×24. ``empty``: the hint each empty panel shows.
The pictures in docs/ are made with it: ``python -m tests.widgets.help_app en help
docs/help-en.svg`` (and ``zh_CN … docs/help-zh_CN.svg``).
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from pathlib import Path

from dutyboard.i18n import set_language

LANG, MODE, OUT = sys.argv[1], sys.argv[2], Path(sys.argv[3])
set_language(LANG)

from textual.containers import VerticalScroll  # noqa: E402

from dutyboard.app import DutyboardApp  # noqa: E402
from dutyboard.config import Config  # noqa: E402
from dutyboard.demo import build_demo  # noqa: E402
from dutyboard.store import Store  # noqa: E402
from dutyboard.store.connection import connect  # noqa: E402
from tests.conftest import FIXED_NOW, FakeClock  # noqa: E402
from tests.widgets.pilot import settle  # noqa: E402
from tests.widgets.settled import settled  # noqa: E402
from widgets.common.help_screen import HelpScreen  # noqa: E402
from widgets.common.table_panel import TablePanel  # noqa: E402
from widgets.handover.panel import HandoverPanel  # noqa: E402

NAME = {"en": "Zhang Wei", "zh_CN": "张伟"}[LANG]


async def help_screen(db: Path) -> dict[str, object]:
    build_demo(db, now=FIXED_NOW, officer=NAME)
    store = Store.open(db, actor=NAME, clock=FakeClock())
    app = DutyboardApp(store, Config(desk_name="Changchun", user=NAME), clock=FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause(0.2)
        screen = app.screen
        assert isinstance(screen, HelpScreen), type(screen)
        OUT.write_text(app.export_screenshot(), encoding="utf-8")
        scroll = screen.query_one(VerticalScroll)
        await pilot.press("end")
        await pilot.pause(0.3)
        report: dict[str, object] = {
            "sections": [
                {"title": s.title, "rows": [[m.plain, meaning] for m, meaning in s.rows]}
                for s in screen.sections
            ],
            "scrolls": scroll.max_scroll_y > 0,
            "at_end": scroll.scroll_y == scroll.max_scroll_y,
        }
        await pilot.press("escape")
        await pilot.pause(0.1)
        report["closed"] = not isinstance(app.screen, HelpScreen)
    store.close()
    return report


async def empty_desk(db: Path) -> dict[str, object]:
    connect(db, create=True).close()
    store = Store.open(db, actor=NAME, clock=FakeClock())
    app = DutyboardApp(store, Config(desk_name="Changchun", user=NAME), clock=FakeClock())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.pause(0.3)
        hints = {p.id: p.table.empty_text for p in app.query(TablePanel)}
        shown = {
            str(p.id): "".join(p.table.render_line(y).text for y in range(1, 4))
            for p in app.query(TablePanel)
        }
        handover = " ".join(line.plain for line in app.query_one(HandoverPanel).lines)
        OUT.write_text(app.export_screenshot(), encoding="utf-8")
    store.close()
    return {"hints": hints, "shown": shown, "handover": handover}


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "desk.db"
        report = await (help_screen(db) if MODE == "help" else empty_desk(db))
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
