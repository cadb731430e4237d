"""Read a quarantined file again, from the original bytes the store kept.

After a mapping or config change (a column mapped, a zone set, ``force_kind``), the
officer retries: the file's bytes (``original_files``) go through ``ingest_bytes`` again
with the source's *current* settings. It is one new run, in one transaction: rows that
now import become records (rows that were fine the first time are found unchanged), the
old quarantine rows of that file become ``retried`` with the new run's id, and rows still
bad are open rows of the new run. The store API finds the files and marks the rows
(:mod:`dutyboard.store.quarantine`); this module only joins it to the importer, since the
store never imports ingest.

``proposed_fields`` reads one quarantined row again for the dashboard's fix form: the
fields the importer could read, and the bad value as written, for the officer to correct.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dutyboard.domain.limits import DEFAULT as DEFAULT_LIMITS
from dutyboard.domain.limits import Limits
from dutyboard.domain.status import shown_word
from dutyboard.domain.text import clean_text
from dutyboard.i18n import _
from dutyboard.ingest.aliases import CANONICAL_FIELDS
from dutyboard.ingest.records import KINDS, Kind, UnreadableFile
from dutyboard.ingest.sources import SourceConfig
from dutyboard.ingest.store_sink import IngestSummary, ingest_bytes
from dutyboard.store import Store, ValidationError
from dutyboard.store import quarantine as qstore

# Reading a whole file again to fill one form: not for files bigger than this (the form
# then starts empty, the original text beside it).
PROPOSAL_MAX_BYTES = 20_000_000
_PLACEHOLDER = "__quarantined_value__"


@dataclass
class Retried:
    """What retrying one file did: its new run (``summary``), or why it could not."""

    target: qstore.RetryTarget
    summary: IngestSummary | None = None
    problem: str | None = None  # the bytes were not kept: nothing could be read again

    def line(self) -> str:
        """One line for people, in the interface language."""
        name = clean_text(self.target.name, limit=200).replace("\n", " ")
        rows = len(self.target.quarantine_ids)
        head = (
            _("{name} ({source}, {rows} open row)")
            if rows == 1
            else _("{name} ({source}, {rows} open rows)")
        ).format(name=name, source=self.target.source, rows=rows)
        if self.summary is None:
            return _("{head}: not retried: {problem}").format(head=head, problem=self.problem)
        return _("{head}: run #{run}: {counts}").format(
            head=head, run=self.summary.run_id, counts=self.summary.outcome()
        )


def _configured(sources: Sequence[SourceConfig], name: str) -> SourceConfig | None:
    for source in sources:
        if source.name == name:
            return source
    return None


def _kind(value: str, configured: SourceConfig | None) -> Kind:
    if configured is not None:
        return configured.kind
    for kind in KINDS:
        if kind == value:
            return kind
    return "requests"


def retry(
    store: Store,
    *,
    quarantine_id: int | None = None,
    sha256: str | None = None,
    source: str | None = None,
    sources: Sequence[SourceConfig] = (),
    default_zone: str = "UTC",
    limits: Limits = DEFAULT_LIMITS,
    force_kind: bool = False,
) -> list[Retried]:
    """Retry the file of one quarantine row, one file (by SHA-256 or a prefix), or every
    file of a source that has open rows; each file with its source's current settings
    (``sources``; a source not configured — ``cli`` — reads as it was read: its kind,
    detected format, ``default_zone``). Raises ``NotFound`` when nothing is open there,
    ``StaleEdit`` when someone resolved the rows meanwhile (nothing is written then)."""
    targets = qstore.retry_targets(store, quarantine_id=quarantine_id, sha256=sha256, source=source)
    done: list[Retried] = []
    for target in targets:
        data = qstore.original_bytes(store, target.sha256) if target.kept else None
        if data is None:
            done.append(
                Retried(
                    target,
                    problem=_(
                        "its original bytes were not kept (quarantined before dutyboard kept "
                        "them); put the file back in the drop folder, or discard the rows"
                    ),
                )
            )
            continue
        configured = _configured(sources, target.source)
        summary = ingest_bytes(
            store,
            data,
            target.name,
            kind=_kind(target.kind, configured),
            source=target.source,
            location=target.location,
            mapping=dict(configured.mapping) if configured else None,
            zone=configured.zone if configured else default_zone,
            fmt=configured.format if configured else None,
            duplicate_window_hours=configured.duplicate_window_hours if configured else 24.0,
            limits=limits,
            force_kind=force_kind or (configured.force_kind if configured else False),
            retrying=list(target.quarantine_ids),
            phone_region=configured.phone_region if configured else None,
        )
        done.append(Retried(target, summary))
    return done


@dataclass(frozen=True)
class Proposal:
    """What the fix form starts from: the row's kind, the fields read, the bad value."""

    kind: Kind
    fields: dict[str, Any]  # canonical field → value as read (ISO UTC for times)
    external_id: str | None = None
    note: str | None = None  # why nothing could be proposed, when nothing was


def proposed_fields(
    store: Store,
    quarantine_id: int,
    *,
    sources: Sequence[SourceConfig] = (),
    default_zone: str = "UTC",
    limits: Limits = DEFAULT_LIMITS,
) -> Proposal:
    """The fields of a quarantined row as far as the importer can read them.

    The kept file is parsed again with the problem column set aside (mapped to no field,
    so its value stays as written): the row then reads, and its bad value is proposed
    under the field it was meant for. A row whose problem is not one column (a required
    field missing) proposes nothing; the form then starts empty."""
    row = qstore.get_row(store, quarantine_id)
    configured = _configured(sources, str(row["source"]))
    kind = _kind(str(row["kind"] or ""), configured)
    if row["state"] != "open":
        raise ValidationError(
            _("quarantine row #{id} is {state} already").format(
                id=quarantine_id, state=shown_word(str(row["state"]))
            )
        )
    if row["row_number"] is None:
        return Proposal(kind, {}, note=_("the whole file was refused; type the record in"))
    if not row["file_kept"] or not row["file_sha256"]:
        return Proposal(kind, {}, note=_("the file's bytes were not kept"))
    if (row["file_size"] or 0) > PROPOSAL_MAX_BYTES:
        return Proposal(kind, {}, note=_("the file is too big to read again for one row"))
    data = qstore.original_bytes(store, str(row["file_sha256"]))
    if data is None:
        return Proposal(kind, {}, note=_("the file's bytes were not kept"))
    column = row["column_name"]
    mapping = dict(configured.mapping) if configured else {}
    if column:
        mapping[str(column)] = _PLACEHOLDER
    try:
        result = _parse(
            data, str(row["file_name"] or "file"), kind, mapping, configured, default_zone, limits
        )
    except UnreadableFile as error:
        return Proposal(kind, {}, note=clean_text(str(error), limit=300))
    found = next((r for r in result.rows if r.row_number == row["row_number"]), None)
    if found is None:
        return Proposal(kind, {}, note=_("the row still cannot be read; type the record in"))
    fields = dict(found.fields)
    if column:
        meant = _meant_field(str(row["reason"]), kind)
        value = found.extra.get(str(column))
        if meant is not None and value is not None:
            fields[meant] = value
    return Proposal(kind, fields, external_id=found.external_id)


def _parse(
    data: bytes,
    name: str,
    kind: Kind,
    mapping: dict[str, str],
    configured: SourceConfig | None,
    default_zone: str,
    limits: Limits,
) -> Any:
    from dutyboard.ingest.parse import parse_bytes

    return parse_bytes(
        data,
        name,
        kind,
        mapping=mapping,
        default_zone=configured.zone if configured else default_zone,
        fmt=configured.format if configured else None,
        limits=limits,
        force_kind=True,
    )


def _meant_field(reason: str, kind: Kind) -> str | None:
    """A value problem reads "quantity '12x' is not a number": its field comes first."""
    first = reason.split(" ", 1)[0]
    return first if first in CANONICAL_FIELDS[kind] else None
