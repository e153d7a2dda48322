"""Numbers, shares and dates read the way each language writes them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from campaigns import i18n


@pytest.mark.parametrize(
    ("language", "number", "share", "day"),
    [
        ("en", "12,345.7", "25.3%", "30 Nov 2026"),
        ("fr", "12\u202f345,7", "25,3\u00a0%", "30 nov. 2026"),
    ],
)
def test_numbers_shares_and_dates_follow_the_language(
    language: str, number: str, share: str, day: str
) -> None:
    assert i18n.number(12345.67, language, 1) == number
    assert i18n.percent(0.2534, language, 1) == share
    assert i18n.day(date(2026, 11, 30), language) == day


def test_whole_numbers_and_shares_have_no_decimals_unless_asked() -> None:
    assert i18n.number(1234, "en") == "1,234"
    assert i18n.percent(0.25, "fr") == "25\u00a0%"
    assert i18n.percent(0.25, "en", 1) == "25.0%"


def test_times_are_shown_in_their_own_zone() -> None:
    shown = i18n.moment(datetime(2026, 11, 30, 9, 5, tzinfo=UTC), "fr", "short")
    assert "09:05" in shown
    assert shown.startswith("30/11/2026")


@pytest.mark.parametrize(
    ("asked", "language"),
    [("fr-FR", "fr"), ("fr_CA", "fr"), ("en-US", "en"), ("de-DE", "en"), (None, "en"), ("", "en")],
)
def test_a_browser_locale_picks_the_closest_supported_language(
    asked: str | None, language: str
) -> None:
    assert i18n.language_or_default(asked) == language


def test_english_needs_no_catalogue_and_unknown_text_stays_as_written() -> None:
    assert i18n.translate("en", "Today") == "Today"
    assert i18n.translate("fr", "A title somebody typed: Ada's story") == (
        "A title somebody typed: Ada's story"
    )
    assert i18n.translate("en", "{n} posts", n=3) == "3 posts"


def test_charts_use_the_decimal_comma_in_french() -> None:
    french = i18n.chart_locale("fr")["number"]
    assert isinstance(french, dict)
    assert french["decimal"] == ","
    assert i18n.chart_locale("xx") == i18n.chart_locale("en")
