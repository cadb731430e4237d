"""Make the LibreOffice workbooks of tests/ingest/test_spreadsheets.py (run by hand, not by
the tests: CI has no LibreOffice).

    apt-get install -y --no-install-recommends libreoffice-calc python3-uno
    /usr/bin/python3 tests/ingest/data/make_sheets.py

Debian's own Python, for its ``uno`` module; nothing of dutyboard is imported. A headless
LibreOffice (a private profile, a private pipe) builds one requests workbook the way a
unit fills one in: an empty first sheet, a title line, data from column B, an ID and a
phone column typed as numbers, a formula, date and date-time cells, a blank row, a bad
quantity, a styled empty cell past the data, and a second sheet holding values. It is
saved as .xls (Excel 97-2003), .ods and .xlsx, and as .xls and .ods with the password
"dutyboard" (LibreOffice 7.4 saves an .xlsx through the API unencrypted, password or
not: the encrypted OOXML sample is calamine-password.xlsb, see README.md); one more
.xls keeps a date under the 1904 date system (old Mac Excel). Every file is written by
LibreOffice itself, formulas with the values it computed; cut-short.xlsx is the first
three fifths of the .xlsx, as a copy or download that stopped leaves it. The tests
read the committed files; rerun this only to change them (and the tests then).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import uno  # Debian's python3-uno
from com.sun.star.beans import PropertyValue

HERE = Path(__file__).resolve().parent
PIPE = "dutyboard_make_sheets"
PASSWORD = "dutyboard"

TITLE = "XX市防疫物资需求表（2020年2月3日）"
HEADER = ["编号", "单位", "物资", "数量", "计量单位", "需求时间", "联系电话", "优先级", "备注"]
# Row 3 onwards, from column B. A tuple ("=", text) is a formula; a date or datetime is a
# date cell; None is an empty cell; a row of None is a blank row.
ROWS: list[list[object]] = [
    [
        1001,
        "第一人民医院",
        "N95口罩",
        1200,
        "只",
        datetime(2020, 2, 3, 14),
        13800138000,
        "紧急",
        None,
    ],
    [
        1002,
        "第二中学",
        "测温枪",
        ("=", "=E3/100"),
        "把",
        date(2020, 2, 4),
        13900139000,
        "高",
        "[bold]x",
    ],
    [None] * 9,
    [
        1003,
        "社区卫生服务中心",
        "医用手套",
        2.5,
        "箱",
        "2020-02-05 09:00",
        "021-12345678",
        "普通",
        None,
    ],
    [1004, "第三医院", "防护服", "12x", "套", datetime(2020, 2, 6, 8, 30), None, "紧急", "待核"],
]
SPARE = [["单位", "物资"], ["备用单位", "口罩"]]


def prop(name: str, value: object) -> Any:
    item = PropertyValue()
    item.Name, item.Value = name, value
    return item


def start_office(profile: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            "soffice",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            f"-env:UserInstallation={profile.as_uri()}",
            f"--accept=pipe,name={PIPE};urp;StarOffice.ComponentContext",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # soffice is a launcher: its office process is a child
    )


def connect() -> Any:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    for _attempt in range(120):
        try:
            return resolver.resolve(f"uno:pipe,name={PIPE};urp;StarOffice.ComponentContext")
        except Exception:  # NoConnectException until soffice listens
            time.sleep(0.5)
    raise SystemExit("LibreOffice did not start")


def serial(value: date, null_date: date) -> float:
    moment = value if isinstance(value, datetime) else datetime.combine(value, datetime.min.time())
    delta = moment - datetime.combine(null_date, datetime.min.time())
    return delta.days + delta.seconds / 86400


def number_format(doc: Any, code: str) -> int:
    formats = doc.getNumberFormats()
    locale = uno.createUnoStruct("com.sun.star.lang.Locale")
    key = formats.queryKey(code, locale, False)
    return int(key if key != -1 else formats.addNew(code, locale))


def new_document(desktop: Any) -> Any:
    return desktop.loadComponentFromURL(
        "private:factory/scalc", "_blank", 0, (prop("Hidden", True),)
    )


def build(desktop: Any, *, null_date: date = date(1899, 12, 30)) -> Any:
    doc = new_document(desktop)
    if null_date != date(1899, 12, 30):
        when = uno.createUnoStruct("com.sun.star.util.Date")
        when.Year, when.Month, when.Day = null_date.year, null_date.month, null_date.day
        doc.NullDate = when
    sheets = doc.getSheets()
    sheets.getByIndex(0).setName("说明")  # left empty: passed over
    sheets.insertNewByName("需求", 1)
    sheets.insertNewByName("备用", 2)
    sheet = sheets.getByName("需求")
    day = number_format(doc, "YYYY-MM-DD")
    moment = number_format(doc, "YYYY-MM-DD HH:MM")
    whole = number_format(doc, "0")
    sheet.getCellByPosition(1, 0).setString(TITLE)
    for column, text in enumerate(HEADER, 1):
        sheet.getCellByPosition(column, 1).setString(text)
    for offset, row in enumerate(ROWS):
        for column, value in enumerate(row, 1):
            cell = sheet.getCellByPosition(column, 2 + offset)
            if value is None:
                continue
            if isinstance(value, tuple):
                cell.setFormula(value[1])
            elif isinstance(value, date):
                cell.setValue(serial(value, null_date))
                cell.NumberFormat = moment if isinstance(value, datetime) else day
            elif isinstance(value, int | float):
                cell.setValue(float(value))
                if isinstance(value, int):
                    cell.NumberFormat = whole
            else:
                cell.setString(str(value))
    # A cell past the data with a colour and nothing in it (people do this).
    sheet.getCellByPosition(11, 9).CellBackColor = 0xFFFF00
    spare = sheets.getByName("备用")
    for row_index, names in enumerate(SPARE):
        for column, text in enumerate(names):
            spare.getCellByPosition(column, row_index).setString(text)
    doc.calculateAll()
    return doc


def build_1904(desktop: Any) -> Any:
    """One date cell, 2020-02-03 14:00, under the 1904 date system."""
    doc = new_document(desktop)
    when = uno.createUnoStruct("com.sun.star.util.Date")
    when.Year, when.Month, when.Day = 1904, 1, 1
    doc.NullDate = when
    sheet = doc.getSheets().getByIndex(0)
    for column, text in enumerate(["单位", "物资", "需求时间"]):
        sheet.getCellByPosition(column, 0).setString(text)
    sheet.getCellByPosition(0, 1).setString("第一人民医院")
    sheet.getCellByPosition(1, 1).setString("口罩")
    cell = sheet.getCellByPosition(2, 1)
    cell.setValue(serial(datetime(2020, 2, 3, 14, 0), date(1904, 1, 1)))
    cell.NumberFormat = number_format(doc, "YYYY-MM-DD HH:MM")
    doc.calculateAll()
    return doc


def save(doc: Any, path: Path, filter_name: str, password: str | None = None) -> None:
    props = [prop("FilterName", filter_name), prop("Overwrite", True)]
    if password is not None:
        props.append(prop("Password", password))
    doc.storeToURL(path.as_uri(), tuple(props))
    print(f"wrote {path.relative_to(HERE)} ({path.stat().st_size:,} bytes)")


def main() -> None:
    if shutil.which("soffice") is None:
        raise SystemExit("soffice is missing: apt-get install libreoffice-calc python3-uno")
    with tempfile.TemporaryDirectory(prefix="dutyboard-lo-") as folder:
        office = start_office(Path(folder) / "profile")
        try:
            context = connect()
            desktop = context.ServiceManager.createInstanceWithContext(
                "com.sun.star.frame.Desktop", context
            )
            doc = build(desktop)
            save(doc, HERE / "requests-libreoffice.xls", "MS Excel 97")
            save(doc, HERE / "requests-libreoffice.ods", "calc8")
            save(doc, HERE / "requests-libreoffice.xlsx", "Calc MS Excel 2007 XML")
            save(doc, HERE / "password-libreoffice.xls", "MS Excel 97", PASSWORD)
            save(doc, HERE / "password-libreoffice.ods", "calc8", PASSWORD)
            doc.close(True)
            doc = build_1904(desktop)
            save(doc, HERE / "dates-1904-libreoffice.xls", "MS Excel 97")
            doc.close(True)
            whole = (HERE / "requests-libreoffice.xlsx").read_bytes()
            (HERE / "cut-short.xlsx").write_bytes(whole[: len(whole) * 3 // 5])
            print(f"wrote cut-short.xlsx ({len(whole) * 3 // 5:,} of {len(whole):,} bytes)")
            with contextlib.suppress(Exception):  # the bridge goes down with the office
                desktop.terminate()
        finally:
            try:
                office.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(office.pid, signal.SIGTERM)
                office.wait(timeout=10)


if __name__ == "__main__":
    main()
