"""AppTest fixtures: a fresh app on its own SQLite file and media folder, signed in by role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from campaigns import accounts
from campaigns.auth import Actor, Role
from campaigns.db import make_engine, upgrade_database
from ui import state

APP = str(Path(__file__).resolve().parents[2] / "campaign_app.py")
PASSWORD = "correct horse battery"
TIMEOUT = 30


@pytest.fixture
def app_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The database the app under test uses (settings point the app at it)."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("SPOTLIGHT_DATABASE_URL", url)
    monkeypatch.setenv("SPOTLIGHT_MEDIA_STORE", str(tmp_path / "media"))
    monkeypatch.setenv("SPOTLIGHT_APPLICATIONS_KEY_FILE", str(tmp_path / "applications.key"))
    st.cache_resource.clear()
    st.cache_data.clear()
    engine = make_engine(url)
    upgrade_database(engine)
    yield engine
    engine.dispose()
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def admin(app_db: Engine) -> Actor:
    """The first administrator, already created."""
    accounts.create_first_admin(app_db, "boss@school.example", "Boss", PASSWORD)
    return accounts.sign_in(app_db, "boss@school.example", PASSWORD)


@pytest.fixture
def person(app_db: Engine, admin: Actor) -> Callable[[Role], Actor]:
    """Make a team member of a given role."""

    def make(role: Role) -> Actor:
        email = f"{role.value}@school.example"
        accounts.create_user(app_db, admin, email, role, role.value, PASSWORD)
        return accounts.sign_in(app_db, email, PASSWORD)

    return make


def open_app(actor: Actor | None = None, page: str | None = None) -> AppTest:
    """Run the app as this person (or signed out), optionally on one page."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if actor is not None:
        at.session_state[state.ACTOR] = {
            "user_id": actor.user_id,
            "email": actor.email,
            "role": actor.role.value,
        }
    at.run()
    if page is not None:
        at.switch_page(page).run()
    return at


def texts(at: AppTest) -> str:
    """Everything written on the screen, as one string to search."""
    parts = [e.value for e in at.markdown] + [e.value for e in at.title]
    parts += [e.value for e in at.subheader] + [e.value for e in at.caption]
    parts += [e.value for e in at.error] + [e.value for e in at.success]
    parts += [e.value for e in at.toast]
    parts += [str(m.label) + " " + str(m.value) for m in at.metric]
    return "\n".join(str(p) for p in parts)
