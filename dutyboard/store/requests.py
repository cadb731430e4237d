"""Request commands: add one, acknowledge it, move it along its status machine.

:class:`RequestCommands` is a mixin of :class:`~dutyboard.store.Store`: call sites say
``store.add_request(...)``. Each command is one short write transaction with its events
(:class:`~dutyboard.store.base.StoreCore`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dutyboard.domain.status import (
    OPEN_REQUEST_STATUSES,
    REASON_REQUIRED,
    Priority,
    RequestStatus,
    check_request_transition,
    shown_word,
)
from dutyboard.domain.text import UNLIMITED, clean_text
from dutyboard.i18n import _
from dutyboard.store.base import Row, StoreCore
from dutyboard.store.errors import NotFound, ValidationError


class RequestCommands:
    """The request commands of the store (and its two request queries, which only the
    tests use)."""

    def add_request(self: StoreCore, fields: Mapping[str, Any]) -> int:
        _check_priority(fields.get("priority"))
        with self.transaction() as conn:
            return self.insert_record(conn, "requests", fields)

    def set_request_status(
        self: StoreCore,
        request_id: int,
        status: str,
        *,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> Row:
        """Move a request along its status machine; closing or rejecting needs a reason."""
        with self.transaction() as conn:
            self.check_fresh(conn, "requests", request_id, expected_version)
            current = conn.execute(
                "SELECT status, notes FROM requests WHERE id = ?", (request_id,)
            ).fetchone()
            if current is None:
                raise NotFound(_("request #{id} does not exist").format(id=request_id))
            target = check_request_transition(current["status"], status)
            changes: dict[str, Any] = {"status": target.value}
            reason = clean_text(reason, UNLIMITED) if reason else reason
            if target in REASON_REQUIRED and not (reason or "").strip():
                raise ValidationError(
                    _("say why the request is {status}").format(status=shown_word(target.value))
                )
            if reason and reason.strip():
                changes["notes"] = self._append_note(current["notes"], f"{target.value}: {reason}")
            return self.update_record(
                conn,
                "requests",
                request_id,
                changes,
                action="status",
                expected_version=expected_version,
            )

    def acknowledge_request(
        self: StoreCore, request_id: int, *, expected_version: int | None = None
    ) -> Row:
        """Acknowledge a new request and, if nobody owns it, take it."""
        with self.transaction() as conn:
            self.check_fresh(conn, "requests", request_id, expected_version)
            row = conn.execute(
                "SELECT status, assignee FROM requests WHERE id = ?", (request_id,)
            ).fetchone()
            if row is None:
                raise NotFound(_("request #{id} does not exist").format(id=request_id))
            target = check_request_transition(row["status"], RequestStatus.ACKNOWLEDGED)
            changes: dict[str, Any] = {"status": target.value}
            if not row["assignee"]:
                changes["assignee"] = self.actor
            return self.update_record(
                conn,
                "requests",
                request_id,
                changes,
                action="acknowledge",
                expected_version=expected_version,
            )

    # -- queries --------------------------------------------------------------------------

    def open_requests(self: StoreCore, limit: int = 200) -> list[Row]:
        """Open requests, most pressing first (urgent, then oldest)."""
        marks = ",".join("?" for _ in OPEN_REQUEST_STATUSES)
        return self._all(
            f"SELECT * FROM requests WHERE status IN ({marks}) "
            "ORDER BY priority_rank, received_at, id LIMIT ?",
            (*sorted(OPEN_REQUEST_STATUSES), limit),
        )

    def count_requests(self: StoreCore, *, open_only: bool = True) -> int:
        if not open_only:
            return int(self.conn.execute("SELECT count(*) FROM requests").fetchone()[0])
        marks = ",".join("?" for _ in OPEN_REQUEST_STATUSES)
        row = self._one(
            f"SELECT count(*) AS n FROM requests WHERE status IN ({marks})",
            tuple(sorted(OPEN_REQUEST_STATUSES)),
        )
        return int(row["n"]) if row else 0


def _check_priority(value: Any) -> None:
    if value is None:
        return
    try:
        Priority(value)
    except ValueError:
        raise ValidationError(
            _("priority {value!r} is not one of {choices}").format(
                value=value, choices=", ".join(p.value for p in Priority)
            )
        ) from None


__all__ = ["RequestCommands"]
