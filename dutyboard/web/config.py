"""The ``[web]`` section of config.toml: how ``dutyboard serve`` listens and checks.

::

    [web]
    leader_secret_hash = "scrypt$n=16384,r=8,p=1$…$…"   # `dutyboard serve --set-secret`
    host = "127.0.0.1"        # default; any other address gets a no-TLS warning
    port = 8000               # default
    behind_proxy = false      # true: trust X-Forwarded-For/-Proto/-Host from a loopback proxy
    max_viewers = 8           # browser sessions at once (each is one leader process)

Read from the same file as :func:`dutyboard.config.load_config` (which leaves ``[web]``
to this module), with one clear error per bad key. The plain secret is never in the
config: only its scrypt hash (:mod:`dutyboard.web.auth`); ``$DUTYBOARD_LEADER_SECRET``
gives a plain one for the process instead.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dutyboard.config import ConfigError
from dutyboard.i18n import _
from dutyboard.web.auth import SecretHash

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_MAX_VIEWERS = 8
MOST_VIEWERS = 100  # each viewer is a process; more is a typo


@dataclass(frozen=True)
class WebConfig:
    secret_hash: SecretHash | None = None
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    behind_proxy: bool = False
    max_viewers: int = DEFAULT_MAX_VIEWERS


def web_section(secret_hash: SecretHash) -> str:
    """The ``[web]`` lines that store ``secret_hash`` (for ``serve --set-secret``)."""
    return f'[web]\nleader_secret_hash = "{secret_hash}"'


def load_web_config(path: Path | None) -> WebConfig:
    """``[web]`` of the config file at ``path`` (the one load_config read); none, or no
    file: the defaults. load_config has already refused a file that is not TOML."""
    if path is None or not path.exists():
        return WebConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(_("{path}: cannot read: {error}").format(path=path, error=exc)) from None
    return parse_web(data.get("web", {}), where=str(path))


def parse_web(section: Any, *, where: str = "config") -> WebConfig:
    if not isinstance(section, Mapping):
        raise ConfigError(_("{where}: [web] must be a table").format(where=where))
    values: dict[str, Any] = {}
    for key, value in section.items():
        if key == "leader_secret":
            raise ConfigError(
                _(
                    "{where}: web.leader_secret: the secret itself never goes in the config; "
                    "put its hash in leader_secret_hash (dutyboard serve --set-secret) or "
                    "the secret in $DUTYBOARD_LEADER_SECRET"
                ).format(where=where)
            )
        if key not in _KEYS:
            raise ConfigError(
                _("{where}: unknown key web.{key} (known: {known})").format(
                    where=where, key=key, known=", ".join(_KEYS)
                )
            )
        name, parse = _KEYS[key]
        try:
            values[name] = parse(value)
        except ValueError as exc:
            raise ConfigError(f"{where}: web.{key}: {exc}") from None
    return WebConfig(**values)


def _secret_hash(value: Any) -> SecretHash:
    if not isinstance(value, str):
        raise ValueError(_("must be a string made by `dutyboard serve --set-secret`"))
    return SecretHash.parse(value)


def _host(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or any(c.isspace() for c in value):
        raise ValueError(_("must be an address such as '127.0.0.1'"))
    return value.strip()


def port_number(value: Any) -> int:
    """A TCP port (shared with ``--port``)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise ValueError(_("must be a port number between 1 and 65535"))
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(_("must be true or false"))
    return value


def _viewers(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MOST_VIEWERS:
        raise ValueError(_("must be a whole number between 1 and {most}").format(most=MOST_VIEWERS))
    return value


_KEYS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "leader_secret_hash": ("secret_hash", _secret_hash),
    "host": ("host", _host),
    "port": ("port", port_number),
    "behind_proxy": ("behind_proxy", _flag),
    "max_viewers": ("max_viewers", _viewers),
}
