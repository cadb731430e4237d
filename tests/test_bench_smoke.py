"""The benchmark harness, run end to end at its tiny size, so it cannot rot.

``bench/run.py --size tiny`` generates two small databases, drives the dashboard and the
DataTable baseline in a private tmux server, runs the Pilot figures, times ``dutyboard
status`` and ingest, and writes the Markdown report. This checks the report's shape and
that every figure is a number with a baseline beside it, never what the numbers are.
Needs tmux (``make test`` installs it through ``system-deps``); never skipped.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from tests.conftest import REPO

TIMEOUT = 120  # a hard bound; the tiny run takes about half a minute on two cores
NUMBER = r"\d[\d,]*(?:\.\d+)?\s?(?:µs|ms|s|MiB|×)"
SECTIONS = (
    "## Run",
    "## Machine and versions",
    "## Targets",
    "## First paint",
    "## Keypress to repaint (tmux, end to end)",
    "## Filter keystroke to results (tmux, end to end)",
    "## Headless, driven through the Pilot",
    "## Write in one process, visible in another",
    "## `dutyboard status`",
    "## Peak memory",
    "## Scaling",
    "## Ingest",
    "## PostgreSQL beside SQLite",
    "## Notes",
)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> str:
    if shutil.which("tmux") is None:
        pytest.fail("the benchmark smoke test needs tmux: run `make system-deps` (as root)")
    tmp = tmp_path_factory.mktemp("bench")
    out = tmp / "benchmarks.md"
    command = [sys.executable, "bench/run.py", "--size", "tiny", "--out", str(out)]
    process = subprocess.Popen(
        [*command, "--db-dir", str(tmp / "dbs")],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _, stderr = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        process.terminate()  # SIGTERM: the harness kills its tmux server on the way out
        try:
            _, stderr = process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            _, stderr = process.communicate()
        pytest.fail(f"bench/run.py --size tiny took over {TIMEOUT}s:\n{stderr[-4000:]}")
    assert process.returncode == 0, stderr[-4000:]
    assert out.exists(), stderr[-4000:]
    return out.read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    start = text.index(heading + "\n")
    following = text.find("\n## ", start + len(heading))
    return text[start : following if following != -1 else len(text)]


def table_rows(block: str) -> list[list[str]]:
    """The body rows of the first Markdown table in ``block``, as stripped cells."""
    lines = [line for line in block.splitlines() if line.startswith("|")]
    return [[c.strip() for c in line.strip("|").split("|")] for line in lines[2:]]


def test_every_section_is_there_in_order(report: str) -> None:
    positions = [report.index(heading + "\n") for heading in SECTIONS]
    assert positions == sorted(positions)
    assert "<!-- intro:start -->" in report and "<!-- intro:end -->" in report
    assert "Problem:" not in report


def test_run_and_machine_are_described(report: str) -> None:
    run = dict(table_rows(section(report, "## Run")))
    assert "--size tiny" in run["command"]
    assert re.search(r"\d[\d,]* requests", run["size"])
    machine = dict(table_rows(section(report, "## Machine and versions")))
    for key in ("CPU", "cores (nproc)", "RAM", "Python", "Textual", "SQLite", "terminal"):
        assert machine.get(key), key
    assert re.fullmatch(r"\d+\.\d+\.\d+", machine["Textual"])


def test_every_target_has_a_figure_and_a_verdict(report: str) -> None:
    rows = table_rows(section(report, "## Targets"))
    assert len(rows) >= 7
    for what, _limit, measured, verdict in rows:
        assert verdict in ("**met**", "**not met**", "**not met** (median met, p95 not)") or (
            verdict == "not measured"
        ), (what, verdict)
        if verdict != "not measured":
            assert re.match(rf"{NUMBER} / {NUMBER} \(n=\d+\)", measured), (what, measured)
    measured_targets = " ".join(row[0] for row in rows if row[3] != "not measured")
    for must in ("first paint", "Down", "PageDown", "filter", "visible in another", "RSS"):
        assert must in measured_targets


def test_screen_figures_stand_next_to_their_datatable_baseline(report: str) -> None:
    paint = table_rows(section(report, "## First paint"))
    assert [row[0] for row in paint] == ["dashboard (keyset-paged VirtualTable)",
                                         "DataTable baseline"]  # fmt: skip
    for row in paint:
        assert re.fullmatch(NUMBER, row[1]) and re.fullmatch(NUMBER, row[2]), row
    for heading, first in (
        ("## Keypress to repaint (tmux, end to end)", ("Down", "PageDown", "End/Home")),
        ("## Filter keystroke to results (tmux, end to end)", ("all words", "Jilin", "口罩")),
    ):
        rows = table_rows(section(report, heading))
        assert tuple(row[0] for row in rows) == first
        for row in rows:
            assert re.match(NUMBER, row[1]) and re.match(NUMBER, row[2]), row
            assert re.fullmatch(NUMBER, row[3]), row  # baseline ÷ dashboard


def test_headless_pilot_figures(report: str) -> None:
    rows = {
        row[0]: row for row in table_rows(section(report, "## Headless, driven through the Pilot"))
    }
    for name in ("mount", "load:Jilin", "load:口罩", "render_line:cold", "pilot:pagedown"):
        assert re.match(NUMBER, rows[name][1]) and re.match(NUMBER, rows[name][2]), name
    assert re.match(NUMBER, rows["load:all open"][1])  # the baseline's is its mount
    assert re.match(NUMBER, rows["anchors:contacts"][1])  # the baseline has no contacts


def test_propagation_memory_status_scaling_ingest(report: str) -> None:
    propagation = table_rows(section(report, "## Write in one process, visible in another"))
    assert len(propagation) == 3
    for row in propagation:
        assert re.fullmatch(NUMBER, row[1]), row
    memory = table_rows(section(report, "## Peak memory"))
    assert len(memory) == 2
    for row in memory:
        assert re.fullmatch(NUMBER, row[1]) and re.fullmatch(NUMBER, row[2]), row
    status = section(report, "## `dutyboard status`")
    assert "not measured" in status or all(
        re.fullmatch(NUMBER, row[1]) for row in table_rows(status)
    )
    scaling = table_rows(section(report, "## Scaling"))
    assert len(scaling) == 2
    for row in scaling:
        assert all(re.match(NUMBER, cell) for cell in row[1:7]), row
    assert re.search(r"From [\d,]+ to [\d,]+ requests", section(report, "## Scaling"))
    ingest = section(report, "## Ingest")
    for label in ("baseline: ", "dutyboard ingest (parse + store)", "… SQLite alone"):
        assert re.search(rf"\| {re.escape(label)}.* \| \d[\d,]* \|", ingest), label


def test_postgresql_figures_stand_beside_sqlites(report: str) -> None:
    """The same run measures a PostgreSQL copy of the desk (issue 21): each figure has a
    number on both engines, and the PostgreSQL targets are judged in the targets table."""
    block = section(report, "## PostgreSQL beside SQLite")
    assert re.search(r"PostgreSQL 1\d", block) and "db copy" in block
    rows = {row[0]: row for row in table_rows(block)}
    for what in (
        "first paint of the dashboard",
        "Down key to repaint",
        "filter keystroke to results",
        "write on one machine to visible on another's dashboard",
        "`dutyboard status` wall time",
    ):
        assert re.match(rf"{NUMBER} / {NUMBER}", rows[what][1]), rows[what]
        assert re.match(rf"{NUMBER} / {NUMBER}", rows[what][2]), rows[what]
        assert rows[what][4] in ("**met**", "**not met**", "**not met** (median met, p95 not)")
    assert re.match(r"\d[\d,]* / \d[\d,]*", rows["ingest rows/s (parse + store)"][2])
    targets = [row[0] for row in table_rows(section(report, "## Targets"))]
    assert sum(what.startswith("PostgreSQL: ") for what in targets) >= 5


def test_the_harness_times_the_apps_own_poll_and_the_baselines_debounce() -> None:
    """bench/run.py describes and baselines the dashboard's poll interval and the
    DataTable baseline's filter debounce; it keeps its own copies, so they must not drift."""
    from dutyboard.app import POLL_S

    harness = (REPO / "bench" / "run.py").read_text(encoding="utf-8")
    baseline = (REPO / "bench" / "baseline_datatable.py").read_text(encoding="utf-8")
    debounce = re.search(r"\nBASELINE_DEBOUNCE_MS = (\d+)  ", harness)
    assert f"\nPOLL_S = {POLL_S}  " in harness and debounce is not None
    assert f"self.set_timer({int(debounce.group(1)) / 1000}," in baseline
