"""The figures of a campaign report, gathered from the same functions the pages call."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pandas as pd
from PIL import Image, UnidentifiedImageError
from sqlalchemy import Engine, select

from campaigns import impact
from campaigns.accessibility import campaign_accessibility
from campaigns.auth import Actor, Permission, require
from campaigns.catalogue import CATEGORY_LABELS
from campaigns.consent import may_use
from campaigns.db import read_only
from campaigns.engagement import analytics
from campaigns.engagement.analytics import Filters, PreparedData
from campaigns.errors import NotFound, SpotlightError
from campaigns.i18n import N_, msg
from campaigns.models import (
    ApplicationImport,
    Campaign,
    ChannelAccount,
    MediaAsset,
    MetricImport,
    Portrait,
    PortraitPerson,
    PortraitVersion,
    Post,
    PostPerson,
    RoleModel,
    RoleModelLabel,
)
from campaigns.publishing import campaign_representation
from campaigns.reports.figures import (
    REPORT_CHANNELS,
    REPORT_USE,
    EffectLine,
    Progress,
    ReportSettings,
    application_days,
    count_or_none,
    data_timestamp,
    effect_line,
    last_import,
    measured_groups,
    metric_days,
    no_progress,
    number_or_none,
)
from campaigns.storage import MediaStore

log = logging.getLogger(__name__)

POSTS_PER_NETWORK = 3
COVER_HEIGHT = 360  # pixels kept of a cover: sharp at 4 cm, light in the PDF
TEXT_CHARACTERS = 160


@dataclass(frozen=True, slots=True)
class Featured:
    """A role model shown in the report: consent covers their photo and name there."""

    name: str
    programmes: tuple[str, ...]
    photo: bytes | None  # JPEG thumbnail; None without a usable photo
    photo_alt: str


@dataclass(frozen=True, slots=True)
class PostCard:
    """One post as the report shows it; its cover and text only with everyone's consent."""

    network: str
    account: str
    day: date
    status: str
    text: str  # "" when withheld
    impressions: float | None
    cover: bytes | None
    cover_alt: str
    withheld: bool  # someone it features has not agreed to appear in reports


@dataclass(frozen=True, slots=True)
class NetworkLine:
    """A network's posts and figures within the campaign."""

    network: str
    posts: int
    published: int
    impressions: float | None
    reach: float | None
    engagement_rate: float | None
    link_clicks: float | None
    ctr: float | None


@dataclass(frozen=True, slots=True)
class KpiLine:
    """One of the campaign's goals against what was measured."""

    key: str
    label: str
    target: float
    achieved: float | None  # None: not measured yet, or hidden (small count)
    rate: bool  # a share (0.35), not a count
    note: str  # how to read the achieved figure
    hidden_below: int | None = None  # the threshold, when the achieved figure is hidden


@dataclass(frozen=True, slots=True)
class GroupCount:
    """Tracked applications from one group (None: fewer than the threshold, hidden)."""

    label: str
    applications: int | None
    share: float | None
    threshold: int  # the suppression threshold of the group


@dataclass(frozen=True, slots=True)
class ChannelCount:
    """Tracked applications and link clicks through one network."""

    channel: str
    link_clicks: float | None
    applications: int | None
    from_target_groups: int | None


@dataclass(frozen=True, slots=True)
class Accessibility:
    """How many of the campaign's posts carry alt text, and of its video posts captions and a
    transcript (shares None when there is nothing to count)."""

    posts: int
    video_posts: int
    with_captions: int
    with_alt_text: int
    with_transcript: int
    captions_share: float | None
    alt_text_share: float | None
    transcript_share: float | None


@dataclass(frozen=True, slots=True)
class CampaignFigures:
    """Everything a campaign report shows, small cells already hidden."""

    code: str
    name: str
    objective: str
    starts_on: date
    ends_on: date
    status: str
    target_groups: tuple[str, ...]  # catalogue categories (English labels)
    programmes: tuple[str, ...]
    comparison_programmes: tuple[str, ...]
    data_timestamp: datetime | None
    settings: ReportSettings
    featured: tuple[Featured, ...]
    featured_withheld: int  # people featured whose consent does not cover reports
    networks: tuple[NetworkLine, ...]
    posts: tuple[PostCard, ...]
    posts_total: int
    reach_first_day: date | None
    reach_last_day: date | None
    reach_imported: datetime | None
    impressions: float | None
    reach: float | None
    video_views: float | None
    engagement_rate: float | None
    link_clicks: float | None
    ctr: float | None
    weekly_impressions: tuple[tuple[date, float | None], ...]
    kpis: tuple[KpiLine, ...]
    applications_total: int | None  # None: fewer than the threshold
    applications_by_group: tuple[GroupCount, ...]
    applications_by_channel: tuple[ChannelCount, ...]
    applications_caveat: str
    applications_last_day: date | None
    applications_imported: datetime | None
    effects: tuple[EffectLine, ...]
    effect_note: str  # why there is no estimate, or which groups are left out ("" when none)
    accessibility: Accessibility


def campaign_figures(
    db: Engine,
    store: MediaStore,
    actor: Actor,
    code: str,
    settings: ReportSettings,
    language: str,
    *,
    metrics: PreparedData,
    progress: Progress = no_progress,
) -> CampaignFigures:
    """Gather a campaign report: the same figures as the pages, hidden where the pages hide."""
    require(actor, Permission.VIEW_DASHBOARDS)
    progress(N_("Reading the campaign and the people it featured"))
    campaign = find_campaign(db, code)
    stamp = data_timestamp(db)
    rows = _post_rows(db, campaign.id)
    people = sorted({pid for row in rows for pid in row.people})
    targets_disability = "disability" in campaign.target_groups
    allowed = {pid: _may_appear(db, pid, settings, targets_disability) for pid in people}
    shown_people = [_featured(db, store, pid) for pid in people if allowed[pid]]
    featured = tuple(sorted(shown_people, key=lambda f: (f.name.lower(), f.name)))

    progress(N_("Adding up reach and engagement"))
    chosen = Filters(campaign_ids=(campaign.id,))
    totals = analytics.kpis(metrics, chosen)
    by_network = analytics.breakdown(metrics, chosen, "network")
    trend = analytics.trend(metrics, chosen, "impressions", "W")
    networks = _networks(rows, by_network)
    reach_days = metric_days(db, campaign.id)
    cards = _cards(store, rows, metrics, chosen, allowed)

    progress(N_("Counting tracked applications"))
    shown = impact.attribution(db, actor, campaign.id, settings.thresholds)
    small_total = 0 < shown.total < settings.sensitive_threshold
    key_of = {label: key for key, label in impact.GROUPS.items()}
    by_group = tuple(
        GroupCount(str(label), count_or_none(count), number_or_none(share),
                   impact.threshold_for(key_of.get(str(label), ""), settings.thresholds))
        for label, count, share in zip(
            shown.by_group["group"], shown.by_group["applications"], shown.by_group["share"],
            strict=True,
        )
    )  # fmt: skip
    by_channel = tuple(
        ChannelCount(str(row["channel"]), number_or_none(row["link clicks"]),
                     count_or_none(row["applications"]), count_or_none(row["from target groups"]))
        for row in shown.by_channel.to_dict("records")
    )  # fmt: skip
    groups = measured_groups(tuple(campaign.target_groups), actor)
    kpis = _kpis(db, actor, campaign, totals, by_group, shown.total, small_total, groups, settings)

    effects: list[EffectLine] = []
    note = ""
    if not campaign.programmes:
        note = N_("This campaign names no promoted programmes: there is nothing to measure.")
    elif not groups:
        note = N_(
            "None of the campaign's target groups is one whose applications Spotlight measures "
            "(or your role may not see it)."
        )
    for group in groups if campaign.programmes else ():
        progress(N_("Estimating the effect on applications"))
        effects.append(effect_line(db, actor, campaign.code, group, settings, language))

    progress(N_("Checking captions and alt text"))
    accessibility = _accessibility(db, actor, campaign.id)
    _, last_application = application_days(db)
    return CampaignFigures(
        code=campaign.code,
        name=campaign.name,
        objective=campaign.objective,
        starts_on=campaign.starts_on,
        ends_on=campaign.ends_on,
        status=campaign.status,
        target_groups=tuple(CATEGORY_LABELS.get(g, g) for g in campaign.target_groups),
        programmes=tuple(campaign.programmes),
        comparison_programmes=tuple(campaign.comparison_programmes),
        data_timestamp=stamp,
        settings=settings,
        featured=featured,
        featured_withheld=sum(1 for ok in allowed.values() if not ok),
        networks=networks,
        posts=cards,
        posts_total=len(rows),
        reach_first_day=reach_days[0],
        reach_last_day=reach_days[1],
        reach_imported=last_import(db, MetricImport),
        impressions=number_or_none(totals.impressions),
        reach=number_or_none(totals.reach),
        video_views=number_or_none(totals.video_views),
        engagement_rate=number_or_none(totals.engagement_rate),
        link_clicks=number_or_none(totals.link_clicks),
        ctr=number_or_none(totals.ctr),
        weekly_impressions=tuple(
            (period.date(), number_or_none(value))
            for period, value in zip(trend["period"], trend["value"], strict=True)
        ),
        kpis=kpis,
        applications_total=None if small_total else shown.total,
        applications_by_group=by_group,
        applications_by_channel=by_channel,
        applications_caveat=shown.caveat,
        applications_last_day=last_application,
        applications_imported=last_import(db, ApplicationImport),
        effects=tuple(effects),
        effect_note=note,
        accessibility=accessibility,
    )


def find_campaign(db: Engine, code: str) -> Campaign:
    """The campaign with this tracking code, or a sentence saying there is none."""
    with read_only(db) as session:
        campaign = session.scalar(select(Campaign).where(Campaign.code == code.strip()))
        if campaign is None:
            raise NotFound(msg("There is no campaign with the code “{code}”.", code=code.strip()))
        session.expunge(campaign)
    return campaign


# --- Posts and the people they feature -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _PostRow:
    id: int
    network: str
    account: str
    status: str
    when: datetime
    text: str
    alt_text: str
    cover_key: str | None
    people: frozenset[int]


def _post_rows(db: Engine, campaign_id: int) -> list[_PostRow]:
    """The campaign's posts (cancelled ones left out) with everyone they feature."""
    with read_only(db) as session:
        rows = session.execute(
            select(
                Post.id, ChannelAccount.network, ChannelAccount.name, Post.status,
                Post.published_at, Post.scheduled_at, Post.text, Post.alt_text,
                PortraitVersion.cover_key, PortraitVersion.portrait_id, Portrait.alt_text,
                PortraitVersion.do_not_use, Portrait.do_not_use,
            )
            .join(ChannelAccount, ChannelAccount.id == Post.account_id)
            .outerjoin(PortraitVersion, PortraitVersion.id == Post.portrait_version_id)
            .outerjoin(Portrait, Portrait.id == PortraitVersion.portrait_id)
            .where(Post.campaign_id == campaign_id, Post.status != "cancelled")
            .order_by(Post.scheduled_at, Post.id)
        ).all()  # fmt: skip
        ids = [row[0] for row in rows]
        in_posts: dict[int, set[int]] = {}
        for post_id, pid in session.execute(
            select(PostPerson.post_id, PostPerson.role_model_id).where(PostPerson.post_id.in_(ids))
        ).tuples():
            in_posts.setdefault(post_id, set()).add(pid)
        portrait_ids = {row[9] for row in rows if row[9] is not None}
        in_portraits: dict[int, set[int]] = {}
        for portrait_id, pid in session.execute(
            select(PortraitPerson.portrait_id, PortraitPerson.role_model_id).where(
                PortraitPerson.portrait_id.in_(portrait_ids)
            )
        ).tuples():
            in_portraits.setdefault(portrait_id, set()).add(pid)
    found = []
    for (post_id, network, account, status, published, scheduled, text, alt, cover, portrait,
         portrait_alt, version_hidden, portrait_hidden) in rows:  # fmt: skip
        people = in_posts.get(post_id, set()) | in_portraits.get(portrait, set())
        usable = cover if cover and not version_hidden and not portrait_hidden else None
        found.append(
            _PostRow(post_id, network, account, status, published or scheduled, text,
                     alt or portrait_alt or "", usable, frozenset(people))
        )  # fmt: skip
    return found


def _may_appear(db: Engine, person_id: int, settings: ReportSettings, disability: bool) -> bool:
    """The consent rule, asked for each thing the report shows of a person: photo and name on
    print or the website, for internal use; in a report on a disability campaign, being listed
    says something about the person's health, so that mention must be covered too."""
    media = ("photo", "name", "disability_mention") if disability else ("photo", "name")
    return all(
        any(
            may_use(db, person_id, item, channel, REPORT_USE, settings.consent_on).allowed
            for channel in REPORT_CHANNELS
        )
        for item in media
    )


def _featured(db: Engine, store: MediaStore, person_id: int) -> Featured:
    with read_only(db) as session:
        person = session.get(RoleModel, person_id)
        if person is None:  # pragma: no cover - a post's person cannot vanish while it holds them
            raise NotFound(N_("This person is no longer in the catalogue."))
        programmes = tuple(
            sorted(
                session.scalars(
                    select(RoleModelLabel.value).where(
                        RoleModelLabel.role_model_id == person_id,
                        RoleModelLabel.kind == "programme",
                    )
                )
            )
        )
        photo = session.get(MediaAsset, person.photo_id) if person.photo_id else None
        key = (photo.variants or {}).get("small") if photo and not photo.do_not_use else None
        alt = photo.alt_text if photo and photo.alt_text else ""
        name = person.full_name
    return Featured(name, programmes, _image(store, key, None) if key else None, alt)


def _image(store: MediaStore, key: str, height: int | None) -> bytes | None:
    """A stored picture as a JPEG, no taller than `height`; None when it cannot be read."""
    try:
        data = store.read_bytes(key)
        with Image.open(io.BytesIO(data), formats=["JPEG", "PNG", "WEBP"]) as image:
            picture = image.convert("RGB")
        if height is not None and picture.height > height:
            width = max(1, round(picture.width * height / picture.height))
            picture = picture.resize((width, height), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        picture.save(buffer, format="JPEG", quality=85, optimize=True)
        return buffer.getvalue()
    except (SpotlightError, OSError, UnidentifiedImageError) as exc:
        log.warning("report: picture %s left out (%s)", key, exc)
        return None


def _networks(rows: list[_PostRow], by_network: pd.DataFrame) -> tuple[NetworkLine, ...]:
    figures = {str(r["key"]): r for r in by_network.to_dict("records")}
    names = sorted({row.network for row in rows} | set(figures))
    lines = []
    for network in names:
        mine = [row for row in rows if row.network == network]
        found = figures.get(network, {})
        lines.append(
            NetworkLine(
                network=network,
                posts=len(mine),
                published=sum(1 for row in mine if row.status == "published"),
                impressions=number_or_none(found.get("impressions")),
                reach=number_or_none(found.get("reach")),
                engagement_rate=number_or_none(found.get("engagement_rate")),
                link_clicks=number_or_none(found.get("link_clicks")),
                ctr=number_or_none(found.get("ctr")),
            )
        )
    return tuple(lines)


def _cards(
    store: MediaStore,
    rows: list[_PostRow],
    metrics: PreparedData,
    chosen: Filters,
    allowed: dict[int, bool],
) -> tuple[PostCard, ...]:
    """Up to three posts per network: the most seen first, then the next ones planned."""
    cards: list[PostCard] = []
    by_id = {row.id: row for row in rows}
    for network in sorted({row.network for row in rows}):
        top = analytics.top_posts(
            metrics, Filters(campaign_ids=chosen.campaign_ids, networks=(network,)),
            "impressions", n=POSTS_PER_NETWORK,
        )  # fmt: skip
        seen = {int(p): float(v) for p, v in zip(top["post_id"], top["value"], strict=True)}
        picked = [pid for pid in seen if pid in by_id]
        picked += [
            row.id for row in rows if row.network == network and row.id not in seen
        ][: POSTS_PER_NETWORK - len(picked)]  # fmt: skip
        for post_id in picked:
            row = by_id[post_id]
            withheld = not all(allowed.get(pid, False) for pid in row.people)
            text = " ".join(row.text.split())
            if len(text) > TEXT_CHARACTERS:
                text = text[: TEXT_CHARACTERS - 1].rstrip() + "…"
            cover = None
            if row.cover_key and not withheld:
                cover = _image(store, row.cover_key, COVER_HEIGHT)
            cards.append(
                PostCard(
                    network=row.network,
                    account=row.account,
                    day=row.when.astimezone(UTC).date(),
                    status=row.status,
                    text="" if withheld else text,
                    impressions=seen.get(post_id),
                    cover=cover,
                    cover_alt="" if withheld else row.alt_text,
                    withheld=withheld,
                )
            )
    return tuple(cards)


# --- Goals -----------------------------------------------------------------------------------


def _kpis(
    db: Engine,
    actor: Actor,
    campaign: Campaign,
    totals: analytics.Kpis,
    by_group: tuple[GroupCount, ...],
    tracked: int,
    small_total: bool,
    groups: tuple[str, ...],
    settings: ReportSettings,
) -> tuple[KpiLine, ...]:
    """Each goal the campaign set, against the figure that measures it."""
    goals = {str(k): float(v) for k, v in (campaign.kpis or {}).items()}
    lines: list[KpiLine] = []
    if "reach" in goals:
        lines.append(
            KpiLine("reach", N_("Reach"), goals["reach"], number_or_none(totals.reach), False,
                    N_("at most: reach added over posts can count someone twice"))
        )  # fmt: skip
    if "clicks" in goals:
        lines.append(
            KpiLine("clicks", N_("Link clicks"), goals["clicks"],
                    number_or_none(totals.link_clicks), False, N_("as the networks report them"))
        )  # fmt: skip
    if "applications" in goals:
        if len(groups) == 1:
            label = impact.GROUPS[groups[0]]
            row = next((g for g in by_group if g.label == label), None)
            count = row.applications if row else None
            lines.append(
                KpiLine("applications", N_("Tracked applications from the target group"),
                        goals["applications"], None if count is None else float(count), False,
                        N_("a lower bound: only applications through tracked links"),
                        row.threshold if row and count is None else None)
            )  # fmt: skip
        else:
            lines.append(
                KpiLine("applications", N_("Tracked applications"), goals["applications"],
                        None if small_total else float(tracked), False,
                        N_("a lower bound: every application through tracked links"),
                        settings.sensitive_threshold if small_total else None)
            )  # fmt: skip
    if "target_share" in goals:
        lines += _representation(db, actor, campaign, goals["target_share"], settings)
    return tuple(lines)


def _representation(
    db: Engine, actor: Actor, campaign: Campaign, planned: float, settings: ReportSettings
) -> list[KpiLine]:
    """Share of the campaign's posts featuring each targeted group, over all its months (the
    calendar shows the same counts month by month)."""
    with read_only(db) as session:
        times = list(
            session.scalars(select(Post.scheduled_at).where(Post.campaign_id == campaign.id))
        )
    posts = 0
    featuring: dict[str, int] = {}
    for month in _months(min(times), max(times)) if times else []:
        shown = campaign_representation(db, actor, campaign.id, month)
        posts += shown.posts
        for share in shown.groups:
            if share.targeted:
                featuring[share.group] = featuring.get(share.group, 0) + share.posts
    lines = []
    for group in campaign.target_groups:
        count = featuring.get(group, 0)
        threshold = (
            settings.gender_threshold if group == "woman_in_tech" else settings.sensitive_threshold
        )
        hidden = group == "disability" and 0 < count < threshold
        achieved = None if hidden or not posts else count / posts
        lines.append(
            KpiLine(f"target_share:{group}", CATEGORY_LABELS.get(group, group), planned, achieved,
                    True, N_("share of the campaign's posts featuring someone of this group"),
                    threshold if hidden else None)
        )  # fmt: skip
    return lines


def _months(first: datetime, last: datetime) -> list[date]:
    """Every month from the one before `first` to the one after `last`: posts count in their
    account's month, which can differ from their month in UTC by a day."""

    def shifted(day: datetime | date, by: int) -> date:
        index = day.year * 12 + day.month - 1 + by
        return date(index // 12, index % 12 + 1, 1)

    month, stop = shifted(first, -1), shifted(last, 1)
    months = []
    while month <= stop:
        months.append(month)
        month = shifted(month, 1)
    return months


# --- Accessibility of the content ------------------------------------------------------------


def _accessibility(db: Engine, actor: Actor, campaign_id: int) -> Accessibility:
    """Captions, alt text and transcripts of the campaign's posts, as the post checks count them."""
    found = campaign_accessibility(db, campaign_id, actor=actor)
    return Accessibility(
        posts=found.posts,
        video_posts=found.video_posts,
        with_captions=found.with_captions,
        with_alt_text=found.with_alt_text,
        with_transcript=found.with_transcript,
        captions_share=found.captions_share,
        alt_text_share=found.alt_text_share,
        transcript_share=found.transcript_share,
    )
