"""Video portraits through the services: checks, consent per network, rendering, withdrawal."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from campaigns import catalogue, consent, portraits
from campaigns.auth import Actor, Role
from campaigns.db import read_only, transaction, utcnow
from campaigns.errors import Conflict, InvalidInput, PermissionDenied
from campaigns.models import Portrait, PortraitVersion
from campaigns.portraits import Framing, PortraitInput
from campaigns.storage import LocalStore
from tests.fixtures_people import PDF, consent_form, profile
from tests.fixtures_video import make_clip

EDITOR = Actor(user_id=None, email="ed@school.example", role=Role.EDITOR)
VIEWER = Actor(user_id=None, email="vi@school.example", role=Role.VIEWER)
TODAY = date.today()
SRT = b"1\n00:00:00,200 --> 00:00:01,500\nHello, I am Amina.\n"


@pytest.fixture
def person(db: Engine, store: LocalStore) -> int:
    pid = catalogue.create_role_model(db, EDITOR, profile())
    consent.record_consent(
        db, store, EDITOR, pid, consent_form(TODAY), consent.Proof("signed.pdf", PDF)
    )
    return pid


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    return make_clip(tmp_path / "portrait.mp4", seconds=4.0)


def add(db: Engine, store: LocalStore, person: int, path: Path, title: str = "Amina") -> int:
    with path.open("rb") as upload:
        return portraits.add_portrait(
            db,
            store,
            EDITOR,
            upload,
            path.name,
            PortraitInput(title=title, role_model_ids=(person,), alt_text="Amina talks."),
            max_bytes=50 * 1024 * 1024,
        )


def count(db: Engine, model: type) -> int:
    with read_only(db) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_upload_keeps_the_video_with_its_facts(
    db: Engine, store: LocalStore, person: int, clip: Path
) -> None:
    portrait_id = add(db, store, person, clip)
    view = portraits.get_portrait(db, EDITOR, portrait_id)
    assert view.width == 640
    assert view.height == 360
    assert view.has_audio
    assert view.duration_s == pytest.approx(4.0, abs=0.2)
    assert store.exists(view.source_key)
    assert view.people == ((person, "Amina Diallo"),)


def test_the_same_file_twice_is_recognised(
    db: Engine, store: LocalStore, person: int, clip: Path
) -> None:
    add(db, store, person, clip)
    with pytest.raises(Conflict, match="already in Spotlight as “Amina”"):
        add(db, store, person, clip, title="Again")
    assert count(db, Portrait) == 1


def test_a_text_file_named_mp4_is_refused_and_nothing_is_kept(
    db: Engine, store: LocalStore, person: int, tmp_path: Path
) -> None:
    fake = tmp_path / "fake.mp4"
    fake.write_text("not a video at all\n" * 50, encoding="utf-8")
    with pytest.raises(InvalidInput):
        add(db, store, person, fake)
    assert count(db, Portrait) == 0
    assert not list((store.root / "portraits").rglob("*")) if store.root.exists() else True


def test_upload_needs_people_title_and_alt_text(db: Engine, store: LocalStore, clip: Path) -> None:
    from campaigns.errors import InvalidFields

    with clip.open("rb") as upload, pytest.raises(InvalidFields) as caught:
        portraits.add_portrait(
            db, store, EDITOR, upload, clip.name, PortraitInput("", ()), max_bytes=10**8
        )
    assert set(caught.value.fields) == {"title", "role_models", "alt_text"}


def test_a_file_over_the_limit_is_refused(
    db: Engine, store: LocalStore, person: int, clip: Path
) -> None:
    with clip.open("rb") as upload, pytest.raises(InvalidInput, match="larger than"):
        portraits.add_portrait(
            db, store, EDITOR, upload, clip.name,
            PortraitInput("A", (person,), alt_text="x"), max_bytes=1024,
        )  # fmt: skip
    assert count(db, Portrait) == 0


def test_viewers_cannot_upload(db: Engine, store: LocalStore, person: int, clip: Path) -> None:
    with clip.open("rb") as upload, pytest.raises(PermissionDenied):
        portraits.add_portrait(
            db, store, VIEWER, upload, clip.name, PortraitInput("A", (person,), alt_text="x"),
            max_bytes=10**8,
        )  # fmt: skip


def test_versions_follow_consent_per_network(
    db: Engine, store: LocalStore, person: int, clip: Path
) -> None:
    portrait_id = add(db, store, person, clip)
    request = portraits.request_versions(
        db, EDITOR, portrait_id, ["instagram_reels", "linkedin_1x1", "tiktok"]
    )
    assert len(request.version_ids) == 2
    assert [r.preset for r in request.refused] == ["tiktok"]
    assert "No consent covers the video on TikTok" in request.refused[0].reason


def test_framing_is_checked_and_saved(
    db: Engine, store: LocalStore, person: int, clip: Path
) -> None:
    from campaigns.errors import InvalidFields

    portrait_id = add(db, store, person, clip)
    with pytest.raises(InvalidFields) as caught:
        portraits.set_framing(db, EDITOR, portrait_id, Framing(1.5, 0.5, "zoom", 1.5, 1.0, 0.2))
    assert {"focal", "reframe", "trim"} <= set(caught.value.fields)
    portraits.set_framing(db, EDITOR, portrait_id, Framing(0.3, 0.4, "blur", 0.0, 3.5, 0.5))
    view = portraits.get_portrait(db, EDITOR, portrait_id)
    assert (view.focal_x, view.reframe, view.trim_end_s) == (0.3, "blur", 3.5)


def test_render_makes_every_requested_version_and_stores_it(
    db: Engine, store: LocalStore, person: int, clip: Path
) -> None:
    portrait_id = add(db, store, person, clip)
    portraits.set_captions(db, store, EDITOR, portrait_id, SRT, "captions.srt")
    request = portraits.request_versions(
        db, EDITOR, portrait_id, ["instagram_reels", "linkedin_1x1"]
    )
    portraits.render_queued(db, store, request.version_ids, "ultrafast")
    versions = portraits.get_portrait(db, EDITOR, portrait_id).versions
    assert {v.status for v in versions} == {"done"}
    for version in versions:
        assert version.output_key is not None
        assert store.exists(version.output_key)
        assert version.cover_key is not None
        assert store.read_bytes(version.cover_key)[:3] == b"\xff\xd8\xff"
        assert version.progress == 1.0
    # Each version says how it carries the captions: in the picture, or as a file beside it.
    carried = {v.preset: (v.captions_burned, v.captions_key is not None) for v in versions}
    assert carried == {"instagram_reels": (True, False), "linkedin_1x1": (False, True)}


def test_a_cancelled_version_is_not_rendered(
    db: Engine, store: LocalStore, person: int, clip: Path
) -> None:
    portrait_id = add(db, store, person, clip)
    request = portraits.request_versions(db, EDITOR, portrait_id, ["instagram_reels"])
    portraits.cancel_version(db, EDITOR, request.version_ids[0])
    portraits.render_queued(db, store, request.version_ids, "ultrafast")
    (version,) = portraits.get_portrait(db, EDITOR, portrait_id).versions
    assert version.status == "cancelled"
    assert version.output_key is None


def test_withdrawal_marks_the_portrait_and_its_versions_do_not_use(
    db: Engine, store: LocalStore, person: int, clip: Path
) -> None:
    portrait_id = add(db, store, person, clip)
    request = portraits.request_versions(db, EDITOR, portrait_id, ["linkedin_1x1"])
    result = consent.withdraw_consent(db, EDITOR, person, TODAY, "e-mail")
    assert result.media_flagged == 2
    view = portraits.get_portrait(db, EDITOR, portrait_id)
    assert view.do_not_use
    assert view.versions[0].do_not_use
    assert view.versions[0].status == "cancelled"
    with pytest.raises(Conflict, match="do not use"):
        portraits.request_versions(db, EDITOR, portrait_id, ["linkedin_1x1"])
    assert request.version_ids


def test_interrupted_renders_are_requeued_then_failed(
    db: Engine, store: LocalStore, person: int, clip: Path
) -> None:
    portrait_id = add(db, store, person, clip)
    (vid,) = portraits.request_versions(db, EDITOR, portrait_id, ["linkedin_1x1"]).version_ids
    with transaction(db) as session:
        version = session.get(PortraitVersion, vid)
        assert version is not None
        version.status, version.attempts = "rendering", 1
        version.heartbeat_at = utcnow() - timedelta(minutes=10)
    assert portraits.recover_interrupted(db) == [vid]
    assert portraits.queued_batches(db) == [[vid]]
    with transaction(db) as session:
        version = session.get(PortraitVersion, vid)
        assert version is not None
        version.status, version.attempts = "rendering", 2
        version.heartbeat_at = utcnow() - timedelta(minutes=10)
    assert portraits.recover_interrupted(db) == []
    assert portraits.get_portrait(db, EDITOR, portrait_id).versions[0].status == "failed"


def test_stills_for_the_focal_point_are_turned_like_players_turn_the_video(tmp_path: Path) -> None:
    import io

    from PIL import Image

    from campaigns.media.frames import frame_at
    from campaigns.media.probe import probe_video
    from tests.fixtures_video import make_rotated_clip

    source = make_clip(tmp_path / "landscape.mp4", seconds=2.0, width=640, height=360)
    rotated = make_rotated_clip(tmp_path / "phone.mp4", source, 90)
    probe = probe_video(rotated)
    still = Image.open(io.BytesIO(frame_at(rotated, probe.container, 0.5)))
    assert still.size == (360, 640)


def test_a_framing_saved_over_someone_elses_newer_one_is_refused(
    db: Engine, store: LocalStore, person: int, clip: Path
) -> None:
    from campaigns.errors import Conflict

    portrait_id = add(db, store, person, clip)
    shown = portraits.get_portrait(db, EDITOR, portrait_id)
    opened = Framing(shown.focal_x, shown.focal_y, shown.reframe, shown.trim_start_s,
                     shown.trim_end_s, shown.cover_at_s)  # fmt: skip
    portraits.set_framing(db, EDITOR, portrait_id, Framing(0.3, 0.4, "blur", 0.0, 3.5, 0.5), opened)
    with pytest.raises(Conflict, match="Someone else saved the framing"):
        portraits.set_framing(
            db, EDITOR, portrait_id, Framing(0.7, 0.4, "crop", 0.0, 3.5, 0.5), opened
        )
    assert portraits.get_portrait(db, EDITOR, portrait_id).reframe == "blur"
