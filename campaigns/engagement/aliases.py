"""Header names of the networks' analytics exports, per table and language: the one place to edit.

Sources: /work/shared/reference/exports.md (“exports.md”) for every English name; the French Meta
names the brief listed; French names marked “unverified” are our translation of the English
interface and should be checked against a real export when one arrives. Within a field, the
first name found in the header wins, so newer names come first.
"""

from __future__ import annotations

from typing import Literal

Aliases = dict[str, tuple[str, ...]]
MetricKind = Literal["count", "seconds", "fraction"]

TEXT_FIELDS = ("network_post_id", "post_url", "title")
DATE_FIELDS = ("published_at", "day")
METRIC_KINDS: dict[str, MetricKind] = {
    "impressions": "count",
    "reach": "count",
    "video_views": "count",
    "watch_time_seconds": "seconds",
    "average_view_duration_seconds": "seconds",
    "completion_rate": "fraction",
    "likes": "count",
    "comments": "count",
    "shares": "count",
    "saves": "count",
    "link_clicks": "count",
    "follows": "count",
    "engagement_rate": "fraction",
}
FIELDS = (*TEXT_FIELDS, *DATE_FIELDS, *METRIC_KINDS)

# Units written in a header: “Watch time (hours)”, “Average percentage viewed (%)”.
HEADER_UNITS: dict[str, tuple[str, ...]] = {
    "hours": ("(hours)", "(heures)", "(h)"),
    "minutes": ("(minutes)", "(min)"),
    "percent": ("%",),
}

# exports.md, LinkedIn Page → Content, sheet “All posts”: current names, then the older ones.
LINKEDIN_POSTS: Aliases = {
    "title": ("Post title", "Update title"),
    "post_url": ("Post link", "Update link"),
    "published_at": ("Created date", "Date"),
    "impressions": ("Impressions",),
    "video_views": ("Views (excluding off-site video views)",),
    "link_clicks": ("Clicks",),
    "likes": ("Likes", "Reactions"),
    "comments": ("Comments",),
    "shares": ("Reposts", "Shares"),
    "follows": ("Follows",),
    "engagement_rate": ("Engagement rate",),
}

# exports.md, LinkedIn Page → Content, sheet “Metrics”: each metric as (organic), (sponsored),
# (total); the total is what we keep.
LINKEDIN_METRICS: Aliases = {
    "day": ("Date",),
    "impressions": ("Impressions (total)",),
    "link_clicks": ("Clicks (total)",),
    "likes": ("Likes (total)", "Reactions (total)"),
    "comments": ("Comments (total)",),
    "shares": ("Reposts (total)", "Shares (total)"),
    "engagement_rate": ("Engagement rate (total)",),
}

# exports.md, Meta Business Suite → Content (Instagram; Facebook adds Page ID, Page name, Title,
# Reactions, Link Clicks, Seconds viewed…). “Impressions” became “Views” in 2025. Its “Date”
# column is not read: the figures are totals, and “Publish time” dates the post.
META_CONTENT_EN: Aliases = {
    "network_post_id": ("Post ID",),
    "post_url": ("Permalink",),
    "title": ("Description", "Title"),
    "published_at": ("Publish time",),
    "impressions": ("Views", "Impressions"),
    "reach": ("Reach",),
    "likes": ("Reactions", "Likes"),
    "comments": ("Comments",),
    "shares": ("Shares",),
    "saves": ("Saves",),
    "follows": ("Follows",),
    "link_clicks": ("Link Clicks",),
    "watch_time_seconds": ("Seconds viewed",),
    "average_view_duration_seconds": ("Average Seconds viewed",),
    # Markers, not figures: they tell Instagram from Facebook.
    "instagram_account": ("Account username",),
    "facebook_page": ("Page ID", "Page name"),
}

# The brief's French Meta names; “unverified” ones are our translation of the English header.
META_CONTENT_FR: Aliases = {
    "network_post_id": ("Identifiant de la publication",),
    "post_url": ("Lien permanent",),
    "title": ("Description", "Titre"),  # unverified
    "published_at": ("Heure de publication",),
    "impressions": ("Vues", "Impressions"),
    "reach": ("Couverture",),
    "likes": ("Réactions", "Mentions J'aime"),  # “Réactions”: unverified
    "comments": ("Commentaires",),
    "shares": ("Partages",),
    "saves": ("Enregistrements",),
    "follows": ("Abonnements",),
    "link_clicks": ("Clics sur un lien",),  # unverified
    "watch_time_seconds": ("Secondes de visionnage",),  # unverified
    "average_view_duration_seconds": ("Moyenne de secondes de visionnage",),  # unverified
    "instagram_account": ("Nom d'utilisateur du compte",),  # unverified
    "facebook_page": ("Identifiant de la Page", "Nom de la Page"),  # unverified
}

# exports.md, Meta Business Suite → Insights time series: a title line naming the metric, then
# `Date,Primary`. “Principal” is our unverified French guess.
META_TIMESERIES: Aliases = {
    "day": ("Date",),
    "primary": ("Primary", "Principal", "Principale"),
}

# Words of the title line → canonical metric (None: a figure Spotlight does not track). Checked
# in order: exports.md warns that unfollows are a separate metric from follows.
META_TIMESERIES_TITLES: tuple[tuple[str, str | None], ...] = (
    ("unfollow", None),
    ("désabonnement", None),
    ("follow", "follows"),
    ("abonnement", "follows"),
    ("reach", "reach"),
    ("couverture", "reach"),
    ("link click", "link_clicks"),
    ("clics sur un lien", "link_clicks"),
    ("video views", "video_views"),
    ("vues de vidéo", "video_views"),
    ("views", "impressions"),
    ("vues", "impressions"),
    ("impressions", "impressions"),
)

# exports.md, YouTube Studio → Advanced mode (Table data.csv, Chart data.csv, Totals.csv).
# “Subscribers” is left out: it is a net figure (gained minus lost) and often negative.
YOUTUBE: Aliases = {
    "network_post_id": ("Content",),
    "title": ("Video title",),
    "published_at": ("Video publish time",),
    "day": ("Date",),
    "video_views": ("Views",),
    "watch_time_seconds": ("Watch time (hours)",),
    "impressions": ("Impressions",),
    "average_view_duration_seconds": ("Average view duration",),
    "completion_rate": ("Average percentage viewed (%)",),
    "likes": ("Likes",),
    "comments": ("Comments added",),
    "shares": ("Shares",),
}

# exports.md, TikTok Studio → Download data, tab “Content”.
TIKTOK_CONTENT: Aliases = {
    "title": ("Video title",),
    "post_url": ("Video link",),
    "published_at": ("Post time",),
    "likes": ("Total likes",),
    "comments": ("Total comments",),
    "shares": ("Total shares",),
    "video_views": ("Total views",),
    "saves": ("Total saves",),
}

# exports.md, TikTok Studio → Download data, tab “Overview”.
TIKTOK_OVERVIEW: Aliases = {
    "day": ("Date",),
    "video_views": ("Video Views",),
    "likes": ("Likes",),
    "comments": ("Comments",),
    "shares": ("Shares",),
    # A marker, not a figure we keep: it tells this tab from other daily tables.
    "profile_views": ("Profile Views",),
}
