"""Accessibility of what Spotlight publishes: captions, alt text and transcripts.

The rules, which `posts.check_post` applies to every post and `campaign_accessibility` counts:

- **Captions** (blocking, video posts). The video must reach people who cannot hear it: captions
  burned into the picture of the chosen version, or a captions file (SRT) handed over with it on
  a network that takes caption files (LinkedIn, YouTube, Facebook, X). Instagram and TikTok take
  none, so there only burned-in captions count. A version made before its portrait had captions
  carries none and has to be made again. A version still rendering is judged by what it will
  carry: the portrait's captions, burned in or as a file as its network preset does.
- **Alt text** (blocking, every post). Every post carries a picture (a photo, or the cover of its
  video), so every post needs alt text of its own, written for its audience and language; and the
  video portrait or photo it uses must have its own description in the library too (both are
  asked for at upload, so this catches older items). As with the "require alt text before
  posting" setting of social apps such as Bluesky, a post without a text alternative is not
  finished.
- **Transcript** (warning, video posts). A video portrait should keep a transcript of what is
  said, for people who can neither watch nor hear it (and for search). Its posts show a warning
  until it has one but may still go out: captions already carry the words in the video itself.

Captions and alt text are the author's own work, which no reviewer can do for them: a post
missing either cannot even be sent for review (other blocking reasons, such as consent, which
depend on someone else, stop only approval, scheduling and publication).

Which posts the report counts: every post of the campaign but cancelled ones (failed posts may be
reopened and published). Shares of captions and transcripts are of video posts, alt text of all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select

from campaigns.auth import SYSTEM, Actor, Permission, require
from campaigns.db import read_only
from campaigns.errors import NotFound
from campaigns.i18n import N_, msg
from campaigns.media.presets import PRESETS
from campaigns.models import (
    Campaign,
    ChannelAccount,
    MediaAsset,
    Portrait,
    PortraitVersion,
    Post,
)
from campaigns.scheduling import network_label, to_local

# Networks with no way to upload a captions file next to the video.
BURN_IN_NETWORKS = ("instagram", "tiktok")
TITLE_WORDS = 8

NO_ALT_TEXT = N_(
    "No alt text: describe the image or the video's cover for people who cannot see it, in the "
    "post's Alt text field."
)
PORTRAIT_WITHOUT_ALT_TEXT = N_(
    "The video portrait has no alt text of its own: describe it in a sentence on the Portraits "
    "page (Captions tab), so its cover is described wherever it is used."
)
PHOTO_WITHOUT_ALT_TEXT = N_(
    "The photo has no alt text of its own: upload it again on the person's page with a sentence "
    "describing it."
)
NO_CAPTIONS = N_(
    "The video has no captions: add a captions file (SRT or WebVTT) to the portrait on the "
    "Portraits page, then make this version again."
)
MADE_BEFORE_CAPTIONS = N_(
    "This version of the video was made before its portrait had captions, so it carries none: "
    "make the version again on the Portraits page."
)
NO_TRANSCRIPT = N_(
    "The video portrait has no transcript: add one on the Portraits page (Captions tab), so "
    "people who can neither watch nor hear the video can read it."
)


@dataclass(frozen=True, slots=True)
class AccessCheck:
    """What a post offers people who cannot see or hear it; each problem is a sentence."""

    video: bool
    captions: str | None
    alt_text: tuple[str, ...]
    transcript: str | None


def captions_problem(
    network: str, version: PortraitVersion, portrait: Portrait | None
) -> str | None:
    """Why this video version reaches nobody who cannot hear it on the network, or None."""
    preset = PRESETS.get(version.preset)
    if preset is None:  # the post's fit check already asks for a version made again
        return None
    has_source = portrait is not None and portrait.captions_key is not None
    if version.status == "done":
        burned, in_file = bool(version.captions_burned), bool(version.captions_key)
    else:
        burned = has_source and preset.captions == "burn"
        in_file = has_source and preset.captions == "sidecar"
    if network in BURN_IN_NETWORKS:
        name = network_label(network)
        if burned:
            return None
        if not has_source:
            return msg(
                "{network} takes no caption files: the video needs captions burned in "
                "(add captions to the portrait and render again).",
                network=name,
            )
        if preset.captions != "burn":
            return msg(
                "{network} takes no caption files and the {version} version has its captions "
                "in a separate file: make a version for {network}, which has them burned in.",
                network=name,
                version=preset.label,
            )
        return MADE_BEFORE_CAPTIONS
    if burned or in_file:
        return None
    return MADE_BEFORE_CAPTIONS if has_source else NO_CAPTIONS


def check_access(
    post: Post,
    network: str,
    version: PortraitVersion | None,
    portrait: Portrait | None,
    photo: MediaAsset | None,
) -> AccessCheck:
    """The accessibility rules for one post with its video version (and portrait) or photo."""
    alt_text: list[str] = []
    if not post.alt_text.strip():
        alt_text.append(NO_ALT_TEXT)
    if version is not None and portrait is not None and not portrait.alt_text.strip():
        alt_text.append(PORTRAIT_WITHOUT_ALT_TEXT)
    if photo is not None and not photo.alt_text.strip():
        alt_text.append(PHOTO_WITHOUT_ALT_TEXT)
    return AccessCheck(
        video=version is not None,
        captions=captions_problem(network, version, portrait) if version is not None else None,
        alt_text=tuple(alt_text),
        transcript=(
            NO_TRANSCRIPT
            if version is not None and portrait is not None and not portrait.transcript.strip()
            else None
        ),
    )


@dataclass(frozen=True, slots=True)
class PostGap:
    """A post missing something, and what to do about it (sentences to translate)."""

    post_id: int
    title: str
    account: str
    network: str
    local_time: datetime
    status: str
    fixes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CampaignAccessibility:
    """How accessible a campaign's posts are: counts, shares and the posts missing each thing.

    Cancelled posts are not counted. Captions and transcripts concern video posts only, so their
    shares are of `video_posts` (None when there is none); the alt-text share is of all `posts`
    (None when the campaign has no post yet).
    """

    campaign_id: int
    campaign: str
    posts: int
    video_posts: int
    with_captions: int
    with_alt_text: int
    with_transcript: int
    captions_share: float | None
    alt_text_share: float | None
    transcript_share: float | None
    missing_captions: tuple[PostGap, ...]
    missing_alt_text: tuple[PostGap, ...]
    missing_transcript: tuple[PostGap, ...]


def _share(count: int, total: int) -> float | None:
    return count / total if total else None


def _title(text: str) -> str:
    words = text.split()
    return " ".join(words[:TITLE_WORDS]) + ("…" if len(words) > TITLE_WORDS else "")


def _gap(post: Post, account: ChannelAccount, fixes: tuple[str, ...]) -> PostGap:
    return PostGap(
        post_id=post.id,
        title=_title(post.text),
        account=account.name,
        network=account.network,
        local_time=to_local(post.scheduled_at, account.time_zone),
        status=post.status,
        fixes=fixes,
    )


def campaign_accessibility(
    db: Engine, campaign_id: int, *, actor: Actor = SYSTEM
) -> CampaignAccessibility:
    """Share of a campaign's posts with captions, alt text and a transcript, and the gaps."""
    require(actor, Permission.VIEW_DASHBOARDS)
    with read_only(db) as session:
        campaign = session.get(Campaign, campaign_id)
        if campaign is None:
            raise NotFound(N_("This campaign does not exist any more."))
        rows = session.execute(
            select(Post, ChannelAccount)
            .join(ChannelAccount, ChannelAccount.id == Post.account_id)
            .where(Post.campaign_id == campaign_id, Post.status != "cancelled")
            .order_by(Post.scheduled_at, Post.id)
        ).all()
        version_ids = {p.portrait_version_id for p, _ in rows if p.portrait_version_id}
        versions = {
            v.id: v
            for v in session.scalars(
                select(PortraitVersion).where(PortraitVersion.id.in_(version_ids))
            )
        }
        portrait_ids = {v.portrait_id for v in versions.values()}
        portraits = {
            p.id: p for p in session.scalars(select(Portrait).where(Portrait.id.in_(portrait_ids)))
        }
        photo_ids = {p.photo_id for p, _ in rows if p.photo_id}
        photos = {
            a.id: a for a in session.scalars(select(MediaAsset).where(MediaAsset.id.in_(photo_ids)))
        }
        videos = 0
        with_captions = with_alt_text = with_transcript = 0
        no_captions: list[PostGap] = []
        no_alt_text: list[PostGap] = []
        no_transcript: list[PostGap] = []
        for post, account in rows:
            version = versions.get(post.portrait_version_id or 0)
            portrait = portraits.get(version.portrait_id) if version else None
            access = check_access(
                post, account.network, version, portrait, photos.get(post.photo_id or 0)
            )
            if access.alt_text:
                no_alt_text.append(_gap(post, account, access.alt_text))
            else:
                with_alt_text += 1
            if not access.video:
                continue
            videos += 1
            if access.captions:
                no_captions.append(_gap(post, account, (access.captions,)))
            else:
                with_captions += 1
            if access.transcript:
                no_transcript.append(_gap(post, account, (access.transcript,)))
            else:
                with_transcript += 1
        return CampaignAccessibility(
            campaign_id=campaign.id,
            campaign=campaign.name,
            posts=len(rows),
            video_posts=videos,
            with_captions=with_captions,
            with_alt_text=with_alt_text,
            with_transcript=with_transcript,
            captions_share=_share(with_captions, videos),
            alt_text_share=_share(with_alt_text, len(rows)),
            transcript_share=_share(with_transcript, videos),
            missing_captions=tuple(no_captions),
            missing_alt_text=tuple(no_alt_text),
            missing_transcript=tuple(no_transcript),
        )
