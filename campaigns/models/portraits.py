"""Video portraits, the people in them, and their versions per network."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from campaigns.db import Base, UTCDateTime, utcnow


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
    # Burned-in captions leave no file behind: the render records that the picture carries them.
    captions_burned: Mapped[bool] = mapped_column(default=False)
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
