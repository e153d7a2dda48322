"""S3Store against moto's standalone server over real HTTP: transfers, links, failures."""

from __future__ import annotations

import hashlib
import os
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from campaigns.config import Settings
from campaigns.errors import InvalidInput, NotFound, StorageError
from campaigns.storage import MediaStore, MiB, S3Store, open_store
from tests.integration.s3_server import MotoS3Server, running_moto_server

REGION = "eu-west-3"
BUCKET = "spotlight-media"
PREFIX = "spotlight"


def credential_free_environment(monkeypatch: pytest.MonkeyPatch, tmp: Path) -> None:
    """Keep the machine's own AWS configuration (and EC2 metadata) out of the tests."""
    for name in (
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_S3",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_ROLE_ARN",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp / "no-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp / "no-config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture(scope="module")
def aws_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        credential_free_environment(mp, tmp_path_factory.mktemp("aws"))
        mp.setenv("AWS_ACCESS_KEY_ID", "testing")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        mp.setenv("AWS_DEFAULT_REGION", REGION)
        yield


@pytest.fixture(scope="module")
def s3_server(aws_env: None) -> Iterator[MotoS3Server]:
    with running_moto_server() as server:
        raw = boto3.client("s3", endpoint_url=server.endpoint_url, region_name=REGION)
        raw.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        yield server


@pytest.fixture
def raw_client(s3_server: MotoS3Server) -> Any:
    return boto3.client("s3", endpoint_url=s3_server.endpoint_url, region_name=REGION)


def s3_settings(endpoint_url: str, bucket: str = BUCKET, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "media_store": f"s3://{bucket}/{PREFIX}",
        "s3_endpoint_url": endpoint_url,
        "s3_region": REGION,
        "s3_server_side_encryption": None,
        "s3_kms_key_id": None,
        "presigned_url_seconds": 300,
        **overrides,
    }
    return Settings(_env_file=None, **values)


def build_store(endpoint_url: str, bucket: str = BUCKET, **overrides: Any) -> MediaStore:
    return open_store(
        s3_settings(endpoint_url, bucket, **overrides),
        max_attempts=1,
        connect_timeout=2,
        read_timeout=5,
        multipart_threshold=5 * MiB,
        multipart_chunksize=5 * MiB,
    )


@pytest.fixture
def store(s3_server: MotoS3Server) -> MediaStore:
    return build_store(s3_server.endpoint_url)


def test_open_store_builds_an_s3_store_for_an_s3_address(store: MediaStore) -> None:
    assert isinstance(store, S3Store)
    assert store.describe() == f"S3 bucket {BUCKET} (prefix {PREFIX}/)"


def test_put_read_exists_delete_round_trip(store: MediaStore, raw_client: Any) -> None:
    data = b"a portrait, in bytes"

    stored = store.put_bytes("people/12/photo.jpg", data, "image/jpeg")

    assert stored.size == len(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert store.exists("people/12/photo.jpg")
    assert store.read_bytes("people/12/photo.jpg") == data
    head = raw_client.head_object(Bucket=BUCKET, Key=f"{PREFIX}/people/12/photo.jpg")
    assert head["ContentType"] == "image/jpeg"
    assert head["Metadata"]["sha256"] == stored.sha256
    store.delete("people/12/photo.jpg")
    assert not store.exists("people/12/photo.jpg")


def test_put_file_and_download_to(store: MediaStore, tmp_path: Path) -> None:
    source = tmp_path / "clip.mp4"
    source.write_bytes(os.urandom(300_000))
    target = tmp_path / "out" / "clip.mp4"
    target.parent.mkdir()

    stored = store.put_file("videos/clip.mp4", source, "video/mp4")
    store.download_to("videos/clip.mp4", target)

    assert target.read_bytes() == source.read_bytes()
    assert stored.sha256 == hashlib.sha256(source.read_bytes()).hexdigest()


def test_reading_a_missing_key_says_it_is_gone(store: MediaStore, tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="no longer in the store"):
        store.read_bytes("people/1/missing.jpg")
    with pytest.raises(NotFound):
        store.download_to("people/1/missing.jpg", tmp_path / "x")
    assert not (tmp_path / "x").exists()


def test_deleting_a_missing_key_is_not_an_error(store: MediaStore) -> None:
    store.delete("people/1/never-stored.jpg")

    assert not store.exists("people/1/never-stored.jpg")


def test_unsafe_key_is_refused_before_any_request(store: MediaStore) -> None:
    with pytest.raises(InvalidInput):
        store.put_bytes("../escape", b"x", "text/plain")


def test_presigned_url_serves_the_same_bytes_over_http(store: MediaStore) -> None:
    data = os.urandom(50_000)
    store.put_bytes("people/7/story.txt", data, "text/plain")

    url = store.download_url("people/7/story.txt")

    assert url is not None
    assert url.startswith("http://127.0.0.1:")
    assert "X-Amz-Signature=" in url
    assert "X-Amz-Expires=300" in url
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.read() == data


def test_large_file_goes_up_in_parts_with_progress(
    store: MediaStore, raw_client: Any, tmp_path: Path
) -> None:
    source = tmp_path / "long.mp4"
    size = 12 * MiB
    source.write_bytes(os.urandom(size))
    seen: list[int] = []
    lock = threading.Lock()

    def progress(amount: int) -> None:
        with lock:
            seen.append(amount)

    stored = store.put_file("videos/long.mp4", source, "video/mp4", progress=progress)

    etag = raw_client.head_object(Bucket=BUCKET, Key=f"{PREFIX}/videos/long.mp4")["ETag"]
    parts = int(etag.strip('"').rsplit("-", 1)[1]) if "-" in etag else 1
    assert parts >= 3
    assert sum(seen) == size
    assert stored.size == size
    assert store.read_bytes("videos/long.mp4") == source.read_bytes()


def test_server_side_encryption_is_requested(s3_server: MotoS3Server, raw_client: Any) -> None:
    store = build_store(s3_server.endpoint_url, s3_server_side_encryption="AES256")

    store.put_bytes("people/3/consent.pdf", b"%PDF-1.7", "application/pdf")

    head = raw_client.head_object(Bucket=BUCKET, Key=f"{PREFIX}/people/3/consent.pdf")
    assert head["ServerSideEncryption"] == "AES256"


def test_check_passes_for_an_existing_bucket(store: MediaStore) -> None:
    store.check()


def test_missing_bucket_is_explained(s3_server: MotoS3Server, tmp_path: Path) -> None:
    store = build_store(s3_server.endpoint_url, bucket="no-such-bucket")
    source = tmp_path / "photo.jpg"
    source.write_bytes(b"jpeg")

    with pytest.raises(StorageError, match="does not exist or Spotlight may not use it"):
        store.check()
    with pytest.raises(StorageError, match="does not exist"):
        store.put_bytes("a.txt", b"x", "text/plain")
    with pytest.raises(StorageError, match="does not exist"):
        store.put_file("photo.jpg", source, "image/jpeg")


@pytest.fixture
def doomed_server(aws_env: None) -> Iterator[MotoS3Server]:
    with running_moto_server() as server:
        boto3.client("s3", endpoint_url=server.endpoint_url, region_name=REGION).create_bucket(
            Bucket="outage-bucket", CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        yield server


def test_outage_gives_a_readable_error_quickly(doomed_server: MotoS3Server) -> None:
    store = build_store(doomed_server.endpoint_url, bucket="outage-bucket")
    store.put_bytes("before.txt", b"saved while the store was up", "text/plain")
    doomed_server.stop()

    started = time.monotonic()
    with pytest.raises(StorageError) as caught:
        store.put_bytes("after.txt", b"x", "text/plain")
    with pytest.raises(StorageError, match="cannot be reached"):
        store.read_bytes("before.txt")
    with pytest.raises(StorageError, match="cannot be reached"):
        store.check()

    assert time.monotonic() - started < 10
    message = str(caught.value)
    assert "cannot be reached" in message
    assert "nothing was saved" in message
    assert "Traceback" not in message
    assert "Error" not in message
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


def test_missing_credentials_are_named(
    s3_server: MotoS3Server, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    credential_free_environment(monkeypatch, tmp_path)
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    store = build_store(s3_server.endpoint_url)

    with pytest.raises(StorageError, match="No credentials were found") as caught:
        store.put_bytes("people/1/photo.jpg", b"x", "image/jpeg")
    assert "AWS_ACCESS_KEY_ID" in str(caught.value)
    with pytest.raises(StorageError, match="credentials"):
        store.check()
