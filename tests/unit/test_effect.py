"""Effect estimates, target shares and small-cell hiding, checked on simulated campaigns."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaigns.effect import (
    EffectFit,
    NotEnoughData,
    as_dict,
    estimate_effect,
    fit_effect,
    gap_per_month,
    months_to_target,
    planned_mde_pp,
    share_with_interval,
    suppress,
)
from campaigns.effect_simulation import (
    SCENARIOS,
    FitResult,
    Scenario,
    SimulatedSeries,
    SimulationSummary,
    before_after_estimator,
    run_simulations,
    simulate_daily,
)
from campaigns.errors import InvalidInput

# Tolerances for 80 simulated campaigns: loose enough for the Monte Carlo noise of a correct
# estimator (false positives 5 % ± 2.4, coverage 95 % ± 2.4), tight enough that the naive
# before/after test (28 % false positives, 71 % coverage in the bench) and an estimator with
# over-confident intervals both fail them.
RUNS = 80
MAX_FALSE_POSITIVES = 0.11
MIN_COVERAGE = 0.88


def series(scenario: str = "women", lift: float = 0.0, seed: int = 3) -> SimulatedSeries:
    return simulate_daily(SCENARIOS[scenario], lift, np.random.default_rng(seed))


def trustworthy(summary: SimulationSummary) -> bool:
    """The checks the shipped estimator must pass and a broken one must fail."""
    false_positives = summary.false_positive_rate
    return summary.coverage >= MIN_COVERAGE and (
        false_positives is None or false_positives <= MAX_FALSE_POSITIVES
    )


def overconfident(daily: pd.DataFrame, start: date, end: date) -> FitResult:
    """The shipped estimate with intervals half as wide, as if the AR(1) errors were ignored."""
    fit = fit_effect(daily, start, end)
    half = (fit.ci_high_pp - fit.ci_low_pp) / 4
    return dataclasses.replace(
        fit, ci_low_pp=fit.estimate_pp - half, ci_high_pp=fit.estimate_pp + half
    )


# --- The estimator on simulated campaigns ------------------------------------------------------


@pytest.fixture(scope="module")
def no_lift() -> SimulationSummary:
    return run_simulations(RUNS, 0.0, "women", seed=11)


def test_shipped_estimator_rarely_finds_an_effect_that_is_not_there(
    no_lift: SimulationSummary,
) -> None:
    assert no_lift.methods == ("did_glsar",)
    assert no_lift.false_positive_rate is not None
    assert no_lift.false_positive_rate <= MAX_FALSE_POSITIVES
    assert no_lift.coverage >= MIN_COVERAGE
    assert abs(no_lift.mean_estimate_pp) < 0.4
    assert trustworthy(no_lift)


def test_before_after_comparison_fails_the_same_false_positive_check() -> None:
    naive = run_simulations(RUNS, 0.0, "women", seed=11, estimator=before_after_estimator)
    assert naive.false_positive_rate is not None
    assert naive.false_positive_rate > 2 * MAX_FALSE_POSITIVES
    assert not trustworthy(naive)


def test_overconfident_intervals_fail_the_coverage_check() -> None:
    broken = run_simulations(RUNS, 0.0, "women", seed=11, estimator=overconfident)
    assert broken.coverage < MIN_COVERAGE
    assert not trustworthy(broken)


def test_shipped_estimator_finds_a_three_point_lift_and_covers_it() -> None:
    lifted = run_simulations(RUNS, 3.0, "women", seed=12)
    assert lifted.power is not None and lifted.power >= 0.7
    assert lifted.coverage >= MIN_COVERAGE
    assert abs(lifted.bias_pp) < 0.4


def test_small_counts_use_the_binomial_model_and_keep_their_calibration() -> None:
    summary = run_simulations(60, 0.0, "disability", seed=13)
    assert summary.methods == ("binomial_glm",)
    assert trustworthy(summary)
    lifted = run_simulations(60, 1.4, "disability", seed=14)
    assert lifted.coverage >= MIN_COVERAGE
    assert abs(lifted.bias_pp) < 0.3


def test_rule_of_thumb_matches_the_reference_minimum_detectable_effects() -> None:
    before, after = 182 * 100, 56 * 100
    assert planned_mde_pp(0.05, before, after) == pytest.approx(1.45, abs=0.05)
    assert planned_mde_pp(0.20, before, after) == pytest.approx(2.66, abs=0.05)


# --- What the comms team reads -----------------------------------------------------------------


def test_a_clear_lift_reads_as_an_effect_against_the_comparison() -> None:
    sim = series(lift=6.0)
    found = estimate_effect(sim.daily, sim.start, sim.end, group_label="women")
    assert found.verdict == "effect"
    assert found.method == "did_glsar" and not found.weaker
    assert found.reading.startswith("The share of applications from women")
    assert "rose by about" in found.reading
    assert "more than in the comparison programmes" in found.reading
    assert found.ci_low_pp is not None and found.ci_high_pp is not None
    assert found.ci_low_pp < 6.0 < found.ci_high_pp
    assert found.n_pre_days == 182 and found.n_post_days == 56
    assert found.post_end == sim.end + timedelta(days=28)


def test_no_lift_reads_as_we_cannot_tell_with_the_detectable_size() -> None:
    sim = series(seed=4)
    found = estimate_effect(sim.daily, sim.start, sim.end, group_label="women")
    assert found.verdict == "no_detectable_effect"
    assert found.reading.startswith("We cannot tell")
    assert found.mde_pp is not None and 2.0 < found.mde_pp < 3.5
    assert f"{found.mde_pp:.1f} points" in found.reading


def test_count_effect_is_the_share_change_times_promoted_applications_after() -> None:
    sim = series(lift=3.0)
    found = estimate_effect(sim.daily, sim.start, sim.end)
    assert found.count_effect is not None and found.estimate_pp is not None
    after = sim.daily[(sim.daily["arm"] == "promoted") & (sim.daily["day"] >= str(sim.start))]
    assert found.count_effect.post_applications == after["total"].sum()
    expected = found.estimate_pp / 100 * after["total"].sum()
    assert found.count_effect.applications == pytest.approx(expected)
    assert found.count_effect.low < found.count_effect.applications < found.count_effect.high


def test_checks_come_with_every_estimate() -> None:
    sim = series(seed=5)
    found = estimate_effect(sim.daily, sim.start, sim.end, group_label="women")
    assert found.pre_trend is not None and found.placebo is not None
    assert found.undisclosed is not None and found.descriptive_before_after is not None
    weekly = found.pre_trend.weekly
    assert set(weekly["arm"]) == {"promoted", "comparison"}
    assert set(weekly["period"]) == {"before", "after"}
    assert weekly["share"].between(0, 1).all()
    # Fake starts every 14 days from day 56, each followed by the real 56-day "after" window.
    assert found.placebo.runs == 6
    assert list(found.placebo.results.columns) == [
        "start",
        "estimate_pp",
        "ci_low_pp",
        "ci_high_pp",
        "p_value",
    ]
    assert found.placebo.results["start"].max() < pd.Timestamp(sim.start - timedelta(days=55))
    assert "fake campaign dates" in found.placebo.sentence
    assert isinstance(found.pre_trend.parallel, bool)
    assert isinstance(found.undisclosed.moved, bool)
    assert "description only, not the campaign's effect" in (
        found.descriptive_before_after.sentence
    )


def test_a_drifting_gap_is_flagged_by_the_pre_trend_check() -> None:
    drifting = Scenario("steep", 0.19, 0.21, drift_pp_per_year=15.0)
    sim = simulate_daily(drifting, 0.0, np.random.default_rng(6))
    found = estimate_effect(sim.daily, sim.start, sim.end)
    assert found.pre_trend is not None and found.pre_trend.parallel is False
    assert found.pre_trend.slope_pp_per_30_days > 0
    assert found.pre_trend.sentence in found.notes
    corrected = estimate_effect(sim.daily, sim.start, sim.end, differential_trend=True)
    assert corrected.ci_low_pp is not None and corrected.ci_high_pp is not None
    assert corrected.ci_low_pp < 0 < corrected.ci_high_pp


def test_without_comparison_programmes_the_weaker_series_estimate_is_flagged() -> None:
    sim = series(lift=3.0)
    promoted_only = sim.daily[sim.daily["arm"] == "promoted"]
    found = estimate_effect(promoted_only, sim.start, sim.end)
    assert found.method == "its_glsar"
    assert found.weaker
    assert any("no comparison programmes" in note for note in found.notes)
    assert found.pre_trend is not None and found.pre_trend.parallel is None


def test_its_can_be_asked_for_even_with_comparison_programmes() -> None:
    sim = series()
    assert fit_effect(sim.daily, sim.start, sim.end, method="its").weaker


def test_binomial_model_is_chosen_for_small_counts_only() -> None:
    small = series("disability")
    assert estimate_effect(small.daily, small.start, small.end).method == "binomial_glm"
    large = series("women")
    assert estimate_effect(large.daily, large.start, large.end).method == "did_glsar"
    forced = fit_effect(large.daily, large.start, large.end, method="binomial")
    assert forced.method == "binomial_glm"


def test_binomial_effect_is_reported_in_points_not_a_relative_change() -> None:
    sim = series("disability", lift=3.0)
    fit = fit_effect(sim.daily, sim.start, sim.end)
    assert fit.method == "binomial_glm"
    assert 1.0 < fit.estimate_pp < 5.0  # a relative change would read about +60 %
    assert fit.ci_low_pp < fit.estimate_pp < fit.ci_high_pp


def test_undisclosed_answers_that_jump_are_reported() -> None:
    sim = series()
    daily = sim.daily.copy()
    after = (daily["day"] >= str(sim.start)) & (daily["arm"] == "promoted")
    daily.loc[after, "undisclosed"] = (daily.loc[after, "total"] * 0.15).astype(int)
    found = estimate_effect(daily, sim.start, sim.end)
    assert found.undisclosed is not None and found.undisclosed.moved is True
    assert found.undisclosed.sentence in found.notes


def test_the_estimate_turns_into_plain_json() -> None:
    sim = series()
    text = json.dumps(as_dict(estimate_effect(sim.daily, sim.start, sim.end)))
    assert '"verdict"' in text and '"placebo"' in text


# --- Refusals ----------------------------------------------------------------------------------


def refused(daily: pd.DataFrame, start: date, end: date, **options: Any) -> str:
    found = estimate_effect(daily, start, end, **options)
    assert found.verdict == "insufficient_data"
    assert found.estimate_pp is None and found.ci_low_pp is None and found.mde_pp is None
    assert found.count_effect is None and found.placebo is None
    return found.reading


def test_refuses_with_too_few_days_before_the_start() -> None:
    sim = series()
    recent = sim.daily[sim.daily["day"] >= str(sim.start - timedelta(days=30))]
    reading = refused(recent, sim.start, sim.end)
    assert "30 days" in reading and "before the campaign start" in reading


def test_refuses_with_too_few_days_after_the_start() -> None:
    sim = series()
    early = sim.daily[sim.daily["day"] < str(sim.start + timedelta(days=9))]
    assert "9 days" in refused(early, sim.start, sim.end)


def test_refuses_when_the_comparison_programmes_received_nothing() -> None:
    sim = series()
    daily = sim.daily.copy()
    daily.loc[daily["arm"] == "comparison", ["total", "group", "undisclosed"]] = 0
    assert "comparison programmes received no applications" in refused(daily, sim.start, sim.end)


def test_refuses_when_no_one_applied() -> None:
    sim = series()
    daily = sim.daily.assign(total=0, group=0, undisclosed=0)
    assert "no applications" in refused(daily, sim.start, sim.end)


def test_refuses_a_comparison_method_without_comparison_programmes() -> None:
    sim = series()
    promoted_only = sim.daily[sim.daily["arm"] == "promoted"]
    assert "no comparison programmes" in refused(promoted_only, sim.start, sim.end, method="did")


def test_refuses_a_binomial_fit_when_the_group_never_applies() -> None:
    sim = series("disability")
    daily = sim.daily.assign(group=0)
    assert "too rare" in refused(daily, sim.start, sim.end)


def test_fit_effect_raises_what_estimate_effect_turns_into_a_refusal() -> None:
    sim = series()
    with pytest.raises(NotEnoughData, match="days with applications"):
        fit_effect(sim.daily, sim.start, sim.end, min_pre_days=400)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.drop(columns=["group"]), "lacks the column"),
        (lambda d: d.assign(arm="elsewhere"), "promoted or the comparison"),
        (lambda d: d.assign(group=d["total"] + 1), "more applications from the group"),
        (lambda d: d.assign(total=-1), "zero or more"),
    ],
)
def test_malformed_daily_tables_are_refused_with_a_sentence(
    change: Callable[[pd.DataFrame], pd.DataFrame], message: str
) -> None:
    sim = series()
    with pytest.raises(InvalidInput, match=message):
        estimate_effect(change(sim.daily), sim.start, sim.end)


def test_a_campaign_ending_before_it_starts_is_refused() -> None:
    sim = series()
    with pytest.raises(InvalidInput, match="ends before it starts"):
        estimate_effect(sim.daily, sim.end, sim.start)


def test_core_fit_result_satisfies_the_harness_protocol() -> None:
    sim = series()
    fit: FitResult = fit_effect(sim.daily, sim.start, sim.end)
    assert isinstance(fit, EffectFit)


# --- Shares against targets --------------------------------------------------------------------


def test_share_with_interval_reproduces_the_reference_example() -> None:
    share = share_with_interval(230, 1000, 0.25)
    assert share.share == pytest.approx(0.230)
    assert share.ci_low == pytest.approx(0.205, abs=0.002)
    assert share.ci_high == pytest.approx(0.257, abs=0.002)
    assert share.probability_reached == pytest.approx(0.07, abs=0.01)
    assert share.sentence.startswith("23.0 % (230 of 1,000)")


def test_share_interval_stays_inside_zero_and_one() -> None:
    none = share_with_interval(0, 40, 0.25)
    assert none.ci_low == 0.0 and none.ci_high < 0.1
    assert none.probability_reached < 0.01
    everyone = share_with_interval(40, 40, 0.25)
    assert everyone.ci_high == 1.0 and everyone.probability_reached > 0.99


def test_share_without_applications_is_refused() -> None:
    with pytest.raises(InvalidInput):
        share_with_interval(0, 0, 0.25)


def test_gap_per_month_counts_extra_applicants_needed_by_the_date() -> None:
    # 200 women of 1,000 in 10 months; 5 months left at 20 of 100 a month reaches 300 of 1,500.
    gap = gap_per_month(200, 1000, 0.25, 10.0, 5.0)
    assert gap.projected_share == pytest.approx(0.20)
    assert gap.needed_per_month == pytest.approx(20.0)
    # 20 more a month: 400 of 1,600 = 25 %.
    assert (300 + 5 * gap.needed_per_month) / (1500 + 5 * gap.needed_per_month) == 0.25
    assert "20 more applications" in gap.sentence


def test_gap_per_month_is_zero_when_the_pace_already_meets_the_target() -> None:
    gap = gap_per_month(300, 1000, 0.25, 10.0, 5.0)
    assert gap.needed_per_month == 0.0
    assert "meets" in gap.sentence


def test_months_to_target_at_the_current_pace() -> None:
    assert months_to_target(
        200, 1000, 0.25, group_per_month=30, total_per_month=100
    ) == pytest.approx(10.0)
    assert months_to_target(200, 1000, 0.25, group_per_month=20, total_per_month=100) is None
    assert months_to_target(300, 1000, 0.25, group_per_month=0, total_per_month=100) == 0.0


# --- Suppression -------------------------------------------------------------------------------


def public_lines(shape: tuple[int, int]) -> list[list[tuple[int, int]]]:
    rows, columns = shape
    lines = []
    if columns > 1:
        lines += [[(i, j) for j in range(columns)] for i in range(rows)]
    if rows > 1:
        lines += [[(i, j) for i in range(rows)] for j in range(columns)]
    return lines


def recoverable_cells(values: np.ndarray, hidden: np.ndarray) -> list[tuple[int, int]]:
    """Hidden cells an attacker can compute from shown cells and every row and column total.

    Subtraction in one line is the simple attack; combining lines (rank of the system of
    hidden cells) catches the rest, and a line whose hidden cells add up to zero pins each.
    """
    cells = [tuple(map(int, c)) for c in np.argwhere(hidden)]
    index = {c: k for k, c in enumerate(cells)}
    equations = []
    pinned: set[tuple[int, int]] = set()
    for line in public_lines(values.shape):
        inside = [c for c in line if hidden[c]]
        if not inside:
            continue
        row = np.zeros(len(cells))
        row[[index[c] for c in inside]] = 1
        equations.append(row)
        if sum(values[c] for c in inside) == 0:
            pinned.update(inside)
    if not equations:
        return sorted(pinned)
    system = np.array(equations)
    rank = np.linalg.matrix_rank(system)
    found = set(pinned)
    for cell, k in index.items():
        unit = np.zeros(len(cells))
        unit[k] = 1
        if np.linalg.matrix_rank(np.vstack([system, unit])) == rank:
            found.add(cell)
    return sorted(found)


def check_protected(table: pd.DataFrame, columns: list[str], threshold: int) -> np.ndarray:
    result = suppress(table, columns, threshold)
    values = table[columns].to_numpy(dtype=float)
    hidden = result.hidden.to_numpy()
    assert hidden[(values > 0) & (values < threshold)].all()
    for line in public_lines(values.shape):
        assert sum(bool(hidden[c]) for c in line) != 1
    assert recoverable_cells(values, hidden) == []
    for j, column in enumerate(columns):
        shown = result.table[column].tolist()
        for i in range(len(table)):
            assert (shown[i] is None) == bool(hidden[i, j])
            if not hidden[i, j]:
                assert shown[i] == table[column].iloc[i]
    return hidden


def test_a_small_cell_hides_its_smallest_neighbour_in_row_and_column() -> None:
    table = pd.DataFrame(
        {
            "programme": ["Web", "Data", "Cloud"],
            "women": [3, 40, 25],
            "men": [60, 80, 70],
        }
    )
    hidden = check_protected(table, ["women", "men"], 10)
    assert hidden.tolist() == [[True, True], [False, False], [True, True]]


def test_zeros_are_shown_by_default_and_hidden_on_request() -> None:
    table = pd.DataFrame({"women": [0, 12, 30], "men": [14, 40, 50]})
    assert not suppress(table, ["women", "men"], 10).hidden.to_numpy().any()
    hidden = suppress(table, ["women", "men"], 10, hide_zeros=True)
    assert hidden.hidden.to_numpy()[0, 0]
    check_protected(table, ["women", "men"], 10)


def test_hidden_zeros_get_a_non_zero_companion() -> None:
    table = pd.DataFrame({"a": [0, 20, 30], "b": [0, 40, 35], "c": [50, 60, 70]})
    result = suppress(table, ["a", "b", "c"], 10, hide_zeros=True)
    values = table.to_numpy(dtype=float)
    assert recoverable_cells(values, result.hidden.to_numpy()) == []


def test_a_hidden_cell_bridging_two_blocks_is_protected() -> None:
    # Every row and column has 0 or 2+ small cells, yet (1, 2) alone links two blocks of small
    # cells, so row and column totals pin its value: one more cell must be hidden.
    values = np.full((4, 4), 50)
    for cell in [(0, 0), (0, 1), (1, 0), (1, 1), (1, 2), (2, 2), (2, 3), (3, 2), (3, 3)]:
        values[cell] = 3
    table = pd.DataFrame(values, columns=["a", "b", "c", "d"])
    primary_only = (values > 0) & (values < 10)
    assert (1, 2) in recoverable_cells(values.astype(float), primary_only)
    hidden = check_protected(table, ["a", "b", "c", "d"], 10)
    assert hidden.sum() > primary_only.sum()


def test_a_single_count_column_is_protected_against_its_total() -> None:
    table = pd.DataFrame({"channel": ["instagram", "linkedin", "tiktok"], "n": [4, 30, 22]})
    hidden = check_protected(table, ["n"], 10)
    assert hidden[:, 0].tolist() == [True, False, True]


def test_several_realistic_tables_leave_nothing_recoverable() -> None:
    tables = [
        pd.DataFrame({"w": [1, 2, 3, 50], "m": [80, 90, 2, 60], "x": [5, 70, 60, 40]}),
        pd.DataFrame({"w": [12, 15, 11], "m": [30, 45, 60]}),
        pd.DataFrame({"w": [1, 1, 1], "m": [1, 1, 1]}),
        pd.DataFrame({"w": [9, 100, 100, 100, 100], "m": [100, 100, 100, 100, 9]}),
    ]
    for table in tables:
        check_protected(table, list(table.columns), 10)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 6).flatmap(
        lambda rows: st.integers(1, 4).flatmap(
            lambda columns: st.lists(
                st.lists(
                    st.one_of(st.integers(0, 12), st.integers(10, 200)),
                    min_size=columns,
                    max_size=columns,
                ),
                min_size=rows,
                max_size=rows,
            )
        )
    ),
    st.booleans(),
)
def test_no_hidden_count_can_be_worked_out_from_the_totals(
    cells: list[list[int]], hide_zeros: bool
) -> None:
    table = pd.DataFrame(cells, columns=[f"c{j}" for j in range(len(cells[0]))])
    columns = list(table.columns)
    result = suppress(table, columns, 10, hide_zeros=hide_zeros)
    values = table.to_numpy(dtype=float)
    hidden = result.hidden.to_numpy()
    small = (values < 10) & ((values > 0) | hide_zeros)
    assert hidden[small].all()
    leaked = recoverable_cells(values, hidden)
    if result.protected:
        assert leaked == []
    else:  # only what the totals give away on their own, even with every cell hidden
        assert set(leaked) <= set(recoverable_cells(values, np.ones_like(hidden)))


def test_a_small_total_is_reported_as_unprotectable() -> None:
    # Column b adds up to 0 and row 0 to 3: those public totals give away the 3 whatever is hidden.
    table = pd.DataFrame({"a": [3, 50], "b": [0, 0]})
    result = suppress(table, ["a", "b"], 10)
    assert result.hidden.to_numpy()[0].all()
    assert not result.protected
    assert "Some totals are under 10" in result.note


def test_suppressed_table_says_what_was_hidden() -> None:
    table = pd.DataFrame({"label": ["a", "b"], "n": [3, 40]})
    result = suppress(table, ["n"], 10)
    assert result.table["label"].tolist() == ["a", "b"]
    assert result.table["n"].tolist() == [None, None]
    assert result.small["n"].tolist() == [True, False]
    assert "under 10" in result.note and result.protected
    assert suppress(table.assign(n=[30, 40]), ["n"], 10).note == ""


def test_suppression_refuses_what_it_cannot_protect() -> None:
    table = pd.DataFrame({"n": [3, None]})
    with pytest.raises(InvalidInput):
        suppress(table, ["n"], 10)
    with pytest.raises(InvalidInput):
        suppress(table, ["missing"], 10)
    with pytest.raises(InvalidInput):
        suppress(table, ["n"], 0)
