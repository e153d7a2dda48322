"""Small widgets shared by pages."""

from __future__ import annotations

import streamlit as st

from ui import state
from ui.i18n import t


def empty_state(title: str, body: str) -> None:
    """A calm box saying there is nothing here yet and what will fill it."""
    with st.container(border=True):
        st.markdown(f"**{title}**")
        st.caption(body)


def flash(message: str) -> None:
    """Keep a success message to show once after the next rerun."""
    st.session_state[state.FLASH] = message


def show_flash() -> None:
    """Show, then forget, the message left by the previous action."""
    message = st.session_state.pop(state.FLASH, None)
    if message:
        st.success(message)


def coming_soon(what: str) -> None:
    """The empty state of a capability the team cannot use yet."""
    empty_state(t("Nothing here yet"), what)
