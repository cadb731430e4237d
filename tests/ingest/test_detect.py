"""Format detection by content first, then by name; and the core's import hygiene."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dutyboard.ingest.parse import detect_format

INTEROP_FORMATS = {
    "hxl/input-broken.xlsx": "xlsx",
    "hxl/input-fuzzy.csv": "hxl",
    "hxl/input-multiline.csv": "hxl",
    "hxl/input-multiple-headers.csv": "hxl",
    "hxl/input-untagged.csv": "csv",
    "hxl/input-valid-latin1.csv": "hxl",
    "hxl/input-valid-objects.json": "hxl",
    "hxl/input-valid.csv": "hxl",
    "hxl/input-valid.tsv": "hxl",
    "hxl/input-valid.xlsx": "xlsx",
    "kobo/api-v2-data-page1.json": "kobo",
    "kobo/api-v2-data-page2.json": "kobo",
    "kobo/api-v2-data.json": "kobo",
    "kobo/api-v2-asset.json": "json",
    "kobo/kpi-export-labels-semicolon.csv": "kobo",
    "odk/central-export.csv": "odk",
    "odk/central-odata-submissions.json": "odk",
    "vcard/radicale-1587.vcf": "vcard",
    "vcard/vcard40_full.vcf": "vcard",
}


@pytest.mark.parametrize(("relative", "fmt"), sorted(INTEROP_FORMATS.items()))
def test_detect_interop_formats(interop: Path, relative: str, fmt: str) -> None:
    path = interop / relative
    assert detect_format(path.name, path.read_bytes()) == fmt
    # Content wins over a missing or misleading name.
    assert detect_format("upload.bin", path.read_bytes()) == fmt


@pytest.mark.parametrize(
    ("name", "data", "fmt"),
    [
        ("a.csv", b"org,item\nA,B\n", "csv"),
        ("a.txt", b"org\titem\nA\tB\n", "tsv"),
        ("a.tsv", b"org\n", "tsv"),
        ("a", b'[{"org": "A"}]', "json"),
        ("a", b'{"org": "A"}\n{"org": "B"}\n', "jsonl"),
        ("a.jsonl", b'{"org": "A"}', "jsonl"),
        ("a", b"\xef\xbb\xbfBEGIN:VCARD\r\nEND:VCARD\r\n", "vcard"),
        ("a", b'{"value": []}', "odk"),
        ("a", b'{"count": 0, "results": []}', "kobo"),
        ("a", b"[bold],x\n1,2\n", "csv"),
    ],
)
def test_detect_synthetic(name: str, data: bytes, fmt: str) -> None:
    assert detect_format(name, data) == fmt


def test_ingest_never_loads_textual_or_rich() -> None:
    code = (
        "import sys\n"
        "import dutyboard.ingest.parse\n"
        "top = {m.split('.')[0] for m in sys.modules}\n"
        "print(','.join(sorted(top & {'textual', 'rich', 'widgets'})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
