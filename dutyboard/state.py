"""What the dashboard remembers between sessions that is not configuration: the theme
chosen in the palette, so far.

A small JSON file in the user state folder (:func:`dutyboard.paths.default_state_path`:
``$DUTYBOARD_STATE``, else ``state.json`` under platformdirs' user state dir), never
``config.toml``: the config is the officer's text, with their comments, and a program
that rewrites it loses them (ROUND2, First night). Written whole and atomically; a file
that is missing, unreadable or not an object reads as empty, so a damaged state file
costs a remembered theme, never a start-up. A leader's session writes none (its choice
lives in memory for the session).
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

from dutyboard import files
from dutyboard.paths import default_state_path

MAX_BYTES = 64_000  # a state file is a few lines; anything bigger is not ours


def load_state(path: Path | None = None) -> dict[str, Any]:
    path = path or default_state_path()
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
        data = json.loads(raw) if len(raw) <= MAX_BYTES else None
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_state(changes: dict[str, Any], path: Path | None = None) -> bool:
    """Merge ``changes`` into the state file; False (and nothing written) when this
    process may write no file (a leader's) or the folder cannot be written."""
    if files.writes_forbidden():
        return False
    path = path or default_state_path()
    state = {**load_state(path), **changes}
    with contextlib.suppress(OSError):
        files.make_private_dir(path.parent)
        with files.atomic_output(path) as tmp:
            tmp.write_text(json.dumps(state, ensure_ascii=False, indent=1), encoding="utf-8")
        return True
    return False
