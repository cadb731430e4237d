"""``dutyboard init``: set up a real desk — its config file and its database.

Asks in the terminal (a default in [brackets] for each; Enter takes it), or takes every
answer as a flag for scripts (``--no-input``; also what happens when standard input is
not a terminal). What it checks and writes is :mod:`dutyboard.deskinit`; this module is
the questions and the messages.

* Nothing is written until every answer is in: Ctrl-C or end of input stops with one
  line and exit 130, and no file exists that did not before.
* An existing config or database is refused (one line naming it, exit 2) unless
  ``--force``; both are checked before either is written, before the first question
  and again before writing.
* ``--lang`` (before or after ``init``) is the language of the questions and the
  default language written into the config; ``--desk-lang`` writes another one.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO, TypeVar

from dutyboard import deskinit, files
from dutyboard.commands import Context, Subparsers, UsageError
from dutyboard.config import parse_config
from dutyboard.deskinit import AnswerError, DeskAnswers
from dutyboard.domain.text import clean_line
from dutyboard.i18n import LANGUAGES, _, language, set_language
from dutyboard.paths import default_config_path, default_db_path
from dutyboard.store.dburl import PostgresLocation

EXIT_INTERRUPTED = 130  # as dutyboard.cli
T = TypeVar("T")


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "init",
        help=_("set up a new desk: write its config and database"),
        description=_(
            "Set up a new desk: write a commented config file and create the database. "
            "It asks for the desk's name, its time zone (suggested from the system), the "
            "interface language, the shift rota, the units that owe a daily report and a "
            "drop folder for incoming request files; Enter takes the default shown in "
            "[brackets], Ctrl-C stops without writing anything. A flag answers its "
            "question instead; with --no-input (or when standard input is not a terminal) "
            "nothing is asked and the defaults fill in what no flag gives. An existing "
            "config or database is never replaced without --force."
        ),
        epilog=_(
            "examples:\n"
            "  dutyboard init\n"
            "  dutyboard init --config ~/desk/config.toml --db ~/desk/duty.db\n"
            "  dutyboard --lang zh_CN init\n"
            "  dutyboard init --no-input --name 'Provincial duty desk' \\\n"
            "      --timezone Asia/Shanghai --rota '08:00, 20:00' \\\n"
            "      --unit 'Jilin University' --unit 'Changchun FAO' \\\n"
            "      --drop-folder /srv/duty/inbox/requests\n"
            "\n"
            "What it asks and writes, and the first commands after it: docs/first-night.md."
        ),
    )
    keep_indented_lines(parser)
    # Not commands.common_options: here --config and --db name files to be made.
    parser.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        type=Path,
        metavar="PATH",
        help=_("the database to create (default: $DUTYBOARD_DB or the user data dir)"),
    )
    parser.add_argument(
        "--config",
        dest="init_config",
        type=Path,
        metavar="PATH",
        help=_("the config file to write (default: $DUTYBOARD_CONFIG or the user config dir)"),
    )
    parser.add_argument("--name", metavar="TEXT", help=_("the desk's name, shown in the header"))
    parser.add_argument(
        "--timezone",
        metavar="ZONE",
        help=_("the desk's IANA time zone (default: the system's, else UTC)"),
    )
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=argparse.SUPPRESS,
        help=_(
            "language of the questions and messages (the global --lang), and the default "
            "of --desk-lang"
        ),
    )
    parser.add_argument(
        "--desk-lang",
        choices=LANGUAGES,
        help=_(
            "the interface language written into the config as desk.lang (default: "
            "--lang, else the environment's)"
        ),
    )
    parser.add_argument(
        "--rota",
        metavar="TIMES",
        help=_('shift change times, desk time, e.g. "08:00, 20:00" (the default); "-" for none'),
    )
    parser.add_argument(
        "--unit",
        action="append",
        metavar="NAME",
        help=_('a unit that owes a report "daily by 17:00" (repeat for more; --unit "" for none)'),
    )
    parser.add_argument(
        "--drop-folder",
        metavar="PATH",
        help=_(
            'a folder for incoming request files, made if missing (--drop-folder "" for '
            "none, the default)"
        ),
    )
    parser.add_argument(
        "--no-input", action="store_true", help=_("ask nothing: the flags, else the defaults")
    )
    parser.add_argument(
        "--force", action="store_true", help=_("replace an existing config and database")
    )
    parser.set_defaults(func=run)


def keep_indented_lines(parser: argparse.ArgumentParser) -> None:
    """Prose in the description and the epilog is filled to the terminal's width as
    usual; a paragraph with indented lines (examples, commands to copy) is kept line for
    line. The parser's own formatter (which measures Chinese by cells) stays underneath."""
    base: Any = parser.formatter_class

    class KeepIndented(base):  # type: ignore[misc]
        def _fill_text(self, text: str, width: int, indent: str) -> str:
            blocks = []
            for block in text.split("\n\n"):
                lines = block.splitlines()
                if any(line.startswith(" ") for line in lines):
                    blocks.append("\n".join(indent + line for line in lines))
                else:
                    blocks.append(super()._fill_text(block, width, indent))
            return "\n\n".join(blocks)

    parser.formatter_class = KeepIndented


def run(args: argparse.Namespace, ctx: Context) -> int:
    if files.writes_forbidden() or getattr(args, "role", None) == "leader":
        raise UsageError(_("a leader's session sets up no desk"))
    given_config = args.init_config or getattr(args, "config", None)
    config_path = _absolute(given_config or default_config_path())
    db_path = _absolute(ctx.db_path)
    force = bool(args.force)
    if ctx.location is not None:
        _refuse_a_pg_password(ctx.location)
    _refuse_existing(config_path, db_path, force=force, location=ctx.location)
    _check(lambda: deskinit.check_layout(config_path, db_path, None))
    interactive = not args.no_input and _is_terminal(sys.stdin)
    try:
        shown = ctx.location.masked() if ctx.location is not None else None
        answers = _answers(args, config_path, db_path, interactive=interactive, shown=shown)
        if ctx.location is not None:
            answers = dataclasses.replace(answers, database=ctx.location.masked())
    except (KeyboardInterrupt, EOFError):
        # The cursor is after a prompt: end that line first.
        with contextlib.suppress(OSError, ValueError):
            _prompt_stream().write("\n")
            _prompt_stream().flush()
        with contextlib.suppress(OSError, ValueError):
            print(f"dutyboard: {_('init stopped; nothing was written')}", file=sys.stderr)
        return EXIT_INTERRUPTED
    _check(lambda: deskinit.check_layout(config_path, db_path, answers.drop_folder))
    text = deskinit.config_text(answers)
    _self_check(text, config_path)
    # Made while we were asking?
    _refuse_existing(config_path, db_path, force=force, location=ctx.location)
    _write(text, answers, config_path, db_path, force=force, location=ctx.location)
    _report(answers, config_path, db_path, shown=shown)
    return 0


# ------------------------------------------------------------------- questions


def _answers(
    args: argparse.Namespace,
    config_path: Path,
    db_path: Path,
    *,
    interactive: bool,
    shown: str | None = None,
) -> DeskAnswers:
    if interactive:
        say = _prompt_stream()
        say.write(
            _("Setting up a new desk. Enter takes the answer in [brackets]; Ctrl-C stops.") + "\n"
        )
        say.write(_("config file: {path}").format(path=clean_line(config_path)) + "\n")
        say.write(_("database:    {path}").format(path=clean_line(shown or db_path)) + "\n\n")
        say.flush()

    def answer(
        flag: str,
        given: Any,
        check: Callable[[str], T],
        question: str,
        default: str,
    ) -> T:
        if given is not None:
            return _flag(flag, lambda: check(given))
        if interactive:
            return _ask(question, default, check)
        return check(default)

    lang = args.desk_lang
    if lang is None:
        lang = answer(
            "--desk-lang",
            None,
            deskinit.check_lang,
            _("Interface language (en or zh_CN)"),
            language(),
        )
        if interactive and getattr(args, "lang", None) is None:
            set_language(lang)  # no --lang: the rest of the questions in the chosen language
    name = answer(
        "--name", args.name, deskinit.check_name, _("Desk name (shown in the header)"),
        deskinit.DEFAULT_NAME,
    )  # fmt: skip
    timezone = answer(
        "--timezone",
        args.timezone,
        deskinit.check_timezone,
        _("Desk time zone (IANA name)"),
        deskinit.suggest_timezone(),
    )
    rota = answer(
        "--rota",
        args.rota,
        deskinit.parse_rota,
        _("Shift changes, desk time (- for none)"),
        ", ".join(deskinit.DEFAULT_ROTA),
    )
    units = (
        _flag("--unit", lambda: deskinit.check_units(args.unit))
        if args.unit is not None
        else answer(
            "--unit",
            None,
            deskinit.parse_units,
            _("Units that owe a report daily by 17:00, comma-separated (Enter: none)"),
            "",
        )
    )
    cwd = Path.cwd()
    drop_folder = answer(
        "--drop-folder",
        args.drop_folder,
        lambda text: _checked_folder(text, cwd, config_path, db_path),
        _("Drop folder for incoming request files (Enter: none)"),
        "",
    )
    return DeskAnswers(
        name=name,
        timezone=timezone,
        lang=lang,
        rota=rota,
        units=units,
        drop_folder=drop_folder,
    )


def _checked_folder(text: str, cwd: Path, config_path: Path, db_path: Path) -> Path | None:
    folder = deskinit.check_drop_folder(text, cwd=cwd)
    deskinit.check_layout(config_path, db_path, folder)
    return folder


def _ask(question: str, default: str, check: Callable[[str], T]) -> T:
    """Ask until ``check`` takes the answer; a bad one is said in one line, then asked
    again. KeyboardInterrupt and EOFError go to the caller (nothing is written)."""
    say = _prompt_stream()
    while True:
        if default:
            prompt = _("{question} [{default}]: ").format(
                question=question, default=clean_line(default)
            )
        else:
            prompt = _("{question}: ").format(question=question)
        say.write(prompt)
        say.flush()
        try:
            line = sys.stdin.readline()
        except UnicodeDecodeError:
            say.write(_("that answer is not readable text; try again") + "\n")
            continue
        if not line:
            raise EOFError
        text = line.strip() or default
        try:
            return check(text)
        except AnswerError as exc:
            say.write(clean_line(str(exc)) + "\n")


def _flag(flag: str, check: Callable[[], T]) -> T:
    try:
        return check()
    except AnswerError as exc:
        raise UsageError(f"{flag}: {exc}") from None


def _check(check: Callable[[], None]) -> None:
    try:
        check()
    except AnswerError as exc:
        raise UsageError(str(exc)) from None


def _prompt_stream() -> TextIO:
    """Questions go where a person sees them: stdout, or stderr when stdout is a file."""
    return sys.stdout if _is_terminal(sys.stdout) else sys.stderr


def _is_terminal(stream: TextIO | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (ValueError, OSError, AttributeError):
        return False


# ---------------------------------------------------------------------- writing


def _absolute(path: Path) -> Path:
    return Path(os.path.abspath(path.expanduser()))


def _refuse_a_pg_password(location: PostgresLocation) -> None:
    """The config keeps a PostgreSQL desk's URL, so the URL must hold no password."""
    if location.has_password:
        raise UsageError(
            _(
                "{url}: the config keeps this URL, so give it without its password and put "
                "the password in ~/.pgpass ($PGPASSFILE) or a service file"
            ).format(url=location.masked())
        )


def _refuse_existing(
    config_path: Path, db_path: Path, *, force: bool, location: PostgresLocation | None = None
) -> None:
    """Both the config and the database checked before either is written. A PostgreSQL
    desk is never replaced: with ``--force`` only the config is written again."""
    from dutyboard.store.connection import regular_file_exists

    if config_path.is_dir():
        raise UsageError(_("{path} is a folder, not a config file").format(path=config_path))
    if location is not None:
        from dutyboard.store import pg_engine

        if pg_engine.holds_desk(location) and not force:
            raise UsageError(
                _(
                    "{url} already holds a desk; pass --force to write the config for it "
                    "(the desk itself is kept as it is; nothing was written)"
                ).format(url=location.masked())
            )
        db_exists = False
    else:
        db_exists = regular_file_exists(db_path)  # a folder or a FIFO there: one line
    if force:
        return
    for path, exists in ((config_path, config_path.exists()), (db_path, db_exists)):
        if exists:
            raise UsageError(
                _("{path} already exists; pass --force to replace it (nothing was written)").format(
                    path=path
                )
            )


def _self_check(text: str, config_path: Path) -> None:
    """The text is read back as dutyboard will read it, before anything is written."""
    from dutyboard.ingest.sources import parse_sources

    data = tomllib.loads(text)
    config = parse_config(data, source=config_path)
    parse_sources(data.get("sources", []), where=str(config_path), default_zone=config.timezone)


def _write(
    text: str,
    answers: DeskAnswers,
    config_path: Path,
    db_path: Path,
    *,
    force: bool,
    location: PostgresLocation | None = None,
) -> None:
    """The database, then the config. A SQLite file made here goes again if the config
    cannot be written; a PostgreSQL desk's schema stays (init --force writes the config
    for it later)."""
    if location is not None:
        from dutyboard.store import pg_engine
        from dutyboard.store.pg_schema import ForeignSchema

        try:
            pg_engine.create_desk(location)  # a desk already there is kept, brought up to date
        except ForeignSchema as exc:
            raise UsageError(
                _(
                    "{url}: schema {schema} holds another program's tables ({tables}); "
                    "nothing was written: give a database or schema of the desk's own"
                ).format(url=location.masked(), schema=exc.schema, tables=", ".join(exc.tables))
            ) from None
        _write_config(text, answers, config_path, force=force)
        return
    from dutyboard.store.connection import connect

    db_path.parent.mkdir(parents=True, exist_ok=True)
    if force:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    connect(db_path, create=True).close()
    try:
        _write_config(text, answers, config_path, force=force)
    except BaseException:
        # No half desk: the database made a moment ago goes too.
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        raise


def _write_config(text: str, answers: DeskAnswers, config_path: Path, *, force: bool) -> None:
    try:
        config_path.parent.mkdir(parents=True, exist_ok=True)
        with files.atomic_output(config_path, replace=force) as tmp:
            tmp.write_text(text, encoding="utf-8")
        if answers.drop_folder is not None:
            answers.drop_folder.mkdir(parents=True, exist_ok=True)
    except files.WriteRefused as exc:
        raise UsageError(str(exc)) from None


def _report(
    answers: DeskAnswers, config_path: Path, db_path: Path, *, shown: str | None = None
) -> None:
    out = sys.stdout
    rota = ", ".join(answers.rota) if answers.rota else _("none")
    lines = [
        _("Desk “{name}” is set up ({zone}; shift changes: {rota}; units: {count}).").format(
            name=clean_line(answers.name),
            zone=answers.timezone,
            rota=rota,
            count=len(answers.units),
        ),
        "  " + _("config file: {path}").format(path=clean_line(config_path)),
        "  " + _("database:    {path}").format(path=clean_line(shown or db_path)),
    ]
    if answers.drop_folder is not None:
        lines.append("  " + _("drop folder: {path}").format(path=clean_line(answers.drop_folder)))
    lines += ["", _("Next:")]
    for what, command in deskinit.next_commands(
        config_path,
        # A PostgreSQL desk's URL is in the config (desk.database): no --db to repeat.
        default_db_path() if shown else db_path,
        default_config=default_config_path(),
        default_db=default_db_path(),
        drop_folder=answers.drop_folder,
    ):
        lines += ["  " + _("{step}:").format(step=what), f"    {clean_line(command)}"]
    out.write("\n".join(lines) + "\n")
    out.flush()
