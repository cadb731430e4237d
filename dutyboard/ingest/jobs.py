"""What the collector's jobs (drop-folder watchers, feed pollers) share.

A job reports each event as one log line (:data:`Log`), with every name and message from
outside made safe for it (:func:`say`); it waits so that a stop ends the wait at once
(:func:`sleep_or_stop`); a file or a feed that cannot be taken is a :class:`FeedError`
whose message is one line for people; and what it reads is imported as its source is
configured (:func:`ingest_for`).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from dutyboard.domain.limits import Limits
from dutyboard.domain.text import clean_text
from dutyboard.ingest.sources import SourceConfig
from dutyboard.ingest.store_sink import IngestSummary, ingest_bytes
from dutyboard.store import Store

Log = Callable[[str], None]


@dataclass
class CollectReport:
    """What a collector run did, for ``collect --once`` exit codes and tests."""

    files: int = 0
    pages: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    unreadable: int = 0
    failures: int = 0  # fetches or scans that failed
    not_modified: int = 0
    # files found changing after they were read (nothing written from that read, or, if
    # they changed during the import, left in the inbox to be read again) and files
    # quarantined as still changing after max_wait_seconds
    incomplete: int = 0
    lease_lost: bool = False
    summaries: list[IngestSummary] = field(default_factory=list)

    def add(self, summary: IngestSummary) -> None:
        self.summaries.append(summary)
        self.added += summary.added
        self.updated += summary.updated
        self.unchanged += summary.unchanged
        self.quarantined += summary.quarantined
        if summary.error is not None:
            self.unreadable += 1

    @property
    def clean(self) -> bool:
        return not (
            self.quarantined
            or self.unreadable
            or self.failures
            or self.incomplete
            or self.lease_lost
        )


class Host(Protocol):
    """What a folder watcher or feed poller needs of the collector that runs it (the
    :class:`dutyboard.ingest.collector.Collector`; a protocol, so neither imports it)."""

    limits: Limits
    rng: random.Random
    store: Store | None  # while running
    stop: asyncio.Event
    report: CollectReport

    @property
    def store_(self) -> Store: ...

    def log(self, line: str) -> None: ...

    async def health(
        self,
        name: str,
        *,
        error: str | None = None,
        latency_ms: float | None = None,
        validators: tuple[str | None, str | None] | None = None,
        file: str | None = None,
    ) -> None: ...


class FeedError(Exception):
    """A feed could not be fetched, or a file read or moved; the message is one line
    for people."""


def say(text: object, limit: int = 300) -> str:
    """Names and messages from outside, made safe for one log line."""
    return clean_text(str(text), limit=limit).replace("\n", " ")


async def sleep_or_stop(stop: asyncio.Event, seconds: float) -> bool:
    """Sleep up to ``seconds``; True when ``stop`` was set meanwhile."""
    if seconds <= 0:
        return stop.is_set()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    return stop.is_set()


def ingest_for(
    store: Store,
    source: SourceConfig,
    data: bytes,
    name: str,
    *,
    location: str,
    limits: Limits,
    clears: bool = True,
) -> IngestSummary:
    """Import ``data`` (a file or a page named ``name``) as ``source`` is configured: its
    kind, column mapping, time zone, format, duplicate window and ``force_kind``
    (``store_sink.ingest_bytes``)."""
    return ingest_bytes(
        store,
        data,
        name,
        kind=source.kind,
        source=source.name,
        location=location,
        mapping=dict(source.mapping),
        zone=source.zone,
        fmt=source.format,
        duplicate_window_hours=source.duplicate_window_hours,
        limits=limits,
        force_kind=source.force_kind,
        clears=clears,
        phone_region=source.phone_region,
    )
