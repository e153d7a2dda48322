"""The analytical copy: metrics and the posts they belong to, read once into frames.

Dashboards aggregate these frames in memory (see analytics.py) instead of querying the
database on every click; the page reloads them when `importing.data_version` moves.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, select

from campaigns.auth import Actor, Permission, require
from campaigns.db import read_only
from campaigns.engagement.analytics import METRICS, MetricsData
from campaigns.models import (
    Campaign,
    ChannelAccount,
    Portrait,
    PortraitVersion,
    Post,
    PostMetricDaily,
    PostMetricSnapshot,
    PostPerson,
    RoleModel,
)
from campaigns.scheduling import to_local

_POST_COLUMNS = [
    "post_id", "campaign_id", "campaign", "account_id", "account", "network", "published_at",
    "local_weekday", "local_hour", "text", "cover_key",
]  # fmt: skip


def _metric_frame(rows: list[tuple[object, ...]], when: str) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["post_id", when, *METRICS])
    frame["post_id"] = frame["post_id"].astype("int64")
    frame[when] = pd.to_datetime(frame[when])
    for name in METRICS:
        frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")
    return frame


def load_metrics(db: Engine, actor: Actor) -> MetricsData:
    """Every post with figures, its people and target groups, its daily rows and snapshots."""
    require(actor, Permission.VIEW_DASHBOARDS)
    daily_columns = [getattr(PostMetricDaily, name) for name in METRICS]
    snapshot_columns = [getattr(PostMetricSnapshot, name) for name in METRICS]
    with read_only(db) as session:
        daily = _metric_frame(
            [
                tuple(row)
                for row in session.execute(
                    select(PostMetricDaily.post_id, PostMetricDaily.day, *daily_columns)
                )
            ],
            "day",
        )
        snapshots = _metric_frame(
            [
                tuple(row)
                for row in session.execute(
                    select(PostMetricSnapshot.post_id, PostMetricSnapshot.as_of, *snapshot_columns)
                )
            ],
            "as_of",
        )
        wanted = set(daily["post_id"]) | set(snapshots["post_id"])
        with_figures = sorted(int(p) for p in wanted)
        posts: list[tuple[object, ...]] = []
        groups: list[tuple[int, str]] = []
        for start in range(0, len(with_figures), 900):
            chunk = with_figures[start : start + 900]
            query = (
                select(Post, Campaign, ChannelAccount, PortraitVersion.cover_key)
                .join(Campaign, Campaign.id == Post.campaign_id)
                .join(ChannelAccount, ChannelAccount.id == Post.account_id)
                .outerjoin(PortraitVersion, PortraitVersion.id == Post.portrait_version_id)
                .outerjoin(Portrait, Portrait.id == PortraitVersion.portrait_id)
                .where(Post.id.in_(chunk))
            )
            for post, campaign, account, cover in session.execute(query).tuples():
                when = post.published_at or post.scheduled_at
                local = to_local(when, account.time_zone)
                posts.append(
                    (
                        post.id,
                        campaign.id,
                        campaign.name,
                        account.id,
                        account.name,
                        account.network,
                        when,
                        local.weekday(),
                        local.hour,
                        post.text,
                        cover or "",
                    )
                )
                groups += [(post.id, group) for group in campaign.target_groups]
        people = [
            (post_id, person_id, name)
            for post_id, person_id, name in session.execute(
                select(PostPerson.post_id, RoleModel.id, RoleModel.full_name).join(
                    RoleModel, RoleModel.id == PostPerson.role_model_id
                )
            ).tuples()
            if post_id in wanted
        ]
    post_frame = pd.DataFrame(posts, columns=_POST_COLUMNS)
    post_frame["published_at"] = pd.to_datetime(post_frame["published_at"], utc=True)
    for column in ("post_id", "campaign_id", "account_id", "local_weekday", "local_hour"):
        post_frame[column] = post_frame[column].astype("int64")
    people_frame = pd.DataFrame(people, columns=["post_id", "role_model_id", "person"])
    for column in ("post_id", "role_model_id"):
        people_frame[column] = people_frame[column].astype("int64")
    group_frame = pd.DataFrame(groups, columns=["post_id", "group"])
    group_frame["post_id"] = group_frame["post_id"].astype("int64")
    return MetricsData(
        posts=post_frame, people=people_frame, groups=group_frame, daily=daily,
        snapshots=snapshots,
    )  # fmt: skip
