"""Dates, times and durations in a pasted record (``pastefields``): due dates, a lead's
lead time and next action.

A date written without a year is taken in the year that puts it nearest the message's
day (at most 60 days before, else ahead); "明天", "tomorrow", "本周五", "next Monday" are
read from that day; "5天内发货", "ship in 5 days", a date to ship on are a lead time;
"within 24 hours" is a due time. A date whose day and month could be either way round
("3/4") is handed on with that year, for the normaliser to refuse as ambiguous.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dutyboard.ingest.pastetext import Text
from dutyboard.ingest.records import Kind

# ----------------------------------------------------------------------------- durations

_DUR_UNIT = (
    r"(?:个工作日|工作日|working days|business days|days?|天|日(?![0-9一二三四五六七八九十])"
    r"|周|个星期|星期|weeks?|wks?|个月|months?)"
)
# Bare durations in an offer ("2 weeks", "10 days"): never "5日" or "3月", which are dates.
_BARE_UNIT = (
    r"(?:个工作日|工作日|working days|business days|days?|天|周|个星期|weeks?|wks?|个月|months?)"
)
_CN_DIGITS = "零〇一二两三四五六七八九十"
_DUR_NUM = (
    rf"(?:\d+(?:\.\d+)?|[{_CN_DIGITS}]{{1,3}})"
    rf"(?:\s*(?:-|~|to|到|至)\s*(?:\d+|[{_CN_DIGITS}]{{1,3}}))?"
)
_SHIP_WORDS = (
    r"(?:ship(?:s|ped|ping|ment)?|deliver(?:s|y|ed)?|dispatch(?:ed|es)?|lead\s*time|leadtime|ready"
    r"|production|交货期|交货|货期|交期|发货|到货|到港|到达|抵达|出货|供货周期|生产周期|生产|发出|送达"
    r"|eta|arriv(?:e|es|al|ing))"
)
_LEAD_AFTER = re.compile(
    rf"{_SHIP_WORDS}\s*(?:time|period)?\s*(?:is|in|within|:|：|约|需|after|about|approx\.?|可)?\s*"
    rf"(?:in\s+|within\s+)?(?P<d>{_DUR_NUM})\s*(?P<u>{_DUR_UNIT})(?:\s*(?:内|以内|左右))?",
    re.I,
)
_LEAD_BEFORE = re.compile(
    rf"(?:in\s+|within\s+)?(?P<d>{_DUR_NUM})\s*(?P<u>{_DUR_UNIT})\s*(?:内|以内|之内|左右)?\s*(?:可|能)?\s*"
    rf"(?:{_SHIP_WORDS}|到|交付)",
    re.I,
)
_BARE_DURATION = re.compile(
    rf"(?<![\w.])(?P<d>{_DUR_NUM})\s*(?P<u>{_BARE_UNIT})(?![A-Za-z0-9])(?:\s*(?:内|以内))?", re.I
)
_IN_STOCK = re.compile(
    r"现货|有货|库存充足|in[\s-]stock|ready[\s-]stock|from stock|ex[\s-]stock|stock available"
    r"|available now|immediate(?:ly)? (?:shipment|delivery)|可立即发货|随时发货",
    re.I,
)
_WITHIN = re.compile(
    rf"(?:within\s+|in\s+(?:the\s+next\s+)?)?(?P<d>\d+|[{_CN_DIGITS}]{{1,3}})\s*"
    r"(?P<u>小时|个小时|hours?|hrs?|天|日|days?)\s*(?P<w>内|以内|之内)?",
    re.I,
)


_VALIDITY = re.compile(r"(?:valid|validity|有效期?|报价有效|payment|付款|账期)\D*$", re.I)


def read_bare_lead_time(t: Text, found: dict[str, str]) -> None:
    """ "2 weeks", "10 days" alone in an offer: how soon it can come (read after the
    dates, so "3月5日" is a date)."""
    for match in t.finditer(_BARE_DURATION):
        if "lead_time_days" not in found and not _VALIDITY.search(t.before(match.start(), 16)):
            found["lead_time_days"] = f"{match.group('d')}{match.group('u')}".strip()
            t.take(match.start(), match.end())


def _cn_small(text: str) -> int | None:
    """'七' → 7, '十二' → 12, '两' → 2 (up to 99), else None."""
    if text.isdigit():
        return int(text)
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2, "〇": 0}
    if "十" in text:
        tens, _, ones = text.partition("十")
        high = digits.get(tens, None) if tens else 1
        low = digits.get(ones, None) if ones else 0
        if high is None or low is None:
            return None
        return high * 10 + low
    return digits.get(text) if len(text) == 1 else None


def read_lead_time(t: Text, kind: Kind, found: dict[str, str], now: datetime) -> None:
    if kind == "leads":
        for pattern in (_LEAD_AFTER, _LEAD_BEFORE):
            for match in t.finditer(pattern):
                if "lead_time_days" not in found:
                    found["lead_time_days"] = f"{match.group('d')}{match.group('u')}".strip()
                    t.take(match.start(), match.end())
        for match in t.finditer(_IN_STOCK):
            if "lead_time_days" not in found:
                found["lead_time_days"] = "现货"
                t.take(match.start(), match.end())
        return
    if kind != "requests":
        return
    for match in t.finditer(_WITHIN):
        within = match.group("w") or t.norm[max(0, match.start() - 7) : match.start()].lower()
        if not match.group("w") and not match.group(0).lower().startswith(("within", "in ")):
            continue
        if not within:
            continue
        amount = _cn_small(match.group("d"))
        if amount is None or amount > 720:
            continue
        unit = match.group("u").lower()
        hours = amount if unit.startswith(("小", "个小", "h")) else amount * 24
        due = now + timedelta(hours=hours)
        found.setdefault("due_by", due.strftime("%Y-%m-%d %H:%M"))
        t.take(match.start(), match.end())


# ----------------------------------------------------------------------------- dates

_MONTH_NAMES = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_CN_DAY = rf"(?:\d{{1,2}}|[{_CN_DIGITS}]{{1,3}})"
_DATE = re.compile(
    rf"(?P<ymd>(?P<y1>20\d\d)\s*[-/.年]\s*(?P<m1>\d{{1,2}})\s*[-/.月]\s*(?P<d1>\d{{1,2}})\s*[日号]?)"
    rf"|(?P<md>(?P<m2>{_CN_DAY})\s*月\s*(?P<d2>{_CN_DAY})\s*[日号]?)"
    rf"|(?P<en1>\b(?P<m3>{_MONTH})\.?\s+(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y3>20\d\d))?)"
    rf"|(?P<en2>\b(?P<d4>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m4>{_MONTH})\b\.?(?:,?\s+(?P<y4>20\d\d))?)"
    rf"|(?P<num>(?<![\d/.:\-])(?P<a5>\d{{1,2}})/(?P<b5>\d{{1,2}})(?:/(?P<y5>(?:20)?\d\d))?(?![\d/]))"
    rf"|(?P<dot>(?<![\d.])(?P<m6>\d{{1,2}})\.(?P<d6>\d{{1,2}})(?=\s*(?:前|之前|以前|截止|日|号)))"
    rf"|(?P<rel>大后天|后天|明天|明日|明早|明晚|今天|今日|今晚|今早|今明两天|day after tomorrow"
    rf"|tomorrow|today|tonight|this evening)"
    rf"|(?P<wk>(?P<wkp>本|这|这个|下|下个)?(?:周|星期|礼拜)(?P<wkd>[一二三四五六日天])"
    rf"|\b(?:(?P<enp>this|next|coming)\s+)?(?P<end>monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thur?s?|fri|sat|sun)\b)",
    re.I,
)
_CLOCK = re.compile(
    r"\s*(?P<ap1>上午|下午|晚上|凌晨|中午|早上|傍晚|夜里)?\s*"
    r"(?:(?P<h1>\d{1,2})\s*[:：]\s*(?P<mi1>\d{2})(?:\s*(?P<ap2>am|pm|a\.m\.|p\.m\.))?"
    r"|(?P<h2>\d{1,2}|[一二三四五六七八九十]{1,3})\s*(?:点|时)(?:\s*(?P<mi2>\d{1,2}|半)\s*分?)?"
    r"|(?P<h3>\d{1,2})\s*(?P<ap3>am|pm|a\.m\.|p\.m\.))",
    re.I,
)
_CLOCK_JOIN = re.compile(r"\s*(?:before|by|at|until|till|的|前|,)\s*", re.I)
_DEADLINE_AFTER = re.compile(
    r"\s*(?:之前|以前|前|截止|为止|止|deadline|latest|at the latest|at latest)", re.I
)
_DEADLINE_BEFORE = re.compile(
    r"(?:截止|截至|by|before|due|deadline|until|till|no later than|need(?:ed)?|需要|需|要求|希望"
    r"|latest)"
    r"\s*(?:on|by|:|：|日期|时间)?\s*$",
    re.I,
)
_SHIP_BEFORE = re.compile(rf"{_SHIP_WORDS}\s*(?:by|on|at|:|：|date|时间|日期)?\s*$", re.I)
_SHIP_AFTER = re.compile(
    rf"^\s*(?:前|之前|以前)?\s*(?:可|能|就能|能够|即可)?\s*{_SHIP_WORDS}", re.I
)
_FOLLOW = re.compile(
    r"(?:回复|答复|跟进|联系|确认|回电|call\s*back|reply|follow[\s-]?up|confirm|revert|get back"
    r"|call)",
    re.I,
)
_WEEKDAYS_CN = "一二三四五六日"
_WEEKDAYS_EN = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RELATIVE = {
    "今天": 0, "今日": 0, "今晚": 0, "今早": 0, "today": 0, "tonight": 0, "this evening": 0,
    "明天": 1, "明日": 1, "明早": 1, "明晚": 1, "tomorrow": 1, "今明两天": 1,
    "后天": 2, "day after tomorrow": 2, "大后天": 3,
}  # fmt: skip


@dataclass
class _When:
    start: int
    end: int
    day: date | None  # None: a date with no one reading (its text in ``ambiguous``)
    clock: tuple[int, int] | None
    ambiguous: str | None = None
    context: str = ""  # "deadline", "ship", "follow" or ""


def _year_for(month: int, day: int, today: date) -> int:
    """The year that puts month/day nearest the message's day, at most 60 days back."""
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            when = date(year, month, day)
        except ValueError:
            continue
        if -60 <= (when - today).days <= 305:
            return year
    return today.year


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _read_date(match: re.Match[str], today: date) -> tuple[date | None, str | None]:
    g = match.group
    if g("ymd"):
        return _safe_date(int(g("y1")), int(g("m1")), int(g("d1"))), None
    if g("md"):
        month, day = _cn_small(g("m2")), _cn_small(g("d2"))
        if month is None or day is None or not (1 <= month <= 12):
            return None, None
        return _safe_date(_year_for(month, day, today), month, day), None
    if g("en1") or g("en2"):
        month = _MONTH_NAMES[
            (g("m3") or g("m4")).lower()[:3]
            if (g("m3") or g("m4")).lower()[:4] != "sept"
            else "sep"
        ]
        day = int(g("d3") or g("d4"))
        year_text = g("y3") or g("y4")
        year = int(year_text) if year_text else _year_for(month, day, today)
        return _safe_date(year, month, day), None
    if g("num"):
        a, b = int(g("a5")), int(g("b5"))
        year_text = g("y5")
        if year_text and len(year_text) == 2:
            year_text = "20" + year_text
        if a > 12 >= b or b > 12 >= a or a == b:
            day, month = (a, b) if a > 12 else (b, a) if b > 12 else (a, a)
            if not (1 <= month <= 12):
                return None, None
            year = int(year_text) if year_text else _year_for(month, day, today)
            return _safe_date(year, month, day), None
        if a == 0 or b == 0:
            return None, None
        # 3/4: the third of April or the fourth of March; the normaliser says which it
        # cannot tell, with the year the message implies.
        year = int(year_text) if year_text else _year_for(b, a, today)
        return None, f"{a}/{b}/{year}"
    if g("dot"):
        month, day = int(g("m6")), int(g("d6"))
        if not 1 <= month <= 12:
            return None, None
        return _safe_date(_year_for(month, day, today), month, day), None
    if g("rel"):
        return today + timedelta(days=_RELATIVE[g("rel").lower()]), None
    if g("wk"):
        if g("wkd"):
            wanted = _WEEKDAYS_CN.index(g("wkd").replace("天", "日"))
            following = bool(g("wkp") and g("wkp").startswith("下"))
        else:
            wanted = _WEEKDAYS_EN.index(g("end").lower()[:3])
            following = (g("enp") or "").lower() == "next"
        if following:
            monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
            return monday + timedelta(days=wanted), None
        return today + timedelta(days=(wanted - today.weekday()) % 7), None
    return None, None


def _clock(match: re.Match[str]) -> tuple[int, int] | None:
    g = match.group
    hour_text = g("h1") or g("h2") or g("h3")
    hour = _cn_small(hour_text) if hour_text else None
    if hour is None:
        return None
    minute_text = g("mi1") or g("mi2")
    minute = 30 if minute_text == "半" else int(minute_text) if minute_text else 0
    ampm = (g("ap1") or g("ap2") or g("ap3") or "").lower().replace(".", "")
    if ampm in ("下午", "晚上", "傍晚", "夜里", "pm") and hour < 12:
        hour += 12
    elif ampm in ("上午", "凌晨", "早上", "am") and hour == 12:
        hour = 0
    elif ampm == "中午" and hour < 11:
        hour += 12
    if hour > 23 or minute > 59:
        return None
    return hour, minute


def _dates(t: Text, now: datetime) -> list[_When]:
    today = now.date()
    found: list[_When] = []
    for match in t.finditer(_DATE):
        day, ambiguous = _read_date(match, today)
        if day is None and ambiguous is None:
            continue
        if match.group("wk") and not match.group("wkd") and not match.group("enp"):
            # "Mon" or "Sat" alone: a weekday only next to a deadline word.
            deadline_after = _DEADLINE_AFTER.match(t.norm, match.end())
            before = t.before(match.start(), 16)
            if not (_DEADLINE_BEFORE.search(before) or deadline_after or _FOLLOW.search(before)):
                continue
        end = match.end()
        clock = None
        tail = _CLOCK.match(t.norm, end)
        joined = _CLOCK_JOIN.match(t.norm, end)
        if (tail is None or _clock(tail) is None) and joined:
            tail = _CLOCK.match(t.norm, joined.end())
        if tail and t.free(tail.start(), tail.end()):
            clock = _clock(tail)
            if clock is not None:
                end = tail.end()
        rel = (match.group("rel") or "").lower()
        if (
            clock is not None
            and rel in ("今晚", "明晚", "tonight", "this evening")
            and clock[0] < 12
        ):
            clock = (clock[0] + 12, clock[1])
        found.append(_When(match.start(), end, day, clock, ambiguous))
    # A clock alone ("17:00前", "before 5pm"): today's, if a deadline word is next to it.
    for match in _CLOCK.finditer(t.norm):
        s, e = match.start(), match.end()
        while s < e and t.norm[s].isspace():
            s += 1
        if not t.free(s, e) or any(w.start <= s < w.end for w in found):
            continue
        if not (match.group("h1") or match.group("ap1") or match.group("ap3") or match.group("h2")):
            continue
        near_deadline = _DEADLINE_AFTER.match(t.norm, e) or _DEADLINE_BEFORE.search(t.before(s, 12))
        if not near_deadline:
            continue
        clock = _clock(match)
        if clock is None:
            continue
        found.append(_When(s, e, today, clock))
    found.sort(key=lambda w: w.start)
    for when in found:
        before, after = t.before(when.start, 16), t.norm[when.end : when.end + 12]
        if _SHIP_BEFORE.search(before) or _SHIP_AFTER.match(after):
            when.context = "ship"
        elif _FOLLOW.search(t.norm[max(0, when.start - 24) : when.end + 10]):
            when.context = "follow"
        elif _DEADLINE_BEFORE.search(before) or _DEADLINE_AFTER.match(after):
            when.context = "deadline"
    return found


def _date_text(when: _When) -> str:
    if when.ambiguous is not None:
        return when.ambiguous
    assert when.day is not None
    text = when.day.isoformat()
    if when.clock is not None:
        text += f" {when.clock[0]:02d}:{when.clock[1]:02d}"
    return text


def read_dates(t: Text, kind: Kind, found: dict[str, str], now: datetime) -> None:
    for when in _dates(t, now):
        placed = False
        if kind == "requests" and "due_by" not in found:
            found["due_by"] = _date_text(when)
            placed = True
        elif kind == "leads" and when.context == "ship" and "lead_time_days" not in found:
            if when.day is not None and when.day >= now.date():
                found["lead_time_days"] = str((when.day - now.date()).days)
                placed = True
        elif kind == "leads" and when.context == "follow" and "next_action_at" not in found:
            found["next_action_at"] = _date_text(when)
            placed = True
        if placed:
            _take_with_context(t, when.start, when.end)


_CONTEXT_BEFORE = re.compile(
    r"(?:截止(?:时间|日期)?|截至|by|before|due(?: by| date)?|deadline|until|till|no later than"
    r"|需要|希望|要求|最晚|ETA|ship(?:ped|ping)?(?: by| on)?|deliver(?:y|ed)?(?: by| on)?|arrive"
    r"|发货|交货|到货|on)\s*[:：]?\s*$",
    re.I,
)
_CONTEXT_AFTER = re.compile(
    r"\s*(?:(?:之前|以前|前|截止|为止|止)\s*(?:送到|送达|到货|到位|交货|要|需要)?|到货|发货|交货|送到|送达|到"
    r"|at the latest|at latest)",
    re.I,
)


def _take_with_context(t: Text, start: int, end: int) -> None:
    before = _CONTEXT_BEFORE.search(t.norm[max(0, start - 20) : start])
    if before:
        s = start - len(before.group(0))
        if t.free(s, start):
            start = s
    after = _CONTEXT_AFTER.match(t.norm, end)
    if after and t.free(end, after.end()):
        end = after.end()
    t.take(start, end)
