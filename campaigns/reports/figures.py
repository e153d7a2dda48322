"""What both reports share: their settings, the data's timestamp, effect lines, small helpers.

A report's figures are gathered once into frozen dataclasses of plain values (numbers, dates,
words, image bytes), with every small cell already hidden: a hidden count is `None`, and nothing
that was hidden is kept anywhere in them. Templates only format what they receive.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pandas as pd
from sqlalchemy import Engine, func, select

from campaigns import effect, impact
from campaigns.auth import Actor
from campaigns.db import read_only
from campaigns.i18n import translate
from campaigns.models import (
    Application,
    ApplicationImport,
    Campaign,
    ConsentRecord,
    InstructorCount,
    MediaAsset,
    MetricImport,
    PortraitVersion,
    Post,
    PostMetricDaily,
    RoleModel,
)

# A report is an internal document that may also be printed or put on the website: a person
# appears in it by photo and name only when their consent covers that use on one of those.
REPORT_USE = "internal"
REPORT_CHANNELS = ("print", "website")
# Campaign target groups (catalogue categories) and the application groups that measure them.
GROUP_OF_CATEGORY = {
    "woman_in_tech": "women",
    "disability": "disability",
    "low_qualification": "low_qualification",
    "former_jobseeker": "jobseeker",
    "disadvantaged_area": "disadvantaged_area",
    "refugee": "refugee",
}

Progress = Callable[[str], None]
"""Told the label of each step as it starts (an English sentence, marked for translation)."""


def no_progress(step: str) -> None:
    """A progress callback that ignores every step."""


@dataclass(frozen=True, slots=True)
class ReportSettings:
    """The settings a report was made with, printed in it so that anyone can make it again."""

    sensitive_threshold: int  # smallest count shown by disability or priority group
    gender_threshold: int  # smallest count shown by gender
    consent_on: date  # the day consent to appear in the report was checked
    alpha: float = 0.05  # 95 % intervals

    @property
    def thresholds(self) -> impact.Thresholds:
        """The same thresholds the pages use."""
        return impact.Thresholds(self.sensitive_threshold, self.gender_threshold)


@dataclass(frozen=True, slots=True)
class WeeklyShare:
    """One week's share of the group in one arm; None where it would reveal a small count."""

    week: date
    arm: str  # "promoted" or "comparison"
    period: str  # "before" or "after" the campaign start
    share: float | None


@dataclass(frozen=True, slots=True)
class EffectLine:
    """A campaign's estimated effect on one group, with its checks, ready to print."""

    group: str  # key in impact.GROUPS
    label: str  # the group as people say it (English; translated where shown)
    verdict: str  # effect, no_detectable_effect, insufficient_data
    reading: str  # the plain-language sentence the page shows
    method: str | None
    weaker: bool
    estimate_pp: float | None
    ci_low_pp: float | None
    ci_high_pp: float | None
    p_value: float | None
    mde_pp: float | None
    n_pre_days: int
    n_post_days: int
    post_start: date | None
    post_end: date | None
    count_sentence: str | None  # None for a sensitive group whose count would be small
    pre_trend: str | None
    placebo: str | None
    undisclosed: str | None
    before_after: str | None
    notes: tuple[str, ...]
    weekly: tuple[WeeklyShare, ...]  # weekly shares as the page's check shows them
    threshold: int  # the suppression threshold of the group


def measured_groups(target_groups: tuple[str, ...], actor: Actor) -> tuple[str, ...]:
    """The application groups measuring a campaign's target groups that this person may see."""
    visible = impact.groups_for(actor)
    found = [GROUP_OF_CATEGORY[g] for g in target_groups if g in GROUP_OF_CATEGORY]
    return tuple(dict.fromkeys(g for g in found if g in visible))


def effect_line(
    db: Engine, actor: Actor, code: str, group: str, settings: ReportSettings, language: str
) -> EffectLine:
    """The campaign's effect on one group, estimated exactly as the Applications page does."""
    label = impact.GROUPS[group]
    data = impact.effect_input(db, actor, group, campaign_code=code)
    found = effect.estimate_effect(
        data.daily, data.start, data.end, alpha=settings.alpha,
        group_label=translate(language, label).lower(),
    )  # fmt: skip
    threshold = impact.threshold_for(group, settings.thresholds)
    count = found.count_effect
    if count is not None and group in impact.SENSITIVE_GROUPS:
        # The count of applications it stands for is a disability figure like any other.
        small = min(abs(count.applications), abs(count.low), abs(count.high)) < threshold
        count = None if small else count
    weekly: tuple[WeeklyShare, ...] = ()
    if found.pre_trend is not None and not found.pre_trend.weekly.empty:
        shown = impact.suppress_shares(found.pre_trend.weekly, threshold)
        weekly = tuple(
            WeeklyShare(pd.Timestamp(week).date(), str(arm), str(period), _number(share))
            for week, arm, period, share in zip(
                shown["week"], shown["arm"], shown["period"], shown["share"], strict=True
            )
        )
    return EffectLine(
        group=group,
        label=label,
        verdict=found.verdict,
        reading=found.reading,
        method=found.method,
        weaker=found.weaker,
        estimate_pp=found.estimate_pp,
        ci_low_pp=found.ci_low_pp,
        ci_high_pp=found.ci_high_pp,
        p_value=found.p_value,
        mde_pp=found.mde_pp,
        n_pre_days=found.n_pre_days,
        n_post_days=found.n_post_days,
        post_start=found.post_start,
        post_end=found.post_end,
        count_sentence=count.sentence if count is not None else None,
        pre_trend=found.pre_trend.sentence if found.pre_trend else None,
        placebo=found.placebo.sentence if found.placebo else None,
        undisclosed=found.undisclosed.sentence if found.undisclosed else None,
        before_after=(
            found.descriptive_before_after.sentence if found.descriptive_before_after else None
        ),
        notes=tuple(found.notes),
        weekly=weekly,
        threshold=threshold,
    )


def data_timestamp(db: Engine) -> datetime | None:
    """When the data a report reads last changed: the latest import, update or record."""
    columns = (
        ApplicationImport.imported_at, Application.updated_at, MetricImport.imported_at,
        Post.updated_at, Campaign.created_at, RoleModel.updated_at, ConsentRecord.created_at,
        InstructorCount.recorded_at, MediaAsset.created_at, PortraitVersion.finished_at,
    )  # fmt: skip
    with read_only(db) as session:
        found = [session.scalar(select(func.max(column))) for column in columns]
    moments = [m.astimezone(UTC) for m in found if isinstance(m, datetime)]
    return max(moments) if moments else None


def metric_days(db: Engine, campaign_id: int | None = None) -> tuple[date | None, date | None]:
    """The first and last day with daily figures (of one campaign's posts, when given)."""
    query = select(func.min(PostMetricDaily.day), func.max(PostMetricDaily.day))
    if campaign_id is not None:
        query = query.join(Post, Post.id == PostMetricDaily.post_id).where(
            Post.campaign_id == campaign_id
        )
    with read_only(db) as session:
        first, last = session.execute(query).one()
    return (first if isinstance(first, date) else None, last if isinstance(last, date) else None)


def last_import(db: Engine, model: type[MetricImport] | type[ApplicationImport]) -> datetime | None:
    """When the latest file of a kind (reach exports, admissions exports) was imported."""
    with read_only(db) as session:
        found = session.scalar(select(func.max(model.imported_at)))
    return found.astimezone(UTC) if isinstance(found, datetime) else None


def application_days(db: Engine) -> tuple[date | None, date | None]:
    """The first and last day (UTC) of the applications held."""
    with read_only(db) as session:
        first, last = session.execute(
            select(func.min(Application.submitted_at), func.max(Application.submitted_at))
        ).one()
    return (
        first.astimezone(UTC).date() if isinstance(first, datetime) else None,
        last.astimezone(UTC).date() if isinstance(last, datetime) else None,
    )


def _number(value: object) -> float | None:
    """A plain float, or None for a missing value (NaN, None, pandas' NA)."""
    if value is None or value is pd.NA:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def number_or_none(value: object) -> float | None:
    """A figure as a plain float, None where it is unknown or hidden."""
    return _number(value)


def count_or_none(value: object) -> int | None:
    """A count as a plain int, None where it is hidden."""
    number = _number(value)
    return None if number is None else round(number)


def figures_of(value: object) -> list[object]:
    """Every number, date and image of a report, in order, without its words.

    Two reports made from the same data have the same figures whatever their language: that is
    what this list lets a test compare.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        found: list[object] = []
        for field in dataclasses.fields(value):
            found += figures_of(getattr(value, field.name))
        return found
    if isinstance(value, tuple | list):
        return [item for part in value for item in figures_of(part)]
    if isinstance(value, str):
        return []
    return [value]
