"""HTTP feeds: poll a source's URL, follow its pages, keep its health.

``httpx.AsyncClient``; conditional requests (ETag / Last-Modified, kept in ``sources``),
a total deadline per request, retries with exponential backoff and jitter on network
errors, timeouts, 429 and 5xx, pages followed through ``next`` (KoBo),
``@odata.nextLink`` (OData) or a ``Link: rel="next"`` header, on the same origin only
(credentials never leave it). Each page is one transaction. Health goes to ``sources``.
A 200 answer that is an HTML page (a login or error page) is a failed fetch. A feed's
poll is its unit: only a clean first page clears an earlier failure, and a ``304``
clears none.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from dutyboard.domain.text import clean_text
from dutyboard.ingest.jobs import FeedError, Host, ingest_for, say, sleep_or_stop
from dutyboard.ingest.sources import MissingSecret, SourceConfig, resolve_headers
from dutyboard.ingest.store_sink import IngestSummary, in_english
from dutyboard.store import StoreError
from dutyboard.store.engine import DatabaseError
from dutyboard.store.sources import source_validators

if TYPE_CHECKING:
    # httpx is imported when a feed is polled: it loads rich and pygments for its own
    # CLI, which no other command (nor a folder-only collector) should pay for.
    import httpx


MAX_RETRY_DELAY = 300.0
MAX_REDIRECTS = 5


@dataclass
class _Page:
    url: str
    status: int
    body: bytes
    headers: httpx.Headers
    latency_ms: float
    next_link: str | None = None


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def _same_site(url: str, target: str) -> bool:
    """Same host and port; only http → https may change the scheme."""
    (scheme, host), (new_scheme, new_host) = _origin(url), _origin(target)
    if new_scheme not in ("http", "https") or not new_host:
        return False
    if scheme == "http" and new_scheme == "https":
        return host.split(":")[0] == new_host.split(":")[0]
    return (scheme, host) == (new_scheme, new_host)


def _page_name(url: str, content_type: str) -> str:
    """A name whose extension helps format detection (content decides in the end)."""
    name = PurePosixPath(urlsplit(url).path).name or "feed"
    if "." not in name:
        lowered = content_type.lower()
        for marker, suffix in (
            ("json", ".json"),
            ("csv", ".csv"),
            ("spreadsheetml", ".xlsx"),
            ("sheet.binary", ".xlsb"),  # application/vnd.ms-excel.sheet.binary.macroEnabled.12
            ("ms-excel", ".xls"),  # application/vnd.ms-excel (and the .xlsm type)
            ("opendocument.spreadsheet", ".ods"),
            ("vcard", ".vcf"),
        ):
            if marker in lowered:
                return name + suffix
    return name


_HTML_TYPES = ("text/html", "application/xhtml+xml")
_HTML_START = re.compile(rb"<(?:!doctype\s+html|html[\s>])", re.IGNORECASE)


def _html_page(page: _Page) -> str | None:
    """Why a 200 answer is an HTML page (a login, error or portal page), not data.

    HTML is no format dutyboard reads, and parsed as CSV it would be "ok, 0 rows".
    JSON mislabelled as ``text/html`` (common from small web apps) is still read.
    """
    content_type = page.headers.get("content-type", "").split(";")[0].strip().lower()
    head = page.body[:1024].removeprefix(b"\xef\xbb\xbf").lstrip()
    if _HTML_START.match(head) or (
        content_type in _HTML_TYPES and not head.startswith((b"{", b"["))
    ):
        label = say(content_type, 80) or "none"
        return (
            f"the feed answered with an HTML page (Content-Type {label}), not data: "
            "a login, error or portal page? Nothing was imported"
        )
    return None


def _json_next(body: bytes) -> str | None:
    head = body[:64].lstrip()
    if not head.startswith(b"{"):
        return None
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(document, dict):
        return None
    for key in ("next", "@odata.nextLink"):
        value = document.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


class FeedPoller:
    """One HTTP feed: poll every ``interval_seconds``, follow pages, keep health."""

    def __init__(self, collector: Host, source: SourceConfig) -> None:
        assert source.url is not None
        self.collector = collector
        self.source = source

    def log(self, message: str) -> None:
        self.collector.log(f"{say(self.source.name, 100)}: {message}")

    async def _fetch(self, client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> _Page:
        """GET with a total deadline per attempt and retries with backoff and jitter."""
        import httpx

        source, stop = self.source, self.collector.stop
        attempts = source.retries + 1
        problem = "no attempt made"
        for attempt in range(attempts):
            retry_after: float | None = None
            started = time.monotonic()
            try:
                async with asyncio.timeout(source.timeout_seconds):
                    page = await self._get(client, url, headers)
            except TimeoutError:
                problem = f"no complete answer within {source.timeout_seconds:g} s"
            except httpx.HTTPError as error:
                problem = f"{type(error).__name__}: {say(error, 200) or 'connection failed'}"
            else:
                page.latency_ms = (time.monotonic() - started) * 1000
                if page.status < 400:
                    return page
                reason = httpx.codes.get_reason_phrase(page.status)
                problem = f"HTTP {page.status} {reason}".strip()
                if page.status != 429 and page.status < 500:
                    if page.status in (401, 403):
                        problem += " (check the credentials named by token_env / headers_env)"
                    raise FeedError(problem)
                retry_after = _retry_after(page.headers.get("retry-after"))
            if attempt + 1 < attempts:
                delay = source.backoff_seconds * (2**attempt) * (0.5 + self.collector.rng.random())
                if retry_after is not None:
                    delay = max(delay, retry_after)
                delay = min(delay, MAX_RETRY_DELAY)
                self.log(f"{problem}; retry {attempt + 1} of {source.retries} in {delay:.1f} s")
                if await sleep_or_stop(stop, delay):
                    raise FeedError(f"{problem} (stopped before retrying)")
        raise FeedError(f"{problem} (after {attempts} attempt{'s' if attempts > 1 else ''})")

    async def _get(self, client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> _Page:
        """One GET; redirects are followed on the same host only (credentials stay there)."""
        for _ in range(MAX_REDIRECTS + 1):
            async with client.stream("GET", url, headers=headers) as response:
                if not response.has_redirect_location:
                    return await self._read(response)
                target = urljoin(url, response.headers.get("location", ""))
                if not _same_site(url, target):
                    raise FeedError(
                        f"redirected to {say(target, 200)}, another host; not followed "
                        "(credentials are only sent to the configured host)"
                    )
                url = target
        raise FeedError(f"more than {MAX_REDIRECTS} redirects")

    async def _read(self, response: httpx.Response) -> _Page:
        limit = self.source.max_bytes
        chunks: list[bytes] = []
        size = 0
        if response.status_code == 200:
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > limit:
                    raise FeedError(f"the answer is larger than max_bytes ({limit:,})")
                chunks.append(chunk)
        try:
            link = response.links.get("next", {}).get("url")
        except Exception:  # a malformed Link header is no reason to lose the page
            link = None
        return _Page(
            url=str(response.url),
            status=response.status_code,
            body=b"".join(chunks),
            headers=response.headers,
            latency_ms=0.0,
            next_link=link,
        )

    def _ingest_page(self, page: _Page, number: int = 1) -> tuple[IngestSummary, str | None]:
        store = self.collector.store
        assert store is not None
        source = self.source
        name = _page_name(page.url, page.headers.get("content-type", ""))
        summary = ingest_for(
            store,
            source,
            page.body,
            name,
            location=clean_text(page.url, limit=2000),
            limits=self.collector.limits,
            # The first page of a poll is the feed's latest answer: clean, it clears an
            # earlier failure; a later clean page never clears one of this same poll.
            clears=number == 1,
        )
        link = page.next_link or _json_next(page.body)
        return summary, urljoin(page.url, link) if link else None

    async def poll_once(self, client: httpx.AsyncClient) -> bool:
        """Fetch every page once; True when the source answered and everything was read."""
        collector, source = self.collector, self.source
        assert source.url is not None
        try:
            headers = resolve_headers(source)
        except MissingSecret as error:
            collector.report.failures += 1
            self.log(str(error))
            await collector.health(source.name, error=str(error))
            return False
        etag, modified = await asyncio.to_thread(source_validators, collector.store_, source.name)
        conditional = dict(headers)
        if etag:
            conditional["If-None-Match"] = etag
        if modified:
            conditional["If-Modified-Since"] = modified
        url = source.url
        try:
            page = await self._fetch(client, url, conditional)
        except FeedError as error:
            collector.report.failures += 1
            self.log(f"fetch failed: {error}")
            await collector.health(source.name, error=str(error))
            return False
        latency = page.latency_ms
        if page.status == 304:
            collector.report.not_modified += 1
            self.log(f"not modified ({latency:.0f} ms)")
            await collector.health(source.name, latency_ms=latency)
            return True
        validators = (page.headers.get("etag"), page.headers.get("last-modified"))
        origin = _origin(url)
        seen = {url}
        number = 1
        while True:
            if page.status != 200:
                error_text = f"page {number}: HTTP {page.status} cannot be read as data"
                collector.report.failures += 1
                self.log(error_text)
                await collector.health(source.name, error=error_text, latency_ms=latency)
                return False
            html = _html_page(page)
            if html is not None:
                error_text = f"page {number}: {html}"
                collector.report.failures += 1
                self.log(error_text)
                await collector.health(source.name, error=error_text, latency_ms=latency)
                return False
            try:
                summary, next_url = await asyncio.to_thread(self._ingest_page, page, number)
            except (StoreError, DatabaseError) as error:
                collector.report.failures += 1
                self.log(f"page {number} not imported: {error}")
                await collector.health(source.name, error=f"page {number}: {error}")
                return False
            collector.report.pages += 1
            collector.report.add(summary)
            self.log(f"page {number}: {summary.line(tr=in_english)}")
            if summary.error is not None:
                await collector.health(
                    source.name, error=f"page {number}: {summary.error}", latency_ms=latency
                )
                return False
            if next_url is None or collector.stop.is_set():
                break
            if _origin(next_url) != origin:
                self.log(f"the next link leaves {origin[1]}; not followed: {say(next_url)}")
                break
            if next_url in seen:
                self.log(f"the next link points back to a page already read: {say(next_url)}")
                break
            if number >= source.max_pages:
                self.log(f"stopped after max_pages ({source.max_pages}) pages")
                break
            seen.add(next_url)
            number += 1
            try:
                page = await self._fetch(client, next_url, headers)
            except FeedError as error:
                collector.report.failures += 1
                self.log(f"page {number} failed: {error}")
                await collector.health(source.name, error=f"page {number}: {error}")
                return False
        await collector.health(source.name, latency_ms=latency, validators=validators)
        return True

    async def run(self, client: httpx.AsyncClient, stop: asyncio.Event) -> None:
        while not stop.is_set():
            started = time.monotonic()
            await self.poll_once(client)
            left = self.source.interval_seconds - (time.monotonic() - started)
            if await sleep_or_stop(stop, left):
                return


def _retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if 0 <= seconds <= MAX_RETRY_DELAY else None
