"""Small widgets shared by pages."""

from __future__ import annotations

import altair as alt
import streamlit as st

from campaigns.consent import STATUS_LABELS, ConsentStatus
from campaigns.i18n import chart_locale
from ui import state
from ui.i18n import current_language, t

# Streamlit draws axis and legend texts in a grey (#808495) that reaches only 3.7:1 on white;
# this one reaches 7:1 (WCAG asks 4.5:1 of text, chart labels included).
CHART_TEXT = "#555867"


def chart(spec: alt.TopLevelMixin) -> None:
    """Draw a chart with the numbers and dates of the reader's language ("12 345,6", "janv.")."""
    readable = (
        spec.configure(locale=chart_locale(current_language()))
        .configure_axis(labelColor=CHART_TEXT, titleColor=CHART_TEXT)
        # Legends name each line in full (Vega cuts labels at 160 px, mid-word in French).
        .configure_legend(labelColor=CHART_TEXT, titleColor=CHART_TEXT, labelLimit=320)
    )
    st.altair_chart(readable, width="stretch")


def empty_state(title: str, body: str) -> None:
    """A calm box saying there is nothing here yet and what will fill it."""
    with st.container(border=True):
        st.markdown(f"**{title}**")
        st.caption(body)


def flash(message: str, warnings: list[str] | None = None) -> None:
    """Keep a success message (and warnings) to show once after the next rerun."""
    st.session_state[state.FLASH] = message
    st.session_state[state.FLASH_WARNINGS] = list(warnings or [])


def show_flash() -> None:
    """Show, then forget, the messages left by the previous action."""
    message = st.session_state.pop(state.FLASH, None)
    if message:
        # A toast does not move the page, so open tabs stay where the person left them.
        st.toast(message, icon=":material/check_circle:", duration="long")
    for warning in st.session_state.pop(state.FLASH_WARNINGS, []):
        st.warning(warning)


def coming_soon(what: str) -> None:
    """The empty state of a capability the team cannot use yet."""
    empty_state(t("Nothing here yet"), what)


STATUS_COLOURS = {
    "valid": "green",
    "expiring_soon": "orange",
    "expired": "red",
    "withdrawn": "violet",
    "none": "gray",
}
STATUS_ICONS = {
    "valid": ":material/check_circle:",
    "expiring_soon": ":material/schedule:",
    "expired": ":material/event_busy:",
    "withdrawn": ":material/block:",
    "none": ":material/help:",
}


def status_badge(status: ConsentStatus) -> None:
    """A consent status as a coloured badge with an icon and words (never colour alone)."""
    st.badge(
        t(STATUS_LABELS[status]),
        color=STATUS_COLOURS[status.value],  # type: ignore[arg-type]
        icon=STATUS_ICONS[status.value],
    )
