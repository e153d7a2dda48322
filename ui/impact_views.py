"""Applications & impact page parts: targets, a campaign's effect, tracked applications."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from campaigns import charts, effect, impact, targets
from campaigns.auth import Actor
from campaigns.errors import SpotlightError
from campaigns.i18n import N_
from campaigns.publishing import CampaignView
from ui import resources, widgets
from ui.i18n import day, num, pct, t, tr


def _pct(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return pct(value, digits)


def _signed(value: float, digits: int = 1) -> str:
    # A change reads with its sign: +2.5 or -1.0 (num() writes only the minus).
    return ("+" if value > 0 else "") + num(value, digits)


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
                t("Measure"): tr(line.label),
                t("Target"): _pct(line.target, 0),
                t("Share"): _pct(estimate.share) if estimate else t("no data yet"),
                t("95 % interval"): (
                    f"{_pct(estimate.ci_low)} – {_pct(estimate.ci_high)}" if estimate else "—"
                ),
                t("Chance the target is reached"): (
                    _pct(estimate.probability_reached, 0) if estimate else "—"
                ),
                t("People counted"): num(estimate.n) if estimate else "0",
                t("More a month to reach it by the date"): (
                    "—" if line.needed_per_month is None else num(line.needed_per_month)
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
    chart = charts.shares_by_month(
        monthly.assign(measure=[t(m) for m in monthly["measure"]]),
        title=t("Shares by month"), month=t("Month"), share=t("Share"),
    )  # fmt: skip
    widgets.chart(chart)
    with st.expander(t("Table: shares by month")):
        table = pd.DataFrame(
            {
                t("Month"): [day(m, "LLLL y") for m in monthly["month"]],
                t("Measure"): [tr(m) for m in monthly["measure"]],
                t("Share"): [_pct(v) for v in monthly["share"]],
                t("People counted"): [num(n) for n in monthly["total"]],
            }
        )
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
        st.error(tr(exc.message))
        return
    st.markdown(f"**{tr(found.reading)}**")
    comparison = ", ".join(data.comparison) or t("none (a weaker reading)")
    st.caption(
        t("Promoted: {promoted}. Compared with: {comparison}. Method: {method}; {pre} days "
          "before, {post} days during and after.", promoted=", ".join(data.promoted),
          comparison=comparison, method=t(effect.METHOD_NAMES.get(found.method or "", "—")),
          pre=found.n_pre_days,
          post=found.n_post_days)
    )  # fmt: skip
    for note in found.notes:
        st.caption(tr(note))
    if (
        found.verdict != "insufficient_data"
        and found.estimate_pp is not None
        and found.ci_low_pp is not None
        and found.ci_high_pp is not None
        and found.p_value is not None
        and found.mde_pp is not None
    ):
        cells = st.columns(4)
        cells[0].metric(
            t("Change in share"), t("{points} pts", points=_signed(found.estimate_pp)),
            border=True,
        )  # fmt: skip
        cells[1].metric(
            t("95 % interval (pts)"), f"{_signed(found.ci_low_pp)} – {_signed(found.ci_high_pp)}",
            border=True,
        )  # fmt: skip
        p_value = f"< {num(0.001, 3)}" if found.p_value < 0.001 else num(found.p_value, 3)
        cells[2].metric(t("p-value"), p_value, border=True)
        cells[3].metric(
            t("Smallest effect it could see"), t("{points} pts", points=num(found.mde_pp, 1)),
            border=True,
        )  # fmt: skip
        if found.count_effect is not None:
            st.caption(tr(found.count_effect.sentence))
    _checks(found, impact.threshold_for(str(group), thresholds()))


ARMS = {"promoted": N_("promoted programmes"), "comparison": N_("comparison programmes")}
PERIODS = {"before": N_("before the start"), "after": N_("since the start")}


def _weekly_table(weekly: pd.DataFrame) -> pd.DataFrame:
    """The weekly shares as the page shows them, in the reader's language (hidden ones blank)."""
    columns = {
        t("Week"): [day(w) for w in weekly["week"]],
        t("Programmes"): list(weekly["arm"]),
        t("Share"): [_pct(v) for v in weekly["share"]],
    }
    if "period" in weekly:
        columns[t("Period")] = [t(PERIODS.get(p, p)) for p in weekly["period"]]
    return pd.DataFrame(columns)


def _checks(found: effect.EffectEstimate, threshold: int) -> None:
    with st.expander(t("Checks: parallel trends, placebo dates, undisclosed answers")):
        if found.pre_trend is not None:
            st.markdown(
                t("**Before the campaign** — {sentence}", sentence=tr(found.pre_trend.sentence))
            )
            # The report hides the same weeks with the same function (campaigns.reports).
            weekly = impact.suppress_shares(found.pre_trend.weekly, threshold)
            if not weekly.empty:
                weekly = weekly.assign(arm=[t(ARMS.get(a, a)) for a in weekly["arm"]])
                chart = charts.weekly_shares(
                    weekly, title=t("Weekly share of the group, by programmes"), week=t("Week"),
                    share=t("Share"), arm=t("Programmes"),
                )  # fmt: skip
                widgets.chart(chart)
                st.caption(
                    t("Weeks whose share would reveal fewer than {n} people are left blank.",
                      n=threshold)
                )  # fmt: skip
                st.dataframe(_weekly_table(weekly), hide_index=True, width="stretch")
        if found.placebo is not None:
            st.markdown(t("**Placebo dates** — {sentence}", sentence=tr(found.placebo.sentence)))
        if found.undisclosed is not None:
            st.markdown(
                t("**Undisclosed answers** — {sentence}", sentence=tr(found.undisclosed.sentence))
            )
        if found.descriptive_before_after is not None:
            st.caption(tr(found.descriptive_before_after.sentence))


def _in_language(table: pd.DataFrame) -> pd.DataFrame:
    """A domain table with its headers and row labels (target groups) in the reader's language."""
    translated = table.rename(columns=tr, index=tr)
    translated.index.name = tr(str(table.index.name)) if table.index.name else None
    return translated


def attribution_view(db: Engine, actor: Actor, campaign: CampaignView) -> None:
    """Applications that came through the campaign's tracked links."""
    try:
        shown = impact.attribution(db, actor, campaign.id, thresholds())
    except SpotlightError as exc:
        st.error(tr(exc.message))
        return
    small = 0 < shown.total < thresholds().sensitive
    st.metric(
        t("Tracked applications"),
        t("fewer than {n}", n=thresholds().sensitive) if small else num(shown.total),
    )
    st.caption(t(shown.caveat))
    hidden = t("fewer than {n}", n=thresholds().sensitive)

    def cells(frame: pd.DataFrame) -> pd.DataFrame:
        def shown_cell(value: object) -> str:
            if value is None or (isinstance(value, float) and math.isnan(value)):
                return hidden
            if isinstance(value, float) and not value.is_integer():
                return num(value, 1)
            if isinstance(value, int | float):
                return num(value)
            return str(value)

        return frame.map(shown_cell)

    st.markdown(t("**By target group**"))
    by_group = shown.by_group.assign(share=[_pct(v) for v in shown.by_group["share"]])
    # Small tables as plain HTML tables: read aloud cell by cell, "fewer than" included.
    st.table(_in_language(cells(by_group).set_index(by_group.columns[0])))
    st.markdown(t("**By channel**"))
    if shown.by_channel.empty:
        st.caption(t("No tracked application or click yet."))
    else:
        st.table(_in_language(cells(shown.by_channel).set_index("channel")))
    st.markdown(t("**By role model featured**"))
    if shown.by_role_model.empty:
        st.caption(t("No tracked application names a post featuring a role model."))
    else:
        st.table(_in_language(cells(shown.by_role_model).set_index("role model")))
