"""Handing over for publishing: the pack, the iCalendar and CSV exports, the CLI's exit codes."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import Engine

from campaigns import catalogue, consent, posts, publishing
from campaigns.auth import Actor, Role
from campaigns.cli import main
from campaigns.db import make_engine, transaction, upgrade_database
from campaigns.errors import PermissionDenied
from campaigns.models import Campaign, Portrait, PortraitPerson, PortraitVersion
from campaigns.posts import CampaignInput, PostInput
from campaigns.storage import LocalStore
from tests.fixtures_people import PDF, consent_form, profile

AUTHOR = Actor(user_id=None, email="author@school.example", role=Role.EDITOR)
REVIEWER = Actor(user_id=None, email="reviewer@school.example", role=Role.EDITOR)
VIEWER = Actor(user_id=None, email="viewer@school.example", role=Role.VIEWER)
TODAY = date.today()
SOON = datetime.combine(TODAY + timedelta(days=10), datetime.min.time()).replace(hour=12)
SCRIPT = "<script>alert('x')</script> Meet Amina, who retrained as a web developer."


def build_world(db: Engine, store: LocalStore) -> dict[str, int]:
    """A person with consent, a rendered LinkedIn version in the store, a campaign, accounts."""
    person = catalogue.create_role_model(db, AUTHOR, profile())
    consent.record_consent(
        db, store, AUTHOR, person, consent_form(TODAY), consent.Proof("p.pdf", PDF)
    )
    store.put_bytes("v/1.mp4", b"\x00\x00\x00\x18ftypmp42 fake video", "video/mp4")
    store.put_bytes("v/1.jpg", b"\xff\xd8\xff fake cover", "image/jpeg")
    store.put_bytes("v/1.srt", b"1\n00:00:00,000 --> 00:00:01,000\nHello\n", "text/plain")
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
        version = PortraitVersion(
            portrait_id=portrait.id, preset="linkedin_1x1", status="done",
            output_key="v/1.mp4", cover_key="v/1.jpg", captions_key="v/1.srt",
        )  # fmt: skip
        queued = PortraitVersion(portrait_id=portrait.id, preset="linkedin_4x5", status="queued")
        session.add_all([version, queued])
        session.flush()
        ids = {"person": person, "version": version.id, "queued": queued.id}
    ids["campaign"] = posts.create_campaign(
        db,
        AUTHOR,
        CampaignInput("Women in tech — spring", TODAY, TODAY + timedelta(days=60)),
    )
    ids["linkedin"] = posts.create_account(
        db, AUTHOR, "UK LinkedIn", "linkedin", "@school", "en", "Europe/London"
    )
    return ids


@pytest.fixture
def world(db: Engine, store: LocalStore) -> dict[str, int]:
    """The world of build_world on the parametrised database."""
    return build_world(db, store)


def plan(db: Engine, world: dict[str, int], *, version: str = "version", hours: int = 0) -> int:
    """A LinkedIn post, approved by a second person."""
    post_id = posts.create_post(
        db,
        AUTHOR,
        PostInput(
            campaign_id=world["campaign"],
            account_id=world["linkedin"],
            local_time=SOON + timedelta(hours=hours),
            text=SCRIPT,
            link="https://school.example/apply",
            hashtags=("WomenInTech", "#Apply"),
            first_comment="Applications close in May.",
            alt_text="Amina at her desk.",
            portrait_version_id=world[version],
        ),
    )
    posts.move_post(db, AUTHOR, post_id, version_of(db, post_id), "submit")
    posts.move_post(db, REVIEWER, post_id, version_of(db, post_id), "approve")
    return post_id


def version_of(db: Engine, post_id: int) -> int:
    """The version a person opening the post now would see."""
    return publishing.get_post(db, AUTHOR, post_id).version


def test_the_pack_holds_media_texts_link_and_a_checklist(
    db: Engine, store: LocalStore, world: dict[str, int]
) -> None:
    post_id = plan(db, world)
    pack = zipfile.ZipFile(io.BytesIO(publishing.publishing_pack(db, store, AUTHOR, post_id)))
    assert sorted(pack.namelist()) == sorted(
        [
            f"post-{post_id}-linkedin_1x1.mp4",
            f"post-{post_id}-cover.jpg",
            f"post-{post_id}-captions.srt",
            "post.txt",
            "alt-text.txt",
            "link.txt",
            "checklist.md",
        ]
    )
    assert pack.read(f"post-{post_id}-linkedin_1x1.mp4").endswith(b"fake video")
    text = pack.read("post.txt").decode()
    assert SCRIPT in text and "#WomenInTech #Apply" in text and "Applications close" in text
    assert "utm_content=post-" in pack.read("link.txt").decode()
    checklist = pack.read("checklist.md").decode()
    assert "UK LinkedIn" in checklist
    assert "12:00 (Europe/London)" in checklist
    assert "Status: Approved" in checklist
    assert "approved by reviewer@school.example" in checklist
    assert "Featured: Amina Diallo" in checklist


def test_a_pack_for_a_version_still_rendering_says_so_and_has_no_video(
    db: Engine, store: LocalStore, world: dict[str, int]
) -> None:
    post_id = posts.create_post(
        db,
        AUTHOR,
        PostInput(
            world["campaign"], world["linkedin"], SOON, "Hello", portrait_version_id=world["queued"]
        ),
    )
    pack = zipfile.ZipFile(io.BytesIO(publishing.publishing_pack(db, store, AUTHOR, post_id)))
    assert not [n for n in pack.namelist() if n.endswith(".mp4")]
    assert "The video version is not ready" in pack.read("checklist.md").decode()


def test_a_viewer_cannot_download_a_pack(
    db: Engine, store: LocalStore, world: dict[str, int]
) -> None:
    post_id = plan(db, world)
    with pytest.raises(PermissionDenied):
        publishing.publishing_pack(db, store, VIEWER, post_id)


def test_the_ics_has_one_utc_event_per_approved_or_scheduled_post(
    db: Engine, world: dict[str, int]
) -> None:
    first = plan(db, world)
    second = plan(db, world, hours=5)
    posts.move_post(db, AUTHOR, second, version_of(db, second), "schedule")
    posts.create_post(  # a draft: not exported
        db, AUTHOR, PostInput(world["campaign"], world["linkedin"], SOON, "Draft only")
    )
    calendar = icalendar.Calendar.from_ical(publishing.calendar_ics(db, VIEWER))
    events = list(calendar.walk("VEVENT"))
    assert [str(e["UID"]) for e in events] == [
        f"post-{first}@spotlight",
        f"post-{second}@spotlight",
    ]
    start = events[0].decoded("DTSTART")
    assert start.utcoffset() == timedelta(0)
    local = SOON.replace(tzinfo=ZoneInfo("Europe/London"))
    assert start == local.astimezone(UTC)
    assert events[0].decoded("DURATION") == timedelta(minutes=15)
    summary = str(events[0]["SUMMARY"])
    assert summary == "UK LinkedIn: <script>alert('x')</script> Meet Amina, who retrained as a web…"
    assert "utm_campaign=women-in-tech-spring" in str(events[0]["DESCRIPTION"])
    assert "Status: Approved" in str(events[0]["DESCRIPTION"])
    assert "DTSTAMP" in events[0]
    assert b"DTSTART:" in publishing.calendar_ics(db, VIEWER)  # UTC form, no TZID


def test_the_csv_reads_back_with_the_scheduler_columns(db: Engine, world: dict[str, int]) -> None:
    post_id = plan(db, world)
    data = publishing.scheduler_csv(db, VIEWER)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0]) == list(publishing.CSV_COLUMNS)
    (row,) = rows
    assert row["date"] == f"{SOON:%Y-%m-%d}" and row["time"] == "12:00"
    assert row["timezone"] == "Europe/London"
    assert row["account"] == "UK LinkedIn" and row["network"] == "linkedin"
    assert row["text"] == SCRIPT + " #WomenInTech #Apply"  # the script tag is just characters
    assert f"utm_content=post-{post_id}" in row["link"]
    assert row["media file name"] == f"post-{post_id}-linkedin_1x1.mp4"


def test_representation_counts_posts_featuring_each_target_group(
    db: Engine, world: dict[str, int]
) -> None:
    plan(db, world)
    posts.create_post(
        db, AUTHOR, PostInput(world["campaign"], world["linkedin"], SOON, "Nobody featured")
    )
    with transaction(db) as session:
        campaign = session.get(Campaign, world["campaign"])
        assert campaign is not None
        campaign.target_groups = ["woman_in_tech", "disability"]
        campaign.kpis = {"target_share": 0.5}
    shown = publishing.campaign_representation(db, VIEWER, world["campaign"], SOON.date())
    assert shown.posts == 2
    assert shown.target_share == 0.5
    shares = {g.group: (g.posts, g.share) for g in shown.groups}
    assert shares == {"woman_in_tech": (1, 0.5), "disability": (0, 0.0)}


@pytest.fixture
def cli_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str) -> dict[str, int]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SPOTLIGHT_DATABASE_URL", database_url)
    monkeypatch.setenv("SPOTLIGHT_MEDIA_STORE", str(tmp_path / "media"))
    engine = make_engine(database_url)
    upgrade_database(engine)
    world = build_world(engine, LocalStore(tmp_path / "media"))
    world["post"] = plan(engine, world)
    engine.dispose()
    return world


def test_cli_exports_ics_and_csv(
    cli_world: dict[str, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ics, table = tmp_path / "posts.ics", tmp_path / "posts.csv"
    assert main(["schedule", "export", "--ics", str(ics), "--csv", str(table)]) == 0
    assert "1 post" in capsys.readouterr().out
    events = list(icalendar.Calendar.from_ical(ics.read_bytes()).walk("VEVENT"))
    assert str(events[0]["UID"]) == f"post-{cli_world['post']}@spotlight"
    assert table.read_bytes().startswith(b"\xef\xbb\xbfdate,time,timezone")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["schedule", "export"], "Say where to write"),
        (["schedule", "export", "--ics", "calendar.txt"], "Name the calendar file .ics"),
        (["schedule", "export", "--csv", "posts.xlsx"], "Name the scheduler file .csv"),
        (["schedule", "export", "--ics", "no/such/folder/a.ics"], "cannot write"),
    ],
)
def test_cli_export_bad_input_exits_2_with_one_sentence(
    cli_world: dict[str, int], capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1


def test_cli_export_internal_error_exits_1(
    cli_world: dict[str, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("boom")

    monkeypatch.setattr(publishing, "calendar_ics", broken)
    assert main(["schedule", "export", "--ics", str(tmp_path / "a.ics")]) == 1
    assert "something went wrong" in capsys.readouterr().err


def test_demo_campaigns_cover_every_state_and_one_tiktok_consent_block(
    db: Engine, store: LocalStore
) -> None:
    from campaigns import demo
    from campaigns.scheduling import POST_STATUSES

    demo.load_demo(db, store)
    shown = posts.list_posts(db, VIEWER)
    assert {p.status for p in shown} == set(POST_STATUSES)
    assert {c.name for c in publishing.list_campaigns(db, VIEWER)} == {
        "Women in tech — spring intake",
        "Disability employment week",
        "Career changers at 40+",
        # The two years of published posts behind the Reach dashboards:
        "Role models all year",
        "Women in tech — autumn intake 2025",
    }
    (tiktok,) = [p for p in shown if p.network == "tiktok" and p.status != "published"]
    assert any(
        "TikTok" in reason or "consent" in reason.lower() for reason in tiktok.blocked_reasons
    )
    assert demo.load_demo(db, store).created.get("planned posts", 0) == 0
