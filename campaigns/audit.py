"""The audit trail: who changed what, when; sensitive values never reach it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from campaigns.auth import Actor, Permission, require
from campaigns.db import read_only
from campaigns.models import AuditEvent

REDACTED = "[redacted]"
# Field names whose values are personal or secret: the trail keeps that they changed, not to what.
SENSITIVE_FIELDS = frozenset(
    {
        "password",
        "password_hash",
        "disability_details",
        "phone",
        "contact_email",
        "proof",
        "proof_key",
        "accessibility_needs",
        "guardian",
        "guardian_contact",
    }
)


# Fields whose value is itself a list, so a two-item list is not a "before → after" pair.
LIST_FIELDS = frozenset({"channels", "uses", "media"})


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of the audit trail as shown to administrators."""

    at: datetime
    actor_email: str
    action: str
    entity_type: str
    entity_id: str
    summary: str
    changes: dict[str, Any]


def redact(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Replace the values of sensitive fields, at any depth, by a marker."""
    clean: dict[str, Any] = {}
    for key, value in changes.items():
        if key in SENSITIVE_FIELDS:
            clean[key] = REDACTED
        elif isinstance(value, Mapping):
            clean[key] = redact(value)
        else:
            clean[key] = value
    return clean


def _plain(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v) for v in value) or "—"
    if value in (None, ""):
        return "—"
    return str(value)


def describe_changes(changes: Mapping[str, Any]) -> str:
    """The changes as words: "bio: old → new; role: editor" (lists joined, values shortened)."""
    parts = []
    for key, value in changes.items():
        label = key.replace("_", " ")
        if isinstance(value, list) and len(value) == 2 and key not in LIST_FIELDS:
            text = f"{label}: {_plain(value[0])} → {_plain(value[1])}"
        else:
            text = f"{label}: {_plain(value)}"
        parts.append(text if len(text) <= 120 else text[:117] + "…")
    return "; ".join(parts)


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: int | str,
    changes: Mapping[str, Any] | None = None,
    summary: str = "",
) -> None:
    """Add an audit line inside the caller's transaction, so it stands or falls with the write."""
    session.add(
        AuditEvent(
            actor_id=actor.user_id,
            actor_email=actor.email,
            action=action,
            entity_type=entity_type,
            entity_id=str(entity_id),
            summary=summary,
            changes=redact(changes or {}),
        )
    )


def list_events(
    db: Engine,
    actor: Actor,
    *,
    entity_type: str | None = None,
    actor_email: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 500,
) -> list[AuditEntry]:
    """The newest audit lines first, filtered; administrators only."""
    require(actor, Permission.VIEW_AUDIT)
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    if entity_type:
        query = query.where(AuditEvent.entity_type == entity_type)
    if actor_email:
        query = query.where(AuditEvent.actor_email.contains(actor_email.strip().lower()))
    if action:
        query = query.where(AuditEvent.action == action)
    if since:
        query = query.where(AuditEvent.at >= since)
    if until:
        query = query.where(AuditEvent.at < until)
    with read_only(db) as session:
        return [
            AuditEntry(
                at=e.at,
                actor_email=e.actor_email,
                action=e.action,
                entity_type=e.entity_type,
                entity_id=e.entity_id,
                summary=e.summary,
                changes=dict(e.changes),
            )
            for e in session.scalars(query)
        ]


def known_filters(db: Engine) -> tuple[list[str], list[str]]:
    """The entity types and actions present in the trail, for filter menus."""
    with read_only(db) as session:
        types = sorted(set(session.scalars(select(AuditEvent.entity_type).distinct())))
        actions = sorted(set(session.scalars(select(AuditEvent.action).distinct())))
    return types, actions
