"""Reach page parts: filters, KPI tiles, trends, breakdowns, top posts, comparisons, best times.

Every chart has its table beside it (in an expander), a CSV of what is shown and a PNG for
slides, drawn from the same Altair specification.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from campaigns import charts
from campaigns.engagement import analytics
from campaigns.engagement.analytics import Filters, Kpis, PreparedData
from campaigns.i18n import N_
from campaigns.scheduling import network_label
from campaigns.spreadsheet_safety import safe_frame
from ui import resources, state, widgets
from ui.campaign_views import group_label
from ui.i18n import current_language, day, num, pct, t

METRIC_NAMES = {
    "impressions": N_("Impressions"),
    "reach": N_("Reach"),
    "video_views": N_("Video views"),
    "average_view_duration_seconds": N_("Average watch time (s)"),
    "completion_rate": N_("Completion rate"),
    "engagement_rate": N_("Engagement rate"),
    "link_clicks": N_("Link clicks"),
    "ctr": N_("Click-through rate"),
    "likes": N_("Likes"),
    "comments": N_("Comments"),
    "shares": N_("Shares"),
    "saves": N_("Saves"),
    "follows": N_("Follows"),
    "watch_time_seconds": N_("Watch time (s)"),
}
RATES = {"completion_rate", "engagement_rate", "ctr"}
FREQS = {"D": N_("Day"), "W": N_("Week"), "M": N_("Month")}
GROUPINGS = {
    "campaign": N_("Campaign"),
    "network": N_("Network"),
    "account": N_("Account"),
    "role_model": N_("Role model"),
    "group": N_("Target group"),
}
MONDAY = date(2024, 1, 1)  # any Monday: the names of the weekdays come from the locale


def shown(value: float, metric: str) -> str:
    """A figure as the tiles and tables show it ("—" when unknown)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if metric in RATES:
        return pct(value, 1)
    if metric.endswith("seconds"):
        return f"{num(value)} s"
    return num(value)


def _weekday(index: int) -> str:
    """A weekday's short name in the reader's language (0 is Monday)."""
    return day(MONDAY + timedelta(days=index), "EEE")


def _label(option: tuple[Any, str], kind: str) -> str:
    value, label = option
    if kind == "networks":
        return network_label(str(value))
    if kind == "groups":
        return group_label(str(value))
    return label


def filters(data: PreparedData) -> Filters:
    """The filter row; choices are kept for the session, across pages."""
    saved: dict[str, Any] = st.session_state.setdefault(state.REACH_FILTERS, {})
    options = analytics.filter_options(data)
    kinds = (
        ("campaigns", N_("Campaign")),
        ("networks", N_("Network")),
        ("accounts", N_("Account")),
        ("role_models", N_("Role model")),
        ("groups", N_("Target group")),
    )
    chosen: dict[str, tuple[Any, ...]] = {}
    cells = st.columns(len(kinds) + 1)
    for cell, (kind, label) in zip(cells, kinds, strict=False):
        by_value = {value: _label((value, text), kind) for value, text in options.get(kind, [])}
        picked = cell.multiselect(
            t(label), list(by_value), default=[v for v in saved.get(kind, []) if v in by_value],
            format_func=lambda v, names=by_value: names[v], placeholder=t("Choose options"),
            key=f"reach__filter_{kind}",
        )  # fmt: skip
        saved[kind] = list(picked)
        chosen[kind] = tuple(picked)
    default_period = saved.get("period") or (date.today() - timedelta(days=365), date.today())
    period = cells[-1].date_input(
        t("Period"), value=default_period, format="YYYY-MM-DD", key="reach__filter_period"
    )
    start, end = (period[0], period[-1]) if isinstance(period, tuple) and period else (None, None)
    saved["period"] = (start, end) if start and end else None
    return Filters(
        campaign_ids=chosen["campaigns"], networks=chosen["networks"],
        account_ids=chosen["accounts"], role_model_ids=chosen["role_models"],
        groups=chosen["groups"], start=start if isinstance(start, date) else None,
        end=end if isinstance(end, date) else None,
    )  # fmt: skip


def kpi_tiles(kpis: Kpis) -> None:
    """The headline figures of the selection."""
    tiles = (
        (N_("Posts"), num(kpis.posts)),
        (N_("Impressions"), shown(kpis.impressions, "impressions")),
        (N_("Reach (at most)"), shown(kpis.reach, "reach")),
        (N_("Video views"), shown(kpis.video_views, "video_views")),
        (N_("Average watch time"), shown(kpis.average_watch_seconds, "watch_time_seconds")),
        (N_("Completion rate"), shown(kpis.completion_rate, "completion_rate")),
        (N_("Engagement rate"), shown(kpis.engagement_rate, "engagement_rate")),
        (N_("Link clicks"), shown(kpis.link_clicks, "link_clicks")),
        (N_("Click-through rate"), shown(kpis.ctr, "ctr")),
    )
    # Three to a row: seven-digit figures stay whole beside the sidebar, in both languages.
    for row in (tiles[:3], tiles[3:6], tiles[6:]):
        for cell, (label, value) in zip(st.columns(3), row, strict=True):
            cell.metric(t(label), value, border=True)
    st.caption(
        t(
            "Reach counts people, so reach added over days or posts can count someone twice: "
            "read it as an upper bound. {days} days with daily figures in the period.",
            days=kpis.days_with_data,
        )
    )


def chart_with_table(
    chart: alt.Chart | alt.LayerChart, table: pd.DataFrame, name: str, summary: str, key: str
) -> None:
    """A chart, a sentence saying what it shows, its table, a CSV and a PNG of it."""
    widgets.chart(chart)
    st.caption(summary)
    layers = getattr(chart, "layer", None) or [chart]
    title = next((c.title for c in layers if isinstance(c.title, str)), name)
    with st.expander(t("Table and downloads: {what}", what=title)):
        st.dataframe(table, hide_index=True, width="stretch")
        c1, c2 = st.columns(2)
        c1.download_button(
            t("Download the table (.csv)"),
            safe_frame(table).to_csv(index=False).encode("utf-8-sig"),
            file_name=f"{name}.csv", mime="text/csv", key=f"{key}_csv", on_click="ignore",
        )  # fmt: skip
        locale = charts.vega_locale(current_language())
        c2.download_button(
            t("Download the chart (.png)"), lambda: charts.png(chart, locale=locale),
            file_name=f"{name}.png", mime="image/png", key=f"{key}_png", on_click="ignore",
        )  # fmt: skip


def trend_section(data: PreparedData, chosen: Filters) -> None:
    """One metric over time, by day, week or month."""
    c1, c2 = st.columns([2, 1])
    metric = c1.selectbox(
        t("Metric"), list(METRIC_NAMES), format_func=lambda m: t(METRIC_NAMES[m]),
        key="reach__trend_metric",
    )  # fmt: skip
    freq = c2.radio(
        t("By"), list(FREQS), index=1, format_func=lambda f: t(FREQS[f]), horizontal=True,
        key="reach__trend_freq",
    )  # fmt: skip
    frame = analytics.trend(data, chosen, str(metric), freq)
    if frame.empty:
        st.info(t("No daily figures in this period."))
        return
    title = t(METRIC_NAMES[str(metric)])
    chart = charts.metric_trend(
        frame, title=title, period=t(FREQS[str(freq)]), rate=metric in RATES
    )
    peak = frame.loc[frame["value"].idxmax()] if frame["value"].notna().any() else None
    summary = t(
        "{metric} per {freq}, from {first} to {last}.",
        metric=title, freq=t(FREQS[str(freq)]).lower(),
        first=day(frame["period"].min()), last=day(frame["period"].max()),
    )  # fmt: skip
    if peak is not None:
        summary += " " + t(
            "Highest: {value} ({when}).",
            value=shown(float(peak["value"]), str(metric)), when=day(peak["period"]),
        )  # fmt: skip
    table = frame.assign(
        period=[day(p) for p in frame["period"]],
        value=[shown(v, str(metric)) for v in frame["value"]],
    ).rename(columns={"period": t("Period"), "value": title})
    chart_with_table(chart, table, f"trend-{metric}", summary, "reach__trend")


def breakdown_section(data: PreparedData, chosen: Filters) -> None:
    """Impressions and engagement by campaign, network, account, role model or target group."""
    by = st.radio(
        t("Compare by"), list(GROUPINGS), format_func=lambda g: t(GROUPINGS[g]),
        horizontal=True, key="reach__breakdown_by",
    )  # fmt: skip
    frame = analytics.breakdown(data, chosen, by).drop(columns=["key"])
    if frame.empty:
        st.info(t("Nothing to compare with these filters."))
        return
    label_column = "label"
    if by == "network":
        frame[label_column] = [network_label(str(v)) for v in frame[label_column]]
    if by == "group":
        frame[label_column] = [group_label(str(v)) for v in frame[label_column]]
    chart = charts.impressions_by(
        frame, title=t("Impressions by {what}", what=t(GROUPINGS[by]).lower()),
        impressions=t("Impressions"),
    )  # fmt: skip
    top = frame.sort_values("impressions", ascending=False).iloc[0]
    summary = t(
        "{n} groups; the most impressions: {name} ({value}).",
        n=len(frame), name=top[label_column], value=shown(float(top["impressions"]), "impressions"),
    )  # fmt: skip
    table = frame.copy()
    for column in table.columns[1:]:
        if column in METRIC_NAMES:
            table[column] = [shown(v, column) for v in table[column]]
    table = table.rename(
        columns={"label": t(GROUPINGS[by]), "posts": t("Posts"),
                 **{m: t(n) for m, n in METRIC_NAMES.items()}}
    )  # fmt: skip
    chart_with_table(chart, table, f"by-{by}", summary, "reach__breakdown")


def top_posts_section(data: PreparedData, chosen: Filters) -> None:
    """The best and the weakest posts by a metric, with their cover."""
    metric = st.selectbox(
        t("Rank posts by"), list(METRIC_NAMES), format_func=lambda m: t(METRIC_NAMES[m]),
        key="reach__top_metric",
    )  # fmt: skip
    for heading, bottom in ((t("Top posts"), False), (t("Bottom posts"), True)):
        st.markdown(f"**{heading}**")
        frame = analytics.top_posts(data, chosen, str(metric), n=5, bottom=bottom)
        if frame.empty:
            st.info(t("No posts with this figure."))
            continue
        for row in frame.itertuples(index=False):
            c1, c2 = st.columns([1, 5])
            cover = str(getattr(row, "cover_key", "") or "")
            if cover:
                try:
                    c1.image(resources.media_bytes(cover), width=96)
                except Exception:
                    c1.caption(t("(no cover)"))
            else:
                c1.caption(t("(no cover)"))
            value = shown(float(row.value), str(metric))
            c2.markdown(
                f"**{value}** · {row.account} · {day(row.published_at)}  \n"
                + str(row.text).replace("\n", " ")[:140]
            )


def person_section(data: PreparedData, chosen: Filters) -> None:
    """Each role model's impressions over time (the five most seen)."""
    frame = analytics.person_reach(data, chosen, "M")
    if frame.empty:
        st.info(t("No role model is featured in the posts selected."))
        return
    leaders = frame.groupby("person")["impressions"].sum().nlargest(5).index
    top = frame[frame["person"].isin(leaders)]
    chart = (
        alt.Chart(top, title=t("Impressions of posts featuring each role model"))
        .mark_line(point=True)
        .encode(
            x=alt.X("period:T", title=t("Month")),
            y=alt.Y("impressions:Q", title=t("Impressions"), axis=alt.Axis(format=",.0f")),
            color=alt.Color("person:N", title=t("Role model")),
            strokeDash=alt.StrokeDash("person:N", title=t("Role model")),
            tooltip=["person:N", "period:T", alt.Tooltip("impressions:Q", format=",.0f")],
        )
    )
    summary = t(
        "The five role models whose posts were seen most: {names}.", names=", ".join(leaders)
    )
    shown = top[["period", "person", "impressions"]]  # the internal id is no reader's business
    table = shown.assign(period=[day(p, "LLLL y") for p in shown["period"]]).rename(
        columns={"period": t("Month"), "person": t("Role model"), "impressions": t("Impressions")}
    )
    chart_with_table(chart, table, "role-models", summary, "reach__people")


def compare_section(data: PreparedData, chosen: Filters) -> None:
    """Two campaigns side by side, or this period against the one before."""
    options = dict(analytics.filter_options(data).get("campaigns", []))
    mode = st.radio(
        t("Compare"), ["campaigns", "periods"], horizontal=True, key="reach__compare_mode",
        format_func=lambda m: t("Two campaigns") if m == "campaigns" else
        t("This period and the one before"),
    )  # fmt: skip
    if mode == "campaigns":
        if len(options) < 2:
            st.info(t("Comparing needs two campaigns with figures."))
            return
        ids = list(options)
        c1, c2 = st.columns(2)
        a = c1.selectbox(t("Campaign A"), ids, format_func=options.__getitem__, key="reach__cmp_a")
        b = c2.selectbox(
            t("Campaign B"), ids, index=1, format_func=options.__getitem__, key="reach__cmp_b"
        )
        left = Filters(campaign_ids=(int(a),), start=chosen.start, end=chosen.end)
        right = Filters(campaign_ids=(int(b),), start=chosen.start, end=chosen.end)
        names = (options[a], options[b])
    else:
        if chosen.start is None or chosen.end is None:
            st.info(t("Choose a period above first."))
            return
        length = chosen.end - chosen.start
        before_end = chosen.start - timedelta(days=1)
        left = _replace(chosen, start=before_end - length, end=before_end)
        right = chosen
        names = (t("Period before"), t("Chosen period"))
    frame = analytics.compare(data, left, right)
    table = pd.DataFrame(
        {
            t("Figure"): [t(KPI_NAMES.get(str(k), str(k))) for k in frame["kpi"]],
            names[0]: [_kpi(v, str(k)) for k, v in zip(frame["kpi"], frame["a"], strict=True)],
            names[1]: [_kpi(v, str(k)) for k, v in zip(frame["kpi"], frame["b"], strict=True)],
            t("Difference"): [
                "—" if pd.isna(v) else ("+" if v > 0 else "") + pct(v) for v in frame["change"]
            ],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")


KPI_NAMES = {
    **METRIC_NAMES,
    "posts": N_("Posts"),
    "average_watch_seconds": N_("Average watch time (s)"),
    "days_with_data": N_("Days with daily figures"),
}


def _kpi(value: float, kpi: str) -> str:
    if kpi in ("posts", "days_with_data"):
        return "—" if pd.isna(value) else num(value)
    return shown(value, "watch_time_seconds" if kpi == "average_watch_seconds" else kpi)


def _replace(chosen: Filters, *, start: date, end: date) -> Filters:
    return Filters(
        chosen.campaign_ids, chosen.networks, chosen.account_ids, chosen.role_model_ids,
        chosen.groups, start, end,
    )  # fmt: skip


def best_times_section(data: PreparedData) -> None:
    """Engagement rate by weekday and hour of publication, per account."""
    accounts = dict(analytics.filter_options(data).get("accounts", []))
    if not accounts:
        st.info(t("No account has figures yet."))
        return
    account = st.selectbox(
        t("Account"), list(accounts), format_func=accounts.__getitem__, key="reach__best_account"
    )
    frame = analytics.best_times(data, int(account))
    if frame.empty:
        st.info(
            t(
                "Not enough posts on this account yet; "
                "the calendar offers the network's usual times."
            )
        )
        return
    frame = frame.assign(
        day=[_weekday(int(d)) for d in frame["weekday"]],
        label=[
            pct(rate, 1) if ok and not pd.isna(rate) else (t("few") if posts else "")
            for rate, ok, posts in zip(
                frame["engagement_rate"], frame["enough"], frame["posts"], strict=True
            )
        ],
    )
    base = alt.Chart(frame, title=t("Engagement rate by time of publication")).encode(
        x=alt.X("hour:O", title=t("Hour (account's time)")),
        y=alt.Y("day:N", sort=[_weekday(i) for i in range(7)], title=None),
    )
    cells = base.mark_rect().encode(
        color=alt.condition(
            "datum.enough",
            alt.Color(
                "engagement_rate:Q", title=t("Engagement rate"), legend=alt.Legend(format=".1%")
            ),
            alt.value("#eeeeee"),
        ),
        tooltip=["day:N", "hour:O", "posts:Q", alt.Tooltip("engagement_rate:Q", format=".1%")],
    )
    rates = frame.loc[frame["enough"], "engagement_rate"].dropna()
    # Figures on the dark end of the blue scale are written in white, the others in black, so
    # that each keeps a 4.5:1 contrast with its cell.
    dark = float(rates.min() + 0.7 * (rates.max() - rates.min())) if not rates.empty else 1.0
    labels = base.mark_text(fontSize=10).encode(
        text="label:N",
        color=alt.condition(
            f"datum.enough && datum.engagement_rate > {dark}",
            alt.value("white"),
            alt.value("black"),
        ),
    )
    chart = cells + labels
    enough = frame[frame["enough"]]
    if enough.empty:
        summary = t(
            "No time slot has enough posts yet; the calendar offers the network's usual times."
        )
    else:
        best = enough.sort_values(["engagement_rate", "posts"], ascending=False).iloc[0]
        summary = t(
            "Best slot with enough posts: {day} at {hour}:00 ({rate} over {posts} posts). "
            "Grey slots have too few posts to tell (“few”) or none.",
            day=best["day"], hour=int(best["hour"]), rate=pct(best["engagement_rate"], 1),
            posts=int(best["posts"]),
        )  # fmt: skip
    table = frame[frame["posts"] > 0][["day", "hour", "posts", "label"]].rename(
        columns={
            "day": t("Day"),
            "hour": t("Hour"),
            "posts": t("Posts"),
            "label": t("Engagement rate"),
        }
    )
    chart_with_table(chart, table, "best-times", summary, "reach__best")
