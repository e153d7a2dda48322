"""Posts: every blocking rule, the workflow with a second approver, conflicts, withdrawal."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import Engine

from campaigns import catalogue, consent, posts
from campaigns.auth import Actor, Role
from campaigns.db import transaction
from campaigns.errors import Conflict, InvalidFields, InvalidInput, PermissionDenied
from campaigns.media.presets import PRESETS
from campaigns.models import Portrait, PortraitPerson, PortraitVersion
from campaigns.posts import CampaignInput, PostInput
from campaigns.storage import LocalStore
from tests.fixtures_people import PDF, consent_form, profile

AUTHOR = Actor(user_id=None, email="author@school.example", role=Role.EDITOR)
REVIEWER = Actor(user_id=None, email="reviewer@school.example", role=Role.EDITOR)
TODAY = date.today()
SOON = datetime.combine(TODAY + timedelta(days=10), datetime.min.time()).replace(hour=12)


@pytest.fixture
def world(db: Engine, store: LocalStore) -> dict[str, int]:
    """The world of build_world on the parametrised database."""
    return build_world(db, store)


def build_world(db: Engine, store: LocalStore) -> dict[str, int]:
    """A person with consent for Instagram and LinkedIn, a captioned portrait with versions."""
    person = catalogue.create_role_model(db, AUTHOR, profile())
    consent.record_consent(
        db, store, AUTHOR, person, consent_form(TODAY), consent.Proof("p.pdf", PDF)
    )
    with transaction(db) as session:
        portrait = Portrait(
            title="Amina", source_key="p/1.mp4", source_sha256="0" * 64, size_bytes=1,
            container="mov,mp4,m4a,3gp,3g2,mj2", duration_s=30.0, width=1920, height=1080,
            fps=30.0, has_audio=True, video_codec="h264", trim_end_s=None,
            captions_key="p/1.srt", alt_text="Amina talks about retraining.",
            transcript="I worked in a shop for ten years; now I write code.",
        )  # fmt: skip
        session.add(portrait)
        session.flush()
        session.add(PortraitPerson(portrait_id=portrait.id, role_model_id=person))
        ids = {"person": person, "portrait": portrait.id}
        for preset in ("instagram_reels", "linkedin_1x1", "tiktok", "x"):
            # Rendered with the portrait's captions: burned in, or as a file beside the video.
            burned = PRESETS[preset].captions == "burn"
            version = PortraitVersion(
                portrait_id=portrait.id, preset=preset, status="done", captions_burned=burned,
                captions_key=None if burned else f"v/{preset}.srt",
            )  # fmt: skip
            session.add(version)
            session.flush()
            ids[preset] = version.id
    ids["campaign"] = posts.create_campaign(
        db,
        AUTHOR,
        CampaignInput(
            "Women in tech — spring",
            TODAY,
            TODAY + timedelta(days=60),
            target_groups=("woman_in_tech",),
        ),
    )
    for name, network in (("FR Instagram", "instagram"), ("UK LinkedIn", "linkedin"),
                          ("FR TikTok", "tiktok"), ("FR X", "x")):  # fmt: skip
        zone = "Europe/London" if name.startswith("UK") else "Europe/Paris"
        ids[network] = posts.create_account(db, AUTHOR, name, network, "@school", "fr", zone)
    return ids


def post(world: dict[str, int], network: str, preset: str | None, **kwargs: object) -> PostInput:
    fields: dict[str, object] = {
        "campaign_id": world["campaign"],
        "account_id": world[network],
        "local_time": SOON,
        "text": "Meet Amina, who retrained as a web developer.",
        "link": "https://school.example/apply",
        "alt_text": "Amina at her desk.",
        "portrait_version_id": world[preset] if preset else None,
    }
    fields.update(kwargs)
    return PostInput(**fields)  # type: ignore[arg-type]


def view(db: Engine, post_id: int) -> posts.PostView:
    return next(p for p in posts.list_posts(db, AUTHOR) if p.id == post_id)


def test_a_good_post_has_no_block_and_a_tracked_link(db: Engine, world: dict[str, int]) -> None:
    post_id = posts.create_post(db, AUTHOR, post(world, "linkedin", "linkedin_1x1"))
    shown = view(db, post_id)
    assert shown.blocked_reasons == ()
    assert shown.people == ("Amina Diallo",)
    query = parse_qs(urlsplit(shown.link).query)
    assert query["utm_source"] == ["linkedin"]
    assert query["utm_campaign"] == ["women-in-tech-spring"]
    assert query["utm_content"] == [f"post-{post_id}"]
    assert query["utm_term"] == [f"rm-{world['person']}"]
    assert shown.local_time.hour == 12  # the account's wall clock (London)


def test_a_network_outside_the_consent_is_blocked(db: Engine, world: dict[str, int]) -> None:
    post_id = posts.create_post(db, AUTHOR, post(world, "tiktok", "tiktok"))
    (reason,) = view(db, post_id).blocked_reasons
    assert reason == "Amina Diallo: No consent covers the video on TikTok for organic posts."


def test_a_video_in_a_frame_the_network_does_not_take_is_blocked(
    db: Engine, world: dict[str, int]
) -> None:
    post_id = posts.create_post(db, AUTHOR, post(world, "instagram", "x"))
    (reason,) = view(db, post_id).blocked_reasons
    assert reason.startswith("The video was made for X (16:9), a frame Instagram does not take")


def test_a_video_of_the_same_frame_made_for_another_network_may_serve(
    db: Engine, world: dict[str, int]
) -> None:
    with transaction(db) as session:
        version = session.get(PortraitVersion, world["instagram_reels"])
        assert version is not None
        version.duration_s = 30.0
    consent_ok = posts.create_post(db, AUTHOR, post(world, "instagram", "instagram_reels"))
    assert view(db, consent_ok).blocked_reasons == ()
    # The TikTok post of the same Reels version is blocked by consent only, not by its frame.
    on_tiktok = posts.create_post(db, AUTHOR, post(world, "tiktok", "instagram_reels"))
    (reason,) = view(db, on_tiktok).blocked_reasons
    assert "No consent covers the video on TikTok" in reason


def test_a_version_too_long_for_the_other_network_is_blocked(
    db: Engine, world: dict[str, int]
) -> None:
    with transaction(db) as session:
        version = session.get(PortraitVersion, world["instagram_reels"])
        assert version is not None
        version.duration_s = 12 * 60.0  # Reels take 15 min, TikTok 10
    post_id = posts.create_post(db, AUTHOR, post(world, "tiktok", "instagram_reels"))
    assert any("TikTok videos take at most" in r for r in view(db, post_id).blocked_reasons)


def test_a_square_version_with_a_caption_file_is_blocked_on_instagram(
    db: Engine, world: dict[str, int]
) -> None:
    post_id = posts.create_post(db, AUTHOR, post(world, "instagram", "linkedin_1x1"))
    (reason,) = view(db, post_id).blocked_reasons
    assert reason == (
        "Instagram takes no caption files and the LinkedIn (square) version has its captions in "
        "a separate file: make a version for Instagram, which has them burned in."
    )


def test_instagram_video_without_captions_is_blocked(db: Engine, world: dict[str, int]) -> None:
    with transaction(db) as session:
        portrait = session.get(Portrait, world["portrait"])
        version = session.get(PortraitVersion, world["instagram_reels"])
        assert portrait is not None and version is not None
        portrait.captions_key, version.captions_burned = None, False
    post_id = posts.create_post(db, AUTHOR, post(world, "instagram", "instagram_reels"))
    assert any("captions burned in" in r for r in view(db, post_id).blocked_reasons)


def test_text_too_long_for_x_is_blocked(db: Engine, world: dict[str, int]) -> None:
    post_id = posts.create_post(db, AUTHOR, post(world, "x", "x", text="🎉" * 141))
    assert any("the most is 280" in r for r in view(db, post_id).blocked_reasons)


def test_a_time_that_does_not_exist_or_is_past_is_refused(
    db: Engine, world: dict[str, int]
) -> None:
    next_march = date(TODAY.year + 1, 3, 31)
    last_sunday = next_march - timedelta(days=(next_march.weekday() + 1) % 7)
    gap = datetime.combine(last_sunday, datetime.min.time()).replace(hour=2, minute=30)
    with pytest.raises(InvalidInput, match="does not exist in Europe/Paris"):
        posts.create_post(db, AUTHOR, post(world, "instagram", "instagram_reels", local_time=gap))
    with pytest.raises(InvalidFields, match="in the past"):
        posts.create_post(
            db, AUTHOR, post(world, "instagram", "instagram_reels", local_time=datetime(2020, 1, 1))
        )


def test_the_author_cannot_approve_but_a_second_person_can(
    db: Engine, world: dict[str, int]
) -> None:
    post_id = posts.create_post(db, AUTHOR, post(world, "linkedin", "linkedin_1x1"))
    version = view(db, post_id).version
    posts.move_post(db, AUTHOR, post_id, version, "submit")
    with pytest.raises(PermissionDenied, match="other than the author"):
        posts.move_post(db, AUTHOR, post_id, view(db, post_id).version, "approve")
    assert (
        posts.move_post(db, REVIEWER, post_id, view(db, post_id).version, "approve") == "approved"
    )
    assert (
        posts.move_post(db, AUTHOR, post_id, view(db, post_id).version, "schedule") == "scheduled"
    )
    assert view(db, post_id).approved_by == "reviewer@school.example"


def test_a_blocked_post_cannot_be_approved(db: Engine, world: dict[str, int]) -> None:
    post_id = posts.create_post(db, AUTHOR, post(world, "tiktok", "tiktok"))
    posts.move_post(db, AUTHOR, post_id, view(db, post_id).version, "submit")
    with pytest.raises(Conflict, match="This post is blocked"):
        posts.move_post(db, REVIEWER, post_id, view(db, post_id).version, "approve")


def test_a_second_editor_saving_an_old_copy_is_refused_and_nothing_is_lost(
    db: Engine, world: dict[str, int]
) -> None:
    post_id = posts.create_post(db, AUTHOR, post(world, "linkedin", "linkedin_1x1"))
    opened = view(db, post_id).version
    posts.update_post(
        db, AUTHOR, post_id, opened, post(world, "linkedin", "linkedin_1x1", text="First")
    )
    with pytest.raises(Conflict, match="Someone else saved this post"):
        posts.update_post(
            db, REVIEWER, post_id, opened, post(world, "linkedin", "linkedin_1x1", text="Second")
        )
    assert view(db, post_id).text == "First"


def test_withdrawal_blocks_planned_posts_and_lists_published_ones(
    db: Engine, world: dict[str, int]
) -> None:
    planned = posts.create_post(db, AUTHOR, post(world, "linkedin", "linkedin_1x1"))
    published = posts.create_post(
        db,
        AUTHOR,
        post(world, "instagram", "instagram_reels", local_time=SOON + timedelta(hours=5)),
    )
    for actor, action in ((AUTHOR, "submit"), (REVIEWER, "approve"), (AUTHOR, "schedule")):
        posts.move_post(db, actor, published, view(db, published).version, action)
    posts.move_post(
        db, AUTHOR, published, view(db, published).version, "publish",
        published_url="https://instagram.example/p/abc",
    )  # fmt: skip
    result = consent.withdraw_consent(db, AUTHOR, world["person"], TODAY, "e-mail")
    assert result.posts_blocked == 1
    assert any("withdrawn" in r for r in view(db, planned).blocked_reasons)
    tasks = consent.open_takedowns(db, AUTHOR)
    assert [t.url for t in tasks] == ["https://instagram.example/p/abc"]
    assert posts.recheck_posts(db) == 1


def test_campaign_dates_are_checked(db: Engine) -> None:
    with pytest.raises(InvalidFields, match="cannot end before it starts"):
        posts.create_campaign(db, AUTHOR, CampaignInput("Late", TODAY, TODAY - timedelta(days=1)))


def test_a_step_that_does_not_apply_is_explained_in_plain_words(
    db: Engine, world: dict[str, int]
) -> None:
    post_id = posts.create_post(db, AUTHOR, post(world, "linkedin", "linkedin_1x1"))
    posts.move_post(db, AUTHOR, post_id, view(db, post_id).version, "submit")
    expected = r"A post that is in review cannot be submitted for review\."
    with pytest.raises(Conflict, match=expected):
        posts.move_post(db, AUTHOR, post_id, view(db, post_id).version, "submit")


def _published(db: Engine, world: dict[str, int]) -> int:
    post_id = posts.create_post(db, AUTHOR, post(world, "linkedin", "linkedin_1x1"))
    posts.move_post(db, AUTHOR, post_id, view(db, post_id).version, "submit")
    posts.move_post(db, REVIEWER, post_id, view(db, post_id).version, "approve")
    posts.move_post(
        db, AUTHOR, post_id, view(db, post_id).version, "publish", published_url="urn:li:share:42"
    )
    return post_id


def test_a_published_post_counts_as_an_appearance_of_each_person(
    db: Engine, world: dict[str, int]
) -> None:
    from campaigns.representation import representation_overview

    before = representation_overview(db, AUTHOR, TODAY, 30, over_exposed_threshold=0)
    assert before.over_exposed.empty
    _published(db, world)
    after = representation_overview(db, AUTHOR, TODAY, 30, over_exposed_threshold=0)
    assert after.over_exposed.to_dict("records") == [
        {"person": "Amina Diallo", "appearances in the last 30 days": 1}
    ]
    assert "Amina Diallo" not in set(after.not_featured["person"])


def test_the_persons_signoff_is_recorded_with_date_and_way(
    db: Engine, world: dict[str, int]
) -> None:
    post_id = posts.create_post(db, AUTHOR, post(world, "linkedin", "linkedin_1x1"))
    with pytest.raises(InvalidFields, match="how the person"):
        posts.record_signoff(db, AUTHOR, post_id, 0, TODAY, "  ")
    with pytest.raises(InvalidFields, match="future"):
        posts.record_signoff(db, AUTHOR, post_id, 0, TODAY + timedelta(days=1), "e-mail")
    opened = view(db, post_id).version
    posts.record_signoff(db, AUTHOR, post_id, opened, TODAY, "e-mail")
    assert view(db, post_id).signoff_on == TODAY
    with pytest.raises(Conflict, match="Someone else saved"):
        posts.record_signoff(db, AUTHOR, post_id, opened, TODAY, "phone")


def test_an_erasure_block_survives_the_recheck_until_the_post_is_edited(
    db: Engine, world: dict[str, int]
) -> None:
    post_id = posts.create_post(db, AUTHOR, post(world, "linkedin", "linkedin_1x1"))
    with transaction(db) as session:
        from campaigns.models import Post

        found = session.get(Post, post_id)
        assert found is not None
        found.blocked_reasons = [posts.STICKY_REASONS[0]]
    posts.recheck_posts(db)
    assert view(db, post_id).blocked_reasons == (posts.STICKY_REASONS[0],)
    posts.update_post(db, AUTHOR, post_id, view(db, post_id).version,
                      post(world, "linkedin", "linkedin_1x1", text="A new text."))  # fmt: skip
    assert view(db, post_id).blocked_reasons == ()
