"""The read side of applications: attribution to campaigns and the series an effect is read from.

Every table leaving this module has passed suppression (effect.suppress) with the thresholds of
the settings; disability figures are only built for roles that may see sensitive data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pandas as pd
from sqlalchemy import Engine, func, select

from campaigns.auth import Actor, Permission, require
from campaigns.db import read_only
from campaigns.errors import InvalidInput, NotFound
from campaigns.i18n import N_, msg
from campaigns.models import (
    Application,
    Campaign,
    ChannelAccount,
    Post,
    PostMetricDaily,
    PostMetricSnapshot,
    PostPerson,
    RoleModel,
)

GROUPS = {
    "women": N_("Women"),
    "disability": N_("People with a disability"),
    "jobseeker": N_("Jobseekers"),
    "low_qualification": N_("People with low or no qualifications"),
    "disadvantaged_area": N_("Residents of disadvantaged areas"),
    "refugee": N_("Refugees"),
}
SENSITIVE_GROUPS = ("disability",)
UNTRACKED = N_(
    "These are lower bounds: only applications that arrived through a tracked link are counted. "
    "People who saw a post and applied later, from another device, an in-app browser or with "
    "cookies refused, are not credited to it."
)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The smallest counts shown: by disability or priority group, and by gender."""

    sensitive: int = 11
    gender: int = 5


def groups_for(actor: Actor) -> dict[str, str]:
    """The target groups this person may see figures for."""
    if actor.can(Permission.VIEW_SENSITIVE):
        return dict(GROUPS)
    return {k: v for k, v in GROUPS.items() if k not in SENSITIVE_GROUPS}


def _in_group(frame: pd.DataFrame, group: str) -> pd.Series:
    if group == "women":
        return frame["gender"] == "woman"
    if group == "disability":
        return frame["disability"] == "yes"
    return frame["groups"].map(lambda groups: group in (groups or []))


def _undisclosed(frame: pd.DataFrame, group: str) -> pd.Series:
    if group == "women":
        return frame["gender"] == "undisclosed"
    if group == "disability":
        return frame["disability"] == "undisclosed"
    return pd.Series(False, index=frame.index)


def _frame(db: Engine, *conditions: object) -> pd.DataFrame:
    query = select(
        Application.submitted_at, Application.programme, Application.gender,
        Application.disability, Application.priority_groups, Application.utm_source,
        Application.campaign_id, Application.post_id, Application.status,
    ).where(*conditions)  # type: ignore[arg-type]  # fmt: skip
    with read_only(db) as session:
        rows = session.execute(query).all()
    frame = pd.DataFrame(
        rows,
        columns=["submitted_at", "programme", "gender", "disability", "groups", "channel",
                 "campaign_id", "post_id", "status"],
    )  # fmt: skip
    frame["submitted_at"] = pd.to_datetime(frame["submitted_at"], utc=True)
    return frame


def threshold_for(group: str, thresholds: Thresholds) -> int:
    """The suppression threshold a group's counts fall under."""
    return thresholds.gender if group == "women" else thresholds.sensitive


# --- Attribution ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Attribution:
    """A campaign's tracked applications, suppressed where cells are small."""

    total: int
    by_group: pd.DataFrame  # group, applications (None when hidden), share
    by_channel: pd.DataFrame  # channel, link clicks, applications, from target groups
    by_role_model: pd.DataFrame  # role model, applications, from target groups
    caveat: str = UNTRACKED


def _clicks(db: Engine, campaign_id: int) -> dict[str, float]:
    with read_only(db) as session:
        daily = session.execute(
            select(ChannelAccount.network, func.sum(PostMetricDaily.link_clicks))
            .join(Post, Post.id == PostMetricDaily.post_id)
            .join(ChannelAccount, ChannelAccount.id == Post.account_id)
            .where(Post.campaign_id == campaign_id)
            .group_by(ChannelAccount.network)
        ).tuples()
        clicks = {network: float(total or 0) for network, total in daily}
        latest = (
            select(PostMetricSnapshot.post_id, func.max(PostMetricSnapshot.as_of).label("as_of"))
            .group_by(PostMetricSnapshot.post_id)
            .subquery()
        )
        snap = session.execute(
            select(ChannelAccount.network, func.sum(PostMetricSnapshot.link_clicks))
            .join(latest, (latest.c.post_id == PostMetricSnapshot.post_id)
                  & (latest.c.as_of == PostMetricSnapshot.as_of))
            .join(Post, Post.id == PostMetricSnapshot.post_id)
            .join(ChannelAccount, ChannelAccount.id == Post.account_id)
            .where(Post.campaign_id == campaign_id)
            .group_by(ChannelAccount.network)
        ).tuples()  # fmt: skip
        for network, total in snap:
            clicks[network] = max(clicks.get(network, 0.0), float(total or 0))
    return clicks


def attribution(db: Engine, actor: Actor, campaign_id: int, thresholds: Thresholds) -> Attribution:
    """Applications through a campaign's tracked links, by group, channel and person."""
    from campaigns.effect import suppress

    require(actor, Permission.VIEW_DASHBOARDS)
    frame = _frame(db, Application.campaign_id == campaign_id)
    visible = groups_for(actor)
    rows = []
    for group, label in visible.items():
        count = int(_in_group(frame, group).sum()) if not frame.empty else 0
        rows.append(
            {"group": label, "applications": count, "threshold": threshold_for(group, thresholds)}
        )
    by_group = pd.DataFrame(rows, columns=[N_("group"), N_("applications"), "threshold"])
    total = len(frame)
    by_group = _suppress_each(by_group, total)
    by_group[N_("share")] = [
        None if pd.isna(v) or not total else float(v) / total for v in by_group["applications"]
    ]
    in_target = pd.Series(False, index=frame.index)
    for group in visible:
        if not frame.empty:
            in_target |= _in_group(frame, group)
    clicks = _clicks(db, campaign_id)
    channels = sorted(set(frame["channel"].dropna()) | set(clicks))
    by_channel = pd.DataFrame(
        {
            N_("channel"): channels,
            N_("link clicks"): [clicks.get(c, 0.0) for c in channels],
            "applications": [int((frame["channel"] == c).sum()) for c in channels],
            N_("from target groups"): [
                int(((frame["channel"] == c) & in_target).sum()) for c in channels
            ],
        }
    )
    by_channel[N_("applications per 100 clicks")] = [
        None if not k else 100 * a / k
        for a, k in zip(by_channel["applications"], by_channel["link clicks"], strict=True)
    ]
    by_channel = suppress(
        by_channel, ["applications", "from target groups"], thresholds.sensitive
    ).table
    with read_only(db) as session:
        people = session.execute(
            select(PostPerson.post_id, RoleModel.full_name)
            .join(RoleModel, RoleModel.id == PostPerson.role_model_id)
            .join(Post, Post.id == PostPerson.post_id)
            .where(Post.campaign_id == campaign_id)
        ).all()
    names: dict[int, list[str]] = {}
    for post_id, name in people:
        names.setdefault(post_id, []).append(name)
    person_rows: dict[str, list[int]] = {}
    for post_id, target in zip(frame["post_id"], in_target, strict=True):
        if pd.isna(post_id):
            continue
        for name in names.get(int(post_id), []):
            counts = person_rows.setdefault(name, [0, 0])
            counts[0] += 1
            counts[1] += int(bool(target))
    by_person = pd.DataFrame(
        [{"role model": n, "applications": c[0], "from target groups": c[1]}
         for n, c in sorted(person_rows.items(), key=lambda item: -item[1][0])],
        columns=[N_("role model"), "applications", "from target groups"],
    )  # fmt: skip
    by_person = suppress(
        by_person, ["applications", "from target groups"], thresholds.sensitive
    ).table
    return Attribution(total, by_group.drop(columns=["threshold"]), by_channel, by_person)


def _suppress_each(frame: pd.DataFrame, total: int) -> pd.DataFrame:
    """Hide each group's count under its own threshold, and when the rest of the total is that
    small (total minus the group would reveal the others). Groups overlap, so they have no sum."""
    shown = []
    for count, threshold in zip(frame["applications"], frame["threshold"], strict=True):
        small = 0 < count < threshold or 0 < total - count < threshold
        shown.append(None if small else count)
    return frame.assign(applications=shown)


# --- The series an effect is read from -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EffectInput:
    """Daily counts per arm for one campaign and one group, and the campaign's dates."""

    daily: pd.DataFrame  # day, arm, total, group, undisclosed
    start: date
    end: date
    promoted: tuple[str, ...]
    comparison: tuple[str, ...]
    group: str


def effect_input(
    db: Engine,
    actor: Actor,
    group: str,
    *,
    campaign_code: str | None = None,
    programmes: tuple[str, ...] = (),
    comparison: tuple[str, ...] = (),
    start: date | None = None,
    end: date | None = None,
) -> EffectInput:
    """Daily applications to the promoted and comparison programmes, and those from the group."""
    require(actor, Permission.VIEW_DASHBOARDS)
    if group not in GROUPS:
        raise InvalidInput(
            msg(
                "“{group}” is not a group Spotlight measures ({groups}).",
                group=group,
                groups=", ".join(GROUPS),
            )
        )
    if group in SENSITIVE_GROUPS:
        require(actor, Permission.VIEW_SENSITIVE)
    if campaign_code is not None:
        with read_only(db) as session:
            campaign = session.scalar(select(Campaign).where(Campaign.code == campaign_code))
            if campaign is None:
                raise NotFound(
                    msg("There is no campaign with the code “{code}”.", code=campaign_code)
                )
            programmes = programmes or tuple(campaign.programmes)
            comparison = comparison or tuple(campaign.comparison_programmes)
            start, end = start or campaign.starts_on, end or campaign.ends_on
    if not programmes:
        raise InvalidInput(N_("Name the programmes the campaign promoted."))
    if start is None or end is None or end < start:
        raise InvalidInput(N_("Give the campaign's start and end, the end after the start."))
    frame = _frame(db, Application.programme.in_((*programmes, *comparison)))
    if frame.empty:
        daily = pd.DataFrame(columns=["day", "arm", "total", "group", "undisclosed"])
    else:
        frame["day"] = (
            frame["submitted_at"].dt.tz_convert("Europe/Paris").dt.tz_localize(None).dt.normalize()
        )
        frame["arm"] = frame["programme"].map(
            lambda p: "promoted" if p in programmes else "comparison"
        )
        frame["in_group"] = _in_group(frame, group).astype(int)
        frame["not_said"] = _undisclosed(frame, group).astype(int)
        daily = (
            frame.groupby(["day", "arm"])
            .agg(
                total=("in_group", "size"),
                group=("in_group", "sum"),
                undisclosed=("not_said", "sum"),
            )
            .reset_index()
        )
        # Every day of the span, in both arms, even without applications.
        span = pd.date_range(daily["day"].min(), daily["day"].max(), freq="D")
        arms = ["promoted", "comparison"] if comparison else ["promoted"]
        grid = pd.MultiIndex.from_product([span, arms], names=["day", "arm"])
        daily = daily.set_index(["day", "arm"]).reindex(grid, fill_value=0).reset_index()
    return EffectInput(daily, start, end, tuple(programmes), tuple(comparison), group)


def first_day(db: Engine) -> date | None:
    """The day of the earliest application held."""
    with read_only(db) as session:
        found = session.scalar(select(func.min(Application.submitted_at)))
    return found.astimezone(UTC).date() if isinstance(found, datetime) else None


def since_days(days: int, today: date | None = None) -> date:
    """The day `days` before today."""
    return (today or date.today()) - timedelta(days=days)


def suppress_shares(
    frame: pd.DataFrame, threshold: int, total: str = "applications"
) -> pd.DataFrame:
    """Shares without the counts behind them; a share is blank where it would reveal fewer than
    `threshold` people in the group, or outside it, among the `total` of its row."""
    if frame.empty:
        return frame.drop(columns=[total, "count"], errors="ignore")
    group = (frame[total] * frame["share"]).round()
    rest = frame[total] - group
    small = ((group > 0) & (group < threshold)) | ((rest > 0) & (rest < threshold))
    shown = frame.drop(columns=[total, "count"], errors="ignore").copy()
    shown["share"] = shown["share"].where(~small)
    return shown
