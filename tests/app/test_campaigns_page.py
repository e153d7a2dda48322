"""The Campaigns page, driven like a comms person would."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine

from campaigns import posts, publishing
from campaigns.auth import Actor
from campaigns.storage import LocalStore
from tests.app.conftest import open_app, texts
from tests.integration.test_publishing import SOON, build_world
from ui import state

PAGE = "pages/campaigns.py"


def create_campaign(at, name: str, starts: date, ends: date) -> None:  # type: ignore[no-untyped-def]
    at.text_input(key="campaigns__name").input(name)
    at.multiselect(key="campaigns__groups").select("woman_in_tech")
    at.multiselect(key="campaigns__channels").select("linkedin")
    at.date_input(key="campaigns__starts").set_value(starts)
    at.date_input(key="campaigns__ends").set_value(ends)
    at.button(key="FormSubmitter:campaigns__new-Create the campaign").click().run()


def test_a_campaign_ending_before_it_starts_gets_a_field_error_then_a_good_one_is_listed(
    admin: Actor, app_db: Engine
) -> None:
    at = open_app(admin, PAGE)
    today = date.today()
    create_campaign(at, "Women in tech — spring", today, today - timedelta(days=1))
    assert not at.exception
    assert "End: The campaign cannot end before it starts." in texts(at)
    assert publishing.list_campaigns(app_db, admin) == []
    create_campaign(at, "Women in tech — spring", today, today + timedelta(days=30))
    assert not at.exception
    assert "The campaign “Women in tech — spring” is created." in texts(at)
    (shown,) = at.dataframe[0].value.to_dict("records")
    assert shown["Code"] == "women-in-tech-spring"
    assert shown["Target groups"] == "Woman in tech"


def test_adding_an_account(admin: Actor, app_db: Engine) -> None:
    at = open_app(admin, PAGE)
    at.text_input(key="campaigns__account_name").input("UK LinkedIn")
    at.selectbox(key="campaigns__account_network").select("linkedin")
    at.selectbox(key="campaigns__account_zone").select("Europe/London")
    at.button(key="FormSubmitter:campaigns__account-Add the account").click().run()
    assert not at.exception
    assert "The account “UK LinkedIn” is added." in texts(at)
    (account,) = publishing.list_accounts(app_db, admin)
    assert (account.network, account.time_zone) == ("linkedin", "Europe/London")


def test_a_new_post_shows_its_checks_and_a_script_tag_stays_text(
    admin: Actor, app_db: Engine, tmp_path: Path
) -> None:
    world = build_world(app_db, LocalStore(tmp_path / "media"))
    posts.create_account(app_db, admin, "FR TikTok", "tiktok", "@school", "fr", "Europe/Paris")
    at = open_app(admin, PAGE)
    at.selectbox(key=state.CAMPAIGNS_POST_ACCOUNT).select(world["linkedin"]).run()
    form = f"campaigns__post_{world['campaign']}"
    at.selectbox(key="campaigns__post_version").select(world["version"])
    at.text_area(key="campaigns__post_text").input("<script>alert(1)</script> Meet Amina.")
    at.text_input(key="campaigns__post_link").input("https://school.example/apply")
    at.button(key=f"FormSubmitter:{form}-Plan the post").click().run()
    assert not at.exception
    assert "The post is planned as a draft" in texts(at)
    assert any("No alt text" in e.value for e in at.error)  # a blocking reason
    table = at.dataframe[-1].value.to_dict("records")
    assert table[0]["Text"] == "<script>alert(1)</script> Meet Amina."
    # A TikTok post featuring the same person is blocked by the consent.
    at.selectbox(key=state.CAMPAIGNS_POST_ACCOUNT).select_index(0).run()
    at.text_area(key="campaigns__post_text").input("On TikTok too.")
    at.button(key=f"FormSubmitter:{form}-Plan the post").click().run()
    assert not at.exception
    blocked = " ".join(e.value for e in at.error)
    assert "No consent covers" in blocked and "TikTok" in blocked


def test_the_accessibility_section_says_the_shares_in_words_and_what_to_fix(
    admin: Actor, app_db: Engine, tmp_path: Path
) -> None:
    world = build_world(app_db, LocalStore(tmp_path / "media"))
    posts.create_post(
        app_db, admin,
        posts.PostInput(world["campaign"], world["linkedin"], SOON, "Meet Amina.",
                        alt_text="Amina at her desk.", portrait_version_id=world["version"]),
    )  # fmt: skip
    without_alt = posts.create_post(
        app_db, admin,
        posts.PostInput(world["campaign"], world["linkedin"], SOON + timedelta(days=1),
                        "Our open day in pictures."),
    )  # fmt: skip
    at = open_app(admin, PAGE)
    assert not at.exception
    shown = texts(at)
    assert "Accessibility" in [s.value for s in at.subheader]
    assert "**Captions**: 100% of the video posts (1 of 1)" in shown
    assert "**Alt text**: 50% of the posts (1 of 2)" in shown
    assert "**Transcript**: 100% of the video posts (1 of 1)" in shown
    summary = at.table[0].value.to_dict("records")
    assert [(r["What"], r["Posts concerned"], r["Missing"], r["Share"]) for r in summary] == [
        ("Captions", 1, 0, "100%"),
        ("Alt text", 2, 1, "50%"),
        ("Transcript", 1, 0, "100%"),
    ]
    assert "**Posts without alt text** (1)" in shown
    (gap,) = at.table[1].value.to_dict("records")
    assert gap["Post"] == f"#{without_alt} Our open day in pictures."
    assert gap["Account"] == "UK LinkedIn" and gap["Status"] == "Draft"
    assert gap["What to do"].startswith("No alt text: describe the image")
