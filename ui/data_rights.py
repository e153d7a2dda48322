"""A person's data rights, for privacy officers: export everything held, or erase it."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from campaigns import privacy
from campaigns.auth import Actor, Permission
from campaigns.errors import SpotlightError
from ui import resources, state
from ui.i18n import t, tr
from ui.widgets import flash


def data_rights(db: Engine, actor: Actor, person_id: int, name: str) -> None:
    """Right of access (a zip) and right to erasure (a dry run first, then a confirmation)."""
    if not actor.can(Permission.HANDLE_DATA_REQUESTS):
        st.info(t("Requests about a person's data are handled by a privacy officer."))
        return
    st.markdown(t("**Access and portability**"))
    st.caption(t("Everything held on the person: profile, consents and proofs, media, posts, "
                 "audit entries, with a readable summary on top."))  # fmt: skip
    st.download_button(
        t("Download everything held on {name} (.zip)", name=name),
        lambda: privacy.export_person(db, resources.store(), actor, person_id),
        file_name=f"person-{person_id}.zip", mime="application/zip",
        key=f"role_models__export_{person_id}", on_click="ignore",
    )  # fmt: skip
    st.markdown(t("**Erasure**"))
    if st.button(t("List what erasure would remove"), key=f"role_models__erase_dry_{person_id}"):
        try:
            report = privacy.erase_person(db, resources.store(), actor, person_id, dry_run=True)
        except SpotlightError as exc:
            st.error(tr(exc.message))
            return
        st.session_state[state.ROLE_MODELS_ERASE_PLAN] = (
            person_id,
            report.sentence(),
            report.lines(),
        )
    plan = st.session_state.get(state.ROLE_MODELS_ERASE_PLAN)
    if not plan or plan[0] != person_id:
        return
    st.warning(tr(plan[1]))
    for line in plan[2]:
        st.text(tr(line))
    confirm = st.text_input(
        t("Type the person's full name to confirm the erasure"),
        key=f"role_models__erase_name_{person_id}",
    )
    erase = st.button(
        t("Erase {name}", name=name), type="primary", key=f"role_models__erase_{person_id}",
        disabled=confirm.strip() != name,
    )  # fmt: skip
    if erase:
        try:
            report = privacy.erase_person(db, resources.store(), actor, person_id)
        except SpotlightError as exc:
            st.error(tr(exc.message))
            return
        st.session_state.pop(state.ROLE_MODELS_ERASE_PLAN, None)
        st.session_state.pop(state.ROLE_MODELS_SELECTED, None)
        flash(tr(report.sentence()))
        st.rerun()
