"""Campaigns, the school's channel accounts, posts and the people they feature."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from campaigns.db import Base, MessageList, UTCDateTime, utcnow


class Campaign(Base):
    """A set of posts telling one story to target groups, with goals and a tracking code."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(60), unique=True)
    objective: Mapped[str] = mapped_column(Text, default="")
    target_groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    programmes: Mapped[list[str]] = mapped_column(JSON, default=list)
    comparison_programmes: Mapped[list[str]] = mapped_column(JSON, default=list)
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    owner: Mapped[str] = mapped_column(String(254), default="")
    kpis: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ChannelAccount(Base):
    """One of the school's accounts on a network (the French Instagram, the UK LinkedIn page)."""

    __tablename__ = "channel_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    network: Mapped[str] = mapped_column(String(20))
    handle: Mapped[str] = mapped_column(String(120), default="")
    language: Mapped[str] = mapped_column(String(10), default="fr")
    time_zone: Mapped[str] = mapped_column(String(60), default="Europe/Paris")


class Post(Base):
    """A planned post: media, text and link on one account at one time, through its workflow."""

    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int] = mapped_column(ForeignKey("channel_accounts.id"), index=True)
    portrait_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("portrait_versions.id", ondelete="SET NULL")
    )
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("media_assets.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text, default="")
    hashtags: Mapped[list[str]] = mapped_column(JSON, default=list)
    first_comment: Mapped[str] = mapped_column(Text, default="")
    alt_text: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(2000), default="")
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    # Sentences kept with their templates, so a French page shows them in French.
    blocked_reasons: Mapped[list[str]] = mapped_column(MessageList(), default=list)
    warnings: Mapped[list[str]] = mapped_column(MessageList(), default=list)
    author: Mapped[str] = mapped_column(String(254), default="")
    approved_by: Mapped[str] = mapped_column(String(254), default="")
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    person_signoff_on: Mapped[date | None] = mapped_column(Date)
    person_signoff_how: Mapped[str] = mapped_column(String(200), default="")
    published_url: Mapped[str] = mapped_column(String(2000), default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Optimistic lock: a save based on an older version is refused instead of overwriting.
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads it once


class PostPerson(Base):
    """A role model featured in a post."""

    __tablename__ = "post_people"

    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    role_model_id: Mapped[int] = mapped_column(
        ForeignKey("role_models.id", ondelete="CASCADE"), primary_key=True, index=True
    )
