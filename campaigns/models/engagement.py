"""Reach: imported analytics files, metrics per post per day, lifetime snapshots, review queue.

Daily figures and dated snapshots of lifetime totals live in separate tables: a daily row adds
to the days around it, a snapshot replaces the previous one. One column per metric (not one row
per metric) keeps a million days of figures at a million rows.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from campaigns.db import Base, UTCDateTime, utcnow

METRIC_COLUMNS = (
    "impressions",
    "reach",
    "video_views",
    "watch_time_seconds",
    "average_view_duration_seconds",
    "completion_rate",
    "likes",
    "comments",
    "shares",
    "saves",
    "link_clicks",
    "follows",
    "engagement_rate",
)


class MetricImport(Base):
    """One analytics file dropped in: where it came from and what its import did."""

    __tablename__ = "metric_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    # The same bytes imported twice change nothing: the hash recognises them.
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    platform: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(10))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    imported_by: Mapped[str] = mapped_column(String(254), default="")
    imported: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unmatched: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class _Figures:
    """The metric columns shared by daily rows and snapshots (NULL: the export did not say)."""

    impressions: Mapped[float | None]
    reach: Mapped[float | None]
    video_views: Mapped[float | None]
    watch_time_seconds: Mapped[float | None]
    average_view_duration_seconds: Mapped[float | None]
    completion_rate: Mapped[float | None]
    likes: Mapped[float | None]
    comments: Mapped[float | None]
    shares: Mapped[float | None]
    saves: Mapped[float | None]
    link_clicks: Mapped[float | None]
    follows: Mapped[float | None]
    engagement_rate: Mapped[float | None]


class PostMetricDaily(_Figures, Base):
    """A post's figures for one day."""

    __tablename__ = "post_metrics_daily"
    __table_args__ = (UniqueConstraint("post_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date, index=True)
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("metric_imports.id", ondelete="SET NULL")
    )


class PostMetricSnapshot(_Figures, Base):
    """A post's lifetime totals as an export gave them on one date."""

    __tablename__ = "post_metric_snapshots"
    __table_args__ = (UniqueConstraint("post_id", "as_of"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    as_of: Mapped[date] = mapped_column(Date)
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("metric_imports.id", ondelete="SET NULL")
    )


class AccountMetricDaily(_Figures, Base):
    """An account's figures for one day, when the export gives no post (page-level series)."""

    __tablename__ = "account_metrics_daily"
    __table_args__ = (UniqueConstraint("account_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("channel_accounts.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date, index=True)
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("metric_imports.id", ondelete="SET NULL")
    )


class UnmatchedMetricRow(Base):
    """A row no post could be found for: waits for someone to confirm a post or dismiss it."""

    __tablename__ = "unmatched_metric_rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("metric_imports.id", ondelete="SET NULL")
    )
    # The same row in a newer export updates the waiting one instead of queueing it twice.
    row_key: Mapped[str] = mapped_column(String(64), unique=True)
    platform: Mapped[str] = mapped_column(String(20), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    network_post_id: Mapped[str] = mapped_column(String(200), default="")
    post_url: Mapped[str] = mapped_column(String(2000), default="")
    title: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    day: Mapped[date | None] = mapped_column(Date)
    as_of: Mapped[date | None] = mapped_column(Date)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    source: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))
    resolved_by: Mapped[str] = mapped_column(String(254), default="")
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SavedMapping(Base):
    """A named column mapping for the team's own tables, saved to reuse on the next file."""

    __tablename__ = "saved_mappings"
    __table_args__ = (UniqueConstraint("kind", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "metrics" or "applications"
    name: Mapped[str] = mapped_column(String(120))
    platform: Mapped[str] = mapped_column(String(20), default="")
    columns: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
