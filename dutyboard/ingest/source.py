"""Records as the readers see them, before any field is normalised.

Every reader (CSV, xlsx, JSON, vCard) turns a file into ``SourceRecord``s: the record's
cells as (column, value) pairs in source order, its row number and its original text.
Tabular readers go through ``table_records``, which finds the header row or the HXL
hashtag row and builds the columns.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import chain

from dutyboard.ingest.aliases import is_hxl_tag, known_bare_tag, normalise_tag

HXL_SEARCH_ROWS = 25  # libhxl looks this far for the hashtag row
HEADER_SEARCH_ROWS = 10  # title lines above a header ("XX单位物资需求表") are skipped


@dataclass(frozen=True)
class Column:
    name: str  # unique within a record; the key in ``extra`` and in problems
    header: str | None = None  # header text (HXL: the text just above the tag)
    tag: str | None = None  # HXL hashtag, normalised ("#org+es")
    target: str | None = None  # a field the reader already knows (vCard FN → name)


@dataclass
class SourceRecord:
    row_number: int
    cells: list[tuple[Column, object]]
    raw: str
    problem: str | None = None  # set when the record itself cannot be read


@dataclass
class GridRow:
    number: int
    cells: list[object]
    raw: str
    error: str | None = None


@dataclass
class Table:
    records: Iterator[SourceRecord]
    warnings: list[str] = field(default_factory=list)
    hxl: bool = False
    columns: list[Column] = field(default_factory=list)


def cell_text(value: object) -> str:
    """A cell or JSON value as text (no cleaning: callers clean what they emit)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, list | dict):
        return safe_json(value)
    return str(value)


def safe_json(value: object) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (ValueError, TypeError, RecursionError):
        return "<unserialisable value>"


def is_blank(cells: Iterable[object]) -> bool:
    for cell in cells:
        if type(cell) is str:  # most cells: cell_text would return them as they are
            if cell.strip():
                return False
        elif cell_text(cell).strip():
            return False
    return True


def unique_name(name: str, taken: dict[str, int]) -> str:
    """``name``, else the first of "name (2)", "name (3)" … not yet taken; adds it.

    ``taken`` maps each name handed out to the next counter to try after it, so the
    50,000th "item" of a header (or TEL of a vCard) costs one lookup, not 50,000: the
    whole header is linear. Every counter skipped is a name already taken, and a skipped
    "item (k)" is skipped once, by "item" alone.
    """
    if name not in taken:
        taken[name] = 2
        return name
    counter = taken[name]
    candidate = f"{name} ({counter})"
    while candidate in taken:
        counter += 1
        candidate = f"{name} ({counter})"
    taken[name] = counter + 1
    taken[candidate] = 2
    return candidate


def _trimmed(cells: list[object]) -> list[object]:
    end = len(cells)
    while end and cell_text(cells[end - 1]).strip() == "":
        end -= 1
    return cells[:end]


def _is_tag_row(cells: list[object]) -> bool:
    texts = [cell_text(cell).strip() for cell in cells]
    filled = [text for text in texts if text]
    tags = sum(1 for text in filled if is_hxl_tag(text))
    if tags == 0 or tags * 2 <= len(filled):
        return False
    # One lone "#something" in a wide row is more likely a note than a tag row.
    return tags >= 2 or len(_trimmed(cells)) == 1


def _hxl_columns(tag_row: GridRow, above: GridRow | None, warnings: list[str]) -> list[Column]:
    tags = _trimmed(tag_row.cells)
    headers = _trimmed(above.cells) if above else []
    taken: dict[str, int] = {}
    columns = []
    for index in range(max(len(tags), len(headers))):
        raw_tag = cell_text(tags[index]).strip() if index < len(tags) else ""
        header = cell_text(headers[index]).strip() if index < len(headers) else ""
        if raw_tag and not raw_tag.startswith("#") and known_bare_tag(raw_tag):
            warnings.append(
                f"line {tag_row.number}: column {index + 1} of the HXL tag row says "
                f"{raw_tag!r} without '#'; read as #{raw_tag}"
            )
            raw_tag = "#" + raw_tag
        if raw_tag and is_hxl_tag(raw_tag):
            name = unique_name(raw_tag, taken)
            columns.append(Column(name, header or None, normalise_tag(raw_tag)))
        else:
            text = header or raw_tag
            name = unique_name(text or f"column {index + 1}", taken)
            columns.append(Column(name, text or None, None))
    return columns


def _plain_columns(header_row: GridRow) -> list[Column]:
    taken: dict[str, int] = {}
    columns = []
    for index, cell in enumerate(_trimmed(header_row.cells)):
        text = cell_text(cell).strip()
        name = unique_name(text or f"column {index + 1}", taken)
        columns.append(Column(name, text or None, None))
    return columns


def _choose_header(rows: list[GridRow], known_header: Callable[[str], bool]) -> int:
    counts = [sum(1 for cell in row.cells if known_header(cell_text(cell).strip())) for row in rows]
    best = max(range(len(counts)), key=lambda index: (counts[index], -index))
    if counts[best] >= 2 and counts[best] > counts[0]:
        return best
    return 0


def table_records(
    rows: Iterable[GridRow],
    known_header: Callable[[str], bool],
    unit: str = "line",
) -> Table:
    """Find the HXL tag row (or the header row) and yield one record per data row.

    ``unit`` names rows in messages: "line" for CSV, "row" for spreadsheets and JSON.
    """
    iterator = iter(rows)
    head: list[GridRow] = []
    filled = 0
    for row in iterator:
        head.append(row)
        if not row.error and not is_blank(row.cells):
            filled += 1
            if filled >= HXL_SEARCH_ROWS:
                break
    candidates = [
        index for index, row in enumerate(head) if not row.error and not is_blank(row.cells)
    ]
    table = Table(records=iter(()))
    if not candidates:
        errors = [row for row in head if row.error]
        table.records = (_error_record(row) for row in errors)
        return table
    start: int
    tag_at = next(
        (index for index in candidates if _is_tag_row(head[index].cells)),
        None,
    )
    if tag_at is not None:
        above = [index for index in candidates if index < tag_at]
        table.columns = _hxl_columns(
            head[tag_at], head[above[-1]] if above else None, table.warnings
        )
        table.hxl = True
        start = tag_at + 1
    else:
        window = [head[index] for index in candidates[:HEADER_SEARCH_ROWS]]
        chosen = _choose_header(window, known_header)
        header_at = candidates[chosen]
        if chosen:
            table.warnings.append(
                f"skipped {chosen} title {unit}(s) above the header on {unit} "
                f"{head[header_at].number}"
            )
        table.columns = _plain_columns(head[header_at])
        start = header_at + 1
    skipped_errors = [row for row in head[:start] if row.error]
    table.records = _data_records(skipped_errors, head[start:], iterator, table.columns, unit)
    return table


def _error_record(row: GridRow) -> SourceRecord:
    return SourceRecord(row.number, [], row.raw, problem=row.error)


def _data_records(
    errors: list[GridRow],
    head: list[GridRow],
    rest: Iterator[GridRow],
    columns: list[Column],
    unit: str,
) -> Iterator[SourceRecord]:
    for row in errors:
        yield _error_record(row)
    width = len(columns)
    for row in chain(head, rest):
        if row.error:
            yield _error_record(row)
            continue
        if is_blank(row.cells):
            continue
        cells = row.cells
        if len(cells) > width:
            overflow = [cell_text(cell).strip() for cell in cells[width:]]
            if any(overflow):
                count = len(_trimmed(cells))
                yield SourceRecord(
                    row.number,
                    [],
                    row.raw,
                    problem=(
                        f"{unit} {row.number} has {count} cells but the header has only "
                        f"{width} columns, so the extra cells belong to no column"
                    ),
                )
                continue
            cells = cells[:width]
        yield SourceRecord(row.number, list(zip(columns, cells, strict=False)), row.raw)
