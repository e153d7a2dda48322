"""Reach: engagement imported from the networks' analytics exports."""

import streamlit as st

from ui.auth import signed_in
from ui.i18n import t
from ui.widgets import coming_soon

signed_in()

st.title(t("Reach"))
coming_soon(
    t(
        "No reach figures yet. Import the analytics exports of the networks to see views,"
        " engagement and followers over time."
    )
)
