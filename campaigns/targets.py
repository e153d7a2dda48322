"""The school's public inclusion targets and progress towards them, with honest intervals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pandas as pd
from sqlalchemy import Engine, select

from campaigns.auth import Actor, Permission, require
from campaigns.db import read_only
from campaigns.effect import ShareEstimate, gap_per_month, share_with_interval
from campaigns.i18n import N_, msg
from campaigns.models import Application, InstructorCount


@dataclass(frozen=True, slots=True)
class Target:
    """A public target: a minimum share of a population."""

    key: str
    label: str
    minimum_share: float


TARGETS: tuple[Target, ...] = (
    Target("women_students", N_("Women among students of tech programmes"), 0.25),
    Target("women_instructors", N_("Women among tech instructors"), 0.40),
    Target("priority_students", N_("Students from priority groups"), 0.70),
)
# One whole sentence per stage, so that each reads naturally once translated.
STAGES = {
    "applied": N_("Women among applicants of tech programmes"),
    "admitted": N_("Women among admitted of tech programmes"),
    "enrolled": N_("Women among enrolled students of tech programmes"),
}
_REACHED = {"applied": ("applied", "admitted", "enrolled"), "admitted": ("admitted", "enrolled"),
            "enrolled": ("enrolled",)}  # fmt: skip


@dataclass(frozen=True, slots=True)
class TargetLine:
    """One share against its target: where it stands, how sure, what it would take."""

    key: str
    label: str
    target: float
    estimate: ShareEstimate | None  # None: nothing imported yet
    needed_per_month: float | None  # more of the group each month to reach the target by the date
    projected_share: float | None  # the share at the date at the current pace


def _applications(db: Engine, since: date | None, until: date | None = None) -> pd.DataFrame:
    query = select(
        Application.submitted_at, Application.programme_family, Application.gender,
        Application.priority_groups, Application.disability, Application.status,
    )  # fmt: skip
    if since is not None:
        query = query.where(
            Application.submitted_at >= datetime.combine(since, datetime.min.time(), tzinfo=UTC)
        )
    if until is not None:
        after = until + timedelta(days=1)
        query = query.where(
            Application.submitted_at < datetime.combine(after, datetime.min.time(), tzinfo=UTC)
        )
    with read_only(db) as session:
        rows = session.execute(query).all()
    frame = pd.DataFrame(
        rows, columns=["submitted_at", "family", "gender", "groups", "disability", "status"]
    )
    frame["submitted_at"] = pd.to_datetime(frame["submitted_at"], utc=True)
    return frame


def _priority(frame: pd.DataFrame) -> pd.Series:
    return frame["groups"].map(bool) | (frame["disability"] == "yes")


def targets_progress(
    db: Engine, actor: Actor, *, since: date | None = None, by: date | None = None,
    today: date | None = None, until: date | None = None,
) -> list[TargetLine]:  # fmt: skip
    """Each public target: women among applicants, admitted and enrolled in tech (25 %), students
    from priority groups (70 %), women among tech instructors (40 %). With `until`, only
    applications submitted up to that day count, and instructors of terms up to its year."""
    require(actor, Permission.VIEW_DASHBOARDS)
    frame = _applications(db, since, until)
    tech = frame[frame["family"] == "tech"]
    lines: list[TargetLine] = []
    day = today or date.today()
    months_left = max(((by or day) - day).days / 30.44, 0.0) if by else 0.0
    months_seen = max((day - (since or _first(frame, day))).days / 30.44, 1.0)
    for stage, label in STAGES.items():
        people = tech[tech["status"].isin(_REACHED[stage])]
        women = int((people["gender"] == "woman").sum())
        lines.append(
            _line(f"women_{stage}", label, 0.25, women, len(people), months_seen, months_left)
        )  # fmt: skip
    students = frame[frame["status"] == "enrolled"]
    lines.append(
        _line("priority_students", N_("Students from priority groups (incl. disability)"), 0.70,
              int(_priority(students).sum()), len(students), months_seen, months_left)
    )  # fmt: skip
    with read_only(db) as session:
        terms = select(InstructorCount).order_by(InstructorCount.term.desc())
        if until is not None:  # terms are named "2026-autumn": the year comes first
            terms = terms.where(InstructorCount.term < f"{until.year + 1}")
        latest = session.scalar(terms)
    lines.append(
        _line("women_instructors",
              msg("Women among tech instructors ({term})", term=latest.term) if latest else
              N_("Women among tech instructors"), 0.40,
              latest.women if latest else 0, latest.total if latest else 0, 0.0, 0.0)
    )  # fmt: skip
    return lines


def _first(frame: pd.DataFrame, day: date) -> date:
    return frame["submitted_at"].min().date() if not frame.empty else day


def _line(
    key: str, label: str, target: float, successes: int, n: int, months_seen: float,
    months_left: float,
) -> TargetLine:  # fmt: skip
    if n == 0:
        return TargetLine(key, label, target, None, None, None)
    estimate = share_with_interval(successes, n, target)
    if months_left <= 0 or months_seen <= 0:
        return TargetLine(key, label, target, estimate, None, None)
    gap = gap_per_month(successes, n, target, months_seen, months_left)
    return TargetLine(key, label, target, estimate, gap.needed_per_month, gap.projected_share)


def monthly_shares(
    db: Engine, actor: Actor, since: date | None = None, until: date | None = None
) -> pd.DataFrame:
    """Month by month: the share of women among tech applicants and of priority groups
    among all applicants (columns month, measure, share, count, total)."""
    require(actor, Permission.VIEW_DASHBOARDS)
    frame = _applications(db, since, until)
    if frame.empty:
        return pd.DataFrame(columns=["month", "measure", "share", "count", "total"])
    frame["month"] = frame["submitted_at"].dt.tz_convert(None).dt.to_period("M").dt.to_timestamp()
    tech = frame[frame["family"] == "tech"]
    women = tech.groupby("month").agg(count=("gender", lambda g: int((g == "woman").sum())),
                                      total=("gender", "size")).reset_index()  # fmt: skip
    women["measure"] = N_("Women among tech applicants")
    frame["priority"] = _priority(frame)
    priority = frame.groupby("month").agg(count=("priority", "sum"), total=("priority", "size"))
    priority = priority.reset_index()
    priority["measure"] = N_("Applicants from priority groups")
    both = pd.concat([women, priority], ignore_index=True)
    both["share"] = both["count"] / both["total"]
    return both[["month", "measure", "share", "count", "total"]]
