"""Data-subject rights: the export, erasure (and its dry run), retention; on both databases."""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from campaigns import catalogue, consent, posts, privacy
from campaigns.auth import Actor, Role
from campaigns.config import Settings
from campaigns.db import Base, read_only, transaction
from campaigns.errors import InvalidInput, NotFound, PermissionDenied, StorageError
from campaigns.models import (
    Appearance,
    AuditEvent,
    ConsentRecord,
    MediaAsset,
    Portrait,
    PortraitPerson,
    PortraitVersion,
    Post,
    PostPerson,
    Quote,
    RoleModel,
)
from campaigns.posts import CampaignInput, PostInput
from campaigns.storage import LocalStore
from tests.fixtures_people import PDF, consent_form, jpeg, profile

OFFICER = Actor(user_id=None, email="privacy@school.example", role=Role.PRIVACY_OFFICER)
AUTHOR = Actor(user_id=None, email="author@school.example", role=Role.EDITOR)
REVIEWER = Actor(user_id=None, email="reviewer@school.example", role=Role.EDITOR)
TODAY = date.today()
SOON = datetime.combine(TODAY + timedelta(days=10), time(12))
NAME = "Amina Diallo"
EMAIL = "amina.diallo@example.org"
DISABILITY = "Hard of hearing since childhood; asks for captions."
PUBLISHED_URL = "https://www.linkedin.com/posts/school-activity-1"
SECTIONS = (
    "summary.html",
    "profile.json",
    "consents.json",
    "media.json",
    "posts.json",
    "appearances.json",
    "takedowns.json",
    "audit.json",
)


def add_portrait(db: Engine, store: LocalStore, title: str, people: list[int]) -> tuple[int, int]:
    """A portrait row with its source, captions and one rendered version, all in the store."""
    with transaction(db) as session:
        portrait = Portrait(
            title=title, source_key="", source_sha256=hashlib.sha256(title.encode()).hexdigest(),
            size_bytes=1, container="mov,mp4,m4a,3gp,3g2,mj2", duration_s=30.0, width=1920,
            height=1080, fps=30.0, has_audio=True, video_codec="h264", trim_end_s=None,
            alt_text=f"{title} talks to the camera.", transcript="Hello.",
        )  # fmt: skip
        session.add(portrait)
        session.flush()
        base = f"portraits/{portrait.id}"
        portrait.source_key = store.put_bytes(f"{base}/source.mp4", title.encode(), "video/mp4").key
        portrait.captions_key = store.put_bytes(
            f"{base}/captions.srt", b"1\n00:00:00,000 --> 00:00:02,000\nHello\n", "text/plain"
        ).key
        session.add_all(PortraitPerson(portrait_id=portrait.id, role_model_id=p) for p in people)
        version = PortraitVersion(portrait_id=portrait.id, preset="linkedin_1x1", status="done")
        session.add(version)
        session.flush()
        out = f"{base}/versions/{version.id}/linkedin_1x1"
        version.output_key = store.put_bytes(f"{out}.mp4", b"rendered " + title.encode(), "v").key
        version.cover_key = store.put_bytes(f"{out}.jpg", jpeg(), "image/jpeg").key
        version.captions_key = store.put_bytes(
            f"{out}.srt", b"1\n00:00:00,000 --> 00:00:02,000\nHello\n", "text/plain"
        ).key
        return portrait.id, version.id


def step(db: Engine, actor: Actor, post_id: int, action: str, url: str = "") -> None:
    with read_only(db) as session:
        post = session.get(Post, post_id)
        assert post is not None
        version = post.version
    posts.move_post(db, actor, post_id, version, action, published_url=url)


@dataclass(frozen=True)
class World:
    person: int
    other: int
    consent: int
    photo: int
    alone: int
    alone_version: int
    shared: int
    shared_version: int
    others_portrait: int
    planned: int
    published: int
    others_post: int


def new_post(db: Engine, campaign: int, account: int, version: int) -> int:
    data = PostInput(
        campaign_id=campaign, account_id=account, local_time=SOON,
        text="Meet Amina, who retrained as a web developer.", alt_text="A portrait.",
        portrait_version_id=version,
    )  # fmt: skip
    return posts.create_post(db, AUTHOR, data)


@pytest.fixture
def world(db: Engine, store: LocalStore) -> World:
    """A person with a proof, a photo, a quote, a portrait of her own and one shared; posts."""
    person = catalogue.create_role_model(
        db, OFFICER,
        profile(NAME, categories=("woman_in_tech", "disability"), disability_details=DISABILITY,
                disability_explicit_consent=True, phone="+33 6 12 34 56 78"),
    )  # fmt: skip
    other = catalogue.create_role_model(db, OFFICER, profile("Chloé Martin"))
    form = consent_form(TODAY)
    consent_id = consent.record_consent(
        db, store, OFFICER, person, form, consent.Proof("signed.pdf", PDF)
    )
    consent.record_consent(db, store, OFFICER, other, form, consent.Proof("c.pdf", PDF + b"2"))
    photo = catalogue.set_photo(db, store, OFFICER, person, jpeg(), "amina.jpg", "Amina smiling.")
    catalogue.add_quote(db, OFFICER, person, "I found my place in tech.", TODAY, "e-mail")
    alone, alone_version = add_portrait(db, store, "Amina's story", [person])
    shared, shared_version = add_portrait(db, store, "Two alumnae", [person, other])
    others_portrait, others_version = add_portrait(db, store, "Chloé's story", [other])
    campaign = posts.create_campaign(
        db, AUTHOR, CampaignInput("Women in tech", TODAY, TODAY + timedelta(days=60))
    )
    account = posts.create_account(
        db, AUTHOR, "UK LinkedIn", "linkedin", "@school", "en", "Europe/London"
    )
    planned = new_post(db, campaign, account, alone_version)
    for actor, action in ((AUTHOR, "submit"), (REVIEWER, "approve"), (AUTHOR, "schedule")):
        step(db, actor, planned, action)
    published = new_post(db, campaign, account, shared_version)
    for actor, action in ((AUTHOR, "submit"), (REVIEWER, "approve")):
        step(db, actor, published, action)
    step(db, AUTHOR, published, "publish", PUBLISHED_URL)
    others_post = new_post(db, campaign, account, others_version)
    return World(
        person, other, consent_id, photo, alone, alone_version, shared, shared_version,
        others_portrait, planned, published, others_post,
    )  # fmt: skip


def keys_of_person(db: Engine, world: World) -> list[str]:
    """Every stored file that belongs to the person alone."""
    with read_only(db) as session:
        asset = session.get(MediaAsset, world.photo)
        record = session.get(ConsentRecord, world.consent)
        portrait = session.get(Portrait, world.alone)
        version = session.get(PortraitVersion, world.alone_version)
        assert asset and record and record.proof_key and portrait and version
        return [
            asset.key, *asset.variants.values(), record.proof_key, portrait.source_key,
            str(portrait.captions_key), str(version.output_key), str(version.cover_key),
            str(version.captions_key),
        ]  # fmt: skip


def keys_of_portrait(db: Engine, portrait_id: int) -> list[str]:
    with read_only(db) as session:
        portrait = session.get(Portrait, portrait_id)
        assert portrait is not None
        versions = session.scalars(
            select(PortraitVersion).where(PortraitVersion.portrait_id == portrait_id)
        ).all()
        return [portrait.source_key, str(portrait.captions_key)] + [
            str(k) for v in versions for k in (v.output_key, v.cover_key, v.captions_key) if k
        ]


def snapshot(db: Engine) -> dict[str, list[str]]:
    """Every row of every table, to compare before and after."""
    with db.connect() as connection:
        return {
            table.name: sorted(repr(tuple(row)) for row in connection.execute(select(table)))
            for table in Base.metadata.sorted_tables
        }


def stored_files(store: LocalStore) -> dict[str, str]:
    return {
        str(path.relative_to(store.root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(store.root.rglob("*"))
        if path.is_file()
    }


def audit_text(db: Engine) -> str:
    with read_only(db) as session:
        return "\n".join(
            f"{e.action} {e.entity_type} {e.entity_id} {e.summary} {json.dumps(e.changes)}"
            for e in session.scalars(select(AuditEvent))
        )


class BrokenDeletes(LocalStore):
    """A folder store whose deletions fail until it is repaired."""

    broken = True

    def delete(self, key: str) -> None:
        if self.broken:
            raise StorageError("The media store cannot be reached right now; nothing was deleted.")
        super().delete(key)


# --- Export ---------------------------------------------------------------------------------


def test_the_export_holds_every_section_with_the_proof_and_the_media(
    db: Engine, store: LocalStore, world: World
) -> None:
    data = privacy.export_person(db, store, OFFICER, world.person)
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    for section in SECTIONS:
        assert section in names
    profile_json = json.loads(archive.read("profile.json"))
    assert profile_json["full_name"] == NAME
    assert profile_json["disability_details"] == DISABILITY
    assert profile_json["categories"] == ["disability", "woman_in_tech"]
    assert profile_json["quotes"][0]["text"] == "I found my place in tech."
    (record,) = json.loads(archive.read("consents.json"))
    assert archive.read(record["proof_file"]) == PDF
    assert record["proof_matches_fingerprint"] is True
    keys = keys_of_person(db, world) + keys_of_portrait(db, world.shared)
    for key in keys:
        if not key.startswith("consents/"):
            assert archive.read(f"media/{key}") == store.read_bytes(key)
    others = keys_of_portrait(db, world.others_portrait)
    assert not any(f"media/{k}" in names for k in others)
    shown = {p["id"]: p for p in json.loads(archive.read("posts.json"))}
    assert set(shown) == {world.planned, world.published}
    assert shown[world.planned]["status"] == "scheduled"
    assert shown[world.published]["url"] == PUBLISHED_URL
    assert shown[world.published]["account"] == "UK LinkedIn"
    assert len(json.loads(archive.read("appearances.json"))) == 1
    actions = {e["action"] for e in json.loads(archive.read("audit.json"))}
    assert {"create_role_model", "record_consent", "set_photo", "add_quote"} <= actions
    summary = archive.read("summary.html").decode("utf-8")
    assert f"Personal data held on {NAME}" in summary
    assert "<td>Consents</td><td>consents.json</td><td>1 consent record</td>" in summary
    assert "<td>Posts</td><td>posts.json</td><td>2 posts</td>" in summary
    assert DISABILITY in summary


def test_the_summary_escapes_markup_in_a_name(db: Engine, store: LocalStore) -> None:
    name = "Eve <script>alert(1)</script> Martin"
    person = catalogue.create_role_model(db, OFFICER, profile(name, email="eve@example.org"))
    summary = zipfile.ZipFile(io.BytesIO(privacy.export_person(db, store, OFFICER, person))).read(
        "summary.html"
    )
    assert b"<script>" not in summary
    assert b"Eve &lt;script&gt;alert(1)&lt;/script&gt; Martin" in summary


def test_an_export_is_traced_without_personal_data(
    db: Engine, store: LocalStore, world: World
) -> None:
    privacy.export_person(db, store, OFFICER, world.person)
    with read_only(db) as session:
        (event,) = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "export_person")
        ).all()
    assert event.entity_id == str(world.person)
    assert event.actor_email == OFFICER.email
    traced = json.dumps(event.changes) + event.summary
    assert NAME not in traced and EMAIL not in traced and "Hard of hearing" not in traced


def test_an_editor_may_not_export_erase_or_run_retention(
    db: Engine, store: LocalStore, world: World
) -> None:
    before = snapshot(db)
    with pytest.raises(PermissionDenied, match="handle data-protection requests"):
        privacy.export_person(db, store, AUTHOR, world.person)
    with pytest.raises(PermissionDenied):
        privacy.erase_person(db, store, AUTHOR, world.person)
    with pytest.raises(PermissionDenied):
        privacy.run_retention(db, store, AUTHOR, today=TODAY, days=90)
    assert snapshot(db) == before


# --- Erasure --------------------------------------------------------------------------------


def test_erasure_removes_the_rows_and_every_file_of_the_person(
    db: Engine, store: LocalStore, world: World
) -> None:
    keys = keys_of_person(db, world)
    assert all(store.exists(k) for k in keys)
    report = privacy.erase_person(db, store, OFFICER, world.person)
    assert not report.files_not_deleted
    assert sorted(report.files) == sorted(keys)
    assert not any(store.exists(k) for k in keys)
    with read_only(db) as session:
        assert session.get(RoleModel, world.person) is None
        for model in (ConsentRecord, MediaAsset, Quote, Appearance, PostPerson, PortraitPerson):
            assert not session.scalars(
                select(model).where(model.role_model_id == world.person)
            ).all()
        assert session.get(Portrait, world.alone) is None
        assert session.get(PortraitVersion, world.alone_version) is None
    assert (report.consents, report.photos, report.quotes) == (1, 1, 1)
    assert report.portraits_deleted == (world.alone,)
    assert report.sentence().startswith(
        f"Erased person #{world.person}: deleted the profile, 1 consent record, 1 photo, "
        "1 portrait with 1 version and"
    )


def test_erasure_keeps_a_portrait_shared_with_someone_else_and_says_so(
    db: Engine, store: LocalStore, world: World
) -> None:
    report = privacy.erase_person(db, store, OFFICER, world.person)
    assert report.portraits_unlinked == (world.shared,)
    assert any(f"Portrait #{world.shared} also features other people" in x for x in report.lines())
    assert all(store.exists(k) for k in keys_of_portrait(db, world.shared))
    with read_only(db) as session:
        people = session.scalars(
            select(PortraitPerson.role_model_id).where(PortraitPerson.portrait_id == world.shared)
        ).all()
        shared = session.get(Portrait, world.shared)
        assert shared is not None and shared.do_not_use
        assert session.get(RoleModel, world.other) is not None
    assert people == [world.other]
    assert all(store.exists(k) for k in keys_of_portrait(db, world.others_portrait))


def test_erasure_blocks_planned_posts_and_lists_published_ones(
    db: Engine, store: LocalStore, world: World
) -> None:
    report = privacy.erase_person(db, store, OFFICER, world.person)
    assert [p.id for p in report.posts_blocked] == [world.planned]
    assert [(p.id, p.url) for p in report.published_posts] == [(world.published, PUBLISHED_URL)]
    with read_only(db) as session:
        planned = session.get(Post, world.planned)
        published = session.get(Post, world.published)
        untouched = session.get(Post, world.others_post)
        assert planned is not None and published is not None and untouched is not None
        assert privacy.ERASURE_REASON in planned.blocked_reasons
        assert planned.status == "in_review"  # an approval given before no longer counts
        assert planned.text == "Meet Amina, who retrained as a web developer."
        assert published.status == "published" and published.published_url == PUBLISHED_URL
        assert privacy.ERASURE_REASON not in untouched.blocked_reasons
        for post in (planned, published):
            assert not any(NAME in r for r in [*post.blocked_reasons, *post.warnings])


def test_erasure_leaves_only_an_audit_stub_without_the_name(
    db: Engine, store: LocalStore, world: World
) -> None:
    assert NAME in audit_text(db) and EMAIL in audit_text(db)
    privacy.erase_person(db, store, OFFICER, world.person)
    text = audit_text(db)
    assert NAME not in text and EMAIL not in text and "Hard of hearing" not in text
    with read_only(db) as session:
        (stub,) = session.scalars(
            select(AuditEvent).where(AuditEvent.action == privacy.ERASE_ACTION)
        ).all()
    assert (stub.entity_type, stub.entity_id) == ("role_model", str(world.person))
    assert stub.summary == "Person erased at their request."


def test_a_dry_run_changes_nothing_and_lists_exactly_what_would_go(
    db: Engine, store: LocalStore, world: World
) -> None:
    rows, files = snapshot(db), stored_files(store)
    dry = privacy.erase_person(db, store, OFFICER, world.person, dry_run=True)
    assert snapshot(db) == rows
    assert stored_files(store) == files
    assert dry.sentence().startswith(f"Dry run: erasing person #{world.person} would delete")
    assert dry.sentence().endswith("nothing was changed.")
    real = privacy.erase_person(db, store, OFFICER, world.person)
    assert (dry.files, dry.portraits_deleted, dry.portraits_unlinked) == (
        real.files, real.portraits_deleted, real.portraits_unlinked,
    )  # fmt: skip
    assert [p.id for p in dry.posts_blocked] == [p.id for p in real.posts_blocked]
    assert dry.audit_entries_cleared == real.audit_entries_cleared


def test_files_the_store_fails_to_delete_are_reported_and_a_retry_deletes_them(
    db: Engine, tmp_path: Path, world: World
) -> None:
    broken = BrokenDeletes(tmp_path / "media")
    keys = keys_of_person(db, world)
    report = privacy.erase_person(db, broken, OFFICER, world.person)
    assert len(report.files_not_deleted) == len(keys)
    assert report.sentence().endswith(f"{len(keys)} files could not be deleted; retry.")
    with read_only(db) as session:  # the database part is done and stays done
        assert session.get(RoleModel, world.person) is None
    assert all(broken.exists(k) for k in keys)
    broken.broken = False
    retry = privacy.erase_person(db, broken, OFFICER, world.person)
    assert retry.already_erased
    assert sorted(retry.files_retried) == sorted(keys)
    assert not retry.files_not_deleted
    assert not any(broken.exists(k) for k in keys)
    again = privacy.erase_person(db, broken, OFFICER, world.person)
    assert (again.already_erased, again.files_retried) == (True, ())
    assert again.sentence() == (
        f"Person #{world.person} was already erased; 0 left-over files deleted."
    )


def test_an_unknown_person_cannot_be_erased_or_exported(db: Engine, store: LocalStore) -> None:
    with pytest.raises(NotFound, match="nobody with the number 999"):
        privacy.erase_person(db, store, OFFICER, 999)
    with pytest.raises(NotFound):
        privacy.export_person(db, store, OFFICER, 999)


# --- Retention ------------------------------------------------------------------------------


@dataclass(frozen=True)
class People:
    lapsed: int
    recent: int
    expired: int
    valid: int
    photo_only: int


def person_with(db: Engine, store: LocalStore, name: str, **terms: Any) -> int:
    """A person with a photo and a consent signed long ago (no end unless terms give one)."""
    person = catalogue.create_role_model(db, OFFICER, profile(name))
    signed = TODAY - timedelta(days=500)
    fields: dict[str, Any] = {"signed_on": signed, "valid_from": signed, "expires_on": None}
    fields.update(terms)
    form = consent_form(TODAY, **fields)
    consent.record_consent(db, store, OFFICER, person, form, consent.Proof("p.pdf", PDF))
    catalogue.set_photo(db, store, OFFICER, person, jpeg(), "p.jpg", f"{name} smiling.")
    return person


@pytest.fixture
def people(db: Engine, store: LocalStore) -> People:
    """People whose consent ended at different times, each with a photo."""
    lapsed = person_with(db, store, "Lina Lapsed")
    recent = person_with(db, store, "Rita Recent")
    expired = person_with(db, store, "Ed Expired", expires_on=TODAY - timedelta(days=100))
    valid = person_with(db, store, "Val Valid")
    photo_only = person_with(
        db, store, "Pat Photo", media=("video", "photo"), expires_on=TODAY - timedelta(days=200)
    )
    signed = TODAY - timedelta(days=30)
    consent.record_consent(
        db, store, OFFICER, photo_only,
        consent_form(TODAY, media=("photo",), signed_on=signed, valid_from=signed),
        consent.Proof("p.pdf", PDF),
    )  # fmt: skip
    consent.withdraw_consent(db, OFFICER, lapsed, TODAY - timedelta(days=91), "e-mail")
    consent.withdraw_consent(db, OFFICER, recent, TODAY - timedelta(days=90), "e-mail")
    return People(lapsed, recent, expired, valid, photo_only)


def photo_of(db: Engine, person: int) -> int | None:
    with read_only(db) as session:
        return session.scalar(select(MediaAsset.id).where(MediaAsset.role_model_id == person))


def test_retention_purges_media_after_the_period_and_not_before(
    db: Engine, store: LocalStore, people: People
) -> None:
    lapsed_photo, expired_photo = photo_of(db, people.lapsed), photo_of(db, people.expired)
    recent_photo = photo_of(db, people.recent)
    lapsed_portrait, lapsed_version = add_portrait(db, store, "Lina", [people.lapsed])
    recent_portrait, _ = add_portrait(db, store, "Rita", [people.recent])
    gone = keys_of_portrait(db, lapsed_portrait)
    kept = keys_of_portrait(db, recent_portrait)
    with read_only(db) as session:
        photo = session.get(MediaAsset, lapsed_photo)
        assert photo is not None
        gone += [photo.key, *photo.variants.values()]
    report = privacy.run_retention(db, store, OFFICER, today=TODAY, days=90)
    assert set(report.photos) == {lapsed_photo, expired_photo}
    assert lapsed_portrait in report.portraits and recent_portrait not in report.portraits
    assert report.versions >= 1
    assert not report.files_not_deleted
    assert not any(store.exists(k) for k in gone)
    assert all(store.exists(k) for k in kept)
    with read_only(db) as session:
        assert session.get(Portrait, lapsed_portrait) is None
        assert session.get(PortraitVersion, lapsed_version) is None
        assert session.get(MediaAsset, lapsed_photo) is None
        person = session.get(RoleModel, people.lapsed)
        assert person is not None and person.photo_id is None  # the profile itself stays
    for person_id in (people.recent, people.valid, people.photo_only):
        assert photo_of(db, person_id) is not None
    assert report.sentence().startswith("Retention (90 days after consent ends): purged 2 photos")
    # A day later, the consent withdrawn 90 days ago has passed the period too.
    later = privacy.run_retention(db, store, OFFICER, today=TODAY + timedelta(days=1), days=90)
    assert later.photos == (recent_photo,)
    assert recent_portrait in later.portraits


def test_retention_keeps_media_a_still_valid_consent_needs(
    db: Engine, store: LocalStore, people: People
) -> None:
    shared, _ = add_portrait(db, store, "Lina and Val", [people.lapsed, people.valid])
    videos, _ = add_portrait(db, store, "Pat", [people.photo_only])
    report = privacy.run_retention(db, store, OFFICER, today=TODAY, days=90)
    assert report.portraits_kept == (shared,)
    assert f"Portrait #{shared} kept: someone else featured in it still consents." in report.lines()
    assert all(store.exists(k) for k in keys_of_portrait(db, shared))
    # Pat's video consent ended long ago; a newer consent covers photos only.
    assert videos in report.portraits
    assert photo_of(db, people.photo_only) is not None


def test_retention_dry_run_changes_nothing_and_a_second_run_purges_nothing(
    db: Engine, store: LocalStore, people: People
) -> None:
    add_portrait(db, store, "Lina", [people.lapsed])
    rows, files = snapshot(db), stored_files(store)
    dry = privacy.run_retention(db, store, OFFICER, today=TODAY, days=90, dry_run=True)
    assert snapshot(db) == rows and stored_files(store) == files
    assert dry.sentence().endswith("nothing was changed.")
    real = privacy.run_retention(db, store, OFFICER, today=TODAY, days=90)
    assert (dry.photos, dry.portraits, dry.files) == (real.photos, real.portraits, real.files)
    rows, files = snapshot(db), stored_files(store)
    again = privacy.run_retention(db, store, OFFICER, today=TODAY, days=90)
    assert (again.photos, again.portraits, again.files) == ((), (), ())
    assert again.sentence() == "Retention (90 days after consent ends): nothing to purge."
    assert stored_files(store) == files


def test_retention_blocks_a_planned_post_whose_video_it_deleted(
    db: Engine, store: LocalStore, people: People
) -> None:
    _, version = add_portrait(db, store, "Lina", [people.lapsed])
    campaign = posts.create_campaign(
        db, AUTHOR, CampaignInput("Spring", TODAY, TODAY + timedelta(days=60))
    )
    account = posts.create_account(
        db, AUTHOR, "FR LinkedIn", "linkedin", "@s", "fr", "Europe/Paris"
    )
    post_id = new_post(db, campaign, account, version)
    report = privacy.run_retention(db, store, OFFICER, today=TODAY, days=90)
    assert [p.id for p in report.posts_blocked] == [post_id]
    with read_only(db) as session:
        post = session.get(Post, post_id)
        assert post is not None
        assert post.portrait_version_id is None
        assert privacy.RETENTION_REASON in post.blocked_reasons


def test_retention_retries_files_a_failing_store_left_behind(
    db: Engine, tmp_path: Path, people: People
) -> None:
    broken = BrokenDeletes(tmp_path / "media")
    first = privacy.run_retention(db, broken, OFFICER, today=TODAY, days=90)
    assert first.files and len(first.files_not_deleted) == len(first.files)
    assert first.sentence().endswith("could not be deleted; retry.")
    broken.broken = False
    second = privacy.run_retention(db, broken, OFFICER, today=TODAY, days=90)
    assert sorted(second.files_retried) == sorted(first.files)
    assert not any(broken.exists(k) for k in first.files)


# --- Command line handlers ------------------------------------------------------------------


def settings_for(db: Engine, store: LocalStore) -> Settings:
    url = db.url.render_as_string(hide_password=False)
    return Settings(database_url=url, media_store=str(store.root))


def test_the_command_line_handlers_export_erase_and_run_retention(
    db: Engine, store: LocalStore, world: World, tmp_path: Path
) -> None:
    settings = settings_for(db, store)
    target = tmp_path / "amina.zip"
    exported = privacy.cli_person_export(
        argparse.Namespace(person_id=world.person, file=str(target)), settings
    )
    assert exported["message"].startswith(f"Exported everything held on person #{world.person}")
    assert exported["consents.json"] == 1
    assert target.stat().st_mode & 0o777 == 0o600
    assert "summary.html" in zipfile.ZipFile(target).namelist()
    dry = privacy.cli_person_erase(
        argparse.Namespace(person_id=world.person, dry_run=True), settings
    )
    assert dry["dry_run"] is True and dry["message"].endswith("nothing was changed.")
    assert f"Would block: Post #{world.planned} on UK LinkedIn, scheduled" in dry["message"]
    erased = privacy.cli_person_erase(
        argparse.Namespace(person_id=world.person, dry_run=False), settings
    )
    assert erased["portraits_deleted"] == [world.alone]
    assert f"Take down: Post #{world.published}" in erased["message"]
    retention = privacy.cli_retention_run(argparse.Namespace(dry_run=True), settings)
    assert retention["message"].startswith("Dry run: retention (90 days after consent ends)")


def test_the_export_command_wants_a_zip_file_name(
    db: Engine, store: LocalStore, world: World
) -> None:
    with pytest.raises(InvalidInput, match=r"Name the export file \.zip"):
        privacy.cli_person_export(
            argparse.Namespace(person_id=world.person, file="amina.csv"), settings_for(db, store)
        )
