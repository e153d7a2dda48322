"""Role models: profiles, self-declared categories, stories, quotes, photos; search and archive."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Engine, Select, delete, func, or_, select
from sqlalchemy.orm import Session

from campaigns import audit
from campaigns.auth import Actor, Permission, normalise_email, require
from campaigns.consent import ConsentStatus, status_from_rank, status_rank_by_person
from campaigns.db import read_only, transaction, utcnow
from campaigns.errors import Conflict, InvalidFields, InvalidInput, NotFound
from campaigns.i18n import N_, msg
from campaigns.media.images import prepare_photo
from campaigns.models import (
    Appearance,
    MediaAsset,
    Quote,
    RoleModel,
    RoleModelLabel,
)
from campaigns.storage import MediaStore

KINDS = ("student", "alumni", "apprentice", "instructor", "mentor")
KIND_LABELS = {
    "student": N_("Student"),
    "alumni": N_("Alumni"),
    "apprentice": N_("Apprentice"),
    "instructor": N_("Instructor"),
    "mentor": N_("Mentor"),
}
CATEGORIES = (
    "woman_in_tech",
    "disability",
    "career_changer",
    "low_qualification",
    "former_jobseeker",
    "disadvantaged_area",
    "refugee",
)
CATEGORY_LABELS = {
    "woman_in_tech": N_("Woman in tech"),
    "disability": N_("Person with a disability"),
    "career_changer": N_("Career changer (age)"),
    "low_qualification": N_("No or low qualification"),
    "former_jobseeker": N_("Former jobseeker"),
    "disadvantaged_area": N_("Resident of a disadvantaged area"),
    "refugee": N_("Refugee"),
}
BARRIERS = ("disability", "age", "education", "gender_stereotypes", "career_change", "other")
BARRIER_LABELS = {
    "disability": N_("Disability"),
    "age": N_("Age"),
    "education": N_("Education level"),
    "gender_stereotypes": N_("Gender stereotypes"),
    "career_change": N_("Career change"),
    "other": N_("Other"),
}
LABEL_KINDS = ("category", "programme", "barrier", "tag", "language")


def _column_length(table: Any, name: str) -> int:
    length = getattr(table.c[name].type, "length", None)
    return length if isinstance(length, int) else 1_000_000


# Limits come from the columns: PostgreSQL refuses longer values, so the form says so first.
FIELD_LIMITS = {
    name: _column_length(RoleModel.__table__, name)
    for name in ("full_name", "preferred_name", "pronouns", "email", "phone", "cohort", "employer")
}
LABEL_MAX_LENGTH = _column_length(RoleModelLabel.__table__, "value")
LIST_FIELDS = ("programmes", "tags", "languages")
PHONE_PATTERN = re.compile(r"^\+?[0-9 ().-]{6,25}$")


@dataclass(frozen=True, slots=True)
class ProfileInput:
    """A role model's profile as typed in the form or read from an import file."""

    full_name: str
    kind: str
    email: str = ""
    preferred_name: str = ""
    pronouns: str = ""
    phone: str = ""
    country: str = "FR"
    time_zone: str = "Europe/Paris"
    languages: tuple[str, ...] = ()
    programmes: tuple[str, ...] = ()
    cohort: str = ""
    employer: str = ""
    availability: str = ""
    accessibility_needs: str = ""
    categories: tuple[str, ...] = ()
    barriers: tuple[str, ...] = ()
    bio: str = ""
    tags: tuple[str, ...] = ()
    disability_details: str = ""
    disability_explicit_consent: bool = False


def _clean_list(values: Sequence[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        cleaned = " ".join(value.split())
        if cleaned:
            seen.setdefault(cleaned, None)
    return tuple(seen)


def clean_profile(data: ProfileInput) -> ProfileInput:
    """Trim spaces, lower-case the e-mail and drop empty or repeated list items."""
    return replace(
        data,
        full_name=" ".join(data.full_name.split()),
        kind=data.kind.strip().lower(),
        email=data.email.strip().lower(),
        preferred_name=data.preferred_name.strip(),
        pronouns=data.pronouns.strip(),
        phone=data.phone.strip(),
        country=data.country.strip().upper(),
        time_zone=data.time_zone.strip(),
        languages=_clean_list(data.languages),
        programmes=_clean_list(data.programmes),
        cohort=data.cohort.strip(),
        employer=data.employer.strip(),
        categories=_clean_list(data.categories),
        barriers=_clean_list(data.barriers),
        tags=_clean_list([tag.lower() for tag in data.tags]),
        bio=data.bio.strip(),
        disability_details=data.disability_details.strip(),
    )


def validate_profile(data: ProfileInput) -> dict[str, str]:
    """Field-by-field problems with a profile (empty when it can be saved)."""
    problems: dict[str, str] = {}
    if len(data.full_name) < 2:
        problems["full_name"] = N_("Give the person's name.")
    elif len(data.full_name) > 200:
        problems["full_name"] = N_("The name is longer than 200 characters.")
    if data.kind not in KINDS:
        problems["kind"] = msg("Choose the role: {roles}.", roles=", ".join(KINDS))
    if data.email:
        try:
            normalise_email(data.email)
        except InvalidInput as exc:
            problems["email"] = exc.message
    if data.phone and not PHONE_PATTERN.match(data.phone):
        problems["phone"] = N_(
            "The phone number may hold digits, spaces, +, dots, dashes and brackets."
        )
    if not re.fullmatch(r"[A-Z]{2}", data.country):
        problems["country"] = N_("Use the two-letter country code (FR, GB, US…).")
    try:
        ZoneInfo(data.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        problems["time_zone"] = msg(
            "“{zone}” is not a time zone (e.g. Europe/Paris).", zone=data.time_zone
        )
    if unknown := [c for c in data.categories if c not in CATEGORIES]:
        problems["categories"] = msg("Unknown categories: {values}.", values=", ".join(unknown))
    if unknown := [b for b in data.barriers if b not in BARRIERS]:
        problems["barriers"] = msg("Unknown barriers: {values}.", values=", ".join(unknown))
    if data.kind == "apprentice" and not data.employer:
        problems["employer"] = N_("Give the employer of the apprentice.")
    for name, limit in FIELD_LIMITS.items():
        if len(getattr(data, name)) > limit:
            problems.setdefault(name, msg("This is longer than {limit} characters.", limit=limit))
    for name in LIST_FIELDS:
        if any(len(value) > LABEL_MAX_LENGTH for value in getattr(data, name)):
            problems.setdefault(
                name,
                msg("Each value must be at most {limit} characters.", limit=LABEL_MAX_LENGTH),
            )
    if data.disability_details and not data.disability_explicit_consent:
        problems["disability_details"] = N_(
            "Disability details are health data: keep them only if the person gave explicit "
            "consent, and tick that box."
        )
    if data.disability_details and "disability" not in data.categories:
        problems["categories"] = N_(
            "Disability details are only kept for people featured as disability role models."
        )
    return problems


@dataclass(frozen=True, slots=True)
class DuplicateWarning:
    """An existing person who may be the same as the one being saved."""

    role_model_id: int
    full_name: str
    reason: str


def find_duplicates(
    db: Engine, data: ProfileInput, exclude_id: int | None = None
) -> list[DuplicateWarning]:
    """People with the same e-mail, or the same name in one of the same programmes."""
    data = clean_profile(data)
    warnings: list[DuplicateWarning] = []
    with read_only(db) as session:
        if data.email:
            query = select(RoleModel.id, RoleModel.full_name).where(RoleModel.email == data.email)
            if exclude_id is not None:
                query = query.where(RoleModel.id != exclude_id)
            for person_id, name in session.execute(query):
                warnings.append(
                    DuplicateWarning(
                        person_id,
                        name,
                        msg(
                            "{name} already has the e-mail {address}.",
                            name=name,
                            address=data.email,
                        ),
                    )
                )
        if data.programmes:
            same_name = (
                select(RoleModel.id, RoleModel.full_name, RoleModelLabel.value)
                .join(RoleModelLabel, RoleModelLabel.role_model_id == RoleModel.id)
                .where(
                    func.lower(RoleModel.full_name) == data.full_name.lower(),
                    RoleModelLabel.kind == "programme",
                    RoleModelLabel.value.in_(data.programmes),
                )
            )
            if exclude_id is not None:
                same_name = same_name.where(RoleModel.id != exclude_id)
            known = {w.role_model_id for w in warnings}
            for person_id, name, programme in session.execute(same_name):
                if person_id not in known:
                    known.add(person_id)
                    warnings.append(
                        DuplicateWarning(
                            person_id,
                            name,
                            msg(
                                "{name} is already in the programme {programme}.",
                                name=name,
                                programme=programme,
                            ),
                        )
                    )
    return warnings


def profile_labels(data: ProfileInput) -> list[tuple[str, str]]:
    """The (kind, value) labels a profile's lists become."""
    return (
        [("category", v) for v in data.categories]
        + [("programme", v) for v in data.programmes]
        + [("barrier", v) for v in data.barriers]
        + [("tag", v) for v in data.tags]
        + [("language", v) for v in data.languages]
    )


def apply_profile(person: RoleModel, data: ProfileInput) -> None:
    """Copy a checked profile onto a stored person (labels are saved separately)."""
    person.full_name = data.full_name
    person.kind = data.kind
    person.email = data.email or None
    person.preferred_name = data.preferred_name
    person.pronouns = data.pronouns
    person.phone = data.phone
    person.country = data.country
    person.time_zone = data.time_zone
    person.cohort = data.cohort
    person.employer = data.employer
    person.availability = data.availability.strip()
    person.accessibility_needs = data.accessibility_needs.strip()
    person.bio = data.bio
    person.disability_details = data.disability_details if data.disability_explicit_consent else ""
    person.disability_explicit_consent = data.disability_explicit_consent


def _replace_labels(session: Session, person_id: int, data: ProfileInput) -> None:
    session.execute(delete(RoleModelLabel).where(RoleModelLabel.role_model_id == person_id))
    session.add_all(
        RoleModelLabel(role_model_id=person_id, kind=kind, value=value)
        for kind, value in profile_labels(data)
    )


def _checked(data: ProfileInput) -> ProfileInput:
    data = clean_profile(data)
    problems = validate_profile(data)
    if problems:
        raise InvalidFields(problems)
    return data


def profile_snapshot(data: ProfileInput) -> dict[str, object]:
    """The profile as a flat mapping (lists joined) for the audit trail and comparisons."""
    return {
        name: ", ".join(value) if isinstance(value, tuple) else value
        for name, value in ((f, getattr(data, f)) for f in ProfileInput.__dataclass_fields__)
    }


def create_role_model(db: Engine, actor: Actor, data: ProfileInput) -> int:
    """Add a person to the catalogue; refused when the e-mail is already someone's."""
    require(actor, Permission.EDIT_CONTENT)
    if data.disability_details.strip():
        require(actor, Permission.VIEW_SENSITIVE)
    data = _checked(data)
    with transaction(db) as session:
        if data.email and session.scalar(select(RoleModel.id).where(RoleModel.email == data.email)):
            raise Conflict(
                msg(
                    "Someone in the catalogue already has the e-mail {address}.",
                    address=data.email,
                )
            )
        person = RoleModel()
        apply_profile(person, data)
        session.add(person)
        session.flush()
        _replace_labels(session, person.id, data)
        audit.record(
            session, actor, "create_role_model", "role_model", person.id, profile_snapshot(data)
        )
        return person.id


def update_role_model(
    db: Engine,
    actor: Actor,
    role_model_id: int,
    data: ProfileInput,
    expected: dict[str, object] | None = None,
) -> None:
    """Save changes to a profile; the audit trail keeps which fields changed.

    With `expected` (`opened_profile` of the profile as it was shown), a save based on a copy
    someone else has changed since is refused instead of overwriting their work.
    """
    require(actor, Permission.EDIT_CONTENT)
    data = clean_profile(data)
    with transaction(db) as session:
        person = session.get(RoleModel, role_model_id, with_for_update=True)
        if person is None:
            raise NotFound(N_("This person is no longer in the catalogue."))
        if expected is not None and opened_profile(_shown(actor, session, person)) != expected:
            raise Conflict(
                N_(
                    "Someone else saved this profile while you were editing it. Your changes were "
                    "not saved: reload the profile to see theirs, then make yours again."
                )
            )
        if data.email:
            other = session.scalar(
                select(RoleModel.id).where(RoleModel.email == data.email, RoleModel.id != person.id)
            )
            if other:
                raise Conflict(
                    msg(
                        "Someone else in the catalogue already has the e-mail {address}.",
                        address=data.email,
                    )
                )
        stored = _profile_of(session, person)
        if not actor.can(Permission.VIEW_SENSITIVE):
            # Roles that never see disability details keep them exactly as stored.
            data = replace(
                data,
                disability_details=stored.disability_details,
                disability_explicit_consent=stored.disability_explicit_consent,
            )
        data = _checked(data)
        before = profile_snapshot(stored)
        apply_profile(person, data)
        _replace_labels(session, person.id, data)
        after = profile_snapshot(data)
        changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
        if changes:
            audit.record(session, actor, "update_role_model", "role_model", person.id, changes)


def opened_profile(profile: ProfileInput) -> dict[str, object]:
    """What a person was shown of a profile, to compare with the stored one when saving."""
    return profile_snapshot(profile)


def _shown(actor: Actor, session: Session, person: RoleModel) -> ProfileInput:
    profile = _profile_of(session, person)
    if not actor.can(Permission.VIEW_SENSITIVE):
        profile = replace(profile, disability_details="")
    return profile


def _profile_of(session: Session, person: RoleModel) -> ProfileInput:
    labels: dict[str, list[str]] = {kind: [] for kind in LABEL_KINDS}
    for kind, value in session.execute(
        select(RoleModelLabel.kind, RoleModelLabel.value)
        .where(RoleModelLabel.role_model_id == person.id)
        .order_by(RoleModelLabel.kind, RoleModelLabel.value)
    ):
        labels[kind].append(value)
    return ProfileInput(
        full_name=person.full_name,
        kind=person.kind,
        email=person.email or "",
        preferred_name=person.preferred_name,
        pronouns=person.pronouns,
        phone=person.phone,
        country=person.country,
        time_zone=person.time_zone,
        languages=tuple(labels["language"]),
        programmes=tuple(labels["programme"]),
        cohort=person.cohort,
        employer=person.employer,
        availability=person.availability,
        accessibility_needs=person.accessibility_needs,
        categories=tuple(c for c in CATEGORIES if c in labels["category"]),
        barriers=tuple(b for b in BARRIERS if b in labels["barrier"]),
        bio=person.bio,
        tags=tuple(labels["tag"]),
        disability_details=person.disability_details,
        disability_explicit_consent=person.disability_explicit_consent,
    )


def set_archived(db: Engine, actor: Actor, role_model_id: int, archived: bool) -> None:
    """Archive a person (hidden from searches and never scheduled) or restore them."""
    require(actor, Permission.EDIT_CONTENT)
    with transaction(db) as session:
        person = session.get(RoleModel, role_model_id)
        if person is None:
            raise NotFound(N_("This person is no longer in the catalogue."))
        person.archived_at = utcnow() if archived else None
        audit.record(
            session,
            actor,
            "archive_role_model" if archived else "restore_role_model",
            "role_model",
            person.id,
        )


@dataclass(frozen=True, slots=True)
class QuoteView:
    """A quote with its approval."""

    id: int
    text: str
    approved_on: date | None
    approved_how: str


@dataclass(frozen=True, slots=True)
class RoleModelDetail:
    """Everything about one person that the signed-in role may see."""

    id: int
    profile: ProfileInput
    archived: bool
    photo_key: str | None
    photo_thumbnail_key: str | None
    photo_alt_text: str
    photo_do_not_use: bool
    quotes: tuple[QuoteView, ...]
    appearances: tuple[tuple[date, str, str], ...]
    sensitive_visible: bool


def get_role_model(db: Engine, actor: Actor, role_model_id: int) -> RoleModelDetail:
    """One person's profile; disability details only for privacy officers and administrators."""
    require(actor, Permission.EDIT_CONTENT)
    with read_only(db) as session:
        person = session.get(RoleModel, role_model_id)
        if person is None:
            raise NotFound(N_("This person is no longer in the catalogue."))
        profile = _profile_of(session, person)
        sensitive = actor.can(Permission.VIEW_SENSITIVE)
        if not sensitive:
            profile = replace(profile, disability_details="")
        photo = session.get(MediaAsset, person.photo_id) if person.photo_id else None
        quotes = tuple(
            QuoteView(q.id, q.text, q.approved_on, q.approved_how)
            for q in session.scalars(
                select(Quote).where(Quote.role_model_id == person.id).order_by(Quote.id)
            )
        )
        appearances = tuple(
            (a.featured_on, a.channel, a.title)
            for a in session.scalars(
                select(Appearance)
                .where(Appearance.role_model_id == person.id)
                .order_by(Appearance.featured_on.desc())
            )
        )
        return RoleModelDetail(
            id=person.id,
            profile=profile,
            archived=person.archived_at is not None,
            photo_key=photo.key if photo else None,
            photo_thumbnail_key=photo.variants.get("large") if photo else None,
            photo_alt_text=photo.alt_text if photo else "",
            photo_do_not_use=photo.do_not_use if photo else False,
            quotes=quotes,
            appearances=appearances,
            sensitive_visible=sensitive,
        )


def set_photo(
    db: Engine,
    store: MediaStore,
    actor: Actor,
    role_model_id: int,
    data: bytes,
    filename: str,
    alt_text: str,
) -> int:
    """Store a person's photo, cleaned of every metadata, with its thumbnails and alt text."""
    require(actor, Permission.EDIT_CONTENT)
    if not alt_text.strip():
        raise InvalidFields(
            {"alt_text": N_("Describe the photo for people who cannot see it (alt text).")}
        )
    prepared = prepare_photo(data, filename)
    with transaction(db) as session:
        person = session.get(RoleModel, role_model_id)
        if person is None:
            raise NotFound(N_("This person is no longer in the catalogue."))
        asset = MediaAsset(
            role_model_id=person.id,
            kind="photo",
            key="",
            content_type=f"image/{prepared.original_format}",
            size=len(prepared.original),
            sha256=prepared.sha256,
            width=prepared.width,
            height=prepared.height,
            alt_text=alt_text.strip(),
        )
        session.add(asset)
        session.flush()
        base = f"people/{person.id}/photos/{asset.id}"
        suffix = "png" if prepared.original_format == "png" else "jpg"
        # Files first, row last: a store failure rolls the row back; orphans are harmless.
        asset.key = store.put_bytes(
            f"{base}/original.{suffix}", prepared.original, asset.content_type
        ).key
        asset.variants = {
            name: store.put_bytes(f"{base}/{name}.jpg", thumb, "image/jpeg").key
            for name, thumb in prepared.thumbnails.items()
        }
        person.photo_id = asset.id
        audit.record(
            session,
            actor,
            "set_photo",
            "role_model",
            person.id,
            {"media_asset": asset.id, "sha256": prepared.sha256, "alt_text": asset.alt_text},
        )
        return asset.id


def add_quote(
    db: Engine,
    actor: Actor,
    role_model_id: int,
    text: str,
    approved_on: date | None,
    approved_how: str,
) -> int:
    """Keep a quote; it may be published only once approved (date and how)."""
    require(actor, Permission.EDIT_CONTENT)
    if not text.strip():
        raise InvalidFields({"quote": N_("Type the quote.")})
    if approved_on is not None and not approved_how.strip():
        raise InvalidFields({"approved_how": N_("Say how the person approved the quote.")})
    with transaction(db) as session:
        if session.get(RoleModel, role_model_id) is None:
            raise NotFound(N_("This person is no longer in the catalogue."))
        quote = Quote(
            role_model_id=role_model_id,
            text=text.strip(),
            approved_on=approved_on,
            approved_how=approved_how.strip(),
        )
        session.add(quote)
        session.flush()
        audit.record(
            session, actor, "add_quote", "quote", quote.id, {"approved": bool(approved_on)}
        )
        return quote.id


@dataclass(frozen=True, slots=True)
class CatalogueFilter:
    """What the catalogue page filters on; empty means no restriction."""

    text: str = ""
    kinds: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    barriers: tuple[str, ...] = ()
    programmes: tuple[str, ...] = ()
    consent_statuses: tuple[ConsentStatus, ...] = ()
    not_featured_for_months: int | None = None
    archived: bool = False


@dataclass(frozen=True, slots=True)
class RoleModelCard:
    """One person in the card grid."""

    id: int
    full_name: str
    preferred_name: str
    kind: str
    categories: tuple[str, ...]
    programmes: tuple[str, ...]
    consent_status: ConsentStatus
    last_featured_on: date | None
    thumbnail_key: str | None
    photo_alt_text: str


@dataclass(frozen=True, slots=True)
class SearchResult:
    """A page of cards and how many people match in all."""

    cards: list[RoleModelCard]
    total: int
    counts_by_status: dict[ConsentStatus, int] = field(default_factory=dict)


def _label_filter(
    query: Select[tuple[int]], kind: str, values: Sequence[str]
) -> Select[tuple[int]]:
    if not values:
        return query
    return query.where(
        RoleModel.id.in_(
            select(RoleModelLabel.role_model_id).where(
                RoleModelLabel.kind == kind, RoleModelLabel.value.in_(values)
            )
        )
    )


def search_role_models(
    db: Engine,
    actor: Actor,
    filters: CatalogueFilter,
    on: date,
    warning_days: int,
    *,
    limit: int = 48,
    offset: int = 0,
) -> SearchResult:
    """The people matching the filters, by name, with their consent status on a day."""
    require(actor, Permission.EDIT_CONTENT)
    query = select(RoleModel.id).where(
        RoleModel.archived_at.is_not(None) if filters.archived else RoleModel.archived_at.is_(None)
    )
    if filters.text.strip():
        needle = f"%{filters.text.strip().lower()}%"
        query = query.where(
            or_(
                func.lower(RoleModel.full_name).like(needle),
                func.lower(RoleModel.preferred_name).like(needle),
                func.lower(RoleModel.bio).like(needle),
                RoleModel.id.in_(
                    select(RoleModelLabel.role_model_id).where(
                        RoleModelLabel.kind == "tag", RoleModelLabel.value.like(needle)
                    )
                ),
                RoleModel.id.in_(
                    select(Quote.role_model_id).where(func.lower(Quote.text).like(needle))
                ),
            )
        )
    if filters.kinds:
        query = query.where(RoleModel.kind.in_(filters.kinds))
    query = _label_filter(query, "category", filters.categories)
    query = _label_filter(query, "barrier", filters.barriers)
    query = _label_filter(query, "programme", filters.programmes)
    last_featured = (
        select(Appearance.role_model_id, func.max(Appearance.featured_on).label("last"))
        .group_by(Appearance.role_model_id)
        .subquery()
    )
    if filters.not_featured_for_months is not None:
        cutoff = on - timedelta(days=round(30.44 * filters.not_featured_for_months))
        query = query.outerjoin(last_featured, last_featured.c.role_model_id == RoleModel.id).where(
            or_(last_featured.c.last.is_(None), last_featured.c.last < cutoff)
        )
    rank = status_rank_by_person(on, warning_days)
    ordered = (
        query.add_columns(rank.c.rank)
        .outerjoin(rank, rank.c.role_model_id == RoleModel.id)
        .order_by(func.lower(RoleModel.full_name), RoleModel.id)
    )
    with read_only(db) as session:
        matches = [(pid, status_from_rank(r)) for pid, r in session.execute(ordered)]
        if filters.consent_statuses:
            matches = [(pid, s) for pid, s in matches if s in filters.consent_statuses]
        counts: dict[ConsentStatus, int] = {}
        for _, status in matches:
            counts[status] = counts.get(status, 0) + 1
        page = matches[offset : offset + limit]
        status_of = dict(page)
        page_ids = list(status_of)
        rows = session.execute(
            select(
                RoleModel.id,
                RoleModel.full_name,
                RoleModel.preferred_name,
                RoleModel.kind,
                MediaAsset.variants,
                MediaAsset.alt_text,
                MediaAsset.do_not_use,
                last_featured.c.last,
            )
            .outerjoin(MediaAsset, MediaAsset.id == RoleModel.photo_id)
            .outerjoin(last_featured, last_featured.c.role_model_id == RoleModel.id)
            .where(RoleModel.id.in_(page_ids))
            .order_by(func.lower(RoleModel.full_name), RoleModel.id)
        ).all()
        labels: dict[int, dict[str, list[str]]] = {}
        for pid, kind, value in session.execute(
            select(RoleModelLabel.role_model_id, RoleModelLabel.kind, RoleModelLabel.value).where(
                RoleModelLabel.role_model_id.in_(page_ids),
                RoleModelLabel.kind.in_(("category", "programme")),
            )
        ):
            labels.setdefault(pid, {}).setdefault(kind, []).append(value)
    cards = [
        RoleModelCard(
            id=pid,
            full_name=name,
            preferred_name=preferred,
            kind=kind,
            categories=tuple(c for c in CATEGORIES if c in labels.get(pid, {}).get("category", [])),
            programmes=tuple(sorted(labels.get(pid, {}).get("programme", []))),
            consent_status=status_of[pid],
            last_featured_on=last,
            thumbnail_key=(variants or {}).get("small") if not do_not_use else None,
            photo_alt_text=alt or "",
        )
        for pid, name, preferred, kind, variants, alt, do_not_use, last in rows
    ]
    return SearchResult(cards=cards, total=len(matches), counts_by_status=counts)


def known_programmes(db: Engine) -> list[str]:
    """Every programme named in the catalogue, for filter menus."""
    with read_only(db) as session:
        return sorted(
            set(
                session.scalars(
                    select(RoleModelLabel.value)
                    .where(RoleModelLabel.kind == "programme")
                    .distinct()
                )
            )
        )
