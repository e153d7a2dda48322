"""Importing admissions exports: pseudonyms, refusals, idempotency, updates, attribution."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from datetime import date

import pytest
from sqlalchemy import Engine, func, select

from campaigns import applications, posts
from campaigns.auth import Actor, Role
from campaigns.db import read_only
from campaigns.errors import InvalidInput, PermissionDenied
from campaigns.models import Application, ApplicationImport

OFFICER = Actor(user_id=None, email="dpo@school.example", role=Role.PRIVACY_OFFICER)
EDITOR = Actor(user_id=None, email="ed@school.example", role=Role.EDITOR)
KEY = b"a test key that is long enough"
TODAY = date(2026, 6, 30)
HEADER = ["Application ID", "Submitted", "Programme", "Family", "Gender", "Disability",
          "Priority groups", "utm_campaign", "utm_content", "Status"]  # fmt: skip


def export(rows: list[list[object]], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def row(app_id: str, **values: object) -> list[object]:
    fields: dict[str, object] = {
        "Submitted": "2026-06-01 10:00", "Programme": "Web developer", "Family": "tech",
        "Gender": "F", "Disability": "non", "Priority groups": "jobseeker; QPV",
        "utm_campaign": "", "utm_content": "", "Status": "applied",
    }  # fmt: skip
    fields.update(values)
    return [app_id, *(fields[h] for h in HEADER[1:])]


def held(db: Engine) -> list[Application]:
    with read_only(db) as session:
        return list(session.scalars(select(Application).order_by(Application.id)))


def test_ids_become_keyed_hashes_and_answers_are_normalised(db: Engine) -> None:
    data = export([row("ADM-1"), row("ADM-2", Gender="homme", Disability="RQTH", Status="inscrit")])
    report = applications.import_applications(db, OFFICER, "adm.csv", data, key=KEY, today=TODAY)
    assert (report.imported, report.rejected) == (2, 0)
    first, second = held(db)
    assert first.ref == hmac.new(KEY, b"ADM-1", hashlib.sha256).hexdigest()
    assert "ADM-1" not in first.ref
    assert (first.gender, first.disability, first.priority_groups) == (
        "woman", "no", ["jobseeker", "disadvantaged_area"],
    )  # fmt: skip
    assert (second.gender, second.disability, second.status) == ("man", "yes", "enrolled")


def test_a_column_of_names_or_e_mails_refuses_the_whole_file(db: Engine) -> None:
    data = export([[*row("ADM-1"), "ada@example.org"]], [*HEADER, "Email"])
    with pytest.raises(InvalidInput, match="column “Email”: Spotlight does not keep"):
        applications.import_applications(db, OFFICER, "adm.csv", data, key=KEY, today=TODAY)
    hidden = export([row("ADM-1", Programme="ada@example.org")])
    with pytest.raises(InvalidInput, match="Row 2 holds an e-mail address"):
        applications.import_applications(db, OFFICER, "adm.csv", hidden, key=KEY, today=TODAY)
    with read_only(db) as session:
        assert session.scalar(select(func.count(ApplicationImport.id))) == 0


def test_the_same_file_twice_changes_nothing_and_a_newer_status_applies(db: Engine) -> None:
    data = export([row("ADM-1"), row("ADM-2")])
    applications.import_applications(db, OFFICER, "adm.csv", data, key=KEY, today=TODAY)
    again = applications.import_applications(db, OFFICER, "adm.csv", data, key=KEY, today=TODAY)
    assert again.already_imported_on is not None
    newer = export([row("ADM-1", Status="admitted"), row("ADM-2")])
    report = applications.import_applications(db, OFFICER, "adm2.csv", newer, key=KEY, today=TODAY)
    assert (report.imported, report.updated) == (0, 1)
    assert [a.status for a in held(db)] == ["admitted", "applied"]


def test_bad_rows_are_listed_with_their_reason_and_the_rest_imported(db: Engine) -> None:
    data = export([
        row("ADM-1"),
        row("ADM-2", Submitted="not a date"),
        row("ADM-3", Gender="robot"),
        row("ADM-4", Submitted="2027-01-01 10:00"),
        row("ADM-1", Status="admitted"),
        row("", Programme="Web developer"),
    ])  # fmt: skip
    report = applications.import_applications(db, OFFICER, "adm.csv", data, key=KEY, today=TODAY)
    assert report.imported == 1
    reasons = [r.reason for r in report.rejections]
    assert reasons == [
        "Row 3: “not a date” is not a date.",
        "Row 4: “robot” is not a gender Spotlight knows.",
        "Row 5: the application is dated in the future.",
        "Row 6: the same application as row 2.",
        "Row 7: “application id” is empty.",
    ]


def test_tracking_codes_attribute_applications_to_the_campaign_and_post(db: Engine) -> None:
    campaign = posts.create_campaign(
        db, EDITOR, posts.CampaignInput("Spring women", date(2026, 5, 1), date(2026, 6, 30))
    )
    data = export([
        row("ADM-1", utm_campaign="spring-women", utm_content="post-999"),
        row("ADM-2", utm_campaign="SPRING-WOMEN"),
        row("ADM-3", utm_campaign="another-code"),
    ])  # fmt: skip
    report = applications.import_applications(db, OFFICER, "adm.csv", data, key=KEY, today=TODAY)
    assert report.attributed == 2
    assert [a.campaign_id for a in held(db)] == [campaign, campaign, None]
    assert [a.post_id for a in held(db)] == [None, None, None]  # post 999 does not exist


def test_only_roles_that_may_see_disability_answers_import(db: Engine) -> None:
    with pytest.raises(PermissionDenied):
        applications.import_applications(
            db, EDITOR, "adm.csv", export([row("ADM-1")]), key=KEY, today=TODAY
        )


def test_a_missing_required_column_is_named(db: Engine) -> None:
    data = export([["ADM-1", "2026-06-01"]], ["Application ID", "Submitted"])
    with pytest.raises(InvalidInput, match="Say which column holds: programme, programme family"):
        applications.import_applications(db, OFFICER, "adm.csv", data, key=KEY, today=TODAY)


def test_the_key_file_is_made_once_and_kept(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from campaigns.config import Settings

    settings = Settings(applications_key_file=tmp_path / "secret.key")
    first = applications.application_key(settings)
    assert applications.application_key(settings) == first
    assert len(first) == 64
    assert (tmp_path / "secret.key").stat().st_mode & 0o077 == 0


def test_the_demo_export_carries_a_lift_the_estimator_recovers(db: Engine) -> None:
    from campaigns import effect, impact
    from campaigns.demo_applications import DEMO_LIFT, demo_admissions_csv

    campaign = posts.create_campaign(
        db, EDITOR,
        posts.CampaignInput("Women in tech — autumn intake 2025", date(2025, 9, 1),
                            date(2025, 10, 31), programmes=("Web developer", "Data analyst"),
                            comparison_programmes=("Project manager",)),
    )  # fmt: skip
    assert campaign
    data = demo_admissions_csv(db, date(2026, 11, 29))
    applications.import_applications(
        db, OFFICER, "demo.csv", data, key=KEY, today=date(2026, 11, 29)
    )
    series = impact.effect_input(
        db, OFFICER, "women", campaign_code="women-in-tech-autumn-intake-2025"
    )
    found = effect.estimate_effect(series.daily, series.start, series.end, group_label="women")
    assert found.verdict == "effect"
    assert found.ci_low_pp is not None and found.ci_high_pp is not None
    assert found.ci_low_pp <= DEMO_LIFT * 100 <= found.ci_high_pp
