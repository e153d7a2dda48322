"""The network preset table: sane sizes, the strictest limits, and readable reasons."""

from __future__ import annotations

from fractions import Fraction

import pytest

from campaigns.errors import InvalidInput
from campaigns.media.presets import PRESETS, Preset, check_fits, get_preset, spoken_duration

CONTRACT_NAMES = {
    "instagram_reels",
    "tiktok",
    "youtube_shorts",
    "instagram_feed_1x1",
    "instagram_feed_4x5",
    "linkedin_1x1",
    "linkedin_4x5",
    "linkedin_16x9",
    "youtube",
    "facebook",
    "x",
}


def test_every_contract_preset_exists_under_its_name() -> None:
    assert set(PRESETS) == CONTRACT_NAMES
    assert all(name == preset.name for name, preset in PRESETS.items())


@pytest.mark.parametrize("preset", PRESETS.values(), ids=PRESETS)
def test_frame_size_matches_the_stated_aspect(preset: Preset) -> None:
    across, down = (int(part) for part in preset.aspect.split(":"))
    assert Fraction(preset.width, preset.height) == Fraction(across, down)
    assert preset.width % 2 == 0 and preset.height % 2 == 0  # 4:2:0 needs even sides


@pytest.mark.parametrize("preset", PRESETS.values(), ids=PRESETS)
def test_limits_and_safe_area_are_plausible(preset: Preset) -> None:
    assert 0 < preset.min_duration_s < preset.max_duration_s
    assert preset.max_bytes > 0
    assert preset.max_fps == 30
    assert preset.captions in {"burn", "sidecar"}
    assert preset.source, "every limit needs its source"
    safe = preset.safe_area
    assert all(0 <= side < 0.5 for side in (safe.top, safe.bottom, safe.left, safe.right))


def test_vertical_feeds_keep_text_clear_of_their_buttons() -> None:
    for name in ("instagram_reels", "tiktok", "youtube_shorts"):
        safe = get_preset(name).safe_area
        assert safe.bottom >= 0.20
        assert safe.right >= 0.12


def test_x_stays_within_1280_by_720() -> None:
    x = get_preset("x")
    assert x.width <= 1280 and x.height <= 720
    assert x.max_duration_s <= 140


def test_shorts_last_three_minutes_at_most() -> None:
    assert get_preset("youtube_shorts").max_duration_s <= 180


def test_strictest_values_are_kept_where_sources_disagree() -> None:
    assert get_preset("instagram_reels").max_bytes == 300_000_000  # not 1 GB
    assert get_preset("tiktok").max_duration_s == 180  # "some accounts 3 min"
    assert get_preset("linkedin_1x1").max_duration_s == 15 * 60  # the UI's limit, not 30 min
    assert get_preset("youtube").max_duration_s == 15 * 60  # unverified accounts
    assert get_preset("instagram_feed_4x5").max_duration_s == 60


def test_captions_are_burned_where_networks_take_no_caption_file() -> None:
    assert get_preset("instagram_reels").captions == "burn"
    assert get_preset("tiktok").captions == "burn"
    assert get_preset("youtube").captions == "sidecar"
    assert get_preset("linkedin_1x1").captions == "sidecar"
    assert get_preset("x").captions == "sidecar"


def test_unknown_preset_names_list_the_valid_ones() -> None:
    with pytest.raises(InvalidInput) as caught:
        get_preset("myspace")
    assert "myspace" in str(caught.value)
    assert "instagram_reels" in str(caught.value)
    assert "youtube_shorts" in str(caught.value)


def test_a_portrait_within_the_limits_fits() -> None:
    assert check_fits(get_preset("instagram_reels"), 45.0, 20_000_000) is None
    assert check_fits(get_preset("youtube_shorts"), 180.0) is None


def test_too_long_for_shorts_says_by_how_much_and_what_to_do() -> None:
    assert check_fits(get_preset("youtube_shorts"), 200.0) == (
        "YouTube Shorts take at most 3 minutes; this portrait lasts 3 min 20 s. "
        "Trim it, or tick 'trim to fit'."
    )


def test_a_fraction_of_a_second_over_is_still_too_long() -> None:
    reason = check_fits(get_preset("x"), 140.2)
    assert reason == (
        "Videos on X take at most 2 min 20 s; this portrait lasts 2 min 21 s. "
        "Trim it, or tick 'trim to fit'."
    )


def test_too_short_for_reels_is_explained() -> None:
    assert check_fits(get_preset("instagram_reels"), 2.0) == (
        "Instagram Reels must last at least 3 seconds; this portrait lasts 2 s. "
        "Choose a longer clip."
    )


def test_too_heavy_for_the_feed_is_explained() -> None:
    assert check_fits(get_preset("instagram_feed_4x5"), 30.0, 120_400_000) == (
        "Instagram feed videos must weigh at most 100 MB; this version weighs 120.4 MB. "
        "Trim it to make it lighter."
    )


@pytest.mark.parametrize(
    ("seconds", "spoken"),
    [(45, "45 s"), (60, "1 min"), (200, "3 min 20 s"), (3900, "1 h 5 min"), (2.5, "2.5 s")],
)
def test_durations_are_spoken_as_people_write_them(seconds: float, spoken: str) -> None:
    assert spoken_duration(seconds) == spoken
