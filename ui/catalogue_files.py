"""Import & export tab: templates, a checked preview of an import, then import or cancel."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from campaigns import catalogue_io
from campaigns.auth import Actor
from campaigns.errors import SpotlightError
from campaigns.i18n import N_
from ui import state
from ui.i18n import t, tr
from ui.widgets import flash

ACTION_LABELS = {
    "create": N_("new person"),
    "update": N_("update"),
    "unchanged": N_("unchanged"),
    "error": N_("not imported"),
}


def files_view(db: Engine, actor: Actor) -> None:
    """Templates, the import with its preview, and the export."""
    st.subheader(t("Import people from a spreadsheet"))
    st.write(
        t(
            "Fill in the template (one person per line; several values in a cell are separated "
            "by “;”), then upload it. Nothing is saved until you confirm the preview. People are "
            "matched by e-mail: a known e-mail updates that person."
        )
    )
    c1, c2 = st.columns(2)
    c1.download_button(
        t("Template (Excel)"),
        catalogue_io.template_xlsx,
        file_name="role-models-template.xlsx",
        key="role_models__template_xlsx",
        on_click="ignore",
    )
    c2.download_button(
        t("Template (CSV)"),
        catalogue_io.template_csv,
        file_name="role-models-template.csv",
        key="role_models__template_csv",
        on_click="ignore",
    )
    generation = st.session_state.get(state.ROLE_MODELS_IMPORT_FILE, 0)
    upload = st.file_uploader(
        t("File to import (.csv or .xlsx)"),
        type=["csv", "xlsx", "xls"],
        key=f"role_models__import_{generation}",
    )
    if upload is not None:
        _preview_and_import(db, actor, upload.name, upload.getvalue(), generation)
    st.divider()
    _export(db, actor)


def _preview_and_import(
    db: Engine, actor: Actor, filename: str, data: bytes, generation: int
) -> None:
    try:
        preview = catalogue_io.preview_import(db, actor, data, filename)
    except SpotlightError as exc:
        st.error(tr(exc.message))
        return
    st.info(tr(preview.sentence()))
    for warning in preview.warnings:
        st.warning(tr(warning))
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("Line"): row.line,
                    t("Name"): row.full_name,
                    t("E-mail"): row.email,
                    t("What happens"): t(ACTION_LABELS[row.action]),
                    t("Problems"): " ".join(tr(p) for p in row.problems),
                    t("Warnings"): " ".join(tr(w) for w in row.warnings),
                }
                for row in preview.rows
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    to_write = preview.created + preview.updated
    c1, c2 = st.columns(2)
    if c1.button(
        t("Import {n} people", n=to_write),
        type="primary",
        disabled=to_write == 0,
        key="role_models__import_apply",
    ):
        try:
            result = catalogue_io.apply_import(db, actor, data, filename)
        except SpotlightError as exc:
            st.error(tr(exc.message))
            return
        st.session_state[state.ROLE_MODELS_IMPORT_FILE] = generation + 1
        flash(tr(result.sentence()))
        st.cache_data.clear()
        st.rerun()
    if c2.button(t("Cancel"), key="role_models__import_cancel"):
        st.session_state[state.ROLE_MODELS_IMPORT_FILE] = generation + 1
        flash(t("Import cancelled; nothing was saved."))
        st.rerun()


def _export(db: Engine, actor: Actor) -> None:
    st.subheader(t("Export the catalogue"))
    st.caption(
        t(
            "The export has the template's columns, so it can be edited and imported again. "
            "Disability details are never exported. Each export is recorded in the audit trail."
        )
    )
    c1, c2 = st.columns(2)
    fmt = c1.radio(t("Format"), ["xlsx", "csv"], horizontal=True, key="role_models__export_format")
    archived = c2.toggle(t("Include archived people"), key="role_models__export_archived")

    def build() -> bytes:
        return catalogue_io.export_role_models(db, actor, fmt, archived)

    st.download_button(
        t("Download the export"),
        build,
        file_name=f"role-models.{fmt}",
        key="role_models__export",
        on_click="ignore",
    )
