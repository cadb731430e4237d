"""How a table's columns share its width: by importance, never cutting a number.

Every table of the dashboard (the virtual tables of requests, leads and contacts, and the
arrivals and roll-call lists) lays its columns out with :func:`layout`:

* A column marked ``fit`` (quantities, prices, references, offsets) is as wide as the
  widest value seen so far: a number or a flight reference is never cut.
* When the table is too narrow for every column at its least width, the columns with
  the highest ``drop`` rank give way first, whole (rank 0 never does).
* The width left over goes first to the ``flex`` columns (names, units, items) that have
  longer values than they show, shared fairly, and only then evenly to all of them.
* A name too long for its column is cut in the middle (``cut="middle"``): names that
  share a beginning ("Zhuji overseas group 3", "… 4") stay apart by their ends.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from rich.cells import cell_len
from rich.text import Text

ELLIPSIS = "…"
LEAST_FLEX = 4  # a flex column squeezed by a very narrow table keeps at least this


@dataclass(frozen=True)
class ColumnSpec:
    label: str
    width: int  # the least cells it is shown at
    flex: bool = False  # shares the spare width (names, units, items)
    justify: str = "left"
    sort: str | None = None  # the views.SORTS name this column sorts by (header click)
    drop: int = 0  # 0: always shown; in a narrow table the highest rank gives way first
    fit: bool = False  # numbers and references: as wide as the widest value, never cut
    cut: Literal["end", "middle"] = "end"


def layout(
    columns: Sequence[ColumnSpec], width: int, natural: Sequence[int] | None = None, gap: int = 1
) -> list[int | None]:
    """Each column's width in a table ``width`` cells wide, ``None`` for a column left out.

    ``natural`` is each column's widest value seen (cells; 0 when unknown). Every shown
    column takes ``gap`` cells besides its width.
    """
    count = len(columns)
    seen = list(natural) if natural is not None else [0] * count
    need = [max(c.width, seen[i]) if c.fit else c.width for i, c in enumerate(columns)]
    shown = list(range(count))

    def used() -> int:
        return sum(need[i] + gap for i in shown)

    # Highest rank first; of equal rank, the rightmost first.
    for i in sorted((i for i in shown if columns[i].drop), key=lambda i: (-columns[i].drop, -i)):
        if used() <= width:
            break
        shown.remove(i)
    widths = {i: need[i] for i in shown}
    flex = [i for i in shown if columns[i].flex]
    spare = width - used()
    if spare < 0:
        # Still too wide with every optional column gone: squeeze the flex columns.
        for i in flex:
            give = min(-spare, widths[i] - LEAST_FLEX)
            if give > 0:
                widths[i] -= give
                spare += give
        return [widths.get(i) for i in range(count)]
    # First to the columns whose values are longer than they show, fairly...
    wants = {i: max(0, seen[i] - widths[i]) for i in flex}
    while spare > 0 and any(wants.values()):
        hungry = [i for i in flex if wants[i] > 0]
        share = max(1, spare // len(hungry))
        for i in hungry:
            grow = min(share, wants[i], spare)
            widths[i] += grow
            wants[i] -= grow
            spare -= grow
    # ...then back come the columns that gave way and fit in what is left, most
    # important first...
    for i in sorted(set(range(count)) - set(shown), key=lambda i: (columns[i].drop, i)):
        if need[i] + gap <= spare:
            widths[i] = need[i]
            spare -= need[i] + gap
    # ...and the rest goes evenly to the flex columns (a longer value may come later).
    if flex and spare > 0:
        share, extra = divmod(spare, len(flex))
        for k, i in enumerate(flex):
            widths[i] += share + (1 if k < extra else 0)
    return [widths.get(i) for i in range(count)]


def cut_middle(text: Text, width: int) -> Text:
    """``text`` in ``width`` cells, its middle replaced by "…" when it is longer: the start
    and the end both stay readable (CJK characters take two cells). The end kept is whole
    words where it can be ("Lanka Medical…Ltd"), at most half the width."""
    if text.cell_len <= width:
        return text
    if width <= 2:
        cut = text.copy()
        cut.truncate(width, overflow="ellipsis")
        return cut
    room = width - 1
    plain = text.plain
    tail = _whole_words_within(plain, room // 2)
    if not tail:
        tail = _chars_within(plain[::-1], room - (room * 3 + 4) // 5)
    head = _chars_within(plain, room - cell_len(plain[len(plain) - tail :]))
    out = text[:head]
    out.rstrip()
    out.append(ELLIPSIS)
    out.append_text(text[len(plain) - tail :])
    return out


def _whole_words_within(plain: str, cells: int) -> int:
    """How many trailing characters of ``plain`` make the most whole words within
    ``cells`` (0 when not even its last word fits, or it is one word)."""
    best = 0
    for n, char in enumerate(reversed(plain)):
        if cell_len(plain[len(plain) - n :]) > cells:
            break
        if char == " " and n:
            best = n
    return best


def _chars_within(plain: str, cells: int) -> int:
    """How many leading characters of ``plain`` fit in ``cells``."""
    total = 0
    for n, char in enumerate(plain):
        total += cell_len(char)
        if total > cells:
            return n
    return len(plain)


def fitted(text: Text, column: ColumnSpec, width: int) -> Text:
    """One cell's text cut to its column's width the column's way, padded and aligned."""
    cell = cut_middle(text, width) if column.cut == "middle" else text.copy()
    cell.truncate(width, overflow="ellipsis")
    if column.justify == "right":
        cell.align("right", width)
    else:
        cell.pad_right(width - cell.cell_len)
    return cell


def words_width(words: Iterable[str], most: int) -> int:
    """The least width of a column of these words (statuses, stages): the longest of them
    in this language, at most ``most`` (a rare long word is cut rather than widen it)."""
    return min(most, max((cell_len(w) for w in words), default=most))
