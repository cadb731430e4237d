"""HTTP feeds against a real server on 127.0.0.1: 200, 304, 5xx, slow answers, pages."""

from __future__ import annotations

import asyncio
import contextlib
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from dutyboard.ingest.collector import Collector
from dutyboard.ingest.jobs import CollectReport
from dutyboard.ingest.sources import SourceConfig
from dutyboard.store import Store
from tests.conftest import INTEROP, FakeClock

KOBO_MAPPING = {
    "username": "org",
    "I_like_this_tree_because": "item",
    "Estimate_height_of_your_tree_in_meters": "quantity",
}
KOBO_UUIDS = {
    "e58da38d-3eee-4bd7-8512-4a97ea8fbb01",
    "5c408d9d-6a76-4fbb-bf4e-9ed8f8e3e382",
    "6a0e819b-9d89-4b59-bd1e-38355dd2e05f",
}
KOBO_PATH = "/api/v2/assets/aLnrnT6Pvzgeh4DVfj6eDz/data/"
KOBO_HOST = "https://kf.kobotoolbox.org"
JSON = {"Content-Type": "application/json"}
MAX_SLEEP = 3.0  # the server never sleeps longer than this in total


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # before the status line
    drip: float = 0.0  # between chunks of the body (10 chunks)


Responder = Callable[[dict[str, str]], Reply]


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, list[Reply] | Responder] = {}
        self.seen: list[tuple[str, dict[str, str]]] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                headers = dict(self.headers.items())
                with server.lock:
                    server.seen.append((self.path, headers))
                    route = server.routes.get(self.path)
                    if route is None:
                        reply = Reply(404, b"no such page")
                    elif callable(route):
                        reply = route(headers)
                    else:
                        reply = route.pop(0) if len(route) > 1 else route[0]
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self._send(reply)  # the client may give up (deadline tests)

            def _send(self, reply: Reply) -> None:
                time.sleep(min(reply.delay, MAX_SLEEP))
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                if not reply.drip:
                    self.wfile.write(reply.body)
                    return
                step = max(1, len(reply.body) // 10)
                slept = 0.0
                for start in range(0, len(reply.body), step):
                    self.wfile.write(reply.body[start : start + step])
                    self.wfile.flush()
                    if slept < MAX_SLEEP:
                        time.sleep(reply.drip)
                        slept += reply.drip

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def paths(self) -> list[str]:
        with self.lock:
            return [path for path, _ in self.seen]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    feed = FeedServer()
    yield feed
    feed.close()


def feed_source(url: str, **options: Any) -> SourceConfig:
    values: dict[str, Any] = {
        "name": "kobo",
        "kind": "requests",
        "type": "http",
        "url": url,
        "mapping": KOBO_MAPPING,
        "retries": 0,
        "backoff_seconds": 0.05,
        "timeout_seconds": 5.0,
        "interval_seconds": 60.0,
    }
    values.update(options)
    return SourceConfig(**values)


async def poll(
    db_path: Path, source: SourceConfig, clock: FakeClock | None = None
) -> tuple[CollectReport, list[str]]:
    lines: list[str] = []
    collector = Collector(
        db_path,
        [source],
        holder="test:1",
        log=lines.append,
        rng=random.Random(0),
        clock=clock or FakeClock(),
    )
    report = await asyncio.wait_for(collector.run(once=True), timeout=20)
    return report, lines


def query(db_path: Path, sql: str) -> list[tuple[Any, ...]]:
    store = Store.open(db_path)
    try:
        return [tuple(row) for row in store.conn.execute(sql)]
    finally:
        store.close()


def health(db_path: Path) -> dict[str, Any]:
    store = Store.open(db_path)
    try:
        return dict(store.conn.execute("SELECT * FROM sources WHERE name = 'kobo'").fetchone())
    finally:
        store.close()


def counts(db_path: Path) -> tuple[int, ...]:
    tables = ("requests", "events", "ingest_runs", "quarantine")
    sql = "SELECT " + ", ".join(f"(SELECT count(*) FROM {table})" for table in tables)
    return query(db_path, sql)[0]


def kobo_bytes(name: str, next_link: str | None = None) -> bytes:
    text = (INTEROP / "kobo" / name).read_text(encoding="utf-8")
    if next_link is not None:
        text = text.replace(f"{KOBO_HOST}{KOBO_PATH}?limit=2&start=2", next_link)
    return text.encode("utf-8")


# ------------------------------------------------------------------ 200 and 304


async def test_200_then_304_writes_nothing_but_health(server: FeedServer, db_path: Path) -> None:
    body = kobo_bytes("api-v2-data.json")
    stamp = "Wed, 03 Feb 2020 06:00:00 GMT"

    def conditional(headers: dict[str, str]) -> Reply:
        if headers.get("If-None-Match") == '"v1"':
            return Reply(304, headers={"ETag": '"v1"'})
        return Reply(200, body, {**JSON, "ETag": '"v1"', "Last-Modified": stamp})

    server.routes["/data"] = conditional
    source = feed_source(f"{server.base}/data")
    clock = FakeClock()
    report, lines = await poll(db_path, source, clock)
    assert (report.pages, report.added, report.failures) == (1, 3, 0)
    assert {row[0] for row in query(db_path, "SELECT external_id FROM requests")} == KOBO_UUIDS
    first = health(db_path)
    assert (first["etag"], first["last_modified"]) == ('"v1"', stamp)
    assert first["last_ok_at"] == "2020-02-04T19:00:00+00:00" and first["last_latency_ms"] > 0
    before = counts(db_path)

    clock.now += timedelta(minutes=5)
    report, lines = await poll(db_path, source, clock)
    assert report.not_modified == 1 and report.pages == 0, (lines, health(db_path))
    assert counts(db_path) == before  # no run, no record, no event
    second = health(db_path)
    assert second["last_ok_at"] == "2020-02-04T19:05:00+00:00"
    assert second["consecutive_failures"] == 0 and second["last_error"] is None
    _, headers = server.seen[-1]
    assert headers["If-None-Match"] == '"v1"' and headers["If-Modified-Since"] == stamp
    assert any("not modified" in line for line in lines)


# ------------------------------------------------------------------ failures and retries


async def test_500_then_success_with_backoff(server: FeedServer, db_path: Path) -> None:
    body = kobo_bytes("api-v2-data.json")
    server.routes["/data"] = [Reply(500), Reply(503), Reply(200, body, JSON)]
    source = feed_source(f"{server.base}/data", retries=3, backoff_seconds=0.1)
    started = time.monotonic()
    report, lines = await poll(db_path, source)
    elapsed = time.monotonic() - started
    assert (report.added, report.failures) == (3, 0)
    assert server.paths() == ["/data"] * 3
    retries = [line for line in lines if "retry" in line]
    assert retries[0].startswith("kobo: HTTP 500 Internal Server Error; retry 1 of 3 in")
    assert "HTTP 503 Service Unavailable; retry 2 of 3" in retries[1]
    assert elapsed >= 0.1 * 0.5 + 0.2 * 0.5  # the first two backoffs, jitter at its lowest
    assert health(db_path)["consecutive_failures"] == 0


async def test_failures_are_counted_until_a_success(server: FeedServer, db_path: Path) -> None:
    server.routes["/data"] = [Reply(500)]
    source = feed_source(f"{server.base}/data", retries=2, backoff_seconds=0.01)
    for _ in range(2):
        report, _ = await poll(db_path, source)
        assert report.failures == 1 and not report.clean
    state = health(db_path)
    assert state["consecutive_failures"] == 2 and state["last_ok_at"] is None
    assert state["last_error"] == "HTTP 500 Internal Server Error (after 3 attempts)"
    assert len(server.paths()) == 6
    server.routes["/data"] = [Reply(200, kobo_bytes("api-v2-data.json"), JSON)]
    await poll(db_path, source)
    assert health(db_path)["consecutive_failures"] == 0


async def test_401_is_not_retried(server: FeedServer, db_path: Path) -> None:
    server.routes["/data"] = [Reply(401)]
    report, lines = await poll(db_path, feed_source(f"{server.base}/data", retries=3))
    assert report.failures == 1 and server.paths() == ["/data"]
    assert not any("retry" in line for line in lines)
    assert "HTTP 401 Unauthorized (check the credentials" in health(db_path)["last_error"]


@pytest.mark.parametrize("reply", [Reply(delay=1.5), Reply(drip=0.2)], ids=["headers", "body"])
async def test_slow_answers_hit_the_deadline(
    server: FeedServer, db_path: Path, reply: Reply
) -> None:
    reply.body = kobo_bytes("api-v2-data.json")
    reply.headers = JSON
    server.routes["/data"] = [reply]
    started = time.monotonic()
    report, _ = await poll(db_path, feed_source(f"{server.base}/data", timeout_seconds=0.5))
    assert time.monotonic() - started < 1.4
    assert report.failures == 1 and report.added == 0
    assert health(db_path)["last_error"] == "no complete answer within 0.5 s (after 1 attempt)"


async def test_unreachable_server(db_path: Path) -> None:
    report, lines = await poll(db_path, feed_source("http://127.0.0.1:9/data"))
    assert report.failures == 1
    assert "ConnectError" in health(db_path)["last_error"]
    assert any(line.startswith("kobo: fetch failed: ConnectError") for line in lines)


async def test_an_unreadable_page_is_quarantined_whole(server: FeedServer, db_path: Path) -> None:
    server.routes["/data"] = [Reply(200, b'{"results": [1, 2', JSON)]
    report, _ = await poll(db_path, feed_source(f"{server.base}/data"))
    assert report.unreadable == 1
    ((location, reason, original),) = query(
        db_path, "SELECT location, reason, original FROM quarantine"
    )
    assert location == f"{server.base}/data" and original == '{"results": [1, 2'
    assert "JSON" in reason
    assert health(db_path)["last_error"].startswith("page 1: ")


async def test_too_large_answer_is_refused(server: FeedServer, db_path: Path) -> None:
    server.routes["/data"] = [Reply(200, b"x" * 5000, JSON)]
    report, _ = await poll(db_path, feed_source(f"{server.base}/data", max_bytes=1000))
    assert report.failures == 1
    assert "larger than max_bytes (1,000)" in health(db_path)["last_error"]


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/html; charset=utf-8", b"<p>Please sign in to continue</p>"),
        ("application/json", b"\xef\xbb\xbf\n  <!DOCTYPE html><html><body>502</body></html>"),
        ("text/csv", b"<html>\n<head><title>Portal</title></head></html>"),
        (None, b"<!doctype HTML>\n<title>Maintenance</title>"),
    ],
    ids=["text-html", "html-labelled-json", "html-labelled-csv", "no-content-type"],
)
async def test_an_html_page_is_a_failed_fetch(
    server: FeedServer, db_path: Path, content_type: str | None, body: bytes
) -> None:
    headers = {"ETag": '"login"'}
    if content_type is not None:
        headers["Content-Type"] = content_type
    server.routes["/data"] = [Reply(200, body, headers)]
    report, lines = await poll(db_path, feed_source(f"{server.base}/data", mapping={}))
    assert report.failures == 1 and not report.clean and report.pages == 0
    assert counts(db_path)[0] == 0 and counts(db_path)[2] == 0  # no record, no run
    state = health(db_path)
    assert state["last_error"].startswith("page 1: the feed answered with an HTML page")
    assert state["last_ok_at"] is None and state["consecutive_failures"] == 1
    assert state["etag"] is None  # the next poll asks again instead of getting a 304
    assert any(
        line.startswith("kobo: page 1: the feed answered with an HTML page") for line in lines
    )


async def test_json_mislabelled_as_html_is_still_read(server: FeedServer, db_path: Path) -> None:
    body = kobo_bytes("api-v2-data.json")
    server.routes["/data"] = [Reply(200, body, {"Content-Type": "text/html; charset=UTF-8"})]
    report, _ = await poll(db_path, feed_source(f"{server.base}/data"))
    assert (report.added, report.failures) == (3, 0) and report.clean


# ------------------------------------------------------------------ pages


async def test_kobo_two_pages_give_each_submission_once(server: FeedServer, db_path: Path) -> None:
    page2 = f"{server.base}{KOBO_PATH}?limit=2&start=2"
    server.routes[KOBO_PATH] = [Reply(200, kobo_bytes("api-v2-data-page1.json", page2), JSON)]
    server.routes[f"{KOBO_PATH}?limit=2&start=2"] = [
        Reply(200, kobo_bytes("api-v2-data-page2.json"), JSON)
    ]
    source = feed_source(f"{server.base}{KOBO_PATH}")
    first, _ = await poll(db_path, source)
    second, lines = await poll(db_path, source)
    assert (first.pages, first.added) == (2, 3)
    assert (second.pages, second.added, second.unchanged) == (2, 0, 3)
    ids = [row[0] for row in query(db_path, "SELECT external_id FROM requests")]
    assert sorted(ids) == sorted(KOBO_UUIDS)
    locations = [row[0] for row in query(db_path, "SELECT location FROM ingest_runs")]
    assert locations == [f"{server.base}{KOBO_PATH}", page2] * 2
    assert lines[-2].startswith("kobo: page 2: ")


async def test_link_header_pages(server: FeedServer, db_path: Path) -> None:
    csv = {"Content-Type": "text/csv; charset=utf-8"}
    server.routes["/a.csv"] = [
        Reply(200, b"id,org,item\n1,A,masks\n", {**csv, "Link": '</b.csv>; rel="next"'})
    ]
    server.routes["/b.csv"] = [Reply(200, b"id,org,item\n2,B,gloves\n", csv)]
    source = feed_source(f"{server.base}/a.csv", mapping={})
    report, _ = await poll(db_path, source)
    assert (report.pages, report.added) == (2, 2)
    assert query(db_path, "SELECT external_id, org FROM requests") == [("1", "A"), ("2", "B")]


async def test_next_link_to_another_host_is_not_followed(server: FeedServer, db_path: Path) -> None:
    elsewhere = "http://198.51.100.7/steal?limit=2&start=2"
    server.routes["/data"] = [Reply(200, kobo_bytes("api-v2-data-page1.json", elsewhere), JSON)]
    report, lines = await poll(db_path, feed_source(f"{server.base}/data"))
    assert (report.pages, report.added) == (1, 2)
    assert any("the next link leaves 127.0.0.1" in line for line in lines)


async def test_a_next_link_loop_stops(server: FeedServer, db_path: Path) -> None:
    body = kobo_bytes("api-v2-data-page1.json", f"{server.base}/data")
    server.routes["/data"] = [Reply(200, body, JSON)]
    report, lines = await poll(db_path, feed_source(f"{server.base}/data"))
    assert report.pages == 1 and server.paths() == ["/data"]
    assert any("points back to a page already read" in line for line in lines)


# ------------------------------------------------------------------ credentials


async def test_token_from_the_named_variable_never_stored(
    server: FeedServer, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "s3cret-token-value"
    monkeypatch.setenv("KOBO_TOKEN", secret)
    server.routes["/data"] = [Reply(200, kobo_bytes("api-v2-data.json"), JSON)]
    source = feed_source(f"{server.base}/data", token_env="KOBO_TOKEN", auth_scheme="Token")
    report, _ = await poll(db_path, source)
    assert report.added == 3
    assert server.seen[0][1]["Authorization"] == f"Token {secret}"
    for suffix in ("", "-wal"):
        stored = Path(f"{db_path}{suffix}")
        if stored.exists():
            assert secret.encode() not in stored.read_bytes()
    assert '"token_env": "KOBO_TOKEN"' in health(db_path)["settings"]

    monkeypatch.delenv("KOBO_TOKEN")
    report, _ = await poll(db_path, source)
    assert report.failures == 1 and len(server.seen) == 1  # nothing sent without it
    assert (
        "environment variable KOBO_TOKEN (named by token_env) is not set"
        in (health(db_path)["last_error"])
    )


# ------------------------------------------------------------------ the poll loop


async def test_the_poller_repeats_on_its_interval(server: FeedServer, db_path: Path) -> None:
    server.routes["/data"] = [Reply(200, kobo_bytes("api-v2-data.json"), JSON)]
    stop = asyncio.Event()
    collector = Collector(
        db_path, [feed_source(f"{server.base}/data", interval_seconds=0.2)], holder="t:1"
    )
    task = asyncio.create_task(collector.run(stop=stop))
    deadline = time.monotonic() + 10
    while len(server.seen) < 3 and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    stop.set()
    report = await asyncio.wait_for(task, timeout=10)
    assert len(server.seen) >= 3
    assert report.added == 3 and report.unchanged >= 6


async def test_redirects_are_followed_on_the_same_host_only(
    server: FeedServer, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FEED_KEY", "k-123")
    server.routes["/old"] = [Reply(302, headers={"Location": "/data"})]
    server.routes["/data"] = [Reply(200, kobo_bytes("api-v2-data.json"), JSON)]
    source = feed_source(f"{server.base}/old", headers_env={"X-Api-Key": "FEED_KEY"})
    report, _ = await poll(db_path, source)
    assert report.added == 3 and server.paths() == ["/old", "/data"]
    assert server.seen[1][1]["X-Api-Key"] == "k-123"

    server.routes["/away"] = [Reply(302, headers={"Location": "http://198.51.100.7/x"})]
    report, _ = await poll(db_path, feed_source(f"{server.base}/away"))
    assert report.failures == 1 and server.paths()[-1] == "/away"
    assert "another host; not followed" in health(db_path)["last_error"]
