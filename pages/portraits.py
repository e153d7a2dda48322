"""Portraits: video portraits and their ready-to-post versions for each network."""

import streamlit as st

from ui.auth import signed_in
from ui.i18n import t
from ui.widgets import coming_soon

signed_in()

st.title(t("Portraits"))
coming_soon(
    t(
        "No video portraits yet. Upload a portrait here to get versions for each network,"
        " with captions and thumbnails."
    )
)
