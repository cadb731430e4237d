"""How well pasted chat messages are read: records found and fields right over the corpus.

    .venv/bin/python bench/paste_accuracy.py [--corpus tests/ingest/paste_corpus.json]
        [--repeat 5] [--misses]

Reads every message of the corpus (tests/ingest/paste_corpus.json) the way the paste box
does (``pastefmt.propose``: the rules, then the importer's normaliser) and compares the
records proposed with the records a careful officer would enter. Prints, in Markdown,
per kind and overall: records found / expected, fields right / expected, and the fields
proposed that the officer would not have entered (wrong extras); then the speed of the
command line's path (``parse_bytes(..., fmt="text")``) in messages per second.
``--misses`` lists every field that was not right.

The scoring is shared with tests/ingest/test_paste.py, which asserts ROUND2's bar
(≥ 95% of records found, ≥ 90% of fields right) on the same figures.

How a record counts: the expected records of a message are matched, in order, to the
proposed ones (each proposed record at most once, the one with most fields right
first); an expected record is found when a proposed record matches at least one of
its fields. A field is right when the proposed value equals the expected one (a date
is compared after reading the expected desk-local time with the importer's own date
reader; a price within 1e-9); "?" is right when the field is set aside as unsettled
(refused with a reason, not guessed), "-" when the field is reported missing. The
notes are not compared.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from dutyboard.domain.values import parse_datetime  # noqa: E402
from dutyboard.ingest.parse import parse_bytes  # noqa: E402
from dutyboard.ingest.pastefmt import ProposedRecord, propose  # noqa: E402

CORPUS = REPO / "tests" / "ingest" / "paste_corpus.json"
DATE_FIELDS = frozenset({"due_by", "next_action_at", "received_at"})
UNSETTLED = "?"
MISSING = "-"


@dataclass
class Tally:
    """Counts for one kind (or all)."""

    messages: int = 0
    records_expected: int = 0
    records_found: int = 0
    records_proposed: int = 0
    fields_expected: int = 0
    fields_right: int = 0
    wrong_extras: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.messages += other.messages
        self.records_expected += other.records_expected
        self.records_found += other.records_found
        self.records_proposed += other.records_proposed
        self.fields_expected += other.fields_expected
        self.fields_right += other.fields_right
        self.wrong_extras += other.wrong_extras
        self.misses.extend(other.misses)

    @property
    def found_share(self) -> float:
        return self.records_found / self.records_expected if self.records_expected else 1.0

    @property
    def right_share(self) -> float:
        return self.fields_right / self.fields_expected if self.fields_expected else 1.0


def load_corpus(path: Path = CORPUS) -> dict[str, Any]:
    corpus: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return corpus


def field_right(name: str, expected: object, record: ProposedRecord, zone: str) -> bool:
    if expected == UNSETTLED:
        return name in record.unsettled
    if expected == MISSING:
        return name in record.missing
    if name not in record.fields:
        return False
    value = record.fields[name]
    if name in DATE_FIELDS and isinstance(expected, str):
        return value == parse_datetime(expected, zone)
    if isinstance(expected, float) or isinstance(value, float):
        return (
            isinstance(value, int | float)
            and isinstance(expected, int | float)
            and abs(float(value) - float(expected)) < 1e-9
        )
    return value == expected


def _rights(expected: dict[str, object], record: ProposedRecord, zone: str) -> int:
    return sum(field_right(name, value, record, zone) for name, value in expected.items())


def score_message(message: dict[str, Any], zone: str) -> Tally:
    """Propose the message's records and compare them with the expected ones."""
    sent = datetime.fromisoformat(message["sent"])
    proposal = propose(message["text"], message["kind"], zone=zone, now=sent)
    proposed = proposal.records
    tally = Tally(messages=1, records_proposed=len(proposed))
    unused = list(range(len(proposed)))
    for number, expected in enumerate(message["records"], start=1):
        tally.records_expected += 1
        tally.fields_expected += len(expected)
        ranked = sorted(unused, key=lambda i: (-_rights(expected, proposed[i], zone), i))
        best = ranked[0] if ranked else None
        if best is None or _rights(expected, proposed[best], zone) == 0:
            tally.misses.append(f"{message['id']} #{number}: no record proposed for it")
            continue
        unused.remove(best)
        record = proposed[best]
        tally.records_found += 1
        for name, value in expected.items():
            if field_right(name, value, record, zone):
                tally.fields_right += 1
                continue
            got = (
                f"unsettled ({record.unsettled[name][1]})"
                if name in record.unsettled
                else "missing"
                if name in record.missing
                else repr(record.fields.get(name))
            )
            tally.misses.append(f"{message['id']} #{number}: {name} expected {value!r}, got {got}")
        for name in record.fields:
            if name not in expected and name != "notes":
                tally.wrong_extras += 1
                tally.misses.append(
                    f"{message['id']} #{number}: {name} proposed {record.fields[name]!r}, "
                    "not expected"
                )
    for index in unused:
        tally.misses.append(
            f"{message['id']}: a record not expected was proposed (line {proposed[index].number})"
        )
    return tally


def score(corpus: dict[str, Any]) -> dict[str, Tally]:
    """Tallies per kind, and "all"."""
    zone = corpus["zone"]
    tallies: dict[str, Tally] = {}
    for message in corpus["messages"]:
        tallies.setdefault(message["kind"], Tally()).add(score_message(message, zone))
    overall = Tally()
    for tally in tallies.values():
        overall.add(tally)
    tallies["all"] = overall
    return tallies


def speed(corpus: dict[str, Any], repeat: int) -> tuple[float, float]:
    """Messages per second through the command line's path, and through ``propose``."""
    zone = corpus["zone"]
    messages = corpus["messages"]
    start = time.perf_counter()
    for _ in range(repeat):
        for message in messages:
            sent = datetime.fromisoformat(message["sent"])
            parse_bytes(
                message["text"].encode(),
                "message.txt",
                message["kind"],
                fmt="text",
                default_zone=zone,
                now=sent,
            )
    cli = repeat * len(messages) / (time.perf_counter() - start)
    start = time.perf_counter()
    for _ in range(repeat):
        for message in messages:
            propose(
                message["text"],
                message["kind"],
                zone=zone,
                now=datetime.fromisoformat(message["sent"]),
            )
    box = repeat * len(messages) / (time.perf_counter() - start)
    return cli, box


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.1f}%)" if whole else "0/0"


def report(tallies: dict[str, Tally], speeds: tuple[float, float] | None) -> str:
    lines = [
        "| kind | messages | records found / expected | fields right / expected "
        "| wrong extra fields | records proposed |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for kind in [k for k in tallies if k != "all"] + ["all"]:
        t = tallies[kind]
        lines.append(
            f"| {'**all**' if kind == 'all' else kind} | {t.messages} "
            f"| {_share(t.records_found, t.records_expected)} "
            f"| {_share(t.fields_right, t.fields_expected)} | {t.wrong_extras} "
            f"| {t.records_proposed} |"
        )
    if speeds is not None:
        cli, box = speeds
        lines += [
            "",
            f'Parse speed: {cli:,.0f} messages/s through `parse_bytes(..., fmt="text")` '
            f"(the command line's path), {box:,.0f} messages/s through `propose` (the paste "
            "box's, which reads each record on its own).",
        ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--repeat", type=int, default=5, help="passes over the corpus for speed")
    parser.add_argument("--misses", action="store_true", help="list every field not right")
    args = parser.parse_args(argv)
    corpus = load_corpus(args.corpus)
    tallies = score(corpus)
    speeds = speed(corpus, args.repeat) if args.repeat > 0 else None
    print(report(tallies, speeds))
    if args.misses:
        print()
        for miss in tallies["all"].misses:
            print(f"* {miss}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
