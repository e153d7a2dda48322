"""Data-subject rights: everything held on a person as a zip, their erasure, media retention."""

from __future__ import annotations

import argparse
import hashlib
import html
import io
import json
import logging
import os
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path, PurePath
from typing import Any

from sqlalchemy import ColumnElement, Engine, and_, delete, false, inspect, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from campaigns import audit, wording
from campaigns.auth import SYSTEM, Actor, Permission, require
from campaigns.config import Settings
from campaigns.consent import MEDIA
from campaigns.db import ensure_schema_current, make_engine, read_only, transaction, utcnow
from campaigns.errors import InvalidInput, NotFound, SpotlightError, StorageError
from campaigns.i18n import N_, Msg, msg
from campaigns.models import (
    Appearance,
    AuditEvent,
    Campaign,
    ChannelAccount,
    ConsentRecord,
    MediaAsset,
    Portrait,
    PortraitPerson,
    PortraitVersion,
    Post,
    PostPerson,
    Quote,
    RoleModel,
    RoleModelLabel,
    TakedownTask,
)
from campaigns.storage import MediaStore, open_store

log = logging.getLogger(__name__)

ERASURE_REASON = N_("A featured person asked for erasure.")
SHARED_PORTRAIT_REASON = N_(
    "Someone featured in this portrait asked for erasure: re-edit it without them before any use."
)
RETENTION_REASON = N_("Its video or photo was deleted at the end of the retention period.")
# The erasure report counts things in sentences the privacy officer reads on the page: one
# template per number, so that each language writes its own plural.
_COUNTED = {
    "file": (N_("{count} file"), N_("{count} files")),
    "left-over file": (N_("{count} left-over file"), N_("{count} left-over files")),
    "consent record": (N_("{count} consent record"), N_("{count} consent records")),
    "photo": (N_("{count} photo"), N_("{count} photos")),
    "portrait": (N_("{count} portrait"), N_("{count} portraits")),
    "version": (N_("{count} version"), N_("{count} versions")),
    "planned post": (N_("{count} planned post"), N_("{count} planned posts")),
    "published post": (N_("{count} published post"), N_("{count} published posts")),
}
_PLANNED_WORDS = {
    "draft": N_("draft"),
    "in_review": N_("in review"),
    "approved": N_("approved"),
    "scheduled": N_("scheduled"),
}
PLANNED = ("draft", "in_review", "approved", "scheduled")
# Files are deleted only after the commit. The audit trail remembers which are still to go:
# a "pending" line is written in the same transaction as the deletion of the rows, and a
# "deleted" line once the store has removed them, so a failure (or a crash) is retried later.
FILES_PENDING = "files_pending_deletion"
FILES_DELETED = "pending_files_deleted"
ERASE_ACTION = "erase_person"


# --- What is held on one person -----------------------------------------------------------


@dataclass(slots=True)
class _Holdings:
    """Every row about one person, loaded in one session."""

    person: RoleModel
    labels: list[RoleModelLabel]
    quotes: list[Quote]
    consents: list[ConsentRecord]
    assets: list[MediaAsset]
    portraits: list[Portrait]
    people_in: dict[int, set[int]]
    versions: list[PortraitVersion]
    posts: list[Post]
    appearances: list[Appearance]
    takedowns: list[TakedownTask]

    def alone_in(self, portrait: Portrait) -> bool:
        """True when the person is the only one featured in the portrait."""
        return self.people_in.get(portrait.id, set()) <= {self.person.id}


def _load_holdings(session: Session, person_id: int) -> _Holdings | None:
    person = session.get(RoleModel, person_id)
    if person is None:
        return None

    def owned(model: Any) -> list[Any]:
        return list(
            session.scalars(
                select(model).where(model.role_model_id == person_id).order_by(*_order_of(model))
            )
        )

    asset_filter = MediaAsset.role_model_id == person_id
    if person.photo_id is not None:
        asset_filter = or_(asset_filter, MediaAsset.id == person.photo_id)
    assets = list(session.scalars(select(MediaAsset).where(asset_filter).order_by(MediaAsset.id)))
    portraits = list(
        session.scalars(
            select(Portrait)
            .join(PortraitPerson, PortraitPerson.portrait_id == Portrait.id)
            .where(PortraitPerson.role_model_id == person_id)
            .order_by(Portrait.id)
        )
    )
    portrait_ids = [p.id for p in portraits]
    people_in: dict[int, set[int]] = {}
    for portrait_id, featured in session.execute(
        select(PortraitPerson.portrait_id, PortraitPerson.role_model_id).where(
            PortraitPerson.portrait_id.in_(portrait_ids)
        )
    ):
        people_in.setdefault(portrait_id, set()).add(featured)
    versions = list(
        session.scalars(
            select(PortraitVersion)
            .where(PortraitVersion.portrait_id.in_(portrait_ids))
            .order_by(PortraitVersion.id)
        )
    )
    # A post concerns the person when it features them or shows one of their photos or videos.
    concerns = [
        Post.id.in_(select(PostPerson.post_id).where(PostPerson.role_model_id == person_id)),
        Post.portrait_version_id.in_([v.id for v in versions]),
        Post.photo_id.in_([a.id for a in assets]),
    ]
    posts = list(session.scalars(select(Post).where(or_(*concerns)).order_by(Post.id)))
    return _Holdings(
        person=person,
        labels=owned(RoleModelLabel),
        quotes=owned(Quote),
        consents=owned(ConsentRecord),
        assets=assets,
        portraits=portraits,
        people_in=people_in,
        versions=versions,
        posts=posts,
        appearances=owned(Appearance),
        takedowns=owned(TakedownTask),
    )


def _order_of(model: Any) -> tuple[Any, ...]:
    if model is RoleModelLabel:
        return (RoleModelLabel.kind, RoleModelLabel.value)
    if model is Appearance:
        return (Appearance.featured_on, Appearance.id)
    return (model.id,)


def _audit_about(groups: Mapping[str, Iterable[int]]) -> ColumnElement[bool]:
    """Audit lines whose entity is one of the given (type → ids)."""
    conditions = [
        and_(AuditEvent.entity_type == kind, AuditEvent.entity_id.in_([str(i) for i in ids]))
        for kind, ids in groups.items()
    ]
    return or_(false(), *conditions)


def _audit_groups(held: _Holdings, portraits: Sequence[Portrait]) -> dict[str, list[int]]:
    portrait_ids = {p.id for p in portraits}
    return {
        "role_model": [held.person.id],
        "consent": [c.id for c in held.consents],
        "quote": [q.id for q in held.quotes],
        "media_asset": [a.id for a in held.assets],
        "takedown": [t.id for t in held.takedowns],
        "portrait": sorted(portrait_ids),
        "portrait_version": [v.id for v in held.versions if v.portrait_id in portrait_ids],
    }


def _files_of_asset(asset: MediaAsset) -> list[str]:
    keys = [asset.key] if asset.key else []
    return keys + [str(k) for k in (asset.variants or {}).values() if k]


def _files_of_portrait(portrait: Portrait) -> list[str]:
    return [k for k in (portrait.source_key, portrait.captions_key) if k]


def _files_of_version(version: PortraitVersion) -> list[str]:
    return [k for k in (version.output_key, version.cover_key, version.captions_key) if k]


def _unique(keys: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(keys))


# --- Access and portability ----------------------------------------------------------------


def _row(obj: Any, *, leave_out: Sequence[str] = ()) -> dict[str, Any]:
    """Every column of a stored row, by name."""
    return {
        attr.key: getattr(obj, attr.key)
        for attr in inspect(obj).mapper.column_attrs
        if attr.key not in leave_out
    }


def _json_value(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} cannot be written as JSON")


def _json(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, default=_json_value).encode("utf-8")


@dataclass(frozen=True, slots=True)
class ExportSection:
    """One part of a person's export: its file in the zip and how many items it holds."""

    title: str
    file: str
    count: int
    unit: str


@dataclass(frozen=True, slots=True)
class PersonExport:
    """A person's export (the zip's bytes) and what it holds."""

    data: bytes
    sections: tuple[ExportSection, ...]
    missing_files: tuple[str, ...]

    def counts(self) -> dict[str, int]:
        """How many items each section holds, by file name."""
        return {section.file: section.count for section in self.sections}


def export_person(db: Engine, store: MediaStore, actor: Actor, person_id: int) -> bytes:
    """A zip with everything held on a person (profile, consents, media, posts, audit, summary)."""
    return build_export(db, store, actor, person_id).data


def build_export(db: Engine, store: MediaStore, actor: Actor, person_id: int) -> PersonExport:
    """The person's export with the counts of each section, for the officer's confirmation."""
    require(actor, Permission.HANDLE_DATA_REQUESTS)
    buffer = io.BytesIO()
    with read_only(db) as session, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        held = _load_holdings(session, person_id)
        if held is None:
            raise NotFound(N_("This person is no longer in the catalogue."))
        writer = _ExportWriter(archive, store)
        profile = _profile_section(held)
        consents = [_consent_entry(writer, record) for record in held.consents]
        media = _media_section(writer, held)
        posts = _posts_section(session, held)
        appearances = [_row(a, leave_out=("role_model_id",)) for a in held.appearances]
        takedowns = [_row(t, leave_out=("role_model_id",)) for t in held.takedowns]
        events = session.scalars(
            select(AuditEvent)
            .where(_audit_about(_audit_groups(held, held.portraits)))
            .order_by(AuditEvent.at, AuditEvent.id)
        ).all()
        trail = [_row(e, leave_out=("id", "actor_id")) for e in events]
        proofs = sum(1 for c in consents if c["proof_file"])
        sections = (
            ExportSection("Profile", "profile.json", 1, "person"),
            ExportSection("Consents", "consents.json", len(consents), "consent record"),
            ExportSection("Consent proofs", "consents/", proofs, "file"),
            ExportSection("Photos and videos", "media.json", media["count"], "item"),
            ExportSection("Media files", "media/", writer.media_files, "file"),
            ExportSection("Posts", "posts.json", len(posts), "post"),
            ExportSection("Appearances", "appearances.json", len(appearances), "appearance"),
            ExportSection("Take-down tasks", "takedowns.json", len(takedowns), "task"),
            ExportSection("Audit trail", "audit.json", len(trail), "entry"),
        )
        for name, content in (
            ("profile.json", profile),
            ("consents.json", consents),
            ("media.json", media["items"]),
            ("posts.json", posts),
            ("appearances.json", appearances),
            ("takedowns.json", takedowns),
            ("audit.json", trail),
        ):
            archive.writestr(name, _json(content))
        summary = _summary_html(
            held, sections, profile, consents, media["items"], posts, appearances, trail, writer
        )
        archive.writestr("summary.html", summary.encode("utf-8"))
    export = PersonExport(buffer.getvalue(), sections, tuple(writer.missing))
    with transaction(db) as session:
        audit.record(
            session,
            actor,
            "export_person",
            "role_model",
            person_id,
            {"files": writer.media_files + proofs, "bytes": len(export.data)},
            summary="Data-subject export.",
        )
    return export


class _ExportWriter:
    """Copies stored files into the zip, noting those the store no longer has."""

    def __init__(self, archive: zipfile.ZipFile, store: MediaStore) -> None:
        self.archive = archive
        self.store = store
        self.missing: list[str] = []
        self.media_files = 0
        self.written: set[str] = set()

    def copy(self, key: str, path: str) -> bytes | None:
        """Put the stored file in the zip under path; None when the store has lost it."""
        try:
            data = self.store.read_bytes(key)
        except NotFound:
            log.warning("Exporting a person: the stored file %s is missing", key)
            self.missing.append(key)
            return None
        # Photos, videos and PDFs are compressed already: storing them is as small and faster.
        self.archive.writestr(path, data, compress_type=zipfile.ZIP_STORED)
        self.written.add(path)
        return data

    def media(self, keys: Iterable[str]) -> list[str]:
        """Copy media files to media/<key>; the paths of those copied."""
        paths: list[str] = []
        for key in keys:
            path = f"media/{key}"
            if path in self.written:  # a file two rows point to goes in once
                paths.append(path)
            elif self.copy(key, path) is not None:
                paths.append(path)
                self.media_files += 1
        return paths


def _profile_section(held: _Holdings) -> dict[str, Any]:
    profile = _row(held.person)
    labels: dict[str, list[str]] = {}
    for label in held.labels:
        labels.setdefault(label.kind, []).append(label.value)
    for kind, name in (
        ("category", "categories"),
        ("programme", "programmes"),
        ("barrier", "barriers"),
        ("tag", "tags"),
        ("language", "languages"),
    ):
        profile[name] = labels.get(kind, [])
    profile["quotes"] = [_row(q, leave_out=("role_model_id",)) for q in held.quotes]
    return profile


def _consent_entry(writer: _ExportWriter, record: ConsentRecord) -> dict[str, Any]:
    entry = _row(record, leave_out=("role_model_id", "proof_key"))
    entry["proof_file"] = None
    entry["proof_matches_fingerprint"] = None
    if record.proof_key:
        path = f"consents/{record.id}/proof{PurePath(record.proof_key).suffix}"
        data = writer.copy(record.proof_key, path)
        if data is not None:
            entry["proof_file"] = path
            entry["proof_matches_fingerprint"] = (
                hashlib.sha256(data).hexdigest() == record.proof_sha256
            )
    return entry


def _media_section(writer: _ExportWriter, held: _Holdings) -> dict[str, Any]:
    items: list[dict[str, Any]] = []
    for asset in held.assets:
        entry = _row(asset, leave_out=("role_model_id", "key", "variants"))
        entry["type"] = asset.kind
        entry["files"] = writer.media(_unique(_files_of_asset(asset)))
        items.append(entry)
    for portrait in held.portraits:
        entry = _row(portrait, leave_out=("source_key", "captions_key"))
        entry["type"] = "video portrait"
        entry["also_features_other_people"] = not held.alone_in(portrait)
        entry["files"] = writer.media(_files_of_portrait(portrait))
        entry["versions"] = [
            {
                **_row(v, leave_out=("output_key", "cover_key", "captions_key", "log")),
                "files": writer.media(_files_of_version(v)),
            }
            for v in held.versions
            if v.portrait_id == portrait.id
        ]
        items.append(entry)
    return {"items": items, "count": len(items)}


def _posts_section(session: Session, held: _Holdings) -> list[dict[str, Any]]:
    account_ids = {p.account_id for p in held.posts}
    campaign_ids = {p.campaign_id for p in held.posts}
    accounts = {
        a.id: a
        for a in session.scalars(select(ChannelAccount).where(ChannelAccount.id.in_(account_ids)))
    }
    campaigns = dict(
        session.execute(select(Campaign.id, Campaign.name).where(Campaign.id.in_(campaign_ids)))
        .tuples()
        .all()
    )
    entries: list[dict[str, Any]] = []
    for post in held.posts:
        account = accounts.get(post.account_id)
        entries.append(
            {
                "id": post.id,
                "campaign": campaigns.get(post.campaign_id, ""),
                "account": account.name if account else "",
                "network": account.network if account else "",
                "status": post.status,
                "scheduled_at": post.scheduled_at,
                "published_at": post.published_at,
                "url": post.published_url,
                "text": post.text,
                "hashtags": post.hashtags,
                "link": post.link,
                "alt_text": post.alt_text,
                "person_signoff_on": post.person_signoff_on,
                "person_signoff_how": post.person_signoff_how,
            }
        )
    return entries


def _text(value: object) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, datetime):
        return value.strftime("%d %B %Y %H:%M UTC")
    if isinstance(value, date):
        return value.strftime("%d %B %Y")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _count(n: int, noun: str) -> str:
    if noun.endswith("person"):
        plural = noun[: -len("person")] + "people"
    elif noun.endswith("y") and noun[-2:-1] not in "aeiou":
        plural = noun[:-1] + "ies"
    else:
        plural = noun + "s"
    return f"{n} {noun if n == 1 else plural}"


def _counted(n: int, noun: str) -> str:
    """Like _count, but translatable where it is shown: "1 file", "3 files"."""
    one, many = _COUNTED[noun]
    # The templates are marked in _COUNTED; Msg keeps the chosen one so a page can translate it.
    return Msg(one if n == 1 else many, count=n)


def _table(rows: Iterable[Sequence[object]], header: Sequence[str]) -> list[str]:
    e = html.escape
    lines = ["<table>", "<tr>" + "".join(f"<th>{e(h)}</th>" for h in header) + "</tr>"]
    lines += ["<tr>" + "".join(f"<td>{e(_text(c))}</td>" for c in row) + "</tr>" for row in rows]
    return [*lines, "</table>"]


def _summary_html(
    held: _Holdings,
    sections: Sequence[ExportSection],
    profile: dict[str, Any],
    consents: Sequence[dict[str, Any]],
    media: Sequence[dict[str, Any]],
    posts: Sequence[dict[str, Any]],
    appearances: Sequence[dict[str, Any]],
    trail: Sequence[dict[str, Any]],
    writer: _ExportWriter,
) -> str:
    e = html.escape
    name = held.person.full_name
    lines = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head><meta charset="utf-8">',
        f"<title>Personal data held on {e(name)}</title>",
        "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;line-height:1.4}"
        "table{border-collapse:collapse;margin-bottom:1.5rem}"
        "th,td{border:1px solid #999;padding:.25rem .5rem;text-align:left;vertical-align:top}"
        "</style></head>",
        "<body>",
        f"<h1>Personal data held on {e(name)}</h1>",
        f"<p>Exported by Spotlight on {e(_text(utcnow()))}. This archive holds everything the "
        "school's communications team keeps about this person: each section below is a file "
        "of the archive (JSON, readable by any program) and the files of the media themselves."
        "</p>",
        "<h2>Contents</h2>",
        *_table(
            ((s.title, s.file, _count(s.count, s.unit)) for s in sections),
            ("Section", "File", "Items"),
        ),
    ]
    if writer.missing:
        lines.append(
            f"<p>{_count(len(writer.missing), 'file')} could not be included: the media store no "
            "longer has them.</p>"
        )
    labels = ("categories", "programmes", "barriers", "tags", "languages", "quotes")
    lines += [
        "<h2>Profile</h2>",
        *_table(
            (
                (key.replace("_", " ").capitalize(), value)
                for key, value in profile.items()
                if key not in labels
            ),
            ("Field", "Value"),
        ),
        *_table(((key.capitalize(), profile[key]) for key in labels[:-1]), ("List", "Values")),
        f"<h3>Quotes ({len(profile['quotes'])})</h3>",
        *_table(
            ((q["text"], q["approved_on"], q["approved_how"]) for q in profile["quotes"]),
            ("Quote", "Approved on", "How"),
        ),
        f"<h2>Consents ({len(consents)})</h2>",
        *_table(
            (
                (
                    f"#{c['id']}",
                    c["signed_on"],
                    f"{_text(c['valid_from'])} to {_text(c['expires_on'])}",
                    f"{_text(c['media'])} on {_text(c['channels'])} for {_text(c['uses'])}",
                    c["withdrawn_on"],
                    c["proof_file"],
                )
                for c in consents
            ),
            ("Consent", "Signed on", "Valid", "Scope", "Withdrawn on", "Proof"),
        ),
        *(
            [
                "<p>A stored proof no longer matches the fingerprint (SHA-256) taken when it was "
                "filed: tell the privacy officer before relying on it.</p>"
            ]
            if any(c["proof_matches_fingerprint"] is False for c in consents)
            else []
        ),
        f"<h2>Photos and videos ({len(media)})</h2>",
        *_table(
            (
                (
                    m["type"],
                    m.get("title") or m.get("alt_text"),
                    "yes" if m.get("also_features_other_people") else "no",
                    len(m["files"]) + sum(len(v["files"]) for v in m.get("versions", [])),
                )
                for m in media
            ),
            ("Type", "Title or description", "Also features other people", "Files"),
        ),
    ]
    if any(m.get("also_features_other_people") for m in media):
        lines.append(
            "<p>Some videos also feature other people: check their rights before sending this "
            "archive (GDPR article 15(4)).</p>"
        )
    lines += [
        f"<h2>Posts ({len(posts)})</h2>",
        *_table(
            (
                (f"#{p['id']}", p["account"], p["status"], p["scheduled_at"], p["url"])
                for p in posts
            ),
            ("Post", "Account", "Status", "Planned for", "Address"),
        ),
        f"<h2>Appearances ({len(appearances)})</h2>",
        *_table(
            ((a["featured_on"], a["channel"], a["title"], a["url"]) for a in appearances),
            ("Date", "Channel", "Title", "Address"),
        ),
        f"<h2>Audit trail ({len(trail)})</h2>",
        *_table(
            (
                (event["at"], event["actor_email"], event["action"].replace("_", " "))
                for event in trail
            ),
            ("When", "Who", "What"),
        ),
        "</body>",
        "</html>",
    ]
    return "\n".join(lines) + "\n"


# --- Shared by erasure and retention ------------------------------------------------------


@contextmanager
def _unit(db: Engine, *, dry_run: bool) -> Iterator[Session]:
    """A write transaction; a dry run does the same work and then rolls it all back."""
    if not dry_run:
        with transaction(db) as session:
            yield session
        return
    with Session(bind=db.execution_options(sqlite_write=True), expire_on_commit=False) as session:
        session.begin()
        try:
            yield session
        finally:
            session.rollback()


_KEY_COLUMNS: tuple[InstrumentedAttribute[Any], ...] = (
    MediaAsset.key,
    ConsentRecord.proof_key,
    Portrait.source_key,
    Portrait.captions_key,
    PortraitVersion.output_key,
    PortraitVersion.cover_key,
    PortraitVersion.captions_key,
)


def _still_used(session: Session, keys: Sequence[str]) -> set[str]:
    """The keys a remaining row still points to: their files must stay."""
    wanted = sorted(set(keys))
    if not wanted:
        return set()
    used: set[str] = set()
    for column in _KEY_COLUMNS:
        used.update(k for k in session.scalars(select(column).where(column.in_(wanted))) if k)
    # Thumbnails are listed in a JSON column: look at the photos kept in the same folders.
    folders = {k.rpartition("/")[0] for k in wanted if "/" in k}
    if folders:
        near = or_(*(MediaAsset.key.startswith(f"{f}/", autoescape=True) for f in folders))
        for variants in session.scalars(select(MediaAsset.variants).where(near)):
            used.update(str(v) for v in (variants or {}).values() if v in wanted)
    return used


def _pending_files(session: Session) -> list[str]:
    """Files whose rows are gone but that the store has not confirmed deleting yet."""
    pending: dict[str, None] = {}
    for action, changes in session.execute(
        select(AuditEvent.action, AuditEvent.changes)
        .where(AuditEvent.action.in_((FILES_PENDING, FILES_DELETED)))
        .order_by(AuditEvent.id)
    ):
        for key in (changes or {}).get("files", []):
            if action == FILES_PENDING:
                pending[str(key)] = None
            else:
                pending.pop(str(key), None)
    return list(pending)


def _delete_pending_files(
    db: Engine, store: MediaStore, actor: Actor
) -> tuple[list[str], list[str]]:
    """Delete every pending file (after the commit); returns the deleted and the failed keys."""
    with read_only(db) as session:
        keys = _pending_files(session)
        used = _still_used(session, keys)
    deleted: list[str] = []
    failed: list[str] = []
    for key in keys:
        if key in used:  # a newer row reuses the key (SQLite may reuse ids): keep the file
            continue
        try:
            store.delete(key)
        except InvalidInput:  # not a key the store could ever have written: nothing to delete
            log.warning("Skipping %s: it is not a storage key", key)
        except SpotlightError as exc:
            log.warning("Could not delete %s from the media store: %s", key, exc)
            failed.append(key)
        else:
            deleted.append(key)
    settled = [k for k in keys if k not in failed]
    if settled:
        with transaction(db) as session:
            audit.record(
                session,
                actor,
                FILES_DELETED,
                "media_file",
                "store",
                {"files": settled, "kept": sorted(used)},
            )
    return deleted, failed


def _block_planned_post(post: Post, reason: str, *, back_to_review: bool) -> None:
    """Block a post still to go out, with the reason shown on it."""
    if reason not in post.blocked_reasons:
        post.blocked_reasons = [*post.blocked_reasons, reason]
    # The checks are re-run from the data later and cannot see an erased person: an approved
    # post goes back to review, so that nobody publishes it without looking at it again.
    if back_to_review and post.status in ("approved", "scheduled"):
        post.status = "in_review"


@dataclass(frozen=True, slots=True)
class AffectedPost:
    """A post that showed the person, as the privacy officer needs to see it."""

    id: int
    status: str
    account: str
    scheduled_at: datetime
    url: str

    def line(self) -> str:
        """One line describing the post."""
        if self.status == "published":
            url = self.url or N_("no address")
            if self.account:
                return msg(
                    "Post #{id} on {account} is published ({url}).",
                    id=self.id,
                    account=self.account,
                    url=url,
                )
            return msg("Post #{id} is published ({url}).", id=self.id, url=url)
        status = _PLANNED_WORDS.get(self.status, self.status.replace("_", " "))
        if self.account:
            return msg(
                "Post #{id} on {account}, {status}, planned for {day}.",
                id=self.id,
                account=self.account,
                status=status,
                day=wording.long_date(self.scheduled_at),
            )
        return msg(
            "Post #{id}, {status}, planned for {day}.",
            id=self.id,
            status=status,
            day=wording.long_date(self.scheduled_at),
        )


def _affected(post: Post, accounts: Mapping[int, str]) -> AffectedPost:
    return AffectedPost(
        post.id,
        post.status,
        accounts.get(post.account_id, ""),
        post.scheduled_at,
        post.published_url,
    )


def _account_names(session: Session, posts: Sequence[Post]) -> dict[int, str]:
    ids = {p.account_id for p in posts}
    return dict(
        session.execute(
            select(ChannelAccount.id, ChannelAccount.name).where(ChannelAccount.id.in_(ids))
        )
        .tuples()
        .all()
    )


# --- Erasure -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ErasureReport:
    """What an erasure deleted (or, in a dry run, would delete)."""

    person_id: int
    dry_run: bool
    already_erased: bool = False
    consents: int = 0
    quotes: int = 0
    photos: int = 0
    appearances: int = 0
    takedown_tasks: int = 0
    portraits_deleted: tuple[int, ...] = ()
    versions_deleted: int = 0
    portraits_unlinked: tuple[int, ...] = ()
    posts_blocked: tuple[AffectedPost, ...] = ()
    published_posts: tuple[AffectedPost, ...] = ()
    audit_entries_cleared: int = 0
    files: tuple[str, ...] = ()
    files_kept: tuple[str, ...] = ()
    files_retried: tuple[str, ...] = ()
    files_not_deleted: tuple[str, ...] = ()

    def sentence(self) -> str:
        """A one-line summary for the privacy officer."""
        text: str
        if self.already_erased:
            left = _counted(len(self.files_retried), "left-over file")
            if self.dry_run:
                return msg(
                    "Dry run: Person #{id} was already erased; {left} would be deleted again; "
                    "nothing was changed.",
                    id=self.person_id,
                    left=left,
                )
            text = msg(
                "Person #{id} was already erased; {left} deleted.", id=self.person_id, left=left
            )
        else:
            deleted = msg(
                "the profile, {consents}, {photos}, {portraits} with {versions} and {files}",
                consents=_counted(self.consents, "consent record"),
                photos=_counted(self.photos, "photo"),
                portraits=_counted(len(self.portraits_deleted), "portrait"),
                versions=_counted(self.versions_deleted, "version"),
                files=_counted(len(self.files), "file"),
            )
            also = msg("{posts} blocked", posts=_counted(len(self.posts_blocked), "planned post"))
            if self.portraits_unlinked:
                also = msg(
                    "{first}; {second}",
                    first=also,
                    second=msg(
                        "{portraits} featuring other people kept with only the link to this "
                        "person removed",
                        portraits=_counted(len(self.portraits_unlinked), "portrait"),
                    ),
                )
            if self.published_posts:
                also = msg(
                    "{first}; {second}",
                    first=also,
                    second=msg(
                        "{posts} to take down by hand",
                        posts=_counted(len(self.published_posts), "published post"),
                    ),
                )
            if self.dry_run:
                return msg(
                    "Dry run: erasing person #{id} would delete {deleted}; {also}; "
                    "nothing was changed.",
                    id=self.person_id,
                    deleted=deleted,
                    also=also,
                )
            text = msg(
                "Erased person #{id}: deleted {deleted}; {also}.",
                id=self.person_id,
                deleted=deleted,
                also=also,
            )
        if self.files_not_deleted:
            text = msg(
                "{summary} {files} could not be deleted; retry.",
                summary=text,
                files=_counted(len(self.files_not_deleted), "file"),
            )
        return text

    def lines(self) -> list[str]:
        """The details a privacy officer acts on: posts blocked, to take down, shared portraits."""
        lines: list[str] = []
        for p in self.posts_blocked:
            line = (
                msg("Would block: {post}", post=p.line())
                if self.dry_run
                else msg("Blocked: {post}", post=p.line())
            )
            if p.status in ("approved", "scheduled"):
                line = msg("{line} It goes back to review.", line=line)
            lines.append(line)
        lines += [msg("Take down: {post}", post=p.line()) for p in self.published_posts]
        lines += [
            msg(
                "Portrait #{id} also features other people: only the link was removed and it is "
                "marked do-not-use; its video may still show this person (re-edit or delete it).",
                id=pid,
            )
            for pid in self.portraits_unlinked
        ]
        if self.files_kept:
            lines.append(
                msg(
                    "{files} stay: other records still use them.",
                    files=_counted(len(self.files_kept), "file"),
                )
            )
        return lines

    def as_dict(self) -> dict[str, Any]:
        """The report as plain values, for --json."""
        return {
            "person_id": self.person_id,
            "dry_run": self.dry_run,
            "already_erased": self.already_erased,
            "consents": self.consents,
            "quotes": self.quotes,
            "photos": self.photos,
            "appearances": self.appearances,
            "takedown_tasks": self.takedown_tasks,
            "portraits_deleted": list(self.portraits_deleted),
            "versions_deleted": self.versions_deleted,
            "portraits_unlinked": list(self.portraits_unlinked),
            "posts_blocked": [p.id for p in self.posts_blocked],
            "published_posts": [{"id": p.id, "url": p.url} for p in self.published_posts],
            "audit_entries_cleared": self.audit_entries_cleared,
            "files": len(self.files),
            "files_kept": len(self.files_kept),
            "files_retried": len(self.files_retried),
            "files_not_deleted": len(self.files_not_deleted),
        }


def erase_person(
    db: Engine, store: MediaStore, actor: Actor, person_id: int, *, dry_run: bool = False
) -> ErasureReport:
    """Delete a person's data and files; only an audit stub without their name stays."""
    require(actor, Permission.HANDLE_DATA_REQUESTS)
    with _unit(db, dry_run=dry_run) as session:
        held = _load_holdings(session, person_id)
        if held is not None:
            report = _erase(session, actor, held, dry_run=dry_run)
        elif _was_erased(session, person_id):
            report = ErasureReport(person_id, dry_run, already_erased=True)
        else:
            raise NotFound(
                msg(
                    "There is nobody with the number {id} in the catalogue, "
                    "and no erasure of that number on record.",
                    id=person_id,
                )
            )
        if dry_run:
            return replace(report, files_retried=tuple(_pending_files(session)))
    deleted, failed = _delete_pending_files(db, store, actor)
    retried = tuple(k for k in deleted if k not in report.files)
    return replace(report, files_retried=retried, files_not_deleted=tuple(failed))


def _was_erased(session: Session, person_id: int) -> bool:
    return (
        session.scalar(
            select(AuditEvent.id).where(
                AuditEvent.action == ERASE_ACTION,
                AuditEvent.entity_type == "role_model",
                AuditEvent.entity_id == str(person_id),
            )
        )
        is not None
    )


def _erase(session: Session, actor: Actor, held: _Holdings, *, dry_run: bool) -> ErasureReport:
    person_id, name = held.person.id, held.person.full_name
    alone = [p for p in held.portraits if held.alone_in(p)]
    shared = [p for p in held.portraits if not held.alone_in(p)]
    alone_ids = sorted(p.id for p in alone)
    alone_versions = [v for v in held.versions if v.portrait_id in alone_ids]
    gone_versions = {v.id for v in alone_versions}
    asset_ids = sorted(a.id for a in held.assets)
    keys = _unique(
        [k for c in held.consents if c.proof_key for k in [c.proof_key]]
        + [k for a in held.assets for k in _files_of_asset(a)]
        + [k for p in alone for k in _files_of_portrait(p)]
        + [k for v in alone_versions for k in _files_of_version(v)]
    )
    # Audit lines about what disappears lose their content (it may hold the name, the e-mail,
    # the bio); who did what and when stays, as the trail must.
    scrubbed = session.scalars(
        select(AuditEvent).where(_audit_about(_audit_groups(held, alone)))
    ).all()
    for event in scrubbed:
        event.changes, event.summary = {}, ""

    accounts = _account_names(session, held.posts)
    blocked: list[AffectedPost] = []
    published: list[AffectedPost] = []
    for post in held.posts:
        # Reasons and warnings name the people featured; the post's own text is left as it is.
        post.blocked_reasons = [r for r in post.blocked_reasons if name not in r]
        post.warnings = [w for w in post.warnings if name not in w]
        if post.portrait_version_id in gone_versions:
            post.portrait_version_id = None
        if post.photo_id in asset_ids:
            post.photo_id = None
        affected = _affected(post, accounts)
        if post.status in PLANNED:
            _block_planned_post(post, ERASURE_REASON, back_to_review=True)
            blocked.append(affected)
        elif post.status == "published":
            published.append(affected)
    for portrait in shared:
        if not portrait.do_not_use:
            portrait.do_not_use, portrait.do_not_use_reason = True, SHARED_PORTRAIT_REASON
    for version in held.versions:
        if version.portrait_id not in alone_ids:
            version.do_not_use = True
    held.person.photo_id = None
    session.flush()

    session.execute(delete(PostPerson).where(PostPerson.role_model_id == person_id))
    session.execute(delete(PortraitVersion).where(PortraitVersion.portrait_id.in_(alone_ids)))
    session.execute(delete(PortraitPerson).where(PortraitPerson.role_model_id == person_id))
    session.execute(delete(Portrait).where(Portrait.id.in_(alone_ids)))
    session.execute(delete(MediaAsset).where(MediaAsset.id.in_(asset_ids)))
    for model in (ConsentRecord, Quote, RoleModelLabel, Appearance, TakedownTask):
        session.execute(delete(model).where(model.role_model_id == person_id))
    session.execute(delete(RoleModel).where(RoleModel.id == person_id))
    session.flush()

    kept = _still_used(session, keys)
    files = tuple(k for k in keys if k not in kept)
    report = ErasureReport(
        person_id=person_id,
        dry_run=dry_run,
        consents=len(held.consents),
        quotes=len(held.quotes),
        photos=len(held.assets),
        appearances=len(held.appearances),
        takedown_tasks=len(held.takedowns),
        portraits_deleted=tuple(alone_ids),
        versions_deleted=len(alone_versions),
        portraits_unlinked=tuple(p.id for p in shared),
        posts_blocked=tuple(blocked),
        published_posts=tuple(published),
        audit_entries_cleared=len(scrubbed),
        files=files,
        files_kept=tuple(k for k in keys if k in kept),
    )
    if not dry_run:
        _record_erasure(session, actor, report)
    return report


def _record_erasure(session: Session, actor: Actor, report: ErasureReport) -> None:
    # The stub says that someone was erased, never who: numbers and counts only.
    audit.record(
        session,
        actor,
        ERASE_ACTION,
        "role_model",
        report.person_id,
        {
            "consents": report.consents,
            "photos": report.photos,
            "portraits_deleted": list(report.portraits_deleted),
            "portraits_unlinked": list(report.portraits_unlinked),
            "posts_blocked": [p.id for p in report.posts_blocked],
            "published_posts_to_take_down": [p.id for p in report.published_posts],
            "files": len(report.files),
        },
        summary="Person erased at their request.",
    )
    if report.files:
        audit.record(
            session, actor, FILES_PENDING, "media_file", "store", {"files": list(report.files)}
        )


# --- Retention -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RetentionReport:
    """What the retention run purged (or, in a dry run, would purge)."""

    today: date
    days: int
    dry_run: bool
    people: int = 0
    photos: tuple[int, ...] = ()
    portraits: tuple[int, ...] = ()
    versions: int = 0
    portraits_kept: tuple[int, ...] = ()
    posts_blocked: tuple[AffectedPost, ...] = ()
    files: tuple[str, ...] = ()
    files_retried: tuple[str, ...] = ()
    files_not_deleted: tuple[str, ...] = ()

    def sentence(self) -> str:
        """A one-line summary for the person who ran it."""
        period = f"Retention ({_count(self.days, 'day')} after consent ends)"
        what = (
            f"{_count(len(self.photos), 'photo')}, {_count(len(self.portraits), 'portrait')} and "
            f"{_count(self.versions, 'version')} of {_count(self.people, 'person')} "
            f"({_count(len(self.files), 'file')})"
        )
        nothing = not (self.photos or self.portraits)
        if self.dry_run:
            verb = "nothing would be purged" if nothing else f"would purge {what}"
            text = f"Dry run: {period.lower()}: {verb}"
            if self.files_retried:
                text += f"; {_count(len(self.files_retried), 'left-over file')} would be deleted"
            return text + "; nothing was changed."
        text = f"{period}: {'nothing to purge' if nothing else f'purged {what}'}."
        if self.files_retried:
            text += f" {_count(len(self.files_retried), 'left-over file')} deleted."
        if self.files_not_deleted:
            text += f" {_count(len(self.files_not_deleted), 'file')} could not be deleted; retry."
        return text

    def lines(self) -> list[str]:
        """Portraits kept because someone else in them still consents, and posts blocked."""
        lines = [
            f"Portrait #{pid} kept: someone else featured in it still consents."
            for pid in self.portraits_kept
        ]
        block = "Would block" if self.dry_run else "Blocked"
        return lines + [f"{block}: {p.line()}" for p in self.posts_blocked]

    def as_dict(self) -> dict[str, Any]:
        """The report as plain values, for --json."""
        return {
            "today": self.today.isoformat(),
            "days": self.days,
            "dry_run": self.dry_run,
            "people": self.people,
            "photos": list(self.photos),
            "portraits": list(self.portraits),
            "versions": self.versions,
            "portraits_kept": list(self.portraits_kept),
            "posts_blocked": [p.id for p in self.posts_blocked],
            "files": len(self.files),
            "files_retried": len(self.files_retried),
            "files_not_deleted": len(self.files_not_deleted),
        }


@dataclass(frozen=True, slots=True)
class _Consent:
    media: frozenset[str]
    ended_on: date | None


def _ended_on(withdrawn_on: date | None, expires_on: date | None, today: date) -> date | None:
    """The day a consent stopped holding (withdrawal or expiry), or None while it holds."""
    ends = []
    if withdrawn_on is not None and withdrawn_on <= today:
        ends.append(withdrawn_on)
    if expires_on is not None and expires_on < today:
        ends.append(expires_on)
    return min(ends) if ends else None


def _purgeable(records: Sequence[_Consent], media: str, today: date, days: int) -> bool:
    """True when no consent that still holds covers the media and the last ended long enough ago."""
    # A consent that has not ended counts even as a draft or when it starts later: it may be a
    # renewal under way, which deleting the media would make pointless.
    if not records or any(r.ended_on is None and media in r.media for r in records):
        return False
    covering = [r.ended_on for r in records if r.ended_on is not None and media in r.media]
    ended = covering or [r.ended_on for r in records if r.ended_on is not None]
    return bool(ended) and (today - max(d for d in ended if d is not None)).days > days


def run_retention(
    db: Engine,
    store: MediaStore,
    actor: Actor,
    *,
    today: date,
    days: int,
    dry_run: bool = False,
) -> RetentionReport:
    """Purge photos and portraits of people whose consent ended more than `days` ago."""
    require(actor, Permission.HANDLE_DATA_REQUESTS)
    if days < 0:
        raise InvalidInput(N_("The retention period must be zero days or more."))
    with _unit(db, dry_run=dry_run) as session:
        report = _purge(session, today, days, dry_run=dry_run)
        if not dry_run and (report.photos or report.portraits):
            audit.record(
                session,
                actor,
                "retention_purge",
                "retention",
                today.isoformat(),
                {
                    "days": days,
                    "people": report.people,
                    "photos": list(report.photos),
                    "portraits": list(report.portraits),
                    "versions": report.versions,
                    "files": len(report.files),
                },
            )
            if report.files:
                audit.record(
                    session,
                    actor,
                    FILES_PENDING,
                    "media_file",
                    "store",
                    {"files": list(report.files)},
                )
        if dry_run:
            return replace(report, files_retried=tuple(_pending_files(session)))
    deleted, failed = _delete_pending_files(db, store, actor)
    retried = tuple(k for k in deleted if k not in report.files)
    return replace(report, files_retried=retried, files_not_deleted=tuple(failed))


def _purge(session: Session, today: date, days: int, *, dry_run: bool) -> RetentionReport:
    consents: dict[int, list[_Consent]] = {}
    for person_id, media, withdrawn_on, expires_on in session.execute(
        select(
            ConsentRecord.role_model_id,
            ConsentRecord.media,
            ConsentRecord.withdrawn_on,
            ConsentRecord.expires_on,
        )
    ):
        consents.setdefault(person_id, []).append(
            _Consent(frozenset(media or ()), _ended_on(withdrawn_on, expires_on, today))
        )

    def purgeable(person_id: int | None, media: str) -> bool:
        if person_id is None:
            return False
        return _purgeable(consents.get(person_id, []), media, today, days)

    photos = [
        a
        for a in session.scalars(
            select(MediaAsset)
            .where(MediaAsset.role_model_id.in_(list(consents)))
            .order_by(MediaAsset.id)
        )
        if purgeable(a.role_model_id, a.kind if a.kind in MEDIA else "photo")
    ]
    featured: dict[int, set[int]] = {}
    for portrait_id, person_id in session.execute(
        select(PortraitPerson.portrait_id, PortraitPerson.role_model_id)
    ):
        featured.setdefault(portrait_id, set()).add(person_id)
    portrait_ids: list[int] = []
    kept: list[int] = []
    for portrait_id, people in sorted(featured.items()):
        lapsed = {p for p in people if purgeable(p, "video")}
        if lapsed == people:
            portrait_ids.append(portrait_id)
        elif lapsed:
            kept.append(portrait_id)
    portraits = list(
        session.scalars(select(Portrait).where(Portrait.id.in_(portrait_ids)).order_by(Portrait.id))
    )
    versions = list(
        session.scalars(
            select(PortraitVersion)
            .where(PortraitVersion.portrait_id.in_(portrait_ids))
            .order_by(PortraitVersion.id)
        )
    )
    keys = _unique(
        [k for a in photos for k in _files_of_asset(a)]
        + [k for p in portraits for k in _files_of_portrait(p)]
        + [k for v in versions for k in _files_of_version(v)]
    )
    asset_ids = [a.id for a in photos]
    version_ids = [v.id for v in versions]
    posts = list(
        session.scalars(
            select(Post)
            .where(or_(Post.portrait_version_id.in_(version_ids), Post.photo_id.in_(asset_ids)))
            .order_by(Post.id)
        )
    )
    accounts = _account_names(session, posts)
    blocked: list[AffectedPost] = []
    for post in posts:
        if post.status in PLANNED:
            blocked.append(_affected(post, accounts))
            _block_planned_post(post, RETENTION_REASON, back_to_review=False)
        if post.portrait_version_id in version_ids:
            post.portrait_version_id = None
        if post.photo_id in asset_ids:
            post.photo_id = None
    session.execute(
        update(RoleModel).where(RoleModel.photo_id.in_(asset_ids)).values(photo_id=None)
    )
    session.flush()
    session.execute(delete(PortraitVersion).where(PortraitVersion.portrait_id.in_(portrait_ids)))
    session.execute(delete(PortraitPerson).where(PortraitPerson.portrait_id.in_(portrait_ids)))
    session.execute(delete(Portrait).where(Portrait.id.in_(portrait_ids)))
    session.execute(delete(MediaAsset).where(MediaAsset.id.in_(asset_ids)))
    session.flush()
    still = _still_used(session, keys)
    owners = {a.role_model_id for a in photos} | {p for pid in portrait_ids for p in featured[pid]}
    return RetentionReport(
        today=today,
        days=days,
        dry_run=dry_run,
        people=len(owners),
        photos=tuple(a.id for a in photos),
        portraits=tuple(portrait_ids),
        versions=len(versions),
        portraits_kept=tuple(kept),
        posts_blocked=tuple(blocked),
        files=tuple(k for k in keys if k not in still),
    )


# --- Command line --------------------------------------------------------------------------


def _engine(settings: Settings) -> Engine:
    engine = make_engine(settings.database_url)
    ensure_schema_current(engine)
    return engine


def _write_private(path: Path, data: bytes) -> None:
    """Write a file only its owner may read: it holds a person's data, health data included."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        path.chmod(0o600)
    except OSError as exc:
        raise InvalidInput(f"Spotlight cannot write {path} ({exc.strerror or exc}).") from None


def cli_person_export(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    """`person export ID FILE`: write everything held on a person to a zip file."""
    path = Path(args.file)
    if path.suffix.lower() != ".zip":
        raise InvalidInput("Name the export file .zip (for example person-12.zip).")
    export = build_export(_engine(settings), open_store(settings), SYSTEM, args.person_id)
    _write_private(path, export.data)
    missing = (
        f" {_count(len(export.missing_files), 'file')} could not be included: the media store "
        "no longer has them."
        if export.missing_files
        else ""
    )
    return {
        "message": f"Exported everything held on person #{args.person_id} to {path} "
        f"({len(export.data) / 1e6:.1f} MB).{missing}",
        "file": str(path),
        "bytes": len(export.data),
        **export.counts(),
        "missing_files": len(export.missing_files),
    }


def cli_person_erase(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    """`person erase ID [--dry-run]`: erase a person, or list what would go."""
    report = erase_person(
        _engine(settings), open_store(settings), SYSTEM, args.person_id, dry_run=args.dry_run
    )
    if report.files_not_deleted:
        raise StorageError(
            f"{report.sentence()[:-1]} (run `python -m campaigns person erase "
            f"{args.person_id}` again once the media store works)."
        )
    return {"message": "\n".join([*report.lines(), report.sentence()]), **report.as_dict()}


def cli_retention_run(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    """`retention run [--dry-run]`: purge media kept too long after consent ended."""
    days = int(getattr(settings, "media_retention_days", 90))
    today = datetime.now(settings.zone).date()
    report = run_retention(
        _engine(settings), open_store(settings), SYSTEM, today=today, days=days,
        dry_run=args.dry_run,
    )  # fmt: skip
    if report.files_not_deleted:
        raise StorageError(
            f"{report.sentence()[:-1]} (run `python -m campaigns retention run` again once the "
            "media store works)."
        )
    return {"message": "\n".join([*report.lines(), report.sentence()]), **report.as_dict()}
