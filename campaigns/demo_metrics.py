"""Demo reach: two years of published posts with daily figures shaped like real exports.

Each post gets about six weeks of daily figures: a peak on the day it goes out, decay after,
a weekly rhythm (weekends are quieter), and video completion that falls with length. Addresses
on the networks follow each network's pattern, so that exports built from them match.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine, insert, select

from campaigns import posts
from campaigns.auth import Actor
from campaigns.db import read_only, transaction
from campaigns.models import ChannelAccount, Post, PostMetricDaily, PostPerson, RoleModel
from campaigns.posts import CampaignInput

SEED = 2026
WEEKS = 104
DAYS_OF_FIGURES = 42
PAST_CAMPAIGNS = (
    CampaignInput(
        "Role models all year", date.min, date.min,
        objective="Portraits of students and instructors, every week, on every account.",
        target_groups=("woman_in_tech", "disability", "career_changer"),
        programmes=("Web developer", "Data analyst", "Network technician"),
        comparison_programmes=("Project manager",),
        channels=("instagram", "linkedin", "youtube", "tiktok"),
        kpis=(("reach", 400000.0), ("clicks", 6000.0), ("applications", 300.0)),
    ),
    CampaignInput(
        "Women in tech — autumn intake 2025", date.min, date.min,
        objective="More women applying to the autumn tech programmes.",
        target_groups=("woman_in_tech",),
        programmes=("Web developer", "Data analyst"),
        comparison_programmes=("Project manager",),
        channels=("instagram", "linkedin", "tiktok"),
        kpis=(("reach", 80000.0), ("applications", 60.0), ("target_share", 0.35)),
    ),
)  # fmt: skip
# Per network: typical first-day impressions, share of impressions that watch, post hour.
SHAPE = {
    "instagram": (2400, 0.55, 12),
    "tiktok": (5200, 0.70, 19),
    "linkedin": (1500, 0.30, 9),
    "youtube": (700, 0.80, 17),
}
WEEKDAY = (1.0, 1.05, 1.1, 1.05, 0.95, 0.7, 0.65)
TEXTS = (
    "{name} retrained at {age} and now works as a {job}.",
    "Meet {name}: “I never thought tech was for me.”",
    "From doubt to a first job in tech: {name}'s story.",
    "{name} on learning to code while raising two children.",
    "What {name} wishes they had known before starting.",
    "{name}'s advice for anyone starting out in {job_lower}.",
)
JOBS = ("web developer", "data analyst", "network technician", "IT support technician")


def network_address(network: str, number: int) -> str:
    """A post's address on its network, as the network writes it (ids are made up)."""
    if network == "linkedin":
        return f"https://www.linkedin.com/feed/update/urn:li:activity:7{number:018d}"
    if network == "instagram":
        return f"https://www.instagram.com/reel/DEMO{number:07d}/"
    if network == "tiktok":
        return f"https://www.tiktok.com/@ecole.numerique/video/73{number:017d}"
    if network == "youtube":
        return f"https://www.youtube.com/watch?v=dm{number:09d}"
    return f"https://www.facebook.com/ecole.numerique/posts/{number}"


def daily_figures(
    rng: random.Random, network: str, published: date, age: int, quality: float
) -> dict[str, Any]:
    """One day of a post's figures, `age` days after it went out."""
    peak, watch_share, _ = SHAPE[network]
    day = published + timedelta(days=age)
    decay = math.exp(-age / 3.5) + 0.02 * math.exp(-age / 30)
    impressions = round(peak * quality * decay * WEEKDAY[day.weekday()] * rng.uniform(0.85, 1.15))
    views = round(impressions * watch_share * rng.uniform(0.9, 1.1))
    likes = round(impressions * 0.035 * quality * rng.uniform(0.7, 1.3))
    comments = round(likes * 0.08 * rng.uniform(0.5, 1.5))
    shares = round(likes * 0.12 * rng.uniform(0.5, 1.5))
    saves = round(likes * 0.1 * rng.uniform(0.5, 1.5)) if network != "linkedin" else None
    clicks = round(impressions * 0.009 * rng.uniform(0.6, 1.4))
    average = rng.uniform(14, 38)
    return {
        "day": day,
        "impressions": float(impressions),
        "reach": float(round(impressions * rng.uniform(0.7, 0.85))),
        "video_views": float(views),
        "watch_time_seconds": round(views * average, 1),
        "average_view_duration_seconds": round(average, 1),
        "completion_rate": round(min(0.95, average / 60 * rng.uniform(0.9, 1.1)), 3),
        "likes": float(likes),
        "comments": float(comments),
        "shares": float(shares),
        "saves": None if saves is None else float(saves),
        "link_clicks": float(clicks),
        "follows": float(round(likes * 0.05)),
        "engagement_rate": round((likes + comments + shares + (saves or 0)) / impressions, 4)
        if impressions
        else None,
    }


def load_demo_metrics(db: Engine, actor: Actor, today: date) -> int:
    """Add two years of published demo posts with daily figures (once); returns how many posts."""
    rng = random.Random(SEED)  # noqa: S311 - demo data, not security
    with read_only(db) as session:
        accounts = {
            a.network: a.id
            for a in session.scalars(select(ChannelAccount).order_by(ChannelAccount.id))
            if a.network in SHAPE
        }
        people = session.execute(
            select(RoleModel.id, RoleModel.full_name).where(RoleModel.email.like("%@demo.%"))
        ).all()
        done = session.scalar(select(Post.id).where(Post.published_url.like("%DEMO0000001%")))
    if done is not None or not accounts or not people:
        return 0
    start = today - timedelta(weeks=WEEKS)
    campaign_ids = []
    for number, template in enumerate(PAST_CAMPAIGNS):
        begins = start if number == 0 else date(2025, 9, 1)
        ends = today - timedelta(days=1) if number == 0 else date(2025, 10, 31)
        data = CampaignInput(
            template.name, begins, ends, objective=template.objective,
            target_groups=template.target_groups, programmes=template.programmes,
            comparison_programmes=template.comparison_programmes, channels=template.channels,
            kpis=template.kpis,
        )  # fmt: skip
        campaign_ids.append(posts.create_campaign(db, actor, data))
    created = 0
    with transaction(db) as session:
        figures: list[dict[str, Any]] = []
        for week in range(WEEKS):
            for network, account_id in accounts.items():
                if network == "youtube" and week % 2:
                    continue  # a video every other week on YouTube
                published_day = start + timedelta(weeks=week, days=rng.randrange(5))
                if published_day >= today - timedelta(days=2):
                    continue
                person_id, name = people[rng.randrange(len(people))]
                in_autumn = date(2025, 9, 1) <= published_day <= date(2025, 10, 31)
                campaign = (
                    campaign_ids[1] if in_autumn and network != "youtube" else campaign_ids[0]
                )
                hour = SHAPE[network][2]
                when = datetime.combine(published_day, time(hour), tzinfo=UTC)
                text = rng.choice(TEXTS).format(
                    name=name.split()[0], age=rng.randrange(28, 52), job=rng.choice(JOBS),
                    job_lower=rng.choice(JOBS),
                )  # fmt: skip
                created += 1
                post = Post(
                    campaign_id=campaign, account_id=account_id, text=text,
                    scheduled_at=when, published_at=when, status="published",
                    published_url=network_address(network, created),
                    alt_text="A role model talks to the camera.",
                    author="editor@demo.example.org", approved_by="admin@demo.example.org",
                    approved_at=when - timedelta(days=2),
                )  # fmt: skip
                session.add(post)
                session.flush()
                session.add(PostPerson(post_id=post.id, role_model_id=person_id))
                quality = rng.lognormvariate(0, 0.45)
                for age in range(DAYS_OF_FIGURES):
                    if published_day + timedelta(days=age) >= today:
                        break
                    figures.append(
                        {"post_id": post.id, **daily_figures(rng, network, published_day, age,
                                                             quality)}
                    )  # fmt: skip
        for chunk in range(0, len(figures), 5000):
            session.execute(insert(PostMetricDaily), figures[chunk : chunk + 5000])
    return created
