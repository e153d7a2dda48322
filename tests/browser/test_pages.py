"""Spotlight in a real browser: first run, demo data, every page, roles and the sign-in form.

The tests share one Streamlit server and one tab (one Streamlit session), and run in file order:
first run -> demo data -> every page as administrator -> sign out and in as viewer. Each test
that needs an earlier step brings the app there itself if it is run alone (`-k`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import App

pytestmark = pytest.mark.browser

ADMIN_EMAIL = "admin@school.example"
ADMIN_PASSWORD = "a long enough pass phrase"
VIEWER_EMAIL = "viewer@demo.example.org"
DEMO_PASSWORD = "spotlight-demo"
WELCOME = "Welcome! Create the first administrator"
SIGN_IN_INVITE = "Sign in to see the role models, campaigns and dashboards."

# (navigation label and page title, URL path), in the order of the sidebar.
ADMIN_PAGES = [
    ("Today", ""),
    ("Role models", "role_models"),
    ("Portraits", "portraits"),
    ("Campaigns", "campaigns"),
    ("Calendar", "calendar"),
    ("Reach", "reach"),
    ("Applications & impact", "impact"),
    ("Accounts & audit", "admin"),
]


def wait_until_idle(page: Page) -> None:
    """Wait until Streamlit has finished running the script (call after the expected text)."""
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning")
    expect(page.get_by_test_id("stStatusWidget").filter(has_text="Running")).to_have_count(0)


def wait_until_rendered(page: Page) -> None:
    """Wait until lazily loaded widgets have replaced their skeletons and tables are drawn."""
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0)
    # A table in a tab not shown yet is never drawn: only wait for the visible ones.
    for table in page.get_by_test_id("stDataFrame").filter(visible=True).all():
        expect(table.locator("table[role=grid]")).to_be_attached()
    page.evaluate(
        "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
    )


def navigation(page: Page) -> Locator:
    """The page links of the sidebar."""
    return page.get_by_test_id("stSidebar").get_by_test_id("stPageLink-NavLink")


def title(page: Page) -> Locator:
    """The page's h1."""
    return page.get_by_role("heading", level=1)


def assert_no_error_shown(page: Page) -> None:
    """No Streamlit exception box and no Python traceback anywhere on the page."""
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_text("Traceback")).to_have_count(0)


def sign_in(page: Page, email: str, password: str) -> None:
    """Fill and submit the password form."""
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def fill_first_admin(page: Page, password: str, again: str) -> None:
    """Fill and submit the first-administrator form."""
    page.get_by_label("Your name").fill("Sam Admin")
    page.get_by_label("E-mail").fill(ADMIN_EMAIL)
    page.get_by_label("Password (at least 12 characters)").fill(password)
    page.get_by_label("Password again").fill(again)
    page.get_by_role("button", name="Create the administrator").click()


def ensure_signed_in_as_admin(page: Page, app: App) -> None:
    """Bring the shared tab to the administrator's Today page, whatever state it is in."""
    if navigation(page).filter(has_text="Accounts & audit").count():
        return
    page.goto(app.url)
    form = page.get_by_text(WELCOME).or_(page.get_by_text(SIGN_IN_INVITE))
    expect(form).to_be_visible()
    if page.get_by_text(WELCOME).count():
        fill_first_admin(page, ADMIN_PASSWORD, ADMIN_PASSWORD)
    else:
        sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    # By name: the sign-in page's h1 can linger a moment beside Today's.
    expect(page.get_by_role("heading", level=1, name="Today", exact=True)).to_be_visible()
    wait_until_idle(page)


def save_full_page(page: Page, path: Path) -> None:
    """Screenshot the whole page: Streamlit scrolls inside <main>, so grow the viewport first."""
    wait_until_rendered(page)
    viewport = page.viewport_size
    assert viewport is not None
    height = page.evaluate(
        """() => Math.max(
            ...['stMain', 'stSidebarContent'].map(
                (id) => document.querySelector(`[data-testid="${id}"]`)?.scrollHeight ?? 0))"""
    )
    page.set_viewport_size({"width": viewport["width"], "height": max(viewport["height"], height)})
    wait_until_rendered(page)
    page.screenshot(path=path, full_page=True)
    page.set_viewport_size(viewport)


def test_first_visit_creates_the_administrator_and_opens_today(
    page: Page, app: App, artifacts_dir: Path
) -> None:
    expect(page.get_by_text(WELCOME)).to_be_visible()
    wait_until_idle(page)
    expect(navigation(page)).to_have_count(0)
    save_full_page(page, artifacts_dir / "first_run.png")

    fill_first_admin(page, ADMIN_PASSWORD, ADMIN_PASSWORD + "!")
    expect(page.get_by_text("The two passwords are different")).to_be_visible()
    wait_until_idle(page)
    save_full_page(page, artifacts_dir / "first_run_mismatch.png")
    # A new session still finds nobody: the mismatch created no account.
    page.goto(app.url)
    expect(page.get_by_text(WELCOME)).to_be_visible()
    wait_until_idle(page)
    expect(navigation(page)).to_have_count(0)

    fill_first_admin(page, ADMIN_PASSWORD, ADMIN_PASSWORD)
    expect(page.get_by_role("heading", level=1, name="Today", exact=True)).to_be_visible()
    wait_until_idle(page)
    expect(page.get_by_text(f"Signed in as {ADMIN_EMAIL}")).to_be_visible()
    assert_no_error_shown(page)


def test_load_demo_data_fills_the_app_once(page: Page, app: App, artifacts_dir: Path) -> None:
    ensure_signed_in_as_admin(page, app)
    load = page.get_by_role("button", name="Load demo data")

    load.click()

    expect(page.get_by_text("Demo data loaded")).to_be_visible()
    wait_until_idle(page)
    expect(load).to_have_count(0)
    assert_no_error_shown(page)
    save_full_page(page, artifacts_dir / "demo_loaded.png")


@pytest.mark.parametrize(("label", "path"), ADMIN_PAGES, ids=[p or "today" for _, p in ADMIN_PAGES])
def test_every_page_opens_from_the_sidebar_without_error(
    page: Page, app: App, page_errors: list[str], artifacts_dir: Path, label: str, path: str
) -> None:
    ensure_signed_in_as_admin(page, app)
    errors_before = len(page_errors)

    navigation(page).filter(has_text=label).click()

    expect(title(page)).to_have_text(label)
    wait_until_idle(page)
    expect(page).to_have_url(f"{app.url}/{path}")
    wait_until_rendered(page)
    assert_no_error_shown(page)
    save_full_page(page, artifacts_dir / f"{path or 'today'}.png")
    assert page_errors[errors_before:] == []


def test_audit_trail_tab_opens_without_error(page: Page, app: App, artifacts_dir: Path) -> None:
    ensure_signed_in_as_admin(page, app)
    navigation(page).filter(has_text="Accounts & audit").click()
    expect(title(page)).to_have_text("Accounts & audit")
    wait_until_idle(page)

    page.get_by_role("tab", name="Audit trail").click()

    expect(page.get_by_role("tabpanel", name="Audit trail")).to_be_visible()
    wait_until_rendered(page)
    assert_no_error_shown(page)
    save_full_page(page, artifacts_dir / "admin_audit.png")


def test_viewer_sees_the_dashboards_but_not_the_catalogue_or_accounts(
    page: Page, app: App, artifacts_dir: Path
) -> None:
    ensure_signed_in_as_admin(page, app)
    app.cli("demo", "load")  # the viewer account comes with the demo data (safe to repeat)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text(SIGN_IN_INVITE)).to_be_visible()
    wait_until_idle(page)
    expect(navigation(page)).to_have_count(0)

    sign_in(page, VIEWER_EMAIL, "not the password")
    expect(
        page.get_by_text("That e-mail and password do not match an active account.")
    ).to_be_visible()
    wait_until_idle(page)
    expect(navigation(page)).to_have_count(0)

    sign_in(page, VIEWER_EMAIL, DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1, name="Today", exact=True)).to_be_visible()
    wait_until_idle(page)
    expect(navigation(page).filter(has_text="Reach")).to_be_visible()
    expect(navigation(page).filter(has_text="Role models")).to_have_count(0)
    expect(navigation(page).filter(has_text="Accounts & audit")).to_have_count(0)
    expect(page.get_by_role("button", name="Load demo data")).to_have_count(0)
    wait_until_rendered(page)
    assert_no_error_shown(page)
    save_full_page(page, artifacts_dir / "viewer_today.png")


def test_every_input_of_the_sign_in_form_has_an_accessible_name(
    fresh_page: Page, app: App, artifacts_dir: Path
) -> None:
    page = fresh_page
    expect(page.get_by_text(SIGN_IN_INVITE)).to_be_visible()
    wait_until_idle(page)
    wait_until_rendered(page)

    inputs = page.locator("input:visible")
    assert inputs.count() >= 2
    for field in inputs.all():
        expect(field).to_have_accessible_name(re.compile(r"\S"))
    for button in page.get_by_role("button").all():
        expect(button).to_have_accessible_name(re.compile(r"\S"))
    expect(page.get_by_label("E-mail")).to_have_count(1)
    expect(page.get_by_label("Password", exact=True)).to_have_count(1)
    save_full_page(page, artifacts_dir / "sign_in.png")

    # The labelled fields are the ones that work: signing in through them succeeds.
    sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    expect(page.get_by_role("heading", level=1, name="Today", exact=True)).to_be_visible()
