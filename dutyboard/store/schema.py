"""The schema, as an ordered list of sqlite-utils migrations.

Never edit a migration that has shipped: add a new one. A database made by an older
version upgrades in place when it is next opened by an officer (read-write) process.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from dutyboard.domain.phones import e164_updates
from dutyboard.store.sqltext import (
    LEAD_STAGE_ORDER_SQL,
    PHONE_E164_ROWS_SQL,
    PHONE_E164_SQL,
    PHONE_E164_TABLES,
)

migrations = Migrations("dutyboard")

_TRACKED = """
    source TEXT NOT NULL DEFAULT 'manual',
    external_id TEXT,
    content_hash TEXT,
    raw TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
"""


def _run(db: Database, statements: str) -> None:
    # executescript() would COMMIT the migration's transaction; run one statement at a time.
    for statement in statements.split(";\n"):
        if statement.strip():
            db.execute(statement)


@migrations()
def m001_initial(db: Database) -> None:
    _run(
        db,
        f"""
CREATE TABLE requests (
    id INTEGER PRIMARY KEY,
    received_at TEXT NOT NULL,
    org TEXT NOT NULL,
    requester TEXT,
    phone TEXT,
    email TEXT,
    item TEXT NOT NULL,
    quantity NUMERIC,
    unit TEXT,
    priority TEXT NOT NULL DEFAULT 'normal'
        CHECK (priority IN ('urgent','high','normal','low')),
    priority_rank INTEGER GENERATED ALWAYS AS (
        CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END
    ) VIRTUAL,
    due_by TEXT,
    status TEXT NOT NULL DEFAULT 'new',
    assignee TEXT,
    notes TEXT,
    extra TEXT,
    {_TRACKED}
);
CREATE UNIQUE INDEX requests_identity ON requests(source, external_id)
    WHERE external_id IS NOT NULL;
CREATE INDEX requests_hash ON requests(source, content_hash);
CREATE TABLE leads (
    id INTEGER PRIMARY KEY,
    supplier TEXT NOT NULL,
    country TEXT,
    contact_name TEXT,
    phone TEXT,
    email TEXT,
    item TEXT NOT NULL,
    quantity NUMERIC,
    unit TEXT,
    unit_price REAL,
    currency TEXT,
    certification TEXT,
    lead_time_days INTEGER,
    status TEXT NOT NULL DEFAULT 'new',
    closure_reason TEXT,
    next_action_at TEXT,
    assignee TEXT,
    notes TEXT,
    extra TEXT,
    {_TRACKED}
);
CREATE UNIQUE INDEX leads_identity ON leads(source, external_id)
    WHERE external_id IS NOT NULL;
CREATE INDEX leads_hash ON leads(source, content_hash);
CREATE TABLE lead_requests (
    lead_id INTEGER NOT NULL REFERENCES leads(id),
    request_id INTEGER NOT NULL REFERENCES requests(id),
    quantity NUMERIC,
    created_at TEXT NOT NULL,
    PRIMARY KEY (lead_id, request_id)
);
CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'person',
    org TEXT,
    role TEXT,
    country TEXT,
    subdivision TEXT,
    city TEXT,
    tz TEXT,
    work_hours TEXT,
    weekend TEXT,
    languages TEXT,
    phone TEXT,
    email TEXT,
    wechat TEXT,
    whatsapp TEXT,
    tags TEXT,
    notes TEXT,
    last_contacted TEXT,
    extra TEXT,
    {_TRACKED}
);
CREATE UNIQUE INDEX contacts_identity ON contacts(source, external_id)
    WHERE external_id IS NOT NULL;
CREATE INDEX contacts_hash ON contacts(source, content_hash);
CREATE TABLE supplies (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('received','distributed')),
    item TEXT NOT NULL,
    quantity NUMERIC NOT NULL,
    unit TEXT,
    counterparty TEXT,
    lead_id INTEGER REFERENCES leads(id),
    request_id INTEGER REFERENCES requests(id),
    amount REAL,
    currency TEXT,
    notes TEXT,
    actor TEXT NOT NULL
);
CREATE TABLE shifts (
    id INTEGER PRIMARY KEY,
    officer TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    taken_over_from INTEGER REFERENCES shifts(id)
);
CREATE TABLE handovers (
    id INTEGER PRIMARY KEY,
    shift_id INTEGER NOT NULL REFERENCES shifts(id),
    from_officer TEXT NOT NULL,
    to_officer TEXT,
    state TEXT NOT NULL DEFAULT 'draft'
        CHECK (state IN ('draft','signed','acknowledged')),
    notes TEXT,
    created_at TEXT NOT NULL,
    signed_at TEXT,
    acknowledged_at TEXT,
    acknowledged_by TEXT,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE handover_items (
    id INTEGER PRIMARY KEY,
    handover_id INTEGER NOT NULL REFERENCES handovers(id),
    entity TEXT NOT NULL,
    entity_id INTEGER,
    summary TEXT NOT NULL,
    owner TEXT,
    next_step TEXT,
    acknowledged_at TEXT,
    acknowledged_by TEXT,
    question TEXT
);
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER,
    action TEXT NOT NULL,
    before TEXT,
    after TEXT
);
CREATE INDEX events_entity ON events(entity, entity_id, id);
CREATE INDEX events_at ON events(at);
CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    location TEXT NOT NULL,
    format TEXT,
    settings TEXT,
    last_ok_at TEXT,
    last_error_at TEXT,
    last_error TEXT
);
CREATE TABLE ingest_runs (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    location TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    result TEXT,
    rows_added INTEGER NOT NULL DEFAULT 0,
    rows_updated INTEGER NOT NULL DEFAULT 0,
    rows_unchanged INTEGER NOT NULL DEFAULT 0,
    rows_quarantined INTEGER NOT NULL DEFAULT 0,
    message TEXT
);
CREATE TABLE quarantine (
    id INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES ingest_runs(id),
    at TEXT NOT NULL,
    source TEXT NOT NULL,
    location TEXT NOT NULL,
    row_number INTEGER,
    column_name TEXT,
    reason TEXT NOT NULL,
    original TEXT
);
CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at TEXT NOT NULL
)
""",
    )


@migrations()
def m002_panel_indexes(db: Database) -> None:
    """Indexes the live panels sort and count by (keyset pagination needs them)."""
    _run(
        db,
        """
CREATE INDEX requests_status_priority ON requests(status, priority_rank, received_at, id);
CREATE INDEX requests_received ON requests(received_at, id);
CREATE INDEX requests_assignee ON requests(assignee, status);
CREATE INDEX leads_status ON leads(status, next_action_at, id);
CREATE INDEX contacts_name ON contacts(name, id);
CREATE INDEX supplies_item ON supplies(item, direction)
""",
    )


def all_migration_names() -> list[str]:
    """Names of every migration this version knows, oldest first."""
    return [m.name for m in migrations.pending(Database(memory=True))]


# Statements of m003, one per entry: trigger bodies contain ';' so _run() cannot split them.
_M003 = [
    # Who signed (the outgoing officer) and the window of the events log the brief covers.
    "ALTER TABLE handovers ADD COLUMN signed_by TEXT",
    "ALTER TABLE handovers ADD COLUMN covers_from TEXT",
    "ALTER TABLE handovers ADD COLUMN covers_to TEXT",
    # Events with id <= since_event_id were in an earlier brief; last_event_id is the
    # newest event the signed brief saw.
    "ALTER TABLE handovers ADD COLUMN since_event_id INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE handovers ADD COLUMN last_event_id INTEGER",
    # The brief drawn from the record (JSON), frozen when the handover is signed.
    "ALTER TABLE handovers ADD COLUMN brief TEXT",
    "ALTER TABLE handover_items ADD COLUMN status TEXT",
    "ALTER TABLE handover_items ADD COLUMN next_at TEXT",
    "ALTER TABLE handover_items ADD COLUMN removed INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE handover_items ADD COLUMN added_by TEXT",
    "ALTER TABLE handover_items ADD COLUMN carried_from INTEGER REFERENCES handover_items(id)",
    "ALTER TABLE handover_items ADD COLUMN carry_count INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE handover_items ADD COLUMN passed_to TEXT",
    "CREATE INDEX handover_items_record ON handover_items(entity, entity_id, handover_id)",
    "CREATE INDEX handover_items_handover ON handover_items(handover_id, id)",
    "CREATE INDEX handovers_shift ON handovers(shift_id, state)",
    "CREATE INDEX shifts_open ON shifts(ended_at, id)",
    # The store refuses these changes with a clear message first; the triggers make sure
    # no other writer can quietly edit a signed handover either.
    """
CREATE TRIGGER handovers_signed_are_final BEFORE UPDATE ON handovers
WHEN OLD.state <> 'draft' AND (
    OLD.state = 'acknowledged' OR NEW.state = 'draft'
    OR NEW.notes IS NOT OLD.notes OR NEW.brief IS NOT OLD.brief
    OR NEW.shift_id IS NOT OLD.shift_id OR NEW.from_officer IS NOT OLD.from_officer
    OR NEW.created_at IS NOT OLD.created_at OR NEW.signed_at IS NOT OLD.signed_at
    OR NEW.signed_by IS NOT OLD.signed_by OR NEW.covers_from IS NOT OLD.covers_from
    OR NEW.covers_to IS NOT OLD.covers_to OR NEW.since_event_id IS NOT OLD.since_event_id
    OR NEW.last_event_id IS NOT OLD.last_event_id)
BEGIN
    SELECT RAISE(ABORT, 'a signed handover is never edited; add an amendment instead');
END
""",
    """
CREATE TRIGGER handovers_signed_not_deleted BEFORE DELETE ON handovers
WHEN OLD.state <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'a signed handover is never deleted');
END
""",
    """
CREATE TRIGGER handover_items_signed_are_final BEFORE UPDATE ON handover_items
WHEN (SELECT state FROM handovers WHERE id = OLD.handover_id) <> 'draft' AND (
    (SELECT state FROM handovers WHERE id = OLD.handover_id) = 'acknowledged'
    OR NEW.handover_id IS NOT OLD.handover_id OR NEW.entity IS NOT OLD.entity
    OR NEW.entity_id IS NOT OLD.entity_id OR NEW.summary IS NOT OLD.summary
    OR NEW.owner IS NOT OLD.owner OR NEW.next_step IS NOT OLD.next_step
    OR NEW.next_at IS NOT OLD.next_at OR NEW.status IS NOT OLD.status
    OR NEW.removed IS NOT OLD.removed OR NEW.added_by IS NOT OLD.added_by
    OR NEW.carried_from IS NOT OLD.carried_from OR NEW.carry_count IS NOT OLD.carry_count)
BEGIN
    SELECT RAISE(ABORT, 'a signed handover is never edited; add an amendment instead');
END
""",
    """
CREATE TRIGGER handover_items_signed_not_deleted BEFORE DELETE ON handover_items
WHEN (SELECT state FROM handovers WHERE id = OLD.handover_id) <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'a signed handover is never edited; add an amendment instead');
END
""",
]


@migrations()
def m003_handover_workflow(db: Database) -> None:
    """Handover as a workflow: signer, covered window, frozen brief, per-item state."""
    for statement in _M003:
        db.execute(statement)


@migrations()
def m010_ingest_health_and_duplicates(db: Database) -> None:
    """Ingest: per-source health and HTTP validators, run fingerprints, possible duplicates.

    ``possible_duplicates`` links records from different sources that look alike (same
    org/supplier, item and quantity within a window); they are never merged, a person
    decides (``resolution``).
    """
    _run(
        db,
        """
ALTER TABLE sources ADD COLUMN last_latency_ms REAL;
ALTER TABLE sources ADD COLUMN consecutive_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sources ADD COLUMN last_checked_at TEXT;
ALTER TABLE sources ADD COLUMN etag TEXT;
ALTER TABLE sources ADD COLUMN last_modified TEXT;
ALTER TABLE ingest_runs ADD COLUMN kind TEXT;
ALTER TABLE ingest_runs ADD COLUMN format TEXT;
ALTER TABLE ingest_runs ADD COLUMN content_sha256 TEXT;
ALTER TABLE ingest_runs ADD COLUMN rows_flagged INTEGER NOT NULL DEFAULT 0;
CREATE INDEX ingest_runs_source ON ingest_runs(source, started_at);
CREATE INDEX ingest_runs_content ON ingest_runs(source, content_sha256);
CREATE INDEX quarantine_run ON quarantine(run_id);
CREATE INDEX quarantine_at ON quarantine(at);
CREATE TABLE possible_duplicates (
    id INTEGER PRIMARY KEY,
    entity TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    other_id INTEGER NOT NULL,
    reason TEXT NOT NULL,
    detected_at TEXT NOT NULL,
    resolution TEXT,
    resolved_by TEXT,
    resolved_at TEXT,
    UNIQUE (entity, record_id, other_id)
);
CREATE INDEX possible_duplicates_other ON possible_duplicates(entity, other_id);
CREATE INDEX requests_duplicate_key ON requests(org, item, quantity, received_at);
CREATE INDEX leads_duplicate_key ON leads(supplier, item, quantity, created_at)
""",
    )


@migrations()
def m020_arrivals_rollcall(db: Database) -> None:
    """Arrivals (shipments and travellers) and the unit roll-call.

    ``arrivals.eta`` is UTC ISO; the ETAs it had before are in the events log (entity
    ``arrival``). ``reminded_at`` is set when the reminder fired, and cleared when the ETA
    moves. ``roll_calls`` keeps the periods that were settled (reported or late), with the
    record that settled them; a period with no row is due or missing, by the clock.
    """
    _run(
        db,
        f"""
CREATE TABLE arrivals (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('shipment','traveller')),
    reference TEXT,
    carrier TEXT,
    origin_country TEXT,
    origin_city TEXT,
    origin_tz TEXT,
    destination TEXT,
    eta TEXT NOT NULL,
    first_eta TEXT,
    state TEXT NOT NULL DEFAULT 'expected'
        CHECK (state IN ('expected','delayed','landed','received','met','cancelled')),
    landed_at TEXT,
    done_at TEXT,
    permit TEXT CHECK (permit IS NULL OR permit IN ('pending','granted')),
    customs TEXT CHECK (customs IS NULL OR customs IN ('pending','cleared')),
    item TEXT,
    quantity NUMERIC,
    unit TEXT,
    traveller TEXT,
    arrangement TEXT,
    contact TEXT,
    lead_id INTEGER REFERENCES leads(id),
    contact_id INTEGER REFERENCES contacts(id),
    reminded_at TEXT,
    notes TEXT,
    extra TEXT,
    {_TRACKED}
);
CREATE UNIQUE INDEX arrivals_identity ON arrivals(source, external_id)
    WHERE external_id IS NOT NULL;
CREATE INDEX arrivals_hash ON arrivals(source, content_hash);
CREATE INDEX arrivals_eta ON arrivals(eta, id);
CREATE INDEX arrivals_state_eta ON arrivals(state, eta, id);
CREATE INDEX arrivals_lead ON arrivals(lead_id);
CREATE TABLE reporting_units (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'unit',
    rule TEXT NOT NULL,
    every TEXT NOT NULL CHECK (every IN ('daily','weekdays','weekly')),
    weekday INTEGER CHECK (weekday IS NULL OR weekday BETWEEN 0 AND 6),
    deadline TEXT NOT NULL,
    zone TEXT,
    also TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    source TEXT NOT NULL DEFAULT 'manual',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX reporting_units_name ON reporting_units(name);
CREATE TABLE roll_calls (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES reporting_units(id),
    day TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('reported','late','missing')),
    at TEXT,
    by_entity TEXT,
    by_id INTEGER,
    note TEXT,
    actor TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (unit_id, day)
);
CREATE INDEX roll_calls_day ON roll_calls(day, state)
""",
    )


@migrations()
def m030_supplies_ledger(db: Database) -> None:
    """Supplies ledger: what kind of receipt, the category and base-unit quantity as
    converted when the entry was written (a snapshot: changing the unit table in config
    later never rewrites past tallies), when it was recorded, and the arrival it came
    from. Indexes serve the tallies (category), the daily report and sparkline (time),
    and deliveries against a request or lead.
    """
    from dutyboard.domain.supplies import DEFAULT_CATALOG

    _run(
        db,
        """
ALTER TABLE supplies ADD COLUMN kind TEXT;
ALTER TABLE supplies ADD COLUMN category TEXT;
ALTER TABLE supplies ADD COLUMN base_quantity REAL;
ALTER TABLE supplies ADD COLUMN base_unit TEXT;
ALTER TABLE supplies ADD COLUMN recorded_at TEXT;
ALTER TABLE supplies ADD COLUMN arrival_id INTEGER REFERENCES arrivals(id);
CREATE INDEX supplies_category ON supplies(category, direction, base_unit);
CREATE INDEX supplies_at ON supplies(at, id);
CREATE INDEX supplies_direction_at ON supplies(direction, at);
CREATE INDEX supplies_request ON supplies(request_id, direction) WHERE request_id IS NOT NULL;
CREATE INDEX supplies_lead ON supplies(lead_id) WHERE lead_id IS NOT NULL;
CREATE UNIQUE INDEX supplies_arrival ON supplies(arrival_id) WHERE arrival_id IS NOT NULL
""",
    )
    # Entries written before this migration get their snapshot from the default table.
    rows = db.execute(
        "SELECT id, item, quantity, unit FROM supplies WHERE category IS NULL"
    ).fetchall()
    for entry_id, item, quantity, unit in rows:
        try:
            converted = DEFAULT_CATALOG.classify(item, quantity or 0, unit)
        except ValueError:  # a quantity that is not a number: left out of tallies
            continue
        db.execute(
            "UPDATE supplies SET category = ?, base_quantity = ?, base_unit = ? WHERE id = ?",
            (converted.category, converted.quantity, converted.unit, entry_id),
        )


@migrations()
def m040_status_indexes(db: Database) -> None:
    """Indexes for `dutyboard status` and the header on a large desk: overdue open requests
    (status, due_by) and supply tallies read from the index alone."""
    _run(
        db,
        """
CREATE INDEX IF NOT EXISTS requests_status_due ON requests(status, due_by);
CREATE INDEX IF NOT EXISTS supplies_tally ON supplies(category, base_unit, direction, base_quantity)
""",
    )


@migrations()
def m050_open_record_indexes(db: Database) -> None:
    """The panels' default views, open requests most pressing first and open leads by next
    action, read in order from partial indexes over the open records alone: without them
    SQLite sorts every open request for each page (0.35 s on a desk of 1M requests).

    The WHERE terms are those of ``dutyboard.store.views.open_status_sql`` (SQLite uses a
    partial index only for a query repeating its terms; tests/store check they agree)."""
    _run(
        db,
        """
CREATE INDEX IF NOT EXISTS requests_open_pressing ON requests(priority_rank, received_at, id)
WHERE status IN ('acknowledged', 'in_progress', 'new', 'partially_fulfilled');
CREATE INDEX IF NOT EXISTS leads_open_next ON leads(COALESCE(next_action_at, '9999'), id)
WHERE status IN ('customs', 'in_transit', 'negotiating', 'new', 'ordered', 'verifying')
""",
    )


@migrations()
def m060_contact_profile_index(db: Database) -> None:
    """Contacts by zone profile, then name: the contacts panel's "reachable first" order
    walks it profile by profile instead of sorting every contact per page. The expression
    is ``dutyboard.store.views.PROFILE_KEY_SQL`` (SQLite uses an index on an expression
    only for the same expression; tests/store check they agree)."""
    _run(
        db,
        """
CREATE INDEX IF NOT EXISTS contacts_profile_name ON contacts(
    (COALESCE(tz, '') || '|' || COALESCE(country, '') || '|' || COALESCE(subdivision, '')
     || '|' || COALESCE(work_hours, '') || '|' || COALESCE(weekend, '')),
    name, id)
""",
    )


@migrations()
def m070_ingest_partial_indexes(db: Database) -> None:
    """Two indexes every imported row paid for and no query of it needs.

    The content hash identifies only records without an external id (a record with one is
    found by it), so the hash indexes keep just those rows; and a request gets into the
    assignee index once somebody owns it (every query on it names an assignee). An
    ingested row with an id no longer pays for either: about a tenth of a large file's
    write time. The WHERE terms are the lookups' own (``external_id IS NULL`` in
    ``dutyboard.ingest.store_sink``; ``assignee = ?`` implies ``IS NOT NULL``)."""
    _run(
        db,
        """
DROP INDEX IF EXISTS requests_hash;
CREATE INDEX requests_hash ON requests(source, content_hash) WHERE external_id IS NULL;
DROP INDEX IF EXISTS leads_hash;
CREATE INDEX leads_hash ON leads(source, content_hash) WHERE external_id IS NULL;
DROP INDEX IF EXISTS contacts_hash;
CREATE INDEX contacts_hash ON contacts(source, content_hash) WHERE external_id IS NULL;
DROP INDEX IF EXISTS requests_assignee;
CREATE INDEX requests_assignee ON requests(assignee, status) WHERE assignee IS NOT NULL
""",
    )


@migrations()
def m080_desk_application_id(db: Database) -> None:
    """Mark the file as a dutyboard desk in its header: ``PRAGMA application_id`` is
    ``APPLICATION_ID`` (0x44555459, "DUTY"). Opening refuses an SQLite file with another
    id, or with none and tables but no dutyboard migrations, instead of adding the schema
    to another program's database. Runs on new desks and on every desk made before it;
    the pragma is part of the migration's transaction."""
    from dutyboard.store.engine import APPLICATION_ID

    db.execute(f"PRAGMA application_id = {int(APPLICATION_ID)}")


@migrations()
def m090_quarantine_workflow(db: Database) -> None:
    """Quarantine as work an officer finishes, and failing sources that stay failing.

    ``quarantine`` rows get a state: ``open`` until an officer resolves them, then
    ``retried`` (the file was read again: ``retry_run_id`` is that run; rows still bad
    are new open rows of it), ``fixed`` (the officer typed the fields: ``record_id`` is
    the record made) or ``discarded`` (with a reason in ``resolution``); who and when in
    ``resolved_by``/``resolved_at``, and an ``events`` row for each. ``file_sha256`` is the
    file's content hash (that of its run), the key of ``original_files``.

    ``original_files`` keeps the bytes of every file that had a quarantined row, could
    not be read or decoded only lossily (bytes not of the detected encoding), once per
    content; a retry reads them again. Clean files keep nothing here.

    ``sources.failing_since`` is set by a failed fetch, scan or file and cleared by the
    next success; a failed *file* (``failing_file``, ``failing_run_id``) keeps its source
    failing until a later file from it is clean or an officer resolves its quarantine,
    whatever the scans in between say. Sources failing by the old rule start failing."""
    _run(
        db,
        """
ALTER TABLE quarantine ADD COLUMN state TEXT NOT NULL DEFAULT 'open'
    CHECK (state IN ('open', 'retried', 'fixed', 'discarded'));
ALTER TABLE quarantine ADD COLUMN resolved_at TEXT;
ALTER TABLE quarantine ADD COLUMN resolved_by TEXT;
ALTER TABLE quarantine ADD COLUMN resolution TEXT;
ALTER TABLE quarantine ADD COLUMN retry_run_id INTEGER REFERENCES ingest_runs(id);
ALTER TABLE quarantine ADD COLUMN record_id INTEGER;
ALTER TABLE quarantine ADD COLUMN file_sha256 TEXT;
UPDATE quarantine SET file_sha256 = (
    SELECT content_sha256 FROM ingest_runs WHERE ingest_runs.id = quarantine.run_id);
CREATE INDEX quarantine_state ON quarantine(state, id);
CREATE INDEX quarantine_source_state ON quarantine(source, state, id);
CREATE INDEX quarantine_file ON quarantine(source, file_sha256, state);
CREATE TABLE original_files (
    sha256 TEXT PRIMARY KEY,
    data BLOB NOT NULL,
    size INTEGER NOT NULL,
    name TEXT NOT NULL,
    encoding TEXT,
    lossy INTEGER NOT NULL DEFAULT 0,
    kept_at TEXT NOT NULL
);
ALTER TABLE sources ADD COLUMN failing_since TEXT;
ALTER TABLE sources ADD COLUMN failing_file TEXT;
ALTER TABLE sources ADD COLUMN failing_run_id INTEGER;
UPDATE sources SET failing_since = last_error_at
WHERE last_error_at IS NOT NULL AND (last_ok_at IS NULL OR last_error_at > last_ok_at)
""",
    )


@migrations()
def m100_handover_item_position(db: Database) -> None:
    """Handover items in the order the officer put them: ``position`` (a real, so an item
    can go between two others without renumbering), ordered by ``(position, id)``. Items
    made before keep their order: their position is their id."""
    _run(
        db,
        """
ALTER TABLE handover_items ADD COLUMN position REAL;
UPDATE handover_items SET position = id WHERE position IS NULL;
CREATE INDEX handover_items_position ON handover_items(handover_id, position, id)
""",
    )


# The pipeline's stages in order, as SQL (LEAD_STAGE_ORDER_SQL, imported above from
# dutyboard.store.sqltext): the leads panel's "Stage" sort uses exactly this text, so SQLite
# reads it from the index m110 makes.


@migrations()
def m110_lead_next_action(db: Database) -> None:
    """A lead's next action has a text (what to do, ``next_action``) beside its time
    (``next_action_at``); and leads sort by stage in pipeline order from an index."""
    _run(
        db,
        f"""
ALTER TABLE leads ADD COLUMN next_action TEXT;
CREATE INDEX leads_stage_order ON leads(({LEAD_STAGE_ORDER_SQL}), id)
""",
    )


@migrations()
def m120_collector_last_run(db: Database) -> None:
    """When the collector last ran, kept past the release of its lease (``leases`` has a
    row only while one runs): one row per lease name (``collector``) with its holder
    (``host:pid``), when it started, when it was last seen alive (``seen_at``: the start,
    each renewal of its lease, its stop), when it stopped cleanly (``stopped_at``, NULL
    while it runs and after a crash), whether it was a single pass (``once``), how many
    sources it ran, the shortest of their intervals and its lease's length. ``dutyboard
    check`` reads it (:func:`dutyboard.store.sources.collector_status`).

    A desk whose collector ran before this version starts with the time its sources
    were last checked (only the collector checks them), the holder unknown (``''``)."""
    _run(
        db,
        """
CREATE TABLE collector_last_run (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    started_at TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    stopped_at TEXT,
    once INTEGER NOT NULL DEFAULT 0,
    sources INTEGER,
    interval_seconds REAL,
    lease_seconds REAL
);
INSERT INTO collector_last_run (name, holder, started_at, seen_at, stopped_at, interval_seconds)
SELECT 'collector', '', max(last_checked_at), max(last_checked_at), max(last_checked_at),
    min(CASE WHEN json_valid(settings)
        THEN CAST(json_extract(settings, '$.interval_seconds') AS REAL) END)
FROM sources WHERE last_checked_at IS NOT NULL
HAVING count(*) > 0
""",
    )


@migrations()
def m130_phone_e164(db: Database) -> None:
    """Contacts and leads keep their phone number in E.164 (``phone_e164``,
    "+94112345678") beside the number as typed, which never changes: the store derives
    it on every write, reading the number in the record's country, else the desk's
    region (``desk.phone_region``); NULL when it cannot be read. An index finds two
    contacts with one number. Numbers stored before this version are read now, in
    their record's country only (this step does not know the desk's region: a national
    number without a country is read at its record's next write)."""
    for statement in PHONE_E164_SQL:
        db.execute(statement)
    for table in PHONE_E164_TABLES:
        rows = db.execute(PHONE_E164_ROWS_SQL.format(table=table)).fetchall()
        db.conn.executemany(
            f"UPDATE {table} SET phone_e164 = ? WHERE id = ?", list(e164_updates(rows))
        )


@migrations()
def m140_outbox(db: Database) -> None:
    """Notifications out (issue 23): an outbox written in the transaction of the event that
    causes it, and one delivery row per notification and target.

    ``outbox`` holds one notification per ``key`` (the dedup key: ``handover_signed:17``,
    ``urgent_unacknowledged:12345:15``…; a second enqueue of a key does nothing), its
    ``uid`` (the notification id every target is sent as its idempotency key), the text
    already translated, and a ``payload`` (JSON) describing what is rendered at send time
    (an attachment, never its bytes). ``routed_at`` is set once a sender has made its
    delivery rows (for the targets subscribed to its event then): until that, it waits for
    a sender.

    ``outbox_deliveries`` is one row per (notification, target name): ``pending`` until
    sent (``sent_at``), retried at ``next_at`` with back-off, ``failed`` when the target
    refused it in a way a retry cannot mend (until the target's configuration, whose
    fingerprint is ``target_hash``, changes), ``gave_up`` when it was not sent within the
    delivery window. ``last_error`` is cleaned and holds no secret."""
    _run(
        db,
        """
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    event TEXT NOT NULL,
    key TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT,
    payload TEXT,
    created_at TEXT NOT NULL,
    routed_at TEXT
);
CREATE INDEX outbox_unrouted ON outbox(created_at, id) WHERE routed_at IS NULL;
CREATE TABLE outbox_deliveries (
    outbox_id INTEGER NOT NULL REFERENCES outbox(id),
    target TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending','sent','failed','gave_up')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at TEXT NOT NULL,
    last_error TEXT,
    last_attempt_at TEXT,
    sent_at TEXT,
    target_hash TEXT,
    PRIMARY KEY (outbox_id, target)
);
CREATE INDEX outbox_deliveries_due ON outbox_deliveries(state, next_at);
CREATE INDEX outbox_deliveries_target ON outbox_deliveries(target, state, next_at)
""",
    )
