"""Setting up a new desk (``dutyboard init``): the answers, their checks, the config text.

Everything here is plain logic; the questions in the terminal are
``dutyboard.commands.init``. What a person typed is untrusted text: each answer is
cleaned (:func:`dutyboard.domain.text.clean_line`) and checked here, and every string
reaches the config through :func:`toml_string`, so the file written always loads with
:func:`dutyboard.config.load_config` and says exactly what was typed (less what could
drive a terminal).
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import shlex
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from zoneinfo import available_timezones

from dutyboard import files
from dutyboard.config import Config, zone_value
from dutyboard.domain.limits import DEFAULT as DEFAULT_LIMITS
from dutyboard.domain.limits import MIB
from dutyboard.domain.rollcall import match_key
from dutyboard.domain.text import clean_line, clean_text
from dutyboard.i18n import LANGUAGES, _

DEFAULT_NAME = Config.desk_name
# Two twelve-hour shifts, the 24-hour duty of the seeds' desks.
DEFAULT_ROTA = ("08:00", "20:00")
UNIT_RULE = "daily by 17:00"
SOURCE_NAME = "requests"  # the [[sources]] entry of the drop folder
MAX_NAME_CHARS = 120  # the header is one line
# Answers that mean "none" where a default would otherwise be taken.
NONE_WORDS = frozenset({"-", "none", "无"})
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_SPLIT_TIMES = re.compile(r"[,;\s]+")
# Chinese input methods type the full-width comma and the enumeration comma 、.
_SPLIT_NAMES = re.compile(r"[,，、;；]")


class AnswerError(ValueError):
    """An answer that cannot go into the config; the message is one line for a person."""


@dataclass(frozen=True)
class DeskAnswers:
    """What ``init`` asks, checked: what goes into the config."""

    name: str = DEFAULT_NAME
    timezone: str = "UTC"
    lang: str = "en"
    rota: tuple[str, ...] = DEFAULT_ROTA  # "HH:MM", sorted
    units: tuple[str, ...] = ()
    drop_folder: Path | None = None  # absolute
    # A PostgreSQL desk's URL (no password: that stays in ~/.pgpass), kept in the config
    # as desk.database so that every command finds the desk without --db.
    database: str | None = None


# ------------------------------------------------------------------------ checks


def check_name(text: str) -> str:
    """The desk's name: one line, not empty, not longer than the header can show."""
    name = clean_line(text)
    if not name:
        raise AnswerError(_("the desk needs a name"))
    if len(name) > MAX_NAME_CHARS:
        raise AnswerError(
            _("the desk name is longer than {count} characters").format(count=MAX_NAME_CHARS)
        )
    return name


def _zone_names() -> set[str]:
    return {z for z in available_timezones() if not z.startswith(("posix/", "right/"))}


def is_zone(name: str) -> bool:
    """Whether ``name`` is an IANA zone that the config loader accepts."""
    if not name or name != name.strip() or len(name) > 100:
        return False
    try:
        zone_value(name)  # the config's own check (it opens the zone)
    except (ValueError, OSError, UnicodeError):
        return False
    return True


def check_timezone(text: str) -> str:
    """An IANA zone name (spelled as the zone database does), else :class:`AnswerError`
    with a suggestion when one is close."""
    name = clean_line(unicodedata.normalize("NFKC", text)).replace(" ", "_")
    if is_zone(name) and not name.startswith(("posix/", "right/")):
        return name
    known = _zone_names()
    by_case = {z.casefold(): z for z in known}
    if name.casefold() in by_case:  # "asia/shanghai": the same zone, its real spelling
        return by_case[name.casefold()]
    shown = clean_line(text)
    suggestion = _close_zone(name, known)
    if suggestion:
        raise AnswerError(
            _("“{zone}” is not a known IANA time zone; did you mean {suggestion}?").format(
                zone=shown, suggestion=suggestion
            )
        )
    raise AnswerError(
        _("“{zone}” is not a known IANA time zone (e.g. Asia/Shanghai, Europe/Paris, UTC)").format(
            zone=shown
        )
    )


def _close_zone(name: str, known: set[str]) -> str | None:
    if not name:
        return None
    folded = name.casefold()
    # "Shanghai" or "paris": the city part of exactly one zone.
    cities = [z for z in known if z.rsplit("/", 1)[-1].casefold() == folded]
    if len(cities) == 1:
        return cities[0]
    by_case = {z.casefold(): z for z in known}
    close = difflib.get_close_matches(folded, list(by_case), n=1, cutoff=0.75)
    return by_case[close[0]] if close else None


def check_lang(text: str) -> str:
    """ "en" or "zh_CN" (also "zh", "zh-CN", "中文", "English"…)."""
    word = unicodedata.normalize("NFKC", clean_line(text)).casefold().replace("-", "_")
    aliases = {
        "en": "en",
        "english": "en",
        "英文": "en",
        "英语": "en",
        "zh_cn": "zh_CN",
        "zh": "zh_CN",
        "cn": "zh_CN",
        "chinese": "zh_CN",
        "中文": "zh_CN",
        "简体中文": "zh_CN",
    }
    if word in aliases:
        return aliases[word]
    raise AnswerError(
        _("“{value}” is not a language dutyboard speaks ({choices})").format(
            value=clean_line(text), choices=", ".join(LANGUAGES)
        )
    )


def check_time(text: str) -> str:
    """ "8:00", "08:00" or "０８：００" → "08:00"."""
    word = unicodedata.normalize("NFKC", clean_line(text))
    match = _TIME.match(word)
    if match is None:
        raise AnswerError(
            _("“{value}” is not a time of day like 08:00 or 20:30").format(value=clean_line(text))
        )
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def parse_rota(text: str) -> tuple[str, ...]:
    """Shift change times, comma- or space-separated; "-" (or "none") for none."""
    words = unicodedata.normalize("NFKC", clean_line(text)).strip()
    if words.casefold() in NONE_WORDS:
        return ()
    return check_rota(w for w in _SPLIT_TIMES.split(words) if w)


def check_rota(times: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({check_time(t) for t in times}))


def parse_units(text: str) -> tuple[str, ...]:
    """Unit names, comma-separated (the Chinese commas too); empty or "-" for none."""
    words = clean_line(text)
    if words.casefold() in NONE_WORDS:
        return ()
    return check_units(_SPLIT_NAMES.split(words))


def check_units(names: Iterable[str]) -> tuple[str, ...]:
    """Cleaned, blanks dropped, each name once (as the roll-call compares names)."""
    units: list[str] = []
    seen: set[str] = set()
    for raw in names:
        name = clean_line(raw)
        if not name:
            continue
        if len(name) > MAX_NAME_CHARS:
            raise AnswerError(
                _("the unit name “{name}…” is longer than {count} characters").format(
                    name=name[:20], count=MAX_NAME_CHARS
                )
            )
        key = match_key(name)
        if key not in seen:
            seen.add(key)
            units.append(name)
    return tuple(units)


def check_drop_folder(text: str, *, cwd: Path | None = None) -> Path | None:
    """An absolute folder path (relative to ``cwd``), or None for an empty answer.

    The config keeps a path as cleaned text, so a name with control characters or blanks
    at its ends could not be written back as the same folder: such a name is refused.
    """
    if not text.strip() or text.strip().casefold() in NONE_WORDS:
        return None
    raw = text.strip()
    if clean_text(raw) != raw or "\n" in raw or "\t" in raw:
        raise AnswerError(
            _("the folder name “{path}” has characters the config cannot keep").format(
                path=clean_line(raw)
            )
        )
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError:
        raise AnswerError(
            _("the folder name “{path}” is not valid UTF-8").format(path=clean_line(raw))
        ) from None
    path = Path(raw).expanduser()
    if not path.is_absolute():
        path = (cwd or Path.cwd()) / path
    path = Path(os.path.normpath(path))
    if path.exists() and not path.is_dir():
        raise AnswerError(_("{path} is not a folder").format(path=clean_line(path)))
    return path


def check_layout(config_path: Path, db_path: Path, drop_folder: Path | None) -> None:
    """Where the files go must not collide: the config is not the database, and the drop
    folder (whose files the collector moves into processed/ or quarantine/) holds
    neither."""
    if _same_path(config_path, db_path):
        raise AnswerError(
            _("the config and the database cannot be the same file ({path})").format(
                path=clean_line(config_path)
            )
        )
    if drop_folder is None:
        return
    for path, what in ((db_path, _("database")), (config_path, _("config"))):
        if _same_path(path.parent, drop_folder):
            raise AnswerError(
                _(
                    "the drop folder {path} holds the {what}: the collector would move it "
                    "away; choose a folder of its own"
                ).format(path=clean_line(drop_folder), what=what)
            )


def _same_path(a: Path, b: Path) -> bool:
    return files.same_file(a.expanduser(), b.expanduser())


# ------------------------------------------------------------ the suggested zone


def suggest_timezone(
    environ: Mapping[str, str] | None = None,
    localtime: Path = Path("/etc/localtime"),
    timezone_file: Path = Path("/etc/timezone"),
) -> str:
    """The system's zone as an IANA name: ``$TZ``, else where ``/etc/localtime`` links
    to, else ``/etc/timezone`` (Debian), else "UTC"."""
    env = os.environ if environ is None else environ
    candidates = [_zone_from_tz(env.get("TZ", "")), *_zones_from_link(localtime)]
    with contextlib.suppress(OSError, UnicodeError):
        candidates.append(timezone_file.read_text(encoding="utf-8").strip())
    for name in candidates:
        if name and is_zone(name):
            return name
    return "UTC"


def _zone_from_tz(value: str) -> str:
    value = value.strip().removeprefix(":")
    if value.startswith("/"):
        return _zone_in_path(value)
    return value  # a name, or a POSIX rule such as "CST-8" (is_zone refuses that)


def _zones_from_link(path: Path) -> list[str]:
    """The zone named by the link's own target, then by where it finally leads."""
    found = []
    with contextlib.suppress(OSError, ValueError):
        found.append(_zone_in_path(os.path.join(os.path.dirname(path), os.readlink(path))))
    with contextlib.suppress(OSError, ValueError):
        found.append(_zone_in_path(os.path.realpath(path)))
    return found


def _zone_in_path(path: str) -> str:
    """ "/usr/share/zoneinfo/Europe/Paris" → "Europe/Paris" (posix/ and right/ aside)."""
    normal = os.path.normpath(path)
    marker = "zoneinfo" + os.sep
    if marker not in normal:
        return ""
    name = normal.rsplit(marker, 1)[1]
    return name.removeprefix("posix/").removeprefix("right/")


# ---------------------------------------------------------------- the config file


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string: quotes, backslashes and every control character
    escaped; the rest (CJK, emoji) as it is, in a UTF-8 file. (``json.dumps`` would write
    an emoji as a surrogate pair, which TOML refuses.) A lone surrogate has no TOML form
    and becomes U+FFFD."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif code < 0x20 or 0x7F <= code <= 0x9F:
            out.append(f"\\u{code:04X}")
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\\uFFFD")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def _list(values: Sequence[str]) -> str:
    return "[" + ", ".join(toml_string(v) for v in values) + "]"


def _number(value: float) -> str:
    return f"{value:g}"


def _size(value: int) -> str:
    return toml_string(f"{value // MIB} MiB") if value % MIB == 0 else str(value)


def config_text(answers: DeskAnswers, *, today: date | None = None) -> str:
    """The commented config for ``answers``: the desk's answers set, every other key
    present with its default and commented out, each one explained."""
    defaults = Config()
    day = (today or date.today()).isoformat()
    lines = [
        f"# dutyboard configuration, written by `dutyboard init` on {day}.",
        "# Every key is explained. A key commented out (#) shows its default: remove the",
        "# # to change it. An unknown key or a bad value stops dutyboard with one line",
        "# naming the key. More: docs/first-night.md and config/example.toml.",
        "",
        "[desk]",
        "# Shown in the header.",
        f"name = {toml_string(answers.name)}",
        "# The desk's time zone (IANA name). All times on screen are in this zone.",
        f"timezone = {toml_string(answers.timezone)}",
        '# Interface language: "en" or "zh_CN" (--lang on the command line overrides it',
        "# for one run).",
        f"lang = {toml_string(answers.lang)}",
        *(
            [
                "# The desk's PostgreSQL database (--db and $DUTYBOARD_DB override it). Its",
                "# password, if any, belongs in ~/.pgpass, never here.",
                f"database = {toml_string(answers.database)}",
            ]
            if answers.database
            else [
                "# The desk's database: a SQLite file, or a postgresql:// URL (see",
                "# docs/postgres.md). Default: the file in the user data folder.",
                '# database = "postgresql://officer@db.example/desk"',
            ]
        ),
        "# The country a phone number is read in when its record names none (ISO code;",
        "# default: the country of the time zone above).",
        '# phone_region = "CN"',
        "# Your name in the events log (default: $DUTYBOARD_USER, else your login name).",
        "# Leave it out on a desk that several officers share: each gets their own name.",
        '# user = "Zhang Wei"',
        "",
        "[display]",
        "# A request with no update for this many hours is shown as stale.",
        f"# stale_after_hours = {_number(defaults.stale_after_hours)}",
        "# World clocks in the header (IANA names; the desk's own zone is shown already).",
        f"# clocks = {_list(defaults.clocks)}",
        "# Ring the terminal bell when a new urgent request arrives or a request becomes",
        "# overdue.",
        f"# bell = {'true' if defaults.bell else 'false'}",
        "# Where exports, reports and screenshots go. A file outside it, or one that",
        "# exists, is written only when confirmed (--force on the command line).",
        f"# export_dir = {toml_string(str(defaults.export_dir))}",
        '# The colour theme (the palette\'s "Change theme" remembers your choice without',
        "# editing this file).",
        '# theme = "textual-dark"',
        "",
        "[handover]",
        "# When shifts change (desk time, HH:MM). The handover panel reminds the officer",
        "# remind_minutes before each.",
    ]
    if answers.rota:
        lines.append(f"rota = {_list(answers.rota)}")
    else:
        lines += ["# (no rota: no reminder)", f"# rota = {_list(DEFAULT_ROTA)}"]
    lines += [
        f"# remind_minutes = {_number(defaults.handover_remind_minutes)}",
        "",
        "[contacts]",
        '# A contact\'s local night: inside it they are "asleep", not just "outside hours".',
        f'# night_start = "{defaults.night_start:%H:%M}"',
        f'# night_end = "{defaults.night_end:%H:%M}"',
        "",
        "[arrivals]",
        "# How far ahead (hours) the arrivals panel looks, when to remind (minutes) before",
        '# an ETA, and what the header counts as "landing soon" (hours).',
        f"# hours = {_number(defaults.arrivals_hours)}",
        f"# remind_minutes = {_number(defaults.arrivals_remind_minutes)}",
        f"# soon_hours = {_number(defaults.arrivals_soon_hours)}",
        "",
        "# Keys you choose: binding id = keys (Textual key names, comma-separated). The help",
        "# screen (?) shows the keys, docs/keys.md every id. A clash or an unknown id is",
        "# reported at start-up.",
        "# [keys]",
        '# "panel.new" = "n,a"',
        "",
        "# Units that owe a report: the roll-call lists each one as due, reported, late or",
        '# missing. rule: "daily by 17:00", "weekdays by 12:00", "weekly on Mon by 12:00";',
        "# optional: kind (school, institute, enterprise, district, overseas, unit), zone",
        '# (the unit\'s own, for its deadline), also = ["other names it reports under"].',
    ]
    for unit in answers.units:
        lines += [
            "[[rollcall.units]]",
            f"name = {toml_string(unit)}",
            f"rule = {toml_string(UNIT_RULE)}",
            '# kind = "unit"',
        ]
    if not answers.units:
        lines += [
            "# [[rollcall.units]]",
            '# name = "Jilin University"',
            f"# rule = {toml_string(UNIT_RULE)}",
        ]
    lines += [
        "",
        "# Where request files come from. A file dropped in the folder is imported while",
        "# `dutyboard collect` runs, then moved into processed/ (or into quarantine/ with",
        "# its reason). Whoever drops files should write a temporary name, then rename it.",
        "# More kinds (leads, contacts) and HTTP feeds: docs/ingest.md.",
    ]
    source = [
        f"name = {toml_string(SOURCE_NAME)}",
        'kind = "requests"',
        'type = "folder"',
    ]
    if answers.drop_folder is not None:
        lines += ["[[sources]]", *source, f"path = {toml_string(str(answers.drop_folder))}"]
    else:
        lines += ["# [[sources]]", *(f"# {line}" for line in source)]
        lines.append('# path = "/srv/duty/inbox/requests"')
    lines += [
        "# The zone of times in the files that carry none (default: the desk's).",
        f"# zone = {toml_string(answers.timezone)}",
        "# A file counts as complete once its size and time are unchanged this long",
        "# (seconds); the folder is also rescanned every interval_seconds.",
        "# settle_seconds = 2",
        "# interval_seconds = 30",
        "",
        "[limits]",
        "# What one file may take before it is refused (it goes to quarantine, naming the",
        '# limit). docs/reliability.md lists them all. Sizes may be written "256 MiB".',
        f"# max_file_bytes = {_size(DEFAULT_LIMITS.max_file_bytes)}",
        f"# max_rows = {DEFAULT_LIMITS.max_rows}",
        f"# max_seconds = {_number(DEFAULT_LIMITS.max_seconds)}",
        "",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------- what comes next


def next_commands(
    config_path: Path,
    db_path: Path,
    *,
    default_config: Path,
    default_db: Path,
    drop_folder: Path | None = None,
) -> list[tuple[str, str]]:
    """(what it does, the command) for the first three things to do on the new desk:
    go on duty, bring requests in (the collector when there is a drop folder), look.
    ``--db`` and ``--config`` are named only where they are not the defaults."""
    where = []
    if not _same_path(db_path, default_db):
        where += ["--db", str(db_path)]
    if not _same_path(config_path, default_config):
        where += ["--config", str(config_path)]

    def command(*words: str) -> str:
        return shlex.join(["dutyboard", *where, *words])

    second = (
        (
            _("import what is dropped into {path} (keep it running)").format(
                path=clean_line(drop_folder)
            ),
            command("collect"),
        )
        if drop_folder is not None
        else (
            _("import a file of requests (CSV, xlsx, JSON…)"),
            command("ingest", "--kind", "requests", "FILE"),
        )
    )
    steps = [(_("go on duty"), command("shift", "start")), second]
    steps.append((_("open the dashboard"), command()))
    return steps
