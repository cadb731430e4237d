"""One ``_()`` for every user-facing string; English and Simplified Chinese ship together.

The language is chosen once per process, before the UI is imported: ``--lang``, else the
config's ``desk.lang``, else ``$DUTYBOARD_LANG``, else the locale (``LANG``/``LC_ALL``
starting with ``zh`` → zh_CN), else English. Widgets translate their key descriptions at
import time, so :func:`set_language` must run before ``dutyboard.app`` is imported (the
CLI does this). Strings missing from a catalog fall back to English, never to nothing.
"""

from __future__ import annotations

import os

LANGUAGES = ("en", "zh_CN")


class _Catalogs(dict[str, dict[str, str]]):
    """Language → catalog; the Chinese one is imported the first time it is asked for,
    so a process working in English (``dutyboard status`` over SSH) never loads it."""

    def __missing__(self, lang: str) -> dict[str, str]:
        if lang != "zh_CN":
            raise KeyError(lang)
        from dutyboard.locale import zh_CN

        self[lang] = zh_CN.MESSAGES
        return zh_CN.MESSAGES


_CATALOGS: dict[str, dict[str, str]] = _Catalogs(en={})


def _from_environment() -> str:
    explicit = os.environ.get("DUTYBOARD_LANG", "")
    if explicit in LANGUAGES:
        return explicit
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "zh_CN" if value.lower().startswith("zh") else "en"
    return "en"


_current = _from_environment()


def set_language(lang: str | None) -> str:
    """Use ``lang`` (or the environment's choice when None); returns the language set."""
    global _current
    if lang is None:
        lang = _from_environment()
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r} (choose {', '.join(LANGUAGES)})")
    _current = lang
    # Child processes (and widgets imported later) see the same choice.
    os.environ["DUTYBOARD_LANG"] = lang
    return lang


def language() -> str:
    return _current


def _(text: str) -> str:
    """Translate ``text`` into the current language (English is the key)."""
    return _CATALOGS[_current].get(text, text)


def pgettext(context: str, text: str) -> str:
    """``_()`` for an English word with two meanings ("In": goods in, or time until an
    arrival; "open": a request not yet settled, or a quarantine row waiting): the
    catalogue key is ``context`` + "\\x04" + ``text`` (gettext's msgctxt); without an
    entry, the English ``text``. One for the CLI, the core and the dashboard."""
    key = f"{context}\x04{text}"
    translated = _(key)
    return text if translated == key else translated
