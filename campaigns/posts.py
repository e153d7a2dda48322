"""Campaigns, channel accounts and posts: planning, checks against consent and rules, workflow.

A post's checks (`check_post`) give blocking reasons, which stop approval, scheduling and
publication, and warnings, which deserve a look. The accessibility rules among them (captions,
alt text, transcripts) are written down in `campaigns.accessibility`; their blocking reasons also
stop a post from being sent for review, since only its author can fix them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from campaigns import audit
from campaigns.accessibility import check_access
from campaigns.auth import Actor, Permission, require
from campaigns.consent import decide, load_terms
from campaigns.db import read_only, transaction, utcnow
from campaigns.errors import (
    Conflict,
    InvalidFields,
    InvalidInput,
    NotFound,
    PermissionDenied,
    joined_sentences,
)
from campaigns.i18n import N_, msg
from campaigns.media.presets import PRESETS, check_fits
from campaigns.models import (
    Appearance,
    Campaign,
    ChannelAccount,
    MediaAsset,
    Portrait,
    PortraitPerson,
    PortraitVersion,
    Post,
    PostPerson,
    RoleModel,
)
from campaigns.portraits import channel_of
from campaigns.scheduling import (
    MIN_GAP,
    MONTHLY_FEATURE_LIMIT,
    NETWORKS,
    TRANSITIONS,
    campaign_code,
    network_label,
    text_problems,
    to_local,
    to_utc,
    tracked_link,
)

ACTION_PAST = {
    "submit": N_("submitted for review"),
    "approve": N_("approved"),
    "schedule": N_("scheduled"),
    "publish": N_("marked as published"),
    "fail": N_("marked as failed"),
    "cancel": N_("cancelled"),
    "reopen": N_("reopened"),
}


@dataclass(frozen=True, slots=True)
class CampaignInput:
    """A campaign as typed in the form."""

    name: str
    starts_on: date
    ends_on: date
    objective: str = ""
    target_groups: tuple[str, ...] = ()
    programmes: tuple[str, ...] = ()
    comparison_programmes: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    owner: str = ""
    code: str = ""
    kpis: tuple[tuple[str, float], ...] = ()


def create_campaign(db: Engine, actor: Actor, data: CampaignInput) -> int:
    """Add a campaign with a unique tracking code."""
    require(actor, Permission.EDIT_CONTENT)
    problems: dict[str, str] = {}
    if not data.name.strip():
        problems["name"] = N_("Give the campaign a name.")
    if data.ends_on < data.starts_on:
        problems["ends_on"] = N_("The campaign cannot end before it starts.")
    if unknown := [c for c in data.channels if c not in NETWORKS]:
        problems["channels"] = msg("Unknown networks: {networks}.", networks=", ".join(unknown))
    if problems:
        raise InvalidFields(problems)
    code = campaign_code(data.code or data.name)
    with transaction(db) as session:
        if session.scalar(select(Campaign.id).where(Campaign.code == code)):
            raise Conflict(
                msg("Another campaign already uses the tracking code “{code}”.", code=code)
            )
        campaign = Campaign(
            name=data.name.strip(),
            code=code,
            objective=data.objective.strip(),
            target_groups=list(data.target_groups),
            programmes=list(data.programmes),
            comparison_programmes=list(data.comparison_programmes),
            channels=list(data.channels),
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            owner=data.owner or actor.email,
            kpis=dict(data.kpis),
            status="draft",
        )
        session.add(campaign)
        session.flush()
        audit.record(session, actor, "create_campaign", "campaign", campaign.id, {"code": code})
        return campaign.id


def create_account(
    db: Engine, actor: Actor, name: str, network: str, handle: str, language: str, zone: str
) -> int:
    """Add one of the school's accounts on a network."""
    require(actor, Permission.EDIT_CONTENT)
    if network not in NETWORKS:
        raise InvalidInput(msg("Choose the network: {networks}.", networks=", ".join(NETWORKS)))
    to_utc(datetime(2026, 1, 15, 12), zone)  # refuses unknown zones with a sentence
    with transaction(db) as session:
        if session.scalar(select(ChannelAccount.id).where(ChannelAccount.name == name.strip())):
            raise Conflict(msg("An account called “{name}” already exists.", name=name.strip()))
        account = ChannelAccount(
            name=name.strip(), network=network, handle=handle.strip(), language=language,
            time_zone=zone,
        )  # fmt: skip
        session.add(account)
        session.flush()
        audit.record(session, actor, "create_account", "channel_account", account.id)
        return account.id


@dataclass(frozen=True, slots=True)
class PostInput:
    """A post as typed in the form; the time is the account's wall-clock time."""

    campaign_id: int
    account_id: int
    local_time: datetime
    text: str
    link: str = ""
    hashtags: tuple[str, ...] = ()
    first_comment: str = ""
    alt_text: str = ""
    portrait_version_id: int | None = None
    role_model_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class PostCheck:
    """What stops a post (blocking) and what deserves a look (warnings).

    `before_review` repeats the blocking reasons its author must fix before sending the post for
    review: the accessibility ones (captions, alt text).
    """

    blocking: tuple[str, ...]
    warnings: tuple[str, ...]
    before_review: tuple[str, ...] = ()


def _featured(session: Session, post: Post) -> list[int]:
    return list(
        session.scalars(select(PostPerson.role_model_id).where(PostPerson.post_id == post.id))
    )


STICKY_REASONS = (
    "A featured person asked for erasure.",  # privacy.ERASURE_REASON
    "Its video or photo was deleted at the end of the retention period.",  # RETENTION_REASON
)


def check_post(session: Session, post: Post, today: date) -> PostCheck:
    """Every rule a post must pass before it goes out, against the data as it is now.

    Blocking: consent for each featured person on this network and date; a video version that is
    ready, usable and fits the network; captions the network can carry; alt text on the post and
    on its video or photo; a text the network takes. Warnings: no transcript for the video, a date
    outside the campaign, posts too close on one account, a person featured too often.
    """
    account = session.get(ChannelAccount, post.account_id)
    campaign = session.get(Campaign, post.campaign_id)
    if account is None or campaign is None:
        return PostCheck((N_("The post's account or campaign no longer exists."),), ())
    network = account.network
    local_day = to_local(post.scheduled_at, account.time_zone).date()
    # Reasons set by an erasure or the retention run cannot be seen again from the data (the
    # person or the media are gone): they stay until someone changes the post.
    blocking: list[str] = [r for r in post.blocked_reasons or [] if r in STICKY_REASONS]
    warnings: list[str] = []
    people = _featured(session, post)
    media = "video" if post.portrait_version_id else "photo"
    terms = load_terms(session, people)
    names = dict(
        session.execute(select(RoleModel.id, RoleModel.full_name).where(RoleModel.id.in_(people)))
        .tuples()
        .all()
    )
    for pid in people:
        decision = decide(terms.get(pid, []), media, network, "organic", local_day)
        if not decision.allowed:
            blocking.append(
                msg(
                    "{name}: {reason}",
                    name=names.get(pid) or N_("Someone featured"),
                    reason=decision.reason,
                )
            )
    version = (
        session.get(PortraitVersion, post.portrait_version_id) if post.portrait_version_id else None
    )
    portrait = session.get(Portrait, version.portrait_id) if version is not None else None
    misfit: str | None = None
    if post.portrait_version_id:
        if version is None or version.status != "done":
            blocking.append(N_("The video version is not ready."))
        else:
            if version.do_not_use:
                blocking.append(N_("The video is marked do not use."))
            misfit = fit_problem(version, network)
            if misfit:
                blocking.append(misfit)
    photo = session.get(MediaAsset, post.photo_id) if post.photo_id else None
    access = check_access(post, network, version, portrait, photo)
    # A version that does not fit the network has to be made again anyway, captions and all.
    captions = None if misfit else access.captions
    if captions:
        blocking.append(captions)
    blocking += text_problems(post.text, post.hashtags, network)
    blocking += access.alt_text
    before_review = ([captions] if captions else []) + list(access.alt_text)
    if access.transcript:
        warnings.append(access.transcript)
    if not campaign.starts_on <= local_day <= campaign.ends_on:
        warnings.append(N_("The post falls outside the campaign's dates."))
    close = session.scalar(
        select(func.count(Post.id)).where(
            Post.account_id == post.account_id,
            Post.id != post.id,
            Post.status.not_in(("cancelled", "failed")),
            Post.scheduled_at > post.scheduled_at - MIN_GAP,
            Post.scheduled_at < post.scheduled_at + MIN_GAP,
        )
    )
    if close:
        warnings.append(
            msg("Another post on {account} is less than 4 hours away.", account=account.name)
        )
    month_start = local_day.replace(day=1)
    for pid in people:
        count = session.scalar(
            select(func.count(Post.id))
            .join(PostPerson, PostPerson.post_id == Post.id)
            .where(
                PostPerson.role_model_id == pid,
                Post.status.not_in(("cancelled", "failed")),
                Post.scheduled_at >= _utc_day(month_start),
                Post.scheduled_at < _utc_day(_next_month(month_start)),
            )
        )
        if (count or 0) > MONTHLY_FEATURE_LIMIT:
            warnings.append(
                msg(
                    "{name} is featured {count} times this month (more than {limit}).",
                    name=names.get(pid) or N_("Someone"),
                    count=count,
                    limit=MONTHLY_FEATURE_LIMIT,
                )
            )
    return PostCheck(tuple(blocking), tuple(warnings), tuple(before_review))


def fit_problem(version: PortraitVersion, network: str) -> str | None:
    """Why a rendered version does not fit a network (shape, length, size), or None.

    A version made for one network may serve another with the same frame when it keeps within
    that network's limits: the 9:16 Reels version is a good TikTok video.
    """
    made_for = PRESETS.get(version.preset)
    if made_for is None:
        return N_("The video version has a format Spotlight no longer knows: make it again.")
    if channel_of(version.preset) == network:
        return None
    same_frame = [
        p
        for p in PRESETS.values()
        if channel_of(p.name) == network
        and (p.width, p.height) == (made_for.width, made_for.height)
    ]
    if not same_frame:
        return msg(
            "The video was made for {version} ({aspect}), a frame {network} does not take: "
            "make a version for {network}.",
            version=made_for.label,
            aspect=made_for.aspect,
            network=network_label(network),
        )
    if version.duration_s is None:  # measured when rendered; nothing more to compare before
        return None
    problems = [check_fits(p, version.duration_s, version.size_bytes) for p in same_frame]
    return None if None in problems else problems[0]


def _utc_day(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _people_for(session: Session, data: PostInput) -> list[int]:
    if data.role_model_ids:
        return list(dict.fromkeys(data.role_model_ids))
    if data.portrait_version_id is None:
        return []
    version = session.get(PortraitVersion, data.portrait_version_id)
    if version is None:
        raise NotFound(N_("This video version does not exist any more."))
    return list(
        session.scalars(
            select(PortraitPerson.role_model_id).where(
                PortraitPerson.portrait_id == version.portrait_id
            )
        )
    )


def _apply(session: Session, post: Post, data: PostInput, today: date) -> None:
    account = session.get(ChannelAccount, data.account_id)
    campaign = session.get(Campaign, data.campaign_id)
    if account is None or campaign is None:
        raise NotFound(N_("The account or campaign chosen no longer exists."))
    planned = to_utc(data.local_time, account.time_zone)
    if planned.utc < utcnow():
        raise InvalidFields({"time": N_("The publication time is in the past.")})
    post.campaign_id, post.account_id = campaign.id, account.id
    post.portrait_version_id = data.portrait_version_id
    post.text = data.text.strip()
    post.hashtags = [
        tag if tag.startswith("#") else f"#{tag}"
        for tag in (h.strip() for h in data.hashtags)
        if tag
    ]
    post.first_comment = data.first_comment.strip()
    post.alt_text = data.alt_text.strip()
    post.scheduled_at = planned.utc
    post.link = data.link.strip()
    people = _people_for(session, data)
    session.add(post)
    session.flush()
    existing = set(_featured(session, post))
    for pid in existing - set(people):
        session.delete(session.get(PostPerson, (post.id, pid)))
    session.add_all(
        PostPerson(post_id=post.id, role_model_id=pid) for pid in people if pid not in existing
    )
    if data.link.strip():
        post.link = tracked_link(
            data.link, account.network, campaign.code, post.id, people[0] if people else None
        )
    session.flush()
    post.blocked_reasons = []  # an edit is a new start: sticky reasons were about the old post
    result = check_post(session, post, today)
    post.blocked_reasons, post.warnings = list(result.blocking), list(result.warnings)


def create_post(db: Engine, actor: Actor, data: PostInput, today: date | None = None) -> int:
    """Plan a post as a draft; its checks are run at once."""
    require(actor, Permission.EDIT_CONTENT)
    with transaction(db) as session:
        post = Post(author=actor.email, status="draft", scheduled_at=utcnow())
        _apply(session, post, data, today or date.today())
        audit.record(session, actor, "create_post", "post", post.id, {"campaign": data.campaign_id})
        return post.id


def update_post(
    db: Engine, actor: Actor, post_id: int, expected_version: int, data: PostInput,
    today: date | None = None,
) -> None:  # fmt: skip
    """Save changes; refused if someone else saved the post since it was opened."""
    require(actor, Permission.EDIT_CONTENT)
    try:
        with transaction(db) as session:
            post = _get(session, post_id)
            _expect(post, expected_version)
            if post.status in ("published", "cancelled"):
                raise Conflict(N_("A published or cancelled post cannot be changed."))
            _apply(session, post, data, today or date.today())
            if post.status in ("approved", "scheduled"):
                post.status = "in_review"  # a changed post needs a fresh approval
            audit.record(session, actor, "update_post", "post", post.id)
    except StaleDataError:
        raise _conflict() from None


def _conflict() -> Conflict:
    return Conflict(
        N_(
            "Someone else saved this post while you were editing it. Your changes were not "
            "saved: reopen the post to see theirs, then make yours again."
        )
    )


def _expect(post: Post, expected_version: int) -> None:
    if post.version != expected_version:
        raise _conflict()


def _get(session: Session, post_id: int) -> Post:
    post = session.get(Post, post_id)
    if post is None:
        raise NotFound(N_("This post does not exist any more."))
    return post


def move_post(
    db: Engine, actor: Actor, post_id: int, expected_version: int, action: str,
    published_url: str = "", today: date | None = None,
) -> str:  # fmt: skip
    """Move a post along its workflow (submit, approve, schedule, publish…); returns its status."""
    require(actor, Permission.EDIT_CONTENT)
    if action not in TRANSITIONS:
        raise InvalidInput(msg("Unknown step “{action}”.", action=action))
    sources, target = TRANSITIONS[action]
    try:
        with transaction(db) as session:
            post = _get(session, post_id)
            _expect(post, expected_version)
            if post.status not in sources:
                raise Conflict(
                    msg(
                        "A post that is {status} cannot be {action}.",
                        status=post.status.replace("_", " "),
                        action=ACTION_PAST.get(action, action),
                    )
                )
            result = check_post(session, post, today or date.today())
            post.blocked_reasons, post.warnings = list(result.blocking), list(result.warnings)
            if action == "submit" and result.before_review:
                raise Conflict(
                    msg(
                        "Finish the post before sending it for review: {reasons}",
                        reasons=joined_sentences(result.before_review),
                    )
                )
            if action in ("approve", "schedule", "publish") and result.blocking:
                raise Conflict(
                    msg(
                        "This post is blocked: {reasons}",
                        reasons=joined_sentences(result.blocking),
                    )
                )
            if action == "approve" and post.author == actor.email:
                raise PermissionDenied(N_("Someone other than the author must approve the post."))
            if action == "approve":
                post.approved_by, post.approved_at = actor.email, utcnow()
            if action == "publish":
                if not published_url.strip():
                    raise InvalidInput(N_("Give the post's address or id on the network."))
                post.published_url, post.published_at = published_url.strip(), utcnow()
                record_appearances(session, post)
            post.status = target
            audit.record(session, actor, f"{action}_post", "post", post.id, {"status": target})
            return target
    except StaleDataError:
        raise _conflict() from None


def record_appearances(session: Session, post: Post) -> None:
    """Count a published post as one appearance of each person it features (exposure balance)."""
    account = session.get(ChannelAccount, post.account_id)
    channel = account.network if account is not None else ""
    for person_id in _featured(session, post):
        session.add(
            Appearance(
                role_model_id=person_id,
                featured_on=(post.published_at or post.scheduled_at).date(),
                channel=channel,
                title=" ".join(post.text.split()[:12])[:300],
                url=post.published_url[:1000],
            )
        )


SIGNOFF_WAYS = ("in person", "e-mail", "phone", "message", "video call")


def record_signoff(
    db: Engine, actor: Actor, post_id: int, expected_version: int, on: date, how: str,
    today: date | None = None,
) -> None:  # fmt: skip
    """Record that the featured person saw and agreed to the post: when and how."""
    require(actor, Permission.EDIT_CONTENT)
    how = " ".join(how.split())
    if not how:
        raise InvalidFields({"how": N_("Say how the person gave their sign-off (e-mail, phone…).")})
    if len(how) > 200:
        raise InvalidFields({"how": N_("Keep “how” under 200 characters.")})
    if on > (today or date.today()):
        raise InvalidFields({"on": N_("A sign-off cannot be dated in the future.")})
    try:
        with transaction(db) as session:
            post = _get(session, post_id)
            _expect(post, expected_version)
            if not _featured(session, post):
                raise InvalidInput(
                    N_("This post features nobody, so there is no one to sign it off.")
                )
            post.person_signoff_on, post.person_signoff_how = on, how
            audit.record(
                session, actor, "record_post_signoff", "post", post.id,
                {"signed off on": on.isoformat(), "how": how},
            )  # fmt: skip
    except StaleDataError:
        raise _conflict() from None


def recheck_posts(db: Engine, today: date | None = None) -> int:
    """Run the checks again on every post still to go out; returns how many are blocked."""
    day = today or date.today()
    with transaction(db) as session:
        posts = session.scalars(
            select(Post).where(Post.status.in_(("draft", "in_review", "approved", "scheduled")))
        ).all()
        blocked = 0
        for post in posts:
            result = check_post(session, post, day)
            if list(result.blocking) != post.blocked_reasons:
                post.blocked_reasons = list(result.blocking)
            if list(result.warnings) != post.warnings:
                post.warnings = list(result.warnings)
            blocked += bool(result.blocking)
        return blocked


@dataclass(frozen=True, slots=True)
class PostView:
    """A post as the calendar and the Today page show it."""

    id: int
    version: int
    campaign: str
    campaign_code: str
    account: str
    network: str
    local_time: datetime
    status: str
    text: str
    link: str
    people: tuple[str, ...]
    blocked_reasons: tuple[str, ...]
    warnings: tuple[str, ...]
    portrait_version_id: int | None
    author: str
    approved_by: str
    published_url: str
    target_groups: tuple[str, ...] = ()
    signoff_on: date | None = None


def list_posts(
    db: Engine,
    actor: Actor,
    *,
    campaign_id: int | None = None,
    statuses: tuple[str, ...] = (),
    blocked_only: bool = False,
) -> list[PostView]:
    """Posts by time, with their checks as last run."""
    require(actor, Permission.VIEW_DASHBOARDS)
    query = (
        select(Post, Campaign, ChannelAccount)
        .join(Campaign, Campaign.id == Post.campaign_id)
        .join(ChannelAccount, ChannelAccount.id == Post.account_id)
        .order_by(Post.scheduled_at)
    )
    if campaign_id is not None:
        query = query.where(Post.campaign_id == campaign_id)
    if statuses:
        query = query.where(Post.status.in_(statuses))
    if blocked_only:
        query = query.where(func.json_array_length(Post.blocked_reasons) > 0)
    with read_only(db) as session:
        rows = session.execute(query).all()
        names = dict(session.execute(select(RoleModel.id, RoleModel.full_name)).tuples().all())
        people: dict[int, list[str]] = {}
        for post_id, pid in session.execute(select(PostPerson.post_id, PostPerson.role_model_id)):
            people.setdefault(post_id, []).append(names.get(pid, ""))
        return [
            PostView(
                id=post.id,
                version=post.version,
                campaign=campaign.name,
                campaign_code=campaign.code,
                account=account.name,
                network=account.network,
                local_time=to_local(post.scheduled_at, account.time_zone),
                status=post.status,
                text=post.text,
                link=post.link,
                people=tuple(people.get(post.id, [])),
                blocked_reasons=tuple(post.blocked_reasons),
                warnings=tuple(post.warnings),
                portrait_version_id=post.portrait_version_id,
                author=post.author,
                approved_by=post.approved_by,
                published_url=post.published_url,
                target_groups=tuple(campaign.target_groups),
                signoff_on=post.person_signoff_on,
            )
            for post, campaign, account in rows
        ]
