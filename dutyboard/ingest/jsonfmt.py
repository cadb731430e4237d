"""JSON: arrays of objects, JSON Lines, KoBo API pages, ODK Central OData, HXL JSON.

Nested objects are flattened to "a/b" paths (the form KoBo already uses for groups, and
the form ``mapping`` keys take), except GeoJSON geometries, which are kept whole as JSON
text, as are lists (KoBo ``_attachments``, ``_geolocation``). ``raw`` is the record
dumped with ``ensure_ascii=False`` (JSON Lines: the line as written).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from dutyboard.domain.limits import DEFAULT
from dutyboard.ingest.aliases import is_hxl_tag, normalise_tag
from dutyboard.ingest.limits import Budget, over
from dutyboard.ingest.records import UnreadableFile
from dutyboard.ingest.source import (
    Column,
    GridRow,
    SourceRecord,
    Table,
    safe_json,
    table_records,
    unique_name,
)

_GEOJSON_TYPES = frozenset(
    {
        "Point",
        "MultiPoint",
        "LineString",
        "MultiLineString",
        "Polygon",
        "MultiPolygon",
        "GeometryCollection",
        "Feature",
        "FeatureCollection",
    }
)
MAX_DEPTH = 8


class _KeepDuplicates:
    """``object_pairs_hook`` that keeps every value of a key given twice in one object
    (``{"item": "masks", "item": "gloves"}``): the first under its name, the next as
    "item (2)" (so it lands in ``extra``), instead of the last silently replacing the
    first. Counts them for one warning per file."""

    def __init__(self) -> None:
        self.duplicates = 0

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) == len(pairs):  # nearly always: one C-level dict, nothing more
            return obj
        self.duplicates += len(pairs) - len(obj)
        taken: dict[str, int] = {}
        return {unique_name(key, taken): value for key, value in pairs}


def loads(text: str) -> tuple[Any, int]:
    """``json.loads`` keeping duplicate keys; also how many keys were duplicates."""
    hook = _KeepDuplicates()
    return json.loads(text, object_pairs_hook=hook), hook.duplicates


def duplicates_warning(name: str, count: int) -> str:
    return (
        f"{name}: {count:,} key{'s' if count > 1 else ''} appeared twice in one object; "
        "the first value is read, the next kept as 'KEY (2)' in extra"
    )


def load_json(text: str, name: str, warnings: list[str] | None = None) -> Any:
    """The document; a key given twice in an object keeps both values (see
    ``_KeepDuplicates``), with a warning in ``warnings``."""
    try:
        document, duplicates = loads(text)
        if duplicates and warnings is not None:
            warnings.append(duplicates_warning(name, duplicates))
        return document
    except RecursionError:
        raise UnreadableFile(f"{name} is nested too deeply to read as JSON") from None
    except ValueError as error:  # JSONDecodeError, and int strings over the digit limit
        raise UnreadableFile(f"{name} is not valid JSON: {error}") from None


def is_geojson(value: dict[str, Any]) -> bool:
    return value.get("type") in _GEOJSON_TYPES and any(
        key in value for key in ("coordinates", "geometry", "features", "geometries")
    )


def flatten(obj: dict[str, Any], prefix: str = "", depth: int = 0) -> Iterator[tuple[str, Any]]:
    """{'meta': {'instanceID': 'x'}} → ('meta/instanceID', 'x'); GeoJSON and lists stay whole."""
    for key, value in obj.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value and not is_geojson(value) and depth < MAX_DEPTH:
            yield from flatten(value, f"{path}/", depth + 1)
        elif isinstance(value, dict | list):
            yield path, (safe_json(value) if value else None)
        else:
            yield path, value


def object_record(
    obj: object, number: int, raw: str, unit: str, budget: Budget | None = None
) -> SourceRecord:
    """``unit`` ``number`` ("item 5", "line 5") names the record; ``budget`` is charged it."""
    what = f"{unit} {number}"
    if not isinstance(obj, dict):
        if budget is not None:
            budget.record(0, number, unit)
        kind = type(obj).__name__ if obj is not None else "null"
        return SourceRecord(number, [], raw, problem=f"{what} is a {kind}, not an object")
    if budget is not None and len(obj) > budget.limits.max_fields:
        budget.record(len(obj), number, unit)  # raises before a million keys are flattened
    pairs = list(flatten(obj))
    if budget is not None:
        budget.record(len(pairs), number, unit)
    taken: dict[str, int] = {}
    cells: list[tuple[Column, object]] = []
    for index, (path, value) in enumerate(pairs, start=1):
        name = unique_name(path or f"column {index}", taken)
        tag = normalise_tag(path) if is_hxl_tag(path) else None
        cells.append((Column(name, path or None, tag), value))
    return SourceRecord(number, cells, raw)


def json_table(
    document: Any,
    name: str,
    known_header: Callable[[str], bool],
    budget: Budget | None = None,
) -> tuple[Table, str]:
    """Records from a parsed JSON document, and which system wrote it (kobo, odk or json).

    ``budget`` is charged each record as it is read (rows, fields or cells, the time).
    """
    budget = budget or Budget(DEFAULT, name)
    warnings: list[str] = []
    system = "json"
    items: list[Any]
    if isinstance(document, dict):
        if isinstance(document.get("results"), list):
            items, system = document["results"], "kobo"
            if document.get("next"):
                warnings.append(
                    f"{name} is one page of a KoBo response; the next page is at "
                    f"{str(document['next'])[:200]}"
                )
        elif isinstance(document.get("value"), list):
            items, system = document["value"], "odk"
            if document.get("@odata.nextLink"):
                warnings.append(f"{name} is one page of an OData response; more pages follow")
        else:
            lists = [
                key
                for key, value in document.items()
                if isinstance(value, list) and value and all(isinstance(v, dict) for v in value)
            ]
            if len(lists) == 1:
                items = document[lists[0]]
                warnings.append(f"{name}: read the records under the key {lists[0]!r}")
            else:
                items = [document]
    elif isinstance(document, list):
        items = document
    else:
        raise UnreadableFile(f"{name} holds a single JSON {type(document).__name__}, not records")
    if len(items) > budget.limits.max_rows:
        raise over(budget.limits, "max_rows", f"{name} holds {len(items):,} records")
    if items and all(isinstance(item, list) for item in items):
        # HXL JSON as arrays of arrays: a grid with header and hashtag rows.
        grid = _grid_rows(items, budget)
        table = table_records(grid, known_header, unit="row")
        table.warnings[:0] = warnings
        return table, ("hxl" if table.hxl else "json")
    records = (
        object_record(item, index, safe_json(item), "item", budget)
        for index, item in enumerate(items, 1)
    )
    hxl = any(
        isinstance(item, dict) and any(is_hxl_tag(str(key)) for key in item) for item in items[:5]
    )
    if system == "json" and hxl:
        system = "hxl"
    return Table(records=records, warnings=warnings, hxl=hxl), system


def _grid_rows(items: list[Any], budget: Budget) -> Iterator[GridRow]:
    for index, item in enumerate(items, 1):
        budget.row(len(item), index, "row")
        yield GridRow(index, list(item), safe_json(item))


def jsonl_table(text: str, budget: Budget | None = None) -> Table:
    """JSON Lines: a line that is not JSON (or not an object) is a problem; others go on."""
    return Table(records=_jsonl_records(text, budget or Budget()))


def _lines(text: str) -> Iterator[str]:
    """``text.split("\\n")`` one line at a time: a file of newlines is not a list of them."""
    start = 0
    while (end := text.find("\n", start)) >= 0:
        yield text[start:end]
        start = end + 1
    yield text[start:]


def _jsonl_records(text: str, budget: Budget) -> Iterator[SourceRecord]:
    for number, line in enumerate(_lines(text), start=1):
        budget.line(len(line), number)
        stripped = line.strip()
        if not stripped:
            budget.row(0, number)  # blank lines are lines: a file of them ends here too
            continue
        raw = line.rstrip("\r")
        try:
            obj = loads(stripped)[0]  # a key twice: both kept, the second as "KEY (2)"
        except RecursionError:
            budget.record(0, number, "line")
            yield SourceRecord(number, [], raw, problem=f"line {number} is nested too deeply")
            continue
        except ValueError as error:
            budget.record(0, number, "line")
            yield SourceRecord(
                number, [], raw, problem=f"line {number} is not valid JSON ({error})"
            )
            continue
        yield object_record(obj, number, raw, "line", budget)
