"""Handing posts over for publishing: publishing packs, iCalendar and bulk-scheduler exports.

Also the read models the Campaigns and Calendar pages need (campaigns, accounts, ready video
versions, one post in full, representation per month) until posts.py grows them.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import PurePath

import icalendar
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from campaigns.auth import Actor, Permission, require
from campaigns.catalogue import CATEGORY_LABELS
from campaigns.db import read_only, utcnow
from campaigns.errors import NotFound
from campaigns.i18n import N_
from campaigns.media.presets import PRESETS
from campaigns.models import (
    Campaign,
    ChannelAccount,
    Portrait,
    PortraitVersion,
    Post,
    PostPerson,
    RoleModel,
    RoleModelLabel,
)
from campaigns.portraits import channel_of
from campaigns.scheduling import network_label, to_local
from campaigns.spreadsheet_safety import safe_cell
from campaigns.storage import MediaStore

EXPORT_STATUSES = ("scheduled", "approved")
EVENT_LENGTH = timedelta(minutes=15)
SUMMARY_WORDS = 8
CSV_COLUMNS = ("date", "time", "timezone", "account", "network", "text", "link", "media file name")
STATUS_LABELS = {
    "draft": N_("Draft"),
    "in_review": N_("In review"),
    "approved": N_("Approved"),
    "scheduled": N_("Scheduled"),
    "published": N_("Published"),
    "failed": N_("Failed"),
    "cancelled": N_("Cancelled"),
}


@dataclass(frozen=True, slots=True)
class PostDetail:
    """Everything about one post, for its panel and its publishing pack."""

    id: int
    version: int
    campaign_id: int
    campaign: str
    campaign_code: str
    account_id: int
    account: str
    handle: str
    network: str
    time_zone: str
    local_time: datetime
    status: str
    text: str
    hashtags: tuple[str, ...]
    first_comment: str
    alt_text: str
    link: str
    portrait_version_id: int | None
    role_model_ids: tuple[int, ...]
    people: tuple[str, ...]
    blocked_reasons: tuple[str, ...]
    warnings: tuple[str, ...]
    author: str
    approved_by: str
    approved_at: datetime | None
    published_url: str
    signoff_on: date | None = None
    signoff_how: str = ""


def _people(session: Session, post_ids: Sequence[int]) -> dict[int, list[tuple[int, str]]]:
    rows = session.execute(
        select(PostPerson.post_id, RoleModel.id, RoleModel.full_name)
        .join(RoleModel, RoleModel.id == PostPerson.role_model_id)
        .where(PostPerson.post_id.in_(post_ids))
        .order_by(RoleModel.full_name)
    ).tuples()
    found: dict[int, list[tuple[int, str]]] = {}
    for post_id, pid, name in rows:
        found.setdefault(post_id, []).append((pid, name))
    return found


def _detail(session: Session, post: Post) -> PostDetail:
    campaign = session.get(Campaign, post.campaign_id)
    account = session.get(ChannelAccount, post.account_id)
    if campaign is None or account is None:
        raise NotFound(N_("The post's account or campaign no longer exists."))
    people = _people(session, [post.id]).get(post.id, [])
    return PostDetail(
        id=post.id,
        version=post.version,
        campaign_id=campaign.id,
        campaign=campaign.name,
        campaign_code=campaign.code,
        account_id=account.id,
        account=account.name,
        handle=account.handle,
        network=account.network,
        time_zone=account.time_zone,
        local_time=to_local(post.scheduled_at, account.time_zone),
        status=post.status,
        text=post.text,
        hashtags=tuple(post.hashtags),
        first_comment=post.first_comment,
        alt_text=post.alt_text,
        link=post.link,
        portrait_version_id=post.portrait_version_id,
        role_model_ids=tuple(pid for pid, _ in people),
        people=tuple(name for _, name in people),
        blocked_reasons=tuple(post.blocked_reasons),
        warnings=tuple(post.warnings),
        author=post.author,
        approved_by=post.approved_by,
        approved_at=post.approved_at,
        published_url=post.published_url,
        signoff_on=post.person_signoff_on,
        signoff_how=post.person_signoff_how,
    )


def get_post(db: Engine, actor: Actor, post_id: int) -> PostDetail:
    """One post in full, with the version number to send back when saving it."""
    require(actor, Permission.VIEW_DASHBOARDS)
    with read_only(db) as session:
        post = session.get(Post, post_id)
        if post is None:
            raise NotFound(N_("This post does not exist any more."))
        return _detail(session, post)


# --- Publishing pack ------------------------------------------------------------------------


def _when(detail: PostDetail) -> str:
    return f"{detail.local_time:%A %d %B %Y, %H:%M} ({detail.time_zone})"


def _checklist(detail: PostDetail, media_note: str) -> str:
    lines = [
        f"# Post {detail.id} — {detail.campaign}",
        "",
        f"- Account: {detail.account} ({network_label(detail.network)}"
        + (f", {detail.handle})" if detail.handle else ")"),
        f"- Publish at: {_when(detail)}",
        f"- Status: {STATUS_LABELS.get(detail.status, detail.status)}",
        "- Approval: "
        + (
            f"approved by {detail.approved_by}"
            + (f" on {detail.approved_at:%d %B %Y}" if detail.approved_at else "")
            if detail.approved_by
            else "not approved yet"
        ),
        f"- Featured: {', '.join(detail.people) if detail.people else 'nobody named'}",
        f"- Media: {media_note}",
        "",
        "## Blocking problems",
        "",
        *([f"- [ ] {r}" for r in detail.blocked_reasons] or ["- none"]),
        "",
        "## Warnings",
        "",
        *([f"- [ ] {w}" for w in detail.warnings] or ["- none"]),
        "",
        "## Before publishing",
        "",
        "- [ ] Upload the video and the cover image",
        "- [ ] Paste the text from post.txt and the alt text from alt-text.txt",
        "- [ ] Post the first comment if there is one",
        "- [ ] Use the tracked link from link.txt exactly as it is",
        "- [ ] Mark the post as published in Spotlight with its address on the network",
        "",
    ]
    return "\n".join(lines)


def _post_text(detail: PostDetail) -> str:
    parts = [detail.text]
    if detail.hashtags:
        parts.append(" ".join(detail.hashtags))
    if detail.first_comment:
        parts.append(f"First comment:\n{detail.first_comment}")
    return "\n\n".join(parts) + "\n"


def media_file_name(post_id: int, preset: str | None) -> str:
    """The name the post's video has in its pack and in the scheduler export."""
    return f"post-{post_id}-{preset}.mp4" if preset else ""


def publishing_pack(db: Engine, store: MediaStore, actor: Actor, post_id: int) -> bytes:
    """A zip with everything needed to publish the post by hand: media, texts, link, checklist."""
    require(actor, Permission.EDIT_CONTENT)
    with read_only(db) as session:
        post = session.get(Post, post_id)
        if post is None:
            raise NotFound(N_("This post does not exist any more."))
        detail = _detail(session, post)
        version = (
            session.get(PortraitVersion, post.portrait_version_id)
            if post.portrait_version_id
            else None
        )
        preset = version.preset if version else None
        ready = version is not None and version.status == "done" and bool(version.output_key)
        keys = (
            (version.output_key, version.cover_key, version.captions_key)
            if version and ready
            else (None, None, None)
        )
    if version is None:
        media_note = "no video version (add a photo by hand)"
    elif ready:
        media_note = (
            f"{media_file_name(post_id, preset)} ({PRESETS[preset].label})"
            if (preset in PRESETS)
            else media_file_name(post_id, preset)
        )
    else:
        media_note = "The video version is not ready: it is not in this pack."
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as pack:
        video_key, cover_key, captions_key = keys
        if video_key:
            # Videos are already compressed; storing them saves time for nothing lost.
            pack.writestr(
                media_file_name(post_id, preset),
                store.read_bytes(video_key),
                compress_type=zipfile.ZIP_STORED,
            )
        if cover_key:
            suffix = PurePath(cover_key).suffix or ".jpg"
            pack.writestr(f"post-{post_id}-cover{suffix}", store.read_bytes(cover_key))
        if captions_key:
            pack.writestr(f"post-{post_id}-captions.srt", store.read_bytes(captions_key))
        pack.writestr("post.txt", _post_text(detail))
        pack.writestr("alt-text.txt", (detail.alt_text or "") + "\n")
        pack.writestr("link.txt", (detail.link or "") + "\n")
        pack.writestr("checklist.md", _checklist(detail, media_note))
    return buffer.getvalue()


# --- Calendar and scheduler exports ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _ExportRow:
    post_id: int
    scheduled_at: datetime
    local_time: datetime
    time_zone: str
    account: str
    network: str
    status: str
    text: str
    hashtags: tuple[str, ...]
    link: str
    preset: str | None


def _export_rows(db: Engine, statuses: Sequence[str]) -> list[_ExportRow]:
    query = (
        select(Post, ChannelAccount, PortraitVersion.preset)
        .join(ChannelAccount, ChannelAccount.id == Post.account_id)
        .outerjoin(PortraitVersion, PortraitVersion.id == Post.portrait_version_id)
        .where(Post.status.in_(tuple(statuses)))
        .order_by(Post.scheduled_at, Post.id)
    )
    with read_only(db) as session:
        return [
            _ExportRow(
                post_id=post.id,
                scheduled_at=post.scheduled_at.astimezone(UTC),
                local_time=to_local(post.scheduled_at, account.time_zone),
                time_zone=account.time_zone,
                account=account.name,
                network=account.network,
                status=post.status,
                text=post.text,
                hashtags=tuple(post.hashtags),
                link=post.link,
                preset=preset,
            )
            for post, account, preset in session.execute(query).tuples()
        ]


def export_post_ids(
    db: Engine, actor: Actor, *, statuses: Sequence[str] = EXPORT_STATUSES
) -> list[int]:
    """The posts an export would hold, in time order."""
    require(actor, Permission.VIEW_DASHBOARDS)
    return [row.post_id for row in _export_rows(db, statuses)]


def _first_words(text: str, count: int = SUMMARY_WORDS) -> str:
    words = text.split()
    return " ".join(words[:count]) + ("…" if len(words) > count else "")


def calendar_ics(db: Engine, actor: Actor, *, statuses: Sequence[str] = EXPORT_STATUSES) -> bytes:
    """An iCalendar file (RFC 5545) with one 15-minute event per post, times in UTC."""
    require(actor, Permission.VIEW_DASHBOARDS)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Spotlight//Campaign calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Spotlight posts")
    stamp = utcnow().astimezone(UTC).replace(microsecond=0)
    for row in _export_rows(db, statuses):
        event = icalendar.Event()
        event.add("uid", f"post-{row.post_id}@spotlight")
        event.add("dtstamp", stamp)
        event.add("dtstart", row.scheduled_at.replace(microsecond=0))
        event.add("duration", EVENT_LENGTH)
        event.add("summary", f"{row.account}: {_first_words(row.text)}")
        event.add(
            "description",
            "\n".join(
                [
                    f"Status: {STATUS_LABELS.get(row.status, row.status)}",
                    f"Local time: {row.local_time:%d %B %Y %H:%M} ({row.time_zone})",
                    f"Link: {row.link or '(none)'}",
                    "",
                    row.text,
                ]
            ),
        )
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data


def scheduler_csv(db: Engine, actor: Actor, *, statuses: Sequence[str] = EXPORT_STATUSES) -> bytes:
    """A CSV in the layout bulk schedulers accept (UTF-8 with BOM so spreadsheets read accents)."""
    require(actor, Permission.VIEW_DASHBOARDS)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in _export_rows(db, statuses):
        text = " ".join([row.text, *row.hashtags]).strip()
        writer.writerow(
            [
                f"{row.local_time:%Y-%m-%d}",
                f"{row.local_time:%H:%M}",
                row.time_zone,
                safe_cell(row.account),
                row.network,
                safe_cell(text),
                safe_cell(row.link),
                media_file_name(row.post_id, row.preset),
            ]
        )
    return out.getvalue().encode("utf-8-sig")


# --- Read models for the pages --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CampaignView:
    """A campaign as the Campaigns page lists it."""

    id: int
    name: str
    code: str
    objective: str
    starts_on: date
    ends_on: date
    status: str
    target_groups: tuple[str, ...]
    channels: tuple[str, ...]
    kpis: tuple[tuple[str, float], ...]
    posts: int
    blocked: int
    programmes: tuple[str, ...] = ()
    comparison_programmes: tuple[str, ...] = ()


def list_campaigns(db: Engine, actor: Actor) -> list[CampaignView]:
    """Every campaign, latest start first, with how many posts it has and how many are blocked."""
    require(actor, Permission.VIEW_DASHBOARDS)
    with read_only(db) as session:
        counts: dict[int, list[int]] = {}
        for campaign_id, reasons in session.execute(
            select(Post.campaign_id, Post.blocked_reasons).where(Post.status.not_in(("cancelled",)))
        ).tuples():
            entry = counts.setdefault(campaign_id, [0, 0])
            entry[0] += 1
            entry[1] += bool(reasons)
        campaigns = session.scalars(
            select(Campaign).order_by(Campaign.starts_on.desc(), Campaign.id.desc())
        ).all()
        return [
            CampaignView(
                id=c.id,
                name=c.name,
                code=c.code,
                objective=c.objective,
                starts_on=c.starts_on,
                ends_on=c.ends_on,
                status=c.status,
                target_groups=tuple(c.target_groups),
                channels=tuple(c.channels),
                kpis=tuple((k, float(v)) for k, v in c.kpis.items()),
                posts=counts.get(c.id, [0, 0])[0],
                blocked=counts.get(c.id, [0, 0])[1],
                programmes=tuple(c.programmes),
                comparison_programmes=tuple(c.comparison_programmes),
            )
            for c in campaigns
        ]


@dataclass(frozen=True, slots=True)
class AccountView:
    """One of the school's accounts on a network."""

    id: int
    name: str
    network: str
    handle: str
    language: str
    time_zone: str


def list_accounts(db: Engine, actor: Actor) -> list[AccountView]:
    """The school's accounts by name."""
    require(actor, Permission.VIEW_DASHBOARDS)
    with read_only(db) as session:
        return [
            AccountView(a.id, a.name, a.network, a.handle, a.language, a.time_zone)
            for a in session.scalars(select(ChannelAccount).order_by(ChannelAccount.name))
        ]


@dataclass(frozen=True, slots=True)
class ReadyVersion:
    """A rendered video version that a post may use."""

    id: int
    label: str
    network: str


def ready_versions(db: Engine, actor: Actor) -> list[ReadyVersion]:
    """Rendered versions not marked do-not-use, labelled "<portrait title> — <preset label>"."""
    require(actor, Permission.EDIT_CONTENT)
    with read_only(db) as session:
        rows = session.execute(
            select(PortraitVersion.id, PortraitVersion.preset, Portrait.title)
            .join(Portrait, Portrait.id == PortraitVersion.portrait_id)
            .where(
                PortraitVersion.status == "done",
                PortraitVersion.do_not_use.is_(False),
                Portrait.do_not_use.is_(False),
            )
            .order_by(Portrait.title, PortraitVersion.preset)
        ).tuples()
        return [
            ReadyVersion(
                id=vid,
                label=f"{title} — {PRESETS[preset].label if preset in PRESETS else preset}",
                network=channel_of(preset) if preset in PRESETS else "",
            )
            for vid, preset, title in rows
        ]


@dataclass(frozen=True, slots=True)
class GroupShare:
    """How many of a month's posts feature someone of one target group."""

    group: str
    label: str
    posts: int
    share: float
    targeted: bool


@dataclass(frozen=True, slots=True)
class Representation:
    """Who a campaign's posts featured in one month, against the groups it targets."""

    campaign: str
    month: date
    posts: int
    target_share: float | None
    groups: tuple[GroupShare, ...]


def campaign_representation(
    db: Engine, actor: Actor, campaign_id: int, month: date
) -> Representation:
    """Share of a campaign's posts in a month featuring each target group (cancelled excluded)."""
    require(actor, Permission.VIEW_DASHBOARDS)
    first = month.replace(day=1)
    after = (first + timedelta(days=32)).replace(day=1)
    with read_only(db) as session:
        campaign = session.get(Campaign, campaign_id)
        if campaign is None:
            raise NotFound(N_("This campaign does not exist any more."))
        rows = session.execute(
            select(Post.id, Post.scheduled_at, ChannelAccount.time_zone)
            .join(ChannelAccount, ChannelAccount.id == Post.account_id)
            .where(
                Post.campaign_id == campaign_id,
                Post.status.not_in(("cancelled", "failed")),
            )
        ).tuples()
        in_month = [pid for pid, at, zone in rows if first <= to_local(at, zone).date() < after]
        groups_of: dict[int, set[str]] = {}
        if in_month:
            for post_id, value in session.execute(
                select(PostPerson.post_id, RoleModelLabel.value)
                .join(RoleModelLabel, RoleModelLabel.role_model_id == PostPerson.role_model_id)
                .where(PostPerson.post_id.in_(in_month), RoleModelLabel.kind == "category")
            ).tuples():
                groups_of.setdefault(post_id, set()).add(value)
        targeted = list(campaign.target_groups)
        seen = sorted({g for gs in groups_of.values() for g in gs} - set(targeted))
        total = len(in_month)
        shares = []
        for group in [*targeted, *seen]:
            count = sum(1 for pid in in_month if group in groups_of.get(pid, set()))
            shares.append(
                GroupShare(
                    group=group,
                    label=CATEGORY_LABELS.get(group, group),
                    posts=count,
                    share=count / total if total else 0.0,
                    targeted=group in targeted,
                )
            )
        target = campaign.kpis.get("target_share")
        return Representation(
            campaign=campaign.name,
            month=first,
            posts=total,
            target_share=float(target) if target is not None else None,
            groups=tuple(shares),
        )
