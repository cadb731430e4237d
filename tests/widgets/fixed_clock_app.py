"""The dashboard on a database at the tests' fixed moment, in a real terminal.

Usage: python -m tests.widgets.fixed_clock_app DB
The clock stands at FIXED_NOW (Tuesday 19:00 UTC: the Americas at work, Asia asleep), so
what a terminal test sees does not depend on the day it runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

from dutyboard.app import DutyboardApp
from dutyboard.config import Config
from dutyboard.store import Store
from tests.conftest import FakeClock

if __name__ == "__main__":
    store = Store.open(Path(sys.argv[1]), actor="Zhang Wei", clock=FakeClock())
    config = Config(desk_name="Test desk", timezone="Asia/Shanghai", user="Zhang Wei")
    DutyboardApp(store, config, clock=FakeClock()).run()
