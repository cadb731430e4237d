"""The server of ``dutyboard serve`` over real HTTP: nothing without the leader secret,
the login, its rate limit, the phone's status page and JSON."""

from __future__ import annotations

import asyncio
import json
import os
import shlex
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path

import aiohttp
import httpx
import pytest

from dutyboard import i18n
from dutyboard.store import Store
from dutyboard.store.dburl import PostgresLocation
from dutyboard.web.auth import SecretHash
from dutyboard.web.server import COOKIE, leader_command
from tests.web.conftest import SECRET, ServerFactory, ServerThread

# Every kind of URL the server has: the dashboard page, textual-serve's websocket (both
# forms), its static assets, the status page and JSON, the logout, and a URL that is
# nothing at all.
PAGES = ["/", "/status", "/status?lang=zh_CN", "/logout", "/nothing-here", "/download/abc"]
STATIC = ["/static/js/textual.js", "/static/css/xterm.css", "/static/images/background.png"]
JSON = ["/status.json"]
WEBSOCKETS = ["/ws", "/ws/en", "/ws/zh_CN"]
HOSTILE_ORG = '<script>alert("unit")</script> & Co'


@contextmanager
def logged_in(server: ServerThread) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        answer = client.post("/login", data={"secret": SECRET, "next": "/status"})
        assert answer.status_code == 303, answer.text
        assert answer.headers["location"] == "/status"
        yield client


def test_without_the_secret_every_url_is_refused(server: ServerThread) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        for path in [*PAGES, *STATIC, *JSON, *WEBSOCKETS]:
            for method in ("GET", "HEAD", "POST"):
                answer = client.request(method, path)
                assert answer.status_code == 401, (method, path, answer.status_code)
                assert "textual" not in answer.text.lower(), path
        # A browser asking for a page is sent to the login, and only there.
        for path in PAGES:
            answer = client.get(path, headers={"Accept": "text/html"})
            assert answer.status_code == 303, path
            assert answer.headers["location"].startswith("/login?next=")
        # JSON says so as JSON.
        answer = client.get("/status.json")
        assert answer.status_code == 401
        assert "error" in answer.json()
        # A cookie that is not one the server signed opens nothing either.
        for forged in ("x", "9999999999.abc.def", "1.2.3", ""):
            client.cookies.set(COOKIE, forged)
            assert client.get("/status.json").status_code == 401
            assert client.get("/static/js/textual.js").status_code == 401


def test_without_the_secret_the_websocket_is_refused(server: ServerThread) -> None:
    async def attempt(path: str, cookies: dict[str, str]) -> int:
        async with aiohttp.ClientSession(cookies=cookies) as session:
            try:
                async with session.ws_connect(
                    server.url + path, timeout=aiohttp.ClientWSTimeout(ws_receive=5)
                ):
                    return 101
            except aiohttp.WSServerHandshakeError as exc:
                return exc.status

    for path in WEBSOCKETS:
        assert asyncio.run(attempt(path, {})) == 401, path
        assert asyncio.run(attempt(path, {COOKIE: "1999999999.x.y"})) == 401, path


def test_a_wrong_secret_is_refused_and_failures_are_rate_limited(server: ServerThread) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        for attempt in range(4):
            answer = client.post("/login", data={"secret": f"wrong secret {attempt}"})
            assert answer.status_code == 401
            assert "That is not the leader secret." in answer.text
            assert COOKIE not in answer.cookies
        # The fifth failure (no secret at all) blocks the address…
        answer = client.post("/login", data={})
        assert answer.status_code == 429
        assert "try again in" in answer.text
        # …and now even the right secret waits.
        answer = client.post("/login", data={"secret": SECRET})
        assert answer.status_code == 429
        assert int(answer.headers["Retry-After"]) >= 1
        assert COOKIE not in answer.cookies
        assert client.get("/status.json").status_code == 401


def test_the_right_secret_opens_the_status(server: ServerThread) -> None:
    with logged_in(server) as client:
        assert client.cookies[COOKIE]
        page = client.get("/status")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert '<meta http-equiv="refresh" content="30">' in page.text
        assert 'name="viewport"' in page.text
        assert "Requests:" in page.text and "open" in page.text
        data = client.get("/status.json")
        assert data.headers["content-type"].startswith("application/json")
        assert data.json()["schema"] == 1
        assert data.json()["requests"]["total"] == 240
        for path in STATIC:
            assert client.get(path).status_code == 200, path
        dashboard = client.get("/")
        assert f'data-session-websocket-url="ws://{server.host}/ws/en"' in dashboard.text
        assert '<script src="/static/js/textual.js">' in dashboard.text


def test_the_session_cookie_is_httponly_strict_and_signed(server: ServerThread) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        answer = client.post("/login", data={"secret": SECRET})
        header = answer.headers["set-cookie"]
        assert header.startswith(f"{COOKIE}=")
        assert "HttpOnly" in header
        assert "SameSite=Strict" in header
        assert "Path=/" in header
        assert "Secure" not in header  # plain HTTP on loopback; behind TLS it is Secure
        assert SECRET not in header


def test_behind_a_tls_proxy_the_cookie_is_secure_and_the_websocket_wss(
    serve_desk: ServerFactory,
) -> None:
    server = serve_desk(behind_proxy=True)
    proxy = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "duty.example.org"}
    with httpx.Client(base_url=server.url, timeout=10, headers=proxy) as client:
        answer = client.post(
            "/login", data={"secret": SECRET}, headers={"Origin": "https://duty.example.org"}
        )
        assert answer.status_code == 303
        assert "Secure" in answer.headers["set-cookie"]
        # (httpx keeps a Secure cookie for https only: hand it over as the browser would.)
        token = answer.headers["set-cookie"].split(";")[0].split("=", 1)[1]
        client.cookies.set(COOKIE, token)
        page = client.get("/")
        assert 'data-session-websocket-url="wss://duty.example.org/ws/en"' in page.text


def test_a_login_never_sends_the_browser_to_another_site(server: ServerThread) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        for target in (
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example",
            "javascript:x",
        ):
            answer = client.post("/login", data={"secret": SECRET, "next": target})
            assert answer.status_code == 303
            assert answer.headers["location"] == "/", target
        answer = client.post("/login", data={"secret": SECRET, "next": "/status?lang=zh_CN"})
        assert answer.headers["location"] == "/status?lang=zh_CN"


def test_a_request_from_another_site_is_refused(server: ServerThread) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        answer = client.post(
            "/login", data={"secret": SECRET}, headers={"Origin": "https://evil.example"}
        )
        assert answer.status_code == 403
        assert COOKIE not in answer.cookies
    with logged_in(server) as client:
        token = client.cookies[COOKIE]

    async def attempt(origin: str) -> int:
        async with aiohttp.ClientSession(cookies={COOKIE: token}) as session:
            try:
                async with session.ws_connect(server.url + "/ws", origin=origin):
                    return 101
            except aiohttp.WSServerHandshakeError as exc:
                return exc.status

    assert asyncio.run(attempt("https://evil.example")) == 403


def test_logging_out_revokes_the_session(server: ServerThread) -> None:
    with logged_in(server) as client:
        token = client.cookies[COOKIE]
        assert client.get("/status.json").status_code == 200
        answer = client.get("/logout")
        assert answer.status_code == 303 and answer.headers["location"] == "/login"
    # The cookie kept from before the logout is dead, not merely deleted in the browser.
    with httpx.Client(base_url=server.url, timeout=10, cookies={COOKIE: token}) as client:
        assert client.get("/status.json").status_code == 401


def test_the_status_page_escapes_a_hostile_unit_name(
    serve_desk: ServerFactory, tmp_path: Path, demo_desk: Path
) -> None:
    desk = tmp_path / "hostile.db"
    desk.write_bytes(demo_desk.read_bytes())
    store = Store.open(desk)
    try:
        store.add_request(
            {
                "org": HOSTILE_ORG,
                "item": "<b>masks</b>",
                "priority": "urgent",
                "due_by": "2000-01-01T00:00:00+00:00",  # the most overdue: listed first
                "received_at": "1999-12-31T00:00:00+00:00",
            }
        )
    finally:
        store.close()
    from dutyboard.store.dburl import SqliteLocation

    server = serve_desk(desk=SqliteLocation(desk))
    with logged_in(server) as client:
        for width in (64, 160):
            page = client.get(f"/status?width={width}").text
            assert "&lt;script&gt;alert(" in page, page
            assert "<script" not in page
            assert "<b>masks" not in page and "&lt;b&gt;masks" in page
            assert "<img" not in page and "&lt;img src=x" in page  # the desk's name
        data = client.get("/status.json").json()
        orgs = [row["org"] for row in data["requests"]["top_overdue"]]
        assert HOSTILE_ORG in orgs  # JSON keeps the text, as data (application/json)
        login = httpx.get(server.url + "/login").text
        assert "<img" not in login and "&lt;img src=x" in login


def test_the_status_speaks_the_language_asked_for(server: ServerThread) -> None:
    before = i18n.language()
    with logged_in(server) as client:
        chinese = client.get("/status?lang=zh_CN").text
        assert 'lang="zh-CN"' in chinese and "需求：" in chinese and "每 30 秒自动刷新" in chinese
        english = client.get("/status", headers={"Accept-Language": "en-GB,en;q=0.9"}).text
        assert "Requests:" in english and "Refreshes itself every 30 s." in english
        asked = client.get("/status", headers={"Accept-Language": "fr,zh-CN;q=0.8,en;q=0.5"})
        assert "需求：" in asked.text
        login = httpx.get(server.url + "/login", headers={"Accept-Language": "zh-CN"}).text
        assert "领导登录" in login
    # The pages spoke their languages without changing the process's.
    assert i18n.language() == before


def test_one_session_is_the_leaders_read_only_dashboard(server: ServerThread) -> None:
    """Through the websocket, as the browser's script does: a real leader process."""
    with logged_in(server) as client:
        token = client.cookies[COOKIE]

    async def screen() -> str:
        text = ""
        async with (
            aiohttp.ClientSession(cookies={COOKIE: token}) as session,
            session.ws_connect(server.url + "/ws/en?width=160&height=48") as ws,
        ):
            await ws.send_str(json.dumps(["resize", {"width": 160, "height": 48}]))
            async with asyncio.timeout(20):
                async for message in ws:
                    if message.type == aiohttp.WSMsgType.BINARY:
                        text += message.data.decode("utf-8", "replace")
                    if "READ-ONLY" in text and "Requests" in text:
                        break
        return text

    text = asyncio.run(screen())
    assert "READ-ONLY" in text


def test_the_session_command_is_the_leaders(server: ServerThread, tmp_path: Path) -> None:
    command, env = leader_command(server.settings, "zh_CN")
    words = shlex.split(command)
    assert words[0] == "exec"
    assert words[words.index("--role") + 1] == "leader"
    assert words[words.index("--lang") + 1] == "zh_CN"
    assert Path(words[words.index("--db") + 1]).is_absolute()
    assert words[words.index("--config") + 1].endswith("config.toml")
    assert SECRET not in command and "DUTYBOARD_LEADER_SECRET" not in env
    # A path with spaces and shell words stays one word.
    odd = tmp_path / "night desk; rm -rf ~" / "desk.db"
    from dataclasses import replace

    from dutyboard.store.dburl import SqliteLocation

    command, _env = leader_command(replace(server.settings, desk=SqliteLocation(odd)), "en")
    assert shlex.split(command)[-1] == str(odd.resolve())
    # A PostgreSQL URL (with its password) goes in the environment, never on `ps`.
    url = "postgresql://leader:s3cret@db.example/desk"
    settings = replace(server.settings, desk=PostgresLocation.parse(url))
    command, env = leader_command(settings, "en")
    assert "s3cret" not in command and "--db" not in command
    assert env["DUTYBOARD_DB"] == url


def test_the_session_process_gets_no_leader_secret(
    server: ServerThread, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual_serve.download_manager import DownloadManager

    from dutyboard.web.server import LeaderSession

    monkeypatch.setenv("DUTYBOARD_LEADER_SECRET", SECRET)

    async def nothing(*args: object) -> None:
        return None

    command, env = leader_command(server.settings, "en")
    session = LeaderSession(
        command,
        env,
        write_bytes=nothing,
        write_str=nothing,
        close=nothing,
        download_manager=DownloadManager(),
    )
    environment = session._build_environment(100, 30)
    assert "DUTYBOARD_LEADER_SECRET" not in environment
    assert environment["DUTYBOARD_FORCE_TTY"] == "1"
    assert environment["COLUMNS"] == "100"
    assert os.environ["DUTYBOARD_LEADER_SECRET"] == SECRET  # the server's own is kept


def test_viewers_beyond_the_limit_are_turned_away(serve_desk: ServerFactory) -> None:
    server = serve_desk(max_viewers=1)
    with logged_in(server) as client:
        token = client.cookies[COOKIE]

    async def two() -> int:
        async with (
            aiohttp.ClientSession(cookies={COOKIE: token}) as session,
            session.ws_connect(server.url + "/ws"),
        ):
            try:
                async with session.ws_connect(server.url + "/ws"):
                    return 101
            except aiohttp.WSServerHandshakeError as exc:
                return exc.status

    assert asyncio.run(two()) == 503


CHECKED: list[str] = []


class CountedSecret(SecretHash):
    """The desk's secret, counting the checks made against it."""

    def matches(self, secret: str) -> bool:
        CHECKED.append(secret)
        return super().matches(secret)


def test_a_burst_of_guesses_is_not_all_checked(
    serve_desk: ServerFactory, secret_hash: SecretHash
) -> None:
    counted = CountedSecret(**{f.name: getattr(secret_hash, f.name) for f in fields(SecretHash)})
    server = serve_desk(secret=counted)
    CHECKED.clear()

    async def burst() -> list[int]:
        async with httpx.AsyncClient(base_url=server.url, timeout=20) as client:
            answers = await asyncio.gather(
                *(client.post("/login", data={"secret": f"guess number {n}"}) for n in range(16))
            )
        return [answer.status_code for answer in answers]

    codes = asyncio.run(burst())
    assert codes.count(401) == 4 and codes.count(429) == 12, codes
    # Checks run two at a time and the limit is asked again before each: at most one
    # guess beyond the five free ones is checked; the others never reach scrypt.
    assert 5 <= len(CHECKED) <= 6, CHECKED


def test_behind_a_proxy_failures_count_per_forwarded_address(serve_desk: ServerFactory) -> None:
    server = serve_desk(behind_proxy=True)

    def guess(forwarded_for: str) -> int:
        headers = {"X-Forwarded-For": f"203.0.113.9, {forwarded_for}"}
        answer = httpx.post(
            server.url + "/login", data={"secret": "not it at all"}, headers=headers, timeout=10
        )
        return answer.status_code

    # One machine's IPv6 /64 is one address, however it varies the rest.
    codes = [guess(f"2001:db8:0:1::{n}") for n in range(1, 7)]
    assert codes[:4] == [401] * 4 and codes[4:] == [429, 429]
    # The proxy's own address, and another client behind it, are not held up.
    assert guess("198.51.100.7") == 401
    assert guess("2001:db8:0:2::1") == 401
    ok = httpx.post(server.url + "/login", data={"secret": SECRET}, timeout=10)
    assert ok.status_code == 303
