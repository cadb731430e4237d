"""Every file dutyboard writes for a person (exports, reports, vCards, screenshots) goes
through here.

Three rules, held in one place so no command or widget can forget one:

* **A leader's process writes no file.** :func:`forbid_writes` is called once when a
  read-only session starts (the leader dashboard, the browser view); from then on every
  :func:`export_target` refuses, whatever the path. Read-only is a property of the whole
  process, not of one dialog.
* **Never onto the desk itself.** The database, its ``-wal``/``-shm``/``-journal`` and the
  config file are refused even when confirmed: an export over them destroys the desk
  (processes that hold the database open keep writing into an unlinked file).
* **Into the export folder, never over a file, unless confirmed.** A bare file name lands
  in ``display.export_dir``; a path outside it, or one that exists, needs a confirmation
  (``--force`` on the command line, a y/n question in the dashboard).

Files are written beside their destination under a fresh ``mkstemp`` name (``O_EXCL``,
owner-only), then moved into place: a planted symlink is never followed, a reader never
sees half a file, and without ``replace`` a file that appeared meanwhile is not replaced.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from dutyboard.i18n import _

_forbidden: str | None = None  # why this process writes no file, once it is a leader's


class WriteRefused(Exception):
    """A destination dutyboard will not write to. ``confirmable``: a person may insist
    (the file exists, or is outside the export folder); otherwise never."""

    def __init__(self, message: str, *, confirmable: bool = False) -> None:
        super().__init__(message)
        self.confirmable = confirmable


def forbid_writes(reason: str) -> None:
    """From now on this process writes no file for anyone (a leader's session)."""
    global _forbidden
    _forbidden = reason


def writes_forbidden() -> str | None:
    """Why this process writes no file, or None if it may."""
    return _forbidden


def allow_writes() -> None:
    """Undo :func:`forbid_writes` (a process that runs several sessions: the tests)."""
    global _forbidden
    _forbidden = None


def desk_files(db_path: Path | None, config_path: Path | None) -> list[Path]:
    """The files an export must never replace: the database with its companions, the
    config."""
    found: list[Path] = []
    if db_path is not None:
        found += [db_path] + [
            db_path.with_name(db_path.name + s) for s in ("-wal", "-shm", "-journal")
        ]
    if config_path is not None:
        found.append(config_path)
    return found


def same_file(a: Path, b: Path) -> bool:
    """Same path once resolved, or the same inode (a hard link, another spelling)."""
    if a.resolve() == b.resolve():
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def export_target(
    given: str | Path,
    *,
    export_dir: Path,
    protected: Iterable[Path] = (),
    force: bool = False,
) -> Path:
    """Where an export named ``given`` may be written, or :class:`WriteRefused`.

    A bare name goes into ``export_dir`` (created owner-only if missing). ``force`` is a
    person's confirmation: it allows a path outside the folder and replacing a file, but
    never a leader's write nor one onto ``protected`` files.
    """
    if _forbidden is not None:
        raise WriteRefused(_forbidden)
    if not str(given).strip():
        raise WriteRefused(_("give a file name"))
    path = Path(given).expanduser()
    if os.sep not in str(given) and not str(given).startswith("~"):
        path = export_dir / path  # a bare name; "./name" means here
    for desk_file in protected:
        if same_file(path, desk_file):
            raise WriteRefused(
                _("{path} is the desk's own {what}: an export never replaces it").format(
                    path=path,
                    what=_("config") if desk_file.suffix == ".toml" else _("database"),
                )
            )
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise WriteRefused(_("{path} is a folder").format(path=path))
    if mode is not None and not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        raise WriteRefused(_("{path} is not a regular file").format(path=path))
    if path.parent == export_dir:
        make_private_dir(export_dir)
    elif not path.parent.is_dir():
        raise WriteRefused(_("folder {folder} does not exist").format(folder=path.parent))
    if force:
        return path
    if not _inside(path.parent, export_dir):
        raise WriteRefused(
            _("{path} is outside the export folder {folder}").format(path=path, folder=export_dir),
            confirmable=True,
        )
    if mode is not None:
        raise WriteRefused(_("{path} already exists").format(path=path), confirmable=True)
    return path


def make_private_dir(folder: Path) -> None:
    """Create ``folder`` (and its parents) owner-only; an existing one is left as it is."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)


@contextlib.contextmanager
def atomic_output(path: Path, *, replace: bool = True) -> Iterator[Path]:
    """A fresh owner-only temporary file beside ``path``, moved onto it if the block
    succeeds. With ``replace=False`` a file that appeared at ``path`` in the meantime is
    kept and :class:`WriteRefused` raised (a hard link is the atomic "create if absent")."""
    import tempfile  # only when a file is written: `status` over SSH never pays for it

    path = Path(path)
    fd, name = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        if replace:
            os.replace(tmp, path)
        else:
            _link_new(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _link_new(tmp: Path, path: Path) -> None:
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise WriteRefused(_("{path} already exists").format(path=path), confirmable=True) from None
    except OSError as exc:
        # File systems without hard links (FAT, some network mounts): check, then rename.
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOSYS, errno.EXDEV):
            raise
        if os.path.lexists(path):
            raise WriteRefused(
                _("{path} already exists").format(path=path), confirmable=True
            ) from None
        os.replace(tmp, path)
