"""``dutyboard completion bash|zsh|fish``: scripts made from the real parser, which each
shell reads without a syntax error (a shell that is not installed is skipped)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dutyboard.cli import COMMANDS


def completion(shell: str, tmp_path: Path, lang: str = "en") -> str:
    env = {
        **os.environ,
        # No desk and no config anywhere: none is needed.
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    env.pop("DUTYBOARD_CONFIG", None)
    env.pop("DUTYBOARD_DB", None)
    result = subprocess.run(
        [sys.executable, "-m", "dutyboard", "--lang", lang, "completion", shell],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert not (tmp_path / "data").exists()  # nothing made: no desk, no folder
    return result.stdout


def syntax_check(shell: str, script: Path) -> None:
    binary = shutil.which(shell)
    if binary is None:
        pytest.skip(f"{shell} is not installed")
    check = subprocess.run([binary, "-n", str(script)], capture_output=True, text=True,
                           timeout=60)  # fmt: skip
    assert check.returncode == 0, check.stderr


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_each_shell_gets_a_script_it_can_read(shell: str, lang: str, tmp_path: Path) -> None:
    """In Chinese too: the help texts in the menus are the interface language's."""
    text = completion(shell, tmp_path, lang)
    for command in COMMANDS:  # every subcommand, `status` and `init` among them
        assert command in text, command
    for option in ("db", "config", "role", "no-input", "drop-folder", "desk-lang"):
        assert option in text, option  # fish writes `-l db`, the others `--db`
    script = tmp_path / f"dutyboard.{shell}"
    script.write_text(text)
    syntax_check(shell, script)


def test_bash_completes_commands_options_and_files(tmp_path: Path) -> None:
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    script = tmp_path / "dutyboard.bash"
    script.write_text(completion("bash", tmp_path))
    (tmp_path / "requests.csv").write_text("")

    def complete(*words: str) -> list[str]:
        line = " ".join(words)
        code = (
            f"source {script}\n"
            f"COMP_WORDS=({line}); COMP_CWORD={len(words) - 1}\n"
            f'COMP_LINE="{line}"; COMP_POINT=${{#COMP_LINE}}\n'
            "_shtab_dutyboard\n"
            'printf "%s\\n" "${COMPREPLY[@]}"\n'
        )
        result = subprocess.run(["bash", "-c", code], capture_output=True, text=True,
                                cwd=tmp_path, timeout=60)  # fmt: skip
        assert result.returncode == 0, result.stderr
        return result.stdout.split()

    assert {"init", "ingest"} <= set(complete("dutyboard", "in"))
    assert "status" in complete("dutyboard", "st")
    assert {"--name", "--no-input"} <= set(complete("dutyboard", "init", "--n"))
    assert "--timezone" in complete("dutyboard", "init", "--time")
    assert "start" in complete("dutyboard", "shift", "s")
    assert "requests.csv" in complete("dutyboard", "ingest", "--kind", "requests", "re")
    assert set(complete("dutyboard", "completion", "")) == {"bash", "zsh", "fish"}


def test_fish_lists_subcommands_with_their_help(tmp_path: Path) -> None:
    text = completion("fish", tmp_path)
    for command in ("status", "init", "completion", "shift"):
        assert f"-a {command} -d " in text, command
    assert "'print a completion script for bash, zsh or fish'" in text
    assert "-l desk-lang" in text and "-l no-input" in text
    if shutil.which("fish") is None:
        return
    script = tmp_path / "dutyboard.fish"
    script.write_text(text)
    listed = subprocess.run(
        ["fish", "--no-config", "-c", f"source {script}; complete -C 'dutyboard '"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert listed.returncode == 0, listed.stderr
    names = {line.split("\t")[0] for line in listed.stdout.splitlines()}
    assert {"status", "init", "completion"} <= names


def test_help_says_where_each_script_goes() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dutyboard", "completion", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    out = result.stdout
    assert "~/.local/share/bash-completion/completions/dutyboard" in out
    assert "~/.zfunc/_dutyboard" in out
    assert "~/.config/fish/completions/dutyboard.fish" in out


def test_an_unknown_shell_is_one_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dutyboard", "completion", "tcsh"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "invalid choice: 'tcsh'" in result.stderr
