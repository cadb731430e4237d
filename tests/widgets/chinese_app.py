"""Run the dashboard in Chinese at 120x40 and report what it shows (for a subprocess).

Usage: python -m tests.widgets.chinese_app OUT.svg
Prints one JSON line: the offset (in cells) where the status column starts on every
visible request row, so the test can check CJK text keeps columns aligned.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from pathlib import Path

from dutyboard.i18n import set_language

set_language("zh_CN")

from rich.cells import cell_len  # noqa: E402

from dutyboard.app import DutyboardApp  # noqa: E402
from dutyboard.config import Config  # noqa: E402
from dutyboard.demo import build_demo  # noqa: E402
from dutyboard.store import Store  # noqa: E402
from tests.conftest import FIXED_NOW, FakeClock  # noqa: E402
from widgets.common.header import DeskHeader  # noqa: E402
from widgets.common.table_panel import TablePanel  # noqa: E402


async def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        build_demo(db, now=FIXED_NOW, officer="张伟")
        store = Store.open(db, actor="张伟", clock=FakeClock())
        config = Config(desk_name="省侨联 24 小时值班室", user="张伟", lang="zh_CN")
        app = DutyboardApp(store, config, clock=FakeClock())
        async with app.run_test(size=(120, 40)) as pilot:
            # Settled = no worker running for several checks in a row (a loaded CI machine
            # can take seconds for the first queries and the contacts ranking).
            quiet = 0
            for _ in range(300):
                await pilot.pause(0.05)
                ready = (
                    all(p.table.loaded for p in app.query(TablePanel))
                    and app.query_one("#contacts", TablePanel).table.spec.ranking
                    and app.query_one(DeskHeader).desk_counts is not None
                )
                busy = any(w.is_running for w in app.workers)
                quiet = quiet + 1 if ready and not busy else 0
                if quiet >= 10:
                    break
            panel = app.query_one("#requests", TablePanel)
            table = panel.table
            status_labels = {"新", "已确认", "办理中", "部分满足"}
            offsets = []
            for y in range(1, table.body_height + 1):
                text = table.render_line(y).text
                for label in status_labels:
                    index = text.find(f" {label} ")
                    if index >= 0:
                        offsets.append(cell_len(text[: index + 1]))
                        break
            out.write_text(app.export_screenshot(), encoding="utf-8")
            print(json.dumps({"offsets": offsets, "title": str(panel.border_title)}))
        store.close()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
