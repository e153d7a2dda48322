"""Reports people read: a campaign's report for leadership and the yearly mission report.

`make_report` gathers the figures from the functions the pages call (suppression included),
draws the charts from the pages' Altair specifications and writes HTML or a PDF. The command
line calls it directly; the app hands it to the job queue (campaigns.jobs.report_task).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath
from typing import Literal

from sqlalchemy import Engine

from campaigns.auth import Actor
from campaigns.config import Settings
from campaigns.engagement.analytics import PreparedData, prepare
from campaigns.engagement.frames import load_metrics
from campaigns.errors import InvalidInput
from campaigns.i18n import LANGUAGES, N_, msg
from campaigns.reports.campaign import CampaignFigures, campaign_figures, find_campaign
from campaigns.reports.figures import Progress, ReportSettings, no_progress
from campaigns.reports.mission import MissionFigures, mission_figures, year_span
from campaigns.reports.render import campaign_html, mission_html, pdf_document
from campaigns.storage import MediaStore

Kind = Literal["campaign", "mission"]
Format = Literal["pdf", "html"]
KINDS: tuple[Kind, ...] = ("campaign", "mission")
FORMATS: dict[str, Format] = {".pdf": "pdf", ".html": "html", ".htm": "html"}
CONTENT_TYPES = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}

__all__ = [
    "CampaignFigures",
    "MissionFigures",
    "Report",
    "ReportRequest",
    "ReportSettings",
    "format_of",
    "make_report",
    "parse_year",
    "report_settings",
]


@dataclass(frozen=True, slots=True)
class ReportRequest:
    """Which report, in which language and format: what a person asks for."""

    kind: Kind
    subject: str  # the campaign's tracking code, or the year
    language: str = "en"
    format: Format = "pdf"


@dataclass(frozen=True, slots=True)
class Report:
    """A finished report: the file and the figures it was made from."""

    data: bytes
    file_name: str
    content_type: str
    pages: int | None  # None for HTML
    figures: CampaignFigures | MissionFigures
    seconds: float


def report_settings(settings: Settings, on: date | None = None) -> ReportSettings:
    """The report settings of this installation: the pages' thresholds, consent checked today."""
    return ReportSettings(
        sensitive_threshold=settings.suppression_threshold,
        gender_threshold=settings.gender_suppression_threshold,
        consent_on=on or date.today(),
    )


def parse_year(text: str) -> int:
    """A year typed by a person, or a sentence saying how to write it."""
    cleaned = text.strip()
    if not re.fullmatch(r"\d{4}", cleaned) or not 2000 <= int(cleaned) <= 2100:
        raise InvalidInput(
            msg("“{text}” is not a year: write it with four digits, e.g. 2025.", text=cleaned)
        )
    return int(cleaned)


def format_of(path: str) -> Format:
    """The report's format from its file name, or a sentence saying which names work."""
    suffix = PurePath(path).suffix.lower()
    if suffix not in FORMATS:
        raise InvalidInput(N_("Name the report file .pdf or .html (for example report.pdf)."))
    return FORMATS[suffix]


def check_request(request: ReportRequest) -> None:
    """Refuse, with a sentence, a request Spotlight cannot make (before any work is done)."""
    if request.kind not in KINDS:
        raise InvalidInput(N_("A report is either a campaign report or the mission report."))
    if request.language not in LANGUAGES:
        choices = " or ".join(LANGUAGES)
        raise InvalidInput(
            msg(
                "“{language}” is not a language of the reports: choose {choices}.",
                language=request.language, choices=choices,
            )
        )  # fmt: skip
    if request.format not in CONTENT_TYPES:
        raise InvalidInput(N_("A report is written as PDF or HTML."))
    if request.kind == "mission":
        parse_year(request.subject)
    elif not request.subject.strip():
        raise InvalidInput(N_("Name the campaign by its tracking code."))


def file_name(request: ReportRequest) -> str:
    """The file name a report is offered under."""
    subject = re.sub(r"[^a-z0-9-]+", "-", request.subject.strip().lower()).strip("-") or "report"
    return f"{request.kind}-report-{subject}-{request.language}.{request.format}"


def make_report(
    db: Engine,
    store: MediaStore,
    actor: Actor,
    request: ReportRequest,
    settings: ReportSettings,
    *,
    metrics: PreparedData | None = None,
    progress: Progress = no_progress,
) -> Report:
    """Make one report from the current data; the same data always gives the same figures."""
    check_request(request)
    began = time.perf_counter()
    # A wrong code or year is said at once, before the work starts.
    if request.kind == "campaign":
        find_campaign(db, request.subject)
    else:
        year_span(db, parse_year(request.subject))
    progress(N_("Loading the reach figures"))
    data = metrics if metrics is not None else prepare(load_metrics(db, actor))
    figures: CampaignFigures | MissionFigures
    if request.kind == "campaign":
        figures = campaign_figures(
            db, store, actor, request.subject, settings, request.language,
            metrics=data, progress=progress,
        )  # fmt: skip
    else:
        figures = mission_figures(
            db, actor, parse_year(request.subject), settings, request.language,
            metrics=data, progress=progress,
        )  # fmt: skip
    progress(N_("Drawing the charts and writing the document"))
    html = (
        campaign_html(figures, request.language)
        if isinstance(figures, CampaignFigures)
        else mission_html(figures, request.language)
    )
    pages: int | None = None
    if request.format == "pdf":
        content, pages = pdf_document(html)
    else:
        content = html.encode("utf-8")
    return Report(
        data=content,
        file_name=file_name(request),
        content_type=CONTENT_TYPES[request.format],
        pages=pages,
        figures=figures,
        seconds=time.perf_counter() - began,
    )
