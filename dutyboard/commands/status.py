"""``dutyboard status``: the desk on one screen of text, or as JSON. Read-only.

Opens the database read-only, so it is what a leader's SSH key runs. With
``--ssh-options`` (for an OpenSSH forced command) the client may still pick ``--json``
and ``--lang`` by typing them after the host name: ``ssh duty-host status --json``. Those
are read from ``$SSH_ORIGINAL_COMMAND`` as plain words; nothing else there is ever run or
used, whatever it says.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys

from dutyboard.commands import Context, Subparsers, common_options
from dutyboard.domain.text import clean_output
from dutyboard.i18n import LANGUAGES as LANGS
from dutyboard.i18n import _, language


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "status",
        help=_("the desk at a glance, as one screen of text or JSON (read-only)"),
        description=_(
            "Print the desk's status: requests by status and priority, urgent and "
            "overdue items, the leads pipeline and leads awaiting a reply, who is on duty, the "
            "last handover, source health and supply tallies. Opens the database read-only, "
            "so it never changes anything. See docs/ssh.md for the JSON shape."
        ),
    )
    common_options(parser)
    parser.add_argument("--json", action="store_true", help=_("print JSON (schema 1) instead"))
    parser.add_argument(
        "--lang",
        choices=LANGS,
        # SUPPRESS: `dutyboard --lang zh_CN status` (the global option) is kept.
        default=argparse.SUPPRESS,
        help=_("labels' language (default: desk.lang in the config, else the locale)"),
    )
    parser.add_argument(
        "--ssh-options",
        action="store_true",
        help=_(
            "as an SSH forced command: also honour --json and --lang sent by the client "
            "($SSH_ORIGINAL_COMMAND); every other word there is ignored"
        ),
    )
    parser.set_defaults(func=run)


def client_options(original: str) -> tuple[bool, str | None, bool]:
    """(json, lang, ignored_something) from an SSH client's command line.

    Words, not a shell: ``status --json --lang zh_CN`` works, ``; rm -rf /`` is just
    words that are not options, ignored.
    """
    want_json, lang, ignored = False, None, False
    words = original.split()
    i = 0
    while i < len(words):
        word = words[i]
        if word in ("--json", "json"):
            want_json = True
        elif word in ("--text", "text", "status", "dutyboard"):
            pass
        elif word == "--lang" and i + 1 < len(words) and words[i + 1] in LANGS:
            lang = words[i + 1]
            i += 1
        elif word.startswith("--lang=") and word.split("=", 1)[1] in LANGS:
            lang = word.split("=", 1)[1]
        elif word in LANGS:
            lang = word
        else:
            ignored = True
        i += 1
    return want_json, lang, ignored


def run(args: argparse.Namespace, ctx: Context) -> int:
    # The CLI has already chosen the language: --lang, desk.lang, $DUTYBOARD_LANG, locale.
    want_json, lang = bool(args.json), language()
    if args.ssh_options:
        asked_json, asked_lang, ignored = client_options(os.environ.get("SSH_ORIGINAL_COMMAND", ""))
        want_json = want_json or asked_json
        lang = asked_lang or lang
        if ignored:
            # Never echo the client's words back: they are not ours to print.
            print(
                "dutyboard: "
                + _("this key only shows the status; the rest of the command was ignored"),
                file=sys.stderr,
            )
    # Imported here, not at the top: `dutyboard --help` builds every command's parser, and
    # that needs none of the report.
    from dutyboard.reports.status.as_json import render_json
    from dutyboard.reports.status.build import build_status
    from dutyboard.reports.status.text import render_text
    from dutyboard.store import Store

    store = Store.open(ctx.desk, readonly=True, actor=ctx.user)
    try:
        status = build_status(store, desk_name=ctx.config.desk_name, timezone=ctx.config.timezone)
    finally:
        store.close()
    utf8 = (sys.stdout.encoding or "").lower().replace("-", "") in ("utf8", "utf8sig")
    if want_json:
        output = render_json(status, ascii_only=not utf8)
    else:
        if not utf8:
            sys.stdout.reconfigure(errors="replace")  # type: ignore[union-attr]
        columns = shutil.get_terminal_size((80, 24)).columns
        output = render_text(status, lang=lang, width=max(40, min(columns, 160)))
    # Every value was cleaned on its way into the report; this pass is the last line of
    # defence for a leader's terminal (the desk name comes from the config, too).
    output = clean_output(output)
    try:
        sys.stdout.write(output if output.endswith("\n") else output + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # `dutyboard status | head`: the reader left; that is not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 0
