"""Every exported table writes formula-looking cells as text (CSV injection)."""

from __future__ import annotations

import pandas as pd
import pytest

from campaigns.spreadsheet_safety import safe_cell, safe_frame


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (
            '=HYPERLINK("http://evil.example","click")',
            '\'=HYPERLINK("http://evil.example","click")',
        ),
        ("+33 1 23 45 67 89", "+33 1 23 45 67 89"),  # a phone number stays as it is
        ("-3", "-3"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tTAB", "'\tTAB"),
        ("Meet Amina", "Meet Amina"),
    ],
)
def test_formula_looking_cells_get_an_apostrophe(value: str, written: str) -> None:
    assert safe_cell(value) == written


def test_a_frame_is_made_safe_cell_by_cell_and_numbers_are_kept() -> None:
    frame = pd.DataFrame({"=name": ["=1+1", "ok"], "count": [3, 4]})
    shown = safe_frame(frame)
    assert list(shown.columns) == ["'=name", "count"]
    assert shown["'=name"].tolist() == ["'=1+1", "ok"]
    assert shown["count"].tolist() == [3, 4]
    assert frame["=name"].tolist() == ["=1+1", "ok"]  # the original is untouched
