"""Settings come from SPOTLIGHT_* variables; a wrong one stops start-up with one sentence."""

import pytest

from campaigns.config import Settings, load_settings
from campaigns.errors import ConfigurationError


@pytest.fixture(autouse=True)
def no_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)


def test_defaults_are_embedded_sqlite_local_media_and_paris_time() -> None:
    settings = load_settings()
    assert settings.database_url == "sqlite:///data/spotlight.db"
    assert settings.media_store == "data/media"
    assert not settings.uses_s3
    assert settings.time_zone == "Europe/Paris"
    assert settings.max_upload_bytes == 1000 * 1024 * 1024


def test_environment_overrides_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPOTLIGHT_MEDIA_STORE", "s3://school-media/spotlight")
    monkeypatch.setenv("SPOTLIGHT_TIME_ZONE", "America/New_York")
    settings = load_settings()
    assert settings.uses_s3
    assert settings.zone.key == "America/New_York"


def test_dotenv_file_is_read(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("SPOTLIGHT_MAX_UPLOAD_MB=42\n", encoding="utf-8")
    assert load_settings().max_upload_mb == 42


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("SPOTLIGHT_DATABASE_URL", "not a url", "SPOTLIGHT_DATABASE_URL is not a database address"),
        ("SPOTLIGHT_DATABASE_URL", "mysql://x/y", "must point to SQLite or PostgreSQL"),
        (
            "SPOTLIGHT_MEDIA_STORE",
            "ftp://host/x",
            "must be a folder or an address",
        ),
        ("SPOTLIGHT_MEDIA_STORE", "s3:///prefix", "must name a bucket"),
        ("SPOTLIGHT_TIME_ZONE", "Mars/Olympus", "is not a known time zone"),
        ("SPOTLIGHT_MAX_UPLOAD_MB", "lots", "SPOTLIGHT_MAX_UPLOAD_MB has a value Spotlight cannot"),
        ("SPOTLIGHT_S3_SERVER_SIDE_ENCRYPTION", "rot13", "must be AES256 or aws:kms"),
    ],
)
def test_wrong_setting_gives_one_clear_sentence(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError) as caught:
        load_settings()
    message = str(caught.value)
    assert expected in message
    assert message.endswith("then start again.")
    assert "Traceback" not in message and "\n" not in message


def test_every_setting_is_documented_in_the_readme() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"SPOTLIGHT_{name.upper()}" in readme, name


def test_streamlit_upload_limit_agrees_with_the_setting() -> None:
    import tomllib
    from pathlib import Path

    config = Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml"
    streamlit_limit = tomllib.loads(config.read_text(encoding="utf-8"))["server"]["maxUploadSize"]
    assert streamlit_limit == Settings.model_fields["max_upload_mb"].default


def test_unknown_render_speed_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPOTLIGHT_RENDER_SPEED", "warp")
    with pytest.raises(ConfigurationError, match="SPOTLIGHT_RENDER_SPEED must be one of"):
        load_settings()
