"""Spotlight: page config, sign-in gate, navigation and the shared sidebar."""

from __future__ import annotations

import logging

import streamlit as st

from campaigns import accounts
from campaigns.auth import ROLE_LABELS, Permission
from campaigns.errors import SpotlightError
from ui import resources, state
from ui.auth import current_actor, expire_if_idle, sign_in_page, sign_out
from ui.branding import icon
from ui.i18n import LANGUAGES, current_language, declare_page_language, t, tr

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

st.set_page_config(page_title="Spotlight", page_icon=icon(), layout="wide")
st.logo(icon(128), size="large")

try:
    settings = resources.settings()
    db = resources.engine()
    resources.store()
except SpotlightError as exc:
    st.title("Spotlight")
    st.error(tr(exc.message))
    st.stop()

expire_if_idle(settings.session_idle_minutes)
actor = current_actor()
if actor is None:
    declare_page_language()
    # Before sign-in the navigation holds one hidden page, so nothing else is even listed.
    st.navigation(
        [st.Page(lambda: sign_in_page(db), title=t("Sign in"), url_path="sign-in")],
        position="hidden",
    ).run()
    st.stop()

if state.LANGUAGE not in st.session_state:
    # The person's own choice, kept on their account; until then, the browser's language.
    st.session_state[state.LANGUAGE] = (
        accounts.preferred_language(db, actor.user_id) or current_language()
    )


def _save_language() -> None:
    try:
        accounts.set_language(db, actor, st.session_state[state.LANGUAGE])
    except SpotlightError as exc:
        st.session_state[state.FLASH_ERROR] = tr(exc.message)


editor = actor.can(Permission.EDIT_CONTENT)
today = st.Page("pages/home.py", title=t("Today"), icon=":material/today:", default=True)
sections: dict[str, list[st.Page]] = {"": [today]}
if editor:
    sections[t("People")] = [
        st.Page("pages/role_models.py", title=t("Role models"), icon=":material/groups:")
    ]
    sections[t("Media")] = [
        st.Page("pages/portraits.py", title=t("Portraits"), icon=":material/movie:")
    ]
    sections[t("Plan")] = [
        st.Page("pages/campaigns.py", title=t("Campaigns"), icon=":material/campaign:"),
        st.Page("pages/calendar.py", title=t("Calendar"), icon=":material/calendar_month:"),
    ]
sections[t("Measure")] = [
    st.Page("pages/reach.py", title=t("Reach"), icon=":material/insights:"),
    st.Page("pages/impact.py", title=t("Applications & impact"), icon=":material/trending_up:"),
]
if actor.can(Permission.MANAGE_USERS):
    sections[t("Admin")] = [
        st.Page(
            "pages/admin.py", title=t("Accounts & audit"), icon=":material/admin_panel_settings:"
        )
    ]

# Spotlight draws its own sidebar links: Streamlit's sectioned navigation puts the section
# headings inside its list, which screen readers announce as a broken list.
current = st.navigation([page for pages in sections.values() for page in pages], position="hidden")

with st.sidebar:
    st.markdown(f"**{t('Spotlight')}**")
    for heading, pages in sections.items():
        if heading:
            st.caption(heading)
        for page in pages:
            st.page_link(page)
    st.divider()
    st.caption(
        t("Signed in as {email} ({role})", email=actor.email, role=t(ROLE_LABELS[actor.role]))
    )
    st.selectbox(
        t("Language"),
        options=list(LANGUAGES),
        format_func=LANGUAGES.__getitem__,
        key=state.LANGUAGE,
        on_change=_save_language,
    )
    flash = st.session_state.pop(state.FLASH_ERROR, None)
    if flash:
        st.error(flash)
    st.button(t("Sign out"), on_click=sign_out, key="app__sign_out")
    declare_page_language()  # last, so its empty element adds no gap above anything

current.run()
