"""Regenerate docs/screenshot.svg: the dashboard on the demo database at 160×45.

.venv/bin/python docs/screenshot.py [WIDTH HEIGHT OUT.svg]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from dutyboard.app import DutyboardApp
from dutyboard.config import Config
from dutyboard.demo import build_demo
from dutyboard.store import Store

# A fixed moment (03:00 in Changchun, the middle of the night shift) so the picture is stable.
NOW = datetime(2020, 2, 4, 19, 0, tzinfo=UTC)


async def main(width: int, height: int, out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        build_demo(db, now=NOW, officer="Zhang Wei")
        store = Store.open(db, actor="Zhang Wei", clock=lambda: NOW)
        config = Config(desk_name="Provincial Federation 24h desk", user="Zhang Wei")
        app = DutyboardApp(store, config, clock=lambda: NOW)
        async with app.run_test(size=(width, height)) as pilot:
            for _ in range(20):
                await pilot.pause(0.1)
                if not any(w.is_running for w in app.workers):
                    break
            app.save_screenshot(filename=out.name, path=str(out.parent))
        store.close()


if __name__ == "__main__":
    args = sys.argv[1:]
    w, h = (int(args[0]), int(args[1])) if len(args) >= 2 else (160, 45)
    target = Path(args[2]) if len(args) >= 3 else Path(__file__).with_name("screenshot.svg")
    asyncio.run(main(w, h, target))
    print(target)
