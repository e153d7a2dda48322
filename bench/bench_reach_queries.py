"""The Reach page's queries at full size: 2,000 posts and about 1,000,000 daily metric rows.

For each public function of campaigns.engagement.analytics, prints the first (cold) call after
`prepare`, the median of the next runs after one warm-up, and the same aggregation written
directly in DuckDB SQL over the same raw frames (the baseline, no preparation: the SQL below
recomputes the post totals from the daily rows and snapshots at every call), with the ratio
ours / SQL. The baseline's answer is also compared with ours: "same" must say yes everywhere.
Any call of ours over the budget (300 ms) is flagged.

    PYTHONPATH=. .venv/bin/python bench/bench_reach_queries.py [--posts 2000] [--days 667]
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from collections.abc import Callable
from dataclasses import astuple, dataclass
from datetime import date
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from campaigns.engagement.analytics import (
    FIGURES,
    Filters,
    Kpis,
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
from tests.fixtures_metrics import metrics_data

QUARTER = Filters(start=date(2026, 1, 1), end=date(2026, 3, 31))
NEXT_QUARTER = Filters(start=date(2026, 4, 1), end=date(2026, 6, 30))
TWO_NETWORKS = Filters(networks=("instagram", "tiktok"))
EVERYTHING = Filters()

# The rules of analytics.py, in SQL, over the raw frames registered as posts, people, groups,
# daily and snapshots. Macros and views are only named SQL: nothing is computed in advance.
SETUP = """
SET TimeZone = 'UTC';
CREATE MACRO interactions(likes, comments, shares, saves, rate, impressions) AS
    CASE WHEN likes IS NULL AND comments IS NULL AND shares IS NULL AND saves IS NULL
         THEN rate * impressions
         ELSE coalesce(likes, 0) + coalesce(comments, 0) + coalesce(shares, 0) + coalesce(saves, 0)
    END;
CREATE MACRO known(value, other) AS CASE WHEN other IS NOT NULL THEN value END;
CREATE MACRO figures(source) AS TABLE
    SELECT post_id, CAST(day AS DATE) AS day,
           impressions, reach, video_views, watch_time_seconds, likes, comments, shares, saves,
           link_clicks, follows,
           known(i, impressions) AS er_num, known(impressions, i) AS er_den,
           known(link_clicks, impressions) AS ctr_num, known(impressions, link_clicks) AS ctr_den,
           known(w, video_views) AS awt_num, known(video_views, w) AS awt_den,
           completion_rate * video_views AS cr_num, known(video_views, completion_rate) AS cr_den
    FROM (SELECT *,
                 interactions(likes, comments, shares, saves, engagement_rate, impressions) AS i,
                 coalesce(watch_time_seconds, average_view_duration_seconds * video_views) AS w
          FROM query_table(source));
CREATE VIEW latest_snapshots AS
    SELECT post_id, as_of AS day, * EXCLUDE (post_id, as_of) FROM snapshots
    QUALIFY row_number() OVER (PARTITION BY post_id ORDER BY as_of DESC) = 1;
CREATE VIEW post_days AS
    SELECT *,
           CAST(published_at AS DATE)
             + ((local_weekday - (isodow(published_at) - 1) + 10) % 7 - 3)::INTEGER AS local_day,
           CASE WHEN post_id IN (SELECT post_id FROM snapshots) THEN 'snapshot'
                WHEN post_id IN (SELECT post_id FROM daily) THEN 'daily'
                ELSE '' END AS source
    FROM posts;
CREATE MACRO selected(campaigns, networks, accounts, people_ids, group_names) AS TABLE
    SELECT * FROM post_days
    WHERE (len(campaigns) = 0 OR list_contains(campaigns, campaign_id))
      AND (len(networks) = 0 OR list_contains(networks, network))
      AND (len(accounts) = 0 OR list_contains(accounts, account_id))
      AND (len(people_ids) = 0 OR post_id IN
           (SELECT post_id FROM people WHERE list_contains(people_ids, role_model_id)))
      AND (len(group_names) = 0 OR post_id IN
           (SELECT post_id FROM groups WHERE list_contains(group_names, "group")));
CREATE MACRO totals(start_day, end_day, campaigns, networks, accounts, people_ids, group_names)
AS TABLE
    SELECT * EXCLUDE (day) FROM figures('latest_snapshots')
    WHERE post_id IN (
        SELECT post_id FROM selected(campaigns, networks, accounts, people_ids, group_names)
        WHERE source = 'snapshot' AND local_day BETWEEN start_day AND end_day)
    UNION ALL BY NAME
    SELECT post_id, SUM(COLUMNS(* EXCLUDE (post_id, day))) FROM figures('daily')
    WHERE day BETWEEN start_day AND end_day AND post_id IN (
        SELECT post_id FROM selected(campaigns, networks, accounts, people_ids, group_names)
        WHERE source = 'daily')
    GROUP BY post_id;
"""
KPIS_SQL = """
SELECT count(*) AS posts, SUM(impressions), SUM(reach), SUM(video_views),
       SUM(awt_num) / nullif(SUM(awt_den), 0), SUM(cr_num) / nullif(SUM(cr_den), 0),
       SUM(er_num) / nullif(SUM(er_den), 0), SUM(link_clicks),
       SUM(ctr_num) / nullif(SUM(ctr_den), 0),
       (SELECT count(DISTINCT CAST(day AS DATE)) FROM daily
        WHERE CAST(day AS DATE) BETWEEN $start AND $end AND post_id IN
              (SELECT post_id FROM selected($campaigns, $networks, $accounts, $people, $groups)))
FROM totals($start, $end, $campaigns, $networks, $accounts, $people, $groups)
"""
TREND_ENGAGEMENT_SQL = """
WITH sums AS (
    SELECT date_trunc($part, day) AS period, SUM(er_num) AS num, SUM(er_den) AS den
    FROM figures('daily')
    WHERE day BETWEEN $start AND $end AND post_id IN
          (SELECT post_id FROM selected($campaigns, $networks, $accounts, $people, $groups))
    GROUP BY period),
grid AS (
    SELECT CAST(range AS DATE) AS period FROM range(
        coalesce(date_trunc($part, CAST($first AS DATE)), (SELECT min(period) FROM sums)),
        coalesce(date_trunc($part, CAST($last AS DATE)), (SELECT max(period) FROM sums))
          + INTERVAL 1 DAY,
        CAST($step AS INTERVAL)))
SELECT grid.period, num / nullif(den, 0) AS value
FROM grid LEFT JOIN sums USING (period) ORDER BY period
"""
TREND_IMPRESSIONS_SQL = """
WITH sums AS (
    SELECT date_trunc($part, CAST(day AS DATE)) AS period, SUM(impressions) AS total
    FROM daily
    WHERE CAST(day AS DATE) BETWEEN $start AND $end AND post_id IN
          (SELECT post_id FROM selected($campaigns, $networks, $accounts, $people, $groups))
    GROUP BY period),
grid AS (
    SELECT CAST(range AS DATE) AS period FROM range(
        coalesce(date_trunc($part, CAST($first AS DATE)), (SELECT min(period) FROM sums)),
        coalesce(date_trunc($part, CAST($last AS DATE)), (SELECT max(period) FROM sums))
          + INTERVAL 1 DAY,
        CAST($step AS INTERVAL)))
SELECT grid.period,
       CASE WHEN (SELECT count(total) FROM sums) = 0 THEN NULL ELSE coalesce(total, 0) END AS value
FROM grid LEFT JOIN sums USING (period) ORDER BY period
"""
BREAKDOWN_PEOPLE_SQL = """
SELECT p.role_model_id AS key, p.person AS label, count(*) AS posts,
       SUM(impressions) AS impressions, SUM(reach) AS reach, SUM(video_views) AS video_views,
       SUM(er_num) / nullif(SUM(er_den), 0) AS engagement_rate, SUM(link_clicks) AS link_clicks,
       SUM(ctr_num) / nullif(SUM(ctr_den), 0) AS ctr
FROM totals($start, $end, $campaigns, $networks, $accounts, $people, $groups) t
JOIN (SELECT DISTINCT post_id, role_model_id, person FROM people
      WHERE len($people) = 0 OR list_contains($people, role_model_id)) p USING (post_id)
GROUP BY ALL ORDER BY impressions DESC NULLS LAST, label
"""
BREAKDOWN_CAMPAIGNS_SQL = """
SELECT p.campaign_id AS key, p.campaign AS label, count(*) AS posts,
       SUM(impressions) AS impressions, SUM(reach) AS reach, SUM(video_views) AS video_views,
       SUM(er_num) / nullif(SUM(er_den), 0) AS engagement_rate, SUM(link_clicks) AS link_clicks,
       SUM(ctr_num) / nullif(SUM(ctr_den), 0) AS ctr
FROM totals($start, $end, $campaigns, $networks, $accounts, $people, $groups) t
JOIN posts p USING (post_id)
GROUP BY ALL ORDER BY impressions DESC NULLS LAST, label
"""
TOP_CTR_SQL = """
SELECT * FROM (
    SELECT t.post_id, p.campaign, p.account, p.network, p.published_at, p.text, p.cover_key,
           ctr_num / nullif(ctr_den, 0) AS value
    FROM totals($start, $end, $campaigns, $networks, $accounts, $people, $groups) t
    JOIN posts p USING (post_id))
WHERE value IS NOT NULL ORDER BY value DESC, post_id LIMIT 5
"""
PERSON_REACH_SQL = """
WITH sel AS (SELECT * FROM selected($campaigns, $networks, $accounts, $people, $groups)),
featured AS (
    SELECT DISTINCT post_id, role_model_id, person FROM people
    WHERE post_id IN (SELECT post_id FROM sel)
      AND (len($people) = 0 OR list_contains($people, role_model_id))),
per_post AS (
    SELECT post_id, date_trunc($part, CAST(day AS DATE)) AS period,
           SUM(impressions) AS impressions
    FROM daily
    WHERE CAST(day AS DATE) BETWEEN $start AND $end
      AND post_id IN (SELECT post_id FROM sel WHERE source = 'daily')
    GROUP BY ALL
    UNION ALL
    SELECT l.post_id, date_trunc($part, s.local_day), l.impressions
    FROM latest_snapshots l JOIN sel s USING (post_id)
    WHERE s.source = 'snapshot' AND s.local_day BETWEEN $start AND $end),
sums AS (
    SELECT role_model_id, period, SUM(impressions) AS impressions
    FROM per_post JOIN featured USING (post_id) GROUP BY ALL),
who AS (
    SELECT DISTINCT role_model_id, person FROM featured
    WHERE role_model_id IN (SELECT role_model_id FROM sums)),
grid AS (
    SELECT CAST(range AS DATE) AS period FROM range(
        coalesce(date_trunc($part, CAST($first AS DATE)), (SELECT min(period) FROM sums)),
        coalesce(date_trunc($part, CAST($last AS DATE)), (SELECT max(period) FROM sums))
          + INTERVAL 1 DAY,
        CAST($step AS INTERVAL)))
SELECT grid.period, who.role_model_id, who.person,
       coalesce(sums.impressions, 0) AS impressions
FROM grid CROSS JOIN who LEFT JOIN sums USING (role_model_id, period)
ORDER BY period, person, role_model_id
"""
BEST_TIMES_SQL = """
WITH slots AS (
    SELECT p.local_weekday AS weekday, p.local_hour AS hour, count(*) AS posts,
           SUM(er_num) / SUM(er_den) AS rate
    FROM totals($start, $end, $campaigns, $networks, $accounts, $people, $groups) t
    JOIN posts p USING (post_id)
    WHERE er_den > 0
    GROUP BY ALL)
SELECT w.range AS weekday, h.range AS hour, coalesce(posts, 0) AS posts,
       rate AS engagement_rate, coalesce(posts, 0) >= 3 AS enough
FROM range(7) w CROSS JOIN range(24) h
LEFT JOIN slots ON slots.weekday = w.range AND slots.hour = h.range
ORDER BY weekday, hour
"""
OPTIONS_SQL = """
WITH known AS MATERIALIZED (SELECT * FROM post_days WHERE source <> '')
SELECT * FROM (
    SELECT DISTINCT 'campaigns' AS kind, CAST(campaign_id AS VARCHAR) AS value, campaign AS label
    FROM known
    UNION ALL SELECT DISTINCT 'networks', network, network FROM known
    UNION ALL SELECT DISTINCT 'accounts', CAST(account_id AS VARCHAR), account FROM known
    UNION ALL SELECT DISTINCT 'role_models', CAST(role_model_id AS VARCHAR), person FROM people
              WHERE post_id IN (SELECT post_id FROM known)
    UNION ALL SELECT DISTINCT 'groups', "group", "group" FROM groups
              WHERE post_id IN (SELECT post_id FROM known))
ORDER BY kind, label, value
"""


@dataclass(frozen=True)
class Case:
    """One call of ours, the SQL that computes the same, and how to compare their answers."""

    name: str
    ours: Callable[[PreparedData], object]
    baseline: Callable[[duckdb.DuckDBPyConnection], object]


def parameters(filters: Filters) -> dict[str, Any]:
    """The baseline SQL's parameters for a selection."""
    return {
        "start": filters.start or date(1, 1, 1),
        "end": filters.end or date(9999, 12, 31),
        "campaigns": list(filters.campaign_ids),
        "networks": list(filters.networks),
        "accounts": list(filters.account_ids),
        "people": list(filters.role_model_ids),
        "groups": list(filters.groups),
    }


def periods(filters: Filters, freq: str) -> dict[str, Any]:
    part, step = {"D": ("day", "1 day"), "W": ("week", "1 week"), "M": ("month", "1 month")}[freq]
    return {"part": part, "step": step, "first": filters.start, "last": filters.end}


def sql(statement: str, values: dict[str, Any]) -> Callable[[duckdb.DuckDBPyConnection], object]:
    """A baseline query, with only the parameters it names."""
    names = {name: value for name, value in values.items() if f"${name}" in statement}
    return lambda connection: connection.execute(statement, names).df()


def kpis_sql(filters: Filters) -> Callable[[duckdb.DuckDBPyConnection], object]:
    return lambda connection: connection.execute(KPIS_SQL, parameters(filters)).fetchone()


def compare_sql(a: Filters, b: Filters) -> Callable[[duckdb.DuckDBPyConnection], object]:
    def run(connection: duckdb.DuckDBPyConnection) -> object:
        first = np.array(kpis_sql(a)(connection), dtype=float)
        second = np.array(kpis_sql(b)(connection), dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.column_stack(
                [first, second, np.where(first != 0, second / first - 1, np.nan)]
            )

    return run


def cases() -> list[Case]:
    """The calls the Reach page makes, with their baselines."""
    return [
        Case("kpis, one quarter", lambda d: kpis(d, QUARTER), kpis_sql(QUARTER)),
        Case("kpis, all time", lambda d: kpis(d, EVERYTHING), kpis_sql(EVERYTHING)),
        Case(
            "trend engagement weekly, quarter",
            lambda d: trend(d, QUARTER, "engagement_rate", "W"),
            sql(TREND_ENGAGEMENT_SQL, {**parameters(QUARTER), **periods(QUARTER, "W")}),
        ),
        Case(
            "trend impressions daily, all time",
            lambda d: trend(d, EVERYTHING, "impressions", "D"),
            sql(TREND_IMPRESSIONS_SQL, {**parameters(EVERYTHING), **periods(EVERYTHING, "D")}),
        ),
        Case(
            "breakdown by role model, quarter",
            lambda d: breakdown(d, QUARTER, "role_model"),
            sql(BREAKDOWN_PEOPLE_SQL, parameters(QUARTER)),
        ),
        Case(
            "breakdown by campaign, 2 networks",
            lambda d: breakdown(d, TWO_NETWORKS, "campaign"),
            sql(BREAKDOWN_CAMPAIGNS_SQL, parameters(TWO_NETWORKS)),
        ),
        Case(
            "compare two quarters",
            lambda d: compare(d, QUARTER, NEXT_QUARTER),
            compare_sql(QUARTER, NEXT_QUARTER),
        ),
        Case(
            "top 5 posts by CTR, quarter",
            lambda d: top_posts(d, QUARTER, "ctr"),
            sql(TOP_CTR_SQL, parameters(QUARTER)),
        ),
        Case(
            "person reach weekly, quarter",
            lambda d: person_reach(d, QUARTER, "W"),
            sql(PERSON_REACH_SQL, {**parameters(QUARTER), **periods(QUARTER, "W")}),
        ),
        Case(
            "person reach daily, all time",
            lambda d: person_reach(d, EVERYTHING, "D"),
            sql(PERSON_REACH_SQL, {**parameters(EVERYTHING), **periods(EVERYTHING, "D")}),
        ),
        Case(
            "best times, one account",
            lambda d: best_times(d, 1),
            sql(BEST_TIMES_SQL, parameters(Filters(account_ids=(1,)))),
        ),
        Case("filter options", filter_options, sql(OPTIONS_SQL, {})),
    ]


def comparable(result: object) -> object:
    """Ours or the baseline's answer in one shape: a frame of plain columns, or an array."""
    if isinstance(result, Kpis | tuple):
        values = astuple(result) if isinstance(result, Kpis) else result
        return np.array([math.nan if v is None else v for v in values], dtype=float)
    if isinstance(result, dict):
        rows = [(k, str(v), label) for k in sorted(result) for v, label in result[k]]
        return pd.DataFrame(rows, columns=["kind", "value", "label"])
    if isinstance(result, np.ndarray):
        return result
    assert isinstance(result, pd.DataFrame)
    frame = result.reset_index(drop=True)
    if list(frame.columns) == ["kpi", "a", "b", "change"]:
        return frame[["a", "b", "change"]].to_numpy(dtype=float)
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.DatetimeTZDtype):
            frame[column] = frame[column].dt.tz_convert("UTC").astype("datetime64[ns, UTC]")
        elif pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
        elif pd.api.types.is_bool_dtype(frame[column]) or pd.api.types.is_numeric_dtype(
            frame[column]
        ):
            frame[column] = frame[column].astype(float)
        else:
            frame[column] = frame[column].astype(str)
    return frame


def same(ours: object, baseline: object) -> bool:
    """Whether ours and the baseline give the same answer (to rounding)."""
    left, right = comparable(ours), comparable(baseline)
    if isinstance(left, np.ndarray) and isinstance(right, np.ndarray):
        return left.shape == right.shape and bool(
            np.allclose(left, right, rtol=1e-9, equal_nan=True)
        )
    try:
        pd.testing.assert_frame_equal(left, right, check_dtype=False, rtol=1e-9)
    except AssertionError:
        return False
    return True


def milliseconds(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) * 1000


def median_ms(run: Callable[[], object], repeats: int) -> float:
    """Median wall time of a call, in milliseconds, after one warm-up."""
    run()
    return statistics.median(milliseconds(run) for _ in range(repeats))


def baseline_connection(data: MetricsData) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    for name in ("posts", "people", "groups", "daily", "snapshots"):
        connection.register(name, getattr(data, name))
    for statement in SETUP.split(";"):
        if statement.strip():
            connection.execute(statement)
    return connection


def daily_paths(data: PreparedData, repeats: int) -> None:
    """Time the heaviest step, per-post sums of daily rows over a period, three ways."""
    frame = data.connection.execute("SELECT * FROM daily").df()
    frame["day"] = pd.to_datetime(frame["day"]).astype("datetime64[ns]")
    days = frame["day"].to_numpy()
    codes = frame["code"].to_numpy()
    columns = {name: np.nan_to_num(frame[name].to_numpy()) for name in FIGURES}
    posts = len(data.posts)
    windows = {
        "quarter": (QUARTER.start, QUARTER.end),
        "all time": (frame["day"].min().date(), frame["day"].max().date()),
    }

    def duckdb_sums(start: date, end: date) -> object:
        with data.connection.cursor() as cursor:
            return cursor.execute(
                "SELECT code, SUM(COLUMNS(* EXCLUDE (code, day))) FROM daily "
                "WHERE day BETWEEN $start AND $end GROUP BY code",
                {"start": start, "end": end},
            ).df()

    def pandas_sums(start: date, end: date) -> object:
        rows = frame[(frame["day"] >= pd.Timestamp(start)) & (frame["day"] <= pd.Timestamp(end))]
        return rows.groupby("code")[list(FIGURES)].sum(min_count=1)

    def numpy_sums(start: date, end: date) -> object:
        # Rows are sorted by day: a period is one slice. NaN are taken as 0 here (a lower
        # bound: telling "not given" from 0 would need as many bincounts again).
        bounds = np.array([start, end], dtype="datetime64[ns]")
        a = np.searchsorted(days, bounds[0], side="left")
        b = np.searchsorted(days, bounds[1], side="right")
        return {
            name: np.bincount(codes[a:b], weights=values[a:b], minlength=posts)
            for name, values in columns.items()
        }

    print("where the per-post sums of daily rows run (median ms):")
    print(f"  {'':44} {'quarter':>8} {'all time':>8}")
    for name, run in (
        ("DuckDB, table built by prepare (ours)", duckdb_sums),
        ("pandas groupby on the same rows", pandas_sums),
        ("numpy bincount on the same rows", numpy_sums),
    ):
        times = [median_ms(lambda r=run, w=window: r(*w), repeats) for window in windows.values()]
        print(f"  {name:44} {times[0]:8.1f} {times[1]:8.1f}")


def main() -> None:
    """Build the data, then time each query of ours against its SQL baseline."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--days", type=int, default=667, help="daily rows per tracked post")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--budget-ms", type=float, default=300.0)
    arguments = parser.parse_args()

    started = time.perf_counter()
    data = metrics_data(posts=arguments.posts, days=arguments.days, seed=arguments.seed)
    built = time.perf_counter() - started
    prepare_ms = statistics.median(milliseconds(lambda: prepare(data)) for _ in range(3))
    connection = baseline_connection(data)
    print(
        f"{len(data.posts)} posts, {len(data.daily):,} daily rows, {len(data.snapshots)} "
        f"snapshots (built in {built:.1f} s); prepare: {prepare_ms:.0f} ms (median of 3)"
    )
    print(
        f"ours: first call after a fresh prepare, then median of {arguments.repeats} after one "
        "warm-up; SQL: DuckDB over the raw frames, median likewise"
    )
    print(f"{'query':34} {'first ms':>9} {'ours ms':>8} {'SQL ms':>8} {'ratio':>6} {'same':>5}")
    slowest = 0.0
    for case in cases():
        fresh = prepare(data)
        first = milliseconds(lambda c=case, d=fresh: c.ours(d))
        ours = median_ms(lambda c=case, d=fresh: c.ours(d), arguments.repeats)
        base = median_ms(lambda c=case: c.baseline(connection), arguments.repeats)
        answer = same(case.ours(fresh), case.baseline(connection))
        slowest = max(slowest, first, ours)
        flag = "  OVER BUDGET" if max(first, ours) > arguments.budget_ms else ""
        print(
            f"{case.name:34} {first:9.1f} {ours:8.1f} {base:8.1f} {ours / base:6.2f} "
            f"{'yes' if answer else 'NO':>5}{flag}"
        )
    print(f"slowest call of ours: {slowest:.0f} ms (budget: {arguments.budget_ms:.0f} ms)")
    daily_paths(prepare(data), arguments.repeats)


if __name__ == "__main__":
    main()
