"""Configuration from TOML: a small typed loader with one clear error per bad key.

Precedence: ``--config PATH`` > ``$DUTYBOARD_CONFIG`` > the user config dir. A missing
default file simply means defaults; a missing file that was asked for is an error.
"""

from __future__ import annotations

import getpass
import math
import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dutyboard.domain.rollcall import UnitSpec, parse_units_config
from dutyboard.domain.supplies import SuppliesConfigError, parse_catalog
from dutyboard.domain.text import clean_text
from dutyboard.i18n import _
from dutyboard.paths import default_config_path, default_export_dir

if TYPE_CHECKING:
    from dutyboard.domain.limits import Limits


class ConfigError(Exception):
    """A configuration problem; the message names the file and the key."""


@dataclass(frozen=True)
class Config:
    desk_name: str = "Duty desk"
    timezone: str = "Asia/Shanghai"
    user: str = field(default_factory=lambda: _default_user())
    lang: str | None = None  # None: from $DUTYBOARD_LANG or the locale
    # desk.database: the desk's database when neither --db nor $DUTYBOARD_DB names one (a
    # SQLite path or a postgresql:// URL; read by the CLI with dutyboard.store.dburl).
    database: str | None = None
    # desk.phone_region: the country (ISO alpha-2) a phone number is read in when its
    # record names none; None: the country of the desk's time zone (see desk_phone_region).
    phone_region: str | None = None
    stale_after_hours: float = 12.0
    clocks: tuple[str, ...] = (
        "Asia/Shanghai",
        "Asia/Colombo",
        "Europe/Paris",
        "America/New_York",
    )
    bell: bool = False
    rota: tuple[time, ...] = ()  # shift changes, desk time (e.g. 08:00 and 20:00)
    handover_remind_minutes: float = 30.0
    arrivals_hours: float = 24.0  # how far ahead the arrivals panel looks
    arrivals_remind_minutes: float = 60.0  # reminder this long before an ETA
    arrivals_soon_hours: float = 3.0  # "landing in 3h" in the header
    rollcall_units: tuple[UnitSpec, ...] = ()
    night_start: time = time(22, 0)
    night_end: time = time(7, 0)
    export_dir: Path = field(default_factory=default_export_dir)
    theme: str | None = None  # None: the palette's last choice, else Textual's default
    # [keys]: binding id → keys (Textual names, comma-separated), as pairs so the config
    # stays hashable; the dashboard checks the ids against its bindings (widgets.common.keys).
    keys: tuple[tuple[str, str], ...] = ()
    # [limits], parsed only when the config has it: a leader's `status` must not import
    # the ingest stack (see reader_limits()).
    limits: Limits | None = None
    source_path: Path | None = None

    @property
    def desk_phone_region(self) -> str | None:
        """Where a phone number is read when its record names no country: desk.phone_region,
        else the country of the desk's time zone (Asia/Shanghai: CN; UTC: none)."""
        if self.phone_region is not None:
            return self.phone_region
        from dutyboard.domain.arrivals import zone_country

        return zone_country(self.timezone)


def reader_limits(config: Config) -> Limits:
    """What one file may take before it is refused: the config's [limits], else the
    defaults (dutyboard.ingest.limits)."""
    from dutyboard.domain.limits import DEFAULT

    return config.limits or DEFAULT


def _default_user() -> str:
    try:
        return clean_text(os.environ.get("DUTYBOARD_USER") or getpass.getuser()) or "officer"
    except Exception:  # no passwd entry (containers): fall back to a neutral name
        return "officer"


# section → key → (field name, parser)
def zone_value(value: Any) -> str:
    """A config value that must be an IANA zone name (shared with [[sources]])."""
    if not isinstance(value, str):
        raise ValueError(_("must be a string such as 'Asia/Shanghai'"))
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            _("{value} is not a known IANA time zone (e.g. 'Asia/Shanghai')").format(
                value=repr(value)
            )
        ) from None
    return value


def text_value(value: Any) -> str:
    """A config value that must be a non-empty string (shared with [[sources]]), cleaned
    like every text from outside: desk.name and desk.user reach terminals and the store."""
    if not isinstance(value, str) or not clean_text(value):
        raise ValueError(_("must be a non-empty string"))
    return clean_text(value)


def _lang(value: Any) -> str:
    if value not in ("en", "zh_CN"):
        raise ValueError(
            _("{value} is not a supported language (en, zh_CN)").format(value=repr(value))
        )
    return str(value)


MAX_HOURS = 24 * 366  # a year: any longer is a typo (1e308 overflowed the date maths)


def _hours(value: Any) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not 0 < value <= MAX_HOURS
    ):
        raise ValueError(
            _("must be a number of hours between 0 and {most}").format(most=f"{MAX_HOURS:,}")
        )
    return float(value)


def _folder(value: Any) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(_("must be a folder path such as '~/dutyboard-exports'"))
    return Path(value.strip()).expanduser()


def _zones(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ValueError(_("must be a list of IANA time zones"))
    return tuple(zone_value(v) for v in value)


def _theme(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(_("must be a theme name such as 'textual-dark'"))
    return value.strip()


# A key as Textual names it: one character ("?", "n", "G") or a name with modifiers
# ("ctrl+s", "f1", "question_mark", "shift+tab").
_KEY_NAME = re.compile(r"^(?:[^\s,]|[a-z0-9_]+(?:\+[a-z0-9_]+)*(?:\+[^\s,+])?)$")


def _keys(value: Any, where: str) -> tuple[tuple[str, str], ...]:
    """``[keys]``: ``"panel.new" = "n,a"``: which keys run a binding, by its id."""
    if not isinstance(value, dict):
        raise ConfigError(
            _('{where}: [keys] must be a table of binding id = "keys"').format(where=where)
        )
    pairs: list[tuple[str, str]] = []
    for binding_id, keys in value.items():
        if not isinstance(keys, str) or not keys.strip():
            raise ConfigError(
                _('{where}: keys.{id}: must be keys such as "n" or "ctrl+n,f2"').format(
                    where=where, id=binding_id
                )
            )
        names = [k.strip() for k in keys.split(",")]
        bad = [k for k in names if not _KEY_NAME.match(k)]
        if bad:
            raise ConfigError(
                _(
                    "{where}: keys.{id}: {key} is not a key name "
                    '(examples: "n", "ctrl+n", "f2", "question_mark")'
                ).format(where=where, id=binding_id, key=repr(clean_text(bad[0])))
            )
        pairs.append((clean_text(binding_id), ",".join(names)))
    return tuple(pairs)


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(_("must be true or false"))
    return value


def _clock_time(value: Any) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        try:
            return time.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(_('{value} is not a time like "22:00"').format(value=repr(value)))


def _times(value: Any) -> tuple[time, ...]:
    if not isinstance(value, list):
        raise ValueError(_('must be a list of times like ["08:00", "20:00"]'))
    return tuple(sorted(_clock_time(v) for v in value))


def _database(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(_("must be a file path or a postgresql:// URL"))
    return value.strip()


def region_value(value: Any) -> str:
    from dutyboard.domain.arrivals import known_country

    code = value.strip().upper() if isinstance(value, str) else ""
    if not known_country(code):
        raise ValueError(_('must be a two-letter country code like "CN" or "LK"'))
    return code


def _minutes(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 720:
        raise ValueError(_("must be a number of minutes between 1 and 720"))
    return float(value)


_SCHEMA: dict[str, dict[str, tuple[str, Any]]] = {
    "desk": {
        "name": ("desk_name", text_value),
        "timezone": ("timezone", zone_value),
        "user": ("user", text_value),
        "lang": ("lang", _lang),
        "database": ("database", _database),
        "phone_region": ("phone_region", region_value),
    },
    "display": {
        "stale_after_hours": ("stale_after_hours", _hours),
        "clocks": ("clocks", _zones),
        "bell": ("bell", _bool),
        "export_dir": ("export_dir", _folder),
        "theme": ("theme", _theme),
    },
    "handover": {
        "rota": ("rota", _times),
        "remind_minutes": ("handover_remind_minutes", _minutes),
    },
    "arrivals": {
        "hours": ("arrivals_hours", _hours),
        "remind_minutes": ("arrivals_remind_minutes", _minutes),
        "soon_hours": ("arrivals_soon_hours", _hours),
    },
    "rollcall": {"units": ("rollcall_units", parse_units_config)},
    "contacts": {
        "night_start": ("night_start", _clock_time),
        "night_end": ("night_end", _clock_time),
    },
}


# Sections that belong to other modules, which read the same file themselves.
OTHER_SECTIONS = frozenset({"sources", "supplies", "limits", "notify", "notify_settings", "web"})


def load_config(path: Path | None = None) -> Config:
    """Load the configuration; ``path`` given explicitly must exist."""
    explicit = path is not None or "DUTYBOARD_CONFIG" in os.environ
    path = path or default_config_path()
    if not path.exists():
        if explicit:
            raise ConfigError(_("config file {path} does not exist").format(path=path))
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            _("{path}: not valid TOML: {error}").format(path=path, error=exc)
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(_("{path}: cannot read: {error}").format(path=path, error=exc)) from None
    config = parse_config(data, source=path)
    try:
        # Checked now so a bad [supplies] section stops dutyboard at start, naming the key.
        parse_catalog(data.get("supplies", {}), where=str(path))
    except SuppliesConfigError as exc:
        raise ConfigError(str(exc)) from None
    return config


def parse_config(data: dict[str, Any], *, source: Path | None = None) -> Config:
    where = str(source) if source else "config"
    values: dict[str, Any] = {}
    for section, body in data.items():
        if section in OTHER_SECTIONS:
            continue  # parsed by its own module (e.g. dutyboard.ingest.sources)
        if section == "keys":  # ids, not a fixed set of keys: checked by the dashboard
            values["keys"] = _keys(body, where)
            continue
        if section not in _SCHEMA:
            known = ", ".join([*_SCHEMA, "keys", *sorted(OTHER_SECTIONS)])
            raise ConfigError(
                _("{where}: unknown section [{section}] (known: {known})").format(
                    where=where, section=section, known=known
                )
            )
        if not isinstance(body, dict):
            raise ConfigError(
                _("{where}: [{section}] must be a table").format(where=where, section=section)
            )
        for key, value in body.items():
            if key not in _SCHEMA[section]:
                known = ", ".join(_SCHEMA[section])
                raise ConfigError(
                    _("{where}: unknown key {section}.{key} (known: {known})").format(
                        where=where, section=section, key=key, known=known
                    )
                )
            name, parse = _SCHEMA[section][key]
            try:
                values[name] = parse(value)
            except ValueError as exc:
                raise ConfigError(f"{where}: {section}.{key}: {exc}") from None
    if "limits" in data:
        from dutyboard.domain.limits import LimitsConfigError, parse_limits

        try:
            values["limits"] = parse_limits(data["limits"], where=where)
        except LimitsConfigError as exc:
            raise ConfigError(str(exc)) from None
    return Config(**values, source_path=source)
