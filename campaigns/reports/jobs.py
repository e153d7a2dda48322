"""A report made in the background: its steps as they happen, then the file in the media store.

The queue itself (Huey) lives in campaigns.jobs; this module holds what a report job does and
the status it leaves behind, as plain values any queue backend can keep.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from typing import Any, Literal

from sqlalchemy import Engine

from campaigns.auth import Actor
from campaigns.errors import SpotlightError
from campaigns.i18n import N_
from campaigns.reports import Report, ReportRequest, make_report
from campaigns.reports.figures import ReportSettings
from campaigns.storage import MediaStore

log = logging.getLogger(__name__)

State = Literal["queued", "running", "done", "failed"]
FOLDER = "reports"
KEEP_DAYS = 7
FAILED = N_(
    "Something went wrong while making the report; the details are in the worker's log. "
    "Try again, and tell an administrator if it happens again."
)


@dataclass(frozen=True, slots=True)
class ReportStatus:
    """Where a report job stands; `key` names the finished file in the media store."""

    job_id: str
    state: State
    steps: tuple[str, ...] = ()  # the steps started so far, the last one running
    key: str | None = None
    file_name: str = ""
    content_type: str = ""
    pages: int | None = None
    seconds: float | None = None
    error: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Plain values for the queue's storage."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReportStatus:
        """The status kept by the queue's storage."""
        return cls(**{**data, "steps": tuple(data.get("steps", ()))})


def report_key(job_id: str, file_name: str, day: date) -> str:
    """Where a finished report is kept in the media store (under the day it was made)."""
    return f"{FOLDER}/{day.isoformat()}/{job_id}/{file_name}"


def purge_old_reports(store: MediaStore, today: date, keep_days: int = KEEP_DAYS) -> int:
    """Delete report files made more than `keep_days` ago; returns how many went.

    A report is downloaded soon after it is made. Keeping the files longer would keep photos
    and names of people who may since have withdrawn their consent.
    """
    oldest = (today - timedelta(days=keep_days)).isoformat()
    gone = 0
    for key in list(store.list_keys()):
        parts = key.split("/")
        if len(parts) == 4 and parts[0] == FOLDER and parts[1] < oldest:
            store.delete(key)
            gone += 1
    return gone


def run_report_job(
    db: Engine,
    store: MediaStore,
    actor: Actor,
    request: ReportRequest,
    settings: ReportSettings,
    job_id: str,
    record: Callable[[ReportStatus], None],
) -> ReportStatus:
    """Make the report, telling `record` each step, and keep the file in the media store."""
    status = ReportStatus(job_id, "running")
    record(status)

    def progress(step: str) -> None:
        nonlocal status
        status = replace(status, steps=(*status.steps, step))
        record(status)

    try:
        report: Report = make_report(db, store, actor, request, settings, progress=progress)
        today = date.today()
        key = store.put_bytes(
            report_key(job_id, report.file_name, today), report.data, report.content_type
        ).key
        try:
            gone = purge_old_reports(store, today)
        except SpotlightError as exc:  # the new report is safe; old ones go next time
            log.warning("reports: old report files not deleted (%s)", exc)
        else:
            if gone:
                log.info("reports: %d files older than %d days deleted", gone, KEEP_DAYS)
    except SpotlightError as exc:
        status = replace(status, state="failed", error=exc.message)
    except Exception:
        log.exception("report job %s failed", job_id)
        status = replace(status, state="failed", error=FAILED)
    else:
        status = replace(
            status, state="done", key=key, file_name=report.file_name,
            content_type=report.content_type, pages=report.pages,
            seconds=round(report.seconds, 1),
        )  # fmt: skip
    record(status)
    return status
