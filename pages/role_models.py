"""Role models: the catalogue of people, their stories and their consent."""

import streamlit as st

from ui.auth import signed_in
from ui.i18n import t
from ui.widgets import coming_soon

signed_in()

st.title(t("Role models"))
coming_soon(
    t(
        "No role models yet. The catalogue of students, alumni, apprentices, instructors "
        "and mentors, with their stories and consent, will live here."
    )
)
