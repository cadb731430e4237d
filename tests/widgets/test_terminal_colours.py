"""The dashboard in a real 256-colour terminal (tmux), with and without NO_COLOR.

Meaning never rests on colour alone: with NO_COLOR the screen carries no hue at all
(Textual maps every colour to a grey), and the marks that need action are still there
as words: URG, LATE, CALL, the stale "!".
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import REPO

SGR = re.compile(r"\x1b\[([0-9;]*)m")
GREYS_IN_THE_CUBE = {16, 59, 102, 145, 188, 231}  # r == g == b in the 6×6×6 cube


def screen(db: Path, *, no_color: bool) -> tuple[str, str]:
    """(plain text, text with SGR sequences) of the dashboard once its rows are in."""
    sock = f"dutyboard-colours-{uuid.uuid4().hex[:8]}"
    tmux = ["tmux", "-L", sock]
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLORTERM")}
    env.update(TERM="tmux-256color", TEXTUAL_ANIMATIONS="none")
    if no_color:
        env["NO_COLOR"] = "1"
    # The pane's own TERM is tmux's default-terminal, and tmux passes on only some of the
    # server's environment: both are set on the command line.
    prefix = "env " + ("NO_COLOR=1 " if no_color else "-u NO_COLOR ") + "TERM=tmux-256color "
    cmd = f"{prefix}{sys.executable} -m tests.widgets.fixed_clock_app {db}"
    subprocess.run([*tmux, "-f", "/dev/null", "new-session", "-d", "-x", "160", "-y", "48",
                    "-c", str(REPO), cmd], check=True, env=env)  # fmt: skip
    try:
        plain = ""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            plain = subprocess.run([*tmux, "capture-pane", "-p"], capture_output=True,
                                   text=True).stdout  # fmt: skip
            if "URG" in plain and "CALL" in plain:
                break
            time.sleep(0.2)
        time.sleep(1.0)  # the first poll's refresh and the header counts
        plain = subprocess.run([*tmux, "capture-pane", "-p"], capture_output=True,
                               text=True).stdout  # fmt: skip
        styled = subprocess.run([*tmux, "capture-pane", "-e", "-p"], capture_output=True,
                                text=True).stdout  # fmt: skip
        return plain, styled
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)


def colours(styled: str) -> set[int]:
    """Every 256-colour index the screen uses (foreground and background)."""
    found: set[int] = set()
    for params in SGR.findall(styled):
        parts = params.split(";")
        for i, part in enumerate(parts[:-2]):
            if part in ("38", "48") and parts[i + 1] == "5":
                found.add(int(parts[i + 2]))
            assert not (part in ("38", "48") and parts[i + 1] == "2"), "true colour in tmux"
    return found


def chromatic(index: int) -> bool:
    if index < 16:
        return index not in (0, 7, 8, 15)
    return index < 232 and index not in GREYS_IN_THE_CUBE


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is installed by make test")
def test_no_color_has_no_hue_and_keeps_every_mark(demo_db: Path) -> None:
    plain, styled = screen(demo_db, no_color=True)
    used = colours(styled)
    assert used, "the screen has no 256-colour styles at all"
    assert not {c for c in used if chromatic(c)}, sorted(used)
    for mark in ("URG", "HIGH", "LATE", "CALL", "zzz", "NEW", "URGENT"):
        assert mark in plain, mark
    assert re.search(r"\d+[dh]!", plain), "the stale mark"

    # The cursor row still stands out: its line is styled unlike the row below it.
    lines = styled.splitlines()
    plain_lines = plain.splitlines()
    first = next(i for i, line in enumerate(plain_lines) if "URG " in line)
    assert SGR.findall(lines[first]) != SGR.findall(lines[first + 1])


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is installed by make test")
def test_in_colour_the_same_screen_uses_256_colour_hues(demo_db: Path) -> None:
    plain, styled = screen(demo_db, no_color=False)
    assert {c for c in colours(styled) if chromatic(c)}, "no colour in a colour terminal"
    assert "URG" in plain and "CALL" in plain
