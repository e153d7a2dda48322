"""Many users at once: no lost update, no "database is locked", and one worker per render job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from huey.storage import SqliteStorage
from sqlalchemy import Engine, select

from campaigns import catalogue, jobs, portraits, posts
from campaigns.auth import Actor, Role
from campaigns.catalogue import CatalogueFilter
from campaigns.db import read_only, transaction
from campaigns.errors import Conflict
from campaigns.models import Portrait, PortraitVersion, Post
from campaigns.posts import CampaignInput, PostInput
from campaigns.storage import LocalStore
from tests.fixtures_people import profile
from tests.fixtures_video import make_clip

THREADS = 8
OPERATIONS = 40
MAX_RETRIES = 200
EDITOR = Actor(user_id=None, email="ed@school.example", role=Role.EDITOR)
TODAY = date.today()
SOON = datetime.combine(TODAY + timedelta(days=10), datetime.min.time()).replace(hour=12)


def _post_state(db: Engine, post_id: int) -> tuple[int, str]:
    with read_only(db) as session:
        post = session.get(Post, post_id)
        assert post is not None
        return post.version, post.text


def test_mixed_readers_and_writers_lose_no_update(db: Engine) -> None:
    person = catalogue.create_role_model(db, EDITOR, profile())
    campaign = posts.create_campaign(
        db, EDITOR, CampaignInput("Spring", TODAY, TODAY + timedelta(days=60))
    )
    account = posts.create_account(
        db, EDITOR, "UK LinkedIn", "linkedin", "school", "en", "Europe/London"
    )

    def post_input(text: str) -> PostInput:
        return PostInput(campaign, account, SOON, text)

    shared = posts.create_post(db, EDITOR, post_input("tokens:"))
    lock = threading.Lock()
    conflicts = 0
    appended: list[str] = []
    created: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def append_token(token: str) -> None:
        nonlocal conflicts
        for _ in range(MAX_RETRIES):
            version, text = _post_state(db, shared)
            try:
                posts.update_post(db, EDITOR, shared, version, post_input(f"{text} {token}"))
            except Conflict:
                with lock:
                    conflicts += 1
                continue
            with lock:
                appended.append(token)
            return
        raise AssertionError(f"{token} was never saved after {MAX_RETRIES} conflicts")

    def worker(n: int) -> None:
        try:
            start.wait()
            for i in range(OPERATIONS):
                step = i % 5
                if step == 0:
                    append_token(f"t{n}-{i}")
                elif step == 1:
                    post_id = posts.create_post(db, EDITOR, post_input(f"post {n}-{i}"))
                    with lock:
                        created.append(post_id)
                elif step == 2:
                    # Everyone edits the same person: last writer wins, but no one may fail.
                    bio = f"Edited by worker {n} at step {i}."
                    catalogue.update_role_model(db, EDITOR, person, profile(bio=bio))
                elif step == 3:
                    assert any(p.id == shared for p in posts.list_posts(db, EDITOR))
                else:
                    found = catalogue.search_role_models(db, EDITOR, CatalogueFilter(), TODAY, 30)
                    assert found is not None
        except BaseException as exc:
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a worker is stuck"

    messages = [f"{type(e).__name__}: {e}" for e in errors]
    assert not any("database is locked" in m.lower() for m in messages), messages
    assert errors == [], messages

    expected = {f"t{n}-{i}" for n in range(THREADS) for i in range(0, OPERATIONS, 5)}
    _, text = _post_state(db, shared)
    seen = Counter(text.split()[1:])
    lost = sorted(expected - set(seen))
    doubled = sorted(token for token, count in seen.items() if count != 1)
    print(
        f"\n[{db.dialect.name}] {THREADS} threads x {OPERATIONS} operations: "
        f"{len(appended)} appends, {conflicts} conflicts seen and retried, "
        f"{len(lost)} updates lost, {len(doubled)} duplicated"
    )
    assert lost == [], f"lost updates: {lost}"
    assert doubled == [], f"tokens saved more than once: {doubled}"
    assert set(seen) == expected
    assert len(created) == len(set(created)) == THREADS * (OPERATIONS // 5)
    listed = {p.id for p in posts.list_posts(db, EDITOR)}
    assert listed == {shared, *created}
    bio = catalogue.get_role_model(db, EDITOR, person).profile.bio
    assert bio.startswith("Edited by worker")


# --- Two render workers on one queue -------------------------------------------------------

RENDER_JOBS = 4
WORKER_SCRIPT = """
import sys
from pathlib import Path
from campaigns import jobs, portraits

log = Path(sys.argv[1])
store_results = portraits._store_results

def counted(db, store, portrait, versions, rendered, captions_path):
    with log.open("a") as out:
        out.write("".join(f"{v.id}\\n" for v in versions))
    store_results(db, store, portrait, versions, rendered, captions_path)

portraits._store_results = counted
jobs.run_worker(1)
"""


def _queued_portraits(db: Engine, store: LocalStore, clip: Path) -> list[int]:
    """RENDER_JOBS portraits sharing one tiny clip, each with one queued LinkedIn version."""
    version_ids: list[int] = []
    for n in range(RENDER_JOBS):
        with transaction(db) as session:
            portrait = Portrait(
                title=f"Clip {n}", source_key="", source_sha256=f"{n:064d}",
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
            version_ids.append(version.id)
    return version_ids


def test_two_workers_render_each_version_exactly_once(
    db: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = LocalStore(tmp_path / "media")
    clip = make_clip(tmp_path / "clip.mp4", seconds=4.0, width=320, height=180)
    version_ids = _queued_portraits(db, store, clip)
    queue = tmp_path / "jobs.db"
    # This process enqueues into the same SQLite queue file the two workers consume.
    monkeypatch.setattr(jobs.huey, "storage", SqliteStorage("spotlight", filename=str(queue)))
    for version_id in version_ids:
        jobs.enqueue([version_id])
        jobs.enqueue([version_id])  # a double click: the second job must find nothing to do

    log = tmp_path / "rendered.log"
    env = {
        **os.environ,
        "SPOTLIGHT_DATABASE_URL": db.url.render_as_string(hide_password=False),
        "SPOTLIGHT_MEDIA_STORE": str(tmp_path / "media"),
        "SPOTLIGHT_JOB_QUEUE": str(queue),
        "SPOTLIGHT_RENDER_SPEED": "ultrafast",
    }
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER_SCRIPT, str(log)],
            env=env,
            cwd=Path(__file__).resolve().parents[2],
            stdout=subprocess.DEVNULL,
            stderr=(tmp_path / f"worker{n}.err").open("w"),
        )
        for n in range(2)
    ]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with read_only(db) as session:
                statuses = session.scalars(
                    select(PortraitVersion.status).where(PortraitVersion.id.in_(version_ids))
                ).all()
            if all(s in ("done", "failed") for s in statuses):
                break
            assert all(w.poll() is None for w in workers), "a worker stopped early"
            time.sleep(0.2)
        time.sleep(1.0)  # let any duplicate job that slipped through finish too
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGINT)
        for worker in workers:
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()

    with read_only(db) as session:
        versions = session.scalars(
            select(PortraitVersion).where(PortraitVersion.id.in_(version_ids))
        ).all()
    rendered = Counter(int(line) for line in log.read_text().split())
    print(
        f"\n[{db.dialect.name}] {len(version_ids)} versions, {2 * len(version_ids)} jobs, "
        f"2 workers: renders per version {dict(rendered)}"
    )
    assert [v.status for v in versions] == ["done"] * RENDER_JOBS, [v.error for v in versions]
    assert [v.attempts for v in versions] == [1] * RENDER_JOBS
    assert rendered == dict.fromkeys(version_ids, 1)
    for version in versions:
        folder = f"portraits/{version.portrait_id}/versions/{version.id}/"
        outputs = [k for k in store.list_keys() if k.startswith(folder) and k.endswith(".mp4")]
        assert outputs == [version.output_key]


def _claim_at_once(
    db: Engine, version_ids: list[int], start: threading.Barrier, owned: list[list[int]]
) -> None:
    start.wait()
    owned.append(portraits._claim(db, version_ids))  # list.append is atomic


def test_simultaneous_claims_give_each_version_to_one_worker(db: Engine, tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "media")
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"not rendered in this test")
    version_ids = _queued_portraits(db, store, clip)
    rounds, claimants = 15, 6
    double_claims = 0
    for _ in range(rounds):
        with transaction(db) as session:
            for version in session.scalars(
                select(PortraitVersion).where(PortraitVersion.id.in_(version_ids))
            ):
                version.status, version.attempts = "queued", 0
        start = threading.Barrier(claimants)
        owned: list[list[int]] = []
        threads = [
            threading.Thread(target=_claim_at_once, args=(db, version_ids, start, owned))
            for _ in range(claimants)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        claimed = Counter(v for mine in owned for v in mine)
        double_claims += sum(count - 1 for count in claimed.values())
        assert sorted(claimed) == sorted(version_ids)
    print(f"\n[{db.dialect.name}] {rounds} rounds x {claimants} claimants: {double_claims} doubles")
    assert double_claims == 0
