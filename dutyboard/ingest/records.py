"""What the parsers hand to the store: parsed rows, row problems, and one result per file.

Pure data, no behaviour. Field names in ``ParsedRow.fields`` are the canonical column
names of the store (see ``aliases.CANONICAL_FIELDS``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["requests", "leads", "contacts"]
KINDS: tuple[Kind, ...] = ("requests", "leads", "contacts")


@dataclass
class ParsedRow:
    """One record that made it through: canonical fields, the rest, and the original text."""

    row_number: int  # 1-based: CSV line where the record starts, JSON index+1, xlsx row …
    fields: dict[str, object]  # canonical name → normalised value (str, int or float)
    extra: dict[str, str]  # every non-empty source column not mapped to a canonical field
    raw: str  # the original record text, verbatim (never sanitised) for audit
    external_id: str | None  # identity in the source (_uuid, __id, KEY, UID, id column …)


@dataclass
class RowProblem:
    """A record (or one value of it) that cannot be imported as is; goes to quarantine."""

    row_number: int
    column: str | None
    reason: str  # one clear sentence for a person, e.g. "quantity '12x' is not a number"
    raw: str  # the original record text, verbatim


@dataclass
class ParseResult:
    kind: Kind
    format: str
    rows: list[ParsedRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class UnreadableFile(Exception):
    """The whole file cannot be read; the message says what and where."""


class WrongKind(UnreadableFile):
    """The file's columns clearly belong to another kind than the one asked for.

    ``fits`` is that kind, ``asked`` the one asked, ``columns`` the columns that say so.
    ``parse_bytes(..., force_kind=True)`` imports such a file as asked anyway.
    """

    def __init__(self, message: str, fits: Kind, asked: Kind, columns: tuple[str, ...]) -> None:
        super().__init__(message)
        self.fits = fits
        self.asked = asked
        self.columns = columns

    def __reduce__(self) -> tuple[type[WrongKind], tuple[str, Kind, Kind, tuple[str, ...]]]:
        return (type(self), (str(self), self.fits, self.asked, self.columns))  # pickles
