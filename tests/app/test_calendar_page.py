"""The Calendar page: posts by month and list, the side panel, approval, conflicts, exports."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from campaigns import posts, publishing
from campaigns.auth import Actor, Role
from campaigns.storage import LocalStore
from tests.app.conftest import open_app, texts
from tests.integration.test_publishing import SOON, build_world
from ui import state

PAGE = "pages/calendar.py"


def planned(app_db: Engine, author: Actor, tmp_path: Path) -> int:
    world = build_world(app_db, LocalStore(tmp_path / "media"))
    return posts.create_post(
        app_db,
        author,
        posts.PostInput(
            world["campaign"], world["linkedin"], SOON, "<b>Meet</b> Amina today",
            link="https://school.example/apply", alt_text="Amina at her desk.",
            portrait_version_id=world["version"],
        ),
    )  # fmt: skip


def open_post(actor: Actor, post_id: int) -> AppTest:
    at = open_app(actor, PAGE)
    at.date_input(key=state.CALENDAR_DAY).set_value(SOON.date()).run()
    at.button(key=f"calendar__open_{post_id}").click().run()
    assert not at.exception
    return at


def test_the_month_shows_the_post_and_the_list_shows_its_text_literally(
    admin: Actor, app_db: Engine, tmp_path: Path
) -> None:
    post_id = planned(app_db, admin, tmp_path)
    at = open_app(admin, PAGE)
    at.date_input(key=state.CALENDAR_DAY).set_value(SOON.date()).run()
    assert not at.exception
    label = at.button(key=f"calendar__open_{post_id}").label.replace("\\", "")
    assert label == "12:00 UK LinkedIn: <b>Meet</b> Amina today"  # markdown escaped, shown as is
    at.radio(key=state.CALENDAR_VIEW).set_value("list").run()
    rows = at.dataframe[0].value.to_dict("records")
    assert rows[0]["Text"] == "<b>Meet</b> Amina today"
    assert rows[0]["Status"] == "Draft"


def test_a_second_person_approves_from_the_panel_but_not_the_author(
    admin: Actor,
    app_db: Engine,
    tmp_path: Path,
    person,  # type: ignore[no-untyped-def]
) -> None:
    post_id = planned(app_db, admin, tmp_path)
    at = open_post(admin, post_id)
    at.button(key=f"calendar__submit_{post_id}").click().run()
    assert "The post is now in review." in texts(at)
    at.button(key=f"calendar__approve_{post_id}").click().run()
    assert "Someone other than the author must approve the post." in texts(at)
    reviewer = person(Role.EDITOR)
    at = open_post(reviewer, post_id)
    at.button(key=f"calendar__approve_{post_id}").click().run()
    assert not at.exception
    assert "The post is now approved." in texts(at)
    assert publishing.get_post(app_db, admin, post_id).approved_by == reviewer.email
    ics = at.get("download_button")
    assert len(ics) >= 2  # .ics and CSV


def test_saving_an_outdated_copy_shows_the_conflict_and_keeps_the_other_save(
    admin: Actor,
    app_db: Engine,
    tmp_path: Path,
    person,  # type: ignore[no-untyped-def]
) -> None:
    post_id = planned(app_db, admin, tmp_path)
    at = open_post(admin, post_id)
    other = person(Role.EDITOR)
    detail = publishing.get_post(app_db, other, post_id)
    data = posts.PostInput(
        detail.campaign_id, detail.account_id, SOON, "Their text",
        portrait_version_id=detail.portrait_version_id,
    )  # fmt: skip
    posts.update_post(app_db, other, post_id, detail.version, data)
    at.text_area(key=f"calendar__text_{post_id}").input("My text")
    at.button(key=f"FormSubmitter:calendar__edit_{post_id}-Save").click().run()
    assert not at.exception
    assert "Someone else saved this post while you were editing it." in texts(at)
    assert publishing.get_post(app_db, admin, post_id).text == "Their text"


def test_saving_a_fresh_copy_changes_the_text(admin: Actor, app_db: Engine, tmp_path: Path) -> None:
    post_id = planned(app_db, admin, tmp_path)
    at = open_post(admin, post_id)
    at.text_area(key=f"calendar__text_{post_id}").input("A better text")
    at.button(key=f"FormSubmitter:calendar__edit_{post_id}-Save").click().run()
    assert not at.exception
    assert "The post is saved." in texts(at)
    assert publishing.get_post(app_db, admin, post_id).text == "A better text"


def test_the_representation_table_counts_the_month(
    admin: Actor, app_db: Engine, tmp_path: Path
) -> None:
    planned(app_db, admin, tmp_path)
    at = open_app(admin, PAGE)
    at.date_input(key=state.CALENDAR_DAY).set_value(SOON.date()).run()
    assert not at.exception
    assert "1 posts in" in texts(at)
    rows = at.dataframe[-1].value.to_dict("records")
    assert rows[0]["Group"] == "Woman in tech" and rows[0]["Share of posts"] == "100%"
