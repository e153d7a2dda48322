"""Finding a known table in a sheet by its header, and reading its rows into drafts."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Literal

from campaigns.engagement.aliases import HEADER_UNITS, METRIC_KINDS, TEXT_FIELDS, Aliases
from campaigns.engagement.numbers import (
    Cell,
    DateOrder,
    DateValue,
    DecimalMark,
    UnreadableValue,
    detect_date_order,
    detect_decimal_mark,
    is_ambiguous_date,
    is_empty,
    parse_count,
    parse_duration,
    parse_percent,
    read_date,
)
from campaigns.engagement.reading import Sheet, is_filled
from campaigns.i18n import N_, msg

Scope = Literal["post", "account"]
HEADER_SEARCH_ROWS = 10
_UNIT_SECONDS = {"hours": 3600.0, "minutes": 60.0}


@dataclass(frozen=True, slots=True)
class TableSpec:
    """A kind of table an export holds: how to recognise its header and what its rows are."""

    name: str
    platform: str
    scope: Scope
    daily: bool
    aliases: Aliases
    required: tuple[str, ...]
    date_order: DateOrder = "mdy"
    decimal_mark: DecimalMark = "."
    # False when date_order is a guess rather than the network's habit: ambiguous dates get a note.
    date_order_known: bool = True
    # Recognised only beside another table of the same network (YouTube's Totals.csv).
    companion: bool = False
    post_id: Callable[[str, str], str] | None = None


@dataclass(frozen=True, slots=True)
class Table:
    """A recognised table: which columns hold which field, and its data rows."""

    spec: TableSpec
    platform: str
    sheet: str
    headers: tuple[str, ...]
    # field -> column positions, best alias first; the first non-blank cell wins.
    columns: dict[str, tuple[int, ...]]
    above: tuple[tuple[Cell, ...], ...]
    rows: tuple[tuple[int, tuple[Cell, ...]], ...]


@dataclass(frozen=True, slots=True)
class Draft:
    """A row read but not yet dated: the year of its dates may still be missing."""

    source_row: int
    sheet: str
    platform: str
    scope: Scope
    network_post_id: str
    post_url: str
    title: str
    published: DateValue | None
    day: DateValue | None
    metrics: dict[str, float]
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Drafts:
    """What a table's rows gave: drafts, problems (row number, reason) and notes."""

    drafts: tuple[Draft, ...]
    problems: tuple[tuple[int, str], ...]
    notes: tuple[str, ...]


def header_key(text: object) -> str:
    """A header cell reduced for comparison: case, accents, apostrophes and spacing ignored."""
    plain = unicodedata.normalize("NFKD", str(text).replace("\ufeff", "")).casefold()
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    plain = plain.replace("’", "'").replace("‘", "'").strip().strip('"').strip()
    return " ".join(plain.split())


def cell_text(cell: Cell) -> str:
    """A cell as text: ids written as numbers by a spreadsheet lose their “.0”."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime | date | time | timedelta):
        return cell.isoformat() if not isinstance(cell, timedelta) else str(cell)
    return str(cell).strip()


def find_table(sheet: Sheet, spec: TableSpec) -> Table | None:
    """The table `spec` describes, its header found among the sheet's first rows, or None."""
    for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        keys = [header_key(cell) for cell in row]
        columns: dict[str, tuple[int, ...]] = {}
        for name, aliases in spec.aliases.items():
            found = tuple(keys.index(k) for k in map(header_key, aliases) if k and k in keys)
            if found:
                columns[name] = found
        if all(name in columns for name in spec.required):
            data = tuple(
                (number, cells)
                for number, cells in enumerate(sheet.rows[index + 1 :], start=index + 2)
                if any(is_filled(cell) for cell in cells)
            )
            return Table(
                spec=spec,
                platform=spec.platform,
                sheet=sheet.name,
                headers=tuple(cell_text(cell) for cell in row),
                columns=columns,
                above=sheet.rows[:index],
                rows=data,
            )
    return None


def column_values(table: Table, name: str) -> list[Cell]:
    """Every cell of a field's columns."""
    return [
        cells[p] for _, cells in table.rows for p in table.columns.get(name, ()) if p < len(cells)
    ]


def metric_cells(table: Table) -> Iterable[Cell]:
    """The cells of every figure column, to find the file's decimal mark."""
    for name in table.columns:
        if name in METRIC_KINDS:
            yield from column_values(table, name)


@functools.lru_cache(maxsize=256)
def unit_of(header: str) -> str | None:
    """The unit a header names: “(hours)”, “(minutes)” or a percent sign."""
    key = header_key(header)
    for unit, markers in HEADER_UNITS.items():
        if any(marker in key for marker in markers):
            return unit
    return None


def metric_value(name: str, header: str, cell: Cell, mark: DecimalMark) -> float | None:
    """A figure in canonical units: counts, seconds, or fractions for rates."""
    kind = METRIC_KINDS[name]
    unit = unit_of(header)
    if kind == "count":
        return parse_count(cell, mark)
    if kind == "fraction":
        return parse_percent(cell, mark, bare_is_percent=unit == "percent")
    seconds = parse_duration(cell, mark)
    if seconds is None or isinstance(cell, time | timedelta) or ":" in str(cell):
        return seconds
    # Rounded to the millisecond so that 6.25 hours is 22500 seconds, not 22499.999….
    return round(seconds * _UNIT_SECONDS.get(unit or "", 1.0), 3)


class _RowReader:
    """Reads the cells of one table's rows with the table's conventions."""

    def __init__(self, table: Table, file_mark: DecimalMark | None) -> None:
        self.table = table
        self.marks: dict[str, DecimalMark] = {
            name: detect_decimal_mark(column_values(table, name))
            or file_mark
            or table.spec.decimal_mark
            for name in table.columns
        }
        self.orders: dict[str, DateOrder] = {}
        self.notes: list[str] = []
        for name in ("published_at", "day"):
            if name not in table.columns:
                continue
            values = column_values(table, name)
            order = detect_date_order(values)
            if order is None:
                order = table.spec.date_order
                example = next((v for v in values if is_ambiguous_date(v)), None)
                if example is not None and not table.spec.date_order_known:
                    self.notes.append(_order_note(table, name, str(example).strip(), order))
            self.orders[name] = order

    def cell(self, cells: tuple[Cell, ...], name: str) -> tuple[Cell, str]:
        """The first non-blank cell of a field, with the header it sits under."""
        positions = self.table.columns.get(name, ())
        for position in positions:
            if position < len(cells) and not is_empty(cells[position]):
                return cells[position], self.table.headers[position]
        header = self.table.headers[positions[0]] if positions else name
        return None, header

    def draft(self, number: int, cells: tuple[Cell, ...]) -> Draft | str:
        """The row as a draft, or the reason it cannot be read."""
        spec = self.table.spec
        problems: list[str] = []
        texts = {name: cell_text(self.cell(cells, name)[0]) for name in TEXT_FIELDS}
        if spec.post_id is not None:
            texts["network_post_id"] = spec.post_id(texts["network_post_id"], texts["post_url"])
        dates: dict[str, DateValue | None] = {}
        labels: dict[str, str] = {}
        for name, order in self.orders.items():
            value, labels[name] = self.cell(cells, name)
            try:
                dates[name] = read_date(value, order)
            except UnreadableValue as problem:
                problems.append(
                    msg("“{column}” {problem}", column=labels[name], problem=problem.reason)
                )
        metrics: dict[str, float] = {}
        for name in self.table.columns:
            if name not in METRIC_KINDS:
                continue
            value, header = self.cell(cells, name)
            try:
                figure = metric_value(name, header, value, self.marks[name])
            except UnreadableValue as problem:
                problems.append(msg("“{column}” {problem}", column=header, problem=problem.reason))
                continue
            if figure is not None:
                metrics[name] = figure
        if spec.daily and "day" in self.orders and dates.get("day") is None and not problems:
            problems.append(
                msg("“{column}” is empty, so the figures have no day", column=labels["day"])
            )
        if spec.scope == "post" and not any(texts.values()):
            problems.append(
                N_("it has no post link, ID or title, so it cannot be matched to a post")
            )
        if problems:
            listed = problems[0]
            for another in problems[1:]:
                listed = msg("{first}; {second}", first=listed, second=another)
            return msg("Row {row}: {problems}.", row=number, problems=listed)
        return Draft(
            source_row=number,
            sheet=self.table.sheet,
            platform=self.table.platform,
            scope=spec.scope,
            network_post_id=texts["network_post_id"],
            post_url=texts["post_url"],
            title=texts["title"],
            published=dates.get("published_at"),
            day=dates.get("day"),
            metrics=metrics,
            labels=labels,
        )


def _order_note(table: Table, name: str, example: str, order: DateOrder) -> str:
    reading = N_("day/month/year") if order == "dmy" else N_("month/day/year")
    column = table.headers[table.columns[name][0]]
    if table.sheet:
        return msg(
            "Dates such as “{example}” in “{column}” of {sheet} "
            "could be read either way; Spotlight read them as {reading}.",
            example=example,
            column=column,
            sheet=table.sheet,
            reading=reading,
        )
    return msg(
        "Dates such as “{example}” in “{column}” "
        "could be read either way; Spotlight read them as {reading}.",
        example=example,
        column=column,
        reading=reading,
    )


def draft_rows(table: Table, file_mark: DecimalMark | None) -> Drafts:
    """Each data row read into a draft, or a problem; exact repeats are reported once each."""
    reader = _RowReader(table, file_mark)
    drafts: list[Draft] = []
    problems: list[tuple[int, str]] = []
    seen: dict[tuple[Cell, ...], int] = {}
    for number, cells in table.rows:
        key = tuple(cells)
        while key and not is_filled(key[-1]):
            key = key[:-1]
        if key in seen:
            problems.append(
                (
                    number,
                    msg(
                        "Row {row}: it repeats row {first} exactly, so it was left out.",
                        row=number,
                        first=seen[key],
                    ),
                )
            )
            continue
        seen[key] = number
        result = reader.draft(number, cells)
        if isinstance(result, str):
            problems.append((number, result))
        else:
            drafts.append(result)
    return Drafts(tuple(drafts), tuple(problems), tuple(reader.notes))
