"""The dashboard in Chinese at 120x40: translated, and CJK text keeps columns aligned.

Widgets translate their labels at import, so the app runs in a fresh process. The
screen's picture is compared in tests/widgets/test_layout.py (Chinese at three sizes).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_chinese_dashboard_is_translated_and_aligned(tmp_path: Path) -> None:
    out = tmp_path / "zh.svg"
    result = subprocess.run(
        [sys.executable, "-m", "tests.widgets.chinese_app", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=120,
        env={**os.environ, "DUTYBOARD_LANG": "zh_CN"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["title"] == "1 物资需求"
    offsets = report["offsets"]
    assert len(offsets) >= 10 and len(set(offsets)) == 1, offsets  # one status column
    svg = out.read_text(encoding="utf-8")
    for text in ("物资需求", "采购线索", "海外联系人", "特急", "逾期", "可打"):
        assert text in svg
