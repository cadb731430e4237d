"""``dutyboard ingest``: import files once, with a summary per file.

Exit status: 0 when every row of every file went in, 1 when a row was quarantined or a
file could not be read (both are recorded in the database), 2 for usage errors (a wrong
path, an unknown kind or zone) — nothing is imported then.

``--text FILE`` (``-``: standard input) reads a pasted chat message (format "text",
``dutyboard.ingest.pastefmt``): one record or a numbered 接龙 list of many. It is kept
under a name ending ``.txt`` so that a retry from quarantine reads it as a message again.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dutyboard.commands import Context, Subparsers, UsageError, common_options
from dutyboard.config import reader_limits
from dutyboard.domain.limits import Limits
from dutyboard.domain.text import clean_text
from dutyboard.i18n import _
from dutyboard.ingest.limits import over
from dutyboard.ingest.records import KINDS, Kind
from dutyboard.ingest.sources import FORMATS, SourceConfig, find_source, load_sources
from dutyboard.ingest.store_sink import IngestSummary, ingest_bytes, quarantine_sample
from dutyboard.store import Store

DEFAULT_SOURCE = "cli"
STDIN = "-"
PROGRESS_MIN_BYTES = 1_000_000
SHOW_PROBLEMS = 10
SHOW_WARNINGS = 5


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "ingest",
        help=_(
            "import request, lead or contact files once (CSV/TSV, spreadsheets "
            "xlsx/xls/xlsb/ods, JSON, HXL, KoBo, ODK, vCard)"
        ),
        description=_(
            "Import files into the database once and print, per file, how many "
            "records were new, updated, unchanged and quarantined. Each file goes in whole or "
            "not at all; importing the same file again adds nothing. Bad rows go to "
            "quarantine with their reason. Exits 1 if anything was quarantined or a file "
            "could not be read. See docs/ingest.md."
        ),
    )
    common_options(parser)
    parser.add_argument(
        "--kind",
        choices=KINDS,
        help=_("what the files hold (default: the kind of the --source in the config)"),
    )
    parser.add_argument(
        "--force-kind",
        action="store_true",
        help=_(
            "import the files as --kind even when their columns are clearly another "
            "kind's (by default such a file is refused, naming the kind it fits)"
        ),
    )
    parser.add_argument(
        "--source",
        metavar="NAME",
        help=_(
            "source name; a [[sources]] entry of that name lends its kind, mapping, zone "
            "and format (default: {name!r})"
        ).format(name=DEFAULT_SOURCE),
    )
    parser.add_argument(
        "--format", choices=FORMATS, help=_("skip format detection (default: detected)")
    )
    parser.add_argument(
        "--zone",
        metavar="ZONE",
        help=_("IANA time zone of naive times (default: desk.timezone)"),
    )
    parser.add_argument(
        "--text",
        action="append",
        default=[],
        metavar="FILE",
        help=_(
            "read FILE as a pasted chat message (WeChat, WhatsApp): one record, or a "
            "numbered list of many; '-' reads standard input (may be given more than once)"
        ),
    )
    parser.add_argument("files", nargs="*", type=Path, metavar="FILE")
    parser.set_defaults(func=run)


def _settings(args: argparse.Namespace, ctx: Context) -> tuple[Kind, SourceConfig | None, str]:
    configured: SourceConfig | None = None
    if args.source is not None:
        source_path = ctx.config.source_path
        sources = load_sources(source_path, default_zone=ctx.config.timezone) if source_path else []
        configured = find_source(sources, args.source)
    kind: Kind | None = args.kind
    if configured is not None:
        if kind is not None and kind != configured.kind:
            raise UsageError(
                _("--kind {kind} does not match source {source!r}, which brings {brings}").format(
                    kind=kind, source=args.source, brings=configured.kind
                )
            )
        kind = configured.kind
    if kind is None:
        raise UsageError(
            _(
                "--kind is required (requests, leads or contacts) unless --source names a "
                "configured source"
            )
        )
    zone = args.zone or (configured.zone if configured else ctx.config.timezone)
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(
            _("--zone {zone!r} is not a known IANA time zone").format(zone=zone)
        ) from None
    return kind, configured, zone


def _check_files(files: list[Path], limits: Limits) -> None:
    for path in files:
        if not path.exists():
            raise UsageError(_("{path}: no such file").format(path=path))
        if not path.is_file():
            raise UsageError(_("{path}: not a file").format(path=path))
        size = path.stat().st_size
        if size > limits.max_file_bytes:  # refused before it is read into memory
            raise UsageError(f"{path}: {over(limits, 'max_file_bytes', f'{size:,} bytes')}")


def _progress(name: str) -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        line = _("{name}: {done}/{total} rows written").format(
            name=name, done=f"{done:,}", total=f"{total:,}"
        )
        print(f"\r{line}", end=end, file=sys.stderr, flush=True)

    return show


def _problems(store: Store, summary: IngestSummary) -> list[str]:
    lines = [f"  {line}" for line in quarantine_sample(store, summary, SHOW_PROBLEMS)]
    if summary.quarantined > len(lines) and lines:
        more = summary.quarantined - len(lines)
        lines.append("  " + _("… {count} more in quarantine").format(count=more))
    return lines


@dataclass(frozen=True)
class _Input:
    """One thing to import: a file, or a pasted message (a file or standard input)."""

    path: Path | None  # None: standard input
    text: bool  # a pasted message (format "text")

    def read(self, limits: Limits) -> bytes:
        if self.path is not None:
            return self.path.read_bytes()
        if sys.stdin.isatty():
            print(
                _("paste the message, then press Ctrl-D on a line of its own"),
                file=sys.stderr,
                flush=True,
            )
        # One byte past the limit is enough to refuse it (parse_bytes names the limit).
        return sys.stdin.buffer.read(limits.max_file_bytes + 1)

    def shown(self) -> str:
        if self.path is None:
            return _("standard input")
        return clean_text(str(self.path), limit=200)

    def location(self) -> str:
        from dutyboard.ingest.pastefmt import STDIN_LOCATION  # the rules load on use

        return STDIN_LOCATION if self.path is None else str(self.path.resolve())

    def name(self) -> str:
        """The name format detection (and a later retry) goes by."""
        from dutyboard.ingest.pastefmt import STDIN_LOCATION

        name = STDIN_LOCATION if self.path is None else self.path.name
        return name if not self.text or name.lower().endswith(".txt") else f"{name}.txt"


def _inputs(args: argparse.Namespace) -> list[_Input]:
    inputs = [_Input(path, False) for path in args.files]
    texts: list[str] = args.text
    if texts.count(STDIN) > 1:
        raise UsageError(_("--text -: standard input can be read only once"))
    inputs += [_Input(None if text == STDIN else Path(text), True) for text in texts]
    if not inputs:
        raise UsageError(_("give a FILE to import, or --text FILE (- for standard input)"))
    return inputs


def run(args: argparse.Namespace, ctx: Context) -> int:
    kind, configured, zone = _settings(args, ctx)
    inputs = _inputs(args)
    files: list[Path] = [item.path for item in inputs if item.path is not None]
    limits = reader_limits(ctx.config)
    _check_files(files, limits)
    source_name = args.source or DEFAULT_SOURCE
    fmt = args.format or (configured.format if configured else None)
    mapping = dict(configured.mapping) if configured else {}
    window = configured.duplicate_window_hours if configured else 24.0
    force_kind = args.force_kind or (configured.force_kind if configured else False)
    tty = sys.stderr.isatty()
    if ctx.location is None:
        ctx.db_path.parent.mkdir(parents=True, exist_ok=True)
    store = Store.open(ctx.desk, actor=ctx.user)
    store.phone_region = ctx.config.desk_phone_region
    failed = False
    try:
        for item in inputs:
            data = item.read(limits)
            shown = item.shown()
            progress = None
            if tty and len(data) >= PROGRESS_MIN_BYTES:
                print(
                    _("{name}: reading {size} bytes…").format(name=shown, size=f"{len(data):,}"),
                    file=sys.stderr,
                    flush=True,
                )
                progress = _progress(shown)
            summary = ingest_bytes(
                store,
                data,
                item.name(),
                kind=kind,
                source=source_name,
                location=item.location(),
                mapping=mapping,
                zone=zone,
                fmt="text" if item.text else fmt,
                duplicate_window_hours=window,
                progress=progress,
                limits=limits,
                force_kind=force_kind,
            )
            print(summary.line(shown), flush=True)
            for warning in summary.warnings[:SHOW_WARNINGS]:
                print(
                    _("  warning: {text}").format(text=clean_text(warning, limit=300)),
                    file=sys.stderr,
                )
            if len(summary.warnings) > SHOW_WARNINGS:
                more = len(summary.warnings) - SHOW_WARNINGS
                print(_("  … {count} more warnings").format(count=more), file=sys.stderr)
            if not summary.clean:
                failed = True
                for line in _problems(store, summary):
                    print(line, file=sys.stderr)
        if failed:
            # The source stays failing until a later file from it is clean or the rows are
            # dealt with: say where they wait.
            shown_source = clean_text(source_name, limit=100)
            print(
                _(
                    "  quarantined rows wait in `dutyboard quarantine list --source {source}` "
                    "(retry, or discard with a reason)"
                ).format(source=shown_source),
                file=sys.stderr,
            )
    finally:
        store.close()
    return 1 if failed else 0
