"""Campaigns in a real browser: plan, check, approve by a second person, hand over.

One story in file order, on one tab (one Streamlit session): the administrator loads the demo
(whose portraits the render worker turns into versions) -> creates a campaign -> plans five posts
from the demo portraits on three accounts, one on TikTok, which the featured person's consent does
not cover -> submits one for review and records the person's sign-off -> a second user (the demo
editor, in a tab of their own) approves it -> the administrator schedules it, downloads the
calendar (.ics, read back with the `icalendar` parser) and the post's publishing pack (.zip, listed
with `zipfile`). Each step saves test-artifacts/browser/campaigns_*.png. Once a step fails the
later ones are skipped: they need what it should have made.
"""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from sqlalchemy import create_engine, func
from sqlalchemy import select as sql_select

from campaigns.models import PortraitVersion
from tests.browser.conftest import App
from tests.browser.conftest import open_tab as new_tab
from tests.browser.test_catalogue_flow import flash, multiselect, open_expander, select
from tests.browser.test_pages import (
    assert_no_error_shown,
    ensure_signed_in_as_admin,
    navigation,
    save_full_page,
    sign_in,
    title,
    wait_until_idle,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("story_step")]
STORY = "campaigns"

CAMPAIGN = "Browser story week"
CODE = "browser-story-week"
AMINA = "Amina: from retail to web development"
KARIM = "Karim: a career change at 47"
REVIEWER_EMAIL = "editor@demo.example.org"
DEMO_PASSWORD = "spotlight-demo"
DEMO_VERSIONS = 6
RENDER_TIMEOUT_S = 240.0
# (account, portrait, version, text) — the LinkedIn post of Amina is the one taken to the end.
POSTS = (
    ("FR Instagram", AMINA, "Instagram Reels", "Story one: Amina left retail for code."),
    ("UK LinkedIn", AMINA, "LinkedIn (square)", "Story two: from the shop floor to shipping code."),
    ("UK LinkedIn", KARIM, "LinkedIn (square)", "Story three: Karim changed careers at 47."),
    ("FR Instagram", KARIM, "Instagram Reels", "Story four: Karim on his first network."),
    ("FR TikTok", KARIM, "Instagram Reels", "Story five: Karim on TikTok."),
)
TAKEN_FORWARD = "Story two"


def finish_step(page: Page, artifacts_dir: Path, step: str) -> None:
    """Once the script is idle: no error on screen, and a screenshot of the step."""
    wait_until_idle(page)
    assert_no_error_shown(page)
    save_full_page(page, artifacts_dir / f"campaigns_{step}.png")


def wait_for_demo_versions(app: App) -> None:
    """Wait until the render worker has made the demo portraits' versions."""
    engine = create_engine(app.env["SPOTLIGHT_DATABASE_URL"])
    deadline = time.monotonic() + RENDER_TIMEOUT_S
    try:
        while True:
            with engine.connect() as connection:
                done = connection.scalar(
                    sql_select(func.count()).where(PortraitVersion.status == "done")
                )
            if (done or 0) >= DEMO_VERSIONS:
                return
            if time.monotonic() > deadline:
                pytest.fail(f"only {done} demo versions were rendered in {RENDER_TIMEOUT_S:.0f} s")
            time.sleep(1)
    finally:
        engine.dispose()


def summary(page: Page) -> Locator:
    """The caption under the campaign's name: code, dates, posts and how many are blocked."""
    return page.get_by_test_id("stCaptionContainer").filter(has_text=CODE)


def open_page(page: Page, name: str) -> None:
    """Go to a page through the sidebar."""
    navigation(page).filter(has_text=name).click()
    expect(title(page)).to_have_text(name)
    wait_until_idle(page)


def close_panel(page: Page) -> None:
    """Close the calendar's side panel (the toasts have "Close" buttons of their own)."""
    page.get_by_test_id("stButton").get_by_role("button", name="Close", exact=True).click()
    wait_until_idle(page)


def open_post(page: Page, text: str) -> None:
    """Open a post in the calendar's side panel through the "Open a post" menu."""
    box = page.get_by_role("combobox", name="Open a post")
    box.click()
    box.fill(text)
    box.press("Enter")
    expect(page.get_by_role("heading", name="Post #")).to_be_visible()
    wait_until_idle(page)


def test_1_demo_portraits_are_ready(page: Page, app: App, artifacts_dir: Path) -> None:
    ensure_signed_in_as_admin(page, app)
    app.cli("demo", "load")
    wait_for_demo_versions(app)
    open_page(page, "Campaigns")
    finish_step(page, artifacts_dir, "1_page")


def test_2_a_new_campaign_gets_its_tracking_code(page: Page, artifacts_dir: Path) -> None:
    form = open_expander(page, "New campaign")
    form.get_by_label("Name", exact=True).fill(CAMPAIGN)
    multiselect(form, "Target groups", "Woman in tech")
    multiselect(form, "Channels", "Instagram", "LinkedIn", "TikTok")
    form.get_by_role("button", name="Create the campaign").click()

    expect(flash(page, f"The campaign “{CAMPAIGN}” is created.")).to_be_visible()
    expect(page.get_by_role("heading", name=CAMPAIGN, level=2)).to_be_visible()
    expect(summary(page)).to_contain_text(f"{CODE} · ")
    finish_step(page, artifacts_dir, "2_created")


def test_3_five_posts_on_three_accounts_one_blocked_on_tiktok(
    page: Page, artifacts_dir: Path
) -> None:
    for planned, (account, portrait, version, text) in enumerate(POSTS, start=1):
        select(page, "Account", account)
        wait_until_idle(page)
        form = page.get_by_test_id("stForm").filter(has_text="Plan the post")
        select(form, "Video version (ready ones only)", f"{portrait} — {version}")
        form.get_by_label("Text", exact=True).fill(text)
        form.get_by_label("Alt text", exact=True).fill("The person talks to the camera.")
        form.get_by_label("Link (tracking is added)").fill("https://school.example/apply")
        form.get_by_role("button", name="Plan the post").click()
        expect(summary(page)).to_contain_text(f"{planned} posts")
        expect(flash(page, "The post is planned as a draft")).to_be_visible()
        wait_until_idle(page)

    expect(summary(page)).to_contain_text("5 posts, 1 blocked")
    blocked = page.get_by_test_id("stAlertContentError")
    expect(blocked).to_have_text(
        "Blocked: Karim Mansour: No consent covers the video on TikTok for organic posts."
    )
    finish_step(page, artifacts_dir, "3_five_posts")


def test_4_the_author_submits_and_records_the_sign_off(page: Page, artifacts_dir: Path) -> None:
    open_page(page, "Calendar")
    open_post(page, TAKEN_FORWARD)
    page.get_by_role("button", name="Submit for review").click()
    expect(flash(page, "The post is now in review.")).to_be_visible()
    wait_until_idle(page)

    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Someone other than the author must approve")).to_be_visible()

    form = open_expander(page, "Record the person's sign-off")
    select(form, "How", "e-mail")
    form.get_by_role("button", name="Record the sign-off").click()
    expect(flash(page, "The sign-off is recorded.")).to_be_visible()
    expect(page.get_by_text("Signed off by the person on")).to_be_visible()
    finish_step(page, artifacts_dir, "4_in_review")


def test_5_a_second_user_approves(browser: Browser, app: App, artifacts_dir: Path) -> None:
    errors: list[str] = []
    reviewer = new_tab(browser, errors)
    try:
        reviewer.set_viewport_size({"width": 1280, "height": 1800})
        reviewer.goto(app.url)
        sign_in(reviewer, REVIEWER_EMAIL, DEMO_PASSWORD)
        expect(reviewer.get_by_role("heading", level=1, name="Today", exact=True)).to_be_visible()
        open_page(reviewer, "Calendar")
        open_post(reviewer, TAKEN_FORWARD)
        reviewer.get_by_role("button", name="Approve").click()
        expect(flash(reviewer, "The post is now approved.")).to_be_visible()
        expect(reviewer.get_by_text(f"Approved by {REVIEWER_EMAIL}")).to_be_visible()
        finish_step(reviewer, artifacts_dir, "5_approved_by_reviewer")
        assert errors == []
    finally:
        reviewer.context.close()


def test_6_the_calendar_file_lists_the_scheduled_post(page: Page, artifacts_dir: Path) -> None:
    # The panel still shows the post as it was before the approval: reopen it.
    close_panel(page)
    wait_until_idle(page)
    open_post(page, TAKEN_FORWARD)
    expect(page.get_by_text(f"Approved by {REVIEWER_EMAIL}")).to_be_visible()
    page.get_by_role("button", name="Mark as scheduled").click()
    expect(flash(page, "The post is now scheduled.")).to_be_visible()
    wait_until_idle(page)

    with page.expect_download() as info:
        page.get_by_role("button", name="Calendar file (.ics)").click()
    calendar = icalendar.Calendar.from_ical(Path(info.value.path()).read_bytes())
    events = [e for e in calendar.walk("VEVENT") if TAKEN_FORWARD in str(e.get("DESCRIPTION"))]
    assert len(events) == 1
    assert "UK LinkedIn" in str(events[0].get("SUMMARY"))
    assert f"utm_campaign={CODE}" in str(events[0].get("DESCRIPTION"))
    finish_step(page, artifacts_dir, "6_scheduled")


def test_7_the_publishing_pack_holds_the_video_and_texts(page: Page, artifacts_dir: Path) -> None:
    page.get_by_role("button", name="Prepare the publishing pack").click()
    download = page.get_by_role("button", name="Download the publishing pack (.zip)")
    with page.expect_download() as info:
        download.click()
    names = zipfile.ZipFile(io.BytesIO(Path(info.value.path()).read_bytes())).namelist()
    assert any(name.endswith(".mp4") for name in names), names
    assert any(name.endswith(".jpg") for name in names), names
    assert any(name.endswith(".srt") for name in names), names
    assert any("checklist" in name for name in names), names
    finish_step(page, artifacts_dir, "7_pack")


def test_8_the_calendar_colours_by_target_group(page: Page, artifacts_dir: Path) -> None:
    close_panel(page)
    wait_until_idle(page)
    page.get_by_text("Target group", exact=True).click()
    wait_until_idle(page)
    legend = page.get_by_test_id("stCaptionContainer").filter(has_text="■")
    expect(legend.first).to_contain_text("Woman in tech")
    expect(legend.first).not_to_contain_text(CAMPAIGN)
    finish_step(page, artifacts_dir, "8_by_group")
