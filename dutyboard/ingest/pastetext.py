"""The text of one pasted record as the rules read it (``pastefields``): its characters
made half-width one for one (so a position found in the translated text is one in the
original), and what each pass has taken of it (``used``: 0 free, 1 taken by a field,
2 set aside for the notes)."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Full-width ASCII and the ideographic space → ASCII, one character for one, so that
# positions found in the translated text are positions in the original.
HALF = {0xFF01 + i: 0x21 + i for i in range(94)} | {0x3000: 0x20}
# More digits in a row than any number or phone number has (E.164: 15).
LONG_DIGITS = re.compile(r"\d{17,}")


class Text:
    """The record's text, what each pass took of it, and hints left for later passes."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.used = bytearray(len(text))

        def blank(run: re.Match[str]) -> str:
            # No value: the passes see a blank (each pattern would otherwise try the run
            # from every one of its digits), the notes keep it.
            self.used[run.start() : run.end()] = b"\x02" * (run.end() - run.start())
            return "\x00" * (run.end() - run.start())

        self.norm = LONG_DIGITS.sub(blank, text.translate(HALF))
        self.org_spans: list[tuple[int, int]] = []  # where organisations' names were read

    def free(self, start: int, end: int) -> bool:
        return start < end and not any(self.used[start:end])

    def take(self, start: int, end: int) -> None:
        self.used[start:end] = b"\x01" * (end - start)

    def protect(self, start: int, end: int) -> None:
        """Keep a span out of every later pass but in the notes (a URL, an MOQ)."""
        self.used[start:end] = b"\x02" * (end - start)

    def finditer(self, pattern: re.Pattern[str]) -> Iterable[re.Match[str]]:
        for match in pattern.finditer(self.norm):
            if self.free(match.start(), match.end()):
                yield match

    def written(self, start: int, end: int) -> str:
        return self.text[start:end].strip()

    def before(self, start: int, width: int = 14) -> str:
        return self.norm[max(0, start - width) : start]
