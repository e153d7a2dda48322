"""Role models, their labels, quotes, photos, consent, appearances and take-downs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from campaigns.db import Base, UTCDateTime, utcnow


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
