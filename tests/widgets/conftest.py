from pathlib import Path

import pytest

from dutyboard.demo import build_demo
from tests.conftest import FIXED_NOW


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    path = tmp_path / "demo.db"
    build_demo(path, now=FIXED_NOW, officer="Zhang Wei")
    return path
