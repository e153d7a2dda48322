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


def test_applications_import_then_effect_reads_the_demo_lift(
    cli_env: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SPOTLIGHT_APPLICATIONS_KEY_FILE", str(tmp_path / "key"))
    assert main(["db", "upgrade"]) == 0
    assert main(["demo", "load"]) == 0
    admissions = tmp_path / "admissions.csv"
    assert main(["demo", "admissions", str(admissions)]) == 0
    capsys.readouterr()
    assert main(["--json", "applications", "import", str(admissions)]) == 0
    imported = json.loads(capsys.readouterr().out)
    assert imported["imported"] > 50_000 and imported["rejected"] == 0
    assert main(["applications", "import", str(admissions)]) == 0
    assert "was already imported" in capsys.readouterr().out

    code = "women-in-tech-autumn-intake-2025"
    assert main(["effect", "--group", "women", "--campaign", code, "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["method"] == "did_glsar"
    assert found["verdict"] in ("effect", "no_detectable_effect")
    assert {
        "estimate_pp",
        "ci_low_pp",
        "ci_high_pp",
        "p_value",
        "n_pre_days",
        "n_post_days",
    } <= set(found)


def test_effect_without_enough_data_says_so(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "upgrade"]) == 0
    capsys.readouterr()
    argv = ["effect", "--group", "women", "--programmes", "Web developer",
            "--start", "2026-01-01", "--end", "2026-02-01", "--json"]  # fmt: skip
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)["verdict"] == "insufficient_data"
    assert main(["effect", "--group", "martians", "--programmes", "Web developer"]) == 2
    assert "is not a group Spotlight measures" in capsys.readouterr().err


def test_backup_and_person_commands_are_wired(
    cli_env: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert main(["db", "upgrade"]) == 0
    assert main(["backup", "create", str(tmp_path / "backup")]) == 0
    assert (tmp_path / "backup" / "manifest.json").exists()
    capsys.readouterr()
    assert main(["backup", "create", str(tmp_path / "backup")]) == 2  # not an empty folder
    assert capsys.readouterr().err.startswith("Error: ")
    assert main(["backup", "restore", str(tmp_path / "backup")]) == 0  # the installation is empty
    assert main(["person", "erase", "999", "--dry-run"]) == 2
    assert main(["--json", "retention", "run", "--dry-run"]) == 0
