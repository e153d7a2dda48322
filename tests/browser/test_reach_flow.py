"""Reach in a real browser: import one export of each network, confirm waiting rows, read.

One story in file order, on one tab: the administrator (with the demo loaded, whose published
posts carry their addresses on the networks) drops in a LinkedIn page export (.xlsx), a
French-language Meta export of the Instagram account (decimal commas, thin-space thousands), a
YouTube Studio zip and a TikTok Studio CSV, all built by tests/fixtures_exports.py from the demo's
own posts. Two rows carry addresses nobody recorded -> they wait for a post -> the administrator
confirms the suggested post for each -> the dashboards of a demo campaign show figures, with a
table beside the chart. Each step saves test-artifacts/browser/reach_*.png.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, select

from campaigns.engagement.matching import network_ref
from campaigns.models import ChannelAccount, Post
from tests import fixtures_exports as exports
from tests.browser.conftest import App
from tests.browser.test_campaigns_flow import open_page
from tests.browser.test_catalogue_flow import flash, multiselect, open_expander, open_tab
from tests.browser.test_pages import (
    assert_no_error_shown,
    ensure_signed_in_as_admin,
    save_full_page,
    wait_until_idle,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("story_step")]
STORY = "reach"
CAMPAIGN = "Role models all year"
FILES_LABEL = "Analytics exports (.csv, .xlsx, .xls or YouTube's .zip)"


@dataclass(frozen=True, slots=True)
class Exports:
    """The four files the user picks, and the two posts whose rows will wait."""

    files: tuple[Path, ...]
    waiting_texts: tuple[str, ...]


def finish_step(page: Page, artifacts_dir: Path, step: str) -> None:
    """Once the script is idle: no error on screen, and a screenshot of the step."""
    wait_until_idle(page)
    assert_no_error_shown(page)
    save_full_page(page, artifacts_dir / f"reach_{step}.png")


def _recent_posts(app: App) -> dict[str, list[exports.Post]]:
    """The demo's latest published posts per network, as the exports will describe them."""
    engine = create_engine(app.env["SPOTLIGHT_DATABASE_URL"])
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(ChannelAccount.network, Post.text, Post.published_at, Post.published_url)
                .join(ChannelAccount, ChannelAccount.id == Post.account_id)
                .where(Post.status == "published", Post.published_url.like("https://www.%"))
                .order_by(Post.published_at.desc())
            ).all()
    finally:
        engine.dispose()
    found: dict[str, list[exports.Post]] = {}
    for network, text, published, url in rows:
        if len(found.setdefault(network, [])) < 3:
            when = published if published.tzinfo else published.replace(tzinfo=UTC)
            found[network].append(
                exports.Post(network_ref(url), text, when.replace(tzinfo=None), url=url)
            )
    return found


@pytest.fixture(scope="module")
def files(app: App, page: Page, tmp_path_factory: pytest.TempPathFactory) -> Exports:
    """One export per network from the demo's posts; two rows with addresses nobody recorded."""
    ensure_signed_in_as_admin(page, app)  # first, so that a fresh server gets its administrator
    app.cli("demo", "load")
    recent = _recent_posts(app)
    folder = tmp_path_factory.mktemp("reach-exports")
    # Same text and day as a demo post, but an address Spotlight has never seen.
    linkedin_stray = replace(
        recent["linkedin"][0], post_id="7999999999999999999",
        url="https://www.linkedin.com/feed/update/urn:li:activity:7999999999999999999",
    )  # fmt: skip
    tiktok_stray = replace(
        recent["tiktok"][0], post_id="7399999999999999999",
        url="https://www.tiktok.com/@ecole.numerique/video/7399999999999999999",
    )  # fmt: skip
    today = datetime.now(UTC).date()
    made = {
        "page-content.xlsx": exports.linkedin_xlsx(
            [*recent["linkedin"][1:], linkedin_stray],
            [exports.Day(today - timedelta(days=n + 1)) for n in range(3)],
        ),
        "contenu-instagram.csv": exports.meta_csv(
            recent["instagram"], network="instagram", language="fr", thousands="\u202f"
        ),
        "youtube-studio.zip": exports.youtube_zip(recent["youtube"]),
        "tiktok-content.csv": exports.tiktok_csv([*recent["tiktok"][1:], tiktok_stray]),
    }
    paths = []
    for name, data in made.items():
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return Exports(tuple(paths), (linkedin_stray.title, tiktok_stray.title))


def test_1_four_exports_are_imported(
    page: Page, app: App, artifacts_dir: Path, files: Exports
) -> None:
    ensure_signed_in_as_admin(page, app)
    open_page(page, "Reach")
    panel = open_tab(page, "Import exports")
    uploader = panel.get_by_test_id("stFileUploader").filter(has_text=FILES_LABEL)
    uploader.locator("input[type=file]").set_input_files(list(files.files))
    for path in files.files:  # long names are shortened on screen, not in the chip's label
        chip = uploader.locator(f'[data-testid="stFileChip"][aria-label^="{path.name},"]')
        expect(chip).to_have_count(1)
    wait_until_idle(page)
    save_full_page(page, artifacts_dir / "reach_1_chosen.png")
    panel.get_by_role("button", name="Import").click()

    alerts = panel.get_by_test_id("stAlertContentSuccess")
    expect(alerts.filter(has_text="page-content.xlsx:")).to_contain_text("1 waiting for a post")
    expect(alerts.filter(has_text="contenu-instagram.csv:")).to_contain_text("0 waiting")
    expect(alerts.filter(has_text="youtube-studio.zip:")).to_contain_text("0 waiting")
    expect(alerts.filter(has_text="tiktok-content.csv:")).to_contain_text("1 waiting for a post")
    expect(panel.get_by_text("first row of Table data.csv").first).to_be_visible()
    finish_step(page, artifacts_dir, "1_imported")


def test_2_two_waiting_rows_are_confirmed(page: Page, artifacts_dir: Path, files: Exports) -> None:
    # The tab's count is worked out as the page opens: come back to it.
    open_page(page, "Calendar")
    open_page(page, "Reach")
    queue = open_tab(page, "Waiting for a post")
    expect(queue).to_contain_text("2 exported posts wait")
    finish_step(page, artifacts_dir, "2_queue")
    for number, text in enumerate(files.waiting_texts, start=1):
        # The queue lists rows in the order they were imported; each confirmed one leaves it.
        expect(queue.get_by_test_id("stMarkdownContainer").first).to_contain_text(text[:30])
        box = queue.get_by_role("combobox", name="Belongs to").first
        box.click()
        page.get_by_role("option").filter(has_text="published the same day").first.click()
        wait_until_idle(page)
        queue.get_by_role("button", name="Confirm").first.click()
        expect(flash(page, "The figures now count for post #")).to_be_visible()
        wait_until_idle(page)
        expect(queue).to_contain_text(f"{2 - number} exported posts wait")
    finish_step(page, artifacts_dir, "2_confirmed")


def test_3_the_dashboards_of_a_demo_campaign(page: Page, artifacts_dir: Path) -> None:
    open_tab(page, "Dashboards")
    multiselect(page, "Campaign", CAMPAIGN)
    wait_until_idle(page)
    tiles = page.get_by_test_id("stMetric")
    expect(tiles.filter(has_text="Impressions")).not_to_contain_text("—")
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible()
    table = open_expander(page, "Table and downloads: Impressions by campaign")
    expect(table.get_by_test_id("stDataFrame")).to_be_visible()
    page.get_by_role("radiogroup", name="Compare by").get_by_text("Network", exact=True).click()
    wait_until_idle(page)
    expect(page.get_by_text("Impressions by network", exact=True)).to_be_visible()
    finish_step(page, artifacts_dir, "3_dashboards")
