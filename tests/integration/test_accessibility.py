"""Accessibility of posts: each rule blocks or warns, a fix clears it, and the campaign report."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import Engine

from campaigns import portraits, posts
from campaigns.accessibility import (
    MADE_BEFORE_CAPTIONS,
    NO_ALT_TEXT,
    NO_CAPTIONS,
    NO_TRANSCRIPT,
    PORTRAIT_WITHOUT_ALT_TEXT,
    campaign_accessibility,
)
from campaigns.auth import Actor, Role
from campaigns.db import alembic_config, make_engine, transaction
from campaigns.errors import Conflict, InvalidFields, NotFound
from campaigns.models import Portrait, PortraitVersion
from campaigns.posts import CampaignInput
from campaigns.storage import LocalStore
from tests.integration.test_posts import AUTHOR, REVIEWER, SOON, TODAY, build_world, post, view

VIEWER = Actor(user_id=None, email="viewer@school.example", role=Role.VIEWER)
TRANSCRIPT = "I worked in a shop for ten years; now I write code."


@pytest.fixture
def world(db: Engine, store: LocalStore) -> dict[str, int]:
    """A captioned, described, transcribed portrait with versions; Instagram and LinkedIn."""
    return build_world(db, store)


def change_portrait(db: Engine, portrait_id: int, **values: object) -> None:
    with transaction(db) as session:
        found = session.get(Portrait, portrait_id)
        assert found is not None
        for name, value in values.items():
            setattr(found, name, value)


def change_version(db: Engine, version_id: int, **values: object) -> None:
    with transaction(db) as session:
        found = session.get(PortraitVersion, version_id)
        assert found is not None
        for name, value in values.items():
            setattr(found, name, value)


def step(db: Engine, actor: Actor, post_id: int, action: str) -> str:
    return posts.move_post(db, actor, post_id, view(db, post_id).version, action)


def test_a_post_without_alt_text_cannot_even_go_to_review_until_it_has_some(
    db: Engine, world: dict[str, int]
) -> None:
    post_id = posts.create_post(db, AUTHOR, post(world, "linkedin", "linkedin_1x1", alt_text=" "))
    assert view(db, post_id).blocked_reasons == (NO_ALT_TEXT,)
    with pytest.raises(Conflict, match="Finish the post before sending it for review: No alt"):
        step(db, AUTHOR, post_id, "submit")
    posts.update_post(db, AUTHOR, post_id, view(db, post_id).version,
                      post(world, "linkedin", "linkedin_1x1"))  # fmt: skip
    assert view(db, post_id).blocked_reasons == ()
    assert step(db, AUTHOR, post_id, "submit") == "in_review"


def test_a_consent_problem_still_lets_the_post_go_to_review(
    db: Engine, world: dict[str, int]
) -> None:
    post_id = posts.create_post(db, AUTHOR, post(world, "tiktok", "tiktok"))
    assert step(db, AUTHOR, post_id, "submit") == "in_review"
    with pytest.raises(Conflict, match="This post is blocked: Amina Diallo: No consent"):
        step(db, REVIEWER, post_id, "approve")


def test_a_portrait_without_alt_text_blocks_its_posts_until_it_is_described(
    db: Engine, world: dict[str, int]
) -> None:
    change_portrait(db, world["portrait"], alt_text="")
    post_id = posts.create_post(db, AUTHOR, post(world, "linkedin", "linkedin_1x1"))
    assert view(db, post_id).blocked_reasons == (PORTRAIT_WITHOUT_ALT_TEXT,)
    with pytest.raises(InvalidFields, match="Describe the video in a sentence"):
        portraits.describe_portrait(db, AUTHOR, world["portrait"], "  ", TRANSCRIPT)
    portraits.describe_portrait(db, AUTHOR, world["portrait"], "Amina at her laptop.", TRANSCRIPT)
    assert view(db, post_id).blocked_reasons == ()  # its posts were checked again at once


def test_a_linkedin_video_without_captions_is_blocked_until_a_version_carries_them(
    db: Engine, world: dict[str, int]
) -> None:
    change_portrait(db, world["portrait"], captions_key=None)
    change_version(db, world["linkedin_1x1"], captions_key=None)
    post_id = posts.create_post(db, AUTHOR, post(world, "linkedin", "linkedin_1x1"))
    assert view(db, post_id).blocked_reasons == (NO_CAPTIONS,)
    with pytest.raises(Conflict, match="Finish the post before sending it for review"):
        step(db, AUTHOR, post_id, "submit")
    # Captions added to the portrait: the version made before them still has none.
    change_portrait(db, world["portrait"], captions_key="p/1.srt")
    posts.recheck_posts(db)
    assert view(db, post_id).blocked_reasons == (MADE_BEFORE_CAPTIONS,)
    with transaction(db) as session:
        again = PortraitVersion(
            portrait_id=world["portrait"], preset="linkedin_1x1", status="done",
            captions_key="v/again.srt",
        )  # fmt: skip
        session.add(again)
        session.flush()
        made_again = again.id
    posts.update_post(db, AUTHOR, post_id, view(db, post_id).version,
                      post(world, "linkedin", None, portrait_version_id=made_again))  # fmt: skip
    assert view(db, post_id).blocked_reasons == ()


def test_a_missing_transcript_warns_but_lets_the_post_through(
    db: Engine, world: dict[str, int]
) -> None:
    change_portrait(db, world["portrait"], transcript="")
    post_id = posts.create_post(db, AUTHOR, post(world, "linkedin", "linkedin_1x1"))
    shown = view(db, post_id)
    assert shown.blocked_reasons == () and NO_TRANSCRIPT in shown.warnings
    assert step(db, AUTHOR, post_id, "submit") == "in_review"
    assert step(db, REVIEWER, post_id, "approve") == "approved"
    portraits.describe_portrait(db, AUTHOR, world["portrait"], "Amina talks.", TRANSCRIPT)
    assert NO_TRANSCRIPT not in view(db, post_id).warnings


def test_the_report_counts_shares_and_lists_the_posts_missing_each(
    db: Engine, world: dict[str, int]
) -> None:
    complete = posts.create_post(db, AUTHOR, post(world, "linkedin", "linkedin_1x1"))
    photo_without_alt = posts.create_post(
        db, AUTHOR,
        post(world, "instagram", None, alt_text="", text="Our open day in pictures.",
             local_time=SOON + timedelta(days=1)),
    )  # fmt: skip
    caption_file_on_instagram = posts.create_post(
        db, AUTHOR, post(world, "instagram", "linkedin_1x1", local_time=SOON + timedelta(days=2))
    )
    with transaction(db) as session:
        untranscribed = Portrait(
            title="Karim", source_key="p/2.mp4", source_sha256="2" * 64, size_bytes=1,
            container="mov,mp4,m4a,3gp,3g2,mj2", duration_s=30.0, width=1920, height=1080,
            fps=30.0, has_audio=True, video_codec="h264", trim_end_s=None,
            captions_key="p/2.srt", alt_text="Karim talks.", transcript="",
        )  # fmt: skip
        session.add(untranscribed)
        session.flush()
        karim = PortraitVersion(
            portrait_id=untranscribed.id, preset="linkedin_1x1", status="done",
            captions_key="v/karim.srt",
        )  # fmt: skip
        session.add(karim)
        session.flush()
        karim_version = karim.id
    without_transcript = posts.create_post(
        db, AUTHOR,
        post(world, "linkedin", None, portrait_version_id=karim_version,
             local_time=SOON + timedelta(days=3)),
    )  # fmt: skip
    cancelled = posts.create_post(
        db, AUTHOR, post(world, "linkedin", None, alt_text="", local_time=SOON + timedelta(days=4))
    )
    step(db, AUTHOR, cancelled, "cancel")

    report = campaign_accessibility(db, world["campaign"])

    assert (report.posts, report.video_posts) == (4, 3)
    assert (report.with_captions, report.with_alt_text, report.with_transcript) == (2, 3, 2)
    assert report.captions_share == pytest.approx(2 / 3)
    assert report.alt_text_share == pytest.approx(3 / 4)
    assert report.transcript_share == pytest.approx(2 / 3)
    (no_alt,) = report.missing_alt_text
    assert (no_alt.post_id, no_alt.title, no_alt.account) == (
        photo_without_alt, "Our open day in pictures.", "FR Instagram",
    )  # fmt: skip
    assert no_alt.fixes == (NO_ALT_TEXT,)
    (no_captions,) = report.missing_captions
    assert no_captions.post_id == caption_file_on_instagram
    assert no_captions.fixes[0].startswith("Instagram takes no caption files")
    (no_transcript,) = report.missing_transcript
    assert (no_transcript.post_id, no_transcript.fixes) == (without_transcript, (NO_TRANSCRIPT,))
    assert complete not in {g.post_id for g in report.missing_alt_text + report.missing_captions}
    assert no_alt.local_time.tzinfo is not None and no_alt.status == "draft"


def test_an_empty_campaign_has_no_shares_yet(db: Engine) -> None:
    campaign = posts.create_campaign(
        db, AUTHOR, CampaignInput("Quiet", TODAY, TODAY + timedelta(days=10))
    )
    report = campaign_accessibility(db, campaign, actor=VIEWER)
    assert report.posts == report.video_posts == 0
    assert report.captions_share is report.alt_text_share is report.transcript_share is None
    assert report.missing_alt_text == report.missing_captions == report.missing_transcript == ()


def test_the_report_of_a_campaign_that_is_gone_says_so(db: Engine) -> None:
    with pytest.raises(NotFound, match=r"This campaign does not exist any more\."):
        campaign_accessibility(db, 404)


def test_the_upgrade_marks_versions_rendered_with_captions_as_burned_in(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        config = alembic_config(engine)
        command.upgrade(config, "b7c4e2d91a05")
        portraits_table = sa.table(
            "portraits", *(sa.column(name) for name in (
                "id", "title", "language", "description", "transcript", "alt_text", "source_key",
                "source_sha256", "source_filename", "size_bytes", "container", "duration_s",
                "width", "height", "fps", "rotation", "has_audio", "video_codec", "audio_codec",
                "focal_x", "focal_y", "reframe", "trim_start_s", "cover_at_s", "captions_key",
                "do_not_use", "do_not_use_reason", "created_by", "created_at",
            ))
        )  # fmt: skip
        versions_table = sa.table(
            "portrait_versions", *(sa.column(name) for name in (
                "id", "portrait_id", "preset", "status", "progress", "trim_to_fit", "lower_third",
                "error", "log", "attempts", "do_not_use", "requested_by", "requested_at",
            ))
        )  # fmt: skip
        common = {
            "language": "en", "description": "", "transcript": "", "alt_text": "A clip.",
            "source_filename": "", "size_bytes": 1, "container": "mp4", "duration_s": 10.0,
            "width": 1920, "height": 1080, "fps": 30.0, "rotation": 0, "has_audio": True,
            "video_codec": "h264", "audio_codec": "", "focal_x": 0.5, "focal_y": 0.5,
            "reframe": "crop", "trim_start_s": 0.0, "cover_at_s": 1.0, "do_not_use": False,
            "do_not_use_reason": "", "created_by": "", "created_at": SOON,
        }  # fmt: skip
        job = {
            "progress": 1.0, "trim_to_fit": False, "lower_third": False, "error": "", "log": "",
            "attempts": 1, "do_not_use": False, "requested_by": "", "requested_at": SOON,
        }  # fmt: skip
        with engine.begin() as connection:
            connection.execute(portraits_table.insert(), [
                {**common, "id": 1, "title": "With", "source_key": "a", "source_sha256": "1" * 64,
                 "captions_key": "p/1.srt"},
                {**common, "id": 2, "title": "Without", "source_key": "b",
                 "source_sha256": "2" * 64, "captions_key": None},
            ])  # fmt: skip
            connection.execute(versions_table.insert(), [
                {**job, "id": 1, "portrait_id": 1, "preset": "instagram_reels", "status": "done"},
                {**job, "id": 2, "portrait_id": 1, "preset": "linkedin_1x1", "status": "done"},
                {**job, "id": 3, "portrait_id": 1, "preset": "tiktok", "status": "queued"},
                {**job, "id": 4, "portrait_id": 2, "preset": "instagram_reels", "status": "done"},
            ])  # fmt: skip
        command.upgrade(config, "head")
        with engine.connect() as connection:
            burned = dict(
                connection.execute(sa.text("SELECT id, captions_burned FROM portrait_versions"))
                .tuples()
                .all()
            )
        assert {key: bool(value) for key, value in burned.items()} == {
            1: True, 2: False, 3: False, 4: False,
        }  # fmt: skip
    finally:
        engine.dispose()
