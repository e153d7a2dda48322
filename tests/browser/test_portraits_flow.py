"""Video portraits in a real browser: upload, framing, captions, versions per network.

One story in file order, on one tab (one Streamlit session): sign in -> a role model who agreed to
video on Instagram, LinkedIn and YouTube -> upload her 4-second portrait -> move the focal point
and pick the blurred background -> add captions -> make three versions, which the render worker
started beside the server (tests/browser/conftest.py) turns into players and downloads -> a text
file named .mp4 is refused. Each step saves test-artifacts/browser/portraits_*.png. Once a step
fails the later ones are skipped: they need what it should have made.

The module runs after test_pages.py and (by name) test_catalogue_flow.py on the shared server, or
alone on a fresh one; it creates the first administrator when it meets the server first.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import App
from tests.browser.test_catalogue_flow import (
    flash,
    innermost_block,
    multiselect,
    open_expander,
    open_role_models,
    open_tab,
    people_matching,
    select,
    upload,
)
from tests.browser.test_pages import (
    ADMIN_EMAIL,
    assert_no_error_shown,
    ensure_signed_in_as_admin,
    navigation,
    save_full_page,
    title,
    wait_until_idle,
)
from tests.fixtures_people import PDF
from tests.fixtures_video import make_clip

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("story_step")]
STORY = "portraits"

NAME = "Portrait Browser-Test"
PORTRAIT_TITLE = "Portrait browser test: a day in the lab"
ALT_TEXT = "A colourful test pattern moving while a tone plays"
VERSIONS = ("Instagram Reels", "LinkedIn (square)", "YouTube")
RENDER_TIMEOUT_MS = 120_000
VIDEO_LABEL = "Video (MP4, MOV, M4V, WebM or MKV)"
SRT = """1
00:00:00,000 --> 00:00:01,800
Hello, I build robots.

2
00:00:02,000 --> 00:00:03,800
Come and see our lab.
"""


@dataclass(frozen=True, slots=True)
class Uploads:
    """The files the user picks in the browser's file dialogs."""

    clip: Path
    captions: Path
    proof: Path
    text_named_mp4: Path


@pytest.fixture(scope="module")
def uploads(tmp_path_factory: pytest.TempPathFactory) -> Uploads:
    """A 4-second 640x360 clip, an SRT of two cues, a PDF proof and a text file named .mp4."""
    folder = tmp_path_factory.mktemp("portrait-uploads")
    files = Uploads(
        clip=make_clip(folder / "portrait.mp4", seconds=4.0, width=640, height=360),
        captions=folder / "portrait.srt",
        proof=folder / "consent-portrait.pdf",
        text_named_mp4=folder / "notes.mp4",
    )
    files.captions.write_text(SRT, encoding="utf-8")
    files.proof.write_bytes(PDF)
    files.text_named_mp4.write_text(
        "Notes for the shoot: bring the lab coat, film by the window.\n" * 20, encoding="utf-8"
    )
    return files


def finish_step(page: Page, artifacts_dir: Path, step: str) -> None:
    """Once the script is idle: no error on screen, and a screenshot of the step."""
    wait_until_idle(page)
    assert_no_error_shown(page)
    save_full_page(page, artifacts_dir / f"portraits_{step}.png")


def pick(scope: Page | Locator, label: str, *options: str) -> None:
    """Add options to a multiselect by clicking them in its menu (typing may match several)."""
    box = scope.get_by_role("combobox", name=label)
    widget = box.locator("xpath=ancestor::*[@data-testid='stMultiSelect'][1]")
    page = box.page
    for option in options:
        box.click()
        expect(box).to_have_attribute("aria-expanded", "true")
        box.fill(option)
        page.get_by_role("option", name=option, exact=True).click()
        expect(widget.get_by_title(option, exact=True)).to_be_visible()
    box.press("Tab")
    for option in options:
        expect(widget.get_by_role("button", name=f"Remove {option}", exact=True)).to_be_visible()


def open_portraits(page: Page) -> None:
    """Go to the portraits list through the sidebar."""
    navigation(page).filter(has_text="Portraits").click()
    expect(title(page)).to_have_text("Portraits")
    wait_until_idle(page)


def portrait_cards(page: Page) -> Locator:
    """The "Open" button of each portrait in the list."""
    return page.get_by_test_id("stButton").get_by_role("button", name="Open", exact=True)


def fill_upload_form(page: Page, path: Path) -> Locator:
    """Unfold "Upload a portrait" and fill it for NAME; return the expander."""
    form = open_expander(page, "Upload a portrait")
    upload(form, VIDEO_LABEL, path)
    multiselect(form, "Who is featured", NAME)
    form.get_by_label("Title").fill(PORTRAIT_TITLE)
    form.get_by_label("Alt text: one sentence describing the video (required)").fill(ALT_TEXT)
    return form


def test_1_administrator_and_a_role_model_who_agreed_to_video(
    page: Page, app: App, artifacts_dir: Path, uploads: Uploads
) -> None:
    ensure_signed_in_as_admin(page, app)
    expect(page.get_by_text(f"Signed in as {ADMIN_EMAIL}")).to_be_visible()
    open_role_models(page)
    search = page.get_by_label("Search names, stories, quotes and tags")
    search.fill(NAME)
    search.press("Enter")
    # Wait for the search to apply: the whole catalogue's count shows until then.
    expect(
        page.get_by_text(re.compile(r"(?<!\d)(?:0 people match|1 person matches)"))
    ).to_be_visible()
    wait_until_idle(page)
    if people_matching(page):
        return  # made by an earlier run of this story on the same server, consent and all

    page.get_by_role("button", name="Add a role model").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    wait_until_idle(page)
    dialog.get_by_label("Full name (required)").fill(NAME)
    select(dialog, "Role (required)", "Student")
    dialog.get_by_role("button", name="Add to the catalogue").click()
    expect(flash(page, f"Added {NAME}.")).to_be_visible()
    expect(page.get_by_role("heading", level=2)).to_have_text(NAME)
    wait_until_idle(page)

    open_tab(page, "Consent")
    form = open_expander(page, "Record a consent")
    multiselect(form, "Channels", "Instagram", "LinkedIn", "YouTube")
    multiselect(form, "Media", "video")
    form.get_by_label("Consent text version").fill("v3")
    upload(form, "Proof (signed form as PDF, JPEG or PNG)", uploads.proof)
    form.get_by_role("button", name="Save the consent").click()

    expect(flash(page, "Consent recorded.")).to_be_visible()
    wait_until_idle(page)
    consent = open_tab(page, "Consent")
    card = innermost_block(consent, "Consent #", "Channels: Instagram, LinkedIn, YouTube")
    expect(card).to_contain_text("Media: video")
    expect(card).to_contain_text("Valid")
    finish_step(page, artifacts_dir, "1_consent")


def test_2_uploading_a_clip_opens_the_portrait(
    page: Page, artifacts_dir: Path, uploads: Uploads
) -> None:
    open_portraits(page)
    fill_upload_form(page, uploads.clip)
    save_full_page(page, artifacts_dir / "portraits_2_upload_form.png")
    page.get_by_role("button", name="Check and upload").click()

    expect(
        flash(
            page,
            "The video passed the checks and is stored. Next: framing, captions and versions.",
        )
    ).to_be_visible()
    expect(page.get_by_role("heading", level=2)).to_have_text(PORTRAIT_TITLE)
    expect(page.get_by_text(f"{NAME} · 4 s · 640×360 · with sound")).to_be_visible()
    for tab in ("Framing", "Captions", "Versions per network"):
        expect(page.get_by_role("tab", name=tab, exact=True)).to_be_visible()
    finish_step(page, artifacts_dir, "2_uploaded")


def test_3_framing_is_saved(page: Page, artifacts_dir: Path) -> None:
    framing = open_tab(page, "Framing")
    still = framing.get_by_role(
        "img", name="Frame of the video with the focal point and crop boxes"
    )
    expect(still).to_be_visible()
    moved: dict[str, str] = {}
    for label in ("Focal point, left → right", "Focal point, top → bottom"):
        thumb = framing.get_by_role("slider", name=label)
        before = float(thumb.input_value())
        thumb.focus()
        for _ in range(5):
            thumb.press("ArrowRight")
        moved[label] = f"{min(before + 0.05, 1.0):.2f}".rstrip("0").rstrip(".")
        expect(thumb).to_have_value(moved[label])
    framing.get_by_text("Fit the whole picture on a blurred background").click()
    expect(
        framing.get_by_role("radio", name="Fit the whole picture on a blurred background")
    ).to_be_checked()
    framing.get_by_role("button", name="Save the framing").click()

    expect(flash(page, "Framing saved.")).to_be_visible()
    wait_until_idle(page)
    framing = open_tab(page, "Framing")
    expect(
        framing.get_by_role("radio", name="Fit the whole picture on a blurred background")
    ).to_be_checked()
    for label, value in moved.items():
        expect(framing.get_by_role("slider", name=label)).to_have_value(value)
    finish_step(page, artifacts_dir, "3_framing_saved")


def test_4_captions_are_saved(page: Page, artifacts_dir: Path, uploads: Uploads) -> None:
    captions = open_tab(page, "Captions")
    expect(captions.get_by_text("No captions yet")).to_be_visible()
    upload(captions, "Captions file (.srt or .vtt)", uploads.captions)
    captions.get_by_role("button", name="Check and save the captions").click()

    expect(flash(page, "Captions saved (2 cues).")).to_be_visible()
    wait_until_idle(page)
    captions = open_tab(page, "Captions")
    expect(captions.get_by_text("Captions are on file")).to_be_visible()
    finish_step(page, artifacts_dir, "4_captions_saved")


def test_5_three_versions_render_and_download(page: Page, artifacts_dir: Path) -> None:
    versions = open_tab(page, "Versions per network")
    expect(versions.get_by_text("No versions yet")).to_be_visible()
    pick(versions, "Versions to make", *VERSIONS)
    versions.get_by_role("button", name="Make the versions").click()

    expect(flash(page, "3 version(s) queued.")).to_be_visible()
    # The rerun that shows the message may bring the tabs back on "Framing"; the progress is
    # drawn in the versions panel all the same.
    progress = page.get_by_test_id("stProgress").filter(
        has_text=re.compile(r"(Waiting|Rendering) \(\d+%\)")
    )
    expect(progress.first).to_be_attached()
    versions = open_tab(page, "Versions per network")
    save_full_page(page, artifacts_dir / "portraits_5_progress.png")

    players = versions.locator("video")
    expect(players).to_have_count(3, timeout=RENDER_TIMEOUT_MS)
    wait_until_idle(page)
    versions = open_tab(page, "Versions per network")
    expect(page.get_by_test_id("stProgress")).to_have_count(0)
    boxes = []
    for label in VERSIONS:
        card = innermost_block(versions, label, "Download: Video")
        bold = card.locator("strong").filter(has_text=re.compile(rf"^{re.escape(label)}$"))
        expect(bold).to_be_visible()
        expect(card.locator("video")).to_have_count(1)
        expect(card.locator("video")).to_be_visible()
        expect(card.get_by_role("button", name="Download: Video")).to_be_visible()
        expect(card.get_by_text(re.compile(r"\d+\.\d MB · \d+ s"))).to_be_visible()
        box = card.locator("video").bounding_box()
        assert box is not None
        boxes.append(box)
    # Side by side: one row of three columns that do not overlap.
    assert [round(b["y"]) for b in boxes] == [round(boxes[0]["y"])] * 3
    lefts = sorted(boxes, key=lambda b: b["x"])
    assert all(a["x"] + a["width"] <= b["x"] for a, b in itertools.pairwise(lefts))
    finish_step(page, artifacts_dir, "5_versions_ready")

    card = innermost_block(versions, "Instagram Reels", "Download: Video")
    with page.expect_download() as started:
        card.get_by_role("button", name="Download: Video").click()
    download = started.value
    assert download.failure() is None
    assert download.suggested_filename.endswith(".mp4")
    head = Path(download.path()).read_bytes()[:8]
    assert head[4:8] == b"ftyp", f"not an MP4 file: {head!r}"
    wait_until_idle(page)
    assert_no_error_shown(page)


def test_6_a_text_file_named_mp4_is_refused(
    page: Page, artifacts_dir: Path, uploads: Uploads
) -> None:
    page.get_by_role("button", name="← Back to the portraits").click()
    expect(page.get_by_role("heading", level=2)).to_have_count(0)
    wait_until_idle(page)
    before = portrait_cards(page).count()
    assert before >= 1
    expect(page.get_by_text(PORTRAIT_TITLE, exact=True)).to_have_count(1)

    form = fill_upload_form(page, uploads.text_named_mp4)
    form.get_by_role("button", name="Check and upload").click()

    refusal = "This file is not a video we can read (it looks like a text file)."
    expect(page.get_by_test_id("stAlertContentError").filter(has_text=refusal)).to_be_visible()
    wait_until_idle(page)
    expect(portrait_cards(page)).to_have_count(before)
    expect(page.get_by_text(PORTRAIT_TITLE, exact=True)).to_have_count(1)
    finish_step(page, artifacts_dir, "6_text_refused")
