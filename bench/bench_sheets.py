"""Reading one workbook: openpyxl against python-calamine, and dutyboard's reader.

    python bench/bench_sheets.py [--rows 30000] [--repeat 3] [--seed 2020] [--keep FILE]

Writes a requests workbook of ``--rows`` rows × 10 columns with openpyxl (Chinese
headers as units send them: an ID and a phone number as numbers, quantities, a
date-time, text), then reads the same bytes, ``--repeat`` times each, and prints the
median of each in a Markdown table:

* **openpyxl** — ``load_workbook(read_only=True, data_only=True)`` and
  ``iter_rows(values_only=True)`` over the first sheet: what reading cost before;
* **calamine** — ``CalamineWorkbook.from_path`` and ``to_python()`` in this process:
  the library alone;
* **dutyboard reader** — ``xlsxfmt.xlsx_rows``: the archive checked in this process, the
  cells read by calamine in the limited child process and pickled back, numbers and
  empty cells made what the readers take (what an import pays to read a workbook);
* **dutyboard parse** — ``parse_bytes``: the reader, then headers, values and zones
  (what an import pays before the database).

Every reader is checked to give the same number of data rows.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import python_calamine
from openpyxl import Workbook, load_workbook

from dutyboard.ingest.parse import parse_bytes
from dutyboard.ingest.xlsxfmt import xlsx_rows

HEADER = ["编号", "单位名称", "物资名称", "数量", "计量单位", "联系人", "联系电话", "紧急程度"]
HEADER += ["需求时间", "备注"]
UNITS = [f"第{n}人民医院" for n in range(1, 15)] + ["市疾控中心", "外事办", "红十字会"]
ITEMS = [("N95口罩", "只"), ("医用外科口罩", "只"), ("医用手套", "双"), ("防护服", "套")]
ITEMS += [("护目镜", "副"), ("测温枪", "把"), ("消毒液", "瓶")]
PRIORITIES = ["特急", "紧急", "一般", "一般", "低"]
PEOPLE = ["王芳", "李伟", "张敏", "刘洋", "陈静"]


def make_workbook(rows: int, seed: int) -> bytes:
    rng = random.Random(seed)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("需求")
    sheet.append(HEADER)
    start = datetime(2020, 2, 1, 8, 0)
    for n in range(rows):
        item, unit = rng.choice(ITEMS)
        sheet.append(
            [
                100_000 + n,
                rng.choice(UNITS),
                item,
                rng.randrange(1, 50) * 100,
                unit,
                rng.choice(PEOPLE),
                13_800_000_000 + rng.randrange(100_000_000),
                rng.choice(PRIORITIES),
                start + timedelta(minutes=rng.randrange(60 * 24 * 20)),
                "" if rng.random() < 0.7 else f"备注{n}",
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def openpyxl_rows(path: Path) -> int:
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        return sum(1 for row in sheet.iter_rows(values_only=True) if any(row)) - 1
    finally:
        book.close()


def calamine_rows(path: Path) -> int:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return len(book.get_sheet_by_index(0).to_python()) - 1


def reader_rows(data: bytes) -> int:
    return len(xlsx_rows(data, "bench.xlsx", [])) - 1


def parse_rows(data: bytes) -> int:
    return len(parse_bytes(data, "bench.xlsx", "requests", default_zone="Asia/Shanghai").rows)


def timed(action: Callable[[], int], repeat: int) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        count = action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--keep", type=Path, help="also write the workbook here")
    args = parser.parse_args(argv)
    data = make_workbook(args.rows, args.seed)
    if args.keep is not None:
        args.keep.write_bytes(data)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.xlsx"
        path.write_bytes(data)
        cases: list[tuple[str, Callable[[], int]]] = [
            ("openpyxl (read-only, values)", lambda: openpyxl_rows(path)),
            ("calamine (in process, to_python)", lambda: calamine_rows(path)),
            ("dutyboard reader (checks + child process)", lambda: reader_rows(data)),
            ("dutyboard parse (reader + values)", lambda: parse_rows(data)),
        ]
        results = [(label, *timed(action, args.repeat)) for label, action in cases]
    counts = {count for _label, _seconds, count in results}
    if counts != {args.rows}:
        print(f"the readers disagree on the row count: {results}", file=sys.stderr)
        return 1
    base = results[0][1]
    print(
        f"{args.rows:,} rows × {len(HEADER)} columns, {len(data):,} bytes of xlsx; "
        f"median of {args.repeat}\n"
    )
    print("| reader | seconds | rows/s | × openpyxl |")
    print("|---|---:|---:|---:|")
    for label, seconds, _count in results:
        print(f"| {label} | {seconds:.3f} | {args.rows / seconds:,.0f} | {base / seconds:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
