"""``dutyboard ingest`` and ``dutyboard collect`` as a user runs them."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dutyboard import cli
from dutyboard.commands import ingest as ingest_command
from tests.conftest import INTEROP, REPO, UNREADABLE_XLSX

BAD = "单位,物资,数量\n一中,口罩,100\n二中,手套,12x\n"


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("DUTYBOARD_CONFIG", "DUTYBOARD_DB", "DUTYBOARD_USER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))


def dutyboard(tmp_path: Path, *args: str, config: str = "") -> int:
    path = tmp_path / "config.toml"
    path.write_text(config, encoding="utf-8")
    return cli.main(["--db", str(tmp_path / "duty.db"), "--create", "--config", str(path), *args])


def query(tmp_path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(tmp_path / "duty.db")
    try:
        return [tuple(row) for row in conn.execute(sql)]
    finally:
        conn.close()


def test_ingest_prints_a_summary_per_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.csv"
    good.write_text("单位,物资,数量\n一中,口罩,100\n二中,手套,5万\n", encoding="utf-8")
    assert dutyboard(tmp_path, "ingest", "--kind", "requests", str(good)) == 0
    out = capsys.readouterr().out
    assert out == f"{good}: 2 new, 0 updated, 0 unchanged, 0 quarantined\n"
    assert dutyboard(tmp_path, "ingest", "--kind", "requests", str(good)) == 0
    assert "0 new, 0 updated, 2 unchanged, 0 quarantined" in capsys.readouterr().out
    assert query(tmp_path, "SELECT source, org, quantity FROM requests") == [
        ("cli", "一中", 100),
        ("cli", "二中", 50000),
    ]


def test_quarantined_rows_exit_1_and_are_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD, encoding="utf-8")
    good = tmp_path / "good.csv"
    good.write_text("org,item\nA,masks\n", encoding="utf-8")
    assert dutyboard(tmp_path, "ingest", "--kind", "requests", str(good), str(bad)) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        f"{good}: 1 new, 0 updated, 0 unchanged, 0 quarantined",
        f"{bad}: 1 new, 0 updated, 0 unchanged, 1 quarantined",
    ]
    assert "  row 3, column 数量: quantity '12x' is not a number" in captured.err
    ((location, original),) = query(tmp_path, "SELECT location, original FROM quarantine")
    assert location == str(bad.resolve()) and original == "二中,手套,12x"


def test_unreadable_file_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = UNREADABLE_XLSX
    assert dutyboard(tmp_path, "ingest", "--kind", "leads", str(broken)) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"{broken}: not imported: ")
    assert query(tmp_path, "SELECT result FROM ingest_runs") == [("unreadable",)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "requests", "missing.csv"], "missing.csv: no such file"),
        (["x.csv"], "--kind is required"),
        (["--kind", "requests", "--zone", "Mars/Base", "x.csv"], "--zone 'Mars/Base' is not"),
        (["--kind", "leads", "--source", "units", "x.csv"], "--kind leads does not match"),
    ],
)
def test_usage_errors_exit_2_and_import_nothing(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.csv").write_text("org,item\nA,masks\n")
    config = '[[sources]]\nname = "units"\nkind = "requests"\ntype = "folder"\npath = "in"\n'
    assert dutyboard(tmp_path, "ingest", *args, config=config) == 2
    err = capsys.readouterr().err
    assert err.startswith("dutyboard: ") and message in err and err.count("\n") == 1
    assert not (tmp_path / "duty.db").exists()


def test_configured_source_lends_mapping_zone_and_kind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = (
        '[[sources]]\nname = "kobo-hq"\nkind = "requests"\ntype = "http"\n'
        'url = "https://kf.kobotoolbox.org/api/v2/assets/x/data/"\n'
        'zone = "Asia/Shanghai"\n'
        'mapping = { "username" = "org", "I_like_this_tree_because" = "item" }\n'
    )
    path = INTEROP / "kobo" / "api-v2-data.json"
    assert dutyboard(tmp_path, "ingest", "--source", "kobo-hq", str(path), config=config) == 0
    assert "3 new" in capsys.readouterr().out
    rows = query(tmp_path, "SELECT source, org, received_at FROM requests ORDER BY id")
    assert rows[0] == ("kobo-hq", "cmi_admin_kobo_test", "2021-11-16T23:46:27+00:00")


def test_format_can_be_forced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "export.txt"
    path.write_text("org\titem\nA\tmasks\n")
    assert dutyboard(tmp_path, "ingest", "--kind", "requests", "--format", "tsv", str(path)) == 0
    assert query(tmp_path, "SELECT format FROM ingest_runs") == [("tsv",)]


def test_progress_on_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.csv"
    path.write_text("org,item\n" + "".join(f"U{n},masks\n" for n in range(1200)))
    monkeypatch.setattr(ingest_command, "PROGRESS_MIN_BYTES", 0)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert dutyboard(tmp_path, "ingest", "--kind", "requests", str(path)) == 0
    err = capsys.readouterr().err
    assert "reading" in err and "1,200/1,200 rows written" in err


def test_collect_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.csv").write_text("org,item\nA,masks\n")
    config = (
        '[[sources]]\nname = "units"\nkind = "requests"\ntype = "folder"\n'
        'path = "inbox"\nsettle_seconds = 0\n'
    )
    assert dutyboard(tmp_path, "collect", "--once", config=config) == 0
    err = capsys.readouterr().err
    assert "units: " in err and "a.csv: 1 new" in err and "lease released" in err
    assert (inbox / "processed" / "a.csv").exists()
    (inbox / "b.csv").write_text(BAD)
    assert dutyboard(tmp_path, "collect", "--once", config=config) == 1  # quarantined


def test_collect_config_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert dutyboard(tmp_path, "collect", "--once") == 2
    assert "no sources or notification targets are configured" in capsys.readouterr().err
    config = '[[sources]]\nname = "a"\nkind = "requests"\ntype = "folder"\npath = "x"\ncolour = 1\n'
    assert dutyboard(tmp_path, "collect", "--once", config=config) == 2
    assert "sources[0].colour: unknown key" in capsys.readouterr().err


def holders(tmp_path: Path) -> list[tuple[object, ...]]:
    if not (tmp_path / "duty.db").exists():
        return []
    try:
        return query(tmp_path, "SELECT holder FROM leases")
    except sqlite3.OperationalError:  # still being created
        return []


def test_second_collector_refused_and_sigterm_stops_cleanly(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    config = tmp_path / "config.toml"
    config.write_text(
        '[[sources]]\nname = "units"\nkind = "requests"\ntype = "folder"\npath = "inbox"\n'
        "settle_seconds = 0.1\ninterval_seconds = 1\n",
        encoding="utf-8",
    )
    base = [sys.executable, "-m", "dutyboard", "--db", str(tmp_path / "duty.db"), "--create"]
    base += ["--config", str(config), "collect"]
    env = {key: value for key, value in os.environ.items() if not key.startswith("DUTYBOARD")}
    env["PYTHONPATH"] = str(REPO)
    first = subprocess.Popen(base, env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not holders(tmp_path):
            time.sleep(0.05)
        holder = str(query(tmp_path, "SELECT holder FROM leases")[0][0])
        assert holder.endswith(f":{first.pid}")
        (inbox / "a.csv").write_text("org,item\nA,masks\n")
        second = subprocess.run(
            [*base, "--once"], env=env, capture_output=True, text=True, timeout=30
        )
        assert second.returncode == 2
        assert second.stderr.startswith("dutyboard: another collector is running: ")
        assert holder in second.stderr
        deadline = time.monotonic() + 15
        while not (inbox / "processed" / "a.csv").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        first.send_signal(signal.SIGTERM)
        _, err = first.communicate(timeout=20)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait(timeout=10)
    assert first.returncode == 0, err
    assert "a.csv: 1 new" in err and "lease released" in err
    assert query(tmp_path, "SELECT count(*) FROM leases") == [(0,)]


def test_a_file_over_the_configured_size_is_refused_before_it_is_read(tmp_path: Path) -> None:
    """[limits] reaches `dutyboard ingest` too (hardening #4)."""
    config = tmp_path / "c.toml"
    config.write_text("[limits]\nmax_file_bytes = 100\n", encoding="utf-8")
    data = tmp_path / "big.csv"
    data.write_text("org,item,quantity\n" + "Jilin University,masks,1\n" * 20, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "dutyboard", "--config", str(config), "--create",
         "--db", str(tmp_path / "d.db"), "ingest", "--kind", "requests", str(data)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert "over the limit of 100 bytes (limits.max_file_bytes)" in result.stderr
