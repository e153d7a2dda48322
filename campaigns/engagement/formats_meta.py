"""Meta Business Suite exports: the Content table (Instagram, Facebook) and insights time series."""

from __future__ import annotations

from dataclasses import replace

from campaigns.engagement.aliases import (
    META_CONTENT_EN,
    META_CONTENT_FR,
    META_TIMESERIES,
    META_TIMESERIES_TITLES,
    Aliases,
)
from campaigns.engagement.numbers import DateOrder, DecimalMark
from campaigns.engagement.reading import is_filled
from campaigns.engagement.tables import Table, TableSpec, cell_text, header_key
from campaigns.errors import InvalidInput
from campaigns.i18n import N_, msg

_CONTENT_LANGUAGES: tuple[tuple[Aliases, DateOrder, DecimalMark], ...] = (
    # English exports write dates month first; French ones day first, with decimal commas.
    (META_CONTENT_EN, "mdy", "."),
    (META_CONTENT_FR, "dmy", ","),
)

CONTENT_SPECS = tuple(
    TableSpec(
        name=f"meta_{network}_{'en' if aliases is META_CONTENT_EN else 'fr'}",
        platform=network,
        scope="post",
        daily=False,
        aliases=aliases,
        required=("network_post_id", "post_url", marker),
        date_order=order,
        decimal_mark=mark,
    )
    for aliases, order, mark in _CONTENT_LANGUAGES
    for network, marker in (("instagram", "instagram_account"), ("facebook", "facebook_page"))
)
TIMESERIES = TableSpec(
    name="meta_timeseries",
    platform="meta",
    scope="account",
    daily=True,
    aliases=META_TIMESERIES,
    required=("day", "primary"),
    date_order="mdy",
)
SPECS = (*CONTENT_SPECS, TIMESERIES)


def _title(table: Table) -> str:
    for row in reversed(table.above):
        texts = [cell_text(cell) for cell in row if is_filled(cell)]
        if texts:
            return " ".join(texts)
    return ""


def refine_timeseries(table: Table, requested: str) -> tuple[Table, tuple[str, ...]]:
    """The time series with its “Primary” column named after the metric its title line gives."""
    title = _title(table)
    key = header_key(title)
    metric = next(
        (metric for word, metric in META_TIMESERIES_TITLES if header_key(word) in key), None
    )
    if metric is None:
        named = msg("“{title}”", title=title) if title else N_("a figure without a title")
        raise InvalidInput(
            msg(
                "This Meta time series holds {figure}, which Spotlight does not track; it reads "
                "reach, views, follows and link clicks.",
                figure=named,
            )
        )
    if "instagram" in key:
        platform = "instagram"
    elif "facebook" in key:
        platform = "facebook"
    elif requested in ("instagram", "facebook"):
        platform = requested
    else:
        raise InvalidInput(
            N_(
                "This Meta time series does not say whether it comes from Facebook or "
                "Instagram; choose the network and upload it again."
            )
        )
    columns = {("day" if name == "day" else metric): at for name, at in table.columns.items()}
    return replace(table, platform=platform, columns=columns), ()
