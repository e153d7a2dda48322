"""Languages: gettext catalogues read through Babel, and locale formatting of numbers and dates.

English is the source language: every message is written in English in the code and translated
through `locales/<language>/LC_MESSAGES/spotlight.po`. The catalogues are read as `.po` files, so
nothing has to be compiled before Spotlight starts. The command line speaks English.

Domain code marks its user-visible sentences and labels with `N_()` so the extraction finds them;
whoever shows them (a page, a report) translates them into the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

LOCALES = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "spotlight"
LANGUAGES: dict[str, str] = {"en": "English", "fr": "Français"}
DEFAULT_LANGUAGE = "en"
# English dates follow the British order ("30 Nov 2026"), which readers in the US also read
# without doubt; French uses its own ("30 nov. 2026") and the decimal comma.
FORMAT_LOCALES: dict[str, str] = {"en": "en_GB", "fr": "fr_FR"}


def N_(message: str) -> str:  # the gettext name for "mark now, translate where shown"
    """Mark a message for extraction; it is translated where it is shown."""
    return message


class Msg(str):
    """A sentence in English that remembers its template, so a page can show it in French.

    It *is* the English text (a `str`), so storing, comparing and logging it change nothing;
    `text_in()` rebuilds it from the translated template with the same values.
    """

    template: str
    values: dict[str, object]

    def __new__(cls, template: str, **values: object) -> Msg:
        made = super().__new__(cls, template.format(**values) if values else template)
        made.template = template
        made.values = values
        return made


def msg(template: str, **values: object) -> Msg:
    """A user-visible domain sentence with {placeholders}, marked for translation."""
    return Msg(template, **values)


def catalogue_path(language: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def catalogue(language: str) -> Mapping[str, str]:
    """Every translated message of a language (msgid → msgstr); empty for English."""
    path = catalogue_path(language)
    if language == DEFAULT_LANGUAGE or not path.exists():
        return {}
    with path.open("rb") as handle:
        found = read_po(handle, locale=language, domain=DOMAIN)
    return {
        str(message.id): str(message.string)
        for message in found
        if message.id and isinstance(message.id, str) and message.string and not message.fuzzy
    }


def language_or_default(language: str | None) -> str:
    """A supported language code, from a stored choice or a browser locale such as "fr-FR"."""
    if not language:
        return DEFAULT_LANGUAGE
    code = language.replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def translate(language: str, message: str, **values: object) -> str:
    """The message in that language (English when no translation exists), placeholders filled."""
    text = catalogue(language).get(message, message) if message else message
    return text.format(**values) if values else text


def text_in(language: str, text: str) -> str:
    """Any user-visible text from the domain, in that language.

    A `Msg` is rebuilt from its translated template (its values translated too when they are
    messages themselves); a plain string is looked up as a whole, and stays as it is when the
    catalogue does not know it (a name, a title typed by someone).
    """
    if isinstance(text, Msg):
        values = {
            key: text_in(language, value) if isinstance(value, str) else value
            for key, value in text.values.items()
        }
        return translate(language, text.template, **values)
    return translate(language, text)


def _locale(language: str) -> Locale:
    try:
        return Locale.parse(FORMAT_LOCALES.get(language, FORMAT_LOCALES[DEFAULT_LANGUAGE]))
    except UnknownLocaleError:  # pragma: no cover - Babel ships both locales
        return Locale.parse("en_GB")


def number(value: float | int, language: str, digits: int = 0) -> str:
    """A number with the language's grouping and decimal sign: 12,345.6 or 12 345,6."""
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(value, format=pattern, locale=_locale(language))


def percent(share: float, language: str, digits: int = 0) -> str:
    """A share (0.253) as a percentage in the language's style: 25.3% or 25,3 %."""
    locale = _locale(language)
    pattern = str(locale.percent_formats[None].pattern)  # "#,##0%" or "#,##0\u00a0%"
    if digits > 0:
        pattern = pattern.replace("#,##0", "#,##0." + "0" * digits, 1)
    return format_percent(share, format=pattern, locale=locale)


def day(value: date, language: str, style: str = "medium") -> str:
    """A date in the language's style: 30 Nov 2026 or 30 nov. 2026."""
    return format_date(value, format=style, locale=_locale(language))


def moment(value: datetime, language: str, style: str = "medium") -> str:
    """A date and time in the language's style (the value is shown in its own time zone)."""
    return format_datetime(value, format=style, tzinfo=value.tzinfo, locale=_locale(language))


# Number and date conventions for charts (d3's locale format, which Vega-Lite reads from the
# chart's `config.locale`), so that an axis in French reads "12 345,6" and "janv.".
_VEGA_LOCALES: dict[str, dict[str, object]] = {
    "en": {
        "number": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["£", ""]},
        "time": {
            "dateTime": "%a %e %b %X %Y",
            "date": "%d/%m/%Y",
            "time": "%H:%M:%S",
            "periods": ["AM", "PM"],
            "days": ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
            "shortDays": ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
            "months": [
                "January", "February", "March", "April", "May", "June",
                "July", "August", "September", "October", "November", "December",
            ],
            "shortMonths": [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
            ],
        },
    },
    "fr": {
        "number": {
            "decimal": ",", "thousands": "\u202f", "grouping": [3], "currency": ["", "\u00a0€"],
            "percent": "\u202f%",
        },
        "time": {
            "dateTime": "%A %e %B %Y à %X",
            "date": "%d/%m/%Y",
            "time": "%H:%M:%S",
            "periods": ["AM", "PM"],
            "days": ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
            "shortDays": ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
            "months": [
                "janvier", "février", "mars", "avril", "mai", "juin",
                "juillet", "août", "septembre", "octobre", "novembre", "décembre",
            ],
            "shortMonths": [
                "janv.", "févr.", "mars", "avr.", "mai", "juin",
                "juil.", "août", "sept.", "oct.", "nov.", "déc.",
            ],
        },
    },
}  # fmt: skip


def chart_locale(language: str) -> dict[str, object]:
    """The number and date conventions a chart uses in that language (Vega-Lite `locale`)."""
    return _VEGA_LOCALES.get(language, _VEGA_LOCALES[DEFAULT_LANGUAGE])
