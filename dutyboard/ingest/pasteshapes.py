"""What has a shape in a pasted record (``pastefields``): e-mail, WeChat, phone numbers,
prices, certifications, priority words, quantities, and items by their words.

A value is found here, not read: its text goes to the normaliser as written ("两千个",
"几千", "USD 0.10-0.15"), which reads it or refuses it with its reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from dutyboard.domain.values import KNOWN_UNITS
from dutyboard.ingest import pastewords as words
from dutyboard.ingest.pastetext import Text
from dutyboard.ingest.records import Kind

# ----------------------------------------------------------------------------- shapes

_EMAIL = re.compile(
    r"[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){0,6}\.[A-Za-z]{2,24}"
)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
_PHONE_LABEL = (
    r"(?:联系电话|电话|手机号码|手机号|手机|座机|电话号码|tel(?:ephone)?|phone|mobile|mob|cell"
    r"|ph|whats\s?app|wa|viber|telegram|☎️?|📞|📱)"
)
_PHONE_BODY = r"\+?\(?\d[\d\s\-().]{5,24}\d"
_LABELLED_PHONE = re.compile(
    rf"(?P<label>{_PHONE_LABEL}(?:\s*(?:/|&|and|或|、)\s*{_PHONE_LABEL})*)\s*"
    rf"(?:[:：.]|\s|no\.?|number|号码)*\s*(?P<num>{_PHONE_BODY})",
    re.I,
)
_INTERNATIONAL = re.compile(
    r"(?<![\w+])(?:\+|00)[1-9]\d{0,2}[\s\-]?(?:\(0?\d{1,4}\)[\s\-]?)?[\d][\d\s\-]{5,16}\d"
)
_CN_MOBILE = re.compile(r"(?<![\d.])1[3-9]\d[\s\-]?\d{4}[\s\-]?\d{4}(?!\d)")
_LANDLINE = re.compile(r"(?<![\d.\w])(?:\(0\d{2,3}\)\s?|0\d{2,3}[\s\-])\d{3,4}[\s\-]?\d{3,4}(?!\d)")
_WECHAT = re.compile(
    r"(?:微信号|微信|wechat(?:\s*id)?|weixin|vx|wx)\s*[:：]?\s*"
    r"(?P<id>同号|same(?: as (?:phone|above|mobile))?|[A-Za-z][-_A-Za-z0-9]{4,30}"
    r"|\+?\d[\d\s\-]{5,18}\d)",
    re.I,
)
_NAME_AFTER_NUMBER = re.compile(
    r"\s*[(（]\s*(?P<name>(?:(?:Mr|Mrs|Ms|Dr)\.?\s+)?[A-Z][^\W\d_]+(?:\s+[A-Z][^\W\d_]+)?"
    r"|[\u4e00-\u9fff]{2,4})\s*[)）]"
)
_SAME_WECHAT = re.compile(
    r"(?:微信同号|同微信|wechat same|(?:also )?on wechat|same on wechat)", re.I
)


def _phone_ok(text: str, region: str | None) -> bool:
    from dutyboard.domain import phones

    return phones.read_phone(text, region).e164 is not None


def _best_phone(text: str, start: int, end: int, region: str | None) -> tuple[int, int]:
    """The longest prefix of a digit run (by its groups) that reads as a phone number:
    "+94 77 123 4567 5000 pcs" stops before 5000."""
    span = text[start:end]
    cuts = [m.start() for m in re.finditer(r"[\s\-]+", span)] + [len(span)]
    for cut in sorted(set(cuts), reverse=True):
        candidate = span[:cut].rstrip(" -")
        if sum(ch.isdigit() for ch in candidate) < 7:
            break
        if _phone_ok(candidate, region):
            return start, start + len(candidate)
    return start, start + len(span.rstrip(" -"))


def _phones(t: Text, kind: Kind, found: dict[str, str], region: str | None) -> None:
    numbers: list[tuple[int, int, str, str]] = []  # (start, end, which, text)

    def add(start: int, end: int, which: str, span: tuple[int, int]) -> None:
        s, e = span
        text = t.norm[s:e].strip()  # full-width digits as ASCII
        if sum(ch.isdigit() for ch in text) < 6:
            return
        numbers.append((s, e, which, text))
        t.take(start, e)

    for match in t.finditer(_LABELLED_PHONE):
        label = match.group("label").lower()
        which = "both" if "whats" in label or label == "wa" else "phone"
        if which == "both" and not re.search(r"电话|手机|tel|phone|mob|cell", label, re.I):
            which = "whatsapp"
        s, e = match.start("num"), match.end("num")
        add(match.start(), e, which, _best_phone(t.norm, s, e, region))
    for pattern, area in ((_INTERNATIONAL, None), (_CN_MOBILE, "CN"), (_LANDLINE, region or "CN")):
        for match in t.finditer(pattern):
            s, e = _best_phone(t.norm, match.start(), match.end(), area)
            if pattern is not _INTERNATIONAL or _phone_ok(t.norm[s:e], None):
                add(s, e, "phone", (s, e))
    numbers.sort()
    for _s, e, _which, _text in numbers:
        # "+91 98200 12345 (Rakesh)": the name in brackets after a number is its person.
        named = _NAME_AFTER_NUMBER.match(t.norm, e)
        if named and t.free(named.start(), named.end()):
            found.setdefault("_person", t.written(named.start("name"), named.end("name")))
            t.take(named.start(), named.end())
    for _s, _e, which, text in numbers:
        if which in ("phone", "both"):
            if "phone" not in found:
                found["phone"] = text
            elif which == "phone":
                found.setdefault("_more_phones", "")
                found["_more_phones"] += (" " if found["_more_phones"] else "") + text
        if which in ("whatsapp", "both") and kind == "contacts":
            found.setdefault("whatsapp", text)
        elif which == "whatsapp":
            found.setdefault("phone", text)


# ----------------------------------------------------------------------------- prices

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CUR_BEFORE = (
    r"US\$|USD|U\.S\.\$|HK\$|S\$|A\$|C\$|NZ\$|\$|¥|RMB|CNY|EUR|€|£|GBP|LKR|SLR|PKR|INR|₹|MYR|RM"
    r"|SGD|AUD|CAD|JPY|HKD|THB|฿|AED|IDR|Rp|VND|KRW|₩|CHF|NPR|BDT|Tk|Rs\.?|BTN|Nu\.?|ZAR|PLN|CZK"
    r"|(?:美元|美金|欧元|人民币|韩元|日元|英镑|港币)(?=\d)"
)
_CUR_AFTER = (
    r"元|块|美元|美金|欧元|英镑|卢比|日元|港币|港元|人民币|令吉|USD|RMB|CNY|EUR|LKR|PKR|INR|MYR"
    r"|SGD|AUD|CAD|JPY|HKD|THB|AED|BDT|NPR|ZAR|PLN|CZK|韩元|泰铢|\$|€|dollars?|euros?|rupees?"
    r"|ringgit|yuan"
)
_PER = r"(?:\s*(?:/|per\s+|each\b|ea\b\.?|every\s+|每)\s*(?:[A-Za-z]{1,10}\.?|[\u4e00-\u9fff])?)?"
_PRICE = re.compile(
    rf"(?:(?P<every>每\s*[\u4e00-\u9fff]|per\s+piece)\s*)?"
    rf"(?:(?<![A-Za-z])(?P<cur1>{_CUR_BEFORE})\s?(?P<n1>{_NUM})(?:\s?万)?(?:\s?(?:-|~|–|to)\s?(?:{_NUM}))?"
    rf"|(?P<n2>{_NUM})(?:\s?(?:-|~|–|to)\s?(?:{_NUM}))?(?:\s?万)?\s?(?P<cur2>{_CUR_AFTER})(?:人民币|\s?RMB)?)"
    rf"(?![A-Za-z0-9])(?P<per>{_PER})"
    rf"(?:\s*(?P<term>EXW|FOB|CIF|CFR|DDP|DAP|CNF|FCA)\b(?:\s+[A-Z][a-z]+)?)?",
    re.I,
)
_TOTAL = re.compile(
    r"(?:总价|合计|总共|总额|总计|共计|total|in total|budget|预算|运费|shipping cost"
    r"|freight|deposit|定金|订金|value)\s*[:：]?\s*(?:of\s+)?(?:about\s+)?$",
    re.I,
)
_UNIT_PRICE_MARK = re.compile(
    r"(?:@|单价|unit price|price|报价|价格|each|per|at)\s*[:：]?\s*$", re.I
)
_RUPEE = {"LK": "LKR", "PK": "PKR", "IN": "INR", "NP": "NPR", "BT": "BTN"}


def read_prices(t: Text, kind: Kind, found: dict[str, str], items: list[tuple[int, str]]) -> None:
    """Unit prices (leads): the first marked as one ("@", "单价", "/pc"), else the first
    that is not a total; every other amount stays in the notes."""
    chosen: list[tuple[int, str]] = []
    for match in t.finditer(_PRICE):
        before = t.before(match.start(), 16)
        if _TOTAL.search(before) or kind != "leads":
            t.protect(match.start(), match.end())
            continue
        text = t.written(match.start(), match.end())
        marked = bool(match.group("per")) or bool(match.group("every"))
        marked = marked or bool(_UNIT_PRICE_MARK.search(before))
        mark = _UNIT_PRICE_MARK.search(before)
        start = match.start() - (len(mark.group(0)) if mark else 0)
        if match.group("every"):
            text = t.written(
                match.start("cur1") if match.group("cur1") else match.start("n2"), match.end()
            )
            text = f"{text}/{match.group('every')[-1]}"
        chosen.append((2 if marked else 1, text))
        items.append((match.start(), text))
        t.take(start, match.end())
    if chosen and "unit_price" not in found:
        found["unit_price"] = max(chosen, key=lambda pair: pair[0])[1]


def currency_for_country(price: str, country: str | None) -> str:
    """ "Rs. 45" in a Sri Lankan lead is LKR 45; "RM 2.50" is ringgit; alone, "Rs" stays
    as written (the normaliser then refuses it as no currency it knows)."""
    price = re.sub(r"元\s?(?:人民币|RMB)", "元", price, flags=re.I)
    price = re.sub(r"^RM(?=\s?\d)", "MYR", price)
    price = re.sub(r"^Tk\.?(?=\s?\d)", "BDT", price)
    price = re.sub(r"^SLR(?=\s?\d)", "LKR", price)
    price = re.sub(r"^Nu\.?(?=\s?\d)", "BTN", price)
    price = re.sub(r"令吉$", " MYR", price)
    code = _RUPEE.get(country or "")
    if code:
        price = re.sub(r"^Rs\.?(?=\s?\d)", code, price)
        price = re.sub(r"(?<=\d)\s?(?:卢比|rupees?)\b", f" {code}", price, flags=re.I)
    return price


# ----------------------------------------------------------------------------- words

_CERTS = re.compile(
    r"(?<![A-Za-z0-9])(?P<c>CE|FDA|EUA|NIOSH|TGA|NMPA|ANVISA|KFDA|MFDS|PMDA|ISO\s?13485|ISO\s?9001"
    r"|EN\s?149|EN\s?14683|EN\s?455|EN\s?14126|EN\s?13795|EN\s?166|EN\s?14605|EN\s?13982"
    r"|EN\s?13034|GB\s?2626|GB\s?19083|GB\s?19082"
    r"|GB/T\s?32610|YY\s?0469|YY/T\s?0969|ASTM\s?F?\s?2100|SGS|DRAP|CDSCO|SLSI|BIS)"
    r"(?:[\s:-]*(?:19|20)\d\d)?(?![A-Za-z0-9])(?:\s*(?:certified|certificate|certification|approved|registered"
    r"|listed|mark|认证|注册|证书))?"
    r"|(?P<w>白名单|医疗器械注册证|注册证|出口资质)",
)
_CERT_SPACE = re.compile(r"^(EN|GB|YY|ISO|ASTM)\s?(?=[\dF/T])")


def read_certifications(t: Text, found: dict[str, str]) -> None:
    seen: list[str] = []
    for match in t.finditer(_CERTS):
        raw = match.group("c") or match.group("w")
        code = _CERT_SPACE.sub(
            r"\1 ", re.sub(r"\s+", " ", raw.upper() if match.group("c") else raw)
        )
        code = re.sub(r"^(GB|YY)/T ?", r"\1/T ", code)
        if code not in seen:
            seen.append(code)
        t.take(match.start(), match.end())
    if seen:
        found["certification"] = ", ".join(seen)


_PRIORITY = re.compile(
    r"(?P<urgent>十万火急|非常紧急|特别紧急|特急|加急|紧急|很急|非常急|急急急|urgent(?:ly)?"
    r"|asap|a\.s\.a\.p\.?|emergency|immediately|critical|top priority|highest priority|‼️?|🆘)"
    r"|(?P<low>不急|不着急|不紧急|not urgent|low priority|no rush)"
    r"|(?P<high>急需|较急|比较急|high priority|important|急(?![诊救性])|优先)"
    r"|(?P<normal>一般|normal priority|routine)",
    re.I,
)


def read_priority(t: Text, kind: Kind, found: dict[str, str]) -> None:
    for match in t.finditer(_PRIORITY):
        word = match.lastgroup or "normal"
        if kind == "requests":
            rank = {"urgent": 0, "high": 1, "normal": 2, "low": 3}
            if word == "normal" and not re.search("优先|priority|级", match.group(0), re.I):
                continue
            if "priority" not in found or rank[word] < rank[found["priority"]]:
                found["priority"] = word
            t.take(match.start(), match.end())
        elif word != "normal":
            t.protect(match.start(), match.end())


# ----------------------------------------------------------------------------- quantities


@cache
def _unit_pattern() -> str:
    units = {u for u in KNOWN_UNITS | set(words.UNITS_EXTRA)}
    ordered = sorted(units, key=lambda u: (-len(u), u))
    parts = []
    for unit in ordered:
        escaped = re.escape(unit)
        parts.append(escaped + r"(?![A-Za-z])" if unit[0].isascii() else escaped)
    return "|".join(parts)


_CN_NUM_CHARS = "零〇一二两兩三四五六七八九十百千万萬亿億壹贰貳叁參肆伍陆陸柒捌玖拾佰仟"


@cache
def _quantity_pattern() -> re.Pattern[str]:
    number = (
        rf"(?:{_NUM})(?:\s?(?:万|萬|千|仟|百|亿|k|K|thousand|million|mn|lakhs?|crores?)(?![A-Za-z])"
        r"|M(?=\s?(?:pcs|pieces|units|masks|pairs)\b))?"
        rf"(?:[0-9{_CN_NUM_CHARS}]{{1,4}}(?![0-9]))?"
        rf"|[一二两兩三四五六七八九十壹贰貳叁參肆伍陆陸柒捌玖拾几][{_CN_NUM_CHARS}几]{{0,11}}"
        r"|若干|[数上成过逾近][十百千万]+|几[十百千万]+|成千上万"
    )
    return re.compile(
        rf"(?<![A-Za-z0-9.\-/#第$¥€£])(?P<approx>(?:约|大约|大概|approx\.?|about|around|~|≈)\s*)?"
        rf"(?P<n>{number})"
        rf"(?P<range>\s*(?:-|~|～|到|至|—|–|to)\s*(?:{number}))?"
        r"(?P<more>多|余|来|左右|以上|\+)?"
        rf"\s?(?P<u>{_unit_pattern()})?",
        re.I,
    )


_NOT_QUANTITY_AFTER = re.compile(
    r"[ \t]*(?:年|月|日|号|天|周|小时|时|点|分|秒|岁|%|元|块|美元|楼|层|栋|床位?|人|名|届|级|次|遍"
    r"|倍|度|℃|个月|个工作日|working|days?|weeks?|months?|years?|hours?|hrs?|am|pm|ply|%"
    r"|people|persons|students|staff|/)",
    re.I,
)
_SIZE_TIMES = re.compile(r"\s*[x×*]\s*\d")
_QUANTITY_LABEL = re.compile(
    r"(?:数量|需求量|需要|需|要|共|计|合计|求|缺|qty|quantity|amount|need|needs|x|×|\*|:|：)\s*$",
    re.I,
)
_MOQ = re.compile(
    rf"(?:moq|minimum order(?: quantity)?|min\.? order|起订量?|最低起订|最小起订|起订"
    rf"|daily capacity|capacity|日产能?|产能|月产|per day|每天)\s*(?:is|of|:|：)?\s*"
    rf"(?:{_NUM})(?:\s?万)?\s*(?:{_unit_pattern()})?",
    re.I,
)


@dataclass
class Quantity:
    start: int
    end: int
    text: str
    rank: int
    by_item: bool = False  # right next to an item word ("500 surgical masks")


def find_quantities(t: Text, item_words: list[tuple[int, int]]) -> list[Quantity]:
    for match in t.finditer(_MOQ):
        t.protect(match.start(), match.end())
    out: list[Quantity] = []
    for match in t.finditer(_quantity_pattern()):
        number = match.group("n")
        unit = match.group("u")
        end = match.end()
        if not unit:
            end = (
                match.end("more")
                if match.group("more")
                else match.end("range")
                if match.group("range")
                else match.end("n")
            )
        if t.norm[end : end + 1] in (")", "）") and not unit:
            continue  # "(1)", "2)": an enumeration
        if _SIZE_TIMES.match(t.norm, match.end()) or t.norm[end : end + 1] == "/":
            continue  # "500 ml x 20,000 bottles", "1000只/箱": a size, not a count
        if not unit and _NOT_QUANTITY_AFTER.match(t.norm, end):
            continue  # "12人", "2020年"; "500 ml x 20,000 bottles": a size, not a count
        cn = number[0] in _CN_NUM_CHARS + "几若数上成过逾近"
        multiplier = bool(re.search(r"[万萬千仟百亿億kKM]|thousand|million|lakh|crore", number))
        if number.endswith("千") and t.norm[end : end + 1] == "克":
            continue  # "五千克": 5 kg, read with its unit below
        rank = 0
        if unit:
            rank = 3
        elif multiplier or (cn and any(c in "十百千万亿拾佰仟几" for c in number)):
            rank = 2 if len(number) > 1 or not cn else 0
        elif match.group("range") or "若干" in number:
            rank = 2
        elif not cn:
            before = t.before(match.start(), 8)
            near_item = any(abs(s - end) <= 2 or abs(match.start() - e) <= 2 for s, e in item_words)
            if _QUANTITY_LABEL.search(before) or near_item:
                rank = 1
            if re.fullmatch(r"(?:19|20)\d\d", number):
                rank = 0
        if cn and len(number) == 1 and not unit:
            rank = 0
        if rank == 0:
            continue
        by_item = any(abs(s - end) <= 2 or abs(match.start() - e) <= 4 for s, e in item_words)
        out.append(Quantity(match.start(), end, t.written(match.start(), end), rank, by_item))
    return out


# ----------------------------------------------------------------------------- items


@cache
def _item_cn() -> re.Pattern[str]:
    items = "|".join(re.escape(w) for w in sorted(words.ITEMS_CN, key=len, reverse=True))
    return re.compile(rf"(?P<word>{items})(?P<spec>\s?\([A-Za-z0-9\s\-+/.]{{1,16}}\))?")


@cache
def _cn_modifier() -> re.Pattern[str]:
    """A modifier just before a Chinese item: "医用", "一次性", "N95", "84"."""
    mods = "|".join(re.escape(w) for w in sorted(words.ITEM_MODIFIERS_CN, key=len, reverse=True))
    return re.compile(rf"(?:(?i:{mods})|[A-Za-z]*\d[A-Za-z0-9%+\-]{{0,10}}|[A-Z]{{2,5}})\s?$")


def _expand_cn_left(t: Text, start: int) -> int:
    """Grow a Chinese item to the left over its modifiers ("医用N95口罩")."""
    pos = start
    while pos > 0:
        match = _cn_modifier().search(t.norm, max(0, pos - 14), pos)
        if not match or not t.free(match.start(), pos):
            return pos
        before = t.norm[match.start() - 1 : match.start()] if match.start() else ""
        token = match.group(0).strip()
        if token[:1].isascii() and before[:1].isascii() and before[:1].isalnum():
            return pos  # the end of a longer word, not a modifier
        pos = match.start()
    return pos


@cache
def _item_en() -> re.Pattern[str]:
    items = "|".join(re.escape(w) for w in sorted(words.ITEMS_EN, key=len, reverse=True))
    return re.compile(
        rf"\b(?P<word>{items})\b(?P<spec>\s?\((?:[A-Za-z0-9\s\-+/.]){{1,16}}\))?", re.I
    )


_EN_MOD_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-+%]*$")
_ORG_AFTER_ITEM = re.compile(r"(?:厂|工厂|公司|有限|集团|企业|商行|生产商|制造|供应商|协会)")


@dataclass
class Item:
    start: int
    end: int
    text: str


GRADE = re.compile(r"(?:k?n9[59]|ffp[123]|kf94|[a-z]*\d+[a-z]+\d*|\d+-ply|level|type)")


def _expand_en_left(t: Text, start: int) -> int:
    """Grow an English item to the left over its modifiers ("3-ply surgical masks",
    "FFP2 masks") and a brand's model number ("3M 8210 N95 respirators")."""
    pos = start
    while True:
        head = t.norm[:pos].rstrip(" ")
        if len(head) == pos or not head:
            return pos
        token = _EN_MOD_TOKEN.search(head)
        if not token or not t.free(token.start(), len(head)):
            return pos
        word = token.group(0).lower()
        if word in words.ITEM_MODIFIERS_EN or GRADE.fullmatch(word):
            pos = token.start()
            continue
        if word.isdigit():
            brand = re.search(
                r"(?<![\w])\d+[A-Za-z]+ $", t.norm[max(0, token.start() - 10) : token.start()]
            )
            if brand and t.free(token.start() - len(brand.group(0)), token.start()):
                pos = token.start() - len(brand.group(0))
                continue
        return pos


# A record naming more items than this is no chat message's: the rest stay in the notes.
MAX_ITEMS = 40


def find_items(t: Text) -> list[Item]:
    found: list[Item] = []
    claimed = bytearray(len(t.norm))
    for pattern in (_item_cn(), _item_en()):
        for match in t.finditer(pattern):
            if len(found) >= MAX_ITEMS:
                break
            if pattern is _item_cn() and _ORG_AFTER_ITEM.match(t.norm, match.end("word")):
                continue
            start, end = match.start(), match.end()
            if pattern is _item_en():
                start = _expand_en_left(t, start)
            else:
                start = _expand_cn_left(t, start)
            if any(claimed[start:end]):
                continue
            claimed[start:end] = b"\x01" * (end - start)
            found.append(Item(start, end, t.written(start, end)))
    found.sort(key=lambda i: i.start)
    return found


def read_contact_ways(t: Text, kind: Kind, found: dict[str, str], region: str | None) -> None:
    """URLs (kept in the notes), e-mail, WeChat and phone numbers."""
    for match in t.finditer(_URL):
        t.protect(match.start(), match.end())
    for match in t.finditer(_EMAIL):
        found.setdefault("email", match.group(0))
        t.take(match.start(), match.end())
    same_wechat = False
    for match in t.finditer(_SAME_WECHAT):
        same_wechat = True
        t.take(match.start(), match.end())
    for match in t.finditer(_WECHAT):
        ident = match.group("id")
        if re.match(r"同号|same", ident, re.I):
            same_wechat = True
        elif kind == "contacts":
            found.setdefault("wechat", t.norm[match.start("id") : match.end("id")].strip())
        else:
            t.protect(match.start(), match.end())
            continue
        t.take(match.start(), match.end())
    _phones(t, kind, found, region)
    if same_wechat and kind == "contacts" and "phone" in found:
        found.setdefault("wechat", found["phone"])
