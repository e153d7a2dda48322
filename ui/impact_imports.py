"""Applications & impact page parts: importing admissions exports, instructors' counts."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from campaigns import applications, demo
from campaigns.auth import Actor, Permission
from campaigns.demo_applications import demo_admissions_csv
from campaigns.errors import SpotlightError
from ui import resources, state
from ui.i18n import t, tr
from ui.widgets import flash

NOT_IN_FILE = ""


def import_section(db: Engine, actor: Actor) -> None:
    """Upload an admissions export, check its columns, import, read the report."""
    if not actor.can(Permission.VIEW_SENSITIVE):
        st.info(
            t("Admissions exports hold disability answers: a privacy officer or an administrator "
              "imports them.")
        )  # fmt: skip
        return
    st.caption(
        t("Names, e-mail addresses and phone numbers are refused; application ids are replaced "
          "by a keyed hash before anything is stored.")
    )  # fmt: skip
    generation = int(st.session_state.get(state.IMPACT_IMPORT_GENERATION, 0))
    upload = st.file_uploader(
        t("Admissions export (.csv or .xlsx)"), type=["csv", "xlsx", "xls"],
        key=f"impact__file_{generation}",
    )  # fmt: skip
    if upload is None:
        return
    data = upload.getvalue()
    try:
        headers = applications.read_headers(upload.name, data)
    except SpotlightError as exc:
        st.error(tr(exc.message))
        return
    saved = applications.saved_mappings(db, actor)
    choice = st.selectbox(
        t("Saved mapping"), ["", *saved],
        format_func=lambda n: t("Found from the column names") if n == "" else n,
        key="impact__mapping_saved",
    )  # fmt: skip
    base = saved.get(str(choice)) or applications.auto_mapping(headers)
    options = [NOT_IN_FILE, *headers]
    with st.expander(t("Columns ({found} of {all} found)", found=len(base),
                       all=len(applications.COLUMNS))):  # fmt: skip
        mapping: dict[str, str] = {}
        cells = st.columns(3)
        for index, column in enumerate(applications.COLUMNS):
            preset = base.get(column, NOT_IN_FILE)
            picked = cells[index % 3].selectbox(
                column.replace("_", " ") + (" *" if column in applications.REQUIRED else ""),
                options, index=options.index(preset) if preset in options else 0,
                format_func=lambda c: t("(not in this file)") if c == NOT_IN_FILE else c,
                key=f"impact__map_{choice}_{column}",
            )  # fmt: skip
            if picked:
                mapping[column] = str(picked)
        save_as = st.text_input(t("Save this mapping as (optional)"), key="impact__mapping_name")
    if not st.button(t("Import the applications"), type="primary", key="impact__import"):
        return
    try:
        if save_as.strip():
            applications.save_mapping(db, actor, save_as, mapping)
        key = applications.application_key(resources.settings())
        with st.spinner(t("Importing…")):
            report = applications.import_applications(
                db, actor, upload.name, data, key=key, mapping=mapping
            )
    except SpotlightError as exc:
        st.error(tr(exc.message))
        return
    st.session_state[state.IMPACT_IMPORT_GENERATION] = generation + 1
    flash(tr(report.summary))
    if report.rejections:
        st.session_state[state.IMPACT_LAST_REJECTIONS] = [
            (r.row, tr(r.reason)) for r in report.rejections
        ]
    st.rerun()


def last_rejections() -> None:
    """The rows the last import left out, with their reasons."""
    rows = st.session_state.get(state.IMPACT_LAST_REJECTIONS)
    if not rows:
        return
    with st.expander(t("Rows left out by the last import ({n})", n=len(rows))):
        st.dataframe(
            pd.DataFrame(rows, columns=[t("Row"), t("Why it was left out")]),
            hide_index=True, width="stretch",
        )  # fmt: skip


def demo_file(db: Engine, actor: Actor) -> None:
    """With the demo loaded: its admissions export, to import as a new user would."""
    if not actor.can(Permission.VIEW_SENSITIVE) or not demo.is_loaded(db):
        return
    st.download_button(
        t("Download the demo admissions export (.csv)"),
        lambda: demo_admissions_csv(db, date.today()),
        file_name="demo-admissions.csv", mime="text/csv", key="impact__demo_file",
        on_click="ignore",
    )  # fmt: skip


def instructors_form(db: Engine, actor: Actor) -> None:
    """Record a term's count of tech instructors and of women among them."""
    if not actor.can(Permission.EDIT_CONTENT):
        return
    with st.form("impact__instructors"):
        c1, c2, c3 = st.columns(3)
        term = c1.text_input(t("Term (e.g. 2026-autumn)"), key="impact__term")
        total = c2.number_input(t("Tech instructors"), min_value=0, step=1, key="impact__total")
        women = c3.number_input(t("Of whom women"), min_value=0, step=1, key="impact__women")
        if not st.form_submit_button(t("Record the count")):
            return
    try:
        applications.record_instructors(db, actor, term, int(women), int(total))
    except SpotlightError as exc:
        st.error(tr(exc.message))
        return
    flash(t("The instructors' count for {term} is recorded.", term=term.strip()))
    st.rerun()
