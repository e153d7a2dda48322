"""The one table of network presets: frame size, duration and size limits, captions, safe area.

Values come from /work/shared/reference/platforms.md (publishers' and schedulers' pages quoting
the networks, 2025–2026). Where sources disagree, the strictest value is kept, so a version that
fits here fits everywhere it is posted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from campaigns import wording
from campaigns.errors import InvalidInput
from campaigns.i18n import N_, msg

CaptionMode = Literal["burn", "sidecar"]

_MB = 1_000_000
_GB = 1_000_000_000


@dataclass(frozen=True, slots=True)
class SafeArea:
    """Share of the frame, per side, that the network covers with buttons, names or captions."""

    top: float
    bottom: float
    left: float
    right: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Preset:
    """How one network wants a video: frame, limits, captions, and where not to put text."""

    name: str
    label: str
    network: str
    noun: str  # the subject of a sentence about the limits: "YouTube Shorts take at most …"
    width: int
    height: int
    aspect: str
    min_duration_s: float
    max_duration_s: float
    max_bytes: int
    captions: CaptionMode
    safe_area: SafeArea
    max_fps: int = 30
    source: str = ""

    @property
    def is_portrait(self) -> bool:
        """True when the frame is taller than wide."""
        return self.height > self.width


# Reels, TikTok and Shorts draw the account name and the caption over the bottom fifth and a
# column of buttons down the right edge; the top carries the camera and tab bar.
_VERTICAL_OVERLAYS = SafeArea(top=0.12, bottom=0.20, left=0.06, right=0.12)
_TIKTOK_OVERLAYS = SafeArea(top=0.12, bottom=0.22, left=0.06, right=0.15)
# Feed players put nothing over the picture but the sound and progress controls at the bottom.
_FEED_OVERLAYS = SafeArea(top=0.05, bottom=0.08, left=0.05, right=0.05)
_PLAYER_OVERLAYS = SafeArea(top=0.05, bottom=0.12, left=0.05, right=0.05)

_PRESETS = (
    Preset(
        name="instagram_reels",
        label="Instagram Reels",
        network="Instagram",
        noun=N_("Instagram Reels"),
        width=1080,
        height=1920,
        aspect="9:16",
        min_duration_s=3,
        max_duration_s=15 * 60,
        max_bytes=300 * _MB,
        captions="burn",
        safe_area=_VERTICAL_OVERLAYS,
        source="Instagram Graph API (Reels): 3 s-15 min, 300 MB (some pages say 1 GB); "
        "no caption file upload, so captions are burned in",
    ),
    Preset(
        name="tiktok",
        label="TikTok",
        network="TikTok",
        noun=N_("TikTok videos"),
        width=1080,
        height=1920,
        aspect="9:16",
        min_duration_s=3,
        max_duration_s=3 * 60,
        max_bytes=1 * _GB,
        captions="burn",
        safe_area=_TIKTOK_OVERLAYS,
        source="TikTok Content Posting API: 3 s-10 min, but some accounts 3 min; 1-4 GB; "
        "no caption file in the API, so captions are burned in",
    ),
    Preset(
        name="youtube_shorts",
        label="YouTube Shorts",
        network="YouTube",
        noun=N_("YouTube Shorts"),
        width=1080,
        height=1920,
        aspect="9:16",
        min_duration_s=1,
        max_duration_s=3 * 60,
        max_bytes=256 * _GB,
        captions="burn",
        safe_area=_VERTICAL_OVERLAYS,
        source="YouTube Help (Shorts): 9:16 up to 3 min, longer or horizontal is not a Short; "
        "burned in because Shorts autoplay muted in the feed",
    ),
    Preset(
        name="instagram_feed_1x1",
        label=N_("Instagram feed (square)"),
        network="Instagram",
        noun=N_("Instagram feed videos"),
        width=1080,
        height=1080,
        aspect="1:1",
        min_duration_s=3,
        max_duration_s=60,
        max_bytes=100 * _MB,
        captions="burn",
        safe_area=_FEED_OVERLAYS,
        source="Instagram feed video: 4:5 to 16:9 (1:1 accepted), 3-60 s, 100 MB",
    ),
    Preset(
        name="instagram_feed_4x5",
        label=N_("Instagram feed (portrait 4:5)"),
        network="Instagram",
        noun=N_("Instagram feed videos"),
        width=1080,
        height=1350,
        aspect="4:5",
        min_duration_s=3,
        max_duration_s=60,
        max_bytes=100 * _MB,
        captions="burn",
        safe_area=_FEED_OVERLAYS,
        source="Instagram feed video: 4:5 to 16:9, 3-60 s, 100 MB",
    ),
    Preset(
        name="linkedin_1x1",
        label=N_("LinkedIn (square)"),
        network="LinkedIn",
        noun=N_("LinkedIn videos"),
        width=1080,
        height=1080,
        aspect="1:1",
        min_duration_s=3,
        max_duration_s=15 * 60,
        max_bytes=500 * _MB,
        captions="sidecar",
        safe_area=_PLAYER_OVERLAYS,
        source="LinkedIn Videos API: 1:2.4 to 2.4:1, 3 s-30 min (UI 15 min), "
        "75 KB-500 MB (UI 5 GB), <=60 fps; SRT accepted",
    ),
    Preset(
        name="linkedin_4x5",
        label=N_("LinkedIn (portrait 4:5)"),
        network="LinkedIn",
        noun=N_("LinkedIn videos"),
        width=1080,
        height=1350,
        aspect="4:5",
        min_duration_s=3,
        max_duration_s=15 * 60,
        max_bytes=500 * _MB,
        captions="sidecar",
        safe_area=_PLAYER_OVERLAYS,
        source="LinkedIn Videos API: 1:2.4 to 2.4:1, 3 s-30 min (UI 15 min), 75 KB-500 MB",
    ),
    Preset(
        name="linkedin_16x9",
        label=N_("LinkedIn (landscape)"),
        network="LinkedIn",
        noun=N_("LinkedIn videos"),
        width=1920,
        height=1080,
        aspect="16:9",
        min_duration_s=3,
        max_duration_s=15 * 60,
        max_bytes=500 * _MB,
        captions="sidecar",
        safe_area=_PLAYER_OVERLAYS,
        source="LinkedIn Videos API: 1:2.4 to 2.4:1, 3 s-30 min (UI 15 min), 75 KB-500 MB",
    ),
    Preset(
        name="youtube",
        label="YouTube",
        network="YouTube",
        noun=N_("YouTube videos"),
        width=1920,
        height=1080,
        aspect="16:9",
        min_duration_s=1,
        max_duration_s=15 * 60,
        max_bytes=256 * _GB,
        captions="sidecar",
        safe_area=_PLAYER_OVERLAYS,
        source="YouTube Help: 12 h, but 15 min for unverified accounts; 256 GB; "
        "SRT through Studio or the captions API",
    ),
    Preset(
        name="facebook",
        label="Facebook",
        network="Facebook",
        noun=N_("Facebook videos"),
        width=1920,
        height=1080,
        aspect="16:9",
        min_duration_s=1,
        max_duration_s=4 * 60 * 60,
        max_bytes=1 * _GB,
        captions="sidecar",
        safe_area=_PLAYER_OVERLAYS,
        source="Facebook Page video: <=4 h, 'several GB' (1 GB kept, the Reels API limit); "
        "SRT upload with a locale in the file name",
    ),
    Preset(
        name="x",
        label="X",
        network="X",
        noun=N_("Videos on X"),
        width=1280,
        height=720,
        aspect="16:9",
        min_duration_s=0.5,
        max_duration_s=140,
        max_bytes=512 * _MB,
        captions="sidecar",
        safe_area=_PLAYER_OVERLAYS,
        source="X API: 0.5-140 s, <=1280x1024 (1280x720 recommended), 512 MB, H.264 High; "
        "SRT in the composer",
    ),
)

PRESETS: dict[str, Preset] = {preset.name: preset for preset in _PRESETS}


def get_preset(name: str) -> Preset:
    """The preset called name, or InvalidInput listing the names that exist."""
    try:
        return PRESETS[name]
    except KeyError:
        raise InvalidInput(
            msg(
                "There is no network preset called '{name}'; choose one of: {names}.",
                name=name,
                names=", ".join(PRESETS),
            )
        ) from None


def check_fits(preset: Preset, duration_s: float, size_bytes: int | None = None) -> str | None:
    """Why a version of this length (and size) would break the network's limit, or None."""
    if duration_s > preset.max_duration_s:
        lasts = spoken_duration(math.ceil(duration_s))
        return msg(
            "{videos} take at most {limit}; this portrait lasts {length}. "
            "Trim it, or tick 'trim to fit'.",
            videos=preset.noun,
            limit=spoken_limit(preset.max_duration_s),
            length=lasts,
        )
    if duration_s < preset.min_duration_s:
        lasts = spoken_duration(math.floor(duration_s * 10) / 10)
        return msg(
            "{videos} must last at least {limit}; this portrait lasts {length}. "
            "Choose a longer clip.",
            videos=preset.noun,
            limit=spoken_limit(preset.min_duration_s),
            length=lasts,
        )
    if size_bytes is not None and size_bytes > preset.max_bytes:
        return msg(
            "{videos} must weigh at most {limit}; this version weighs {size}. "
            "Trim it to make it lighter.",
            videos=preset.noun,
            limit=_spoken_bytes(preset.max_bytes),
            size=_spoken_bytes(size_bytes, up=True),
        )
    return None


def spoken_duration(seconds: float) -> str:
    """A length as people write it: '45 s', '3 min', '3 min 20 s', '1 h 5 min'."""
    if seconds < 60:
        return f"{seconds:g} s"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours} h"] if hours else []
    if minutes:
        parts.append(f"{minutes} min")
    if secs:
        parts.append(f"{secs} s")
    return " ".join(parts)


def spoken_limit(seconds: float) -> str:
    """A limit as networks state it: '60 seconds', '3 minutes', '4 hours', '2 min 20 s'."""
    if seconds >= 3600 and seconds % 3600 == 0:
        hours = int(seconds // 3600)
        if hours > 1:
            return msg("{count} hours", count=wording.count(hours))
        return msg("{count} hour", count=wording.count(hours))
    if seconds >= 60 and seconds % 60 == 0:
        minutes = int(seconds // 60)
        if minutes > 1:
            return msg("{count} minutes", count=wording.count(minutes))
        return msg("{count} minute", count=wording.count(minutes))
    if seconds <= 60:
        written = f"{seconds:g}"  # "3", "0.5": as many decimals as the limit has
        _, _, decimals = written.partition(".")
        number = wording.decimal(seconds, len(decimals), grouping=False)
        if seconds != 1:
            return msg("{count} seconds", count=number)
        return msg("{count} second", count=number)
    return spoken_duration(seconds)


def _spoken_bytes(size: int, *, up: bool = False) -> str:
    """A file size in the decimal units networks use ('100 MB', '1 GB')."""
    unit, name = (_GB, "GB") if size >= _GB else (_MB, "MB")
    value = size / unit
    value = math.ceil(value * 10) / 10 if up else value
    return f"{value:g} {name}"
