"""Synthetic engagement frames, as the Reach page receives them: small by default, deterministic.

`metrics_data()` makes a dozen posts for quick tests; `metrics_data(posts=2000, days=667)` makes
the benchmark's full size (1,500 posts with daily rows x 667 days, about 1,000,000 rows). Every
figure is drawn with numpy in whole arrays, never in Python loops over rows, so the full size
builds in about a second.

What makes it look real:
- posts go out on weekdays more than at weekends, mostly between 8:00 and 20:00 local time;
- daily impressions fall fast after publication (most of a post's life is its first days),
  then a long tail, with a weekly rhythm (networks are quieter at weekends);
- video networks give views, watch time, average view duration and a completion rate;
- each network leaves out what it does not report (NaN): LinkedIn has no saves, YouTube no
  reach, saves or link clicks, TikTok no link clicks; LinkedIn gives its own engagement rate;
- a quarter of the posts have only lifetime snapshots, a quarter have both snapshots and daily
  rows (the snapshot a little higher: daily exports miss the first hours), half only daily rows.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from campaigns.engagement.analytics import METRICS, MetricsData

FIRST_DAY = date(2025, 9, 1)
PUBLISHING_DAYS = 365
ACCOUNTS = (
    # account_id, account, network, time zone
    (1, "School Instagram", "instagram", "Europe/Paris"),
    (2, "School LinkedIn", "linkedin", "Europe/Paris"),
    (3, "School TikTok", "tiktok", "Europe/Paris"),
    (4, "School YouTube", "youtube", "Europe/Paris"),
    (5, "Montreal campus Instagram", "instagram", "America/Toronto"),
    (6, "School Facebook", "facebook", "Europe/Paris"),
)
CAMPAIGNS = (
    (1, "Back to school 2025", ("woman_in_tech",)),
    (2, "Career changers", ("career_change", "over_45")),
    (3, "Disability and tech", ("disability",)),
    (4, "Alumni portraits", ()),
    (5, "Open days", ("woman_in_tech", "first_generation")),
    (6, "Apprenticeships", ("first_generation",)),
)
FIRST_NAMES = (
    "Amina",
    "Lucas",
    "Chloé",
    "Karim",
    "Sofia",
    "Thomas",
    "Inès",
    "Malik",
    "Léa",
    "Yann",
)
FAMILY_NAMES = ("Diallo", "Martin", "Nguyen", "Bernard", "Haddad", "Petit", "Moreau", "Kowalski")
RATIOS = {"average_view_duration_seconds", "completion_rate", "engagement_rate"}
VIDEO_NETWORKS = {"tiktok", "youtube", "instagram"}
# What each network leaves out of its exports.
NOT_GIVEN = {
    "instagram": {"link_clicks", "engagement_rate"},
    "linkedin": {"saves"},
    "tiktok": {"link_clicks", "engagement_rate"},
    "youtube": {"reach", "saves", "link_clicks", "engagement_rate"},
    "facebook": {"saves", "engagement_rate", "completion_rate"},
}
# Relative audience per weekday, Monday first.
WEEKDAY_RHYTHM = np.array([1.05, 1.1, 1.1, 1.05, 0.95, 0.75, 0.7])
SCALE = {
    "instagram": 900.0,
    "linkedin": 1500.0,
    "tiktok": 2500.0,
    "youtube": 600.0,
    "facebook": 400.0,
}


def metrics_data(posts: int = 12, days: int = 30, seed: int = 7) -> MetricsData:
    """Frames for `posts` posts; those with daily rows have `days` of them from publication."""
    rng = np.random.default_rng(seed)
    frame = _posts(rng, posts)
    kinds = rng.permutation(np.arange(posts) % 4)  # 0, 1: daily only; 2: both; 3: snapshots only
    base = rng.lognormal(0.0, 0.6, posts) * frame["network"].map(SCALE).to_numpy()
    video = frame["network"].isin(VIDEO_NETWORKS).to_numpy() | (rng.random(posts) < 0.2)
    completion = np.where(video, rng.beta(4, 5, posts), np.nan)
    length = rng.uniform(20, 120, posts)
    local_day = _local_days(frame)
    return MetricsData(
        posts=frame,
        people=_people(rng, frame["post_id"].to_numpy()),
        groups=_groups(frame),
        daily=_daily(rng, frame, kinds < 3, days, base, video, completion, length, local_day),
        snapshots=_snapshots(rng, frame, kinds >= 2, base, video, completion, length, local_day),
    )


def _posts(rng: np.random.Generator, count: int) -> pd.DataFrame:
    accounts = pd.DataFrame(ACCOUNTS, columns=["account_id", "account", "network", "zone"])
    campaigns = pd.DataFrame(
        [(i, name) for i, name, _ in CAMPAIGNS], columns=["campaign_id", "campaign"]
    )
    account_rows = accounts.iloc[rng.integers(0, len(accounts), count)].reset_index(drop=True)
    campaign_rows = campaigns.iloc[rng.integers(0, len(campaigns), count)].reset_index(drop=True)
    # More posts on weekdays, and at office hours with a lunchtime and an evening peak.
    day_weights = np.tile([1.0, 1.0, 1.0, 1.0, 0.9, 0.35, 0.25], PUBLISHING_DAYS // 7 + 1)
    day_weights = day_weights[:PUBLISHING_DAYS] / day_weights[:PUBLISHING_DAYS].sum()
    hour_weights = np.array([0.2] * 7 + [2, 3, 3, 2, 2, 4, 3, 2, 2, 2, 2, 3, 4, 3, 2, 1, 0.5])
    offsets = rng.choice(PUBLISHING_DAYS, count, p=day_weights)
    hours = rng.choice(24, count, p=hour_weights / hour_weights.sum())
    minutes = rng.integers(0, 4, count) * 15
    local = (
        pd.Timestamp(FIRST_DAY)
        + pd.to_timedelta(offsets, unit="D")
        + pd.to_timedelta(hours, unit="h")
        + pd.to_timedelta(minutes, unit="min")
    )
    published = pd.Series(pd.NaT, index=range(count), dtype="datetime64[ns, UTC]")
    for zone in account_rows["zone"].unique():
        mask = (account_rows["zone"] == zone).to_numpy()
        published[mask] = (
            pd.DatetimeIndex(local[mask])
            .tz_localize(zone, nonexistent="shift_forward", ambiguous=False)
            .tz_convert("UTC")
            .as_unit("ns")
        )
    post_ids = np.arange(1, count + 1, dtype=np.int64)
    return pd.DataFrame(
        {
            "post_id": post_ids,
            "campaign_id": campaign_rows["campaign_id"].astype("int64").to_numpy(),
            "campaign": campaign_rows["campaign"].to_numpy(),
            "account_id": account_rows["account_id"].astype("int64").to_numpy(),
            "account": account_rows["account"].to_numpy(),
            "network": account_rows["network"].to_numpy(),
            "published_at": published.to_numpy(),
            "local_weekday": pd.DatetimeIndex(local).day_of_week.to_numpy(),
            "local_hour": pd.DatetimeIndex(local).hour.to_numpy(),
            "text": [f"Meet our graduates, post {i}" for i in post_ids],
            "cover_key": np.where(
                rng.random(count) < 0.8, [f"covers/{i}.jpg" for i in post_ids], ""
            ),
        }
    )


def _local_days(frame: pd.DataFrame) -> np.ndarray:
    """Each post's publication day in its account's zone, as datetime64[D]."""
    zones = frame["account_id"].map({a: z for a, _, _, z in ACCOUNTS})
    days = np.empty(len(frame), dtype="datetime64[D]")
    for zone in zones.unique():
        mask = (zones == zone).to_numpy()
        local = pd.DatetimeIndex(frame.loc[mask, "published_at"]).tz_convert(zone)
        days[mask] = local.tz_localize(None).normalize().to_numpy().astype("datetime64[D]")
    return days


def _people(rng: np.random.Generator, post_ids: np.ndarray) -> pd.DataFrame:
    count = max(4, min(80, len(post_ids) // 25))
    names = np.array(
        [
            f"{FIRST_NAMES[i % 10]} {FAMILY_NAMES[(i // 10) % len(FAMILY_NAMES)]}"
            for i in range(count)
        ]
    )
    featured = rng.choice([0, 1, 2], len(post_ids), p=[0.1, 0.7, 0.2])
    owner = np.repeat(np.arange(len(post_ids)), featured)
    position = np.arange(len(owner)) - np.repeat(np.cumsum(featured) - featured, featured)
    first = rng.integers(0, count, len(post_ids))
    second = (first + rng.integers(1, count, len(post_ids))) % count
    person = np.where(position == 0, first[owner], second[owner])
    rows = post_ids[owner]
    return pd.DataFrame(
        {
            "post_id": rows.astype(np.int64),
            "role_model_id": person.astype(np.int64) + 1,
            "person": names[person],
        }
    )


def _groups(frame: pd.DataFrame) -> pd.DataFrame:
    targets = {campaign_id: groups for campaign_id, _, groups in CAMPAIGNS}
    pairs = [
        (p, g)
        for p, c in zip(frame["post_id"], frame["campaign_id"], strict=True)
        for g in targets[c]
    ]
    return pd.DataFrame(pairs, columns=["post_id", "group"]).astype(
        {"post_id": "int64", "group": "str"}
    )


def _daily(
    rng: np.random.Generator,
    frame: pd.DataFrame,
    tracked: np.ndarray,
    days: int,
    base: np.ndarray,
    video: np.ndarray,
    completion: np.ndarray,
    length: np.ndarray,
    local_day: np.ndarray,
) -> pd.DataFrame:
    index = np.repeat(np.flatnonzero(tracked), days)
    age = np.tile(np.arange(days), int(tracked.sum()))
    day = local_day[index] + age.astype("timedelta64[D]")
    weekday = (day.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    decay = 0.5 * np.exp(-age / 1.5) + 0.06 * np.exp(-age / 25.0) + 0.004
    expected = base[index] * decay * WEEKDAY_RHYTHM[weekday]
    figures = _figures(
        rng,
        frame["network"].to_numpy()[index],
        expected,
        video[index],
        completion[index],
        length[index],
        daily=True,
    )
    return pd.DataFrame(
        {
            "post_id": frame["post_id"].to_numpy()[index],
            "day": day.astype("datetime64[ns]"),
            **figures,
        }
    )


def _snapshots(
    rng: np.random.Generator,
    frame: pd.DataFrame,
    snapshotted: np.ndarray,
    base: np.ndarray,
    video: np.ndarray,
    completion: np.ndarray,
    length: np.ndarray,
    local_day: np.ndarray,
) -> pd.DataFrame:
    # Up to three readings (after 7, 30 and 90 days), cumulative, never falling.
    index = np.repeat(np.flatnonzero(snapshotted), 3)
    reading = np.tile(np.arange(3), int(snapshotted.sum()))
    keep = reading < rng.integers(1, 4, len(index))
    index, reading = index[keep], reading[keep]
    age = np.array([7, 30, 90])[reading]
    lifetime = (
        0.5 * 1.5 * (1 - np.exp(-age / 1.5)) + 0.06 * 25 * (1 - np.exp(-age / 25.0)) + 0.004 * age
    )
    expected = base[index] * lifetime * 1.05
    network = frame["network"].to_numpy()[index]
    figures = _figures(
        rng, network, expected, video[index], completion[index], length[index], daily=False
    )
    as_of = (local_day[index] + age.astype("timedelta64[D]")).astype("datetime64[ns]")
    snapshots = pd.DataFrame(
        {"post_id": frame["post_id"].to_numpy()[index], "as_of": as_of, **figures}
    )
    # Lifetime counts never fall from one reading to the next.
    counts = [m for m in METRICS if m not in RATIOS]
    snapshots[counts] = snapshots.groupby("post_id")[counts].cummax()
    return snapshots


def _figures(
    rng: np.random.Generator,
    network: np.ndarray,
    expected: np.ndarray,
    video: np.ndarray,
    completion: np.ndarray,
    length: np.ndarray,
    *,
    daily: bool,
) -> dict[str, np.ndarray]:
    impressions = rng.poisson(expected).astype(np.float64)
    views = np.where(video, rng.binomial(impressions.astype(np.int64), 0.45), np.nan)
    rate = np.clip(completion + (rng.normal(0, 0.05, len(expected)) if daily else 0.0), 0.0, 1.0)
    watch = views * length * (0.25 + 0.75 * rate)
    likes = rng.binomial(impressions.astype(np.int64), 0.04).astype(np.float64)
    comments = rng.binomial(impressions.astype(np.int64), 0.004).astype(np.float64)
    shares = rng.binomial(impressions.astype(np.int64), 0.003).astype(np.float64)
    clicks = rng.binomial(impressions.astype(np.int64), 0.01).astype(np.float64)
    follows = rng.binomial(impressions.astype(np.int64), 0.001).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        figures = {
            "impressions": impressions,
            "reach": np.floor(impressions * 0.8),
            "video_views": views,
            "watch_time_seconds": np.round(watch, 1),
            "average_view_duration_seconds": np.where(
                views > 0, np.round(watch / views, 2), np.nan
            ),
            "completion_rate": np.where(views > 0, np.round(rate, 4), np.nan),
            "likes": likes,
            "comments": comments,
            "shares": shares,
            "saves": rng.binomial(impressions.astype(np.int64), 0.005).astype(np.float64),
            "link_clicks": clicks,
            "follows": follows,
            "engagement_rate": np.where(
                impressions > 0,
                (likes + comments + shares + clicks + follows) / impressions,
                np.nan,
            ),
        }
    for name, absent in NOT_GIVEN.items():
        mask = network == name
        for metric in absent:
            figures[metric] = np.where(mask, np.nan, figures[metric])
    assert tuple(figures) == METRICS
    return figures
