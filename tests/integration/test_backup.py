"""Backups: restored into an empty installation they give the same rows and media files;
damaged, incomplete or tampered backups are refused before anything is touched."""

from __future__ import annotations

import argparse
import json
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from sqlalchemy import Engine, create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from campaigns import accounts, catalogue, consent, posts
from campaigns.auth import SYSTEM, Role
from campaigns.backup import (
    MANIFEST,
    SQLITE_FILE,
    cli_create,
    cli_restore,
    create_backup,
    restore_backup,
)
from campaigns.config import Settings
from campaigns.db import Base, make_engine, transaction
from campaigns.errors import Conflict, InvalidInput, StorageError
from campaigns.models import User
from campaigns.posts import CampaignInput, PostInput
from campaigns.storage import LocalStore, MediaStore
from tests.conftest import POSTGRES_URL, skip_or_fail
from tests.fixtures_people import PDF, consent_form, jpeg, profile
from tests.integration.s3_server import running_moto_server
from tests.integration.test_storage_s3 import REGION, build_store, credential_free_environment

TODAY = date.today()
SOON = datetime.combine(TODAY + timedelta(days=10), datetime.min.time()).replace(hour=12)
PASSWORD = "a long enough passphrase"
KEY_TEXT = "0123456789abcdef" * 4

Snapshot = dict[str, set[tuple[Any, ...]]]


def fill(db: Engine, store: MediaStore) -> dict[str, int]:
    """An installation with an account, a person with photo, quote and consent proof, a post."""
    accounts.create_user(db, SYSTEM, "editor@school.example", Role.EDITOR, "Eda", PASSWORD)
    person = catalogue.create_role_model(db, SYSTEM, profile())
    catalogue.set_photo(db, store, SYSTEM, person, jpeg(), "amina.jpg", "Amina at her desk.")
    catalogue.add_quote(db, SYSTEM, person, "I learnt to code at 30.", TODAY, "by e-mail")
    consent.record_consent(
        db, store, SYSTEM, person, consent_form(TODAY), consent.Proof("form.pdf", PDF)
    )
    campaign = posts.create_campaign(
        db,
        SYSTEM,
        CampaignInput(
            "Women in tech — spring",
            TODAY,
            TODAY + timedelta(days=60),
            target_groups=("woman_in_tech",),
            kpis=(("reach", 12000.5),),
        ),
    )
    account = posts.create_account(
        db, SYSTEM, "FR LinkedIn", "linkedin", "@school", "fr", "Europe/Paris"
    )
    post = posts.create_post(
        db,
        SYSTEM,
        PostInput(
            campaign,
            account,
            SOON,
            "Meet Amina, who retrained as a web developer.",
            link="https://school.example/apply",
            hashtags=("WomenInTech",),
            role_model_ids=(person,),
        ),
    )
    return {"person": person, "post": post}


def snapshot(db: Engine) -> Snapshot:
    """Every table's rows as a set of tuples (JSON values as sorted text)."""

    def plain(value: Any) -> Any:
        return json.dumps(value, sort_keys=True) if isinstance(value, dict | list) else value

    with db.connect() as connection:
        return {
            table.name: {tuple(plain(v) for v in row) for row in connection.execute(select(table))}
            for table in Base.metadata.sorted_tables
        }


def files_in(folder: Path) -> dict[str, bytes]:
    """Every file under folder, by its path relative to folder."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def settings_for(db: Engine, media: Path, key_file: Path) -> Settings:
    return Settings(
        _env_file=None,
        database_url=db.url.render_as_string(hide_password=False),
        media_store=str(media),
        applications_key_file=key_file,
    )


def manifest_of(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    return data


def rewrite_manifest(folder: Path, change: Callable[[dict[str, Any]], None]) -> None:
    data = manifest_of(folder)
    change(data)
    (folder / MANIFEST).write_text(json.dumps(data), encoding="utf-8")


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[Callable[[str], Engine]]:
    """Makes brand-new databases (no tables yet) of either kind; drops them afterwards."""
    engines: list[Engine] = []
    dropped: list[str] = []

    def make(kind: str) -> Engine:
        if kind == "sqlite":
            url = f"sqlite:///{tmp_path / f'restored-{len(engines)}.db'}"
        else:
            if not POSTGRES_URL:
                skip_or_fail("PostgreSQL tests need SPOTLIGHT_TEST_POSTGRES_URL")
            name = f"spotlight_test_{uuid.uuid4().hex[:12]}"
            admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            admin.dispose()
            dropped.append(name)
            url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
        engine = make_engine(url)
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.dispose()
    if dropped:
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for name in dropped:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def settings(db: Engine, store: LocalStore, tmp_path: Path) -> Settings:
    key_file = tmp_path / "keys" / "applications.key"
    key_file.parent.mkdir()
    key_file.write_text(KEY_TEXT, encoding="ascii")
    return settings_for(db, store.root, key_file)


@pytest.fixture
def backup(db: Engine, store: LocalStore, settings: Settings, tmp_path: Path) -> Path:
    """A filled installation, backed up into tmp_path/backup."""
    fill(db, store)
    folder = tmp_path / "backup"
    create_backup(db, store, folder, settings=settings)
    return folder


@pytest.mark.parametrize("target", ["sqlite", "postgres"])
def test_restore_into_an_empty_installation_gives_the_same_rows_and_media(
    db: Engine,
    store: LocalStore,
    settings: Settings,
    tmp_path: Path,
    empty_database: Callable[[str], Engine],
    target: str,
) -> None:
    ids = fill(db, store)
    folder = tmp_path / "backup"
    made = create_backup(db, store, folder, settings=settings)
    fresh, fresh_store = empty_database(target), LocalStore(tmp_path / "fresh-media")

    report = restore_backup(fresh, fresh_store, folder)

    assert snapshot(fresh) == snapshot(db)
    assert all(snapshot(db)[name] for name in ("users", "media_assets", "consent_records"))
    assert files_in(fresh_store.root) == files_in(store.root)
    assert len(files_in(store.root)) == made.media_files >= 4  # photo, thumbnails, proof
    assert report.row_counts == made.row_counts
    assert report.media_written == made.media_files
    assert "Restored" in report.sentence()
    # New rows get fresh ids after the restored ones (PostgreSQL sequences were moved on).
    assert catalogue.create_role_model(fresh, SYSTEM, profile("Inès Martin")) > ids["person"]
    person = catalogue.get_role_model(fresh, SYSTEM, ids["person"])
    assert person.profile.full_name == "Amina Diallo"
    assert person.photo_key is not None and fresh_store.exists(person.photo_key)


def test_manifest_lists_revision_counts_and_checksums(
    db: Engine, store: LocalStore, backup: Path
) -> None:
    manifest = manifest_of(backup)
    database = manifest["database"]
    with db.connect() as connection:
        revision = connection.scalar(text("SELECT version_num FROM alembic_version"))
    assert database["alembic_revision"] == revision
    assert database["backend"] == db.dialect.name
    assert database["row_counts"]["users"] == 1
    assert set(database["row_counts"]) == set(Base.metadata.tables)
    assert manifest["created_at"].endswith("Z")
    listed = {f["path"] for f in manifest["files"]}
    assert listed == set(files_in(backup)) - {MANIFEST}
    keys = {m["key"] for m in manifest["media"]["objects"]}
    assert keys == set(files_in(store.root))
    if db.dialect.name == "sqlite":
        assert SQLITE_FILE in listed
        assert not (backup / f"{SQLITE_FILE}-wal").exists()
    else:
        assert "tables/users.jsonl" in listed


def test_backup_into_a_folder_that_is_not_empty_is_refused(
    db: Engine, store: LocalStore, settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "backup"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")

    with pytest.raises(InvalidInput, match="is not empty"):
        create_backup(db, store, folder, settings=settings)
    assert files_in(folder) == {"notes.txt": b"keep me"}


def test_a_failed_backup_leaves_nothing_behind(
    db: Engine,
    store: LocalStore,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fill(db, store)
    parent = tmp_path / "backups"
    parent.mkdir()

    def broken() -> Iterator[str]:
        raise StorageError("The media folder cannot be read.")

    monkeypatch.setattr(store, "list_keys", broken)
    with pytest.raises(StorageError):
        create_backup(db, store, parent / "monday", settings=settings)
    assert list(parent.iterdir()) == []


def test_backup_into_an_empty_folder_is_accepted(
    db: Engine, store: LocalStore, settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "backup"
    folder.mkdir()
    create_backup(db, store, folder, settings=settings)
    assert (folder / MANIFEST).is_file()


def test_the_applications_key_is_never_in_the_backup(
    db: Engine, store: LocalStore, tmp_path: Path
) -> None:
    fill(db, store)
    # Even a key file put inside the media folder by mistake stays out.
    key_file = store.root / "applications.key"
    key_file.write_text(KEY_TEXT, encoding="ascii")
    folder = tmp_path / "backup"

    report = create_backup(db, store, folder, settings=settings_for(db, store.root, key_file))

    assert all(KEY_TEXT.encode() not in data for data in files_in(folder).values())
    assert "applications.key" not in {m["key"] for m in manifest_of(folder)["media"]["objects"]}
    assert "applications key is not in the backup" in report.sentence()


def test_temporary_files_in_the_media_folder_are_left_out(
    db: Engine, store: LocalStore, settings: Settings, tmp_path: Path
) -> None:
    store.put_bytes("people/1/photo.jpg", jpeg(), "image/jpeg")
    (store.root / "people" / "1" / ".photo.jpg.abc.part").write_bytes(b"half written")
    (store.root / ".check.tmp").write_bytes(b"")

    create_backup(db, store, tmp_path / "backup", settings=settings)

    keys = [m["key"] for m in manifest_of(tmp_path / "backup")["media"]["objects"]]
    assert keys == ["people/1/photo.jpg"]
    assert set(files_in(tmp_path / "backup" / "media")) == {"people/1/photo.jpg"}


@pytest.mark.parametrize("target", ["sqlite", "postgres"])
def test_uncommitted_changes_are_not_in_the_backup(
    db: Engine,
    store: LocalStore,
    settings: Settings,
    tmp_path: Path,
    empty_database: Callable[[str], Engine],
    target: str,
) -> None:
    fill(db, store)
    with transaction(db) as session:
        session.add(User(email="late@school.example", display_name="Late", role="viewer"))
        session.flush()
        create_backup(db, store, tmp_path / "backup", settings=settings)
    fresh = empty_database(target)

    restore_backup(fresh, LocalStore(tmp_path / "fresh-media"), tmp_path / "backup")

    with fresh.connect() as connection:
        emails = set(connection.scalars(select(User.email)))
    assert emails == {"editor@school.example"}


def untouched(engine: Engine, media: Path) -> bool:
    """True when a restore left the database without tables and the media folder absent."""
    return inspect(engine).get_table_names() == [] and not media.exists()


def test_a_media_file_with_one_byte_changed_is_refused(
    backup: Path, tmp_path: Path, empty_database: Callable[[str], Engine]
) -> None:
    photo = next(p for p in (backup / "media").rglob("original.jpg"))
    data = bytearray(photo.read_bytes())
    data[len(data) // 2] ^= 0x01
    photo.write_bytes(bytes(data))
    fresh, media = empty_database("sqlite"), tmp_path / "fresh-media"

    with pytest.raises(InvalidInput, match="has changed since the backup was made"):
        restore_backup(fresh, LocalStore(media), backup)
    assert untouched(fresh, media)


def test_a_changed_database_file_is_refused(
    db: Engine, backup: Path, tmp_path: Path, empty_database: Callable[[str], Engine]
) -> None:
    name = SQLITE_FILE if db.dialect.name == "sqlite" else "tables/users.jsonl"
    with (backup / name).open("ab") as out:
        out.write(b"\n")
    fresh, media = empty_database("sqlite"), tmp_path / "fresh-media"

    with pytest.raises(InvalidInput, match="cannot be trusted"):
        restore_backup(fresh, LocalStore(media), backup)
    assert untouched(fresh, media)


def test_a_missing_file_is_refused(
    backup: Path, tmp_path: Path, empty_database: Callable[[str], Engine]
) -> None:
    next(p for p in (backup / "media").rglob("*.pdf")).unlink()
    fresh, media = empty_database("sqlite"), tmp_path / "fresh-media"

    with pytest.raises(InvalidInput, match="is missing"):
        restore_backup(fresh, LocalStore(media), backup)
    assert untouched(fresh, media)


def test_a_backup_without_manifest_is_refused(
    backup: Path, tmp_path: Path, empty_database: Callable[[str], Engine]
) -> None:
    (backup / MANIFEST).unlink()
    fresh, media = empty_database("sqlite"), tmp_path / "fresh-media"

    with pytest.raises(InvalidInput, match=r"manifest\.json is missing"):
        restore_backup(fresh, LocalStore(media), backup)
    assert untouched(fresh, media)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda m: m["files"][0].update(path="../outside.txt"), id="file-path"),
        pytest.param(lambda m: m["files"][0].update(path="/etc/passwd"), id="absolute-path"),
        pytest.param(
            lambda m: m["media"]["objects"][0].update(key="../../escape.jpg"), id="media-key"
        ),
        pytest.param(
            lambda m: m["media"]["objects"][0].update(file="media/../manifest.json"),
            id="media-file",
        ),
    ],
)
def test_a_manifest_path_leaving_the_folder_is_refused(
    backup: Path,
    tmp_path: Path,
    empty_database: Callable[[str], Engine],
    change: Callable[[dict[str, Any]], None],
) -> None:
    (tmp_path / "outside.txt").write_text("secret", encoding="utf-8")
    rewrite_manifest(backup, change)
    fresh, media = empty_database("sqlite"), tmp_path / "fresh-media"

    with pytest.raises(InvalidInput, match="cannot be trusted"):
        restore_backup(fresh, LocalStore(media), backup)
    assert untouched(fresh, media)


def test_a_backup_of_another_database_version_names_the_spotlight_that_made_it(
    backup: Path, tmp_path: Path, empty_database: Callable[[str], Engine]
) -> None:
    def newer(manifest: dict[str, Any]) -> None:
        manifest["database"]["alembic_revision"] = "ffffffffffff"
        manifest["spotlight_version"] = "9.9.0"

    rewrite_manifest(backup, newer)
    fresh, media = empty_database("sqlite"), tmp_path / "fresh-media"

    with pytest.raises(InvalidInput, match=r"made by Spotlight 9\.9\.0"):
        restore_backup(fresh, LocalStore(media), backup)
    assert untouched(fresh, media)


def test_restore_into_an_installation_with_data_is_refused_without_force(
    db: Engine, store: LocalStore, backup: Path, tmp_path: Path
) -> None:
    before = snapshot(db)
    accounts.create_user(db, SYSTEM, "new@school.example", Role.VIEWER, "New", PASSWORD)
    changed = snapshot(db)

    with pytest.raises(Conflict, match="only into an empty installation"):
        restore_backup(db, store, backup)
    assert snapshot(db) == changed

    report = restore_backup(db, store, backup, force=True)

    assert snapshot(db) == before
    assert report.replaced
    assert "was replaced" in report.sentence()
    # The sequences follow the restored ids: a new account can be made.
    accounts.create_user(db, SYSTEM, "again@school.example", Role.VIEWER, "Again", PASSWORD)


def test_the_command_line_handlers_back_up_and_restore(
    db: Engine, store: LocalStore, settings: Settings, tmp_path: Path
) -> None:
    fill(db, store)
    folder = tmp_path / "backup"

    made = cli_create(argparse.Namespace(directory=str(folder)), settings)

    assert made["message"].startswith("Backed up")
    assert made["applications_key_included"] is False
    json.dumps(made)  # --json prints it
    fresh_url = f"sqlite:///{tmp_path / 'cli-restored.db'}"
    fresh_settings = settings_for(
        make_engine(fresh_url), tmp_path / "cli-media", settings.applications_key_file
    )
    restored = cli_restore(argparse.Namespace(directory=str(folder), force=False), fresh_settings)
    assert restored["message"].startswith("Restored")
    assert files_in(tmp_path / "cli-media") == files_in(store.root)


# --- S3: the manifest lists the objects, which stay in the bucket -------------------------


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with pytest.MonkeyPatch.context() as patch:
        credential_free_environment(patch, tmp_path_factory.mktemp("aws"))
        patch.setenv("AWS_ACCESS_KEY_ID", "testing")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        patch.setenv("AWS_DEFAULT_REGION", REGION)
        with running_moto_server() as server:
            yield server.endpoint_url


def test_an_s3_backup_lists_objects_and_restore_checks_them_in_the_bucket(
    db: Engine,
    settings: Settings,
    tmp_path: Path,
    empty_database: Callable[[str], Engine],
    s3_endpoint: str,
) -> None:
    bucket = f"backup-{uuid.uuid4().hex[:8]}"
    raw = boto3.client("s3", endpoint_url=s3_endpoint, region_name=REGION)
    raw.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3 = build_store(s3_endpoint, bucket)
    fill(db, s3)
    folder = tmp_path / "backup"

    made = create_backup(db, s3, folder, settings=settings)

    assert not (folder / "media").exists()
    assert made.media_files >= 4 and not made.media_copied
    assert "stay in the S3 bucket" in made.sentence()
    objects = manifest_of(folder)["media"]["objects"]
    assert all(entry["file"] is None for entry in objects)
    fresh = empty_database("sqlite")
    report = restore_backup(fresh, s3, folder)
    assert report.media_checked_in_place == made.media_files
    assert snapshot(fresh) == snapshot(db)

    # An object changed in the bucket since the backup is refused.
    key = objects[0]["key"]
    s3.put_bytes(key, b"something else", "image/jpeg")
    other = empty_database("sqlite")
    with pytest.raises(InvalidInput, match="has changed since the backup was made"):
        restore_backup(other, s3, folder)
    assert inspect(other).get_table_names() == []
