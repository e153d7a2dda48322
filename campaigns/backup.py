"""Backups: a consistent copy of the database and of every media file, checked before restoring.

A backup is a folder:

    manifest.json        what is in the backup and the SHA-256 of every file (written last)
    database.sqlite3     SQLite installations: a copy made with SQLite's online backup API
    tables/<name>.jsonl  PostgreSQL installations: one JSON object per row, one file per table
    media/<key>          local media folders: a copy of every file (S3: listed, left in the bucket)

PostgreSQL is dumped through SQLAlchemy, not pg_dump: the pg_dump on the machine need not match
the server's version, and rows written as typed JSON can be restored into either database. Both
formats restore into both databases: rows are read back through SQLAlchemy (from the JSON lines
or from the SQLite copy) and inserted through the same code. The applications key is never
copied: it must be kept apart from the data it protects.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import logging
import math
import mimetypes
import os
import shutil
import sqlite3
import tempfile
import tomllib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import IO, Any

from alembic.script import ScriptDirectory
from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Engine,
    Table,
    bindparam,
    create_engine,
    delete,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import SQLAlchemyError, StatementError
from sqlalchemy.types import TypeDecorator, TypeEngine

from campaigns import models  # noqa: F401 - registers every table on Base.metadata
from campaigns.config import Settings
from campaigns.db import (
    PROJECT_ROOT,
    Base,
    alembic_config,
    ensure_schema_current,
    make_engine,
    transaction,
    upgrade_database,
    utcnow,
)
from campaigns.errors import Conflict, DatabaseNotReady, InvalidInput, NotFound
from campaigns.storage import LocalStore, MediaStore, open_store, validate_key

logger = logging.getLogger(__name__)

FORMAT = "spotlight-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
TABLES_FOLDER = "tables"
MEDIA_FOLDER = "media"
SQLITE_LAYOUT = "sqlite-file"
JSON_LINES_LAYOUT = "json-lines"
_BATCH = 1000
_CHUNK = 1024 * 1024

KEY_NOT_COPIED = (
    "The applications key is not in the backup, on purpose: keep a copy of it somewhere else "
    "(or set SPOTLIGHT_APPLICATIONS_KEY), since a restored installation needs the same key "
    "to recognise applications already imported."
)
KEY_TO_PUT_BACK = (
    "Backups never hold the applications key: put the original key file back (see "
    "SPOTLIGHT_APPLICATIONS_KEY_FILE) or set SPOTLIGHT_APPLICATIONS_KEY, so that new admissions "
    "exports match the restored applications."
)


# --- What a backup holds ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BackupFile:
    """A file inside the backup folder, with its size and SHA-256."""

    path: str
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class MediaEntry:
    """A media file of the store; file is its copy in the backup, or None if left in S3."""

    key: str
    size: int
    sha256: str
    file: str | None


@dataclass(frozen=True, slots=True)
class Manifest:
    """The checked content of manifest.json."""

    created_at: str
    spotlight_version: str
    backend: str
    layout: str
    revision: str
    row_counts: dict[str, int]
    store: str
    media: tuple[MediaEntry, ...]
    files: tuple[BackupFile, ...]

    def as_json(self) -> dict[str, Any]:
        """The manifest as written to manifest.json."""
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": self.created_at,
            "spotlight_version": self.spotlight_version,
            "database": {
                "backend": self.backend,
                "layout": self.layout,
                "alembic_revision": self.revision,
                "row_counts": self.row_counts,
            },
            "media": {
                "store": self.store,
                "objects": [
                    {"key": m.key, "size": m.size, "sha256": m.sha256, "file": m.file}
                    for m in self.media
                ],
            },
            "files": [{"path": f.path, "size": f.size, "sha256": f.sha256} for f in self.files],
            "applications_key": "not included",
        }


@dataclass(frozen=True, slots=True)
class BackupReport:
    """What a backup saved, and what it left out on purpose."""

    directory: Path
    backend: str
    revision: str
    row_counts: dict[str, int]
    media_files: int
    media_bytes: int
    media_copied: bool
    store: str
    vanished: tuple[str, ...] = field(default=())

    def notes(self) -> list[str]:
        """Sentences about what the backup does not hold."""
        notes = []
        if not self.media_copied:
            notes.append(
                f"The media files stay in the {self.store}: the backup lists each one with its "
                "checksum but does not copy it, so keep the bucket (and its versioning) safe too."
            )
        if self.vanished:
            notes.append(
                f"Deleted while the backup ran, {_count(len(self.vanished), 'media file')} "
                f"{_is_are(len(self.vanished))} not in it."
            )
        notes.append(KEY_NOT_COPIED)
        notes.append("The backup holds personal data: keep it as safe as the installation.")
        return notes

    def sentence(self) -> str:
        """The report as a few sentences for the person who asked for the backup."""
        rows = sum(self.row_counts.values())
        where = "copied" if self.media_copied else "listed"
        return " ".join(
            [
                f"Backed up {_count(rows, 'row')} of the {_backend_name(self.backend)} database "
                f"and {where} {_count(self.media_files, 'media file')} "
                f"({self.media_bytes / 1e6:.1f} MB) in {self.directory}.",
                *self.notes(),
            ]
        )

    def as_dict(self) -> dict[str, Any]:
        """The report as plain values (for --json)."""
        return {
            "directory": str(self.directory),
            "backend": self.backend,
            "alembic_revision": self.revision,
            "row_counts": dict(self.row_counts),
            "media_files": self.media_files,
            "media_bytes": self.media_bytes,
            "media_copied": self.media_copied,
            "media_store": self.store,
            "vanished_media": list(self.vanished),
            "applications_key_included": False,
            "notes": self.notes(),
        }


@dataclass(frozen=True, slots=True)
class RestoreReport:
    """What a restore put back."""

    directory: Path
    made_at: str
    made_by: str
    source_backend: str
    target_backend: str
    row_counts: dict[str, int]
    media_written: int
    media_checked_in_place: int
    replaced: bool

    def sentence(self) -> str:
        """The report as a few sentences for the person who restored."""
        rows = sum(self.row_counts.values())
        made_at = self.made_at.replace("T", " ").removesuffix("Z")[:16]
        parts = [
            f"Restored {_count(rows, 'row')} into the {_backend_name(self.target_backend)} "
            f"database and {_count(self.media_written, 'media file')} into the media store from "
            f"the backup in {self.directory} (made on {made_at} UTC by Spotlight "
            f"{self.made_by} on {_backend_name(self.source_backend)}); every file was checked "
            "against its checksum first."
        ]
        if self.media_checked_in_place:
            n = self.media_checked_in_place
            parts.append(
                f"{_count(n, 'media file')} kept in the bucket {_is_are(n)} there, unchanged."
            )
        if self.replaced:
            parts.append(
                "Everything that was in the database before was replaced; media files "
                "that the backup does not list were left in the store."
            )
        parts.append(KEY_TO_PUT_BACK)
        return " ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        """The report as plain values (for --json)."""
        return {
            "directory": str(self.directory),
            "made_at": self.made_at,
            "made_by": self.made_by,
            "source_backend": self.source_backend,
            "target_backend": self.target_backend,
            "row_counts": dict(self.row_counts),
            "media_written": self.media_written,
            "media_checked_in_place": self.media_checked_in_place,
            "replaced": self.replaced,
        }


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _is_are(n: int) -> str:
    return "is" if n == 1 else "are"


def _backend_name(backend: str) -> str:
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(backend, backend)


# --- Tables and their order ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Plan:
    """Tables in an order that satisfies foreign keys, and the columns that close a cycle."""

    tables: tuple[Table, ...]
    deferred: dict[str, tuple[str, ...]]


def _plan() -> _Plan:
    order = tuple(Base.metadata.sorted_tables)
    position = {table.name: index for index, table in enumerate(order)}
    deferred: dict[str, tuple[str, ...]] = {}
    for table in order:
        # A key pointing at a later table or at its own table (a person's photo belongs to the
        # person) cannot be filled on insert: it is inserted empty and filled once rows exist.
        later = [
            column.key
            for constraint in table.foreign_key_constraints
            if position[constraint.referred_table.name] >= position[table.name]
            for column in constraint.columns
        ]
        if later:
            deferred[table.name] = tuple(later)
    return _Plan(order, deferred)


def _code_head(engine: Engine) -> tuple[str, set[str]]:
    script = ScriptDirectory.from_config(alembic_config(engine))
    head = script.get_current_head()
    if head is None:  # pragma: no cover - the project always has migrations
        raise DatabaseNotReady("This version of Spotlight has no database migrations.")
    return head, {revision.revision for revision in script.walk_revisions()}


def _spotlight_version() -> str:
    try:
        with (PROJECT_ROOT / "pyproject.toml").open("rb") as source:
            return str(tomllib.load(source)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError) as exc:
        logger.warning("Cannot read Spotlight's version from pyproject.toml: %s", exc)
        return "unknown"


# --- Values as JSON -----------------------------------------------------------------------


def _storage_type(column: Column[Any]) -> TypeEngine[Any]:
    """The column's type under any TypeDecorator (UTCDateTime is a DateTime)."""
    kind: TypeEngine[Any] = column.type
    while isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    return kind


def _encode(value: Any, column: Column[Any]) -> Any:
    """A column value as JSON: dates as ISO text, bytes as base64, JSON values as they are."""
    if value is None or isinstance(_storage_type(column), JSON):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"backup cannot write {type(value).__name__} values ({column})")


def _decoder(column: Column[Any]) -> Callable[[Any], Any]:
    storage = _storage_type(column)
    if isinstance(storage, JSON):
        return lambda value: value
    try:
        kind = storage.python_type
    except NotImplementedError:
        return lambda value: value
    decoders: dict[type, Callable[[Any], Any]] = {
        datetime: datetime.fromisoformat,
        date: date.fromisoformat,
        time: time.fromisoformat,
        bytes: lambda value: base64.b64decode(value, validate=True),
        Decimal: lambda value: Decimal(str(value)),
        float: float,
    }
    decode = decoders.get(kind, lambda value: value)
    return lambda value: None if value is None else decode(value)


# --- Files --------------------------------------------------------------------------------


class _HashingWriter:
    """Writes a file and keeps its size and SHA-256 as it goes."""

    def __init__(self, out: IO[bytes]) -> None:
        self._out = out
        self._digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self._out.write(data)
        self._digest.update(data)
        self.size += len(data)

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()


def _hash_file(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as source:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _fsync_folder(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError as exc:  # some platforms cannot open folders; renames are still atomic
        logger.debug("Cannot open %s to flush it: %s", folder, exc)
        return
    try:
        os.fsync(descriptor)
    except OSError as exc:
        logger.debug("Cannot flush folder %s: %s", folder, exc)
    finally:
        os.close(descriptor)


def _described(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


# --- Making a backup ----------------------------------------------------------------------


def create_backup(
    engine: Engine, store: MediaStore, directory: Path, *, settings: Settings
) -> BackupReport:
    """Save the database and the media list (and local media files) into a new folder."""
    target = Path(directory).resolve()
    _check_target(target, store)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part"))
    except OSError as exc:
        raise InvalidInput(
            f"Spotlight cannot make the backup folder {target} ({_described(exc)})."
        ) from None
    try:
        report = _write_backup(engine, store, work, target, settings)
        _move_into_place(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    logger.info("Backup written to %s", target)
    return report


def _check_target(target: Path, store: MediaStore) -> None:
    if target.exists() and not target.is_dir():
        raise InvalidInput(f"{target} is a file: name a new or empty folder for the backup.")
    if target.is_dir() and any(target.iterdir()):
        raise InvalidInput(
            f"The folder {target} is not empty: name a new or empty folder for the backup, "
            "so that no older file gets mixed into it."
        )
    if isinstance(store, LocalStore) and target.resolve().is_relative_to(store.root.resolve()):
        raise InvalidInput(
            f"The backup cannot go inside the media folder {store.root}: choose a folder "
            "elsewhere, ideally on another disk."
        )


def _move_into_place(work: Path, target: Path) -> None:
    try:
        if target.is_dir():
            target.rmdir()  # empty (checked before); rename cannot replace it on every system
        work.rename(target)
    except OSError as exc:
        raise InvalidInput(
            f"Spotlight could not finish the backup in {target} ({_described(exc)}); "
            "nothing was kept."
        ) from None
    _fsync_folder(target.parent)


def _write_backup(
    engine: Engine, store: MediaStore, work: Path, target: Path, settings: Settings
) -> BackupReport:
    backend = engine.dialect.name
    plan = _plan()
    if backend == "sqlite":
        revision, counts, files = _dump_sqlite(engine, work, plan)
        layout = SQLITE_LAYOUT
    else:
        revision, counts, files = _dump_json_lines(engine, work, plan)
        layout = JSON_LINES_LAYOUT
    # Media after the database: files are stored before the rows that name them, so every
    # file the copied rows mention already exists (unless deleted since).
    media, media_files, vanished = _save_media(store, work, settings)
    manifest = Manifest(
        created_at=utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
        spotlight_version=_spotlight_version(),
        backend=backend,
        layout=layout,
        revision=revision,
        row_counts=counts,
        store=store.describe(),
        media=tuple(media),
        files=tuple(files + media_files),
    )
    _write_manifest(work, manifest)
    return BackupReport(
        directory=target,
        backend=backend,
        revision=revision,
        row_counts=counts,
        media_files=len(media),
        media_bytes=sum(entry.size for entry in media),
        media_copied=isinstance(store, LocalStore),
        store=store.describe(),
        vanished=tuple(vanished),
    )


def _dump_sqlite(
    engine: Engine, work: Path, plan: _Plan
) -> tuple[str, dict[str, int], list[BackupFile]]:
    """Copy the database with SQLite's online backup API: one consistent snapshot."""
    path = work / SQLITE_FILE
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        if not isinstance(source, sqlite3.Connection):  # pragma: no cover - pysqlite only
            raise TypeError("the SQLite backup needs the standard sqlite3 driver")
        copy = sqlite3.connect(path)
        try:
            source.backup(copy)
            # The copy must stand alone: no -wal file beside it.
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
    finally:
        raw.close()
    # Revision and counts are read from the copy, so they describe exactly what was saved.
    snapshot = create_engine(f"sqlite:///{path}")
    try:
        with snapshot.connect() as connection:
            revision = _revision(connection)
            counts = _row_counts(connection, plan)
    finally:
        snapshot.dispose()
    size, sha256 = _hash_file(path)
    return revision, counts, [BackupFile(SQLITE_FILE, size, sha256)]


def _revision(connection: Connection) -> str:
    try:
        revision = connection.scalar(text("SELECT version_num FROM alembic_version"))
    except SQLAlchemyError:
        revision = None
    if revision is None:
        raise DatabaseNotReady(
            "The database has not been created yet: run `python -m campaigns db upgrade` first."
        )
    return str(revision)


def _row_counts(connection: Connection, plan: _Plan) -> dict[str, int]:
    return {
        table.name: int(connection.scalar(select(func.count()).select_from(table)) or 0)
        for table in plan.tables
    }


def _dump_json_lines(
    engine: Engine, work: Path, plan: _Plan
) -> tuple[str, dict[str, int], list[BackupFile]]:
    """Write every table as JSON lines inside one read-only REPEATABLE READ transaction."""
    folder = work / TABLES_FOLDER
    folder.mkdir()
    counts: dict[str, int] = {}
    files: list[BackupFile] = []
    with engine.connect() as base:
        connection = base.execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True
        )
        with connection.begin():
            revision = _revision(connection)
            for table in plan.tables:
                name = f"{TABLES_FOLDER}/{table.name}.jsonl"
                counts[table.name], file = _dump_table(connection, table, work / name, name)
                files.append(file)
    return revision, counts, files


def _dump_table(
    connection: Connection, table: Table, path: Path, name: str
) -> tuple[int, BackupFile]:
    columns = list(table.columns)
    query = select(*columns).order_by(*table.primary_key.columns)
    rows = 0
    with path.open("wb") as out:
        writer = _HashingWriter(out)
        for row in connection.execution_options(yield_per=_BATCH).execute(query):
            record = {c.name: _encode(v, c) for c, v in zip(columns, row, strict=True)}
            line = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
            writer.write(line.encode("utf-8") + b"\n")
            rows += 1
        out.flush()
        os.fsync(out.fileno())
    return rows, BackupFile(name, writer.size, writer.sha256)


def _save_media(
    store: MediaStore, work: Path, settings: Settings
) -> tuple[list[MediaEntry], list[BackupFile], list[str]]:
    copy = isinstance(store, LocalStore)
    skipped = _key_file_inside(store, settings)
    media: list[MediaEntry] = []
    files: list[BackupFile] = []
    vanished: list[str] = []
    with tempfile.TemporaryDirectory(prefix="spotlight-backup-") as scratch:
        for key in sorted(store.list_keys()):
            if key == skipped:
                continue
            name = f"{MEDIA_FOLDER}/{key}"
            path = work / name if copy else Path(scratch) / "object"
            try:
                store.download_to(key, path)
            except NotFound:
                logger.warning("Media file %s vanished during the backup", key)
                vanished.append(key)
                continue
            size, sha256 = _hash_file(path)
            if copy:
                files.append(BackupFile(name, size, sha256))
            else:
                path.unlink()
            media.append(MediaEntry(key, size, sha256, name if copy else None))
    return media, files, vanished


def _key_file_inside(store: MediaStore, settings: Settings) -> str | None:
    """The store key of the applications key file, if someone put it in the media folder."""
    if not isinstance(store, LocalStore):
        return None
    key_file = Path(settings.applications_key_file).resolve()
    root = store.root.resolve()
    if not key_file.is_relative_to(root):
        return None
    return key_file.relative_to(root).as_posix()


def _write_manifest(work: Path, manifest: Manifest) -> None:
    path = work / MANIFEST
    with path.open("w", encoding="utf-8") as out:
        json.dump(manifest.as_json(), out, ensure_ascii=False, indent=2)
        out.write("\n")
        out.flush()
        os.fsync(out.fileno())
    _fsync_folder(work)


# --- Checking a backup --------------------------------------------------------------------


def _damaged(detail: str) -> InvalidInput:
    return InvalidInput(
        f"The backup cannot be trusted: {detail} Nothing was restored; use a complete, "
        "unchanged copy of the backup folder."
    )


def verify_backup(directory: Path, engine: Engine) -> Manifest:
    """Check every file of a backup against its manifest, touching nothing; raise if it fails."""
    folder = Path(directory)
    if not folder.is_dir():
        raise InvalidInput(f"There is no backup folder at {folder}.")
    manifest = _read_manifest(folder)
    _check_revision(manifest, engine)
    _check_tables(manifest)
    listed = {entry.path: entry for entry in manifest.files}
    for entry in manifest.files:
        _check_file(folder, entry)
    for media in manifest.media:
        if media.file is None:
            continue
        copy = listed.get(media.file)
        if media.file != f"{MEDIA_FOLDER}/{media.key}" or copy is None:
            raise _damaged(f"the media file {media.key} has no matching copy in the backup.")
        if (copy.size, copy.sha256) != (media.size, media.sha256):
            raise _damaged(f"the checksum of the media file {media.key} does not match.")
    needed = (
        [SQLITE_FILE]
        if manifest.layout == SQLITE_LAYOUT
        else [f"{TABLES_FOLDER}/{name}.jsonl" for name in manifest.row_counts]
    )
    if missing := [name for name in needed if name not in listed]:
        raise _damaged(f"the manifest does not list the database file {missing[0]}.")
    return manifest


def _read_manifest(folder: Path) -> Manifest:
    path = folder / MANIFEST
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInput(
            f"There is no backup in {folder}: manifest.json is missing (an unfinished or "
            "incomplete backup has none)."
        ) from None
    except OSError as exc:
        raise _damaged(f"manifest.json cannot be read ({_described(exc)}).") from None
    except UnicodeDecodeError:
        raise _damaged("manifest.json cannot be read (it is not text).") from None
    except json.JSONDecodeError as exc:
        raise _damaged(f"manifest.json is not valid JSON (line {exc.lineno}).") from None
    try:
        return _parse_manifest(raw)
    except KeyError as exc:
        raise _damaged(f"manifest.json is not a Spotlight manifest ({exc} is missing).") from None
    except ValueError as exc:
        raise _damaged(f"manifest.json is not a Spotlight manifest ({exc}).") from None
    except (TypeError, AttributeError):
        raise _damaged(
            "manifest.json is not a Spotlight manifest (a value has the wrong type)."
        ) from None


def _parse_manifest(raw: Any) -> Manifest:
    if raw.get("format") != FORMAT:
        raise ValueError("not a Spotlight backup")
    version = raw["format_version"]
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise InvalidInput(
            "This backup was made by a newer version of Spotlight, in a format this version "
            "cannot read: update Spotlight before restoring it."
        )
    database = raw["database"]
    counts = database["row_counts"]
    if not all(isinstance(n, int) and n >= 0 for n in counts.values()):
        raise ValueError("row counts must be whole numbers")
    if database["layout"] not in (SQLITE_LAYOUT, JSON_LINES_LAYOUT):
        raise ValueError(f"unknown layout {database['layout']!r}")
    files = tuple(
        BackupFile(_safe_path(f["path"]), _size(f["size"]), _sha256(f["sha256"]))
        for f in raw["files"]
    )
    if len({f.path for f in files}) != len(files):
        raise ValueError("a file is listed twice")
    media = tuple(_media_entry(m) for m in raw["media"]["objects"])
    if len({m.key for m in media}) != len(media):
        raise ValueError("a media file is listed twice")
    return Manifest(
        created_at=str(raw["created_at"]),
        spotlight_version=str(raw.get("spotlight_version", "unknown")),
        backend=str(database["backend"]),
        layout=str(database["layout"]),
        revision=str(database["alembic_revision"]),
        row_counts={str(name): int(n) for name, n in counts.items()},
        store=str(raw["media"]["store"]),
        media=media,
        files=files,
    )


def _media_entry(raw: Mapping[str, Any]) -> MediaEntry:
    key = str(raw["key"])
    try:
        validate_key(key)
    except InvalidInput:
        raise ValueError(f"media name {key[:80]!r} is not allowed") from None
    file = raw["file"]
    return MediaEntry(
        key, _size(raw["size"]), _sha256(raw["sha256"]), None if file is None else _safe_path(file)
    )


def _safe_path(value: Any) -> str:
    """A relative path that stays inside the backup folder, or ValueError."""
    if not isinstance(value, str) or not value or "\\" in value or "\x00" in value:
        raise ValueError(f"path {str(value)[:80]!r} is not allowed")
    parts = PurePosixPath(value).parts
    if value.startswith("/") or any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"path {value[:80]!r} leaves the backup folder")
    if "/".join(parts) != value:
        raise ValueError(f"path {value[:80]!r} is not written plainly")
    return value


def _size(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError("sizes must be whole numbers")
    return value


def _sha256(value: Any) -> str:
    if not isinstance(value, str) or len(value) != 64 or value.strip("0123456789abcdef"):
        raise ValueError("checksums must be 64 hexadecimal digits")
    return value


def _check_file(folder: Path, entry: BackupFile) -> None:
    path = folder / entry.path
    root = folder.resolve()
    # A link inside the backup could point anywhere: only plain files inside the folder count.
    if path.is_symlink() or not path.resolve().is_relative_to(root):
        raise _damaged(f"{entry.path} points outside the backup folder.")
    if not path.is_file():
        raise _damaged(f"the file {entry.path} is missing.")
    try:
        size, sha256 = _hash_file(path)
    except OSError as exc:
        raise _damaged(f"the file {entry.path} cannot be read ({_described(exc)}).") from None
    if (size, sha256) != (entry.size, entry.sha256):
        raise _damaged(f"the file {entry.path} has changed since the backup was made.")


def _check_revision(manifest: Manifest, engine: Engine) -> None:
    head, known = _code_head(engine)
    if manifest.revision == head:
        return
    made_by = f"Spotlight {manifest.spotlight_version}"
    if manifest.revision in known:
        raise InvalidInput(
            f"This backup was made by {made_by}, whose database layout ({manifest.revision}) "
            f"is older than this version's ({head}). Restore it with {made_by}, then upgrade "
            "with `python -m campaigns db upgrade`."
        )
    raise InvalidInput(
        f"This backup was made by {made_by}, with a database layout ({manifest.revision}) "
        "this version of Spotlight does not know. Restore it with that version (or a newer "
        "one) of Spotlight."
    )


def _check_tables(manifest: Manifest) -> None:
    expected = set(Base.metadata.tables)
    listed = set(manifest.row_counts)
    if listed != expected:
        odd = sorted(listed ^ expected)
        raise _damaged(f"its list of tables does not match this version of Spotlight ({odd[0]}).")


# --- Restoring ----------------------------------------------------------------------------


def restore_backup(
    engine: Engine, store: MediaStore, directory: Path, *, force: bool = False
) -> RestoreReport:
    """Put a checked backup back into an empty installation (or replace everything with force)."""
    folder = Path(directory)
    manifest = verify_backup(folder, engine)
    in_place = _check_media_in_place(store, manifest)
    upgrade_database(engine)
    plan = _plan()
    with (
        tempfile.TemporaryDirectory(prefix="spotlight-restore-") as scratch,
        _rows_of(manifest, folder, Path(scratch)) as read_rows,
    ):
        replaced = _restore_database(engine, store, folder, manifest, plan, read_rows, force)
    logger.info("Backup in %s restored (replaced existing data: %s)", folder, replaced)
    return RestoreReport(
        directory=folder,
        made_at=manifest.created_at,
        made_by=manifest.spotlight_version,
        source_backend=manifest.backend,
        target_backend=engine.dialect.name,
        row_counts=dict(manifest.row_counts),
        media_written=sum(1 for m in manifest.media if m.file is not None),
        media_checked_in_place=in_place,
        replaced=replaced,
    )


def _check_media_in_place(store: MediaStore, manifest: Manifest) -> int:
    """Media a bucket backup left in place must already be in the store, unchanged."""
    kept = [entry for entry in manifest.media if entry.file is None]
    if not kept:
        return 0
    with tempfile.TemporaryDirectory(prefix="spotlight-restore-check-") as scratch:
        path = Path(scratch) / "object"
        for entry in kept:
            try:
                store.download_to(entry.key, path)
            except NotFound:
                raise InvalidInput(
                    f"The backup lists media files kept in the {manifest.store}, and "
                    f"{entry.key} is not in this installation's media store "
                    f"({store.describe()}). Restore with the media store the backup was made "
                    "from."
                ) from None
            if _hash_file(path) != (entry.size, entry.sha256):
                raise InvalidInput(
                    f"The media file {entry.key} in the {store.describe()} has changed since "
                    "the backup was made; nothing was restored."
                )
            path.unlink()
    return len(kept)


RowReader = Callable[[Table], Iterator[dict[str, Any]]]


@contextmanager
def _rows_of(manifest: Manifest, folder: Path, scratch: Path) -> Iterator[RowReader]:
    """Yield a function that reads a table's rows (keyed by column) from the backup."""
    if manifest.layout == JSON_LINES_LAYOUT:
        listed = {entry.path: entry for entry in manifest.files}
        yield lambda table: _json_lines_rows(
            folder, table, listed[f"{TABLES_FOLDER}/{table.name}.jsonl"]
        )
        return
    # Work on a private copy, checked again, so the backup is never opened for writing and
    # cannot change between the check and the read.
    copy = scratch / SQLITE_FILE
    shutil.copyfile(folder / SQLITE_FILE, copy)
    expected = next(f for f in manifest.files if f.path == SQLITE_FILE)
    if _hash_file(copy) != (expected.size, expected.sha256):
        raise _damaged(f"the file {SQLITE_FILE} changed while it was being read.")
    source = create_engine(f"sqlite:///{copy}")
    try:
        with source.connect() as connection:
            try:
                revision = connection.scalar(text("SELECT version_num FROM alembic_version"))
            except SQLAlchemyError as exc:
                raise _unreadable_copy(exc) from None
            if revision != manifest.revision:
                raise _damaged("the database file is not the version the manifest names.")
            yield lambda table: _sqlite_rows(connection, table)
    finally:
        source.dispose()


def _unreadable_copy(exc: SQLAlchemyError) -> InvalidInput:
    logger.warning("Cannot read the backup's database file: %r", exc)
    return _damaged(f"the database file cannot be read ({type(exc).__name__}).")


def _sqlite_rows(connection: Connection, table: Table) -> Iterator[dict[str, Any]]:
    columns = list(table.columns)
    query = select(*columns).order_by(*table.primary_key.columns)
    try:
        for row in connection.execution_options(yield_per=_BATCH).execute(query):
            yield {c.key: v for c, v in zip(columns, row, strict=True)}
    except SQLAlchemyError as exc:
        raise _unreadable_copy(exc) from None


def _json_lines_rows(folder: Path, table: Table, expected: BackupFile) -> Iterator[dict[str, Any]]:
    columns = {c.name: (c.key, _decoder(c)) for c in table.columns}
    digest = hashlib.sha256()
    size = 0
    with (folder / expected.path).open("rb") as source:
        for number, line in enumerate(source, start=1):
            # Hashed again while read: a file changed after the check is still caught.
            digest.update(line)
            size += len(line)
            try:
                record = json.loads(line)
                if not isinstance(record, dict) or set(record) != set(columns):
                    raise ValueError("its columns are not the table's")
                row = {columns[name][0]: columns[name][1](v) for name, v in record.items()}
            except (ValueError, TypeError) as exc:
                raise _damaged(
                    f"line {number} of {expected.path} cannot be read ({exc})."
                ) from None
            yield row
    if (size, digest.hexdigest()) != (expected.size, expected.sha256):
        raise _damaged(f"the file {expected.path} changed while it was being read.")


def _restore_database(
    engine: Engine,
    store: MediaStore,
    folder: Path,
    manifest: Manifest,
    plan: _Plan,
    read_rows: RowReader,
    force: bool,
) -> bool:
    """Insert every row, then write the media, in one transaction: any failure undoes the rows."""
    with transaction(engine) as session:
        connection = session.connection()
        existing = sum(_row_counts(connection, plan).values())
        if existing and not force:
            raise Conflict(
                f"This installation already holds data ({_count(existing, 'row')}): a backup "
                "is restored only into an empty installation. Use --force to replace "
                "everything in it with the backup."
            )
        if existing:
            _empty_tables(connection, plan)
        try:
            _insert_rows(connection, manifest, plan, read_rows)
        except StatementError as exc:
            logger.warning("Restoring %s failed: %r", folder, exc)
            raise InvalidInput(
                "This database refused rows of the backup "
                f"({type(exc.orig or exc).__name__}); nothing was restored."
            ) from None
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection, plan)
        _write_media(store, folder, manifest)
    return existing > 0


def _empty_tables(connection: Connection, plan: _Plan) -> None:
    for name, columns in plan.deferred.items():
        table = Base.metadata.tables[name]
        connection.execute(update(table).values({c: None for c in columns}))
    for table in reversed(plan.tables):
        connection.execute(delete(table))


def _insert_rows(
    connection: Connection, manifest: Manifest, plan: _Plan, read_rows: RowReader
) -> None:
    later: list[tuple[Table, list[dict[str, Any]]]] = []
    for table in plan.tables:
        deferred = plan.deferred.get(table.name, ())
        # Filling a cycle column is an UPDATE, which would bump "updated_at" unless it is
        # given back its own value.
        kept = [c.key for c in table.columns if c.onupdate is not None]
        keys = [c.key for c in table.primary_key.columns]
        fill: list[dict[str, Any]] = []
        batch: list[dict[str, Any]] = []
        count = 0
        for row in read_rows(table):
            if any(row[column] is not None for column in deferred):
                fill.append({f"b_{k}": row[k] for k in (*keys, *deferred, *kept)})
                row = {**row, **dict.fromkeys(deferred)}
            batch.append(row)
            count += 1
            if len(batch) >= _BATCH:
                connection.execute(insert(table), batch)
                batch = []
        if batch:
            connection.execute(insert(table), batch)
        if count != manifest.row_counts[table.name]:
            raise _damaged(
                f"the table {table.name} holds {count} rows where the manifest says "
                f"{manifest.row_counts[table.name]}."
            )
        if fill:
            later.append((table, fill))
    for table, fill in later:
        deferred = plan.deferred[table.name]
        kept = [c.key for c in table.columns if c.onupdate is not None]
        statement = (
            update(table)
            .where(*(c == bindparam(f"b_{c.key}") for c in table.primary_key.columns))
            .values({k: bindparam(f"b_{k}") for k in (*deferred, *kept)})
        )
        connection.execute(statement, fill)


def _reset_sequences(connection: Connection, plan: _Plan) -> None:
    """Make PostgreSQL hand out ids after the restored ones."""
    preparer = connection.dialect.identifier_preparer
    for table in plan.tables:
        column = table.autoincrement_column
        if column is None:
            continue
        highest = select(func.max(column)).scalar_subquery()
        connection.execute(
            select(
                func.setval(
                    func.pg_get_serial_sequence(preparer.format_table(table), column.name),
                    func.coalesce(highest, 0) + 1,
                    False,
                )
            )
        )


def _write_media(store: MediaStore, folder: Path, manifest: Manifest) -> None:
    for entry in manifest.media:
        if entry.file is None:
            continue
        content_type = mimetypes.guess_type(entry.key)[0] or "application/octet-stream"
        stored = store.put_file(entry.key, folder / entry.file, content_type)
        if (stored.size, stored.sha256) != (entry.size, entry.sha256):
            store.delete(entry.key)
            raise _damaged(f"the media file {entry.key} changed while it was being restored.")


# --- Command line -------------------------------------------------------------------------


def cli_create(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    """`backup create DIR`: back up the installation named by the settings into DIR."""
    engine = make_engine(settings.database_url)
    try:
        ensure_schema_current(engine)
        report = create_backup(
            engine, open_store(settings), Path(args.directory), settings=settings
        )
    finally:
        engine.dispose()
    return {"message": report.sentence(), **report.as_dict()}


def cli_restore(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    """`backup restore DIR [--force]`: check the backup in DIR, then restore it."""
    engine = make_engine(settings.database_url)
    try:
        report = restore_backup(
            engine, open_store(settings), Path(args.directory), force=bool(args.force)
        )
    finally:
        engine.dispose()
    return {"message": report.sentence(), **report.as_dict()}
