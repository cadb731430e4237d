"""The HTML that ``dutyboard serve`` writes itself: the login, the phone's status page, the
page that holds the dashboard's terminal, and a one-line problem page.

Every value goes through :func:`html.escape` (a unit's name, the desk's name, an error
line), and the pages carry no script of their own: the dashboard page loads only
textual-serve's ``textual.js`` from ``/static`` (so the server's Content-Security-Policy
can say ``script-src 'self'``). The words go through ``_()``: call these inside
:func:`speaking`, which sets the process's language for the call and puts it back.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from html import escape
from urllib.parse import urlencode

from dutyboard.domain.text import clean_line
from dutyboard.i18n import _, language, set_language

STATUS_REFRESH_SECONDS = 30

_LANGUAGE = threading.Lock()


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """``_()`` in ``lang`` inside the block, the process's language (and
    ``$DUTYBOARD_LANG``, which set_language also sets) as they were after it. The
    language is process-global: the lock keeps two pages from mixing theirs. Nothing
    inside may await."""
    with _LANGUAGE:
        before, env = language(), os.environ.get("DUTYBOARD_LANG")
        set_language(lang)
        try:
            yield
        finally:
            set_language(before)
            if env is None:
                os.environ.pop("DUTYBOARD_LANG", None)
            else:
                os.environ["DUTYBOARD_LANG"] = env


def _html_lang(lang: str) -> str:
    return "zh-CN" if lang == "zh_CN" else "en"


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 0; background: #0c181f; color: #e8eef2; }
a { color: #8fd3ff; }
nav { display: flex; flex-wrap: wrap; gap: 0.4em 1.2em; padding: 0.5em 0.8em;
      background: #12232d; font-size: 0.95em; }
main { padding: 0.8em; }
pre { font-family: ui-monospace, "DejaVu Sans Mono", "Noto Sans Mono CJK SC", monospace;
      font-size: 0.85em; line-height: 1.35; overflow-x: auto; margin: 0; }
.note { color: #9fb3c0; font-size: 0.85em; }
form { display: flex; flex-direction: column; gap: 0.6em; max-width: 22em; }
input, button { font-size: 1.1em; padding: 0.45em; }
.problem { color: #ffb4a8; }
"""


def _page(lang: str, title: str, body: str, *, refresh: int | None = None) -> str:
    head = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="same-origin">',
        '<meta name="robots" content="noindex, nofollow">',
    ]
    if refresh:
        head.append(f'<meta http-equiv="refresh" content="{int(refresh)}">')
    return (
        f'<!DOCTYPE html>\n<html lang="{_html_lang(lang)}">\n<head>\n'
        + "\n".join(head)
        + f"\n<title>{escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n"
        + f"<body>\n{body}\n</body>\n</html>\n"
    )


def _shown(value: str) -> str:
    """A value from the config or the desk, on one line and escaped for HTML."""
    return escape(clean_line(value), quote=True)


def login_page(lang: str, desk_name: str, *, next_path: str, message: str | None = None) -> str:
    other = "zh_CN" if lang == "en" else "en"
    switch = escape("/login?" + urlencode({"lang": other, "next": next_path}), quote=True)
    readonly = _("Read-only: nothing on this desk can be changed from here.")
    problem = f'<p class="problem" role="alert">{escape(message)}</p>\n' if message else ""
    body = (
        f'<nav><strong>{_shown(desk_name)}</strong><a href="{switch}" lang="{_html_lang(other)}">'
        + ("中文" if other == "zh_CN" else "English")
        + "</a></nav>\n<main>\n"
        + f"<h1>{escape(_('Leader sign-in'))}</h1>\n{problem}"
        + '<form method="post" action="/login">\n'
        + f'<input type="hidden" name="next" value="{escape(next_path, quote=True)}">\n'
        + f'<label for="secret">{escape(_("The desk’s leader secret"))}</label>\n'
        + '<input id="secret" name="secret" type="password" autocomplete="current-password"'
        + " required autofocus>\n"
        + f'<button type="submit">{escape(_("Sign in"))}</button>\n</form>\n'
        + f'<p class="note">{escape(readonly)}</p>\n</main>'
    )
    return _page(lang, _("{desk}: leader sign-in").format(desk=clean_line(desk_name)), body)


def status_page(lang: str, desk_name: str, report: str, *, width: int) -> str:
    """The status report (plain text, already cleaned) in a page for a phone."""
    other = "zh_CN" if lang == "en" else "en"
    links = [
        f"<strong>{_shown(desk_name)}</strong>",
        f'<a href="/">{escape(_("Dashboard"))}</a>',
        f'<a href="/status.json">{escape(_("JSON"))}</a>',
        f'<a href="/status?lang={other}&amp;width={width}" lang="{_html_lang(other)}">'
        + ("中文" if other == "zh_CN" else "English")
        + "</a>",
        f'<a href="/logout">{escape(_("Log out"))}</a>',
    ]
    note = _("Refreshes itself every {seconds} s.").format(seconds=STATUS_REFRESH_SECONDS)
    body = (
        "<nav>"
        + " ".join(links)
        + "</nav>\n<main>\n"
        + f'<pre id="status">{escape(report, quote=True)}</pre>\n'
        + f'<p class="note">{escape(note)}</p>\n</main>'
    )
    title = _("{desk}: status").format(desk=clean_line(desk_name))
    return _page(lang, title, body, refresh=STATUS_REFRESH_SECONDS)


def problem_page(lang: str, title: str, line: str) -> str:
    body = (
        f'<nav><a href="/status">{escape(_("Status"))}</a>'
        f' <a href="/logout">{escape(_("Log out"))}</a></nav>\n'
        f'<main><h1>{escape(title)}</h1>\n<p class="problem">{_shown(line)}</p></main>'
    )
    return _page(lang, title, body)


_TERMINAL_STYLE = """
@font-face { font-family: "Roboto Mono";
             src: url("/static/fonts/RobotoMono-VariableFont_wght.ttf"); }
html, body { height: 100%; overflow: hidden; }
nav { height: 1.6em; box-sizing: content-box; white-space: nowrap; overflow: hidden; }
#terminal { position: absolute; top: 2.6em; left: 0; right: 0; bottom: 0; }
.textual-terminal { opacity: 0; transition: opacity 0.3s ease-out; }
body.-first-byte .textual-terminal { opacity: 1; }
.starting, .ended { position: absolute; top: 40%; width: 100%; text-align: center; }
body.-first-byte .starting, .ended { display: none; }
body.-closed .ended { display: block; }
body.-closed .starting { display: none; }
"""


def dashboard_page(lang: str, desk_name: str, *, websocket_url: str, font_size: int) -> str:
    """The page textual-serve's script turns into the leader's terminal."""
    links = [
        f"<strong>{_shown(desk_name)}</strong>",
        f'<span class="note">{escape(_("leader view, read-only"))}</span>',
        f'<a href="/status">{escape(_("Status"))}</a>',
        f'<a href="/logout">{escape(_("Log out"))}</a>',
    ]
    body = (
        "<nav>"
        + " ".join(links)
        + "</nav>\n"
        + f'<p class="starting note">{escape(_("Opening the leader dashboard…"))}</p>\n'
        + f'<p class="ended">{escape(_("Session ended."))} '
        + f'<a href="">{escape(_("Open it again"))}</a></p>\n'
        + '<div id="terminal" class="textual-terminal"'
        + f' data-session-websocket-url="{escape(websocket_url, quote=True)}"'
        + f' data-font-size="{int(font_size)}"></div>'
    )
    page = _page(lang, _("{desk}: leader dashboard").format(desk=clean_line(desk_name)), body)
    assets = (
        '<link rel="stylesheet" href="/static/css/xterm.css">\n'
        '<script src="/static/js/textual.js"></script>\n'
        f"<style>{_TERMINAL_STYLE}</style>\n</head>"
    )
    return page.replace("</head>", assets, 1)
