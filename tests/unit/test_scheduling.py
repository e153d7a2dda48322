"""Scheduling rules: tracking codes and links, daylight-saving edges, network text limits."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from campaigns.errors import InvalidInput
from campaigns.scheduling import (
    campaign_code,
    network_length,
    next_good_slots,
    text_problems,
    to_local,
    to_utc,
    tracked_link,
    utf16_length,
)


def test_campaign_codes_are_ascii_and_dashed() -> None:
    assert campaign_code("Women in tech — spring intake") == "women-in-tech-spring-intake"
    assert campaign_code("Semaine de l'emploi des personnes handicapées") == (
        "semaine-de-l-emploi-des-personnes-handicapees"
    )
    with pytest.raises(InvalidInput):
        campaign_code("—!")


def test_tracked_links_carry_every_utm_parameter_and_keep_others() -> None:
    link = tracked_link(
        "https://school.example/apply?lang=fr&utm_source=old", "instagram", "wit-spring", 42, 7
    )
    query = parse_qs(urlsplit(link).query)
    assert query == {
        "lang": ["fr"],
        "utm_source": ["instagram"],
        "utm_medium": ["social"],
        "utm_campaign": ["wit-spring"],
        "utm_content": ["post-42"],
        "utm_term": ["rm-7"],
    }


def test_a_link_that_is_not_a_web_address_is_refused() -> None:
    with pytest.raises(InvalidInput, match="is not a web address"):
        tracked_link("javascript:alert(1)", "x", "c", 1, None)


def test_ordinary_times_convert_both_ways() -> None:
    planned = to_utc(datetime(2026, 6, 15, 18, 0), "Europe/Paris")
    assert planned.utc == datetime(2026, 6, 15, 16, 0, tzinfo=UTC)
    assert planned.note == ""
    assert to_local(planned.utc, "Europe/Paris").hour == 18


def test_a_time_skipped_by_the_clocks_going_forward_is_refused() -> None:
    with pytest.raises(InvalidInput, match="does not exist in Europe/Paris"):
        to_utc(datetime(2026, 3, 29, 2, 30), "Europe/Paris")


def test_a_time_that_happens_twice_takes_the_first_and_says_so() -> None:
    planned = to_utc(datetime(2026, 10, 25, 2, 30), "Europe/Paris")
    assert planned.utc == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert "happens twice" in planned.note


def test_the_gap_between_zones_follows_each_zones_own_clock_changes() -> None:
    def gap(day: int) -> float:
        london = to_utc(datetime(2026, 3, day, 9, 0), "Europe/London").utc
        new_york = to_utc(datetime(2026, 3, day, 9, 0), "America/New_York").utc
        return (new_york - london).total_seconds() / 3600

    # The United States change clocks on 8 March, the United Kingdom on 29 March.
    assert (gap(2), gap(20), gap(30)) == (5, 4, 5)


def test_emoji_count_as_networks_count_them() -> None:
    assert utf16_length("🎉") == 2
    assert utf16_length("é") == 1
    assert network_length("See https://school.example/a/very/long/path/indeed", "x") == 4 + 23


def test_text_over_the_network_limit_is_blocked() -> None:
    assert text_problems("a" * 280, [], "x") == []
    (problem,) = text_problems("a" * 279 + "🎉", [], "x")
    assert "281 characters long as X counts them; the most is 280" in problem


def test_too_many_hashtags_on_instagram() -> None:
    (problem,) = text_problems("Hello", ["#a", "#b", "#c", "#d", "#e", "#f"], "instagram")
    assert problem == "Instagram takes at most 5 hashtags; this post has 6."


def test_control_characters_are_refused() -> None:
    assert text_problems("Hello\x07 world", [], "linkedin")


def test_good_slots_are_in_the_future_and_in_the_account_zone() -> None:
    now = datetime(2026, 11, 29, 20, 0, tzinfo=UTC)
    slots = next_good_slots("linkedin", now, "Europe/Paris")
    assert len(slots) == 3
    assert all(slot > now for slot in slots)
    assert all(slot.tzinfo is not None and slot.utcoffset() is not None for slot in slots)


def test_good_slots_follow_the_accounts_own_history_when_given() -> None:
    from campaigns.scheduling import next_good_slots

    monday_morning = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday, 09:00 in Paris
    learned = next_good_slots(
        "instagram", monday_morning, "Europe/Paris", learned=[(2, 19), (4, 7)]
    )
    assert [(s.weekday(), s.hour) for s in learned] == [(2, 19), (4, 7), (2, 19)]
    usual = next_good_slots("instagram", monday_morning, "Europe/Paris")
    assert [(s.weekday(), s.hour) for s in usual] != [(2, 19), (4, 7), (2, 19)]
