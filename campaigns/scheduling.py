"""Campaign scheduling rules: tracked links, time zones, and what each network's text allows."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from campaigns import wording
from campaigns.errors import InvalidInput
from campaigns.i18n import N_, msg

# Post text limits per network, counted in UTF-16 code units as the networks count emoji
# (reference/platforms.md; the strictest value where sources disagree).
TEXT_LIMITS = {
    "instagram": 2200,  # caption
    "tiktok": 2200,
    "linkedin": 3000,
    "youtube": 5000,  # description; titles are 100
    "facebook": 5000,  # what scheduling tools cap it at
    "x": 280,  # each link counts 23
}
HASHTAG_LIMITS = {"instagram": 5, "youtube": 60}  # Instagram since late 2025; YouTube ignores >60
X_LINK_LENGTH = 23
URL_PATTERN = re.compile(r"https?://\S+")
HASHTAG_PATTERN = re.compile(r"(?<!\w)#\w+")
CODE_PATTERN = re.compile(r"[^a-z0-9]+")


def campaign_code(name: str) -> str:
    """A tracking code from a campaign name: lower case, ASCII, dashes ("women-in-tech-spring")."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    code = CODE_PATTERN.sub("-", ascii_name.lower()).strip("-")
    if not code:
        raise InvalidInput(
            N_("Give the campaign a name with letters or digits for its tracking code.")
        )
    return code[:60].rstrip("-")


def tracked_link(
    link: str, network: str, campaign: str, post_id: int, role_model_id: int | None
) -> str:
    """The link with UTM parameters added (existing ones replaced, others kept)."""
    parts = urlsplit(link.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidInput(
            msg("“{link}” is not a web address (it should start with https://).", link=link)
        )
    utm = {
        "utm_source": network,
        "utm_medium": "social",
        "utm_campaign": campaign,
        "utm_content": f"post-{post_id}",
    }
    if role_model_id is not None:
        utm["utm_term"] = f"rm-{role_model_id}"
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in utm]
    return urlunsplit(parts._replace(query=urlencode(kept + list(utm.items()))))


@dataclass(frozen=True, slots=True)
class LocalTime:
    """A publication time as the account sees it, and what it is in UTC."""

    utc: datetime
    note: str  # empty, or what happened around a daylight-saving change


def to_utc(local: datetime, zone: str) -> LocalTime:
    """Turn a wall-clock time in an account's zone into UTC; refuse times that do not exist."""
    if local.tzinfo is not None:
        raise ValueError("give the wall-clock time without a zone")
    tz = ZoneInfo(zone)
    first = local.replace(tzinfo=tz, fold=0)
    second = local.replace(tzinfo=tz, fold=1)
    # A time skipped by the clocks going forward does not survive a round trip through UTC.
    if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != local:
        raise InvalidInput(
            msg(
                "{day} at {time} does not exist in {zone}: the clocks go forward that "
                "night. Choose a time an hour later.",
                day=wording.long_date(local),
                time=local.strftime("%H:%M"),
                zone=zone,
            )
        )
    if first.utcoffset() != second.utcoffset():
        return LocalTime(
            first.astimezone(UTC),
            msg(
                "{time} happens twice that night in {zone} (the clocks go back); "
                "the post is planned for the first time.",
                time=local.strftime("%H:%M"),
                zone=zone,
            ),
        )
    return LocalTime(first.astimezone(UTC), "")


def to_local(utc: datetime, zone: str) -> datetime:
    """A stored UTC time as the account's wall clock shows it."""
    return utc.astimezone(ZoneInfo(zone))


def utf16_length(text: str) -> int:
    """Length as networks count it: UTF-16 code units (an emoji is often 2)."""
    return len(text.encode("utf-16-le")) // 2


def network_length(text: str, network: str) -> int:
    """The length a network counts for a post's text (X counts every link as 23)."""
    if network == "x":
        text = URL_PATTERN.sub("x" * X_LINK_LENGTH, text)
    return utf16_length(text)


def text_problems(text: str, hashtags: list[str], network: str) -> list[str]:
    """Why this text cannot go out on the network (empty when it can)."""
    problems: list[str] = []
    if any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in text):
        problems.append(
            N_("The text holds invisible control characters; retype or paste it again.")
        )
    full = " ".join([text, *hashtags]).strip()
    limit = TEXT_LIMITS.get(network)
    length = network_length(full, network)
    if limit is not None and length > limit:
        problems.append(
            msg(
                "The text is {length} characters long as {network} counts them; "
                "the most is {limit}.",
                length=length,
                network=network_label(network),
                limit=limit,
            )
        )
    tags = set(HASHTAG_PATTERN.findall(full))
    tag_limit = HASHTAG_LIMITS.get(network)
    if tag_limit is not None and len(tags) > tag_limit:
        name = network_label(network)
        problems.append(
            msg(
                "{network} takes at most {limit} hashtags; this post has {count}.",
                network=name,
                limit=tag_limit,
                count=len(tags),
            )
        )
    return problems


def network_label(network: str) -> str:
    """The network's name as people write it."""
    return {
        "instagram": "Instagram",
        "tiktok": "TikTok",
        "linkedin": "LinkedIn",
        "youtube": "YouTube",
        "facebook": "Facebook",
        "x": "X",
    }.get(network, network)


GOOD_SLOTS: dict[str, tuple[tuple[int, int], ...]] = {
    # Sensible defaults (weekday, hour) until imported reach data refines them.
    "instagram": ((1, 12), (2, 18), (3, 12), (4, 18)),
    "tiktok": ((1, 19), (3, 19), (4, 20)),
    "linkedin": ((1, 9), (2, 8), (3, 9)),
    "youtube": ((3, 17), (4, 17), (5, 11)),
    "facebook": ((0, 13), (2, 13), (4, 11)),
    "x": ((1, 9), (2, 12), (3, 9)),
}


def next_good_slots(
    network: str,
    after: datetime,
    zone: str,
    count: int = 3,
    learned: Sequence[tuple[int, int]] = (),
) -> list[datetime]:
    """The next good publication times in the account's zone.

    `learned` (weekday, hour) slots come from the account's own history (the Reach page's best
    times); without them, the network's usual good times.
    """
    local = after.astimezone(ZoneInfo(zone))
    slots: list[datetime] = []
    day = local.replace(minute=0, second=0, microsecond=0)
    for offset in range(0, 21):
        candidate_day = day + timedelta(days=offset)
        for weekday, hour in learned or GOOD_SLOTS.get(network, ((1, 12),)):
            if candidate_day.weekday() == weekday:
                slot = candidate_day.replace(hour=hour)
                if slot > local:
                    slots.append(slot)
        if len(slots) >= count:
            break
    return sorted(slots)[:count]


# --- Campaigns, accounts and posts ----------------------------------------------------------

NETWORKS = ("instagram", "tiktok", "linkedin", "youtube", "facebook", "x")
TARGET_GROUPS = (
    "woman_in_tech",
    "disability",
    "career_changer",
    "low_qualification",
    "former_jobseeker",
    "disadvantaged_area",
    "refugee",
)
CAMPAIGN_STATUSES = ("draft", "planned", "live", "finished")
POST_STATUSES = (
    "draft",
    "in_review",
    "approved",
    "scheduled",
    "published",
    "failed",
    "cancelled",
)
MIN_GAP = timedelta(hours=4)
MONTHLY_FEATURE_LIMIT = 3
# Workflow: action -> (allowed from, goes to).
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "submit": (("draft",), "in_review"),
    "approve": (("in_review",), "approved"),
    "schedule": (("approved",), "scheduled"),
    "publish": (("scheduled", "approved"), "published"),
    "fail": (("scheduled",), "failed"),
    "cancel": (("draft", "in_review", "approved", "scheduled"), "cancelled"),
    "reopen": (("in_review", "approved", "scheduled", "failed"), "draft"),
}
