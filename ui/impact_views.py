"""Applications & impact page parts: targets, a campaign's effect, tracked applications."""

from __future__ import annotations

import math
from datetime import date, timedelta

import altair as alt
import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from campaigns import effect, impact, targets
from campaigns.auth import Actor
from campaigns.errors import SpotlightError
from campaigns.publishing import CampaignView
from ui import resources
from ui.i18n import t


def _pct(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:.{digits}%}"


def thresholds() -> impact.Thresholds:
    """The suppression thresholds of the settings."""
    settings = resources.settings()
    return impact.Thresholds(settings.suppression_threshold, settings.gender_suppression_threshold)


def targets_view(db: Engine, actor: Actor) -> None:
    """Each public target: the share, its 95 % interval, the chance it is reached, the gap."""
    c1, c2 = st.columns(2)
    since = c1.date_input(
        t("Applications since"), value=date.today() - timedelta(days=365), key="impact__since"
    )
    by = c2.date_input(t("Target date"), value=date(date.today().year + 1, 9, 1), key="impact__by")
    lines = targets.targets_progress(
        db, actor, since=since if isinstance(since, date) else None,
        by=by if isinstance(by, date) else None,
    )  # fmt: skip
    rows = []
    for line in lines:
        estimate = line.estimate
        rows.append(
            {
                t("Measure"): t(line.label),
                t("Target"): _pct(line.target, 0),
                t("Share"): _pct(estimate.share) if estimate else t("no data yet"),
                t("95 % interval"): (
                    f"{_pct(estimate.ci_low)} – {_pct(estimate.ci_high)}" if estimate else "—"
                ),
                t("Chance the target is reached"): (
                    _pct(estimate.probability_reached, 0) if estimate else "—"
                ),
                t("People counted"): f"{estimate.n:,}" if estimate else "0",
                t("More a month to reach it by the date"): (
                    "—" if line.needed_per_month is None else f"{line.needed_per_month:,.0f}"
                ),
                t("At the current pace"): _pct(line.projected_share),
            }
        )
    st.table(pd.DataFrame(rows).set_index(t("Measure")))
    st.caption(
        t("The interval is where the true share lies with 95 % confidence; the chance is how "
          "likely the true share is at or above the target, given the people counted.")
    )  # fmt: skip
    monthly = targets.monthly_shares(db, actor, since=since if isinstance(since, date) else None)
    if monthly.empty:
        return
    chart = (
        alt.Chart(monthly, title=t("Shares by month"))
        .mark_line(point=True)
        .encode(
            x=alt.X("month:T", title=t("Month")),
            y=alt.Y("share:Q", title=t("Share"), axis=alt.Axis(format=".0%")),
            color=alt.Color("measure:N", title=None),
            strokeDash=alt.StrokeDash("measure:N", title=None),
            tooltip=["measure:N", "month:T", alt.Tooltip("share:Q", format=".1%"), "total:Q"],
        )
    )
    st.altair_chart(chart, width="stretch")
    with st.expander(t("Table: shares by month")):
        table = monthly.assign(share=[_pct(v) for v in monthly["share"]])
        st.dataframe(table, hide_index=True, width="stretch")


def effect_view(db: Engine, actor: Actor, campaign: CampaignView) -> None:
    """A campaign's effect on applications from one group, read honestly."""
    groups = impact.groups_for(actor)
    group = st.selectbox(
        t("Group"), list(groups), format_func=lambda g: t(groups[g]), key="impact__group"
    )
    if not campaign.programmes:
        st.info(t("This campaign names no promoted programmes: there is nothing to measure."))
        return
    try:
        data = impact.effect_input(db, actor, str(group), campaign_code=campaign.code)
        found = effect.estimate_effect(
            data.daily, data.start, data.end, group_label=t(groups[str(group)]).lower()
        )
    except SpotlightError as exc:
        st.error(exc.message)
        return
    st.markdown(f"**{found.reading}**")
    comparison = ", ".join(data.comparison) or t("none (a weaker reading)")
    st.caption(
        t("Promoted: {promoted}. Compared with: {comparison}. Method: {method}; {pre} days "
          "before, {post} days during and after.", promoted=", ".join(data.promoted),
          comparison=comparison, method=found.method or "—", pre=found.n_pre_days,
          post=found.n_post_days)
    )  # fmt: skip
    for note in found.notes:
        st.caption(note)
    if (
        found.verdict != "insufficient_data"
        and found.estimate_pp is not None
        and found.ci_low_pp is not None
        and found.ci_high_pp is not None
        and found.p_value is not None
        and found.mde_pp is not None
    ):
        cells = st.columns(4)
        cells[0].metric(t("Change in share"), f"{found.estimate_pp:+.1f} pts", border=True)
        cells[1].metric(
            t("95 % interval (pts)"), f"{found.ci_low_pp:+.1f} – {found.ci_high_pp:+.1f}",
            border=True,
        )  # fmt: skip
        p_value = "< 0.001" if found.p_value < 0.001 else f"{found.p_value:.3f}"
        cells[2].metric(t("p-value"), p_value, border=True)
        cells[3].metric(t("Smallest effect it could see"), f"{found.mde_pp:.1f} pts", border=True)
        if found.count_effect is not None:
            st.caption(found.count_effect.sentence)
    _checks(found, impact.threshold_for(str(group), thresholds()))


def _suppressed_weekly(weekly: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """Weekly shares without the counts; a share is hidden when it would reveal a small count."""
    if weekly.empty:
        return weekly
    group = (weekly["applications"] * weekly["share"]).round()
    rest = weekly["applications"] - group
    small = ((group > 0) & (group < threshold)) | ((rest > 0) & (rest < threshold))
    shown = weekly.drop(columns=["applications"]).copy()
    shown["share"] = shown["share"].where(~small)
    return shown


def _checks(found: effect.EffectEstimate, threshold: int) -> None:
    with st.expander(t("Checks: parallel trends, placebo dates, undisclosed answers")):
        if found.pre_trend is not None:
            st.markdown(f"**{t('Before the campaign')}** — {found.pre_trend.sentence}")
            weekly = _suppressed_weekly(found.pre_trend.weekly, threshold)
            if not weekly.empty:
                chart = (
                    alt.Chart(weekly, title=t("Weekly share of the group, by programmes"))
                    .mark_line(point=True)
                    .encode(
                        x=alt.X("week:T", title=t("Week")),
                        y=alt.Y("share:Q", title=t("Share"), axis=alt.Axis(format=".0%")),
                        color=alt.Color("arm:N", title=t("Programmes")),
                        strokeDash=alt.StrokeDash("arm:N", title=t("Programmes")),
                    )
                )
                st.altair_chart(chart, width="stretch")
                st.caption(
                    t("Weeks whose share would reveal fewer than {n} people are left blank.",
                      n=threshold)
                )  # fmt: skip
                st.dataframe(weekly, hide_index=True, width="stretch")
        if found.placebo is not None:
            st.markdown(f"**{t('Placebo dates')}** — {found.placebo.sentence}")
        if found.undisclosed is not None:
            st.markdown(f"**{t('Undisclosed answers')}** — {found.undisclosed.sentence}")
        if found.descriptive_before_after is not None:
            st.caption(found.descriptive_before_after.sentence)


def attribution_view(db: Engine, actor: Actor, campaign: CampaignView) -> None:
    """Applications that came through the campaign's tracked links."""
    try:
        shown = impact.attribution(db, actor, campaign.id, thresholds())
    except SpotlightError as exc:
        st.error(exc.message)
        return
    small = 0 < shown.total < thresholds().sensitive
    st.metric(
        t("Tracked applications"),
        t("fewer than {n}", n=thresholds().sensitive) if small else f"{shown.total:,}",
    )
    st.caption(t(shown.caveat))
    hidden = t("fewer than {n}", n=thresholds().sensitive)

    def cells(frame: pd.DataFrame) -> pd.DataFrame:
        def shown_cell(value: object) -> str:
            if value is None or (isinstance(value, float) and math.isnan(value)):
                return hidden
            if isinstance(value, float) and not value.is_integer():
                return f"{value:,.1f}"
            if isinstance(value, int | float):
                return f"{value:,.0f}"
            return str(value)

        return frame.map(shown_cell)

    st.markdown(f"**{t('By target group')}**")
    by_group = shown.by_group.assign(share=[_pct(v) for v in shown.by_group["share"]])
    # Small tables as plain HTML tables: read aloud cell by cell, "fewer than" included.
    st.table(cells(by_group).set_index(by_group.columns[0]))
    st.markdown(f"**{t('By channel')}**")
    if shown.by_channel.empty:
        st.caption(t("No tracked application or click yet."))
    else:
        st.table(cells(shown.by_channel).set_index("channel"))
    st.markdown(f"**{t('By role model featured')}**")
    if shown.by_role_model.empty:
        st.caption(t("No tracked application names a post featuring a role model."))
    else:
        st.table(cells(shown.by_role_model).set_index("role model"))
