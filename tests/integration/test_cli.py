"""The command line: exit 0 on success, 2 with one sentence on bad input, --json output."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from campaigns.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str) -> str:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SPOTLIGHT_DATABASE_URL", database_url)
    monkeypatch.setenv("SPOTLIGHT_MEDIA_STORE", str(tmp_path / "media"))
    return database_url


def test_db_upgrade_then_users_create_and_list(
    cli_env: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "upgrade"]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("correct horse battery\n"))
    code = main(
        ["users", "create", "--email", "Ada@School.example", "--role", "Privacy officer",
         "--password-stdin"]
    )  # fmt: skip
    assert code == 0
    assert "Created the account ada@school.example (privacy_officer)." in capsys.readouterr().out
    assert main(["--json", "users", "list"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["users"] == [
        {"id": 1, "email": "ada@school.example", "role": "privacy_officer", "active": True}
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["users", "create", "--email", "nope", "--role", "admin"], "is not an e-mail address"),
        (["users", "create", "--email", "a@b.fr", "--role", "king"], "is not a role"),
    ],
)
def test_bad_input_exits_2_with_one_sentence(
    cli_env: str, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(["db", "upgrade"]) == 0
    capsys.readouterr()
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_commands_before_the_database_exists_say_what_to_run(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["users", "list"]) == 2
    assert "python -m campaigns db upgrade" in capsys.readouterr().err


def test_demo_load_twice_adds_nothing_the_second_time(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--json", "demo", "load"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["demo accounts"] == 4
    assert main(["--json", "demo", "load"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["message"] == "The demo data was already loaded; nothing was added."
    assert not any(v for k, v in second.items() if k != "message")


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rolemodels", "dance"]) == 2


def test_module_entry_point_runs_with_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "campaigns", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0
    assert "users" in result.stdout
    assert "demo" in result.stdout


def test_a_wrong_setting_exits_2_with_the_variable_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SPOTLIGHT_DATABASE_URL", "oracle://x")
    assert main(["db", "upgrade"]) == 2
    assert "SPOTLIGHT_DATABASE_URL" in capsys.readouterr().err


def test_metrics_import_prints_the_four_counts_and_is_idempotent(
    cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests import fixtures_exports as exports

    assert main(["db", "upgrade"]) == 0
    export = tmp_path / "page-content.xlsx"
    export.write_bytes(exports.linkedin_xlsx(exports.posts(2)))
    capsys.readouterr()

    assert main(["metrics", "import", str(export), "--platform", "auto", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    # No post carries these addresses yet: every row waits in the review queue.
    assert {k: first[k] for k in ("imported", "updated", "unmatched", "rejected")} == {
        "imported": 0, "updated": 0, "unmatched": 2, "rejected": 0,
    }  # fmt: skip
    assert main(["metrics", "import", str(export)]) == 0
    assert "was already imported" in capsys.readouterr().out


def test_metrics_import_of_a_file_that_is_not_an_export_exits_2(
    cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "upgrade"]) == 0
    notes = tmp_path / "notes.csv"
    notes.write_text("Dear team,\nthe figures follow.\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["metrics", "import", str(notes)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: notes.csv: This file does not look like an analytics export")
    assert err.count("\n") == 1
