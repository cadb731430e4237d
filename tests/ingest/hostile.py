"""Hostile files of issue 17 point 4, built for real (valid zips, real CSV and vCard text).

The xlsx bombs are made without ever holding their XML: a chunk of XML is deflated once
with a full flush (byte-aligned, no back-references into earlier data), and the same
compressed bytes are written again and again; the CRC is folded over the same chunk. So
a 1.4 GB sheet costs a few megabytes and about a second to build.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

CONTENT_TYPES = (
    _XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    _XML + f'<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    _XML + f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>'
    '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    _XML + f'<Relationships xmlns="{PKG_REL_NS}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
SHEET_HEAD = _XML + f'<worksheet xmlns="{MAIN_NS}">'


class Repeated:
    """``head`` + ``chunk`` × ``times`` + ``tail`` as a raw deflate stream and its sizes."""

    def __init__(self, head: bytes, chunk: bytes, times: int, tail: bytes) -> None:
        self.head, self.chunk, self.times, self.tail = head, chunk, times, tail
        self.size = len(head) + len(chunk) * times + len(tail)
        crc = zlib.crc32(head)
        for _ in range(times):
            crc = zlib.crc32(chunk, crc)
        self.crc = zlib.crc32(tail, crc)

    def deflated(self) -> Iterator[bytes]:
        yield _flushed(self.head)
        block = _flushed(self.chunk)
        for _ in range(self.times):
            yield block
        final = zlib.compressobj(9, zlib.DEFLATED, -15)
        yield final.compress(self.tail) + final.flush(zlib.Z_FINISH)


def _flushed(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


def _plain(data: bytes) -> Repeated:
    return Repeated(data, b"", 0, b"")


def build_zip(members: dict[str, bytes | Repeated]) -> bytes:
    """A deflated zip (no zip64: members under 4 GiB) from whole or repeated members."""
    out = bytearray()
    central = bytearray()
    for name, content in members.items():
        member = content if isinstance(content, Repeated) else _plain(content)
        offset = len(out)
        body = b"".join(member.deflated())
        encoded = name.encode()
        out += struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50,
            20,
            0,
            8,
            0,
            0x21,
            member.crc,
            len(body),
            member.size,
            len(encoded),
            0,
        )
        out += encoded + body
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            8,
            0,
            0x21,
            member.crc,
            len(body),
            member.size,
            len(encoded),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        central += encoded
    start = len(out)
    out += central
    out += struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), start, 0
    )
    return bytes(out)


def workbook(
    sheet: bytes | Repeated, strings: bytes | Repeated | None = None, book: str = WORKBOOK
) -> bytes:
    members: dict[str, bytes | Repeated] = {
        "[Content_Types].xml": CONTENT_TYPES.encode(),
        "_rels/.rels": ROOT_RELS.encode(),
        "xl/workbook.xml": book.encode(),
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS.encode(),
        "xl/worksheets/sheet1.xml": sheet,
    }
    members["xl/sharedStrings.xml"] = strings if strings is not None else _strings([])
    return build_zip(members)


def _strings(texts: list[str]) -> bytes:
    items = "".join(f"<si><t>{text}</t></si>" for text in texts)
    return (_XML + f'<sst xmlns="{MAIN_NS}" count="{len(texts)}">{items}</sst>').encode()


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def xml_bomb_xlsx(unpacked: int = 1_400_000_000) -> bytes:
    """A header row, then rows of two cells until the sheet is ``unpacked`` bytes."""
    head = (
        SHEET_HEAD + f'<sheetData><row r="1">{_inline("A1", "org")}{_inline("B1", "item")}</row>'
    ).encode()
    row = '<row><c t="inlineStr"><is><t>第一人民医院</t></is></c><c t="s"><v>0</v></c></row>'
    chunk = row * 2000
    tail = b"</sheetData></worksheet>"
    block = chunk.encode()
    sheet = Repeated(head, block, max(1, unpacked // len(block)), tail)
    return workbook(sheet, _strings(["N95口罩"]))


def shared_strings_xlsx(count: int, text: str = "x") -> bytes:
    """A small sheet over a shared-string table of ``count`` entries."""
    sheet = (
        SHEET_HEAD + "<sheetData>"
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>0</v></c></row>'
        "</sheetData></worksheet>"
    ).encode()
    head = (_XML + f'<sst xmlns="{MAIN_NS}" count="{count}" uniqueCount="{count}">').encode()
    per_chunk = 1000 if count >= 1000 else 1
    chunk = (f"<si><t>{text}</t></si>" * per_chunk).encode()
    return workbook(sheet, Repeated(head, chunk, count // per_chunk, b"</sst>"))


def sparse_xlsx(
    dimension: str = "A1:XFD1048576", every: int = 9_000, last_column: str | None = None
) -> bytes:
    """A few kilobytes: a declared dimension of the whole grid, a row every ``every`` rows.

    ``last_column`` also puts one cell in that column of each data row ("XFD").
    """
    rows = [f'<row r="1">{_inline("A1", "org")}{_inline("B1", "item")}</row>']
    for number in range(2, 1_048_577, every):
        cells = _inline(f"A{number}", f"unit {number}") + _inline(f"B{number}", "masks")
        if last_column:
            cells += _inline(f"{last_column}{number}", "note")
        rows.append(f'<row r="{number}">{cells}</row>')
    sheet = (
        SHEET_HEAD + f'<dimension ref="{dimension}"/><sheetData>{"".join(rows)}'
        "</sheetData></worksheet>"
    )
    return workbook(sheet.encode())


def same_name_sheets_xlsx(count: int = 3_000) -> bytes:
    """A workbook declaring ``count`` sheets all titled "S", all one small sheet part.

    openpyxl renames each duplicate title by scanning every title before it.
    """
    sheets = "".join(f'<sheet name="S" sheetId="{n}" r:id="rId1"/>' for n in range(1, count + 1))
    book = WORKBOOK.replace('<sheet name="Sheet1" sheetId="1" r:id="rId1"/>', sheets)
    sheet = (
        SHEET_HEAD + f'<sheetData><row r="1">{_inline("A1", "org")}</row></sheetData></worksheet>'
    )
    return workbook(sheet.encode(), book=book)


def repeated_header_csv(times: int = 50_000, name: str = "item") -> bytes:
    header = ",".join([name] * times)
    row = ",".join(["masks"] * times)
    return f"{header}\n{row}\n".encode()


def vcard_with_tels(count: int = 100_000) -> bytes:
    lines = ["BEGIN:VCARD", "VERSION:3.0", "FN:Ana Lima"]
    lines += [f"TEL;TYPE=cell:+55 11 9{n:08d}" for n in range(count)]
    lines.append("END:VCARD")
    return ("\r\n".join(lines) + "\r\n").encode()
