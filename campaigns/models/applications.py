"""Applications from the admissions system (pseudonymised), their imports, instructors' counts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from campaigns.db import Base, UTCDateTime, utcnow


class ApplicationImport(Base):
    """One admissions export dropped in, and what its import did."""

    __tablename__ = "application_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    imported_by: Mapped[str] = mapped_column(String(254), default="")
    imported: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Application(Base):
    """One application: no name, no contact, its id replaced by a keyed hash."""

    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    # HMAC-SHA256 of the admissions system's id with a key kept outside the database.
    ref: Mapped[str] = mapped_column(String(64), unique=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    programme: Mapped[str] = mapped_column(String(120), index=True)
    programme_family: Mapped[str] = mapped_column(String(20))  # "tech" or "non_tech"
    gender: Mapped[str] = mapped_column(String(20))  # woman, man, non_binary, undisclosed
    disability: Mapped[str] = mapped_column(String(20))  # yes, no, undisclosed
    priority_groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    country: Mapped[str] = mapped_column(String(2), default="")
    source: Mapped[str] = mapped_column(String(120), default="")
    utm_source: Mapped[str] = mapped_column(String(200), default="")
    utm_medium: Mapped[str] = mapped_column(String(200), default="")
    utm_campaign: Mapped[str] = mapped_column(String(200), default="", index=True)
    utm_content: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(
        String(20), default="applied"
    )  # applied, admitted, enrolled
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL"), index=True
    )
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("application_imports.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class InstructorCount(Base):
    """How many tech instructors there were in a term, and how many of them women."""

    __tablename__ = "instructor_counts"

    id: Mapped[int] = mapped_column(primary_key=True)
    term: Mapped[str] = mapped_column(String(20), unique=True)  # e.g. "2026-autumn"
    women: Mapped[int]
    total: Mapped[int]
    recorded_by: Mapped[str] = mapped_column(String(254), default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
