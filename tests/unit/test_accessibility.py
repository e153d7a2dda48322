"""The accessibility rules on one post, without a database: captions, alt text, transcript."""

from __future__ import annotations

import pytest

from campaigns import accessibility
from campaigns.accessibility import (
    MADE_BEFORE_CAPTIONS,
    NO_ALT_TEXT,
    NO_CAPTIONS,
    NO_TRANSCRIPT,
    PHOTO_WITHOUT_ALT_TEXT,
    PORTRAIT_WITHOUT_ALT_TEXT,
    captions_problem,
    check_access,
)
from campaigns.i18n import Msg
from campaigns.models import MediaAsset, Portrait, PortraitVersion, Post


def portrait(
    *, captions: bool = True, alt_text: str = "Amina talks.", transcript: str = "Hi."
) -> Portrait:
    return Portrait(
        title="Amina",
        captions_key="p/1/captions.srt" if captions else None,
        alt_text=alt_text,
        transcript=transcript,
    )


def version(
    preset: str, *, status: str = "done", burned: bool = False, captions_file: bool = False
) -> PortraitVersion:
    return PortraitVersion(
        portrait_id=1,
        preset=preset,
        status=status,
        captions_burned=burned,
        captions_key=f"v/{preset}.srt" if captions_file else None,
    )


def post(alt_text: str = "Amina at her desk.") -> Post:
    return Post(alt_text=alt_text, text="Meet Amina.")


def test_burned_in_captions_reach_instagram() -> None:
    assert (
        captions_problem("instagram", version("instagram_reels", burned=True), portrait()) is None
    )


def test_instagram_without_any_captions_asks_for_captions_burned_in() -> None:
    reason = captions_problem("instagram", version("instagram_reels"), portrait(captions=False))
    assert reason == (
        "Instagram takes no caption files: the video needs captions burned in "
        "(add captions to the portrait and render again)."
    )
    assert isinstance(reason, Msg) and reason.values == {"network": "Instagram"}


def test_a_caption_file_does_not_reach_tiktok() -> None:
    reason = captions_problem("tiktok", version("linkedin_1x1", captions_file=True), portrait())
    assert reason is not None
    assert "TikTok takes no caption files and the LinkedIn (square) version" in reason


def test_a_version_made_before_the_captions_is_made_again() -> None:
    assert captions_problem("instagram", version("instagram_reels"), portrait()) == (
        MADE_BEFORE_CAPTIONS
    )
    assert captions_problem("linkedin", version("linkedin_1x1"), portrait()) == (
        MADE_BEFORE_CAPTIONS
    )


def test_a_caption_file_reaches_networks_that_take_one() -> None:
    for network, preset in (("linkedin", "linkedin_1x1"), ("youtube", "youtube"), ("x", "x")):
        found = captions_problem(network, version(preset, captions_file=True), portrait())
        assert found is None, network


def test_burned_in_captions_reach_networks_that_take_files_too() -> None:
    square = version("instagram_feed_1x1", burned=True)
    assert captions_problem("linkedin", square, portrait()) is None


def test_a_video_without_captions_is_blocked_on_every_network() -> None:
    for network, preset in (("linkedin", "linkedin_1x1"), ("youtube", "youtube")):
        assert captions_problem(network, version(preset), portrait(captions=False)) == NO_CAPTIONS


@pytest.mark.parametrize(
    ("preset", "network"), [("instagram_reels", "instagram"), ("linkedin_1x1", "linkedin")]
)
def test_a_version_still_rendering_is_judged_by_its_portraits_captions(
    preset: str, network: str
) -> None:
    queued = version(preset, status="queued")
    assert captions_problem(network, queued, portrait()) is None
    assert captions_problem(network, queued, portrait(captions=False)) is not None


def test_a_complete_video_post_passes() -> None:
    found = check_access(
        post(), "instagram", version("instagram_reels", burned=True), portrait(), None
    )
    assert found == accessibility.AccessCheck(
        video=True, captions=None, alt_text=(), transcript=None
    )


def test_missing_alt_text_on_the_post_and_on_the_portrait_are_two_reasons() -> None:
    found = check_access(
        post(alt_text="  "),
        "linkedin",
        version("linkedin_1x1", captions_file=True),
        portrait(alt_text=""),
        None,
    )
    assert found.alt_text == (NO_ALT_TEXT, PORTRAIT_WITHOUT_ALT_TEXT)


def test_a_photo_without_alt_text_blocks_its_post() -> None:
    photo = MediaAsset(kind="photo", alt_text="")
    found = check_access(post(), "instagram", None, None, photo)
    assert found.alt_text == (PHOTO_WITHOUT_ALT_TEXT,)
    assert not found.video and found.captions is None and found.transcript is None


def test_a_portrait_without_transcript_is_a_warning_only() -> None:
    found = check_access(
        post(),
        "linkedin",
        version("linkedin_1x1", captions_file=True),
        portrait(transcript=""),
        None,
    )
    assert found.transcript == NO_TRANSCRIPT
    assert found.captions is None and found.alt_text == ()


def test_every_sentence_says_how_to_fix_it() -> None:
    for sentence in (NO_ALT_TEXT, PORTRAIT_WITHOUT_ALT_TEXT, PHOTO_WITHOUT_ALT_TEXT, NO_CAPTIONS,
                     MADE_BEFORE_CAPTIONS, NO_TRANSCRIPT):  # fmt: skip
        assert sentence.endswith(".")
        assert any(verb in sentence for verb in ("add", "describe", "make", "upload"))
