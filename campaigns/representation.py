"""Representation overview: who is available to feature, by category, role and programme."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Engine, func, select

from campaigns.auth import Actor, Permission, require
from campaigns.catalogue import CATEGORY_LABELS, KIND_LABELS
from campaigns.consent import CHANNELS, ConsentStatus, load_terms
from campaigns.db import read_only
from campaigns.i18n import N_
from campaigns.models import Appearance, RoleModel, RoleModelLabel

WOMEN_INSTRUCTORS_TARGET = 0.40


@dataclass(frozen=True, slots=True)
class InstructorShare:
    """Women among instructor role models, against the school's 40 % target."""

    women: int
    instructors: int
    target: float = WOMEN_INSTRUCTORS_TARGET

    @property
    def share(self) -> float | None:
        """The share of women, or None without instructors."""
        return self.women / self.instructors if self.instructors else None


@dataclass(frozen=True, slots=True)
class Overview:
    """Tables behind the representation page (each chart has its table)."""

    availability: pd.DataFrame  # dimension, group, people, then one column per channel
    instructors: InstructorShare
    not_featured: pd.DataFrame  # person, role, last featured
    over_exposed: pd.DataFrame  # person, appearances


def representation_overview(
    db: Engine,
    actor: Actor,
    on: date,
    warning_days: int,
    *,
    not_featured_months: int = 6,
    over_exposed_threshold: int = 3,
) -> Overview:
    """Counts of available people with valid consent per channel, plus exposure balance."""
    require(actor, Permission.EDIT_CONTENT)
    with read_only(db) as session:
        people = {
            pid: (name, kind)
            for pid, name, kind in session.execute(
                select(RoleModel.id, RoleModel.full_name, RoleModel.kind).where(
                    RoleModel.archived_at.is_(None)
                )
            )
        }
        labels = session.execute(
            select(RoleModelLabel.role_model_id, RoleModelLabel.kind, RoleModelLabel.value).where(
                RoleModelLabel.kind.in_(("category", "programme"))
            )
        ).all()
        terms = load_terms(session, list(people))
        last_featured: dict[int, date] = {
            pid: last
            for pid, last in session.execute(
                select(Appearance.role_model_id, func.max(Appearance.featured_on)).group_by(
                    Appearance.role_model_id
                )
            )
        }
        recent = session.execute(
            select(Appearance.role_model_id, func.count(Appearance.id))
            .where(Appearance.featured_on > on - timedelta(days=30), Appearance.featured_on <= on)
            .group_by(Appearance.role_model_id)
        ).all()

    usable = {ConsentStatus.VALID, ConsentStatus.EXPIRING_SOON}
    channels_ok: dict[int, set[str]] = {}
    for pid, records in terms.items():
        channels_ok[pid] = {
            channel
            for record in records
            if record.status_on(on, warning_days) in usable and "organic" in record.uses
            for channel in record.channels
        }
    groups: list[tuple[str, str, int]] = [
        (N_("Role"), KIND_LABELS.get(kind, kind), pid) for pid, (_, kind) in people.items()
    ]
    for pid, kind, value in labels:
        if pid in people:
            if kind == "category":
                groups.append((N_("Category"), CATEGORY_LABELS.get(value, value), pid))
            else:
                groups.append((N_("Programme"), value, pid))
    rows: dict[tuple[str, str], dict[str, int]] = {}
    for dimension, group, pid in groups:
        row = rows.setdefault((dimension, group), {"people": 0} | {c: 0 for c in CHANNELS})
        row["people"] += 1
        for channel in channels_ok.get(pid, set()):
            row[channel] += 1
    availability = pd.DataFrame(
        [{"dimension": d, "group": g, **counts} for (d, g), counts in rows.items()],
        columns=["dimension", N_("group"), N_("people"), *CHANNELS],
    ).sort_values(["dimension", "people"], ascending=[True, False], ignore_index=True)

    women = {pid for pid, kind, value in labels if kind == "category" and value == "woman_in_tech"}
    instructors = [pid for pid, (_, kind) in people.items() if kind == "instructor"]
    share = InstructorShare(
        women=sum(1 for pid in instructors if pid in women), instructors=len(instructors)
    )

    cutoff = on - timedelta(days=round(30.44 * not_featured_months))
    not_featured = pd.DataFrame(
        [
            {
                "person": name,
                "role": KIND_LABELS.get(kind, kind),
                N_("last featured"): last_featured.get(pid),
            }
            for pid, (name, kind) in people.items()
            if last_featured.get(pid) is None or last_featured[pid] < cutoff
        ],
        columns=[N_("person"), N_("role"), N_("last featured")],
    )
    over_exposed = pd.DataFrame(
        [
            {"person": people[pid][0], N_("appearances in the last 30 days"): count}
            for pid, count in recent
            if pid in people and count > over_exposed_threshold
        ],
        columns=[N_("person"), N_("appearances in the last 30 days")],
    )
    return Overview(availability, share, not_featured, over_exposed)
