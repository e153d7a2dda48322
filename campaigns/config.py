"""Settings read from environment variables prefixed SPOTLIGHT_ (and an optional .env file)."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from campaigns.errors import ConfigurationError

ENV_PREFIX = "SPOTLIGHT_"


class Settings(BaseSettings):
    """Every setting of Spotlight, with its default for a single machine."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = Field(
        default="sqlite:///data/spotlight.db",
        description="SQLAlchemy URL: a SQLite file (default) or postgresql+psycopg://…",
    )
    media_store: str = Field(
        default="data/media",
        description="A folder for media files, or s3://bucket/prefix for an S3 bucket.",
    )
    s3_endpoint_url: str | None = Field(
        default=None, description="Endpoint of an S3-compatible store (MinIO, Scaleway, OVH…)."
    )
    s3_region: str | None = Field(default=None, description="Region of the S3 bucket.")
    s3_server_side_encryption: str | None = Field(
        default=None, description="AES256 or aws:kms to ask S3 to encrypt stored media."
    )
    s3_kms_key_id: str | None = Field(default=None, description="KMS key for aws:kms encryption.")
    presigned_url_seconds: int = Field(
        default=300, ge=10, le=3600, description="Lifetime of download links to S3 media."
    )
    max_upload_mb: int = Field(
        default=1000, ge=1, le=10_000, description="Largest file a user may upload, in MB."
    )
    job_queue: str = Field(
        default="data/jobs.db",
        description="Where rendering jobs wait: a SQLite file, or redis://host:6379/0.",
    )
    render_workers: int = Field(
        default=1, ge=1, le=16, description="How many portraits render at the same time."
    )
    render_speed: str = Field(
        default="veryfast",
        description="x264 preset: ultrafast … veryslow (slower gives smaller files).",
    )
    time_zone: str = Field(
        default="Europe/Paris", description="Time zone in which dates and times are shown."
    )
    consent_expiry_warning_days: int = Field(
        default=30, ge=1, le=365, description="How many days ahead a consent counts as expiring."
    )
    applications_key: SecretStr | None = Field(
        default=None,
        description="Secret that turns application ids into keyed hashes (never stored with "
        "the data); without it, a key file is made once in applications_key_file.",
    )
    applications_key_file: Path = Field(
        default=Path("data/applications.key"),
        description="Where the applications key is kept when applications_key is not set.",
    )
    media_retention_days: int = Field(
        default=90, ge=0, le=3650,
        description="Days media are kept after a consent is withdrawn or has expired.",
    )  # fmt: skip
    session_idle_minutes: int = Field(
        default=30, ge=1, le=1440,
        description="Minutes without activity after which a signed-in person is signed out.",
    )  # fmt: skip
    suppression_threshold: int = Field(
        default=11, ge=1, le=100,
        description="Smallest count shown in breakdowns by disability or priority group.",
    )  # fmt: skip
    gender_suppression_threshold: int = Field(
        default=5, ge=1, le=100, description="Smallest count shown in breakdowns by gender."
    )

    @field_validator("database_url")
    @classmethod
    def _database_url_parses(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(
                "is not a database address Spotlight understands "
                "(expected for example sqlite:///data/spotlight.db)"
            ) from None
        if url.get_backend_name() not in {"sqlite", "postgresql"}:
            raise ValueError("must point to SQLite or PostgreSQL")
        return value

    @field_validator("media_store")
    @classmethod
    def _media_store_is_folder_or_bucket(cls, value: str) -> str:
        if "://" in value and not value.startswith("s3://"):
            raise ValueError("must be a folder or an address starting with s3://")
        if value.startswith("s3://") and not value[len("s3://") :].split("/", 1)[0]:
            raise ValueError("must name a bucket, as in s3://my-bucket/spotlight")
        return value

    @field_validator("render_speed")
    @classmethod
    def _known_speed(cls, value: str) -> str:
        speeds = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow",
                  "slower", "veryslow")  # fmt: skip
        if value not in speeds:
            raise ValueError(f"must be one of {', '.join(speeds)}")
        return value

    @field_validator("time_zone")
    @classmethod
    def _time_zone_exists(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                "is not a known time zone (expected for example Europe/Paris)"
            ) from None
        return value

    @field_validator("s3_server_side_encryption")
    @classmethod
    def _known_encryption(cls, value: str | None) -> str | None:
        if value not in (None, "", "AES256", "aws:kms"):
            raise ValueError("must be AES256 or aws:kms")
        return value or None

    @property
    def uses_s3(self) -> bool:
        """True when media live in an S3 bucket rather than a local folder."""
        return self.media_store.startswith("s3://")

    @property
    def zone(self) -> ZoneInfo:
        """The time zone in which to show dates and times."""
        return ZoneInfo(self.time_zone)

    @property
    def max_upload_bytes(self) -> int:
        """Largest accepted upload, in bytes."""
        return self.max_upload_mb * 1024 * 1024

    def local_media_root(self) -> Path:
        """The folder that holds media when they are stored locally."""
        return Path(self.media_store)


def load_settings() -> Settings:
    """Read the settings, or explain in one sentence which one is wrong."""
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ENV_PREFIX + str(first["loc"][0]).upper() if first["loc"] else "a setting"
        if first["type"] == "value_error":
            problem = str(first["msg"]).removeprefix("Value error, ")
        else:
            problem = f"has a value Spotlight cannot use ({str(first['msg']).lower()})"
        raise ConfigurationError(
            f"The setting {name} {problem}. Fix it in the environment or in .env, then start again."
        ) from None
