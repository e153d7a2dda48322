"""Nothing lost under bad input: each hostile file gets a sentence and leaves the data as it was."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from campaigns import catalogue, consent, portraits
from campaigns.auth import SYSTEM
from campaigns.backup import create_backup
from campaigns.config import Settings
from campaigns.db import Base
from campaigns.errors import SpotlightError
from campaigns.portraits import PortraitInput
from campaigns.storage import LocalStore
from tests.corpus import CASES, MAX_VIDEO_BYTES, TODAY, Case, World
from tests.fixtures_people import PDF, consent_form, profile
from tests.fixtures_video import make_clip

Rows = dict[str, list[tuple[Any, ...]]]


def rows_of(db: Engine) -> Rows:
    """Every row of every table, in primary-key order."""
    with db.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in Base.metadata.sorted_tables
        }


def files_of(root: Path) -> dict[str, str]:
    """The SHA-256 of every file under root, by relative path."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="session")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-second MP4, made once."""
    folder = tmp_path_factory.mktemp("corpus-clip")
    return make_clip(folder / "clip.mp4", seconds=1.0, width=320, height=180)


@pytest.fixture
def world(case: Case, db: Engine, store: LocalStore, tmp_path: Path, clip: Path) -> World:
    """One person with a consent; a portrait or a backup when the case needs one."""
    person = catalogue.create_role_model(db, SYSTEM, profile())
    consent.record_consent(
        db, store, SYSTEM, person, consent_form(TODAY), consent.Proof("form.pdf", PDF)
    )
    portrait_id = None
    if case.needs == "portrait":
        with clip.open("rb") as upload:
            portrait_id = portraits.add_portrait(
                db, store, SYSTEM, upload, "clip.mp4",
                PortraitInput(title="Seed", role_model_ids=(person,), alt_text="A clip."),
                max_bytes=MAX_VIDEO_BYTES,
            )  # fmt: skip
    folder = None
    if case.needs == "backup":
        (tmp_path / "outside.txt").write_text("secret", encoding="utf-8")
        folder = tmp_path / "backup"
        settings = Settings(
            _env_file=None,
            database_url=db.url.render_as_string(hide_password=False),
            media_store=str(store.root),
            applications_key_file=tmp_path / "no-key",
        )
        create_backup(db, store, folder, settings=settings)
    return World(db, store, tmp_path, person, clip, portrait_id, folder)


# Signs that an exception's internals reached the message instead of a sentence.
LEAKS = re.compile(r"Traceback|Errno|File \"|[A-Z][a-z]+(Error|Exception|Warning)\b|0x[0-9a-f]{6,}")


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_hostile_input_gets_a_sentence_and_leaves_the_data_as_it_was(
    case: Case, world: World
) -> None:
    before = rows_of(world.db), files_of(world.store.root)

    if case.check is not None:
        result = case.act(world)
        case.check(world, result)
        return
    with pytest.raises(SpotlightError) as caught:
        case.act(world)

    message = str(caught.value)
    assert case.refused in message
    assert message[:1].isupper() and message.rstrip().endswith((".", "?", "!", ")")), message
    assert not LEAKS.search(message), message
    assert (rows_of(world.db), files_of(world.store.root)) == before
