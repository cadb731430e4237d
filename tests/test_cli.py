"""The CLI as a user runs it: real processes, real files, exit codes and messages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "dutyboard", *args],
        capture_output=True,
        text=True,
        env=full_env,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


@pytest.mark.parametrize("command", [[], ["demo"], ["check"]])
def test_every_command_has_help(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.returncode == 0
    assert "usage: dutyboard" in result.stdout
    assert "--db" in result.stdout


def test_demo_then_check(tmp_path: Path) -> None:
    db = tmp_path / "sub" / "demo.db"
    result = run("demo", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "240 requests" in result.stdout
    again = run("--db", str(db), "demo")  # global option before the command works too
    assert again.returncode == 2
    assert again.stderr.strip() == f"dutyboard: {db} already exists; pass --force to replace it"
    checked = run("check", "--db", str(db))
    assert checked.returncode == 0
    assert "integrity: ok" in checked.stdout
    assert run("demo", "--db", str(db), "--force").returncode == 0


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[desk]\ntimezone = 'Nowhere/City'\n")
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    for args in (
        ["check", "--db", str(tmp_path / "missing.db")],
        ["--config", str(bad), "check", "--db", str(tmp_path / "x.db")],
        ["--role", "leader", "--db", str(tmp_path / "missing.db")],
        ["demo", "--db", str(a_file / "x.db")],
        ["--db", str(a_file / "x.db")],
    ):
        result = run(*args, env={"DUTYBOARD_FORCE_TTY": "1"})
        assert result.returncode != 0, args
        assert "Traceback" not in result.stderr
        assert result.stderr.startswith("dutyboard: "), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_dashboard_refuses_without_a_terminal(tmp_path: Path) -> None:
    result = run("--db", str(tmp_path / "x.db"), "--create")
    assert result.returncode == 2
    assert "needs a terminal" in result.stderr


def test_command_table_matches_what_each_module_registers() -> None:
    import argparse

    from dutyboard.cli import COMMANDS, build_parser, command_in
    from dutyboard.i18n import _

    full = build_parser(full=True)
    sub = next(a for a in full._actions if isinstance(a, argparse._SubParsersAction))
    helps = {a.dest: a.help for a in sub._choices_actions}
    # The table's lines are catalogue keys, translated where used (as each module does).
    assert helps == {name: _(help_text) for name, (_module, help_text) in COMMANDS.items()}
    assert command_in(["--db", "status", "demo", "--force"]) == "demo"
    assert command_in(["--lang", "zh_CN", "status", "--json"]) == "status"
    assert command_in(["--role=leader"]) is None


def test_status_does_not_import_the_ui_or_the_http_client(tmp_path: Path) -> None:
    code = (
        "import sys; from dutyboard.cli import main\n"
        f"main(['status', '--db', {str(tmp_path / 'none.db')!r}])\n"
        "bad = sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'httpx', 'openpyxl'})\n"
        "print('IMPORTED', ','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)  # fmt: skip
    assert "IMPORTED \n" in result.stdout or result.stdout.strip().endswith("IMPORTED")


# What `dutyboard status` may never load: the UI, the HTTP client, spreadsheets, holiday
# tables, the migration library (the schema is current), the ingest stack, the Chinese
# catalog in an English run, and the sections' modules when the desk has nothing there.
STATUS_NEVER_LOADS = (
    "textual",
    "rich",
    "widgets",
    "httpx",
    "openpyxl",
    "holidays",
    "sqlite_utils",
    "dutyboard.app",
    "dutyboard.ingest",
    "dutyboard.locale.zh_CN",
    "dutyboard.store.arrivals",
    "dutyboard.store.rollcall",
    "dutyboard.store.supplies",
    "dutyboard.store.handovers",
    "dutyboard.commands.dashboard",
)


@pytest.mark.parametrize("extra", [[], ["--json"]])
def test_status_imports_only_what_it_uses(tmp_path: Path, extra: list[str]) -> None:
    from dutyboard.store import Store

    db = tmp_path / "desk.db"
    store = Store.open(db, actor="officer")
    store.add_request({"org": "Jilin University", "item": "KN95 masks", "priority": "urgent"})
    store.close()
    code = (
        "import io, sys; from dutyboard.cli import main\n"
        "out, sys.stdout = sys.stdout, io.TextIOWrapper(io.BytesIO(), encoding='utf-8')\n"
        f"code = main(['--lang', 'en', 'status', '--db', {str(db)!r}, *{extra!r}])\n"
        "sys.stdout = out\n"
        f"bad = sorted(m for m in sys.modules if m.startswith({STATUS_NEVER_LOADS!r}))\n"
        "print(code, 'IMPORTED', ','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)  # fmt: skip
    assert result.stdout.strip() == "0 IMPORTED", result.stdout + result.stderr


def test_a_chosen_command_builds_only_its_own_parser() -> None:
    import argparse

    from dutyboard.cli import COMMANDS, build_parser

    def commands(parser: argparse.ArgumentParser) -> set[str]:
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        return set(sub.choices)

    assert commands(build_parser(["status", "--json"])) == {"status"}
    # Help (and a command that does not exist) still list every command.
    assert commands(build_parser(["--help", "status"])) == set(COMMANDS)
    assert commands(build_parser(["nonsense"])) == set(COMMANDS)
    assert commands(build_parser([])) == set(COMMANDS)
