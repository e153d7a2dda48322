"""Applications & impact in a real browser: import, a campaign's effect, targets, suppression.

One story in file order, on one tab: the administrator (with the demo loaded) downloads nothing
by hand — the test writes the demo admissions export the page offers — imports it, opens the
demo campaign whose effect on women is known, reads the effect with its interval and its
plain-language reading, reads the targets with their intervals, and sees a small cell of tracked
applications (a role model with few) hidden as "fewer than 11". Each step saves
test-artifacts/browser/impact_*.png.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from campaigns.db import make_engine
from campaigns.demo_applications import demo_admissions_csv
from tests.browser.conftest import App
from tests.browser.test_campaigns_flow import open_page
from tests.browser.test_catalogue_flow import flash, open_tab, select
from tests.browser.test_pages import (
    assert_no_error_shown,
    ensure_signed_in_as_admin,
    save_full_page,
    wait_until_idle,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("story_step")]
STORY = "impact"
PAGE = "Applications & impact"
LIFTED = "Women in tech — autumn intake 2025"
IMPORT_TIMEOUT_MS = 120_000


def finish_step(page: Page, artifacts_dir: Path, step: str) -> None:
    """Once the script is idle: no error on screen, and a screenshot of the step."""
    wait_until_idle(page)
    assert_no_error_shown(page)
    save_full_page(page, artifacts_dir / f"impact_{step}.png")


@pytest.fixture(scope="module")
def admissions(app: App, page: Page, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo admissions export, as the page's download button gives it."""
    ensure_signed_in_as_admin(page, app)
    app.cli("demo", "load")
    engine = make_engine(app.env["SPOTLIGHT_DATABASE_URL"])
    try:
        data = demo_admissions_csv(engine, date.today())
    finally:
        engine.dispose()
    path = tmp_path_factory.mktemp("admissions") / "demo-admissions.csv"
    path.write_bytes(data)
    return path


def test_1_the_demo_admissions_export_is_imported(
    page: Page, app: App, artifacts_dir: Path, admissions: Path
) -> None:
    open_page(page, PAGE)
    expect(page.get_by_text("No applications yet")).to_be_visible()
    uploader = page.get_by_test_id("stFileUploader").filter(has_text="Admissions export")
    uploader.locator("input[type=file]").set_input_files(admissions)
    page.get_by_role("button", name="Import the applications").click()
    expect(flash(page, "demo-admissions.csv:")).to_be_visible(timeout=IMPORT_TIMEOUT_MS)
    expect(flash(page, "demo-admissions.csv:")).to_contain_text("0 left out")
    finish_step(page, artifacts_dir, "1_imported")


def test_2_the_effect_on_women_is_read_with_its_interval(page: Page, artifacts_dir: Path) -> None:
    panel = open_tab(page, "Effect of a campaign")
    select(panel, "Campaign", LIFTED)
    wait_until_idle(page)
    expect(panel.get_by_text("Change in share")).to_be_visible()
    expect(panel.get_by_text("95 % interval (pts)")).to_be_visible()
    reading = panel.get_by_test_id("stMarkdownContainer").filter(has_text="points").first
    expect(reading).to_be_visible()
    finish_step(page, artifacts_dir, "2_effect")


def test_3_targets_show_shares_with_intervals(page: Page, artifacts_dir: Path) -> None:
    panel = open_tab(page, "Targets")
    expect(panel.get_by_text("Women among applicants of tech programmes")).to_be_visible()
    expect(panel.get_by_test_id("stVegaLiteChart").first).to_be_visible()
    finish_step(page, artifacts_dir, "3_targets")


def test_4_a_small_cell_is_hidden(page: Page, artifacts_dir: Path) -> None:
    panel = open_tab(page, "Tracked applications")
    select(panel, "Campaign", LIFTED)
    wait_until_idle(page)
    expect(panel.get_by_test_id("stTable").first).to_be_visible()
    # A tracked count under the threshold reads "fewer than 11", never its value.
    hidden = panel.get_by_test_id("stTable").filter(has_text="fewer than 11")
    expect(hidden.first).to_be_visible()
    finish_step(page, artifacts_dir, "4_suppressed")
