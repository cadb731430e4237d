"""Telling a database URL from a path: which engine a ``--db`` value opens (issue 21).

A desk's location (``--db``, ``$DUTYBOARD_DB``, the config's ``desk.database``) is a file
path, opened by SQLite as always, or a ``postgresql://`` / ``postgres://`` URL naming a
PostgreSQL database, with libpq's URL syntax: ``postgresql://user@host:port/dbname?k=v``,
several hosts as ``h1:5432,h2:5433``, an IPv6 address as ``[::1]``, a socket folder as
``?host=/run/postgresql`` (or ``%2Frun%2Fpostgresql`` in the host's place), and any
libpq parameter (``sslmode``, ``service``, ``target_session_attrs``…) in the query.
:func:`parse_location` decides, and refuses anything else in one line:

* a value that starts with another scheme and ``://`` (``mysql://``, ``sqlite://``,
  ``http://``) names the schemes accepted; so does ``postgresql:`` without the two
  slashes (a typo must not become a new SQLite file named after a URL);
* everything else is a path: relative, with colons (``night:shift.db``), or a Windows
  drive (``C:\\desk.db``: a one-letter scheme is taken for a drive).

A password in the URL is accepted with a warning (:attr:`PostgresLocation.warnings`:
the caller shows it) and masked everywhere the location could be shown:
:meth:`~PostgresLocation.masked`, ``str()``, ``repr()`` and f-strings all write
``***`` for it, in the user part and in a ``password=`` or ``sslpassword=`` parameter;
no error line quotes the URL. Only :meth:`~PostgresLocation.conninfo` returns it whole,
for the driver. Passwords belong in libpq's own places (``~/.pgpass``, a service file,
``$PGPASSWORD``), which need nothing from dutyboard.

The driver (psycopg 3, the ``dutyboard[postgres]`` extra) is never imported here:
:func:`driver_available` asks the import system whether it could be.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import ClassVar, Final, Literal

from dutyboard.i18n import _
from dutyboard.store.errors import StoreError

SCHEMES: Final = ("postgresql", "postgres")
MASK: Final = "***"
# Query parameters whose values are secrets (libpq's keywords).
SECRET_PARAMS: Final = frozenset({"password", "sslpassword"})

# A scheme of two characters or more and "://". One letter is a Windows drive ("C://").
_URL = re.compile(r"([A-Za-z][A-Za-z0-9+.-]+)://")
_NEAR_MISS = re.compile(r"(postgres|postgresql):(?!//)", re.IGNORECASE)
_HEX = frozenset("0123456789abcdefABCDEF")


class LocationError(StoreError):
    """A desk location that is neither a file path nor a PostgreSQL URL libpq can read."""


class DriverMissing(StoreError):
    """A PostgreSQL URL was given, but psycopg is not installed."""


@dataclass(frozen=True)
class SqliteLocation:
    """A desk in a SQLite file."""

    path: Path
    engine: ClassVar[Literal["sqlite"]] = "sqlite"

    @property
    def warnings(self) -> tuple[str, ...]:
        return ()

    def masked(self) -> str:
        return str(self.path)

    def __str__(self) -> str:
        return str(self.path)


@dataclass(frozen=True, repr=False, eq=False)
class PostgresLocation:
    """A desk in a PostgreSQL database, as libpq reads its URL. Make one with
    :meth:`parse` (or :func:`parse_location`).

    The fields are what the URL says, %-decoded, with the query's ``host``, ``port``,
    ``user`` and ``dbname`` taking precedence as in libpq; None (or empty) leaves a value
    to libpq's defaults (``$PGHOST``, the local socket, the user's name…). ``params``
    holds every query parameter but the secret ones.
    """

    hosts: tuple[str, ...]  # "" is libpq's default host; a "/…" one is a socket folder
    ports: tuple[int | None, ...]  # none, one for every host, or one per host
    dbname: str | None
    user: str | None
    params: Mapping[str, str]
    has_password: bool
    _conninfo: str
    _masked: str
    engine: ClassVar[Literal["postgresql"]] = "postgresql"

    @classmethod
    def parse(cls, url: str) -> PostgresLocation:
        """Read a ``postgresql://`` or ``postgres://`` URL; :class:`LocationError` else."""
        return _parse(url)

    @property
    def host(self) -> str | None:
        """The first host (of several, for a fail-over list), None for libpq's default."""
        return (self.hosts[0] or None) if self.hosts else None

    @property
    def port(self) -> int | None:
        return self.ports[0] if self.ports else None

    @property
    def warnings(self) -> tuple[str, ...]:
        """Lines to show whoever gave this location (the password warning)."""
        return (password_warning(),) if self.has_password else ()

    def masked(self) -> str:
        """The URL as given, with ``***`` for every password in it."""
        return self._masked

    def conninfo(self) -> str:
        """The whole URL, password included, for the driver only (never to show)."""
        return self._conninfo

    def __str__(self) -> str:
        return self._masked

    def __repr__(self) -> str:
        return f"PostgresLocation({self._masked!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PostgresLocation):
            return NotImplemented
        return self._conninfo == other._conninfo

    def __hash__(self) -> int:
        return hash(self._conninfo)


DeskLocation = SqliteLocation | PostgresLocation


def parse_location(value: str | os.PathLike[str]) -> DeskLocation:
    """Which desk ``value`` names: a file (SQLite) or a PostgreSQL URL.

    A path is expanded (``~``) as the CLI always has; :class:`LocationError` for an empty
    value, a scheme other than PostgreSQL's, or a PostgreSQL URL libpq could not read.
    """
    if not isinstance(value, str):
        return _path(os.fspath(value))
    candidate = value.strip()
    if not candidate:
        raise LocationError(
            _(
                "the database location is empty: give a file path (SQLite) or a "
                "postgresql:// URL (PostgreSQL)"
            )
        )
    if _URL.match(candidate):
        return _parse(candidate)
    if _NEAR_MISS.match(candidate):
        raise LocationError(
            _(
                "a PostgreSQL URL starts with postgresql:// or postgres:// (two slashes); "
                "for a file of that name, start the path with ./"
            )
        )
    return _path(value)


def _path(value: str) -> SqliteLocation:
    # os.path's expanduser, not Path's: "~nobody/desk.db" stays as written (as in a shell)
    # where Path.expanduser() raises RuntimeError for a user that does not exist.
    return SqliteLocation(Path(os.path.expanduser(value)))


def is_database_url(value: str) -> bool:
    """Whether ``value`` is written as a URL (``scheme://…``), of any scheme."""
    return bool(_URL.match(value.strip()))


def password_warning() -> str:
    return _(
        "the database URL contains a password: it is used and shown only as ***, but a "
        "command line or a config file is a poor place for it: put it in ~/.pgpass "
        "($PGPASSFILE) or a service file instead"
    )


def driver_available() -> bool:
    """Whether psycopg can be imported, found without importing it (nor libpq).

    A psycopg that is present but fails on import (a pure-Python install without the
    system libpq) passes here; connecting says what failed.
    """
    if "psycopg" in sys.modules:
        return True
    import importlib.util

    try:
        return importlib.util.find_spec("psycopg") is not None
    except (ImportError, ValueError):
        return False


def psycopg_missing_message() -> str:
    """The one line for a PostgreSQL URL when the driver is not installed."""
    return _("PostgreSQL needs the driver: pip install 'dutyboard[postgres]'")


def require_driver() -> None:
    """:class:`DriverMissing` with :func:`psycopg_missing_message` unless it is there."""
    if not driver_available():
        raise DriverMissing(psycopg_missing_message())


# -- reading a URL as libpq does (fe-connect.c, conninfo_uri_parse_options) ------------


def _parse(url: str) -> PostgresLocation:
    found = _URL.match(url)
    scheme = found[1].lower() if found else ""
    if found is None or scheme not in SCHEMES:
        shown = scheme[:20] + ("…" if len(scheme) > 20 else "")
        raise LocationError(
            _(
                "unsupported database URL {scheme}://…: give a file path (SQLite) or a "
                "postgresql:// or postgres:// URL (PostgreSQL)"
            ).format(scheme=shown)
        )
    if "\x00" in url:
        raise LocationError(_zero_byte())
    try:
        url.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes of a command line (surrogate escapes)
        raise LocationError(_not_utf8()) from None
    # libpq only knows the prefixes in lower case; the rest is passed on as written.
    text = scheme + url[len(scheme) :]
    start = found.end()
    secrets: list[tuple[int, int]] = []  # spans of text to mask

    # The user part ends at the first "@" before any "/" (libpq allows "?" in it).
    slash = _find(text, "/", start)
    at = text.find("@", start, slash)
    user: str | None = None
    if at >= 0:
        if "@" in text[at + 1 : slash]:
            raise LocationError(
                _(
                    "the database URL has more than one @ before its host: write an @ in "
                    "the user name or password as %40"
                )
            )
        name, colon, secret = text[start:at].partition(":")
        user = _decode(name) or None
        if colon and _decode(secret):
            secrets.append((start + len(name) + 1, at))
        start = at + 1

    hosts, ports, pos = _hostspec(text, start)
    dbname: str | None = None
    if pos < len(text) and text[pos] == "/":
        end = _find(text, "?", pos + 1)
        dbname = _decode(text[pos + 1 : end]) or None
        pos = end
    params: dict[str, str] = {}
    if pos < len(text):  # text[pos] == "?"
        pos += 1
        items = text[pos:].split("&")
        if items[-1] == "":
            items.pop()  # "?" alone, or a trailing "&": nothing (libpq agrees)
        for item in items:
            key, value, span = _param(item, pos)
            pos += len(item) + 1
            if key in SECRET_PARAMS:
                if value:
                    secrets.append(span)
                continue
            params[key] = value
    # The query's values win over the authority's, as in libpq.
    if "host" in params:
        hosts = tuple(params["host"].split(",")) if params["host"] else ()
    if "port" in params:
        values = params["port"].split(",")
        ports = _ports(values) if any(values) else ()
    user = params.get("user", user) or None
    dbname = params.get("dbname", dbname) or None
    if len(ports) > 1 and len(ports) != max(len(hosts), 1):
        raise LocationError(
            _(
                "the database URL names {hosts} hosts but {ports} ports: give one port "
                "for all of them, or one per host"
            ).format(hosts=max(len(hosts), 1), ports=len(ports))
        )
    masked = text
    for begin, end in sorted(secrets, reverse=True):
        masked = masked[:begin] + MASK + masked[end:]
    return PostgresLocation(
        hosts=hosts,
        ports=ports,
        dbname=dbname,
        user=user,
        params=MappingProxyType(params),
        has_password=bool(secrets),
        _conninfo=text,
        _masked=masked,
    )


def _find(text: str, char: str, start: int) -> int:
    """The index of ``char`` in ``text`` from ``start``, or the end of ``text``."""
    index = text.find(char, start)
    return len(text) if index < 0 else index


def _hostspec(text: str, pos: int) -> tuple[tuple[str, ...], tuple[int | None, ...], int]:
    """``host[:port][,host[:port]…]`` from ``pos``: the hosts, the ports, where it ended."""
    hosts: list[str] = []
    ports: list[str] = []
    while True:
        if text.startswith("[", pos):
            close = text.find("]", pos + 1)
            if close < 0:
                raise LocationError(
                    _(
                        "the database URL has a [ with no matching ] in its host (an IPv6 "
                        "address is written [::1]:5432)"
                    )
                )
            if close == pos + 1:
                raise LocationError(_("the database URL has an empty IPv6 address [] in its host"))
            host = text[pos + 1 : close]
            pos = close + 1
            if pos < len(text) and text[pos] not in ":/?,":
                raise LocationError(
                    _(
                        "the database URL has text right after an IPv6 address: a port "
                        "follows as ]:5432"
                    )
                )
        else:
            end = _stop(text, pos, ":/?,")
            host, pos = text[pos:end], end
        hosts.append(_decode(host))
        if pos < len(text) and text[pos] == ":":
            end = _stop(text, pos + 1, "/?,")
            ports.append(_decode(text[pos + 1 : end]))
            pos = end
        else:
            ports.append("")
        if pos < len(text) and text[pos] == ",":
            pos += 1
            continue
        break
    # libpq joins the decoded hosts with "," and splits them again when it connects.
    joined = ",".join(hosts)
    found_hosts = tuple(joined.split(",")) if joined else ()
    found_ports = _ports(ports) if any(ports) else ()
    return found_hosts, found_ports, pos


def _stop(text: str, pos: int, stops: str) -> int:
    while pos < len(text) and text[pos] not in stops:
        pos += 1
    return pos


def _ports(values: list[str]) -> tuple[int | None, ...]:
    found: list[int | None] = []
    for value in values:
        if not value:
            found.append(None)
            continue
        if not (value.isascii() and value.isdigit() and 1 <= int(value) <= 65535):
            raise LocationError(_("a port in the database URL is not a number from 1 to 65535"))
        found.append(int(value))
    return tuple(found)


def _param(item: str, pos: int) -> tuple[str, str, tuple[int, int]]:
    """One ``key=value`` of the query at ``pos``: key, value (decoded), the value's span."""
    key, equals, value = item.partition("=")
    if not equals:
        raise LocationError(
            _("a parameter in the database URL has no =: write each as name=value, joined by &")
        )
    if "=" in value:
        raise LocationError(
            _("a parameter in the database URL has a second =: write an = in a value as %3D")
        )
    name = _decode(key)
    if not name:
        raise LocationError(_("a parameter in the database URL has no name before its ="))
    begin = pos + len(key) + 1
    return name, _decode(value), (begin, begin + len(value))


def _decode(raw: str) -> str:
    """%-decoding as libpq's, strict: a malformed escape or a zero byte is refused."""
    if "%" not in raw:
        return raw
    out = bytearray()
    index = 0
    while index < len(raw):
        char = raw[index]
        if char != "%":
            out += char.encode("utf-8")
            index += 1
            continue
        digits = raw[index + 1 : index + 3]
        if len(digits) != 2 or not set(digits) <= _HEX:
            raise LocationError(
                _("the database URL has a malformed %-escape: write a % itself as %25")
            )
        byte = int(digits, 16)
        if byte == 0:
            raise LocationError(_zero_byte())
        out.append(byte)
        index += 3
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError:
        raise LocationError(_not_utf8()) from None


def _not_utf8() -> str:
    return _("the database URL is not UTF-8 text (as written or in its %-escapes)")


def _zero_byte() -> str:
    return _("the database URL holds a zero byte (%00), which libpq cannot pass on")
