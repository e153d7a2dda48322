"""Effect estimator on 500 simulated campaigns per row: coverage, false positives, power, speed.

The shipped estimator (`campaigns.effect.fit_effect`, method "auto") must keep its 95 % intervals
around the true lift 93–97 % of the time, find an effect that is not there 3–7 % of the time, and
find a +3 point lift in the share of women at least 80 % of the time. The naive before/after test
on the promoted programmes runs in the same harness as the baseline it must beat; the other rows
show what the single-series fallback and a broken parallel-trends assumption cost.

Run it as `OPENBLAS_NUM_THREADS=1 nice python bench/bench_effect.py`: the fits use small
matrices, and on a busy machine OpenBLAS threads waiting for each other made them 10 to 50
times slower (a binomial fit took 15 ms on one thread, 50–1,150 ms on two).
"""

from __future__ import annotations

import sys
import time
from datetime import date

import pandas as pd

from campaigns.effect import fit_effect
from campaigns.effect_simulation import (
    Estimator,
    FitResult,
    SimulationSummary,
    before_after_estimator,
    run_simulations,
)

RUNS = 500
SEED = 20260101
COVERAGE = (0.93, 0.97)
FALSE_POSITIVES = (0.03, 0.07)
POWER_AT_3 = 0.80


def its_only(daily: pd.DataFrame, start: date, end: date) -> FitResult:
    """The single-series fallback, as if there were no comparison programmes."""
    return fit_effect(daily, start, end, method="its")


def with_drift_term(daily: pd.DataFrame, start: date, end: date) -> FitResult:
    """Difference-in-differences that also fits a straight-line drift between the arms."""
    return fit_effect(daily, start, end, differential_trend=True)


# (label, scenario, lift in points, estimator or None for the shipped one, checked?)
ROWS: list[tuple[str, str, float, Estimator | None, bool]] = [
    ("shipped (auto)", "women", 0.0, None, True),
    ("shipped (auto)", "women", 3.0, None, True),
    ("shipped (auto)", "disability", 0.0, None, True),
    ("shipped (auto)", "disability", 1.4, None, True),
    ("shipped (auto)", "disability", 1.0, None, False),
    ("before/after baseline", "women", 0.0, before_after_estimator, False),
    ("before/after baseline", "women", 3.0, before_after_estimator, False),
    ("ITS, no comparison", "women", 0.0, its_only, False),
    ("ITS, no comparison", "women", 3.0, its_only, False),
    ("shipped, +3 pts/yr drift", "women_drift", 0.0, None, False),
    ("drift term, +3 pts/yr drift", "women_drift", 0.0, with_drift_term, False),
    ("drift term", "women", 3.0, with_drift_term, False),
]


def verdicts(summary: SimulationSummary) -> list[str]:
    """The issue's targets that this row misses (empty when it meets them all)."""
    misses = []
    if not COVERAGE[0] <= summary.coverage <= COVERAGE[1]:
        misses.append(f"coverage {summary.coverage:.1%} outside 93–97 %")
    if summary.false_positive_rate is not None and not (
        FALSE_POSITIVES[0] <= summary.false_positive_rate <= FALSE_POSITIVES[1]
    ):
        misses.append(f"false positives {summary.false_positive_rate:.1%} outside 3–7 %")
    if (
        summary.scenario == "women"
        and summary.lift_pp == 3.0
        and summary.rejection_rate < POWER_AT_3
    ):
        misses.append(f"power {summary.rejection_rate:.1%} under 80 %")
    return misses


def main() -> int:
    """Run every row, print the table, and fail when the shipped estimator misses a target."""
    print(f"{RUNS} simulated campaigns per row (182 days before, 56 after, ~100 a day per arm)")
    header = (
        f"{'estimator':28} {'scenario':12} {'lift':>5} {'method':13} {'cover':>6} "
        f"{'FP/power':>9} {'mean est':>9} {'sd':>5} {'width':>6} {'ms/fit':>7}"
    )
    print(header)
    print("-" * len(header))
    misses: list[str] = []
    baseline_ms = None
    began = time.perf_counter()
    for label, scenario, lift, estimator, checked in ROWS:
        summary = run_simulations(RUNS, lift, scenario, SEED, estimator=estimator)
        kind = "FP" if lift == 0 else "pw"
        print(
            f"{label:28} {scenario:12} {lift:5.1f} {summary.methods[0]:13} "
            f"{summary.coverage:6.1%} {kind} {summary.rejection_rate:6.1%} "
            f"{summary.mean_estimate_pp:+9.2f} {summary.sd_estimate_pp:5.2f} "
            f"{summary.mean_ci_width_pp:6.2f} {summary.ms_per_fit:7.2f}",
            flush=True,
        )
        if label.startswith("before/after") and baseline_ms is None:
            baseline_ms = summary.ms_per_fit
        if checked:
            misses += [f"{scenario} +{lift:g}: {m}" for m in verdicts(summary)]
    print(f"total {time.perf_counter() - began:.0f} s; baseline fit {baseline_ms:.2f} ms")
    print("targets: coverage 93–97 %, false positives 3–7 %, power ≥ 80 % at +3 points (women)")
    if misses:
        print("MISSED: " + "; ".join(misses))
        return 1
    print("all targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
