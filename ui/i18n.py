"""The one translation function every user-visible string goes through."""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

import streamlit as st

from ui import state

LOCALES = Path(__file__).resolve().parent.parent / "locales"
LANGUAGES = {"en": "English", "fr": "Français"}
DEFAULT_LANGUAGE = "en"


@cache
def _catalogue(language: str) -> gettext.NullTranslations:
    return gettext.translation("spotlight", localedir=LOCALES, languages=[language], fallback=True)


def current_language() -> str:
    """The language chosen in this browser session."""
    language = st.session_state.get(state.LANGUAGE, DEFAULT_LANGUAGE)
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def t(message: str, **values: object) -> str:
    """Translate a message into the session's language, then fill in its {placeholders}."""
    text = _catalogue(current_language()).gettext(message)
    return text.format(**values) if values else text
