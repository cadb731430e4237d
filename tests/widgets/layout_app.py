"""Run the demo dashboard in one language at 80×24, 120×40 and 160×48; report its layout.

Usage: python -m tests.widgets.layout_app LANG OUTDIR
Widgets translate their labels at import, so each language needs its own process. Writes
OUTDIR/LANG-WxH[-panel].svg and prints one JSON line: for every screen, the header's two
lines with the counts it must show, and for every visible table its columns (label,
width or null when left out, fit/flex) and, per row on screen, each cell's full text.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from dutyboard.i18n import set_language

LANG = sys.argv[1] if __name__ == "__main__" else "en"
set_language(LANG)

from dutyboard.app import DutyboardApp  # noqa: E402
from dutyboard.config import Config  # noqa: E402
from dutyboard.demo import build_demo  # noqa: E402
from dutyboard.store import Store  # noqa: E402
from tests.conftest import FIXED_NOW, FakeClock  # noqa: E402
from tests.widgets.settled import settled  # noqa: E402
from widgets.common.header import DeskHeader  # noqa: E402
from widgets.common.table_panel import TablePanel  # noqa: E402

# (size, the panel key pressed first: at 80×24 one panel shows at a time)
SCREENS = (
    ((80, 24), "1"),
    ((80, 24), "2"),
    ((80, 24), "3"),
    ((120, 40), None),
    ((160, 48), None),
)


def table_report(panel: TablePanel) -> dict[str, Any]:
    table = panel.table
    rows = []
    for index in range(table.first_visible, table.first_visible + table.body_height):
        row = table.row_at(index)
        if row is not None:
            rows.append([cell.plain for cell in panel.cells(row)])
    return {
        "panel": panel.id,
        "columns": [
            {"label": str(c.label), "width": w, "fit": c.fit, "flex": c.flex}
            for c, w in zip(table.columns, table._widths, strict=True)
        ],
        "rows": rows,
        "lines": [table.render_line(y).text for y in range(1, table.body_height + 1)],
    }


async def screen(db: Path, size: tuple[int, int], key: str | None, out: Path) -> dict[str, Any]:
    store = Store.open(db, actor="Zhang Wei", clock=FakeClock())
    config = Config(desk_name="Provincial Federation 24h desk", user="Zhang Wei", lang=LANG)
    app = DutyboardApp(store, config, clock=FakeClock())
    try:
        async with app.run_test(size=size) as pilot:
            await settled(app, pilot)
            if key:
                await pilot.press(key)
                await settled(app, pilot)
            header = app.query_one(DeskHeader)
            attention = header.attention
            desk = header.desk_counts
            assert attention is not None and desk is not None
            counts = [attention.new, attention.urgent, attention.overdue]
            counts += [attention.leads_waiting, attention.sources_failing]
            counts += [desk.arrivals_soon, desk.units_missing]
            name = f"{LANG}-{size[0]}x{size[1]}" + (f"-{key}" if key else "")
            (out / f"{name}.svg").write_text(app.export_screenshot(), encoding="utf-8")
            return {
                "name": name,
                "width": size[0],
                "header": [line.plain for line in header.lines(size[0])],
                "counts": counts,
                "tables": [table_report(p) for p in app.query(TablePanel) if p.region.area],
            }
    finally:
        store.close()


async def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        build_demo(db, now=FIXED_NOW, officer="Zhang Wei")
        screens = [await screen(db, size, key, out) for size, key in SCREENS]
    print(json.dumps(screens, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[2])))
