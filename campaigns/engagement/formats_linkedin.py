"""LinkedIn Page → Content export: the “All posts” and “Metrics” sheets."""

from __future__ import annotations

import re
from urllib.parse import unquote

from campaigns.engagement.aliases import LINKEDIN_METRICS, LINKEDIN_POSTS
from campaigns.engagement.tables import TableSpec

_URN = re.compile(r"urn:li:[a-z_]+:(\d+)", re.IGNORECASE)


def post_id_from_link(post_id: str, link: str) -> str:
    """The number in the `urn:li:…:NNN` of a post link (the export has no id column)."""
    match = _URN.search(unquote(link))
    return match.group(1) if match else post_id


POSTS = TableSpec(
    name="linkedin_posts",
    platform="linkedin",
    scope="post",
    daily=False,
    aliases=LINKEDIN_POSTS,
    required=("title", "post_url"),
    post_id=post_id_from_link,
)
METRICS = TableSpec(
    name="linkedin_metrics",
    platform="linkedin",
    scope="account",
    daily=True,
    aliases=LINKEDIN_METRICS,
    required=("day", "impressions"),
)
SPECS = (POSTS, METRICS)
