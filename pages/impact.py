"""Applications and impact: applications from target groups and the effect of campaigns."""

import streamlit as st

from ui.auth import signed_in
from ui.i18n import t
from ui.widgets import coming_soon

signed_in()

st.title(t("Applications & impact"))
coming_soon(
    t(
        "No applications imported yet. Import applications to follow the targets and "
        "measure the effect of campaigns, with its uncertainty."
    )
)
