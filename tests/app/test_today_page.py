"""The Today page lists upcoming posts and, at once, those a withdrawal blocked."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from campaigns import catalogue, consent, posts
from campaigns.auth import Actor
from campaigns.posts import CampaignInput, PostInput
from campaigns.storage import LocalStore
from tests.app.conftest import open_app, texts
from tests.fixtures_people import PDF, consent_form, profile


def test_a_withdrawal_shows_the_blocked_post_on_today(
    admin: Actor, app_db: Engine, tmp_path: Path
) -> None:
    today = date.today()
    person = catalogue.create_role_model(app_db, admin, profile())
    consent.record_consent(
        app_db, LocalStore(tmp_path / "m"), admin, person, consent_form(today),
        consent.Proof("p.pdf", PDF),
    )  # fmt: skip
    campaign = posts.create_campaign(
        app_db, admin, CampaignInput("Spring", today, today + timedelta(days=30))
    )
    account = posts.create_account(
        app_db, admin, "FR LinkedIn", "linkedin", "", "fr", "Europe/Paris"
    )
    when = datetime.combine(today + timedelta(days=3), datetime.min.time()).replace(hour=10)
    posts.create_post(
        app_db, admin,
        PostInput(
            campaign, account, when, "Meet Amina.", alt_text="Amina at her desk.",
            role_model_ids=(person,),
        ),
    )  # fmt: skip
    at = open_app(admin)
    assert "FR LinkedIn" in texts(at)
    assert not at.error
    consent.withdraw_consent(app_db, admin, person, today, "e-mail")
    at = open_app(admin)
    blocked = " ".join(e.value for e in at.error)
    assert "FR LinkedIn" in blocked
    assert "withdrawn" in blocked
