"""Reach page parts: dropping analytics exports in, and the queue of rows waiting for a post."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from campaigns.auth import Actor, Permission
from campaigns.engagement import importing
from campaigns.engagement.analytics import METRICS
from campaigns.engagement.importing import PLATFORM_LABELS, ImportReport
from campaigns.engagement.parsing import ColumnMapping, read_columns
from campaigns.errors import SpotlightError
from campaigns.i18n import N_
from campaigns.scheduling import NETWORKS, network_label
from ui import state
from ui.i18n import day, moment, num, t, tr
from ui.widgets import empty_state, flash

FIELDS = {
    "network_post_id": N_("Post id on the network"),
    "post_url": N_("Post address (URL)"),
    "title": N_("Post text or title"),
    "published_at": N_("Publication time"),
    "day": N_("Day of the figures (daily tables only)"),
}
METRIC_LABELS = {
    "impressions": N_("Impressions / views"),
    "reach": N_("Reach"),
    "video_views": N_("Video views"),
    "watch_time_seconds": N_("Watch time (seconds)"),
    "average_view_duration_seconds": N_("Average view duration"),
    "completion_rate": N_("Completion rate"),
    "likes": N_("Likes / reactions"),
    "comments": N_("Comments"),
    "shares": N_("Shares / reposts"),
    "saves": N_("Saves"),
    "link_clicks": N_("Link clicks"),
    "follows": N_("Follows"),
    "engagement_rate": N_("Engagement rate"),
}
NEW_MAPPING = ""


def _mapping_step(file_name: str, data: bytes, saved: dict[str, ColumnMapping]) -> ColumnMapping:
    """Pick, for each thing Spotlight keeps, the column of the team's own table holding it."""
    try:
        columns = read_columns(file_name, data)
    except SpotlightError as exc:
        st.error(tr(exc.message))
        return ColumnMapping({})
    choice = st.selectbox(
        t("Saved mapping"), [NEW_MAPPING, *saved],
        format_func=lambda n: t("A new mapping") if n == NEW_MAPPING else n,
        key="reach__mapping_saved",
    )  # fmt: skip
    base = saved.get(str(choice), ColumnMapping({}))
    network = st.selectbox(
        t("The figures are from"), NETWORKS, format_func=network_label,
        index=NETWORKS.index(base.platform) if base.platform in NETWORKS else 0,
        key=f"reach__mapping_network_{choice}",
    )  # fmt: skip
    options = ["", *columns]
    chosen: dict[str, str] = {}
    pairs = [*FIELDS.items(), *((m, METRIC_LABELS[m]) for m in METRICS)]
    cells = st.columns(3)
    for index, (field, label) in enumerate(pairs):
        preset = base.columns.get(field, "")
        picked = cells[index % 3].selectbox(
            t(label), options, index=options.index(preset) if preset in options else 0,
            format_func=lambda c: t("(not in this file)") if c == "" else c,
            key=f"reach__map_{choice}_{field}",
        )  # fmt: skip
        if picked:
            chosen[field] = str(picked)
    return ColumnMapping(chosen, platform=str(network))


def _show_report(report: ImportReport) -> None:
    if report.already_imported_on is not None:
        st.info(tr(report.summary))
        return
    if report.rejected:
        st.warning(tr(report.summary))
    else:
        st.success(tr(report.summary))
    for note in report.notes:
        st.caption(tr(note))
    if report.rejections:
        st.dataframe(
            pd.DataFrame(
                {
                    t("Row"): [r.row for r in report.rejections],
                    t("Sheet or file"): [r.sheet for r in report.rejections],
                    t("Why it was left out"): [tr(r.reason) for r in report.rejections],
                }
            ),
            hide_index=True,
            width="stretch",
        )


def import_section(db: Engine, actor: Actor) -> None:
    """Upload one or more exports, say where they come from, import, read the report."""
    if not actor.can(Permission.EDIT_CONTENT):
        st.info(t("Importing exports needs an editor's account."))
        return
    generation = int(st.session_state.get(state.REACH_IMPORT_GENERATION, 0))
    files = (
        st.file_uploader(
            t("Analytics exports (.csv, .xlsx, .xls or YouTube's .zip)"),
            type=["csv", "xlsx", "xls", "zip"],
            accept_multiple_files=True,
            key=f"reach__files_{generation}",
        )
        or []
    )
    platform = st.selectbox(
        t("Where the files come from"), list(PLATFORM_LABELS),
        format_func=lambda p: tr(PLATFORM_LABELS[p]), key="reach__platform",
    )  # fmt: skip
    mapping: ColumnMapping | None = None
    save_as = ""
    if platform == "csv":
        if len(files) != 1:
            st.info(t("Choose one file at a time to map its columns."))
            return
        mapping = _mapping_step(files[0].name, files[0].getvalue(), _saved(db, actor))
        save_as = st.text_input(t("Save this mapping as (optional)"), key="reach__mapping_name")
    if not st.button(t("Import"), type="primary", disabled=not files, key="reach__import"):
        return
    if mapping is not None and save_as.strip():
        try:
            importing.save_mapping(db, actor, save_as, mapping)
        except SpotlightError as exc:
            st.error(tr(exc.message))
            return
    reports = []
    for upload in files:
        try:
            reports.append(
                importing.import_metrics(
                    db,
                    actor,
                    upload.name,
                    upload.getvalue(),
                    platform=str(platform),
                    mapping=mapping,
                )
            )
        except SpotlightError as exc:
            st.error(t("{label}: {value}", label=upload.name, value=tr(exc.message)))
    for report in reports:
        _show_report(report)
    if reports:
        st.session_state[state.REACH_IMPORT_GENERATION] = generation + 1


def _saved(db: Engine, actor: Actor) -> dict[str, ColumnMapping]:
    try:
        return importing.saved_mappings(db, actor)
    except SpotlightError as exc:
        st.error(tr(exc.message))
        return {}


def review_queue(db: Engine, actor: Actor, groups: list[importing.UnmatchedGroup]) -> None:
    """Rows no post matched: confirm the post they belong to, or set them aside."""
    if not groups:
        empty_state(
            t("Nothing waiting"),
            t("Every imported row found its post. Rows that do not will wait here."),
        )
        return
    editor = actor.can(Permission.EDIT_CONTENT)
    for group in groups:
        key = group.row_ids[0]
        with st.container(border=True):
            title = group.title or t("(no text)")
            st.markdown(f"**{network_label(group.platform)}** · {title}")
            where = group.post_url or group.network_post_id or t("no address in the export")
            span = (
                f"{day(group.first_day)} – {day(group.last_day)}"
                if group.first_day and group.last_day
                else t("lifetime totals")
            )
            st.caption(" · ".join([where, span, _figures(group), group.source]))
            if not editor:
                continue
            suggestions = {s.post_id: s for s in group.suggestions}
            if not suggestions:
                st.info(t("No post of this network went out within a day of it."))
            post_id = st.selectbox(
                t("Belongs to"), [None, *suggestions],
                format_func=lambda i, found=suggestions: t("Choose a post") if i is None else
                f"#{i} {found[i].text[:60]} ({tr(found[i].why)})",
                key=f"reach__queue_post_{key}",
            )  # fmt: skip
            c1, c2 = st.columns(2)
            if c1.button(t("Confirm"), key=f"reach__confirm_{key}", disabled=post_id is None):
                _resolve(db, actor, group, post_id)
            if c2.button(t("Not ours, dismiss"), key=f"reach__dismiss_{key}"):
                _resolve(db, actor, group, None)


def _figures(group: importing.UnmatchedGroup) -> str:
    if group.impressions or not group.video_views:
        return t("{n} impressions", n=num(group.impressions))
    return t("{n} video views", n=num(group.video_views))


def _resolve(
    db: Engine, actor: Actor, group: importing.UnmatchedGroup, post_id: int | None
) -> None:
    try:
        if post_id is None:
            importing.dismiss_unmatched(db, actor, group.row_ids)
            flash(t("The rows are set aside."))
        else:
            importing.confirm_unmatched(db, actor, group.row_ids, int(post_id))
            flash(t("The figures now count for post #{id}.", id=post_id))
    except SpotlightError as exc:
        st.error(tr(exc.message))
        return
    st.rerun()


def history(db: Engine, actor: Actor) -> None:
    """The latest imports."""
    items = importing.list_imports(db, actor)
    if not items:
        return
    st.dataframe(
        pd.DataFrame(
            {
                t("Imported"): [moment(i.imported_at, "short") for i in items],
                t("File"): [i.file_name for i in items],
                t("Network"): [network_label(i.platform) for i in items],
                t("By"): [i.imported_by for i in items],
                t("New"): [i.imported for i in items],
                t("Updated"): [i.updated for i in items],
                t("Waiting"): [i.unmatched for i in items],
                t("Left out"): [i.rejected for i in items],
            }
        ),
        hide_index=True,
        width="stretch",
    )
