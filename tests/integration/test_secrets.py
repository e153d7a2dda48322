"""Secrets never reach what people read: error sentences, logs, the audit trail, settings' repr."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import Engine

from campaigns import accounts, applications, audit
from campaigns.auth import SYSTEM, Role
from campaigns.cli import main
from campaigns.config import load_settings

PASSWORD = "correct horse battery staple"
KEY = "a-very-secret-applications-key"


def test_a_database_password_is_masked_in_the_error_and_the_log(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    monkeypatch.setenv("SPOTLIGHT_DATABASE_URL", "postgresql+psycopg://u:supersecret@127.0.0.1:1/x")
    with caplog.at_level(logging.DEBUG):
        assert main(["db", "upgrade"]) == 2
    captured = capsys.readouterr()
    assert "supersecret" not in captured.err + captured.out + caplog.text
    assert "u:***@" in captured.err


def test_passwords_and_the_applications_key_stay_out_of_the_audit_trail_and_logs(
    db: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        accounts.create_user(db, SYSTEM, "ada@school.example", Role.EDITOR, "Ada", PASSWORD)
        report = applications.import_applications(
            db, SYSTEM, "a.csv",
            b"application_id,submitted_at,programme,programme_family,gender,status\n"
            b"A1,2026-01-05,Web developer,tech,woman,applied\n",
            key=KEY.encode(),
        )  # fmt: skip
    assert report.imported == 1
    events = audit.list_events(db, SYSTEM)
    written = " ".join(f"{e.summary} {e.changes}" for e in events) + caplog.text
    assert PASSWORD not in written
    assert KEY not in written
    assert "argon2" not in written  # not even the hash


def test_the_settings_never_print_the_applications_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPOTLIGHT_APPLICATIONS_KEY", KEY)
    settings = load_settings()
    assert KEY not in repr(settings)
    assert KEY not in str(settings.model_dump())
