"""Demo campaigns: four accounts, three campaigns, posts in every state, one blocked on TikTok.

Most posts have everything people who cannot see or hear them need; a few realistic gaps show in
the accessibility report: the TikTok photo post has no alt text yet, an Instagram draft picked the
LinkedIn version (captions in a separate file, which Instagram does not take), and Karim's
portrait has no transcript yet (see demo_portraits).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Engine, select

from campaigns import posts
from campaigns.auth import Actor
from campaigns.consent import may_use
from campaigns.db import read_only, transaction, utcnow
from campaigns.demo_portraits import CLIPS
from campaigns.models import Campaign, ChannelAccount, Portrait, PortraitVersion, Post, RoleModel
from campaigns.posts import CampaignInput, PostInput
from campaigns.scheduling import campaign_code

REVIEWER = "editor@demo.example.org"
ALT_TEXT = "A role model talks to the camera."
LINK = "https://school.example.org/apply"
ACCOUNTS = (
    ("FR Instagram", "instagram", "@ecole.numerique", "fr", "Europe/Paris"),
    ("FR TikTok", "tiktok", "@ecole.numerique", "fr", "Europe/Paris"),
    ("UK LinkedIn", "linkedin", "school-of-digital", "en", "Europe/London"),
    ("FR YouTube", "youtube", "@EcoleNumerique", "fr", "Europe/Paris"),
)


@dataclass(frozen=True, slots=True)
class DemoPost:
    """A demo post: which account, which portrait (by index in CLIPS), in how many days.

    `preset` picks a version made for another network than the account's (a mistake to show).
    """

    account: str
    clip: int | None
    days: int
    hour: int
    status: str
    text: str
    alt_text: str = ALT_TEXT
    preset: str | None = None


CAMPAIGNS: tuple[tuple[CampaignInput, tuple[DemoPost, ...]], ...] = (
    (
        CampaignInput(
            "Women in tech — spring intake",
            date.min,
            date.min,
            objective="More women applying to the web developer and data analyst programmes.",
            target_groups=("woman_in_tech",),
            programmes=("Web developer", "Data analyst"),
            comparison_programmes=("Network technician",),
            channels=("instagram", "linkedin", "youtube"),
            kpis=(
                ("reach", 50000.0),
                ("clicks", 1200.0),
                ("applications", 40.0),
                ("target_share", 0.5),
            ),
        ),
        (
            DemoPost(
                "FR Instagram",
                0,
                3,
                12,
                "draft",
                "Amina left retail for code. #WomenInTech",
                preset="linkedin_1x1",
            ),
            DemoPost("UK LinkedIn", 0, 4, 9, "in_review", "From the shop floor to shipping code."),
            DemoPost("FR YouTube", 0, 6, 17, "approved", "Amina's story in two minutes."),
            DemoPost("FR Instagram", 0, 9, 18, "scheduled", "Applications are open: meet Amina."),
        ),
    ),
    (
        CampaignInput(
            "Disability employment week",
            date.min,
            date.min,
            objective="Show that our programmes welcome people with disabilities.",
            target_groups=("disability",),
            programmes=("Web developer",),
            channels=("instagram", "linkedin", "tiktok"),
            kpis=(("reach", 30000.0), ("applications", 15.0), ("target_share", 0.6)),
        ),
        (
            DemoPost("UK LinkedIn", 1, -1, 9, "published", "Sophie codes with a hearing loss."),
            DemoPost("FR Instagram", 1, 5, 12, "failed", "Sophie's tips for accessible code."),
            DemoPost(
                "FR TikTok",
                None,
                7,
                19,
                "draft",
                "Our week of inclusion, in pictures.",
                alt_text="",
            ),
        ),
    ),
    (
        CampaignInput(
            "Career changers at 40+",
            date.min,
            date.min,
            objective="Reach people over 40 thinking about a new career in tech.",
            target_groups=("career_changer",),
            programmes=("Network technician",),
            channels=("linkedin", "youtube"),
            kpis=(("reach", 20000.0), ("applications", 20.0)),
        ),
        (
            DemoPost("UK LinkedIn", 2, 8, 8, "approved", "Karim changed careers at 47."),
            DemoPost("FR YouTube", 2, 12, 11, "cancelled", "Karim's first year as a technician."),
        ),
    ),
)
PRESET_FOR = {"instagram": "instagram_reels", "linkedin": "linkedin_1x1", "youtube": "youtube"}


def _accounts(db: Engine, actor: Actor) -> dict[str, tuple[int, str]]:
    with read_only(db) as session:
        existing = set(session.scalars(select(ChannelAccount.name)))
    for name, network, handle, language, zone in ACCOUNTS:
        if name not in existing:
            posts.create_account(db, actor, name, network, handle, language, zone)
    with read_only(db) as session:
        return {a.name: (a.id, a.network) for a in session.scalars(select(ChannelAccount)).all()}


def _versions(db: Engine) -> dict[tuple[int, str], int]:
    titles = [title for _, title, _ in CLIPS]
    with read_only(db) as session:
        rows = session.execute(
            select(Portrait.title, PortraitVersion.preset, PortraitVersion.id)
            .join(Portrait, Portrait.id == PortraitVersion.portrait_id)
            .where(Portrait.title.in_(titles))
        ).tuples()
        return {(titles.index(title), preset): vid for title, preset, vid in rows}


def _without_tiktok_consent(db: Engine, today: date) -> int | None:
    with read_only(db) as session:
        people = list(session.scalars(select(RoleModel.id).order_by(RoleModel.id)))
    for pid in people:
        if not may_use(db, pid, "photo", "tiktok", "organic", today).allowed:
            return pid
    return None


def load_demo_campaigns(db: Engine, actor: Actor, today: date) -> int:
    """Add the demo campaigns that are missing with their posts; returns how many posts."""
    accounts = _accounts(db, actor)
    versions = _versions(db)
    blocked_person = _without_tiktok_consent(db, today)
    with read_only(db) as session:
        codes = set(session.scalars(select(Campaign.code)))
    created = 0
    for number, (template, planned) in enumerate(CAMPAIGNS):
        code = campaign_code(template.name)
        if code in codes:
            continue
        starts = today - timedelta(days=7 - 3 * number)
        data = CampaignInput(
            template.name, starts, starts + timedelta(days=45),
            objective=template.objective, target_groups=template.target_groups,
            programmes=template.programmes,
            comparison_programmes=template.comparison_programmes,
            channels=template.channels, kpis=template.kpis,
        )  # fmt: skip
        campaign_id = posts.create_campaign(db, actor, data)
        for item in planned:
            account_id, network = accounts[item.account]
            preset = item.preset or PRESET_FOR.get(network)
            version = (
                versions.get((item.clip, preset)) if item.clip is not None and preset else None
            )
            people = (blocked_person,) if network == "tiktok" and blocked_person else ()
            local = datetime.combine(today + timedelta(days=max(item.days, 1)), time(item.hour))
            post_id = posts.create_post(
                db, actor,
                PostInput(
                    campaign_id, account_id, local, item.text, link=LINK,
                    alt_text=item.alt_text, portrait_version_id=version,
                    role_model_ids=people,
                ),
                today=today,
            )  # fmt: skip
            _set_state(db, post_id, item, local)
            created += 1
    posts.recheck_posts(db, today)
    return created


def _set_state(db: Engine, post_id: int, item: DemoPost, local: datetime) -> None:
    # Demo versions may still be rendering, which blocks the workflow's own steps: the demo
    # writes the states directly so that every state is on show from the first start.
    with transaction(db) as session:
        post = session.get(Post, post_id)
        if post is None:
            return
        post.status = item.status
        if item.status in ("approved", "scheduled", "published", "failed"):
            post.approved_by, post.approved_at = REVIEWER, utcnow()
        if item.status == "published":
            post.scheduled_at = post.scheduled_at + timedelta(days=item.days - 1)
            post.published_at = post.scheduled_at
            post.published_url = f"https://www.linkedin.com/feed/update/demo-{post_id}"
            posts.record_appearances(session, post)
