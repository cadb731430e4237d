from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dutyboard import files
from dutyboard.store import Store
from dutyboard.store.dburl import PostgresLocation

# A fixed "now" for tests that must not depend on the wall clock: 2020-02-05 03:00 in
# Changchun (19:00 UTC the day before), the middle of a night shift.
FIXED_NOW = datetime(2020, 2, 4, 19, 0, tzinfo=UTC)

REPO = Path(__file__).resolve().parents[1]
INTEROP = REPO.parent / "shared" / "interop"
# A workbook that cannot be read: an xlsx cut short, as a stopped copy or download leaves
# it. (libhxl's "input-broken.xlsx" was that once; calamine reads its data.)
UNREADABLE_XLSX = REPO / "tests" / "ingest" / "data" / "cut-short.xlsx"


class FakeClock:
    def __init__(self, now: datetime = FIXED_NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


_STATES = itertools.count()


@pytest.fixture(scope="session")
def _log_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("log")


@pytest.fixture(autouse=True)
def _log_in_tmp(_log_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The dashboard's log file (written only when something fails) never lands in the
    home folder of whoever runs the tests."""
    monkeypatch.setenv("DUTYBOARD_LOG", str(_log_folder / "dutyboard.log"))
    # Nor the state file (the theme chosen in the palette): each test starts with none.
    monkeypatch.setenv("DUTYBOARD_STATE", str(_log_folder / f"state-{next(_STATES)}.json"))


@pytest.fixture(autouse=True)
def _writes_allowed_again() -> Iterator[None]:
    """A leader's session in one test (the CLI's main() or a read-only app) forbids this
    process to write files, as it should; the next test is another session."""
    yield
    files.allow_writes()


@pytest.fixture(autouse=True)
def _language_restored() -> Iterator[None]:
    """The CLI's main() sets the interface language for the process (and
    $DUTYBOARD_LANG); a test that runs it in Chinese leaves the next one in English."""
    from dutyboard import i18n

    before, env = i18n.language(), os.environ.get("DUTYBOARD_LANG")
    yield
    if env is None:
        os.environ.pop("DUTYBOARD_LANG", None)
    else:
        os.environ["DUTYBOARD_LANG"] = env
    if i18n.language() != before:
        i18n.set_language(before)
        if env is None:
            os.environ.pop("DUTYBOARD_LANG", None)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "duty.db"


# The engines a database test runs on (issue 21). A test that asks for ``store`` runs on
# both, unless it also asks for ``db_path`` (it reaches the SQLite file itself) or is
# marked ``sqlite_only`` with the reason.
ENGINES = ("sqlite", "postgres")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "sqlite_only(reason): a database test that is about SQLite itself (its file, "
        "pragmas, the backup API), run on that engine only",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine" not in metafunc.fixturenames:
        return
    sqlite_only = "db_path" in metafunc.fixturenames or metafunc.definition.get_closest_marker(
        "sqlite_only"
    )
    metafunc.parametrize("engine", ENGINES[:1] if sqlite_only else ENGINES, indirect=True)


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> str:
    """The engine this run of a database test uses: "sqlite" or "postgres"."""
    return str(request.param)


@pytest.fixture
def desk_location(engine: str, request: pytest.FixtureRequest) -> Path | PostgresLocation:
    """Where this test's desk is: a file in its tmp folder, or a fresh PostgreSQL desk
    (a database of the session's test server, dropped after the test)."""
    if engine == "postgres":
        return PostgresLocation.parse(request.getfixturevalue("pg_desk"))
    path: Path = request.getfixturevalue("db_path")
    return path


@pytest.fixture
def store(desk_location: Path | PostgresLocation, clock: FakeClock) -> Iterator[Store]:
    s = Store.open(desk_location, actor="tester", clock=clock)
    yield s
    s.close()
