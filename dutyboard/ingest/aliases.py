"""Which source column means which canonical field, per kind.

Three ways a column finds its field, strongest first:

1. the caller's ``mapping`` (source name, header text or HXL tag → canonical name);
2. a source system's own identity and submission-time columns (KoBo ``_uuid`` and
   ``_submission_time``, ODK ``__id`` / ``KEY`` / ``meta-instanceID`` and
   ``__system/submissionDate`` / ``SubmissionDate``);
3. an HXL hashtag (``HXL_TAGS``) or a header alias (``ALIASES``).

Aliases name a *concept* ("person", "org" …); ``KIND_FIELDS`` says which canonical field a
concept fills for each kind, and at which rank: rank 1 is the plain meaning, rank 2 a
fallback used only when no rank-1 column has a value ("company" is the supplier of a lead
but, failing an "organisation" column, the org of a contact). Headers are compared
case-, width-, space- and punctuation-insensitively ("E-mail", "ＥＭＡＩＬ", "e mail").

"单位" alone is the requesting unit (org); "计量单位", "数量单位" and "单位(件)" — 单位
followed by a measure word in brackets — are the unit of measure. A bracketed hint after
other headers is kept: "数量(箱)" gives unit 箱 when a row has none, "单价(USD)" or
"price (元)" give the currency.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from dutyboard.ingest.records import KINDS, Kind

CANONICAL_FIELDS: dict[Kind, tuple[str, ...]] = {
    "requests": (
        "org",
        "requester",
        "phone",
        "email",
        "item",
        "quantity",
        "unit",
        "priority",
        "due_by",
        "received_at",
        "notes",
    ),
    "leads": (
        "supplier",
        "country",
        "contact_name",
        "phone",
        "email",
        "item",
        "quantity",
        "unit",
        "unit_price",
        "currency",
        "certification",
        "lead_time_days",
        # The text before the time: a "next action" cell that is not a time is the text
        # when no column of its own gives one (normalise.py).
        "next_action",
        "next_action_at",
        "notes",
    ),
    "contacts": (
        "name",
        "org",
        "role",
        "country",
        "city",
        "tz",
        "subdivision",
        "phone",
        "email",
        "wechat",
        "whatsapp",
        "languages",
        "tags",
        "work_hours",
        "notes",
        "kind",
    ),
}
REQUIRED_FIELDS: dict[Kind, tuple[str, ...]] = {
    "requests": ("org", "item"),
    "leads": ("supplier", "item"),
    "contacts": ("name",),
}
EXTERNAL_ID = "external_id"  # a mapping target besides the canonical fields

# How each canonical field's value is read (see normalise.py).
FIELD_TYPES: dict[str, str] = {
    "quantity": "quantity",
    "unit_price": "price",
    "currency": "currency",
    "priority": "priority",
    "due_by": "datetime",
    "received_at": "datetime",
    "next_action_at": "datetime",
    "country": "country",
    "tz": "tz",
    "lead_time_days": "days",
    "work_hours": "hours",
    "kind": "kind",
    "email": "email",
}

# fmt: off
ALIASES: dict[str, tuple[str, ...]] = {
    "org": ("org", "organisation", "organization", "org name", "organisation name",
        "organization name", "unit name", "requesting unit", "department", "dept", "agency",
        "institution", "office", "单位", "单位名称", "申请单位", "需求单位", "用物单位",
        "报送单位", "填报单位", "所属单位", "工作单位", "机构", "机构名称", "组织", "组织名称",
        "部门"),
    "supplier": ("supplier", "supplier name", "vendor", "company", "company name",
        "manufacturer", "factory", "seller", "供应商", "供货商", "供应商名称", "厂家", "厂商",
        "生产厂家", "生产企业", "企业", "企业名称", "公司", "公司名称"),
    "person": ("contact", "contact person", "contact name", "requester", "requested by",
        "applicant", "联系人", "联络人", "对接人", "申请人", "需求人", "经办人"),
    "name": ("name", "full name", "person", "姓名", "名字", "人员"),
    "item": ("item", "items", "item name", "goods", "product", "product name", "material",
        "supplies", "supply", "commodity", "物资", "物品", "物资名称", "物品名称", "品名",
        "产品", "产品名称", "商品", "商品名称", "需求物资", "物资品类", "品类", "货品"),
    "quantity": ("qty", "quantity", "amount", "count", "number of items", "quantity needed",
        "quantity requested", "quantity available", "数量", "需求数量", "申请数量", "需要数量",
        "数目", "件数", "供货数量", "可供数量", "可供应数量"),
    "unit": ("uom", "unit", "units", "unit of measure", "measure", "计量单位", "数量单位",
        "单位件", "规格单位"),
    "phone": ("phone", "phone number", "tel", "telephone", "mobile", "mobile phone", "cell",
        "cellphone", "电话", "联系电话", "手机", "手机号", "手机号码", "电话号码", "座机"),
    "contact_method": ("联系方式", "contact info", "contact details"),
    "email": ("email", "e-mail", "mail", "email address", "邮箱", "电子邮箱", "电子邮件",
        "邮件"),
    "priority": ("priority", "urgency", "优先级", "紧急程度", "缓急", "紧急度", "缓急程度"),
    "due": ("due", "due by", "due date", "deadline", "needed by", "required by", "need by",
        "截止时间", "需求时间", "截止日期", "需要时间", "要求到货时间", "需求日期", "最晚时间"),
    "received": ("received", "received at", "submitted", "submitted at", "submission time",
        "submission date", "timestamp", "提交时间", "填报时间", "上报时间", "申请时间",
        "时间戳", "接收时间", "报送时间"),
    "notes": ("notes", "note", "remarks", "remark", "comment", "comments", "备注", "说明",
        "附注", "备注说明"),
    "description": ("description", "details", "描述", "详情"),
    "country": ("country", "nation", "country code", "country name", "国家", "国别",
        "国家地区", "国家或地区", "所在国家"),
    "city": ("city", "town", "城市", "所在城市", "市"),
    "subdivision": ("state", "province", "region", "subdivision", "省", "省份", "州", "地区"),
    "tz": ("timezone", "time zone", "tz", "zone", "时区"),
    "price": ("price", "unit price", "cost", "price per unit", "价格", "单价", "报价", "价钱"),
    "currency": ("currency", "ccy", "币种", "货币", "币别"),
    "certification": ("certification", "certifications", "certificate", "certificates",
        "certs", "cert", "认证", "资质", "证书", "认证资质", "资质证书"),
    "lead_time": ("lead time", "leadtime", "lead time days", "delivery time", "货期", "交货期",
        "交期", "供货周期", "发货时间"),
    "next_action": ("next action", "next action at", "follow up", "follow up at",
        "next contact", "下次联系", "跟进时间", "下次跟进", "下次联系时间"),
    "next_step": ("next step", "next steps", "todo", "to do", "action item", "follow up note",
        "下一步", "下一步工作", "下步工作", "待办", "待办事项", "跟进事项", "跟进内容"),
    "wechat": ("wechat", "wechat id", "weixin", "微信", "微信号"),
    "whatsapp": ("whatsapp", "whatsapp number"),
    "languages": ("languages", "language", "lang", "语言", "语种"),
    "tags": ("tags", "tag", "labels", "标签"),
    "work_hours": ("work hours", "working hours", "office hours", "hours", "工作时间",
        "办公时间"),
    "role": ("role", "title", "position", "job title", "designation", "职务", "职位", "岗位",
        "头衔", "角色", "职称"),
    "kind": ("kind", "contact type", "类型", "类别"),
    "id": ("id", "external id", "reference", "ref", "record id", "编号", "单号", "记录编号"),
}
# fmt: on

# concept → (canonical field, rank) for each kind; a concept missing here stays in extra.
_COMMON: dict[str, tuple[str, int]] = {
    "phone": ("phone", 1),
    "contact_method": ("phone", 2),
    "email": ("email", 1),
    "notes": ("notes", 1),
    "description": ("notes", 2),
    "id": (EXTERNAL_ID, 3),
}
KIND_FIELDS: dict[Kind, dict[str, tuple[str, int]]] = {
    "requests": {
        **_COMMON,
        "org": ("org", 1),
        "supplier": ("org", 2),
        "person": ("requester", 1),
        "name": ("requester", 2),
        "item": ("item", 1),
        "quantity": ("quantity", 1),
        "unit": ("unit", 1),
        "priority": ("priority", 1),
        "due": ("due_by", 1),
        "received": ("received_at", 1),
    },
    "leads": {
        **_COMMON,
        "supplier": ("supplier", 1),
        "org": ("supplier", 2),
        "person": ("contact_name", 1),
        "name": ("contact_name", 2),
        "country": ("country", 1),
        "item": ("item", 1),
        "quantity": ("quantity", 1),
        "unit": ("unit", 1),
        "price": ("unit_price", 1),
        "currency": ("currency", 1),
        "certification": ("certification", 1),
        "lead_time": ("lead_time_days", 1),
        "next_action": ("next_action_at", 1),
        "next_step": ("next_action", 1),
    },
    "contacts": {
        **_COMMON,
        "name": ("name", 1),
        "person": ("name", 2),
        "org": ("org", 1),
        "supplier": ("org", 2),
        "role": ("role", 1),
        "country": ("country", 1),
        "city": ("city", 1),
        "subdivision": ("subdivision", 1),
        "tz": ("tz", 1),
        "wechat": ("wechat", 1),
        "whatsapp": ("whatsapp", 1),
        "languages": ("languages", 1),
        "tags": ("tags", 1),
        "work_hours": ("work_hours", 1),
        "kind": ("kind", 1),
    },
}

# HXL hashtags (https://hxlstandard.org/standard/dictionary/): tag+attributes → concept.
# A column matches the most specific entry whose attributes it all carries, so
# "#contact+phone+mobile" is a phone and "#org+name+es" an org.
HXL_TAGS: dict[str, str] = {
    "#org": "org",
    "#org+supplier": "supplier",
    "#org+vendor": "supplier",
    "#org+provider": "supplier",
    "#org+impl": "supplier",
    "#item": "item",
    "#item+name": "item",
    "#item+type": "item",
    "#item+num": "quantity",
    "#item+quantity": "quantity",
    "#item+unit": "unit",
    "#quantity": "quantity",
    "#value": "quantity",
    "#value+price": "price",
    "#value+unit": "price",
    "#price": "price",
    "#currency": "currency",
    "#value+currency": "currency",
    "#meta+id": "id",
    "#meta+ref": "id",
    "#meta+notes": "notes",
    "#meta+tz": "tz",
    "#country": "country",
    "#country+name": "country",
    "#country+code": "country",
    "#adm1": "city",
    "#loc+city": "city",
    "#contact": "person",
    "#contact+name": "person",
    "#contact+phone": "phone",
    "#contact+email": "email",
    "#contact+wechat": "wechat",
    "#contact+whatsapp": "whatsapp",
    "#contact+role": "role",
    "#contact+title": "role",
    "#date+due": "due",
    "#date+deadline": "due",
    "#date+reported": "received",
    "#date+submitted": "received",
    "#date+received": "received",
    "#date+next": "next_action",
    "#priority": "priority",
    "#severity": "priority",
    "#description": "notes",
    "#notes": "notes",
    "#cert": "certification",
    "#indicator+certification": "certification",
    "#lead_time": "lead_time",
    "#tz": "tz",
}

# Identity and submission time as KoBo and ODK Central write them, by exact name.
SOURCE_IDENTITY: dict[str, int] = {
    "_uuid": 1,  # KoBo API and CSV export
    "__id": 1,  # ODK Central OData
    "KEY": 1,  # ODK Central CSV export
    "meta-instanceID": 2,  # ODK Central CSV export (same value as KEY)
    "meta/instanceID": 2,  # KoBo API (same value as _uuid, with "uuid:")
    "instanceID": 2,
}
# Submission times written by the server: naive ones are UTC, not the desk's zone.
SOURCE_SUBMISSION_TIME: dict[str, int] = {
    "_submission_time": 1,  # KoBo (naive UTC)
    "__system/submissionDate": 1,  # ODK Central OData (…Z)
    "SubmissionDate": 1,  # ODK Central CSV export (…Z)
}


@dataclass(frozen=True)
class Target:
    """Where a column's value goes: a canonical field (or external_id) and how strongly."""

    field: str
    rank: int  # 0 mapping, 1 plain meaning, 2 fallback, 3 weak
    hint: str | None = None  # a bracketed unit/currency from the header: "数量(箱)"
    utc_naive: bool = False  # a naive time here is UTC (server submission times)


def header_key(text: str) -> str:
    """'E-mail:' → 'email'; '联系 电话' → '联系电话'; 'ＱＴＹ' → 'qty'."""
    normal = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in normal if ch.isalnum())


_ALIAS_INDEX: dict[str, str] = {
    header_key(spelling): concept
    for concept, spellings in ALIASES.items()
    for spelling in spellings
}
_BRACKETED = re.compile(r"^(?P<base>.*?)\s*[(\[【〔](?P<hint>[^()\[\]【】〔〕]{1,12})[)\]】〕]\s*$")
MEASURE_WORDS = frozenset("个只件箱盒包双副套瓶袋台把顶片支桶卷张吨条份")


def concept_for_header(text: str) -> tuple[str, str | None] | None:
    """The concept a header names, with a bracketed hint if any: '数量(箱)' → ('quantity', '箱')."""
    normal = unicodedata.normalize("NFKC", text).strip().rstrip(":：*").strip()
    if not normal or len(normal) > 80:
        return None
    concept = _ALIAS_INDEX.get(header_key(normal))
    if concept:
        return concept, None
    bracketed = _BRACKETED.match(normal)
    if bracketed:
        base, hint = header_key(bracketed.group("base")), bracketed.group("hint").strip()
        if base == "单位" and (hint in MEASURE_WORDS or "计量" in hint or hint == "件/个"):
            return "unit", None
        concept = _ALIAS_INDEX.get(base)
        if concept:
            return concept, hint
    if "/" in normal:  # "group/field" paths from KoBo/ODK: try the last segment
        concept = _ALIAS_INDEX.get(header_key(normal.rsplit("/", 1)[1]))
        if concept:
            return concept, None
    return None


def target_for_header(text: str, kind: Kind) -> Target | None:
    found = concept_for_header(text)
    if found is None:
        return None
    concept, hint = found
    placed = KIND_FIELDS[kind].get(concept)
    if placed is None:
        return None
    return Target(placed[0], placed[1], hint)


_HXL_TAG = re.compile(r"^#[a-z][a-z0-9_]*(?:\s*\+\s*[a-z][a-z0-9_]*)*$", re.I)
_HXL_BARE = re.compile(r"^[a-z][a-z0-9_]*(?:\+[a-z][a-z0-9_]*)*$", re.I)
_HXL_INDEX: dict[tuple[str, frozenset[str]], str] = {}
for _spec, _concept in HXL_TAGS.items():
    _base, *_attrs = _spec.split("+")
    _HXL_INDEX[(_base, frozenset(_attrs))] = _concept


def is_hxl_tag(text: str) -> bool:
    return bool(_HXL_TAG.match(text.strip()))


def known_bare_tag(text: str) -> bool:
    """'country' or 'adm1' written without '#' in a tag row (libhxl's fuzzy sample)."""
    stripped = text.strip()
    if not _HXL_BARE.match(stripped):
        return False
    base = "#" + stripped.split("+")[0].lower()
    return any(key[0] == base for key in _HXL_INDEX)


def normalise_tag(text: str) -> str:
    """'#Org +ES' → '#org+es'."""
    return re.sub(r"\s+", "", text.strip()).lower()


def concept_for_tag(tag: str) -> str | None:
    """The concept of the most specific ``HXL_TAGS`` entry a tag carries: '#org+supplier+es'
    → 'supplier'."""
    base, *attrs = normalise_tag(tag).split("+")
    have = frozenset(attrs)
    best: tuple[int, str] | None = None
    for (spec_base, spec_attrs), concept in _HXL_INDEX.items():
        fits = spec_base == base and spec_attrs <= have
        if fits and (best is None or len(spec_attrs) > best[0]):
            best = (len(spec_attrs), concept)
    return best[1] if best is not None else None


def target_for_tag(tag: str, kind: Kind) -> Target | None:
    concept = concept_for_tag(tag)
    if concept is None:
        return None
    placed = KIND_FIELDS[kind].get(concept)
    if placed is None:
        return None
    return Target(placed[0], placed[1])


def target_for_source_column(name: str) -> Target | None:
    """KoBo/ODK identity and submission-time columns, by their exact names."""
    if name in SOURCE_IDENTITY:
        return Target(EXTERNAL_ID, SOURCE_IDENTITY[name])
    if name in SOURCE_SUBMISSION_TIME:
        return Target("received_at", SOURCE_SUBMISSION_TIME[name], utc_naive=True)
    return None


def system_column(name: str) -> bool:
    """KoBo/ODK bookkeeping ('_notes', '_tags', '__system/…'): never matched by alias."""
    return name.startswith("_")


# ----------------------------------------------------------------- which kind a file is

# A file asked for as one kind whose columns plainly belong to another is refused
# (``parse_bytes``; ``force_kind`` imports it anyway). The evidence is the concepts of its
# recognised columns, each concept counted once, scored kind against kind (``kind_fit``):
#
# * a concept the other kind reads and the asked kind does not: 2 points, or 1 for the
#   ``WEAK_EVIDENCE`` ones, headers a sheet of any kind may carry (a timestamp, a city);
# * a concept both read, the other kind at its plain meaning and the asked kind only as a
#   fallback (单位 is a request's org, a lead's supplier only failing a supplier column):
#   1 point;
# * the asked kind lacks a required field that no column gives: 2 points.
#
# The other kind must have every one of its own required fields, score at least
# ``FIT_MIN_SCORE`` and at least ``FIT_MARGIN`` more than the asked kind scores against
# it, and beat the third kind. It takes two distinctive columns net of the asked kind's
# own (优先级 + 截止时间; 单价 + 认证; 时区 + 工作时间), or one with a missing required
# field; "item, quantity" (both requests and leads read them) is never enough.
FIT_MIN_SCORE = 4
FIT_MARGIN = 4
MISSING_REQUIRED_POINTS = 2
WEAK_EVIDENCE = frozenset(
    {
        "received",
        "country",
        "city",
        "subdivision",
        "role",
        "tags",
        "kind",
        "next_step",
        "wechat",
        "whatsapp",
        "currency",
        "unit",
    }
)


@dataclass(frozen=True)
class KindFit:
    """The kind a file's columns fit better than the one asked, and the columns that say so."""

    kind: Kind
    columns: tuple[str, ...]  # in file order, one per concept
    score: int  # its points against the asked kind
    against: int  # the asked kind's points against it


def _points(kind: Kind, other: Kind, concepts: dict[str, str]) -> tuple[int, list[str]]:
    """What says ``kind`` rather than ``other``: points and the columns that gave them."""
    points = 0
    columns: list[str] = []
    for concept, column in concepts.items():
        mine = KIND_FIELDS[kind].get(concept)
        theirs = KIND_FIELDS[other].get(concept)
        if mine is None:
            continue
        if theirs is None:
            points += 1 if concept in WEAK_EVIDENCE else 2
        elif mine[1] < theirs[1]:
            points += 1
        else:
            continue
        columns.append(column)
    return points, columns


def _lacks_required(kind: Kind, concepts: dict[str, str], mapped: frozenset[str]) -> bool:
    present = {KIND_FIELDS[kind][c][0] for c in concepts if c in KIND_FIELDS[kind]} | mapped
    return any(name not in present for name in REQUIRED_FIELDS[kind])


def kind_fit(
    columns: list[tuple[str, str]], asked: Kind, mapped: frozenset[str] = frozenset()
) -> KindFit | None:
    """The kind other than ``asked`` that ``columns`` clearly belong to, else None.

    ``columns`` are (column name, concept) of the recognised columns, in file order;
    ``mapped`` the fields of ``asked`` that a caller's mapping fills (they count for it).
    Scores and thresholds: see the comment above ``FIT_MIN_SCORE``.
    """
    concepts: dict[str, str] = {}
    for column, concept in columns:
        concepts.setdefault(concept, column)
    lacks = _lacks_required(asked, concepts, mapped)
    fits: list[KindFit] = []
    for other in KINDS:
        if other == asked or _lacks_required(other, concepts, frozenset()):
            continue
        score, said = _points(other, asked, concepts)
        against, _ = _points(asked, other, concepts)
        if lacks:
            score += MISSING_REQUIRED_POINTS
        if score >= FIT_MIN_SCORE and score - against >= FIT_MARGIN:
            fits.append(KindFit(other, tuple(said), score, against))
    fits.sort(key=lambda fit: fit.score - fit.against, reverse=True)
    if not fits or (
        len(fits) > 1 and fits[0].score - fits[0].against == fits[1].score - fits[1].against
    ):
        return None
    return fits[0]
