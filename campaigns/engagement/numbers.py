"""Numbers, percentages, durations, dates and text encodings as analytics exports write them."""

from __future__ import annotations

import codecs
import functools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from charset_normalizer import from_bytes

from campaigns.errors import InvalidInput
from campaigns.i18n import N_, msg

# What a cell of a CSV (always str) or a workbook (typed by calamine) can hold.
Cell = str | int | float | bool | date | datetime | time | timedelta | None
DecimalMark = Literal[".", ","]
DateOrder = Literal["mdy", "dmy"]

EMPTY_MARKERS = frozenset({"", "-", "--", "—", "–"})
# Normal, no-break, thin, narrow no-break and figure spaces all separate thousands.
_SPACES = re.compile(r"[ \u00a0\u2009\u202f\u2007]+")
_ONE_SPACE = str.maketrans(
    {"\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2007": " ", "\ufeff": None}
)
_MINUS = ("-", "\u2212")
_DURATION = re.compile(
    r"(?:(?P<hours>\d+):(?P<mm>\d{2})|(?P<minutes>\d+)):(?P<seconds>\d{2}(?:[.,]\d+)?)"
)


class UnreadableValue(ValueError):
    """One cell cannot be read; `reason` completes a sentence that starts with the column name."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _shown(value: object) -> str:
    text = str(value).strip()
    return text if len(text) <= 40 else text[:39] + "…"


def _text(value: str) -> str:
    text = value.translate(_ONE_SPACE).strip()
    return _SPACES.sub(" ", text) if "  " in text else text


def is_empty(value: Cell) -> bool:
    """Whether a cell holds no figure: blank, or the dashes exports put for “none”."""
    return value is None or (isinstance(value, str) and value.strip() in EMPTY_MARKERS)


# --- Numbers --------------------------------------------------------------------------------


def _number_pattern(mark: DecimalMark) -> re.Pattern[str]:
    group = "," if mark == "." else "."
    return re.compile(
        rf"(?P<whole>[1-9]\d{{0,2}}(?P<sep>[ {re.escape(group)}])\d{{3}}(?:(?P=sep)\d{{3}})*|\d*)"
        rf"(?:{re.escape(mark)}(?P<fraction>\d+))?"
    )


_NUMBER = {".": _number_pattern("."), ",": _number_pattern(",")}


def _signed(text: str) -> tuple[bool, str]:
    if text.startswith("(") and text.endswith(")"):
        return True, text[1:-1].strip()
    if text.startswith(_MINUS):
        return True, text[1:].strip()
    return False, text.removeprefix("+").strip()


def _number_from_text(text: str, mark: DecimalMark, original: object) -> float:
    negative, body = _signed(text)
    match = _NUMBER[mark].fullmatch(body)
    if match is None or not (match["whole"] or match["fraction"]):
        raise UnreadableValue(msg("is not a number (“{value}”)", value=_shown(original)))
    whole = re.sub(r"\D", "", match["whole"]) or "0"
    number = float(f"{whole}.{match['fraction'] or '0'}")
    if not math.isfinite(number):
        raise UnreadableValue(msg("is not a number we can use (“{value}”)", value=_shown(original)))
    return -number if negative else number


def parse_number(value: Cell, decimal_mark: DecimalMark = ".") -> float | None:
    """The number in a cell (None when blank or a dash); raises UnreadableValue otherwise."""
    if is_empty(value):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise UnreadableValue(msg("is not a number (“{value}”)", value=_shown(value)))
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise UnreadableValue(msg("is not a number (“{value}”)", value=_shown(value)))
        return float(value)
    return _number_from_text(_text(value), decimal_mark, value)


def _not_negative(number: float, value: Cell) -> float:
    if number < 0:
        raise UnreadableValue(msg("is negative ({value})", value=_shown(value)))
    return number


def parse_count(value: Cell, decimal_mark: DecimalMark = ".") -> float | None:
    """A count such as likes or views: a whole number, never negative."""
    number = parse_number(value, decimal_mark)
    if number is None:
        return None
    _not_negative(number, value)
    if not number.is_integer():
        raise UnreadableValue(msg("is not a whole number ({value})", value=_shown(value)))
    return number


def parse_percent(
    value: Cell, decimal_mark: DecimalMark = ".", *, bare_is_percent: bool = False
) -> float | None:
    """A rate as a fraction: “4.1 %” gives 0.041; bare numbers are fractions unless told."""
    if is_empty(value):
        return None
    if isinstance(value, str) and _text(value).endswith("%"):
        percent = _number_from_text(_text(value)[:-1].strip(), decimal_mark, value)
        return _fraction(_not_negative(percent, value))
    number = parse_number(value, decimal_mark)
    if number is None:
        return None
    _not_negative(number, value)
    return _fraction(number) if bare_is_percent else number


def _fraction(percent: float) -> float:
    # 4.1 / 100 is 0.040999…; twelve decimals keep every digit an export writes.
    return round(percent / 100, 12)


def parse_duration(value: Cell, decimal_mark: DecimalMark = ".") -> float | None:
    """Seconds from “H:MM:SS”, “M:SS”, a plain number of seconds or a spreadsheet time."""
    if is_empty(value):
        return None
    if isinstance(value, timedelta):
        return _not_negative(value.total_seconds(), value)
    if isinstance(value, time):
        return value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
    if not isinstance(value, str) or ":" not in value:
        number = parse_number(value, decimal_mark)
        return None if number is None else _not_negative(number, value)
    negative, body = _signed(_text(value))
    match = _DURATION.fullmatch(body)
    if match is None or int(match["mm"] or 0) > 59 or float(match["seconds"][:2]) > 59:
        raise UnreadableValue(msg("is not a duration (“{value}”)", value=_shown(value)))
    seconds = (
        int(match["hours"] or 0) * 3600
        + int(match["mm"] or match["minutes"] or 0) * 60
        + float(match["seconds"].replace(",", "."))
    )
    if negative and seconds:
        raise UnreadableValue(msg("is negative ({value})", value=_shown(value)))
    return seconds


def _mark_evidence(value: str) -> DecimalMark | None:
    core = _SPACES.sub("", _signed(_text(value).removesuffix("%").strip())[1])
    if not re.fullmatch(r"\d*[.,][\d.,]*", core):
        return None
    if "." in core and "," in core:
        return "." if core.rfind(".") > core.rfind(",") else ","
    mark: DecimalMark = "." if "." in core else ","
    other: DecimalMark = "," if mark == "." else "."
    if core.count(mark) > 1:
        return other
    whole, fraction = core.split(mark)
    # “12,345” could be either; a grouped thousand never has 4 leading digits or a leading 0.
    if len(fraction) != 3 or whole in ("", "0") or len(whole) > 3:
        return mark
    return None


def detect_decimal_mark(values: Iterable[Cell]) -> DecimalMark | None:
    """The decimal mark the written numbers use, or None when none of them tells."""
    written = Counter(value for value in values if isinstance(value, str))
    votes: Counter[DecimalMark] = Counter()
    for value, count in written.items():
        if mark := _mark_evidence(value):
            votes[mark] += count
    if not votes or votes["."] == votes[","]:
        return None
    return "." if votes["."] > votes[","] else ","


# --- Dates ----------------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan", "janvier", "janv"),
            ("february", "feb", "fevrier", "fevr", "fev"),
            ("march", "mar", "mars"),
            ("april", "apr", "avril", "avr"),
            ("may", "mai"),
            ("june", "jun", "juin"),
            ("july", "jul", "juillet", "juil"),
            ("august", "aug", "aout"),
            ("september", "sep", "sept", "septembre"),
            ("october", "oct", "octobre"),
            ("november", "nov", "novembre"),
            ("december", "dec", "decembre"),
        ),
        start=1,
    )
    for name in names
}
_TIME = (
    r"(?P<hour>\d{1,2})[:h](?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    r"(?:\s*(?P<ampm>[ap])\.?m\.?)?"
)
_AT_TIME = rf"(?:,?\s+(?:at\s+|à\s+)?{_TIME})?"
_NUMERIC_DATE = re.compile(
    rf"(?P<a>\d{{1,2}})(?P<sep>[/.\-])(?P<b>\d{{1,2}})(?P=sep)(?P<year>\d{{4}}){_AT_TIME}", re.I
)
_YEAR_FIRST_DATE = re.compile(
    rf"(?P<year>\d{{4}})/(?P<month>\d{{1,2}})/(?P<day>\d{{1,2}}){_AT_TIME}", re.I
)
_MONTH_FIRST_DATE = re.compile(
    r"(?:[^\W\d_]+,?\s+)?(?P<month>[^\W\d_]+)\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?"
    rf"(?:,?\s+(?P<year>\d{{4}}))?{_AT_TIME}",
    re.I,
)
_DAY_FIRST_DATE = re.compile(
    r"(?:[^\W\d_]+,?\s+)?(?P<day>\d{1,2})(?:er|st|nd|rd|th)?\s+(?P<month>[^\W\d_]+)\.?"
    rf"(?:,?\s+(?P<year>\d{{4}}))?{_AT_TIME}",
    re.I,
)


@dataclass(frozen=True, slots=True)
class DateValue:
    """A date as written: the year may be missing (TikTok's “July 1”), the time may be absent."""

    year: int | None
    month: int
    day: int
    clock: time | None = None

    def on(self, period_start: date, period_end: date) -> date:
        """The date, its year taken from the period when the export left it out."""
        year = self.year or infer_year(self.month, self.day, period_start, period_end)
        return date(year, self.month, self.day)

    def moment(self, period_start: date, period_end: date) -> datetime:
        """The moment in UTC; times without a zone are taken as UTC."""
        clock = self.clock or time(0, 0)
        moment = datetime.combine(self.on(period_start, period_end), clock)
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)


def _month(name: str) -> int | None:
    plain = unicodedata.normalize("NFKD", name.casefold().rstrip("."))
    return _MONTHS.get("".join(c for c in plain if not unicodedata.combining(c)))


def _clock(match: re.Match[str]) -> time | None:
    if match["hour"] is None:
        return None
    hour, minute, second = int(match["hour"]), int(match["minute"]), int(match["second"] or 0)
    if match["ampm"]:
        if not 1 <= hour <= 12:
            raise ValueError("hour out of range")
        hour = hour % 12 + (12 if match["ampm"].lower() == "p" else 0)
    return time(hour, minute, second)


def _checked(year: int | None, month: int, day: int, clock: time | None) -> DateValue:
    date(year or 2000, month, day)  # 2000 is a leap year, so “Feb 29” stays possible
    return DateValue(year, month, day, clock)


@functools.lru_cache(maxsize=4096)  # an export repeats the same few hundred dates
def _date_from_text(text: str, order: DateOrder) -> DateValue:
    if re.match(r"\d{4}-\d{1,2}-\d{1,2}", text):
        moment = datetime.fromisoformat(text)
        clock = moment.timetz() if len(text) > 10 else None
        return DateValue(moment.year, moment.month, moment.day, clock)
    if match := _NUMERIC_DATE.fullmatch(text):
        first, second = int(match["a"]), int(match["b"])
        day_first = order == "dmy" or match["sep"] == "."
        month, day = (second, first) if day_first else (first, second)
        return _checked(int(match["year"]), month, day, _clock(match))
    if match := _YEAR_FIRST_DATE.fullmatch(text):
        return _checked(int(match["year"]), int(match["month"]), int(match["day"]), _clock(match))
    for pattern in (_MONTH_FIRST_DATE, _DAY_FIRST_DATE):
        named = pattern.fullmatch(text)
        if named and (number := _month(named["month"])):
            year = int(named["year"]) if named["year"] else None
            return _checked(year, number, int(named["day"]), _clock(named))
    raise ValueError("no date pattern matches")


def read_date(value: Cell, order: DateOrder = "mdy") -> DateValue | None:
    """A date as written in a cell (None when blank); raises UnreadableValue when it is none."""
    if is_empty(value):
        return None
    if isinstance(value, datetime):
        clock = value.timetz() if value.timetz() != time(0, 0) else None
        return DateValue(value.year, value.month, value.day, clock)
    if isinstance(value, date):
        return DateValue(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            return _date_from_text(_text(value), order)
        except ValueError:
            pass
    raise UnreadableValue(msg("is not a date we can read (“{value}”)", value=_shown(value)))


def detect_date_order(values: Iterable[Cell]) -> DateOrder | None:
    """Month first or day first, told by values such as 25/03/2025; None when none of them tells."""
    votes: Counter[DateOrder] = Counter()
    for value in values:
        if isinstance(value, str) and (match := _NUMERIC_DATE.fullmatch(_text(value))):
            first, second = int(match["a"]), int(match["b"])
            if first > 12 >= second:
                votes["dmy"] += 1
            elif second > 12 >= first:
                votes["mdy"] += 1
    if votes["dmy"] == votes["mdy"]:
        return None
    return "dmy" if votes["dmy"] > votes["mdy"] else "mdy"


def is_ambiguous_date(value: Cell) -> bool:
    """Whether a written date such as 03/04/2025 reads differently month-first and day-first."""
    if not isinstance(value, str):
        return False
    match = _NUMERIC_DATE.fullmatch(_text(value))
    return bool(match and match["sep"] != "." and int(match["a"]) <= 12 and int(match["b"]) <= 12)


def infer_year(month: int, day: int, period_start: date, period_end: date) -> int:
    """The year that puts month/day inside the period (the latest if several, else the nearest)."""
    candidates: list[tuple[int, int]] = []
    for year in range(period_start.year - 1, period_end.year + 2):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if period_start <= candidate <= period_end:
            distance = 0
        else:
            distance = min(abs((candidate - period_start).days), abs((candidate - period_end).days))
        candidates.append((distance, -year))
    if not candidates:
        raise UnreadableValue(
            msg(
                "({month:02}-{day:02}) is not a day of the export's period",
                month=month,
                day=day,
            )
        )
    return -min(candidates)[1]


def parse_date(
    value: Cell, order: DateOrder = "mdy", *, period: tuple[date, date] | None = None
) -> date | None:
    """The date in a cell (None when blank), its year taken from the period when missing."""
    written = read_date(value, order)
    if written is None:
        return None
    if written.year is None and period is None:
        raise UnreadableValue(msg("has no year (“{value}”)", value=_shown(value)))
    start, end = period or (date.min, date.max)
    return written.on(start, end)


def parse_datetime(
    value: Cell, order: DateOrder = "mdy", *, period: tuple[date, date] | None = None
) -> datetime | None:
    """The moment in a cell in UTC (None when blank); times without a zone are taken as UTC."""
    written = read_date(value, order)
    if written is None:
        return None
    if written.year is None and period is None:
        raise UnreadableValue(msg("has no year (“{value}”)", value=_shown(value)))
    start, end = period or (date.min, date.max)
    return written.moment(start, end)


# --- Text encodings -------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """The text of a CSV export: BOMs first, then strict UTF-8, then a guess among cp1252/UTF-16."""
    try:
        if data.startswith(codecs.BOM_UTF8):
            return data[len(codecs.BOM_UTF8) :].decode("utf-8")
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
    except UnicodeDecodeError:
        raise InvalidInput(
            N_("This file is damaged (its text encoding is inconsistent); export it again.")
        ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Real exports come as UTF-8, UTF-16 or Windows-1252; guessing wider picks odd code pages.
    best = from_bytes(data, cp_isolation=["cp1252", "utf_16_le", "utf_16_be"]).best()
    if best is None:
        raise InvalidInput(
            N_(
                "Spotlight cannot tell how the text of this file is encoded; "
                "save it again as “CSV UTF-8” and upload that."
            )
        )
    return str(best)
