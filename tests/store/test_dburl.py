"""Telling a database URL from a path (dutyboard/store/dburl.py), safely."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from hypothesis import given
from hypothesis import strategies as st
from psycopg.conninfo import conninfo_to_dict  # libpq's own reading (PQconninfoParse)

from dutyboard.locale import zh_CN_postgres
from dutyboard.store import StoreError, dburl, pg_engine
from dutyboard.store.dburl import (
    MASK,
    DriverMissing,
    LocationError,
    PostgresLocation,
    SqliteLocation,
    driver_available,
    is_database_url,
    parse_location,
    password_warning,
    psycopg_missing_message,
    require_driver,
)

REPO = Path(__file__).resolve().parents[2]


def pg(value: str) -> PostgresLocation:
    location = parse_location(value)
    assert isinstance(location, PostgresLocation), location
    return location


def refused(value: str) -> str:
    with pytest.raises(LocationError) as caught:
        parse_location(value)
    message = str(caught.value)
    assert message and "\n" not in message
    return message


# -- paths stay paths -----------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "desk.db",
        "./night:shift.db",
        "/srv/duty/2020-02-05T03:00.db",
        "data/a:b:c.db",
        "C:\\duty\\desk.db",
        "C:/duty/desk.db",
        "C://duty/desk.db",  # a drive letter, not a one-letter scheme
        "mysql:desk.db",  # a colon without "//" names a file
        "值班台.db",
        "backups/postgresql.db",
        "./postgresql:/desk.db",
    ],
)
def test_a_path_stays_a_path(value: str) -> None:
    location = parse_location(value)
    assert location == SqliteLocation(Path(value))
    assert location.engine == "sqlite"
    assert str(location) == location.masked() == str(Path(value))
    assert location.warnings == ()
    assert not is_database_url(value)


def test_a_path_object_and_the_home_folder() -> None:
    assert parse_location(Path("/srv/desk.db")) == SqliteLocation(Path("/srv/desk.db"))
    home = parse_location("~/duty/desk.db")
    assert isinstance(home, SqliteLocation)
    assert home.path == Path.home() / "duty" / "desk.db"
    # A user that does not exist: the path as written (Path.expanduser() would raise).
    assert parse_location("~no-such-user-0/desk.db") == SqliteLocation(
        Path("~no-such-user-0/desk.db")
    )


# -- what a PostgreSQL URL says ---------------------------------------------------------


def test_every_part_of_a_url() -> None:
    location = pg(
        "postgresql://officer@db1.example.org:5433/night?sslmode=require&application_name=desk"
    )
    assert location.engine == "postgresql"
    assert (location.host, location.port) == ("db1.example.org", 5433)
    assert (location.user, location.dbname) == ("officer", "night")
    assert dict(location.params) == {"sslmode": "require", "application_name": "desk"}
    assert not location.has_password and location.warnings == ()
    assert location.masked() == location.conninfo() == str(location)
    assert is_database_url(location.conninfo())


def test_both_schemes_in_any_case_reach_libpq_in_lower_case() -> None:
    assert pg("postgres://h/d").conninfo() == "postgres://h/d"
    upper = pg("PostgreSQL://h/d")
    assert upper.conninfo() == "postgresql://h/d" == upper.masked()
    assert upper == pg("postgresql://h/d")
    assert len({upper, pg("postgresql://h/d")}) == 1


def test_an_empty_url_leaves_everything_to_libpq() -> None:
    location = pg("postgresql://")
    assert location.hosts == () and location.ports == ()
    assert (location.host, location.port, location.user, location.dbname) == (None,) * 4
    assert dict(location.params) == {}
    assert pg("postgresql:///?").dbname is None


@pytest.mark.parametrize(
    ("url", "host", "port"),
    [
        ("postgresql://%2Frun%2Fpostgresql/desk", "/run/postgresql", None),
        ("postgresql:///desk?host=/run/postgresql", "/run/postgresql", None),
        ("postgresql:///desk?host=%2Ftmp%2Fduty%20pg&port=6543", "/tmp/duty pg", 6543),
        ("postgresql://%2Ftmp%2F%E5%80%BC%E7%8F%AD:6000/desk", "/tmp/值班", 6000),
        ("postgresql://ignored:1/desk?host=/s&port=2", "/s", 2),  # the query wins
    ],
)
def test_a_socket_folder_percent_encoded_or_in_the_query(
    url: str, host: str, port: int | None
) -> None:
    location = pg(url)
    assert (location.host, location.port, location.dbname) == (host, port, "desk")


def test_several_hosts_ipv6_and_a_service() -> None:
    failover = pg("postgresql://db1:5432,db2:5433/desk?target_session_attrs=read-write")
    assert failover.hosts == ("db1", "db2") and failover.ports == (5432, 5433)
    assert failover.params["target_session_attrs"] == "read-write"
    one_port = pg("postgresql://db1,db2,db3:6000/desk")
    assert one_port.hosts == ("db1", "db2", "db3") and one_port.ports == (None, None, 6000)
    assert pg("postgresql://db1,db2/desk?port=7000").ports == (7000,)
    ipv6 = pg("postgresql://[::1]:5432,[fe80::1%25eth0]/desk")
    assert ipv6.hosts == ("::1", "fe80::1%eth0") and ipv6.ports == (5432, None)
    service = pg("postgresql:///?service=night-desk")
    assert dict(service.params) == {"service": "night-desk"} and service.dbname is None


def test_the_query_may_name_the_user_and_database() -> None:
    location = pg("postgresql://a@h/b?user=leader&dbname=desk&sslmode=verify-full&")
    assert (location.user, location.dbname) == ("leader", "desk")
    assert location.params["sslmode"] == "verify-full"


@pytest.mark.parametrize(
    ("url", "dbname", "user"),
    [
        (
            "postgresql://%E5%80%BC%E7%8F%AD%E5%91%98@h/%E5%80%BC%E7%8F%AD%E5%8F%B0",
            "值班台",
            "值班员",
        ),
        ("postgresql://值班员@h/值班台", "值班台", "值班员"),
        ("postgresql:///desk%2Fnight%201", "desk/night 1", None),
        ("postgresql:///a/b", "a/b", None),  # libpq keeps a "/" in the name
        ("postgresql:///%F0%9F%9A%91", "🚑", None),
    ],
)
def test_unicode_and_escaped_names(url: str, dbname: str, user: str | None) -> None:
    location = pg(url)
    assert (location.dbname, location.user) == (dbname, user)


# -- refusals: one line, naming what is accepted ----------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "mysql://desk:hunter2@db/desk",
        "sqlite:///srv/desk.db",
        "http://example.org/desk",
        "file:///srv/desk.db",
        "postgresql+psycopg://u:hunter2@h/d",
        "  MySQL://h/d  ",
    ],
)
def test_another_scheme_is_one_line_naming_the_schemes(value: str) -> None:
    message = refused(value)
    scheme = value.strip().split("://", 1)[0].lower()
    assert f"{scheme}://" in message
    assert "postgresql://" in message and "postgres://" in message and "SQLite" in message
    assert "hunter2" not in message and "desk" not in message.replace("desk.db", "")


@pytest.mark.parametrize("value", ["postgresql:/desk", "postgres:desk", "POSTGRESQL:x@h"])
def test_a_url_missing_its_slashes_is_refused_not_made_a_file(value: str) -> None:
    assert "two slashes" in refused(value)


@pytest.mark.parametrize("value", ["", "   ", "\t\n"])
def test_an_empty_location_is_refused(value: str) -> None:
    assert "empty" in refused(value)


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("postgresql://u:hun@ter2@h/d", "more than one @"),
        ("postgresql://u:hunter2@h/d%zz", "malformed %-escape"),
        ("postgresql://u:hunter2@h/d%4", "malformed %-escape"),
        ("postgresql://u:hunter2%zz@h/d", "malformed %-escape"),
        ("postgresql://u:hunter2@h/d%00", "zero byte"),
        ("postgresql://u:hunter2@h/d\x00", "zero byte"),
        ("postgresql://u:hunter2@h/%FF%FE", "not UTF-8"),
        ("postgresql://u:hunter2@h/d\udcff", "not UTF-8"),
        ("postgresql://u:hunter2@[::1/d", "no matching ]"),
        ("postgresql://u:hunter2@[]/d", "empty IPv6"),
        ("postgresql://u:hunter2@[::1]x/d", "right after an IPv6"),
        ("postgresql://u:hunter2@h:port/d", "not a number"),
        ("postgresql://u:hunter2@h:0/d", "not a number"),
        ("postgresql://u:hunter2@h:65536/d", "not a number"),
        ("postgresql://u:hunter2@h:５４３２/d", "not a number"),  # fullwidth digits
        ("postgresql://u:hunter2@h/d?port=-1", "not a number"),
        ("postgresql://u:hunter2@a,b,c/d?port=1,2", "3 hosts but 2 ports"),
        ("postgresql://u:hunter2@h/d?port=1,2", "1 hosts but 2 ports"),
        ("postgresql://u:hunter2@h/d?sslmode", "no ="),
        ("postgresql://u:hunter2@h/d?a=1&&b=2", "no ="),
        ("postgresql://u:hunter2@h/d?options=a=b", "second ="),
        ("postgresql://u:hunter2@h/d?=x", "no name"),
        ("postgresql://h/d?password=hunter2&x", "no ="),
        ("postgresql://u:hunter/2@h/d", "not a number"),  # "/" ends the host: port "hunter"
    ],
)
def test_a_url_libpq_could_not_read_is_one_line_without_the_password(url: str, said: str) -> None:
    message = refused(url)
    assert said in message
    for secret in ("hunter2", "hun", "ter2", "hunter"):
        assert secret not in message


# -- the password: accepted, warned about, never shown -----------------------------------


def _shown(location: object) -> list[str]:
    """Every way a location is turned into text: in logs, errors, f-strings, reprs."""
    return [
        str(location),
        repr(location),
        f"{location}",
        f"{location!r}",
        "%s" % (location,),  # noqa: UP031 - logging formats this way
        format(location, ""),
        repr([location]),
        str({"db": location}),
        str(LocationError(location)),
    ]


def test_a_password_in_the_user_part_is_masked_everywhere() -> None:
    location = pg("postgresql://officer:s3cret@db1/night")
    assert location.masked() == "postgresql://officer:***@db1/night"
    assert repr(location) == "PostgresLocation('postgresql://officer:***@db1/night')"
    for text in _shown(location):
        assert "s3cret" not in text and MASK in text
    assert location.conninfo() == "postgresql://officer:s3cret@db1/night"
    assert location.user == "officer" and location.has_password


def test_a_password_is_accepted_with_a_warning() -> None:
    location = pg("postgresql://officer:s3cret@db1/night")
    assert location.warnings == (password_warning(),)
    (warning,) = location.warnings
    assert "password" in warning and "~/.pgpass" in warning and "s3cret" not in warning
    assert "\n" not in warning


def test_password_parameters_are_masked_and_kept_out_of_params() -> None:
    location = pg(
        "postgresql://u@h/d?password=s3cret&sslmode=require&sslpassword=k3y&pass%77ord=z9"
    )
    assert location.masked() == (
        "postgresql://u@h/d?password=***&sslmode=require&sslpassword=***&pass%77ord=***"
    )
    assert dict(location.params) == {"sslmode": "require"}
    assert location.has_password and location.warnings
    for text in _shown(location):
        assert "s3cret" not in text and "k3y" not in text and "z9" not in text


def test_an_encoded_password_is_masked_in_both_spellings() -> None:
    location = pg("postgresql://u:p%40ss%3Aw%2Fd@h/d")
    assert location.masked() == "postgresql://u:***@h/d"
    for text in _shown(location):
        assert "p%40ss" not in text and "p@ss" not in text


def test_libpq_reads_a_question_mark_and_colons_as_part_of_a_password() -> None:
    location = pg("postgresql://u:a?b:c@h/d")
    assert (location.user, location.host, location.dbname) == ("u", "h", "d")
    assert location.masked() == "postgresql://u:***@h/d"


def test_an_empty_password_is_no_password() -> None:
    for url in ("postgresql://u:@h/d", "postgresql://u@h/d?password="):
        location = pg(url)
        assert not location.has_password and location.warnings == ()
        assert location.masked() == url


# -- properties --------------------------------------------------------------------------

_PASSWORDS = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1)
_NAMES = st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=12)
_HOSTS = st.from_regex(r"[a-z][a-z0-9-]{0,10}(\.[a-z]{2,5}){0,2}", fullmatch=True)


def _with_password(user: str, password: str, netloc: str, dbname: str, in_query: bool) -> str:
    encoded = quote(password, safe="")
    base = f"postgresql://{quote(user)}@{netloc}/{quote(dbname)}"
    return f"{base}?password={encoded}" if in_query else base.replace("@", f":{encoded}@", 1)


@given(
    user=_NAMES,
    password=_PASSWORDS,
    host=_HOSTS,
    port=st.none() | st.integers(1, 65535),
    dbname=_NAMES,
    in_query=st.booleans(),
)
def test_masked_never_contains_the_password(
    user: str, password: str, host: str, port: int | None, dbname: str, in_query: bool
) -> None:
    netloc = f"{host}:{port}" if port else host
    url = _with_password(user, password, netloc, dbname, in_query)
    location = pg(url)
    assert (location.user, location.host, location.port) == (user, host, port)
    assert location.dbname == dbname and location.has_password
    assert location.conninfo() == url
    # What is shown does not depend on the password at all…
    other = pg(_with_password(user, "x", netloc, dbname, in_query))
    assert _shown(location) == _shown(other)
    # …so it never contains it, unless the rest of the text happens to (a password
    # "postgres" is in every URL; "*" is in the mask).
    for spelling in (password, quote(password, safe="")):
        for text, rest in zip(_shown(location), _shown(other), strict=True):
            assert spelling not in text or spelling in rest


@given(password=st.text(st.characters(codec="utf-8", exclude_characters="\x00@/%"), min_size=1))
def test_a_password_written_raw_is_masked_too(password: str) -> None:
    location = pg(f"postgresql://u:{password}@h/d")
    assert location.masked() == "postgresql://u:***@h/d"
    assert _shown(location) == _shown(pg("postgresql://u:x@h/d"))


_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=8)
_KEYWORDS = ("sslmode", "application_name", "service", "connect_timeout", "options")


@st.composite
def _libpq_urls(draw: st.DrawFn) -> str:
    """URLs in libpq's grammar, every part %-encoded, with keywords libpq knows."""
    user = draw(st.none() | _TEXT)
    password = draw(st.none() | _TEXT)
    userinfo = ""
    if user is not None or password is not None:
        userinfo = quote(user or "", safe="")
        userinfo += f":{quote(password, safe='')}" if password is not None else ""
        userinfo += "@"
    hosts = []
    # No "," in a host: libpq splits the decoded list again when it connects (so does
    # dburl), and a count of ports that no longer matches is refused by both.
    names = st.text(st.characters(codec="utf-8", exclude_characters="\x00,"), max_size=8)
    for host, port in draw(st.lists(st.tuples(names, st.none() | st.integers(1, 65535)))):
        hosts.append(quote(host, safe="") + (f":{port}" if port else ""))
    url = f"postgresql://{userinfo}{','.join(hosts)}"
    dbname = draw(st.none() | _TEXT)
    if dbname is not None:
        url += "/" + quote(dbname, safe="")
    keys = draw(st.lists(st.sampled_from((*_KEYWORDS, "user", "dbname")), unique=True))
    if keys:
        values = [quote(draw(_TEXT), safe="") for _ in keys]
        url += "?" + "&".join(f"{key}={value}" for key, value in zip(keys, values, strict=True))
    return url


@given(_libpq_urls())
def test_a_url_reads_as_libpq_reads_it(url: str) -> None:
    libpq = {key: str(value) for key, value in conninfo_to_dict(url).items()}
    location = pg(url)
    assert location.user == (libpq.get("user") or None)
    assert location.dbname == (libpq.get("dbname") or None)
    assert ",".join(location.hosts) == libpq.get("host", "")
    ports = libpq.get("port", "").split(",")
    expected = tuple(int(port) if port else None for port in ports) if any(ports) else ()
    assert location.ports == expected
    assert location.has_password == bool(libpq.get("password"))
    for key in _KEYWORDS:
        assert location.params.get(key) == libpq.get(key)


_PIECES = st.sampled_from(
    [*"ab1:@/?&=%,[]2F0", "sslmode", "host", "port", "user", "dbname", "password", "%2F", "::1"]
)


@given(st.lists(_PIECES, max_size=12).map("".join))
def test_a_url_of_odd_pieces_reads_as_libpq_reads_it_or_is_refused(rest: str) -> None:
    """Whatever both read, they read alike; dburl refuses a port libpq would refuse only
    when connecting and an "@" it would misread, and libpq alone knows its keywords."""
    url = "postgresql://" + rest
    try:
        libpq: dict[str, str] | None = {k: str(v) for k, v in conninfo_to_dict(url).items()}
    except (psycopg.ProgrammingError, UnicodeDecodeError):
        libpq = None
    try:
        location: PostgresLocation | None = pg(url)
    except LocationError as exc:
        location = None
        if libpq is not None:
            assert any(why in str(exc) for why in ("port", "more than one @")), url
    if location is None or libpq is None:
        return
    assert location.user == (libpq.get("user") or None)
    assert location.dbname == (libpq.get("dbname") or None)
    assert ",".join(location.hosts) == libpq.get("host", "")
    ports = libpq.get("port", "").split(",")
    assert location.ports == (tuple(int(p) if p else None for p in ports) if any(ports) else ())
    assert location.has_password == bool(libpq.get("password"))


@given(st.text())
def test_any_text_is_a_location_or_one_clear_line(value: str) -> None:
    for candidate in (value, "postgresql://" + value):
        try:
            location = parse_location(candidate)
        except LocationError as exc:
            assert str(exc) and "\n" not in str(exc)
        else:
            assert location.engine in ("sqlite", "postgresql")


# -- the driver --------------------------------------------------------------------------


def test_the_driver_missing_message() -> None:
    message = psycopg_missing_message()
    assert message == "PostgreSQL needs the driver: pip install 'dutyboard[postgres]'"
    assert issubclass(DriverMissing, StoreError) and issubclass(LocationError, StoreError)


def test_driver_available_asks_without_importing(monkeypatch: pytest.MonkeyPatch) -> None:
    assert driver_available()  # psycopg is in the dev extra
    require_driver()
    import importlib.util

    monkeypatch.delitem(sys.modules, "psycopg", raising=False)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    assert not driver_available()
    with pytest.raises(DriverMissing, match=r"pip install 'dutyboard\[postgres\]'"):
        require_driver()


def test_the_store_and_its_postgresql_modules_never_import_the_driver() -> None:
    """Importing dutyboard.store, dburl and pg_schema, and parsing a URL, loads no psycopg."""
    code = (
        "import sys\n"
        "import dutyboard.store\n"
        "from dutyboard.store import dburl, pg_schema\n"
        "assert dburl.driver_available()\n"
        "dburl.parse_location('postgresql://u:p@h/d?sslmode=require')\n"
        "drivers = ('psycopg', 'psycopg_binary', 'psycopg_c')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in drivers))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() == "[]"


# -- the Chinese catalog ------------------------------------------------------------------


def _messages(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "_"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
    return found


def test_every_line_has_its_chinese_with_the_same_placeholders() -> None:
    # The catalogue of PostgreSQL desks: the location's lines and the engine's.
    english = _messages(Path(dburl.__file__)) | _messages(Path(pg_engine.__file__))
    assert english == set(zh_CN_postgres.MESSAGES)
    for key, chinese in zh_CN_postgres.MESSAGES.items():
        names = sorted(part.split("}")[0] for part in key.split("{")[1:])
        assert names == sorted(part.split("}")[0] for part in chinese.split("{")[1:]), key
