"""Process-wide resources (settings, database, media store), created once and cached."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from campaigns.auth import SYSTEM
from campaigns.config import Settings, load_settings
from campaigns.db import ensure_schema_current, make_engine
from campaigns.engagement import importing
from campaigns.engagement.analytics import PreparedData, prepare
from campaigns.engagement.frames import load_metrics
from campaigns.storage import MediaStore, open_store


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    """The settings, read once per server process."""
    return load_settings()


@st.cache_resource(show_spinner=False)
def engine() -> Engine:
    """The database engine, checked to be at the newest schema."""
    db = make_engine(settings().database_url)
    ensure_schema_current(db)
    return db


@st.cache_resource(show_spinner=False)
def store() -> MediaStore:
    """The media store, checked to be reachable."""
    media = open_store(settings())
    media.check()
    return media


def clear_all() -> None:
    """Forget every cached resource and frame (tests, and after a settings change)."""
    st.cache_resource.clear()
    st.cache_data.clear()


@st.cache_data(ttl=600, max_entries=2000, show_spinner=False)
def media_bytes(key: str) -> bytes:
    """The bytes of a stored media file (thumbnails), cached for ten minutes."""
    return store().read_bytes(key)


@st.cache_resource(show_spinner=False, max_entries=2)
def _prepared_metrics(version: tuple[int, int, int]) -> PreparedData:
    # One copy per data version, shared by every session; an import moves the version.
    return prepare(load_metrics(engine(), SYSTEM))


def metrics() -> PreparedData:
    """The analytical copy of every metric, reloaded only when an import has changed them."""
    return _prepared_metrics(importing.data_version(engine()))
