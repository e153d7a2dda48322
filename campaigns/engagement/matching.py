"""Which post an export row belongs to: the network's id or address, or suggestions to confirm."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from difflib import SequenceMatcher
from urllib.parse import parse_qs, urlsplit

from campaigns import wording
from campaigns.i18n import N_, msg

# Each network writes the same post in several ways; these pull out the part that stays.
_LINKEDIN_URN = re.compile(r"urn:li:(?:share|activity|ugcPost|post):(\d+)", re.IGNORECASE)
_LINKEDIN_TAIL = re.compile(r"-(\d{15,25})(?:-[a-z0-9]+)?/?$", re.IGNORECASE)
_TIKTOK_VIDEO = re.compile(r"/video/(\d+)")
_INSTAGRAM_CODE = re.compile(r"/(?:p|reel|reels|tv)/([A-Za-z0-9_-]+)")
_YOUTUBE_PATH = re.compile(r"/(?:shorts|embed|live)/([A-Za-z0-9_-]{11})")
_FACEBOOK_ID = re.compile(r"/(?:posts|videos|reel)/(?:[^/]+/)?(\w+)")
_BARE = re.compile(r"^[A-Za-z0-9_:.-]{1,200}$")
_SPACES = re.compile(r"\s+")


def network_ref(value: str) -> str:
    """The stable part of a post's address or id on its network ("" when there is none)."""
    text = value.strip()
    if not text:
        return ""
    urn = _LINKEDIN_URN.search(text)
    if urn:
        return urn.group(1)
    if "://" not in text and not text.startswith("www."):
        return text if _BARE.match(text) else ""  # ids are case-sensitive (YouTube, Instagram)
    parts = urlsplit(text if "://" in text else f"https://{text}")
    host = parts.netloc.lower().removeprefix("www.").removeprefix("m.")
    path = parts.path
    if host.endswith("youtu.be"):
        return path.strip("/").split("/")[0]
    if host.endswith("youtube.com"):
        found = parse_qs(parts.query).get("v")
        if found:
            return found[0]
        short = _YOUTUBE_PATH.search(path)
        return short.group(1) if short else ""
    by_host = (
        ("tiktok.com", _TIKTOK_VIDEO),
        ("instagram.com", _INSTAGRAM_CODE),
        ("linkedin.com", _LINKEDIN_TAIL),
    )
    for domain, pattern in by_host:
        found_in_path = pattern.search(path) if host.endswith(domain) else None
        if found_in_path:
            return found_in_path.group(1)
    if host.endswith("facebook.com"):
        story = parse_qs(parts.query).get("story_fbid")
        if story:
            return story[0]
        post = _FACEBOOK_ID.search(path)
        if post:
            return post.group(1)
    return f"{host}{path.rstrip('/')}".lower()


def row_refs(network_post_id: str, post_url: str) -> set[str]:
    """Every key a row can be matched by."""
    return {ref for ref in (network_ref(network_post_id), network_ref(post_url)) if ref}


def similarity(a: str, b: str) -> float:
    """How alike two post texts are, from 0 to 1 (case and spacing ignored)."""
    left = _SPACES.sub(" ", a.lower()).strip()[:400]
    right = _SPACES.sub(" ", b.lower()).strip()[:400]
    if not left or not right:
        return 0.0
    return SequenceMatcher(None, left, right, autojunk=False).ratio()


@dataclass(frozen=True, slots=True)
class Candidate:
    """A post that an unmatched row might belong to."""

    post_id: int
    account: str
    when: datetime
    text: str


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A likely post for an unmatched row, with the reasons in words."""

    post_id: int
    account: str
    when: datetime
    text: str
    score: float
    why: str


def suggest_posts(
    title: str, around: date | None, candidates: Iterable[Candidate], limit: int = 3
) -> list[Suggestion]:
    """Posts of the same network published within a day of the row, best text match first."""
    found: list[Suggestion] = []
    for candidate in candidates:
        gap = abs((candidate.when.date() - around).days) if around is not None else None
        if gap is not None and gap > 1:
            continue
        alike = similarity(title, candidate.text)
        if gap is None and alike < 0.5:
            continue
        reasons: list[str] = [msg("on {account}", account=candidate.account)]
        if gap is not None:
            reasons.append(
                N_("published the same day") if gap == 0 else N_("published a day apart")
            )
        if title:
            reasons.append(msg("text {share} alike", share=wording.tight_percent(alike)))
        why = reasons[0]
        for reason in reasons[1:]:
            why = msg("{first}, {second}", first=why, second=reason)
        score = alike + (0.3 if gap == 0 else 0.15 if gap == 1 else 0.0)
        found.append(
            Suggestion(
                candidate.post_id,
                candidate.account,
                candidate.when,
                candidate.text,
                score,
                why,
            )
        )
    found.sort(key=lambda s: (-s.score, s.post_id))
    return found[:limit]
