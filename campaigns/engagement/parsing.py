"""Analytics exports of LinkedIn, Meta, YouTube and TikTok (or the team's own table) as rows."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import PurePath

from campaigns.engagement import (
    formats_generic,
    formats_linkedin,
    formats_meta,
    formats_tiktok,
    formats_youtube,
)
from campaigns.engagement.numbers import DateValue, UnreadableValue, detect_decimal_mark
from campaigns.engagement.reading import Source, read_source
from campaigns.engagement.tables import Draft, Table, draft_rows, find_table, metric_cells
from campaigns.errors import InvalidInput, SpotlightError
from campaigns.i18n import N_, msg

logger = logging.getLogger(__name__)

PLATFORMS = ("linkedin", "instagram", "facebook", "youtube", "tiktok")
PLATFORM_NAMES = {
    "linkedin": "LinkedIn",
    "instagram": "Instagram",
    "facebook": "Facebook",
    "youtube": "YouTube",
    "tiktok": "TikTok",
}
NOT_AN_EXPORT = N_(
    "This file does not look like an analytics export from LinkedIn, Meta, YouTube or TikTok. "
    "If it is your own table, choose “Other (CSV/XLSX)” and map its columns."
)
IN_FILE_NAME = N_("the period in the file name")
DEFAULT_PERIOD_DAYS = 365
SPECS = (
    *formats_linkedin.SPECS,
    *formats_meta.SPECS,
    *formats_youtube.SPECS,
    *formats_tiktok.SPECS,
)
# Tables that need a second look once recognised: they return the table and notes for the user.
Refiner = Callable[[Table, str], tuple[Table, tuple[str, ...]]]
REFINERS: dict[str, Refiner] = {
    formats_meta.TIMESERIES.name: formats_meta.refine_timeseries,
    formats_youtube.TABLE.name: formats_youtube.drop_total_row,
}
_NAME_PERIOD = re.compile(
    r"(?<!\d)(\d{4})-?(\d{2})-?(\d{2})\s*(?:-|_|–|to|au)\s*(\d{4})-?(\d{2})-?(\d{2})(?!\d)"
)


@dataclass(frozen=True, slots=True)
class ParsedRow:
    """One row of figures, for a post or for the whole account, lifetime or for one day."""

    source_row: int
    sheet: str
    platform: str
    scope: str
    network_post_id: str
    post_url: str
    title: str
    published_at: datetime | None
    day: date | None
    metrics: dict[str, float]


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row that was left out, and why, in a sentence for the comms team."""

    source_row: int
    sheet: str
    reason: str


@dataclass(frozen=True, slots=True)
class ParsedExport:
    """Everything read from one uploaded export."""

    platform: str
    kind: str
    period_start: date | None
    period_end: date | None
    rows: tuple[ParsedRow, ...]
    rejected: tuple[RejectedRow, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """For the team's own CSV/XLSX: canonical field -> the column of the file that holds it."""

    columns: dict[str, str] = field(default_factory=dict)
    platform: str = "csv"


@contextmanager
def _readable(file_name: str) -> Iterator[None]:
    """Turn any unexpected failure on hostile or damaged bytes into a sentence for the user."""
    try:
        yield
    except SpotlightError:
        raise
    except Exception as exc:
        logger.warning("Reading the export %r failed unexpectedly", file_name, exc_info=True)
        raise InvalidInput(
            N_(
                "Spotlight could not read this file; it may be damaged. Download the export "
                "again and upload the new file."
            )
        ) from exc


def detect_platform(file_name: str, data: bytes) -> str:
    """Which network produced the export, told from its content; InvalidInput if none we know."""
    with _readable(file_name):
        tables, _ = _recognise(_source(file_name, data), "auto")
        return tables[0].platform


def read_columns(file_name: str, data: bytes) -> list[str]:
    """The column names of a CSV/XLSX table, for choosing a column mapping."""
    with _readable(file_name):
        return formats_generic.header_of(_source(file_name, data).sheets)


def parse_export(
    file_name: str,
    data: bytes,
    platform: str = "auto",
    *,
    mapping: ColumnMapping | None = None,
    today: date,
) -> ParsedExport:
    """The rows of figures in an export, with the rows left out and why."""
    with _readable(file_name):
        return _parse_export(file_name, data, platform, mapping, today)


def _source(file_name: str, data: bytes) -> Source:
    if not data.strip():
        raise InvalidInput(N_("The file is empty."))
    source = read_source(file_name, data)
    if all(sheet.is_blank() for sheet in source.sheets):
        raise InvalidInput(N_("The file is empty."))
    return source


def _recognise(source: Source, requested: str) -> tuple[list[Table], list[str]]:
    tables: list[Table] = []
    unread = []
    for sheet in source.sheets:
        found = (find_table(sheet, spec) for spec in SPECS if not spec.companion)
        table = next((table for table in found if table is not None), None)
        if table is not None:
            tables.append(table)
        elif not sheet.is_blank():
            unread.append(sheet)
    if not tables:
        raise InvalidInput(NOT_AN_EXPORT)
    notes = list(source.notes)
    platforms = {table.spec.platform for table in tables}
    for sheet in unread:
        found = (
            find_table(sheet, spec)
            for spec in SPECS
            if spec.companion and spec.platform in platforms
        )
        table = next((table for table in found if table is not None), None)
        if table is not None:
            tables.append(table)
        else:
            notes.append(
                msg("“{sheet}” is not a table Spotlight knows and was not read.", sheet=sheet.name)
            )
    refined = []
    for table in tables:
        refine = REFINERS.get(table.spec.name)
        if refine is not None:
            table, more = refine(table, requested)
            notes.extend(more)
        refined.append(table)
    _check_platform({table.platform for table in refined}, requested)
    return refined, notes


def _tables(
    source: Source, platform: str, mapping: ColumnMapping | None
) -> tuple[list[Table], list[str]]:
    """The tables to read: the mapped one for the team's own file, else the recognised ones."""
    if mapping is None and platform != "csv":
        return _recognise(source, platform)
    if mapping is None:
        raise InvalidInput(
            N_(
                "To read your own table, Spotlight needs a column mapping: choose which column "
                "holds the post, the date and each figure."
            )
        )
    table = formats_generic.find_mapped_table(source.sheets, mapping.columns, mapping.platform)
    return [table], list(source.notes)


def _check_platform(found: set[str], requested: str) -> None:
    if len(found) > 1:
        first, *others = sorted(PLATFORM_NAMES[p] for p in found)
        names = first
        for other in others:
            names = msg("{first} and {second}", first=names, second=other)
        raise InvalidInput(
            msg(
                "This file mixes exports from {names}; upload each network's export on its own.",
                names=names,
            )
        )
    (detected,) = found
    if requested not in ("auto", detected):
        raise InvalidInput(_not_the_export(PLATFORM_NAMES[detected], PLATFORM_NAMES[requested]))


def _not_the_export(detected: str, requested: str) -> str:
    # One whole sentence per pair of English articles, so that each translates naturally.
    if detected[0] in "AEIOU" and requested[0] in "AEIOU":
        return msg(
            "This looks like an {detected} export, not an {requested} one.",
            detected=detected,
            requested=requested,
        )
    if detected[0] in "AEIOU":
        return msg(
            "This looks like an {detected} export, not a {requested} one.",
            detected=detected,
            requested=requested,
        )
    if requested[0] in "AEIOU":
        return msg(
            "This looks like a {detected} export, not an {requested} one.",
            detected=detected,
            requested=requested,
        )
    return msg(
        "This looks like a {detected} export, not a {requested} one.",
        detected=detected,
        requested=requested,
    )


def _parse_export(
    file_name: str, data: bytes, platform: str, mapping: ColumnMapping | None, today: date
) -> ParsedExport:
    if platform not in (*PLATFORMS, "auto", "csv"):
        raise InvalidInput(msg("“{network}” is not a network Spotlight knows.", network=platform))
    tables, notes = _tables(_source(file_name, data), platform, mapping)
    file_mark = detect_decimal_mark(cell for table in tables for cell in metric_cells(table))
    drafts: list[Draft] = []
    rejected: list[RejectedRow] = []
    for table in tables:
        read = draft_rows(table, file_mark)
        drafts.extend(read.drafts)
        rejected.extend(RejectedRow(row, table.sheet, reason) for row, reason in read.problems)
        notes.extend(read.notes)
    if not drafts and not rejected:
        raise InvalidInput(
            N_(
                "The file has column headers but no rows of figures; export a period with posts "
                "and upload that."
            )
        )
    period, origin = _reference_period(drafts, file_name, today)
    rows: list[ParsedRow] = []
    for draft in drafts:
        result = _dated(draft, period, today)
        if isinstance(result, ParsedRow):
            rows.append(result)
        else:
            rejected.append(RejectedRow(draft.source_row, draft.sheet, result))
    if any(_yearless(draft) for draft in drafts):
        notes.append(
            msg(
                "Some dates have no year; Spotlight took it from {origin} ({start} to {end}).",
                origin=origin,
                start=period[0].isoformat(),
                end=period[1].isoformat(),
            )
        )
    order = {table.sheet: index for index, table in enumerate(tables)}
    rejected.sort(key=lambda row: (order.get(row.sheet, 0), row.source_row))
    start, end = _export_period(rows, period, origin)
    return ParsedExport(
        platform=tables[0].platform,
        kind="daily" if all(table.spec.daily for table in tables if table.rows) else "lifetime",
        period_start=start,
        period_end=end,
        rows=tuple(rows),
        rejected=tuple(rejected),
        notes=tuple(dict.fromkeys(notes)),
    )


def _written(value: DateValue | None) -> date | None:
    if value is None or value.year is None:
        return None
    return date(value.year, value.month, value.day)


def _yearless(draft: Draft) -> bool:
    return any(v is not None and v.year is None for v in (draft.published, draft.day))


def _reference_period(
    drafts: Sequence[Draft], file_name: str, today: date
) -> tuple[tuple[date, date], str]:
    """The period that dates without a year fall in, and where it comes from."""
    written = [
        day
        for draft in drafts
        for day in (_written(draft.published), _written(draft.day))
        if day is not None and day <= today
    ]
    if written:
        return (min(written), max(written)), N_("the other dates in the file")
    if named := _period_in_name(file_name):
        return named, IN_FILE_NAME
    start = today - timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    return (start, today), msg("the {days} days up to today", days=DEFAULT_PERIOD_DAYS)


def _period_in_name(file_name: str) -> tuple[date, date] | None:
    match = _NAME_PERIOD.search(PurePath(file_name).name)
    if match is None:
        return None
    parts = [int(part) for part in match.groups()]
    try:
        start, end = date(*parts[:3]), date(*parts[3:])
    except ValueError:
        return None
    return (start, end) if start <= end else None


def _dated(draft: Draft, period: tuple[date, date], today: date) -> ParsedRow | str:
    """The draft with its dates settled, or why it is left out (an impossible or future date)."""
    number = draft.source_row
    settled: dict[str, date | None] = {}
    for name, value in (("day", draft.day), ("published_at", draft.published)):
        label = draft.labels.get(name, N_("Date"))
        try:
            settled[name] = value.on(*period) if value else None
        except UnreadableValue as problem:
            return msg(
                "Row {row}: “{column}” {problem}.", row=number, column=label, problem=problem.reason
            )
        written = settled[name]
        if written is not None and written > today:
            return msg(
                "Row {row}: “{column}” is in the future ({day}).",
                row=number,
                column=label,
                day=written.isoformat(),
            )
    day = settled["day"]
    published_at = draft.published.moment(*period) if draft.published else None
    return ParsedRow(
        source_row=number,
        sheet=draft.sheet,
        platform=draft.platform,
        scope=draft.scope,
        network_post_id=draft.network_post_id,
        post_url=draft.post_url,
        title=draft.title,
        published_at=published_at,
        day=day,
        metrics=draft.metrics,
    )


def _export_period(
    rows: Sequence[ParsedRow], period: tuple[date, date], origin: str
) -> tuple[date, date]:
    if origin == IN_FILE_NAME:
        return period
    days = [
        day
        for row in rows
        for day in (row.day, row.published_at.date() if row.published_at else None)
        if day is not None
    ]
    return (min(days), max(days)) if days else period
