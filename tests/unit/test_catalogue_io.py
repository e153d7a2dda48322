"""Reading role-model files: encodings, delimiters, headers, hostile files; the summary."""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections.abc import Sequence

import pytest
from openpyxl import Workbook

from campaigns.catalogue_io import (
    COLUMNS,
    ImportPreview,
    RowReport,
    read_table,
    template_csv,
    template_xlsx,
)
from campaigns.errors import InvalidInput

NAMES = ["Chloé Dupont", "Leïla Benali", "Zoë Martin-Lefèvre", "Jürgen Weiß"]


def csv_bytes(
    rows: list[list[str]], *, encoding: str = "utf-8", delimiter: str = ",", bom: bool = False
) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    text = buffer.getvalue()
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def xlsx_bytes(rows: Sequence[Sequence[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


PEOPLE = [
    ["full_name", "kind", "bio"],
    *[[name, "student", "Aime les réseaux, le vélo; et le café"] for name in NAMES],
]


def test_columns_follow_the_template_order_and_map_to_profile_fields() -> None:
    assert [c for c, _ in COLUMNS][:4] == ["full_name", "preferred_name", "pronouns", "email"]
    assert ("kind", "kind") in COLUMNS
    assert [c for c, _ in COLUMNS][-1] == "bio"
    assert not {"disability_details", "disability_explicit_consent"} & {f for _, f in COLUMNS}


@pytest.mark.parametrize(
    ("encoding", "delimiter", "bom"),
    [
        ("utf-8", ",", True),
        ("utf-8", ",", False),
        ("utf-16", ",", False),
        ("cp1252", ",", False),
        ("cp1252", ";", False),
        ("utf-8", ";", True),
        ("utf-8", "\t", False),
    ],
)
def test_names_read_the_same_whatever_the_encoding_and_delimiter(
    encoding: str, delimiter: str, bom: bool
) -> None:
    data = csv_bytes(PEOPLE, encoding=encoding, delimiter=delimiter, bom=bom)
    rows = read_table(data, "people.csv")
    assert [r["full_name"] for r in rows] == NAMES
    assert rows[0]["bio"] == "Aime les réseaux, le vélo; et le café"


def test_a_short_cp1252_file_is_not_mistaken_for_another_code_page() -> None:
    data = "full_name,kind\nChloé,student\nLeïla,alumni\n".encode("cp1252")
    assert [r["full_name"] for r in read_table(data, "people.csv")] == ["Chloé", "Leïla"]


def test_headers_match_whatever_their_case_spacing_or_alias() -> None:
    data = csv_bytes([[" Full Name ", "ROLE", "E-mail"], ["Ada", "Mentor", "ada@example.org"]])
    assert read_table(data, "people.CSV") == [
        {"full_name": "Ada", "kind": "Mentor", "email": "ada@example.org"}
    ]


def test_the_excel_sep_line_sets_the_delimiter() -> None:
    data = b"sep=;\r\nfull_name;kind\r\nAda;mentor\r\n"
    assert read_table(data, "people.csv") == [{"full_name": "Ada", "kind": "mentor"}]


def test_blank_rows_are_skipped() -> None:
    data = csv_bytes([["full_name", "kind"], ["Ada", "mentor"], ["", ""], ["Bo", "student"]])
    assert [r["full_name"] for r in read_table(data, "people.csv")] == ["Ada", "Bo"]


def test_workbook_numbers_and_dates_read_as_plain_text() -> None:
    from datetime import date

    data = xlsx_bytes(
        [["full_name", "kind", "cohort", "phone", "availability"],
         ["Ada", "student", 2024, 33612345678, date(2026, 1, 5)]]
    )  # fmt: skip
    row = read_table(data, "people.xlsx")[0]
    assert row["cohort"] == "2024"
    assert row["phone"] == "33612345678"
    assert row["availability"] == "2026-01-05"


def test_a_header_below_a_note_line_is_found() -> None:
    data = xlsx_bytes([["Exported on 5 January"], ["full_name", "kind"], ["Ada", "student"]])
    assert read_table(data, "people.xlsx") == [{"full_name": "Ada", "kind": "student"}]


def test_both_templates_read_back_as_their_example_row() -> None:
    from_csv = read_table(template_csv(), "template.csv")
    from_xlsx = read_table(template_xlsx(), "template.xlsx")
    assert from_csv == from_xlsx
    assert len(from_csv) == 1
    assert list(from_csv[0]) == [c for c, _ in COLUMNS]
    assert template_csv().startswith(b"\xef\xbb\xbf")


def test_the_template_workbook_has_a_bold_frozen_header() -> None:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(template_xlsx())).active
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b
    assert sheet["A1"].value == "full_name"


def test_special_category_and_unknown_columns_are_left_out() -> None:
    data = csv_bytes(
        [["full_name", "kind", "Disability details", "shoe_size"],
         ["Ada", "student", "private health data", "38"]]
    )  # fmt: skip
    assert read_table(data, "people.csv") == [{"full_name": "Ada", "kind": "student"}]


def _zip_that_is_not_a_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    return buffer.getvalue()


PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "people.csv", "The file is empty."),
        (b"  \r\n\r\n", "people.csv", "The file is empty."),
        (b"", "people.xlsx", "The file is empty."),
        (b"full_name,kind\n", "people.pdf", "Spotlight reads .csv and .xlsx files."),
        (b"full_name,kind\n", "people", "Spotlight reads .csv and .xlsx files."),
        (PNG, "people.csv", "it looks like a PNG image"),
        (b"\x00\x01\x02binary\x00", "people.csv", "binary data"),
        (os.urandom(4096), "people.xlsx", "not an Excel workbook Spotlight can read"),
        (b"PK\x03\x04" + os.urandom(2000), "people.xlsx", "damaged"),
        (_zip_that_is_not_a_workbook(), "people.xlsx", "not an Excel workbook"),
        (b"full_name,kind\nAda,student\n", "people.xlsx", "not an Excel workbook"),
        (b"name_of_person,role\nAda,student\n", "people.csv", "no column 'full_name'"),
        (b"full_name,category\nAda,refugee\n", "people.csv", "no column 'kind'"),
        (b"full_name,kind,Full Name\nAda,student,Ada\n", "people.csv", "appears twice"),
    ],
)
def test_unreadable_files_are_refused_with_one_sentence(
    data: bytes, filename: str, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message) as refused:
        read_table(data, filename)
    assert "\n" not in str(refused.value)


def test_the_missing_column_sentence_points_to_the_template() -> None:
    with pytest.raises(InvalidInput) as refused:
        read_table(b"person,kind\nAda,student\n", "people.csv")
    assert str(refused.value) == (
        "The file has no column 'full_name'; download the template to see the expected columns."
    )


def test_more_than_20000_rows_is_refused_but_20000_is_read() -> None:
    header = b"full_name,kind\n"
    assert len(read_table(header + b"Ada,student\n" * 20_000, "people.csv")) == 20_000
    with pytest.raises(InvalidInput, match="more than 20,000 rows"):
        read_table(header + b"Ada,student\n" * 20_001, "people.csv")


def test_a_workbook_that_unpacks_to_gigabytes_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("campaigns.catalogue_io.MAX_UNPACKED_BYTES", 1_000)
    data = xlsx_bytes([["full_name", "kind"], *[["Ada " * 50, "student"]] * 50])
    with pytest.raises(InvalidInput, match="too large"):
        read_table(data, "people.xlsx")


def test_the_summary_counts_each_action_and_says_nothing_was_saved() -> None:
    rows = (
        RowReport(2, "Ada", "ada@example.org", "create"),
        RowReport(3, "Bo", "bo@example.org", "update"),
        RowReport(4, "Cy", "", "unchanged"),
        RowReport(5, "", "", "error", ("full_name: Give the person's name.",)),
    )
    preview = ImportPreview(rows, ("disability_details",))
    assert preview.counts == {"created": 1, "updated": 1, "unchanged": 1, "errors": 1}
    assert preview.sentence().startswith(
        "4 rows read: 1 to create, 1 to update, 1 unchanged, 1 row with errors that will be "
        "skipped. Nothing has been saved yet."
    )
    assert "“disability_details” was ignored" in preview.sentence()
    applied = ImportPreview(rows, (), applied=True)
    assert applied.sentence() == (
        "4 rows read: 1 created, 1 updated, 1 unchanged, 1 row with errors skipped."
    )
    assert ImportPreview((), ()).sentence() == "The file has no rows to import."
