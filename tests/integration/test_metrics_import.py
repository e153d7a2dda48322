"""Importing analytics exports: matching, idempotency, updates, the review queue, all-or-nothing."""

from __future__ import annotations

from datetime import UTC, date

import pytest
from sqlalchemy import Engine, func, select

from campaigns import posts
from campaigns.auth import Actor, Role
from campaigns.db import read_only, transaction
from campaigns.engagement import importing
from campaigns.engagement.parsing import ColumnMapping
from campaigns.errors import InvalidInput, NotFound, PermissionDenied
from campaigns.models import (
    AccountMetricDaily,
    MetricImport,
    Post,
    PostMetricDaily,
    PostMetricSnapshot,
    UnmatchedMetricRow,
)
from tests import fixtures_exports as exports

EDITOR = Actor(user_id=None, email="ed@school.example", role=Role.EDITOR)
VIEWER = Actor(user_id=None, email="view@school.example", role=Role.VIEWER)
TODAY = date(2025, 7, 1)
VIDEOS = exports.posts(3)


def _published(db: Engine, campaign: int, account: int, video: exports.Post, url: str) -> int:
    with transaction(db) as session:
        post = Post(
            campaign_id=campaign, account_id=account, text=video.title, status="published",
            scheduled_at=video.published.replace(tzinfo=UTC), published_url=url,
            published_at=video.published.replace(tzinfo=UTC), author="ed@school.example",
        )  # fmt: skip
        session.add(post)
        session.flush()
        return post.id


@pytest.fixture
def world(db: Engine) -> dict[str, int]:
    """A campaign, one account per network, and the fixture videos published on each."""
    ids = {
        "campaign": posts.create_campaign(
            db, EDITOR, posts.CampaignInput("Spring", date(2025, 5, 1), date(2025, 8, 1))
        )
    }
    for network in ("linkedin", "instagram", "youtube", "tiktok", "facebook"):
        ids[network] = posts.create_account(
            db, EDITOR, f"FR {network}", network, "@school", "fr", "Europe/Paris"
        )
    for index, video in enumerate(VIDEOS[:2]):  # the third video is on no post: unmatched
        ids[f"linkedin{index}"] = _published(
            db, ids["campaign"], ids["linkedin"], video,
            f"https://www.linkedin.com/posts/school_activity-{video.post_id}-abcd",
        )  # fmt: skip
        ids[f"youtube{index}"] = _published(
            db, ids["campaign"], ids["youtube"], video,
            f"https://www.youtube.com/watch?v={video.post_id}",
        )  # fmt: skip
        ids[f"instagram{index}"] = _published(
            db, ids["campaign"], ids["instagram"], video, exports.meta_url(video, "instagram")
        )
    return ids


def count(db: Engine, model: type) -> int:
    with read_only(db) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def snapshot(db: Engine, post_id: int) -> PostMetricSnapshot:
    with read_only(db) as session:
        found = session.scalar(
            select(PostMetricSnapshot).where(PostMetricSnapshot.post_id == post_id)
        )
        assert found is not None
        return found


def test_linkedin_posts_become_snapshots_and_the_page_series_daily_figures(
    db: Engine, world: dict[str, int]
) -> None:
    data = exports.linkedin_xlsx(VIDEOS, exports.days(3))
    report = importing.import_metrics(db, EDITOR, "content.xlsx", data, today=TODAY)
    assert (report.platform, report.imported, report.unmatched) == ("linkedin", 2 + 3, 1)
    assert report.rejected == 0
    first = snapshot(db, world["linkedin0"])
    assert (first.impressions, first.likes, first.as_of) == (1000, 40, TODAY)
    assert count(db, AccountMetricDaily) == 3
    assert report.summary == "content.xlsx: 5 new, 0 updated, 1 waiting for a post, 0 left out."


def test_the_same_file_twice_changes_nothing(db: Engine, world: dict[str, int]) -> None:
    data = exports.linkedin_xlsx(VIDEOS, exports.days(3))
    importing.import_metrics(db, EDITOR, "content.xlsx", data, today=TODAY)
    before = [count(db, m) for m in (PostMetricSnapshot, AccountMetricDaily, UnmatchedMetricRow)]

    again = importing.import_metrics(db, EDITOR, "renamed.xlsx", data, today=TODAY)

    assert again.already_imported_on is not None
    assert "was already imported" in again.summary
    assert (again.imported, again.updated) == (0, 0)
    after = [count(db, m) for m in (PostMetricSnapshot, AccountMetricDaily, UnmatchedMetricRow)]
    assert after == before
    assert count(db, MetricImport) == 1


def test_a_newer_export_updates_the_figures(db: Engine, world: dict[str, int]) -> None:
    importing.import_metrics(
        db, EDITOR, "june.xlsx", exports.linkedin_xlsx(VIDEOS[:2]), today=TODAY
    )
    grown = [VIDEOS[0].__class__(**{**VIDEOS[0].__dict__, "likes": 90}), VIDEOS[1]]
    report = importing.import_metrics(
        db, EDITOR, "june-later.xlsx", exports.linkedin_xlsx(grown), today=TODAY
    )
    assert (report.imported, report.updated) == (0, 1)
    assert snapshot(db, world["linkedin0"]).likes == 90
    assert count(db, PostMetricSnapshot) == 2


def test_youtube_zip_gives_daily_rows_per_video_and_drops_the_total(
    db: Engine, world: dict[str, int]
) -> None:
    data = exports.youtube_zip(VIDEOS[:2], exports.days(3))
    report = importing.import_metrics(db, EDITOR, "youtube.zip", data, today=TODAY)
    assert any("total" in note.lower() for note in report.notes)
    with read_only(db) as session:
        days = session.scalars(
            select(PostMetricDaily.day)
            .where(PostMetricDaily.post_id == world["youtube1"])
            .order_by(PostMetricDaily.day)
        ).all()
    assert days == [date(2025, 6, 1), date(2025, 6, 2), date(2025, 6, 3)]
    assert report.unmatched == 0


def test_a_french_meta_export_matches_by_permalink(db: Engine, world: dict[str, int]) -> None:
    data = exports.meta_csv(VIDEOS[:2], network="instagram", language="fr", thousands="\u202f")
    report = importing.import_metrics(db, EDITOR, "export.csv", data, platform="meta", today=TODAY)
    assert (report.platform, report.imported, report.unmatched) == ("instagram", 2, 0)
    assert snapshot(db, world["instagram1"]).reach == VIDEOS[1].reach


def test_unmatched_rows_wait_with_suggestions_then_confirmed_rows_stay_matched(
    db: Engine, world: dict[str, int]
) -> None:
    # A post of the third video exists, but nobody recorded its address at publication.
    third = _published(db, world["campaign"], world["linkedin"], VIDEOS[2], "")
    importing.import_metrics(db, EDITOR, "content.xlsx", exports.linkedin_xlsx(VIDEOS), today=TODAY)
    (group,) = importing.list_unmatched(db, VIEWER)
    assert group.title == VIDEOS[2].title
    assert group.suggestions[0].post_id == third
    assert "published the same day" in group.suggestions[0].why

    assert importing.confirm_unmatched(db, EDITOR, group.row_ids, third) == 1
    assert importing.list_unmatched(db, VIEWER) == []
    assert snapshot(db, third).impressions == VIDEOS[2].impressions
    # The post now carries the network's address, so the next export matches it by itself.
    grown = [*VIDEOS[:2], VIDEOS[2].__class__(**{**VIDEOS[2].__dict__, "likes": 99})]
    report = importing.import_metrics(
        db, EDITOR, "later.xlsx", exports.linkedin_xlsx(grown), today=TODAY
    )
    assert (report.unmatched, report.updated) == (0, 1)
    with pytest.raises(NotFound, match="already dealt with"):
        importing.dismiss_unmatched(db, EDITOR, group.row_ids)


def test_dismissed_rows_leave_the_queue(db: Engine, world: dict[str, int]) -> None:
    importing.import_metrics(db, EDITOR, "content.xlsx", exports.linkedin_xlsx(VIDEOS), today=TODAY)
    (group,) = importing.list_unmatched(db, VIEWER)
    with pytest.raises(PermissionDenied):
        importing.dismiss_unmatched(db, VIEWER, group.row_ids)
    assert importing.dismiss_unmatched(db, EDITOR, group.row_ids) == 1
    assert importing.list_unmatched(db, VIEWER) == []


def test_a_confirmed_row_must_go_to_a_post_of_the_same_network(
    db: Engine, world: dict[str, int]
) -> None:
    importing.import_metrics(db, EDITOR, "content.xlsx", exports.linkedin_xlsx(VIDEOS), today=TODAY)
    (group,) = importing.list_unmatched(db, VIEWER)
    with pytest.raises(InvalidInput, match="choose a post on a LinkedIn account"):
        importing.confirm_unmatched(db, EDITOR, group.row_ids, world["youtube0"])


def test_a_failure_during_the_import_leaves_the_data_as_it_was(
    db: Engine, world: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(importing.audit, "record", broken)
    with pytest.raises(RuntimeError):
        importing.import_metrics(
            db, EDITOR, "content.xlsx", exports.linkedin_xlsx(VIDEOS, exports.days(2)),
            today=TODAY,
        )  # fmt: skip
    for model in (MetricImport, PostMetricSnapshot, AccountMetricDaily, UnmatchedMetricRow):
        assert count(db, model) == 0


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", "empty"),
        ("header.csv", exports.tiktok_csv(()), "no"),
        ("notes.csv", b"Dear team,\nhere are the figures.\n", "does not look like"),
    ],
    ids=["empty", "header-only", "not-an-export"],
)
def test_a_malformed_file_is_refused_with_a_sentence_and_nothing_written(
    db: Engine, world: dict[str, int], name: str, data: bytes, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        importing.import_metrics(db, EDITOR, name, data, today=TODAY)
    assert count(db, MetricImport) == 0


def test_the_wrong_platform_is_named(db: Engine, world: dict[str, int]) -> None:
    with pytest.raises(InvalidInput, match="YouTube"):
        importing.import_metrics(
            db, EDITOR, "x.xlsx", exports.youtube_zip(VIDEOS), platform="linkedin", today=TODAY
        )


def test_negative_future_and_duplicated_rows_are_listed_not_dropped(
    db: Engine, world: dict[str, int]
) -> None:
    header = ["Post link", "Day", "Impressions", "Likes"]
    link0 = f"https://www.linkedin.com/posts/school_activity-{VIDEOS[0].post_id}-abcd"
    rows = [
        [link0, "2025-06-10", 100, 5],
        [link0, "2025-06-10", 120, 6],  # same post and day, other figures
        [link0, "2025-06-11", 100, -3],  # negative
        [link0, "2026-01-01", 100, 3],  # after the import day
        [link0, "2025-06-12", 100, 4],
    ]
    mapping = ColumnMapping(
        {"post_url": "Post link", "day": "Day", "impressions": "Impressions", "likes": "Likes"},
        platform="linkedin",
    )
    report = importing.import_metrics(
        db, EDITOR, "mine.csv", exports.generic_csv(header, rows), platform="csv",
        mapping=mapping, today=TODAY,
    )  # fmt: skip
    assert report.imported == 2
    assert report.rejected == 3
    reasons = " ".join(r.reason for r in report.rejections)
    assert "negative" in reasons
    assert "same post and day" in reasons
    assert "future" in reasons or "after" in reasons


def test_a_viewer_cannot_import(db: Engine, world: dict[str, int]) -> None:
    with pytest.raises(PermissionDenied):
        importing.import_metrics(
            db, VIEWER, "content.xlsx", exports.linkedin_xlsx(VIDEOS), today=TODAY
        )


def test_the_data_version_moves_with_each_import(db: Engine, world: dict[str, int]) -> None:
    before = importing.data_version(db)
    importing.import_metrics(db, EDITOR, "content.xlsx", exports.linkedin_xlsx(VIDEOS), today=TODAY)
    assert importing.data_version(db) != before
