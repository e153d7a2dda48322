"""Calendar: every planned and published post, by day."""

import streamlit as st

from ui.auth import signed_in
from ui.i18n import t
from ui.widgets import coming_soon

signed_in()

st.title(t("Calendar"))
coming_soon(
    t("The calendar is empty. Planned and published posts will appear here by day and network.")
)
