"""The one translation function every user-visible string goes through, and locale formatting.

The language is chosen per user (kept on the account) and, until someone chooses, follows the
browser's language. Catalogues and formatting rules live in `campaigns.i18n`.
"""

from __future__ import annotations

from datetime import date, datetime

import streamlit as st

from campaigns import i18n
from campaigns.i18n import DEFAULT_LANGUAGE, LANGUAGES
from ui import state

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "current_language",
    "day",
    "declare_page_language",
    "moment",
    "num",
    "pct",
    "t",
    "tr",
]


def browser_language() -> str:
    """The supported language closest to the browser's own ("fr-FR" → "fr"), else English."""
    # None outside a browser (tests, bare mode): the default language then.
    return i18n.language_or_default(st.context.locale)


def current_language() -> str:
    """The language of this browser session: the user's choice, else the browser's."""
    language = st.session_state.get(state.LANGUAGE)
    if language in LANGUAGES:
        return str(language)
    return browser_language()


def declare_page_language() -> None:
    """Tell browsers and screen readers which language the page is in (`<html lang>`)."""
    language = current_language()
    # The value comes from a fixed list of codes, never from what someone typed.
    st.html(
        f"<script>document.documentElement.lang = {language!r};</script>",
        unsafe_allow_javascript=True,
        width="content",
    )


def t(message: str, **values: object) -> str:
    """Translate a message into the session's language, then fill in its {placeholders}."""
    return i18n.translate(current_language(), message, **values)


def tr(text: str) -> str:
    """Domain text (an error, a check's reason, a label) in the session's language."""
    return i18n.text_in(current_language(), text)


def num(value: float | int, digits: int = 0) -> str:
    """A number in the session's language: 12,345.6 or 12 345,6."""
    return i18n.number(value, current_language(), digits)


def pct(share: float, digits: int = 0) -> str:
    """A share (0.253) as a percentage in the session's language: 25.3% or 25,3 %."""
    return i18n.percent(share, current_language(), digits)


def day(value: date, style: str = "medium") -> str:
    """A date in the session's language."""
    return i18n.day(value, current_language(), style)


def moment(value: datetime, style: str = "medium") -> str:
    """A date and time in the session's language."""
    return i18n.moment(value, current_language(), style)
