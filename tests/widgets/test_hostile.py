"""Hostile text through every panel and the detail view, in-process and in a real tmux.

Data is written straight into the store (as an old version, a bug or a hand edit might),
so the UI's own defences are what is tested here; the ingest sanitiser is tested in
tests/ingest.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from dutyboard.store import Store
from tests.widgets.pilot import loaded, make_app, panel, settle
from widgets.common.detail import DetailScreen

HOSTILE = [
    "\x1b]52;c;ZXZpbCBjbGlwYm9hcmQ=\x07clip",  # OSC 52: write the clipboard
    "\x1b]0;PWNED TITLE\x07title",  # OSC 0: set the window title
    "\x1b[2J\x1b[Hwipe",  # CSI: clear the screen
    "\x9b31mc1-csi",  # 8-bit CSI
    "[@click=app.quit]click me[/]",  # a Textual action in markup
    "[link=https://evil.example]link[/link]",
    "[bold red]markup[/]",
    "bidi \u202eevil\u202c zero\u200bwidth",
    "nul\x00byte del\x7f bell\x07",
    "x" * 100_000,  # a 100 kB field
]
CONTROL_BYTES = {chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))}


def add_hostile(path: Path) -> list[int]:
    store = Store.open(path, actor="hostile")
    ids = []
    for i, text in enumerate(HOSTILE):
        ids.append(store.add_request({"org": text, "item": text[:40], "priority": "urgent",
                                      "notes": text, "raw": text, "requester": text}))  # fmt: skip
        store.add_lead({"supplier": text, "item": f"item {i}", "country": "LK"})
        store.add_contact({"name": text, "tz": "Asia/Colombo", "org": text})
    store.close()
    return ids


async def test_every_panel_and_the_detail_render_hostile_text_inert(demo_db: Path) -> None:
    ids = add_hostile(demo_db)
    app = make_app(demo_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        for name in ("requests", "leads", "contacts"):
            p = panel(app, name)
            p.table.set_spec(p.table.spec.with_(sort="received" if name == "requests" else
                                                p.table.spec.sort, descending=True))  # fmt: skip
            await settle(app, pilot)
            for index in loaded(p):
                row = p.table.row_at(index)
                assert row is not None
                for cell in p.cells(row):
                    assert not CONTROL_BYTES & set(cell.plain), (name, cell.plain[:40])
                    assert not cell.spans or all("link" not in str(s.style) for s in cell.spans)
                strip = p.table.render_line(index - p.table.first_visible + 1)
                assert not CONTROL_BYTES & set(strip.text)
        requests = panel(app, "requests")
        requests.table.set_spec(requests.table.spec.with_(text="click"))
        await settle(app, pilot)
        assert requests.table.total == 1
        assert "[@click=app.quit]click me[/]" in requests.cells(requests.table.row_at(0))[2].plain  # type: ignore[arg-type]
        await pilot.press("1", "enter")
        await settle(app, pilot)
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        text = detail.plain(width=200)
        assert "[@click=app.quit]click me[/]" in text  # literal, not an action
        assert not CONTROL_BYTES & set(text.replace("\n", ""))
        assert app.is_running
        for record_id in ids[:1]:
            assert app.store.get("requests", record_id)["raw"] == HOSTILE[0]  # kept for audit


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is installed by make test")
def test_hostile_text_in_a_real_terminal_sets_no_title_and_no_clipboard(demo_db: Path) -> None:
    add_hostile(demo_db)
    sock = f"dutyboard-hostile-{uuid.uuid4().hex[:8]}"
    tmux = ["tmux", "-L", sock]
    env = {**os.environ, "TEXTUAL_ANIMATIONS": "none", "TERM": "xterm-256color"}
    cmd = f"{sys.executable} -m dutyboard --db {demo_db} --user tester"
    subprocess.run([*tmux, "new-session", "-d", "-x", "160", "-y", "48", cmd], check=True,
                   env=env)  # fmt: skip
    try:
        title_before = "untouched"
        subprocess.run([*tmux, "select-pane", "-T", title_before], check=True)
        screen = ""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            screen = subprocess.run([*tmux, "capture-pane", "-p"], capture_output=True,
                                    text=True).stdout  # fmt: skip
            if "URG" in screen:
                break
            time.sleep(0.2)
        assert "URG" in screen
        subprocess.run([*tmux, "send-keys", "/"], check=True)
        time.sleep(0.5)  # a person types after the filter opened, not in the same read
        subprocess.run([*tmux, "send-keys", *"click"], check=True)
        time.sleep(1.5)
        for _ in range(2):  # keep the filter, then open the detail
            subprocess.run([*tmux, "send-keys", "Enter"], check=True)
            time.sleep(1.0)
        deadline = time.monotonic() + 20  # a loaded machine draws the detail late
        while time.monotonic() < deadline:
            screen = subprocess.run([*tmux, "capture-pane", "-p"], capture_output=True,
                                    text=True).stdout  # fmt: skip
            if "[@click=app.quit]click me[/]" in screen:
                break
            time.sleep(0.2)
        assert "[@click=app.quit]click me[/]" in screen
        title = subprocess.run([*tmux, "display", "-p", "#{pane_title}"], capture_output=True,
                               text=True).stdout.strip()  # fmt: skip
        assert title == title_before  # no OSC 0 reached the terminal
        buffers = subprocess.run([*tmux, "list-buffers"], capture_output=True, text=True).stdout
        assert "ZXZpbCBjbGlwYm9hcmQ" not in buffers and "evil clipboard" not in buffers
        alive = subprocess.run([*tmux, "list-panes", "-F", "#{pane_dead}"], capture_output=True,
                               text=True).stdout.strip()  # fmt: skip
        assert alive == "0"  # the app is still running
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)
