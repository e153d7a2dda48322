"""Sign-in gate: single sign-on through st.login when configured, built-in accounts otherwise."""

from __future__ import annotations

import logging
import time

import streamlit as st
from sqlalchemy import Engine
from streamlit.errors import StreamlitSecretNotFoundError

from campaigns import accounts
from campaigns.auth import Actor, Role
from campaigns.errors import SpotlightError
from ui import state
from ui.i18n import t, tr

log = logging.getLogger(__name__)


def sso_configured() -> bool:
    """True when .streamlit/secrets.toml has an [auth] section for the company's sign-on."""
    try:
        return "auth" in st.secrets
    except StreamlitSecretNotFoundError:
        return False


def current_actor() -> Actor | None:
    """The signed-in person of this browser session, if any."""
    raw = st.session_state.get(state.ACTOR)
    if not raw:
        return None
    return Actor(user_id=raw["user_id"], email=raw["email"], role=Role(raw["role"]))


def remember(actor: Actor) -> None:
    """Keep the signed-in person in the session as plain values."""
    st.session_state[state.ACTOR] = {
        "user_id": actor.user_id,
        "email": actor.email,
        "role": actor.role.value,
    }


def sign_out() -> None:
    """Forget the signed-in person (and leave single sign-on too)."""
    st.session_state.pop(state.ACTOR, None)
    if sso_configured():
        st.logout()


def expire_if_idle(idle_minutes: int, now: float | None = None) -> None:
    """Sign the person out when the session has been idle too long; note the time of this run."""
    moment = time.time() if now is None else now
    last = st.session_state.get(state.LAST_ACTIVITY)
    if (
        st.session_state.get(state.ACTOR)
        and isinstance(last, int | float)
        and moment - last > idle_minutes * 60
    ):
        sign_out()
        st.session_state[state.SIGNED_OUT_IDLE] = idle_minutes
    st.session_state[state.LAST_ACTIVITY] = moment


def sign_in_page(db: Engine) -> None:
    """The only page shown before sign-in: single sign-on, first administrator, or password."""
    st.title(t("Spotlight"))
    idle = st.session_state.pop(state.SIGNED_OUT_IDLE, None)
    if idle:
        st.info(t("You were signed out after {n} minutes without activity.", n=idle))
    if sso_configured():
        _single_sign_on(db)
    elif accounts.needs_first_admin(db):
        _first_admin_form(db)
    else:
        _password_form(db)


def _single_sign_on(db: Engine) -> None:
    if not st.user.is_logged_in:
        st.write(t("Sign in with your school account to use Spotlight."))
        st.button(t("Sign in"), on_click=st.login, type="primary")
        return
    try:
        remember(accounts.actor_for_sso(db, str(st.user.email)))
    except SpotlightError as exc:
        st.error(tr(exc.message))
        st.button(t("Sign out"), on_click=st.logout)
        return
    st.rerun()


def _first_admin_form(db: Engine) -> None:
    st.subheader(t("Welcome! Create the first administrator"))
    st.write(
        t(
            "Nobody has an account yet. The person who creates it becomes administrator "
            "and can then invite the team."
        )
    )
    with st.form("first_admin__form"):
        name = st.text_input(t("Your name"), key="first_admin__name")
        email = st.text_input(t("E-mail"), key="first_admin__email")
        password = st.text_input(
            t("Password (at least 12 characters)"), type="password", key="first_admin__password"
        )
        again = st.text_input(t("Password again"), type="password", key="first_admin__again")
        submitted = st.form_submit_button(t("Create the administrator"), type="primary")
    if not submitted:
        return
    if password != again:
        st.error(t("The two passwords are different; type them again."))
        return
    try:
        accounts.create_first_admin(db, email, name, password)
        remember(accounts.sign_in(db, email, password))
    except SpotlightError as exc:
        st.error(tr(exc.message))
        return
    st.rerun()


def _password_form(db: Engine) -> None:
    st.write(t("Sign in to see the role models, campaigns and dashboards."))
    with st.form("sign_in__form"):
        email = st.text_input(t("E-mail"), key="sign_in__email", autocomplete="username")
        password = st.text_input(
            t("Password"), type="password", key="sign_in__password", autocomplete="current-password"
        )
        submitted = st.form_submit_button(t("Sign in"), type="primary")
    if not submitted:
        return
    try:
        remember(accounts.sign_in(db, email, password))
    except SpotlightError as exc:
        st.error(tr(exc.message))
        return
    st.rerun()


def signed_in() -> Actor:
    """The signed-in person, for pages (the gate in campaign_app.py ran before them)."""
    actor = current_actor()
    if actor is None:
        st.error(t("Please sign in again."))
        st.stop()
        raise AssertionError("unreachable")
    return actor
