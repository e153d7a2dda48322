"""Background jobs with Huey (renders, reports): SQLite by default, Redis for several machines.

The worker is `python -m campaigns worker` (`make run` starts it beside the app). Jobs wait in the
queue across restarts; a worker that starts again requeues versions it left half-rendered.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from huey import Huey, RedisHuey, SqliteHuey, crontab
from sqlalchemy import Engine

from campaigns import portraits, posts
from campaigns.auth import SYSTEM, Actor, Role
from campaigns.config import Settings, load_settings
from campaigns.db import make_engine
from campaigns.storage import MediaStore, open_store

if TYPE_CHECKING:  # the reports load WeasyPrint; the renderer's worker imports them on demand
    from campaigns.reports import ReportRequest
    from campaigns.reports.jobs import ReportStatus

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


@huey.task()
def report_task(job_id: str, request: dict[str, str], actor: dict[str, Any]) -> None:
    """Make a report in the background; its status and file are kept for the page to fetch."""
    from campaigns.reports import ReportRequest, report_settings
    from campaigns.reports.jobs import run_report_job

    db, store, _ = _resources()
    who = Actor(actor.get("user_id"), str(actor["email"]), Role(actor["role"]))
    wanted = ReportRequest(
        kind=request["kind"],  # type: ignore[arg-type]  # checked when it was queued
        subject=request["subject"], language=request["language"],
        format=request["format"],  # type: ignore[arg-type]
    )  # fmt: skip
    run_report_job(
        db, store, who, wanted, report_settings(load_settings()), job_id,
        lambda status: huey.put(_report_status_key(job_id), status.as_dict()),
    )  # fmt: skip


def _report_status_key(job_id: str) -> str:
    return f"spotlight-report:{job_id}"


def enqueue_report(request: ReportRequest, actor: Actor) -> str:
    """Queue a report (refused at once, with a sentence, when it cannot be made); its job id."""
    from campaigns.reports import check_request
    from campaigns.reports.jobs import ReportStatus

    check_request(request)
    job_id = uuid.uuid4().hex
    huey.put(_report_status_key(job_id), ReportStatus(job_id, "queued").as_dict())
    report_task(
        job_id,
        {"kind": request.kind, "subject": request.subject, "language": request.language,
         "format": request.format},
        {"user_id": actor.user_id, "email": actor.email, "role": actor.role.value},
    )  # fmt: skip
    return job_id


def report_status(job_id: str) -> ReportStatus | None:
    """Where a queued report stands, or None when the queue knows no such job."""
    from campaigns.reports.jobs import ReportStatus

    found = huey.get(_report_status_key(job_id), peek=True)
    return ReportStatus.from_dict(found) if isinstance(found, dict) else None


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
