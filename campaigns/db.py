"""Database engine, transactions and schema upgrades (SQLite by default, PostgreSQL for teams)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import JSON, DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import NullPool
from sqlalchemy.types import TypeDecorator

from campaigns.errors import ConfigurationError, DatabaseNotReady
from campaigns.i18n import N_, Msg, msg

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = PROJECT_ROOT / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000

# Constraint names must be stable for Alembic (and SQLite batch migrations) to find them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of every table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back as an aware UTC datetime."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: give a time zone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _encode_text(value: object) -> object:
    if isinstance(value, Msg):
        values = {key: _encode_text(item) for key, item in value.values.items()}
        return {"text": str(value), "template": value.template, "values": values}
    if value is None or isinstance(value, str | int | float | bool):
        return value if not isinstance(value, str) else str(value)
    return str(value)


def _decode_text(value: object) -> object:
    if not isinstance(value, dict):
        return value
    text = str(value.get("text", ""))
    try:
        values = {key: _decode_text(item) for key, item in dict(value["values"]).items()}
        made = Msg(str(value["template"]), **values)
    except (KeyError, TypeError, ValueError, IndexError):
        return text
    # A value that did not survive as itself (a date kept as text) gives the English text back.
    return made if str(made) == text else text


class MessageList(TypeDecorator[list[str]]):
    """Sentences for people kept as JSON, each with its template so it can be read in French.

    A domain sentence (`campaigns.i18n.Msg`) is stored with its template and values; reading it
    back gives the same `Msg`, equal to its English text. Plain strings stay plain strings.
    """

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: list[str] | None, dialect: Dialect) -> object:
        if value is None:
            return None
        return [_encode_text(item) for item in value]

    def process_result_value(self, value: object, dialect: Dialect) -> list[str] | None:
        if value is None:
            return None
        if not isinstance(value, list):
            return [str(value)]
        return [
            str(item) if not isinstance(item, str) else item for item in map(_decode_text, value)
        ]


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def make_engine(database_url: str) -> Engine:
    """Open the database: SQLite gets WAL, a busy timeout and foreign keys; writers queue up."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, future=True)
    database = url.database or ""
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        poolclass=NullPool if database in ("", ":memory:") else None,
    )
    _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, open transactions, so that writes can take the lock first.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # BEGIN IMMEDIATE takes the write lock up front: a second writer waits (busy timeout)
        # instead of failing with "database is locked" when it upgrades a read lock.
        if connection.get_execution_options().get("sqlite_write", False):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


@contextmanager
def transaction(engine: Engine, *, write: bool = True) -> Iterator[Session]:
    """One unit of work: commits when the block ends, rolls everything back on any error."""
    bind = engine.execution_options(sqlite_write=write)
    factory = sessionmaker(bind=bind, expire_on_commit=False)
    with factory() as session, session.begin():
        yield session


def read_only(engine: Engine) -> Session:
    """A session for reading only (callers use it in a with-block)."""
    return Session(bind=engine.execution_options(sqlite_write=False), expire_on_commit=False)


def alembic_config(engine: Engine) -> Config:
    """Alembic configuration pointing at our migrations and at this engine."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade_database(engine: Engine) -> None:
    """Create or upgrade the schema to the newest version."""
    try:
        command.upgrade(alembic_config(engine), "head")
    except OperationalError as exc:
        raise ConfigurationError(
            msg(
                "Spotlight cannot open the database {address}"
                " (it may be down, or the address, user or password is wrong).",
                address=engine.url.render_as_string(hide_password=True),
            )
        ) from exc


def schema_is_current(engine: Engine) -> bool:
    """True when the database has every migration applied."""
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return current == head


def ensure_schema_current(engine: Engine) -> None:
    """Raise a clear error when the database needs `python -m campaigns db upgrade`."""
    try:
        current = schema_is_current(engine)
    except OperationalError as exc:
        raise ConfigurationError(
            msg(
                "Spotlight cannot open the database {address}"
                " (it may be down, or the address, user or password is wrong).",
                address=engine.url.render_as_string(hide_password=True),
            )
        ) from exc
    if not current:
        raise DatabaseNotReady(
            N_(
                "The database is not up to date. Run `python -m campaigns db upgrade` "
                "(or `make run`, which does it), then reload this page."
            )
        )
