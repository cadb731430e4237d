"""A drop folder's files, handled as a writer that is not trusted could leave them.

Entries are opened with ``O_NOFOLLOW`` and ``O_NONBLOCK`` and ``fstat``-ed, and only what
was opened is read (:func:`open_input`, :func:`read_fd`): a symlink, FIFO, device, socket
or folder is :class:`Skip`-ped, saying what it is. ``processed/`` and ``quarantine/`` are
made owner-only (:data:`FOLDER_MODE`); a file moved into one gets a name nothing holds
yet (:func:`free_name`), and an error note is a new 0600 file (``O_EXCL``) under a name
made here (:func:`write_note`), never the input's name as given.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path

PROCESSED = "processed"
QUARANTINE = "quarantine"
IGNORED_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload", ".download", ".swp", "~")

# Opening an inbox entry: never through a symlink (ELOOP instead), never blocking on a
# FIFO (it opens at once and ``fstat`` says what it is), never as a controlling terminal.
_OPEN_INPUT = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
OPEN_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# An error note is always a new file: O_EXCL fails on anything already there, a dangling
# symlink included, so a note is never written through a link someone planted.
_OPEN_NOTE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
FOLDER_MODE = 0o700  # processed/ and quarantine/: owner-only, like the database
NOTE_MODE = 0o600
NOTE_SUFFIX = ".error.txt"
NOTE_NAME_BYTES = 150  # of the input's name (UTF-8), in its note's name
NAME_MAX_BYTES = 255  # the longest file name on common file systems
_UNSAFE_NAME_CHARS = re.compile(r"[^\w.()+-]")  # \w is Unicode: 需求表 stays readable
READ_CHUNK = 1 << 20

# (st_dev, st_ino, st_size, st_mtime_ns): the same file, unchanged
Shape = tuple[int, int, int, int]


def file_shape(info: os.stat_result) -> Shape:
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def is_candidate_name(name: str) -> bool:
    """Could a file of this name be finished data (not a temporary or partial file)?"""
    if not name or name.startswith((".", "~$")):  # dotfiles, Office lock files
        return False
    lowered = name.lower()
    return not lowered.endswith(IGNORED_SUFFIXES)


class UnsafeFolder(Exception):
    """processed/ or quarantine/ is a symlink or not a folder: nothing is moved into it."""


class Skip(Exception):
    """An inbox entry that is not a regular file; the message says what it is."""


def what_is(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "a regular file"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def open_input(path: Path) -> tuple[int, os.stat_result]:
    """Open an inbox entry and ``fstat`` it: what is read is what was checked.

    Raises ``Skip`` for a symlink, FIFO, device, socket or folder (a FIFO is opened
    non-blocking, so it never hangs the collector, and closed unread).
    """
    try:
        fd = os.open(path, _OPEN_INPUT)
    except OSError as error:
        if error.errno == errno.ELOOP:  # O_NOFOLLOW met a symlink
            raise Skip("a symbolic link") from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Skip(what_is(info.st_mode))
    except BaseException:
        os.close(fd)
        raise
    return fd, info


def read_fd(fd: int, limit: int) -> bytes:
    """Everything up to end of file, but never more than ``limit + 1`` bytes."""
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = os.read(fd, min(READ_CHUNK, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _note_name(name: str, counter: int) -> str:
    """The error note's name, made here: no separators, controls or newlines, capped."""
    safe = _UNSAFE_NAME_CHARS.sub("_", name)  # surrogate-escaped bytes become "_" too
    safe = safe.encode("utf-8")[:NOTE_NAME_BYTES].decode("utf-8", "ignore").lstrip(".")
    safe = safe or "file"
    return f"{safe}{NOTE_SUFFIX}" if counter == 1 else f"{safe} ({counter}){NOTE_SUFFIX}"


def _numbered(name: str, counter: int) -> str:
    """``needs (2).csv``: the stem is cut so the name still fits the file system's limit."""
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or len(suffix) > 16:
        stem, dot, suffix = name, "", ""
    tail = f" ({counter}){dot}{suffix}"
    room = NAME_MAX_BYTES - len(os.fsencode(tail))
    return os.fsdecode(os.fsencode(stem)[:room]) + tail


def _taken(name: str, folder_fd: int) -> bool:
    try:
        os.stat(name, dir_fd=folder_fd, follow_symlinks=False)
    except FileNotFoundError:
        return False
    return True  # something is there (a dangling link counts), or the name is unusable


def free_name(folder_fd: int, name: str, *, note: bool) -> str:
    """A name in the folder that nothing (not even a dangling symlink) holds yet."""
    for counter in range(1, 10_000):
        target = name if counter == 1 else _numbered(name, counter)
        if not (_taken(target, folder_fd) or (note and _taken(_note_name(target, 1), folder_fd))):
            return target
    raise FileExistsError(errno.EEXIST, "no free name left for it")


def write_note(folder_fd: int, target: str, text: str) -> str:
    """Create the error note for ``target`` as a new owner-only file; return its name."""
    data = text.encode("utf-8")
    for counter in range(1, 101):
        name = _note_name(target, counter)
        try:
            fd = os.open(name, _OPEN_NOTE, NOTE_MODE, dir_fd=folder_fd)
        except FileExistsError:
            continue  # someone's file, link or an earlier note: never reused
        try:
            os.fchmod(fd, NOTE_MODE)  # whatever the umask
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        return name
    raise FileExistsError(errno.EEXIST, "no free name for the error note")
