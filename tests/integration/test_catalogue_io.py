"""Importing and exporting role models in bulk, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from campaigns import audit, catalogue, catalogue_io
from campaigns.auth import SYSTEM, Actor, Role
from campaigns.catalogue import ProfileInput
from campaigns.catalogue_io import apply_import, export_role_models, preview_import
from campaigns.cli import main
from campaigns.db import make_engine, read_only
from campaigns.errors import InvalidInput, PermissionDenied
from campaigns.models import AuditEvent, RoleModel
from tests.fixtures_people import BAD_ROWS, HEADER, person, to_csv, two_hundred_people

EDITOR = Actor(user_id=None, email="editor@school.example", role=Role.EDITOR)
VIEWER = Actor(user_id=None, email="viewer@school.example", role=Role.VIEWER)


def to_xlsx(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def count(db: Engine, model: type[Any]) -> int:
    with read_only(db) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def stored(db: Engine, email: str) -> catalogue.RoleModelDetail:
    with read_only(db) as session:
        person_id = session.scalar(select(RoleModel.id).where(RoleModel.email == email))
    assert person_id is not None
    return catalogue.get_role_model(db, SYSTEM, person_id)


def test_preview_reports_exactly_the_bad_rows_with_their_lines_and_writes_nothing(
    db: Engine,
) -> None:
    data = to_csv(two_hundred_people())
    events = count(db, AuditEvent)
    preview = preview_import(db, EDITOR, data, "people.csv")
    assert count(db, RoleModel) == 0
    assert count(db, AuditEvent) == events
    assert preview.counts == {"created": 195, "updated": 0, "unchanged": 0, "errors": 5}
    errors = {row.line: row.problems for row in preview.rows if row.action == "error"}
    assert sorted(errors) == [index + 2 for index in BAD_ROWS]
    for index, (_, field) in BAD_ROWS.items():
        (problem,) = errors[index + 2]
        assert problem.startswith(field)
    assert "line 22 of this file" in errors[172][0]
    assert "“astronaut” is not a role" in errors[52][0]
    assert "pirate" in errors[92][0]
    assert preview.sentence().startswith("200 rows read: 195 to create")


def test_apply_creates_the_valid_rows_and_importing_again_changes_nothing(db: Engine) -> None:
    rows = two_hundred_people()
    first = apply_import(db, EDITOR, to_csv(rows), "people.csv")
    assert first.counts == {"created": 195, "updated": 0, "unchanged": 0, "errors": 5}
    assert count(db, RoleModel) == 195
    events = count(db, AuditEvent)
    assert events == 195 + 1  # one line per person and one for the import

    again = apply_import(db, EDITOR, to_csv(rows), "people.csv")
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 195, "errors": 5}
    assert count(db, AuditEvent) == events

    rows[3] = {**rows[3], "bio": "A new bio."}
    edited = apply_import(db, EDITOR, to_csv(rows), "people.csv")
    assert edited.counts == {"created": 0, "updated": 1, "unchanged": 194, "errors": 5}
    assert [r.line for r in edited.rows if r.action == "update"] == [5]
    assert stored(db, "person3@example.org").profile.bio == "A new bio."
    with read_only(db) as session:
        last = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "update_role_model")
        ).one()
    assert set(last.changes) == {"bio"}


def test_the_stored_profile_holds_the_codes_whatever_labels_were_typed(db: Engine) -> None:
    row = {
        **person(1),
        "kind": "APPRENTICE",
        "employer": "Exemple SA",
        "categories": "Woman in tech; DISABILITY; woman_in_tech",
        "barriers": "gender stereotypes; Education level",
        "tags": "Cyber; WEB",
    }
    result = apply_import(db, EDITOR, to_csv([row]), "people.csv")
    assert result.created == 1
    profile = stored(db, "person1@example.org").profile
    assert profile.kind == "apprentice"
    assert profile.categories == ("woman_in_tech", "disability")
    assert profile.barriers == ("education", "gender_stereotypes")
    assert profile.tags == ("cyber", "web")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exporting_then_importing_the_export_changes_nothing(
    db: Engine, fmt: Literal["csv", "xlsx"]
) -> None:
    apply_import(db, EDITOR, to_csv(two_hundred_people(bad=False)[:30]), "people.csv")
    nameless = ProfileInput(full_name="Sam Lee", kind="mentor", programmes=("BTS SIO",))
    catalogue.create_role_model(db, EDITOR, nameless)
    archived = catalogue.create_role_model(
        db, EDITOR, ProfileInput(full_name="Old Timer", kind="alumni", email="old@example.org")
    )
    catalogue.set_archived(db, EDITOR, archived, True)
    events = count(db, AuditEvent)

    exported = export_role_models(db, EDITOR, fmt)
    assert count(db, AuditEvent) == events + 1  # the export itself is traced
    back = catalogue_io.read_table(exported, f"export.{fmt}")
    assert len(back) == 31
    assert "Old Timer" not in {r["full_name"] for r in back}
    preview = preview_import(db, EDITOR, exported, f"export.{fmt}")
    assert preview.counts == {"created": 0, "updated": 0, "unchanged": 31, "errors": 0}
    applied = apply_import(db, EDITOR, exported, f"export.{fmt}")
    assert applied.unchanged == 31
    assert count(db, AuditEvent) == events + 1

    everyone = export_role_models(db, EDITOR, fmt, include_archived=True)
    assert len(catalogue_io.read_table(everyone, f"export.{fmt}")) == 32


@pytest.mark.parametrize(
    ("template", "filename"),
    [(catalogue_io.template_csv, "template.csv"), (catalogue_io.template_xlsx, "template.xlsx")],
)
def test_the_templates_import_cleanly(
    db: Engine, template: Callable[[], bytes], filename: str
) -> None:
    preview = preview_import(db, EDITOR, template(), filename)
    assert preview.counts == {"created": 1, "updated": 0, "unchanged": 0, "errors": 0}
    assert preview.rows[0].problems == ()
    assert preview.rows[0].warnings == ()
    assert preview.ignored_columns == ()


def test_disability_details_are_never_imported_and_existing_ones_are_kept(db: Engine) -> None:
    consented = ProfileInput(
        full_name="Ada Lovelace",
        kind="mentor",
        email="ada@example.org",
        categories=("disability",),
        disability_details="Uses a wheelchair",
        disability_explicit_consent=True,
    )
    catalogue.create_role_model(db, SYSTEM, consented)
    header = [*HEADER, "Disability details", "disability_explicit_consent"]
    ada = {**person(0), "full_name": "Ada Lovelace", "kind": "mentor", "email": "ada@example.org",
           "categories": "disability", "bio": "New bio.", "Disability details": "Blind",
           "disability_explicit_consent": "yes"}  # fmt: skip
    newcomer = {**person(1), "categories": "disability", "Disability details": "Deaf",
                "disability_explicit_consent": "yes"}  # fmt: skip
    data = to_csv([ada, newcomer], header)

    preview = preview_import(db, EDITOR, data, "people.csv")
    assert preview.ignored_columns == ("Disability details", "disability_explicit_consent")
    assert "health data and are never imported" in preview.sentence()
    result = apply_import(db, EDITOR, data, "people.csv")
    assert (result.updated, result.created) == (1, 1)

    kept = stored(db, "ada@example.org")
    assert kept.profile.bio == "New bio."
    assert kept.profile.disability_details == "Uses a wheelchair"
    assert kept.profile.disability_explicit_consent
    fresh = stored(db, "person1@example.org")
    assert fresh.profile.disability_details == ""
    assert not fresh.profile.disability_explicit_consent
    with read_only(db) as session:
        trail = json.dumps([e.changes for e in session.scalars(select(AuditEvent))])
    assert "Deaf" not in trail
    assert "Blind" not in trail
    formats: tuple[Literal["csv", "xlsx"], ...] = ("csv", "xlsx")
    for fmt in formats:
        exported = export_role_models(db, SYSTEM, fmt)
        text = json.dumps(catalogue_io.read_table(exported, f"x.{fmt}"))
        assert "wheelchair" not in text
        assert "disability_details" not in text
        assert b"disability_details" not in exported
        assert b"wheelchair" not in exported


def test_an_import_cannot_take_the_disability_category_away(db: Engine) -> None:
    catalogue.create_role_model(
        db,
        SYSTEM,
        ProfileInput(full_name="Ada Lovelace", kind="mentor", email="ada@example.org",
                     categories=("disability",), disability_details="Uses a wheelchair",
                     disability_explicit_consent=True),
    )  # fmt: skip
    row = {"full_name": "Ada Lovelace", "kind": "mentor", "email": "ada@example.org",
           "categories": "woman_in_tech"}  # fmt: skip
    result = apply_import(db, EDITOR, to_csv([row], list(row)), "people.csv")
    assert result.errors == 1
    assert result.rows[0].problems[0].startswith("categories: An import cannot take")
    assert stored(db, "ada@example.org").profile.categories == ("disability",)


def test_columns_missing_from_the_file_keep_their_stored_values(db: Engine) -> None:
    apply_import(db, EDITOR, to_csv([person(1)]), "people.csv")
    row = {"full_name": person(1)["full_name"], "kind": "Mentor", "email": "PERSON1@example.org"}
    result = apply_import(db, EDITOR, to_csv([row], list(row)), "people.csv")
    assert result.updated == 1
    profile = stored(db, "person1@example.org").profile
    assert profile.kind == "mentor"
    assert profile.programmes == ("BTS SIO", "Bachelor Cyber")
    assert profile.bio.startswith("Bio of person 1")


def test_an_update_replaces_the_labels_without_duplicating_them(db: Engine) -> None:
    apply_import(db, EDITOR, to_csv([person(1), person(2)]), "people.csv")
    row = {**person(1), "categories": "refugee; Woman in tech", "tags": "Rust", "languages": ""}
    result = apply_import(db, EDITOR, to_csv([row, person(2)]), "people.csv")
    assert (result.updated, result.unchanged) == (1, 1)
    profile = stored(db, "person1@example.org").profile
    assert profile.categories == ("woman_in_tech", "refugee")
    assert profile.tags == ("rust",)
    assert profile.languages == ()
    assert stored(db, "person2@example.org").profile.tags == ("python", "web")


def test_a_row_without_email_that_looks_like_someone_known_is_an_error(db: Engine) -> None:
    catalogue.create_role_model(
        db, EDITOR, ProfileInput(full_name="Sam Lee", kind="mentor", programmes=("BTS SIO",))
    )
    header = ["full_name", "kind", "programmes", "bio"]
    rows = [
        {"full_name": "Sam Lee", "kind": "mentor", "programmes": "BTS SIO", "bio": ""},
        {"full_name": "sam lee", "kind": "mentor", "programmes": "BTS SIO", "bio": "New"},
        {"full_name": "Sam Lee", "kind": "mentor", "programmes": "Bachelor Cyber", "bio": ""},
        {"full_name": "Sam Lee", "kind": "mentor", "programmes": "Bachelor Cyber", "bio": "x"},
    ]
    preview = preview_import(db, EDITOR, to_csv(rows, header), "people.csv")
    assert [r.action for r in preview.rows] == ["unchanged", "error", "create", "error"]
    assert preview.rows[1].problems == (
        "email: This looks like Sam Lee who is already in the catalogue; "
        "add their e-mail to update them.",
    )
    assert "line 4 of this file" in preview.rows[3].problems[0]


def test_values_too_long_for_the_database_are_row_errors_not_a_crash(db: Engine) -> None:
    rows = [{**person(1), "cohort": "x" * 41}, {**person(2), "programmes": "p" * 121}, person(3)]
    result = apply_import(db, EDITOR, to_csv(rows), "people.csv")
    assert result.counts == {"created": 1, "updated": 0, "unchanged": 0, "errors": 2}
    assert result.rows[0].problems == ("cohort: This is longer than 40 characters.",)
    assert result.rows[1].problems[0].startswith("programmes:")


def test_line_numbers_follow_the_sheet_when_the_header_is_not_on_the_first_line(
    db: Engine,
) -> None:
    data = to_xlsx(
        [["Role models, January"], ["Full name", "Role", "E-mail"],
         ["Ada", "mentor", "ada@example.org"], ["Bo", "pilot", "bo@example.org"]]
    )  # fmt: skip
    preview = preview_import(db, EDITOR, data, "people.xlsx")
    assert [(r.line, r.action) for r in preview.rows] == [(3, "create"), (4, "error")]


def test_formula_like_values_cannot_run_in_a_spreadsheet_and_still_round_trip(
    db: Engine,
) -> None:
    row = {**person(1), "bio": '=HYPERLINK("http://evil.example","click")', "employer": "@SUM(1)"}
    apply_import(db, EDITOR, to_csv([row]), "people.csv")
    exported_csv = export_role_models(db, EDITOR, "csv")
    cells = next(csv.DictReader(io.StringIO(exported_csv.decode("utf-8-sig"))))
    assert cells["bio"].startswith("'=HYPERLINK")
    assert cells["employer"] == "'@SUM(1)"
    assert cells["phone"] == "+33 6 12 34 00 01"  # a phone number is left alone
    exported_xlsx = export_role_models(db, EDITOR, "xlsx")
    sheet = load_workbook(io.BytesIO(exported_xlsx)).active
    bio = sheet.cell(row=2, column=HEADER.index("bio") + 1)
    assert bio.data_type == "s"
    assert bio.value.startswith("=HYPERLINK")
    for data, name in ((exported_csv, "x.csv"), (exported_xlsx, "x.xlsx")):
        assert preview_import(db, EDITOR, data, name).unchanged == 1


def test_apply_import_is_all_or_nothing(db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = two_hundred_people(bad=False)[:23]
    apply_import(db, EDITOR, to_csv(rows[:3]), "people.csv")
    events = count(db, AuditEvent)
    changed = [{**row, "bio": "Changed."} for row in rows]
    real_record = audit.record
    calls: list[int] = []

    def record_then_fail(session: Session, *args: Any, **kwargs: Any) -> None:
        calls.append(1)
        if len(calls) == 10:
            written = session.scalar(select(func.count()).select_from(RoleModel))
            assert written == 23  # the failure comes after real writes in the transaction
            raise RuntimeError("disk full")
        real_record(session, *args, **kwargs)

    monkeypatch.setattr(audit, "record", record_then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        apply_import(db, EDITOR, to_csv(changed), "people.csv")
    monkeypatch.undo()
    assert count(db, RoleModel) == 3
    assert count(db, AuditEvent) == events
    assert stored(db, "person0@example.org").profile.bio.startswith("Bio of person 0")


def test_a_viewer_can_neither_import_nor_export(db: Engine) -> None:
    data = to_csv([person(1)])
    with pytest.raises(PermissionDenied):
        preview_import(db, VIEWER, data, "people.csv")
    with pytest.raises(PermissionDenied):
        apply_import(db, VIEWER, data, "people.csv")
    with pytest.raises(PermissionDenied):
        export_role_models(db, VIEWER, "xlsx")
    assert count(db, RoleModel) == 0


def test_an_unreadable_file_is_refused_before_anything_is_written(db: Engine) -> None:
    with pytest.raises(InvalidInput, match="PNG image"):
        apply_import(db, EDITOR, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "people.csv")
    assert count(db, RoleModel) == 0


# --- Command line ----------------------------------------------------------------------------


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str) -> Engine:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SPOTLIGHT_DATABASE_URL", database_url)
    monkeypatch.setenv("SPOTLIGHT_MEDIA_STORE", str(tmp_path / "media"))
    assert main(["db", "upgrade"]) == 0
    return make_engine(database_url)


def test_cli_dry_run_prints_the_report_and_writes_nothing(
    cli_db: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [person(1), person(2), {**person(3), "email": "nope"}]
    (tmp_path / "people.csv").write_bytes(to_csv(rows))
    capsys.readouterr()
    assert main(["rolemodels", "import", "people.csv", "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"Line 4 ({person(3)['full_name']}): email: “nope”")
    assert out[-1] == (
        "3 rows read: 2 to create, 0 to update, 0 unchanged, 1 row with errors that will be "
        "skipped. Nothing has been saved yet."
    )
    assert count(cli_db, RoleModel) == 0


def test_cli_import_then_export_then_reimport(
    cli_db: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "people.csv").write_bytes(to_csv([person(1), person(2), {**person(3), "kind": ""}]))
    capsys.readouterr()
    assert main(["--json", "rolemodels", "import", "people.csv"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {k: report[k] for k in ("created", "updated", "unchanged")} == {
        "created": 2, "updated": 0, "unchanged": 0
    }  # fmt: skip
    assert report["errors"] == [{"line": 4, "problems": [report["errors"][0]["problems"][0]]}]
    assert report["errors"][0]["problems"][0].startswith("kind:")
    assert count(cli_db, RoleModel) == 2

    assert main(["rolemodels", "export", "catalogue.xlsx"]) == 0
    assert "Exported the catalogue to catalogue.xlsx." in capsys.readouterr().out
    assert len(catalogue_io.read_table((tmp_path / "catalogue.xlsx").read_bytes(), "c.xlsx")) == 2
    assert main(["rolemodels", "import", "catalogue.xlsx", "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["rolemodels", "export", "catalogue.pdf"], "Name the export file .csv or .xlsx"),
        (["rolemodels", "import", "missing.csv"], "cannot read missing.csv"),
        (["rolemodels", "import", "photo.csv"], "it looks like a PNG image"),
        (["rolemodels", "import", "notes.txt"], "Spotlight reads .csv and .xlsx files."),
    ],
)
def test_cli_bad_files_exit_2_with_one_sentence(
    cli_db: Engine,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    (tmp_path / "photo.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "notes.txt").write_bytes(b"full_name,kind\nAda,mentor\n")
    capsys.readouterr()
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1
    assert not (tmp_path / "catalogue.pdf").exists()
