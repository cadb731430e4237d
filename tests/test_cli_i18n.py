"""The command line in Chinese, all the way (issue 20): its messages, errors, summaries
and ``--help``, argparse's own words included, through the one catalogue (``_()``).

Two kinds of check. The sources: every module of the command line (``dutyboard/cli.py``
and ``dutyboard/commands/``) is parsed with ``ast``, and a string literal (or an f-string
with words in its literal parts) handed to a place a person reads is flagged unless it
goes through ``_()``; a second, wider net flags any sentence-like literal outside
``_()`` wherever it is, so a message passed on through a variable or a helper is caught
too. The behaviour: ``dutyboard.cli.main`` run in-process (and once as a process) under
``--lang zh_CN``, a config's ``desk.lang`` and English.
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dutyboard import i18n
from dutyboard.cli import COMMANDS, main, wrap_cells
from dutyboard.commands import cells as wcells
from dutyboard.locale import zh_CN, zh_CN_cli
from tests.catalogue_scan import call_name, is_translation, translated_literals, untranslated

REPO = Path(__file__).resolve().parents[1]
CLI_MODULES = [
    REPO / "dutyboard" / "cli.py",
    *sorted((REPO / "dutyboard" / "commands").glob("*.py")),
]
# Every command module is checked (none is left out now).
EXCLUDED: tuple[str, ...] = ()

# Calls whose positional arguments are shown as they are (all of them for print; the
# message for the others).
MESSAGE_CALLS = {
    "print", "_say", "UsageError", "StoreError", "ConfigError", "ArgumentTypeError",
    "write", "forbid_writes",
}  # fmt: skip
# Calls whose keyword arguments of these names are shown (help, descriptions, epilogs).
KEYWORD_CALLS = {
    "add_parser": {"help", "description", "epilog"},
    "add_argument": {"help"},
    "ArgumentParser": {"description", "epilog"},
    "Parser": {"description", "epilog"},
    "add_subparsers": {"title", "description", "help"},
    "add_argument_group": {"title", "description"},
}
# Literal parts that are words but the same in every language, by exact text, each with
# its reason.
ALLOWED = {
    "dutyboard: ",  # the program's name before an error line, as argparse's "prog: error"
}

# The wider net: a literal with two words in a row reads as a sentence for a person.
_SENTENCE = re.compile(r"[A-Za-z]{2,}[ ,;:'’]+[A-Za-z]{2,}")
# Keyword arguments whose values are not words for a person: placeholders stay as they
# are in every language (METAVAR), the rest are names in the code.
NOT_TEXT_KEYWORDS = {"metavar", "dest"}
# Module-level tables whose texts are translated where they are used (built at import,
# before the language is set): cli.COMMANDS; test_every_command_help_line_has_chinese
# checks them.
TRANSLATED_WHERE_USED = {"COMMANDS"}
# Sentence-like literals that are not for a person to read, each with its reason. By
# exact text: a new one must be looked at, not waved through by a pattern.
NOT_FOR_PEOPLE: dict[str, str] = {}


def cli_modules() -> list[Path]:
    return [p for p in CLI_MODULES if p.relative_to(REPO).as_posix() not in EXCLUDED]


def _keyword_sinks(call: ast.Call) -> list[ast.AST]:
    names = KEYWORD_CALLS.get(call_name(call), set())
    return [k.value for k in call.keywords if k.arg in names]


def offenders(source: str, where: str) -> list[str]:
    """Worded literals handed to a sink without ``_()``."""
    out: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        shown: list[ast.AST] = []
        name = call_name(node)
        if name == "print":
            shown.extend(node.args)
        elif name in MESSAGE_CALLS:
            shown.extend(node.args[:1])
        shown.extend(_keyword_sinks(node))
        for expr in shown:
            out.extend(
                f"{where}:{getattr(expr, 'lineno', 0)}: {text!r}"
                for text in untranslated(expr, ALLOWED)
            )
    return out


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the docstring constants (a module's, a class's, a function's)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def sentences(source: str, where: str) -> list[str]:
    """Sentence-like literals anywhere outside ``_()`` (and not a docstring)."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    inside: set[int] = set()
    for node in ast.walk(tree):
        if is_translation(node):
            inside.update(id(n) for n in ast.walk(node))
        elif isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg in NOT_TEXT_KEYWORDS:
                    inside.update(id(n) for n in ast.walk(keyword.value))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id in TRANSLATED_WHERE_USED for t in targets):
                inside.update(id(n) for n in ast.walk(node))
    out = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in skip | inside
            and _SENTENCE.search(node.value)
            and node.value not in NOT_FOR_PEOPLE
        ):
            out.append(f"{where}:{node.lineno}: {node.value!r}")
    return out


def _scan(check: object) -> list[str]:
    assert callable(check)
    return [
        line
        for path in cli_modules()
        for line in check(path.read_text(encoding="utf-8"), str(path.relative_to(REPO)))
    ]


def test_no_user_facing_cli_string_bypasses_the_catalogue() -> None:
    found = _scan(offenders)
    assert not found, "strings shown without _():\n" + "\n".join(found)


def test_no_sentence_of_the_cli_bypasses_the_catalogue() -> None:
    found = _scan(sentences)
    assert not found, "sentences outside _() (translate, or list why not):\n" + "\n".join(found)


def test_the_checks_catch_what_they_should() -> None:
    """The rules themselves: each sink is seen; translated, placeholder and non-word
    strings pass; a sentence passed on through a variable is caught by the wider net."""
    source = """
print(f"demo database {path}: {n} requests")
raise UsageError("there is no handover yet")
_say(f"cannot use{where}: {why}")
parser.add_argument("--json", action="store_true", help="print JSON instead")
sub.add_parser("demo", help="build a demo", description="Build it.")
raise argparse.ArgumentTypeError("must be a whole number")
sys.stdout.write("nothing expected\\n")
files.forbid_writes("a leader writes nothing")
text = "a sentence kept in a variable"
ok = [print(_("nothing expected")), print("dutyboard: " + _("x y")), print(f"#{n} · {m}")]
ok2 = parser.add_argument("what", metavar="ITEM QUANTITY [UNIT]", help=_("what it is"))
"""
    found = sorted(line.split(": ", 1)[1] for line in offenders(source, "sample"))
    assert found == sorted(
        [
            "'demo database '",
            "' requests'",
            "'there is no handover yet'",
            "'cannot use'",
            "'print JSON instead'",
            "'build a demo'",
            "'Build it.'",
            "'must be a whole number'",
            "'nothing expected\\n'",
            "'a leader writes nothing'",
        ]
    ), found
    wider = [line.split(": ", 1)[1] for line in sentences(source, "sample")]
    assert "'a sentence kept in a variable'" in wider
    assert not [w for w in wider if "ITEM QUANTITY" in w or "what it is" in w]


# -- the catalogue ----------------------------------------------------------------------------


def test_every_translated_cli_string_has_chinese() -> None:
    """Each literal _() of the command line (tests/test_i18n.py checks all of dutyboard/
    too; this one names the CLI's files, excluded ones included)."""
    missing = [
        f"{path.relative_to(REPO)}: {text!r}"
        for path in CLI_MODULES
        for text in translated_literals(ast.parse(path.read_text(encoding="utf-8")))
        if text not in zh_CN.MESSAGES
    ]
    assert not missing, "\n".join(missing)


def test_every_command_help_line_has_chinese() -> None:
    """cli.COMMANDS is built before the language is known: its lines are keys, translated
    where the command list is made."""
    missing = [name for name, (_module, text) in COMMANDS.items() if text not in zh_CN.MESSAGES]
    assert not missing


def test_words_translated_at_run_time_have_chinese() -> None:
    """Values shown through _(value) in the command line's text output."""
    from dutyboard.domain.arrivals import ArrivalKind, ArrivalState, holdups
    from dutyboard.domain.handover import HandoverState
    from dutyboard.domain.rollcall import RollCallState
    from dutyboard.store.quarantine import STATES

    words = [
        *(k.value for k in ArrivalKind),
        *(s.value for s in ArrivalState),
        *(s.value for s in HandoverState),
        *(s.value for s in RollCallState if s is not RollCallState.DUE),
        "roll-call\x04due",
        *holdups("pending", "pending"),
        "manual",
        *(s for s in STATES if s != "open"),
        "quarantine\x04open",
        *("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
        *("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
        "{weekday} {day} {month} {time}",
    ]
    assert not [w for w in words if w not in zh_CN.MESSAGES]


def argparse_messages() -> list[str]:
    """Every message the installed argparse makes: the literal arguments of its _() and
    ngettext() calls (both forms of ngettext's)."""
    tree = ast.parse(Path(argparse.__file__).read_text(encoding="utf-8"))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            taken = {"_": 1, "ngettext": 2}.get(node.func.id, 0)
            found.extend(
                arg.value
                for arg in node.args[:taken]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            )
    return list(dict.fromkeys(found))


def test_argparse_speaks_chinese_for_every_message_it_has() -> None:
    """A Python upgrade that gives argparse a new message fails here, naming it."""
    messages = argparse_messages()
    assert "the following arguments are required: %s" in messages  # the scan works
    assert len(messages) > 30
    missing = [m for m in messages if m not in zh_CN.MESSAGES]
    assert not missing, f"argparse messages without Chinese: {missing}"


_PERCENT = re.compile(r"%(?:\([a-z_]+\))?[#0-9.]*[srd%]")


def test_cli_translations_keep_their_placeholders() -> None:
    """{name} and argparse's %(name)s / %s / %r alike; and no stray % in a help text
    (argparse expands % in help)."""
    for english, chinese in zh_CN_cli.MESSAGES.items():
        assert sorted(_PERCENT.findall(english)) == sorted(_PERCENT.findall(chinese)), english
        assert chinese.count("%") == english.count("%"), english
        assert sorted(re.findall(r"\{[^}]*\}", english)) == sorted(
            re.findall(r"\{[^}]*\}", chinese)
        ), english


# -- behaviour ----------------------------------------------------------------------------------


@pytest.fixture
def english_after(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """An environment of our own (English, an empty config) and English again after: the
    CLI sets the language for the process, and set_language writes $DUTYBOARD_LANG."""
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    monkeypatch.setenv("DUTYBOARD_CONFIG", str(config))
    monkeypatch.setenv("DUTYBOARD_LANG", "en")
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    try:
        yield config
    finally:
        i18n.set_language("en")


def _help(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exit_:
        main(args)
    assert exit_.value.code == 0
    return capsys.readouterr().out


def _error(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """argparse's refusal: exit 2, its lines on stderr."""
    with pytest.raises(SystemExit) as exit_:
        main(args)
    assert exit_.value.code == 2
    return capsys.readouterr().err


def test_help_is_chinese_under_zh_cn(
    english_after: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _help(["--lang", "zh_CN", "--help"], capsys)
    assert out.startswith("用法：dutyboard ")
    flat = "".join(out.split())  # Chinese wraps between any two characters
    for chinese in ("显示本帮助并退出", "位置参数", "选项", "界面语言", "交接班", "导出联系人"):
        assert chinese in flat, chinese
    assert "show this help message" not in out and "usage:" not in out
    assert "--db PATH" in out and "{en,zh_CN}" in out  # options and metavars stay


def test_a_command_help_is_chinese(english_after: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _help(["--lang=zh_CN", "status", "--help"], capsys)
    assert out.startswith("用法：dutyboard status ")
    assert "改为输出 JSON（schema 1）" in out and "显示本帮助并退出" in out
    assert "print JSON" not in out
    # `status --lang zh_CN` (the command's own option) counts as well.
    out = _help(["quarantine", "list", "--help", "--lang", "zh_CN"], capsys)
    assert "已处理的行也显示" in out and "最多 N 行（默认 100）" in out


def test_chinese_help_wraps_by_terminal_cells(
    english_after: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    out = _help(["--lang", "zh_CN", "ingest", "--help"], capsys)
    described = out.split("\n\n", 1)[1]  # (a usage line holds options: never cut)
    assert max(wcells(line) for line in described.splitlines()) <= 60
    assert "一次性导入" in "".join(out.split())


def test_the_config_language_speaks_before_parsing(
    english_after: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """desk.lang is read before the arguments are parsed: --help says it in Chinese with
    no --lang; --lang still wins over the config."""
    english_after.write_text('[desk]\nlang = "zh_CN"\n', encoding="utf-8")
    assert "显示本帮助并退出" in _help(["--help"], capsys)
    other = english_after.with_name("other.toml")
    other.write_text('[desk]\nlang = "zh_CN"\n', encoding="utf-8")
    english_after.write_text("", encoding="utf-8")
    assert "用法：dutyboard demo" in _help(["demo", "--config", str(other), "--help"], capsys)
    assert "usage: dutyboard" in _help(["--config", str(other), "--lang", "en", "--help"], capsys)


def test_a_config_that_cannot_be_read_does_not_stop_the_scan(
    english_after: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Help still shows (in the environment's language); a command then reports the
    config's problem in one line, as before."""
    english_after.write_text("[desk\nlang = ", encoding="utf-8")
    assert "usage: dutyboard" in _help(["--help"], capsys)
    assert main(["status", "--db", str(tmp_path / "none.db")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dutyboard: ") and "not valid TOML" in err
    folder = tmp_path / "a-folder.toml"
    folder.mkdir()
    assert "usage: dutyboard" in _help(["--config", str(folder), "--help"], capsys)


def test_usage_errors_are_chinese(english_after: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _error(["--lang", "zh_CN", "nonsense"], capsys)
    assert err.startswith("用法：dutyboard ")
    assert "dutyboard: 错误：参数 COMMAND：无效的取值：'nonsense'（可选：" in err
    err = _error(["--lang", "zh_CN", "export", "requests", "--format", "pdf"], capsys)
    assert "dutyboard export: 错误：参数 --format：无效的取值：'pdf'" in err
    err = _error(["--lang", "zh_CN", "export"], capsys)
    assert "缺少必需的参数：table" in err
    err = _error(["--lang", "zh_CN", "status", "--bogus"], capsys)
    assert "无法识别的参数：--bogus" in err
    err = _error(["--lang", "zh_CN", "arrivals", "--hours", "x"], capsys)
    assert "参数 --hours：'x' 不是小时数" in err
    assert "error" not in err and "invalid" not in err


def test_argparse_is_put_back_after_the_cli(
    english_after: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import gettext

    _error(["--lang", "zh_CN", "nonsense"], capsys)
    assert vars(argparse)["_"] is gettext.gettext
    assert vars(argparse)["ngettext"] is gettext.ngettext
    plain = argparse.ArgumentParser(prog="other")
    assert plain.format_usage().startswith("usage: other")


def test_refusals_and_summaries_are_chinese(
    english_after: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "none.db"
    assert main(["--lang", "zh_CN", "status", "--db", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"dutyboard: {missing} 处没有值班台（文件不存在）：`dutyboard init` 设置正式值班台，"
        "加 --create 在此新建空值班台，`dutyboard demo` 生成演示值班台\n"
    )
    db = tmp_path / "demo.db"
    assert main(["--lang", "zh_CN", "demo", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert out == (f"演示数据库 {db}：需求 240 条，线索 120 条，联系人 64 位，已签字交接 1 次\n")
    assert main(["--lang", "zh_CN", "demo", "--db", str(db)]) == 2
    assert capsys.readouterr().err == f"dutyboard: {db} 已存在；加 --force 可替换\n"
    assert main(["--lang", "zh_CN", "shift", "show", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("值班：") and "班次 #" in out and "On duty" not in out
    assert main(["--lang", "zh_CN", "rollcall", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("点名 — ") and "每天 " in out and "deadline" not in out
    assert main(["--lang", "zh_CN", "arrivals", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("到达，未来 24 小时 — ") and "货物" in out
    assert main(["--lang", "zh_CN", "handover", "list", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "已确认事项 3/3" in out and out.endswith("1 次交接\n")
    assert main(["--lang", "zh_CN", "quarantine", "list", "--db", str(db)]) == 0
    assert capsys.readouterr().err == "待处理 0 行\n"
    # The same desk in English: the lines as they always were.
    assert main(["--lang", "en", "shift", "show", "--db", str(db)]) == 0
    assert capsys.readouterr().out.startswith("On duty: ")
    assert main(["--lang", "en", "demo", "--db", str(db)]) == 2
    assert (
        capsys.readouterr().err == f"dutyboard: {db} already exists; pass --force to replace it\n"
    )


def test_english_is_unchanged(english_after: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _help(["--lang", "en", "--help"], capsys)
    assert out.startswith("usage: dutyboard ")
    assert "show this help message and exit" in out and "positional arguments:" in out
    assert "options:" in out and "interface language (default: desk.lang" in out
    assert not re.search(r"[\u4e00-\u9fff]", out)
    err = _error(["--lang", "en", "nonsense"], capsys)
    assert "dutyboard: error: argument COMMAND: invalid choice: 'nonsense'" in err


def test_chinese_from_the_environment_in_a_process(tmp_path: Path) -> None:
    """As a user runs it: $DUTYBOARD_CONFIG's desk.lang, no --lang; a config that is a
    FIFO does not block the scan (argparse's help needs no config)."""
    config = tmp_path / "config.toml"
    config.write_text('[desk]\nlang = "zh_CN"\n', encoding="utf-8")
    env = {**os.environ, "DUTYBOARD_CONFIG": str(config), "NO_COLOR": "1"}
    env.pop("DUTYBOARD_LANG", None)
    result = subprocess.run(
        [sys.executable, "-m", "dutyboard", "handover", "--help"],
        capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("用法：dutyboard handover ")
    assert "交接班：根据本班发生的事起草" in "".join(result.stdout.split())
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    env["DUTYBOARD_CONFIG"] = str(fifo)
    env["DUTYBOARD_LANG"] = "zh_CN"
    result = subprocess.run(
        [sys.executable, "-m", "dutyboard", "--help"],
        capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0 and "显示本帮助并退出" in result.stdout


def test_wrap_cells() -> None:
    text = "以只读方式打开数据库，不会改动任何内容。JSON 格式见 docs/ssh.md。"
    lines = wrap_cells(text, 20)
    assert all(wcells(line) <= 20 for line in lines), lines
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert not [line for line in lines if line[0] in "，。、；：）"]  # no line starts so
    assert "docs/ssh.md。" in "".join(lines)  # a word is never cut
    assert wrap_cells("a b c", 3) == ["a b", "c"]
