"""Alembic environment: migrations run on the engine Spotlight gives, or on the configured one."""

from __future__ import annotations

from alembic import context

from campaigns import models  # noqa: F401 - registers every table on Base.metadata
from campaigns.config import load_settings
from campaigns.db import Base, make_engine

target_metadata = Base.metadata


def run_migrations() -> None:
    """Apply migrations; SQLite needs batch mode to alter tables."""
    engine = context.config.attributes.get("engine") or make_engine(load_settings().database_url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations()
