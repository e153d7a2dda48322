"""Faults injected while the app runs: each ends in a clear sentence, with no orphan left behind."""

from __future__ import annotations

import errno
import os
import tempfile
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer
from sqlalchemy import Engine, create_engine, select, text

from campaigns import portraits, posts
from campaigns.auth import Actor, Role
from campaigns.db import read_only, transaction, utcnow
from campaigns.errors import StorageError
from campaigns.media import render
from campaigns.models import Portrait, PortraitVersion
from campaigns.storage import LocalStore, MediaStore, MiB
from tests.fixtures_video import make_clip
from tests.integration.s3_server import MotoS3Server
from tests.integration.test_storage_s3 import (  # noqa: F401 - aws_env is a fixture
    BUCKET,
    PREFIX,
    REGION,
    aws_env,
    build_store,
)

EDITOR = Actor(user_id=None, email="ed@school.example", role=Role.EDITOR)


# --- S3 goes down in the middle of a multipart upload ----------------------------------------


@pytest.fixture
def outage_server(request: pytest.FixtureRequest) -> Iterator[MotoS3Server]:
    request.getfixturevalue("aws_env")  # AWS settings kept away from the machine's own
    server = MotoS3Server()
    boto3.client("s3", endpoint_url=server.endpoint_url, region_name=REGION).create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    yield server
    server.stop()


def _restart_on_same_port(server: MotoS3Server) -> ThreadedMotoServer:
    """Serve again at the same address; moto keeps its buckets in this process meanwhile."""
    port = int(server.endpoint_url.rsplit(":", 1)[1])
    restarted = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    restarted.start()
    return restarted


def test_s3_outage_mid_multipart_upload_then_retry(
    outage_server: MotoS3Server, tmp_path: Path
) -> None:
    store = build_store(outage_server.endpoint_url)
    raw = boto3.client("s3", endpoint_url=outage_server.endpoint_url, region_name=REGION)
    source = tmp_path / "long.mp4"
    source.write_bytes(os.urandom(20 * MiB))
    sent = 0
    lock = threading.Lock()

    def pull_the_plug(amount: int) -> None:
        nonlocal sent
        with lock:
            sent += amount
            if sent >= 5 * MiB:  # the first part is up: the endpoint goes away
                outage_server.stop()

    with pytest.raises(StorageError) as caught:
        store.put_file("videos/long.mp4", source, "video/mp4", progress=pull_the_plug)
    message = str(caught.value)
    assert "cannot be reached" in message and "nothing was saved" in message, message
    assert "Traceback" not in message

    restarted = _restart_on_same_port(outage_server)
    try:
        # No half object: the upload never completed, so nothing is visible under the key.
        assert not store.exists("videos/long.mp4")
        assert "Contents" not in raw.list_objects_v2(Bucket=BUCKET, Prefix=f"{PREFIX}/videos/")
        stored = store.put_file("videos/long.mp4", source, "video/mp4")
        assert stored.size == 20 * MiB
        assert store.read_bytes("videos/long.mp4") == source.read_bytes()
        pending = raw.list_multipart_uploads(Bucket=BUCKET, Prefix=f"{PREFIX}/videos/")
        print(
            f"\nS3 outage survived; unfinished multipart uploads: {len(pending.get('Uploads', []))}"
        )
    finally:
        restarted.stop()
        if restarted._server is not None:
            restarted._server.server_close()


# --- Rendering: a full disk, a killed worker --------------------------------------------------


@pytest.fixture
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_clip(
        tmp_path_factory.mktemp("clip") / "clip.mp4", seconds=4.0, width=320, height=180
    )


def _queued_version(db: Engine, store: MediaStore, clip: Path) -> int:
    with transaction(db) as session:
        portrait = Portrait(
            title="Clip", source_key="", source_sha256="0" * 64,
            size_bytes=clip.stat().st_size, container="mov,mp4,m4a,3gp,3g2,mj2",
            duration_s=4.0, width=320, height=180, fps=25.0, has_audio=True,
            video_codec="h264", trim_end_s=None, cover_at_s=1.0,
        )  # fmt: skip
        session.add(portrait)
        session.flush()
        portrait.source_key = store.put_file(
            f"portraits/{portrait.id}/source.mp4", clip, "video/mp4"
        ).key
        version = PortraitVersion(portrait_id=portrait.id, preset="linkedin_1x1")
        version.status = "queued"
        session.add(version)
        session.flush()
        return version.id


def _version(db: Engine, version_id: int) -> PortraitVersion:
    with read_only(db) as session:
        version = session.get(PortraitVersion, version_id)
        assert version is not None
        return version


def _all_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Temporary files of this test go to a folder of its own, to check none are left."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_disk_full_while_ffmpeg_writes_fails_the_version_clearly(
    db: Engine, store: LocalStore, clip: Path, private_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    version_id = _queued_version(db, store, clip)
    before = _all_files(store.root)

    def full_disk(args: Any, **kwargs: Any) -> None:
        log_path = kwargs.get("log_path")
        assert isinstance(log_path, Path)
        (log_path.parent / "linkedin_1x1.mp4").write_bytes(b"half a video")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(log_path.parent))

    monkeypatch.setattr(render, "run_ffmpeg", full_disk)
    portraits.render_queued(db, store, [version_id], "ultrafast")

    version = _version(db, version_id)
    assert version.status == "failed"
    assert "disk" in version.error and version.error.endswith("."), version.error
    assert "Errno" not in version.error
    assert version.output_key is None
    assert list(private_tmp.iterdir()) == []
    assert _all_files(store.root) == before


def test_disk_full_while_storing_the_results_leaves_no_half_version(
    db: Engine, store: LocalStore, clip: Path, private_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    version_id = _queued_version(db, store, clip)
    before = _all_files(store.root)
    real_fsync = os.fsync

    def fsync_fills_the_disk(fd: int) -> None:
        # The video is stored; the disk is full when its cover comes.
        if ".linkedin_1x1.jpg." in os.readlink(f"/proc/self/fd/{fd}"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync_fills_the_disk)
    portraits.render_queued(db, store, [version_id], "ultrafast")

    version = _version(db, version_id)
    assert version.status == "failed"
    assert "free space" in version.error, version.error
    assert version.output_key is None and version.cover_key is None
    assert list(private_tmp.iterdir()) == []
    assert _all_files(store.root) == before  # neither the video nor any .part file is left


def test_a_killed_worker_is_recovered_and_the_version_rendered(
    db: Engine, store: LocalStore, clip: Path, private_tmp: Path
) -> None:
    version_id = _queued_version(db, store, clip)
    with transaction(db) as session:  # what a worker killed mid-render leaves behind
        version = session.get(PortraitVersion, version_id)
        assert version is not None
        version.status, version.attempts, version.progress = "rendering", 1, 0.4
        version.heartbeat_at = utcnow() - portraits.HEARTBEAT_STALE - timedelta(seconds=5)

    assert portraits.recover_interrupted(db) == [version_id]
    assert portraits.queued_batches(db) == [[version_id]]
    portraits.render_queued(db, store, [version_id], "ultrafast")

    version = _version(db, version_id)
    assert version.status == "done", version.error
    assert version.attempts == 2
    assert version.output_key is not None and store.exists(version.output_key)
    assert list(private_tmp.iterdir()) == []


def test_a_worker_killed_twice_gives_up_with_a_sentence(
    db: Engine, store: LocalStore, clip: Path
) -> None:
    version_id = _queued_version(db, store, clip)
    with transaction(db) as session:
        version = session.get(PortraitVersion, version_id)
        assert version is not None
        version.status, version.attempts = "rendering", portraits.MAX_ATTEMPTS
        version.heartbeat_at = utcnow() - portraits.HEARTBEAT_STALE - timedelta(seconds=5)

    assert portraits.recover_interrupted(db) == []
    version = _version(db, version_id)
    assert version.status == "failed"
    assert version.error == "Rendering was interrupted twice; try again or ask for help."


# --- PostgreSQL restarts under a running app -------------------------------------------------


@pytest.fixture
def postgres_db(postgres_url: str) -> Iterator[Engine]:
    from campaigns.db import make_engine, upgrade_database

    engine = make_engine(postgres_url)
    upgrade_database(engine)
    yield engine
    engine.dispose()


def test_the_app_survives_a_postgres_restart(postgres_db: Engine) -> None:
    db = postgres_db
    assert db.pool._pre_ping
    first = posts.create_campaign(
        db, EDITOR, posts.CampaignInput("Before", utcnow().date(), utcnow().date())
    )
    # Fill the pool with several idle connections, as a busy app would have.
    sessions = [read_only(db) for _ in range(3)]
    for session in sessions:
        session.execute(select(1))
    for session in sessions:
        session.close()

    admin = create_engine(db.url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            killed = connection.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE pid <> pg_backend_pid() AND datname = current_database()"
                )
            ).scalar_one()
    finally:
        admin.dispose()
    assert killed >= 1

    second = posts.create_campaign(
        db, EDITOR, posts.CampaignInput("After", utcnow().date(), utcnow().date())
    )
    names = [c for c in (first, second)]
    assert second > first and len(names) == 2
    print(f"\nPostgreSQL restart survived: {killed} connections terminated, next calls succeeded")
