"""Did a campaign change who applies? Honest effect estimates, target shares, small-cell hiding.

The effect of a campaign on the share of a target group among applications is estimated on
daily counts (see `estimate_effect`), never by comparing before with after in the promoted
programmes alone: seasons, trends and persistent swings move that comparison as much as a
campaign does (28 % false positives in bench/bench_effect.py, 27 % in reference/measurement.md).

- Enough applications from the group (a mean of at least 10 a day in the promoted programmes):
  difference-in-differences on the daily share difference (promoted minus comparison) with
  day-of-week terms and AR(1) errors, fitted by statsmodels' GLSAR (iterated).
- Fewer: a binomial GLM on the daily counts of both arms with week and day-of-week effects and
  an arm × after term; overdispersion enters through the Pearson scale (quasi-binomial). The
  effect is reported in points: the difference between the predicted shares with and without the
  campaign, averaged over the promoted programmes' applications after the start.
- No comparison programmes at all: interrupted time series on the promoted share (GLSAR, AR(1),
  linear trend), flagged as weaker.

"After" runs from the campaign start to the last day of data, at most 28 days past the campaign
end: applications prompted by a campaign keep arriving for a few weeks, and later days are too far
away to credit. Days after that cap are left out; every day before the start is "before". Days
on which an arm compared received no application carry no share and are left out (the AR(1)
errors then treat the remaining days as consecutive). Every day counts the same in the fits:
weighting days by their number of applications narrowed the simulated spread of the estimate by
about 4 % and left coverage as it was, not enough to pay for whitening rescaled rows.

The difference-in-differences fits carry no linear trend by default: common trends cancel in the
difference, and a differential trend widens the interval by half, which in the simulation bench
cut the power to find a +3 point lift from 86 % to 56 %. Parallel trends are checked instead
(`PreTrend`, `Placebo`); pass `differential_trend=True` when the check fails and the drift looks
like a straight line (a drift of 3 points a year made 17 % false positives without the term,
5.6 % with it).

Counts shown to people go through `suppress`, which hides small cells and enough others that
no hidden value can be worked out from the totals.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import linalg, optimize, stats
from statsmodels.genmod.families import Binomial
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.regression.linear_model import GLSAR
from statsmodels.tools.sm_exceptions import PerfectSeparationWarning, SingularMatrixWarning

from campaigns import wording
from campaigns.errors import InvalidInput, SpotlightError
from campaigns.i18n import N_, msg

Method = Literal["auto", "did", "its", "binomial"]
FittedMethod = Literal["did_glsar", "binomial_glm", "its_glsar"]
Verdict = Literal["effect", "no_detectable_effect", "insufficient_data"]
Outcome = Literal["group", "undisclosed"]

ARMS = ("promoted", "comparison")
TAIL_DAYS = 28  # days after the campaign end still counted as "after"
SMALL_COUNTS = 10.0  # below this mean daily count from the group, the binomial GLM is used
GLSAR_ITERATIONS = 10  # estimate ρ, refit, until the coefficients settle (usually 3 or 4)
PLACEBO_STEP_DAYS = 14
POWER = 0.8
_METHODS: dict[str, FittedMethod] = {"did": "did_glsar", "binomial": "binomial_glm"}
_COMPARED: tuple[FittedMethod, ...] = ("did_glsar", "binomial_glm")

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


class NotEnoughData(SpotlightError):
    """The data cannot support an estimate; the message says what is missing."""


# --- The estimate and its checks ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EffectFit:
    """The core estimate of one estimator on one window, in percentage points of share."""

    method: FittedMethod
    estimate_pp: float
    ci_low_pp: float
    ci_high_pp: float
    p_value: float
    se_pp: float
    n_pre_days: int  # days with applications used before the start
    n_post_days: int  # days with applications used from the start to the end of "after"
    post_applications: int  # applications to the promoted programmes on those post days
    post_start: date
    post_end: date  # last day counted as "after": last day of data, at most end + 28 days
    weaker: bool  # True for the single-series estimate without comparison programmes


@dataclass(frozen=True, slots=True)
class CountEffect:
    """The estimate in applications: share change × promoted applications after the start.

    This reads the campaign as changing who applies, not how many apply in all: if it also
    brought extra applicants, the true count differs by the share change times those extras.
    """

    applications: float
    low: float
    high: float
    post_applications: int
    sentence: str


@dataclass(frozen=True, slots=True)
class PreTrend:
    """The parallel-trends check on the days before the start, with weekly shares to plot."""

    slope_pp_per_30_days: float
    p_value: float
    parallel: bool | None  # None without comparison programmes (nothing to be parallel to)
    sentence: str
    weekly: pd.DataFrame  # week (Monday), arm, applications, share, period ("before"/"after")


@dataclass(frozen=True, slots=True)
class Placebo:
    """The same estimator on fake campaign dates before the real one: how often it cries wolf."""

    runs: int
    significant: int
    share_significant: float | None
    concerning: bool  # more fake dates look "significant" than chance explains
    sentence: str
    results: pd.DataFrame  # start, estimate_pp, ci_low_pp, ci_high_pp, p_value


@dataclass(frozen=True, slots=True)
class UndisclosedCheck:
    """Whether the share of people not answering the question moved after the start."""

    estimate_pp: float | None
    p_value: float | None
    moved: bool | None  # None when too few did not answer to tell
    sentence: str
    weekly: pd.DataFrame  # week (Monday), arm, applications, share, period


@dataclass(frozen=True, slots=True)
class BeforeAfter:
    """Promoted programmes before versus after the start: a description, NOT the effect."""

    share_before: float
    share_after: float
    difference_pp: float
    ci_low_pp: float
    ci_high_pp: float
    p_value: float
    sentence: str


@dataclass(frozen=True, slots=True)
class EffectEstimate:
    """What a campaign did to the group's share of applications, with its checks and caveats."""

    verdict: Verdict
    reading: str  # one plain sentence for the comms team
    method: FittedMethod | None
    weaker: bool
    estimate_pp: float | None
    ci_low_pp: float | None
    ci_high_pp: float | None
    p_value: float | None
    mde_pp: float | None  # smallest effect found 80 % of the time with this much data
    alpha: float
    n_pre_days: int
    n_post_days: int
    post_start: date | None
    post_end: date | None
    count_effect: CountEffect | None
    pre_trend: PreTrend | None
    placebo: Placebo | None
    undisclosed: UndisclosedCheck | None
    descriptive_before_after: BeforeAfter | None
    notes: tuple[str, ...]  # caveats to show under the reading, one sentence each


@dataclass(frozen=True, slots=True)
class _Panel:
    """Daily counts per arm on every calendar day of the analysis window."""

    days: pd.DatetimeIndex
    total_p: IntArray
    group_p: IntArray
    total_c: IntArray
    group_c: IntArray
    post: BoolArray
    has_comparison: bool

    def cut(self, stop: int, post_from: int) -> _Panel:
        """The first `stop` days, with "after" starting at day `post_from` (placebo dates)."""
        post = np.arange(stop) >= post_from
        return _Panel(
            self.days[:stop],
            self.total_p[:stop],
            self.group_p[:stop],
            self.total_c[:stop],
            self.group_c[:stop],
            post,
            self.has_comparison,
        )


@dataclass(frozen=True, slots=True)
class _Coefficient:
    estimate: float
    low: float
    high: float
    p_value: float
    se: float


def estimate_effect(
    daily: pd.DataFrame,
    start: date,
    end: date,
    *,
    method: Method = "auto",
    alpha: float = 0.05,
    min_pre_days: int = 56,
    min_post_days: int = 14,
    group_label: str = N_("the target group"),
    differential_trend: bool = False,
) -> EffectEstimate:
    """The campaign's effect on the group's share of applications, checked, in plain words."""
    try:
        panel = _prepare(daily, start, end, "group")
        fitted = _resolve(panel, method)
        fit = _fit_panel(panel, fitted, alpha, min_pre_days, min_post_days, differential_trend)
    except NotEnoughData as refusal:
        return _refusal(refusal.message, alpha)
    mde = (stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(POWER)) * fit.se_pp
    verdict: Verdict = "effect" if fit.p_value < alpha else "no_detectable_effect"
    pre_trend = _pre_trend(panel, fit.method, alpha, differential_trend)
    placebo = _placebo(panel, fit, alpha, min_pre_days, min_post_days, differential_trend)
    undisclosed = _undisclosed(
        daily, start, end, fit.method, alpha, min_pre_days, min_post_days, differential_trend
    )
    notes = []
    if fit.weaker:
        notes.append(
            N_(
                "There are no comparison programmes, so this estimate only continues the promoted "
                "programmes' earlier trend: anything else that changed at the same time counts as "
                "the campaign, and in simulations it reported an effect that was not there about "
                "one time in six (against one in twenty with comparison programmes)."
            )
        )
    if pre_trend.parallel is False:
        notes.append(pre_trend.sentence)
    if placebo.concerning:
        notes.append(placebo.sentence)
    if undisclosed.moved:
        notes.append(undisclosed.sentence)
    return EffectEstimate(
        verdict=verdict,
        reading=_reading(fit, verdict, mde, group_label),
        method=fit.method,
        weaker=fit.weaker,
        estimate_pp=fit.estimate_pp,
        ci_low_pp=fit.ci_low_pp,
        ci_high_pp=fit.ci_high_pp,
        p_value=fit.p_value,
        mde_pp=float(mde),
        alpha=alpha,
        n_pre_days=fit.n_pre_days,
        n_post_days=fit.n_post_days,
        post_start=fit.post_start,
        post_end=fit.post_end,
        count_effect=_count_effect(fit, group_label),
        pre_trend=pre_trend,
        placebo=placebo,
        undisclosed=undisclosed,
        descriptive_before_after=_before_after(panel, fit, group_label),
        notes=tuple(notes),
    )


def fit_effect(
    daily: pd.DataFrame,
    start: date,
    end: date,
    *,
    method: Method = "auto",
    alpha: float = 0.05,
    min_pre_days: int = 56,
    min_post_days: int = 14,
    differential_trend: bool = False,
    outcome: Outcome = "group",
) -> EffectFit:
    """The core estimate alone (no checks); raises NotEnoughData when it cannot be made."""
    panel = _prepare(daily, start, end, outcome)
    return _fit_panel(
        panel, _resolve(panel, method), alpha, min_pre_days, min_post_days, differential_trend
    )


def as_dict(estimate: EffectEstimate) -> dict[str, Any]:
    """The estimate as plain JSON-ready values (dates as ISO text, tables as lists of rows)."""
    return {f.name: _plain(getattr(estimate, f.name)) for f in dataclasses.fields(estimate)}


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, pd.DataFrame):
        return [{k: _plain(v) for k, v in row.items()} for row in value.to_dict("records")]
    if isinstance(value, pd.Timestamp | date):
        return value.date().isoformat() if isinstance(value, pd.Timestamp) else value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


# --- Preparing the panel ------------------------------------------------------------------------


def _prepare(daily: pd.DataFrame, start: date, end: date, outcome: Outcome) -> _Panel:
    """Validated daily counts per arm over the window: every day before, then "after"."""
    if end < start:
        raise InvalidInput(N_("The campaign ends before it starts; check its dates."))
    missing = {"day", "arm", "total", outcome} - set(daily.columns)
    if missing:
        raise InvalidInput(
            msg(
                "The daily applications table lacks the column(s) {columns}.",
                columns=", ".join(sorted(missing)),
            )
        )
    unknown = set(daily["arm"].dropna().unique()) - set(ARMS)
    if unknown or daily["arm"].isna().any():
        raise InvalidInput(
            msg(
                "Each row must belong to the promoted or the comparison programmes, not {arms}.",
                arms=", ".join(sorted(map(str, unknown))) or N_("nothing"),
            )
        )
    day = pd.to_datetime(daily["day"])
    if day.dt.tz is not None:
        day = day.dt.tz_localize(None)
    frame = pd.DataFrame(
        {
            "day": day.dt.normalize(),
            "arm": daily["arm"],
            "total": pd.to_numeric(daily["total"], errors="coerce"),
            "count": pd.to_numeric(daily[outcome], errors="coerce"),
        }
    )
    counts = frame[["total", "count"]]
    numbers = counts.to_numpy(dtype=float)
    if np.isnan(numbers).any() or (numbers < 0).any() or (numbers % 1 != 0).any():
        raise InvalidInput(N_("Application counts must be whole numbers of zero or more."))
    if (frame["count"] > frame["total"]).any():
        raise InvalidInput(
            N_("Some days count more applications from the group than applications in all.")
        )
    cap = pd.Timestamp(end + timedelta(days=TAIL_DAYS))
    frame = frame[frame["day"] <= cap]
    if frame.empty or frame.loc[frame["arm"] == "promoted", "total"].sum() == 0:
        raise NotEnoughData(
            N_(
                "There are no applications to the promoted programmes in the data yet, so there "
                "is nothing to measure."
            )
        )
    last = min(frame["day"].max(), cap)
    days = pd.date_range(frame["day"].min(), last, freq="D")
    wide = frame.groupby(["day", "arm"])[["total", "count"]].sum().unstack("arm", fill_value=0)
    wide = wide.reindex(days, fill_value=0)

    def column(name: str, arm: str) -> IntArray:
        if (name, arm) not in wide.columns:
            return np.zeros(len(days), dtype=np.int64)
        return np.asarray(wide[(name, arm)], dtype=np.int64)

    return _Panel(
        days=days,
        total_p=column("total", "promoted"),
        group_p=column("count", "promoted"),
        total_c=column("total", "comparison"),
        group_c=column("count", "comparison"),
        post=np.asarray(days >= pd.Timestamp(start)),
        has_comparison=bool((frame["arm"] == "comparison").any()),
    )


def _resolve(panel: _Panel, method: Method) -> FittedMethod:
    """The estimator to use: the one asked for, or the best the data allows."""
    if method not in ("auto", "did", "its", "binomial"):
        raise InvalidInput(
            msg("“{method}” is not an estimation method (auto, did, its, binomial).", method=method)
        )
    if method == "its":
        return "its_glsar"
    if not panel.has_comparison:
        if method == "auto":
            return "its_glsar"
        raise NotEnoughData(
            N_(
                "There are no comparison programmes in the data, so no comparison can be made; "
                "choose comparison programmes, or accept the weaker single-series estimate."
            )
        )
    if method != "auto":
        return _METHODS[method]
    used = panel.total_p > 0
    small = float(panel.group_p[used].mean()) < SMALL_COUNTS
    return "binomial_glm" if small else "did_glsar"


def _used_days(panel: _Panel, method: FittedMethod) -> BoolArray:
    used = panel.total_p > 0
    return used & (panel.total_c > 0) if method in _COMPARED else used


def _check(panel: _Panel, method: FittedMethod, min_pre: int, min_post: int) -> BoolArray:
    """The days a fit can use, or NotEnoughData saying why there are too few."""
    used = _used_days(panel, method)
    pre, post = used & ~panel.post, used & panel.post
    if method in _COMPARED:
        for window, empty in (
            (
                ~panel.post,
                N_(
                    "The comparison programmes received no applications before the campaign "
                    "start, so they cannot serve as a comparison."
                ),
            ),
            (
                panel.post,
                N_(
                    "The comparison programmes received no applications after the campaign "
                    "start, so they cannot serve as a comparison."
                ),
            ),
        ):
            if panel.total_c[window].sum() == 0 and window.any():
                raise NotEnoughData(empty)
    if int(pre.sum()) < min_pre:
        raise NotEnoughData(
            msg(
                "We cannot estimate an effect yet: there are {days} days with "
                "applications before the campaign start, and at least {needed} are needed to "
                "know what a normal period looks like.",
                days=int(pre.sum()),
                needed=min_pre,
            )
        )
    if int(post.sum()) < min_post:
        raise NotEnoughData(
            msg(
                "We cannot estimate an effect yet: there are {days} days with "
                "applications since the campaign start, and at least {needed} are needed.",
                days=int(post.sum()),
                needed=min_post,
            )
        )
    if method == "binomial_glm":
        for counts in (panel.group_p, panel.group_c):
            if counts[pre].sum() == 0 or counts[post].sum() == 0:
                raise NotEnoughData(
                    N_(
                        "Applications from the group are too rare in this period (none at all "
                        "in one of the windows) to estimate a change."
                    )
                )
    return used


# --- The three estimators -----------------------------------------------------------------------


def _fit_panel(
    panel: _Panel,
    method: FittedMethod,
    alpha: float,
    min_pre: int,
    min_post: int,
    differential_trend: bool,
) -> EffectFit:
    if not 0 < alpha < 1:
        raise InvalidInput(N_("The significance level must be between 0 and 1 (usually 0.05)."))
    if min_pre < 14 or min_post < 7:
        raise InvalidInput(N_("An estimate needs at least 14 days before the start and 7 after."))
    used = _check(panel, method, min_pre, min_post)
    if method == "did_glsar":
        coefficient = _did_glsar(panel, used, alpha, differential_trend)
    elif method == "its_glsar":
        coefficient = _its_glsar(panel, used, alpha)
    else:
        coefficient = _binomial_glm(panel, used, alpha, differential_trend)
    values = (coefficient.estimate, coefficient.low, coefficient.high, coefficient.se)
    if not all(math.isfinite(v) for v in values) or coefficient.se <= 0:
        raise NotEnoughData(
            N_("Applications from the group are too few or too regular to estimate a change.")
        )
    post_days = panel.days[panel.post]
    return EffectFit(
        method=method,
        estimate_pp=100 * coefficient.estimate,
        ci_low_pp=100 * coefficient.low,
        ci_high_pp=100 * coefficient.high,
        p_value=coefficient.p_value,
        se_pp=100 * coefficient.se,
        n_pre_days=int((used & ~panel.post).sum()),
        n_post_days=int((used & panel.post).sum()),
        post_applications=int(panel.total_p[used & panel.post].sum()),
        post_start=post_days[0].date(),
        post_end=post_days[-1].date(),
        weaker=method == "its_glsar",
    )


def _day_of_week(days: pd.DatetimeIndex) -> FloatArray:
    """Tuesday..Sunday indicators (Monday is the reference)."""
    weekday = np.asarray(days.day_of_week)
    return np.asarray(weekday[:, None] == np.arange(1, 7)[None, :], dtype=np.float64)


def _months(days: pd.DatetimeIndex) -> FloatArray:
    """Days since the window's first day, in units of 30 days."""
    return np.asarray((days - days[0]).days, dtype=float) / 30.0


def _design(*blocks: FloatArray) -> FloatArray:
    """Columns side by side, without columns that never vary from zero (absent weekdays)."""
    matrix = np.column_stack(blocks)
    keep = np.any(matrix != 0, axis=0)
    keep[-1] = True  # the coefficient of interest is always the last column
    return matrix[:, keep]


@contextlib.contextmanager
def _quiet_numerics() -> Iterator[None]:
    """Silence statsmodels' numerical warnings on degenerate series.

    They come with NaN or zero standard errors, which `_fit_panel` turns into a refusal the user
    can read; left alone they would only reach the server log as noise.
    """
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", SingularMatrixWarning)
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        yield


def _glsar_last(y: FloatArray, x: FloatArray, alpha: float, column: int = -1) -> _Coefficient:
    """GLSAR with AR(1) errors, iterated; one coefficient with its t-based interval."""
    with _quiet_numerics():
        results = GLSAR(y, x, rho=1).iterative_fit(maxiter=GLSAR_ITERATIONS)
    index = column % x.shape[1]
    low, high = np.asarray(results.conf_int(alpha))[index]
    return _Coefficient(
        estimate=float(results.params[index]),
        low=float(low),
        high=float(high),
        p_value=float(results.pvalues[index]),
        se=float(results.bse[index]),
    )


def _shares(counts: IntArray, totals: IntArray) -> FloatArray:
    return counts / np.maximum(totals, 1)


def _did_glsar(
    panel: _Panel, used: BoolArray, alpha: float, differential_trend: bool
) -> _Coefficient:
    """Difference-in-differences on the daily share difference, AR(1) errors."""
    days = panel.days[used]
    difference = _shares(panel.group_p, panel.total_p) - _shares(panel.group_c, panel.total_c)
    blocks = [np.ones(len(days)), _day_of_week(days)]
    if differential_trend:
        blocks.append(_months(days))
    blocks.append(panel.post[used].astype(float))
    return _glsar_last(difference[used], _design(*blocks), alpha)


def _its_glsar(panel: _Panel, used: BoolArray, alpha: float) -> _Coefficient:
    """Interrupted time series on the promoted share: level shift against a linear trend."""
    days = panel.days[used]
    share = _shares(panel.group_p, panel.total_p)[used]
    x = _design(np.ones(len(days)), _months(days), _day_of_week(days), _as_float(panel.post[used]))
    return _glsar_last(share, x, alpha)


def _binomial_glm(
    panel: _Panel, used: BoolArray, alpha: float, differential_trend: bool
) -> _Coefficient:
    """Quasi-binomial GLM on both arms' daily counts; the effect as a difference in shares."""
    days = panel.days[used]
    week = np.asarray((days.normalize() - pd.to_timedelta(days.day_of_week, unit="D")).asi8)
    counts = np.concatenate([panel.group_p[used], panel.group_c[used]])
    totals = np.concatenate([panel.total_p[used], panel.total_c[used]])
    weeks = np.concatenate([week, week])
    # A week without any application from the group (or with nothing else) says nothing about
    # the arm contrast once week effects are in, and would push its effect to infinity.
    informative = np.ones(len(counts), dtype=bool)
    for value in np.unique(weeks):
        rows = weeks == value
        if counts[rows].sum() == 0 or counts[rows].sum() == totals[rows].sum():
            informative[rows] = False
    promoted = np.concatenate([np.ones(len(days)), np.zeros(len(days))])
    post = np.concatenate([panel.post[used], panel.post[used]]).astype(float)
    labels = np.unique(weeks[informative])
    week_dummies = (weeks[:, None] == labels[None, 1:]).astype(float)
    dow = np.vstack([_day_of_week(days), _day_of_week(days)])
    blocks = [np.ones(len(counts)), promoted, week_dummies, dow]
    if differential_trend:
        blocks.append(promoted * np.concatenate([_months(days), _months(days)]))
    blocks.append(promoted * post)
    x = _design(*blocks)[informative]
    counts, totals = counts[informative], totals[informative]
    # Proportions weighted by their totals, not a (successes, failures) pair: with the pair,
    # statsmodels leaves the number of trials out of the Pearson scale (statsmodels #3612) and
    # the intervals come out ten times too narrow.
    with _quiet_numerics():
        model = GLM(counts / totals, x, family=Binomial(), var_weights=totals)
        results = model.fit(scale="X2")
    params = np.asarray(results.params)
    treated = (promoted * post)[informative] == 1
    weights = totals[treated] / totals[treated].sum()
    with_campaign = _expit(x[treated] @ params)
    without = _expit(x[treated] @ params - params[-1])
    estimate = float(weights @ (with_campaign - without))
    # Delta method over every coefficient: the promoted level before the start is estimated
    # too, and its error offsets part of the error in the arm × after term.
    without_rows = x[treated].copy()
    without_rows[:, -1] = 0.0
    gradient = weights @ (
        (with_campaign * (1 - with_campaign))[:, None] * x[treated]
        - (without * (1 - without))[:, None] * without_rows
    )
    se = float(np.sqrt(gradient @ np.asarray(results.cov_params()) @ gradient))
    z = float(stats.norm.ppf(1 - alpha / 2))
    p_value = float(2 * stats.norm.sf(abs(estimate) / se)) if se > 0 else math.nan
    return _Coefficient(estimate, estimate - z * se, estimate + z * se, p_value, se)


def _as_float(flags: BoolArray) -> FloatArray:
    return flags.astype(np.float64)


def _expit(x: FloatArray) -> FloatArray:
    return 1.0 / (1.0 + np.exp(-x))


# --- Checks around the estimate -----------------------------------------------------------------


def _weekly(panel: _Panel) -> pd.DataFrame:
    """Weekly share by arm (weeks start on Monday), split at the campaign start."""
    rows = []
    arms = [("promoted", panel.total_p, panel.group_p)]
    if panel.has_comparison:
        arms.append(("comparison", panel.total_c, panel.group_c))
    monday = panel.days - pd.to_timedelta(panel.days.day_of_week, unit="D")
    period = np.where(panel.post, "after", "before")
    for arm, totals, counts in arms:
        frame = pd.DataFrame({"week": monday, "period": period, "total": totals, "n": counts})
        grouped = frame.groupby(["week", "period"], sort=True)[["total", "n"]].sum().reset_index()
        grouped = grouped[grouped["total"] > 0]
        for week, when, total, n in grouped.itertuples(index=False):
            rows.append((week, arm, int(total), n / total, when))
    columns = ["week", "arm", "applications", "share", "period"]
    return pd.DataFrame(rows, columns=columns).sort_values(["week", "arm"], ignore_index=True)


def _pre_trend(
    panel: _Panel, method: FittedMethod, alpha: float, differential_trend: bool
) -> PreTrend:
    """Slope of the pre-period gap (or of the promoted share alone) per 30 days, GLSAR AR(1)."""
    compared = method in _COMPARED
    used = _used_days(panel, method) & ~panel.post
    days = panel.days[used]
    series = _shares(panel.group_p, panel.total_p)
    if compared:
        series = series - _shares(panel.group_c, panel.total_c)
    x = _design(np.ones(len(days)), _day_of_week(days), _months(days))
    slope = _glsar_last(series[used], x, alpha)
    per_month, p = 100 * slope.estimate, slope.p_value
    if not compared:
        parallel = None
        sentence = msg(
            "Before the campaign, the share in the promoted programmes was changing by "
            "{change} points every 30 days ({p}); the estimate assumes it "
            "would have stayed on that line.",
            change=wording.decimal(per_month, 1, plus=True),
            p=_p(p),
        )
    elif p >= alpha:
        parallel = True
        sentence = msg(
            "Before the campaign, promoted and comparison programmes moved in parallel (the gap "
            "changed by {change} points every 30 days, {p}), as the comparison "
            "requires.",
            change=wording.decimal(per_month, 1, plus=True),
            p=_p(p),
        )
    else:
        parallel = False
        if differential_trend:
            sentence = msg(
                "Before the campaign, the gap between promoted and comparison programmes was "
                "already moving ({change} points every 30 days, {p}), the estimate assumes "
                "that drift went on in a straight line.",
                change=wording.decimal(per_month, 1, plus=True),
                p=_p(p),
            )
        else:
            sentence = msg(
                "Before the campaign, the gap between promoted and comparison programmes was "
                "already moving ({change} points every 30 days, {p}), so the estimate may "
                "partly reflect that drift rather than the campaign.",
                change=wording.decimal(per_month, 1, plus=True),
                p=_p(p),
            )
    return PreTrend(per_month, p, parallel, sentence, _weekly(panel))


def _placebo(
    panel: _Panel,
    fit: EffectFit,
    alpha: float,
    min_pre: int,
    min_post: int,
    differential_trend: bool,
) -> Placebo:
    """The estimator on fake start dates every 14 days before the real start, same length."""
    start = int(np.argmax(panel.post))
    length = int(panel.post.sum())
    rows = []
    for fake in range(min_pre, start - length + 1, PLACEBO_STEP_DAYS):
        try:
            placebo = _fit_panel(
                panel.cut(fake + length, fake),
                fit.method,
                alpha,
                min_pre,
                min_post,
                differential_trend,
            )
        except NotEnoughData:
            continue
        rows.append(
            (
                panel.days[fake],
                placebo.estimate_pp,
                placebo.ci_low_pp,
                placebo.ci_high_pp,
                placebo.p_value,
            )
        )
    results = pd.DataFrame(
        rows, columns=["start", "estimate_pp", "ci_low_pp", "ci_high_pp", "p_value"]
    )
    runs = len(results)
    if runs == 0:
        return Placebo(
            0,
            0,
            None,
            False,
            N_("There is not enough history before the campaign to test fake campaign dates."),
            results,
        )
    significant = int((results["p_value"] < alpha).sum())
    # The fake windows overlap, so their results move together: with six fake dates and no
    # effect, two or more "significant" ones happened in 10 % of simulations, three or more in 3 %.
    concerning = significant >= 3 and significant / runs > 0.25
    # Whole sentences (one date or several, a worry or not), so each translates naturally; one
    # fake date is never concerning.
    if runs == 1:
        sentence = msg(
            "On 1 fake campaign date before the real one, {significant} showed a change that "
            "looked real, while about 1 in 20 would by chance.",
            significant=significant,
        )
    elif concerning:
        sentence = msg(
            "On {runs} fake campaign dates before the real one, {significant} showed a change "
            "that looked real, while about 1 in 20 would by chance, so the estimate may be "
            "picking up something other than the campaign.",
            runs=runs,
            significant=significant,
        )
    else:
        sentence = msg(
            "On {runs} fake campaign dates before the real one, {significant} showed a change "
            "that looked real, while about 1 in 20 would by chance.",
            runs=runs,
            significant=significant,
        )
    return Placebo(runs, significant, significant / runs, concerning, sentence, results)


def _undisclosed(
    daily: pd.DataFrame,
    start: date,
    end: date,
    method: FittedMethod,
    alpha: float,
    min_pre: int,
    min_post: int,
    differential_trend: bool,
) -> UndisclosedCheck:
    """The same estimator on the share of people who did not answer the group question."""
    if "undisclosed" not in daily.columns:
        return UndisclosedCheck(
            None,
            None,
            None,
            N_("The data does not say who left the question unanswered."),
            pd.DataFrame(columns=["week", "arm", "applications", "share", "period"]),
        )
    panel = _prepare(daily, start, end, "undisclosed")
    weekly = _weekly(panel)
    if panel.group_p.sum() + panel.group_c.sum() == 0:
        return UndisclosedCheck(
            None,
            None,
            None,
            N_(
                "Everyone answered the question, so a change in answering cannot explain the "
                "result."
            ),
            weekly,
        )
    chosen = method if method == "its_glsar" else _resolve(panel, "auto")
    try:
        fit = _fit_panel(panel, chosen, alpha, min_pre, min_post, differential_trend)
    except NotEnoughData:
        return UndisclosedCheck(
            None,
            None,
            None,
            N_("Too few people left the question unanswered to tell whether that changed."),
            weekly,
        )
    moved = fit.p_value < alpha
    if moved:
        sentence = msg(
            "The share of people who did not answer the question changed by "
            "{change} points after the start ({p}), so part of "
            "the result may come from people answering differently rather than applying "
            "differently.",
            change=wording.decimal(fit.estimate_pp, 1, plus=True),
            p=_p(fit.p_value),
        )
    else:
        sentence = msg(
            "The share of people who did not answer the question did not change noticeably "
            "({change} points, {p}).",
            change=wording.decimal(fit.estimate_pp, 1, plus=True),
            p=_p(fit.p_value),
        )
    return UndisclosedCheck(fit.estimate_pp, fit.p_value, moved, sentence, weekly)


def _before_after(panel: _Panel, fit: EffectFit, group_label: str) -> BeforeAfter:
    """Two-proportion comparison in the promoted programmes: description only."""
    used = _used_days(panel, fit.method)
    n0, n1 = int(panel.total_p[used & ~panel.post].sum()), fit.post_applications
    k0, k1 = (
        int(panel.group_p[used & ~panel.post].sum()),
        int(panel.group_p[used & panel.post].sum()),
    )
    p0, p1 = k0 / n0, k1 / n1
    pooled = (k0 + k1) / (n0 + n1)
    se_pooled = math.sqrt(pooled * (1 - pooled) * (1 / n0 + 1 / n1))
    p_value = float(2 * stats.norm.sf(abs(p1 - p0) / se_pooled)) if se_pooled > 0 else 1.0
    se = math.sqrt(p0 * (1 - p0) / n0 + p1 * (1 - p1) / n1)
    z = float(stats.norm.ppf(0.975))
    sentence = msg(
        "For description only, not the campaign's effect: in the promoted programmes, "
        "{before} of applications came from {group} before the start and "
        "{after} after; seasons, trends and chance move this figure too.",
        before=_percent(p0),
        group=group_label,
        after=_percent(p1),
    )
    return BeforeAfter(
        p0,
        p1,
        100 * (p1 - p0),
        100 * (p1 - p0 - z * se),
        100 * (p1 - p0 + z * se),
        p_value,
        sentence,
    )


def _count_effect(fit: EffectFit, group_label: str) -> CountEffect:
    """Share change × applications to the promoted programmes after the start."""
    n = fit.post_applications
    value, low, high = (n * v / 100 for v in (fit.estimate_pp, fit.ci_low_pp, fit.ci_high_pp))
    if value >= 0:
        sentence = msg(
            "Over the {days} days counted since the start, that is about "
            "{count:.0f} more applications from {group} (between {low:.0f} and "
            "{high:.0f}, counted as a share change) out of {total} to the promoted programmes.",
            days=fit.n_post_days,
            count=abs(value),
            group=group_label,
            low=low,
            high=high,
            total=wording.count(n),
        )
    else:
        sentence = msg(
            "Over the {days} days counted since the start, that is about "
            "{count:.0f} fewer applications from {group} (between {low:.0f} and "
            "{high:.0f}, counted as a share change) out of {total} to the promoted programmes.",
            days=fit.n_post_days,
            count=abs(value),
            group=group_label,
            low=low,
            high=high,
            total=wording.count(n),
        )
    return CountEffect(value, low, high, n, sentence)


def _reading(fit: EffectFit, verdict: Verdict, mde: float, group_label: str) -> str:
    """One sentence a comms person can repeat without misleading anyone."""
    estimate, low, high = fit.estimate_pp, fit.ci_low_pp, fit.ci_high_pp
    if verdict == "effect":
        near, far = sorted((abs(low), abs(high)))
        # Whole sentences (rose or fell, with or without comparison), so each translates
        # naturally.
        values: dict[str, object] = {
            "group": group_label,
            "change": wording.decimal(abs(estimate), 1),
            "near": wording.decimal(near, 1),
            "far": wording.decimal(far, 1),
        }
        if estimate > 0 and fit.weaker:
            return msg(
                "The share of applications from {group} to the promoted programmes rose by "
                "about {change} points (between {near} and {far}) above its earlier "
                "trend; without comparison programmes this is a weaker estimate, so treat it "
                "with care.",
                **values,
            )
        if estimate > 0:
            return msg(
                "The share of applications from {group} to the promoted programmes rose by "
                "about {change} points (between {near} and {far}) more than in the "
                "comparison programmes; that is unlikely to be chance.",
                **values,
            )
        if fit.weaker:
            return msg(
                "The share of applications from {group} to the promoted programmes fell by "
                "about {change} points (between {near} and {far}) above its earlier "
                "trend; without comparison programmes this is a weaker estimate, so treat it "
                "with care.",
                **values,
            )
        return msg(
            "The share of applications from {group} to the promoted programmes fell by "
            "about {change} points (between {near} and {far}) more than in the "
            "comparison programmes; that is unlikely to be chance.",
            **values,
        )
    return msg(
        "We cannot tell whether the campaign changed the share of applications from "
        "{group}: the change, about {change} points (between {low} and "
        "{high}), could be chance, and only a change of about {mde} points or more "
        "would usually show up.",
        group=group_label,
        change=wording.decimal(estimate, 1, plus=True),
        low=wording.decimal(low, 1, plus=True),
        high=wording.decimal(high, 1, plus=True),
        mde=wording.decimal(mde, 1),
    )


def _refusal(sentence: str, alpha: float) -> EffectEstimate:
    return EffectEstimate(
        verdict="insufficient_data",
        reading=sentence,
        method=None,
        weaker=False,
        estimate_pp=None,
        ci_low_pp=None,
        ci_high_pp=None,
        p_value=None,
        mde_pp=None,
        alpha=alpha,
        n_pre_days=0,
        n_post_days=0,
        post_start=None,
        post_end=None,
        count_effect=None,
        pre_trend=None,
        placebo=None,
        undisclosed=None,
        descriptive_before_after=None,
        notes=(),
    )


def planned_mde_pp(share: float, applications_before: int, applications_after: int) -> float:
    """Rule of thumb before a campaign: the smallest lift in points found 80 % of the time."""
    if not 0 < share < 1 or applications_before <= 0 or applications_after <= 0:
        raise InvalidInput(
            N_("A planned share needs a share between 0 and 1 and some applications.")
        )
    variance = 2 * share * (1 - share) * (1 / applications_after + 1 / applications_before)
    return 100 * 2.8 * math.sqrt(variance) * 1.1


# --- Shares against targets ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShareEstimate:
    """A share with its Jeffreys interval and the chance that it has reached a target."""

    successes: int
    n: int
    share: float
    ci_low: float
    ci_high: float
    target: float
    probability_reached: float  # P(true share ≥ target) under the Jeffreys posterior
    sentence: str


def share_with_interval(
    successes: int, n: int, target: float, alpha: float = 0.05
) -> ShareEstimate:
    """The share, its interval and P(share ≥ target), all from one Beta(k+½, n−k+½) posterior."""
    # Jeffreys rather than Wilson: the interval and the probability then come from the same
    # posterior, so a target below the interval is always "very likely reached".
    if n <= 0 or not 0 <= successes <= n:
        raise InvalidInput(
            N_("A share needs at least one application and a count between 0 and n.")
        )
    if not 0 < target < 1 or not 0 < alpha < 1:
        raise InvalidInput(N_("The target and the significance level must be between 0 and 1."))
    posterior = stats.beta(successes + 0.5, n - successes + 0.5)
    low = 0.0 if successes == 0 else float(posterior.ppf(alpha / 2))
    high = 1.0 if successes == n else float(posterior.ppf(1 - alpha / 2))
    probability = float(posterior.sf(target))
    share = successes / n
    sentence = msg(
        "{share} ({successes} of {n}), likely between {low} and "
        "{high}; the chance that the true share has reached the {target} "
        "target is {chance}.",
        share=_percent(share),
        successes=wording.count(successes),
        n=wording.count(n),
        low=_percent(low),
        high=_percent(high),
        target=_percent(target, 0),
        chance=_chance(probability),
    )
    return ShareEstimate(successes, n, share, low, high, target, probability, sentence)


@dataclass(frozen=True, slots=True)
class TargetGap:
    """What it takes to reach a target share by a date, and where the current pace leads."""

    target: float
    current_share: float
    group_per_month: float  # current pace of applications from the group
    total_per_month: float  # current pace of all applications
    months_left: float
    needed_per_month: float  # extra applications from the group each month, on top of the pace
    projected_share: float  # share at the date if the current pace goes on
    sentence: str


def gap_per_month(
    group: int,
    total: int,
    target: float,
    months_seen: float,
    months_left: float,
    *,
    group_per_month: float | None = None,
    total_per_month: float | None = None,
) -> TargetGap:
    """Extra applications from the group needed each month to reach the target share in time.

    With G of N so far, a pace of g of t a month and m months left, the share at the date is
    (G + g·m) / (N + t·m). Extra applicants x a month (who add to the total too) reach target T
    when G + (g + x)·m = T·(N + (t + x)·m), so x = (T·(N + t·m) − G − g·m) / (m·(1 − T)).
    The pace defaults to the average so far (G and N over `months_seen`).
    """
    if not 0 < target < 1 or months_left <= 0 or group < 0 or total < group:
        raise InvalidInput(N_("A target gap needs a target between 0 and 1, time left and counts."))
    if (group_per_month is None or total_per_month is None) and months_seen <= 0:
        raise InvalidInput(N_("The pace needs a period of at least a few days behind it."))
    g = group / months_seen if group_per_month is None else group_per_month
    t = total / months_seen if total_per_month is None else total_per_month
    group_at_date, total_at_date = group + g * months_left, total + t * months_left
    projected = group_at_date / total_at_date if total_at_date > 0 else 0.0
    needed = (target * total_at_date - group_at_date) / (months_left * (1 - target))
    needed = max(0.0, needed)
    current = group / total if total else 0.0
    if needed == 0:
        sentence = msg(
            "At the current pace the share would be {projected} by then, which meets "
            "the {target} target.",
            projected=_percent(projected),
            target=_percent(target, 0),
        )
    else:
        sentence = msg(
            "At the current pace the share would be {projected} by then; reaching "
            "{target} takes about {needed} more applications from the "
            "group each month.",
            projected=_percent(projected),
            target=_percent(target, 0),
            needed=math.ceil(needed),
        )
    return TargetGap(target, current, g, t, months_left, needed, projected, sentence)


def months_to_target(
    group: int, total: int, target: float, *, group_per_month: float, total_per_month: float
) -> float | None:
    """Months until the running share reaches the target at the current pace; None if never.

    Solves (G + g·k) / (N + t·k) = T for k: k = (T·N − G) / (g − T·t), when g/t > T.
    """
    if not 0 < target < 1 or group < 0 or total < group:
        raise InvalidInput(N_("A target needs a share between 0 and 1 and counts."))
    if total > 0 and group / total >= target:
        return 0.0
    if total_per_month <= 0 or group_per_month / total_per_month <= target:
        return None
    return (target * total - group) / (group_per_month - target * total_per_month)


def _p(p_value: float) -> str:
    if p_value < 0.01:
        return N_("p < 0.01")
    return msg("p = {value}", value=wording.decimal(p_value, 2))


def _percent(value: float, decimals: int = 1) -> str:
    return wording.percent(value, decimals)


def _chance(probability: float) -> str:
    if probability < 0.01:
        return N_("under 1 %")
    if probability > 0.99:
        return N_("over 99 %")
    return msg("about {percent}", percent=wording.percent(probability, 0))


# --- Hiding small cells -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Suppressed:
    """A table safe to show: hidden counts are None; the masks say which and why."""

    table: pd.DataFrame
    hidden: pd.DataFrame  # True where a count is hidden (count columns only)
    small: pd.DataFrame  # True where hidden for being under the threshold (the rest protect them)
    threshold: int
    protected: bool  # False when a row or column total alone gives a hidden count away

    @property
    def note(self) -> str:
        """The sentence to show under a table with hidden cells ('' when nothing is hidden)."""
        if not self.hidden.to_numpy().any():
            return ""
        if not self.protected:
            return msg(
                "Counts under {threshold} are hidden, and a few others with them so that "
                "totals cannot reveal them. Some totals are under {threshold} too: hide them "
                "before showing them.",
                threshold=self.threshold,
            )
        return msg(
            "Counts under {threshold} are hidden, and a few others with them so that "
            "totals cannot reveal them.",
            threshold=self.threshold,
        )


def suppress(
    table: pd.DataFrame, count_columns: list[str], threshold: int, *, hide_zeros: bool = False
) -> Suppressed:
    """Hide counts from 1 to threshold − 1, and enough others that totals cannot reveal them.

    Zeros are shown by default: a zero points at no one, and hiding it would only force larger
    companions (pass `hide_zeros=True` where "nobody" is itself sensitive). Row sums (over the
    count columns) and column sums are taken to be public. First rule: no row or column holds
    exactly one hidden cell (its smallest visible non-zero cell joins it), until stable. Then
    every hidden cell is checked against all the public sums together, and non-negativity; a
    cell whose value is still pinned down gets a companion, and both rules run again.
    """
    if threshold < 1:
        raise InvalidInput(N_("The suppression threshold must be at least 1."))
    missing = [c for c in count_columns if c not in table.columns]
    if missing:
        raise InvalidInput(
            msg("The table has no column(s) {columns} to protect.", columns=", ".join(missing))
        )
    values = table[count_columns].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    if np.isnan(values).any() or (values < 0).any():
        raise InvalidInput(N_("Counts to protect must be numbers of zero or more."))
    small = (values < threshold) & ((values > 0) | hide_zeros)
    hidden = small.copy()
    # Cells the public totals give away even with every cell hidden (a row adding up to 0, say):
    # no hiding protects them, so they do not drive more of it.
    hopeless = set(_exposed_cells(values, np.ones_like(small))) if small.any() else set()
    while True:
        while _protect_lines(values, hidden):
            pass
        exposed = [c for c in _exposed_cells(values, hidden) if c not in hopeless]
        if not exposed or not _protect_exposed(values, hidden, exposed):
            break
    exposed = [c for c in _exposed_cells(values, hidden) if c in hopeless] + exposed
    shown = table.copy()
    for j, column in enumerate(count_columns):
        cells = shown[column].astype(object)
        cells[hidden[:, j]] = None
        shown[column] = cells
    mask = pd.DataFrame(hidden, index=table.index, columns=count_columns)
    small_mask = pd.DataFrame(small, index=table.index, columns=count_columns)
    return Suppressed(shown, mask, small_mask, threshold, protected=not exposed)


Cell = tuple[int, int]


def _lines(shape: tuple[int, int]) -> list[list[Cell]]:
    """The published sums: each row (with 2+ columns) and each column (with 2+ rows)."""
    rows, columns = shape
    lines = []
    if columns > 1:
        lines += [[(i, j) for j in range(columns)] for i in range(rows)]
    if rows > 1:
        lines += [[(i, j) for i in range(rows)] for j in range(columns)]
    return lines


def _companion(values: FloatArray, hidden: BoolArray, cells: list[Cell]) -> Cell | None:
    """Hide the smallest visible non-zero cell among `cells` (a zero only if nothing else)."""
    visible = [c for c in cells if not hidden[c]]
    if not visible:
        return None
    chosen = min(visible, key=lambda c: (values[c] == 0, values[c]))
    hidden[chosen] = True
    return chosen


def _protect_lines(values: FloatArray, hidden: BoolArray) -> bool:
    """One pass of the rule "never exactly one hidden cell in a line"; True if it hid more."""
    changed = False
    for line in _lines(values.shape):
        if sum(bool(hidden[c]) for c in line) == 1:
            changed |= _companion(values, hidden, line) is not None
    return changed


def _protect_exposed(values: FloatArray, hidden: BoolArray, exposed: list[Cell]) -> bool:
    """Give each pinned-down hidden cell a companion (one per row per pass); True if any."""
    rows, columns = values.shape
    done: set[int] = set()
    for cell in exposed:
        if cell[0] in done:
            continue
        for cells in (
            [(cell[0], j) for j in range(columns)],
            [(i, cell[1]) for i in range(rows)],
            [(i, j) for i in range(rows) for j in range(columns)],
        ):
            chosen = _companion(values, hidden, cells)
            if chosen is not None:
                done.update((cell[0], chosen[0]))
                break
    return bool(done)


def _exposed_cells(values: FloatArray, hidden: BoolArray) -> list[Cell]:
    """Hidden cells whose value the public sums and non-negativity pin down exactly.

    A hidden zero may be forced to stay zero (a linear program finds its largest possible
    value). Once those are set aside, some solution has every other hidden cell above zero, so
    a cell is pinned exactly when no change of the hidden cells keeps every sum: when its row
    of the null space of the system is zero.
    """
    cells = [(int(i), int(j)) for i, j in zip(*np.nonzero(hidden), strict=True)]
    position = {cell: k for k, cell in enumerate(cells)}
    equations, sums = [], []
    for line in _lines(values.shape):
        inside = [c for c in line if hidden[c]]
        if inside:
            row = np.zeros(len(cells))
            row[[position[c] for c in inside]] = 1.0
            equations.append(row)
            sums.append(sum(values[c] for c in inside))
    if not equations:
        return []
    system, totals = np.asarray(equations), np.asarray(sums)
    forced = [
        k for k, c in enumerate(cells) if values[c] == 0 and _largest(system, totals, k) < 0.5
    ]
    free = [k for k in range(len(cells)) if k not in forced]
    freedom = linalg.null_space(system[:, free]) if free else np.zeros((0, 0))
    movable = np.abs(freedom).max(axis=1) > 1e-9 if freedom.size else np.zeros(len(free), bool)
    pinned = [cells[k] for k, moves in zip(free, movable, strict=True) if not moves]
    return [cells[k] for k in forced] + pinned


def _largest(system: FloatArray, totals: FloatArray, k: int) -> float:
    """The largest value hidden cell k can take given the sums and non-negativity."""
    objective = np.zeros(system.shape[1])
    objective[k] = -1.0
    solution = optimize.linprog(
        objective, A_eq=system, b_eq=totals, bounds=(0, None), method="highs"
    )
    return float(-solution.fun) if solution.status == 0 else math.inf


# How each estimator is named for readers (pages and reports).
METHOD_NAMES = {
    "did_glsar": N_("difference-in-differences with AR(1) errors"),
    "binomial_glm": N_("binomial model on daily counts, for small groups"),
    "its_glsar": N_("interrupted time series (no comparison programmes: a weaker reading)"),
}
