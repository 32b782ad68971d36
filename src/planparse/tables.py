"""The flat task table a supervisor opens in Excel: ``tasks.xlsx`` (tasks + targets sheets) and ``tasks.csv``.

Why both: the workbook is for reading and filtering (Chinese headers, frozen header row, filters,
column widths); the CSV is for any other tool. The CSV is UTF-8 with a BOM because Excel reads a
BOM-less CSV in the machine's ANSI code page and garbles Chinese.

Rows are streamed from the database into both files as they come, so memory does not grow with
the table. Text cells are inline strings, never formulas; in the CSV a cell that Excel would run as
a formula (``=…``, ``+…``, ``-…``, ``@…``) gets a leading apostrophe.

>>> safe_csv("=HYPERLINK(1)"), safe_csv("-2.5"), safe_csv("区发改委")
("'=HYPERLINK(1)", '-2.5', '区发改委')
"""

from __future__ import annotations

import csv
import functools
import io
import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from planparse.outputs import atomic_file

# (header, width in characters) for each column of the task table (export.TASK_TABLE_SQL order)
TASK_COLUMNS: list[tuple[str, int]] = [
    ("方案", 36),
    ("地区", 10),
    ("文件", 24),
    ("编号", 12),
    ("任务", 44),
    ("牵头单位", 28),
    ("责任单位", 28),
    ("配合单位", 24),
    ("完成时限", 20),
    ("时限类型", 10),
    ("截止日期", 12),
]
TARGET_COLUMNS: list[tuple[str, int]] = [
    ("方案", 36),
    ("地区", 10),
    ("文件", 24),
    ("所在章节", 28),
    ("指标", 30),
    ("比较", 6),
    ("数值", 10),
    ("上限", 8),  # a range's upper end (14%—15%)
    ("单位", 12),
    ("年份", 8),
    ("原文", 48),
]
KIND_LABELS = {"by": "限期", "ongoing": "长期坚持", "recurring": "定期", "period": "时段", "relative": "相对时限", "deferred": "按上级部署"}
KIND_COLUMN = 9  # 时限类型
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[-+]?\d+(\.\d+)?")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in XML 1.0, so not in a cell
_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f]")  # a cell that needs cleaning or escaping


def safe_csv(value: Any) -> Any:
    """A text cell that Excel would run as a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def task_row(row: Sequence[Any]) -> list[Any]:
    """A task_table row as shown: the deadline kind in words."""
    out = list(row)
    out[KIND_COLUMN] = KIND_LABELS.get(out[KIND_COLUMN], out[KIND_COLUMN])
    return out


def write_tables(tasks: Iterable[Sequence[Any]], targets: Iterable[Sequence[Any]], xlsx: Path | None, csv_path: Path | None) -> tuple[int, int]:
    """Write the task rows to both files and the target rows to the workbook's second sheet; returns the counts.
    Either file may be left out (None). The CSV appears whole or not at all; ``xlsx`` is a new temp path
    that the caller renames into place (``export``, which may have it written in another process).

    openpyxl builds the workbook (styles, widths, frozen bold header, filters); the data rows are
    streamed straight into its two sheet parts, because openpyxl's per-cell path costs ~100 µs a row,
    which made the table a quarter of the cost of parsing the plans it lists.
    """
    with ExitStack() as stack:
        writer = None
        if csv_path is not None:
            writer = csv.writer(stack.enter_context(atomic_file(csv_path, encoding="utf-8-sig", newline="")))
            writer.writerow([h for h, _ in TASK_COLUMNS])

        def task_rows() -> Iterator[list[Any]]:
            for raw in tasks:
                row = task_row(raw)
                if writer is not None:
                    writer.writerow([safe_csv(v) for v in row])
                yield row

        if xlsx is None:
            return sum(1 for _ in task_rows()), 0
        with open(xlsx, "xb") as raw, zipfile.ZipFile(io.BytesIO(_template())) as src, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
            counts = []
            for info in src.infolist():
                data = src.read(info)
                if info.filename in _SHEETS:
                    rows = task_rows() if info.filename == _SHEETS[0] else targets
                    counts.append(_stream_sheet(dst, info.filename, data.decode("utf-8"), rows))
                else:
                    dst.writestr(info.filename, _stamped(data) if info.filename == "docProps/core.xml" else data)
    if len(counts) != 2:
        raise RuntimeError(f"openpyxl wrote no {_SHEETS} parts")
    return counts[0], counts[1]


_SHEETS = ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml")  # openpyxl names sheet parts in creation order
_LETTERS = [chr(ord("A") + i) for i in range(26)]


TEMPLATE = Path(__file__).with_name("tables_template.xlsx")  # made by write_template (`make golden`)


@functools.cache
def _template() -> bytes:
    """The empty workbook, as shipped: building it with openpyxl costs 0.4 s of CPU per batch, which a
    batch whose workers keep every core busy takes from its parsing (3 % of 500 plans on 2 cores). A
    test checks that the shipped file is what ``build_template`` makes of the columns above."""
    try:
        return TEMPLATE.read_bytes()
    except OSError:  # a source tree without it: build it
        return build_template()


def write_template() -> None:
    """Rebuild the shipped template (after a change to the columns)."""
    TEMPLATE.write_bytes(build_template())


def build_template() -> bytes:
    """An empty workbook from openpyxl: both sheets with widths, a frozen bold header row and a one-row filter."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    for title, columns in (("任务分工表", TASK_COLUMNS), ("目标指标", TARGET_COLUMNS)):
        ws = wb.create_sheet(title)
        for letter, (_, width) in zip(_LETTERS, columns, strict=False):
            ws.column_dimensions[letter].width = width
        ws.freeze_panes = "A2"
        header = []
        for name, _ in columns:
            cell = WriteOnlyCell(ws, value=name)
            cell.font = Font(bold=True)
            header.append(cell)
        ws.append(header)
        ws.auto_filter.ref = f"A1:{_LETTERS[len(columns) - 1]}1"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


_STAMPS = re.compile(rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*")


def _stamped(core: bytes) -> bytes:
    """The document properties dated now, not when the template was built."""
    when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return _STAMPS.sub(lambda m: m.group(1) + when, core)


def _stream_sheet(dst: zipfile.ZipFile, name: str, template: str, rows: Iterable[Sequence[Any]]) -> int:
    """The template sheet with ``rows`` after its header row and the filter widened to cover them."""
    head, tail = template.split("</sheetData>", 1)
    n = 1
    with dst.open(name, "w", force_zip64=True) as out:
        out.write(head.encode("utf-8"))
        chunk: list[str] = []
        for row in rows:
            n += 1
            chunk.append(_row_xml(n, row))
            if len(chunk) == 2000:
                out.write("".join(chunk).encode("utf-8"))
                chunk.clear()
        out.write("".join(chunk).encode("utf-8"))
        out.write(re.sub(r'(<autoFilter ref="A1:[A-Z]+)1"', rf'\g<1>{n}"', "</sheetData>" + tail, count=1).encode("utf-8"))
    return n - 1


def _row_xml(r: int, values: Sequence[Any]) -> str:
    """One ``<row>``: numbers as numbers, text as inline strings (never formulas), empty cells left out."""
    n = str(r)
    cells = [f'<row r="{n}">']
    for letter, v in zip(_LETTERS, values, strict=False):
        if v is None or v == "":
            continue
        if v.__class__ in (int, float) and math.isfinite(v):  # bool is neither
            cells.append(f'<c r="{letter}{n}"><v>{v!r}</v></c>')
            continue
        text = v if v.__class__ is str else str(v)
        if _SPECIAL.search(text):  # rare: most cells go out as they are
            text = escape(_ILLEGAL.sub("", text)[:32767])  # Excel's limit per cell
        elif len(text) > 32767:
            text = text[:32767]
        cells.append(f'<c r="{letter}{n}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>')
    cells.append("</row>")
    return "".join(cells)
