"""The Applications & impact page: import, targets, a campaign's effect, hidden small cells."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from campaigns import applications, posts
from campaigns.auth import Role
from tests.app.conftest import open_app, texts

PAGE = "pages/impact.py"
TODAY = date.today()


def admissions(rows: int, *, campaign: str = "") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["application_id", "submitted_at", "programme", "programme_family", "gender",
                     "disability", "priority_groups", "utm_campaign", "status"])  # fmt: skip
    for n in range(rows):
        day = TODAY - timedelta(days=1 + n % 200)
        writer.writerow(
            [f"A{n}", day.isoformat(), "Web developer" if n % 2 else "Project manager",
             "tech" if n % 2 else "non_tech", "woman" if n % 4 == 1 else "man",
             "yes" if n % 50 == 0 else "no", "jobseeker" if n % 3 else "",
             campaign if n < 3 else "", "enrolled" if n % 5 == 0 else "applied"]
        )  # fmt: skip
    return out.getvalue().encode()


def test_without_applications_the_page_explains_and_offers_the_import(person) -> None:  # type: ignore[no-untyped-def]
    at = open_app(person(Role.PRIVACY_OFFICER), PAGE)
    assert not at.exception
    assert "No applications yet" in texts(at)


def test_an_editor_is_told_who_imports_admissions(person) -> None:  # type: ignore[no-untyped-def]
    at = open_app(person(Role.EDITOR), PAGE)
    assert "a privacy officer or an administrator imports them" in " ".join(
        str(i.value) for i in at.info
    )


def test_importing_shows_targets_with_intervals(app_db, person) -> None:  # type: ignore[no-untyped-def]
    officer = person(Role.PRIVACY_OFFICER)
    at = open_app(officer, PAGE)
    at.file_uploader(key="impact__file_0").upload("adm.csv", admissions(400), "text/csv").run()
    at.button(key="impact__import").click().run()
    assert not at.exception
    assert "adm.csv: 400 new applications, 0 updated, 0 left out" in texts(at)
    table = at.table[0].value
    women_applicants = table.loc["Women among applicants of tech programmes"]
    assert women_applicants["Share"] == "50.0%"  # every other tech applicant is a woman here
    assert "–" in women_applicants["95 % interval"]


def test_a_small_tracked_count_is_hidden(app_db, person) -> None:  # type: ignore[no-untyped-def]
    officer = person(Role.PRIVACY_OFFICER)
    posts.create_campaign(
        app_db, officer,
        posts.CampaignInput("Spring", TODAY - timedelta(days=30), TODAY + timedelta(days=30),
                            programmes=("Web developer",)),
    )  # fmt: skip
    applications.import_applications(
        app_db, officer, "adm.csv", admissions(300, campaign="spring"), key=b"k" * 32
    )
    at = open_app(officer, PAGE)
    assert not at.exception
    shown = " ".join(str(m.value) for m in at.metric)
    assert "fewer than 11" in shown  # 3 tracked applications
    tables = " ".join(t.value.to_string() for t in at.table)
    assert "fewer than 11" in tables
    assert " 3 " not in tables
