"""The collector: drop folders and HTTP feeds into the store, one lease-holding process.

Everything here is async and never blocks the event loop: file system calls, parsing and
SQLite writes run in ``asyncio.to_thread`` (the TUI may host the collector in-process).
The collector opens its own ``Store`` connection. Each source is one job:

* **Lease** — one ``leases`` row named ``collector`` (holder ``host:pid``, ``expires_at``),
  taken at start, renewed every third of its life, released at the end
  (:mod:`dutyboard.store.sources`). A second collector is refused with ``LeaseHeld``
  naming the holder; an expired lease (a crashed collector) is taken over. The same
  writes keep ``collector_last_run`` (started, seen alive, stopped), which outlives the
  lease: ``dutyboard check`` says from it when the collector last ran.
* **Drop folders** — :class:`~dutyboard.ingest.folder_watch.FolderWatcher`.
* **HTTP feeds** — :class:`~dutyboard.ingest.feed_poll.FeedPoller`.
* **Notifications** — with ``[[notify]]`` targets (``notify``), every
  ``interval_seconds`` (15 s) while it runs, and once in a single pass: the conditions and
  the outbox's sender (:class:`~dutyboard.notify.sender.NotifyLoop`), holding the
  ``notify-sender`` lease too, so a dashboard that sends while no collector runs stops
  when this one starts. Sending runs in threads of its own: a hanging target delays no
  source and no other target.
* **Failing** — a failed fetch or scan makes a source failing until the next good one; a
  failed *file* (unreadable, a quarantined row, incomplete, or one that cannot be read or
  moved on disk) until a later file from the source is clean or an officer resolves its
  quarantine (``store.quarantine``): the scans in between, and a feed's ``304``, do not
  clear it. A feed's poll is its unit: only a clean first page clears an earlier failure.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import random
import socket
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dutyboard.domain.clock import Clock, utcnow
from dutyboard.domain.limits import DEFAULT as DEFAULT_LIMITS
from dutyboard.domain.limits import Limits
from dutyboard.ingest.feed_poll import FeedPoller
from dutyboard.ingest.folder_watch import FolderWatcher
from dutyboard.ingest.jobs import CollectReport, Log, say, sleep_or_stop
from dutyboard.ingest.sources import SourceConfig
from dutyboard.store import Store, StoreError
from dutyboard.store.dburl import DeskLocation, PostgresLocation
from dutyboard.store.engine import DatabaseError
from dutyboard.store.sources import (
    acquire_lease,
    record_health,
    register_sources,
    release_lease,
    renew_lease,
)

if TYPE_CHECKING:
    import httpx

    from dutyboard.notify.sender import Deliver
    from dutyboard.notify.watch import NotifyLoop, NotifySetup

USER_AGENT = "dutyboard-collector"


def lease_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Collector:
    """Runs every enabled source; hold the lease while doing so.

    ``transport`` replaces httpx's network (tests); ``clock`` is the store's clock
    (lease expiry, record times); ``log`` receives one line per event; ``limits``
    (the config's ``[limits]``) bound what one file or page may cost to read.
    """

    def __init__(
        self,
        db_path: Path | DeskLocation,
        sources: list[SourceConfig],
        *,
        actor: str = "collector",
        log: Log | None = None,
        clock: Clock = utcnow,
        lease_seconds: float = 60.0,
        holder: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        rng: random.Random | None = None,
        limits: Limits = DEFAULT_LIMITS,
        phone_region: str | None = None,
        notify: NotifySetup | None = None,
        deliver: Deliver | None = None,
    ) -> None:
        self.db_path = db_path if isinstance(db_path, PostgresLocation) else Path(str(db_path))
        self.limits = limits  # what one file may take before it goes to quarantine
        self.phone_region = phone_region  # Store.phone_region: the desk's (Config)
        self.sources = [source for source in sources if source.enabled]
        self.actor = actor
        self._log = log or (lambda line: None)
        self.clock = clock
        self.lease_seconds = lease_seconds
        self.holder = holder or lease_holder()
        self.transport = transport
        self.rng = rng or random.Random()
        self.store: Store | None = None
        # Notifications out: the config's targets and settings (None or no targets: none),
        # and how one is sent (tests; default dutyboard.notify.channels.deliver).
        self.notify = notify
        self.deliver = deliver
        self.notify_loop: NotifyLoop | None = None
        self.stop = asyncio.Event()
        self.report = CollectReport()

    @property
    def store_(self) -> Store:
        assert self.store is not None, "the collector is not running"
        return self.store

    def log(self, line: str) -> None:
        self._log(line)

    async def health(
        self,
        name: str,
        *,
        error: str | None = None,
        latency_ms: float | None = None,
        validators: tuple[str | None, str | None] | None = None,
        file: str | None = None,
    ) -> None:
        try:
            await asyncio.to_thread(
                record_health,
                self.store_,
                name,
                error=error,
                latency_ms=latency_ms,
                validators=validators,
                file=file,
            )
        except (StoreError, DatabaseError) as exc:
            self.log(f"{say(name, 100)}: could not record its health: {exc}")

    def _client(self) -> httpx.AsyncClient:
        import httpx

        return httpx.AsyncClient(
            transport=self.transport,
            follow_redirects=False,  # FeedPoller._get follows them, on the same host only
            headers={"User-Agent": USER_AGENT},
            timeout=httpx.Timeout(60.0),  # the per-request deadline is asyncio's, per source
        )

    async def run(self, *, once: bool = False, stop: asyncio.Event | None = None) -> CollectReport:
        """Take the lease, run every source (one pass with ``once``), release the lease.

        Raises ``LeaseHeld`` when another collector runs. Setting ``stop`` ends the run
        after the file or page in hand.
        """
        if stop is not None:
            self.stop = stop
        store = await asyncio.to_thread(
            Store.open, self.db_path, actor=self.actor, clock=self.clock
        )
        store.phone_region = self.phone_region
        if self.notify is not None:
            store.desk_zone = self.notify.timezone
        self.store = store
        try:
            expires = await asyncio.to_thread(
                acquire_lease,
                store,
                self.holder,
                self.lease_seconds,
                once=once,
                sources=len(self.sources),
                # (when it is overdue: `dutyboard check`, store.sources.collector_status)
                interval_seconds=min((s.interval_seconds for s in self.sources), default=None),
            )
            self.log(f"collector {say(self.holder, 120)} holds the lease until {expires}")
            try:
                await asyncio.to_thread(register_sources, store, self.sources)
                if not self.sources:
                    self.log("no sources are configured ([[sources]] in the config file)")
                self.notify_loop = self._notify_loop(store)
                async with contextlib.AsyncExitStack() as stack:
                    client = None
                    if any(source.type == "http" for source in self.sources):
                        client = await stack.enter_async_context(self._client())
                    if once:
                        await self._once(client)
                    else:
                        await self._forever(client)
            finally:
                if self.notify_loop is not None:
                    # In-flight sends finish (or are sent again by the next sender).
                    await asyncio.to_thread(self.notify_loop.close)
                    self.notify_loop = None
                with contextlib.suppress(StoreError):
                    await asyncio.to_thread(release_lease, store, self.holder)
                self.log("collector stopped; lease released")
        finally:
            await asyncio.to_thread(store.close)
            self.store = None
        return self.report

    async def _once(self, client: httpx.AsyncClient | None) -> None:
        jobs: list[Awaitable[Any]] = []
        for source in self.sources:
            if source.type == "folder":
                jobs.append(FolderWatcher(self, source).once())
            else:
                assert client is not None
                jobs.append(FeedPoller(self, source).poll_once(client))
        await asyncio.gather(*jobs)
        if self.notify_loop is not None:
            await self._notify_pass(self.notify_loop, wait=None)

    def _notify_loop(self, store: Store) -> NotifyLoop | None:
        if self.notify is None or not self.notify.targets:
            return None
        from dutyboard.notify.watch import NotifyLoop

        return NotifyLoop(
            store, self.notify, holder=self.holder, deliver=self.deliver, log=self.log
        )

    async def _notify_pass(self, loop: NotifyLoop, *, wait: float | None) -> None:
        """One pass of conditions and sender; an error is a log line, never the end."""
        try:
            await asyncio.to_thread(loop.run_pass, None, wait=wait)
        except (StoreError, DatabaseError) as error:
            self.log(f"notify: could not look at the outbox ({say(error, 200)}); trying again")
        except Exception as error:
            self.report.failures += 1
            self.log(f"notify: unexpected {type(error).__name__}: {say(error, 200)}")

    async def _notify_forever(self, loop: NotifyLoop) -> None:
        """Conditions and sender every ``interval_seconds`` while the collector runs; the
        pass hands deliveries to their threads and does not wait for them."""
        while not self.stop.is_set():
            await self._notify_pass(loop, wait=0)
            if await sleep_or_stop(self.stop, loop.interval_seconds):
                return

    async def _forever(self, client: httpx.AsyncClient | None) -> None:
        tasks = [asyncio.create_task(self._keep_lease())]
        if self.notify_loop is not None:
            tasks.append(asyncio.create_task(self._notify_forever(self.notify_loop)))
        for source in self.sources:
            loop: Callable[[asyncio.Event], Awaitable[None]]
            if source.type == "folder":
                loop = FolderWatcher(self, source).run
            else:
                assert client is not None
                loop = functools.partial(FeedPoller(self, source).run, client)
            tasks.append(asyncio.create_task(self._guarded(source, loop)))
        try:
            await self.stop.wait()
        finally:
            self.stop.set()
            _done, pending = await asyncio.wait(tasks, timeout=30)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=5)

    async def _guarded(
        self, source: SourceConfig, job: Callable[[asyncio.Event], Awaitable[None]]
    ) -> None:
        """Run one source's loop; an unexpected error restarts it after a pause."""
        pause = 1.0
        while not self.stop.is_set():
            try:
                await job(self.stop)
                return
            except Exception as error:
                self.report.failures += 1
                self.log(
                    f"{say(source.name, 100)}: unexpected {type(error).__name__}: "
                    f"{say(error, 200)}; restarting in {pause:g} s"
                )
                if await sleep_or_stop(self.stop, pause):
                    return
                pause = min(pause * 2, 300.0)

    async def _keep_lease(self) -> None:
        every = max(self.lease_seconds / 3, 0.05)
        while not await sleep_or_stop(self.stop, every):
            try:
                ours = await asyncio.to_thread(
                    renew_lease, self.store_, self.holder, self.lease_seconds
                )
            except (StoreError, DatabaseError) as error:
                self.log(f"could not renew the lease ({error}); trying again")
                continue
            if not ours:
                self.report.lease_lost = True
                self.log("the lease was taken over by another collector; stopping")
                self.stop.set()
                return
