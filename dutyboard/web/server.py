"""``dutyboard serve``'s web server: the leader dashboard through textual-serve, behind
the desk's leader secret, and the status for a phone.

What textual-serve gives is the protocol: its :class:`~textual_serve.app_service.AppService`
starts one process per browser session from a command line and relays the terminal over
a websocket, and its ``static`` folder holds the page's script (xterm.js). Everything
in front of it is here, in one aiohttp application:

* every viewer's process is ``python -m dutyboard --role leader --db <the desk>
  [--config …] --lang …``: the leader session of SSH, read-only by the database (the
  store opens it ``mode=ro``; a PostgreSQL URL goes in the child's environment, never on
  a command line ``ps`` shows). The server's own environment is passed on without the
  leader secret. At most ``max_viewers`` at once.
* :meth:`DeskServer._guard`, a middleware in front of **every** route: without a valid
  session cookie a page is sent to the login (303), anything else — the websocket, the
  static files, ``/status.json`` — gets 401, and only ``/login`` itself answers. A
  websocket or a POST from another origin is refused (403) even with the cookie.
* ``/login``: the secret in a POST form, checked with scrypt off the event loop, wrong
  ones rate-limited per client address (429 with Retry-After); the cookie is HttpOnly,
  SameSite=Strict, Secure behind HTTPS, signed (:mod:`dutyboard.web.auth`).
* ``/status`` (HTML, refreshing itself) and ``/status.json``: ``dutyboard status``'s
  report, read in a thread from a read-only store.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import logging
import os
import re
import shlex
import signal
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import textual_serve
from aiohttp import WSCloseCode, WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from dutyboard.config import Config
from dutyboard.domain.text import clean_line, clean_output
from dutyboard.i18n import LANGUAGES, _
from dutyboard.store.dburl import DeskLocation, PostgresLocation
from dutyboard.web import pages
from dutyboard.web.auth import (
    ENV_SECRET,
    MAX_SECRET,
    FailureLimiter,
    SecretHash,
    Sessions,
)
from dutyboard.web.config import DEFAULT_MAX_VIEWERS

log = logging.getLogger("dutyboard.web")

COOKIE = "dutyboard_session"
# textual-serve's page assets: textual.js (xterm.js and its protocol), xterm.css, fonts.
STATIC = Path(textual_serve.__file__).parent / "static"
# Where a login may send the browser on: the server's own pages, never another site.
_NEXT = re.compile(r"/(status(\.json)?)?(\?[A-Za-z0-9_=&.-]{0,100})?")
_HOST = re.compile(r"[a-z0-9.-]{1,253}(:\d{1,5})?|\[[0-9a-f:.]{2,45}\](:\d{1,5})?")
_CHECKS_AT_ONCE = 2  # scrypt checks in threads at once (16 MiB and ~50 ms each)
SESSION_EXIT_SECONDS = 3.0  # after being told to quit, a session is killed
DEFAULT_WIDTH = 64  # the phone's status, in columns (?width= 40…160)


@dataclass(frozen=True)
class ServeSettings:
    """What the server needs to know about the desk and itself."""

    desk: DeskLocation
    config: Config
    secret: SecretHash
    lang: str  # the language when neither ?lang= nor the browser asks for one
    behind_proxy: bool = False
    max_viewers: int = DEFAULT_MAX_VIEWERS
    python: str = sys.executable


def leader_command(settings: ServeSettings, lang: str) -> tuple[str, dict[str, str]]:
    """The shell command (textual-serve runs it with ``sh -c``) of one viewer's leader
    session, and what its environment adds. Every word is quoted; ``exec`` leaves no
    shell between the server and the session."""
    words = [settings.python, "-m", "dutyboard", "--role", "leader", "--lang", lang]
    if settings.config.source_path is not None:
        words += ["--config", str(settings.config.source_path.resolve())]
    env = {
        # The web driver speaks through pipes, which the dashboard would take for "no
        # terminal"; the browser is the terminal.
        "DUTYBOARD_FORCE_TTY": "1",
        "TEXTUAL_ANIMATIONS": os.environ.get("TEXTUAL_ANIMATIONS", "none"),
    }
    if isinstance(settings.desk, PostgresLocation):
        env["DUTYBOARD_DB"] = settings.desk.conninfo()  # a password stays off `ps`
    else:
        words += ["--db", str(settings.desk.path.resolve())]
    return "exec " + shlex.join(words), env


class LeaderSession(AppService):
    """textual-serve's process for one viewer, with the environment the leader session
    needs and without the leader secret."""

    def __init__(self, command: str, extra_env: dict[str, str], **kwargs: Any) -> None:
        super().__init__(command, **kwargs)
        self._extra_env = extra_env

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width=width, height=height)
        environment.pop(ENV_SECRET, None)
        environment.update(self._extra_env)
        return environment

    async def stop(self) -> None:
        """Tell the session to quit (textual-serve's way), then see its process gone,
        killed if it has not quit within a few seconds: no viewer leaves one behind."""
        process = self._process
        stopping = asyncio.ensure_future(super().stop())
        done, _pending = await asyncio.wait({stopping}, timeout=SESSION_EXIT_SECONDS)
        if not done and process is not None:
            # Stuck (its quit never read): killing it ends textual-serve's reader.
            _kill(process)
        await stopping
        if process is None:
            return
        # textual-serve's reader may have stopped early (it stops when the browser has
        # gone): then nobody reads the session's output, the pipe fills, the session
        # blocks writing it and never quits, and a pipe nobody reads never reports its
        # end, which process.wait() waits for. Read both pipes to their end.
        draining = [
            asyncio.ensure_future(_drain(stream)) for stream in (process.stdout, process.stderr)
        ]
        try:
            await asyncio.wait_for(process.wait(), SESSION_EXIT_SECONDS)
        except TimeoutError:
            _kill(process)
            await process.wait()
        finally:
            for task in draining:
                task.cancel()
            await asyncio.gather(*draining, return_exceptions=True)


def _kill(process: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError):
        process.kill()


async def _drain(stream: asyncio.StreamReader | None) -> None:
    if stream is None:
        return
    with contextlib.suppress(Exception):
        while await stream.read(64 * 1024):
            pass


def _size(value: Any, least: int, most: int, default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return max(least, min(most, number))


def _accepted_language(header: str) -> str | None:
    """The first of our languages in an Accept-Language header, by its q."""
    best, best_q = None, -1.0
    for part in header.split(",")[:20]:
        tag, _sep, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _eq, value = param.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        tag = tag.strip().lower()
        lang = "zh_CN" if tag.startswith("zh") else "en" if tag.startswith("en") else None
        if lang is not None and q > 0 and q > best_q:
            best, best_q = lang, q
    return best


def _is_loopback(address: str | None) -> bool:
    try:
        return address is not None and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def _read_status(settings: ServeSettings) -> Any:
    """The desk's status, read from a read-only store (in a thread)."""
    from dutyboard.reports.status.build import build_status
    from dutyboard.store import Store

    store = Store.open(settings.desk, readonly=True, actor="web")
    try:
        return build_status(
            store, desk_name=settings.config.desk_name, timezone=settings.config.timezone
        )
    finally:
        store.close()


class DeskServer:
    """The aiohttp application of one ``dutyboard serve``."""

    def __init__(self, settings: ServeSettings) -> None:
        self.settings = settings
        self.sessions = Sessions()
        self.limiter = FailureLimiter()
        self.viewers: set[web.WebSocketResponse] = set()
        # The viewers' handlers: a handler whose browser has gone is still stopping its
        # session, and the server waits for it before it is done (on_cleanup).
        self._handlers: set[asyncio.Task[Any]] = set()
        self._downloads = DownloadManager()
        self._checks = asyncio.Semaphore(_CHECKS_AT_ONCE)

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._guard], client_max_size=64 * 1024)
        app.add_routes(
            [
                web.get("/login", self.login_form),
                web.post("/login", self.login),
                web.get("/logout", self.logout),
                web.get("/", self.dashboard),
                web.get("/ws", self.websocket),
                web.get("/ws/{lang}", self.websocket),
                web.get("/status", self.status_page),
                web.get("/status.json", self.status_json),
                web.static("/static", STATIC, show_index=False, follow_symlinks=False),
            ]
        )
        app.on_response_prepare.append(self._headers)
        app.on_shutdown.append(self._close_viewers)
        app.on_cleanup.append(self._sessions_stopped)
        return app

    # -- who is asking -------------------------------------------------------------------

    def client(self, request: web.Request) -> str:
        """Who the failures of a login are counted against: the peer's address, or
        (behind_proxy, from a loopback proxy) the last one the proxy put in
        X-Forwarded-For; an IPv6 address by its /64, which one machine has whole."""
        address = request.remote or "?"
        if self.settings.behind_proxy and _is_loopback(address):
            forwarded = request.headers.get("X-Forwarded-For", "").split(",")[-1].strip()
            if forwarded:
                address = forwarded[:64]
        try:
            ip = ipaddress.ip_address(address.strip("[]"))
        except ValueError:
            return address
        if isinstance(ip, ipaddress.IPv6Address):
            if ip.ipv4_mapped is not None:
                return str(ip.ipv4_mapped)
            return str(ipaddress.ip_network(f"{ip}/64", strict=False))
        return str(ip)

    def _forwarded(self, request: web.Request, header: str) -> str | None:
        if self.settings.behind_proxy and _is_loopback(request.remote):
            value = request.headers.get(header, "").split(",")[0].strip()
            return value or None
        return None

    def scheme(self, request: web.Request) -> str:
        proto = (self._forwarded(request, "X-Forwarded-Proto") or request.scheme).lower()
        return "https" if proto == "https" else "http"

    def host(self, request: web.Request) -> str:
        """The host:port the browser asked for (it names the websocket's URL and the
        origin a request must come from); one that is no host name is refused."""
        host = (self._forwarded(request, "X-Forwarded-Host") or request.host).lower()
        return host if _HOST.fullmatch(host) else "invalid"

    def same_origin(self, request: web.Request) -> bool:
        """No Origin (not a browser, or a same-origin GET), or ours."""
        origin = request.headers.get("Origin")
        if origin is None:
            return True
        return urlsplit(origin).netloc.lower() == self.host(request)

    def language(self, request: web.Request) -> str:
        asked = request.query.get("lang")
        if asked in LANGUAGES:
            return asked
        return _accepted_language(request.headers.get("Accept-Language", "")) or self.settings.lang

    # -- the guard -----------------------------------------------------------------------

    @web.middleware
    async def _guard(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if request.path == "/login":
            return await handler(request)
        if not self.sessions.valid(request.cookies.get(COOKIE)):
            return self._refuse(request)
        if (_is_websocket(request) or request.method == "POST") and not self.same_origin(request):
            return _plain(403, _("refused: this request came from another site"))
        return await handler(request)

    def _refuse(self, request: web.Request) -> web.StreamResponse:
        """No session: a page goes to the login; everything else is refused."""
        words = _("sign in with the desk's leader secret first")
        if _is_websocket(request):
            return _plain(401, words)
        if request.path.endswith(".json") or "json" in request.headers.get("Accept", ""):
            return web.json_response({"error": words}, status=401)
        accept = request.headers.get("Accept", "")
        if request.method in ("GET", "HEAD") and "text/html" in accept:
            target = request.path_qs if _NEXT.fullmatch(request.path_qs) else "/"
            raise web.HTTPSeeOther(location="/login?" + urlencode({"next": target}))
        return _plain(401, words)

    async def _headers(self, request: web.Request, response: web.StreamResponse) -> None:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        if not request.path.startswith("/static/"):
            headers.setdefault("Cache-Control", "no-store")
        ws = "wss" if self.scheme(request) == "https" else "ws"
        headers.setdefault(
            "Content-Security-Policy",
            "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            f"font-src 'self'; img-src 'self' data:; "
            f"connect-src 'self' {ws}://{self.host(request)}; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        )

    # -- login ---------------------------------------------------------------------------

    def _next(self, value: str | None) -> str:
        return value if value and _NEXT.fullmatch(value) else "/"

    def _login_page(
        self, request: web.Request, *, status: int = 200, message: str | None = None
    ) -> web.Response:
        lang = self.language(request)
        with pages.speaking(lang):
            body = pages.login_page(
                lang,
                self.settings.config.desk_name,
                next_path=self._next(request.query.get("next")),
                message=message,  # (translated by the caller)
            )
        return web.Response(text=body, status=status, content_type="text/html", charset="utf-8")

    async def login_form(self, request: web.Request) -> web.StreamResponse:
        if self.sessions.valid(request.cookies.get(COOKIE)):
            raise web.HTTPSeeOther(location=self._next(request.query.get("next")))
        return self._login_page(request)

    async def login(self, request: web.Request) -> web.StreamResponse:
        lang = self.language(request)
        if not self.same_origin(request):
            return _plain(403, _("refused: this request came from another site"))
        address = self.client(request)
        wait = self.limiter.wait(address)
        if wait > 0:
            return self._too_many(request, lang, wait)
        form = await request.post()
        secret = form.get("secret")
        next_path = form.get("next")
        if not isinstance(secret, str) or len(secret) > MAX_SECRET:
            secret = ""
        async with self._checks:
            # Asked again once it is this request's turn: a burst of guesses sent at once
            # must not all be checked before the first failures count.
            wait = self.limiter.wait(address)
            if wait > 0:
                return self._too_many(request, lang, wait)
            right = bool(secret) and await asyncio.to_thread(self.settings.secret.matches, secret)
        if not right:
            self.limiter.failed(address)
            wait = self.limiter.wait(address)
            if wait > 0:
                return self._too_many(request, lang, wait)
            with pages.speaking(lang):
                message = _("That is not the leader secret.")
            return self._login_page(request, status=401, message=message)
        self.limiter.succeeded(address)
        response = web.HTTPSeeOther(
            location=self._next(next_path if isinstance(next_path, str) else None)
        )
        response.set_cookie(
            COOKIE,
            self.sessions.issue(),
            max_age=int(self.sessions.lifetime),
            path="/",
            httponly=True,
            samesite="Strict",
            secure=self.scheme(request) == "https",
        )
        raise response

    def _too_many(self, request: web.Request, lang: str, wait: float) -> web.Response:
        seconds = max(1, int(wait + 0.999))
        with pages.speaking(lang):
            message = _(
                "Too many wrong secrets from this address: try again in {seconds} s."
            ).format(seconds=seconds)
        response = self._login_page(request, status=429, message=message)
        response.headers["Retry-After"] = str(seconds)
        return response

    async def logout(self, request: web.Request) -> web.StreamResponse:
        self.sessions.revoke(request.cookies.get(COOKIE))
        response = web.HTTPSeeOther(location="/login")
        response.del_cookie(COOKIE, path="/")
        raise response

    # -- the dashboard -------------------------------------------------------------------

    async def dashboard(self, request: web.Request) -> web.StreamResponse:
        lang = self.language(request)
        ws = "wss" if self.scheme(request) == "https" else "ws"
        url = f"{ws}://{self.host(request)}/ws/{lang}"
        font_size = _size(request.query.get("fontsize"), 8, 32, 16)
        with pages.speaking(lang):
            body = pages.dashboard_page(
                lang, self.settings.config.desk_name, websocket_url=url, font_size=font_size
            )
        return web.Response(text=body, content_type="text/html", charset="utf-8")

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        lang = request.match_info.get("lang", self.settings.lang)
        if lang not in LANGUAGES:
            raise web.HTTPNotFound()
        if len(self.viewers) >= self.settings.max_viewers:
            return _plain(
                503,
                _("{n} viewers are watching already, the most this desk allows").format(
                    n=len(self.viewers)
                ),
            )
        width = _size(request.query.get("width"), 20, 1000, 80)
        height = _size(request.query.get("height"), 5, 500, 24)
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=64 * 1024)
        self.viewers.add(websocket)
        task = asyncio.current_task()
        if task is not None:
            self._handlers.add(task)
        command, env = leader_command(self.settings, lang)
        service: LeaderSession | None = None
        try:
            await websocket.prepare(request)
            service = LeaderSession(
                command,
                env,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self._downloads,
            )
            await service.start(width, height)
            await _relay(websocket, service)
        except asyncio.CancelledError:
            await websocket.close()
            raise
        except Exception:
            log.exception("leader session failed")
        finally:
            self.viewers.discard(websocket)
            try:
                if service is not None:
                    await service.stop()
            finally:
                if task is not None:
                    self._handlers.discard(task)
        return websocket

    async def _close_viewers(self, app: web.Application) -> None:
        await asyncio.gather(
            *(
                websocket.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")
                for websocket in list(self.viewers)
            ),
            return_exceptions=True,
        )

    async def _sessions_stopped(self, app: web.Application) -> None:
        handlers = [task for task in self._handlers if task is not asyncio.current_task()]
        if handlers:
            await asyncio.wait(handlers, timeout=SESSION_EXIT_SECONDS + 5)

    # -- the status ----------------------------------------------------------------------

    async def _status(self, request: web.Request, lang: str) -> Any | web.Response:
        try:
            return await asyncio.to_thread(_read_status, self.settings)
        except Exception as exc:  # a locked, damaged or unreachable desk: one line
            log.exception("status failed")
            with pages.speaking(lang):
                line = _("cannot read the desk {desk}: {error}").format(
                    desk=self.settings.desk.masked(),
                    error=clean_line(str(exc).splitlines()[0] if str(exc) else repr(exc)),
                )
                if request.path.endswith(".json"):
                    return web.json_response({"error": line}, status=503)
                body = pages.problem_page(lang, _("Status"), line)
            return web.Response(text=body, status=503, content_type="text/html", charset="utf-8")

    async def status_page(self, request: web.Request) -> web.StreamResponse:
        from dutyboard.reports.status.text import render_text

        lang = self.language(request)
        status = await self._status(request, lang)
        if isinstance(status, web.Response):
            return status
        width = _size(request.query.get("width"), 40, 160, DEFAULT_WIDTH)
        # Every value was cleaned on its way into the report; this pass is the last line
        # of defence, as `dutyboard status` does for a terminal.
        report = clean_output(render_text(status, lang=lang, width=width))
        with pages.speaking(lang):
            body = pages.status_page(lang, self.settings.config.desk_name, report, width=width)
        return web.Response(text=body, content_type="text/html", charset="utf-8")

    async def status_json(self, request: web.Request) -> web.StreamResponse:
        from dutyboard.reports.status.as_json import render_json

        status = await self._status(request, self.language(request))
        if isinstance(status, web.Response):
            return status
        return web.Response(
            text=render_json(status), content_type="application/json", charset="utf-8"
        )


async def _relay(websocket: web.WebSocketResponse, service: AppService) -> None:
    """The browser's messages to the session: keys, size, focus; a ping answered. What
    is not one of those is dropped."""
    async for message in websocket:
        if message.type != WSMsgType.TEXT:
            continue
        try:
            envelope = json.loads(message.data)
        except ValueError:
            continue
        if not isinstance(envelope, list) or not envelope:
            continue
        kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
        if kind == "stdin" and isinstance(data, str):
            await service.send_bytes(data.encode("utf-8", "replace"))
        elif kind == "resize" and isinstance(data, dict):
            await service.set_terminal_size(
                _size(data.get("width"), 20, 1000, 80), _size(data.get("height"), 5, 500, 24)
            )
        elif kind == "ping" and isinstance(data, str):
            await websocket.send_json(["pong", data[:64]])
        elif kind == "blur":
            await service.blur()
        elif kind == "focus":
            await service.focus()


def _is_websocket(request: web.Request) -> bool:
    return request.headers.get("Upgrade", "").lower() == "websocket"


def _plain(status: int, text: str) -> web.Response:
    return web.Response(status=status, text=text + "\n", content_type="text/plain", charset="utf-8")


# -- running -------------------------------------------------------------------------------


async def start(settings: ServeSettings, host: str, port: int) -> tuple[web.AppRunner, list[str]]:
    """The server listening on host:port (0: any free port); its runner and the URLs it
    is reached at."""
    runner = web.AppRunner(
        DeskServer(settings).app(), access_log=None, shutdown_timeout=SESSION_EXIT_SECONDS + 5
    )
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except BaseException:
        await runner.cleanup()
        raise
    urls = []
    for address in runner.addresses:
        name, bound = address[0], address[1]
        shown = f"[{name}]" if ":" in str(name) else str(name)
        urls.append(f"http://{shown}:{bound}/")
    return runner, urls


def serve(
    settings: ServeSettings, host: str, port: int, *, ready: Callable[[list[str]], None]
) -> None:
    """Serve until SIGINT or SIGTERM; ``ready`` is told the URLs once listening."""

    async def main() -> None:
        runner, urls = await start(settings, host, port)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        ready(urls)
        try:
            await stop.wait()
        finally:
            await runner.cleanup()

    asyncio.run(main())
