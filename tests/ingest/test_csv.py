"""CSV/TSV: encodings, delimiters, quoting, HXL, row numbers, problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from dutyboard.ingest.parse import parse_bytes, parse_file

CHINESE_REQUESTS = (
    "单位名称,物资名称,数量,计量单位,联系人,联系电话,紧急程度,截止时间,备注\n"
    '市第一人民医院,N95口罩,"1,200",只,张三,13800000000,特急,2020年2月3日 14时30分,夜间送达\n'
    "市疾控中心,医用手套,5万,双,李四,0571-88888888,一般,2020/2/4 9:00,\n"
)


def test_gb18030_csv_with_chinese_headers(tmp_path: Path) -> None:
    path = tmp_path / "需求.csv"
    path.write_bytes(CHINESE_REQUESTS.encode("gb18030"))
    result = parse_file(path, "requests", default_zone="Asia/Shanghai")
    assert result.format == "csv"
    assert not result.problems and not result.warnings
    first, second = result.rows
    assert first.row_number == 2 and second.row_number == 3
    assert first.fields == {
        "org": "市第一人民医院",
        "requester": "张三",
        "phone": "13800000000",
        "item": "N95口罩",
        "quantity": 1200,
        "unit": "只",
        "priority": "urgent",
        "due_by": "2020-02-03T06:30:00+00:00",
        "notes": "夜间送达",
    }
    assert second.fields["quantity"] == 50000
    assert second.fields["unit"] == "双"
    assert second.fields["due_by"] == "2020-02-04T01:00:00+00:00"
    assert "notes" not in second.fields  # empty strings become absent
    assert first.raw.startswith("市第一人民医院,N95口罩,")
    assert first.external_id is None


def test_short_gbk_file_is_not_mistaken_for_korean() -> None:
    data = "单位,物资\n卫健委,口罩\n".encode("gbk")
    (row,) = parse_bytes(data, "x.csv", "requests").rows
    assert row.fields == {"org": "卫健委", "item": "口罩"}


def test_utf8_bom_and_crlf() -> None:
    data = "\ufefforg,item,qty\r\nRed Cross,gloves,500 pairs\r\n".encode()
    result = parse_bytes(data, "bom.csv", "requests")
    (row,) = result.rows
    assert row.fields == {"org": "Red Cross", "item": "gloves", "quantity": 500, "unit": "pairs"}
    assert row.raw == "Red Cross,gloves,500 pairs"


def test_tsv_semicolon_and_pipe_are_sniffed() -> None:
    for delimiter, fmt in (("\t", "tsv"), (";", "csv"), ("|", "csv")):
        text = delimiter.join(["org", "item", "notes"]) + "\n"
        text += delimiter.join(["A, Inc.", "masks", "a, b"]) + "\n"
        result = parse_bytes(text.encode(), "x.txt", "requests")
        assert result.format == fmt
        (row,) = result.rows
        assert row.fields == {"org": "A, Inc.", "item": "masks", "notes": "a, b"}


def test_multiline_quoted_cells_keep_line_numbers_and_raw() -> None:
    text = 'org,item,notes\nA,masks,"line one\nline two"\nB,gloves,x\n'
    result = parse_bytes(text.encode(), "m.csv", "requests")
    first, second = result.rows
    assert first.fields["notes"] == "line one\nline two"
    assert first.row_number == 2
    assert first.raw == 'A,masks,"line one\nline two"'
    assert second.row_number == 4


def test_every_cell_quoted_and_blank_rows_skipped() -> None:
    text = '"org","item","quantity"\n\n"A","masks","10"\n"","",""\n\n"B","gloves","20"\n'
    result = parse_bytes(text.encode(), "q.csv", "requests")
    assert [row.row_number for row in result.rows] == [3, 6]
    assert [row.fields["quantity"] for row in result.rows] == [10, 20]
    assert not result.problems


def test_row_with_more_cells_than_headers_is_a_problem() -> None:
    text = "org,item\nA,masks\nB,gloves,surprise\nC,goggles,\n"
    result = parse_bytes(text.encode(), "x.csv", "requests")
    assert [row.fields["org"] for row in result.rows] == ["A", "C"]
    (problem,) = result.problems
    assert problem.row_number == 3
    assert "3 cells but the header has only 2 columns" in problem.reason
    assert problem.raw == "B,gloves,surprise"


def test_unmapped_columns_go_to_extra_and_duplicates_are_kept() -> None:
    text = "org,item,phone,phone,Shelf\nA,masks,111,222,B-3\n"
    (row,) = parse_bytes(text.encode(), "x.csv", "requests").rows
    assert row.fields["phone"] == "111"
    assert row.extra == {"phone (2)": "222", "Shelf": "B-3"}


def test_missing_required_and_bad_values_are_problems_not_crashes() -> None:
    text = (
        "org,item,quantity,due by,priority\n"
        ",masks,10,,\n"
        "A,masks,12x,,\n"
        "A,masks,-3,,\n"
        "A,masks,1e13,,\n"
        "A,masks,10,ASAP,whenever\n"
    )
    result = parse_bytes(text.encode(), "x.csv", "requests")
    reasons = {problem.row_number: problem.reason for problem in result.problems}
    assert reasons == {
        2: "missing required field org: empty in this record",
        3: "quantity '12x' is not a number",
        4: "quantity '-3' is negative",
        5: "quantity '1e13' is too large (over 1,000,000,000,000)",
    }
    # Soft fields that cannot be read stay as text in extra, with a warning each.
    (row,) = result.rows
    assert row.row_number == 6
    assert row.extra == {"due by": "ASAP", "priority": "whenever"}
    assert any("due_by 'ASAP'" in warning for warning in result.warnings)


def test_no_recognised_columns_says_so() -> None:
    result = parse_bytes(b"foo,bar\n1,2\n", "x.csv", "requests")
    (problem,) = result.problems
    assert "org and item" in problem.reason and "no column is recognised" in problem.reason


def test_title_line_above_the_header_is_skipped() -> None:
    text = "XX市物资需求汇总表,,\n单位,物资,数量\n卫健委,口罩,100\n"
    result = parse_bytes(text.encode(), "x.csv", "requests")
    (row,) = result.rows
    assert row.fields == {"org": "卫健委", "item": "口罩", "quantity": 100}
    assert row.row_number == 3
    assert any("skipped 1 title line" in warning for warning in result.warnings)


def test_mapping_overrides_aliases() -> None:
    text = "单位,Goods wanted,数量,Agency\n卫健委,口罩,100,Red Cross\n"
    result = parse_bytes(
        text.encode(), "x.csv", "requests", mapping={"Goods wanted": "item", "Agency": "org"}
    )
    (row,) = result.rows
    assert row.fields == {"org": "Red Cross", "item": "口罩", "quantity": 100}
    assert row.extra == {"单位": "卫健委"}  # the alias lost to the mapping, and is kept


def test_mapping_to_an_unknown_field_warns_and_keeps_the_column() -> None:
    text = "org,item,Zone\nA,masks,x\n"
    result = parse_bytes(text.encode(), "x.csv", "requests", mapping={"Zone": "tz", "nope": "org"})
    (row,) = result.rows
    assert row.extra == {"Zone": "x"}
    assert any("not a field of requests" in warning for warning in result.warnings)
    assert any("'nope' matched no column" in warning for warning in result.warnings)


def test_leads_prices_currency_and_country() -> None:
    text = (
        "供应商,国家,品名,数量,单价,认证,货期,联系人,邮箱\n"
        'Colombo Medical,斯里兰卡,KN95,10万,$1.20,"CE, FDA",7-10天,Nimal,mailto:n@c.lk\n'
        "Lahore Gloves,Pakistan,nitrile gloves,2万 pairs,0.8 USD/pair,EN 455,现货,,\n"
        "Thimphu Co,Atlantis,goggles,100,¥25,,2周,,\n"
    )
    result = parse_bytes(text.encode(), "leads.csv", "leads")
    assert not result.problems
    first, second, third = result.rows
    assert first.fields == {
        "supplier": "Colombo Medical",
        "country": "LK",
        "contact_name": "Nimal",
        "email": "n@c.lk",
        "item": "KN95",
        "quantity": 100000,
        "unit_price": 1.2,
        "currency": "USD",
        "certification": "CE, FDA",
        "lead_time_days": 10,
    }
    assert second.fields["unit"] == "pairs" and second.fields["lead_time_days"] == 0
    assert second.extra == {"单价": "0.8 USD/pair"}  # the per-unit part is not lost
    assert third.fields["country"] == "Atlantis"
    assert third.fields["currency"] == "CNY"
    assert any("'Atlantis' is not a country I recognise" in w for w in result.warnings)


def test_contacts_tz_and_hours() -> None:
    text = (
        "姓名,机构,国家,城市,时区,工作时间,微信,WhatsApp\n"
        "Ali,Lahore Office,巴基斯坦,Lahore,Asia/Karachi,9-17,ali_wx,+92 300 0000000\n"
        "Bob,NY Office,US,New York,-05:00,09:00-18:00,,\n"
        "Eve,X,US,Boston,Mars/Base,all day,,\n"
    )
    result = parse_bytes(text.encode(), "c.csv", "contacts")
    ali, bob, eve = result.rows
    assert ali.fields["tz"] == "Asia/Karachi" and ali.fields["work_hours"] == "09:00-17:00"
    assert ali.fields["wechat"] == "ali_wx" and ali.fields["country"] == "PK"
    # "-05:00" beside a New York address: the city's zone, which knows daylight saving.
    assert bob.fields["tz"] == "America/New_York" and bob.extra["时区"] == "-05:00"
    # An unknown zone is kept as written; the city still gives the clock, marked inferred.
    assert eve.fields["tz"] == "America/New_York"
    assert eve.extra == {
        "时区": "Mars/Base",
        "工作时间": "all day",
        "tz inferred from": "city: Boston",
    }


def test_a_few_broken_bytes_in_utf8_are_replaced_with_a_warning() -> None:
    data = "单位,物资\n卫健委,口罩\n市一院,手套\n".encode() + b"\xffbad,x\n"
    result = parse_bytes(data, "bad.csv", "requests")
    assert [row.fields["item"] for row in result.rows] == ["口罩", "手套", "x"]
    assert result.rows[2].fields["org"] == "\ufffdbad"
    assert any("not valid UTF-8" in warning for warning in result.warnings)


def test_undecodable_bytes_do_not_crash() -> None:
    data = b"org,item\nA\xff\xfe\xfa,masks\xc3\n\x81\x8d,\x9d\n"
    result = parse_bytes(data, "bad.csv", "requests")
    assert result.rows and str(result.rows[0].fields["item"]).startswith("masks")


def test_header_hints_fill_unit_and_currency() -> None:
    text = "供应商,品名,数量(箱),单价(USD)\nA,masks,20,1.5\nB,gloves,30 boxes,¥2\n"
    first, second = parse_bytes(text.encode(), "x.csv", "leads").rows
    assert (first.fields["unit"], first.fields["currency"]) == ("箱", "USD")
    assert (second.fields["unit"], second.fields["currency"]) == ("boxes", "CNY")


def test_naive_times_use_default_zone() -> None:
    text = "org,item,deadline\nA,masks,2020-02-03 08:00\n"
    (row,) = parse_bytes(text.encode(), "x.csv", "requests", default_zone="Asia/Colombo").rows
    assert row.fields["due_by"] == "2020-02-03T02:30:00+00:00"


def test_unknown_default_zone_is_an_argument_error() -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        parse_bytes(b"org,item\n", "x.csv", "requests", default_zone="Nowhere/Land")


# ----------------------------------------------------------------- interop: HXL


def test_hxl_latin1_is_decoded_without_mojibake(interop: Path) -> None:
    result = parse_file(
        interop / "hxl" / "input-valid-latin1.csv", "leads", mapping={"#sector+es": "item"}
    )
    assert result.format == "hxl"
    assert not result.problems
    countries = [row.fields["country"] for row in result.rows]
    assert countries == ["PA", "CO", "CO", "VE"]  # "Panamá" was read, not "PanamÃ¡"
    assert "Panamá" in result.rows[0].raw
    assert result.rows[2].extra["#subsector+es"] == "Formación de enseñadores"
    assert [row.row_number for row in result.rows] == [4, 5, 6, 7]


@pytest.mark.parametrize("name", ["input-valid.csv", "input-valid.tsv"])
def test_hxl_tag_row_under_header_rows(interop: Path, name: str) -> None:
    result = parse_file(interop / "hxl" / name, "requests", mapping={"#sector+es": "item"})
    assert result.format == "hxl"
    assert not result.problems
    first = result.rows[0]
    assert first.fields == {
        "org": "ACNUR",
        "item": "WASH",
        "received_at": "2015-03-01T00:00:00+00:00",  # "#date+reported": "1 March 2015"
    }
    # Untagged "Registro" column keeps its header text; nothing is dropped.
    assert first.extra == {
        "Registro": "001",
        "#subsector+es": "Higiene",
        "#targeted+f": "100",
        "#targeted+m": "100",
        "#country": "Panamá",
        "#adm1": "Los Santos",
    }


def test_hxl_multiple_headers(interop: Path) -> None:
    result = parse_file(
        interop / "hxl" / "input-multiple-headers.csv",
        "requests",
        mapping={"#affected": "item"},
    )
    assert [(row.fields["org"], row.fields["item"]) for row in result.rows] == [
        ("Org X", "100"),
        ("Org Y", "200"),
    ]
    assert result.rows[0].extra == {"No hashtag": "xxx", "#adm1": "Coast"}


def test_hxl_fuzzy_tag_row_and_overlong_row(interop: Path) -> None:
    result = parse_file(
        interop / "hxl" / "input-fuzzy.csv", "leads", mapping={"#sector+es": "item"}
    )
    assert [row.fields["supplier"] for row in result.rows] == ["OMS", "UNICEF", "OMS"]
    assert [row.fields["country"] for row in result.rows] == ["CO", "CO", "VE"]
    (problem,) = result.problems  # the 001 row carries a 9th cell under no column
    assert problem.row_number == 4
    assert any("without '#'" in warning for warning in result.warnings)


def test_hxl_multiline_cell(interop: Path) -> None:
    result = parse_file(
        interop / "hxl" / "input-multiline.csv",
        "requests",
        mapping={"#description": "item"},
    )
    (problem,) = result.problems
    assert problem.reason.startswith("missing required field org")
    assert problem.raw == '"Line 1\nLine 2\nLine 3"'
    with_org = parse_bytes(
        (interop / "hxl" / "input-multiline.csv").read_bytes(),
        "m.csv",
        "contacts",
        mapping={"#description": "name"},
    )
    assert with_org.rows[0].fields["name"] == "Line 1\nLine 2\nLine 3"


def test_untagged_file_falls_back_to_headers(interop: Path) -> None:
    result = parse_file(
        interop / "hxl" / "input-untagged.csv",
        "requests",
        mapping={"Organización": "org", "Sector/Cluster": "item"},
    )
    assert result.format == "csv"
    assert any("title line" in warning for warning in result.warnings)
    assert [row.fields["org"] for row in result.rows] == ["OMS", "UNICEF", "OMS"]
    # The header row has 8 cells; the 001 row has a 9th ("1 March 2015") under none.
    (problem,) = result.problems
    assert problem.row_number == 3 and "9 cells" in problem.reason


UNIT_AS_ORG = "Unit,Item,Quantity,Contact\nJilin Provincial Hospital,N95 masks,1200,Dr. Li\n"


def test_an_english_unit_column_names_the_requester_when_nothing_else_does() -> None:
    text = UNIT_AS_ORG + "Changchun FAO,gloves,500,Ms. Wang\n"
    result = parse_bytes(text.encode(), "units.csv", "requests")
    assert not result.problems
    assert [row.fields.get("org") for row in result.rows] == [
        "Jilin Provincial Hospital",
        "Changchun FAO",
    ]
    assert all("unit" not in row.fields for row in result.rows)
    (warning,) = [w for w in result.warnings if "'Unit'" in w]
    assert "requesting unit" in warning and 'mapping = { "Unit" = "unit" }' in warning


@pytest.mark.parametrize(
    ("text", "mapping"),
    [
        ("Unit,Item,Quantity,Org\npcs,masks,100,Jilin Hospital\n", None),  # org has a column
        ("Units,Item,Quantity,单位\nboxes,masks,100,卫健委\n", None),  # so has 单位
        ("UOM,Item,Quantity,Org\nJilin Hospital,masks,100,A\n", None),  # not the word "unit"
        (UNIT_AS_ORG, {"Unit": "unit"}),  # the source's mapping says so
    ],
)
def test_a_unit_column_stays_the_unit_of_measure(text: str, mapping: dict[str, str] | None) -> None:
    result = parse_bytes(text.encode(), "x.csv", "requests", mapping=mapping)
    assert not any("requesting unit" in warning for warning in result.warnings)
    for row in result.rows:
        assert "unit" in row.fields


@pytest.mark.parametrize("first", ["pcs", "Boxes", "只", "个/箱", "PAIRS."])
def test_units_of_measure_are_not_taken_for_a_requester(first: str) -> None:
    result = parse_bytes(f"Unit,Item,Quantity\n{first},masks,100\n".encode(), "x.csv", "requests")
    assert not result.rows
    (problem,) = result.problems
    assert "missing required field org" in problem.reason


def test_leads_keep_unit_as_the_unit_of_measure() -> None:
    text = "Supplier,Item,Quantity,Unit\nAcme GmbH,FFP2,10000,Jilin\n"
    (row,) = parse_bytes(text.encode(), "x.csv", "leads").rows
    assert row.fields["unit"] == "Jilin"


def test_long_headers_that_clean_to_one_key_keep_distinct_extra_keys_quickly() -> None:
    """2,000 headers of 250 characters differ only after the 200 kept in an extra key:
    each column gets its own key once, not a count past all the others in every row
    (19 s before, quadratic)."""
    import time

    header = ",".join(["org", "item"] + [f"{'x' * 250}{i}" for i in range(2_000)])
    rows = "\n".join(",".join(["A", "masks"] + [str(i)] * 2_000) for i in range(20))
    started = time.perf_counter()
    result = parse_bytes(f"{header}\n{rows}\n".encode(), "wide.csv", "requests")
    assert time.perf_counter() - started < 10  # a hang guard, not a speed claim
    extra = result.rows[0].extra
    assert len(extra) == 2_000 and len(set(extra)) == 2_000
    assert list(extra)[:2] == [f"{'x' * 199}…", f"{'x' * 199}… (2)"]
