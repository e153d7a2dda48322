"""Consent register: the one rule for "may we use X on Y on date D", and withdrawal everywhere."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from pathlib import PurePath
from urllib.parse import quote

from sqlalchemy import Engine, Subquery, and_, case, func, or_, select
from sqlalchemy.orm import Session

from campaigns import audit, wording
from campaigns.auth import Actor, Permission, require
from campaigns.db import read_only, transaction, utcnow
from campaigns.errors import InvalidFields, InvalidInput, NotFound
from campaigns.i18n import N_, Msg, msg
from campaigns.models import (
    Appearance,
    ConsentRecord,
    MediaAsset,
    Portrait,
    PortraitPerson,
    PortraitVersion,
    Post,
    PostPerson,
    RoleModel,
    TakedownTask,
)
from campaigns.storage import MediaStore

log = logging.getLogger(__name__)

CHANNELS = (
    "instagram",
    "tiktok",
    "linkedin",
    "youtube",
    "facebook",
    "x",
    "website",
    "print",
    "events",
)
USES = ("organic", "paid", "internal")
MEDIA = ("photo", "video", "voice", "name", "story", "disability_mention")
METHODS = ("paper form", "e-form", "e-mail", "scan", "recorded statement")
CHANNEL_LABELS = {
    "instagram": "Instagram",
    "tiktok": "TikTok",
    "linkedin": "LinkedIn",
    "youtube": "YouTube",
    "facebook": "Facebook",
    "x": "X",
    "website": N_("website"),
    "print": N_("print"),
    "events": N_("events"),
}
USE_LABELS = {
    "organic": N_("organic posts"),
    "paid": N_("paid ads"),
    "internal": N_("internal use"),
}
MEDIA_LABELS = {
    "photo": N_("photo"),
    "video": N_("video"),
    "voice": N_("voice"),
    "name": N_("name"),
    "story": N_("story"),
    "disability_mention": N_("disability mention"),
}
PROOF_TYPES = {
    "application/pdf": b"%PDF-",
    "image/jpeg": b"\xff\xd8\xff",
    "image/png": b"\x89PNG\r\n\x1a\n",
}
MAX_PROOF_BYTES = 20 * 1024 * 1024


class ConsentStatus(StrEnum):
    """Where a person's (or a scope's) consent stands on a given day."""

    VALID = "valid"
    EXPIRING_SOON = "expiring_soon"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    NONE = "none"


STATUS_LABELS = {
    ConsentStatus.VALID: N_("Valid"),
    ConsentStatus.EXPIRING_SOON: N_("Expiring soon"),
    ConsentStatus.EXPIRED: N_("Expired"),
    ConsentStatus.WITHDRAWN: N_("Withdrawn"),
    ConsentStatus.NONE: N_("No consent"),
}


@dataclass(frozen=True, slots=True)
class ConsentTerms:
    """The parts of a consent record the rule needs (a value object, no database)."""

    id: int
    channels: frozenset[str]
    uses: frozenset[str]
    media: frozenset[str]
    valid_from: date
    expires_on: date | None
    withdrawn_on: date | None = None
    special_category: bool = False
    has_proof: bool = True
    is_minor: bool = False
    guardian: str = ""

    def covers(self, media: str, channel: str, use: str) -> bool:
        """True when the record's scope includes this media, channel and use."""
        return media in self.media and channel in self.channels and use in self.uses

    def status_on(self, day: date, warning_days: int) -> ConsentStatus:
        """The record's own status on a day."""
        if self.withdrawn_on is not None and self.withdrawn_on <= day:
            return ConsentStatus.WITHDRAWN
        if self.expires_on is not None and self.expires_on < day:
            return ConsentStatus.EXPIRED
        if self.valid_from > day or not self.has_proof or (self.is_minor and not self.guardian):
            return ConsentStatus.NONE
        if self.expires_on is not None and self.expires_on <= day + timedelta(days=warning_days):
            return ConsentStatus.EXPIRING_SOON
        return ConsentStatus.VALID


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer to "may we use this?", with the reason when it is no."""

    allowed: bool
    reason: str
    consent_id: int | None = None


def decide(terms: Iterable[ConsentTerms], media: str, channel: str, use: str, on: date) -> Decision:
    """May this person's <media> be used on <channel> for <use> on <date>? Says why not."""
    what = msg(
        "{media} on {channel} for {use}",
        media=MEDIA_LABELS.get(media, media),
        channel=CHANNEL_LABELS.get(channel, channel),
        use=USE_LABELS.get(use, use),
    )
    records = list(terms)
    if not records:
        return Decision(False, N_("There is no consent on file for this person."))
    in_scope = [t for t in records if t.covers(media, channel, use)]
    if not in_scope:
        return Decision(False, msg("No consent covers the {what}.", what=what))
    problems: list[str] = []
    for record in sorted(in_scope, key=lambda t: t.expires_on or date.max, reverse=True):
        if record.withdrawn_on is not None and record.withdrawn_on <= on:
            problems.append(
                msg(
                    "The consent was withdrawn on {day}.",
                    day=wording.long_date(record.withdrawn_on),
                )
            )
        elif record.expires_on is not None and record.expires_on < on:
            problems.append(
                msg(
                    "The consent for the {what} expired on {day}.",
                    what=what,
                    day=wording.long_date(record.expires_on),
                )
            )
        elif record.valid_from > on:
            problems.append(
                msg("The consent only starts on {day}.", day=wording.long_date(record.valid_from))
            )
        elif not record.has_proof:
            problems.append(N_("The consent has no proof attached yet."))
        elif record.is_minor and not record.guardian:
            problems.append(N_("A minor's consent needs the legal guardian's signature."))
        elif media == "disability_mention" and not record.special_category:
            problems.append(
                N_(
                    "Mentioning a disability needs explicit consent to that "
                    "(special-category data)."
                )
            )
        else:
            return Decision(True, msg("Allowed by consent #{id}.", id=record.id), record.id)
    # Withdrawal outranks every other reason: it is what the person asked for last.
    withdrawn = [p for p in problems if p.startswith("The consent was withdrawn")]
    return Decision(False, (withdrawn or problems)[0])


def overall_status(
    terms: Iterable[ConsentTerms],
    on: date,
    warning_days: int,
    scope: tuple[str, str, str] | None = None,
) -> ConsentStatus:
    """One status for a person (or one scope): the best of their records."""
    records = [t for t in terms if scope is None or t.covers(*scope)]
    return best_status(t.status_on(on, warning_days) for t in records)


def best_status(statuses: Iterable[ConsentStatus]) -> ConsentStatus:
    """The status that speaks for a person: valid beats everything, withdrawal beats expiry."""
    present = set(statuses)
    order = (
        ConsentStatus.VALID,
        ConsentStatus.EXPIRING_SOON,
        ConsentStatus.WITHDRAWN,
        ConsentStatus.EXPIRED,
    )
    return next((status for status in order if status in present), ConsentStatus.NONE)


# The same rule as ConsentTerms.status_on and best_status, in SQL, for lists of thousands of people:
# each record gets a rank (1 valid … 5 none) and a person's status is their best (lowest) rank.
STATUS_RANKS = {
    1: ConsentStatus.VALID,
    2: ConsentStatus.EXPIRING_SOON,
    3: ConsentStatus.WITHDRAWN,
    4: ConsentStatus.EXPIRED,
    5: ConsentStatus.NONE,
}


def status_rank_by_person(on: date, warning_days: int) -> Subquery:
    """A subquery (role_model_id, rank) giving each person's best consent status on a day."""
    record_rank = case(
        (and_(ConsentRecord.withdrawn_on.is_not(None), ConsentRecord.withdrawn_on <= on), 3),
        (and_(ConsentRecord.expires_on.is_not(None), ConsentRecord.expires_on < on), 4),
        (
            or_(
                ConsentRecord.valid_from > on,
                ConsentRecord.proof_key.is_(None),
                and_(ConsentRecord.is_minor, ConsentRecord.guardian == ""),
            ),
            5,
        ),
        (
            and_(
                ConsentRecord.expires_on.is_not(None),
                ConsentRecord.expires_on <= on + timedelta(days=warning_days),
            ),
            2,
        ),
        else_=1,
    )
    return (
        select(ConsentRecord.role_model_id, func.min(record_rank).label("rank"))
        .group_by(ConsentRecord.role_model_id)
        .subquery()
    )


def status_from_rank(rank: int | None) -> ConsentStatus:
    """The status named by a rank from status_rank_by_person (no record: none)."""
    return STATUS_RANKS[rank or 5]


def terms_of(record: ConsentRecord) -> ConsentTerms:
    """The rule's view of a stored consent record."""
    return ConsentTerms(
        id=record.id,
        channels=frozenset(record.channels),
        uses=frozenset(record.uses),
        media=frozenset(record.media),
        valid_from=record.valid_from,
        expires_on=record.expires_on,
        withdrawn_on=record.withdrawn_on,
        special_category=record.special_category,
        has_proof=record.proof_key is not None,
        is_minor=record.is_minor,
        guardian=record.guardian,
    )


def load_terms(
    session: Session, role_model_ids: Sequence[int] | None = None
) -> dict[int, list[ConsentTerms]]:
    """Consent terms per person (everyone when no ids are given)."""
    query = select(ConsentRecord)
    if role_model_ids is not None:
        query = query.where(ConsentRecord.role_model_id.in_(role_model_ids))
    grouped: dict[int, list[ConsentTerms]] = {}
    for record in session.scalars(query):
        grouped.setdefault(record.role_model_id, []).append(terms_of(record))
    return grouped


def may_use(
    db: Engine, role_model_id: int, media: str, channel: str, use: str, on: date
) -> Decision:
    """The consent rule asked of the database: scheduling, rendering and the home page call this."""
    with read_only(db) as session:
        person = session.get(RoleModel, role_model_id)
        if person is None:
            return Decision(False, N_("This person is no longer in the catalogue."))
        if person.archived_at is not None:
            return Decision(False, msg("{name} is archived.", name=person.full_name))
        terms = load_terms(session, [role_model_id]).get(role_model_id, [])
    return decide(terms, media, channel, use, on)


@dataclass(frozen=True, slots=True)
class ConsentInput:
    """A consent record as typed in the form or read from a file."""

    channels: tuple[str, ...]
    uses: tuple[str, ...]
    media: tuple[str, ...]
    signed_on: date
    valid_from: date
    expires_on: date | None
    text_version: str
    collected_by: str
    method: str
    special_category: bool = False
    special_category_wording: str = ""
    is_minor: bool = False
    guardian: str = ""


@dataclass(frozen=True, slots=True)
class Proof:
    """An uploaded proof file (signed form, e-mail, scan)."""

    filename: str
    data: bytes


@dataclass(frozen=True, slots=True)
class ConsentView:
    """A consent record as shown on a person's Consent tab."""

    id: int
    channels: tuple[str, ...]
    uses: tuple[str, ...]
    media: tuple[str, ...]
    signed_on: date
    valid_from: date
    expires_on: date | None
    text_version: str
    collected_by: str
    method: str
    special_category: bool
    is_minor: bool
    status: ConsentStatus
    withdrawn_on: date | None
    withdrawal_channel: str
    has_proof: bool
    proof_filename: str
    proof_sha256: str | None


def validate_consent(data: ConsentInput) -> dict[str, str]:
    """Field-by-field problems with a consent record (empty when it is fine)."""
    problems: dict[str, str] = {}
    # One whole sentence per list, so that each reads naturally once translated.
    for name, chosen, allowed, missing, unknown_ones in (
        (
            "channels",
            data.channels,
            CHANNELS,
            N_("Choose at least one of the channels the person agreed to."),
            N_("Unknown channels: {values}."),
        ),
        (
            "uses",
            data.uses,
            USES,
            N_("Choose at least one of the uses the person agreed to."),
            N_("Unknown uses: {values}."),
        ),
        (
            "media",
            data.media,
            MEDIA,
            N_("Choose at least one of the media the person agreed to."),
            N_("Unknown media: {values}."),
        ),
    ):
        if not chosen:
            problems[name] = missing
        elif unknown := [c for c in chosen if c not in allowed]:
            # The template is marked above; Msg keeps it so the page can translate it.
            problems[name] = Msg(unknown_ones, values=", ".join(unknown))
    if data.valid_from < data.signed_on:
        problems["valid_from"] = N_("A consent cannot start before the day it was signed.")
    if data.expires_on is not None and data.expires_on <= data.valid_from:
        problems["expires_on"] = N_("The end date must come after the start date.")
    if not data.text_version.strip():
        problems["text_version"] = N_("Say which version of the consent text the person agreed to.")
    if not data.collected_by.strip():
        problems["collected_by"] = N_("Say who collected the consent.")
    if data.method not in METHODS:
        problems["method"] = msg(
            "Choose how the consent was collected: {methods}.", methods=", ".join(METHODS)
        )
    if "disability_mention" in data.media and not data.special_category:
        problems["special_category"] = N_(
            "Mentioning a disability needs the explicit special-category consent ticked, "
            "with the wording the person saw."
        )
    if data.special_category and not data.special_category_wording.strip():
        problems["special_category_wording"] = N_("Copy the exact wording of the explicit consent.")
    if data.is_minor and not data.guardian.strip():
        problems["guardian"] = N_(
            "A minor's consent needs the name of the legal guardian who signed."
        )
    return problems


def check_proof(proof: Proof) -> str:
    """The content type of a proof file, or a sentence saying why it is refused."""
    if not proof.data:
        raise InvalidInput(N_("The proof file is empty."))
    if len(proof.data) > MAX_PROOF_BYTES:
        raise InvalidInput(
            msg(
                "The proof file is {size:.0f} MB; the limit is {limit} MB.",
                size=len(proof.data) / 1024 / 1024,
                limit=MAX_PROOF_BYTES // 1024 // 1024,
            )
        )
    for content_type, magic in PROOF_TYPES.items():
        if proof.data.startswith(magic):
            return content_type
    raise InvalidInput(
        N_("The proof must be a PDF, a JPEG or a PNG (a scan or a photo of the form).")
    )


def record_consent(
    db: Engine,
    store: MediaStore,
    actor: Actor,
    role_model_id: int,
    data: ConsentInput,
    proof: Proof | None,
) -> int:
    """Add a consent record with its proof; without proof it stays a draft that allows nothing."""
    require(actor, Permission.EDIT_CONTENT)
    problems = validate_consent(data)
    if problems:
        raise InvalidFields(problems)
    content_type = check_proof(proof) if proof is not None else ""
    with transaction(db) as session:
        if session.get(RoleModel, role_model_id) is None:
            raise NotFound(N_("This person is no longer in the catalogue."))
        record = ConsentRecord(
            role_model_id=role_model_id,
            channels=list(data.channels),
            uses=list(data.uses),
            media=list(data.media),
            signed_on=data.signed_on,
            valid_from=data.valid_from,
            expires_on=data.expires_on,
            text_version=data.text_version.strip(),
            special_category=data.special_category,
            special_category_wording=data.special_category_wording.strip(),
            collected_by=data.collected_by.strip(),
            method=data.method,
            is_minor=data.is_minor,
            guardian=data.guardian.strip(),
        )
        session.add(record)
        session.flush()
        if proof is not None:
            _store_proof(store, record, proof, content_type)
        audit.record(
            session,
            actor,
            "record_consent",
            "consent",
            record.id,
            {
                "role_model_id": role_model_id,
                "channels": record.channels,
                "uses": record.uses,
                "media": record.media,
                "expires_on": str(data.expires_on or ""),
                "proof": record.proof_sha256,
            },
        )
        return record.id


def _store_proof(store: MediaStore, record: ConsentRecord, proof: Proof, content_type: str) -> None:
    # Called inside the record's transaction: if the store fails, the record is rolled back.
    suffix = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[content_type]
    key = f"consents/{record.role_model_id}/{record.id}/proof.{suffix}"
    stored = store.put_bytes(key, proof.data, content_type)
    record.proof_key = stored.key
    record.proof_sha256 = stored.sha256
    record.proof_filename = PurePath(proof.filename).name[:255]
    record.proof_content_type = content_type


def attach_proof(
    db: Engine, store: MediaStore, actor: Actor, consent_id: int, proof: Proof
) -> None:
    """Attach the proof to a draft consent, which makes it count."""
    require(actor, Permission.EDIT_CONTENT)
    content_type = check_proof(proof)
    with transaction(db) as session:
        record = session.get(ConsentRecord, consent_id)
        if record is None:
            raise NotFound(N_("This consent record does not exist any more."))
        _store_proof(store, record, proof, content_type)
        audit.record(
            session, actor, "attach_proof", "consent", record.id, {"proof": record.proof_sha256}
        )


def consents_of(
    db: Engine, actor: Actor, role_model_id: int, on: date, warning_days: int
) -> list[ConsentView]:
    """A person's consent records, newest first, each with its status on a day."""
    require(actor, Permission.EDIT_CONTENT)
    with read_only(db) as session:
        records = session.scalars(
            select(ConsentRecord)
            .where(ConsentRecord.role_model_id == role_model_id)
            .order_by(ConsentRecord.signed_on.desc(), ConsentRecord.id.desc())
        ).all()
        return [
            ConsentView(
                id=r.id,
                channels=tuple(r.channels),
                uses=tuple(r.uses),
                media=tuple(r.media),
                signed_on=r.signed_on,
                valid_from=r.valid_from,
                expires_on=r.expires_on,
                text_version=r.text_version,
                collected_by=r.collected_by,
                method=r.method,
                special_category=r.special_category,
                is_minor=r.is_minor,
                status=terms_of(r).status_on(on, warning_days),
                withdrawn_on=r.withdrawn_on,
                withdrawal_channel=r.withdrawal_channel,
                has_proof=r.proof_key is not None,
                proof_filename=r.proof_filename,
                proof_sha256=r.proof_sha256,
            )
            for r in records
        ]


def read_proof(
    db: Engine, store: MediaStore, actor: Actor, consent_id: int
) -> tuple[str, str, bytes]:
    """The proof file (name, content type, bytes), for privacy officers and administrators."""
    require(actor, Permission.VIEW_SENSITIVE)
    with transaction(db) as session:
        record = session.get(ConsentRecord, consent_id)
        if record is None or record.proof_key is None:
            raise NotFound(N_("This consent has no proof on file."))
        data = store.read_bytes(record.proof_key)
        if hashlib.sha256(data).hexdigest() != record.proof_sha256:
            raise InvalidInput(
                N_(
                    "The stored proof no longer matches its fingerprint (SHA-256); "
                    "tell the privacy officer before using it."
                )
            )
        audit.record(session, actor, "read_proof", "consent", record.id)
        return record.proof_filename or "proof", record.proof_content_type, data


@dataclass(frozen=True, slots=True)
class WithdrawalResult:
    """What one withdrawal changed, everywhere."""

    consents_withdrawn: int
    media_flagged: int
    takedowns_listed: int
    posts_blocked: int = 0
    takedown_descriptions: list[str] = field(default_factory=list)

    def sentence(self) -> str:
        """A one-line summary for the person who recorded the withdrawal."""
        return msg(
            "Consent withdrawn: {consents} consent record(s) closed, "
            "{media} media file(s) marked do-not-use, "
            "{posts} planned post(s) blocked, "
            "{takedowns} takedown task(s) listed.",
            consents=self.consents_withdrawn,
            media=self.media_flagged,
            posts=self.posts_blocked,
            takedowns=self.takedowns_listed,
        )


def withdraw_consent(
    db: Engine,
    actor: Actor,
    role_model_id: int,
    requested_on: date,
    request_channel: str,
    note: str = "",
) -> WithdrawalResult:
    """Withdraw every consent of a person in one transaction: media, posts and takedowns follow."""
    require(actor, Permission.EDIT_CONTENT)
    if not request_channel.strip():
        raise InvalidInput(N_("Say how the person asked to withdraw (e-mail, phone, in person…)."))
    with transaction(db) as session:
        person = session.get(RoleModel, role_model_id)
        if person is None:
            raise NotFound(N_("This person is no longer in the catalogue."))
        open_records = session.scalars(
            select(ConsentRecord).where(
                ConsentRecord.role_model_id == role_model_id, ConsentRecord.withdrawn_on.is_(None)
            )
        ).all()
        for record in open_records:
            record.withdrawn_on = requested_on
            record.withdrawal_channel = request_channel.strip()
            record.withdrawal_note = note.strip()
        reason = msg(
            "Consent withdrawn on {day} ({how}).",
            day=wording.long_date(requested_on),
            how=request_channel.strip(),
        )
        assets = session.scalars(
            select(MediaAsset).where(
                MediaAsset.role_model_id == role_model_id, MediaAsset.do_not_use.is_(False)
            )
        ).all()
        for asset in assets:
            asset.do_not_use = True
            asset.do_not_use_reason = reason
        portraits = session.scalars(
            select(Portrait)
            .join(PortraitPerson, PortraitPerson.portrait_id == Portrait.id)
            .where(PortraitPerson.role_model_id == role_model_id, Portrait.do_not_use.is_(False))
        ).all()
        for portrait in portraits:
            portrait.do_not_use = True
            portrait.do_not_use_reason = reason
        versions = session.scalars(
            select(PortraitVersion)
            .join(PortraitPerson, PortraitPerson.portrait_id == PortraitVersion.portrait_id)
            .where(
                PortraitPerson.role_model_id == role_model_id,
                PortraitVersion.do_not_use.is_(False),
            )
        ).all()
        for version in versions:
            version.do_not_use = True
            if version.status in ("queued", "rendering"):
                version.status = "cancelling" if version.status == "rendering" else "cancelled"
        posts = session.scalars(
            select(Post)
            .join(PostPerson, PostPerson.post_id == Post.id)
            .where(PostPerson.role_model_id == role_model_id)
        ).all()
        blocked = 0
        for post in posts:
            if post.status in ("draft", "in_review", "approved", "scheduled"):
                post.blocked_reasons = [
                    *post.blocked_reasons,
                    msg("{name}: {reason}", name=person.full_name, reason=reason),
                ]
                blocked += 1
        takedowns = _list_takedowns(session, person, [p for p in posts if p.status == "published"])
        result = WithdrawalResult(
            consents_withdrawn=len(open_records),
            posts_blocked=blocked,
            media_flagged=len(assets) + len(portraits) + len(versions),
            takedowns_listed=len(takedowns),
            takedown_descriptions=takedowns,
        )
        audit.record(
            session,
            actor,
            "withdraw_consent",
            "role_model",
            role_model_id,
            {
                "requested_on": str(requested_on),
                "request_channel": request_channel.strip(),
                "consents_withdrawn": result.consents_withdrawn,
                "media_flagged": result.media_flagged,
                "takedowns_listed": result.takedowns_listed,
                "posts_blocked": result.posts_blocked,
            },
        )
        return result


def _list_takedowns(session: Session, person: RoleModel, published: Sequence[Post]) -> list[str]:
    already = set(
        session.scalars(select(TakedownTask.url).where(TakedownTask.role_model_id == person.id))
    )
    descriptions: list[str] = []
    for post in published:
        if post.published_url in already:
            continue
        description = msg(
            "Take down post #{id} featuring {name} ({url}).",
            id=post.id,
            name=person.full_name,
            url=post.published_url,
        )
        session.add(
            TakedownTask(
                role_model_id=person.id, channel="", description=description, url=post.published_url
            )
        )
        already.add(post.published_url)
        descriptions.append(description)
    for appearance in session.scalars(
        select(Appearance)
        .where(Appearance.role_model_id == person.id)
        .order_by(Appearance.featured_on)
    ):
        if appearance.url and appearance.url in already:
            continue
        description = msg(
            "Take down “{title}” featuring {name} on {channel} (published {day}).",
            title=appearance.title or N_("post"),
            name=person.full_name,
            channel=CHANNEL_LABELS.get(appearance.channel, appearance.channel),
            day=wording.long_date(appearance.featured_on),
        )
        session.add(
            TakedownTask(
                role_model_id=person.id,
                channel=appearance.channel,
                description=description,
                url=appearance.url,
            )
        )
        descriptions.append(description)
    return descriptions


@dataclass(frozen=True, slots=True)
class Takedown:
    """A takedown still to do (or done)."""

    id: int
    role_model_id: int
    person: str
    channel: str
    description: str
    url: str
    done: bool


def open_takedowns(db: Engine, actor: Actor) -> list[Takedown]:
    """Takedown tasks not yet marked done, oldest first."""
    require(actor, Permission.EDIT_CONTENT)
    with read_only(db) as session:
        rows = session.execute(
            select(TakedownTask, RoleModel.full_name)
            .join(RoleModel, RoleModel.id == TakedownTask.role_model_id)
            .where(TakedownTask.done_at.is_(None))
            .order_by(TakedownTask.created_at, TakedownTask.id)
        ).all()
        return [
            Takedown(t.id, t.role_model_id, name, t.channel, t.description, t.url, False)
            for t, name in rows
        ]


def mark_takedown_done(db: Engine, actor: Actor, takedown_id: int) -> None:
    """Record that published content was taken down."""
    require(actor, Permission.EDIT_CONTENT)
    with transaction(db) as session:
        task = session.get(TakedownTask, takedown_id)
        if task is None:
            raise NotFound(N_("This takedown task does not exist any more."))
        task.done_at = utcnow()
        task.done_by = actor.email
        audit.record(session, actor, "takedown_done", "takedown", task.id)


@dataclass(frozen=True, slots=True)
class Renewal:
    """A consent that ends soon, with what is needed to ask for its renewal."""

    consent_id: int
    role_model_id: int
    person: str
    email: str
    phone: str
    expires_on: date
    channels: tuple[str, ...]
    message: str
    mailto: str


def renewal_message(name: str, expires_on: date, channels: Sequence[str], sender: str) -> str:
    """A ready-to-send, friendly request to renew a consent."""
    labels = [CHANNEL_LABELS.get(c, c) for c in channels]
    where = labels[0] if labels else ""
    for label in labels[1:]:
        where = msg("{first}, {second}", first=where, second=label)
    return msg(
        "Hello {name},\n\n"
        "Thank you again for sharing your story with us. The permission you gave us to feature "
        "you ({where}) ends on {day}.\n\n"
        "Would you like to renew it? If so, just reply to this e-mail and we will send you the "
        "form. If you prefer not to, that is completely fine: there are no consequences for your "
        "studies or your job, and we will stop using your portrait on that date.\n\n"
        "Best wishes,\n{sender}",
        name=name,
        where=where,
        day=wording.long_date(expires_on),
        sender=sender,
    )


RENEWAL_SUBJECT = N_("Renewing your permission to feature your story")


def renewal_mailto(email: str, subject: str, message: str) -> str:
    """A mailto: link that opens the renewal request, ready to send, in an e-mail program."""
    return f"mailto:{email}?subject={quote(subject)}&body={quote(message)}"


def expiring_consents(
    db: Engine,
    actor: Actor,
    on: date,
    warning_days: int,
    sender: str = N_("The communications team"),
) -> list[Renewal]:
    """Consents ending within the warning window, soonest first, with a renewal message."""
    require(actor, Permission.EDIT_CONTENT)
    with read_only(db) as session:
        rows = session.execute(
            select(ConsentRecord, RoleModel)
            .join(RoleModel, RoleModel.id == ConsentRecord.role_model_id)
            .where(
                ConsentRecord.withdrawn_on.is_(None),
                ConsentRecord.expires_on.is_not(None),
                ConsentRecord.expires_on >= on,
                ConsentRecord.expires_on <= on + timedelta(days=warning_days),
                RoleModel.archived_at.is_(None),
            )
            .order_by(ConsentRecord.expires_on, ConsentRecord.id)
        ).all()
        renewals: list[Renewal] = []
        for record, person in rows:
            if record.expires_on is None:  # excluded by the query; keeps the type checker informed
                continue
            name = person.preferred_name or person.full_name.split()[0]
            message = renewal_message(name, record.expires_on, record.channels, sender)
            subject = RENEWAL_SUBJECT
            mailto = renewal_mailto(person.email or "", subject, message)
            renewals.append(
                Renewal(
                    consent_id=record.id,
                    role_model_id=person.id,
                    person=person.full_name,
                    email=person.email or "",
                    phone=person.phone,
                    expires_on=record.expires_on,
                    channels=tuple(record.channels),
                    message=message,
                    mailto=mailto,
                )
            )
        return renewals


def overall_status_of_views(views: Sequence[ConsentView]) -> ConsentStatus:
    """One status for a person from their consent records as listed on the Consent tab."""
    return best_status(v.status for v in views)


@dataclass(frozen=True, slots=True)
class Withdrawal:
    """A person who withdrew consent recently."""

    role_model_id: int
    person: str
    withdrawn_on: date
    channel: str


def recent_withdrawals(db: Engine, actor: Actor, since: date) -> list[Withdrawal]:
    """People whose consent was withdrawn since a day, newest first."""
    require(actor, Permission.EDIT_CONTENT)
    with read_only(db) as session:
        rows = session.execute(
            select(
                RoleModel.id,
                RoleModel.full_name,
                func.max(ConsentRecord.withdrawn_on),
                func.max(ConsentRecord.withdrawal_channel),
            )
            .join(ConsentRecord, ConsentRecord.role_model_id == RoleModel.id)
            .where(ConsentRecord.withdrawn_on >= since)
            .group_by(RoleModel.id, RoleModel.full_name)
            .order_by(func.max(ConsentRecord.withdrawn_on).desc())
        ).all()
    return [Withdrawal(pid, name, day, channel) for pid, name, day, channel in rows]
