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

__all__ = ["LEAD_STAGE_ORDER_SQL"]
