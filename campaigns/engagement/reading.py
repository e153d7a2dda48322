"""Bytes to sheets: CSV (any encoding and delimiter), xls/xlsx workbooks and zip archives."""

from __future__ import annotations

import csv
import io
import itertools
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import PurePath, PurePosixPath
from typing import Literal

from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetTypeEnum

from campaigns import wording
from campaigns.engagement.numbers import Cell, decode_text
from campaigns.errors import InvalidInput
from campaigns.i18n import N_, msg

Container = Literal["csv", "xlsx", "xls", "zip"]

MAX_MEMBERS = 20
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
# Below this size a member cannot hurt, whatever its ratio (a tiny CSV of zeros compresses well).
RATIO_FLOOR_BYTES = 1024 * 1024
MAX_ROWS = 1_000_000
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TEXT_MEMBERS = (".csv", ".tsv", ".txt")
_DAMAGED_ZIP = N_("This zip archive is damaged; download the export again and upload the new file.")


@dataclass(frozen=True, slots=True)
class Sheet:
    """One grid of cells: rows[0] is row 1 as a spreadsheet shows it."""

    name: str
    rows: tuple[tuple[Cell, ...], ...]

    def is_blank(self) -> bool:
        """Whether no cell holds anything."""
        return not any(is_filled(cell) for row in self.rows for cell in row)


@dataclass(frozen=True, slots=True)
class Source:
    """Everything readable in an uploaded file, and sentences about what was not read."""

    sheets: tuple[Sheet, ...]
    notes: tuple[str, ...] = ()


def is_filled(cell: Cell) -> bool:
    """Whether a cell holds anything but blanks."""
    return cell is not None and not (isinstance(cell, str) and not cell.strip())


def container_of(file_name: str, data: bytes) -> Container:
    """What kind of file the bytes are, from their first bytes (the name only breaks ties)."""
    if data.startswith(_OLE_MAGIC):
        return "xls"
    if not data.startswith(_ZIP_MAGIC):
        return "csv"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        if PurePath(file_name).suffix.lower() in (".xlsx", ".xlsm"):
            raise InvalidInput(
                N_("This Excel file is damaged; open it in Excel, save it again and upload that.")
            ) from None
        raise InvalidInput(_DAMAGED_ZIP) from None
    if "[Content_Types].xml" in names or any(name.startswith("xl/") for name in names):
        return "xlsx"
    return "zip"


def read_source(file_name: str, data: bytes) -> Source:
    """The sheets of a CSV file, a workbook or a zip archive of CSV files."""
    container = container_of(file_name, data)
    if container == "zip":
        return _zip_source(data)
    if container == "csv":
        return Source((_csv_sheet("", data),))
    return Source(_workbook_sheets(data, container))


# --- CSV ------------------------------------------------------------------------------------


def _delimiter(text: str) -> str:
    def score(delimiter: str) -> tuple[int, int, int]:
        sample = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            widths = [len(record) for record in itertools.islice(sample, 20)]
        except csv.Error:
            return (0, 0, 0)
        wide = Counter(width for width in widths if width > 1)
        if not wide:
            return (0, 0, 0)
        width, rows = wide.most_common(1)[0]
        return (rows, width, delimiter == ",")

    return max((",", ";", "\t"), key=score)


def _csv_sheet(name: str, data: bytes) -> Sheet:
    text = decode_text(data).removeprefix("\ufeff")
    first_line, _, rest = text.partition("\n")
    # Excel's `sep=,` directive names the delimiter; Excel hides that line, so do the row numbers.
    if match := re.fullmatch(r'"?sep=(.)"?', first_line.strip(), re.IGNORECASE):
        delimiter, text = match.group(1), rest
    else:
        delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[Cell, ...]] = []
    try:
        for record in reader:
            if len(rows) == MAX_ROWS:
                raise _too_many_rows()
            rows.append(tuple(record))
    except csv.Error as exc:
        raise InvalidInput(
            msg(
                "This CSV file cannot be read near line {line} ({problem}).",
                line=reader.line_num,
                problem=str(exc),
            )
        ) from None
    return Sheet(name, tuple(rows))


def _too_many_rows() -> InvalidInput:
    return InvalidInput(
        msg(
            "This file has more than {limit} rows; export a shorter period and upload that.",
            limit=wording.count(MAX_ROWS),
        )
    )


# --- Workbooks ------------------------------------------------------------------------------


def _workbook_sheets(data: bytes, container: Container) -> tuple[Sheet, ...]:
    if container == "xlsx":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise InvalidInput(
                N_(
                    "This workbook unpacks to more than 200 MB; export a shorter period and "
                    "upload that."
                )
            )
    try:
        workbook = CalamineWorkbook.from_object(io.BytesIO(data))
        sheets = []
        total = 0
        # Chart and macro sheets hold no cells to read.
        names = [
            sheet.name for sheet in workbook.sheets_metadata if sheet.typ == SheetTypeEnum.WorkSheet
        ]
        for name in names:
            grid = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            total += len(grid)
            if total > MAX_ROWS:
                raise _too_many_rows()
            sheets.append(Sheet(name, tuple(tuple(row) for row in grid)))
    except PasswordError:
        raise InvalidInput(
            N_("The workbook is protected by a password; save a copy without it and upload that.")
        ) from None
    except CalamineError:
        raise InvalidInput(
            N_(
                "This Excel file cannot be read; it may be damaged or saved in another format. "
                "Open it in Excel, save it again as .xlsx and upload that."
            )
        ) from None
    return tuple(sheets)


# --- Zip archives ---------------------------------------------------------------------------


def _unsafe(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    return path.is_absolute() or ".." in path.parts or bool(re.match(r"[A-Za-z]:", name))


def check_archive(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The archive's files, after refusing unsafe paths, too many files and zip bombs."""
    members = [info for info in archive.infolist() if not info.is_dir()]
    for info in archive.infolist():
        if _unsafe(info.filename):
            raise InvalidInput(
                msg(
                    "This archive holds a file with an unsafe path (“{path}”); "
                    "Spotlight does not open it. Upload the export as the network produced it.",
                    path=info.filename,
                )
            )
    if len(members) > MAX_MEMBERS:
        raise InvalidInput(
            msg(
                "This archive holds more than {limit} files; an analytics export has only "
                "a few. Upload the export as the network produced it.",
                limit=MAX_MEMBERS,
            )
        )
    if sum(info.file_size for info in members) > MAX_UNPACKED_BYTES:
        raise InvalidInput(
            N_("This archive unpacks to more than 200 MB; export a shorter period and upload that.")
        )
    for info in members:
        if info.file_size >= RATIO_FLOOR_BYTES and (
            info.file_size > MAX_RATIO * max(info.compress_size, 1)
        ):
            raise InvalidInput(
                msg(
                    "This archive is compressed more than {ratio} times, which real exports "
                    "never are; it may be a “zip bomb”, so Spotlight does not open it.",
                    ratio=MAX_RATIO,
                )
            )
    return members


def _zip_source(data: bytes) -> Source:
    sheets: list[Sheet] = []
    notes: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in check_archive(archive):
            name = info.filename
            base = PurePosixPath(name).name
            if name.startswith("__MACOSX/") or base.startswith("."):
                continue
            if not base.lower().endswith(_TEXT_MEMBERS):
                notes.append(
                    msg(
                        "The file “{name}” inside the archive is not a CSV table and was not read.",
                        name=name,
                    )
                )
                continue
            try:
                member = archive.read(info)
            except RuntimeError:
                raise InvalidInput(
                    N_(
                        "This archive is protected by a password; download the export again "
                        "without one and upload that."
                    )
                ) from None
            except (zipfile.BadZipFile, OSError, EOFError):
                raise InvalidInput(_DAMAGED_ZIP) from None
            sheets.append(_csv_sheet(name, member))
    if not sheets:
        raise InvalidInput(N_("This zip archive holds no CSV table; upload the export itself."))
    return Source(tuple(sheets), tuple(notes))
