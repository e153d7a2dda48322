"""The Portraits page, driven like a comms person would."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from campaigns import catalogue, consent, portraits
from campaigns.auth import Actor
from campaigns.storage import LocalStore
from tests.app.conftest import open_app, texts
from tests.fixtures_people import PDF, consent_form, profile
from tests.fixtures_video import make_clip
from ui import state

PAGE = "pages/portraits.py"


@pytest.fixture
def person(admin: Actor, app_db: Engine, tmp_path: Path) -> int:
    pid = catalogue.create_role_model(app_db, admin, profile())
    consent.record_consent(
        app_db, LocalStore(tmp_path / "media"), admin, pid, consent_form(date.today()),
        consent.Proof("p.pdf", PDF),
    )  # fmt: skip
    return pid


def fill_upload(at, name: str, data: bytes, person: int) -> None:  # type: ignore[no-untyped-def]
    at.file_uploader(key="portraits__file_0").upload(name, data, "video/mp4")
    at.multiselect(key="portraits__who").select(person)
    at.text_input(key="portraits__title").input("Amina's story")
    at.text_input(key="portraits__alt").input("Amina talks about retraining.")
    at.button(key="FormSubmitter:portraits__upload_0-Check and upload").click().run()


def test_uploading_a_video_opens_it_ready_for_framing(
    admin: Actor, app_db: Engine, person: int, tmp_path: Path
) -> None:
    clip = make_clip(tmp_path / "clip.mp4", seconds=4.0).read_bytes()
    at = open_app(admin, PAGE)
    fill_upload(at, "clip.mp4", clip, person)
    assert not at.exception
    assert "The video passed the checks and is stored." in texts(at)
    assert at.session_state[state.PORTRAITS_SELECTED] is not None
    assert [p.title for p in portraits.list_portraits(app_db, admin)] == ["Amina's story"]


def test_a_text_file_named_mp4_is_refused_with_a_sentence(
    admin: Actor, app_db: Engine, person: int
) -> None:
    at = open_app(admin, PAGE)
    fill_upload(at, "notes.mp4", b"meeting notes\n" * 100, person)
    assert not at.exception
    assert "it looks like a text file" in texts(at)
    assert portraits.list_portraits(app_db, admin) == []


def test_requesting_versions_queues_allowed_ones_and_explains_refusals(
    admin: Actor, app_db: Engine, person: int, tmp_path: Path
) -> None:
    clip = make_clip(tmp_path / "clip.mp4", seconds=4.0)
    at = open_app(admin, PAGE)
    fill_upload(at, "clip.mp4", clip.read_bytes(), person)
    portrait_id = at.session_state[state.PORTRAITS_SELECTED]
    at.multiselect(key=f"portraits__presets_{portrait_id}").select("linkedin_1x1").select("tiktok")
    at.button(key=f"FormSubmitter:portraits__request_{portrait_id}-Make the versions").click().run()
    assert not at.exception
    statuses = [v.status for v in portraits.get_portrait(app_db, admin, portrait_id).versions]
    assert statuses == ["queued"]
    assert "No consent covers the video on TikTok" in texts(at) + " ".join(
        w.value for w in at.warning
    )


def test_finished_versions_play_in_the_page(
    admin: Actor, app_db: Engine, person: int, tmp_path: Path
) -> None:
    clip = make_clip(tmp_path / "clip.mp4", seconds=4.0)
    at = open_app(admin, PAGE)
    fill_upload(at, "clip.mp4", clip.read_bytes(), person)
    portrait_id = at.session_state[state.PORTRAITS_SELECTED]
    from ui import resources

    request = portraits.request_versions(app_db, admin, portrait_id, ["linkedin_1x1"])
    portraits.render_queued(app_db, resources.store(), request.version_ids, "ultrafast")
    at.run()
    assert not at.exception
    assert len(at.get("video")) == 1
    assert "LinkedIn" in texts(at)


def test_a_portrait_without_transcript_says_so_until_one_is_saved(
    admin: Actor, app_db: Engine, person: int, tmp_path: Path
) -> None:
    clip = make_clip(tmp_path / "clip.mp4", seconds=4.0)
    at = open_app(admin, PAGE)
    fill_upload(at, "clip.mp4", clip.read_bytes(), person)
    assert any("No transcript yet" in w.value for w in at.warning)
    portrait_id = at.session_state[state.PORTRAITS_SELECTED]
    at.text_area(key=f"portraits__transcript_{portrait_id}").input("I retrained as a developer.")
    form = f"portraits__describe_{portrait_id}"
    at.button(key=f"FormSubmitter:{form}-Save the alt text and transcript").click().run()
    assert not at.exception
    assert "Alt text and transcript saved" in texts(at)
    assert not any("No transcript yet" in w.value for w in at.warning)
    saved = portraits.get_portrait(app_db, admin, portrait_id)
    assert (saved.transcript, saved.alt_text) == (
        "I retrained as a developer.",
        "Amina talks about retraining.",
    )
