"""Chart specifications shared by the pages and the reports: one Altair spec for both.

Each function takes a frame and titles already in the reader's language and returns the chart;
the page draws it with Streamlit, a report turns it into a PNG with `png()`. Nothing here reads
a database or imports Streamlit.
"""

from __future__ import annotations

from typing import Literal

import altair as alt
import pandas as pd
import vl_convert as vlc

VegaLocale = Literal["en-GB", "fr-FR"]


def shares_by_month(monthly: pd.DataFrame, *, title: str, month: str, share: str) -> alt.Chart:
    """Monthly shares (columns month, measure, share, total), one line per measure."""
    chart: alt.Chart = (
        alt.Chart(monthly, title=title)
        .mark_line(point=True)
        .encode(
            x=alt.X("month:T", title=month),
            y=alt.Y("share:Q", title=share, axis=alt.Axis(format=".0%")),
            color=alt.Color("measure:N", title=None),
            strokeDash=alt.StrokeDash("measure:N", title=None),
            tooltip=["measure:N", "month:T", alt.Tooltip("share:Q", format=".1%"), "total:Q"],
        )
    )
    return chart


def weekly_shares(
    weekly: pd.DataFrame, *, title: str, week: str, share: str, arm: str
) -> alt.Chart:
    """Weekly shares of a group by programmes (columns week, arm, share), blank where hidden."""
    chart: alt.Chart = (
        alt.Chart(weekly, title=title)
        .mark_line(point=True)
        .encode(
            x=alt.X("week:T", title=week),
            y=alt.Y("share:Q", title=share, axis=alt.Axis(format=".0%")),
            color=alt.Color("arm:N", title=arm),
            strokeDash=alt.StrokeDash("arm:N", title=arm),
        )
    )
    return chart


def metric_trend(frame: pd.DataFrame, *, title: str, period: str, rate: bool) -> alt.Chart:
    """One metric over time (columns period, value); a rate is drawn as a percentage."""
    axis = alt.Axis(format=".1%") if rate else alt.Axis(format=",.0f")
    chart: alt.Chart = (
        alt.Chart(frame, title=title)
        .mark_line(point=True)
        .encode(
            x=alt.X("period:T", title=period),
            y=alt.Y("value:Q", title=title, axis=axis),
            tooltip=[alt.Tooltip("period:T"), alt.Tooltip("value:Q", format=",.3~f")],
        )
    )
    return chart


def impressions_by(frame: pd.DataFrame, *, title: str, impressions: str) -> alt.Chart:
    """Impressions per row (columns label, impressions, …), biggest first."""
    chart: alt.Chart = (
        alt.Chart(frame, title=title)
        .mark_bar()
        .encode(
            x=alt.X("impressions:Q", title=impressions, axis=alt.Axis(format=",.0f")),
            y=alt.Y("label:N", sort="-x", title=None),
            tooltip=list(frame.columns),
        )
    )
    return chart


def png(chart: alt.TopLevelMixin, *, scale: float = 2.0, locale: VegaLocale = "en-GB") -> bytes:
    """The chart as a PNG image drawn by Vega itself (vl-convert), numbers and dates in a locale
    such as "fr-FR"; the data is inside the spec, so no address is ever fetched."""
    return vlc.vegalite_to_png(
        chart.to_json(), scale=scale, format_locale=locale, time_format_locale=locale,
        allowed_base_urls=[],
    )  # fmt: skip


def vega_locale(language: str) -> VegaLocale:
    """The number and date locale Vega uses for a language ("fr" → "fr-FR")."""
    return "fr-FR" if language == "fr" else "en-GB"
