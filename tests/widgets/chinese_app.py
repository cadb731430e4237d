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
from tests.widgets.settled import settled  # noqa: E402
from widgets.common.table_panel import TablePanel  # noqa: E402


async def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        build_demo(db, now=FIXED_NOW, officer="张伟")
        store = Store.open(db, actor="张伟", clock=FakeClock())
        config = Config(desk_name="省侨联 24 小时值班室", user="张伟", lang="zh_CN")
        app = DutyboardApp(store, config, clock=FakeClock())
        async with app.run_test(size=(120, 40)) as pilot:
            await settled(app, pilot)
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
