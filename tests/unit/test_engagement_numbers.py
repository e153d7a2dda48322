"""Numbers, rates, durations, dates and encodings as analytics exports write them."""

from __future__ import annotations

import codecs
import contextlib
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaigns.engagement.numbers import (
    DecimalMark,
    UnreadableValue,
    decode_text,
    detect_date_order,
    detect_decimal_mark,
    infer_year,
    parse_count,
    parse_date,
    parse_datetime,
    parse_duration,
    parse_number,
    parse_percent,
    read_date,
)
from campaigns.errors import InvalidInput

SPACES = [" ", "\u00a0", "\u2009", "\u202f"]


# --- Numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize("space", SPACES, ids=["space", "nbsp", "thin", "narrow-nbsp"])
def test_space_separated_thousands_are_one_number(space: str) -> None:
    assert parse_number(f"12{space}345") == 12345
    assert parse_number(f"1{space}234{space}567,5", ",") == 1234567.5


def test_comma_thousands_and_decimal_comma_follow_the_files_decimal_mark() -> None:
    assert parse_number("1,234,567") == 1234567
    assert parse_number("12,5", ",") == 12.5
    assert parse_number("1.234,5", ",") == 1234.5
    assert parse_number("1,234.5", ".") == 1234.5


def test_ambiguous_comma_with_three_digits_is_read_with_the_given_mark() -> None:
    assert parse_number("12,345", ".") == 12345
    assert parse_number("12,345", ",") == pytest.approx(12.345)


@pytest.mark.parametrize("text", ["12,5", "1.234.567", "0,123"])
def test_a_number_written_with_the_other_decimal_mark_is_unreadable(text: str) -> None:
    with pytest.raises(UnreadableValue, match="is not a number"):
        parse_number(text, ".")


@pytest.mark.parametrize("value", [None, "", "  ", "-", "--", "—"])
def test_blanks_and_dashes_mean_no_figure(value: str | None) -> None:
    assert parse_number(value) is None
    assert parse_count(value) is None
    assert parse_percent(value) is None
    assert parse_duration(value) is None


@pytest.mark.parametrize("text", ["-3", "−3", "(3)"])
def test_a_negative_count_is_refused_with_the_value_shown(text: str) -> None:
    with pytest.raises(UnreadableValue) as error:
        parse_count(text)
    assert error.value.reason == f"is negative ({text})"


def test_a_count_with_a_fraction_is_refused() -> None:
    with pytest.raises(UnreadableValue, match="not a whole number"):
        parse_count("12,345", ",")


def test_spreadsheet_numbers_are_taken_as_they_are() -> None:
    assert parse_count(1234.0) == 1234
    assert parse_number(0.0523) == 0.0523


@pytest.mark.parametrize("value", ["abc", "12a", "1 2", "1,23,456", "nan", True])
def test_anything_else_is_not_a_number(value: str | bool) -> None:
    with pytest.raises(UnreadableValue, match="is not a number"):
        parse_number(value)


def test_a_number_too_large_for_a_figure_is_refused() -> None:
    with pytest.raises(UnreadableValue, match="not a number we can use"):
        parse_number("9" * 400)


def test_detect_decimal_mark_uses_the_unambiguous_values() -> None:
    assert detect_decimal_mark(["1 234", "12,5", "3"]) == ","
    assert detect_decimal_mark(["1,234,567", "12,345"]) == "."
    assert detect_decimal_mark(["1.234,56"]) == ","
    assert detect_decimal_mark(["4.1 %"]) == "."


def test_detect_decimal_mark_says_nothing_when_every_value_is_ambiguous() -> None:
    assert detect_decimal_mark(["12,345", "1 000", "7", 3.5]) is None


# --- Rates and durations --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "mark"), [("4.1 %", "."), ("4,1 %", ","), ("4,1\u00a0%", ","), ("4.1%", ".")]
)
def test_a_percentage_becomes_a_fraction(text: str, mark: DecimalMark) -> None:
    assert parse_percent(text, mark) == 0.041


def test_a_bare_rate_is_a_fraction_unless_the_column_is_in_percent() -> None:
    assert parse_percent("0.053") == 0.053
    assert parse_percent("47.37", bare_is_percent=True) == 0.4737


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("0:01:05", 65), ("1:05", 65), ("1:00:00", 3600), ("75:30", 4530), ("12.5", 12.5)],
)
def test_durations_become_seconds(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


def test_spreadsheet_times_and_durations_become_seconds() -> None:
    assert parse_duration(time(0, 1, 5)) == 65
    assert parse_duration(timedelta(minutes=2)) == 120


@pytest.mark.parametrize("text", ["1:75", "1:60:00", "a:bc", "1::2"])
def test_an_impossible_duration_is_unreadable(text: str) -> None:
    with pytest.raises(UnreadableValue, match="is not a duration"):
        parse_duration(text)


def test_a_negative_duration_is_refused() -> None:
    with pytest.raises(UnreadableValue, match="is negative"):
        parse_duration("-0:05")


# --- Dates ----------------------------------------------------------------------------------


def test_iso_dates_and_times_are_read_and_put_in_utc() -> None:
    assert parse_date("2025-03-04") == date(2025, 3, 4)
    assert parse_datetime("2025-03-04 14:05") == datetime(2025, 3, 4, 14, 5, tzinfo=UTC)
    assert parse_datetime("2025-03-04T14:05:00+02:00") == datetime(2025, 3, 4, 12, 5, tzinfo=UTC)


def test_slashed_dates_follow_the_order_given() -> None:
    assert parse_date("03/04/2025", "mdy") == date(2025, 3, 4)
    assert parse_date("03/04/2025", "dmy") == date(2025, 4, 3)
    assert parse_datetime("07/01/2025 2:05 PM") == datetime(2025, 7, 1, 14, 5, tzinfo=UTC)


def test_date_order_is_told_by_a_first_part_above_twelve() -> None:
    assert detect_date_order(["03/04/2025", "25/03/2025 10:00"]) == "dmy"
    assert detect_date_order(["03/04/2025", "12/25/2025"]) == "mdy"
    assert detect_date_order(["03/04/2025", "2025-01-01"]) is None


def test_a_day_above_twelve_in_month_first_order_is_unreadable() -> None:
    with pytest.raises(UnreadableValue, match="not a date"):
        parse_date("25/03/2025", "mdy")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jul 1, 2025", date(2025, 7, 1)),
        ("July 1, 2025", date(2025, 7, 1)),
        ("Tuesday, July 1, 2025", date(2025, 7, 1)),
        ("1 juil. 2025", date(2025, 7, 1)),
        ("1er juillet 2025", date(2025, 7, 1)),
        ("14 févr. 2025 à 14h05", date(2025, 2, 14)),
        ("3 août 2025", date(2025, 8, 3)),
        ("Dec 31, 2024", date(2024, 12, 31)),
    ],
)
def test_english_and_french_month_names_are_read(text: str, expected: date) -> None:
    assert parse_date(text) == expected


def test_a_date_without_a_year_takes_it_from_the_period() -> None:
    june = (date(2025, 6, 1), date(2025, 6, 30))
    assert parse_date("June 12", period=june) == date(2025, 6, 12)
    assert parse_date("1 juillet", period=june) == date(2025, 7, 1)


def test_a_date_without_a_year_and_no_period_is_unreadable() -> None:
    with pytest.raises(UnreadableValue, match="has no year"):
        parse_date("July 1")


def test_year_inference_crosses_the_new_year() -> None:
    start, end = date(2024, 12, 15), date(2025, 1, 14)
    assert infer_year(12, 20, start, end) == 2024
    assert infer_year(1, 3, start, end) == 2025


def test_year_inference_picks_the_nearest_year_outside_the_period() -> None:
    assert infer_year(7, 1, date(2025, 6, 1), date(2025, 6, 30)) == 2025
    assert infer_year(12, 31, date(2025, 1, 2), date(2025, 1, 31)) == 2024


def test_february_29_lands_on_a_leap_year() -> None:
    assert infer_year(2, 29, date(2024, 1, 1), date(2024, 12, 31)) == 2024
    with pytest.raises(UnreadableValue):
        infer_year(2, 29, date(2026, 1, 1), date(2026, 12, 31))


def test_spreadsheet_dates_keep_their_time() -> None:
    written = read_date(datetime(2025, 6, 3, 9, 30))
    assert written is not None
    assert written.moment(date.min, date.max) == datetime(2025, 6, 3, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize("text", ["32/01/2025", "2025-02-30", "Smarch 3", "yesterday", "13:05"])
def test_impossible_dates_are_unreadable(text: str) -> None:
    with pytest.raises(UnreadableValue, match="not a date"):
        read_date(text, "dmy")


# --- Encodings ------------------------------------------------------------------------------

TEXT = "Titre,Vues\nÉté à Paris – fête,12\nCafé crème,3\n"


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.encode("utf-8"),
        TEXT.encode("utf-16"),
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        TEXT.encode("cp1252"),
    ],
    ids=["utf8-bom", "utf8", "utf16-le-bom", "utf16-be-bom", "cp1252"],
)
def test_export_text_is_decoded_whatever_its_encoding(data: bytes) -> None:
    assert decode_text(data) == TEXT


def test_a_broken_utf16_file_is_refused_with_a_sentence() -> None:
    with pytest.raises(InvalidInput, match="damaged"):
        decode_text(codecs.BOM_UTF16_LE + b"\x00\xd8")


# --- Properties -----------------------------------------------------------------------------


@given(st.integers(min_value=0, max_value=10**12), st.sampled_from([*SPACES, ","]))
def test_any_count_with_thousands_separators_reads_back(number: int, separator: str) -> None:
    written = f"{number:,}".replace(",", separator)
    assert parse_count(written, ".") == number


@given(
    st.integers(min_value=0, max_value=10**9),
    st.text(alphabet="0123456789", min_size=1, max_size=6).filter(lambda d: len(d) != 3),
    st.sampled_from([".", ","]),
)
def test_any_decimal_reads_back_and_tells_its_mark(
    whole: int, digits: str, mark: DecimalMark
) -> None:
    group = "\u202f" if mark == "," else ","
    written = f"{whole:,}".replace(",", group) + mark + digits
    assert detect_decimal_mark([written]) == mark
    assert parse_number(written, mark) == pytest.approx(float(f"{whole}.{digits}"))


@given(st.integers(min_value=0, max_value=100_000), st.sampled_from([".", ","]))
def test_any_percentage_reads_back_as_a_fraction(tenths: int, mark: DecimalMark) -> None:
    written = f"{tenths // 10}{mark}{tenths % 10} %"
    assert parse_percent(written, mark) == pytest.approx(tenths / 1000)


@given(st.integers(min_value=0, max_value=10 * 3600))
def test_any_duration_reads_back_in_seconds(seconds: int) -> None:
    hours, rest = divmod(seconds, 3600)
    assert parse_duration(f"{hours}:{rest // 60:02}:{rest % 60:02}") == seconds


@given(st.integers(min_value=1, max_value=10**9))
def test_no_negative_count_gets_through(number: int) -> None:
    with pytest.raises(UnreadableValue, match="negative"):
        parse_count(f"-{number:,}")


@given(st.text(max_size=30), st.sampled_from([".", ","]))
def test_any_text_is_read_or_refused_as_unreadable(text: str, mark: DecimalMark) -> None:
    # Any other exception fails the test: a stray ValueError would become a traceback.
    for read in (lambda: parse_number(text, mark), lambda: parse_duration(text, mark)):
        with contextlib.suppress(UnreadableValue):
            read()
    with contextlib.suppress(UnreadableValue):
        read_date(text)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)), st.booleans())
def test_any_written_date_reads_back(day: date, day_first: bool) -> None:
    written = f"{day:%d/%m/%Y}" if day_first else f"{day:%m/%d/%Y}"
    assert parse_date(written, "dmy" if day_first else "mdy") == day
    assert parse_date(f"{day:%B} {day.day}, {day.year}") == day
