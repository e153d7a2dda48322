"""YouTube Studio → Advanced mode zip: Table data.csv, Chart data.csv and Totals.csv."""

from __future__ import annotations

from dataclasses import replace

from campaigns.engagement.aliases import YOUTUBE
from campaigns.engagement.tables import Table, TableSpec, cell_text, header_key
from campaigns.i18n import N_, msg

_VIDEO_FIELDS = ("network_post_id", "title", "published_at")

TABLE = TableSpec(
    name="youtube_table",
    platform="youtube",
    scope="post",
    daily=False,
    aliases={name: names for name, names in YOUTUBE.items() if name != "day"},
    required=("network_post_id", "title"),
)
CHART = TableSpec(
    name="youtube_chart",
    platform="youtube",
    scope="post",
    daily=True,
    aliases=YOUTUBE,
    required=("day", "network_post_id"),
)
TOTALS = TableSpec(
    name="youtube_totals",
    platform="youtube",
    scope="account",
    daily=True,
    aliases={name: names for name, names in YOUTUBE.items() if name not in _VIDEO_FIELDS},
    required=("day",),
    companion=True,
)
SPECS = (CHART, TABLE, TOTALS)


def drop_total_row(table: Table, requested: str) -> tuple[Table, tuple[str, ...]]:
    """Table data without its first row, the total of all videos, and a note saying so."""
    if not table.rows:
        return table, ()
    _, first = table.rows[0]
    position = table.columns["network_post_id"][0]
    if position >= len(first) or header_key(cell_text(first[position])) != "total":
        return table, ()
    where = table.sheet or N_("the table")
    note = msg("The first row of {table} is the total of all videos and was left out.", table=where)
    return replace(table, rows=table.rows[1:]), (note,)
