"""JSON, JSON Lines, KoBoToolbox and ODK Central."""

from __future__ import annotations

import json
from pathlib import Path

from dutyboard.ingest.parse import parse_bytes, parse_file

KOBO_UUIDS = {
    "e58da38d-3eee-4bd7-8512-4a97ea8fbb01",
    "5c408d9d-6a76-4fbb-bf4e-9ed8f8e3e382",
    "6a0e819b-9d89-4b59-bd1e-38355dd2e05f",
}
KOBO_MAPPING = {
    "username": "org",
    "I_like_this_tree_because": "item",
    "Estimate_height_of_your_tree_in_meters": "quantity",
}


def test_json_array_of_objects() -> None:
    data = json.dumps(
        [
            {"id": "r-1", "org": "市一院", "item": "口罩", "qty": "1,000", "extra": {"a": 1}},
            {"id": "r-2", "org": "", "item": "gloves"},
            "not an object",
        ],
        ensure_ascii=False,
    ).encode()
    result = parse_bytes(data, "r.json", "requests")
    assert result.format == "json"
    (row,) = result.rows
    assert row.external_id == "r-1"
    assert row.fields == {"org": "市一院", "item": "口罩", "quantity": 1000}
    assert row.extra == {"extra/a": "1"}
    assert json.loads(row.raw)["org"] == "市一院" and "市一院" in row.raw  # ensure_ascii=False
    problems = {problem.row_number: problem.reason for problem in result.problems}
    assert problems[2].startswith("missing required field org")
    assert problems[3] == "item 3 is a str, not an object"


def test_json_lines_bad_line_does_not_stop_the_rest() -> None:
    text = (
        '{"org": "A", "item": "masks", "quantity": 5}\n'
        "{not json\n"
        "\n"
        "[1, 2]\n"
        '{"org": "B", "item": "gloves", "quantity": 2.5}\n'
    )
    result = parse_bytes(text.encode(), "feed.jsonl", "requests")
    assert result.format == "jsonl"
    assert [(row.row_number, row.fields["org"]) for row in result.rows] == [(1, "A"), (5, "B")]
    assert result.rows[1].fields["quantity"] == 2.5
    reasons = {problem.row_number: problem.reason for problem in result.problems}
    assert reasons[2].startswith("line 2 is not valid JSON")
    assert reasons[4] == "line 4 is a list, not an object"
    assert result.problems[0].raw == "{not json"


def test_jsonl_is_detected_without_the_extension() -> None:
    text = '{"org": "A", "item": "x"}\n{"org": "B", "item": "y"}\n'
    result = parse_bytes(text.encode(), "feed.txt", "requests")
    assert result.format == "jsonl" and len(result.rows) == 2


def test_kobo_without_mapping_says_a_mapping_is_needed(interop: Path) -> None:
    result = parse_file(interop / "kobo" / "api-v2-data.json", "requests")
    assert result.format == "kobo"
    assert not result.rows
    assert len(result.problems) == 3
    for problem in result.problems:
        assert "org and item" in problem.reason
        assert "per-source field mapping" in problem.reason


def test_kobo_with_mapping(interop: Path) -> None:
    result = parse_file(interop / "kobo" / "api-v2-data.json", "requests", mapping=KOBO_MAPPING)
    assert not result.problems
    assert {row.external_id for row in result.rows} == KOBO_UUIDS
    first = result.rows[0]
    assert first.row_number == 1
    assert first.fields == {
        "org": "cmi_admin_kobo_test",
        "item": "shade food wildlife_habitat beauty",
        "quantity": 18,
        "received_at": "2021-11-16T23:46:27+00:00",  # naive UTC, not the desk zone
    }
    # Nothing silently dropped: every other field is in extra, lists as JSON text.
    assert first.extra["_id"] == "124961136"
    assert first.extra["meta/instanceID"] == "uuid:e58da38d-3eee-4bd7-8512-4a97ea8fbb01"
    attachments = json.loads(first.extra["_attachments"])
    assert attachments[0]["mimetype"] == "image/jpeg"
    assert json.loads(first.extra["_geolocation"]) == [36.97012, -122.0109429]
    assert first.extra["Record_your_current_location"].startswith("36.97012")
    assert json.loads(first.raw)["_uuid"] == "e58da38d-3eee-4bd7-8512-4a97ea8fbb01"


def test_kobo_submission_time_ignores_default_zone(interop: Path) -> None:
    result = parse_file(
        interop / "kobo" / "api-v2-data.json",
        "requests",
        mapping=KOBO_MAPPING,
        default_zone="Asia/Shanghai",
    )
    assert result.rows[0].fields["received_at"] == "2021-11-16T23:46:27+00:00"


def test_kobo_pages_give_each_submission_once(interop: Path) -> None:
    page1 = parse_file(
        interop / "kobo" / "api-v2-data-page1.json", "requests", mapping=KOBO_MAPPING
    )
    page2 = parse_file(
        interop / "kobo" / "api-v2-data-page2.json", "requests", mapping=KOBO_MAPPING
    )
    ids = [row.external_id for row in (*page1.rows, *page2.rows)]
    assert len(ids) == 3 and set(ids) == KOBO_UUIDS
    assert any("next page" in warning for warning in page1.warnings)


def test_kobo_csv_export_with_labels(interop: Path) -> None:
    result = parse_file(
        interop / "kobo" / "kpi-export-labels-semicolon.csv",
        "requests",
        mapping={
            "What community are you from?": "org",
            "Which traditional plants and animals are important to your community?": "item",
        },
    )
    assert result.format == "kobo"
    assert not result.problems
    assert [row.external_id for row in result.rows] == [
        "92eb7237-89d6-4a15-aa71-09ec99279bbb",
        "d18d0d37-fdd1-4c5f-8d37-cbc86e935322",
        "3af4d0cd-fd74-4907-a952-70c4f3578433",
    ]
    first = result.rows[0]
    assert first.fields["item"] == "bamboo, wild boar"  # a comma inside a ;-delimited cell
    assert first.fields["received_at"] == "2023-07-19T18:33:06+00:00"
    assert first.extra["_Please record the location of your local ecosystem._latitude"] == (
        "2.164341"
    )
    assert first.row_number == 2


def test_odk_odata_with_mapping(interop: Path) -> None:
    result = parse_file(
        interop / "odk" / "central-odata-submissions.json",
        "requests",
        mapping={
            "community": "org",
            "important_resources": "item",
            "__system/submitterName": "requester",
        },
    )
    assert result.format == "odk"
    assert not result.problems
    assert [row.external_id for row in result.rows] == [
        "uuid:06ed309e-980c-45be-b52b-c1cd143d5d2d",
        "uuid:24951a9e-db46-4e22-9bce-910377c9dd22",
        "uuid:cb7955d8-dc7c-480f-9699-20555a155c92",
    ]
    second = result.rows[1]
    assert second.fields == {
        "org": "klanda",
        "requester": "Collector",
        "item": "Piorty",
        "received_at": "2025-02-12T02:26:29+00:00",
    }
    geometry = json.loads(second.extra["location"])  # GeoJSON kept whole
    assert geometry["type"] == "Point" and geometry["coordinates"][0] == -73.856824
    assert second.extra["__system/deviceId"] == "collect:88Lhh2JMAVd4PXdY"
    assert second.extra["meta/instanceID"] == second.external_id


def test_odk_without_mapping(interop: Path) -> None:
    result = parse_file(interop / "odk" / "central-odata-submissions.json", "contacts")
    assert len(result.problems) == 3
    assert all("ODK Central" in p.reason and "mapping" in p.reason for p in result.problems)


def test_odk_central_csv_export(interop: Path) -> None:
    result = parse_file(
        interop / "odk" / "central-export.csv",
        "requests",
        mapping={"community": "org", "important_resources": "item"},
    )
    assert result.format == "odk"
    assert [row.external_id for row in result.rows] == [
        "uuid:1d5850bb-8e07-4944-8017-ed52413e9dca",
        "uuid:e96490a7-dd32-4c68-8037-4272915fb566",
    ]
    first = result.rows[0]
    assert first.fields["received_at"] == "2025-07-29T13:30:32+00:00"
    assert first.fields["item"] == "Cassava, Sweet Potato"
    assert first.extra["location-Latitude"] == "40.786261"
    assert first.extra["meta-instanceID"] == first.external_id


def test_hxl_json_objects(interop: Path) -> None:
    result = parse_file(
        interop / "hxl" / "input-valid-objects.json", "leads", mapping={"#sector+es": "item"}
    )
    assert result.format == "hxl"
    assert [row.fields["country"] for row in result.rows] == ["PA", "CO", "CO", "VE"]
    assert result.rows[0].extra["column 1"] == "001"  # the "" key
    assert result.rows[3].extra["#adm1"] == "Amazonas"


def test_hxl_json_arrays() -> None:
    data = json.dumps([["Org", "What"], ["#org", "#item"], ["UNICEF", "masks"]]).encode()
    result = parse_bytes(data, "a.json", "requests")
    assert result.format == "hxl"
    (row,) = result.rows
    assert row.fields == {"org": "UNICEF", "item": "masks"} and row.row_number == 3


def test_invalid_json_is_unreadable() -> None:
    from dutyboard.ingest.records import UnreadableFile

    for data in (b"[1, 2", b"[" * 100_000, b'"just a string"'):
        try:
            parse_bytes(data, "x.json", "requests")
        except UnreadableFile as error:
            assert "x.json" in str(error)
        else:
            raise AssertionError(f"{data[:10]!r} should be unreadable")


def test_a_key_given_twice_keeps_both_values() -> None:
    """Hardening should-fix: the later value used to replace the first silently."""
    data = b'[{"org": "A", "item": "masks", "item": "gloves", "quantity": 5}]'
    result = parse_bytes(data, "dup.json", "requests")
    (row,) = result.rows
    assert row.fields["item"] == "masks" and row.extra == {"item (2)": "gloves"}
    assert any("1 key appeared twice in one object" in w for w in result.warnings)
    lines = b'{"org": "B", "qty": 1, "item": "x", "item": "y", "item": "z"}\n'
    (line,) = parse_bytes(lines, "dup.jsonl", "requests").rows
    assert line.fields["item"] == "x" and line.extra == {"item (2)": "y", "item (3)": "z"}
