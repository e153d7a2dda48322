"""LocalStore keeps media in a folder: round trips, atomic writes and key safety."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from campaigns.config import Settings
from campaigns.errors import InvalidInput, NotFound, StorageError
from campaigns.storage import LocalStore, open_store, validate_key


@pytest.fixture
def store(tmp_path: Path) -> LocalStore:
    return LocalStore(tmp_path / "media")


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_put_bytes_then_read_exists_and_delete(store: LocalStore) -> None:
    data = b"portrait of a role model"

    stored = store.put_bytes("people/12/photo.jpg", data, "image/jpeg")

    assert stored.key == "people/12/photo.jpg"
    assert stored.size == len(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert store.exists("people/12/photo.jpg")
    assert store.read_bytes("people/12/photo.jpg") == data
    store.delete("people/12/photo.jpg")
    assert not store.exists("people/12/photo.jpg")


def test_put_file_copies_content_and_reports_progress(store: LocalStore, tmp_path: Path) -> None:
    source = tmp_path / "clip.mp4"
    data = os.urandom(3 * 1024 * 1024 + 17)
    source.write_bytes(data)
    seen: list[int] = []

    stored = store.put_file("videos/clip.mp4", source, "video/mp4", progress=seen.append)

    assert stored.size == len(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert sum(seen) == len(data)
    assert len(seen) > 1
    assert store.read_bytes("videos/clip.mp4") == data


def test_put_replaces_previous_content(store: LocalStore) -> None:
    store.put_bytes("a/b.txt", b"first", "text/plain")
    store.put_bytes("a/b.txt", b"second", "text/plain")

    assert store.read_bytes("a/b.txt") == b"second"
    assert files_under(store.root) == ["a/b.txt"]


def test_download_to_writes_a_copy(store: LocalStore, tmp_path: Path) -> None:
    store.put_bytes("a/b.bin", b"\x00\x01\x02", "application/octet-stream")
    target = tmp_path / "work" / "copy.bin"

    store.download_to("a/b.bin", target)

    assert target.read_bytes() == b"\x00\x01\x02"


def test_failure_during_write_leaves_no_file(store: LocalStore, tmp_path: Path) -> None:
    source = tmp_path / "big.bin"
    source.write_bytes(os.urandom(3 * 1024 * 1024))

    def fail_after_first_chunk(_: int) -> None:
        raise RuntimeError("disk pulled out")

    with pytest.raises(RuntimeError):
        store.put_file("videos/big.bin", source, "video/mp4", progress=fail_after_first_chunk)

    assert not store.exists("videos/big.bin")
    assert files_under(store.root) == []


def test_failed_rename_keeps_old_content_and_leaves_no_temp_file(
    store: LocalStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.put_bytes("a/b.txt", b"old", "text/plain")

    def refuse(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(StorageError, match="No space left on device"):
        store.put_bytes("a/b.txt", b"new", "text/plain")
    monkeypatch.undo()

    assert store.read_bytes("a/b.txt") == b"old"
    assert files_under(store.root) == ["a/b.txt"]


def test_reading_a_missing_key_says_it_is_gone(store: LocalStore) -> None:
    with pytest.raises(NotFound, match="no longer in the store"):
        store.read_bytes("people/1/missing.jpg")
    with pytest.raises(NotFound):
        store.download_to("people/1/missing.jpg", store.root.parent / "x")


def test_deleting_a_missing_key_is_not_an_error(store: LocalStore) -> None:
    store.delete("people/1/never-stored.jpg")

    assert not store.exists("people/1/never-stored.jpg")


def test_local_files_have_no_download_url(store: LocalStore) -> None:
    store.put_bytes("a.txt", b"x", "text/plain")

    assert store.download_url("a.txt") is None


def test_check_creates_the_folder(store: LocalStore) -> None:
    store.check()

    assert store.root.is_dir()


def test_check_explains_an_unusable_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder should be")

    with pytest.raises(StorageError, match="cannot be used"):
        LocalStore(blocker / "media").check()


@pytest.mark.parametrize(
    "key",
    ["../x", "/abs", "a//b", "", "a/../b", "a/./b", "a/", "a b", "a\\b", "é.jpg", "x" * 513],
)
def test_unsafe_keys_are_refused(store: LocalStore, key: str) -> None:
    with pytest.raises(InvalidInput):
        validate_key(key)
    with pytest.raises(InvalidInput):
        store.put_bytes(key, b"x", "text/plain")
    assert not store.root.exists()


@pytest.mark.parametrize("key", ["people/12/photo.jpg", "A-b_c.d/e", "x" * 512, "v1.2/clip.mp4"])
def test_safe_keys_are_accepted(key: str) -> None:
    assert validate_key(key) == key


def test_open_store_builds_a_folder_store(tmp_path: Path) -> None:
    store = open_store(Settings(_env_file=None, media_store=str(tmp_path / "m")))

    assert isinstance(store, LocalStore)
    assert store.describe() == f"folder {tmp_path / 'm'}"
