"""Shared fixtures: a migrated database on SQLite and, where available, on PostgreSQL."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from campaigns.db import make_engine, upgrade_database
from campaigns.storage import LocalStore

# Rendering jobs queued by tests wait in a throwaway queue, never in the project's data/ folder.
os.environ.setdefault(
    "SPOTLIGHT_JOB_QUEUE",
    str(Path(tempfile.gettempdir()) / f"spotlight-test-jobs-{os.getpid()}.db"),
)

POSTGRES_URL = os.environ.get("SPOTLIGHT_TEST_POSTGRES_URL", "")
REQUIRE_SERVICES = os.environ.get("SPOTLIGHT_TEST_REQUIRE_SERVICES") == "1"


def skip_or_fail(reason: str) -> None:
    """Skip with a visible reason on a developer's machine; fail in CI, where services must run."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (SPOTLIGHT_TEST_REQUIRE_SERVICES=1 forbids skipping)")
    pytest.skip(reason)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite file."""
    return f"sqlite:///{tmp_path / 'spotlight.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database, dropped afterwards."""
    if not POSTGRES_URL:
        skip_or_fail("PostgreSQL tests need SPOTLIGHT_TEST_POSTGRES_URL (`.ci/run` sets it)")
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"spotlight_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each persistence test runs once on SQLite and once on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def db(database_url: str) -> Iterator[Engine]:
    """A migrated database engine."""
    engine = make_engine(database_url)
    upgrade_database(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_db(sqlite_url: str) -> Iterator[Engine]:
    """A migrated SQLite engine, for tests about SQLite itself."""
    engine = make_engine(sqlite_url)
    upgrade_database(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def store(tmp_path: Path) -> LocalStore:
    """A media store in a temporary folder."""
    return LocalStore(tmp_path / "media")
