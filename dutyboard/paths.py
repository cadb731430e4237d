"""Where dutyboard keeps its files. Nothing here touches the disk at import time."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "dutyboard"


def default_config_path() -> Path:
    env = os.environ.get("DUTYBOARD_CONFIG")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_config_dir(APP)) / "config.toml"


def default_db_path() -> Path:
    env = os.environ.get("DUTYBOARD_DB")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP)) / "dutyboard.db"


def default_export_dir() -> Path:
    """Where exports, reports and screenshots go unless ``display.export_dir`` says."""
    return Path(platformdirs.user_data_dir(APP)) / "exports"


def default_log_path() -> Path:
    """The dashboard's log file (an officer's session; a leader's stays in memory)."""
    env = os.environ.get("DUTYBOARD_LOG")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_state_dir(APP)) / "dutyboard.log"


def default_state_path() -> Path:
    """What the dashboard remembers between sessions (the theme): never the config."""
    env = os.environ.get("DUTYBOARD_STATE")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_state_dir(APP)) / "state.json"
