"""TikTok Studio → Download data: the “Content” and “Overview” tabs, as CSV or XLSX."""

from __future__ import annotations

import re

from campaigns.engagement.aliases import TIKTOK_CONTENT, TIKTOK_OVERVIEW
from campaigns.engagement.tables import TableSpec

_VIDEO = re.compile(r"/video/(\d+)")


def video_id_from_link(post_id: str, link: str) -> str:
    """The digits after `video/` in a TikTok link."""
    match = _VIDEO.search(link)
    return match.group(1) if match else post_id


CONTENT = TableSpec(
    name="tiktok_content",
    platform="tiktok",
    scope="post",
    daily=False,
    aliases=TIKTOK_CONTENT,
    required=("post_url", "published_at"),
    post_id=video_id_from_link,
)
OVERVIEW = TableSpec(
    name="tiktok_overview",
    platform="tiktok",
    scope="account",
    daily=True,
    aliases=TIKTOK_OVERVIEW,
    required=("day", "video_views", "profile_views"),
)
SPECS = (CONTENT, OVERVIEW)
