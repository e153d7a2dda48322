"""The team's own CSV/XLSX tables, read through a column mapping chosen by the user."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from campaigns.engagement.aliases import FIELDS, METRIC_KINDS, TEXT_FIELDS
from campaigns.engagement.reading import Sheet, is_filled
from campaigns.engagement.tables import (
    HEADER_SEARCH_ROWS,
    Table,
    TableSpec,
    cell_text,
    find_table,
    header_key,
)
from campaigns.errors import InvalidInput
from campaigns.i18n import N_, msg

NETWORKS = ("csv", "linkedin", "instagram", "facebook", "youtube", "tiktok")


def header_of(sheets: Sequence[Sheet]) -> list[str]:
    """The header of the first sheet with data: the fullest of its first rows."""
    for sheet in sheets:
        rows = sheet.rows[:HEADER_SEARCH_ROWS]
        filled = [[cell_text(cell) for cell in row if is_filled(cell)] for row in rows]
        header = max(filled, key=len, default=[])
        if header:
            return header
    raise InvalidInput(N_("The file is empty."))


def mapped_spec(columns: Mapping[str, str], platform: str) -> TableSpec:
    """How to read a table whose columns the user named, after checking the mapping makes sense."""
    if platform not in NETWORKS:
        raise InvalidInput(msg("“{network}” is not a network Spotlight knows.", network=platform))
    chosen = {name: column.strip() for name, column in columns.items() if column.strip()}
    unknown = sorted(name for name in chosen if name not in FIELDS)
    if unknown:
        raise InvalidInput(msg("“{field}” is not a field Spotlight knows.", field=unknown[0]))
    if not any(name in METRIC_KINDS for name in chosen):
        raise InvalidInput(N_("Choose at least one column of figures (views, likes, comments…)."))
    is_post = any(name in TEXT_FIELDS for name in chosen)
    if not is_post and "day" not in chosen:
        raise InvalidInput(
            N_(
                "Choose the column that says which post the figures belong to (link, ID or "
                "title), or the day they belong to."
            )
        )
    return TableSpec(
        name="generic",
        platform=platform,
        scope="post" if is_post else "account",
        daily="day" in chosen,
        aliases={name: (column,) for name, column in chosen.items()},
        required=tuple(chosen),
        # Tables the team makes by hand follow the French habit of day-first dates.
        date_order="dmy",
        date_order_known=False,
    )


def find_mapped_table(sheets: Sequence[Sheet], columns: Mapping[str, str], platform: str) -> Table:
    """The table holding every column of the mapping, or an error naming a missing one."""
    spec = mapped_spec(columns, platform)
    for sheet in sheets:
        table = find_table(sheet, spec)
        if table is not None:
            return table
    present = {header_key(column) for column in header_of(sheets)}
    for name, (column, *_) in spec.aliases.items():
        if header_key(column) not in present:
            raise InvalidInput(
                msg(
                    "The column “{column}” chosen for {field} is not in the file; "
                    "choose the columns again.",
                    column=column,
                    field=name.replace("_", " "),
                )
            )
    raise InvalidInput(N_("The chosen columns are not all on the same header row; check the file."))
