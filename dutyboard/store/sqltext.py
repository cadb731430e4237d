"""SQL text that migrations and queries must spell alike, in a module both import cheaply.

SQLite uses an index on an expression only for a query repeating that expression, so the
text a migration indexed and the text a view sorts by are one constant. This module
imports nothing: ``dutyboard.store.views`` reads it without loading the migration library
(``sqlite_utils``), which ``dutyboard.store.schema`` needs.

A constant here is part of a shipped migration: never change its text, add a new one.
"""

from __future__ import annotations

# The pipeline's stages in order (``dutyboard.domain.status.LeadStatus``), as SQL: the
# leads panel's "Stage" sort uses exactly this text, so SQLite reads it from the index
# m110 makes (``leads_stage_order``). A status this version does not know sorts last.
LEAD_STAGE_ORDER_SQL = (
    "CASE status WHEN 'new' THEN 0 WHEN 'verifying' THEN 1 WHEN 'negotiating' THEN 2 "
    "WHEN 'ordered' THEN 3 WHEN 'in_transit' THEN 4 WHEN 'customs' THEN 5 "
    "WHEN 'received' THEN 6 WHEN 'dropped' THEN 7 ELSE 8 END"
)

# m130: a phone number's E.164 beside it as typed (contacts and leads), and the index that
# finds two contacts with one number. The same statements on both engines.
PHONE_E164_SQL = (
    "ALTER TABLE contacts ADD COLUMN phone_e164 TEXT",
    "ALTER TABLE leads ADD COLUMN phone_e164 TEXT",
    "CREATE INDEX contacts_phone_e164 ON contacts (phone_e164) WHERE phone_e164 IS NOT NULL",
)
# The rows m130 reads again, per table: numbers stored before it.
PHONE_E164_ROWS_SQL = "SELECT id, phone, country FROM {table} WHERE phone IS NOT NULL"
PHONE_E164_TABLES = ("contacts", "leads")

__all__ = ["LEAD_STAGE_ORDER_SQL", "PHONE_E164_ROWS_SQL", "PHONE_E164_SQL", "PHONE_E164_TABLES"]
