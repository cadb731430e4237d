"""``dutyboard serve`` itself, as a leader's host runs it: a real process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from dutyboard.web.auth import ENV_SECRET, SecretHash
from tests.web.conftest import SECRET


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in (ENV_SECRET, "DUTYBOARD_DB")}
    env.update(extra)
    return env


def dutyboard(*args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dutyboard", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment(**env),
        timeout=60,
    )


@pytest.fixture
def plain_config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text('[desk]\nname = "Night desk"\n', encoding="utf-8")
    return path


@contextmanager
def serving(*args: str, **env: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`dutyboard serve ARGS` running, and its URL once it answers."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "dutyboard", "serve", "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(**env),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                out, err = process.communicate()
                pytest.fail(f"dutyboard serve stopped ({process.returncode}): {out}{err}")
            try:
                httpx.get(url + "/login", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    pytest.fail("dutyboard serve did not start listening")
                time.sleep(0.1)
        yield process, url
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_serve_refuses_to_start_without_a_secret(demo_desk: Path, plain_config: Path) -> None:
    result = dutyboard("serve", "--db", str(demo_desk), "--config", str(plain_config))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "no leader secret" in lines[0]
    assert "--set-secret" in lines[0] and ENV_SECRET in lines[0]


def test_serve_refuses_a_short_secret(demo_desk: Path, plain_config: Path) -> None:
    result = dutyboard(
        "serve", "--db", str(demo_desk), "--config", str(plain_config), **{ENV_SECRET: "abc"}
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert ENV_SECRET in result.stderr and "too short" in result.stderr


def test_set_secret_prints_the_hash_and_never_the_secret(
    demo_desk: Path, plain_config: Path
) -> None:
    before = plain_config.read_bytes()
    result = dutyboard(
        "serve", "--set-secret", "--db", str(demo_desk), "--config", str(plain_config),
        stdin=SECRET + "\n",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert SECRET not in result.stdout + result.stderr
    web = tomllib.loads(result.stdout)["web"]
    assert SecretHash.parse(web["leader_secret_hash"]).matches(SECRET)
    assert plain_config.read_bytes() == before  # the config is the operator's to edit
    short = dutyboard("serve", "--set-secret", "--db", str(demo_desk), stdin="short\n")
    assert short.returncode == 2 and "too short" in short.stderr
    assert "leader_secret_hash" not in short.stdout


def test_serve_with_the_hash_in_the_config(
    demo_desk: Path, tmp_path: Path, plain_config: Path
) -> None:
    printed = dutyboard("serve", "--set-secret", "--db", str(demo_desk), stdin=SECRET + "\n")
    config = tmp_path / "desk.toml"
    config.write_text('[desk]\nname = "Night desk"\n\n' + printed.stdout, encoding="utf-8")
    with serving("--db", str(demo_desk), "--config", str(config)) as (process, url):
        with httpx.Client(base_url=url, timeout=10) as client:
            assert client.get("/status.json").status_code == 401
            assert client.post("/login", data={"secret": "wrong secret!!"}).status_code == 401
            assert client.post("/login", data={"secret": SECRET}).status_code == 303
            status = client.get("/status.json")
            assert status.status_code == 200
            assert status.json()["desk"]["name"] == "Night desk"
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=15)
    assert process.returncode == 0, err
    assert f"at http://127.0.0.1:{url.rsplit(':', 1)[1]}/" in out
    assert "warning" not in err


def test_an_address_beyond_loopback_gets_a_no_tls_warning(
    demo_desk: Path, plain_config: Path
) -> None:
    with serving(
        "--host", "0.0.0.0", "--db", str(demo_desk), "--config", str(plain_config),
        **{ENV_SECRET: SECRET},
    ) as (process, _url):  # fmt: skip
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=15)
    assert "without TLS" in err and "proxy" in err
    assert len(err.strip().splitlines()) == 1, err


def test_a_port_in_use_is_one_line(demo_desk: Path, plain_config: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = dutyboard(
            "serve", "--port", port, "--db", str(demo_desk), "--config", str(plain_config),
            **{ENV_SECRET: SECRET},
        )  # fmt: skip
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_a_missing_desk_is_refused(tmp_path: Path, plain_config: Path) -> None:
    result = dutyboard(
        "serve", "--db", str(tmp_path / "nowhere.db"), "--config", str(plain_config),
        **{ENV_SECRET: SECRET},
    )  # fmt: skip
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not (tmp_path / "nowhere.db").exists()
