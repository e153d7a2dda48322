"""Numbers and dates inside domain sentences, written so that each language can render them.

A domain sentence is made before anyone knows who will read it, so its values cannot be
formatted for the reader's language the way pages format theirs (`ui.i18n.num`, `day`). Each
value here is itself a small message: the separators, the percent sign and the month names are
templates or words of the catalogue, so `i18n.text_in` turns "12,345.6" into "12 345,6" and
"05 November 2026" into "5 novembre 2026". In English every value reads exactly as Python's
own formatting (`{:,}`, `{:.1f}`, `%d %B %Y`) would write it.
"""

from __future__ import annotations

from datetime import date

from campaigns.i18n import N_, msg

MONTHS = (
    N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"),
    N_("July"), N_("August"), N_("September"), N_("October"), N_("November"), N_("December"),
)  # fmt: skip
SHORT_MONTHS = (
    N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"),
    N_("Jul"), N_("Aug"), N_("Sep"), N_("Oct"), N_("Nov"), N_("Dec"),
)  # fmt: skip


def long_date(day: date) -> str:
    """A day with the month's name: "05 November 2026" (as `%d %B %Y` writes it)."""
    return msg("{day:02} {month} {year}", day=day.day, month=MONTHS[day.month - 1], year=day.year)


def short_date(day: date) -> str:
    """A day with the month's short name: "05 Nov 2026" (as `%d %b %Y` writes it)."""
    return msg(
        "{day:02} {month} {year}", day=day.day, month=SHORT_MONTHS[day.month - 1], year=day.year
    )


def count(value: int) -> str:
    """A whole number with its thousands grouped: "12,345" (as `{:,}` writes it)."""
    sign, digits = ("-", str(-value)) if value < 0 else ("", str(value))
    return _signed(sign, _grouped(digits))


def decimal(value: float, digits: int = 1, *, plus: bool = False, grouping: bool = True) -> str:
    """A number with a fixed count of decimals: "12,345.6", or "+2.3" with `plus`."""
    text = f"{value:{'+' if plus else ''}.{digits}f}"
    sign = text[0] if text[0] in "+-" else ""
    whole, _, fraction = text.lstrip("+-").partition(".")
    grouped = _grouped(whole) if grouping else whole
    if fraction:
        grouped = msg("{whole}.{fraction}", whole=grouped, fraction=fraction)
    return _signed(sign, grouped)


def percent(share: float, digits: int = 1) -> str:
    """A share as a percentage with a space before the sign: "25.3 %"."""
    return msg("{number} %", number=decimal(100 * share, digits, grouping=False))


def tight_percent(share: float) -> str:
    """A share as a whole percentage, the sign against the number: "25%" (as `{:.0%}`)."""
    return msg("{number}%", number=decimal(100 * share, 0, grouping=False))


def _grouped(digits: str) -> str:
    """Digits in groups of three from the right; each separator is a message of its own."""
    if len(digits) <= 3:
        return digits
    return msg("{high},{low}", high=_grouped(digits[:-3]), low=digits[-3:])


def _signed(sign: str, number: str) -> str:
    return msg("{sign}{number}", sign=sign, number=number) if sign else number
