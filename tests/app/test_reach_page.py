"""The Reach page: import an export, confirm a waiting row, read the dashboards."""

from __future__ import annotations

from datetime import UTC, date

from sqlalchemy import Engine

from campaigns import posts
from campaigns.auth import Actor, Role
from campaigns.db import transaction
from campaigns.models import Post
from tests import fixtures_exports as exports
from tests.app.conftest import open_app, texts

PAGE = "pages/reach.py"
VIDEOS = exports.posts(3, start=exports.datetime(2026, 6, 1, 9, 30))


def published(app_db: Engine, editor: Actor) -> dict[str, int]:
    """A campaign on LinkedIn with the first two videos published (addresses recorded)."""
    campaign = posts.create_campaign(
        app_db, editor,
        posts.CampaignInput("Spring", date(2026, 5, 1), date(2026, 8, 1),
                            target_groups=("woman_in_tech",)),
    )  # fmt: skip
    account = posts.create_account(
        app_db, editor, "UK LinkedIn", "linkedin", "school", "en", "Europe/London"
    )
    ids = {"campaign": campaign, "account": account}
    with transaction(app_db) as session:
        for index, video in enumerate(VIDEOS):
            post = Post(
                campaign_id=campaign, account_id=account, text=video.title, status="published",
                scheduled_at=video.published.replace(tzinfo=UTC),
                published_at=video.published.replace(tzinfo=UTC), author=editor.email,
                # Nobody recorded the third post's address: its row will wait for a person.
                published_url=exports.linkedin_url(video) if index < 2 else "",
            )  # fmt: skip
            session.add(post)
            session.flush()
            ids[f"post{index}"] = post.id
    return ids


def test_without_figures_the_page_says_how_to_get_some(person) -> None:  # type: ignore[no-untyped-def]
    at = open_app(person(Role.VIEWER), PAGE)
    assert not at.exception
    assert "No reach figures yet" in texts(at)


def test_importing_an_export_reports_and_fills_the_dashboards(app_db, person) -> None:  # type: ignore[no-untyped-def]
    editor = person(Role.EDITOR)
    published(app_db, editor)
    at = open_app(editor, PAGE)
    data = exports.linkedin_xlsx(VIDEOS, exports.days(3, start=date(2026, 6, 1)))
    at.file_uploader(key="reach__files_0").upload("content.xlsx", data, "application/vnd.ms-excel")
    at.run()
    at.button(key="reach__import").click().run()
    assert not at.exception
    shown = texts(at)
    assert "content.xlsx: 5 new, 0 updated, 1 waiting for a post, 0 left out." in shown

    at.date_input(key="reach__filter_period").set_value((date(2026, 5, 1), date(2026, 7, 1))).run()
    shown = texts(at)
    assert "Posts 2" in shown  # the two matched posts; the waiting one counts once confirmed
    assert "Impressions 2,100" in shown  # 1,000 + 1,100 from their lifetime totals


def test_a_waiting_row_is_confirmed_to_its_suggested_post(app_db, person) -> None:  # type: ignore[no-untyped-def]
    editor = person(Role.EDITOR)
    ids = published(app_db, editor)
    from campaigns.engagement import importing

    importing.import_metrics(
        app_db, editor, "content.xlsx", exports.linkedin_xlsx(VIDEOS),
        today=date(2026, 7, 1),
    )  # fmt: skip
    at = open_app(editor, PAGE)
    assert "1 exported posts wait" in texts(at)
    (group,) = importing.list_unmatched(app_db, editor)
    key = group.row_ids[0]
    at.selectbox(key=f"reach__queue_post_{key}").set_value(ids["post2"]).run()
    at.button(key=f"reach__confirm_{key}").click().run()
    assert not at.exception
    assert f"The figures now count for post #{ids['post2']}." in texts(at)
    assert "0 exported posts wait" in texts(at)


def test_a_file_that_is_not_an_export_gets_a_sentence(app_db, person) -> None:  # type: ignore[no-untyped-def]
    at = open_app(person(Role.EDITOR), PAGE)
    at.file_uploader(key="reach__files_0").upload("notes.csv", b"Dear team,\nhello\n", "text/csv")
    at.run()
    at.button(key="reach__import").click().run()
    assert not at.exception
    assert "notes.csv: This file does not look like an analytics export" in texts(at)


def test_filters_are_kept_when_coming_back_to_the_page(app_db, person) -> None:  # type: ignore[no-untyped-def]
    editor = person(Role.EDITOR)
    ids = published(app_db, editor)
    from campaigns.engagement import importing

    importing.import_metrics(
        app_db, editor, "content.xlsx", exports.linkedin_xlsx(VIDEOS[:2]),
        today=date(2026, 7, 1),
    )  # fmt: skip
    at = open_app(editor, PAGE)
    at.multiselect(key="reach__filter_campaigns").set_value([ids["campaign"]]).run()
    at.switch_page("pages/calendar.py").run()
    at.switch_page(PAGE).run()
    assert at.multiselect(key="reach__filter_campaigns").value == [ids["campaign"]]
