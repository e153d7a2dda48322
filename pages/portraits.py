"""Portraits: upload video portraits and turn them into ready-to-post versions per network."""

import streamlit as st

from campaigns import portraits
from campaigns.errors import SpotlightError
from ui import resources, state
from ui.auth import signed_in
from ui.i18n import t, tr
from ui.portrait_views import (
    captions_view,
    description_view,
    framing_view,
    missing_text_notice,
    portrait_list,
    request_view,
    upload_form,
    versions_view,
)
from ui.widgets import show_flash

actor = signed_in()
db = resources.engine()

st.title(t("Portraits"))
show_flash()

selected = st.session_state.get(state.PORTRAITS_SELECTED)
if selected is None:
    with st.expander(t("Upload a portrait"), expanded=False):
        upload_form(db, actor)
    portrait_list(db, actor)
    st.stop()

try:
    item = portraits.get_portrait(db, actor, int(selected))
except SpotlightError as exc:
    st.error(tr(exc.message))
    st.session_state.pop(state.PORTRAITS_SELECTED, None)
    st.stop()

if st.button(t("← Back to the portraits"), key="portraits__back"):
    st.session_state.pop(state.PORTRAITS_SELECTED, None)
    st.rerun()
st.header(item.title)
st.caption(
    " · ".join(
        [
            ", ".join(name for _, name in item.people),
            f"{item.duration_s:.0f} s",
            f"{item.width}×{item.height}",
            t("with sound") if item.has_audio else t("no sound"),
        ]
    )
)
if item.do_not_use:
    st.error(t("Do not use: {reason}", reason=tr(item.do_not_use_reason)))
missing_text_notice(item)

framing_tab, captions_tab, versions_tab = st.tabs(
    [t("Framing"), t("Captions"), t("Versions per network")]
)
with framing_tab:
    framing_view(db, actor, item)
with captions_tab:
    captions_view(db, actor, item)
    description_view(db, actor, item)
with versions_tab:
    request_view(db, actor, item)
    versions_view(actor, item.id)
