"""Role models: the catalogue of people, their stories and their consent."""

import streamlit as st

from ui import resources, state
from ui.auth import signed_in
from ui.catalogue_files import files_view
from ui.catalogue_views import (
    add_dialog,
    card_grid,
    filters_bar,
    renewals_view,
    representation_view,
)
from ui.i18n import t
from ui.role_model_detail import show_detail
from ui.widgets import show_flash

actor = signed_in()
db = resources.engine()

st.title(t("Role models"))
show_flash()

selected = st.session_state.get(state.ROLE_MODELS_SELECTED)
if selected is not None:
    show_detail(db, actor, int(selected))
    st.stop()

catalogue_tab, representation_tab, renewals_tab, files_tab = st.tabs(
    [t("Catalogue"), t("Representation"), t("Renewals & takedowns"), t("Import & export")]
)
with catalogue_tab:
    if st.button(t("Add a role model"), type="primary", key="role_models__add"):
        add_dialog(db, actor)
    card_grid(db, actor, filters_bar(db))
with representation_tab:
    representation_view(db, actor)
with renewals_tab:
    renewals_view(db, actor)
with files_tab:
    files_view(db, actor)
