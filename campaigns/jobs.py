"""Background rendering with Huey: SQLite by default, Redis for several machines.

The worker is `python -m campaigns worker` (`make run` starts it beside the app). Jobs wait in the
queue across restarts; a worker that starts again requeues versions it left half-rendered.
"""

from __future__ import annotations

import logging
from datetime import date
from functools import cache
from pathlib import Path

from huey import Huey, RedisHuey, SqliteHuey, crontab
from sqlalchemy import Engine

from campaigns import portraits, posts
from campaigns.auth import SYSTEM
from campaigns.config import Settings, load_settings
from campaigns.db import make_engine
from campaigns.storage import MediaStore, open_store

log = logging.getLogger(__name__)


def make_huey(settings: Settings) -> Huey:
    """The job queue named by SPOTLIGHT_JOB_QUEUE."""
    if settings.job_queue.startswith(("redis://", "rediss://")):
        return RedisHuey("spotlight", url=settings.job_queue)
    path = Path(settings.job_queue)
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("spotlight", filename=str(path))


huey = make_huey(load_settings())


@cache
def _resources() -> tuple[Engine, MediaStore, str]:
    settings = load_settings()
    return make_engine(settings.database_url), open_store(settings), settings.render_speed


@huey.task()
def render_task(version_ids: list[int]) -> None:
    """Render queued versions of one portrait (one ffmpeg run for all of them)."""
    db, store, speed = _resources()
    portraits.render_queued(db, store, version_ids, speed)
    # Posts waiting for these versions were blocked as "not ready": check them again now.
    posts.recheck_posts(db)


@huey.periodic_task(crontab(hour="3", minute="15"))
def retention_task() -> None:
    """Every night: purge media kept past the retention time after a consent ended."""
    from campaigns import privacy  # imported here: the renderer does not need it

    db, store, _ = _resources()
    settings = load_settings()
    report = privacy.run_retention(
        db, store, SYSTEM, today=date.today(), days=settings.media_retention_days
    )
    log.info("retention: %s", report.sentence())


@huey.on_startup()
def _requeue_interrupted() -> None:
    db, _, _ = _resources()
    for version_ids in _requeue(db):
        log.info("requeued interrupted versions %s", version_ids)


def _requeue(db: Engine) -> list[list[int]]:
    portraits.recover_interrupted(db)
    batches = portraits.queued_batches(db)
    for batch in batches:
        render_task(batch)
    return batches


def enqueue(version_ids: list[int]) -> None:
    """Hand versions to the workers."""
    if version_ids:
        render_task(version_ids)


def run_worker(workers: int) -> None:
    """Run the queue's consumer in this process until interrupted."""
    consumer = huey.create_consumer(workers=workers, worker_type="thread")
    consumer.run()
