"""Report buttons on the Campaigns and Applications & impact pages, driven like a comms person."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from campaigns import applications, jobs, posts
from campaigns.auth import Actor, Role
from tests.app.conftest import open_app, texts
from tests.integration.test_reports import KEY, SMALL_TODAY, _small_export


@pytest.fixture
def jobs_in_process(app_db: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Report jobs run at once, in the test, against the app's database and media folder."""
    jobs._resources.cache_clear()
    monkeypatch.setattr(jobs.huey, "immediate", True)
    yield
    jobs._resources.cache_clear()


@pytest.fixture
def officer(app_db: Engine, person) -> Actor:  # type: ignore[no-untyped-def]
    who: Actor = person(Role.PRIVACY_OFFICER)
    posts.create_campaign(
        app_db, who,
        posts.CampaignInput("Spring", SMALL_TODAY - timedelta(days=60),
                            SMALL_TODAY - timedelta(days=30), target_groups=("woman_in_tech",),
                            programmes=("Web developer",),
                            comparison_programmes=("Project manager",)),
    )  # fmt: skip
    applications.import_applications(
        app_db, who, "adm.csv", _small_export(600, "spring"), key=KEY, today=SMALL_TODAY
    )
    return who


def test_the_mission_report_is_made_in_the_background_and_offered_for_download(
    officer: Actor, jobs_in_process: None
) -> None:
    at = open_app(officer, "pages/impact.py")
    assert not at.exception
    assert "Mission report" in texts(at)
    at.selectbox(key="impact__mission_year").select(2026)
    at.radio(key="impact__mission_language").set_value("fr")
    at.button(key="impact__mission_make").click().run()
    assert not at.exception
    assert "The report is ready" in texts(at)
    assert at.get("download_button")


def test_the_campaign_report_button_makes_the_opened_campaigns_report(
    officer: Actor, jobs_in_process: None
) -> None:
    at = open_app(officer, "pages/campaigns.py")
    assert not at.exception
    at.radio(key="campaigns__report_format").set_value("html")
    at.button(key="campaigns__report_make").click().run()
    assert not at.exception
    assert "The report is ready" in texts(at)
    assert at.get("download_button")
