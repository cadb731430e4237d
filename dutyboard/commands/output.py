"""``--out FILE`` and ``--force`` for the commands that write a file for a person
(export, report, contacts export): one place that asks :mod:`dutyboard.files` where a
file may go and turns a refusal into the command's one-line error."""

from __future__ import annotations

import argparse
from pathlib import Path

from dutyboard import files
from dutyboard.commands import Context, UsageError
from dutyboard.i18n import _


def output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help=_(
            "write here (default: standard output); a bare name goes into the export "
            "folder (display.export_dir)"
        ),
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help=_(
            "write outside the export folder, or over an existing file (never over the "
            "desk's database or config)"
        ),
    )


def output_path(args: argparse.Namespace, ctx: Context) -> Path | None:
    """Where ``--out`` may be written (None: standard output), or a :class:`UsageError`."""
    if args.out is None:
        return None
    try:
        return files.export_target(
            args.out,
            export_dir=ctx.config.export_dir,
            protected=files.desk_files(
                None if ctx.location else ctx.db_path, ctx.config.source_path
            ),
            force=args.force,
        )
    except files.WriteRefused as refused:
        hint = _(" (--force to write there)") if refused.confirmable else ""
        raise UsageError(f"{refused}{hint}") from None


def refused_error(refused: files.WriteRefused) -> UsageError:
    """A file that appeared at the destination while the export ran."""
    return UsageError(_("{refused} (--force to replace it)").format(refused=refused))
