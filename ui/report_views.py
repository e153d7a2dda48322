"""Report buttons: a campaign's report and the yearly mission report, made in the background.

A click queues the report (campaigns.jobs.enqueue_report); the steps show while the worker makes
it, then a download button offers the file from the media store.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st
from sqlalchemy import Engine

from campaigns import jobs
from campaigns.auth import Actor
from campaigns.errors import SpotlightError
from campaigns.i18n import LANGUAGES
from campaigns.publishing import CampaignView
from campaigns.reports import Format, ReportRequest
from campaigns.reports.figures import application_days
from campaigns.reports.jobs import ReportStatus
from ui import resources, state
from ui.i18n import current_language, num, t, tr

FORMATS = {"pdf": "PDF", "html": "HTML"}
ACTIVE = ("queued", "running")


def campaign_report_section(actor: Actor, campaign: CampaignView) -> None:
    """The opened campaign's report: language, format, a button, then progress and download."""
    with st.expander(t("Campaign report")):
        st.caption(
            t("A document for leadership: the role models featured (with their consent), the "
              "posts per network, reach against the goals, tracked applications and the "
              "estimated effect, with every figure's period and source.")
        )  # fmt: skip
        language, fmt = _choices("campaigns__report")
        request = ReportRequest("campaign", campaign.code, language, fmt)
        _make_and_follow(actor, request, state.CAMPAIGNS_REPORT_JOB, "campaigns__report")


def mission_report_section(db: Engine, actor: Actor) -> None:
    """The yearly mission report: year, language, format, a button, then progress and download."""
    first, last = application_days(db)
    if first is None or last is None:
        st.info(t("The mission report needs applications: import the admissions export first."))
        return
    st.caption(
        t("The year's figures against the public targets, with their intervals and trend; the "
          "campaigns of the year, their reach and effects; role models by category; a note on "
          "the methods. In English or French.")
    )  # fmt: skip
    years = list(range(last.year, first.year - 1, -1))
    default = years.index(date.today().year - 1) if date.today().year - 1 in years else 0
    year = st.selectbox(t("Year"), years, index=default, key="impact__mission_year")
    language, fmt = _choices("impact__mission")
    request = ReportRequest("mission", str(year), language, fmt)
    _make_and_follow(actor, request, state.IMPACT_MISSION_JOB, "impact__mission")


def _choices(prefix: str) -> tuple[str, Format]:
    c1, c2 = st.columns(2)
    languages = list(LANGUAGES)
    language = c1.radio(
        t("Language"), languages, index=languages.index(current_language()),
        format_func=LANGUAGES.__getitem__, horizontal=True, key=f"{prefix}_language",
    )  # fmt: skip
    fmt = c2.radio(
        t("Format"), list(FORMATS), format_func=FORMATS.__getitem__, horizontal=True,
        key=f"{prefix}_format",
    )  # fmt: skip
    return str(language), "html" if fmt == "html" else "pdf"


def _make_and_follow(actor: Actor, request: ReportRequest, job_key: str, prefix: str) -> None:
    """The button that queues the report, and what became of the last one asked for here."""
    if st.button(t("Make the report"), type="primary", key=f"{prefix}_make"):
        try:
            job_id = jobs.enqueue_report(request, actor)
        except SpotlightError as exc:
            st.error(tr(exc.message))
            return
        st.session_state[job_key] = {"job": job_id, "subject": request.subject}
    job: dict[str, Any] | None = st.session_state.get(job_key)
    if not job or job.get("subject") != request.subject:
        return  # nothing asked yet, or the last report was of another campaign or year
    status = jobs.report_status(str(job["job"]))
    if status is None:
        st.warning(t("This report is no longer in the queue: make it again."))
    elif status.state in ACTIVE:
        _progress(job_key)
    else:
        _finished(status, prefix)


@st.fragment(run_every=1.5)
def _progress(job_key: str) -> None:
    job: dict[str, Any] | None = st.session_state.get(job_key)
    status = jobs.report_status(str(job["job"])) if job else None
    if status is None or status.state not in ACTIVE:
        st.rerun()  # finished: redraw once with the download button
        return
    if status.state == "queued":
        st.info(
            t("Waiting for the background worker to start the report (it runs beside the app)…")
        )
        return
    with st.status(t("Making the report…"), expanded=True):
        for number, step in enumerate(status.steps, start=1):
            done = number < len(status.steps)
            st.write(("✓ " if done else "… ") + tr(step))


def _finished(status: ReportStatus, prefix: str) -> None:
    if status.state == "failed":
        st.error(tr(status.error))
        return
    key = status.key or ""
    pages = t("{n} pages", n=num(status.pages)) if status.pages else status.file_name
    st.success(
        t("The report is ready ({pages}, made in {seconds} s).", pages=pages,
          seconds=num(status.seconds or 0, 1))
    )  # fmt: skip
    st.download_button(
        t("Download the report"), lambda: resources.store().read_bytes(key),
        file_name=status.file_name, mime=status.content_type, key=f"{prefix}_download",
        on_click="ignore", icon=":material/download:",
    )  # fmt: skip
