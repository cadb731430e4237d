"""CSV and TSV: delimiter sniffing and rows that remember their lines.

The stdlib ``csv`` module does the quoting (multi-line cells, every cell quoted, doubled
quotes). Around it: the delimiter is chosen by which of , ; TAB | splits the first
records into the most consistent number of cells (``csv.Sniffer`` guesses wrongly on
KoBo's all-quoted ``;`` export whose cells hold commas), and every record keeps the
line it starts on and its original text for ``raw``.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from itertools import islice
from typing import cast

from dutyboard.ingest.limits import Budget
from dutyboard.ingest.source import GridRow

DELIMITERS = (",", ";", "\t", "|")
_SNIFF_CHARS = 64 * 1024
_SNIFF_RECORDS = 50


def sniff_delimiter(text: str, prefer_tab: bool = False) -> str:
    sample = text[:_SNIFF_CHARS]
    if len(text) > _SNIFF_CHARS:  # drop a record cut in half by the sample
        sample = sample[: sample.rfind("\n") + 1] or sample
    order = ("\t", ",", ";", "|") if prefer_tab else DELIMITERS
    best: tuple[float, int, int] | None = None
    chosen = order[0]
    for rank, delimiter in enumerate(order):
        counts: list[int] = []
        try:
            reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
            for record in reader:
                if any(cell.strip() for cell in record):
                    counts.append(len(record))
                if len(counts) >= _SNIFF_RECORDS:
                    break
        except csv.Error:
            continue
        if not counts:
            continue
        width, hits = Counter(counts).most_common(1)[0]
        if width < 2:
            continue
        score = (hits / len(counts), width, -rank)
        if best is None or score > best:
            best, chosen = score, delimiter
    return chosen


def _record_text(lines: Iterator[str], count: int) -> str:
    """The next ``count`` lines joined, without the last line's end (``raw``)."""
    raw = next(lines, "") if count == 1 else "".join(islice(lines, count))
    if raw.endswith("\r\n"):
        return raw[:-2]
    return raw[:-1] if raw.endswith(("\n", "\r")) else raw


def csv_rows(text: str, delimiter: str, budget: Budget | None = None) -> Iterator[GridRow]:
    """Every record with the 1-based line it starts on; a broken record becomes an error row.

    ``csv.reader`` reads one copy of the lines; a second copy, advanced by as many lines
    as the reader consumed for each record (``line_num``), gives the record's text.
    ``budget`` (when given) is charged each record's length, cells and row, and stops the
    file at the first limit it crosses; format sniffing reads short samples without one.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    lines = iter(io.StringIO(text, newline=""))
    done = 0  # lines consumed by the records so far
    while True:
        start = done + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            count, done = reader.line_num - done, reader.line_num
            raw = _record_text(lines, count)
            if budget is not None:
                budget.line(len(raw), start)
                budget.row(0, start)
            yield GridRow(start, [], raw, error=f"line {start} is not valid CSV ({error})")
            continue
        count, done = reader.line_num - done, reader.line_num
        raw = _record_text(lines, count)
        if budget is not None:
            budget.line(len(raw), start)
            budget.row(len(record), start)
        yield GridRow(start, cast(list[object], record), raw)  # the reader's list, not a copy
