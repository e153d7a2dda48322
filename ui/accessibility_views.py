"""Accessibility section of a campaign: shares of posts with captions, alt text and transcripts.

Everything is said in words and numbers (tables, sentences), never by colour alone.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from campaigns.accessibility import CampaignAccessibility, PostGap, campaign_accessibility
from campaigns.auth import Actor
from campaigns.errors import SpotlightError
from campaigns.publishing import STATUS_LABELS
from ui.i18n import moment, pct, t, tr


def _share(share: float | None, count: int, total: int, of_what: str) -> str:
    if share is None:
        return t("no {what} yet", what=of_what)
    return t(
        "{share} of the {what} ({count} of {total})",
        share=pct(share),
        what=of_what,
        count=count,
        total=total,
    )


def _summary(report: CampaignAccessibility) -> None:
    videos, every = t("video posts"), t("posts")
    lines = [
        (t("Captions"), _share(report.captions_share, report.with_captions,
                               report.video_posts, videos)),
        (t("Alt text"), _share(report.alt_text_share, report.with_alt_text, report.posts, every)),
        (t("Transcript"), _share(report.transcript_share, report.with_transcript,
                                 report.video_posts, videos)),
    ]  # fmt: skip
    st.markdown("\n".join(f"- **{what}**: {said}" for what, said in lines))
    rows = (
        (t("Captions"), t("Video posts"), report.video_posts, report.with_captions,
         report.captions_share),
        (t("Alt text"), t("Every post"), report.posts, report.with_alt_text,
         report.alt_text_share),
        (t("Transcript"), t("Video posts"), report.video_posts, report.with_transcript,
         report.transcript_share),
    )  # fmt: skip
    st.table(
        pd.DataFrame(
            {
                t("What"): [r[0] for r in rows],
                t("Asked of"): [r[1] for r in rows],
                t("Posts concerned"): [r[2] for r in rows],
                t("With it"): [r[3] for r in rows],
                t("Missing"): [r[2] - r[3] for r in rows],
                t("Share"): ["—" if r[4] is None else pct(r[4]) for r in rows],
            }
        ),
        hide_index=True,
    )


def _gaps(heading: str, gaps: tuple[PostGap, ...]) -> None:
    if not gaps:
        return
    st.markdown(f"**{heading}** ({len(gaps)})")
    st.table(
        pd.DataFrame(
            {
                t("Post"): [f"#{g.post_id} {g.title}" for g in gaps],
                t("When (account's time)"): [
                    f"{moment(g.local_time, 'short')} {g.local_time.tzname() or ''}".strip()
                    for g in gaps
                ],
                t("Account"): [g.account for g in gaps],
                t("Status"): [t(STATUS_LABELS.get(g.status, g.status)) for g in gaps],
                t("What to do"): [" ".join(tr(fix) for fix in g.fixes) for g in gaps],
            }
        ),
        hide_index=True,
    )


def accessibility_section(db: Engine, actor: Actor, campaign_id: int) -> None:
    """How many of the campaign's posts have captions, alt text and a transcript, and the gaps."""
    st.subheader(t("Accessibility"))
    try:
        report = campaign_accessibility(db, campaign_id, actor=actor)
    except SpotlightError as exc:
        st.error(tr(exc.message))
        return
    if not report.posts:
        st.caption(t("Once the campaign has posts, this says how many have captions and alt text."))
        return
    st.caption(
        t(
            "{posts} posts counted (cancelled ones are not), {videos} of them with a video. "
            "Captions and alt text are needed before a post can be sent for review; a missing "
            "transcript is a warning.",
            posts=report.posts,
            videos=report.video_posts,
        )
    )
    _summary(report)
    _gaps(t("Posts without captions"), report.missing_captions)
    _gaps(t("Posts without alt text"), report.missing_alt_text)
    _gaps(t("Posts whose video has no transcript"), report.missing_transcript)
    if not (report.missing_captions or report.missing_alt_text or report.missing_transcript):
        st.markdown(t("Every post has what it needs: captions, alt text and transcripts."))
