"""Reports as HTML (Jinja2) and PDF (WeasyPrint), in English or French.

Templates only format figures they receive; every chart is drawn from the Altair specification
the pages use (campaigns.charts) and embedded as a PNG with its alt text and its table beside it.
Nothing is fetched: images are data URIs and the PDF renderer refuses any other address.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import altair as alt
import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from PIL import ImageFile
from weasyprint import HTML, URLFetcher

from campaigns import charts, i18n
from campaigns.effect import METHOD_NAMES
from campaigns.i18n import translate
from campaigns.reports.campaign import CampaignFigures
from campaigns.reports.figures import EffectLine
from campaigns.reports.mission import MissionFigures
from campaigns.scheduling import network_label

# Importing WeasyPrint tells Pillow, for the whole process, to accept truncated images. Uploaded
# photos must still be refused when they are cut short, and the report only embeds images that
# Spotlight made itself, so the strict default is put back.
ImageFile.LOAD_TRUNCATED_IMAGES = False

TEMPLATES = Path(__file__).resolve().parent / "templates"
CHART_WIDTH = 430  # Vega's plot width in CSS pixels; the image fills its column


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart as the document shows it: the image, what it shows in words, its table."""

    src: str  # data URI of the PNG
    alt: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


class Formats:
    """Numbers, shares, dates and words in the report's language, for the templates."""

    def __init__(self, language: str) -> None:
        self.language = language

    def _(self, message: str, **values: object) -> str:
        """A template's sentence in the report's language, {placeholders} filled."""
        return translate(self.language, message, **values)

    def tr(self, text: str) -> str:
        """A sentence or label from the domain, in the report's language."""
        return i18n.text_in(self.language, text)

    def num(self, value: float | None, digits: int = 0) -> str:
        """A number (— when unknown)."""
        return "—" if value is None else i18n.number(value, self.language, digits)

    def pct(self, value: float | None, digits: int = 1) -> str:
        """A share as a percentage (— when unknown)."""
        return "—" if value is None else i18n.percent(value, self.language, digits)

    def pts(self, value: float | None, digits: int = 1) -> str:
        """A change in percentage points, with its sign."""
        if value is None:
            return "—"
        sign = "+" if value > 0 else ""
        return sign + i18n.number(value, self.language, digits)

    def day(self, value: date | None) -> str:
        """A date (— when unknown)."""
        return "—" if value is None else i18n.day(value, self.language)

    def moment(self, value: datetime | None) -> str:
        """A date and time in UTC (— when unknown)."""
        if value is None:
            return "—"
        return i18n.moment(value.astimezone(UTC), self.language) + " UTC"

    def network(self, network: str) -> str:
        """A network's name ("not given" when the application did not say)."""
        return self.tr(network_label(network)) if network else self._("not given")

    def share_or_hidden(self, value: float | None) -> str:
        """A share that suppression may have hidden (None)."""
        return self._("hidden") if value is None else self.pct(value)

    def chance(self, probability: float | None) -> str:
        """The chance a target is reached, never written as 0 % or 100 %."""
        if probability is None:
            return "—"
        if probability < 0.01:
            return self._("under {p}", p=i18n.percent(0.01, self.language))
        if probability > 0.99:
            return self._("over {p}", p=i18n.percent(0.99, self.language))
        return i18n.percent(probability, self.language)

    def p_value(self, value: float | None) -> str:
        """A p-value as the Applications page writes it."""
        if value is None:
            return "—"
        return "< " + i18n.number(0.001, self.language, 3) if value < 0.001 else self.num(value, 3)

    def method(self, method: str | None) -> str:
        """The estimator's name in words."""
        return self.tr(METHOD_NAMES.get(method or "", method or "—"))


def image_uri(data: bytes, kind: str = "jpeg") -> str:
    """Image bytes as a data URI the document embeds."""
    return f"data:image/{kind};base64,{base64.b64encode(data).decode('ascii')}"


def _chart(chart: alt.TopLevelMixin, text: str, table: pd.DataFrame, language: str) -> Chart:
    picture = charts.png(chart, locale=charts.vega_locale(language))
    return Chart(
        src=image_uri(picture, "png"),
        alt=text,
        columns=tuple(str(c) for c in table.columns),
        rows=tuple(tuple(str(v) for v in row) for row in table.itertuples(index=False)),
    )


# --- Campaign report -------------------------------------------------------------------------


def campaign_charts(figures: CampaignFigures, language: str) -> dict[str, Chart]:
    """The campaign report's charts, each with its alt text and its table."""
    f = Formats(language)
    found: dict[str, Chart] = {}
    with_impressions = [n for n in figures.networks if n.impressions is not None]
    if with_impressions:
        frame = pd.DataFrame(
            {
                "label": [f.network(n.network) for n in with_impressions],
                "impressions": [n.impressions for n in with_impressions],
            }
        )
        title = f._("Impressions by network")
        spec = charts.impressions_by(frame, title=title, impressions=f._("Impressions"))
        top = max(with_impressions, key=lambda n: n.impressions or 0)
        text = f._(
            "Bar chart: impressions of the campaign's posts on each network; the most on "
            "{network} ({value}). The table beside gives every value.",
            network=f.network(top.network), value=f.num(top.impressions),
        )  # fmt: skip
        table = pd.DataFrame(
            {
                f._("Network"): frame["label"],
                f._("Impressions"): [f.num(v) for v in frame["impressions"]],
            }
        )
        found["networks"] = _chart(
            spec.properties(width=CHART_WIDTH, height=110), text, table, language
        )
    weeks = [(week, value) for week, value in figures.weekly_impressions if value is not None]
    if weeks:
        frame = pd.DataFrame(
            {"period": [pd.Timestamp(w) for w, _ in weeks], "value": [v for _, v in weeks]}
        )
        title = f._("Impressions per week")
        spec = charts.metric_trend(frame, title=title, period=f._("Week"), rate=False)
        peak = max(weeks, key=lambda item: item[1])
        text = f._(
            "Line chart: impressions per week from {first} to {last}; the highest, {value}, in "
            "the week of {peak}. The table beside gives every week.",
            first=f.day(weeks[0][0]), last=f.day(weeks[-1][0]), value=f.num(peak[1]),
            peak=f.day(peak[0]),
        )  # fmt: skip
        table = pd.DataFrame(
            {
                f._("Week of"): [f.day(w) for w, _ in weeks],
                f._("Impressions"): [f.num(v) for _, v in weeks],
            }
        )
        found["weekly"] = _chart(
            spec.properties(width=CHART_WIDTH, height=170), text, table, language
        )
    for line in figures.effects:
        chart = effect_chart(line, language)
        if chart is not None:
            found[f"effect:{line.group}"] = chart
    return found


def effect_chart(line: EffectLine, language: str) -> Chart | None:
    """The weekly shares before the campaign, by programmes, small weeks left blank."""
    if not line.weekly:
        return None
    f = Formats(language)
    arms = {"promoted": f._("Promoted programmes"), "comparison": f._("Comparison programmes")}
    frame = pd.DataFrame(
        {
            "week": [pd.Timestamp(w.week) for w in line.weekly],
            "arm": [arms.get(w.arm, w.arm) for w in line.weekly],
            "share": [w.share for w in line.weekly],
        }
    )
    spec = charts.weekly_shares(
        frame, title=f._("Weekly share of the group, by programmes"), week=f._("Week"),
        share=f._("Share"), arm=f._("Programmes"),
    )  # fmt: skip
    text = f._(
        "Line chart: each week, the share of applications from {group} in the promoted and the "
        "comparison programmes, before and after the campaign start ({start}). Lines moving in "
        "parallel before the start support the estimate. The table gives every week; weeks "
        "that would reveal fewer than {n} people are left out.",
        group=f.tr(line.label).lower(), n=line.threshold, start=f.day(line.post_start),
    )  # fmt: skip
    cells = {(w.week, arms.get(w.arm, w.arm)): w.share for w in line.weekly}
    table = _wide(cells, f._("Week of"), f.day, f)
    return _chart(spec.properties(width=CHART_WIDTH, height=170), text, table, language)


def campaign_html(figures: CampaignFigures, language: str) -> str:
    """The campaign report as one HTML document."""
    return _render(
        "campaign.html",
        language,
        figures=figures,
        charts=campaign_charts(figures, language),
        title=Formats(language)._("Campaign report: {name}", name=figures.name),
        stamp=figures.data_timestamp,
        settings=figures.settings,
    )


# --- Mission report --------------------------------------------------------------------------


def mission_charts(figures: MissionFigures, language: str) -> dict[str, Chart]:
    """The mission report's chart of monthly shares, with its alt text and table."""
    f = Formats(language)
    if not figures.monthly:
        return {}
    frame = pd.DataFrame(
        {
            "month": [pd.Timestamp(m.month) for m in figures.monthly],
            "measure": [f.tr(m.measure) for m in figures.monthly],
            "share": [m.share for m in figures.monthly],
            "total": [m.total for m in figures.monthly],
        }
    )
    spec = charts.shares_by_month(
        frame, title=f._("Shares by month"), month=f._("Month"), share=f._("Share")
    )
    text = f._(
        "Line chart: month by month in {year}, the share of women among applicants to tech "
        "programmes and the share of applicants from priority groups. The table beside gives "
        "every month.",
        year=figures.year,
    )
    cells = {(m.month, f.tr(m.measure)): m.share for m in figures.monthly}
    table = _wide(cells, f._("Month"), lambda m: i18n.day(m, language, "MMM y"), f)
    return {
        "monthly": _chart(spec.properties(width=CHART_WIDTH, height=190), text, table, language)
    }


def mission_html(figures: MissionFigures, language: str) -> str:
    """The mission report as one HTML document."""
    return _render(
        "mission.html",
        language,
        figures=figures,
        charts=mission_charts(figures, language),
        title=Formats(language)._("Mission report {year}", year=figures.year),
        stamp=figures.data_timestamp,
        settings=figures.settings,
    )


# --- Shared ----------------------------------------------------------------------------------


def _wide(
    cells: dict[tuple[date, str], float | None],
    first: str,
    when: Callable[[date], str],
    f: Formats,
) -> pd.DataFrame:
    """One row per date, one column per series: a share, "hidden" where suppression hid it,
    "—" where the series has nothing that day."""
    days = sorted({day for day, _ in cells})
    series = list(dict.fromkeys(name for _, name in cells))
    table = pd.DataFrame({first: [when(day) for day in days]})
    for name in series:
        table[name] = [
            f.share_or_hidden(cells[(day, name)]) if (day, name) in cells else "—" for day in days
        ]
    return table


def _render(template: str, language: str, **context: object) -> str:
    f = Formats(language)
    helpers: dict[str, Callable[..., str]] = {
        "_": f._, "tr": f.tr, "num": f.num, "pct": f.pct, "pts": f.pts, "day": f.day,
        "moment": f.moment, "network": f.network, "chance": f.chance, "p_value": f.p_value,
        "method": f.method, "image": image_uri,
    }  # fmt: skip
    stamp = context.get("stamp")
    created = (
        stamp.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if isinstance(stamp, datetime) else ""
    )
    return (
        _environment()
        .get_template(template)
        .render(language=language, created=created, **helpers, **context)
    )


def pdf_document(html: str) -> tuple[bytes, int]:
    """The HTML document as a tagged PDF and its number of pages. Its dates are the data's and
    it carries no random identifier, so that the same data gives the same file."""
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    document = HTML(string=html, url_fetcher=fetcher).render()
    data = document.write_pdf(pdf_tags=True)
    if not isinstance(data, bytes):  # pragma: no cover - write_pdf without a target returns bytes
        raise TypeError("WeasyPrint returned no PDF")
    return data, len(document.pages)
