"""The dashboard's log: what went wrong that no notice could fully say.

An officer's session appends to a log file (:func:`dutyboard.paths.default_log_path`:
``$DUTYBOARD_LOG``, else ``dutyboard.log`` in the user state folder), created only when
the first line is written, private (0600), rotated at 1 MB with three old files kept. A
leader's session writes no file at all (ROUND2, hardening): its lines stay in memory. Both
keep the last :data:`KEPT` lines in memory, which the dashboard shows (palette: "Log").
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from collections import deque
from pathlib import Path

from dutyboard import files
from dutyboard.domain.text import clean_text
from dutyboard.i18n import _
from dutyboard.paths import default_log_path

KEPT = 500  # lines held in memory for the log screen
ROTATE_BYTES = 1_000_000
ROTATE_KEEP = 3
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LINE_CHARS = 20_000  # one record, its traceback included


class _Clean(logging.Formatter):
    """Every line cleaned as hostile text: an exception's message can carry a feed's
    bytes, and the file is read with ``cat`` or ``less`` on a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        return clean_text(super().format(record), LINE_CHARS, strip=False)


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
    """A rotating file created 0600 (a traceback can name records and people)."""

    def _open(self):  # type: ignore[no-untyped-def]  # logging's own signature
        path = Path(self.baseFilename)
        files.make_private_dir(path.parent)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        return os.fdopen(fd, self.mode.replace("w", "a"), encoding=self.encoding)


class AppLog:
    """One session's log. ``path`` is None where no file may be written (a leader)."""

    def __init__(self, path: Path | None, *, name: str = "dutyboard") -> None:
        self.path = path
        self.lines: deque[str] = deque(maxlen=KEPT)
        self.logger = logging.getLogger(name)
        self.logger.setLevel(logging.INFO)
        self.logger.propagate = False  # never onto the terminal the TUI draws on
        formatter = _Clean(FORMAT)
        self._handlers: list[logging.Handler] = [_Recent(self.lines)]
        if path is not None:
            self._handlers.append(
                _PrivateFile(
                    path,
                    maxBytes=ROTATE_BYTES,
                    backupCount=ROTATE_KEEP,
                    encoding="utf-8",
                    delay=True,  # no file until there is something to say
                )
            )
        for handler in self._handlers:
            handler.setFormatter(formatter)
            self.logger.addHandler(handler)

    def error(self, message: str, exc: BaseException | None = None) -> None:
        if exc is None:
            self.logger.error("%s", message)
        else:
            self.logger.error("%s", message, exc_info=(type(exc), exc, exc.__traceback__))

    def info(self, message: str) -> None:
        self.logger.info("%s", message)

    def where(self) -> str:
        """Where the lines go, for a notice: the file, or memory (a leader's)."""
        if self.path is None:
            return _("memory only (a leader's session writes no file)")
        return str(self.path)

    def close(self) -> None:
        for handler in self._handlers:
            self.logger.removeHandler(handler)
            handler.close()
        self._handlers.clear()


def open_log(path: Path | None = None) -> AppLog:
    """The session's log: to ``path`` (default :func:`default_log_path`), or in memory
    only when this process may write no files."""
    if files.writes_forbidden() is not None:
        return AppLog(None)
    return AppLog(path or default_log_path())
