"""The outbox's state where people look (issue 23), on both engines: ``status`` (text and
JSON) and ``check`` show per target what is pending (since when), failed or given up and
the last error, masked; ``dutyboard notify list|test|send`` against a real server."""

from __future__ import annotations

import argparse
import json
from datetime import timedelta
from pathlib import Path

import pytest

from dutyboard import cli
from dutyboard.commands import Context, UsageError
from dutyboard.commands import notify as notify_command
from dutyboard.config import load_config
from dutyboard.domain.clock import utcnow
from dutyboard.notify.sender import Sender
from dutyboard.notify.watch import Raised, raise_new
from dutyboard.reports.status.as_json import render_json
from dutyboard.reports.status.build import build_status
from dutyboard.reports.status.text import render_text
from dutyboard.store import Store
from dutyboard.store.dburl import PostgresLocation
from tests.conftest import FakeClock
from tests.outbox.conftest import Answer, Receiver, hook

TOKEN = "s3cr3t-T0KEN"


def config_file(tmp_path: Path, receiver: Receiver) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        '[desk]\nname = "Changchun FAO"\ntimezone = "Asia/Shanghai"\n\n'
        f'[[notify]]\nname = "duty-chat"\nkind = "webhook"\n'
        f'url = "{receiver.url("/chat")}?token={TOKEN}"\nevents = ["handover_signed"]\n'
        "timeout_s = 2\n\n"
        f'[[notify]]\nname = "office"\nkind = "webhook"\nurl = "{receiver.url("/office")}"\n'
        'events = ["handover_signed", "nobody_on_duty"]\ntimeout_s = 2\n',
        encoding="utf-8",
    )
    return path


def a_desk_with_trouble(store: Store, clock: FakeClock, receiver: Receiver) -> None:
    """duty-chat answers 500 (pending again in 30 s), office refuses with 400 (failed)."""
    clock.now = utcnow() - timedelta(minutes=20)
    receiver.answer("/chat", Answer(500))
    receiver.answer("/office", Answer(400))
    raise_new(store, [Raised("handover_signed", "handover_signed:1", "Signed", "Brief")])
    chat = hook("duty-chat", receiver.url(f"/chat?token={TOKEN}"), "handover_signed")
    office = hook("office", receiver.url("/office"), "handover_signed")
    Sender(store, [chat, office]).run_once()
    clock.now = utcnow()


def test_status_shows_what_is_not_delivered(
    store: Store, clock: FakeClock, receiver: Receiver
) -> None:
    quiet = render_text(build_status(store, timezone="Asia/Shanghai"))
    assert "Notifications" not in quiet
    a_desk_with_trouble(store, clock, receiver)
    status = build_status(store, timezone="Asia/Shanghai")
    assert status.notifications is not None
    chat, office = status.notifications.targets
    assert (chat.name, chat.pending, chat.failed) == ("duty-chat", 1, 0)
    assert (office.name, office.pending, office.failed) == ("office", 0, 1)
    assert "HTTP 500" in str(chat.last_error) and TOKEN not in str(chat.last_error)
    assert max(len(line) for line in render_text(status, width=80).splitlines()) <= 80
    text = render_text(status, width=160)
    assert TOKEN not in text
    lines = [line for line in text.splitlines() if "Notifications" in line or "HTTP" in line]
    assert lines[0].startswith("Notifications: duty-chat 1 pending since ")
    assert "office 1 failed" in lines[0]
    assert any(line.startswith("  duty-chat ") and "HTTP 500" in line for line in lines)
    assert any(line.startswith("  office ") and "HTTP 400" in line for line in lines)
    assert "通知：duty-chat 待发送 1" in render_text(status, lang="zh_CN")
    data = json.loads(render_json(status))["notifications"]
    assert [t["name"] for t in data["targets"]] == ["duty-chat", "office"]
    assert set(data["targets"][0]) == {
        "name",
        "pending",
        "failed",
        "gave_up",
        "oldest_pending_at",
        "last_error",
        "last_error_at",
    }
    assert data["waiting"] == 0 and data["sender"] is None
    assert TOKEN not in json.dumps(data)
    # A notification no sender picked up yet, on a desk that sends: "waiting".
    raise_new(store, [Raised("nobody_on_duty", "nobody_on_duty:1", "Nobody", "…")])
    assert build_status(store).notifications.waiting == 1  # type: ignore[union-attr]
    assert "1 waiting for a sender since" in render_text(build_status(store))


def test_a_desk_that_never_sends_shows_no_waiting(store: Store) -> None:
    raise_new(store, [Raised("handover_signed", "handover_signed:1", "Signed", "Brief")])
    status = build_status(store)
    assert status.notifications is not None and status.notifications.waiting == 0
    assert "Notifications" not in render_text(status)


def _desk(store: Store, desk_arg: str) -> list[str]:
    return ["--db", desk_arg]


def test_check_shows_targets_deliveries_and_warnings(
    store: Store,
    clock: FakeClock,
    receiver: Receiver,
    desk_arg: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    a_desk_with_trouble(store, clock, receiver)
    config = config_file(tmp_path, receiver)
    code = cli.main(["--db", desk_arg, "--config", str(config), "check"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "m140_outbox" in out
    assert "notify:    2 target(s); no sender running" in out
    assert "notify:    duty-chat: 1 pending (oldest 20 min) — last error: " in out
    assert "notify:    office: 1 failed — last error: " in out
    assert "warning:   notify target duty-chat: 1 pending, the oldest for 20 min: " in out
    assert "warning:   notify target office: 1 failed, tried again once its config changes" in out
    assert TOKEN not in out


def _run_notify(ctx: Context, *argv: str) -> int:
    parser = argparse.ArgumentParser(prog="dutyboard")
    notify_command.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["notify", *argv])
    return int(args.func(args, ctx))


def _context(desk_arg: str, config: Path) -> Context:
    location = PostgresLocation.parse(desk_arg) if desk_arg.startswith("postgres") else None
    return Context(load_config(config), Path(desk_arg), "tester", location=location)


def test_notify_test_list_and_send_against_a_real_server(
    store: Store,
    receiver: Receiver,
    desk_arg: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    clock: FakeClock,
) -> None:
    ctx = _context(desk_arg, config_file(tmp_path, receiver))
    assert _run_notify(ctx, "test", "office") == 0
    out = capsys.readouterr().out
    assert out.startswith(f"office ({receiver.url('/office')}): ok")
    (seen,) = receiver.requests("/office")
    assert seen.body["event"] == "test" and seen.key.startswith("test-")
    assert "the target office works" in seen.body["body"]
    receiver.answer("/chat", Answer(503))
    assert _run_notify(ctx, "test", "duty-chat") == 2
    out = capsys.readouterr().out
    assert "duty-chat (" in out and "failed:" in out and "HTTP 503" in out
    assert TOKEN not in out and "token=…" in out
    with pytest.raises(UsageError, match="no notify target named 'nope'"):
        _run_notify(ctx, "test", "nope")

    clock.now = utcnow()
    raise_new(store, [Raised("handover_signed", "handover_signed:5", "Signed #5", "Brief")])
    assert _run_notify(ctx, "list") == 0
    out = capsys.readouterr().out
    assert f"duty-chat (webhook): {receiver.url('/chat')}?token=…" in out
    assert "1 notification(s) waiting for a sender" in out
    assert "sender: none running" in out
    assert _run_notify(ctx, "send") == 1  # duty-chat still answers 503
    out = capsys.readouterr().out
    assert "notify: 0 raised, 1 sent, 1 failed, 0 given up" in out
    assert [s.body["title"] for s in receiver.requests("/office")][-1] == "Signed #5"
    assert _run_notify(ctx, "list") == 0
    out = capsys.readouterr().out
    assert "  1 pending (oldest " in out and "HTTP 503" in out and TOKEN not in out
