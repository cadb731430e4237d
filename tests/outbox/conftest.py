"""Real receivers on 127.0.0.1 for the outbox tests: a webhook server that records every
POST (with the time it came) and answers per path as told (a status, a delay, or never),
a port that accepts and never answers, and an SMTP server (aiosmtpd)."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from dutyboard.notify import EVENTS, Target
from dutyboard.store.dburl import PostgresLocation

MAX_HANG = 10.0  # a "never" answer gives up after this long (the test has moved on)


@dataclass
class Answer:
    status: int = 200
    delay: float = 0.0  # seconds before answering
    never: bool = False  # read the request, then never answer


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    at: float  # time.monotonic() when it arrived

    @property
    def key(self) -> str:
        return self.headers.get("Idempotency-Key", "")


class Receiver:
    """A webhook receiver: records each POST; ``answers[path]`` is a list of answers used
    in turn (the last one for good), 200 by default."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seen: list[Seen] = []
        self.answers: dict[str, list[Answer]] = {}
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = {"raw": raw.decode("utf-8", "replace")}
                path = self.path.split("?")[0]  # answered and recorded by path alone
                seen = Seen(path, dict(self.headers.items()), body, time.monotonic())
                with receiver.lock:
                    receiver.seen.append(seen)
                    queue = receiver.answers.get(path) or [Answer()]
                    answer = queue.pop(0) if len(queue) > 1 else queue[0]
                if answer.never:
                    receiver.release.wait(MAX_HANG)
                    return
                if answer.delay:
                    receiver.release.wait(answer.delay)
                payload = b'{"ok":true}'
                with contextlib.suppress(OSError):
                    self.send_response(answer.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def requests(self, path: str | None = None) -> list[Seen]:
        with self.lock:
            return [s for s in self.seen if path is None or s.path == path]

    def answer(self, path: str, *answers: Answer) -> None:
        with self.lock:
            self.answers[path] = list(answers)

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def silent_url() -> Iterator[str]:
    """A URL whose server accepts the connection and never says a word."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/never"
    sock.close()


def hook(name: str, url: str, *events: str, **options: Any) -> Target:
    """A generic JSON webhook target."""
    return Target(
        name=name,
        kind="webhook",
        events=frozenset(events or EVENTS),
        url=url,
        **{"timeout_s": 2.0, **options},
    )


@pytest.fixture
def desk_arg(
    engine: str, desk_location: Path | PostgresLocation, request: pytest.FixtureRequest
) -> str:
    """The test's desk as a command line names it (``--db``): the file, or the URL."""
    if engine == "postgres":
        return str(request.getfixturevalue("pg_desk"))
    return str(desk_location)


def wait_for(predicate: Any, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return bool(predicate())


# ----------------------------------------------------------------------- SMTP


@dataclass
class Mail:
    rcpt: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.data, policy=email_policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Inbox:
    mails: list[Mail] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.mails.append(Mail(list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[int, Inbox]]:
    from aiosmtpd.controller import Controller

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, inbox
    controller.stop()
