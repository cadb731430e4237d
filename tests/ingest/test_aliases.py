"""Header aliases and HXL tags → canonical fields, per kind."""

from __future__ import annotations

import pytest

from dutyboard.ingest.aliases import (
    CANONICAL_FIELDS,
    EXTERNAL_ID,
    KIND_FIELDS,
    target_for_header,
    target_for_tag,
)
from dutyboard.ingest.records import Kind


@pytest.mark.parametrize(
    ("header", "kind", "field"),
    [
        ("单位", "requests", "org"),
        ("单位名称", "requests", "org"),
        ("申请单位", "requests", "org"),
        ("计量单位", "requests", "unit"),
        ("单位(件)", "requests", "unit"),
        ("单位（箱）", "requests", "unit"),
        ("物资名称", "requests", "item"),
        ("品名", "leads", "item"),
        ("数量", "requests", "quantity"),
        ("联系人", "requests", "requester"),
        ("联系人", "leads", "contact_name"),
        ("联系人", "contacts", "name"),
        ("联系电话", "requests", "phone"),
        ("手机", "contacts", "phone"),
        ("邮箱", "leads", "email"),
        ("紧急程度", "requests", "priority"),
        ("截止时间", "requests", "due_by"),
        ("备注", "contacts", "notes"),
        ("国家", "leads", "country"),
        ("时区", "contacts", "tz"),
        ("厂家", "leads", "supplier"),
        ("单价", "leads", "unit_price"),
        ("币种", "leads", "currency"),
        ("资质", "leads", "certification"),
        ("交货期", "leads", "lead_time_days"),
        ("微信", "contacts", "wechat"),
        ("姓名", "contacts", "name"),
        ("机构", "contacts", "org"),
        ("职务", "contacts", "role"),
        ("Organisation", "requests", "org"),
        ("Unit Name", "requests", "org"),
        ("Qty", "requests", "quantity"),
        ("UoM", "requests", "unit"),
        ("Contact Person", "requests", "requester"),
        ("E-mail", "contacts", "email"),
        ("ＥＭＡＩＬ", "contacts", "email"),
        ("Due by:", "requests", "due_by"),
        ("Remarks", "requests", "notes"),
        ("Vendor", "leads", "supplier"),
        ("Unit Price", "leads", "unit_price"),
        ("Lead time", "leads", "lead_time_days"),
        ("Time Zone", "contacts", "tz"),
        ("Full Name", "contacts", "name"),
        ("Position", "contacts", "role"),
        ("WhatsApp", "contacts", "whatsapp"),
        ("Languages", "contacts", "languages"),
        ("Reference", "requests", EXTERNAL_ID),
        # A contact's role, however the sheet names it.
        ("角色", "contacts", "role"),
        ("Role", "contacts", "role"),
        ("Title", "contacts", "role"),
        ("Designation", "contacts", "role"),
        ("职位", "contacts", "role"),
        # A lead's next action: the time, and what to do.
        ("Next action", "leads", "next_action_at"),
        ("跟进时间", "leads", "next_action_at"),
        ("Next step", "leads", "next_action"),
        ("To-do", "leads", "next_action"),
        ("TODO", "leads", "next_action"),
        ("下一步", "leads", "next_action"),
        ("待办事项", "leads", "next_action"),
        ("group_a/phone", "requests", "phone"),
    ],
)
def test_header_aliases(header: str, kind: Kind, field: str) -> None:
    target = target_for_header(header, kind)
    assert target is not None, header
    assert target.field == field


def test_bracketed_hints_give_units_and_currency() -> None:
    quantity = target_for_header("数量(箱)", "requests")
    assert quantity is not None and (quantity.field, quantity.hint) == ("quantity", "箱")
    price = target_for_header("单价（元）", "leads")
    assert price is not None and (price.field, price.hint) == ("unit_price", "元")


@pytest.mark.parametrize(
    ("header", "kind"),
    [("时区", "requests"), ("Sector/Cluster", "requests"), ("", "contacts"), ("国家", "requests")],
)
def test_headers_without_a_field_for_the_kind(header: str, kind: Kind) -> None:
    assert target_for_header(header, kind) is None


@pytest.mark.parametrize(
    ("tag", "kind", "field"),
    [
        ("#org", "requests", "org"),
        ("#org+es", "leads", "supplier"),
        ("#org", "contacts", "org"),
        ("#item", "requests", "item"),
        ("#item+name", "leads", "item"),
        ("#meta+id", "requests", EXTERNAL_ID),
        ("#country", "leads", "country"),
        ("#country+code", "contacts", "country"),
        ("#adm1", "contacts", "city"),
        ("#contact+name", "requests", "requester"),
        ("#contact+name", "leads", "contact_name"),
        ("#contact+name", "contacts", "name"),
        ("#contact+phone+mobile", "contacts", "phone"),
        ("#contact+email", "leads", "email"),
        ("#value", "requests", "quantity"),
        ("#value+price", "leads", "unit_price"),
        ("#date+reported", "requests", "received_at"),
        ("#description", "requests", "notes"),
        ("#Org +ES", "requests", "org"),
    ],
)
def test_hxl_tags(tag: str, kind: Kind, field: str) -> None:
    target = target_for_tag(tag, kind)
    assert target is not None
    assert target.field == field


def test_kind_tables_only_name_canonical_fields() -> None:
    for kind, table in KIND_FIELDS.items():
        for field, _rank in table.values():
            assert field in CANONICAL_FIELDS[kind] or field == EXTERNAL_ID
