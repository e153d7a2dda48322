"""Simulated application series with a known campaign lift, to check an effect estimator.

The generator is plain numpy: two arms (promoted and comparison programmes) with ~100
applications a day each, weekly seasonality in volume and share, a common trend, AR(1) shocks
common to both arms (the things a before/after comparison mistakes for an effect), a smaller
AR(1) shock of each arm's own, and a lift added to the promoted share after the campaign starts.
`run_simulations` fits an estimator on many such series and reports how often its interval
covers the true lift and how often it finds an effect (false positives at lift 0, power otherwise).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

import numpy as np
import pandas as pd
from numpy.typing import NDArray

FIRST_DAY = date(2024, 9, 2)  # a Monday; nothing depends on it but the day-of-week pattern
# Relative application volume Monday..Sunday (weekends are quiet) and the share's own weekly
# pattern on the logit scale (slightly fewer of the group apply at weekends).
WEEKLY_VOLUME = (1.2, 1.15, 1.1, 1.05, 1.0, 0.8, 0.7)
WEEKLY_SHARE = (0.0, 0.02, 0.02, 0.0, -0.02, -0.05, -0.05)


@dataclass(frozen=True, slots=True)
class Scenario:
    """How a simulated pair of arms behaves; shares are proportions, shocks on the logit scale."""

    name: str
    promoted_share: float
    comparison_share: float
    daily_applications: float = 100.0
    pre_days: int = 182
    post_days: int = 56  # from the campaign start: 28 days of campaign, 28 days after
    campaign_days: int = 28
    common_trend_per_year: float = 0.10  # logit units a year, both arms (≈ +1.6 points at 20 %)
    common_shock_sd: float = 0.12  # AR(1) shock shared by both arms (≈ 1.9 points at 20 %)
    common_shock_rho: float = 0.8
    arm_shock_sd: float = 0.05  # AR(1) shock of each arm's own (≈ 0.8 points at 20 %)
    arm_shock_rho: float = 0.5
    volume_shock_sd: float = 0.10  # AR(1) shock on the number of applications, both arms
    drift_pp_per_year: float = 0.0  # promoted minus comparison drift: breaks parallel trends
    undisclosed_share: float = 0.03


SCENARIOS: dict[str, Scenario] = {
    "women": Scenario("women", promoted_share=0.19, comparison_share=0.21),
    "disability": Scenario("disability", promoted_share=0.05, comparison_share=0.055),
    "women_drift": Scenario(
        "women_drift", promoted_share=0.19, comparison_share=0.21, drift_pp_per_year=3.0
    ),
}


@dataclass(frozen=True, slots=True)
class SimulatedSeries:
    """One simulated daily frame (the estimator's input contract) and the campaign's dates."""

    daily: pd.DataFrame  # day, arm, total, group, undisclosed
    start: date
    end: date
    lift_pp: float


class FitResult(Protocol):
    """What the harness reads from an estimator's answer."""

    @property
    def estimate_pp(self) -> float: ...
    @property
    def ci_low_pp(self) -> float: ...
    @property
    def ci_high_pp(self) -> float: ...
    @property
    def p_value(self) -> float: ...
    @property
    def method(self) -> str: ...


Estimator = Callable[[pd.DataFrame, date, date], FitResult]


@dataclass(frozen=True, slots=True)
class SimulationSummary:
    """How an estimator did over many simulated campaigns with the same true lift."""

    scenario: str
    lift_pp: float
    runs: int
    coverage: float  # share of intervals containing the true lift
    rejection_rate: float  # share of runs with p < alpha: false positives at lift 0, else power
    mean_estimate_pp: float
    bias_pp: float
    sd_estimate_pp: float
    mean_ci_width_pp: float
    ms_per_fit: float
    methods: tuple[str, ...]  # the methods the estimator chose, most frequent first

    @property
    def false_positive_rate(self) -> float | None:
        """Share of runs finding an effect that is not there; None when there is a lift."""
        return self.rejection_rate if self.lift_pp == 0 else None

    @property
    def power(self) -> float | None:
        """Share of runs finding the lift that is there; None at lift 0."""
        return self.rejection_rate if self.lift_pp != 0 else None


def _ar1(rng: np.random.Generator, days: int, sd: float, rho: float) -> NDArray[np.float64]:
    """A stationary AR(1) path with the given marginal standard deviation."""
    innovations = rng.normal(0.0, sd * np.sqrt(1.0 - rho**2), days)
    path = np.empty(days)
    path[0] = rng.normal(0.0, sd)
    for t in range(1, days):
        path[t] = rho * path[t - 1] + innovations[t]
    return path


def _expit(x: NDArray[np.float64]) -> NDArray[np.float64]:
    return 1.0 / (1.0 + np.exp(-x))


def _logit(p: float) -> float:
    return float(np.log(p / (1.0 - p)))


def simulate_daily(scenario: Scenario, lift_pp: float, rng: np.random.Generator) -> SimulatedSeries:
    """One simulated pair of daily series, with `lift_pp` points added after the start."""
    days = scenario.pre_days + scenario.post_days
    t = np.arange(days, dtype=float)
    dow = np.array([(FIRST_DAY.weekday() + i) % 7 for i in range(days)])
    post = t >= scenario.pre_days
    volume = np.asarray(WEEKLY_VOLUME)[dow] / np.mean(WEEKLY_VOLUME)
    volume_shock = _ar1(rng, days, scenario.volume_shock_sd, 0.7)
    common = (
        scenario.common_trend_per_year * t / 365.0
        + np.asarray(WEEKLY_SHARE)[dow]
        + _ar1(rng, days, scenario.common_shock_sd, scenario.common_shock_rho)
    )
    frames = []
    for arm, base in (
        ("promoted", scenario.promoted_share),
        ("comparison", scenario.comparison_share),
    ):
        share = _expit(
            _logit(base) + common + _ar1(rng, days, scenario.arm_shock_sd, scenario.arm_shock_rho)
        )
        if arm == "promoted":
            share = share + scenario.drift_pp_per_year / 100.0 * (t - scenario.pre_days) / 365.0
            share = share + np.where(post, lift_pp / 100.0, 0.0)
        share = np.clip(share, 0.0, 1.0)
        total = rng.poisson(scenario.daily_applications * volume * np.exp(volume_shock))
        group = rng.binomial(total, share)
        undisclosed = rng.binomial(total - group, scenario.undisclosed_share)
        frames.append(
            pd.DataFrame(
                {
                    "day": pd.date_range(FIRST_DAY, periods=days, freq="D"),
                    "arm": arm,
                    "total": total,
                    "group": group,
                    "undisclosed": undisclosed,
                }
            )
        )
    start = FIRST_DAY + timedelta(days=scenario.pre_days)
    end = start + timedelta(days=scenario.campaign_days - 1)
    return SimulatedSeries(pd.concat(frames, ignore_index=True), start, end, lift_pp)


def _default_estimator(daily: pd.DataFrame, start: date, end: date) -> FitResult:
    from campaigns.effect import fit_effect

    return fit_effect(daily, start, end)


def run_simulations(
    n: int,
    lift_pp: float,
    scenario: str | Scenario = "women",
    seed: int = 0,
    *,
    estimator: Estimator | None = None,
    alpha: float = 0.05,
) -> SimulationSummary:
    """Fit `estimator` (the shipped `fit_effect` by default) on `n` simulated campaigns."""
    chosen = SCENARIOS[scenario] if isinstance(scenario, str) else scenario
    fit = estimator or _default_estimator
    estimates, widths, covered, rejected, seconds = [], [], 0, 0, 0.0
    methods: dict[str, int] = {}
    for i in range(n):
        series = simulate_daily(chosen, lift_pp, np.random.default_rng([seed, i]))
        began = time.perf_counter()
        result = fit(series.daily, series.start, series.end)
        seconds += time.perf_counter() - began
        estimates.append(result.estimate_pp)
        widths.append(result.ci_high_pp - result.ci_low_pp)
        covered += int(result.ci_low_pp <= lift_pp <= result.ci_high_pp)
        rejected += int(result.p_value < alpha)
        methods[result.method] = methods.get(result.method, 0) + 1
    values = np.asarray(estimates)
    return SimulationSummary(
        scenario=chosen.name,
        lift_pp=lift_pp,
        runs=n,
        coverage=covered / n,
        rejection_rate=rejected / n,
        mean_estimate_pp=float(values.mean()),
        bias_pp=float(values.mean() - lift_pp),
        sd_estimate_pp=float(values.std(ddof=1)) if n > 1 else 0.0,
        mean_ci_width_pp=float(np.mean(widths)),
        ms_per_fit=1000.0 * seconds / n,
        methods=tuple(sorted(methods, key=lambda m: -methods[m])),
    )


@dataclass(frozen=True, slots=True)
class BeforeAfterFit:
    """The naive answer: promoted programmes after the start against before, nothing else."""

    estimate_pp: float
    ci_low_pp: float
    ci_high_pp: float
    p_value: float
    method: str = "before_after"


def before_after_estimator(daily: pd.DataFrame, start: date, end: date) -> BeforeAfterFit:
    """Two-proportion test on the promoted programmes: the baseline that must fail the checks."""
    promoted = daily[daily["arm"] == "promoted"]
    day = pd.to_datetime(promoted["day"])
    before = promoted[day < pd.Timestamp(start)]
    after = promoted[
        (day >= pd.Timestamp(start)) & (day <= pd.Timestamp(end) + pd.Timedelta(28, "D"))
    ]
    k0, n0 = float(before["group"].sum()), float(before["total"].sum())
    k1, n1 = float(after["group"].sum()), float(after["total"].sum())
    p0, p1 = k0 / n0, k1 / n1
    pooled = (k0 + k1) / (n0 + n1)
    z_stat = (p1 - p0) / np.sqrt(pooled * (1 - pooled) * (1 / n0 + 1 / n1))
    se = np.sqrt(p0 * (1 - p0) / n0 + p1 * (1 - p1) / n1)
    p_value = float(math.erfc(abs(z_stat) / math.sqrt(2)))
    difference = 100 * (p1 - p0)
    return BeforeAfterFit(difference, difference - 196 * se, difference + 196 * se, p_value)
