"""Every page, driven like a user with Streamlit's AppTest."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine

from campaigns import accounts, audit, demo
from campaigns.auth import SYSTEM, Actor, Role
from campaigns.i18n import translate
from tests.app.conftest import PASSWORD, open_app, texts
from ui import state

PAGES = {
    "pages/home.py": "Today",
    "pages/role_models.py": "Role models",
    "pages/portraits.py": "Portraits",
    "pages/campaigns.py": "Campaigns",
    "pages/calendar.py": "Calendar",
    "pages/reach.py": "Reach",
    "pages/impact.py": "Applications & impact",
    "pages/admin.py": "Accounts & audit",
}


def test_first_visit_asks_for_the_first_administrator(app_db: Engine) -> None:
    at = open_app()
    assert "Welcome! Create the first administrator" in texts(at)
    at.text_input(key="first_admin__name").input("Ada")
    at.text_input(key="first_admin__email").input("ada@school.example")
    at.text_input(key="first_admin__password").input(PASSWORD)
    at.text_input(key="first_admin__again").input(PASSWORD + "x")
    at.button[0].click().run()
    assert "The two passwords are different" in texts(at)
    assert accounts.needs_first_admin(app_db)

    at.text_input(key="first_admin__again").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert at.title[0].value == "Today"
    assert not accounts.needs_first_admin(app_db)


def test_a_weak_first_password_is_explained_and_nothing_is_created(app_db: Engine) -> None:
    at = open_app()
    at.text_input(key="first_admin__email").input("ada@school.example")
    at.text_input(key="first_admin__password").input("short")
    at.text_input(key="first_admin__again").input("short")
    at.button[0].click().run()
    assert "at least 12 characters" in texts(at)
    assert accounts.needs_first_admin(app_db)


def test_sign_in_form_refuses_a_wrong_password_then_lets_the_right_one_in(admin: Actor) -> None:
    at = open_app()
    at.text_input(key="sign_in__email").input("boss@school.example")
    at.text_input(key="sign_in__password").input("not the password")
    at.button[0].click().run()
    assert "do not match an active account" in texts(at)
    at.text_input(key="sign_in__password").input(PASSWORD)
    at.button[0].click().run()
    assert at.title[0].value == "Today"


@pytest.mark.parametrize(("page", "title"), PAGES.items())
def test_every_page_renders_for_an_admin(admin: Actor, page: str, title: str) -> None:
    at = open_app(admin, page)
    assert not at.exception
    assert at.title[0].value == title


def test_the_viewer_sees_only_dashboards(person: Callable[[Role], Actor]) -> None:
    viewer = person(Role.VIEWER)
    at = open_app(viewer, "pages/reach.py")
    assert at.title[0].value == "Reach"
    at = open_app(viewer)
    assert "Load demo data" not in [b.label for b in at.button]
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        # Pages the role may not use are not part of the navigation at all.
        at.switch_page("pages/admin.py").run()


def test_home_loads_the_demo_data_once(admin: Actor, app_db: Engine) -> None:
    at = open_app(admin)
    assert "Load demo data" in [b.label for b in at.button]
    at.button(key="home__load_demo").click().run()
    assert not at.exception
    assert "Demo data loaded" in texts(at)
    assert demo.is_loaded(app_db)
    assert "Load demo data" not in [b.label for b in at.button]


def test_home_shows_targets_without_inventing_figures(admin: Actor) -> None:
    at = open_app(admin)
    shown = texts(at)
    assert "**Women among tech instructors**" in shown
    assert "Target: at least 40% · No count yet" in shown
    assert not [m for m in at.metric if "%" in str(m.value)]


def test_admin_creates_an_account_and_sees_it_in_the_audit_trail(
    admin: Actor, app_db: Engine
) -> None:
    at = open_app(admin, "pages/admin.py")
    at.text_input(key="admin__new_email").input("new.editor@school.example")
    at.text_input(key="admin__new_name").input("New Editor")
    at.selectbox(key="admin__new_role").select(Role.EDITOR)
    at.text_input(key="admin__new_password").input(PASSWORD)
    at.button(key="FormSubmitter:admin__new_user-Create the account").click().run()
    assert not at.exception
    assert "Created the account new.editor@school.example." in texts(at)
    emails = [a.email for a in accounts.list_users(app_db, SYSTEM)]
    assert "new.editor@school.example" in emails
    trail = at.dataframe[1].value
    assert "create_user" in set(trail["Action"])
    assert PASSWORD not in trail.to_string()


def test_admin_form_shows_a_clear_error_for_a_bad_email(admin: Actor, app_db: Engine) -> None:
    at = open_app(admin, "pages/admin.py")
    at.text_input(key="admin__new_email").input("not-an-email")
    at.button(key="FormSubmitter:admin__new_user-Create the account").click().run()
    assert "is not an e-mail address" in texts(at)
    assert len(accounts.list_users(app_db, SYSTEM)) == 1
    assert [e.action for e in audit.list_events(app_db, SYSTEM)] == ["create_first_admin"]


def test_a_wrong_setting_is_one_sentence_on_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    import streamlit as st

    monkeypatch.setenv("SPOTLIGHT_TIME_ZONE", "Atlantis/Capital")
    st.cache_resource.clear()
    at = open_app()
    st.cache_resource.clear()
    assert not at.exception
    assert "SPOTLIGHT_TIME_ZONE is not a known time zone" in at.error[0].value


def _idle_script() -> None:
    import streamlit as st

    from ui import state
    from ui.auth import expire_if_idle

    expire_if_idle(30, now=st.session_state["now"])
    st.write("signed in" if st.session_state.get(state.ACTOR) else "signed out")


def test_an_idle_session_is_signed_out_and_an_active_one_is_not() -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_idle_script)
    at.session_state[state.ACTOR] = {"user_id": 1, "email": "a@b.c", "role": "admin"}
    at.session_state["now"] = 1000.0
    at.run()
    at.session_state["now"] = 1000.0 + 29 * 60
    at.run()
    assert at.markdown[0].value == "signed in"
    at.session_state["now"] = 1000.0 + 29 * 60 + 31 * 60
    at.run()
    assert at.markdown[0].value == "signed out"
    assert at.session_state[state.SIGNED_OUT_IDLE] == 30


def test_the_chosen_language_changes_the_page_and_is_kept_on_the_account(
    admin: Actor, app_db: Engine
) -> None:
    at = open_app(admin)
    assert at.sidebar.selectbox(key=state.LANGUAGE).value == "en"
    at.sidebar.selectbox(key=state.LANGUAGE).set_value("fr").run()
    assert not at.exception
    assert accounts.preferred_language(app_db, admin.user_id) == "fr"
    french_title = translate("fr", "Today")
    assert french_title != "Today"
    assert at.title[0].value == french_title
    # A new session of the same person opens in French without choosing again.
    again = open_app(admin)
    assert again.sidebar.selectbox(key=state.LANGUAGE).value == "fr"
    assert again.title[0].value == french_title
