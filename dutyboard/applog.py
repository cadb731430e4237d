"""The logs: the dashboard's, and the collector's.

**The dashboard's** (:func:`open_log`). An officer's session appends to a log file
(:func:`dutyboard.paths.default_log_path`: ``$DUTYBOARD_LOG``, else ``dutyboard.log`` in
the user state folder), created only when the first line is written, private (0600),
rotated at 1 MB with three old files kept. A leader's session writes no file at all
(ROUND2, hardening): its lines stay in memory. Both keep the last :data:`KEPT` lines in
memory, which the dashboard shows (palette: "Log").

**The collector's** (:func:`open_collector_log`, for ``dutyboard collect``): the same
private, rotated file, ``collector.log`` beside the dashboard's
(:func:`default_collector_log_path`), opened when the collector starts so that a folder
it cannot write is one line before anything runs; and a copy of every line on stderr, a
terminal's or a pipe's or the journal's. On the journal (``$JOURNAL_STREAM`` names
stderr: a systemd service) the copy carries a ``<N>`` priority and no time of its own,
the journal stamps each line. A leader's process writes no file here either.

Every line of both is cleaned as hostile text (escapes, controls, bidi and invisible
characters): it can quote a feed's bytes or a file's name, and the file is read with
``cat`` or ``less`` on a terminal. In the collector's, what follows the first line of a
record (a traceback, a newline a name smuggled in) is indented, so no text from outside
can pass for a line of its own.
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import stat
import sys
import time
from collections import deque
from pathlib import Path
from typing import TextIO

from dutyboard import files
from dutyboard.domain.text import clean_line, clean_text
from dutyboard.i18n import _
from dutyboard.paths import default_log_path

KEPT = 500  # lines held in memory for the log screen
ROTATE_BYTES = 1_000_000
ROTATE_KEEP = 3
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LINE_CHARS = 20_000  # one record, its traceback included

COLLECTOR_LOG = "collector.log"
COLLECTOR_LOGGER = "dutyboard.collector"
# The collector's lines: UTC, as its stderr always had them, and what the store keeps.
COLLECTOR_FORMAT = "%(asctime)s %(levelname)s %(message)s"
STDERR_FORMAT = "%(asctime)s %(message)s"
UTC_STAMP = "%Y-%m-%dT%H:%M:%SZ"
# syslog priorities, as sd-daemon(3) prefixes read by the journal
_JOURNAL_PRIORITY = {logging.DEBUG: 7, logging.INFO: 6, logging.WARNING: 4, logging.ERROR: 3}
FILE_ONLY = {"file_only": True}  # ``extra=`` for a line stderr gets another way


class _Clean(logging.Formatter):
    """Every line cleaned as hostile text: an exception's message can carry a feed's
    bytes, and the file is read with ``cat`` or ``less`` on a terminal. With ``utc``,
    times are UTC (``2020-02-04T19:00:00Z``); with ``indent``, every line after a
    record's first is indented, so a record is one line plus its continuation."""

    def __init__(self, fmt: str, *, utc: bool = False, indent: bool = False) -> None:
        super().__init__(fmt, datefmt=UTC_STAMP if utc else None)
        if utc:
            self.converter = time.gmtime
        self.indent = indent

    def format(self, record: logging.LogRecord) -> str:
        text = clean_text(super().format(record), LINE_CHARS, strip=False)
        if self.indent and "\n" in text:
            text = text.rstrip("\n").replace("\n", "\n    ")
        return text


class _Journal(_Clean):
    """A line for the journal: ``<6>message``, its time the journal's own."""

    def __init__(self) -> None:
        super().__init__("%(message)s", indent=True)

    def format(self, record: logging.LogRecord) -> str:
        level = max((n for n in _JOURNAL_PRIORITY if n <= record.levelno), default=logging.DEBUG)
        return f"<{_JOURNAL_PRIORITY[level]}>{super().format(record)}"


class _Recent(logging.Handler):
    """The last lines, in memory, for the log screen (thread-safe: logging locks)."""

    def __init__(self, lines: deque[str]) -> None:
        super().__init__()
        self.lines = lines

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:  # a log line must never take the app down
            self.handleError(record)


class _PrivateFile(logging.handlers.RotatingFileHandler):
    """A rotating file created 0600 (a traceback can name records and people); one that
    exists already is made 0600 too. A line that cannot be written (a full disk) is said
    once on stderr, not as logging's traceback per line, until a write succeeds again."""

    _failing = False
    _failed = False

    def _open(self):  # type: ignore[no-untyped-def]  # logging's own signature
        path = Path(self.baseFilename)
        files.make_private_dir(path.parent)
        # (O_NONBLOCK: a FIFO planted at the path fails instead of hanging the process)
        nonblock = getattr(os, "O_NONBLOCK", 0)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | nonblock, 0o600)
        try:
            if nonblock:
                os.set_blocking(fd, True)
            mode = os.fstat(fd).st_mode
            if stat.S_ISREG(mode) and mode & 0o077:  # never /dev/null's
                os.fchmod(fd, 0o600)
        except OSError:  # not ours to change (a shared file a person pointed us at)
            pass
        return os.fdopen(fd, self.mode.replace("w", "a"), encoding=self.encoding)

    def emit(self, record: logging.LogRecord) -> None:
        self._failed = False
        super().emit(record)  # calls handleError on a failure
        if not self._failed:
            self._failing = False

    def handleError(self, record: logging.LogRecord) -> None:
        self._failed = True
        if self._failing:
            return
        self._failing = True
        error = sys.exc_info()[1]
        reason = getattr(error, "strerror", None) or error
        _say(
            _("cannot write the log {path}: {reason}").format(path=self.baseFilename, reason=reason)
        )


class _Stream(logging.StreamHandler[TextIO]):
    """The copy on stderr. Lines marked :data:`FILE_ONLY` are not copied; a stderr that
    went away (a closed pipe) costs nothing: the file keeps the lines."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        self.addFilter(lambda record: not getattr(record, "file_only", False))

    def handleError(self, record: logging.LogRecord) -> None:
        pass


def _say(line: str) -> None:
    """One line on stderr, as the CLI says a problem (stderr may itself be gone)."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        print(f"dutyboard: {clean_line(line, 2_000)}", file=sys.stderr, flush=True)


def on_the_journal(stream: TextIO) -> bool:
    """Whether ``stream`` is the journal: systemd names it in ``$JOURNAL_STREAM``
    (``device:inode``) for a service whose stderr it captures (systemd.exec(5))."""
    dev, _sep, ino = os.environ.get("JOURNAL_STREAM", "").partition(":")
    if not (dev.isdigit() and ino.isdigit()):
        return False
    try:
        found = os.fstat(stream.fileno())
    except (OSError, ValueError, AttributeError):
        return False
    return (found.st_dev, found.st_ino) == (int(dev), int(ino))


class AppLog:
    """One session's log. ``path`` is None where no file may be written (a leader), or
    where none is wanted; ``stream`` (stderr) gets a copy of every line; ``formatter``
    shapes the lines of the file and of memory (default :data:`FORMAT`, local time)."""

    def __init__(
        self,
        path: Path | None,
        *,
        name: str = "dutyboard",
        stream: TextIO | None = None,
        formatter: logging.Formatter | None = None,
        delay: bool = True,
    ) -> None:
        self.path = path
        self.lines: deque[str] = deque(maxlen=KEPT)
        self.logger = logging.getLogger(name)
        self.logger.setLevel(logging.INFO)
        self.logger.propagate = False  # never onto the terminal the TUI draws on
        formatter = formatter or _Clean(FORMAT)
        self._handlers: list[logging.Handler] = [_Recent(self.lines)]
        if path is not None:
            self._handlers.append(
                _PrivateFile(
                    path,
                    maxBytes=ROTATE_BYTES,
                    backupCount=ROTATE_KEEP,
                    encoding="utf-8",
                    delay=delay,  # by default no file until there is something to say
                )
            )
        for handler in self._handlers:
            handler.setFormatter(formatter)
        if stream is not None:
            copy = _Stream(stream)
            if on_the_journal(stream):
                copy.setFormatter(_Journal())
            else:
                copy.setFormatter(_Clean(STDERR_FORMAT, utc=True, indent=True))
            self._handlers.append(copy)
        for handler in self._handlers:
            self.logger.addHandler(handler)

    def error(self, message: str, exc: BaseException | None = None, *, echo: bool = True) -> None:
        """An error; with ``echo=False`` not copied to stderr (the caller says it there)."""
        extra = None if echo else FILE_ONLY
        if exc is None:
            self.logger.error("%s", message, extra=extra)
        else:
            self.logger.error(
                "%s", message, exc_info=(type(exc), exc, exc.__traceback__), extra=extra
            )

    def warning(self, message: str) -> None:
        self.logger.warning("%s", message)

    def info(self, message: str, *, echo: bool = True) -> None:
        """News; with ``echo=False`` in the file (and memory) only, not on stderr."""
        self.logger.info("%s", message, extra=None if echo else FILE_ONLY)

    def where(self) -> str:
        """Where the lines go, for a notice: the file, or memory (a leader's)."""
        if self.path is None:
            return _("memory only (a leader's session writes no file)")
        return str(self.path)

    def close(self) -> None:
        for handler in self._handlers:
            self.logger.removeHandler(handler)
            # (a full disk fails the last flush too: said already, never the caller's
            # error, which a command would take for its database's)
            with contextlib.suppress(OSError, ValueError):
                handler.close()
        self._handlers.clear()


def open_log(path: Path | None = None) -> AppLog:
    """The session's log: to ``path`` (default :func:`default_log_path`), or in memory
    only when this process may write no files."""
    if files.writes_forbidden() is not None:
        return AppLog(None)
    return AppLog(path or default_log_path())


def default_collector_log_path() -> Path:
    """``collector.log`` in the folder of the dashboard's log
    (:func:`dutyboard.paths.default_log_path`: ``$DUTYBOARD_LOG``'s folder, else the user
    state folder, ``~/.local/state/dutyboard`` on Linux)."""
    dashboard = default_log_path()
    name = COLLECTOR_LOG if dashboard.name != COLLECTOR_LOG else f"dutyboard-{COLLECTOR_LOG}"
    return dashboard.with_name(name)


def open_collector_log(
    path: Path | None = None, *, file: bool = True, stream: TextIO | None = None
) -> AppLog:
    """The collector's log: the file ``path`` (default :func:`default_collector_log_path`;
    none with ``file=False`` or in a process that may write no files) and a copy on
    ``stream`` (stderr). The file is opened now: OSError when it cannot be."""
    if not file or files.writes_forbidden() is not None:
        target = None
    else:
        target = path or default_collector_log_path()
    return AppLog(
        target,
        name=COLLECTOR_LOGGER,
        stream=stream,
        formatter=_Clean(COLLECTOR_FORMAT, utc=True, indent=True),
        delay=False,
    )
