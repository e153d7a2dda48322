"""Campaigns: themes, goals and the posts that carry them."""

import streamlit as st

from ui.auth import signed_in
from ui.i18n import t
from ui.widgets import coming_soon

signed_in()

st.title(t("Campaigns"))
coming_soon(
    t(
        "No campaigns yet. Campaigns group the posts that tell one story, with their "
        "goals and approvals."
    )
)
