"""Files written for people (exports, reports, screenshots): never by a leader, never over
the desk, into the export folder unless confirmed (hardening #1)."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Input

from dutyboard import files
from dutyboard.demo import build_demo
from tests.conftest import FIXED_NOW
from tests.widgets.pilot import make_app, settle
from widgets.common.dialogs import ConfirmDialog
from widgets.common.export_dialog import ExportDialog


@pytest.fixture(autouse=True)
def writable_process() -> Iterator[None]:
    yield
    files.allow_writes()  # a leader app in one test must not bind the next


@pytest.fixture
def desk(tmp_path: Path) -> Path:
    path = tmp_path / "desk.db"
    build_demo(path, now=FIXED_NOW, officer="Zhang Wei")
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- the rules ------------------------------------------------------------------------------


def test_the_desk_files_are_refused_even_when_confirmed(tmp_path: Path) -> None:
    db = tmp_path / "desk.db"
    db.write_bytes(b"SQLite format 3\0")
    config = tmp_path / "config.toml"
    config.write_text("[desk]\n", encoding="utf-8")
    (tmp_path / "hard").mkdir()
    os.link(db, tmp_path / "hard" / "copy.csv")  # the same file under another name
    os.symlink(db, tmp_path / "link.csv")
    protected = files.desk_files(db, config)
    for given in (
        db,
        tmp_path / "desk.db-wal",
        tmp_path / "desk.db-shm",
        config,
        tmp_path / "hard" / "copy.csv",
        tmp_path / "link.csv",
        tmp_path / "sub" / ".." / "desk.db",
    ):
        with pytest.raises(files.WriteRefused) as refused:
            files.export_target(given, export_dir=tmp_path, protected=protected, force=True)
        assert not refused.value.confirmable, given
        assert "never replaces it" in str(refused.value)


def test_a_bare_name_goes_into_the_export_folder_made_owner_only(tmp_path: Path) -> None:
    folder = tmp_path / "exports" / "desk"
    target = files.export_target("requests.csv", export_dir=folder)
    assert target == folder / "requests.csv"
    assert folder.is_dir() and folder.stat().st_mode & 0o777 == 0o700
    with files.atomic_output(target, replace=False) as tmp:
        tmp.write_text("a,b\n", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "a,b\n"
    assert target.stat().st_mode & 0o777 == 0o600  # whatever the umask
    assert sorted(p.name for p in folder.iterdir()) == ["requests.csv"]  # no temp left


def test_outside_the_folder_or_over_a_file_needs_a_confirmation(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    elsewhere = tmp_path / "elsewhere.csv"
    with pytest.raises(files.WriteRefused) as refused:
        files.export_target(elsewhere, export_dir=folder)
    assert refused.value.confirmable and "outside the export folder" in str(refused.value)
    assert files.export_target(elsewhere, export_dir=folder, force=True) == elsewhere
    folder.mkdir()
    existing = folder / "old.csv"
    existing.write_text("keep me", encoding="utf-8")
    with pytest.raises(files.WriteRefused) as refused:
        files.export_target(existing, export_dir=folder)
    assert refused.value.confirmable and "already exists" in str(refused.value)
    with pytest.raises(files.WriteRefused, match="is a folder"):
        files.export_target(folder, export_dir=tmp_path, force=True)
    os.mkfifo(folder / "pipe.csv")
    with pytest.raises(files.WriteRefused, match="not a regular file"):
        files.export_target(folder / "pipe.csv", export_dir=folder, force=True)


def test_a_file_that_appears_meanwhile_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    with pytest.raises(files.WriteRefused), files.atomic_output(target, replace=False) as tmp:
        tmp.write_text("new", encoding="utf-8")
        target.write_text("someone else's", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "someone else's"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]


def test_a_planted_symlink_is_replaced_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious", encoding="utf-8")
    folder = tmp_path / "exports"
    folder.mkdir()
    os.symlink(victim, folder / "out.csv")
    target = files.export_target(folder / "out.csv", export_dir=folder, force=True)
    with files.atomic_output(target, replace=True) as tmp:
        tmp.write_text("export", encoding="utf-8")
    assert victim.read_text(encoding="utf-8") == "precious"
    assert not (folder / "out.csv").is_symlink()


def test_a_leader_process_writes_nowhere(tmp_path: Path) -> None:
    files.forbid_writes("a leader's session writes no files")
    for force in (False, True):
        with pytest.raises(files.WriteRefused, match="writes no files") as refused:
            files.export_target("x.csv", export_dir=tmp_path, force=force)
        assert not refused.value.confirmable
    assert list(tmp_path.iterdir()) == []


# -- the command line -----------------------------------------------------------------------


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DUTYBOARD_LANG": "en", "HOME": str(cwd)}
    env.pop("DUTYBOARD_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "dutyboard", *args],
        capture_output=True, text=True, env=env, cwd=cwd, timeout=60,
    )  # fmt: skip


def test_cli_exports_refuse_the_desk_and_existing_files(desk: Path, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    folder = tmp_path / "out"
    config.write_text(f'[display]\nexport_dir = "{folder}"\n', encoding="utf-8")
    before = digest(desk)
    base = ("--db", str(desk), "--config", str(config))
    for command in (
        ("export", "requests"),
        ("report",),
        ("contacts", "export"),
    ):
        for target in (desk, Path(f"{desk}-wal"), config):
            result = cli(*base, *command, "--force", "--out", str(target), cwd=tmp_path)
            assert result.returncode == 2, (command, target, result.stderr)
            assert result.stderr.startswith("dutyboard: ") and "never replaces it" in result.stderr
            assert len(result.stderr.splitlines()) == 1
    assert digest(desk) == before and config.read_text(encoding="utf-8").startswith("[display]")
    # A bare name lands in the export folder; a second time it is refused, --force replaces.
    first = cli(*base, "export", "requests", "--out", "r.csv", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert f"written to {folder / 'r.csv'}" in first.stderr
    again = cli(*base, "export", "requests", "--out", "r.csv", cwd=tmp_path)
    assert again.returncode == 2 and "already exists (--force to write there)" in again.stderr
    assert (
        cli(*base, "export", "requests", "--force", "--out", "r.csv", cwd=tmp_path).returncode == 0
    )
    outside = cli(*base, "report", "--out", str(tmp_path / "daily.md"), cwd=tmp_path)
    assert outside.returncode == 2 and "outside the export folder" in outside.stderr
    assert not (tmp_path / "daily.md").exists()


# -- the dashboard --------------------------------------------------------------------------


async def test_officer_export_dialog_refuses_the_database_and_asks_before_replacing(
    desk: Path, tmp_path: Path
) -> None:
    app = make_app(desk)
    folder = tmp_path / "exports"
    app.config = dataclasses.replace(app.config, export_dir=folder)
    before = digest(desk)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        assert Path(dialog.query_one(Input).value).parent == folder
        dialog.query_one(Input).value = str(desk)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is dialog  # refused in place, no question to say yes to
        assert "never replaces it" in str(dialog.query_one("#export-error").render())
        folder.mkdir()
        (folder / "old.csv").write_text("keep", encoding="utf-8")
        dialog.query_one(Input).value = str(folder / "old.csv")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(app, pilot)
        assert app.screen is dialog and (folder / "old.csv").read_text(encoding="utf-8") == "keep"
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert not isinstance(app.screen, ExportDialog | ConfirmDialog)
        assert (folder / "old.csv").read_text(encoding="utf-8-sig").startswith("ID,")
    assert digest(desk) == before


async def test_leader_dashboard_has_no_way_to_write_a_file(desk: Path, tmp_path: Path) -> None:
    app = make_app(desk, role="leader")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        shown = {b.binding.key for b in app.active_bindings.values() if b.enabled}
        assert "x" not in shown
        await pilot.press("x")
        await settle(app, pilot)
        assert not isinstance(app.screen, ExportDialog)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Screenshot" not in titles and "Quit" in titles
        with pytest.raises(files.WriteRefused):
            app.save_screenshot(path=str(tmp_path))
        assert app.deliver_text(iter(["x"]), save_directory=tmp_path) is None
        app.action_screenshot(path=str(tmp_path))
        await settle(app, pilot)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["desk.db", "desk.db-shm", "desk.db-wal"]
    assert files.writes_forbidden() is None  # handed back when the app ends (tests, embedding)


async def test_officer_screenshot_goes_into_the_export_folder(desk: Path, tmp_path: Path) -> None:
    app = make_app(desk)
    folder = tmp_path / "shots"  # does not exist yet, as ~/Downloads on a server
    app.config = dataclasses.replace(app.config, export_dir=folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Screenshot")
        assert str(folder) in command.help
        app.action_screenshot()
        await settle(app, pilot)
        saved = list(folder.glob("dutyboard-*.svg"))
        assert len(saved) == 1 and saved[0].read_text(encoding="utf-8").startswith("<svg")
        messages = [str(n.message) for n in app._notifications]
        assert any(f"screenshot saved to {saved[0]}" in m for m in messages)


# -- a real leader session in a real terminal -----------------------------------------------


def tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): digest(p)
        for p in root.rglob("*")
        if p.is_file() and not p.name.endswith(("-wal", "-shm"))
    }


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is installed by make test")
def test_a_leader_in_tmux_cannot_write_the_database_or_any_file(desk: Path, tmp_path: Path) -> None:
    """The attack from the report: export, clear the path, type the database's path."""
    home = tmp_path / "home"
    home.mkdir()
    before = tree(tmp_path)
    sock = f"dutyboard-files-{os.getpid()}"
    tmux = ["tmux", "-L", sock]
    cmd = (
        f"env HOME={home} DUTYBOARD_LANG=en TEXTUAL_ANIMATIONS=none "
        f"{sys.executable} -m dutyboard --role leader --db {desk}"
    )

    def screen() -> str:
        return subprocess.run(
            [*tmux, "capture-pane", "-p"], capture_output=True, text=True, check=True
        ).stdout

    def keys(*k: str) -> None:
        subprocess.run([*tmux, "send-keys", *k], check=True)
        time.sleep(0.6)

    subprocess.run(
        [*tmux, "new-session", "-d", "-x", "160", "-y", "48", "-c", str(home), cmd], check=True
    )
    try:
        deadline = time.monotonic() + 30
        while "Requests" not in screen() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "Requests" in screen()
        keys("x")
        keys("C-u")
        keys(*str(desk), "Enter")  # typed into whatever has focus: no dialog is open
        keys("Escape")
        keys("C-p")
        keys(*"screenshot")
        keys("Enter")
        keys("Escape")
        text = screen()
        assert "written to" not in text and "Export" not in text
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)
    assert tree(tmp_path) == before  # no file made, none changed, the database intact


def test_a_leader_on_the_command_line_writes_no_file(desk: Path, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[display]\nexport_dir = "{tmp_path}"\n', encoding="utf-8")
    base = ("--db", str(desk), "--config", str(config), "--role", "leader")
    for command in (("export", "requests"), ("report",), ("contacts", "export")):
        result = cli(*base, *command, "--force", "--out", "x.csv", cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert result.stderr == "dutyboard: a leader's session writes no files\n"
    assert not (tmp_path / "x.csv").exists()
    shown = cli(*base, "export", "requests", cwd=tmp_path)  # to the terminal: reading only
    assert shown.returncode == 0 and shown.stdout.startswith("ID,")
