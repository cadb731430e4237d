"""One pasted record's text → the fields it names, by rules (``pastefmt`` splits a message).

The record's text (``pastetext.Text``) is read in passes, each taking what it recognises
so later passes do not read it again: first what has a shape (``pasteshapes``: e-mail,
WeChat, phone numbers, prices; ``pastedates``: lead times, dates; then certifications
and priority words), then labelled text ("单位：…", "Supplier: …", "联系人…") and people,
then organisations, items and quantities, countries and cities, a contact's role,
languages and name by their words (``pastewords``); last, what is left: a unit first on
its line, an item next to its quantity. What no pass took is the record's notes.

Values are *found* here, not read: a quantity's text ("两千个", "几千", "5000-10000
pcs") goes to the normaliser as written, which reads it or refuses it with its reason,
exactly as it does a spreadsheet's cell. Only what a chat message leaves implicit is
made explicit (``pastedates``): the year of a date written without one, "明天" and
weekdays as dates, "5天内发货" as a lead time, "within 24 hours" as a due time.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, lru_cache

from dutyboard.domain.reference import COUNTRY_BY_NAME, name_key
from dutyboard.ingest import pastewords as words
from dutyboard.ingest.aliases import ALIASES, KIND_FIELDS
from dutyboard.ingest.pastedates import read_bare_lead_time, read_dates, read_lead_time
from dutyboard.ingest.pasteshapes import (
    GRADE,
    Item,
    Quantity,
    currency_for_country,
    find_items,
    find_quantities,
    read_certifications,
    read_contact_ways,
    read_prices,
    read_priority,
)
from dutyboard.ingest.pastetext import Text
from dutyboard.ingest.records import Kind

# Fields a message's heading or signature lends to each of its records that lack them.
CONTEXT_FIELDS = frozenset(
    {"org", "supplier", "requester", "contact_name", "phone", "email", "country", "wechat"}
    | {"whatsapp", "city", "tz", "item", "certification", "lead_time_days"}
)
PERSON_FIELD: dict[Kind, str] = {
    "requests": "requester",
    "leads": "contact_name",
    "contacts": "name",
}
ORG_FIELD: dict[Kind, str] = {"requests": "org", "leads": "supplier", "contacts": "org"}


@dataclass
class Reading:
    """What one record's text names: shared fields, one entry per item, and the rest."""

    shared: dict[str, str] = field(default_factory=dict)
    items: list[dict[str, str]] = field(default_factory=list)
    notes: str = ""
    strong: frozenset[str] = frozenset()  # fields found by their shape or words, not fallback

    def records(self) -> list[dict[str, str]]:
        """One dict of field → text per item (one when the record names no item)."""
        parts = self.items or [{}]
        out = []
        for part in parts:
            merged = dict(self.shared)
            merged.update(part)
            if self.notes:
                merged["notes"] = self.notes
            out.append(merged)
        return out

    def looks_like_record(self, kind: Kind) -> bool:
        """Does this text stand as a record on its own (a line of a list, a block)?"""
        first = self.items[0] if self.items else {}
        if kind == "contacts":
            reach = {"phone", "email", "wechat", "whatsapp"} & self.shared.keys()
            return "name" in self.strong and bool(reach)
        if "item" not in first:
            return False
        return bool({"quantity", "unit_price"} & first.keys()) or ORG_FIELD[kind] in self.strong


# ----------------------------------------------------------------------------- labels


@cache
def _labels() -> tuple[re.Pattern[str], dict[str, str]]:
    """Every header alias as a label before a colon ("单位：", "Supplier:"), with the
    concept it names; a few chat labels of ``pastewords.EXTRA_LABELS`` besides."""
    concepts: dict[str, str] = {}
    for concept, spellings in ALIASES.items():
        for spelling in spellings:
            if len(spelling) >= 2 or not spelling.isascii():
                concepts.setdefault(spelling.lower(), concept)
    for spelling, concept in words.EXTRA_LABELS.items():
        concepts[spelling.lower()] = concept
    ordered = sorted(concepts, key=len, reverse=True)
    alternation = "|".join(re.escape(s).replace(r"\ ", r"\s+") for s in ordered)
    # A label begins a line or follows punctuation; a Chinese one may also follow a space
    # ("联系人：王老师 电话：138…"). "Jilin University International Office:" is no label.
    pattern = re.compile(
        r"(?:(?<=^)|(?<=\n)|(?<=[,;|。、(，；])\s*|(?<=\s\s)|(?<=[.!?]\s)"
        r"|(?<=[\u4e00-\u9fff\d] )|(?=[\u4e00-\u9fff]))"
        rf"(?P<label>{alternation})\s*[:：]\s*",
        re.I | re.M,
    )
    return pattern, concepts


_VALUE_END = re.compile(
    r"[,;，；。|\n（]|\((?!(?:Pvt|Private|Pte)\.?\))|\s{2,}|\.\s| [–—-] "
    r"| (?=[A-Za-z\u4e00-\u9fff]{1,12}\s*[:：])"
)


def _value_end(text: str, start: int, end: int) -> int:
    """Where a labelled value ends: at punctuation, a dash between spaces, two spaces or
    the next label; a full stop after "Dr" or "Co" is part of the value."""
    pos = start
    while True:
        stop = _VALUE_END.search(text, pos, end)
        if stop is None:
            return end
        if stop.group(0).startswith("."):
            word = re.search(r"[A-Za-z.]+$", text[start : stop.start()])
            if word and word.group(0).lower().rstrip(".") in _ABBREVIATIONS:
                pos = stop.end()
                continue
        return stop.start()


def _label_field(concept: str, kind: Kind) -> str | None:
    if concept in ("person", "name"):
        return PERSON_FIELD[kind]
    if concept in ("org", "supplier"):
        return ORG_FIELD[kind] if kind != "contacts" or concept == "org" else "org"
    if concept == "city":
        return "city" if kind == "contacts" else None
    placed = KIND_FIELDS[kind].get(concept)
    return placed[0] if placed else None


_TEXT_LABEL_FIELDS = frozenset(
    {"org", "supplier", "requester", "contact_name", "name", "role", "city", "subdivision"}
    | {"certification", "languages", "tags", "notes", "next_action"}
)


def _labelled(t: Text, kind: Kind, found: dict[str, str], strong: set[str]) -> list[int]:
    """Text fields after their label; the places of item labels (for the item pass)."""
    pattern, concepts = _labels()
    item_at: list[int] = []
    for match in list(t.finditer(pattern)):
        concept = concepts.get(re.sub(r"\s+", " ", match.group("label").lower()))
        if concept is None:
            continue
        name = _label_field(concept, kind)
        if concept == "item":
            item_at.append(match.end())
            t.take(match.start(), match.end())
            continue
        if name is None:
            if concept in ("address", "moq"):
                t.protect(match.start(), match.end())
            continue
        t.take(match.start(), match.end())
        if name not in _TEXT_LABEL_FIELDS:
            continue  # a typed value: its own pass read it (or it stays in the notes)
        start = match.end()
        end = start
        while end < len(t.norm) and not t.used[end]:
            end += 1
        end = _value_end(t.norm, start, end)
        value = t.written(start, end).strip(" -–—:：")
        if value and name not in found:
            found[name] = value
            strong.add(name)
            t.take(start, end)
            if name in ("org", "supplier"):
                t.org_spans.append((start, end))
    return item_at


# ----------------------------------------------------------------------------- people

_TITLES = "|".join(sorted(words.TITLES_CN, key=len, reverse=True))
_SURNAMES = "|".join(sorted(words.SURNAMES_CN, key=len, reverse=True))
_CN_PERSON_LABEL = re.compile(
    r"(?:联系人|联络人|对接人|负责人|经办人|收货人|申请人|找|请联系|联系)\s*[:：]?\s*"
    rf"(?P<name>(?:{_SURNAMES})(?:(?:{_TITLES})|[\u4e00-\u9fff]{{1,2}}(?:{_TITLES})?))"
)
_ROLE_LABEL = re.compile(r"(?P<role>联络人|负责人|对接人|召集人)(?=\s*[:：]?\s*[\u4e00-\u9fffA-Z])")
_CN_TITLED = re.compile(
    rf"(?<![\u4e00-\u9fff])(?P<name>(?:{_SURNAMES})[\u4e00-\u9fff]?(?:{_TITLES}))(?![\u4e00-\u9fff]{{0,0}}[长任])"
)
_LETTERS = r"[A-Za-zÀ-ÖØ-öø-ÿ]"
_EN_NAME = (
    rf"(?:[A-Z]\.[ \t]*)*[A-Z]{_LETTERS}*(?:['\-]{_LETTERS}+)*"
    rf"(?:[ \t]+(?:(?:bin|binti|al|de|van|von|ul|ur|ud|da|del)[ \t]+)?"
    rf"[A-Z]{_LETTERS}*(?:['\-]{_LETTERS}+)*){{0,2}}"
)
_EN_HONORIFIC = r"(?:Mr|Mrs|Ms|Miss|Dr|Prof|Sir|Madam|Herr|Frau|Mme|M)\.?[ \t]+"
_EN_PERSON_LABEL = re.compile(
    rf"(?:(?i:contact(?:\s+person|\s+name)?|attn|attention|ask\s+for|call|speak\s+to|sales"
    rf"|managed\s+by|person\s+in\s+charge|pic|rep)\b|联系人|对接人|联络人|负责人|联系|找)"
    rf"[ \t]*[:：\-]?[ \t]*(?:is[ \t]+)?"
    rf"(?P<name>(?:{_EN_HONORIFIC})?{_EN_NAME})",
)
_EN_HONORED = re.compile(rf"(?<![A-Za-z])(?P<name>{_EN_HONORIFIC}{_EN_NAME})")
_SIGNATURE = re.compile(
    rf"(?i:regards|thanks|thank you|cheers|sincerely|best)[ \t]*[,.!]?[ \t]*\n?[ \t]*[-–—]?[ \t]*"
    rf"(?P<name>(?:{_EN_HONORIFIC})?{_EN_NAME})(?![\w])"
    rf"|(?:^|\n)[ \t]*(?:--|—|–|——)[ \t]*(?P<name2>{_EN_NAME}|[\u4e00-\u9fff]{{2,4}})",
)
_NOT_NAME_WORDS = frozenset(
    {
        "supplier", "lead", "offer", "price", "masks", "gloves", "whatsapp", "wechat",
        "tel", "phone", "email", "ship", "delivery", "fob", "cif", "usd", "eur", "the",
        "our", "we", "us", "me", "him", "her", "them", "office", "sales", "team", "desk",
        "tomorrow", "today", "back", "soon", "again", "now", "please",
    }
)  # fmt: skip


def _trim_en_name(name: str) -> str:
    """Cut a name found by capitals where a word that is no name begins."""
    kept: list[str] = []
    for word in name.split():
        lower = word.lower().strip(".,")
        if lower in _NOT_NAME_WORDS or (lower in words.ORG_WORDS_EN and kept):
            break
        if kept and _city_country(lower) is not None:
            break
        if _country_code(word) is not None and kept:
            break
        kept.append(word)
    return " ".join(kept)


def _people(t: Text, kind: Kind, found: dict[str, str], strong: set[str]) -> None:
    target = PERSON_FIELD[kind]
    if kind == "contacts":
        # "纽约侨联 联络人 赵磊": the word before the name is the contact's role.
        for match in t.finditer(_ROLE_LABEL):
            found.setdefault("role", match.group("role"))
    for pattern in (_CN_PERSON_LABEL, _EN_PERSON_LABEL, _SIGNATURE, _CN_TITLED, _EN_HONORED):
        for match in t.finditer(pattern):
            group = "name2" if pattern is _SIGNATURE and match.group("name2") else "name"
            s, e = match.start(group), match.end(group)
            name = t.written(s, e)
            if pattern in (_EN_PERSON_LABEL, _SIGNATURE, _EN_HONORED):
                name = _trim_en_name(name)
                if not name or name.lower().split()[0] in _NOT_NAME_WORDS:
                    continue
                if pattern is _EN_PERSON_LABEL and not re.match(r"[A-Z]", name):
                    continue
                e = s + len(name)
                if not t.free(s, e):
                    continue
            if target not in found:
                found[target] = name
                strong.add(target)
                t.take(match.start() if pattern is not _SIGNATURE else s, e)
            elif found[target] != name and pattern in (_CN_PERSON_LABEL, _EN_PERSON_LABEL):
                # A second person named: the label goes, the name stays in the notes (once).
                t.take(match.start(), e)
                found.setdefault("_more_people", name)


# ----------------------------------------------------------------------------- places


@cache
def _country_cn() -> re.Pattern[str]:
    names = [k for k in COUNTRY_BY_NAME if k and not k.isascii() and len(k) >= 2]
    return re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


@cache
def _city_cn() -> re.Pattern[str]:
    names = [k for k in words.CITIES if not k.isascii()]
    return re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


_ASCII_CODES_OK = frozenset({"usa", "uae", "uk", "us", "prc"})


@lru_cache(maxsize=4096)
def _country_code(phrase: str) -> str | None:
    """The ISO code of an English country name ('Sri Lanka', 'USA'); codes such as 'CE',
    'IND' or 'can' are not read as countries in running text."""
    key = name_key(phrase)
    if not key:
        return None
    if len(key) <= 3 and (key not in _ASCII_CODES_OK or phrase.upper() != phrase):
        return None
    return COUNTRY_BY_NAME.get(key)


def _city_country(key: str) -> str | None:
    return words.CITIES.get(key.lower())


_CAP_WORDS = re.compile(
    r"(?<![A-Za-z])[A-Z][A-Za-zÀ-ÖØ-öø-ÿ]*(?:[.'\-][A-Za-zÀ-ÖØ-öø-ÿ]+)*\.?"
    r"(?:[ \t]+[A-Z][A-Za-zÀ-ÖØ-öø-ÿ]*(?:[.'\-][A-Za-zÀ-ÖØ-öø-ÿ]+)*\.?){0,3}"
)


@dataclass
class _Place:
    start: int
    end: int
    code: str
    text: str
    how: str  # "country", "city" or "people" (an adjective: "Finnish")


def _places(t: Text) -> list[_Place]:
    """Countries, cities and peoples' adjectives named anywhere (also inside a name)."""
    places: list[_Place] = []
    for match in _country_cn().finditer(t.norm):
        code = COUNTRY_BY_NAME.get(name_key(match.group(0)))
        if code:
            places.append(_Place(match.start(), match.end(), code, match.group(0), "country"))
    for match in _city_cn().finditer(t.norm):
        code = words.CITIES[match.group(0)]
        places.append(_Place(match.start(), match.end(), code, match.group(0), "city"))
    for match in _CAP_WORDS.finditer(t.norm):
        tokens = list(re.finditer(r"[^\s]+", match.group(0)))
        i = 0
        while i < len(tokens):
            hit = None
            for j in range(min(len(tokens), i + 4), i, -1):
                s = match.start() + tokens[i].start()
                e = match.start() + tokens[j - 1].end()
                phrase = t.norm[s:e].rstrip(".,'")
                for part in (phrase, re.sub(r"-based$", "", phrase)):
                    e = s + len(part)
                    code = _country_code(part)
                    if code:
                        hit = _Place(s, e, code, t.text[s:e], "country")
                    elif (city := _city_country(part)) is not None:
                        hit = _Place(s, e, city, t.text[s:e], "city")
                    elif (people := words.DEMONYMS.get(part.lower())) is not None:
                        hit = _Place(s, e, people, t.text[s:e], "people")
                    if hit:
                        break
                if hit:
                    places.append(hit)
                    i = j
                    break
            if not hit:
                i += 1
    places.sort(key=lambda p: p.start)
    return places


def _best_place(places: list[_Place], how: str) -> _Place | None:
    return next((p for p in places if p.how == how), None)


# ----------------------------------------------------------------------------- contacts

_TZ = re.compile(
    r"(?:(?:时区|time\s*zone|tz)\s*[:：]?\s*)?\(?(?P<z>(?:UTC|GMT)\s?[+\-−]\s?\d{1,2}(?::?\d{2})?"
    r"|东[一二三四五六七八九十]{1,2}区|西[一二三四五六七八九十]{1,2}区"
    r"|(?:Africa|America|Asia|Atlantic|Australia|Europe|Indian|Pacific)/[A-Za-z_]+(?:/[A-Za-z_]+)?)\)?",
    re.I,
)
_HOURS = re.compile(
    r"(?P<cue>工作时间|办公时间|上班时间|在线时间|office hours|working hours|work hours|hours"
    r"|available|reachable|在线|值班)?\s*[:：]?\s*(?:from\s+)?"
    r"(?P<h1>\d{1,2})(?:[:：.](?P<m1>\d{2}))?\s*(?P<a1>am|pm|a\.m\.|p\.m\.|点|时)?\s*(?:-|~|–|—|to|到|至)\s*"
    r"(?P<h2>\d{1,2})(?:[:：.](?P<m2>\d{2}))?\s*(?P<a2>am|pm|a\.m\.|p\.m\.|点|时)?",
    re.I,
)
_LANGUAGES = {
    "english": "English", "chinese": "Chinese", "mandarin": "Mandarin", "cantonese": "Cantonese",
    "sinhala": "Sinhala", "sinhalese": "Sinhala", "tamil": "Tamil", "urdu": "Urdu",
    "hindi": "Hindi", "malay": "Malay", "german": "German", "french": "French",
    "spanish": "Spanish", "arabic": "Arabic", "dzongkha": "Dzongkha", "nepali": "Nepali",
    "bengali": "Bengali", "russian": "Russian", "japanese": "Japanese", "korean": "Korean",
    "italian": "Italian", "portuguese": "Portuguese", "thai": "Thai", "punjabi": "Punjabi",
    "polish": "Polish", "hungarian": "Hungarian",
    "英语": "英语", "英文": "英语", "中文": "中文", "普通话": "普通话", "粤语": "粤语",
    "僧伽罗语": "僧伽罗语", "泰米尔语": "泰米尔语", "乌尔都语": "乌尔都语", "印地语": "印地语",
    "马来语": "马来语", "德语": "德语", "法语": "法语", "西班牙语": "西班牙语",
    "阿拉伯语": "阿拉伯语", "宗卡语": "宗卡语", "尼泊尔语": "尼泊尔语", "俄语": "俄语",
    "日语": "日语", "韩语": "韩语", "意大利语": "意大利语", "泰语": "泰语", "葡萄牙语": "葡萄牙语",
}  # fmt: skip
_LANGUAGE = re.compile(
    r"\b(?:"
    + "|".join(k for k in _LANGUAGES if k.isascii())
    + r")\b|"
    + "|".join(sorted((k for k in _LANGUAGES if not k.isascii()), key=len, reverse=True)),
    re.I,
)
_LANGUAGE_CUE = re.compile(r"speaks?|languages?|语言|会说|说|懂|精通|fluent(?: in)?|讲", re.I)


def _hour(hour: int, ampm: str | None) -> int:
    ampm = (ampm or "").lower().replace(".", "")
    if ampm == "pm" and hour < 12:
        return hour + 12
    if ampm == "am" and hour == 12:
        return 0
    return hour


def _contact_shapes(t: Text, found: dict[str, str]) -> None:
    """A contact's time zone and working hours."""
    for match in t.finditer(_TZ):
        if "tz" not in found:
            found["tz"] = match.group("z").replace("−", "-").replace(" ", "")
            t.take(match.start(), match.end())
    for match in t.finditer(_HOURS):
        ampm1, ampm2 = match.group("a1"), match.group("a2")
        if not match.group("cue") and not match.group("m1") and not ampm1 and not ampm2:
            continue
        h1 = _hour(int(match.group("h1")), ampm1 if ampm1 not in ("点", "时") else None)
        h2 = _hour(int(match.group("h2")), ampm2 if ampm2 not in ("点", "时", None) else None)
        if h1 > 24 or h2 > 24 or (match.group("m1") or "00") > "59":
            continue
        found.setdefault(
            "work_hours",
            f"{h1:02d}:{match.group('m1') or '00'}-{h2:02d}:{match.group('m2') or '00'}",
        )
        t.take(match.start(), match.end())
        break


def _languages(t: Text, found: dict[str, str]) -> list[tuple[int, int]]:
    """The languages a contact speaks: two or more named, or one after a cue ("speaks")."""
    spoken: list[str] = []
    spans: list[tuple[int, int]] = []
    for match in t.finditer(_LANGUAGE):
        if re.match(
            r"\s*(?:人|school|office|company|embassy|consulate|students|chamber)",
            t.norm[match.end() :],
            re.I,
        ):
            continue
        word = match.group(0)
        name = _LANGUAGES[word.lower()] if word.isascii() else _LANGUAGES[word]
        if name not in spoken:
            spoken.append(name)
        spans.append((match.start(), match.end()))
    cue = _LANGUAGE_CUE.search(t.norm)
    if not spoken or (len(spoken) < 2 and not cue):
        return []
    found["languages"] = ", ".join(spoken)
    for s, e in spans:
        t.take(s, e)
    if cue and t.free(cue.start(), cue.end()):
        t.take(cue.start(), cue.end())
    return spans


@cache
def _roles() -> re.Pattern[str]:
    cn = "|".join(sorted(words.ROLES_CN, key=len, reverse=True))
    en = "|".join(re.escape(r) for r in sorted(words.ROLES_EN, key=len, reverse=True))
    one = rf"(?:{cn})(?![处所室部])|\b(?:{en})\b"
    return re.compile(rf"(?:{one})(?:\s?(?:{one}))*", re.I)


# ----------------------------------------------------------------------------- chunks

_SEPARATORS = set(',;:!?。、！？()[]{}<>【】「」『』《》"“”‘’|~…·•*#=\n\t')
_ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "dr", "co", "ltd", "inc", "pvt", "st", "no", "prof", "jr", "sr"}
    | {"bhd", "corp", "nu", "rs", "u.s", "u.k", "s.r.o", "a.s", "s.a", "s.a.s", "b.v"}
)


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _is_symbol(ch: str) -> bool:
    return unicodedata.category(ch) in ("So", "Sk", "Co") or ch in "\ufe0f\u20e3"


@dataclass
class _Chunk:
    start: int
    end: int
    text: str


def _chunks(t: Text) -> list[_Chunk]:
    """The free text left, cut at punctuation, taken spans, symbols, and spaces next to
    Chinese text ("长沙市一中 防护服" is two chunks, "Lanka Medical Supplies" one)."""
    out: list[_Chunk] = []
    norm = t.norm
    start: int | None = None

    def close(end: int) -> None:
        nonlocal start
        if start is not None:
            s, e = start, end
            while s < e and (norm[s].isspace() or norm[s] in "-–—/.'"):
                s += 1
            while e > s and (norm[e - 1].isspace() or norm[e - 1] in "-–—/'"):
                e -= 1
            if e > s:
                out.append(_Chunk(s, e, t.text[s:e]))
        start = None

    for i, ch in enumerate(norm):
        cut = bool(t.used[i]) or ch in _SEPARATORS or _is_symbol(ch)
        if ch == "." and not cut:
            following = norm[i + 1 : i + 2]
            word = re.search(r"[A-Za-z.]+$", norm[max(0, i - 8) : i])
            if (not following or following.isspace() or _is_cjk(following)) and not (
                word and word.group(0).lower().rstrip(".") in _ABBREVIATIONS
            ):
                cut = True
        if not cut and ch in "-–—" and i and norm[i - 1].isspace():
            cut = True  # "Nimal Perera – Colombo"
        if not cut and ch.isspace():
            left = norm[i - 1] if i else ""
            right = norm[i + 1] if i + 1 < len(norm) else ""
            if _is_cjk(left) or _is_cjk(right) or left.isspace() or right.isspace():
                cut = True
        if cut:
            close(i)
        elif start is None:
            start = i
    close(len(norm))
    return out


_VERBS_CN = re.compile(
    r"(?:急需|需要|需求|申请|求购|紧缺|缺少|还差|想要|希望|现有|可提供|可供应|可供|提供|供应|出售|库存|推荐|介绍)"
)
_VERBS_EN = re.compile(
    r"\s+(?:needs|need|needed|requires|require|requests|request|is\s+looking\s+for|wants|asks\s+for"
    r"|would\s+need|would\s+like|will\s+need|offers|offer|can\s+supply|can\s+offer|has|have|is\s+offering)\b.*$",
    re.I | re.S,
)
_GREETING = re.compile(
    r"^(?:(?:hi|hello|dear|hey|good\s+(?:morning|evening|afternoon)|all|everyone|friends|team"
    r"|大家好|各位|您好|你好|(?:new\s+)?(?:offer|lead|quote|supplier)s?(?:\s+(?:from|in|by))?"
    r"|from)[\s,!.]*)+",
    re.I,
)


@cache
def _org_end_cn() -> re.Pattern[str]:
    ends = sorted(words.ORG_ENDS_CN, key=len, reverse=True)
    return re.compile("(?:" + "|".join(re.escape(e) for e in ends) + ")")


@cache
def _org_ends() -> tuple[frozenset[str], int]:
    return frozenset(words.ORG_ENDS_CN), max(len(e) for e in words.ORG_ENDS_CN)


def _cn_org(text: str) -> str | None:
    """The Chinese organisation a chunk names: the chunk up to the last place where one
    of ORG_ENDS_CN ends ("常德市第一中学", not "常德市第一中"); a one-character end
    counts only at the chunk's end, after two characters at least."""
    if len(text) < 2 or not any(_is_cjk(ch) for ch in text):
        return None
    ends, longest = _org_ends()
    for end in range(len(text), 1, -1):
        for size in range(min(longest, end), 0, -1):
            if text[end - size : end] not in ends:
                continue
            if size == 1 and (end != len(text) or end < 3):
                continue
            return text[:end]
    return None


_LEGAL = (
    r"(?i:Sp\.?\s?z\s?o\.?\s?o\.?|Sdn\.?\s+Bhd\.?|Bhd\.?|GmbH|plc|ltd\.?|s\.r\.o\.|a\.s\."
    r"|S\.A\.S\.|s\.a\.|sas|SARL|FZE|FZCO|Oy|AB|AG|Pte\.?\s+Ltd\.?|Pvt\.?\s+Ltd\.?|LLC|Inc\.?)"
)
_LATIN = r"[A-Za-z0-9À-ÖØ-öø-ÿ'&.\-]"
_EN_PHRASE = re.compile(
    rf"(?:[A-Z0-9]{_LATIN}*|\((?:Pvt|Private|Pte)\.?\)\.?)"
    rf"(?:[ \t]+(?:(?:of|for|and|&|the|de|du|in)[ \t]+)?"
    rf"(?:{_LEGAL}|[A-Z0-9]{_LATIN}*|\((?:Pvt|Private|Pte)\.?\)\.?))*"
    rf"(?:,[ \t]*{_LEGAL})?"
)
_STRONG_ORG_EN = frozenset(
    {
        "ltd", "ltd.", "limited", "inc", "inc.", "llc", "gmbh", "ag", "pvt", "pvt.", "sdn",
        "bhd", "bhd.", "corp", "corp.", "corporation", "co", "co.", "company", "plc", "university",
        "hospital", "institute", "school", "college", "association", "chamber", "council",
        "federation", "embassy", "consulate", "foundation", "society", "ministry", "bureau",
        "group", "enterprises", "industries", "trading", "traders", "supplies", "pharma",
        "pharmaceuticals", "healthcare", "clinic", "centre", "center", "office", "committee",
        "department", "club", "union", "labs", "laboratories", "(pvt)", "(pvt).", "(private)",
        "distributors", "logistics", "holdings", "mills", "pte", "(pte)", "agency", "oy", "srl",
        "s.a.", "b.v.", "spa", "lp", "llp", "a/s", "ab", "medicals", "suppliers", "exports",
        "imports", "manufacturing", "textiles", "garments", "s.r.o.", "a.s.", "sas", "s.a.s.",
        "sarl", "fze", "fzco", "pt", "tbk", "supply", "solutions", "technologies", "medizintechnik",
        "sp.", "o.o.", "z", "board", "authority", "commission", "secretariat", "services",
        "trust", "fund", "cooperative", "hub", "mission", "taskforce",
    }
)  # fmt: skip
_NOT_ORG_START = frozenset(
    {"supplier", "lead", "offer", "from", "new", "hi", "dear", "contact", "urgent", "via",
     "our", "the", "a", "an", "item", "product", "qty", "price", "unit", "org", "organisation",
     "organization", "unit:", "company", "supplier:", "lead:", "name"}
)  # fmt: skip


def _en_org(t: Text, start: int, end: int) -> tuple[int, int] | None:
    """An English organisation name inside [start, end): a capitalised phrase holding an
    organisation word ('Lanka Medical Supplies', 'German School in Changchun')."""
    for match in _EN_PHRASE.finditer(t.norm, start, end):
        if not t.free(match.start(), match.end()):
            continue
        tokens = match.group(0).split()
        lowered = [w.lower().rstrip(",") for w in tokens]
        if not any(w in _STRONG_ORG_EN or w.strip("()") in _STRONG_ORG_EN for w in lowered):
            continue
        s = match.start()
        # Leading words that are labels, greetings or "Mumbai-based" are not the name.
        while tokens and (
            tokens[0].lower() in _NOT_ORG_START or tokens[0].lower().endswith("-based")
        ):
            s = match.start() + match.group(0).index(tokens[1]) if len(tokens) > 1 else match.end()
            tokens = tokens[1:]
        if not tokens or (len(tokens) == 1 and tokens[0].lower() in _WEAK_ALONE):
            continue
        e = s + _name_length(t.norm[s : match.end()])
        while e > s and t.norm[e - 1] in ",":
            e -= 1
        return s, e
    return None


_LEGAL_WORDS = frozenset(
    {
        "gmbh",
        "ltd",
        "ltd.",
        "inc",
        "inc.",
        "llc",
        "plc",
        "oy",
        "ab",
        "ag",
        "sas",
        "s.a.s.",
        "s.r.o.",
    }
    | {"fze", "fzco", "bhd", "bhd.", "co.", "(pvt)", "(pvt).", "pte", "pte.", "(pte)", "a.s."}
    | {"s.a.", "sarl", "limited", "corp.", "corporation", "tbk", "o.o.", "z", "sp.", "sp"}
    | {"s.a.s."}
)


def _name_length(phrase: str) -> int:
    """An organisation's name ends at its legal form ("… GmbH", "… (Pvt) Ltd") or before
    a product grade that follows it ("FFP2", "N95")."""
    length = 0
    ended = False
    for match in re.finditer(r"\S+", phrase):
        word = match.group(0).lower().rstrip(",")
        legal = word in _LEGAL_WORDS or word.strip("()") in _LEGAL_WORDS
        if ended and not legal:
            break
        if GRADE.fullmatch(word) and match.start() > 0 and word not in ("level", "type"):
            break
        length = match.end()
        ended = legal
    return length or len(phrase)


_WEAK_ALONE = frozenset(
    {"office", "group", "company", "center", "centre", "club", "students", "supply", "supplies"}
)


def _strip_verbs(text: str) -> str:
    text = _VERBS_EN.sub("", text)
    return _VERBS_CN.split(text, maxsplit=1)[0].strip() if _VERBS_CN.search(text) else text


# ----------------------------------------------------------------------------- the record


def read_record(
    text: str, kind: Kind, now: datetime, *, context: bool = False, region: str | None = None
) -> Reading:
    """The fields ``text`` (one record, already cleaned) names for ``kind``.

    ``now`` is the message's moment in the desk's zone (dates without a year, "明天").
    ``context``: the text is a message's heading or signature, read only for what it
    names plainly (an organisation by its name, a person, a phone), never by fallback.
    ``region`` is the desk's phone region for numbers written without a country code.
    """
    t = Text(compact(text))
    found: dict[str, str] = {}
    strong: set[str] = set()
    read_contact_ways(t, kind, found, region)
    if kind == "contacts":
        _contact_shapes(t, found)
    price_at: list[tuple[int, str]] = []
    read_prices(t, kind, found, price_at)
    read_lead_time(t, kind, found, now)
    read_dates(t, kind, found, now)
    if kind == "leads":
        read_bare_lead_time(t, found)
    if kind == "leads":
        read_certifications(t, found)
    read_priority(t, kind, found)
    item_at = _labelled(t, kind, found, strong)
    _people(t, kind, found, strong)
    person = found.pop("_person", None)
    if person is not None and PERSON_FIELD[kind] not in found:
        found[PERSON_FIELD[kind]] = person
        strong.add(PERSON_FIELD[kind])

    org_field = ORG_FIELD[kind]
    # English organisations before items: "Top Glove Sdn Bhd" holds "glove".
    if org_field not in found:
        span = _en_org(t, 0, len(t.norm))
        if span:
            found[org_field] = t.written(*span)
            strong.add(org_field)
            t.take(*span)
            t.org_spans.append(span)
    items = find_items(t) if kind != "contacts" else []
    for item in items:
        t.take(item.start, item.end)
    quantities = find_quantities(t, [(i.start, i.end) for i in items]) if kind != "contacts" else []
    for quantity in quantities:
        t.take(quantity.start, quantity.end)

    places = _places(t)
    # Chinese organisations by their ends, before the places in them are taken
    # ("意大利米兰华侨华人工商会" is one name).
    if org_field not in found:
        for chunk in _chunks(t):
            org = _cn_org(_strip_verbs(chunk.text))
            if org and not _only_places(org):
                found[org_field] = org
                strong.add(org_field)
                t.take(chunk.start, chunk.start + len(org))
                t.org_spans.append((chunk.start, chunk.start + len(org)))
                break
    if kind == "contacts":
        spoken = _languages(t, found)  # before the places: "意大利语" is no Italy
        places = [p for p in places if not any(s <= p.start < e for s, e in spoken)]
    if kind in ("leads", "contacts"):
        _place_fields(t, kind, found, places)
    if kind == "contacts":
        for match in t.finditer(_roles()):
            if "role" not in found:
                found["role"] = t.written(match.start(), match.end())
                t.take(match.start(), match.end())
        if "name" not in found:
            _contact_name(t, found, strong)
    if "unit_price" in found:
        found["unit_price"] = currency_for_country(found["unit_price"], found.get("country"))

    if org_field not in found and not context and kind != "contacts":
        _org_fallback(t, found, org_field, items, quantities)
    if not items and not context and kind != "contacts":
        fallback = _item_fallback(t, _chunks(t), quantities, item_at)
        if fallback is not None:
            items = [fallback]
            t.take(fallback.start, fallback.end)

    reading = Reading(strong=frozenset(strong | _strong_shapes(found)))
    reading.items = _pair(items, quantities, price_at, found) if kind != "contacts" else []
    placed = {part.get("item") for part in reading.items}
    for item in items:  # items no record took stay in the notes
        if item.text not in placed:
            t.used[item.start : item.end] = b"\x00" * (item.end - item.start)
    placed_q = {part.get("quantity") for part in reading.items}
    for quantity in quantities:
        if quantity.text not in placed_q:
            t.used[quantity.start : quantity.end] = b"\x00" * (quantity.end - quantity.start)
    extra_text = [found.pop(key) for key in ("_more_phones", "_more_people") if key in found]
    if any("unit_price" in part for part in reading.items):
        found.pop("unit_price", None)
    if context:
        found = {k: v for k, v in found.items() if k in CONTEXT_FIELDS}
        if reading.items and "item" in reading.items[0] and len(items) == 1:
            found["item"] = reading.items[0]["item"]
        reading.items = []
    reading.shared = found
    if not context:
        reading.notes = _notes(t, extra_text)
    return reading


def _place_fields(t: Text, kind: Kind, found: dict[str, str], places: list[_Place]) -> None:
    """A lead's or contact's country (named, else its city's, else an adjective's) and a
    contact's city. Names inside an organisation's name are read but left in it."""
    # Places outside an organisation's name say where the contact is; one inside it
    # ("Consulate General of Hungary", "斯里兰卡中国商会") only when nothing else does.
    outside = [p for p in places if not any(s <= p.start < e for s, e in t.org_spans)]
    inside = [p for p in places if p not in outside]
    country = _best_place(outside, "country")
    city = _best_place(outside, "city")
    people = _best_place(outside, "people")
    chosen = country or city or people
    if chosen is None:
        country = _best_place(inside, "country")
        city = city or _best_place(inside, "city")
        people = _best_place(inside, "people")
        chosen = country or city or people
    elif city is None:
        city = _best_place(inside, "city")
    if kind == "contacts" and city is not None and chosen is not None and city.code != chosen.code:
        chosen = city  # "Consulate General of Hungary in Chongqing": a contact is where it is
    if chosen is not None and "country" not in found:
        found["country"] = chosen.code
    if country is not None and t.free(country.start, country.end):
        t.take(country.start, country.end)
    if kind == "contacts" and city is not None and "city" not in found:
        found["city"] = city.text
        if t.free(city.start, city.end):
            t.take(city.start, city.end)


def _org_fallback(
    t: Text,
    found: dict[str, str],
    field_name: str,
    items: list[Item],
    quantities: list[Quantity],
) -> None:
    """No organisation by its words: a 接龙 line begins with its unit, an English
    message often with its sender — the first chunk before the item that is no place,
    greeting or little word."""
    starts = [i.start for i in items] + [q.start for q in quantities]
    first_item = min(starts) if starts else len(t.norm)
    for chunk in _chunks(t):
        if chunk.start >= first_item:
            break
        candidate = _GREETING.sub("", _strip_verbs(chunk.text)).strip(" -–—")
        if not _worth_keeping(candidate) or _only_places(candidate):
            continue
        if all(w.lower() in words.FILLER for w in re.split(r"\s+", candidate)):
            continue
        offset = max(chunk.text.find(candidate), 0)
        found[field_name] = candidate
        t.take(chunk.start + offset, chunk.start + offset + len(candidate))
        return


_SPACES = re.compile(r"[ \t\u3000\u00a0]+")
_LINE_BREAKS = re.compile(r" ?\n\s*")


def compact(text: str) -> str:
    """One space for a run of spaces, one line break for blank lines and the indent after:
    what the rules read (a value "Lanka   Medical" is "Lanka Medical"; no pattern meets
    a run of a thousand spaces)."""
    return _LINE_BREAKS.sub("\n", _SPACES.sub(" ", text)).strip()


def _strong_shapes(found: dict[str, str]) -> set[str]:
    return {k for k in found if k in ("phone", "email", "wechat", "whatsapp", "country")}


def _only_places(text: str) -> bool:
    key = text.strip().lower()
    return (
        (name_key(text) in COUNTRY_BY_NAME and len(name_key(text)) > 3)
        or key in words.CITIES
        or key in words.DEMONYMS
    )


def _worth_keeping(text: str) -> bool:
    """Text with two letters or one Chinese character, and not one little word."""
    stripped = text.strip(" -–—/.,:;")
    if not stripped or stripped.lower() in words.FILLER:
        return False
    letters = sum(ch.isalpha() for ch in stripped)
    alnum = sum(ch.isalnum() for ch in stripped)
    return letters >= 2 or (letters >= 1 and alnum >= 2) or any(_is_cjk(ch) for ch in stripped)


_CN_NAME = re.compile(rf"(?:{_SURNAMES})[\u4e00-\u9fff]{{1,2}}")
_EN_FULL_NAME = re.compile(
    rf"(?:{_EN_HONORIFIC})?[A-Z][^\W\d_]*(?:['\-][^\W\d_]+)*(?:\s+[A-Z][^\W\d_]*(?:['\-][^\W\d_]+)*){{0,3}}"
)


def _contact_name(t: Text, found: dict[str, str], strong: set[str]) -> None:
    """A contact's name: the first chunk that reads as one (a Chinese surname and one or
    two characters; capitalised words that are no organisation, place or label), else
    the first two to four Chinese characters left that are no place or title."""
    chunks = _chunks(t)
    for chunk in chunks:
        text = chunk.text.strip()
        if _CN_NAME.fullmatch(text) and not _org_end_cn().search(text[1:]):
            _set_name(t, found, strong, chunk.start, text)
            return
        head = _EN_FULL_NAME.match(text)
        if head is None:
            continue
        name = _trim_en_name(head.group(0))
        words_in = {w.lower().strip(".") for w in name.split()}
        if not name or words_in & (_STRONG_ORG_EN | _NOT_NAME_WORDS) or _only_places(name):
            continue
        if len(name.split()) == 1 and (len(text) > len(name) + 2 or name.isupper()):
            continue  # one capitalised word at the start of a sentence is no name
        _set_name(t, found, strong, chunk.start + text.index(name), name)
        return
    for chunk in chunks:
        text = chunk.text.strip()
        named = re.match(rf"(?:{_SURNAMES})[\u4e00-\u9fff]{{1,3}}", text)
        if (
            named
            and named.end() == len(text) <= 5
            and not _only_places(text)
            and not _org_end_cn().search(text[1:])
            and text not in words.FILLER
        ):
            _set_name(t, found, strong, chunk.start, text)
            return


def _set_name(t: Text, found: dict[str, str], strong: set[str], start: int, name: str) -> None:
    found["name"] = name
    strong.add("name")
    t.take(start, start + len(name))


def _item_fallback(
    t: Text, chunks: list[_Chunk], quantities: list[Quantity], item_at: list[int]
) -> Item | None:
    """No item word: the text after an item label, else the chunk just before (or after)
    the quantity ("床单被套 200套", "500 blankets")."""
    for at in item_at:
        for chunk in chunks:
            if chunk.start >= at and chunk.start - at <= 2 and _worth_keeping(chunk.text):
                text = _strip_verbs(chunk.text) or chunk.text
                return Item(chunk.start, chunk.start + len(text), text)
    if not quantities:
        return None
    best = max(quantities, key=lambda q: q.rank)
    before = [c for c in chunks if c.end <= best.start and best.start - c.end <= 3]
    after = [c for c in chunks if c.start >= best.end and c.start - best.end <= 2]
    for chunk in [*before[-1:], *after[:1]]:
        text = re.sub(r"^(?:of|x)\s+", "", chunk.text)
        if text[:1].isdigit():
            continue  # a count ("12人"), not a thing
        if _VERBS_CN.search(text):
            parts = [p for p in _VERBS_CN.split(text) if p.strip()]
            text = parts[-1].strip() if parts else ""
        if not _worth_keeping(text) or _only_places(text):
            continue
        offset = chunk.text.rfind(text)
        return Item(chunk.start + offset, chunk.start + offset + len(text), text)
    return None


def _pair(
    items: list[Item],
    quantities: list[Quantity],
    prices: list[tuple[int, str]],
    found: dict[str, str],
) -> list[dict[str, str]]:
    """Each item with its quantity (and a lead's price): one record per item when a
    record names several items each with its own quantity; else one record."""
    strong_q = [q for q in quantities if q.rank >= 2 or q.by_item]
    if len(items) >= 2 and len(strong_q) >= 2:
        parts = _pair_many(items, strong_q, prices, found)
        if sum(1 for p in parts if "quantity" in p) >= 2:
            return parts
    part: dict[str, str] = {}
    best = max(quantities, key=lambda q: (q.rank, -q.start)) if quantities else None
    if items:
        # The item next to the quantity ("Sri Trang Gloves – latex gloves 300,000 boxes"),
        # else the first named.
        near = [i for i in items if best is not None and _next_to(i, best)]
        part["item"] = (near or items)[0].text
    if best is not None:
        part["quantity"] = best.text
    if "unit_price" in found:
        part["unit_price"] = found["unit_price"]
    return [part] if part else []


def _next_to(item: Item, quantity: Quantity) -> bool:
    return 0 <= quantity.start - item.end <= 3 or 0 <= item.start - quantity.end <= 3


def _pair_many(
    items: list[Item],
    quantities: list[Quantity],
    prices: list[tuple[int, str]],
    found: dict[str, str],
) -> list[dict[str, str]]:
    """Items and quantities in the order written: each item takes the quantity between
    it and the next item ("防护服200套 护目镜100副"), or, when quantities come first
    ("500 masks and 20 thermometers"), the one just before it."""
    quantity_first = quantities[0].start < items[0].start
    parts: list[dict[str, str]] = []
    taken: set[int] = set()
    for index, item in enumerate(items):
        part = {"item": item.text}
        if quantity_first:
            low = items[index - 1].end if index else -1
            inside = [q for q in quantities if low <= q.start < item.start]
            chosen = inside[-1] if inside else None
            high = items[index + 1].start if index + 1 < len(items) else 10**9
            lo, hi = (chosen.start if chosen else item.start), high
        else:
            high = items[index + 1].start if index + 1 < len(items) else 10**9
            inside = [q for q in quantities if item.start <= q.start < high]
            chosen = inside[0] if inside else None
            lo, hi = item.start, high
        if chosen is not None and id(chosen) not in taken:
            taken.add(id(chosen))
            part["quantity"] = chosen.text
        own = [p for at, p in prices if lo <= at < hi]
        if own:
            part["unit_price"] = currency_for_country(own[0], found.get("country"))
        parts.append(part)
    return parts


# Where the notes' pieces are cut: punctuation, but not a thousands comma ("50,000").
_NOTE_CUT = re.compile(r"[\n;，；。、!！?？|]+|(?<!\d),|,(?!\d)|\s{2,}")


def _notes(t: Text, extra: list[str]) -> str:
    """What no pass took, in order, without the little words and punctuation around it."""
    pieces: list[str] = []
    start: int | None = None
    for i in range(len(t.text) + 1):
        free = i < len(t.text) and t.used[i] != 1
        if free and start is None:
            start = i
        elif not free and start is not None:
            pieces.append(t.text[start:i])
            start = None
    kept: list[str] = []
    for piece in pieces:
        for part in _NOTE_CUT.split(piece):
            part = part.strip(" \t-–—:：.·•*#()（）[]【】\"'“”‘’/~@")
            if not part:
                continue
            tokens = [w for w in re.split(r"\s+", part) if w]
            meaningful = [
                w for w in tokens if _worth_keeping(w) and not all(_is_symbol(c) for c in w)
            ]
            if meaningful:
                kept.append(part)
    kept.extend(extra)
    return "; ".join(dict.fromkeys(kept))
