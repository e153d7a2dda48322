"""The Reach page's figures, checked on small hand-made frames whose answers are worked out here."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import pandas as pd
import pytest

from campaigns.engagement.analytics import (
    METRICS,
    Filters,
    MetricsData,
    PreparedData,
    best_times,
    breakdown,
    compare,
    filter_options,
    kpis,
    person_reach,
    prepare,
    top_posts,
    trend,
)
from campaigns.errors import InvalidInput
from tests.fixtures_metrics import metrics_data

INSTAGRAM = (1, "School Instagram", "instagram")
LINKEDIN = (2, "School LinkedIn", "linkedin")
SPRING = (10, "Spring")
AUTUMN = (20, "Autumn")
MARCH = Filters(start=date(2026, 3, 1), end=date(2026, 3, 31))


# --- Hand-made frames -------------------------------------------------------------------------


def post(
    post_id: int,
    published: str = "2026-03-02 09:00",
    *,
    campaign: tuple[int, str] = SPRING,
    account: tuple[int, str, str] = INSTAGRAM,
    local_weekday: int | None = None,
    local_hour: int | None = None,
) -> dict[str, Any]:
    """A post; its account's zone is UTC unless the local weekday and hour say otherwise."""
    at = pd.Timestamp(published, tz="UTC")
    return {
        "post_id": post_id,
        "campaign_id": campaign[0],
        "campaign": campaign[1],
        "account_id": account[0],
        "account": account[1],
        "network": account[2],
        "published_at": at,
        "local_weekday": at.weekday() if local_weekday is None else local_weekday,
        "local_hour": at.hour if local_hour is None else local_hour,
        "text": f"Post {post_id}",
        "cover_key": f"covers/{post_id}.jpg",
    }


def metric_rows(key: str, rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Daily rows (key "day") or snapshots (key "as_of"): every metric not given is NaN."""
    frame = pd.DataFrame(
        [{"post_id": r["post_id"], key: pd.Timestamp(r[key])} for r in rows],
        columns=["post_id", key],
    )
    for metric in METRICS:
        frame[metric] = [float(r.get(metric, math.nan)) for r in rows]
    return frame.astype({"post_id": "int64", key: "datetime64[ns]"})


def prepared(
    posts: Sequence[dict[str, Any]],
    daily: Sequence[Mapping[str, Any]] = (),
    snapshots: Sequence[Mapping[str, Any]] = (),
    people: Sequence[tuple[int, int, str]] = (),
    groups: Sequence[tuple[int, str]] = (),
) -> PreparedData:
    return prepare(
        MetricsData(
            posts=pd.DataFrame(posts, columns=list(post(0))).astype(
                {"post_id": "int64", "campaign_id": "int64", "account_id": "int64"}
                | {"published_at": "datetime64[ns, UTC]", "local_weekday": "int64"}
            ),
            people=pd.DataFrame(people, columns=["post_id", "role_model_id", "person"]).astype(
                {"post_id": "int64", "role_model_id": "int64"}
            ),
            groups=pd.DataFrame(groups, columns=["post_id", "group"]).astype({"post_id": "int64"}),
            daily=metric_rows("day", daily),
            snapshots=metric_rows("as_of", snapshots),
        )
    )


def day(post_id: int, when: str, **figures: float) -> dict[str, Any]:
    return {"post_id": post_id, "day": when, **figures}


def snap(post_id: int, when: str, **figures: float) -> dict[str, Any]:
    return {"post_id": post_id, "as_of": when, **figures}


def nan(value: float) -> bool:
    return math.isnan(value)


# --- Post totals ------------------------------------------------------------------------------


def test_latest_snapshot_beats_the_sum_of_daily_rows() -> None:
    data = prepared(
        [post(1), post(2)],
        daily=[
            day(1, "2026-03-02", impressions=60),
            day(1, "2026-03-03", impressions=40),
            day(2, "2026-03-02", impressions=70),
            day(2, "2026-03-03", impressions=30),
        ],
        snapshots=[
            snap(1, "2026-03-10", impressions=150),
            snap(1, "2026-04-02", impressions=180),  # the latest
        ],
    )
    # Post 1: its latest snapshot, 180 (not 100 from its days); post 2: 70 + 30.
    assert kpis(data, Filters()).impressions == 180 + 100
    assert kpis(data, Filters()).posts == 2


def test_ratios_are_recomputed_from_totals_never_averaged() -> None:
    data = prepared(
        [post(1), post(2)],
        snapshots=[
            snap(1, "2026-03-10", impressions=100, likes=8, comments=2, link_clicks=5,
                 video_views=10, watch_time_seconds=300, completion_rate=0.5,
                 engagement_rate=0.9),  # the network's own rate is ignored: likes are given
            snap(2, "2026-03-10", impressions=900, likes=6, shares=2, saves=1, link_clicks=4,
                 video_views=40, watch_time_seconds=100, completion_rate=0.1),
        ],
    )  # fmt: skip
    figures = kpis(data, Filters())
    # (8 + 2 + 6 + 2 + 1) / (100 + 900), not the mean of 0.10 and 0.01.
    assert figures.engagement_rate == pytest.approx(19 / 1000)
    assert figures.ctr == pytest.approx(9 / 1000)
    assert figures.average_watch_seconds == pytest.approx(400 / 50)
    # Views-weighted: (0.5 x 10 + 0.1 x 40) / 50.
    assert figures.completion_rate == pytest.approx(9 / 50)


def test_a_ratio_falls_back_on_the_networks_own_figure_when_its_parts_are_missing() -> None:
    data = prepared(
        [post(1), post(2)],
        snapshots=[
            snap(1, "2026-03-10", impressions=200, engagement_rate=0.05),  # 10 interactions
            snap(2, "2026-03-10", impressions=300, likes=20, video_views=10,
                 average_view_duration_seconds=12),
        ],
    )  # fmt: skip
    figures = kpis(data, Filters())
    assert figures.engagement_rate == pytest.approx((10 + 20) / 500)
    assert figures.average_watch_seconds == pytest.approx(12)


def test_a_zero_or_missing_denominator_gives_nan_not_an_error() -> None:
    data = prepared(
        [post(1), post(2)],
        snapshots=[
            snap(1, "2026-03-10", impressions=0, likes=0, link_clicks=0),
            snap(2, "2026-03-10", likes=5, watch_time_seconds=60),  # no impressions, no views
        ],
    )
    figures = kpis(data, Filters())
    assert nan(figures.engagement_rate)
    assert nan(figures.ctr)
    assert nan(figures.average_watch_seconds)
    assert nan(figures.completion_rate)
    assert nan(figures.video_views)  # nobody gives views: unknown, not 0
    assert figures.impressions == 0
    assert top_posts(data, Filters(), "engagement_rate").empty


def test_likes_without_impressions_do_not_raise_the_engagement_rate() -> None:
    data = prepared(
        [post(1), post(2)],
        snapshots=[
            snap(1, "2026-03-10", impressions=1000, likes=10),
            snap(2, "2026-03-10", likes=500),  # its network gives no impressions
        ],
    )
    assert kpis(data, Filters()).engagement_rate == pytest.approx(10 / 1000)


# --- Periods ----------------------------------------------------------------------------------


def test_daily_rows_count_by_their_day_and_snapshot_posts_by_publication_day() -> None:
    data = prepared(
        [
            post(1, "2026-02-27 10:00"),  # daily rows only, across February and March
            post(2, "2026-02-27 10:00"),  # snapshots only, published in February
            post(3, "2026-03-05 10:00"),  # snapshots only, published in March
            post(4, "2026-02-20 10:00"),  # both: its snapshot rules, so February
        ],
        daily=[
            day(1, "2026-02-27", impressions=500),
            day(1, "2026-02-28", impressions=200),
            day(1, "2026-03-01", impressions=30),
            day(1, "2026-03-02", impressions=20),
            day(4, "2026-03-02", impressions=999),
        ],
        snapshots=[
            snap(2, "2026-04-30", impressions=4000),
            snap(3, "2026-04-30", impressions=300),
            snap(4, "2026-04-30", impressions=7000),
        ],
    )
    march = kpis(data, MARCH)
    assert march.impressions == 30 + 20 + 300
    assert march.posts == 2
    february = kpis(data, Filters(start=date(2026, 2, 1), end=date(2026, 2, 28)))
    assert february.impressions == 500 + 200 + 4000 + 7000
    assert february.posts == 3


def test_publication_day_is_the_accounts_local_day() -> None:
    # Saturday 28 February, 23:30 UTC is Sunday 1 March, 00:30 in Paris.
    data = prepared(
        [post(1, "2026-02-28 23:30", local_weekday=6, local_hour=0)],
        snapshots=[snap(1, "2026-03-10", impressions=100)],
    )
    assert kpis(data, MARCH).posts == 1
    assert kpis(data, Filters(end=date(2026, 2, 28))).posts == 0


def test_days_with_data_counts_distinct_days_in_the_period() -> None:
    data = prepared(
        [post(1), post(2)],
        daily=[
            day(1, "2026-02-28", impressions=1),
            day(1, "2026-03-02", impressions=1),
            day(2, "2026-03-02", impressions=1),
            day(2, "2026-03-09", impressions=1),
        ],
    )
    assert kpis(data, MARCH).days_with_data == 2
    assert kpis(data, Filters()).days_with_data == 3


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    data = prepared([post(1)], snapshots=[snap(1, "2026-03-10", impressions=1)])
    with pytest.raises(InvalidInput, match="starts after it ends"):
        kpis(data, Filters(start=date(2026, 3, 2), end=date(2026, 3, 1)))


# --- Filters ----------------------------------------------------------------------------------


def filtered_data() -> PreparedData:
    return prepared(
        [
            post(1, campaign=SPRING, account=INSTAGRAM),
            post(2, campaign=SPRING, account=LINKEDIN),
            post(3, campaign=AUTUMN, account=INSTAGRAM),
            post(4, campaign=AUTUMN, account=LINKEDIN),
        ],
        snapshots=[snap(i, "2026-03-10", impressions=10**i) for i in (1, 2, 3, 4)],
        people=[(1, 7, "Amina"), (2, 7, "Amina"), (2, 8, "Lucas"), (4, 8, "Lucas")],
        groups=[(1, "woman_in_tech"), (2, "woman_in_tech"), (3, "disability")],
    )


@pytest.mark.parametrize(
    ("filters", "impressions"),
    [
        (Filters(), 10 + 100 + 1000 + 10000),
        (Filters(campaign_ids=(20,)), 1000 + 10000),
        (Filters(networks=("linkedin",)), 100 + 10000),
        (Filters(account_ids=(1,)), 10 + 1000),
        (Filters(role_model_ids=(8,)), 100 + 10000),
        (Filters(role_model_ids=(7, 8)), 10 + 100 + 10000),
        (Filters(groups=("woman_in_tech",)), 10 + 100),
        (Filters(campaign_ids=(10,), networks=("linkedin",)), 100),
        (Filters(campaign_ids=(10,), groups=("disability",)), math.nan),
    ],
    ids=[
        "none",
        "campaign",
        "network",
        "account",
        "role-model",
        "two-role-models",
        "group",
        "kinds-combine-with-and",
        "nothing-left",
    ],
)
def test_each_kind_of_filter_selects_its_posts(filters: Filters, impressions: float) -> None:
    result = kpis(filtered_data(), filters).impressions
    assert result == impressions or (nan(result) and nan(impressions))


def test_filter_options_list_what_the_data_holds_sorted_by_label() -> None:
    options = filter_options(filtered_data())
    assert options == {
        "campaigns": [(20, "Autumn"), (10, "Spring")],
        "networks": [("instagram", "instagram"), ("linkedin", "linkedin")],
        "accounts": [(1, "School Instagram"), (2, "School LinkedIn")],
        "role_models": [(7, "Amina"), (8, "Lucas")],
        "groups": [("disability", "disability"), ("woman_in_tech", "woman_in_tech")],
    }
    assert type(options["campaigns"][0][0]) is int


# --- Breakdown --------------------------------------------------------------------------------


def test_a_post_featuring_two_people_counts_in_each_persons_row() -> None:
    table = breakdown(filtered_data(), Filters(), "role_model")
    rows = table.set_index("label")
    # Post 2 (100) features both Amina and Lucas.
    assert rows.loc["Amina", "impressions"] == 10 + 100
    assert rows.loc["Lucas", "impressions"] == 100 + 10000
    assert rows.loc["Amina", "posts"] == 2
    assert rows.loc["Lucas", "posts"] == 2
    assert list(table["label"]) == ["Lucas", "Amina"]  # biggest first


def test_breakdown_by_group_counts_a_post_in_each_group_and_keeps_only_chosen_groups() -> None:
    data = filtered_data()
    table = breakdown(data, Filters(), "group").set_index("key")
    assert table.loc["woman_in_tech", "impressions"] == 10 + 100
    assert table.loc["disability", "impressions"] == 1000
    chosen = breakdown(data, Filters(groups=("disability",)), "group")
    assert list(chosen["key"]) == ["disability"]


def test_breakdown_by_campaign_recomputes_ratios_per_row() -> None:
    data = prepared(
        [post(1, campaign=SPRING), post(2, campaign=SPRING), post(3, campaign=AUTUMN)],
        snapshots=[
            snap(1, "2026-03-10", impressions=100, likes=10, link_clicks=1),
            snap(2, "2026-03-10", impressions=300, likes=2, link_clicks=3),
            snap(3, "2026-03-10", impressions=0, likes=0, link_clicks=0),
        ],
    )
    rows = breakdown(data, Filters(), "campaign").set_index("label")
    assert rows.loc["Spring", "engagement_rate"] == pytest.approx(12 / 400)
    assert rows.loc["Spring", "ctr"] == pytest.approx(4 / 400)
    assert rows.loc["Spring", "key"] == 10
    assert nan(rows.loc["Autumn", "ctr"])


def test_an_unknown_breakdown_is_refused() -> None:
    with pytest.raises(InvalidInput):
        breakdown(filtered_data(), Filters(), "colour")  # type: ignore[arg-type]


# --- Trend ------------------------------------------------------------------------------------


def test_trend_shows_weeks_without_data_as_zero_for_counts_and_nan_for_ratios() -> None:
    data = prepared(
        [post(1)],
        daily=[
            day(1, "2026-03-02", impressions=100, likes=5),  # Monday, week of 2 March
            day(1, "2026-03-04", impressions=50, likes=1),
            day(1, "2026-03-17", impressions=10, likes=2),  # week of 16 March
        ],
    )
    counts = trend(data, Filters(), "impressions", "W")
    assert list(counts["period"]) == [
        pd.Timestamp(d) for d in ("2026-03-02", "2026-03-09", "2026-03-16")
    ]
    assert list(counts["value"]) == [150, 0, 10]
    rates = trend(data, Filters(), "engagement_rate", "W")["value"].tolist()
    assert rates[0] == pytest.approx(6 / 150)
    assert nan(rates[1])
    assert rates[2] == pytest.approx(2 / 10)


def test_trend_covers_the_whole_period_chosen_by_day_and_month() -> None:
    data = prepared([post(1)], daily=[day(1, "2026-03-03", impressions=7)])
    daily = trend(data, Filters(start=date(2026, 3, 1), end=date(2026, 3, 4)), "impressions", "D")
    assert daily["value"].tolist() == [0, 0, 7, 0]
    monthly = trend(
        data, Filters(start=date(2026, 2, 15), end=date(2026, 4, 2)), "impressions", "M"
    )
    assert monthly["period"].tolist() == [
        pd.Timestamp(d) for d in ("2026-02-01", "2026-03-01", "2026-04-01")
    ]
    assert monthly["value"].tolist() == [0, 7, 0]


def test_trend_of_a_metric_nobody_gives_is_unknown_not_zero() -> None:
    data = prepared([post(1)], daily=[day(1, "2026-03-02", impressions=5)])
    assert trend(data, Filters(), "saves", "D")["value"].isna().all()


def test_trend_of_an_unknown_metric_or_period_is_refused() -> None:
    data = prepared([post(1)], daily=[day(1, "2026-03-02", impressions=5)])
    with pytest.raises(InvalidInput):
        trend(data, Filters(), "happiness", "D")
    with pytest.raises(InvalidInput):
        trend(data, Filters(), "impressions", "Y")  # type: ignore[arg-type]


# --- Compare ----------------------------------------------------------------------------------


def test_compare_gives_the_relative_change_and_nan_when_a_is_zero() -> None:
    data = prepared(
        [post(1, "2026-02-10 10:00"), post(2, "2026-03-10 10:00")],
        snapshots=[
            snap(1, "2026-04-30", impressions=200, link_clicks=0),
            snap(2, "2026-04-30", impressions=300, link_clicks=6),
        ],
    )
    table = compare(data, Filters(end=date(2026, 2, 28)), MARCH).set_index("kpi")
    assert table.loc["impressions", "a"] == 200
    assert table.loc["impressions", "b"] == 300
    assert table.loc["impressions", "change"] == pytest.approx(0.5)
    assert nan(table.loc["link_clicks", "change"])  # from 0 clicks to 6
    assert list(table.index)[:3] == ["posts", "impressions", "reach"]


# --- Top posts --------------------------------------------------------------------------------


def test_top_and_bottom_posts_are_ordered_with_ties_broken_by_post_id() -> None:
    data = prepared(
        [post(i) for i in (1, 2, 3, 4, 5)],
        snapshots=[
            snap(1, "2026-03-10", likes=30),
            snap(3, "2026-03-10", likes=50),
            snap(2, "2026-03-10", likes=50),
            snap(4, "2026-03-10", likes=10),
            snap(5, "2026-03-10", impressions=3),  # no likes given: not ranked
        ],
    )
    top = top_posts(data, Filters(), "likes", n=3)
    assert top["post_id"].tolist() == [2, 3, 1]
    assert top["value"].tolist() == [50, 50, 30]
    assert top.columns.tolist() == [
        "post_id", "campaign", "account", "network", "published_at", "text", "cover_key", "value",
    ]  # fmt: skip
    bottom = top_posts(data, Filters(), "likes", n=3, bottom=True)
    assert bottom["post_id"].tolist() == [4, 1, 2]


def test_top_posts_by_a_ratio_rank_each_posts_own_ratio() -> None:
    data = prepared(
        [post(1), post(2)],
        snapshots=[
            snap(1, "2026-03-10", impressions=1000, link_clicks=20),
            snap(2, "2026-03-10", impressions=100, link_clicks=5),
        ],
    )
    top = top_posts(data, Filters(), "ctr")
    assert top["post_id"].tolist() == [2, 1]
    assert top["value"].tolist() == pytest.approx([0.05, 0.02])


# --- People -----------------------------------------------------------------------------------


def test_person_reach_counts_a_shared_post_for_both_and_fills_empty_weeks() -> None:
    data = prepared(
        [post(1, "2026-03-02 10:00"), post(2, "2026-03-17 10:00")],
        daily=[day(1, "2026-03-02", impressions=40), day(1, "2026-03-03", impressions=60)],
        snapshots=[snap(2, "2026-04-01", impressions=500)],  # counts in its publication week
        people=[(1, 7, "Amina"), (1, 8, "Lucas"), (2, 8, "Lucas")],
    )
    table = person_reach(data, Filters(), "W")
    values = {(r.person, r.period.date()): r.impressions for r in table.itertuples()}
    assert values == {
        ("Amina", date(2026, 3, 2)): 100,
        ("Amina", date(2026, 3, 9)): 0,
        ("Amina", date(2026, 3, 16)): 0,
        ("Lucas", date(2026, 3, 2)): 100,
        ("Lucas", date(2026, 3, 9)): 0,
        ("Lucas", date(2026, 3, 16)): 500,
    }
    by_person = breakdown(data, Filters(), "role_model").set_index("label")["impressions"]
    assert table.groupby("person")["impressions"].sum().to_dict() == by_person.to_dict()


def test_person_reach_keeps_only_the_chosen_people() -> None:
    data = filtered_data()
    table = person_reach(data, Filters(role_model_ids=(8,)), "M")
    assert set(table["person"]) == {"Lucas"}
    assert table["impressions"].sum() == 100 + 10000


# --- Best times -------------------------------------------------------------------------------


def test_best_times_pools_each_slot_and_flags_slots_with_too_few_posts() -> None:
    # Three Monday 9:00 posts on the account, one Tuesday 18:00 post, one post elsewhere.
    data = prepared(
        [
            post(1, "2026-03-02 09:00"),
            post(2, "2026-03-09 09:15"),
            post(3, "2026-03-16 09:40"),
            post(4, "2026-03-03 18:00"),
            post(5, "2026-03-02 09:00", account=LINKEDIN),
        ],
        snapshots=[
            snap(1, "2026-04-01", impressions=100, likes=10),
            snap(2, "2026-04-01", impressions=100, likes=4),
            snap(3, "2026-04-01", impressions=200, likes=6),
            snap(4, "2026-04-01", impressions=100, likes=50),
            snap(5, "2026-04-01", impressions=100, likes=90),
        ],
    )
    table = best_times(data, account_id=1, min_posts=3)
    assert len(table) == 7 * 24
    slots = table.set_index(["weekday", "hour"])
    assert slots.loc[(0, 9), "posts"] == 3
    assert slots.loc[(0, 9), "engagement_rate"] == pytest.approx(20 / 400)
    assert bool(slots.loc[(0, 9), "enough"]) is True
    assert slots.loc[(1, 18), "posts"] == 1
    assert bool(slots.loc[(1, 18), "enough"]) is False
    assert slots.loc[(2, 9), "posts"] == 0
    assert nan(slots.loc[(2, 9), "engagement_rate"])


def test_no_data_gives_empty_answers_not_errors() -> None:
    data = prepared([])
    assert kpis(data, MARCH).posts == 0
    assert nan(kpis(data, Filters()).impressions)
    assert breakdown(data, MARCH, "role_model").empty
    assert top_posts(data, MARCH, "likes").empty
    assert person_reach(data, Filters(), "W").empty
    assert trend(data, Filters(), "impressions", "D").empty
    assert not best_times(data, 1)["enough"].any()
    assert filter_options(data)["campaigns"] == []


# --- The synthetic data -----------------------------------------------------------------------


def test_the_synthetic_data_is_deterministic_and_every_figure_comes_out() -> None:
    first, second = metrics_data(seed=3), metrics_data(seed=3)
    pd.testing.assert_frame_equal(first.daily, second.daily)
    data = prepare(first)
    everything = kpis(data, Filters())
    assert everything.posts == len(first.posts)
    assert 0 < everything.engagement_rate < 1
    assert 0 < everything.completion_rate < 1
    assert not trend(data, Filters(), "impressions", "W").empty
    assert (first.daily.groupby("post_id")["day"].count() == 30).all()
    assert datetime(2025, 9, 1) <= first.daily["day"].min().to_pydatetime()
