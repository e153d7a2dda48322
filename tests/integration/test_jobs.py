"""The render queue: jobs run the same rendering as the command line, and survive restarts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from campaigns import catalogue, consent, jobs, portraits, posts
from campaigns.auth import Actor, Role
from campaigns.db import transaction, utcnow
from campaigns.models import PortraitVersion
from campaigns.portraits import PortraitInput
from campaigns.storage import LocalStore
from tests.fixtures_people import PDF, consent_form, profile
from tests.fixtures_video import make_clip

EDITOR = Actor(user_id=None, email="ed@school.example", role=Role.EDITOR)


@pytest.fixture
def queue_in_process(
    sqlite_db: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Engine, LocalStore]]:
    """Jobs run at once in this process, against the test's database and media folder."""
    monkeypatch.setenv("SPOTLIGHT_DATABASE_URL", str(sqlite_db.url))
    monkeypatch.setenv("SPOTLIGHT_MEDIA_STORE", str(tmp_path / "media"))
    monkeypatch.setenv("SPOTLIGHT_RENDER_SPEED", "ultrafast")
    jobs._resources.cache_clear()
    monkeypatch.setattr(jobs.huey, "immediate", True)
    yield sqlite_db, LocalStore(tmp_path / "media")
    jobs._resources.cache_clear()


def portrait_with_versions(db: Engine, store: LocalStore, tmp_path: Path) -> list[int]:
    pid = catalogue.create_role_model(db, EDITOR, profile())
    consent.record_consent(
        db, store, EDITOR, pid, consent_form(date.today()), consent.Proof("p.pdf", PDF)
    )
    clip = make_clip(tmp_path / "clip.mp4", seconds=4.0)
    with clip.open("rb") as upload:
        portrait_id = portraits.add_portrait(
            db, store, EDITOR, upload, clip.name,
            PortraitInput("Amina", (pid,), alt_text="Amina talks."), max_bytes=10**8,
        )  # fmt: skip
    captions = b"1\n00:00:00,200 --> 00:00:01,500\nHello, I am Amina.\n"
    portraits.set_captions(db, store, EDITOR, portrait_id, captions, "captions.srt")
    return list(portraits.request_versions(db, EDITOR, portrait_id, ["linkedin_1x1"]).version_ids)


def test_an_enqueued_job_renders_the_versions(
    queue_in_process: tuple[Engine, LocalStore], tmp_path: Path
) -> None:
    db, store = queue_in_process
    version_ids = portrait_with_versions(db, store, tmp_path)
    jobs.enqueue(version_ids)
    with transaction(db, write=False) as session:
        version = session.get(PortraitVersion, version_ids[0])
        assert version is not None
        assert version.status == "done"
        assert version.output_key is not None
    assert store.exists(version.output_key)


def test_a_restarted_worker_renders_what_was_interrupted(
    queue_in_process: tuple[Engine, LocalStore], tmp_path: Path
) -> None:
    db, store = queue_in_process
    version_ids = portrait_with_versions(db, store, tmp_path)
    with transaction(db) as session:
        version = session.get(PortraitVersion, version_ids[0])
        assert version is not None
        version.status, version.attempts = "rendering", 1
        version.heartbeat_at = utcnow() - timedelta(minutes=5)
    assert jobs._requeue(db) == [version_ids]
    with transaction(db, write=False) as session:
        version = session.get(PortraitVersion, version_ids[0])
        assert version is not None
        assert version.status == "done"


def test_a_post_waiting_for_its_version_is_unblocked_when_the_job_finishes(
    queue_in_process: tuple[Engine, LocalStore], tmp_path: Path
) -> None:
    db, store = queue_in_process
    (version_id,) = portrait_with_versions(db, store, tmp_path)
    campaign = posts.create_campaign(
        db, EDITOR, posts.CampaignInput("Spring", date.today(), date.today() + timedelta(days=30))
    )
    account = posts.create_account(
        db, EDITOR, "UK LinkedIn", "linkedin", "school", "en", "Europe/London"
    )
    when = datetime.combine(date.today() + timedelta(days=3), time(10))
    post_id = posts.create_post(
        db, EDITOR,
        posts.PostInput(campaign, account, when, "Meet Amina.", alt_text="Amina talks.",
                        portrait_version_id=version_id),
    )  # fmt: skip

    def reasons() -> tuple[str, ...]:
        return next(p for p in posts.list_posts(db, EDITOR) if p.id == post_id).blocked_reasons

    assert reasons() == ("The video version is not ready.",)
    jobs.enqueue([version_id])
    assert reasons() == ()


def test_the_nightly_retention_job_runs_with_the_configured_period(
    queue_in_process: tuple[Engine, LocalStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    from campaigns import privacy

    seen: dict[str, object] = {}
    real = privacy.run_retention

    def spy(*args: object, **kwargs: object) -> object:
        seen.update(kwargs)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setenv("SPOTLIGHT_MEDIA_RETENTION_DAYS", "45")
    monkeypatch.setattr(privacy, "run_retention", spy)
    jobs.retention_task.call_local()
    assert seen["days"] == 45
    assert seen["today"] == date.today()
    nightly = jobs.retention_task.task_class()
    assert nightly.validate_datetime(datetime(2026, 1, 5, 3, 15))
    assert not nightly.validate_datetime(datetime(2026, 1, 5, 12, 0))
