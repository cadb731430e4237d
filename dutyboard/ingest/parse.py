"""Entry points: ``parse_file``, ``parse_bytes`` and ``detect_format``.

Pure parsing: bytes in, ``ParseResult`` out, nothing written anywhere. Hostile input
gives a result (rows, problems, warnings) or ``UnreadableFile`` — never another
exception. Bad arguments (an unknown kind or ``default_zone``) raise ``ValueError``.
Every file is read under ``limits`` (see ``dutyboard.ingest.limits``): one over a limit
raises ``LimitExceeded``, an ``UnreadableFile`` whose message names the limit's key.
A file whose columns clearly belong to another kind than the one asked raises
``WrongKind`` (an ``UnreadableFile``) naming that kind, unless ``force_kind`` is set.
"""

from __future__ import annotations

import io
import os
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain, islice
from pathlib import Path
from typing import Any

from dutyboard.domain.limits import DEFAULT, Limits
from dutyboard.domain.text import clean_text
from dutyboard.domain.values import zone
from dutyboard.ingest.aliases import (
    CANONICAL_FIELDS,
    concept_for_header,
    concept_for_tag,
    header_key,
    is_hxl_tag,
    kind_fit,
    normalise_tag,
    system_column,
    target_for_header,
    target_for_source_column,
)
from dutyboard.ingest.csvfmt import csv_rows, sniff_delimiter
from dutyboard.ingest.decode import Decoded, decode_bytes
from dutyboard.ingest.jsonfmt import duplicates_warning, json_table, jsonl_table, load_json, loads
from dutyboard.ingest.limits import Budget, LimitExceeded, over
from dutyboard.ingest.normalise import PASTE_STRICT, Normaliser
from dutyboard.ingest.records import KINDS, Kind, ParseResult, UnreadableFile, WrongKind
from dutyboard.ingest.source import (
    HEADER_SEARCH_ROWS,
    HXL_SEARCH_ROWS,
    Column,
    Table,
    table_records,
)
from dutyboard.ingest.vcardfmt import vcard_records
from dutyboard.ingest.xlsxfmt import (
    WORKBOOK_SUFFIXES,
    WorkbookRefused,
    looks_like_workbook,
    xlsx_rows,
)

# "xlsx" is every spreadsheet workbook (.xlsx, .xlsm, .xlsb, .xls, .ods): the reader
# tells them apart by their bytes, so one name is all a caller can usefully force.
# "text" is a pasted chat message (``pastefmt``): forced, or a .txt file that does not
# read as a table; never sniffed from a file of any other name.
FORMATS = ("csv", "tsv", "xlsx", "json", "jsonl", "kobo", "odk", "vcard", "hxl", "text")
_NOT_PARSED = object()
# Text that can only be JSON: "{", or "[" opening an array of objects, arrays, strings
# or numbers. A CSV whose first header is "[bold]" still reads as CSV.
_JSON_START = re.compile(r'\{|\[\s*(?:[\[{"\d-]|\]|$)')


@dataclass
class _Sniffed:
    fmt: str
    decoded: Decoded | None = None
    document: Any = _NOT_PARSED  # the parsed JSON document, when the file is JSON
    delimiter: str = ","
    warnings: list[str] = field(default_factory=list)  # what reading it said already


def detect_format(name: str, data: bytes) -> str:
    """One of csv, tsv, xlsx, json, jsonl, kobo, odk, vcard, hxl, text — by content, then
    name ("text": a .txt file that does not read as a table).

    "xlsx" is any workbook: a zip or OLE2 file whatever its name, or a file named as a
    workbook (.xlsx, .xlsm, .xlsb, .xls, .ods…), whose reader then says what it really is.

    Raises ``UnreadableFile`` only for text that cannot be decoded at all (binary data).
    """
    return _sniff(name, data).fmt


def _suffix(name: str) -> str:
    return Path(name).suffix.lower()


def _sniff(name: str, data: bytes, forced: str | None = None) -> _Sniffed:
    suffix = _suffix(name)
    if forced == "xlsx" or (
        forced is None and (looks_like_workbook(data) or suffix in WORKBOOK_SUFFIXES)
    ):
        return _Sniffed("xlsx")
    decoded = decode_bytes(data, name)
    text = decoded.text
    head = text.lstrip("\ufeff \t\r\n")
    if forced == "vcard" or (
        forced is None and (suffix in (".vcf", ".vcard") or head[:11].upper() == "BEGIN:VCARD")
    ):
        return _Sniffed("vcard", decoded)
    if forced == "text":
        return _Sniffed("text", decoded)
    if forced == "jsonl" or (forced is None and suffix in (".jsonl", ".ndjson")):
        return _Sniffed("jsonl", decoded)
    by_name = forced == "json" or (forced is None and suffix == ".json")
    by_content = forced is None and _JSON_START.match(head) is not None
    if by_name or by_content or (head[:1] in ("[", "{") and forced in ("kobo", "odk", "hxl")):
        try:
            document, duplicates = loads(text)
        except (RecursionError, ValueError):
            document = _NOT_PARSED
            if not by_name and _two_lines_from_brace(head):
                return _Sniffed("jsonl", decoded)
        if document is not _NOT_PARSED or by_name or by_content:
            found = _Sniffed(forced or _json_kind(document), decoded, document)
            if document is not _NOT_PARSED and duplicates:
                found.warnings.append(duplicates_warning(name, duplicates))
            return found
    delimiter = "\t" if forced == "tsv" else sniff_delimiter(text, prefer_tab=suffix == ".tsv")
    if forced is None and suffix == ".txt" and not _looks_tabular(text, delimiter):
        return _Sniffed("text", decoded)
    fmt = forced or _csv_kind(text, delimiter, suffix)
    return _Sniffed(fmt, decoded, delimiter=delimiter)


def _two_lines_from_brace(text: str) -> bool:
    """More than one non-blank line, the first opening with "{" (JSON Lines), read lazily:
    listing every line of a large file just to look at two of them is not needed."""
    filled = (line for line in io.StringIO(text) if line.strip())
    first, second = next(filled, None), next(filled, None)
    return first is not None and second is not None and first.lstrip().startswith("{")


def _looks_tabular(text: str, delimiter: str) -> bool:
    """Does a .txt file read as a table: one of its first lines a header of two or more
    cells that name columns (``concept_for_header``) or HXL tags? A pasted message
    does not; "org<tab>item" or "单位,物资,数量" does."""
    seen = 0
    for row in csv_rows(text[: 64 * 1024], delimiter):
        cells = [str(cell).strip() for cell in row.cells if str(cell).strip()]
        if not cells:
            continue
        known = sum(1 for cell in cells if is_hxl_tag(cell) or concept_for_header(cell) is not None)
        if len(cells) >= 2 and known >= 2:
            return True
        seen += 1
        if seen >= HEADER_SEARCH_ROWS:
            return False
    return False


def _json_kind(document: Any) -> str:
    if isinstance(document, dict):
        if isinstance(document.get("results"), list):
            return "kobo"
        if isinstance(document.get("value"), list):
            return "odk"
    if isinstance(document, list):
        for item in document[:5]:
            keys = item if isinstance(item, list) else item.keys() if isinstance(item, dict) else []
            if any(isinstance(key, str) and is_hxl_tag(key) for key in keys):
                return "hxl"
    return "json"


def _csv_kind(text: str, delimiter: str, suffix: str) -> str:
    rows = []
    for row in csv_rows(text[: 256 * 1024], delimiter):
        if row.cells and any(cell.strip() for cell in row.cells if isinstance(cell, str)):
            rows.append([str(cell).strip() for cell in row.cells])
        if len(rows) >= HXL_SEARCH_ROWS:
            break
    for cells in rows:
        filled = [cell for cell in cells if cell]
        tags = sum(1 for cell in filled if is_hxl_tag(cell))
        if tags and tags * 2 > len(filled) and (tags >= 2 or len(cells) == 1):
            return "hxl"
    header = set(rows[0]) if rows else set()
    if {"_uuid", "_submission_time"} <= header:
        return "kobo"
    if "SubmissionDate" in header and header & {"KEY", "meta-instanceID"}:
        return "odk"
    if delimiter == "\t" or suffix == ".tsv":
        return "tsv"
    return "csv"


def parse_bytes(
    data: bytes,
    name: str,
    kind: Kind,
    *,
    mapping: Mapping[str, str] | None = None,
    default_zone: str = "UTC",
    fmt: str | None = None,
    limits: Limits = DEFAULT,
    force_kind: bool = False,
    now: datetime | None = None,
    phone_region: str | None = None,
) -> ParseResult:
    """Parse one file's bytes into rows, problems and warnings for ``kind``.

    ``name`` is used for the format (by extension) and in messages; ``mapping`` maps
    source column names (nested JSON: "group/field"; HXL: the tag) to canonical fields
    and overrides the aliases; ``default_zone`` (IANA) is the zone of naive times.
    A file over one of ``limits`` raises ``LimitExceeded`` (an ``UnreadableFile``) naming
    the limit; the clock of ``limits.max_seconds`` starts here.
    A file whose columns clearly belong to another kind (``aliases.kind_fit``) raises
    ``WrongKind`` naming it; ``force_kind`` imports it as ``kind`` all the same. (A vCard
    file is contacts whatever is forced: its cards have no other fields.)
    ``now``: when a pasted message (format "text") was sent — its dates without a year
    and its "明天" are read from that day (default: now). ``phone_region``: the country
    (ISO alpha-2) of phone numbers that name none (default: the country of
    ``default_zone``).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    if fmt is not None and fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    local_zone = zone(default_zone)
    try:
        if len(data) > limits.max_file_bytes:
            raise over(limits, "max_file_bytes", f"{name} is {len(data):,} bytes")
        budget = Budget(limits, name)
        return _parse(
            data, name, kind, mapping, local_zone, fmt, budget, force_kind, now, phone_region
        )
    except UnreadableFile as error:
        raise _one_clean_line(error) from None


def _one_clean_line(error: UnreadableFile) -> UnreadableFile:
    """The same error with its message sanitised to one line (names and cells are hostile)."""
    if isinstance(error, WorkbookRefused):
        return error.cleaned()  # keeps what it says in the interface language
    message = clean_text(str(error), limit=500).replace("\n", " ")
    if isinstance(error, LimitExceeded):
        return LimitExceeded(message, error.key)
    if isinstance(error, WrongKind):
        return WrongKind(message, error.fits, error.asked, error.columns)
    return UnreadableFile(message)


def parse_file(
    path: Path,
    kind: Kind,
    *,
    mapping: Mapping[str, str] | None = None,
    default_zone: str = "UTC",
    fmt: str | None = None,
    limits: Limits = DEFAULT,
    force_kind: bool = False,
) -> ParseResult:
    """Read ``path`` and parse it (see ``parse_bytes``); a file over
    ``limits.max_file_bytes`` is refused before it is read."""
    try:
        with Path(path).open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > limits.max_file_bytes:
                refused = over(limits, "max_file_bytes", f"{path} is {size:,} bytes")
                raise _one_clean_line(refused)
            data = handle.read(limits.max_file_bytes + 1)  # a file still growing stops too
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise UnreadableFile(f"{path}: cannot be read ({reason})") from None
    return parse_bytes(
        data,
        str(path),
        kind,
        mapping=mapping,
        default_zone=default_zone,
        fmt=fmt,
        limits=limits,
        force_kind=force_kind,
    )


def _parse(
    data: bytes,
    name: str,
    kind: Kind,
    mapping: Mapping[str, str] | None,
    local_zone: Any,
    forced: str | None,
    budget: Budget,
    force_kind: bool = False,
    now: datetime | None = None,
    phone_region: str | None = None,
) -> ParseResult:
    sniffed = _sniff(name, data, forced)
    fmt = sniffed.fmt
    warnings: list[str] = list(sniffed.warnings)
    if sniffed.decoded is not None and sniffed.decoded.warning:
        warnings.append(sniffed.decoded.warning)
    mapped = set(mapping or {})

    def known_header(text: str) -> bool:
        return text in mapped or target_for_header(text, kind) is not None

    table: Table
    if fmt == "xlsx":
        rows = xlsx_rows(data, name, warnings, budget)
        table = table_records(rows, known_header, unit="row")
    elif fmt == "vcard":
        if kind != "contacts":
            raise UnreadableFile(
                f"{name} is a vCard file; it can only be imported as contacts "
                f"(--kind contacts), not {kind}"
            )
        assert sniffed.decoded is not None
        records = list(vcard_records(sniffed.decoded.text, warnings, budget))
        if not records:
            raise UnreadableFile(f"{name} holds no BEGIN:VCARD … END:VCARD card")
        table = Table(records=iter(records))
    elif fmt == "text":
        assert sniffed.decoded is not None
        # The rules' patterns are compiled on first use (~60 ms), not by importing this.
        from dutyboard.ingest.pastefmt import paste_records

        # Read whole before the normaliser starts, so what reading the message said
        # (a heading set aside) is among the file's warnings.
        pasted = list(
            paste_records(
                sniffed.decoded.text,
                kind,
                warnings,
                budget,
                now=now,
                zone=local_zone,
                region=phone_region,
            )
        )
        table = Table(records=iter(pasted))
    elif fmt == "jsonl":
        assert sniffed.decoded is not None
        table = jsonl_table(sniffed.decoded.text, budget)
    elif sniffed.document is not _NOT_PARSED or (fmt == "json" and sniffed.decoded is not None):
        assert sniffed.decoded is not None
        document = sniffed.document
        if document is _NOT_PARSED:
            document = load_json(sniffed.decoded.text, name, warnings)
        table, detected = json_table(document, name, known_header, budget)
        if forced is None:
            fmt = detected
    else:
        assert sniffed.decoded is not None
        rows_iter = csv_rows(sniffed.decoded.text, sniffed.delimiter, budget)
        table = table_records(rows_iter, known_header)
    if not force_kind and fmt not in ("vcard", "text"):
        _refuse_wrong_kind(_first_columns(table), kind, mapping, name)
    system = fmt if fmt in ("kobo", "odk") else None
    strict = PASTE_STRICT if fmt == "text" else frozenset()
    normaliser = Normaliser(
        kind,
        fmt,
        mapping=mapping,
        zone=local_zone,
        system=system,
        strict=strict,
        phone_region=phone_region,
    )
    for message in (*warnings, *table.warnings):
        normaliser.warn(message)
    deadline = budget.deadline
    for record in table.records:
        # Every record: one wide record can cost the normaliser a second or more, and
        # the readers (every 256 rows) or an eager xlsx list would let that run on.
        if time.monotonic() > deadline:
            raise budget.out_of_time(f"record {record.row_number:,}")
        normaliser.add(record)
    result = normaliser.finish()
    if not result.rows and not result.problems:
        result.warnings.append(clean_text(f"{name} holds no records", limit=500))
    return result


# How many records of a JSON file (whose records need not share their keys: KoBo leaves
# out unanswered questions) are looked at for the columns that decide the kind.
KIND_SAMPLE_RECORDS = 5


def _first_columns(table: Table) -> list[Column]:
    """The table's columns (a header row), else those of its first records (JSON), which
    are read once and put back in front of the rest."""
    if table.columns:
        return table.columns
    head = list(islice(table.records, KIND_SAMPLE_RECORDS))
    table.records = chain(head, table.records)
    columns: dict[str, Column] = {}
    for record in head:
        for column, _value in record.cells:
            columns.setdefault(column.name, column)
    return list(columns.values())


def _mapped_field(
    column: Column, mapping: Mapping[str, str], loose: dict[str, str], tags: dict[str, str]
) -> str | None:
    """The field a caller's mapping sends ``column`` to, matched as the normaliser does
    (exact name, header or tag; then loosely by ``header_key``; then an HXL tag)."""
    for key in (column.name, column.header, column.tag):
        if key is not None and key in mapping:
            return mapping[key]
    for key in (column.name, column.header):
        if key is not None and header_key(key) and header_key(key) in loose:
            return loose[header_key(key)]
    return tags.get(column.tag) if column.tag is not None else None


def _refuse_wrong_kind(
    columns: Iterable[Column], kind: Kind, mapping: Mapping[str, str] | None, name: str
) -> None:
    """Raise ``WrongKind`` when the columns clearly belong to another kind (``kind_fit``).

    Once per file, on the column plan: each column's concept is found the way the
    normaliser finds its field (source identity and bookkeeping columns say nothing about
    the kind; an HXL tag before the header). A column the caller's mapping names counts
    for the asked kind only.
    """
    mapping = mapping or {}
    loose: dict[str, str] = {}
    for source, canonical in mapping.items():
        loose.setdefault(header_key(source), canonical)  # the first spelling wins, as there
    tags = {
        normalise_tag(source): canonical
        for source, canonical in mapping.items()
        if source[:1] == "#"
    }
    fields = set(CANONICAL_FIELDS[kind])
    mapped: set[str] = set()
    concepts: list[tuple[str, str]] = []
    for column in columns:
        target = _mapped_field(column, mapping, loose, tags)
        if target is not None:
            if target in fields:
                mapped.add(target)
            continue
        if column.target is not None or target_for_source_column(column.name) is not None:
            continue
        concept = concept_for_tag(column.tag) if column.tag is not None else None
        if concept is None and not system_column(column.name):
            found = concept_for_header(column.header or column.name)
            concept = found[0] if found is not None else None
        if concept is not None:
            concepts.append((column.name, concept))
    fit = kind_fit(concepts, kind, frozenset(mapped))
    if fit is None:
        return
    shown = ", ".join(clean_text(column, limit=40) for column in fit.columns[:6])
    if len(fit.columns) > 6:
        shown += ", …"
    raise WrongKind(
        f"the columns of {name} ({shown}) are a {fit.kind} file, not {kind}; import it with "
        f"--kind {fit.kind}, or --force-kind to import it as {kind} anyway (in a "
        f'[[sources]] entry: kind = "{fit.kind}", or force_kind = true)',
        fit.kind,
        kind,
        tuple(clean_text(column, limit=200) for column in fit.columns),
    )
