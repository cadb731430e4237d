"""``dutyboard serve``: the leader dashboard in a web browser, behind the leader secret.

Each browser session gets its own read-only leader process (``dutyboard --role leader``,
as over SSH), through textual-serve (the ``dutyboard[web]`` extra); a phone gets
``/status`` and ``/status.json``. The server is :mod:`dutyboard.web.server`; who may see
it, :mod:`dutyboard.web.auth`; its ``[web]`` config, :mod:`dutyboard.web.config`.
``--set-secret`` prints the ``[web]`` line that stores the secret, hashed; it writes no
file (the config is the operator's).
"""

from __future__ import annotations

import argparse
import getpass
import ipaddress
import sys

from dutyboard.commands import Context, Subparsers, UsageError, common_options
from dutyboard.i18n import LANGUAGES, _, language


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "serve",
        help=_("the leader dashboard in a web browser, behind the leader secret (read-only)"),
        description=_(
            "Serve the read-only leader dashboard to web browsers: every viewer gets their "
            "own leader session, opened read-only as over SSH, after signing in with the "
            "desk's leader secret ($DUTYBOARD_LEADER_SECRET, or leader_secret_hash in the "
            "[web] section of the config: --set-secret prints it). /status is the status "
            "for a phone, /status.json the same as JSON. Listens on 127.0.0.1 unless told "
            "otherwise; anything else belongs behind a TLS proxy. See docs/leaders.md."
        ),
    )
    common_options(parser)
    parser.add_argument(
        "--host",
        metavar="ADDRESS",
        help=_("address to listen on (default: host in [web], else 127.0.0.1)"),
    )
    parser.add_argument(
        "--port",
        type=_port,
        metavar="PORT",
        help=_("port to listen on (default: port in [web], else 8000)"),
    )
    parser.add_argument(
        "--set-secret",
        action="store_true",
        help=_(
            "read a new leader secret (a prompt, or the first line of standard input) and "
            "print the [web] line that stores it hashed, for the config; serves nothing"
        ),
    )
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=argparse.SUPPRESS,  # `dutyboard --lang zh_CN serve` is kept
        help=_("language of the pages and sessions when the browser asks for none"),
    )
    parser.set_defaults(func=run)


def _port(text: str) -> int:
    from dutyboard.web.config import port_number

    try:
        return port_number(int(text))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def run(args: argparse.Namespace, ctx: Context) -> int:
    try:
        from dutyboard.web import auth
        from dutyboard.web.config import load_web_config
    except ImportError:
        raise UsageError(_web_extra_missing()) from None
    if args.set_secret:
        return _set_secret()
    try:
        from dutyboard.web.server import ServeSettings, serve
    except ImportError:
        raise UsageError(_web_extra_missing()) from None
    web = load_web_config(ctx.config.source_path)
    try:
        secret = auth.leader_secret(web.secret_hash)
    except auth.SecretError as exc:
        raise UsageError(str(exc)) from None
    if secret is None:
        raise UsageError(
            _(
                "no leader secret: run `dutyboard serve --set-secret` and put the line it "
                "prints in the [web] section of the config, or set $DUTYBOARD_LEADER_SECRET"
            )
        )
    host = args.host or web.host
    port = args.port if args.port is not None else web.port
    _check_desk(ctx)
    if not _loopback(host):
        print(
            "dutyboard: "
            + _(
                "warning: listening on {host} without TLS: the secret and the desk cross the "
                "network in the clear; put a TLS proxy in front (nginx, caddy: docs/leaders.md)"
            ).format(host=host),
            file=sys.stderr,
            flush=True,
        )
    from dutyboard import files

    # The server writes no file either; every store it opens is read-only besides.
    files.forbid_writes(_("dutyboard serve writes no files"))
    settings = ServeSettings(
        desk=ctx.desk,
        config=ctx.config,
        secret=secret,
        lang=language(),
        behind_proxy=web.behind_proxy,
        max_viewers=web.max_viewers,
    )

    def ready(urls: list[str]) -> None:
        for url in urls:
            print(
                _(
                    "serving the leader dashboard of {desk} at {url} (read-only; "
                    "/status for a phone; Ctrl+C stops)"
                ).format(desk=ctx.shown_desk, url=url),
                flush=True,
            )

    try:
        serve(settings, host, port, ready=ready)
    except OSError as exc:
        raise UsageError(
            _("cannot listen on {host}:{port}: {reason}").format(
                host=host, port=port, reason=exc.strerror or exc
            )
        ) from None
    return 0


def _web_extra_missing() -> str:
    return _("dutyboard serve needs the web extra: pip install 'dutyboard[web]'")


def _loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _check_desk(ctx: Context) -> None:
    """The desk opens read-only now, or serving stops here with the reason (rather than
    in every browser that connects)."""
    from dutyboard.store import Store

    Store.open(ctx.desk, readonly=True, actor="web").close()


def _set_secret() -> int:
    from dutyboard.web.auth import hash_secret, secret_problem
    from dutyboard.web.config import web_section

    if sys.stdin is not None and sys.stdin.isatty():
        secret = getpass.getpass(_("New leader secret: "))
        again = getpass.getpass(_("The same again: "))
        if secret != again:
            raise UsageError(_("the two secrets differ; nothing was printed"))
    else:
        line = sys.stdin.readline() if sys.stdin is not None else ""
        secret = line.rstrip("\r\n")
    problem = secret_problem(secret)
    if problem is not None:
        raise UsageError(problem)
    print(_("# the leader secret, hashed (the secret itself is stored nowhere):"))
    print(web_section(hash_secret(secret)))
    print(
        "dutyboard: "
        + _(
            "put these lines in the config ([web] section) and restart `dutyboard serve`; "
            "$DUTYBOARD_LEADER_SECRET, if set, wins over them"
        ),
        file=sys.stderr,
    )
    return 0
