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

from dutyboard.ingest.aliases import is_hxl_tag, normalise_tag
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


def load_json(text: str, name: str) -> Any:
    try:
        return json.loads(text)
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


def object_record(obj: object, number: int, raw: str, what: str) -> SourceRecord:
    if not isinstance(obj, dict):
        kind = type(obj).__name__ if obj is not None else "null"
        return SourceRecord(number, [], raw, problem=f"{what} is a {kind}, not an object")
    taken: set[str] = set()
    cells: list[tuple[Column, object]] = []
    for index, (path, value) in enumerate(flatten(obj), start=1):
        name = unique_name(path or f"column {index}", taken)
        tag = normalise_tag(path) if is_hxl_tag(path) else None
        cells.append((Column(name, path or None, tag), value))
    return SourceRecord(number, cells, raw)


def json_table(document: Any, name: str, known_header: Callable[[str], bool]) -> tuple[Table, str]:
    """Records from a parsed JSON document, and which system wrote it (kobo, odk or json)."""
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
    if items and all(isinstance(item, list) for item in items):
        # HXL JSON as arrays of arrays: a grid with header and hashtag rows.
        grid = (GridRow(index, list(item), safe_json(item)) for index, item in enumerate(items, 1))
        table = table_records(grid, known_header, unit="row")
        table.warnings[:0] = warnings
        return table, ("hxl" if table.hxl else "json")
    records = (
        object_record(item, index, safe_json(item), f"item {index}")
        for index, item in enumerate(items, 1)
    )
    hxl = any(
        isinstance(item, dict) and any(is_hxl_tag(str(key)) for key in item) for item in items[:5]
    )
    if system == "json" and hxl:
        system = "hxl"
    return Table(records=records, warnings=warnings, hxl=hxl), system


def jsonl_table(text: str) -> Table:
    """JSON Lines: a line that is not JSON (or not an object) is a problem; others go on."""
    return Table(records=_jsonl_records(text))


def _jsonl_records(text: str) -> Iterator[SourceRecord]:
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        raw = line.rstrip("\r")
        try:
            obj = json.loads(stripped)
        except RecursionError:
            yield SourceRecord(number, [], raw, problem=f"line {number} is nested too deeply")
            continue
        except ValueError as error:
            yield SourceRecord(
                number, [], raw, problem=f"line {number} is not valid JSON ({error})"
            )
            continue
        yield object_record(obj, number, raw, f"line {number}")
