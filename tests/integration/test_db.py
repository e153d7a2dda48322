"""The database: migrations, UTC timestamps, SQLite settings and concurrent writers."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic import command
from sqlalchemy import Engine, select, text

from campaigns.db import alembic_config, ensure_schema_current, make_engine, transaction
from campaigns.errors import ConfigurationError, DatabaseNotReady
from campaigns.models import AuditEvent, User


def test_migrations_match_the_models(db: Engine) -> None:
    # Fails when a model changed without a migration (autogenerate would find a difference).
    command.check(alembic_config(db))


def test_schema_check_says_what_to_run_on_an_empty_database(sqlite_url: str) -> None:
    with pytest.raises(DatabaseNotReady, match="python -m campaigns db upgrade"):
        ensure_schema_current(make_engine(sqlite_url))


def test_unreachable_database_is_one_clear_sentence() -> None:
    engine = make_engine("postgresql+psycopg://nobody:secret@127.0.0.1:1/none")
    with pytest.raises(ConfigurationError, match="cannot open the database") as caught:
        ensure_schema_current(engine)
    assert "secret" not in str(caught.value)


def test_times_are_stored_in_utc_and_read_back_aware(db: Engine) -> None:
    paris_noon = datetime(2026, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    with transaction(db) as session:
        session.add(User(email="a@school.example", display_name="A", role="viewer"))
        session.flush()
        session.add(
            AuditEvent(
                at=paris_noon,
                actor_email="a@school.example",
                action="test",
                entity_type="user",
                entity_id="1",
            )
        )
    with transaction(db, write=False) as session:
        stored = session.scalars(select(AuditEvent.at)).one()
    assert stored == paris_noon
    assert stored.tzinfo is not None and stored.utcoffset() == timedelta(0)
    assert stored.hour == 10


def test_a_failed_unit_of_work_writes_nothing(db: Engine) -> None:
    with pytest.raises(RuntimeError), transaction(db) as session:
        session.add(User(email="b@school.example", display_name="B", role="viewer"))
        session.flush()
        raise RuntimeError("boom")
    with transaction(db, write=False) as session:
        assert session.scalars(select(User)).all() == []


def test_sqlite_runs_with_wal_busy_timeout_and_foreign_keys(sqlite_db: Engine) -> None:
    with sqlite_db.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 30000
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_concurrent_writers_on_sqlite_never_see_database_is_locked(sqlite_db: Engine) -> None:
    errors: list[BaseException] = []

    def writer(worker: int) -> None:
        try:
            for i in range(25):
                with transaction(sqlite_db) as session:
                    # Read first, then write: the pattern that fails with deferred transactions.
                    count = len(session.scalars(select(User.id)).all())
                    session.add(
                        User(
                            email=f"w{worker}-{i}-{count}@school.example",
                            display_name="W",
                            role="viewer",
                            created_at=datetime.now(UTC),
                        )
                    )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with transaction(sqlite_db, write=False) as session:
        assert len(session.scalars(select(User.id)).all()) == 150
