"""A demo admissions export: two years of applications with a known campaign effect.

About a hundred applications a day across ten programmes (six tech, four not), fewer at weekends,
a slow trend, shocks shared by all programmes from one day to the next (AR(1)), and a known lift:
during the demo campaign "Women in tech — autumn intake 2025" and four weeks after it, the share
of women among applicants to its promoted programmes rises by `DEMO_LIFT` (5 points). A part of
the applications carries the tracking code of a demo campaign, as links in posts would give.
"""

from __future__ import annotations

import csv
import io
import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Engine, select

from campaigns.db import read_only
from campaigns.models import Campaign, ChannelAccount, Post

DEMO_LIFT = 0.05
DAYS = 730
LIFT_CAMPAIGN = "women-in-tech-autumn-intake-2025"
LIFT_START, LIFT_END = date(2025, 9, 1), date(2025, 10, 31) + timedelta(days=28)
# programme, family, applications a day, base share of women
PROGRAMMES = (
    ("Web developer", "tech", 40, 0.21),
    ("Data analyst", "tech", 35, 0.24),
    ("Network technician", "tech", 4, 0.12),
    ("IT support technician", "tech", 4, 0.15),
    ("Cybersecurity analyst", "tech", 3, 0.17),
    ("Cloud engineer", "tech", 2, 0.16),
    ("Project manager", "non_tech", 55, 0.30),
    ("Digital marketing", "non_tech", 3, 0.61),
    ("HR assistant", "non_tech", 3, 0.74),
    ("Accounting assistant", "non_tech", 2, 0.66),
)
PROMOTED = ("Web developer", "Data analyst")
WEEKDAY = (1.15, 1.1, 1.05, 1.0, 0.9, 0.45, 0.4)
HEADER = (
    "application_id", "submitted_at", "programme", "programme_family", "gender", "disability",
    "priority_groups", "country", "source", "utm_source", "utm_medium", "utm_campaign",
    "utm_content", "status",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Tracked:
    code: str
    starts: date
    ends: date
    posts: tuple[tuple[int, str], ...]  # (post id, network)


def _tracked(db: Engine) -> list[_Tracked]:
    with read_only(db) as session:
        found = []
        for campaign in session.scalars(select(Campaign)):
            posts = tuple(
                session.execute(
                    select(Post.id, ChannelAccount.network)
                    .join(ChannelAccount, ChannelAccount.id == Post.account_id)
                    .where(Post.campaign_id == campaign.id, Post.status == "published")
                ).tuples()
            )
            found.append(_Tracked(campaign.code, campaign.starts_on, campaign.ends_on, posts))
        return found


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method is fine for the small daily means here.
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def demo_admissions_csv(db: Engine, today: date, seed: int = 7) -> bytes:
    """The demo admissions export as CSV bytes (deterministic for a day and a seed)."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    tracked = _tracked(db)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    shock = 0.0
    number = 0
    first = today - timedelta(days=DAYS)
    for offset in range(DAYS):
        day = first + timedelta(days=offset)
        shock = 0.6 * shock + rng.gauss(0, 0.012)  # shared by every programme that day
        trend = 0.01 * offset / 365
        live = [c for c in tracked if c.starts <= day <= c.ends]
        for programme, family, per_day, women in PROGRAMMES:
            share = women + trend + shock
            lifted = programme in PROMOTED and LIFT_START <= day <= LIFT_END
            if lifted:
                share += DEMO_LIFT
            for _ in range(_poisson(rng, per_day * WEEKDAY[day.weekday()])):
                number += 1
                gender = (
                    "undisclosed" if rng.random() < 0.03
                    else "woman" if rng.random() < share
                    else "non_binary" if rng.random() < 0.01
                    else "man"
                )  # fmt: skip
                roll = rng.random()
                disability = "yes" if roll < 0.06 else "undisclosed" if roll < 0.14 else "no"
                groups = [
                    group
                    for group, chance in (("jobseeker", 0.55), ("low_qualification", 0.3),
                                          ("disadvantaged_area", 0.18), ("refugee", 0.03))
                    if rng.random() < chance
                ]  # fmt: skip
                age = (today - day).days
                status = "applied"
                if age > 30 and rng.random() < 0.42:
                    status = "enrolled" if age > 60 and rng.random() < 0.75 else "admitted"
                utm = ("", "", "", "")
                if live and rng.random() < 0.08:
                    campaign = rng.choice(live)
                    post = rng.choice(campaign.posts) if campaign.posts else None
                    network = post[1] if post else "linkedin"
                    content = f"post-{post[0]}" if post else ""
                    utm = (network, "social", campaign.code, content)
                elif lifted and rng.random() < 0.05:
                    utm = ("instagram", "social", LIFT_CAMPAIGN, "")
                moment = datetime.combine(day, time(8), tzinfo=UTC) + timedelta(
                    minutes=rng.randrange(14 * 60)
                )
                writer.writerow(
                    (f"ADM-{number:07d}", moment.strftime("%Y-%m-%d %H:%M"), programme, family,
                     gender, disability, ";".join(groups), rng.choice(("FR", "FR", "FR", "GB")),
                     "website", *utm, status)
                )  # fmt: skip
    return out.getvalue().encode("utf-8")
