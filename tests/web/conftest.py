"""The web view's fixtures: a real demo desk, and the real server on 127.0.0.1.

The server is the aiohttp application of ``dutyboard serve`` (:mod:`dutyboard.web.server`)
listening on a free port, run by its own event loop in a thread of the test process, so
that plain clients (httpx, aiohttp, Selenium) talk to it over real sockets. Each viewer
it accepts starts a real ``python -m dutyboard --role leader`` process.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from dutyboard.config import load_config
from dutyboard.demo import build_demo
from dutyboard.store.dburl import SqliteLocation
from dutyboard.web.auth import SecretHash, hash_secret
from dutyboard.web.server import ServeSettings, start

SECRET = "night-shift-secret-2020"
# The desk's name is text from outside too: the pages must escape it.
DESK_NAME = 'Changchun <img src=x onerror="alert(1)"> desk'


@pytest.fixture(scope="session")
def secret_hash() -> SecretHash:
    return hash_secret(SECRET)


@pytest.fixture(scope="module")
def demo_desk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo desk (``dutyboard demo``'s data), one per test module."""
    path = tmp_path_factory.mktemp("web") / "desk.db"
    build_demo(path)
    return path


@pytest.fixture(scope="module")
def desk_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The desk's config, handed to every leader session (--config): the user's own
    config never leaks into a test."""
    path = tmp_path_factory.mktemp("web-config") / "config.toml"
    path.write_text(
        f'[desk]\nname = "{DESK_NAME.replace(chr(34), chr(92) + chr(34))}"\n'
        'timezone = "Asia/Shanghai"\nlang = "en"\n',
        encoding="utf-8",
    )
    return path


class ServerThread:
    """The server on 127.0.0.1 (a free port), on an event loop of its own."""

    def __init__(self, settings: ServeSettings) -> None:
        self.settings = settings
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.runner: web.AppRunner | None = None
        self.url = ""

    def __enter__(self) -> ServerThread:
        self.thread.start()
        future = asyncio.run_coroutine_threadsafe(start(self.settings, "127.0.0.1", 0), self.loop)
        self.runner, urls = future.result(timeout=10)
        self.url = urls[0].rstrip("/")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.runner is not None:
            # Closes every viewer's websocket; each leader session is told to quit.
            asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(20)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)
        self.loop.close()

    @property
    def host(self) -> str:
        return self.url.split("//", 1)[1]


ServerFactory = Callable[..., ServerThread]


@pytest.fixture
def serve_desk(
    demo_desk: Path, desk_config: Path, secret_hash: SecretHash
) -> Iterator[ServerFactory]:
    """Start a server for the demo desk (settings overridable); stopped after the test."""
    running: list[ServerThread] = []

    def make(**overrides: Any) -> ServerThread:
        values: dict[str, Any] = {
            "desk": SqliteLocation(demo_desk),
            "config": load_config(desk_config),
            "secret": secret_hash,
            "lang": "en",
        }
        values.update(overrides)
        server = ServerThread(ServeSettings(**values)).__enter__()
        running.append(server)
        return server

    yield make
    for server in reversed(running):
        server.__exit__(None, None, None)


@pytest.fixture
def server(serve_desk: ServerFactory) -> ServerThread:
    return serve_desk()
