"""The figures of the yearly mission report: targets, the year's campaigns, role models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from sqlalchemy import Engine, select

from campaigns import targets
from campaigns.auth import Actor, Permission, require
from campaigns.catalogue import CATEGORIES, CATEGORY_LABELS
from campaigns.db import read_only
from campaigns.engagement import analytics
from campaigns.engagement.analytics import Filters, PreparedData
from campaigns.errors import InvalidInput
from campaigns.i18n import N_, msg
from campaigns.impact import suppress_shares
from campaigns.models import ApplicationImport, MetricImport, RoleModel, RoleModelLabel
from campaigns.publishing import list_campaigns
from campaigns.reports.figures import (
    EffectLine,
    Progress,
    ReportSettings,
    application_days,
    data_timestamp,
    effect_line,
    last_import,
    measured_groups,
    no_progress,
    number_or_none,
)

FIRST_YEAR = 2000


@dataclass(frozen=True, slots=True)
class TargetFigure:
    """A public target in the year: the share, its interval, last year's share for the trend."""

    key: str
    label: str
    target: float
    successes: int | None
    n: int | None
    share: float | None  # None: nobody counted in the year
    ci_low: float | None
    ci_high: float | None
    probability_reached: float | None
    previous_share: float | None  # the same share the year before
    change_pp: float | None  # points gained since the year before


@dataclass(frozen=True, slots=True)
class MonthShare:
    """One month's share of a measure; None where it would reveal a small count."""

    month: date
    measure: str
    share: float | None
    total: int


@dataclass(frozen=True, slots=True)
class CampaignLine:
    """A campaign of the year: its reach within the year and its estimated effects."""

    name: str
    code: str
    starts_on: date
    ends_on: date
    posts: int
    impressions: float | None
    reach: float | None
    engagement_rate: float | None
    effects: tuple[EffectLine, ...]
    effect_note: str


@dataclass(frozen=True, slots=True)
class CategoryCount:
    """How many role models of the catalogue belong to a category (None: hidden, small)."""

    category: str
    label: str
    people: int | None
    threshold: int


@dataclass(frozen=True, slots=True)
class MissionFigures:
    """Everything the mission report shows for one year, small cells already hidden."""

    year: int
    first_day: date  # of the period the figures cover
    last_day: date
    data_timestamp: datetime | None
    settings: ReportSettings
    targets: tuple[TargetFigure, ...]
    monthly: tuple[MonthShare, ...]
    campaigns: tuple[CampaignLine, ...]
    role_models: tuple[CategoryCount, ...]
    role_models_total: int
    applications_imported: datetime | None
    reach_imported: datetime | None


def mission_figures(
    db: Engine,
    actor: Actor,
    year: int,
    settings: ReportSettings,
    language: str,
    *,
    metrics: PreparedData,
    progress: Progress = no_progress,
) -> MissionFigures:
    """Gather the mission report of a year from the functions the Applications page calls."""
    require(actor, Permission.VIEW_DASHBOARDS)
    start, end = year_span(db, year)
    progress(N_("Reading the year's applications against the targets"))
    lines = targets.targets_progress(db, actor, since=start, until=end, today=end)
    before = {
        line.key: line
        for line in targets.targets_progress(
            db, actor, since=date(year - 1, 1, 1), until=date(year - 1, 12, 31),
            today=date(year - 1, 12, 31),
        )
    }  # fmt: skip
    target_figures = tuple(_target(line, before.get(line.key)) for line in lines)
    monthly = _monthly(targets.monthly_shares(db, actor, since=start, until=end), settings)

    campaigns = []
    for campaign in list_campaigns(db, actor):
        if campaign.starts_on > end or campaign.ends_on < start:
            continue
        progress(N_("Estimating the effect of each campaign of the year"))
        chosen = Filters(campaign_ids=(campaign.id,), start=start, end=end)
        totals = analytics.kpis(metrics, chosen)
        groups = measured_groups(campaign.target_groups, actor)
        note = ""
        if not campaign.programmes:
            note = N_("No promoted programmes named: no effect to measure.")
        elif not groups:
            note = N_("No target group whose applications are measured.")
        effects = tuple(
            effect_line(db, actor, campaign.code, group, settings, language)
            for group in (groups if campaign.programmes else ())
        )
        campaigns.append(
            CampaignLine(
                name=campaign.name,
                code=campaign.code,
                starts_on=campaign.starts_on,
                ends_on=campaign.ends_on,
                posts=totals.posts,
                impressions=number_or_none(totals.impressions),
                reach=number_or_none(totals.reach),
                engagement_rate=number_or_none(totals.engagement_rate),
                effects=effects,
                effect_note=note,
            )
        )
    progress(N_("Counting role models by category"))
    counts, total = _role_models(db, settings)
    return MissionFigures(
        year=year,
        first_day=start,
        last_day=end,
        data_timestamp=data_timestamp(db),
        settings=settings,
        targets=target_figures,
        monthly=monthly,
        campaigns=tuple(sorted(campaigns, key=lambda c: (c.starts_on, c.code))),
        role_models=counts,
        role_models_total=total,
        applications_imported=last_import(db, ApplicationImport),
        reach_imported=last_import(db, MetricImport),
    )


def year_span(db: Engine, year: int) -> tuple[date, date]:
    """The days of a year the applications cover, or a sentence saying there are none."""
    first, last = application_days(db)
    if first is None or last is None:
        raise InvalidInput(
            N_(
                "There are no applications yet: import the admissions export before making the "
                "mission report."
            )
        )
    if not first.year <= year <= last.year:
        raise InvalidInput(
            msg(
                "There are no applications in {year}: Spotlight holds applications from "
                "{first} to {last}.",
                year=year, first=first.year, last=last.year,
            )
        )  # fmt: skip
    return date(year, 1, 1), min(date(year, 12, 31), last)


def _target(line: targets.TargetLine, before: targets.TargetLine | None) -> TargetFigure:
    estimate = line.estimate
    previous = before.estimate.share if before and before.estimate else None
    change = (
        100 * (estimate.share - previous) if estimate is not None and previous is not None else None
    )
    return TargetFigure(
        key=line.key,
        label=line.label,
        target=line.target,
        successes=estimate.successes if estimate else None,
        n=estimate.n if estimate else None,
        share=estimate.share if estimate else None,
        ci_low=estimate.ci_low if estimate else None,
        ci_high=estimate.ci_high if estimate else None,
        probability_reached=estimate.probability_reached if estimate else None,
        previous_share=previous,
        change_pp=change,
    )


def _monthly(monthly: pd.DataFrame, settings: ReportSettings) -> tuple[MonthShare, ...]:
    """The monthly shares, each blank where it would reveal fewer people than the threshold of
    its group (women: the gender threshold; priority groups: the sensitive one)."""
    if monthly.empty:
        return ()
    rows: list[MonthShare] = []
    for measure, part in monthly.groupby("measure", sort=False):
        women = "Women" in str(measure)
        threshold = settings.gender_threshold if women else settings.sensitive_threshold
        shown = suppress_shares(part, threshold, total="total")
        for month, share, total in zip(shown["month"], shown["share"], part["total"], strict=True):
            rows.append(
                MonthShare(pd.Timestamp(month).date(), str(measure), number_or_none(share),
                           int(total))
            )  # fmt: skip
    return tuple(sorted(rows, key=lambda r: (r.measure, r.month)))


def _role_models(db: Engine, settings: ReportSettings) -> tuple[tuple[CategoryCount, ...], int]:
    """Role models in the catalogue (archived ones left out) per category, as the
    representation overview counts them; small counts hidden like application counts."""
    with read_only(db) as session:
        active = set(session.scalars(select(RoleModel.id).where(RoleModel.archived_at.is_(None))))
        labels = session.execute(
            select(RoleModelLabel.role_model_id, RoleModelLabel.value).where(
                RoleModelLabel.kind == "category"
            )
        ).all()
    people: dict[str, set[int]] = {}
    for pid, value in labels:
        if pid in active:
            people.setdefault(value, set()).add(pid)
    counts = []
    for category in CATEGORIES:
        count = len(people.get(category, set()))
        threshold = (
            settings.gender_threshold
            if category == "woman_in_tech"
            else settings.sensitive_threshold
        )
        hidden = 0 < count < threshold
        counts.append(
            CategoryCount(category, CATEGORY_LABELS[category], None if hidden else count, threshold)
        )
    return tuple(counts), len(active)
