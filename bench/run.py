"""Run every dutyboard benchmark and write docs/benchmarks.md.

    python bench/run.py [--size default|small|tiny] [--out docs/benchmarks.md] [--db-dir DIR]

``default`` is the issue's database: 1,000,000 requests, 200,000 leads, 100,000 contacts,
plus 10k and 100k for the scaling table. Databases come from bench/generate.py and are
cached in --db-dir (bench/out/, git-ignored) under a name made of size, seed and a hash of
the generator, so a rerun skips generation; every run works on a fresh copy (writes made
by the propagation test never reach the cache).

Each figure is a median and a p95 over repeated runs, next to its baseline measured in the
same run: Textual's DataTable holding the same open requests (bench/baseline_datatable.py)
for the screen figures, a raw SQLite reader for propagation, bare interpreter start-up for
``dutyboard status``, raw ``executemany`` for ingest (bench/ingest.py). End-to-end figures
come from a real terminal (tmux, see bench/tui.py); in-process ones from the Pilot
(bench/measure_headless.py).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import math
import os
import platform
import random
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))

from tui import Pane, Region, Timeout, Tmux  # noqa: E402

PYTHON = sys.executable
SEED = 7
WIDTH, HEIGHT = 160, 48
WORDS = ("Jilin", "口罩")
POLL_S = 0.25  # kept equal to dutyboard.app.POLL_S (tests/test_bench_smoke.py checks)
BASELINE_DEBOUNCE_MS = 40  # bench/baseline_datatable.py's (the dashboard has none)
DATA_ROW = re.compile(r"(?:^|│) ?(?:URG|HIGH|norm|low) +\S")
PLACEHOLDER = re.compile(r"^│ …\s*(?:│|$)")
INTRO_START, INTRO_END = "<!-- intro:start -->", "<!-- intro:end -->"
DEFAULT_INTRO = """\
Every speed claim dutyboard makes (issues 4, 5, 8 and 11), measured on one machine in one
run, each next to a baseline measured in the same run: Textual's own `DataTable` holding
the same open requests for the screen figures, a bare SQLite reader for cross-process
propagation, bare interpreter start-up for `dutyboard status`, a raw `executemany` for
ingest. End-to-end figures come from a real terminal (the app in a private tmux server with
`TEXTUAL_ANIMATIONS=none`; a key is sent and the screen read back until it changes), so
they are upper bounds; in-process figures come from Textual's Pilot.

Regenerate with `make bench` (`bench/run.py`; the generated databases are cached in
`bench/out/`). `tests/test_bench_smoke.py` runs the same harness at a tiny size so it
cannot rot. This introduction is kept when the file is regenerated; everything below it is
rewritten."""


# -- profiles -------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    name: str
    requests: int
    scaling: tuple[int, ...]  # request counts for the slope table; the last is `requests`
    paint: int  # dashboard launches timed for first paint
    base_paint: int  # DataTable launches timed for first paint
    keys: int  # Down presses, and PageDown presses
    jumps: int  # End/Home presses, alternating
    filters: int  # dashboard filter samples (the words alternate)
    base_filters: int  # DataTable filter samples (each refills the table: slow at 1M)
    propagation: int
    status: int
    headless_reps: int
    pilot_presses: int
    scale_paint: int
    scale_keys: int
    scale_filters: int
    ingest_rows: int
    ingest_reps: int


PROFILES = {
    "default": Profile(
        "default", 1_000_000, (10_000, 100_000, 1_000_000),
        paint=5, base_paint=3, keys=40, jumps=10, filters=10, base_filters=6,
        propagation=12, status=10,
        headless_reps=5, pilot_presses=20, scale_paint=3, scale_keys=20, scale_filters=4,
        ingest_rows=100_000, ingest_reps=2,
    ),
    "small": Profile(
        "small", 100_000, (10_000, 100_000),
        paint=3, base_paint=3, keys=30, jumps=6, filters=6, base_filters=6,
        propagation=10, status=10,
        headless_reps=3, pilot_presses=10, scale_paint=2, scale_keys=10, scale_filters=2,
        ingest_rows=20_000, ingest_reps=2,
    ),
    "tiny": Profile(
        "tiny", 2_000, (500, 2_000),
        paint=2, base_paint=2, keys=6, jumps=2, filters=2, base_filters=2,
        propagation=3, status=2,
        headless_reps=1, pilot_presses=3, scale_paint=1, scale_keys=3, scale_filters=2,
        ingest_rows=500, ingest_reps=2,
    ),
}  # fmt: skip


def sizes_of(requests: int) -> tuple[int, int, int]:
    """Leads and contacts in the issue's proportion (1M : 200k : 100k)."""
    return requests, requests // 5, requests // 10


# -- statistics and formatting --------------------------------------------------------


@dataclass(frozen=True)
class Stat:
    n: int
    median: float
    p95: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Stat | None:
        if not values:
            return None
        ordered = sorted(values)
        rank = max(1, math.ceil(0.95 * len(ordered)))  # nearest-rank p95
        return cls(len(ordered), statistics.median(ordered), ordered[rank - 1])


def low_tail(values: Sequence[float]) -> Stat | None:
    """Like Stat.of for a higher-is-better figure: its "p95" is the low tail (worst)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(0.95 * len(ordered)))
    return Stat(len(ordered), statistics.median(ordered), ordered[len(ordered) - rank])


def fmt_seconds(value: float) -> str:
    if value >= 1:
        return f"{value:.2f} s"
    ms = value * 1000
    if ms >= 100:
        return f"{ms:.0f} ms"
    if ms >= 1:
        return f"{ms:.1f} ms"
    return f"{ms * 1000:.0f} µs"


def fmt_stat(stat: Stat | None, fmt: Callable[[float], str] = fmt_seconds) -> str:
    if stat is None:
        return "not measured"
    return f"{fmt(stat.median)} / {fmt(stat.p95)} (n={stat.n})"


def fmt_mib(kib: float) -> str:
    return f"{kib / 1024:.0f} MiB"


class NotMeasured(Exception):
    """A prerequisite is missing: the figure is reported as not measured, with why."""


# -- the run's record -------------------------------------------------------------------


@dataclass
class Results:
    profile: Profile
    samples: dict[str, list[float]] = field(default_factory=dict)  # name → raw samples
    values: dict[str, Any] = field(default_factory=dict)  # other facts
    problems: list[str] = field(default_factory=list)  # failures (make the run fail)
    skipped: dict[str, str] = field(default_factory=dict)  # section → why not measured
    timings: dict[str, float] = field(default_factory=dict)  # section → seconds spent

    def add(self, name: str, value: float) -> None:
        self.samples.setdefault(name, []).append(value)

    def extend(self, name: str, values: Sequence[float]) -> None:
        self.samples.setdefault(name, []).extend(values)

    def stat(self, name: str) -> Stat | None:
        return Stat.of(self.samples.get(name, []))

    @contextlib.contextmanager
    def section(self, name: str) -> Iterator[None]:
        started = time.monotonic()
        log(f"{name}…")
        try:
            yield
        except NotMeasured as exc:
            self.skipped[name] = str(exc)
            log(f"  not measured: {exc}")
        except Exception as exc:  # one broken section must not lose the others
            self.problems.append(f"{name}: {type(exc).__name__}: {exc}")
            log(f"  FAILED: {name}\n{traceback.format_exc()}")
        finally:
            self.timings[name] = self.timings.get(name, 0) + time.monotonic() - started


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- databases ------------------------------------------------------------------------


def cached_db(requests: int, db_dir: Path, results: Results) -> Path:
    """The pristine generated database for this size, generating it if needed."""
    import generate

    requests, leads, contacts = sizes_of(requests)
    digest = hashlib.sha256((BENCH / "generate.py").read_bytes()).hexdigest()[:10]
    stem = f"bench-r{requests}-l{leads}-c{contacts}-s{SEED}"
    path = db_dir / f"{stem}-{digest}.db"
    if path.exists():
        return path
    db_dir.mkdir(parents=True, exist_ok=True)
    for old in db_dir.glob(f"{stem}-*.db"):  # made by an older generator
        old.unlink()
    partial = db_dir / f".{path.name}.partial"
    partial.unlink(missing_ok=True)
    log(f"generating {requests:,} requests / {leads:,} leads / {contacts:,} contacts")
    started = time.monotonic()
    with contextlib.redirect_stderr(io.StringIO()):
        generate.generate(partial, requests=requests, leads=leads, contacts=contacts, seed=SEED)
    results.values[f"generated:{requests}"] = time.monotonic() - started
    partial.rename(path)  # only a finished database is ever cached
    return path


def desk_of(db: Path | str) -> Any:
    """The desk a --db value names (a SQLite file or a PostgreSQL URL), as the CLI reads it."""
    from dutyboard.store.dburl import parse_location

    return parse_location(str(db))


def upgrade(db: Path | str) -> None:
    """Open once as officer: the product upgrades an older schema in place. Done before
    every read-only use too, since a migration may land while a long run is going."""
    from dutyboard.store import Store

    Store.open(desk_of(db), actor="bench").close()


def warm_up(env: dict[str, str]) -> None:
    """Import the apps once, untimed, so no figure pays for compiling bytecode after an
    install or an edit."""
    subprocess.run(
        [PYTHON, "-c", "import dutyboard.app, dutyboard.cli, textual.widgets._data_table"],
        cwd=ROOT,
        env=env,
        timeout=120,
        check=True,
        capture_output=True,
    )


def working_copy(pristine: Path, work_dir: Path) -> Path:
    """A fresh copy for this run, upgraded in place by the product (officer open) if the
    schema has moved on since the cache was made."""

    target = work_dir / pristine.name.replace("bench-", "work-")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(pristine, target)
    upgrade(target)
    return target


# -- the apps in tmux -------------------------------------------------------------------


@dataclass
class Launcher:
    tmux: Tmux
    env: dict[str, str]
    counter: int = 0

    def dashboard(self, db: Path | str) -> Pane:
        return self._launch([PYTHON, "-m", "dutyboard", "--db", str(db)])

    def baseline(self, db: Path) -> Pane:
        return self._launch([PYTHON, str(BENCH / "baseline_datatable.py"), "--db", str(db)])

    def _launch(self, argv: list[str]) -> Pane:
        self.counter += 1
        return self.tmux.launch(f"app{self.counter}", argv, env=self.env, cwd=ROOT)


def first_paint(pane: Pane, timeout: float) -> float:
    """Seconds from launching the process to a data row (not a title) on screen."""
    seen = pane.wait_for(
        lambda lines: any(DATA_ROW.search(line) for line in lines),
        timeout=timeout,
        what="the first data row",
    )
    return seen - pane.started


def requests_region(pane: Pane, timeout: float = 10) -> Region:
    """The requests panel (title border to subtitle border), left of the other panels.
    Polled: a capture can catch a frame that tmux has only partly drawn."""
    deadline = time.monotonic() + timeout
    while True:
        lines = pane.capture()
        top = next((i for i, line in enumerate(lines) if "1 Requests" in line), None)
        if top is not None and "╮" in lines[top]:
            bottom = next(
                (i for i in range(top + 1, len(lines)) if lines[i].lstrip().startswith("╰")),
                None,
            )
            if bottom is not None:
                right = lines[top].index("╮") + 1  # box-drawing and ASCII: one cell each
                return Region(top, bottom + 1, 0, right)
        if time.monotonic() > deadline:
            raise RuntimeError("cannot find the requests panel on screen:\n" + "\n".join(lines))
        time.sleep(0.05)


def _shows(text: str, lines: list[str], *, region: Region | None = None) -> bool:
    return any(text in line for line in (region.cut(lines) if region else lines))


def _has(pattern: re.Pattern[str], lines: list[str]) -> bool:
    return any(pattern.search(line) for line in lines)


def _lacks(pattern: re.Pattern[str], lines: list[str]) -> bool:
    return not any(pattern.search(line) for line in lines)


def no_placeholder(lines: list[str]) -> bool:
    return not any(PLACEHOLDER.search(line) for line in lines)


def bounce(forward: str, back: str, presses: int, limit: int) -> list[str]:
    """``presses`` keys going ``forward`` at most ``limit`` steps, then back, and so on:
    a press that cannot move anything changes nothing on screen and could never be
    timed. On the large tables every press is ``forward``."""
    keys, position, step = [], 0, 1
    for _ in range(presses):
        if (step > 0 and position >= limit) or (step < 0 and position <= 0):
            step = -step
        keys.append(forward if step > 0 else back)
        position += step
    return keys


def time_scroll_keys(
    results: Results,
    prefix: str,
    pane: Pane,
    region: Region,
    *,
    rows: int,
    page: int,
    presses: int,
    jumps: int,
) -> None:
    """Down ×presses and PageDown ×presses from the top, then End/Home alternating
    ×jumps. ``rows`` in the table, ``page`` rows on screen."""
    for forward, back, limit in (
        ("Down", "Up", rows - 1),
        ("PageDown", "PageUp", max(1, (rows - page) // page)),
    ):
        pane.send("Home")
        pane.settle(region)
        keys = bounce(forward, back, presses, limit)
        if back in keys:
            results.values["bounced"] = True
        for key in keys:
            results.add(
                f"{prefix}:key:{forward}", pane.time_keys([key], region, ready=no_placeholder)
            )
    for i in range(jumps):
        key = "End" if i % 2 == 0 else "Home"
        results.add(f"{prefix}:key:End/Home", pane.time_keys([key], region, ready=no_placeholder))
    pane.send("Home")
    pane.settle(region)


def _field_shows(text: str) -> re.Pattern[str]:
    """The filter field's line holding exactly ``text`` (dashboard: inside the panel's
    borders; baseline: a whole line)."""
    return re.compile(rf"(?:^|│) ?{re.escape(text)}\s*(?:│|$)")


def time_filter(results: Results, prefix: str, pane: Pane, samples: int, timeout: float) -> None:
    """``/``, then per sample: clear the field (ctrl+u), type a word letter by letter,
    time from the last letter until the panel shows “word” (its subtitle, written when
    the rows have landed). The words alternate, so each sample changes the screen.

    ``/`` and ctrl+u are bindings: they act after the key has bubbled up to the app, and
    focus moves a moment later still, so letters sent right behind them can reach the
    table or be erased. Each sample therefore waits for the field to be empty, types the
    first letter, waits for it to show (retyping once if it got lost), then types the
    rest; only the last letter is timed."""
    full = Region(0, HEIGHT)
    pane.send("/")
    pane.settle(full)
    for i in range(samples):
        word = WORDS[i % len(WORDS)]
        if i:
            typed = _field_shows(WORDS[(i - 1) % len(WORDS)])
            pane.send("C-u")
            pane.wait_for(partial(_lacks, typed), timeout=10, what="the filter field to clear")
        first = _field_shows(word[0])
        for attempt in range(3):
            pane.type(word[0])
            try:
                pane.wait_for(
                    partial(_has, first), timeout=5, what=f"“{word[0]}” in the filter field"
                )
                break
            except Timeout:
                if attempt == 2:
                    raise
                pane.send("C-u")  # the letter went elsewhere (or late): start again
                time.sleep(0.2)
        for letter in word[1:-1]:
            pane.type(letter)
        started = time.monotonic()
        pane.type(word[-1])
        seen = pane.wait_for(
            partial(_shows, f"“{word}”"), timeout=timeout, what=f"the filter “{word}”"
        )
        results.add(f"{prefix}:filter", seen - started)
        results.add(f"{prefix}:filter:{word}", seen - started)
        pane.settle(full)
    pane.send("Escape")
    pane.settle(full)


# -- propagation ----------------------------------------------------------------------

READER = """
import sqlite3, sys, time
db, every = sys.argv[1], float(sys.argv[2])
conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
last = conn.execute("SELECT coalesce(max(id), 0) FROM requests").fetchone()[0]
version = conn.execute("PRAGMA data_version").fetchone()[0]
print("ready", flush=True)
while True:
    time.sleep(every)
    now_version = conn.execute("PRAGMA data_version").fetchone()[0]
    if now_version != version:
        version, seen = now_version, time.monotonic()
        for rid, org in conn.execute("SELECT id, org FROM requests WHERE id > ?", (last,)):
            last = rid
            print(org, seen, flush=True)
"""


# PostgreSQL's floor: a bare session that LISTENs on the desk's channel (the one its
# writes NOTIFY on commit) and selects the new rows when told; a second session reads, so
# the listening one only ever waits.
READER_PG = """
import select, sys, time
import psycopg
url, every = sys.argv[1], float(sys.argv[2])
listen = psycopg.connect(url, autocommit=True)
query = psycopg.connect(url, autocommit=True)
last = query.execute("SELECT coalesce(max(id), 0) FROM requests").fetchone()[0]
listen.execute("LISTEN dutyboard")
print("ready", flush=True)
while True:
    select.select([listen.pgconn.socket], [], [], 1.0)
    listen.pgconn.consume_input()
    told = False
    while listen.pgconn.notifies() is not None:
        told = True
    if told:
        seen = time.monotonic()
        for rid, org in query.execute("SELECT id, org FROM requests WHERE id > %s", (last,)):
            last = rid
            print(org, seen, flush=True)
"""


def start_reader(db: Path | str, every: float, *, postgres: bool = False) -> subprocess.Popen[str]:
    reader = subprocess.Popen(
        [PYTHON, "-c", READER_PG if postgres else READER, str(db), str(every)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert reader.stdout is not None
    if reader.stdout.readline().strip() != "ready":
        reader.kill()
        raise RuntimeError("the raw reader did not start")
    return reader


def stop_reader(reader: subprocess.Popen[str]) -> dict[str, float]:
    reader.terminate()
    try:
        out, _ = reader.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        reader.kill()
        out, _ = reader.communicate(timeout=10)
    seen: dict[str, float] = {}
    for line in out.splitlines():
        org, _, when = line.rpartition(" ")
        seen.setdefault(org, float(when))
    return seen


def time_propagation(
    results: Results, pane: Pane, db: Path | str, samples: int, *, engine: str = "sqlite"
) -> None:
    """Another process (this one) adds an urgent request; time until the dashboard in
    tmux shows it. The row is given the received time of the third row on screen, so it
    sorts into the visible window (urgent first, oldest first). Its floors: bare readers
    of the same engine (SQLite: polling data_version; PostgreSQL: LISTEN)."""
    from dutyboard.store import Store
    from dutyboard.store import views as v

    region = requests_region(pane)
    pane.send("Home")
    pane.settle(region)
    rng = random.Random(SEED)
    postgres = engine == "postgres"
    prefix = "pg:propagation" if postgres else "propagation"
    readers = (
        {"raw-listen": start_reader(db, 0, postgres=True)}
        if postgres
        else {"raw-poll": start_reader(db, POLL_S), "raw-10ms": start_reader(db, 0.01)}
    )
    committed: dict[str, float] = {}
    store = Store.open(desk_of(db), actor="bench-writer")
    try:
        spec = v.ViewSpec("requests")
        for i in range(samples):
            anchor = v.page(store, spec, None, 3)[-1]
            # Named for the engine, so no name is ever on screen before it is written.
            org = f"{engine[:2]}bench{i:02d}-{rng.randrange(16**4):04x}"
            store.add_request(
                {
                    "org": org,
                    "item": "N95 masks",
                    "quantity": 100,
                    "unit": "pcs",
                    "priority": "urgent",
                    "received_at": anchor["received_at"],
                }
            )
            committed[org] = time.monotonic()
            seen = pane.wait_for(
                partial(_shows, org, region=region), timeout=15, what=f"request {org} on screen"
            )
            results.add(f"{prefix}:dashboard", seen - committed[org])
            time.sleep(rng.uniform(0.2, 1.2))  # de-phase from the poll
    finally:
        store.close()
        seen_by = {name: stop_reader(reader) for name, reader in readers.items()}
    for name, reader_saw in seen_by.items():
        for org, at in committed.items():
            if org in reader_saw:
                results.add(f"{prefix}:{name}", reader_saw[org] - at)


# -- measuring one size -----------------------------------------------------------------


def measure_screens(
    results: Results,
    launcher: Launcher,
    db: Path | str,
    requests: int,
    *,
    main: bool,
    engine: str = "sqlite",
) -> None:
    """First paint, keys, filter, memory (and, on the main size, propagation) for the
    dashboard and the DataTable baseline on one database. On PostgreSQL the dashboard
    only: its peer is the same dashboard on SQLite, measured in the same run."""
    p = results.profile
    postgres = engine == "postgres"
    tag = f"pg:{requests}" if postgres else f"{requests}"
    on = " (PostgreSQL)" if postgres else ""
    dash_paint = p.paint if main else p.scale_paint
    base_paint = p.base_paint if main else p.scale_paint
    keys, jumps = (p.keys, p.jumps) if main else (p.scale_keys, 0)
    filters = p.filters if main else p.scale_filters
    base_filters = p.base_filters if main else p.scale_filters
    base_timeout = max(120.0, requests / 1_000_000 * 400)
    from dutyboard.store import Store
    from dutyboard.store import views as v

    store = Store.open(desk_of(db), readonly=True, actor="bench")
    try:
        rows = v.count(store, v.ViewSpec("requests"))
    finally:
        store.close()

    with results.section(f"dashboard in tmux, {requests:,} requests{on}"):
        upgrade(db)
        for launch in range(dash_paint):
            pane = launcher.dashboard(db)
            try:
                results.add(f"{tag}:dashboard:paint", first_paint(pane, 60))
                if launch == 0:
                    time.sleep(1.5)  # the first data_version poll reloads every panel once
                    region = requests_region(pane)
                    time_scroll_keys(
                        results, f"{tag}:dashboard", pane, region,
                        rows=rows, page=region.bottom - region.top - 3, presses=keys, jumps=jumps,
                    )  # fmt: skip
                    time_filter(results, f"{tag}:dashboard", pane, filters, 30)
                    if main:
                        time_propagation(results, pane, db, p.propagation, engine=engine)
                    rss = pane.peak_rss_kib()
                    if rss is not None:
                        results.add(f"{tag}:dashboard:rss", rss)
            finally:
                pane.kill()
    if postgres:
        return

    with results.section(f"DataTable baseline in tmux, {requests:,} requests"):
        upgrade(db)
        for launch in range(base_paint):
            pane = launcher.baseline(Path(db))
            try:
                results.add(f"{tag}:baseline:paint", first_paint(pane, base_timeout))
                if launch == 0:
                    region = Region(0, HEIGHT)
                    time_scroll_keys(
                        results, f"{tag}:baseline", pane, region,
                        rows=rows, page=HEIGHT - 2, presses=keys, jumps=jumps,
                    )  # fmt: skip
                    time_filter(results, f"{tag}:baseline", pane, base_filters, base_timeout)
                    rss = pane.peak_rss_kib()
                    if rss is not None:
                        results.add(f"{tag}:baseline:rss", rss)
            finally:
                pane.kill()


def measure_headless(results: Results, db: Path, work_dir: Path) -> None:
    p = results.profile
    for app in ("dashboard", "baseline"):
        with results.section(f"headless (Pilot), {app}"):
            upgrade(db)
            out = work_dir / f"headless-{app}.json"
            subprocess.run(
                [
                    PYTHON, str(BENCH / "measure_headless.py"), "--app", app, "--db", str(db),
                    "--reps", str(p.headless_reps), "--presses", str(p.pilot_presses),
                    "--out", str(out),
                ],
                check=True,
                timeout=900,
                cwd=ROOT,
                env=app_env(work_dir),
            )  # fmt: skip
            for name, values in json.loads(out.read_text()).items():
                results.extend(f"headless:{app}:{name}", values)


def time_command(argv: list[str], runs: int, env: dict[str, str]) -> list[float]:
    """Wall time of ``argv`` (after one untimed warm-up run), output discarded."""
    times = []
    for run in range(runs + 1):
        started = time.perf_counter()
        done = subprocess.run(argv, capture_output=True, timeout=120, cwd=ROOT, env=env)
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv[:4])}… exited {done.returncode}: {done.stderr!r}")
        if run:
            times.append(elapsed)
    return times


def measure_status(
    results: Results,
    db: Path | str,
    requests: int,
    runs: int,
    env: dict[str, str],
    *,
    engine: str = "sqlite",
) -> None:
    if not (ROOT / "dutyboard" / "commands" / "status.py").exists():
        raise NotMeasured("dutyboard/commands/status.py is not there yet")
    tag = f"pg:{requests}" if engine == "postgres" else f"{requests}"
    upgrade(db)
    command = [PYTHON, "-m", "dutyboard", "status", "--db", str(db)]
    results.extend(f"{tag}:status", time_command(command, runs, env))
    results.extend(
        f"{tag}:status:json",
        time_command([PYTHON, "-m", "dutyboard", "status", "--json", "--db", str(db)], runs, env),
    )
    # In-process: the queries and the rendering, without interpreter start-up.
    from dutyboard.config import Config
    from dutyboard.reports.status.build import build_status
    from dutyboard.reports.status.text import render_text
    from dutyboard.store import Store

    config = Config(user="bench")
    for _ in range(runs):
        started = time.perf_counter()
        store = Store.open(desk_of(db), readonly=True, actor="bench")
        try:
            render_text(
                build_status(store, desk_name=config.desk_name, timezone=config.timezone),
                lang="en",
                width=WIDTH,
            )
        finally:
            store.close()
        results.add(f"{tag}:status:inprocess", time.perf_counter() - started)


def measure_status_baselines(results: Results, runs: int, env: dict[str, str]) -> None:
    results.extend("startup:python", time_command([PYTHON, "-c", "import sqlite3"], runs, env))
    results.extend(
        "startup:dutyboard", time_command([PYTHON, "-m", "dutyboard", "--version"], runs, env)
    )


INGEST_LABELS = {
    "baseline": "ingest:baseline",
    "dutyboard ingest (parse": "ingest:dutyboard",
    "… parse only": "ingest:parse",
    "… store only": "ingest:store",
    "dutyboard ingest, same file again": "ingest:again",
    "… SQLite alone": "ingest:sqlite",
    "… PostgreSQL alone": "ingest:sqlite",  # the engine's own floor, whichever it is
}


def measure_ingest(results: Results, rows: int, reps: int, *, engine: str = "sqlite") -> None:
    path = BENCH / "ingest.py"
    if not path.exists():
        raise NotMeasured("bench/ingest.py is not there yet")
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_ingest", path)
    if spec is None or spec.loader is None:
        raise NotMeasured("bench/ingest.py cannot be imported")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for _ in range(reps):
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            code = module.main(["--rows", str(rows), "--engine", engine])
        if code != 0:
            raise RuntimeError(f"bench/ingest.py exited {code}: {output.getvalue()[-500:]}")
        found = 0
        for line in output.getvalue().splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            for prefix, name in INGEST_LABELS.items():
                if len(cells) >= 3 and cells[0].startswith(prefix):
                    name = f"pg:{name}" if engine == "postgres" else name
                    results.add(name, float(cells[2].replace(",", "")))  # rows/s
                    found += 1
        if not found:
            raise RuntimeError(f"no figures in bench/ingest.py output: {output.getvalue()[:500]}")
    results.values["ingest:rows"] = rows


# -- machine ----------------------------------------------------------------------------


def cpu_busy(seconds: float = 1.0) -> float:
    """Share of all CPUs busy over ``seconds`` (everyone's work, not only ours)."""

    def sample() -> tuple[int, int]:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
        return sum(fields), idle

    total0, idle0 = sample()
    time.sleep(seconds)
    total1, idle1 = sample()
    return 1 - (idle1 - idle0) / max(1, total1 - total0)


def machine(tmux: Tmux) -> dict[str, str]:
    info: dict[str, str] = {}
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    info["CPU"] = model.group(1).strip() if model else platform.processor() or "unknown"
    info["cores (nproc)"] = str(len(os.sched_getaffinity(0)))
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    mem = re.search(r"^MemTotal:\s+(\d+) kB", meminfo, re.MULTILINE)
    info["RAM"] = f"{int(mem.group(1)) / 1024 / 1024:.1f} GiB" if mem else "unknown"
    info["OS"] = f"{platform.system()} {platform.release()}"
    info["Python"] = platform.python_version()
    for package in ("textual", "rich"):
        try:
            info[package.capitalize()] = metadata.version(package)
        except metadata.PackageNotFoundError:
            info[package.capitalize()] = "not installed"
    info["SQLite"] = sqlite3.sqlite_version
    version = subprocess.run(["tmux", "-V"], capture_output=True, text=True, timeout=10)
    terminal = tmux.cmd("show-options", "-gv", "default-terminal").strip()
    info["terminal"] = f"{version.stdout.strip()}, {WIDTH}×{HEIGHT}, TERM={terminal}"
    try:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except OSError:
        commit = ""
    info["code"] = commit or "unknown"
    return info


def app_env(work_dir: Path) -> dict[str, str]:
    """A clean environment: no user config, no animations, no inherited dutyboard vars."""
    config = work_dir / "config.toml"
    config.touch()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DUTYBOARD_", "TEXTUAL_"))}
    env.pop("NO_COLOR", None)  # a cursor move changes only colours: we need them
    # As installed: pip compiles bytecode, and warm_up() must be able to write it, or
    # every launch timed would compile every module again.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(
        TEXTUAL_ANIMATIONS="none",
        DUTYBOARD_CONFIG=str(config),
        DUTYBOARD_USER="bench",
    )
    return env


# -- the report -------------------------------------------------------------------------


def ratio(ours: Stat | None, base: Stat | None) -> str:
    if ours is None or base is None or ours.median <= 0:
        return ""
    return f"{base.median / ours.median:,.1f}×"


@dataclass(frozen=True)
class Target:
    what: str
    limit: str
    verdict: str
    measured: str


def verdict(stat: Stat | None, limit: float, *, lower_is_better: bool = True) -> str:
    if stat is None:
        return "not measured"

    def ok(value: float) -> bool:
        return value <= limit if lower_is_better else value >= limit

    if ok(stat.p95):
        return "**met**"
    if ok(stat.median):
        return "**not met** (median met, p95 not)"
    return "**not met**"


def table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> list[str]:
    align = align or "l" + "r" * (len(header) - 1)
    marks = ["---:" if a == "r" else "---" for a in align]
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(marks) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return [*out, ""]


def keep_intro(out: Path) -> str:
    if out.exists():
        text = out.read_text(encoding="utf-8")
        if INTRO_START in text and INTRO_END in text:
            return text.split(INTRO_START, 1)[1].split(INTRO_END, 1)[0].strip("\n")
    return DEFAULT_INTRO


def report(r: Results, out: Path, command: str, info: dict[str, str], elapsed: float) -> str:
    p = r.profile
    main = f"{p.requests}"
    s = r.stat
    _, leads, contacts = sizes_of(p.requests)
    lines: list[str] = ["# Benchmarks", "", INTRO_START, keep_intro(out), INTRO_END, ""]

    lines += ["## Run", ""]
    busy = r.values.get("busy:start"), r.values.get("busy:end")
    rows = [
        ["command", f"`{command}`"],
        ["date", str(r.values.get("date", ""))],
        ["size", f"{p.name}: {p.requests:,} requests, {leads:,} leads, {contacts:,} contacts"],
        ["scaling sizes", ", ".join(f"{n:,}" for n in p.scaling) + " requests"],
        ["wall time of this run", fmt_seconds(elapsed)],
    ]
    for n in p.scaling:
        if f"generated:{n}" in r.values:
            rows.append([f"generating {n:,}", fmt_seconds(r.values[f"generated:{n}"])])
    load = r.values.get("loadavg", "")
    rows.append(
        [
            "other work on the machine",
            f"CPU busy before the run {busy[0]:.0%}, after {busy[1]:.0%} (all cores, "
            f"one-second samples while nothing of ours ran); load average {load}"
            if None not in busy
            else "not sampled",
        ]
    )
    lines += table(["", ""], rows, "ll")
    if r.values.get("shared"):
        lines += [
            "> Other work was running on this machine during the run (see above): figures "
            "are upper bounds of what an idle machine would give.",
            "",
        ]

    lines += ["## Machine and versions", ""]
    lines += table(["", ""], [[k, v] for k, v in info.items()], "ll")

    # -- targets
    paint = s(f"{main}:dashboard:paint")
    down, pgdn = s(f"{main}:dashboard:key:Down"), s(f"{main}:dashboard:key:PageDown")
    filter_load = Stat.of(
        [x for w in WORDS for x in r.samples.get(f"headless:dashboard:load:{w}", [])]
    )
    filt = s(f"{main}:dashboard:filter")
    prop = s("propagation:dashboard")
    rss_values = r.samples.get(f"{main}:dashboard:rss", [])
    rss = Stat.of([x / 1024 for x in rss_values])  # MiB
    status = s(f"{main}:status")
    ingest_b = low_tail(r.samples.get("ingest:baseline", []))
    ingest_ratio = low_tail(
        [
            ours / base
            for ours, base in zip(
                r.samples.get("ingest:dutyboard", []),
                r.samples.get("ingest:baseline", []),
                strict=False,
            )
        ]
    )
    targets = [
        Target("first paint of the dashboard (issue 5)", "≤ 1 s", verdict(paint, 1.0),
               fmt_stat(paint)),
        Target("scroll: Down key to repaint (issue 5)", "p95 ≤ 50 ms",
               verdict(down, 0.050), fmt_stat(down)),
        Target("page: PageDown key to repaint (issue 5)", "p95 ≤ 50 ms",
               verdict(pgdn, 0.050), fmt_stat(pgdn)),
        Target("filter keystroke to results, end to end (issue 5)", "p95 ≤ 100 ms",
               verdict(filt, 0.100), fmt_stat(filt)),
        Target("… the same filter's query and load alone, no terminal (Pilot)",
               "p95 ≤ 100 ms", verdict(filter_load, 0.100), fmt_stat(filter_load)),
        Target("write in one process to visible in another (issue 5)", "p95 ≤ 1 s",
               verdict(prop, 1.0), fmt_stat(prop)),
        Target("peak RSS of the dashboard (issue 5)", "≤ 250 MB",
               verdict(rss, 250 * 1_000_000 / 2**20),
               fmt_stat(rss, lambda x: f"{x:.0f} MiB")),
        Target("`dutyboard status` wall time (issue 8)", "< 300 ms", verdict(status, 0.300),
               fmt_stat(status)),
        Target("ingest rows/s vs raw executemany (issue 4)", "≥ 0.5×",
               verdict(ingest_ratio, 0.5, lower_is_better=False),
               fmt_stat(ingest_ratio, lambda x: f"{x:.2f}×")),
    ]  # fmt: skip
    targets += postgres_targets(r, main)
    lines += ["## Targets", ""]
    lines += [
        "Median / p95 (n = samples). A target is **met** when its p95 meets it (first "
        f"paint, memory and status too, to be strict). Measured on {p.requests:,} requests"
        + (
            "."
            if p.name == "default"
            else f" — the targets are defined on 1,000,000; this is the `{p.name}` size."
        ),
        "",
    ]
    lines += table(
        ["target", "limit", "measured (median / p95)", "verdict"],
        [[t.what, t.limit, t.measured, t.verdict] for t in targets],
        "llll",
    )
    for section, why in r.skipped.items():
        lines.append(f"* {section}: **not measured**: {why}")
    if r.skipped:
        lines.append("")

    # -- first paint
    base_paint = s(f"{main}:baseline:paint")
    lines += ["## First paint", ""]
    lines += [
        f"From launching the process in tmux ({WIDTH}×{HEIGHT}, `TEXTUAL_ANIMATIONS=none`) "
        "until a data row (a priority label such as `URG`, not a title or header) is on "
        "screen; includes Python start-up and imports (bytecode already compiled by an "
        "untimed warm-up import). The baseline is "
        "`bench/baseline_datatable.py`: the same open requests, same query and order, same "
        "cell formatting, in Textual's `DataTable` (rows read in a thread, then one "
        "`add_rows`).",
        "",
    ]
    lines += table(
        ["app", "median", "p95", "n", "baseline ÷ dashboard"],
        [
            [*_row("dashboard (keyset-paged VirtualTable)", paint), ""],
            [*_row("DataTable baseline", base_paint), ratio(paint, base_paint)],
        ],
    )

    # -- keys
    lines += ["## Keypress to repaint (tmux, end to end)", ""]
    lines += [
        "Time from sending the key to the first `capture-pane -e` in which the requests "
        "panel differs (colours included: a cursor move changes only colours) and shows no "
        "placeholder row; a settle of 50 ms without change precedes each press. Down and "
        f"PageDown ×{p.keys} each from the top, then End/Home alternating ×{p.jumps}.",
        "",
    ]
    key_rows = []
    for key in ("Down", "PageDown", "End/Home"):
        ours, base = s(f"{main}:dashboard:key:{key}"), s(f"{main}:baseline:key:{key}")
        key_rows.append([key, fmt_stat(ours), fmt_stat(base), ratio(ours, base)])
    lines += table(
        ["key", "dashboard median / p95", "DataTable median / p95", "baseline ÷ dashboard"],
        key_rows,
    )

    # -- filter
    lines += ["## Filter keystroke to results (tmux, end to end)", ""]
    lines += [
        "`/`, then per sample ctrl+u and a word typed letter by letter (the words "
        f"alternate: {', '.join(WORDS)}); time from the last letter until the panel shows "
        "the filter in its subtitle, which is written when the first filtered rows have "
        "landed (the count follows on the table's own connection; the subtitle shows "
        "`N+` until it does). "
        "The panel filters on every keystroke, without a debounce: a newer filter "
        "interrupts the older one's query, so keys do not queue. The baseline re-queries, "
        f"clears and refills its DataTable after a {BASELINE_DEBOUNCE_MS} ms debounce "
        "(without one every letter would refill it; the debounce only helps it). The "
        "headless section below shows the load alone.",
        "",
    ]
    filter_rows = [
        ["all words", fmt_stat(filt), fmt_stat(s(f"{main}:baseline:filter")),
         ratio(filt, s(f"{main}:baseline:filter"))]
    ]  # fmt: skip
    for word in WORDS:
        ours, base = s(f"{main}:dashboard:filter:{word}"), s(f"{main}:baseline:filter:{word}")
        filter_rows.append([word, fmt_stat(ours), fmt_stat(base), ratio(ours, base)])
    lines += table(
        ["word", "dashboard median / p95", "DataTable median / p95", "baseline ÷ dashboard"],
        filter_rows,
    )

    # -- headless
    lines += ["## Headless, driven through the Pilot", ""]
    lines += [
        "In-process, `App.run_test(size=(160, 48))` (bench/measure_headless.py). `load`: "
        "dashboard `VirtualTable.set_spec` until its first `Loaded` message (the first "
        "page in a thread, applied on the UI thread; `count` until the exact total follows "
        "from the table's own connection) vs the baseline re-querying and refilling "
        "its DataTable (`clear` + `add_rows`; for all open requests that is its mount, "
        "not repeated); no debounce, no terminal. `anchors:contacts`: the keys a long "
        'jump in the contacts panel ("reachable first", the app\'s own ranking) needs '
        "first, one key per 500 contacts, built in a thread. `render_line`: "
        "one call for one visible row, caches cleared (cold) or filled (warm). `pilot`: "
        "`pilot.press` + `pilot.pause` until the visible rows are loaded — Pilot's own "
        "overhead dominates these (tens of ms whatever the widget does); the tmux figures "
        "above are the real latency.",
        "",
    ]
    headless_names = sorted(
        {name.split(":", 2)[2] for name in r.samples if name.startswith("headless:")},
        key=_headless_order,
    )
    lines += table(
        ["figure", "dashboard median / p95", "DataTable median / p95", "baseline ÷ dashboard"],
        [
            [
                name.replace("|", "/"),
                fmt_stat(s(f"headless:dashboard:{name}")),
                _headless_baseline(s, name),
                ratio(s(f"headless:dashboard:{name}"), s(f"headless:baseline:{name}")),
            ]
            for name in headless_names
        ],
    )

    # -- propagation
    lines += ["## Write in one process, visible in another", ""]
    lines += [
        "The dashboard runs in tmux; this benchmark process adds an urgent request with a "
        "unique unit name through `Store.add_request` (its own connection, committed), then "
        "polls the screen until the requests panel shows it. The dashboard learns of "
        f"changes by polling `PRAGMA data_version` every {POLL_S * 1000:.0f} ms "
        "(`dutyboard.app.POLL_S`), so about half that plus a re-query and a repaint is the "
        "expected median. Baselines, on the same writes: a bare reader process polling "
        f"`PRAGMA data_version` at the same {POLL_S * 1000:.0f} ms and at 10 ms, then "
        "selecting the new rows (no UI).",
        "",
    ]
    lines += table(
        ["reader", "median", "p95", "n"],
        [
            _row("dashboard, on screen", prop),
            _row(f"raw SQLite reader, {POLL_S * 1000:.0f} ms poll", s("propagation:raw-poll")),
            _row("raw SQLite reader, 10 ms poll", s("propagation:raw-10ms")),
        ],
    )

    # -- status
    lines += ["## `dutyboard status`", ""]
    lines += [
        f"Wall time of `python -m dutyboard status --db DB` as a subprocess (one untimed "
        f"warm-up, then {p.status} runs), text and `--json`; in-process: open read-only, "
        "build and render, without interpreter start-up. Baselines: bare interpreter "
        "start-up (`python -c 'import sqlite3'`) and `python -m dutyboard --version` "
        "(start-up + the CLI's imports, no database).",
        "",
    ]
    lines += table(
        ["what", "median", "p95", "n"],
        [
            _row("`dutyboard status` (text)", status),
            _row("`dutyboard status --json`", s(f"{main}:status:json")),
            _row("in-process build + render", s(f"{main}:status:inprocess")),
            _row("baseline: `python -c 'import sqlite3'`", s("startup:python")),
            _row("baseline: `python -m dutyboard --version`", s("startup:dutyboard")),
        ],
    )

    # -- memory
    lines += ["## Peak memory", ""]
    lines += [
        "`VmHWM` (peak resident set) of the app's own process, read from /proc at the end "
        "of its first session: after the key presses, the filters and (dashboard) the "
        "propagation writes.",
        "",
    ]
    mem_rows = []
    for n in p.scaling:
        dash_kib = r.samples.get(f"{n}:dashboard:rss")
        base_kib = r.samples.get(f"{n}:baseline:rss")
        mem_rows.append(
            [
                f"{n:,}",
                fmt_mib(max(dash_kib)) if dash_kib else "not measured",
                fmt_mib(max(base_kib)) if base_kib else "not measured",
            ]
        )
    lines += table(["requests", "dashboard", "DataTable baseline"], mem_rows)

    # -- scaling
    lines += ["## Scaling", ""]
    lines += [
        "The same figures at each size (medians; p95 in brackets). Leads and contacts grow "
        "in proportion (1/5 and 1/10 of the requests). Smaller sizes use fewer samples: "
        f"{p.scale_paint} launch(es), {p.scale_keys} PageDowns, {p.scale_filters} filters.",
        "",
    ]
    scale_rows = []
    for n in p.scaling:
        t = f"{n}"
        scale_rows.append(
            [
                f"{n:,}",
                _brief(s(f"{t}:dashboard:paint")),
                _brief(s(f"{t}:baseline:paint")),
                _brief(s(f"{t}:dashboard:key:PageDown")),
                _brief(s(f"{t}:baseline:key:PageDown")),
                _brief(s(f"{t}:dashboard:filter")),
                _brief(s(f"{t}:baseline:filter")),
                _brief(s(f"{t}:status")),
            ]
        )
    lines += table(
        [
            "requests",
            "paint",
            "paint (DataTable)",
            "PageDown",
            "PageDown (DataTable)",
            "filter",
            "filter (DataTable)",
            "status",
        ],
        scale_rows,
    )
    first, last = p.scaling[0], p.scaling[-1]
    slope = []
    for label, key in (
        ("dashboard first paint", "dashboard:paint"),
        ("DataTable first paint", "baseline:paint"),
        ("dashboard PageDown", "dashboard:key:PageDown"),
        ("`dutyboard status`", "status"),
    ):
        a, b = s(f"{first}:{key}"), s(f"{last}:{key}")
        if a and b and a.median > 0:
            slope.append(f"{label} ×{b.median / a.median:.1f}")
    if slope:
        lines += [
            f"From {first:,} to {last:,} requests (×{last // first:,} rows): "
            + ", ".join(slope)
            + ".",
            "",
        ]

    # -- ingest
    lines += ["## Ingest", ""]
    if "ingest" in r.skipped:
        lines += [f"**Not measured**: {r.skipped['ingest']}", ""]
    else:
        rows_n = int(r.values.get("ingest:rows", p.ingest_rows))
        lines += [
            f"`bench/ingest.py --rows {rows_n}` called in-process {p.ingest_reps}× (each "
            "call builds a CSV with Chinese headers and ingests it into fresh databases with "
            "the same schema, the baseline first). Rows/s as it prints them: the median run "
            "and the slowest; × baseline is the ratio of the medians. The target row above "
            "takes the ratio run by run. The last row re-inserts what dutyboard stored (its "
            "rows and their `create` events) into a fresh database, nothing parsed: the "
            "database's share of the importer's time.",
            "",
        ]
        ingest_rows = []
        for label, name in (
            ("baseline: csv.reader + one executemany", "ingest:baseline"),
            ("dutyboard ingest (parse + store)", "ingest:dutyboard"),
            ("… parse only", "ingest:parse"),
            ("… store only", "ingest:store"),
            ("same file again (all unchanged)", "ingest:again"),
            ("… SQLite alone: the stored rows and their events, executemany", "ingest:sqlite"),
        ):
            st = low_tail(r.samples.get(name, []))
            if st is None:
                continue
            ingest_rows.append(
                [
                    label,
                    f"{st.median:,.0f}",
                    f"{min(r.samples[name]):,.0f}",
                    str(st.n),
                    f"{st.median / ingest_b.median:.2f}×" if ingest_b else "",
                ]
            )
        lines += table(
            ["path", "rows/s (median)", "rows/s (slowest run)", "n", "× baseline"],
            ingest_rows,
        )

    lines += postgres_section(r, main)

    # -- notes
    lines += ["## Notes", ""]
    notes = [
        "Every tmux latency is an upper bound: it includes the `send-keys` and one "
        "`capture-pane` round trip through a tmux control-mode client (~1–2 ms). The screen "
        "is polled every 2 ms at first, then every 2% of the time waited (at most 250 ms), "
        "so that long waits (a 50 s DataTable load) do not steal CPU from the app timed.",
        "p95 is nearest-rank: with fewer than 20 samples it is the largest sample.",
        "Memory is what the kernel reports for the process; Python does not give memory "
        "back eagerly, so a peak stays a peak.",
    ]
    if r.values.get("bounced"):
        notes.append(
            "Some tables here are shorter than the number of presses: there Up/PageUp "
            "alternate with Down/PageDown (counted under Down/PageDown) so that every press "
            "moves something."
        )
    notes += [
        "Only the requests panel is timed; the leads and contacts panels use the same VirtualTable."
    ]
    notes += [f"Problem: {problem}" for problem in r.problems]
    lines += [f"* {n}" for n in notes] + [""]
    lines += ["## Time spent per section", ""]
    lines += table(
        ["section", "seconds"],
        [[name, f"{seconds:.0f}"] for name, seconds in r.timings.items()],
    )
    return "\n".join(lines)


# Figure, SQLite's sample name, PostgreSQL's, PostgreSQL's target (limit, shown) or None.
PG_FIGURES: tuple[tuple[str, str, str, tuple[float, str] | None], ...] = (
    ("first paint of the dashboard", "{main}:dashboard:paint", "pg:{main}:dashboard:paint",
     (1.0, "≤ 1 s")),
    ("Down key to repaint", "{main}:dashboard:key:Down", "pg:{main}:dashboard:key:Down",
     (0.050, "p95 ≤ 50 ms")),
    ("PageDown key to repaint", "{main}:dashboard:key:PageDown",
     "pg:{main}:dashboard:key:PageDown", (0.050, "p95 ≤ 50 ms")),
    ("End/Home to repaint", "{main}:dashboard:key:End/Home",
     "pg:{main}:dashboard:key:End/Home", None),
    ("filter keystroke to results", "{main}:dashboard:filter", "pg:{main}:dashboard:filter",
     (0.100, "p95 ≤ 100 ms")),
    ("write on one machine to visible on another's dashboard", "propagation:dashboard",
     "pg:propagation:dashboard", (0.150, "p95 ≤ 150 ms")),
    ("… its floor: a bare reader (SQLite: data_version at 10 ms; PostgreSQL: LISTEN)",
     "propagation:raw-10ms", "pg:propagation:raw-listen", None),
    ("`dutyboard status` wall time", "{main}:status", "pg:{main}:status",
     (0.300, "< 300 ms")),
    ("… its queries and rendering in-process", "{main}:status:inprocess",
     "pg:{main}:status:inprocess", None),
)  # fmt: skip


def postgres_targets(r: Results, main: str) -> list[Target]:
    """The PostgreSQL rows of the targets table (issue 21; ROUND2's propagation bar)."""
    out = []
    for what, _sqlite, pg, target in PG_FIGURES:
        stat = r.stat(pg.format(main=main))
        if target is None or stat is None:
            continue
        limit, shown = target
        out.append(
            Target(f"PostgreSQL: {what} (issue 21)", shown, verdict(stat, limit), fmt_stat(stat))
        )
    return out


def postgres_section(r: Results, main: str) -> list[str]:
    lines = ["## PostgreSQL beside SQLite", ""]
    skipped = [f"* {k}: **not measured**: {v}" for k, v in r.skipped.items() if "PostgreSQL" in k]
    if not any(name.startswith("pg:") for name in r.samples):
        return [*lines, *(skipped or ["**Not measured** (`--no-postgres`)."]), ""]
    copy = r.values.get("pg:copy")
    lines += [
        f"The same dashboard on a PostgreSQL {r.values.get('pg:version', '')} desk holding "
        "the same rows: the SQLite desk above copied in by `dutyboard db copy` "
        + (f"({fmt_seconds(copy)}, verified) " if copy else "")
        + "onto a server this run started (`initdb` into a temporary folder, default "
        "settings, a Unix socket on this machine). Measured as above, in tmux, by the same "
        "code; the writer of the propagation figure is another process on its own session, "
        "as another officer's machine would be. The dashboard's poll stays "
        f"{POLL_S * 1000:.0f} ms, but on PostgreSQL it also wakes when the write's "
        "notification reaches its session (`Store.wait_for_change`).",
        "",
    ]
    rows = []
    for what, sqlite_name, pg_name, target in PG_FIGURES:
        ours, pg = r.stat(sqlite_name.format(main=main)), r.stat(pg_name.format(main=main))
        if ours is None and pg is None:
            continue
        limit_text, judged = "", ""
        if target is not None:
            limit_text, judged = target[1], verdict(pg, target[0])
        rows.append([what, fmt_stat(ours), fmt_stat(pg), limit_text, judged])
    ingest = [
        ("ingest rows/s (parse + store)", "ingest:dutyboard"),
        ("… its baseline: csv.reader + one executemany, same engine", "ingest:baseline"),
        ("… the engine alone: the stored rows and events, executemany", "ingest:sqlite"),
    ]
    for what, name in ingest:
        ours, pg = low_tail(r.samples.get(name, [])), low_tail(r.samples.get(f"pg:{name}", []))
        if ours is None and pg is None:
            continue
        rows.append(
            [what, fmt_stat(ours, lambda x: f"{x:,.0f}"), fmt_stat(pg, lambda x: f"{x:,.0f}"),
             "", ""]
        )  # fmt: skip
    rss = [x / 1024 for x in r.samples.get(f"pg:{main}:dashboard:rss", [])]
    if rss:
        ours_rss = Stat.of([x / 1024 for x in r.samples.get(f"{main}:dashboard:rss", [])])
        mib = lambda x: f"{x:.0f} MiB"  # noqa: E731
        rows.append(["peak RSS of the dashboard", fmt_stat(ours_rss, mib),
                     fmt_stat(Stat.of(rss), mib), "", ""])  # fmt: skip
    lines += table(
        ["figure", "SQLite median / p95", "PostgreSQL median / p95", "target", "verdict"], rows
    )
    if skipped:
        lines += [*skipped, ""]
    return lines


def _row(label: str, stat: Stat | None) -> list[str]:
    if stat is None:
        return [label, "not measured", "", ""]
    return [label, fmt_seconds(stat.median), fmt_seconds(stat.p95), str(stat.n)]


def _brief(stat: Stat | None) -> str:
    if stat is None:
        return "—"
    return f"{fmt_seconds(stat.median)} ({fmt_seconds(stat.p95)})"


def _headless_baseline(s: Callable[[str], Stat | None], name: str) -> str:
    if name.startswith("count:"):
        return "= its load (one query gives rows and count)"
    if name.startswith("anchors:"):
        return "— (its contacts are not in the baseline)"
    if name == "load:all open" and not s(f"headless:baseline:{name}"):
        return "= mount (not repeated)"
    return fmt_stat(s(f"headless:baseline:{name}"))


def _headless_order(name: str) -> tuple[int, str]:
    order = ("mount", "load", "count", "anchors", "render_line", "pilot")
    return next((i for i, prefix in enumerate(order) if name.startswith(prefix)), 9), name


# -- main -------------------------------------------------------------------------------


def measure_postgres(
    results: Results, launcher: Launcher, main_db: Path, env: dict[str, str]
) -> None:
    """The dashboard, `status` and ingest on a PostgreSQL desk holding the same rows as the
    main SQLite desk (copied in by `dutyboard db copy`), on a server started for the run
    (tests/pgserver.py: `initdb` into a temporary folder, a Unix socket, removed after)."""
    p = results.profile
    server: Any = None
    url = ""
    with results.section("PostgreSQL: a server, the desk copied in"):
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        from tests.pgserver import PgServerUnavailable, start_server

        try:
            server = start_server()
        except PgServerUnavailable as exc:
            raise NotMeasured(f"no PostgreSQL server could be started: {exc}") from None
        results.values["pg:version"] = str(server.binaries.version)
        url = server.url(server.fresh_database("bench_desk"))
        started = time.monotonic()
        done = subprocess.run(
            [PYTHON, "-m", "dutyboard", "db", "copy", str(main_db), url],
            capture_output=True, text=True, timeout=3600, cwd=ROOT, env=env,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"dutyboard db copy exited {done.returncode}: {done.stderr[-800:]}")
        results.values["pg:copy"] = time.monotonic() - started
    if server is None:
        return
    try:
        if url:
            measure_screens(results, launcher, url, p.requests, main=True, engine="postgres")
            with results.section("status (PostgreSQL)"):
                measure_status(results, url, p.requests, p.status, env, engine="postgres")
        with results.section("ingest (PostgreSQL)"):
            measure_ingest(results, p.ingest_rows, p.ingest_reps, engine="postgres")
    finally:
        server.stop()


def measure_all(
    results: Results, args: argparse.Namespace, tmux: Tmux, env: dict[str, str], work_dir: Path
) -> None:
    profile = results.profile
    launcher = Launcher(
        tmux, {k: env[k] for k in ("TEXTUAL_ANIMATIONS", "DUTYBOARD_CONFIG", "DUTYBOARD_USER")}
    )
    dbs: dict[int, Path] = {}
    with results.section("databases"):
        for n in profile.scaling:
            dbs[n] = working_copy(cached_db(n, args.db_dir, results), work_dir)
    main_db = dbs.get(profile.requests)
    if main_db is None:
        results.problems.append("no database: nothing else could be measured")
        return
    warm_up(env)
    measure_screens(results, launcher, main_db, profile.requests, main=True)
    measure_headless(results, main_db, work_dir)
    with results.section("status"):
        measure_status(results, main_db, profile.requests, profile.status, env)
    with results.section("status baselines"):
        measure_status_baselines(results, profile.status, env)
    for n in profile.scaling:
        if n == profile.requests or n not in dbs:
            continue
        measure_screens(results, launcher, dbs[n], n, main=False)
        with results.section(f"status, {n:,} requests"):
            measure_status(results, dbs[n], n, max(3, profile.status // 2), env)
    with results.section("ingest"):
        measure_ingest(results, profile.ingest_rows, profile.ingest_reps)
    if args.postgres:
        # The desk as generated, not as the SQLite measurements left it: their writes
        # (propagation's urgent rows) would push PostgreSQL's off the screen.
        pristine = working_copy(cached_db(profile.requests, args.db_dir, results), work_dir)
        measure_postgres(results, launcher, pristine, env)


def run(args: argparse.Namespace, command: str) -> int:
    results = Results(PROFILES[args.size])
    started = time.monotonic()
    results.values["date"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    results.values["busy:start"] = cpu_busy()
    load_start = os.getloadavg()[0]
    info: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="dutyboard-bench-") as scratch:
        work_dir = Path(scratch)
        env = app_env(work_dir)
        with Tmux(width=WIDTH, height=HEIGHT, env=env) as tmux:
            info = machine(tmux)
            measure_all(results, args, tmux, env, work_dir)
    results.values["busy:end"] = cpu_busy()
    load_end = os.getloadavg()[0]
    results.values["loadavg"] = f"{load_start:.2f} at the start, {load_end:.2f} at the end"
    results.values["shared"] = max(results.values["busy:start"], results.values["busy:end"]) > 0.1
    elapsed = time.monotonic() - started
    text = report(results, args.out, command, info, elapsed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    log(f"wrote {args.out} in {elapsed:.0f}s")
    if results.problems:
        log("problems:\n  " + "\n  ".join(results.problems))
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(PROFILES), default="default")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--db-dir", type=Path, default=BENCH / "out")
    parser.add_argument(
        "--postgres",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also measure a PostgreSQL desk holding the same rows (default: yes)",
    )
    args = parser.parse_args(argv)
    if shutil.which("tmux") is None:
        print("bench: tmux is needed (make system-deps installs it)", file=sys.stderr)
        return 2
    # A SIGTERM (make interrupted, a test's timeout) unwinds like Ctrl-C, so the private
    # tmux server and the apps in it are killed on the way out.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    shown = list(sys.argv[1:] if argv is None else argv)
    command = " ".join(["python bench/run.py", *shown]).strip()
    return run(args, command)


if __name__ == "__main__":
    raise SystemExit(main())
