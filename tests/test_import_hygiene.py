"""The core never imports Textual, Rich or the widgets (import-linter checks it too)."""

import subprocess
import sys

CORE = [
    "dutyboard.store",
    "dutyboard.domain.status",
    "dutyboard.domain.clock",
    "dutyboard.config",
    "dutyboard.demo",
    "dutyboard.cli",
    "dutyboard.commands.demo",
    "dutyboard.commands.check",
    "dutyboard.ingest.collector",
    "dutyboard.ingest.store_sink",
    "dutyboard.store.handovers",
    "dutyboard.store.arrivals",
    "dutyboard.store.rollcall",
    "dutyboard.store.supplies",
    "dutyboard.reports.status.build",
    "dutyboard.reports.status.as_json",
    "dutyboard.reports.status.text",
    "dutyboard.reports.daily",
    "dutyboard.reports.export",
]


def test_core_modules_do_not_load_textual() -> None:
    code = (
        "import sys\n"
        f"for m in {CORE!r}: __import__(m)\n"
        "top = {m.split('.')[0] for m in sys.modules}\n"
        "bad = sorted(top & {'textual', 'rich', 'widgets'})\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
