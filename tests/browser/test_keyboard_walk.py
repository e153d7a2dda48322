"""The main flows of Spotlight walked with the keyboard alone, as someone who cannot use a mouse.

One story in file order, on one tab: after `page.goto`, every step only presses keys (Tab,
Shift+Tab, Enter, Space, arrows, Escape) and types: sign in -> add a role model in the dialog ->
upload a video portrait of her (Enter on "Upload" opens the system's file dialog, answered with
the file as a person would pick it) -> plan a post on a demo video and submit it for review from
the calendar -> read the reach tiles and walk a chart's table cell by cell -> on every page, every
control on screen can be reached with Tab. Each step saves test-artifacts/browser/keyboard_*.png.

`tab_to` presses Tab until the control with that role and accessible name has the focus, and
fails listing where the focus went instead: a control it cannot reach is a control a keyboard
user cannot use.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.conftest import App
from tests.browser.conftest import open_tab as new_tab
from tests.browser.test_campaigns_flow import wait_for_demo_versions
from tests.browser.test_catalogue_flow import flash
from tests.browser.test_pages import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    assert_no_error_shown,
    ensure_signed_in_as_admin,
    save_full_page,
    title,
    wait_until_idle,
    wait_until_rendered,
)
from tests.fixtures_video import make_clip

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("story_step")]
STORY = "keyboard walk"

NAME = "Kim Keyboard-Walk"
PORTRAIT_TITLE = "Kim at the keyboard"
POST_TEXT = "Typed with the keyboard only: Kim's first week."
DEMO_VERSION = "Amina: from retail to web development — LinkedIn (square)"
# Enough presses to cross the longest page (the catalogue shows 24 cards of two controls each).
MAX_PRESSES = 120
MAX_ROUND = 500
KEY_TRIES = 3
MENU_TRIES = 3
KEY_WAIT_MS = 1_000
# Resolves once nothing has scrolled for a moment (focusing a field scrolls it into view smoothly).
STILL = """() => new Promise((done) => {
    let last = performance.now();
    const moved = () => { last = performance.now(); };
    document.addEventListener('scroll', moved, true);
    const look = () => {
        if (performance.now() - last < 150) return requestAnimationFrame(look);
        document.removeEventListener('scroll', moved, true);
        done();
    };
    requestAnimationFrame(look);
})"""
UPLOAD_TIMEOUT_MS = 60_000
PAGES = (
    "Today",
    "Role models",
    "Portraits",
    "Campaigns",
    "Calendar",
    "Reach",
    "Applications & impact",
    "Accounts & audit",
)

# What has the focus, as a person reading the failure would name it.
DESCRIBE_FOCUS = """() => {
    const e = document.activeElement;
    if (!e || e === document.body) return 'the page itself (nothing focused)';
    const role = e.getAttribute('role') || e.tagName.toLowerCase();
    const name = e.getAttribute('aria-label')
        || (e.labels && e.labels.length ? e.labels[0].innerText : '')
        || e.getAttribute('title') || e.innerText || e.value || '';
    const where = e.closest('[data-testid]')?.dataset.testid ?? '';
    return `${role} "${name.replace(/\\s+/g, ' ').trim().slice(0, 60)}" (${where})`;
}"""
IS_FOCUSED = "(elements) => elements.includes(document.activeElement)"


def focus(page: Page, target: Locator, what: str, *, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until `target` has the focus; fail listing where it went."""
    key = "Shift+Tab" if backwards else "Tab"
    path: list[str] = []
    for _ in range(MAX_PRESSES):
        page.keyboard.press(key)
        if target.evaluate_all(IS_FOCUSED):
            return
        path.append(page.evaluate(DESCRIBE_FOCUS))
    pytest.fail(
        f"{what} never got the focus in {MAX_PRESSES} presses of {key}; it went to:\n"
        + "\n".join(f"  {n}. {name}" for n, name in enumerate(path, start=1))
    )


def tab_to(scope: Page | Locator, role: str, name: str, *, backwards: bool = False) -> Locator:
    """Press Tab until the control with that role and accessible name has the focus."""
    page = scope if isinstance(scope, Page) else scope.page
    target = scope.get_by_role(role, name=name, exact=True)  # type: ignore[arg-type]
    focus(page, target, f'The {role} "{name}"', backwards=backwards)
    return target


def tab_to_expander(page: Page, label: str) -> Locator:
    """Press Tab until the header of the (first) expander with that label has the focus."""
    header = page.locator("summary").filter(has_text=label)
    expander = page.get_by_test_id("stExpander").filter(has=header).first
    focus(page, expander.locator("summary"), f'The expander "{label}"')
    return expander


def open_menu(page: Page, box: Locator) -> None:
    """Open the focused combobox's menu with ArrowDown, again if it closed at once.

    A Streamlit menu closes when the page moves under it: the field reached with Tab is still
    being scrolled into view for a moment, and a menu opened near the bottom of the screen
    scrolls the page to show itself. A person waits for the page to settle and presses
    ArrowDown again.
    """
    for _ in range(MENU_TRIES):
        page.evaluate(STILL)
        if box.get_attribute("aria-expanded") != "true":
            page.keyboard.press("ArrowDown")
        try:
            expect(box).to_have_attribute("aria-expanded", "true", timeout=KEY_WAIT_MS)
        except AssertionError:
            continue
        page.evaluate(STILL)
        if box.get_attribute("aria-expanded") == "true":
            return
    pytest.fail(f"the menu of {box.get_attribute('aria-label')} does not stay open on ArrowDown")


def type_into_menu(page: Page, box: Locator, text: str) -> bool:
    """Type letter by letter, each checked (and typed again when it did not arrive).

    The menu takes the focus for an instant each time it redraws its options, and a key typed in
    that instant is lost, more often on a busy machine. False when the field lost what it held.
    """
    for end, letter in enumerate(text, start=1):
        # A selectbox shows its current option until the first letter replaces it.
        wanted = text[:end]
        for _ in range(KEY_TRIES):
            page.keyboard.type(letter)
            try:
                expect(box).to_have_value(wanted, timeout=KEY_WAIT_MS)
            except AssertionError:
                continue
            break
        else:
            return False
    return True


def choose(page: Page, text: str) -> None:
    """In the focused selectbox or multiselect: open the menu, type to filter, Enter to pick."""
    box = page.locator("[role=combobox]:focus")
    expect(box).to_have_count(1)
    for _ in range(MENU_TRIES):
        open_menu(page, box)
        if type_into_menu(page, box, text):
            break
        page.keyboard.press("ControlOrMeta+A")
        page.keyboard.press("Backspace")
    expect(box).to_have_value(text)
    open_menu(page, box)
    # Enter picks the highlighted option, which the menu sets a moment after it has filtered.
    expect(page.get_by_role("option").first).to_contain_text(text)
    expect(box).to_have_attribute("aria-activedescendant", re.compile(r"\S"))
    page.keyboard.press("Enter")
    wait_until_idle(page)


def expect_page(page: Page, name: str) -> None:
    """The page with that title is shown (the previous page's title may linger a moment)."""
    expect(page.get_by_role("heading", level=1, name=name, exact=True)).to_be_visible()
    expect(title(page)).to_have_text(name)


def settle(page: Page) -> None:
    """Wait until the script has run and lazy widgets are drawn."""
    wait_until_idle(page)
    wait_until_rendered(page)


def finish_step(page: Page, artifacts_dir: Path, step: str) -> None:
    """Once the script is idle: no error on screen, and a screenshot of the step."""
    settle(page)
    assert_no_error_shown(page)
    save_full_page(page, artifacts_dir / f"keyboard_{step}.png")


def go_to(page: Page, name: str) -> None:
    """Reach a page's link in the sidebar with Tab, or Shift+Tab when the focus is past it."""
    link = page.get_by_test_id("stSidebar").get_by_role("link", name=name, exact=True)
    past = link.evaluate(
        """(link) => document.activeElement !== document.body
            && Boolean(link.compareDocumentPosition(document.activeElement)
                       & Node.DOCUMENT_POSITION_FOLLOWING)"""
    )
    focus(page, link, f'The sidebar link "{name}"', backwards=past)
    page.keyboard.press("Enter")
    expect_page(page, name)
    settle(page)


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 3-second 480x270 test-pattern clip with a tone."""
    folder = tmp_path_factory.mktemp("keyboard-walk")
    return make_clip(folder / "kim-at-the-keyboard.mp4", seconds=3.0, width=480, height=270)


@pytest.fixture(scope="module")
def demo_ready(browser: Browser, app: App) -> None:
    """The administrator and the demo with its rendered videos, set up outside the walk's tab."""
    setup = new_tab(browser, [])
    try:
        ensure_signed_in_as_admin(setup, app)
    finally:
        setup.context.close()
    app.cli("demo", "load")
    wait_for_demo_versions(app)


def test_1_sign_in(page: Page, app: App, artifacts_dir: Path, demo_ready: None) -> None:
    page.goto(app.url)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    settle(page)

    tab_to(page, "textbox", "E-mail")
    page.keyboard.type(ADMIN_EMAIL)
    tab_to(page, "textbox", "Password")
    page.keyboard.type(ADMIN_PASSWORD)
    page.keyboard.press("Enter")

    expect_page(page, "Today")
    expect(page.get_by_text(f"Signed in as {ADMIN_EMAIL}")).to_be_visible()
    finish_step(page, artifacts_dir, "1_signed_in")


def test_2_add_a_role_model(page: Page, artifacts_dir: Path) -> None:
    go_to(page, "Role models")
    tab_to(page, "button", "Add a role model")
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    settle(page)

    tab_to(dialog, "textbox", "Full name (required)")
    page.keyboard.type(NAME)
    role = tab_to(dialog, "combobox", "Role (required)")
    choose(page, "Instructor")
    expect(role).to_have_value("Instructor")
    tab_to(dialog, "combobox", "Categories the person chose to be featured under")
    choose(page, "Woman in tech")
    # Tab closes the menu (which hides the rest of the dialog from assistive technology).
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Remove Woman in tech")).to_be_visible()
    dialog.screenshot(path=artifacts_dir / "keyboard_2_add_dialog.png")
    tab_to(dialog, "button", "Add to the catalogue")
    page.keyboard.press("Enter")

    expect(flash(page, f"Added {NAME}.")).to_be_visible()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_role("heading", level=2)).to_have_text(NAME)
    expect(page.get_by_text("Instructor · Woman in tech")).to_be_visible()
    finish_step(page, artifacts_dir, "2_added")


def test_3_upload_a_portrait(page: Page, artifacts_dir: Path, clip: Path) -> None:
    # Listening early has Chromium hand the file dialog to the test: a listener set up only as
    # Enter is pressed sometimes comes too late, and the dialog then opens unseen.
    page.on("filechooser", lambda _: None)
    go_to(page, "Portraits")
    form = tab_to_expander(page, "Upload a portrait")
    page.keyboard.press("Enter")
    expect(form.locator("details")).to_have_attribute("open", "")

    uploader = form.get_by_test_id("stFileUploader")
    tab_to(uploader, "button", "Upload")
    # Enter opens the system's file dialog; the test answers it as the person would.
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Enter")
    chooser.value.set_files(clip)
    # Long names are shortened on screen; the chip's button names the whole file.
    expect(uploader.get_by_role("button", name=f"Remove {clip.name}")).to_be_visible()

    tab_to(form, "combobox", "Who is featured")
    choose(page, NAME)
    page.keyboard.press("Tab")
    expect(form.get_by_role("button", name=f"Remove {NAME}")).to_be_visible()
    tab_to(form, "textbox", "Title")
    page.keyboard.type(PORTRAIT_TITLE)
    tab_to(form, "textbox", "Alt text: one sentence describing the video (required)")
    page.keyboard.type("Kim smiles at the camera in front of a colourful test pattern.")
    save_full_page(page, artifacts_dir / "keyboard_3_upload_form.png")
    tab_to(form, "button", "Check and upload")
    page.keyboard.press("Enter")

    expect(flash(page, "The video passed the checks and is stored.")).to_be_visible(
        timeout=UPLOAD_TIMEOUT_MS
    )
    expect(page.get_by_role("heading", level=2)).to_have_text(PORTRAIT_TITLE)
    expect(page.get_by_text(f"{NAME} · 3 s · 480×270 · with sound")).to_be_visible()
    finish_step(page, artifacts_dir, "3_uploaded")


def test_4_plan_a_post_and_submit_it_for_review(page: Page, artifacts_dir: Path) -> None:
    go_to(page, "Campaigns")
    account = tab_to(page, "combobox", "Account")
    choose(page, "UK LinkedIn")
    expect(account).to_have_value("UK LinkedIn")
    form = page.get_by_test_id("stForm").filter(has_text="Plan the post")
    version = tab_to(form, "combobox", "Video version (ready ones only)")
    choose(page, DEMO_VERSION)
    expect(version).to_have_value(DEMO_VERSION)
    tab_to(form, "textbox", "Text")
    page.keyboard.type(POST_TEXT)
    tab_to(form, "textbox", "Alt text")
    page.keyboard.type("Amina talks to the camera about retraining.")
    tab_to(form, "textbox", "Link (tracking is added)")
    page.keyboard.type("https://school.example/apply")
    # The first good time is chosen; the arrows pick the next one, as a person would.
    first_slot = form.get_by_role("radio").first
    focus(page, first_slot, "The first good time to post")
    page.keyboard.press("ArrowDown")
    expect(form.get_by_role("radio").nth(1)).to_be_checked()
    save_full_page(page, artifacts_dir / "keyboard_4_post_form.png")
    tab_to(form, "button", "Plan the post")
    page.keyboard.press("Enter")

    expect(flash(page, "The post is planned as a draft")).to_be_visible()
    finish_step(page, artifacts_dir, "4_planned")

    go_to(page, "Calendar")
    tab_to(page, "combobox", "Open a post")
    choose(page, "Typed with the keyboard")
    expect(page.get_by_role("heading", name=re.compile(r"^Post #\d+"))).to_be_visible()
    settle(page)
    tab_to(page, "button", "Submit for review")
    page.keyboard.press("Enter")

    expect(flash(page, "The post is now in review.")).to_be_visible()
    finish_step(page, artifacts_dir, "4_in_review")


def test_5_read_the_reach_dashboard(page: Page, artifacts_dir: Path) -> None:
    go_to(page, "Reach")
    tiles = page.get_by_test_id("stMetric")
    for tile in ("Posts", "Impressions", "Reach (at most)", "Engagement rate"):
        expect(tiles.filter(has_text=tile)).to_contain_text(re.compile(r"\d"))

    expander = tab_to_expander(page, "Table and downloads")
    page.keyboard.press("Enter")
    expect(expander.locator("details")).to_have_attribute("open", "")
    settle(page)
    table = expander.get_by_test_id("stDataFrame")
    focus(page, table.get_by_test_id("data-grid-canvas"), "The chart's table")
    for key in ("ArrowDown", "ArrowDown", "ArrowRight"):
        page.keyboard.press(key)

    # The cell under the focus is read out: the second period's figure.
    cell = table.locator("td[role=gridcell]:focus")
    expect(cell).to_have_attribute("aria-colindex", "2")
    expect(cell).to_have_text(re.compile(r"^[\d,.]+$"))
    expect(table.locator("th[role=columnheader]").nth(1)).to_have_text(re.compile(r"\S"))
    finish_step(page, artifacts_dir, "5_dashboard_table")


# Controls a person can operate: when one is on screen and enabled, Tab must reach it (or, for a
# group moved through with the arrows, one of its members).
UNREACHED_CONTROLS = """(reached) => {
    const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary,'
        + ' [role=button], [role=link], [role=tab], [role=radio], [role=checkbox], [role=switch],'
        + ' [role=slider], [role=combobox], [role=spinbutton], [tabindex]';
    const onScreen = (e) => e.checkVisibility({ visibilityProperty: true })
        && !e.closest('[aria-hidden=true], [inert]')
        && !e.matches(':disabled, [aria-disabled=true]');
    // Arrow-key groups: the checked radio or the selected tab stands for the others.
    const groupOf = (e) => e.type === 'radio' ? 'radio:' + e.name
        : e.closest('[role=radiogroup], [role=tablist]') ?? e;
    const reachedGroups = new Set(reached.map(groupOf));
    // Members of composite widgets (tabs, grids, lists of options) are reached with the arrows.
    const roving = '[role=tablist], [role=radiogroup], [role=grid], [role=listbox], [role=menu]';
    const byArrows = (e) => e.getAttribute('tabindex') === '-1' && e.closest(roving);
    // Parts left out of the Tab order because another part of the widget does the same from
    // the keyboard: a menu's "Open" toggle and its chips' "Remove" (arrows, Backspace in the
    // combobox), a number's "Increment" and "Decrement" (arrows in the field), an uploader's
    // drop zone (its "Upload" button).
    const widgets = '[data-testid=stSelectbox], [data-testid=stMultiSelect],'
        + ' [data-testid=stNumberInput], [data-testid=stFileUploader]';
    const byField = (e) => e.getAttribute('tabindex') === '-1'
        && reached.some((field) => e.closest(widgets)?.contains(field));
    return [...document.querySelectorAll(selector)]
        .filter((e) => e.closest('[data-testid=stMain], [data-testid=stSidebar]'))
        .filter((e) => onScreen(e) && !byArrows(e) && !byField(e))
        // The file input is opened by its "Upload" button, which is checked itself.
        .filter((e) => e.type !== 'file')
        .filter((e) => !reached.includes(e) && !reachedGroups.has(groupOf(e)))
        .map((e) => `${e.getAttribute('role') || e.tagName.toLowerCase()} "`
            + `${(e.getAttribute('aria-label') || e.innerText || e.value || '').slice(0, 80)}"`);
}"""


# True once the focus is back where the round began (a control may take it twice in a row).
NOTE_FOCUS = """() => {
    const reached = window.spotlightReached;
    const round = reached.length > 1 && document.activeElement === reached[0];
    reached.push(document.activeElement);
    return round;
}"""


def tab_through(page: Page) -> list[str]:
    """Tab once round the whole page; return the controls on screen that the focus never met."""
    page.evaluate("() => { window.spotlightReached = []; }")
    for _ in range(MAX_ROUND):
        page.keyboard.press("Tab")
        if page.evaluate(NOTE_FOCUS):
            break
    else:
        pytest.fail(f"the focus did not come round the page in {MAX_ROUND} presses of Tab")
    missed: list[str] = page.evaluate(f"() => ({UNREACHED_CONTROLS})(window.spotlightReached)")
    return missed


@pytest.mark.parametrize("name", PAGES)
def test_6_every_control_on_screen_can_be_reached_with_tab(
    page: Page, artifacts_dir: Path, name: str
) -> None:
    go_to(page, name)

    missed = tab_through(page)

    assert missed == [], f"Tab never reaches these controls of {name}: {missed}"
