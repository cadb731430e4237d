"""Source configuration: the ``[[sources]]`` array of the TOML config file.

Each entry is a drop folder or an HTTP feed that brings one kind of record::

    [[sources]]
    name = "kobo-hq"
    kind = "requests"
    type = "http"
    url = "https://kf.kobotoolbox.org/api/v2/assets/aBc/data/?format=json"
    token_env = "KOBO_TOKEN"          # the *name* of the variable, never the secret
    interval_seconds = 300
    mapping = { "username" = "org", "group/item" = "item" }

A file whose columns clearly belong to another kind than the source's (a leads workbook
dropped in a requests folder) is refused into quarantine with a reason naming the kind
it fits; ``force_kind = true`` (default false) imports such files as ``kind`` anyway,
like ``dutyboard ingest --force-kind``.

``parse_sources`` checks every key and raises ``ConfigError`` with one line naming the
entry and key (``sources[2].url: …``, counting from 0 like the array itself). Secrets are
read from the environment only when a request is made (``resolve_headers``).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from dutyboard.config import Config, ConfigError, region_value, text_value, zone_value
from dutyboard.ingest.aliases import CANONICAL_FIELDS, EXTERNAL_ID
from dutyboard.ingest.records import KINDS, Kind
from dutyboard.paths import default_config_path

SourceType = Literal["folder", "http"]
TYPES: tuple[SourceType, ...] = ("folder", "http")
# The formats ``parse.parse_bytes`` knows (kept here so reading config never imports
# the parsers and their libraries); tests check the two lists agree. "xlsx" is every
# spreadsheet workbook: its reader tells .xlsx, .xlsm, .xlsb, .xls and .ods apart by
# their bytes, so no other name would force anything more.
FORMATS = ("csv", "tsv", "xlsx", "json", "jsonl", "kobo", "odk", "vcard", "hxl", "text")
WORKBOOK_NAMES = ("xls", "xlsm", "xlsb", "ods")  # names people may try for "xlsx"
_NAME = re.compile(r"^[\w][\w .:@+-]{0,99}$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$")


@dataclass(frozen=True)
class SourceConfig:
    """One configured source. Times in seconds; ``zone`` is IANA, for naive times."""

    name: str
    kind: Kind
    type: SourceType
    path: Path | None = None  # folder: the inbox (processed/ and quarantine/ go inside)
    url: str | None = None  # http: the first page
    format: str | None = None  # None: detected from content, then name
    zone: str = "UTC"
    # The country (ISO alpha-2) its phone numbers are read in when a record names none:
    # a source of another country's units (a Colombo office's sheet on a Shanghai desk);
    # None: the desk's (desk.phone_region, else the country of the desk's zone).
    phone_region: str | None = None
    interval_seconds: float = 30.0  # folder: periodic rescan; http: poll interval
    settle_seconds: float = 2.0  # folder: size and mtime unchanged this long = complete
    # folder: a file still changing after this long is quarantined as incomplete (it is
    # read only once unchanged for settle_seconds, re-checked after reading)
    max_wait_seconds: float = 600.0
    mapping: Mapping[str, str] = field(default_factory=dict)
    duplicate_window_hours: float = 24.0  # 0 turns the cross-source check off
    token_env: str | None = None
    auth_scheme: str = "Bearer"  # KoBoToolbox wants "Token"
    headers_env: Mapping[str, str] = field(default_factory=dict)  # header → env var name
    timeout_seconds: float = 30.0  # total deadline of one HTTP request, body included
    retries: int = 3
    backoff_seconds: float = 1.0  # first retry delay; doubles, with jitter
    max_pages: int = 100
    max_bytes: int = 100_000_000  # a bigger file or answer is refused, not read
    enabled: bool = True
    # Import as ``kind`` even a file whose columns clearly are another kind's (by default
    # such a file is refused into quarantine, its reason naming the kind it fits).
    force_kind: bool = False

    def location(self) -> str:
        return str(self.path) if self.type == "folder" else str(self.url)

    def settings(self) -> dict[str, Any]:
        """What is safe to store in the ``sources`` table: no secrets, only their names."""
        return {
            "type": self.type,
            "zone": self.zone,
            "phone_region": self.phone_region,
            "interval_seconds": self.interval_seconds,
            "mapping": dict(self.mapping),
            "duplicate_window_hours": self.duplicate_window_hours,
            "token_env": self.token_env,
            "headers_env": dict(self.headers_env),
            "force_kind": self.force_kind,
        }


class MissingSecret(Exception):
    """An environment variable named in config is not set."""


def resolve_headers(
    source: SourceConfig, environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """HTTP headers carrying the source's credentials, read from the environment now."""
    env = os.environ if environ is None else environ
    headers: dict[str, str] = {}
    wanted: list[tuple[str, str, str]] = []
    if source.token_env:
        wanted.append(("Authorization", source.token_env, "token_env"))
    wanted.extend(
        (header, var, f"headers_env.{header}") for header, var in source.headers_env.items()
    )
    for header, var, key in wanted:
        value = env.get(var)
        if not value:
            raise MissingSecret(
                f"source {source.name!r}: environment variable {var} (named by {key}) is not set"
            )
        if "\n" in value or "\r" in value:
            raise MissingSecret(
                f"source {source.name!r}: environment variable {var} holds a line break"
            )
        headers[header] = f"{source.auth_scheme} {value}" if header == "Authorization" else value
    return headers


# ----------------------------------------------------------------------- parsing


def _name(value: Any) -> str:
    text = text_value(value)
    if not _NAME.match(text):
        raise ValueError(
            f"{text[:40]!r} is not a usable name (letters, digits, space and . : @ + - _, "
            "at most 100 characters)"
        )
    return text


def _kind(value: Any) -> Kind:
    for kind in KINDS:
        if value == kind:
            return kind
    raise ValueError(f"{value!r} is not one of {', '.join(KINDS)}")


def _type(value: Any) -> SourceType:
    for kind in TYPES:
        if value == kind:
            return kind
    raise ValueError(f"{value!r} is not one of {', '.join(TYPES)}")


def _format(value: Any) -> str:
    if value not in FORMATS:
        hint = (
            '; every spreadsheet workbook (.xlsx, .xlsm, .xlsb, .xls, .ods) is format "xlsx", '
            "or leave format out: workbooks are told apart by their content"
            if isinstance(value, str) and value.lower().lstrip(".") in WORKBOOK_NAMES
            else ""
        )
        raise ValueError(f"{value!r} is not one of {', '.join(FORMATS)}{hint}")
    return str(value)


def _url(value: Any) -> str:
    text = text_value(value)
    if not re.match(r"^https?://[^\s/]+", text, re.I):
        raise ValueError(f"{text[:60]!r} must start with http:// or https:// and name a host")
    if any(ch.isspace() for ch in text):
        raise ValueError("must not contain spaces")
    return text


def _number(low: float, *, strict: bool = True) -> Callable[[Any], float]:
    def parse(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("must be a number")
        if value < low or (strict and value == low):
            raise ValueError(f"must be {'greater than' if strict else 'at least'} {low:g}")
        return float(value)

    return parse


def _integer(low: int, high: int) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("must be a whole number")
        if not low <= value <= high:
            raise ValueError(f"must be between {low} and {high}")
        return value

    return parse


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _env_name(value: Any) -> str:
    text = text_value(value)
    if not _ENV_NAME.match(text):
        raise ValueError(
            f"{text[:40]!r} is not an environment variable name (put the variable's NAME "
            'here, e.g. "KOBO_TOKEN", never the secret itself)'
        )
    return text


def _scheme(value: Any) -> str:
    text = text_value(value)
    if not re.match(r"^[A-Za-z][A-Za-z0-9_-]{0,31}$", text):
        raise ValueError(f"{text[:40]!r} is not an authorization scheme such as Bearer or Token")
    return text


_COMMON = {
    "name",
    "kind",
    "type",
    "format",
    "zone",
    "phone_region",
    "interval_seconds",
    "mapping",
    "duplicate_window_hours",
    "enabled",
    "max_bytes",
    "force_kind",
}
_ONLY = {
    "folder": {"path", "settle_seconds", "max_wait_seconds"},
    "http": {
        "url",
        "token_env",
        "auth_scheme",
        "headers_env",
        "timeout_seconds",
        "retries",
        "backoff_seconds",
        "max_pages",
    },
}
_PARSERS: dict[str, Callable[[Any], Any]] = {
    "format": _format,
    "zone": zone_value,
    "phone_region": region_value,
    "interval_seconds": _number(0),
    "settle_seconds": _number(0, strict=False),
    "max_wait_seconds": _number(0),
    "duplicate_window_hours": _number(0, strict=False),
    "enabled": _bool,
    "force_kind": _bool,
    "url": _url,
    "token_env": _env_name,
    "auth_scheme": _scheme,
    "timeout_seconds": _number(0),
    "retries": _integer(0, 10),
    "backoff_seconds": _number(0, strict=False),
    "max_pages": _integer(1, 100_000),
    "max_bytes": _integer(1, 2_000_000_000),
}
_DEFAULT_INTERVAL = {"folder": 30.0, "http": 300.0}


def parse_sources(
    data: Any,
    *,
    where: str = "config",
    default_zone: str = "UTC",
    base_dir: Path | None = None,
) -> list[SourceConfig]:
    """Check the ``[[sources]]`` array; the first bad key raises ``ConfigError``.

    ``where`` names the file in messages; ``base_dir`` resolves relative folder paths
    (the config file's folder); ``default_zone`` is used by sources without ``zone``.
    """
    if not isinstance(data, list):
        raise ConfigError(f"{where}: sources must be an array of tables ([[sources]] blocks)")
    sources: list[SourceConfig] = []
    names: dict[str, int] = {}
    for index, entry in enumerate(data):
        prefix = f"sources[{index}]"

        def fail(key: str, message: str, prefix: str = prefix) -> ConfigError:
            return ConfigError(f"{where}: {prefix}.{key}: {message}")

        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: {prefix} must be a table ([[sources]] block)")
        for key in ("name", "kind", "type"):
            if key not in entry:
                raise fail(key, "is required")
        try:
            name = _name(entry["name"])
        except ValueError as exc:
            raise fail("name", str(exc)) from None
        if name in names:
            raise fail("name", f"{name!r} is already the name of sources[{names[name]}]")
        names[name] = index
        try:
            kind = _kind(entry["kind"])
        except ValueError as exc:
            raise fail("kind", str(exc)) from None
        try:
            source_type = _type(entry["type"])
        except ValueError as exc:
            raise fail("type", str(exc)) from None
        allowed = _COMMON | _ONLY[source_type]
        for key in entry:
            if key in allowed:
                continue
            other = "http" if source_type == "folder" else "folder"
            if key in _ONLY[other]:
                raise fail(
                    key, f'only applies to type = "{other}" (this source is "{source_type}")'
                )
            raise fail(key, f"unknown key (known: {', '.join(sorted(allowed))})")
        values: dict[str, Any] = {
            "name": name,
            "kind": kind,
            "type": source_type,
            "zone": default_zone,
            "interval_seconds": _DEFAULT_INTERVAL[source_type],
        }
        for key, value in entry.items():
            if key in ("name", "kind", "type", "path", "mapping", "headers_env"):
                continue
            try:
                values[key] = _PARSERS[key](value)
            except ValueError as exc:
                raise fail(key, str(exc)) from None
        if source_type == "folder":
            if "path" not in entry:
                raise fail("path", 'is required for type = "folder"')
            try:
                text = text_value(entry["path"])
            except ValueError as exc:
                raise fail("path", str(exc)) from None
            path = Path(text).expanduser()
            if not path.is_absolute() and base_dir is not None:
                path = base_dir / path
            values["path"] = path
            settle = values.get("settle_seconds", SourceConfig.settle_seconds)
            if values.get("max_wait_seconds", SourceConfig.max_wait_seconds) < settle:
                # A file would be given up on before it could ever count as settled.
                raise fail("max_wait_seconds", f"must be at least settle_seconds ({settle:g})")
        elif "url" not in entry:
            raise fail("url", 'is required for type = "http"')
        if "mapping" in entry:
            values["mapping"] = _mapping(entry["mapping"], kind, fail)
        if "headers_env" in entry:
            values["headers_env"] = _headers_env(entry["headers_env"], fail)
        sources.append(SourceConfig(**values))
    return sources


def _mapping(value: Any, kind: Kind, fail: Callable[[str, str], ConfigError]) -> dict[str, str]:
    if not isinstance(value, dict):
        raise fail("mapping", 'must be a table such as { "source column" = "item" }')
    fields = (*CANONICAL_FIELDS[kind], EXTERNAL_ID)
    mapping: dict[str, str] = {}
    for column, target in value.items():
        key = f"mapping.{column!r}" if not re.match(r"^\w+$", column) else f"mapping.{column}"
        if not column.strip():
            raise fail(key, "the source column name is empty")
        if not isinstance(target, str) or target not in fields:
            raise fail(key, f"{target!r} is not a field of {kind} (fields: {', '.join(fields)})")
        mapping[column] = target
    return mapping


def _headers_env(value: Any, fail: Callable[[str, str], ConfigError]) -> dict[str, str]:
    if not isinstance(value, dict):
        raise fail("headers_env", 'must be a table such as { "X-Api-Key" = "FEED_KEY" }')
    headers: dict[str, str] = {}
    for header, var in value.items():
        if not _HEADER_NAME.match(header):
            raise fail(f"headers_env.{header!r}", "is not a valid HTTP header name")
        try:
            headers[header] = _env_name(var)
        except ValueError as exc:
            raise fail(f"headers_env.{header}", str(exc)) from None
    return headers


def load_sources(
    config_path: Path | None = None, *, default_zone: str | None = None
) -> list[SourceConfig]:
    """The ``[[sources]]`` of the config file (same precedence as ``load_config``).

    Sources without a ``zone`` use ``default_zone``, else the file's ``desk.timezone``,
    else the desk default. A missing default config file means no sources.
    """
    explicit = config_path is not None or "DUTYBOARD_CONFIG" in os.environ
    path = config_path or default_config_path()
    if not path.exists():
        if explicit:
            raise ConfigError(f"config file {path} does not exist")
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    if default_zone is None:
        desk = data.get("desk")
        zone_name = desk.get("timezone") if isinstance(desk, dict) else None
        try:
            default_zone = zone_value(zone_name) if zone_name is not None else Config().timezone
        except ValueError:
            default_zone = Config().timezone  # config.py reports the bad desk.timezone
    return parse_sources(
        data.get("sources", []),
        where=str(path),
        default_zone=default_zone,
        base_dir=path.parent,
    )


def find_source(sources: list[SourceConfig], name: str) -> SourceConfig | None:
    return next((source for source in sources if source.name == name), None)
