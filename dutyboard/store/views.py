"""Keyset-paged views over requests, leads and contacts for the live panels.

A panel never loads a table: it asks for a count, for pages of rows after (or before) a
known sort key, and for a sparse list of "anchor" keys (one every N rows) so that a jump
to any scroll position costs at most one page-sized walk from the nearest anchor. No
``OFFSET`` anywhere: its cost grows with the offset, a keyset seek's does not.

Sorts are tuples of SQL expressions, all in one direction, ending in ``id`` so that every
key is unique; nullable columns are wrapped in ``COALESCE`` so keys compare as row values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from dutyboard.domain.clock import to_iso
from dutyboard.domain.status import OPEN_LEAD_STATUSES, OPEN_REQUEST_STATUSES, LeadStatus
from dutyboard.store.counts import OVERDUE, WAITING
from dutyboard.store.sqltext import LEAD_STAGE_ORDER_SQL
from dutyboard.store.store import Row, Store

Table = Literal["requests", "leads", "contacts"]
Key = tuple[Any, ...]

# name → (label, sort expressions before the id tiebreak)
SORTS: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {
    "requests": {
        "pressing": ("most pressing", ("priority_rank", "received_at")),
        "received": ("received", ("received_at",)),
        "due": ("due", ("COALESCE(due_by, '9999')",)),
        "org": ("unit", ("org",)),
        "item": ("item", ("item",)),
        "quantity": ("quantity", ("COALESCE(quantity, 0)",)),
        "status": ("status", ("status",)),
        "assignee": ("owner", ("COALESCE(assignee, '')",)),
    },
    "leads": {
        "next": ("next action", ("COALESCE(next_action_at, '9999')",)),
        "supplier": ("supplier", ("supplier",)),
        "country": ("country", ("COALESCE(country, '')",)),
        "item": ("item", ("item",)),
        "quantity": ("quantity", ("COALESCE(quantity, 0)",)),
        # Pipeline order (new … customs, received, dropped), read from the m110 index.
        "status": ("stage", (LEAD_STAGE_ORDER_SQL,)),
        "updated": ("last update", ("updated_at",)),
    },
    "contacts": {
        # Expressions filled in from ViewSpec.ranking (see _ranking_expr).
        "reach": ("reachable first", ("<ranking>", "name")),
        "name": ("name", ("name",)),
        "country": ("country", ("COALESCE(country, '')", "name")),
        "org": ("organisation", ("COALESCE(org, '')", "name")),
        "tz": ("time zone", ("COALESCE(tz, '')", "name")),
        "last_contacted": ("last contacted", ("COALESCE(last_contacted, '')",)),
    },
}
DEFAULT_SORT: dict[str, str] = {"requests": "pressing", "leads": "next", "contacts": "reach"}
# The same profile key as dutyboard.domain.contact_groups.ContactProfile.key, in SQL.
PROFILE_KEY_SQL = " || '|' || ".join(
    f"COALESCE({c}, '')" for c in ("tz", "country", "subdivision", "work_hours", "weekend")
)
TEXT_COLUMNS: dict[str, tuple[str, ...]] = {
    "requests": ("org", "item", "requester", "notes", "assignee"),
    "leads": (
        *("supplier", "item", "contact_name", "country", "certification", "notes"),
        "next_action",
    ),
    # A contact is found by what the officer remembers of them: a role ("consul"), a note,
    # a number or chat ID (WeChat, WhatsApp; a Telegram or Line ID is one of the source's
    # other fields, see TEXT_IN_EXTRA).
    "contacts": (
        *("name", "org", "role", "city", "country", "tz", "tags", "languages", "notes"),
        *("phone", "email", "wechat", "whatsapp"),
    ),
}
# Tables whose filter also reads the values (not the keys) of ``extra``, the fields from
# the source that have no column of their own (a contact's Telegram handle, Skype name…).
# ``extra`` is JSON text as the store writes it; text that is not JSON (a row written by
# hand) is not read, rather than failing the whole page.
TEXT_IN_EXTRA = frozenset({"contacts"})
OPEN_STATUSES: dict[str, frozenset[str]] = {
    "requests": frozenset(OPEN_REQUEST_STATUSES),
    "leads": frozenset(OPEN_LEAD_STATUSES),
}


def open_status_sql(table: str) -> str:
    """``status IN ('…', …)`` for the open statuses of ``table``, written as literals.

    SQLite uses a partial index only when the query repeats the index's WHERE term, and
    never for a term with bound parameters; the schema's open-record indexes are built
    from this same text (the statuses are the domain's constants, never user input).
    """
    return "status IN (" + ", ".join(f"'{s}'" for s in sorted(OPEN_STATUSES[table])) + ")"


@dataclass(frozen=True)
class ViewSpec:
    """What a panel shows: table, sort, and filters. Immutable; compare to detect change."""

    table: Table
    sort: str = ""
    descending: bool = False
    text: str = ""
    open_only: bool = True
    statuses: frozenset[str] = field(default_factory=frozenset)
    assignee: str | None = None
    urgent: bool = False
    overdue: bool = False
    # Contact profile keys, best first: the order of the "reach" sort.
    ranking: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.sort:
            object.__setattr__(self, "sort", DEFAULT_SORT[self.table])
        if self.sort not in SORTS[self.table]:
            raise ValueError(f"cannot sort {self.table} by {self.sort!r}")

    def with_(self, **changes: Any) -> ViewSpec:
        return replace(self, **changes)

    @property
    def sort_exprs(self) -> tuple[str, ...]:
        exprs = SORTS[self.table][self.sort][1]
        return (*(self._ranking_expr() if e == "<ranking>" else e for e in exprs), "id")

    def _ranking_expr(self) -> str:
        """CASE mapping each contact's profile key to its rank; unranked profiles last.

        Keys are embedded as SQL string literals (quotes doubled), never concatenated raw.
        """
        if not self.ranking:
            return "(0 + 0)"  # a bare 0 in ORDER BY would mean "column 0"
        whens = " ".join(
            f"WHEN '{key.replace(chr(39), chr(39) * 2)}' THEN {rank}"
            for rank, key in enumerate(self.ranking)
        )
        return f"(CASE {PROFILE_KEY_SQL} {whens} ELSE {len(self.ranking)} END)"

    @property
    def sort_label(self) -> str:
        return SORTS[self.table][self.sort][0] + (" ↓" if self.descending else "")


# Indexes holding the open records in a view's order: partial indexes of exactly the open
# records (schema m050), and the leads' stage order (m110), whose first ranks are the open
# stages (see _open_stage_range). SQLite, without statistics (a desk never runs ANALYZE),
# prefers the status index and then sorts every open record for each page, so these are
# named outright.
OPEN_ORDER_INDEXES: dict[tuple[str, str], str] = {
    ("requests", "pressing"): "requests_open_pressing",
    ("leads", "next"): "leads_open_next",
    ("leads", "status"): "leads_stage_order",
}
# The stages in the order LEAD_STAGE_ORDER_SQL ranks them (tests/store check they agree).
LEAD_STAGES: tuple[str, ...] = tuple(s.value for s in LeadStatus)
# The open stages are the pipeline's first ones (new … customs): their ranks are 0 … n-1.
_OPEN_STAGES_FIRST = sorted(LEAD_STAGES.index(s) for s in OPEN_LEAD_STATUSES) == list(
    range(len(OPEN_LEAD_STATUSES))
)


def _open_stage_range(spec: ViewSpec) -> str | None:
    """For open leads by stage: the open stages are the pipeline's first ones, so the same
    records are one range of the stage index (``… < 6``), read without walking past every
    received and dropped lead (a page from the end, a count of what comes before)."""
    if spec.table != "leads" or spec.sort != "status" or spec.statuses or not spec.open_only:
        return None
    if not _OPEN_STAGES_FIRST:
        return None  # an open stage after a closed one: the status term alone says it
    return f"{LEAD_STAGE_ORDER_SQL} < {len(OPEN_LEAD_STATUSES)}"


def _ordered_source(store: Store, spec: ViewSpec) -> str:
    """The table to read a view's rows in order from, pinned to its partial index when
    the view is all open records in that index's order. Not with "mine": the assignee
    index finds one officer's few records faster than a walk through every open one.
    PostgreSQL takes no hints: its planner's choice is checked by the tests' EXPLAIN."""
    index = OPEN_ORDER_INDEXES.get((spec.table, spec.sort))
    if (
        index
        and not store.postgres
        and spec.open_only
        and not spec.statuses
        and spec.assignee is None
    ):
        return f"{spec.table} INDEXED BY {index}"
    return spec.table


def _where(store: Store, spec: ViewSpec) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if spec.statuses:
        clauses.append(f"status IN ({','.join('?' for _ in spec.statuses)})")
        params.extend(sorted(spec.statuses))
    elif spec.open_only and spec.table in OPEN_STATUSES:
        clauses.append(open_status_sql(spec.table))
        stage_range = _open_stage_range(spec)
        if stage_range is not None:
            clauses.append(stage_range)
    if spec.assignee is not None and spec.table != "contacts":
        clauses.append("assignee = ?")
        params.append(spec.assignee)
    if spec.urgent and spec.table == "requests":
        clauses.append("priority_rank = 0")
    if spec.overdue:
        now = to_iso(store.clock())
        late = {"requests": OVERDUE, "leads": WAITING}.get(spec.table)
        if late is not None:
            # The time term alone: the open statuses are the literal ones above.
            clauses.append(late.term)
            params.append(now)
    for word in spec.text.split():
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        terms = [f"{c} LIKE ? ESCAPE '\\'" for c in TEXT_COLUMNS[spec.table]]
        if spec.table in TEXT_IN_EXTRA:
            terms.append(_EXTRA_LIKE.format(table=spec.table))
        clauses.append("(" + " OR ".join(terms) + ")")
        params.extend([pattern] * len(terms))
    return (" AND ".join(clauses) or "TRUE"), params


# A word in any value of ``extra`` (CASE: json_each is never run on text that is not JSON).
_EXTRA_LIKE = (
    "CASE WHEN json_valid({table}.extra) THEN EXISTS (SELECT 1 FROM json_each({table}.extra) "
    "AS x WHERE x.value LIKE ? ESCAPE '\\') ELSE FALSE END"
)


def _key_compare(exprs: Sequence[str], forward: bool, *, inclusive: bool = False) -> str:
    cols = ", ".join(exprs)
    marks = ", ".join("?" for _ in exprs)
    op = (">" if forward else "<") + ("=" if inclusive else "")
    return f"({cols}) {op} ({marks})"


def count(store: Store, spec: ViewSpec) -> int:
    where, params = _where(store, spec)
    with store._lock:
        row = store.conn.execute(f"SELECT count(*) FROM {spec.table} WHERE {where}", params)
        return int(row.fetchone()[0])


def page(
    store: Store,
    spec: ViewSpec,
    after: Key | None,
    limit: int,
    *,
    backward: bool = False,
    inclusive: bool = False,
) -> list[Row]:
    """Rows in display order, strictly after ``after`` (or before it when ``backward``).

    ``after=None`` means from the start (or, backward, from the end); ``inclusive``
    includes the row whose key is ``after``. Backward pages are returned in display order
    too, ending just before ``after``.
    """
    if _by_profile(spec):
        return _profile_page(store, spec, after, limit, backward=backward, inclusive=inclusive)
    where, params = _where(store, spec)
    exprs = spec.sort_exprs
    forward = not backward
    ascending = forward != spec.descending
    if after is not None:
        where += " AND " + _key_compare(exprs, ascending, inclusive=inclusive)
        params.extend(after)
    order = ", ".join(f"{e} {'ASC' if ascending else 'DESC'}" for e in exprs)
    keys = ", ".join(f"{e} AS _k{i}" for i, e in enumerate(exprs))
    source = _ordered_source(store, spec)
    sql = f"SELECT *, {keys} FROM {source} WHERE {where} ORDER BY {order} LIMIT ?"
    with store._lock:
        rows = [dict(r) for r in store.conn.execute(sql, (*params, limit))]
    if backward:
        rows.reverse()
    return rows


def key_of(spec: ViewSpec, row: Row) -> Key:
    """The sort key of a row fetched by :func:`page`."""
    return tuple(row[f"_k{i}"] for i in range(len(spec.sort_exprs)))


def anchors(store: Store, spec: ViewSpec, every: int) -> list[Key]:
    """Keys of rows 0, every, 2·every, … — a sparse index for jumps. One ordered scan."""
    if _by_profile(spec):
        return _profile_anchors(store, spec, every)
    where, params = _where(store, spec)
    exprs = spec.sort_exprs
    direction = "DESC" if spec.descending else "ASC"
    order = ", ".join(f"{e} {direction}" for e in exprs)
    keys = ", ".join(f"{e} AS _k{i}" for i, e in enumerate(exprs))
    names = ", ".join(f"_k{i}" for i in range(len(exprs)))
    sql = (
        f"SELECT {names} FROM (SELECT {keys}, row_number() OVER (ORDER BY {order}) AS _rn "
        f"FROM {_ordered_source(store, spec)} WHERE {where}) AS ranked "
        "WHERE (_rn - 1) % ? = 0 ORDER BY _rn"
    )
    with store._lock:
        return [tuple(r) for r in store.conn.execute(sql, (*params, every))]


def position(store: Store, spec: ViewSpec, key: Key) -> int:
    """How many rows of the view come before ``key``."""
    if _by_profile(spec):
        return _profile_position(store, spec, key)
    where, params = _where(store, spec)
    where += " AND " + _key_compare(spec.sort_exprs, spec.descending)
    with store._lock:
        row = store.conn.execute(
            f"SELECT count(*) FROM {_ordered_source(store, spec)} WHERE {where}", (*params, *key)
        )
        return int(row.fetchone()[0])


def find(store: Store, spec: ViewSpec, record_id: int) -> Key | None:
    """The sort key of one record if it is in the view, else None."""
    where, params = _where(store, spec)
    keys = ", ".join(spec.sort_exprs)
    with store._lock:
        row = store.conn.execute(
            f"SELECT {keys} FROM {spec.table} WHERE id = ? AND {where}", (record_id, *params)
        ).fetchone()
    return tuple(row) if row is not None else None


# -- contacts, reachable first -----------------------------------------------------------
#
# The "reach" order ranks each contact's zone profile (a few dozen at most) and then sorts
# by name. As one ORDER BY over a CASE that is a sort of every contact for every page, so
# a page walks the profiles in rank order instead, each an ordered range of the index on
# (profile key, name, id) (schema m060); the last group holds every unranked profile.


def _profile_source(store: Store) -> str:
    # Named outright: without statistics SQLite would rather walk the name index in order.
    return "contacts" if store.postgres else "contacts INDEXED BY contacts_profile_name"


def _by_profile(spec: ViewSpec) -> bool:
    return spec.table == "contacts" and spec.sort == "reach" and bool(spec.ranking)


def _profile_groups(spec: ViewSpec) -> list[tuple[int, str, list[Any]]]:
    """(rank, WHERE term, its parameters) per profile group, in ascending rank."""
    # A key listed twice keeps its first rank, as the CASE's first WHEN would.
    first_rank = {key: rank for rank, key in reversed(list(enumerate(spec.ranking)))}
    groups: list[tuple[int, str, list[Any]]] = [
        (rank, f"{PROFILE_KEY_SQL} = ?", [key])
        for rank, key in enumerate(spec.ranking)
        if first_rank[key] == rank
    ]
    marks = ",".join("?" for _ in spec.ranking)
    groups.append((len(spec.ranking), f"{PROFILE_KEY_SQL} NOT IN ({marks})", list(spec.ranking)))
    return groups


def _profile_page(
    store: Store, spec: ViewSpec, after: Key | None, limit: int, *, backward: bool, inclusive: bool
) -> list[Row]:
    where, params = _where(store, spec)
    ascending = (not backward) != spec.descending
    direction = "ASC" if ascending else "DESC"
    groups = _profile_groups(spec)
    rows: list[Row] = []
    with store._lock:
        for rank, term, term_params in groups if ascending else reversed(groups):
            if after is not None and (rank < after[0] if ascending else rank > after[0]):
                continue
            sql_where, sql_params = f"{where} AND {term}", [*params, *term_params]
            if after is not None and rank == after[0]:
                sql_where += " AND " + _key_compare(("name", "id"), ascending, inclusive=inclusive)
                sql_params += [after[1], after[2]]
            sql = (
                f"SELECT *, {rank} AS _k0, name AS _k1, id AS _k2 FROM {_profile_source(store)} "
                f"WHERE {sql_where} ORDER BY name {direction}, id {direction} LIMIT ?"
            )
            rows += [dict(r) for r in store.conn.execute(sql, (*sql_params, limit - len(rows)))]
            if len(rows) >= limit:
                break
    if backward:
        rows.reverse()
    return rows


def _profile_position(store: Store, spec: ViewSpec, key: Key) -> int:
    where, params = _where(store, spec)
    ahead = 0
    with store._lock:
        for rank, term, term_params in _profile_groups(spec):
            if rank == key[0]:
                compare = _key_compare(("name", "id"), spec.descending)
                sql = (
                    f"SELECT count(*) FROM {_profile_source(store)} "
                    f"WHERE {where} AND {term} AND {compare}"
                )
                sql_params = [*params, *term_params, key[1], key[2]]
            elif (rank < key[0]) != spec.descending:
                sql = f"SELECT count(*) FROM {_profile_source(store)} WHERE {where} AND {term}"
                sql_params = [*params, *term_params]
            else:
                continue
            ahead += int(store.conn.execute(sql, sql_params).fetchone()[0])
    return ahead


def _profile_anchors(store: Store, spec: ViewSpec, every: int) -> list[Key]:
    """``anchors`` walked group by group: each group numbers its rows in index order, and
    the rows before it (counted on the same index) place its numbers in the whole view."""
    where, params = _where(store, spec)
    direction = "DESC" if spec.descending else "ASC"
    groups = _profile_groups(spec)
    keys: list[Key] = []
    before = 0
    with store._lock:
        for rank, term, term_params in reversed(groups) if spec.descending else groups:
            sql_params = [*params, *term_params]
            sql = (
                f"SELECT {rank}, name, id FROM (SELECT name, id, row_number() OVER "
                f"(ORDER BY name {direction}, id {direction}) AS _rn FROM {_profile_source(store)} "
                f"WHERE {where} AND {term}) WHERE (? + _rn - 1) % ? = 0 ORDER BY _rn"
            )
            keys += [tuple(r) for r in store.conn.execute(sql, (*sql_params, before, every))]
            before += int(
                store.conn.execute(
                    f"SELECT count(*) FROM {_profile_source(store)} WHERE {where} AND {term}",
                    sql_params,
                ).fetchone()[0]
            )
    return keys


def contact_profiles(store: Store) -> list[Row]:
    """The distinct (zone, country, hours, weekend) profiles among contacts."""
    with store._lock:
        return [
            dict(r)
            for r in store.conn.execute(
                "SELECT DISTINCT tz, country, subdivision, work_hours, weekend FROM contacts"
            )
        ]
