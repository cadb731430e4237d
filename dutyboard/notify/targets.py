"""Notification targets: the ``[[notify]]`` array of the TOML config file.

Each block is one place news goes: a chat group's webhook or a mailbox::

    [[notify]]
    name = "duty-group"
    kind = "dingtalk"          # webhook, wecom, dingtalk, feishu, slack, teams, email
    events = ["handover_signed", "urgent_unacknowledged"]
    url = "https://oapi.dingtalk.com/robot/send?access_token=..."
    secret_env = "DINGTALK_SECRET"      # the *name* of the variable, never the secret

``parse_targets`` checks every key and raises ``ConfigError`` with one line naming the
entry and key (``notify[2].url: …``, counting from 0 like the array itself), as
``parse_sources`` does for ``[[sources]]``. Secrets are read from the environment only
when a message is sent (:mod:`dutyboard.notify.channels`); a webhook URL, which often
carries a token itself, is shown only through :func:`mask`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from dutyboard.config import ConfigError, text_value
from dutyboard.i18n import _
from dutyboard.notify import EVENTS, KINDS, Target

CHAT_KINDS: tuple[str, ...] = tuple(kind for kind in KINDS if kind != "email")
SIGNED_KINDS: tuple[str, ...] = ("dingtalk", "feishu")  # kinds that know secret_env

_NAME = re.compile(r"^[\w][\w .:@+-]{0,99}$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
# One mailbox, ASCII (a UTF-8 address needs SMTPUTF8, which few relays offer): no display
# name, no list, nothing that could end a header line.
_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*$")
_HOST = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$|^\[[0-9A-Fa-f:.]+\]$")

MAX_MINUTES = 7 * 24 * 60.0  # a week: any longer threshold is a typo
MAX_TIMEOUT_S = 120.0

_COMMON = {
    "name",
    "kind",
    "events",
    "urgent_after_minutes",
    "feed_failing_minutes",
    "timeout_s",
}
_CHAT = {"url"}
_SIGNED = {"secret_env"}
_EMAIL = {
    "smtp_host",
    "smtp_port",
    "starttls",
    "smtp_cafile",
    "from",
    "to",
    "username_env",
    "password_env",
}
# config key → Target field, where they differ
_FIELD = {"from": "mail_from", "to": "mail_to"}


def _allowed(kind: str) -> set[str]:
    if kind == "email":
        return _COMMON | _EMAIL
    return _COMMON | _CHAT | (_SIGNED if kind in SIGNED_KINDS else set())


# ----------------------------------------------------------------------- values


def _name(value: Any) -> str:
    text = text_value(value)
    if not _NAME.match(text):
        raise ValueError(
            _(
                "{value} is not a usable name (letters, digits, space and . : @ + - _, "
                "at most 100 characters)"
            ).format(value=repr(text[:40]))
        )
    return text


def _kind(value: Any) -> str:
    if not isinstance(value, str) or value not in KINDS:
        raise ValueError(
            _("{value} is not one of {known}").format(value=repr(value), known=", ".join(KINDS))
        )
    return value


def _events(value: Any) -> frozenset[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise ValueError(
            _(
                'must be a non-empty list of events such as ["handover_signed"] (known: {known})'
            ).format(known=", ".join(EVENTS))
        )
    for event in value:
        if not isinstance(event, str) or event not in EVENTS:
            raise ValueError(
                _("{value} is not an event (known: {known})").format(
                    value=repr(event), known=", ".join(EVENTS)
                )
            )
    return frozenset(value)


def _url(value: Any) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ValueError(_("must be a non-empty string"))
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text):
        raise ValueError(_("must not contain spaces or control characters"))
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(
            _("{value} must start with http:// or https:// and name a host").format(
                value=repr(mask(text))
            )
        )
    try:
        parts.port  # noqa: B018 - a bad port raises here, not at the first delivery
    except ValueError:
        raise ValueError(
            _("{value} has a bad port number").format(value=repr(mask(text)))
        ) from None
    return text


def _env_name(value: Any) -> str:
    text = value if isinstance(value, str) else ""
    if not _ENV_NAME.match(text):
        raise ValueError(
            _(
                "{value} is not an environment variable name (put the variable's NAME here, "
                'e.g. "DINGTALK_SECRET", never the secret itself)'
            ).format(value=repr(text[:40]) if text else repr(value))
        )
    return text


def _host(value: Any) -> str:
    text = text_value(value)
    if not _HOST.match(text):
        raise ValueError(_("{value} is not a host name").format(value=repr(text[:60])))
    return text


def _port(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise ValueError(_("must be a port number between 1 and 65535"))
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(_("must be true or false"))
    return value


def _path(value: Any) -> str:
    return text_value(value)


def _address(value: Any) -> str:
    if not isinstance(value, str) or not _ADDRESS.match(value.strip()):
        shown = repr(value[:60]) if isinstance(value, str) else repr(value)
        raise ValueError(
            _("{value} is not an e-mail address such as duty@example.org").format(value=shown)
        )
    return value.strip()


def _addresses(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise ValueError(
            _('must be an e-mail address or a list of them, e.g. ["duty@example.org"]')
        )
    return tuple(dict.fromkeys(_address(item) for item in value))


def _minutes(value: Any) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not 0 < value <= MAX_MINUTES
    ):
        raise ValueError(
            _("must be a number of minutes greater than 0 and at most {most}").format(
                most=f"{MAX_MINUTES:,.0f}"
            )
        )
    return float(value)


def _timeout(value: Any) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not 0 < value <= MAX_TIMEOUT_S
    ):
        raise ValueError(
            _("must be a number of seconds greater than 0 and at most {most}").format(
                most=f"{MAX_TIMEOUT_S:g}"
            )
        )
    return float(value)


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "events": _events,
    "url": _url,
    "secret_env": _env_name,
    "smtp_host": _host,
    "smtp_port": _port,
    "starttls": _bool,
    "smtp_cafile": _path,
    "from": _address,
    "to": _addresses,
    "username_env": _env_name,
    "password_env": _env_name,
    "urgent_after_minutes": _minutes,
    "feed_failing_minutes": _minutes,
    "timeout_s": _timeout,
}


# ----------------------------------------------------------------------- parsing


def parse_targets(value: Any, *, where: str) -> tuple[Target, ...]:
    """Check the ``[[notify]]`` array; the first bad key raises ``ConfigError``.

    ``where`` names the file in messages (``config.toml: notify[1].events: …``)."""
    if not isinstance(value, list):
        raise ConfigError(
            _("{where}: notify must be an array of tables ([[notify]] blocks)").format(where=where)
        )
    targets: list[Target] = []
    names: dict[str, int] = {}
    for index, entry in enumerate(value):
        prefix = f"notify[{index}]"

        def fail(key: str, message: str, prefix: str = prefix) -> ConfigError:
            return ConfigError(f"{where}: {prefix}.{key}: {message}")

        if not isinstance(entry, dict):
            raise ConfigError(
                _("{where}: {entry} must be a table ([[notify]] block)").format(
                    where=where, entry=prefix
                )
            )
        for key in ("name", "kind", "events"):
            if key not in entry:
                raise fail(key, _("is required"))
        try:
            name = _name(entry["name"])
        except ValueError as exc:
            raise fail("name", str(exc)) from None
        if name in names:
            raise fail(
                "name",
                _("{name} is already the name of notify[{index}]").format(
                    name=repr(name), index=names[name]
                ),
            )
        names[name] = index
        try:
            kind = _kind(entry["kind"])
        except ValueError as exc:
            raise fail("kind", str(exc)) from None
        allowed = _allowed(kind)
        for key in entry:
            if key in allowed:
                continue
            if key in _EMAIL:
                raise fail(
                    key,
                    _('only applies to kind = "email" (this target is "{kind}")').format(kind=kind),
                )
            if key in _CHAT:
                raise fail(
                    key,
                    _('does not apply to kind = "email" (mail goes through smtp_host)'),
                )
            if key in _SIGNED:
                raise fail(
                    key,
                    _(
                        'only applies to kind = "dingtalk" or "feishu" (this target is "{kind}")'
                    ).format(kind=kind),
                )
            raise fail(
                key,
                _("unknown key (known: {known})").format(known=", ".join(sorted(allowed))),
            )
        values: dict[str, Any] = {"name": name, "kind": kind}
        for option, raw in entry.items():
            key = str(option)  # TOML keys are strings; mypy is told so here
            if key in ("name", "kind"):
                continue
            try:
                values[_FIELD.get(key, key)] = _PARSERS[key](raw)
            except ValueError as exc:
                raise fail(key, str(exc)) from None
        if kind == "email":
            for key in ("smtp_host", "from", "to"):
                if key not in entry:
                    raise fail(key, _('is required for kind = "email"'))
            has_user, has_password = "username_env" in entry, "password_env" in entry
            if has_user != has_password:
                missing = "password_env" if has_user else "username_env"
                raise fail(
                    missing,
                    _("is required with {other} (SMTP login needs both)").format(
                        other="username_env" if has_user else "password_env"
                    ),
                )
            if has_user and not values.get("starttls", True) and not _loopback(values["smtp_host"]):
                raise fail(
                    "starttls",
                    _(
                        "must be true when username_env / password_env are set: the password "
                        "would cross the network unencrypted (false only for a server on this host)"
                    ),
                )
        elif "url" not in entry:
            raise fail("url", _('is required for kind = "{kind}"').format(kind=kind))
        targets.append(Target(**values))
    return tuple(targets)


def _loopback(host: str) -> bool:
    return host.lower() in ("localhost", "127.0.0.1", "::1", "[::1]")


def find_target(targets: tuple[Target, ...] | list[Target], name: str) -> Target | None:
    return next((target for target in targets if target.name == name), None)


# ----------------------------------------------------------------------- masking

# A path segment shown as it is: a short lowercase word ("robot", "send", "open-apis",
# "cgi-bin", "workflows") or a version ("v2"). Anything else (a Slack T…/B… id, a Feishu
# hook's uuid, a Teams workflow id) may be the secret and is shown as "…".
_PLAIN_SEGMENT = re.compile(r"^(?:[a-z][a-z._-]{0,15}|v\d{1,2})$")
_PLAIN_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,31}$")
HIDDEN = "…"


def mask(url: str) -> str:
    """A webhook URL fit to show (status, check, error messages): the scheme, host and
    port kept; user and password, path segments that may be tokens, every query value
    and the fragment hidden. ``https://oapi.dingtalk.com/robot/send?access_token=abc``
    becomes ``https://oapi.dingtalk.com/robot/send?access_token=…``."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return HIDDEN
    if not parts.scheme or not host:
        return HIDDEN
    shown_host = f"[{host}]" if ":" in host else host
    netloc = shown_host if port is None else f"{shown_host}:{port}"
    if parts.username is not None or parts.password is not None:
        netloc = f"{HIDDEN}@{netloc}"
    segments = [
        seg if _PLAIN_SEGMENT.match(seg) or not seg else HIDDEN for seg in parts.path.split("/")
    ]
    shown = f"{parts.scheme.lower()}://{netloc}{'/'.join(segments)}"
    if parts.query:
        shown += "?" + "&".join(_mask_pair(piece) for piece in parts.query.split("&"))
    if parts.fragment:
        shown += f"#{HIDDEN}"
    return shown


def _mask_pair(piece: str) -> str:
    key, sep, value = piece.partition("=")
    if not sep:  # "?TOKEN": a bare word may be the secret itself
        return HIDDEN if piece else ""
    return f"{key if _PLAIN_KEY.match(key) else HIDDEN}={HIDDEN if value else ''}"


__all__ = ["CHAT_KINDS", "HIDDEN", "SIGNED_KINDS", "find_target", "mask", "parse_targets"]
