"""Command-line entry: ``dutyboard [COMMAND] …``.

Every command gives one clear line and a non-zero exit on a problem a person can fix
(wrong path, bad config, illegal change), never a traceback. Subcommands live in
``dutyboard/commands/`` and are found automatically.

What :func:`main` settles for every command, in one place:

* A database that does not exist is refused, with how to make one (``--create``, or
  ``dutyboard demo``): a mistyped ``--db`` must not open a new, empty desk that reads
  like a quiet night. ``--create`` lets the dashboard and the commands that write make a
  new desk; a leader's session never does; ``demo`` creates its own.
* Output never fails on a character: when standard output cannot encode one
  (``PYTHONIOENCODING=ascii``, a C locale) it is written as a ``\\uXXXX`` escape.
* A reader that stops early (``dutyboard status | head -1``) is not an error: the
  command stops quietly with exit 0 (the convention ``status`` set first; what was
  already done stays done). A standard output that is closed outright (``>&-``) is
  refused before anything runs: one line, exit 2.
* A damaged desk is one line naming the file, whatever the command tripped over (a
  decoding error, a date that does not parse…): on an unexpected error the file is
  checked (``PRAGMA quick_check``); only on a sound file is the error a bug, and a bug
  keeps its traceback.
* Everything is said in the interface language, argparse's own words too (``usage:``,
  ``--help``, its errors): the language is settled from the command line as written
  (:func:`settle_language`) before it is parsed, and the parser speaks through the
  catalogue (:class:`Parser`).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import importlib
import io
import os
import stat
import sys
import tomllib
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from dutyboard import __version__, files
from dutyboard.commands import Context, UsageError, cells, common_options
from dutyboard.config import Config, ConfigError, load_config
from dutyboard.domain.status import IllegalTransition
from dutyboard.domain.text import clean_line, clean_text
from dutyboard.i18n import LANGUAGES, _, set_language
from dutyboard.paths import default_config_path, default_db_path
from dutyboard.store import StoreError
from dutyboard.store.dburl import DeskLocation, PostgresLocation, parse_location, require_driver
from dutyboard.store.engine import DatabaseError

# Every subcommand: name → (module in dutyboard/commands, help line). Only the module of
# the command being run is imported, so `dutyboard status` does not pay for the HTTP
# client, the ingest stack or the UI (a leader's status over SSH should be quick).
# tests/test_cli.py checks this table against what each module registers. The help lines
# are English, the catalogue's keys: this table is built at import, before the language
# is known, so they are translated where they are used (`_(help_text)`), and
# tests/test_cli_i18n.py checks that each has its Chinese.
COMMANDS: dict[str, tuple[str, str]] = {
    "arrivals": (
        "arrivals",
        "what lands in the next hours (shipments and travellers); import declarations",
    ),
    "rollcall": ("arrivals", "which units have reported today, which are due or missing"),
    "backup": ("backup", "copy the live database to DEST, verified (safe while others write)"),
    "check": (
        "check",
        "check the database (integrity, schema, WAL, collector lease); upgrade its schema",
    ),
    "completion": ("completion", "print a completion script for bash, zsh or fish"),
    "collect": ("collect", "run the configured drop folders and HTTP feeds ([[sources]]) headless"),
    "contacts": ("contacts", "export contacts (vCard or CSV)"),
    "db": ("db", "copy a whole desk between SQLite and PostgreSQL, verified table by table"),
    "demo": ("demo", "build a realistic demo database"),
    "export": ("export", "export requests, leads, contacts or supplies (CSV, xlsx, HXL)"),
    "handover": (
        "handover",
        "show, export, list or (for scripts) draft, sign and acknowledge handovers",
    ),
    "init": ("init", "set up a new desk: write its config and database"),
    "ingest": (
        "ingest",
        "import request, lead or contact files once (CSV/TSV, spreadsheets xlsx/xls/xlsb/ods, "
        "JSON, HXL, KoBo, ODK, vCard)",
    ),
    "notify": (
        "notify",
        "notification targets and the outbox: list, test a target, send now",
    ),
    "pg-roles": (
        "pg_roles",
        "print or apply a PostgreSQL desk's roles: officers write, leaders only read",
    ),
    "report": (
        "report",
        "the daily report: what came in, what went out, open needs, leads, events",
    ),
    "quarantine": (
        "quarantine",
        "rows and files ingest could not take: list, show, retry or discard them",
    ),
    "serve": (
        "serve",
        "the leader dashboard in a web browser, behind the leader secret (read-only)",
    ),
    "shift": ("shift", "start, end or show the duty shift"),
    "status": ("status", "the desk at a glance, as one screen of text or JSON (read-only)"),
    "supplies": ("supplies", "the supplies ledger: record receipts and deliveries, print tallies"),
}
# Global options that take a value (their value is never the command name).
_VALUED = frozenset({"--db", "--config", "--role", "--user", "--lang"})


def command_in(argv: Sequence[str]) -> str | None:
    """The subcommand named on the command line, if any."""
    skip = False
    for token in argv:
        if skip:
            skip = False
        elif token in _VALUED:
            skip = True
        elif not token.startswith("-"):
            return token if token in COMMANDS else None
    return None


def settle_language(argv: Sequence[str]) -> str:
    """Choose the interface language from the command line as written, before it is
    parsed, so that argparse's words (usage, --help, its errors) are said in it too:
    ``--lang`` (anywhere: the global option, or ``status``/``report``'s), else desk.lang of
    the config (``--config``, else ``$DUTYBOARD_CONFIG`` or the default path), else
    ``$DUTYBOARD_LANG`` and the locale. It never fails: a config that cannot be read here
    gives no language, and loading it for real reports why. Once parsed, :func:`_main`
    sets the language again from the parsed options and the loaded config (the same
    choice, unless an abbreviated ``--lan`` or ``--conf`` escaped this scan)."""
    lang = _option_value(argv, "--lang")
    if lang not in LANGUAGES:
        lang = _config_lang(_option_value(argv, "--config"))
    return set_language(lang)


def _option_value(argv: Sequence[str], option: str) -> str | None:
    """The value of the last ``option VALUE`` or ``option=VALUE`` (argparse: last wins)."""
    value = None
    tokens = iter(argv)
    for token in tokens:
        if token == "--":
            break  # what follows is arguments, not options
        if token == option:
            value = next(tokens, None)
        elif token.startswith(option + "="):
            value = token.split("=", 1)[1]
    return value


def _config_lang(given: str | None) -> str | None:
    """desk.lang of the config, if it can be read now; tomllib only (no config parsing:
    that is load_config's, with its errors)."""
    try:
        path = Path(given).expanduser() if given else default_config_path()
        if not stat.S_ISREG(path.stat().st_mode):
            return None  # a FIFO would block the read; load_config will say what it is
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        desk = data.get("desk")
        lang = desk.get("lang") if isinstance(desk, dict) else None
    except Exception:  # whatever the file holds: the real load reports it
        return None
    return lang if lang in LANGUAGES else None


# -- argparse in the interface language ------------------------------------------------------


def _argparse_gettext(text: str) -> str:
    # argparse also passes None (an add_subparsers() without a description).
    return _(text) if isinstance(text, str) else text


def _argparse_ngettext(singular: str, plural: str, count: int) -> str:
    # One catalogue entry per English form; Chinese words have no plural.
    return _(singular if count == 1 else plural)


@contextlib.contextmanager
def _argparse_in_our_words() -> Iterator[None]:
    """argparse's own messages through our catalogue, while the block runs.

    Python 3.11's argparse makes every message of its own with the module globals ``_``
    and ``ngettext`` (gettext's: with no catalogue installed, English), looked up when the
    message is made: "usage: ", "options", --help's help, "the following arguments are
    required", "invalid choice"… Pointing those two names at our catalogue is the one hook
    that reaches all of them (the formatter, ArgumentError, the parser's errors): argparse
    has no option for it, and subclassing reaches only some. They are put back after each
    call, so other users of argparse in the same process (an embedding program, the tests)
    are left as they were. tests/test_cli_i18n.py reads the installed argparse and checks
    that the catalogue has every message it can make."""
    module = vars(argparse)
    saved = module["_"], module["ngettext"]
    module["_"], module["ngettext"] = _argparse_gettext, _argparse_ngettext
    try:
        yield
    finally:
        module["_"], module["ngettext"] = saved


class Parser(argparse.ArgumentParser):
    """dutyboard's parser (and, through ``add_subparsers``, every command's): argparse's
    words in the interface language, help wrapped by terminal cells."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        with _argparse_in_our_words():  # "positional arguments", "options", -h's help
            super().__init__(*args, **kwargs)

    def parse_known_args(self, *args: Any, **kwargs: Any) -> Any:
        with _argparse_in_our_words():
            return super().parse_known_args(*args, **kwargs)

    def parse_args(self, *args: Any, **kwargs: Any) -> Any:
        with _argparse_in_our_words():  # "unrecognized arguments" is said here
            return super().parse_args(*args, **kwargs)

    def add_subparsers(self, *args: Any, **kwargs: Any) -> Any:
        with _argparse_in_our_words():
            return super().add_subparsers(*args, **kwargs)

    def format_usage(self) -> str:
        with _argparse_in_our_words():
            return super().format_usage()

    def format_help(self) -> str:
        with _argparse_in_our_words():
            return super().format_help()

    def error(self, message: str) -> Any:
        with _argparse_in_our_words():
            return super().error(message)


# Punctuation that may not start a line (it stays with what it follows), and that may
# not end one (it stays with what comes next).
_NO_LINE_START = frozenset("，。、；：！？）」』》〉】”’…·,.;:!?)")
_NO_LINE_END = frozenset("（「『《〈【“‘(")


def wrap_cells(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` cells, broken at spaces or between CJK
    characters (textwrap counts characters, and Chinese has no spaces to break at). A
    word longer than a line keeps its line to itself."""
    tokens: list[str] = []  # words, single CJK characters, and " " between words
    for ch in " ".join(text.split()):
        wide = cells(ch) == 2
        if ch == " ":
            tokens.append(" ")
        elif tokens and (
            ch in _NO_LINE_START
            or tokens[-1][-1] in _NO_LINE_END
            or (not wide and tokens[-1] != " " and cells(tokens[-1][-1]) == 1)
        ):
            tokens[-1] += ch
        else:
            tokens.append(ch)
    lines: list[str] = []
    line, space = "", False
    for token in tokens:
        if token == " ":
            space = bool(line)
            continue
        piece = (" " if space else "") + token
        if line and cells(line + piece) > width:
            lines.append(line)
            line = token
        else:
            line += piece
        space = False
    if line:
        lines.append(line)
    return lines


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, measuring Chinese by terminal cells: help and descriptions
    wrap at the terminal's width, continuation lines of the usage line up under a
    translated "usage: ". Text without wide characters (English) is formatted exactly as
    argparse does."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        if cells(text) == len(text):
            return super()._split_lines(text, width)
        return wrap_cells(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if cells(text) == len(text):
            return super()._fill_text(text, width, indent)
        return "\n".join(indent + line for line in wrap_cells(text, width - len(indent)))

    def _format_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None) -> str:
        shown = _("usage: ") if prefix is None else prefix
        # argparse indents the usage's next lines by len(prefix): measure it in cells.
        stand_in = "u" * cells(shown)
        text = super()._format_usage(usage, actions, groups, stand_in)
        return shown + text[len(stand_in) :]


def build_parser(argv: Sequence[str] = (), *, full: bool = False) -> argparse.ArgumentParser:
    """The parser; only the chosen command (or, with ``full``, every one) in detail."""
    parser = Parser(
        prog="dutyboard",
        description=_(
            "Terminal dashboard for a round-the-clock duty desk: incoming requests, "
            "procurement leads, overseas contacts by time zone, shift handover. "
            "With no command, opens the dashboard."
        ),
        epilog=_(
            "A database that does not exist is refused, never created silently: "
            "`--create` makes a new, empty desk at --db (the dashboard and the commands that "
            "write; never a leader's session); `dutyboard demo` builds a demo desk."
        ),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"dutyboard {__version__}",
        # (argparse 3.11 leaves this default help untranslated: it is given here.)
        help=_("show program's version number and exit"),
    )
    common_options(parser, sub=False)
    parser.add_argument(
        "--role",
        choices=("officer", "leader"),
        default="officer",
        help=_("leader opens the database read-only: nothing can be changed (default: officer)"),
    )
    parser.add_argument("--user", metavar="NAME", help=_("your name in the events log"))
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        help=_("interface language (default: desk.lang in the config, else the locale)"),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    chosen = command_in(argv)
    modules = (
        sorted({module for module, _help in COMMANDS.values()})
        if full
        else ([COMMANDS[chosen][0]] if chosen else [])
    )
    for module in modules:
        importlib.import_module(f"dutyboard.commands.{module}").register(sub)
    # The other commands are only listed (in --help, or in the error for an unknown one):
    # a parser each is not free, so a chosen command skips them unless help is asked for.
    if full or not chosen or any(token in ("-h", "--help") for token in argv):
        for name, (_module, help_text) in COMMANDS.items():
            if name not in sub.choices:
                # Listed in --help, parsed when chosen; translated now (see COMMANDS).
                sub.add_parser(name, help=_(help_text))
    return parser


# Exit codes: 2 a problem a person can fix (one line on stderr), 130 interrupted; 0 when
# the reader of standard output went away (`| head`), quietly.
EXIT_PROBLEM = 2
EXIT_INTERRUPTED = 130
EXIT_PIPE_CLOSED = 0
# Commands that make or copy a desk themselves: they skip the missing-desk refusal.
# (`completion` needs no desk at all.)
_OWN_DESK_CHECK = frozenset({"demo", "backup", "init", "completion", "db", "pg-roles"})
# Commands that do not read the config: `init` writes it, `completion` needs none.
_NO_CONFIG = frozenset({"init", "completion"})
# What each command does with the desk, per action (None: the command with no action;
# the command None is the dashboard). Only a command that writes may make a new desk with
# --create; one that only reads opens the file read-only and refuses a missing one.
# tests/test_paths_and_errors.py checks that every command and action is listed.
ONLY_READS: dict[str, frozenset[str | None]] = {
    "status": frozenset({None}),
    "report": frozenset({None}),
    "export": frozenset({None}),
    "contacts": frozenset({"export"}),
    "backup": frozenset({None}),
    "shift": frozenset({"show"}),
    "handover": frozenset({"show", "export", "list"}),
    "arrivals": frozenset({None}),
    "rollcall": frozenset({None, "history"}),
    "supplies": frozenset({"tally"}),
    "quarantine": frozenset({"list", "show"}),
    "completion": frozenset({None}),
    "pg-roles": frozenset({None}),
    "notify": frozenset({"list"}),
    "serve": frozenset({None}),
}
# Commands that write and make a new desk themselves when they first open it, after
# checking their own arguments (so a usage error creates nothing). For the other commands
# that write, --create makes the desk here, before they run.
CREATE_ON_OPEN: frozenset[str | None] = frozenset({None, "check", "collect", "ingest"})
WRITES: dict[str | None, frozenset[str | None]] = {
    None: frozenset({None}),
    "check": frozenset({None}),
    "collect": frozenset({None}),
    "db": frozenset({"copy"}),
    "demo": frozenset({None}),
    "init": frozenset({None}),
    "ingest": frozenset({None}),
    "shift": frozenset({"start", "end"}),
    "handover": frozenset({"draft", "sign", "ack", "amend"}),
    "arrivals": frozenset({"import", "add"}),
    "rollcall": frozenset({"mark", "sync"}),
    "supplies": frozenset({"receive", "distribute", "funds"}),
    "quarantine": frozenset({"retry", "discard"}),
    "notify": frozenset({"test", "send"}),
}


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    # First of all: every line from here on (argparse's too) is in this language.
    settle_language(words)
    if sys.stdout is None:
        # `dutyboard status >&-`: nothing could be shown, and a command that writes
        # would run blind; refuse before anything is opened.
        _say(_("standard output is closed; redirect it instead (> /dev/null)"))
        return EXIT_PROBLEM
    restore = _tolerant_output()
    try:
        return _main(words)
    finally:
        restore()


def _main(argv: list[str]) -> int:
    parser = build_parser(argv)
    args: argparse.Namespace = parser.parse_args(argv)
    # A wrong --db is refused before the config is read; desk.database is read after it.
    db_path: Path = default_db_path()
    location: PostgresLocation | None = None
    try:
        given = desk_location(args.db)
    except StoreError as exc:
        _say(str(exc))
        return EXIT_PROBLEM
    if args.role == "leader":
        # Read-only for the whole process: no export, report file or screenshot, whatever
        # the command or key (hardening #1); the database is opened read-only besides.
        files.forbid_writes(_("a leader's session writes no files"))
    try:
        # `init` writes the config (one named by --config or $DUTYBOARD_CONFIG need not
        # exist yet; --force replaces a broken one) and `completion` needs none.
        config = Config() if args.command in _NO_CONFIG else load_config(args.config)
        # The parsed options and the loaded config have the last word (settle_language
        # read them as written); before anything imports the UI: widgets translate their
        # labels at import.
        set_language(args.lang or config.lang)
        if given is None and config.database:
            given = _configured_desk(config)
        if isinstance(given, PostgresLocation):
            location = given
            require_driver()
            for warning in location.warnings:
                _say(warning)
            # Nothing opens a SQLite file for this desk: a stray open would fail loudly.
            db_path = Path(os.devnull)
        elif given is not None:
            db_path = given.path
        ctx = Context(
            config=config,
            db_path=db_path,
            user=clean_text(args.user or config.user),
            create=bool(args.create),
            full_parser=partial(build_parser, full=True),
            location=location,
        )
        _refuse_a_missing_desk(args, ctx)
        _refuse_a_leaders_write(args)
        func = getattr(args, "func", None)
        if func is None:
            from dutyboard.commands.dashboard import open_dashboard

            code = open_dashboard(ctx, role=args.role)
        else:
            code = int(func(args, ctx))
        sys.stdout.flush()  # a closed pipe is met here, inside the handlers below
        return code
    except BrokenPipeError as exc:
        if _reader_gone():
            _silence_stdout()
            return EXIT_PIPE_CLOSED
        _say(_cannot_use(exc))
        return EXIT_PROBLEM
    except (ConfigError, StoreError, UsageError, IllegalTransition) as exc:
        _say(str(exc))
        return EXIT_PROBLEM
    except DatabaseError as exc:
        if location is not None:
            # The server's own words, with the desk's URL (its password masked).
            _say(
                _("database {url}: {error}").format(
                    url=location.masked(), error=str(exc).strip().splitlines()[0]
                )
            )
            return EXIT_PROBLEM
        # A read that meets a damaged page, a full disk…: one line, never a traceback.
        from dutyboard.store.connection import storage_error

        problem = storage_error(exc, db_path) or _damage(db_path)
        if problem is None:
            raise
        _say(str(problem))
        return EXIT_PROBLEM
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            from dutyboard.store.connection import disk_full

            _say(str(disk_full(Path(exc.filename) if exc.filename else db_path)))
            return EXIT_PROBLEM
        # A wrong path or a permission problem: say which file and why, no traceback.
        _say(_cannot_use(exc))
        return EXIT_PROBLEM
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception:
        # Text that does not decode, a date that does not parse, a key that is not
        # there: on a damaged desk, that is the damage speaking. On a sound file it is a
        # bug, and the traceback is its report.
        if location is not None:
            raise
        damage = _damage(db_path)
        if damage is None:
            raise
        _say(str(damage))
        return EXIT_PROBLEM


def desk_location(given: str | None) -> DeskLocation | None:
    """The desk ``--db`` (else ``$DUTYBOARD_DB``) names: a SQLite file or a PostgreSQL
    desk (dutyboard.store.dburl tells them apart; a URL is never read as a file name, so
    ``postgresql://u:pw@h/d`` cannot become a path that repeats the password). None: the
    config's ``desk.database``, else the file in the user data dir."""
    raw = given if given is not None else os.environ.get("DUTYBOARD_DB")
    return parse_location(raw) if raw else None


def _configured_desk(config: Config) -> DeskLocation:
    """``desk.database`` of the config, read as --db is; a bad one names the key."""
    assert config.database is not None
    try:
        return parse_location(config.database)
    except StoreError as exc:
        where = config.source_path or "config"
        raise ConfigError(
            _("{where}: desk.database: {error}").format(where=where, error=exc)
        ) from None


def _refuse_a_missing_desk(args: argparse.Namespace, ctx: Context) -> None:
    """A database that does not exist is made only on request (``--create``), only by a
    command that writes, never for a leader; refused before the command runs, so nothing
    is created on the way. With ``--create`` the commands of :data:`CREATE_ON_OPEN` make
    the desk when they open it; for the others it (and its folder) is made here, so they
    find it whatever their own checks."""
    from dutyboard.store.connection import connect, missing_desk, regular_file_exists

    if ctx.location is not None:
        # A PostgreSQL desk is made by `dutyboard init --db URL` only; opening a database
        # without one is refused there, with that line (pg_engine.open_desk).
        return
    if args.command in _OWN_DESK_CHECK or regular_file_exists(ctx.db_path):
        return  # (a FIFO or a folder at the path is refused by regular_file_exists)
    if args.role == "leader":
        raise StoreError(missing_desk(ctx.db_path, leader=True))
    if not ctx.create:
        raise StoreError(missing_desk(ctx.db_path))
    if action_of(args) in ONLY_READS.get(args.command, frozenset()):
        raise StoreError(missing_desk(ctx.db_path, readonly=True))
    if args.command not in CREATE_ON_OPEN:
        ctx.db_path.parent.mkdir(parents=True, exist_ok=True)
        connect(ctx.db_path, create=True).close()


def _refuse_a_leaders_write(args: argparse.Namespace) -> None:
    """A leader's session changes nothing: a command or action that writes is refused
    before it runs (and every store it opens is read-only anyway: Store.open). The
    dashboard opens read-only for a leader, `check` then only reads, and `init` says
    why it sets up no desk."""
    if args.role != "leader" or args.command in (None, "check", "init"):
        return
    if action_of(args) in WRITES.get(args.command, frozenset()):
        raise UsageError(
            _(
                "this session is read-only (--role leader): `{command}` writes to the desk; "
                "an officer runs it"
            ).format(command=" ".join(w for w in (args.command, action_of(args)) if w))
        )


def action_of(args: argparse.Namespace) -> str | None:
    """The action of a command with actions (``shift start``…), else None."""
    for dest in ("shift_action", "handover_action", "action"):
        value = getattr(args, dest, None)
        if value is not None:
            return str(value)
    return None


def _damage(db_path: Path) -> StoreError | None:
    from dutyboard.store.connection import damage_found

    return damage_found(db_path)


def _say(line: str) -> None:
    """The one line, on stderr (which may itself be closed: then exit codes must do).
    Cleaned: it may quote a path, a config value or a name someone else chose."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        print(f"dutyboard: {clean_line(line)}", file=sys.stderr, flush=True)


def _cannot_use(exc: OSError) -> str:
    """'cannot use PATH: why' (the reason is the system's own words)."""
    reason = exc.strerror or str(exc)
    if exc.filename:
        return _("cannot use {path}: {reason}").format(path=exc.filename, reason=reason)
    return _("cannot use: {reason}").format(reason=reason)


def _tolerant_output() -> Callable[[], None]:
    """Let stdout and stderr write every character: one the encoding cannot hold becomes
    a backslash escape instead of a UnicodeEncodeError halfway through the output.
    Returns what puts the streams back (for callers that run :func:`main` in-process)."""
    changed: list[io.TextIOWrapper] = []
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            # (ValueError: closed, or not reconfigurable: then it is left as it is.)
            with contextlib.suppress(ValueError, OSError):
                stream.reconfigure(errors="backslashreplace")
                changed.append(stream)

    def restore() -> None:
        for stream in changed:
            with contextlib.suppress(ValueError, OSError):
                stream.reconfigure(errors="strict")

    return restore


def _reader_gone() -> bool:
    """Whether standard output is a pipe (or socket) whose reader has closed it."""
    import select

    try:
        fd = sys.stdout.fileno()
        poller = select.poll()
        poller.register(fd, select.POLLOUT)
        return any(event & (select.POLLERR | select.POLLHUP) for _, event in poller.poll(0))
    except (OSError, ValueError, AttributeError):
        return False


def _silence_stdout() -> None:
    """Point standard output at /dev/null, so that the final flush at exit does not
    raise a second BrokenPipeError (the Python documentation's recipe)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


if __name__ == "__main__":
    raise SystemExit(main())
