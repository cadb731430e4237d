"""A real PostgreSQL server for the test session (issue 21), as a pytest plugin.

``pg_server`` (session scope) runs ``initdb`` into a private temporary folder and starts
the server with ``pg_ctl -w``; it listens on a Unix socket in that folder and on no TCP
port at all (``listen_addresses = ''``), so nothing outside this machine, and nobody
on it but its owner and root, can reach it, and trust authentication is safe. Settings
trade durability for speed (``fsync``, ``synchronous_commit`` and ``full_page_writes``
off): a crash loses a test cluster, nothing else. The server is stopped with
``pg_ctl stop -m fast`` when the session ends, whether tests failed or were interrupted
(Ctrl-C ends a session through its teardown; a SIGTERM is caught, the server stopped,
then the signal delivered again), and its folder is removed.

PostgreSQL refuses to run as root. When the tests run as root (CI, fresh machines) the
server runs as a system account, ``dutyboard-pg`` (``$DUTYBOARD_PG_OS_USER``), created
with ``useradd --system`` if missing; the folder is given to it. The binaries are the
first of ``$DUTYBOARD_PG_BIN`` (only that folder, when set), the ``initdb`` on ``PATH``,
and ``/usr/lib/postgresql/<version>/bin`` (Debian keeps them there, off ``PATH``),
highest version first, that is PostgreSQL 15 or newer. They are a required system
package (``make test`` installs Debian's ``postgresql-15``): without them the fixture
fails with one line saying so; it never skips.

Registered for the whole suite by ``pytest_plugins = ["tests.pgserver"]`` in
``tests/conftest.py``; a single file can be run with ``pytest -p tests.pgserver …``.
``pg_url`` gives each test a new, empty database.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import quote

import pytest

if TYPE_CHECKING:
    import psycopg

MIN_VERSION = 15
OS_USER = "dutyboard-pg"  # the account the server runs as when the tests run as root
SUPERUSER = "dutyboard"  # the cluster's superuser role (initdb -U), whoever runs it
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 30
DEBIAN_ROOT = Path("/usr/lib/postgresql")
INSTALL_HINT = (
    "install the server (Debian: apt-get install postgresql-15; `make test` does it as "
    "root), or point $DUTYBOARD_PG_BIN at the folder holding initdb and pg_ctl"
)
# A Unix socket's path must fit in sockaddr_un.sun_path (108 bytes with its NUL).
_SOCKET_PATH_MAX = 107

# Settings for a throw-away cluster: fast, quiet, deterministic. The WAL level stays
# the default (replica) so that a later test may stream a replica from this server.
_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "jit": "off",  # compiling short test queries costs more than it saves
    "timezone": "'UTC'",
    "log_timezone": "'UTC'",
    "log_min_messages": "warning",
    "max_connections": "100",
}


class PgServerUnavailable(Exception):
    """The test server cannot be had: no binaries, or it would not start. One line."""


@dataclass(frozen=True)
class Binaries:
    bindir: Path
    version: int

    def tool(self, name: str) -> str:
        return str(self.bindir / name)


def _version(initdb: Path) -> int | None:
    try:
        out = subprocess.run(
            [str(initdb), "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"\(PostgreSQL\)\s+(\d+)", out)
    return int(found[1]) if found else None


def _executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def _candidates(search_path: str | None, debian_root: Path) -> list[Path]:
    found: list[Path] = []
    on_path = shutil.which("initdb", path=search_path)
    if on_path:
        found.append(Path(on_path).parent)

    def version_key(folder: Path) -> tuple[int, str]:
        number = folder.parent.name
        return (int(number) if number.isdigit() else -1, number)

    found.extend(sorted(debian_root.glob("*/bin"), key=version_key, reverse=True))
    return found


def find_binaries(
    *,
    bin_override: str | None = None,
    search_path: str | None = None,
    debian_root: Path = DEBIAN_ROOT,
) -> Binaries:
    """The PostgreSQL server binaries to use; :class:`PgServerUnavailable` if none.

    ``bin_override`` (``$DUTYBOARD_PG_BIN``) is the only folder looked at when given;
    otherwise ``initdb`` on ``search_path`` (``$PATH``), then ``debian_root/*/bin``, highest
    version first. The first folder holding ``initdb`` and ``pg_ctl`` of PostgreSQL
    :data:`MIN_VERSION` or newer wins.
    """
    folders = [Path(bin_override)] if bin_override else _candidates(search_path, debian_root)
    seen: list[str] = []
    for folder in folders:
        initdb, pg_ctl = folder / "initdb", folder / "pg_ctl"
        if not (_executable(initdb) and _executable(pg_ctl)):
            seen.append(f"{folder} (no initdb and pg_ctl)")
            continue
        version = _version(initdb)
        if version is not None and version >= MIN_VERSION:
            return Binaries(folder, version)
        seen.append(f"{folder} (version {version or 'unknown'})")
    where = "; found: " + ", ".join(seen) if seen else ""
    raise PgServerUnavailable(
        f"PostgreSQL {MIN_VERSION}+ server binaries (initdb, pg_ctl) not found{where}: "
        + INSTALL_HINT
    )


@dataclass(frozen=True)
class Account:
    """Whom the server's commands run as: None for the current user."""

    name: str
    uid: int
    gid: int


def server_account() -> Account | None:
    """The current user, unless root: then the system account, created if missing."""
    if os.geteuid() != 0:
        return None
    name = os.environ.get("DUTYBOARD_PG_OS_USER") or OS_USER
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        entry = _create_account(name)
    if entry.pw_uid == 0:
        raise PgServerUnavailable(f"the PostgreSQL test server cannot run as {name}: it is root")
    return Account(name, entry.pw_uid, entry.pw_gid)


def _create_account(name: str) -> pwd.struct_passwd:
    useradd = shutil.which("useradd") or "/usr/sbin/useradd"
    command = [useradd, "--system", "--user-group", "--no-create-home"]
    command += ["--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", name]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        said = (done.stderr or done.stdout).strip() or f"useradd exited {done.returncode}"
    except (OSError, subprocess.SubprocessError) as exc:
        said = str(exc)
    try:
        # Another test process may have made it at the same moment: that is fine too.
        return pwd.getpwnam(name)
    except KeyError:
        raise PgServerUnavailable(
            f"PostgreSQL refuses to run as root and the account {name!r} could not be "
            f"created ({said.splitlines()[-1]}): "
            "create it (useradd --system), or set $DUTYBOARD_PG_OS_USER to an existing one"
        ) from None


def _free_port() -> int:
    """A port no TCP socket on 127.0.0.1 holds now; it names the server's socket file."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _quote_conf(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def _quote_conninfo(value: str) -> str:
    """A libpq keyword/value value: quoted, with ``\\`` and ``'`` escaped."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _base_folder(account: Account | None) -> str:
    """Where the cluster's folder goes: short (the socket path is limited) and, when the
    server runs as another account, a folder that account can enter (/tmp)."""
    base = tempfile.gettempdir()
    if account is not None or len(base) > 40:
        base = "/tmp"
    return base


@dataclass
class PgServer:
    """A running test server: its folders, port and superuser, and helpers to reach it."""

    binaries: Binaries
    folder: Path  # the temporary folder; the socket lives here
    port: int
    account: Account | None
    user: str = SUPERUSER
    _counter: Iterator[int] = field(default_factory=itertools.count, repr=False)
    # Re-entrant: a SIGTERM handler may call stop() while stop() runs.
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    _stopped: bool = field(default=False, repr=False)
    _template: str = field(default="", repr=False)

    @property
    def socket_dir(self) -> Path:
        return self.folder

    @property
    def data_dir(self) -> Path:
        return self.folder / "data"

    @property
    def log_file(self) -> Path:
        return self.folder / "server.log"

    @property
    def socket_file(self) -> Path:
        return self.folder / f".s.PGSQL.{self.port}"

    @property
    def pid(self) -> int | None:
        """The postmaster's process id (first line of ``postmaster.pid``), if running."""
        try:
            return int((self.data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None

    def dsn(self, dbname: str = "postgres") -> str:
        """A libpq keyword/value connection string for ``dbname`` on this server."""
        parts = {"host": str(self.socket_dir), "port": str(self.port)}
        parts.update(user=self.user, dbname=dbname)
        return " ".join(f"{key}={_quote_conninfo(value)}" for key, value in parts.items())

    def url(self, dbname: str = "postgres") -> str:
        """A ``postgresql://`` URL for ``dbname``: the socket folder as ``host=``, every
        part percent-encoded (UTF-8), as a person would pass it to ``--db``."""
        return (
            f"postgresql://{quote(self.user, safe='')}@/{quote(dbname, safe='')}"
            f"?host={quote(str(self.socket_dir), safe='')}&port={self.port}"
        )

    def connect(self, dbname: str = "postgres", **kwargs: Any) -> psycopg.Connection[Any]:
        """A psycopg connection to ``dbname`` as the superuser (autocommit by default)."""
        import psycopg

        kwargs.setdefault("autocommit", True)
        return psycopg.connect(self.dsn(dbname), **kwargs)

    def fresh_database(self, name: str | None = None, *, prefix: str = "test") -> str:
        """Create a new, empty database (``prefix_N``, or ``name``) and return its name."""
        from psycopg import sql

        if name is None:
            with self._lock:
                name = f"{prefix}_{next(self._counter)}"
        with self.connect() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return name

    def fresh_desk(self) -> str:
        """A new database holding an empty, up-to-date desk; its ``postgresql://`` URL.

        Copied from a template made once per session with ``dutyboard init``'s own code
        (``pg_engine.create_desk``): a copy takes milliseconds, the schema's 200
        statements a good deal longer. Drop it with :meth:`drop_database`.
        """
        from psycopg import sql

        with self._lock:
            if not self._template:
                from dutyboard.store import pg_engine
                from dutyboard.store.dburl import PostgresLocation

                name = self.fresh_database(prefix="desk_template")
                pg_engine.create_desk(PostgresLocation.parse(self.url(name)))
                self._template = name
            name = f"desk_{next(self._counter)}"
        with self.connect() as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(self._template)
                )
            )
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop ``name``, ending any session still in it (a test that failed mid-way)."""
        from psycopg import sql

        with self.connect() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    # -- running it -------------------------------------------------------------------

    def run(self, tool: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Run one of the server's programs as the server's account, in its folder."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(HOME=str(self.folder), LC_ALL="C", LANG="C")
        account = self.account
        return subprocess.run(
            [self.binaries.tool(tool), *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=self.folder,
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
            user=account.uid if account else None,
            group=account.gid if account else None,
            extra_groups=[] if account else None,
        )

    def start(self) -> None:
        initdb = self.run(
            "initdb",
            *("-D", str(self.data_dir), "-U", self.user, "-A", "trust"),
            *("-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"),
        )
        if initdb.returncode != 0:
            self._failed("initdb", initdb)
        settings = {
            **_SETTINGS,
            "listen_addresses": "''",
            "unix_socket_directories": _quote_conf(str(self.socket_dir)),
            "port": str(self.port),
        }
        with (self.data_dir / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\n# dutyboard's test server (tests/pgserver.py)\n")
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
        started = self.run(
            "pg_ctl",
            *("-D", str(self.data_dir), "-l", str(self.log_file)),
            *("-w", "-t", str(START_TIMEOUT_S), "start"),
            timeout=START_TIMEOUT_S + 30,
        )
        if started.returncode != 0:
            self._failed("pg_ctl start", started)

    def _failed(self, what: str, result: subprocess.CompletedProcess[str]) -> NoReturn:
        said = (result.stderr or result.stdout).strip().splitlines()[-3:]
        with contextlib.suppress(OSError):
            said += self.log_file.read_text(errors="replace").strip().splitlines()[-5:]
        self.stop()
        raise PgServerUnavailable(
            f"the PostgreSQL test server did not start: {what} exited {result.returncode}: "
            + " | ".join(said)
        )

    def stop(self) -> None:
        """Stop the server (fast: sessions are cut, nothing waits) and remove its folder.

        Safe to call twice and from a signal handler: the second call does nothing.
        """
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
        try:
            pid = self.pid
            if pid is not None:
                try:
                    result = self.run(
                        "pg_ctl",
                        *("-D", str(self.data_dir), "-m", "fast", "-w"),
                        *("-t", str(STOP_TIMEOUT_S), "stop"),
                        timeout=STOP_TIMEOUT_S + 15,
                    )
                    stopped = result.returncode == 0
                except subprocess.TimeoutExpired:
                    stopped = False
                if not stopped:
                    _kill(pid)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def _kill(pid: int) -> None:
    """The last resort when ``pg_ctl stop`` failed: immediate shutdown, then SIGKILL."""
    for sig, wait_s in ((signal.SIGQUIT, 10.0), (signal.SIGKILL, 5.0)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if not process_alive(pid):
                return
            time.sleep(0.05)


def process_alive(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie is not: it has exited)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return stat.rpartition(")")[2].split()[0] not in ("Z", "X")


def start_server() -> PgServer:
    """Start a new test server; :class:`PgServerUnavailable` with the reason if it cannot."""
    binaries = find_binaries(bin_override=os.environ.get("DUTYBOARD_PG_BIN") or None)
    account = server_account()
    folder = Path(tempfile.mkdtemp(prefix="dutyboard-pg-", dir=_base_folder(account)))
    server = PgServer(binaries, folder, _free_port(), account)
    if len(str(server.socket_file)) > _SOCKET_PATH_MAX:
        server.stop()
        raise PgServerUnavailable(
            f"the socket path {server.socket_file} is too long for a Unix socket"
        )
    if account is not None:
        os.chown(folder, account.uid, account.gid)
    server.start()
    return server


_Handler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None


@contextlib.contextmanager
def _stopped_on_sigterm(server: PgServer) -> Iterator[None]:
    """A SIGTERM (a CI timeout, ``kill``) stops the server first, then takes its course:
    pytest has no teardown for it, and an orphaned server would outlive the run."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: _Handler = signal.getsignal(signal.SIGTERM)

    def on_sigterm(signum: int, frame: FrameType | None) -> None:
        server.stop()
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)
        if callable(previous):
            previous(signum, frame)
        elif previous != signal.SIG_IGN:
            os.kill(os.getpid(), signal.SIGTERM)

    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        yield
    finally:
        if signal.getsignal(signal.SIGTERM) is on_sigterm:
            signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A PostgreSQL 15+ server for the session, on a private Unix socket; see the module."""
    try:
        server = start_server()
    except PgServerUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)
    atexit.register(server.stop)  # a session that dies without its teardown
    try:
        with _stopped_on_sigterm(server):
            yield server
    finally:
        server.stop()
        atexit.unregister(server.stop)


@pytest.fixture
def pg_url(pg_server: PgServer) -> str:
    """The ``postgresql://`` URL of a new, empty database for this test."""
    return pg_server.url(pg_server.fresh_database())


@pytest.fixture
def pg_desk(pg_server: PgServer) -> Iterator[str]:
    """The ``postgresql://`` URL of a new database holding an empty desk, dropped after
    the test (a session of it still open is ended)."""
    url = pg_server.fresh_desk()
    yield url
    from dutyboard.store.dburl import PostgresLocation

    name = PostgresLocation.parse(url).dbname
    assert name
    pg_server.drop_database(name)
