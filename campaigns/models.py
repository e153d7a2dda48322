"""Tables of Spotlight (SQLAlchemy 2 typed models)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from campaigns.db import Base, UTCDateTime, utcnow


class User(Base):
    """A member of the team who signs in, with one role."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    # Empty for accounts that only sign in through the company's single sign-on.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AuditEvent(Base):
    """One write: who did it, when, to what, and what changed (sensitive values redacted)."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_email: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(60), index=True)
    entity_type: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(60))
    summary: Mapped[str] = mapped_column(Text, default="")
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class RoleModel(Base):
    """A student, alumna, apprentice, instructor or mentor who may feature in campaigns."""

    __tablename__ = "role_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200), index=True)
    preferred_name: Mapped[str] = mapped_column(String(120), default="")
    pronouns: Mapped[str] = mapped_column(String(40), default="")
    # Contact data: shown to editors and above, redacted from the audit trail.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    country: Mapped[str] = mapped_column(String(2), default="FR")
    time_zone: Mapped[str] = mapped_column(String(60), default="Europe/Paris")
    kind: Mapped[str] = mapped_column(String(20), index=True)  # student, alumni, apprentice…
    cohort: Mapped[str] = mapped_column(String(40), default="")
    employer: Mapped[str] = mapped_column(String(200), default="")
    availability: Mapped[str] = mapped_column(Text, default="")
    accessibility_needs: Mapped[str] = mapped_column(Text, default="")
    # Special-category data (GDPR art. 9): kept only with the person's explicit consent.
    disability_details: Mapped[str] = mapped_column(Text, default="")
    disability_explicit_consent: Mapped[bool] = mapped_column(default=False)
    bio: Mapped[str] = mapped_column(Text, default="")
    photo_id: Mapped[int | None] = mapped_column(
        ForeignKey("media_assets.id", ondelete="SET NULL", use_alter=True)
    )
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class RoleModelLabel(Base):
    """One value of a many-valued field: category, programme, barrier, tag or language."""

    __tablename__ = "role_model_labels"
    __table_args__ = (Index("ix_role_model_labels_kind_value", "kind", "value"),)

    role_model_id: Mapped[int] = mapped_column(
        ForeignKey("role_models.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[str] = mapped_column(String(120), primary_key=True)


class Quote(Base):
    """Words of a role model, publishable only once the person approved them."""

    __tablename__ = "quotes"

    id: Mapped[int] = mapped_column(primary_key=True)
    role_model_id: Mapped[int] = mapped_column(
        ForeignKey("role_models.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    approved_on: Mapped[date | None] = mapped_column(Date)
    approved_how: Mapped[str] = mapped_column(String(200), default="")


class MediaAsset(Base):
    """A stored file about a person (photo, video portrait…), with its do-not-use flag."""

    __tablename__ = "media_assets"

    id: Mapped[int] = mapped_column(primary_key=True)
    role_model_id: Mapped[int | None] = mapped_column(
        ForeignKey("role_models.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # photo, video…
    key: Mapped[str] = mapped_column(String(512))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int | None]
    height: Mapped[int | None]
    alt_text: Mapped[str] = mapped_column(Text, default="")
    variants: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    do_not_use: Mapped[bool] = mapped_column(default=False)
    do_not_use_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ConsentRecord(Base):
    """What a person agreed to: channels × uses × media, for a period, with proof."""

    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    role_model_id: Mapped[int] = mapped_column(
        ForeignKey("role_models.id", ondelete="CASCADE"), index=True
    )
    channels: Mapped[list[str]] = mapped_column(JSON)
    uses: Mapped[list[str]] = mapped_column(JSON)
    media: Mapped[list[str]] = mapped_column(JSON)
    signed_on: Mapped[date] = mapped_column(Date)
    valid_from: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    text_version: Mapped[str] = mapped_column(String(120))
    special_category: Mapped[bool] = mapped_column(default=False)
    special_category_wording: Mapped[str] = mapped_column(Text, default="")
    collected_by: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(40))
    is_minor: Mapped[bool] = mapped_column(default=False)
    guardian: Mapped[str] = mapped_column(String(200), default="")
    proof_key: Mapped[str | None] = mapped_column(String(512))
    proof_sha256: Mapped[str | None] = mapped_column(String(64))
    proof_filename: Mapped[str] = mapped_column(String(255), default="")
    proof_content_type: Mapped[str] = mapped_column(String(100), default="")
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    withdrawal_channel: Mapped[str] = mapped_column(String(60), default="")
    withdrawal_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Appearance(Base):
    """One time a person was featured (a published post), for exposure balance."""

    __tablename__ = "appearances"

    id: Mapped[int] = mapped_column(primary_key=True)
    role_model_id: Mapped[int] = mapped_column(
        ForeignKey("role_models.id", ondelete="CASCADE"), index=True
    )
    featured_on: Mapped[date] = mapped_column(Date, index=True)
    channel: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300), default="")
    url: Mapped[str] = mapped_column(String(1000), default="")


class TakedownTask(Base):
    """Published content to take down after a withdrawal, until someone marks it done."""

    __tablename__ = "takedown_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    role_model_id: Mapped[int] = mapped_column(
        ForeignKey("role_models.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_by: Mapped[str] = mapped_column(String(254), default="")


class Portrait(Base):
    """A video portrait as uploaded, with what the team decided about framing and captions."""

    __tablename__ = "portraits"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(10), default="fr")
    description: Mapped[str] = mapped_column(Text, default="")
    transcript: Mapped[str] = mapped_column(Text, default="")
    alt_text: Mapped[str] = mapped_column(Text, default="")
    source_key: Mapped[str] = mapped_column(String(512))
    source_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    source_filename: Mapped[str] = mapped_column(String(255), default="")
    size_bytes: Mapped[int]
    container: Mapped[str] = mapped_column(String(60))
    duration_s: Mapped[float]
    width: Mapped[int]
    height: Mapped[int]
    fps: Mapped[float]
    rotation: Mapped[int] = mapped_column(default=0)
    has_audio: Mapped[bool]
    video_codec: Mapped[str] = mapped_column(String(40))
    audio_codec: Mapped[str] = mapped_column(String(40), default="")
    focal_x: Mapped[float] = mapped_column(default=0.5)
    focal_y: Mapped[float] = mapped_column(default=0.5)
    reframe: Mapped[str] = mapped_column(String(10), default="crop")
    trim_start_s: Mapped[float] = mapped_column(default=0.0)
    trim_end_s: Mapped[float | None]
    cover_at_s: Mapped[float] = mapped_column(default=1.0)
    captions_key: Mapped[str | None] = mapped_column(String(512))
    do_not_use: Mapped[bool] = mapped_column(default=False)
    do_not_use_reason: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PortraitPerson(Base):
    """A role model featured in a portrait."""

    __tablename__ = "portrait_people"

    portrait_id: Mapped[int] = mapped_column(
        ForeignKey("portraits.id", ondelete="CASCADE"), primary_key=True
    )
    role_model_id: Mapped[int] = mapped_column(
        ForeignKey("role_models.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class PortraitVersion(Base):
    """A ready-to-post version of a portrait for one network preset, and its rendering job."""

    __tablename__ = "portrait_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    portrait_id: Mapped[int] = mapped_column(
        ForeignKey("portraits.id", ondelete="CASCADE"), index=True
    )
    preset: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    progress: Mapped[float] = mapped_column(default=0.0)
    trim_to_fit: Mapped[bool] = mapped_column(default=False)
    lower_third: Mapped[bool] = mapped_column(default=False)
    output_key: Mapped[str | None] = mapped_column(String(512))
    cover_key: Mapped[str | None] = mapped_column(String(512))
    captions_key: Mapped[str | None] = mapped_column(String(512))
    size_bytes: Mapped[int | None]
    duration_s: Mapped[float | None]
    sha256: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str] = mapped_column(Text, default="")
    log: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(default=0)
    # Refreshed while rendering: a stale heartbeat means the worker died mid-job.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    do_not_use: Mapped[bool] = mapped_column(default=False)
    requested_by: Mapped[str] = mapped_column(String(254), default="")
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


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
    blocked_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)
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
