"""Video portraits: upload and checks, framing and captions, versions per network, rendering."""

from __future__ import annotations

import errno
import hashlib
import logging
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path, PurePath
from typing import BinaryIO

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from campaigns import audit
from campaigns.auth import Actor, Permission, require
from campaigns.consent import may_use
from campaigns.db import read_only, transaction, utcnow
from campaigns.errors import Conflict, InvalidFields, InvalidInput, NotFound, SpotlightError
from campaigns.i18n import N_, msg
from campaigns.media import captions as captions_mod
from campaigns.media.ffmpeg import RenderCancelled, RenderFailed
from campaigns.media.frames import frame_at
from campaigns.media.presets import PRESETS, check_fits, get_preset
from campaigns.media.probe import ACCEPTED_EXTENSIONS, probe_video
from campaigns.media.render import RenderedVersion, VersionSpec, render_versions
from campaigns.models import Portrait, PortraitPerson, PortraitVersion, RoleModel
from campaigns.storage import MediaStore

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024
HEARTBEAT_STALE = timedelta(minutes=2)
MAX_ATTEMPTS = 2
DISK_FULL = N_(
    "The server ran out of disk space while rendering; ask an administrator to free some."
)
INTERNAL_ERROR = N_("Rendering stopped because of an internal error.")
# Which consent channel each network's versions are published on.
PRESET_CHANNEL = {
    "instagram": "instagram",
    "tiktok": "tiktok",
    "youtube": "youtube",
    "linkedin": "linkedin",
    "facebook": "facebook",
    "x": "x",
}
STATUS_LABELS = {
    "queued": N_("Waiting"),
    "rendering": N_("Rendering"),
    "cancelling": N_("Cancelling"),
    "done": N_("Ready"),
    "failed": N_("Failed"),
    "cancelled": N_("Cancelled"),
    "blocked": N_("Blocked"),
}


def channel_of(preset_name: str) -> str:
    """The consent channel a preset's versions are published on."""
    network = get_preset(preset_name).network.lower().split()[0]
    for key, channel in PRESET_CHANNEL.items():
        if network.startswith(key):
            return channel
    return network


@dataclass(frozen=True, slots=True)
class PortraitInput:
    """What the team says about an uploaded portrait."""

    title: str
    role_model_ids: tuple[int, ...]
    language: str = "fr"
    description: str = ""
    transcript: str = ""
    alt_text: str = ""


def _check_input(data: PortraitInput) -> None:
    problems: dict[str, str] = {}
    if not data.title.strip():
        problems["title"] = N_("Give the portrait a title.")
    if not data.role_model_ids:
        problems["role_models"] = N_("Say who is featured in the portrait.")
    if not data.alt_text.strip():
        problems["alt_text"] = N_(
            "Describe the video in a sentence for people who cannot see it (alt text)."
        )
    if problems:
        raise InvalidFields(problems)


def _copy_to(source: BinaryIO, target: Path, limit: int) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with target.open("wb") as out:
        while chunk := source.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise InvalidInput(
                    msg(
                        "This video is larger than {limit} MB, the most we accept.",
                        limit=limit // (1024 * 1024),
                    )
                )
            digest.update(chunk)
            out.write(chunk)
    return size, digest.hexdigest()


def add_portrait(
    db: Engine,
    store: MediaStore,
    actor: Actor,
    upload: BinaryIO,
    filename: str,
    data: PortraitInput,
    *,
    max_bytes: int,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Check and keep an uploaded video; nothing is stored unless every check passes."""
    require(actor, Permission.EDIT_CONTENT)
    _check_input(data)
    suffix = PurePath(filename).suffix.lower()
    if suffix not in ACCEPTED_EXTENSIONS:
        kinds = ", ".join(e.lstrip(".").upper() for e in ACCEPTED_EXTENSIONS)
        raise InvalidInput(
            msg(
                "Spotlight takes videos as {kinds} files; “{name}” is not one.",
                kinds=kinds,
                name=PurePath(filename).name,
            )
        )
    with tempfile.TemporaryDirectory(prefix="spotlight-upload-") as folder:
        local = Path(folder) / f"upload{suffix}"
        size, sha256 = _copy_to(upload, local, max_bytes)
        with read_only(db) as session:
            existing = session.execute(
                select(Portrait.id, Portrait.title).where(Portrait.source_sha256 == sha256)
            ).first()
        if existing is not None:
            raise Conflict(
                msg(
                    "This exact video is already in Spotlight as “{title}” (#{id}).",
                    title=existing.title,
                    id=existing.id,
                )
            )
        probe = probe_video(local)
        with transaction(db) as session:
            people = session.scalars(
                select(RoleModel.id).where(RoleModel.id.in_(data.role_model_ids))
            ).all()
            if len(people) != len(set(data.role_model_ids)):
                raise NotFound(N_("One of the people chosen is no longer in the catalogue."))
            portrait = Portrait(
                title=data.title.strip(),
                language=data.language.strip() or "fr",
                description=data.description.strip(),
                transcript=data.transcript.strip(),
                alt_text=data.alt_text.strip(),
                source_key="",
                source_sha256=sha256,
                source_filename=PurePath(filename).name[:255],
                size_bytes=size,
                container=probe.container,
                duration_s=probe.duration_s,
                width=probe.width,
                height=probe.height,
                fps=probe.fps,
                rotation=probe.rotation,
                has_audio=probe.has_audio,
                video_codec=probe.video_codec,
                audio_codec=probe.audio_codec or "",
                trim_end_s=None,
                cover_at_s=min(1.0, probe.duration_s / 2),
                created_by=actor.email,
            )
            session.add(portrait)
            session.flush()
            session.add_all(
                PortraitPerson(portrait_id=portrait.id, role_model_id=pid)
                for pid in set(data.role_model_ids)
            )
            # The file goes last: a failed upload rolls the row back.
            stored = store.put_file(
                f"portraits/{portrait.id}/source{suffix}", local, _content_type(suffix), progress
            )
            portrait.source_key = stored.key
            audit.record(
                session,
                actor,
                "add_portrait",
                "portrait",
                portrait.id,
                {"title": portrait.title, "sha256": sha256, "people": list(data.role_model_ids)},
            )
            return portrait.id


def _content_type(suffix: str) -> str:
    return {
        ".mp4": "video/mp4",
        ".m4v": "video/mp4",
        ".mov": "video/quicktime",
        ".webm": "video/webm",
        ".mkv": "video/x-matroska",
    }.get(suffix, "application/octet-stream")


@dataclass(frozen=True, slots=True)
class Framing:
    """How versions are cut from the source."""

    focal_x: float
    focal_y: float
    reframe: str
    trim_start_s: float
    trim_end_s: float | None
    cover_at_s: float


def framing_of(portrait: Portrait) -> Framing:
    """A portrait's framing as stored."""
    return Framing(
        portrait.focal_x, portrait.focal_y, portrait.reframe, portrait.trim_start_s,
        portrait.trim_end_s, portrait.cover_at_s,
    )  # fmt: skip


def set_framing(
    db: Engine, actor: Actor, portrait_id: int, framing: Framing, expected: Framing | None = None
) -> None:
    """Save the focal point, reframing mode, trim and cover time.

    With `expected` (the framing as it was shown), a save over someone else's newer framing is
    refused instead of overwriting it.
    """
    require(actor, Permission.EDIT_CONTENT)
    with transaction(db) as session:
        portrait = _get(session, portrait_id)
        if expected is not None and framing_of(portrait) != expected:
            raise Conflict(
                N_(
                    "Someone else saved the framing of this portrait while you were changing it. "
                    "Yours was not saved: reload the page to see theirs, then set yours again."
                )
            )
        end = framing.trim_end_s if framing.trim_end_s is not None else portrait.duration_s
        problems: dict[str, str] = {}
        if not (0 <= framing.focal_x <= 1 and 0 <= framing.focal_y <= 1):
            problems["focal"] = N_("The focal point must be inside the picture.")
        if framing.reframe not in ("crop", "blur"):
            problems["reframe"] = N_("Choose crop or blurred background.")
        if not 0 <= framing.trim_start_s < end <= portrait.duration_s + 0.01:
            problems["trim"] = N_(
                "The end of the trim must come after its start, within the video."
            )
        elif end - framing.trim_start_s < 1:
            problems["trim"] = N_("Keep at least one second of video.")
        if not framing.trim_start_s <= framing.cover_at_s <= end:
            problems["cover"] = N_("Choose the cover image inside the kept part of the video.")
        if problems:
            raise InvalidFields(problems)
        portrait.focal_x, portrait.focal_y = framing.focal_x, framing.focal_y
        portrait.reframe = framing.reframe
        portrait.trim_start_s = framing.trim_start_s
        portrait.trim_end_s = framing.trim_end_s
        portrait.cover_at_s = framing.cover_at_s
        audit.record(
            session,
            actor,
            "set_framing",
            "portrait",
            portrait.id,
            {
                "focal": [round(framing.focal_x, 3), round(framing.focal_y, 3)],
                "reframe": framing.reframe,
                "trim": [framing.trim_start_s, framing.trim_end_s],
            },
        )


def set_captions(
    db: Engine, store: MediaStore, actor: Actor, portrait_id: int, data: bytes, filename: str
) -> captions_mod.CaptionCheck:
    """Check and keep a captions file (SRT or WebVTT); it is stored as clean SRT."""
    require(actor, Permission.EDIT_CONTENT)
    cues = captions_mod.parse_captions(data, filename)
    with transaction(db) as session:
        portrait = _get(session, portrait_id)
        check = captions_mod.check_cues(cues, portrait.duration_s)
        stored = store.put_bytes(
            f"portraits/{portrait.id}/captions.srt",
            captions_mod.to_srt(check.cues).encode("utf-8"),
            "application/x-subrip",
        )
        portrait.captions_key = stored.key
        audit.record(
            session, actor, "set_captions", "portrait", portrait.id, {"cues": len(check.cues)}
        )
        return check


def describe_portrait(
    db: Engine, actor: Actor, portrait_id: int, alt_text: str, transcript: str
) -> None:
    """Save the portrait's alt text and transcript, then check its posts again.

    The alt text cannot be left empty; the transcript may be, and its posts then carry a warning.
    """
    require(actor, Permission.EDIT_CONTENT)
    if not alt_text.strip():
        raise InvalidFields(
            {
                "alt_text": N_(
                    "Describe the video in a sentence for people who cannot see it (alt text)."
                )
            }
        )
    with transaction(db) as session:
        portrait = _get(session, portrait_id)
        changed = [
            name
            for name, old, new in (
                ("alt text", portrait.alt_text, alt_text.strip()),
                ("transcript", portrait.transcript, transcript.strip()),
            )
            if old != new
        ]
        portrait.alt_text, portrait.transcript = alt_text.strip(), transcript.strip()
        # Which fields changed, not their words: a transcript may tell of a person's health.
        audit.record(session, actor, "describe_portrait", "portrait", portrait.id,
                     {"changed": changed})  # fmt: skip
    from campaigns.posts import recheck_posts  # posts imports this module

    recheck_posts(db)


def _get(session: Session, portrait_id: int) -> Portrait:
    portrait = session.get(Portrait, portrait_id)
    if portrait is None:
        raise NotFound(N_("This portrait does not exist any more."))
    return portrait


@dataclass(frozen=True, slots=True)
class Refusal:
    """A version that cannot be made, and why."""

    preset: str
    reason: str


@dataclass(frozen=True, slots=True)
class VersionRequest:
    """What asking for versions did: the queued ones and the refused ones."""

    version_ids: tuple[int, ...]
    refused: tuple[Refusal, ...]


def _featured(session: Session, portrait_id: int) -> list[int]:
    return list(
        session.scalars(
            select(PortraitPerson.role_model_id).where(PortraitPerson.portrait_id == portrait_id)
        )
    )


def request_versions(
    db: Engine,
    actor: Actor,
    portrait_id: int,
    preset_names: Sequence[str],
    *,
    trim_to_fit: bool = False,
    lower_third: bool = False,
    on: date | None = None,
) -> VersionRequest:
    """Queue the versions that consent and network limits allow; say why the others cannot be."""
    require(actor, Permission.EDIT_CONTENT)
    if not preset_names:
        raise InvalidInput(N_("Choose at least one network version to make."))
    day = on or date.today()
    refused: list[Refusal] = []
    allowed: list[str] = []
    with read_only(db) as session:
        portrait = _get(session, portrait_id)
        if portrait.do_not_use:
            raise Conflict(
                msg(
                    "This portrait is marked do not use: {reason}",
                    reason=portrait.do_not_use_reason,
                )
            )
        people = _featured(session, portrait_id)
        kept = (portrait.trim_end_s or portrait.duration_s) - portrait.trim_start_s
    for name in dict.fromkeys(preset_names):
        preset = get_preset(name)
        channel = channel_of(name)
        reasons = [
            decision.reason
            for decision in (may_use(db, pid, "video", channel, "organic", day) for pid in people)
            if not decision.allowed
        ]
        if reasons:
            refused.append(
                Refusal(name, msg("{name}: {reason}", name=preset.label, reason=reasons[0]))
            )
            continue
        reason = check_fits(preset, kept)
        if reason and not (trim_to_fit and kept > preset.max_duration_s):
            refused.append(Refusal(name, reason))
            continue
        allowed.append(name)
    ids: list[int] = []
    if allowed:
        with transaction(db) as session:
            for name in allowed:
                version = PortraitVersion(
                    portrait_id=portrait_id,
                    preset=name,
                    status="queued",
                    trim_to_fit=trim_to_fit,
                    lower_third=lower_third,
                    requested_by=actor.email,
                )
                session.add(version)
                session.flush()
                ids.append(version.id)
            audit.record(
                session, actor, "request_versions", "portrait", portrait_id, {"presets": allowed}
            )
    return VersionRequest(tuple(ids), tuple(refused))


def cancel_version(db: Engine, actor: Actor, version_id: int) -> None:
    """Stop a version that is waiting or rendering; its partial files are removed."""
    require(actor, Permission.EDIT_CONTENT)
    with transaction(db) as session:
        version = session.get(PortraitVersion, version_id)
        if version is None:
            raise NotFound(N_("This version does not exist any more."))
        if version.status == "queued":
            version.status = "cancelled"
            version.finished_at = utcnow()
        elif version.status == "rendering":
            version.status = "cancelling"
        else:
            raise Conflict(N_("Only versions that are waiting or rendering can be cancelled."))
        audit.record(session, actor, "cancel_version", "portrait_version", version.id)


def _claim(db: Engine, version_ids: Sequence[int]) -> list[int]:
    """Mark queued versions as rendering; returns those this worker now owns."""
    with transaction(db) as session:
        # FOR UPDATE: on PostgreSQL a second worker waits, then re-reads the status and skips
        # what the first one claimed (SQLite's BEGIN IMMEDIATE already serialises claims).
        versions = session.scalars(
            select(PortraitVersion)
            .where(PortraitVersion.id.in_(version_ids), PortraitVersion.status == "queued")
            .order_by(PortraitVersion.id)
            .with_for_update()
        ).all()
        for version in versions:
            version.status = "rendering"
            version.attempts += 1
            version.progress = 0.0
            version.heartbeat_at = utcnow()
        return [v.id for v in versions]


def render_queued(db: Engine, store: MediaStore, version_ids: Sequence[int], speed: str) -> None:
    """Render queued versions of one portrait in one ffmpeg run and store the results."""
    owned = _claim(db, version_ids)
    if not owned:
        return
    with read_only(db) as session:
        versions = session.scalars(
            select(PortraitVersion).where(PortraitVersion.id.in_(owned))
        ).all()
        portrait = _get(session, versions[0].portrait_id)
        names = {
            pid: (name, programme)
            for pid, name, programme in session.execute(
                select(RoleModel.id, RoleModel.preferred_name, RoleModel.full_name).where(
                    RoleModel.id.in_(_featured(session, portrait.id))
                )
            )
        }
    try:
        with tempfile.TemporaryDirectory(prefix="spotlight-render-") as folder:
            work = Path(folder)
            suffix = PurePath(portrait.source_key).suffix
            source = work / f"source{suffix}"
            store.download_to(portrait.source_key, source)
            captions_path: Path | None = None
            if portrait.captions_key:
                captions_path = work / "captions.srt"
                store.download_to(portrait.captions_key, captions_path)
            specs = [_spec(portrait, version, work, captions_path, names) for version in versions]
            rendered = render_versions(
                source,
                portrait.container,
                specs,
                source_duration_s=portrait.duration_s,
                has_audio=portrait.has_audio,
                progress=lambda fraction: _beat(db, owned, fraction),
                cancelled=lambda: _cancel_requested(db, owned),
                log_path=work / "ffmpeg.log",
                encoder_preset=speed,
            )
            _store_results(db, store, portrait, versions, rendered, captions_path)
    except RenderCancelled as exc:
        _finish(db, owned, "cancelled", exc.message, "")
    except RenderFailed as exc:
        _finish(db, owned, "failed", exc.message, exc.log)
    except SpotlightError as exc:
        _finish(db, owned, "failed", exc.message, "")
    except OSError as exc:
        if exc.errno != errno.ENOSPC:
            log.exception("rendering portrait %s failed", portrait.id)
            _finish(db, owned, "failed", INTERNAL_ERROR, "")
            raise
        log.warning("rendering portrait %s stopped: %s", portrait.id, exc)
        _finish(db, owned, "failed", DISK_FULL, "")
    except Exception:
        log.exception("rendering portrait %s failed", portrait.id)
        _finish(db, owned, "failed", INTERNAL_ERROR, "")
        raise


def _spec(
    portrait: Portrait,
    version: PortraitVersion,
    work: Path,
    captions_path: Path | None,
    names: dict[int, tuple[str, str]],
) -> VersionSpec:
    preset = get_preset(version.preset)
    end = portrait.trim_end_s
    if version.trim_to_fit:
        limit = portrait.trim_start_s + preset.max_duration_s
        end = min(end or portrait.duration_s, limit)
    first = next(iter(names.values()), None)
    return VersionSpec(
        preset=preset,
        output=work / f"{version.preset}.mp4",
        cover=work / f"{version.preset}.jpg",
        reframe="blur" if portrait.reframe == "blur" else "crop",
        focal_x=portrait.focal_x,
        focal_y=portrait.focal_y,
        captions_srt=captions_path,
        cover_at_s=portrait.cover_at_s,
        lower_third=(first[0] or first[1], "") if version.lower_third and first else None,
        trim_start_s=portrait.trim_start_s,
        trim_end_s=end,
    )


def _beat(db: Engine, version_ids: Sequence[int], fraction: float) -> None:
    with transaction(db) as session:
        for version in session.scalars(
            select(PortraitVersion).where(PortraitVersion.id.in_(version_ids))
        ):
            version.progress = max(version.progress, min(fraction, 1.0))
            version.heartbeat_at = utcnow()


def _cancel_requested(db: Engine, version_ids: Sequence[int]) -> bool:
    with read_only(db) as session:
        statuses = set(
            session.scalars(
                select(PortraitVersion.status).where(PortraitVersion.id.in_(version_ids))
            )
        )
    return statuses <= {"cancelling", "cancelled"}


def _finish(db: Engine, version_ids: Sequence[int], status: str, error: str, log_text: str) -> None:
    with transaction(db) as session:
        for version in session.scalars(
            select(PortraitVersion).where(PortraitVersion.id.in_(version_ids))
        ):
            version.status = status
            version.error = error
            version.log = log_text[-20_000:]
            version.finished_at = utcnow()


def _store_results(
    db: Engine,
    store: MediaStore,
    portrait: Portrait,
    versions: Sequence[PortraitVersion],
    rendered: Sequence[RenderedVersion],
    captions_path: Path | None,
) -> None:
    by_preset = {r.preset_name: r for r in rendered}
    stored: list[str] = []

    def put(key: str, path: Path, content_type: str) -> str:
        stored.append(store.put_file(key, path, content_type).key)
        return stored[-1]

    try:
        _save_results(db, put, portrait, versions, by_preset, captions_path)
    except BaseException:
        # The rows were rolled back: files already stored for them would be orphans.
        for key in stored:
            try:
                store.delete(key)
            except SpotlightError:
                log.warning("could not remove %s after a failed render", key)
        raise


def _save_results(
    db: Engine,
    put: Callable[[str, Path, str], str],
    portrait: Portrait,
    versions: Sequence[PortraitVersion],
    by_preset: dict[str, RenderedVersion],
    captions_path: Path | None,
) -> None:
    with transaction(db) as session:
        for stale in versions:
            version = session.get(PortraitVersion, stale.id)
            if version is None:
                continue
            result = by_preset[version.preset]
            too_big = check_fits(get_preset(version.preset), result.duration_s, result.size_bytes)
            if too_big:
                version.status, version.error = "failed", too_big
                version.finished_at = utcnow()
                continue
            base = f"portraits/{portrait.id}/versions/{version.id}"
            version.output_key = put(f"{base}/{version.preset}.mp4", result.output, "video/mp4")
            version.cover_key = put(f"{base}/{version.preset}.jpg", result.cover, "image/jpeg")
            if captions_path is not None and get_preset(version.preset).captions == "sidecar":
                version.captions_key = put(
                    f"{base}/{version.preset}.srt", captions_path, "application/x-subrip"
                )
            # Burned-in captions leave no file behind: the version records that it carries them.
            version.captions_burned = (
                captions_path is not None and get_preset(version.preset).captions == "burn"
            )
            version.size_bytes = result.size_bytes
            version.duration_s = result.duration_s
            version.sha256 = result.sha256
            version.status = "done"
            version.progress = 1.0
            version.finished_at = utcnow()
            version.error = ""


def recover_interrupted(db: Engine) -> list[int]:
    """Requeue versions whose worker died mid-render (or fail them after the last attempt)."""
    stale_before = utcnow() - HEARTBEAT_STALE
    requeued: list[int] = []
    with transaction(db) as session:
        for version in session.scalars(
            select(PortraitVersion).where(
                PortraitVersion.status.in_(("rendering", "cancelling")),
                PortraitVersion.heartbeat_at < stale_before,
            )
        ):
            if version.status == "cancelling":
                version.status = "cancelled"
            elif version.attempts >= MAX_ATTEMPTS:
                version.status = "failed"
                version.error = N_("Rendering was interrupted twice; try again or ask for help.")
            else:
                version.status = "queued"
                requeued.append(version.id)
                continue
            version.finished_at = utcnow()
    return requeued


def queued_batches(db: Engine) -> list[list[int]]:
    """Queued version ids grouped by portrait, oldest first (one render per group)."""
    with read_only(db) as session:
        rows = session.execute(
            select(PortraitVersion.portrait_id, PortraitVersion.id)
            .where(PortraitVersion.status == "queued")
            .order_by(PortraitVersion.requested_at, PortraitVersion.id)
        ).all()
    groups: dict[int, list[int]] = {}
    for portrait_id, version_id in rows:
        groups.setdefault(portrait_id, []).append(version_id)
    return list(groups.values())


@dataclass(frozen=True, slots=True)
class VersionView:
    """A version as shown on the Portraits page."""

    id: int
    preset: str
    label: str
    status: str
    progress: float
    output_key: str | None
    cover_key: str | None
    captions_key: str | None
    size_bytes: int | None
    duration_s: float | None
    error: str
    do_not_use: bool
    captions_burned: bool = False


@dataclass(frozen=True, slots=True)
class PortraitView:
    """A portrait with its people and versions."""

    id: int
    title: str
    language: str
    description: str
    transcript: str
    alt_text: str
    source_key: str
    container: str
    duration_s: float
    width: int
    height: int
    has_audio: bool
    focal_x: float
    focal_y: float
    reframe: str
    trim_start_s: float
    trim_end_s: float | None
    cover_at_s: float
    has_captions: bool
    do_not_use: bool
    do_not_use_reason: str
    people: tuple[tuple[int, str], ...]
    versions: tuple[VersionView, ...]


def _version_view(version: PortraitVersion) -> VersionView:
    return VersionView(
        id=version.id,
        preset=version.preset,
        label=PRESETS[version.preset].label if version.preset in PRESETS else version.preset,
        status=version.status,
        progress=version.progress,
        output_key=version.output_key,
        cover_key=version.cover_key,
        captions_key=version.captions_key,
        size_bytes=version.size_bytes,
        duration_s=version.duration_s,
        error=version.error,
        do_not_use=version.do_not_use,
        captions_burned=version.captions_burned,
    )


def _portrait_view(session: Session, portrait: Portrait) -> PortraitView:
    people = session.execute(
        select(RoleModel.id, RoleModel.full_name)
        .join(PortraitPerson, PortraitPerson.role_model_id == RoleModel.id)
        .where(PortraitPerson.portrait_id == portrait.id)
        .order_by(RoleModel.full_name)
    ).all()
    versions = session.scalars(
        select(PortraitVersion)
        .where(PortraitVersion.portrait_id == portrait.id)
        .order_by(PortraitVersion.requested_at, PortraitVersion.id)
    ).all()
    return PortraitView(
        id=portrait.id,
        title=portrait.title,
        language=portrait.language,
        description=portrait.description,
        transcript=portrait.transcript,
        alt_text=portrait.alt_text,
        source_key=portrait.source_key,
        container=portrait.container,
        duration_s=portrait.duration_s,
        width=portrait.width,
        height=portrait.height,
        has_audio=portrait.has_audio,
        focal_x=portrait.focal_x,
        focal_y=portrait.focal_y,
        reframe=portrait.reframe,
        trim_start_s=portrait.trim_start_s,
        trim_end_s=portrait.trim_end_s,
        cover_at_s=portrait.cover_at_s,
        has_captions=portrait.captions_key is not None,
        do_not_use=portrait.do_not_use,
        do_not_use_reason=portrait.do_not_use_reason,
        people=tuple((pid, name) for pid, name in people),
        versions=tuple(_version_view(v) for v in versions),
    )


def list_portraits(db: Engine, actor: Actor) -> list[PortraitView]:
    """Every portrait, newest first."""
    require(actor, Permission.EDIT_CONTENT)
    with read_only(db) as session:
        portraits = session.scalars(
            select(Portrait).order_by(Portrait.created_at.desc(), Portrait.id.desc())
        ).all()
        return [_portrait_view(session, p) for p in portraits]


def get_portrait(db: Engine, actor: Actor, portrait_id: int) -> PortraitView:
    """One portrait with its people and versions."""
    require(actor, Permission.EDIT_CONTENT)
    with read_only(db) as session:
        return _portrait_view(session, _get(session, portrait_id))


def portrait_frame(
    db: Engine, store: MediaStore, actor: Actor, portrait_id: int, at_s: float
) -> bytes:
    """A still of the portrait at a time, for choosing the focal point and the cover."""
    require(actor, Permission.EDIT_CONTENT)
    with read_only(db) as session:
        portrait = _get(session, portrait_id)
        key, container = portrait.source_key, portrait.container
    with tempfile.TemporaryDirectory(prefix="spotlight-frame-") as folder:
        local = Path(folder) / f"source{PurePath(key).suffix}"
        store.download_to(key, local)
        return frame_at(local, container, at_s)


def media_of(db: Engine, store: MediaStore, actor: Actor, key: str) -> bytes:
    """The bytes of a portrait's stored file (source, version, cover or captions)."""
    require(actor, Permission.EDIT_CONTENT)
    return store.read_bytes(key)
