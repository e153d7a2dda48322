"""Cells a spreadsheet would run as formulas are written as text in every file Spotlight exports."""

from __future__ import annotations

import re

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_HARMLESS_NUMBER = re.compile(r"^[+-]?[0-9 ().+-]*$")


def safe_cell(value: str) -> str:
    """The value, with an apostrophe in front when a spreadsheet would take it for a formula."""
    if value.startswith(FORMULA_START) and not (value[0] in "+-" and _HARMLESS_NUMBER.match(value)):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of a table whose text cells (and column names) cannot run as formulas."""
    shown = frame.copy()
    shown.columns = [safe_cell(str(c)) for c in shown.columns]
    for column in shown.columns:
        if pd.api.types.is_object_dtype(shown[column]) or pd.api.types.is_string_dtype(
            shown[column]
        ):
            shown[column] = shown[column].map(lambda v: safe_cell(v) if isinstance(v, str) else v)
    return shown
