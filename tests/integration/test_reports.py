"""Reports: the demo campaign and the demo year as PDF, looked at page by page, on both databases.

Every page of the demo reports is saved as a PNG under test-artifacts/reports/ (with the PDF),
so that a person can look at them. The demo is loaded once per database for the module (about
15 s); the French edition and the byte-for-byte check run on SQLite only.
"""

from __future__ import annotations

import io
import random
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url

from campaigns import applications, effect, impact, posts
from campaigns.auth import SYSTEM, Actor, Role
from campaigns.db import make_engine, read_only, transaction, upgrade_database
from campaigns.demo_applications import LIFT_CAMPAIGN, demo_admissions_csv
from campaigns.demo_campaigns import load_demo_campaigns
from campaigns.demo_metrics import load_demo_metrics
from campaigns.demo_people import demo_people, load_demo_people
from campaigns.demo_portraits import load_demo_portraits
from campaigns.models import Campaign, ChannelAccount, PortraitVersion, Post, PostMetricDaily
from campaigns.reports import Report, ReportRequest, ReportSettings, make_report
from campaigns.reports.campaign import CampaignFigures
from campaigns.reports.figures import figures_of
from campaigns.reports.mission import MissionFigures
from campaigns.reports.render import Formats, campaign_html, pdf_document
from campaigns.representation import representation_overview
from campaigns.storage import LocalStore
from tests.conftest import POSTGRES_URL, skip_or_fail

TODAY = date(2026, 11, 29)  # the day the demo admissions export is made for (fixed: repeatable)
SETTINGS = ReportSettings(sensitive_threshold=11, gender_threshold=5, consent_on=TODAY)
KEY = b"k" * 32
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "reports"
DEMO_YEAR = "2025"


@dataclass(frozen=True)
class Demo:
    backend: str
    db: Engine
    store: LocalStore


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Demo]:
    """The demo dataset as of TODAY, with its admissions export imported, once per database."""
    folder = tmp_path_factory.mktemp(f"reports-{request.param}")
    admin = None
    name = ""
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'spotlight.db'}"
    else:
        if not POSTGRES_URL:
            skip_or_fail("PostgreSQL tests need SPOTLIGHT_TEST_POSTGRES_URL (`.ci/run` sets it)")
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        name = f"spotlight_test_{uuid.uuid4().hex[:12]}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    db = make_engine(url)
    try:
        upgrade_database(db)
        store = LocalStore(folder / "media")
        load_demo_people(db, store, SYSTEM, TODAY)
        rendered = load_demo_portraits(db, store, SYSTEM, TODAY)
        load_demo_campaigns(db, SYSTEM, TODAY)
        load_demo_metrics(db, SYSTEM, TODAY)
        _covers(db, store, [v for batch in rendered for v in batch])
        # The reports read the demo year and the one before; the months after it would only
        # slow the import down (it is most of the fixture's time).
        lines = demo_admissions_csv(db, TODAY).decode().splitlines(keepends=True)
        kept = [line for line in lines[1:] if line.split(",")[1][:4] <= DEMO_YEAR]
        data = "".join([lines[0], *kept]).encode()
        applications.import_applications(db, SYSTEM, "demo.csv", data, key=KEY, today=TODAY)
        yield Demo(request.param, db, store)
    finally:
        db.dispose()
        if admin is not None:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def _covers(db: Engine, store: LocalStore, version_ids: list[int]) -> None:
    """Stand in for the renderer (minutes of ffmpeg): each demo version gets the cover it would
    have, and a few posts of the demo campaign use them."""
    with transaction(db) as session:
        versions = list(
            session.scalars(select(PortraitVersion).where(PortraitVersion.id.in_(version_ids)))
        )
        for number, version in enumerate(versions):
            picture = Image.new("RGB", (540, 960), (0, 95 + 20 * number, 115))
            buffer = io.BytesIO()
            picture.save(buffer, format="JPEG")
            key = f"portraits/{version.portrait_id}/versions/{version.id}/cover.jpg"
            version.cover_key = store.put_bytes(key, buffer.getvalue(), "image/jpeg").key
            version.status, version.finished_at = "done", datetime(2025, 8, 20, tzinfo=UTC)
        presets = {v.preset: v.id for v in versions}
        campaign = session.scalar(select(Campaign).where(Campaign.code == LIFT_CAMPAIGN))
        assert campaign is not None
        for network, preset in (("instagram", "instagram_reels"), ("linkedin", "linkedin_1x1")):
            seen_most = session.scalars(
                select(Post)
                .join(ChannelAccount, ChannelAccount.id == Post.account_id)
                .join(PostMetricDaily, PostMetricDaily.post_id == Post.id)
                .where(Post.campaign_id == campaign.id, ChannelAccount.network == network)
                .group_by(Post.id)
                .order_by(func.sum(PostMetricDaily.impressions).desc())
                .limit(3)
            )
            for post in seen_most:
                post.portrait_version_id = presets[preset]


def _save(report: Report, name: str) -> list[str]:
    """Keep the PDF and a PNG of each page for people to look at; return each page's text."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.pdf").write_bytes(report.data)
    document = pdfium.PdfDocument(report.data)
    pages = []
    for number, page in enumerate(document, start=1):
        page.render(scale=1.4).to_pil().save(ARTIFACTS / f"{name}-page{number}.png")
        pages.append(page.get_textpage().get_text_range())
    return pages


def _words(text_: str) -> str:
    """Text with every run of white space as one space (PDF text breaks lines anywhere)."""
    return re.sub(r"\s+", " ", text_.replace("\u00a0", " ").replace("\u202f", " "))


@pytest.fixture(scope="module")
def campaign_report(demo: Demo) -> tuple[Report, str]:
    request = ReportRequest("campaign", LIFT_CAMPAIGN, "en", "pdf")
    report = make_report(demo.db, demo.store, SYSTEM, request, SETTINGS)
    pages = _save(report, f"{demo.backend}-campaign-{LIFT_CAMPAIGN}-en")
    return report, _words(" ".join(pages))


@pytest.fixture(scope="module")
def mission_report(demo: Demo) -> tuple[Report, str]:
    request = ReportRequest("mission", DEMO_YEAR, "en", "pdf")
    report = make_report(demo.db, demo.store, SYSTEM, request, SETTINGS)
    pages = _save(report, f"{demo.backend}-mission-{DEMO_YEAR}-en")
    return report, _words(" ".join(pages))


def test_the_demo_campaign_report_opens_as_a_pdf_with_its_figures(
    campaign_report: tuple[Report, str],
) -> None:
    report, shown = campaign_report
    figures = report.figures
    assert isinstance(figures, CampaignFigures)
    assert report.data.startswith(b"%PDF-") and report.pages is not None and report.pages >= 4
    assert "Women in tech — autumn intake 2025" in shown
    assert "1 Sept 2025 to 31 Oct 2025" in shown
    headings = (
        "Role models featured", "Posts per network", "Reach and engagement against",
        "Applications through the campaign's tracked links", "Effect on applications from women",
        "Accessibility of the content",
    )  # fmt: skip
    for heading in headings:
        assert heading in shown
    assert "A lower bound, not the campaign's effect." in shown
    women = figures.effects[0]
    assert women.verdict == "effect" and women.ci_low_pp is not None
    f = Formats("en")
    assert f"{f.pts(women.ci_low_pp)} to {f.pts(women.ci_high_pp)} points" in shown
    assert "Before the campaign" in shown and "Placebo dates" in shown
    assert f"Period: {women.n_pre_days} days before the start" in shown
    assert "Data as of" in shown and "counts under 11 are hidden" in shown
    # Only people whose consent covers reports are named; the others are counted.
    assert figures.featured and figures.featured_withheld > 0
    assert all(person.name in shown for person in figures.featured)
    assert f"{figures.featured_withheld} more people featured" in shown
    assert any(card.cover for card in figures.posts)
    created = pdfium.PdfDocument(report.data).get_metadata_dict()["CreationDate"]
    assert figures.data_timestamp is not None
    assert created.startswith(f"D:{figures.data_timestamp:%Y%m%d%H%M%S}")


def test_the_mission_report_of_the_demo_year_shows_targets_campaigns_and_methods(
    demo: Demo, mission_report: tuple[Report, str]
) -> None:
    report, shown = mission_report
    figures = report.figures
    assert isinstance(figures, MissionFigures)
    assert report.data.startswith(b"%PDF-") and report.pages is not None and report.pages >= 3
    assert "Mission report 2025" in shown
    assert "1 Jan 2025 to 31 Dec 2025" in shown
    enrolled = next(t for t in figures.targets if t.key == "women_enrolled")
    f = Formats("en")
    assert f"{f.pct(enrolled.ci_low)} – {f.pct(enrolled.ci_high)}" in shown
    assert enrolled.previous_share is not None and enrolled.change_pp is not None
    assert "Students from priority groups" in shown and "70%" in shown
    assert "Women in tech — autumn intake 2025" in shown
    assert "not enough data to tell" in shown  # the all-year campaign has no history before it
    assert "Methods" in shown and "difference-in-differences with AR(1) errors" in shown
    assert "Role models by category" in shown and "fewer than 11" in shown
    # The same counts as the catalogue's representation overview, where they are shown.
    overview = representation_overview(demo.db, SYSTEM, TODAY, 30).availability
    people = dict(zip(overview["group"], overview["people"], strict=True))
    for count in figures.role_models:
        if count.people:
            assert people[count.label] == count.people


def test_no_disability_figure_below_the_threshold_reaches_a_report(
    demo: Demo, campaign_report: tuple[Report, str], mission_report: tuple[Report, str]
) -> None:
    mission = mission_report[0].figures
    campaign = campaign_report[0].figures
    assert isinstance(mission, MissionFigures) and isinstance(campaign, CampaignFigures)
    for count in mission.role_models:
        assert count.people is None or count.people == 0 or count.people >= count.threshold
    disability = next(c for c in mission.role_models if c.category == "disability")
    assert disability.threshold == 11
    for group in campaign.applications_by_group:
        assert group.applications is None or group.applications >= group.threshold
    for month in mission.monthly:
        assert month.total >= 11 or month.share is None


def test_no_contact_or_health_detail_reaches_a_report(
    campaign_report: tuple[Report, str], mission_report: tuple[Report, str]
) -> None:
    shown = campaign_report[1] + " " + mission_report[1]
    for person in demo_people():
        profile = person.profile
        assert profile.email not in shown
        assert profile.phone not in shown
        if profile.disability_details:
            assert profile.disability_details not in shown
        if profile.accessibility_needs:
            assert profile.accessibility_needs not in shown
    assert "@demo.example.org" not in shown
    assert "ADM-" not in shown  # no application's reference


@pytest.mark.parametrize("demo", ["sqlite"], indirect=True)  # once is enough
def test_the_french_edition_writes_decimal_commas_and_gives_the_same_figures(
    demo: Demo, mission_report: tuple[Report, str]
) -> None:
    request = ReportRequest("mission", DEMO_YEAR, "fr", "pdf")
    french = make_report(demo.db, demo.store, SYSTEM, request, SETTINGS)
    shown = _words(" ".join(_save(french, f"{demo.backend}-mission-{DEMO_YEAR}-fr")))
    figures = french.figures
    assert isinstance(figures, MissionFigures)
    enrolled = next(t for t in figures.targets if t.key == "women_enrolled")
    assert enrolled.share is not None
    assert f"{100 * enrolled.share:.1f} %".replace(".", ",") in shown  # 22,5 % with a comma
    assert "2025" in shown and "janv. 2025" in shown
    assert pdfium.PdfDocument(french.data).get_metadata_dict().get("Title")
    # Reproducible: the same data gives the same figures, whatever the language.
    assert figures_of(figures) == figures_of(mission_report[0].figures)


@pytest.mark.parametrize("demo", ["sqlite"], indirect=True)  # once is enough
def test_the_same_data_gives_the_same_document(
    demo: Demo, campaign_report: tuple[Report, str]
) -> None:
    figures = campaign_report[0].figures
    assert isinstance(figures, CampaignFigures)
    html = campaign_html(figures, "en")
    assert campaign_html(figures, "en") == html
    first, pages = pdf_document(html)
    assert pdf_document(html) == (first, pages)


# --- A small campaign: what the page hides, the report hides --------------------------------

OFFICER = Actor(user_id=None, email="officer@school.example", role=Role.PRIVACY_OFFICER)
SMALL_TODAY = date(2026, 6, 30)


def _small_export(rows: int, campaign: str) -> bytes:
    """Applications over 200 days, half to a promoted programme and half to a comparison one,
    about a quarter from women; the first three arrive through the campaign's tracked link."""
    rng = random.Random(3)
    lines = ["application_id,submitted_at,programme,programme_family,gender,disability,"
             "priority_groups,utm_campaign,status"]  # fmt: skip
    for n in range(rows):
        day = SMALL_TODAY - timedelta(days=1 + n % 200)
        promoted = rng.random() < 0.5
        lines.append(
            f"A{n},{day.isoformat()},{'Web developer' if promoted else 'Project manager'},"
            f"{'tech' if promoted else 'non_tech'},{'woman' if rng.random() < 0.25 else 'man'},"
            f"{'yes' if rng.random() < 0.02 else 'no'},"
            f"{'jobseeker' if rng.random() < 0.6 else ''},{campaign if n < 3 else ''},"
            f"{'enrolled' if rng.random() < 0.2 else 'applied'}"
        )
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def small(db: Engine, store: LocalStore) -> tuple[Engine, LocalStore]:
    posts.create_campaign(
        db, OFFICER,
        posts.CampaignInput("Spring", SMALL_TODAY - timedelta(days=60),
                            SMALL_TODAY - timedelta(days=30), target_groups=("woman_in_tech",),
                            programmes=("Web developer",),
                            comparison_programmes=("Project manager",),
                            kpis=(("applications", 20.0),)),
    )  # fmt: skip
    applications.import_applications(
        db, OFFICER, "adm.csv", _small_export(1200, "spring"), key=KEY, today=SMALL_TODAY
    )
    return db, store


def test_a_cell_hidden_on_the_page_is_hidden_in_the_report(
    small: tuple[Engine, LocalStore],
) -> None:
    db, store = small
    # What the Applications page shows: impact.attribution, with the settings' thresholds.
    with read_only(db) as session:
        campaign_id = session.scalar(select(Campaign.id).where(Campaign.code == "spring"))
    assert campaign_id is not None
    page = impact.attribution(db, OFFICER, campaign_id, SETTINGS.thresholds)
    hidden_on_page = {
        str(row["group"]) for row in page.by_group.to_dict("records") if row["applications"] is None
    }
    assert "Women" in hidden_on_page and 0 < page.total < 11  # 3 tracked applications
    # The page's effect checks blank the weeks that would reveal fewer than 5 women.
    series = impact.effect_input(db, OFFICER, "women", campaign_code="spring")
    found = effect.estimate_effect(series.daily, series.start, series.end, group_label="women")
    assert found.pre_trend is not None
    weekly = impact.suppress_shares(found.pre_trend.weekly, 5)
    blank_on_page = {
        (week.date(), arm)
        for week, arm, share in zip(weekly["week"], weekly["arm"], weekly["share"], strict=True)
        if share != share  # NaN: hidden
    }
    assert blank_on_page

    report = make_report(
        db, store, OFFICER, ReportRequest("campaign", "spring", "en", "pdf"), SETTINGS
    )
    figures = report.figures
    assert isinstance(figures, CampaignFigures)
    assert figures.applications_total is None
    hidden_in_report = {g.label for g in figures.applications_by_group if g.applications is None}
    assert hidden_on_page <= hidden_in_report
    blank_in_report = {(w.week, w.arm) for w in figures.effects[0].weekly if w.share is None}
    assert blank_on_page == blank_in_report
    shown = _words(" ".join(_save(report, f"small-{db.dialect.name}-campaign-spring")))
    assert "fewer than 11" in shown and "fewer than 5" in shown
    assert shown.count(" hidden") >= len(blank_in_report)  # the weekly table says which
    assert not re.search(r"All tracked applications 3\b", shown)
    goal = next(k for k in figures.kpis if k.key == "applications")
    assert goal.achieved is None  # the goal's count is hidden too


def test_a_report_job_leaves_its_file_and_says_each_step(
    small: tuple[Engine, LocalStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    from campaigns import jobs

    db, store = small
    monkeypatch.setenv("SPOTLIGHT_DATABASE_URL", db.url.render_as_string(hide_password=False))
    monkeypatch.setenv("SPOTLIGHT_MEDIA_STORE", str(store.root))
    jobs._resources.cache_clear()
    monkeypatch.setattr(jobs.huey, "immediate", True)
    old = store.put_bytes("reports/2020-01-01/abc/mission-report-2019-en.pdf", b"%PDF-", "x").key
    try:
        job = jobs.enqueue_report(ReportRequest("mission", "2026", "fr", "html"), OFFICER)
        status = jobs.report_status(job)
        assert status is not None and status.state == "done", status
        assert status.key and store.read_bytes(status.key).startswith(b"<!DOCTYPE html>")
        assert 'lang="fr"' in store.read_bytes(status.key).decode()
        assert "Counting role models by category" in status.steps
        assert not store.exists(old)  # reports are kept a week, then deleted
        missing = jobs.enqueue_report(ReportRequest("campaign", "nope", "en", "pdf"), OFFICER)
        failed = jobs.report_status(missing)
        assert failed is not None and failed.state == "failed"
        assert failed.error == "There is no campaign with the code “nope”."
    finally:
        jobs._resources.cache_clear()


# --- The command line ------------------------------------------------------------------------


@pytest.fixture
def cli(small: tuple[Engine, LocalStore], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db, store = small
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SPOTLIGHT_DATABASE_URL", db.url.render_as_string(hide_password=False))
    monkeypatch.setenv("SPOTLIGHT_MEDIA_STORE", str(store.root))
    return tmp_path


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["report", "campaign", "nope", "--out", "r.pdf"],
         "There is no campaign with the code “nope”."),
        (["report", "campaign", "spring", "--out", "r.docx"],
         "Name the report file .pdf or .html (for example report.pdf)."),
        (["report", "campaign", "spring", "--out", "r.pdf", "--language", "de"],
         "“de” is not a language of the reports: choose en or fr."),
        (["report", "mission", "--year", "20x5", "--out", "m.pdf"],
         "“20x5” is not a year: write it with four digits, e.g. 2025."),
        (["report", "mission", "--year", "2019", "--out", "m.pdf"],
         "There are no applications in 2019: Spotlight holds applications from 2025 to 2026."),
    ],
)  # fmt: skip
def test_a_report_asked_for_wrongly_exits_2_with_one_sentence(
    cli: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    from campaigns.cli import main

    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err == f"Error: {message}\n"
    assert not (cli / "r.pdf").exists() and not (cli / "m.pdf").exists()


def test_the_command_line_writes_both_reports(
    cli: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from campaigns.cli import main

    assert main(["report", "campaign", "spring", "--out", "spring.html", "--json"]) == 0
    written = json.loads(capsys.readouterr().out)
    assert written["file"] == "spring.html" and written["format"] == "html"
    assert '<html lang="en">' in (cli / "spring.html").read_text(encoding="utf-8")
    assert main(["report", "mission", "--year", "2026", "--out", "m.pdf", "--language", "fr"]) == 0
    said = capsys.readouterr().out
    assert said.startswith("Wrote the mission report 2026 to m.pdf (")
    assert (cli / "m.pdf").read_bytes().startswith(b"%PDF-")
