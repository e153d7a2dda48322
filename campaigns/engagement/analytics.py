"""The Reach page's figures, computed from metric frames held in memory.

DESIGN.md, "Analytics read path": another module loads the frames from the database once per
import; `prepare` runs once per load and every function here then answers a filter change in
milliseconds. Nothing here reads a database or imports Streamlit.

The rules every function follows:

- **Post totals.** A post's counts (impressions, reach, views, watch time, likes, comments,
  shares, saves, link clicks, follows) come from its latest snapshot when it has one (lifetime
  totals, read on the latest `as_of`), else from the sum of its daily rows. A count a post never
  reports stays NaN (shown as "—"), and so does a sum over posts that all leave it out.
- **Periods.** With a start or an end date, a post whose totals come from a snapshot counts in
  the period when its publication day (in its account's zone) is inside it, with its lifetime
  totals; a post with only daily rows counts through its rows whose own day is inside it. So each
  post is counted once in any split of time, and comparing two periods never counts it twice.
- **Ratios are never summed.** Each is a sum of numerators over a sum of denominators, taken
  only from rows that give both, and recomputed at every level (row, post, group, period):
  engagement rate = (likes + comments + shares + saves) / impressions (the network's own rate
  times impressions when a row gives none of the four), CTR = link clicks / impressions, average
  watch time = watch time / views (average view duration times views when watch time is missing),
  completion rate = the views-weighted mean of the completion rates given. A zero or missing
  denominator gives NaN, never a division error.
- **Reach is not additive.** It counts unique people, so a sum of daily reach, or of reach over
  several posts, is an upper bound of the people reached; a post's snapshot reach is exact.
- **Filters.** Kinds combine with "and", values within a kind with "or". A role-model or group
  filter keeps the posts featuring any of them (all their figures); breakdowns by role model or
  by group then show only the chosen ones.

Where the work is done, as measured by bench/bench_reach_queries.py (2,000 posts, 1,000,000
daily rows, 2 cores): sums over the daily rows run in DuckDB, over a table `prepare` builds once
and sorts by day, so that a period reads only its own blocks and SQL's SUM keeps "not given"
apart from 0 for free; everything per post (2,000 rows) runs in pandas. Every call then takes
5-70 ms, 2-20 times faster than the same SQL over the raw frames. numpy's bincount would be a
few ms faster on a quarter but needs twice the passes to keep "not given" apart from 0; pandas'
groupby is no faster than DuckDB on the daily rows.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any, Literal

import duckdb
import numpy as np
import numpy.typing as npt
import pandas as pd

from campaigns.errors import InvalidInput
from campaigns.i18n import N_, msg

METRICS = (
    "impressions",
    "reach",
    "video_views",
    "watch_time_seconds",
    "average_view_duration_seconds",
    "completion_rate",
    "likes",
    "comments",
    "shares",
    "saves",
    "link_clicks",
    "follows",
    "engagement_rate",
)
# Summable figures a post or a day has.
COUNTS = (
    "impressions",
    "reach",
    "video_views",
    "watch_time_seconds",
    "likes",
    "comments",
    "shares",
    "saves",
    "link_clicks",
    "follows",
)
RATIOS = ("engagement_rate", "ctr", "average_view_duration_seconds", "completion_rate")
# Every ratio is carried as two summable columns, numerator and denominator.
PARTS = tuple(f"{ratio}_{part}" for ratio in RATIOS for part in ("num", "den"))
FIGURES = COUNTS + PARTS
# What trend and top_posts accept: every metric, and the click-through rate.
PAGE_METRICS = (*METRICS, "ctr")

Freq = Literal["D", "W", "M"]
By = Literal["campaign", "network", "account", "role_model", "group"]
_TRUNC = {"D": "day", "W": "week", "M": "month"}
_GRID = {"D": "D", "W": "W-MON", "M": "MS"}
_EARLIEST, _LATEST = date(1, 1, 1), date(9999, 12, 31)

_SUMS_BY_POST = """
    SELECT code, SUM(COLUMNS($columns))
    FROM daily
    WHERE day BETWEEN $start AND $end AND code IN (SELECT code FROM selected)
    GROUP BY code
"""
_SUMS_BY_PERIOD = """
    SELECT date_trunc($part, day) AS period, SUM(COLUMNS($columns))
    FROM daily
    WHERE day BETWEEN $start AND $end AND code IN (SELECT code FROM selected)
    GROUP BY period
"""
_IMPRESSIONS_BY_PERSON = """
    SELECT featured.role_model_id, date_trunc($part, daily.day) AS period,
           SUM(daily.impressions) AS impressions
    FROM daily JOIN featured USING (code)
    WHERE daily.day BETWEEN $start AND $end
    GROUP BY ALL
"""
_DAYS_WITH_DATA = """
    SELECT count(DISTINCT day)
    FROM daily
    WHERE day BETWEEN $start AND $end AND code IN (SELECT code FROM selected)
"""


@dataclass(frozen=True, slots=True)
class MetricsData:
    """The frames the Reach page works on, as loaded from the database.

    posts: one row per post with any figure: post_id, campaign_id, campaign, account_id,
    account, network, published_at (UTC; the scheduled time if unknown), local_weekday
    (0 = Monday) and local_hour in the account's zone, text, cover_key ("" when none).
    people: post_id, role_model_id, person (a row per person featured).
    groups: post_id, group (the campaign's target groups).
    daily: post_id, day (naive midnight), then one float column per METRICS name, NaN = not given.
    snapshots: post_id, as_of, then the METRICS columns: lifetime totals read on that date.
    """

    posts: pd.DataFrame
    people: pd.DataFrame
    groups: pd.DataFrame
    daily: pd.DataFrame
    snapshots: pd.DataFrame


@dataclass(frozen=True, slots=True)
class Filters:
    """What the Reach page's filters select; an empty tuple or None selects everything."""

    campaign_ids: tuple[int, ...] = ()
    networks: tuple[str, ...] = ()
    account_ids: tuple[int, ...] = ()
    role_model_ids: tuple[int, ...] = ()
    groups: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True, slots=True)
class PreparedData:
    """Metric frames made ready for fast queries; build it once per data load with `prepare`.

    `posts` has one row per post, its row number being the post's `code`, with the post's
    publication day in its account's zone (`local_day`), where its totals come from (`source`:
    "snapshot", "daily" or "" when it has no figures) and its all-time totals (FIGURES).
    `connection` holds the table `daily` (code, day, FIGURES) sorted by day; each query opens its
    own cursor on it, so one PreparedData may serve several sessions' threads at once.
    """

    posts: pd.DataFrame
    people: pd.DataFrame
    groups: pd.DataFrame
    connection: duckdb.DuckDBPyConnection


@dataclass(frozen=True, slots=True)
class Kpis:
    """The headline figures of a selection; NaN where no post gives the figure."""

    posts: int
    impressions: float
    reach: float
    video_views: float
    average_watch_seconds: float
    completion_rate: float
    engagement_rate: float
    link_clicks: float
    ctr: float
    days_with_data: int


def prepare(data: MetricsData) -> PreparedData:
    """Index the frames and load the daily rows into DuckDB, once per data load."""
    posts = data.posts.sort_values("post_id", ignore_index=True)
    index = pd.Index(posts["post_id"])
    connection = duckdb.connect()
    daily_codes = _load_daily(connection, data.daily, index)
    latest = _coded(
        data.snapshots.sort_values(["post_id", "as_of"]).drop_duplicates("post_id", keep="last"),
        index,
    )
    has_snapshot = np.zeros(len(posts), dtype=bool)
    has_snapshot[latest["code"].to_numpy()] = True
    has_daily = np.bincount(daily_codes, minlength=len(posts)) > 0
    posts["source"] = np.where(has_snapshot, "snapshot", np.where(has_daily, "daily", ""))
    posts["local_day"] = _local_day(posts)

    totals = pd.DataFrame(np.nan, index=posts.index, columns=list(FIGURES))
    daily_sums = _sums_by_post(connection, np.flatnonzero(posts["source"] == "daily"), Filters())
    totals.loc[daily_sums.index, list(FIGURES)] = daily_sums[list(FIGURES)]
    snapshot_figures = pd.DataFrame(_figures(latest), index=latest["code"].to_numpy())
    totals.loc[snapshot_figures.index, list(FIGURES)] = snapshot_figures
    people = _coded(data.people, index).drop_duplicates(["code", "role_model_id"])
    groups = _coded(data.groups, index).drop_duplicates(["code", "group"])
    return PreparedData(pd.concat([posts, totals], axis=1), people, groups, connection)


def kpis(data: PreparedData, filters: Filters) -> Kpis:
    """The headline figures of the posts selected, over the period chosen."""
    totals = _post_totals(data, filters)
    sums = totals.sum(min_count=1)
    with data.connection.cursor() as cursor:
        cursor.register("selected", _codes_frame(np.flatnonzero(_selected(data, filters))))
        days = cursor.execute(_DAYS_WITH_DATA, _period(filters)).fetchone()
    return Kpis(
        posts=len(totals),
        impressions=float(sums["impressions"]),
        reach=float(sums["reach"]),
        video_views=float(sums["video_views"]),
        average_watch_seconds=_ratio(sums, "average_view_duration_seconds"),
        completion_rate=_ratio(sums, "completion_rate"),
        engagement_rate=_ratio(sums, "engagement_rate"),
        link_clicks=float(sums["link_clicks"]),
        ctr=_ratio(sums, "ctr"),
        days_with_data=int(days[0]) if days else 0,
    )


def trend(data: PreparedData, filters: Filters, metric: str, freq: Freq) -> pd.DataFrame:
    """One metric per day, week (from Monday) or month, from the daily rows: columns period, value.

    Only daily rows make a trend: a post known only by snapshots has no place in time and does
    not appear. Periods are labelled by their first day; the first and last may be cut by the
    period chosen (a week from Wednesday counts from Wednesday). Every period of the range
    shows: a count is 0 where no figure was given (NaN throughout when the selection never gives
    that metric); a ratio, recomputed per period, is NaN where its denominator is 0 or missing.
    Daily reach summed over a week or a month is an upper bound (the same people come back).
    """
    columns = _columns(metric)
    with data.connection.cursor() as cursor:
        cursor.register("selected", _codes_frame(np.flatnonzero(_selected(data, filters))))
        parameters = {**_period(filters), "part": _trunc(freq), "columns": list(columns)}
        sums = cursor.execute(_SUMS_BY_PERIOD, parameters).df()
    sums["period"] = _as_days(sums["period"])
    sums = sums.set_index("period")
    periods = _grid(filters, sums.index, freq)
    if len(columns) == 2:
        values = _divide(sums[columns[0]], sums[columns[1]]).reindex(periods)
    else:
        values = sums[metric].reindex(periods)
        if values.notna().any():
            values = values.fillna(0.0)
    return pd.DataFrame({"period": periods, "value": values.to_numpy(dtype=float)})


def breakdown(data: PreparedData, filters: Filters, by: By) -> pd.DataFrame:
    """The selection's figures per campaign, network, account, role model or target group.

    Columns: key (id or name), label, posts, impressions, reach, video_views, engagement_rate,
    link_clicks, ctr; biggest impressions first. A post featuring two people, or made for a
    campaign aimed at two groups, counts in full in each one's row, so the rows add up to more
    than the total. Posts featuring nobody (or aimed at no group) have no row by role model (by
    group). Reach summed over several posts is an upper bound (the same people see several).
    """
    totals = _post_totals(data, filters)
    keyed = _keys(data, filters, by).merge(totals, left_on="code", right_index=True)
    grouped = keyed.groupby(["key", "label"], sort=False)
    sums = grouped[list(FIGURES)].sum(min_count=1)
    table = pd.DataFrame(
        {
            "posts": grouped.size(),
            "impressions": sums["impressions"],
            "reach": sums["reach"],
            "video_views": sums["video_views"],
            "engagement_rate": _divide(sums["engagement_rate_num"], sums["engagement_rate_den"]),
            "link_clicks": sums["link_clicks"],
            "ctr": _divide(sums["ctr_num"], sums["ctr_den"]),
        }
    ).reset_index()
    return table.sort_values(
        ["impressions", "label"], ascending=[False, True], na_position="last", ignore_index=True
    )


def compare(data: PreparedData, a: Filters, b: Filters) -> pd.DataFrame:
    """The KPIs of two selections side by side: columns kpi, a, b, change (b relative to a).

    The change is (b - a) / a, so 0.25 means 25 % more; NaN when a is 0 or unknown.
    """
    first, second = kpis(data, a), kpis(data, b)
    names = [field.name for field in fields(Kpis)]
    before = np.array([float(getattr(first, name)) for name in names])
    after = np.array([float(getattr(second, name)) for name in names])
    with np.errstate(divide="ignore", invalid="ignore"):
        change = np.where(before != 0, (after - before) / before, np.nan)
    return pd.DataFrame({"kpi": names, "a": before, "b": after, "change": change})


def top_posts(
    data: PreparedData, filters: Filters, metric: str, n: int = 5, bottom: bool = False
) -> pd.DataFrame:
    """The n posts with the highest (or, with bottom, lowest) value of a metric over the period.

    Columns: post_id, campaign, account, network, published_at, text, cover_key, value. Posts
    without a value for the metric are left out; equal values keep the lower post_id first.
    """
    columns = _columns(metric)
    totals = _post_totals(data, filters)
    if len(columns) == 2:
        values = _divide(totals[columns[0]], totals[columns[1]])
    else:
        values = totals[metric]
    posts = data.posts.loc[
        totals.index,
        ["post_id", "campaign", "account", "network", "published_at", "text", "cover_key"],
    ].assign(value=values.to_numpy(dtype=float))
    ranked = posts.dropna(subset=["value"]).sort_values(
        ["value", "post_id"], ascending=[bottom, True], kind="stable"
    )
    return ranked.head(max(n, 0)).reset_index(drop=True)


def person_reach(data: PreparedData, filters: Filters, freq: Freq) -> pd.DataFrame:
    """Each role model's impressions per period: columns period, role_model_id, person, impressions.

    A post counts for every person it features, as in `breakdown(by="role_model")`, and each
    person's impressions over the periods add up to that breakdown's: a post with daily rows
    counts on each row's day, a post with a snapshot counts in full in its publication period.
    Every period of the range shows, with 0 where a person had nothing.
    """
    selected = _selected(data, filters)
    people = data.people[selected[data.people["code"].to_numpy()]]
    if filters.role_model_ids:
        people = people[people["role_model_id"].isin(filters.role_model_ids)]
    source = data.posts["source"].to_numpy()
    from_daily = people[source[people["code"].to_numpy()] == "daily"]
    with data.connection.cursor() as cursor:
        cursor.register("featured", from_daily[["code", "role_model_id"]])
        parameters = {**_period(filters), "part": _trunc(freq)}
        daily = cursor.execute(_IMPRESSIONS_BY_PERSON, parameters).df()
    daily["period"] = _as_days(daily["period"])
    snapshot_posts = data.posts[
        (source == "snapshot") & _in_period(data.posts["local_day"], filters)
    ]
    from_snapshots = people.merge(
        snapshot_posts[["local_day", "impressions"]], left_on="code", right_index=True
    )
    from_snapshots["period"] = _floor(from_snapshots["local_day"], freq)
    parts = [
        part[["period", "role_model_id", "impressions"]]
        for part in (daily, from_snapshots)
        if len(part)
    ]
    if not parts:
        return pd.DataFrame(
            {
                "period": pd.Series(dtype="datetime64[ns]"),
                "role_model_id": pd.Series(dtype="int64"),
                "person": pd.Series(dtype="str"),
                "impressions": pd.Series(dtype="float64"),
            }
        )
    sums = pd.concat(parts).groupby(["role_model_id", "period"])["impressions"].sum(min_count=1)
    names = people.drop_duplicates("role_model_id").set_index("role_model_id")["person"]
    who = names.loc[sorted(sums.index.get_level_values("role_model_id").unique())]
    periods = _grid(filters, sums.index.get_level_values("period"), freq)
    full = pd.MultiIndex.from_product([who.index, periods], names=["role_model_id", "period"])
    table = sums.reindex(full).fillna(0.0).reset_index()
    table["person"] = table["role_model_id"].map(who)
    return table[["period", "role_model_id", "person", "impressions"]].sort_values(
        ["period", "person", "role_model_id"], ignore_index=True
    )


def best_times(data: PreparedData, account_id: int, min_posts: int = 3) -> pd.DataFrame:
    """An account's engagement rate by weekday (0 = Monday) and hour of publication, all time.

    Columns: weekday, hour, posts, engagement_rate, enough; all 168 slots, local to the account.
    The rate pools the slot's posts' lifetime totals (interactions over impressions); posts counts
    only posts with impressions. `enough` is False below min_posts posts: show the network's
    usual best times there rather than a guess from one or two posts.
    """
    posts = data.posts[(data.posts["account_id"] == account_id) & (data.posts["source"] != "")]
    measured = posts[posts["engagement_rate_den"] > 0]
    grouped = measured.groupby(["local_weekday", "local_hour"])
    slots = pd.MultiIndex.from_product([range(7), range(24)], names=["weekday", "hour"])
    counts = grouped.size().reindex(slots, fill_value=0)
    rate = _divide(
        grouped["engagement_rate_num"].sum(), grouped["engagement_rate_den"].sum()
    ).reindex(slots)
    return pd.DataFrame(
        {
            "posts": counts.to_numpy(dtype="int64"),
            "engagement_rate": rate.to_numpy(dtype=float),
            "enough": counts.to_numpy() >= min_posts,
        },
        index=slots,
    ).reset_index()


def filter_options(data: PreparedData) -> dict[str, list[tuple[Any, str]]]:
    """The choices each filter offers, as (value, label) sorted by label: only what has figures."""
    posts = data.posts[data.posts["source"] != ""]
    known = posts.index.to_numpy()
    people = data.people[data.people["code"].isin(known)]
    groups = data.groups[data.groups["code"].isin(known)]
    return {
        "campaigns": _options(posts["campaign_id"], posts["campaign"]),
        "networks": _options(posts["network"], posts["network"]),
        "accounts": _options(posts["account_id"], posts["account"]),
        "role_models": _options(people["role_model_id"], people["person"]),
        "groups": _options(groups["group"], groups["group"]),
    }


# --- Post totals ------------------------------------------------------------------------------


def _load_daily(
    connection: duckdb.DuckDBPyConnection, daily: pd.DataFrame, index: pd.Index
) -> npt.NDArray[np.intp]:
    """Create the table `daily` (code, day, FIGURES) sorted by day; return each kept row's code."""
    codes: npt.NDArray[np.intp] = index.get_indexer(daily["post_id"])
    known = codes >= 0
    if not known.all():
        daily, codes = daily[known], codes[known]
    rows = pd.DataFrame(
        {"code": codes.astype(np.int32), "day": daily["day"].to_numpy(), **_figures(daily)},
        copy=False,  # a million rows go to DuckDB as they are, not gathered into one block
    )
    connection.register("loaded", rows)
    # Sorted by day, a period is a run of whole blocks that DuckDB reads alone. DuckDB sorts
    # faster than numpy's argsort and gather (0.6 s against 1.3 s for prepare at full size) but
    # keeps about 80 MB of sort buffers for its later queries.
    connection.execute(
        "CREATE TABLE daily AS SELECT code, CAST(day AS DATE) AS day, * EXCLUDE (code, day) "
        "FROM loaded ORDER BY day"
    )
    connection.unregister("loaded")
    return codes


def _sums_by_post(
    connection: duckdb.DuckDBPyConnection, codes: npt.NDArray[np.intp], filters: Filters
) -> pd.DataFrame:
    """FIGURES summed over the daily rows in the period of the posts given, indexed by code."""
    with connection.cursor() as cursor:
        cursor.register("selected", _codes_frame(codes))
        parameters = {**_period(filters), "columns": list(FIGURES)}
        return cursor.execute(_SUMS_BY_POST, parameters).df().set_index("code")


def _post_totals(data: PreparedData, filters: Filters) -> pd.DataFrame:
    """FIGURES of each post selected that counts in the period, indexed by code."""
    selected = _selected(data, filters)
    source = data.posts["source"].to_numpy()
    if filters.start is None and filters.end is None:
        return data.posts.loc[selected & (source != ""), list(FIGURES)]
    from_snapshot = selected & (source == "snapshot") & _in_period(data.posts["local_day"], filters)
    sums = _sums_by_post(data.connection, np.flatnonzero(selected & (source == "daily")), filters)
    return pd.concat([data.posts.loc[from_snapshot, list(FIGURES)], sums]).sort_index()


def _selected(data: PreparedData, filters: Filters) -> npt.NDArray[np.bool_]:
    """Which posts (by code) the filters keep, before the period."""
    if filters.start and filters.end and filters.start > filters.end:
        raise InvalidInput(
            N_("The period starts after it ends: choose an end on or after the start.")
        )
    posts = data.posts
    keep = np.ones(len(posts), dtype=bool)
    for column, wanted in (
        ("campaign_id", filters.campaign_ids),
        ("network", filters.networks),
        ("account_id", filters.account_ids),
    ):
        if wanted:
            keep &= posts[column].isin(wanted).to_numpy()
    for links, column, wanted in (
        (data.people, "role_model_id", filters.role_model_ids),
        (data.groups, "group", filters.groups),
    ):
        if wanted:
            linked = np.zeros(len(posts), dtype=bool)
            linked[links.loc[links[column].isin(wanted), "code"].to_numpy()] = True
            keep &= linked
    return keep


def _keys(data: PreparedData, filters: Filters, by: By) -> pd.DataFrame:
    """Rows (code, key, label) placing each post in its breakdown row(s)."""
    key: str
    label: str
    if by in ("campaign", "account"):
        key, label = f"{by}_id", by
    elif by == "network":
        key, label = "network", "network"
    elif by == "role_model":
        people = data.people
        if filters.role_model_ids:
            people = people[people["role_model_id"].isin(filters.role_model_ids)]
        return pd.DataFrame(
            {"code": people["code"], "key": people["role_model_id"], "label": people["person"]}
        )
    elif by == "group":
        groups = data.groups
        if filters.groups:
            groups = groups[groups["group"].isin(filters.groups)]
        return pd.DataFrame(
            {"code": groups["code"], "key": groups["group"], "label": groups["group"]}
        )
    else:
        raise InvalidInput(msg("The figures cannot be broken down by “{by}”.", by=by))
    posts = data.posts
    return pd.DataFrame({"code": posts.index, "key": posts[key], "label": posts[label]})


# --- Rows, ratios, periods --------------------------------------------------------------------


def _figures(rows: pd.DataFrame) -> dict[str, npt.NDArray[np.float64]]:
    """The summable FIGURES of metric rows: the counts, and each ratio's numerator and denominator.

    A ratio's two parts are kept only where both are known, so that a row giving likes but no
    impressions cannot raise an engagement rate.
    """

    def column(name: str) -> npt.NDArray[np.float64]:
        values: npt.NDArray[np.float64] = rows[name].to_numpy(dtype=np.float64, na_value=np.nan)
        return values

    figures = {name: column(name) for name in COUNTS}
    impressions, views = figures["impressions"], figures["video_views"]
    reactions = np.column_stack([column(n) for n in ("likes", "comments", "shares", "saves")])
    given = ~np.isnan(reactions).all(axis=1)
    with np.errstate(invalid="ignore"):
        interactions = np.where(
            given,
            np.nansum(reactions, axis=1),
            column("engagement_rate") * impressions,
        )
        watched = np.where(
            np.isnan(figures["watch_time_seconds"]),
            column("average_view_duration_seconds") * views,
            figures["watch_time_seconds"],
        )
        completed = column("completion_rate") * views
    for ratio, numerator, denominator in (
        ("engagement_rate", interactions, impressions),
        ("ctr", figures["link_clicks"], impressions),
        ("average_view_duration_seconds", watched, views),
        ("completion_rate", completed, views),
    ):
        both = ~np.isnan(numerator) & ~np.isnan(denominator)
        figures[f"{ratio}_num"] = np.where(both, numerator, np.nan)
        figures[f"{ratio}_den"] = np.where(both, denominator, np.nan)
    return figures


def _columns(metric: str) -> tuple[str, ...]:
    """The summable columns a metric is made of: itself, or a ratio's two parts."""
    if metric in RATIOS:
        return (f"{metric}_num", f"{metric}_den")
    if metric in COUNTS:
        return (metric,)
    raise InvalidInput(msg("“{metric}” is not a figure the Reach page knows.", metric=metric))


def _ratio(sums: pd.Series, ratio: str) -> float:
    numerator, denominator = sums[f"{ratio}_num"], sums[f"{ratio}_den"]
    if pd.isna(denominator) or denominator == 0:
        return float("nan")
    return float(numerator / denominator)


def _divide(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator, NaN where the denominator is 0 or missing."""
    return numerator / denominator.where(denominator != 0)


def _period(filters: Filters) -> dict[str, date]:
    return {"start": filters.start or _EARLIEST, "end": filters.end or _LATEST}


def _in_period(days: pd.Series, filters: Filters) -> npt.NDArray[np.bool_]:
    """Which days (NaT never) fall in the filters' period."""
    keep = np.ones(len(days), dtype=bool)
    if filters.start:
        keep &= (days >= pd.Timestamp(filters.start)).to_numpy()
    if filters.end:
        keep &= (days <= pd.Timestamp(filters.end)).to_numpy()
    return keep


def _trunc(freq: str) -> str:
    if freq not in _TRUNC:
        raise InvalidInput(
            msg("“{freq}” is not a period: choose days (D), weeks (W) or months (M).", freq=freq)
        )
    return _TRUNC[freq]


def _floor(days: pd.Series, freq: Freq) -> pd.Series:
    """Each day's period start: the day itself, its week's Monday or its month's first day."""
    if freq == "W":
        return days - pd.to_timedelta(days.dt.day_of_week, unit="D")
    if freq == "M":
        return days.dt.to_period("M").dt.start_time.astype("datetime64[ns]")
    return days


def _grid(filters: Filters, found: pd.Index, freq: Freq) -> pd.DatetimeIndex:
    """Every period from the chosen start (else the first found) to the end (else the last)."""
    first = pd.Timestamp(filters.start) if filters.start else found.min()
    last = pd.Timestamp(filters.end) if filters.end else found.max()
    if pd.isna(first) or pd.isna(last):
        return pd.DatetimeIndex([], dtype="datetime64[ns]", name="period")
    bounds = _floor(pd.Series([first, last], dtype="datetime64[ns]"), freq)
    return pd.date_range(bounds.iloc[0], bounds.iloc[1], freq=_GRID[freq], name="period")


def _as_days(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).astype("datetime64[ns]")


def _local_day(posts: pd.DataFrame) -> pd.Series:
    """Each post's publication day in its account's zone, naive midnight.

    The zone itself is not in the frame, but the local weekday is: the UTC day moves by the
    one-day difference between the two weekdays (zones are less than a day from UTC).
    """
    utc = pd.to_datetime(posts["published_at"], utc=True).dt.tz_localize(None)
    shift = (posts["local_weekday"].astype("int64") - utc.dt.day_of_week + 3) % 7 - 3
    return (utc.dt.normalize() + pd.to_timedelta(shift, unit="D")).astype("datetime64[ns]")


def _coded(frame: pd.DataFrame, index: pd.Index) -> pd.DataFrame:
    """The frame with each row's post as a row number in `posts` (`code`), unknown posts dropped."""
    codes = index.get_indexer(frame["post_id"])
    return frame.assign(code=codes)[codes >= 0].reset_index(drop=True)


def _codes_frame(codes: npt.NDArray[np.intp]) -> pd.DataFrame:
    return pd.DataFrame({"code": codes.astype(np.int32)})


def _options(values: pd.Series, labels: pd.Series) -> list[tuple[Any, str]]:
    pairs = pd.DataFrame({"value": values, "label": labels}).drop_duplicates("value")
    pairs = pairs.sort_values(["label", "value"])
    return [
        (_plain(v), str(label)) for v, label in zip(pairs["value"], pairs["label"], strict=True)
    ]


def _plain(value: Any) -> Any:
    """numpy scalars as Python ones, so that widgets and session state hold plain values."""
    return value.item() if isinstance(value, np.generic) else value
