"""Where media files live: a local folder or an S3 bucket, behind one small interface."""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import boto3
from boto3.exceptions import Boto3Error
from boto3.s3.transfer import TransferConfig
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    CredentialRetrievalError,
    HTTPClientError,
    NoCredentialsError,
    PartialCredentialsError,
)
from botocore.exceptions import ConnectionError as BotoConnectionError
from s3transfer.exceptions import RetriesExceededError as TransferRetriesExceededError
from s3transfer.exceptions import S3DownloadFailedError, S3UploadFailedError

from campaigns.config import Settings
from campaigns.errors import ConfigurationError, InvalidInput, NotFound, StorageError
from campaigns.i18n import N_, msg

logger = logging.getLogger(__name__)
GONE = N_("This media file is no longer in the store.")
NOTHING_SAVED = N_("nothing was saved")
UNREAD = N_("the file could not be read")

ProgressCallback = Callable[[int], None]
"""Receives the number of bytes transferred since the previous call (boto3's convention)."""

MiB = 1024 * 1024
S3_MIN_PART_SIZE = 5 * MiB
DEFAULT_MULTIPART_THRESHOLD = 8 * MiB
DEFAULT_MULTIPART_CHUNKSIZE = 8 * MiB
MAX_KEY_LENGTH = 512
_CHUNK = 1 * MiB
# Segments may not start with "." so that "." and ".." never resolve as paths and the
# hidden temporary files LocalStore writes can never collide with a stored key.
_SEGMENT = r"[A-Za-z0-9_-][A-Za-z0-9._-]*"
_KEY_PATTERN = re.compile(rf"{_SEGMENT}(?:/{_SEGMENT})*")

_MISSING_OBJECT_CODES = frozenset({"NoSuchKey", "404", "NotFound"})
_MISSING_BUCKET_CODES = frozenset({"NoSuchBucket"})
_FORBIDDEN_CODES = frozenset({"AccessDenied", "403", "Forbidden", "AllAccessDisabled"})
_BAD_CREDENTIAL_CODES = frozenset(
    {"InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken"}
)
_BUSY_CODES = frozenset(
    {"SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout", "503", "500"}
)
_S3_ERRORS: tuple[type[BaseException], ...] = (
    BotoCoreError,
    ClientError,
    Boto3Error,
    TransferRetriesExceededError,
    S3UploadFailedError,
    S3DownloadFailedError,
)


@dataclass(frozen=True, slots=True)
class StoredObject:
    """A file as the store holds it."""

    key: str
    size: int
    sha256: str


class MediaStore(Protocol):
    """What Spotlight needs from a place that keeps media files."""

    def put_file(
        self, key: str, path: Path, content_type: str, progress: ProgressCallback | None = None
    ) -> StoredObject:
        """Store the file at path under key, replacing any previous content."""
        ...

    def put_bytes(self, key: str, data: bytes, content_type: str) -> StoredObject:
        """Store data under key, replacing any previous content."""
        ...

    def read_bytes(self, key: str) -> bytes:
        """Return the whole content stored under key."""
        ...

    def download_to(self, key: str, path: Path) -> None:
        """Copy the content stored under key to the local file path."""
        ...

    def exists(self, key: str) -> bool:
        """Tell whether something is stored under key."""
        ...

    def delete(self, key: str) -> None:
        """Remove what is stored under key; a missing key is not an error."""
        ...

    def list_keys(self) -> Iterator[str]:
        """Yield the key of every file in the store, in no particular order."""
        ...

    def download_url(self, key: str) -> str | None:
        """Return a temporary link to the content, or None when the app must serve it."""
        ...

    def check(self) -> None:
        """Raise StorageError with a clear sentence if the store cannot be used."""
        ...

    def describe(self) -> str:
        """Say in a few words where media are kept."""
        ...


def validate_key(key: str) -> str:
    """Return key unchanged if it is a safe storage key, else raise InvalidInput."""
    if not key or len(key) > MAX_KEY_LENGTH or not _KEY_PATTERN.fullmatch(key):
        raise InvalidInput(
            msg(
                "The storage name {key!r} is not allowed: use letters, digits, '-', '_' and '.' "
                "in segments separated by '/', without empty or dot-led segments, "
                "at most {limit} characters.",
                key=key[:80],
                limit=MAX_KEY_LENGTH,
            )
        )
    return key


def _is_listable(key: str) -> bool:
    """True when key is one the store could have written (so listing skips foreign files)."""
    return bool(key) and len(key) <= MAX_KEY_LENGTH and _KEY_PATTERN.fullmatch(key) is not None


def _raise(exc: OSError) -> None:
    raise exc


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _sha256_of_file(path: Path) -> tuple[int, str]:
    """Return the size and hex SHA-256 of a local file, or raise StorageError."""
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("rb") as source:
            while chunk := source.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
    except OSError as exc:
        logger.warning("Cannot read %s before storing it: %s", path, exc)
        raise StorageError(
            msg(
                "Spotlight could not read the file to store ({problem}); nothing was saved.",
                problem=_reason(exc),
            )
        ) from None
    return size, digest.hexdigest()


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError as exc:  # some platforms cannot open folders; the rename is still atomic
        logger.debug("Cannot open %s to flush it: %s", folder, exc)
        return
    try:
        os.fsync(fd)
    except OSError as exc:
        logger.debug("Cannot flush folder %s: %s", folder, exc)
    finally:
        os.close(fd)


def _write_atomically(
    target: Path, chunks: Iterable[bytes], progress: ProgressCallback | None = None
) -> tuple[int, str]:
    """Write chunks to target all at once or not at all; return size and hex SHA-256."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    temp = Path(temp_name)
    digest = hashlib.sha256()
    size = 0
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
                if progress is not None:
                    progress(len(chunk))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_folder(target.parent)
    return size, digest.hexdigest()


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as source:
        while chunk := source.read(_CHUNK):
            yield chunk


class LocalStore:
    """Media kept as files under one folder of this machine."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*validate_key(key).split("/"))

    def _write_failed(self, exc: OSError) -> StorageError:
        logger.warning("Writing to media folder %s failed: %s", self.root, exc, exc_info=True)
        return StorageError(
            msg(
                "Spotlight could not save the file in the media folder {folder} ({problem}); "
                "nothing was saved. Ask an administrator to check that the folder is writable "
                "and has free space.",
                folder=self.root,
                problem=_reason(exc),
            )
        )

    def put_file(
        self, key: str, path: Path, content_type: str, progress: ProgressCallback | None = None
    ) -> StoredObject:
        """Copy the file at path into the folder under key, atomically."""
        target = self._path(key)
        try:
            chunks = _file_chunks(Path(path))
            size, sha256 = _write_atomically(target, chunks, progress)
        except FileNotFoundError as exc:
            if exc.filename == str(path):
                logger.warning("File to store is missing: %s", path)
                raise StorageError(
                    N_(
                        "Spotlight could not read the file to store (it no longer exists); "
                        "nothing was saved."
                    )
                ) from None
            raise self._write_failed(exc) from None
        except OSError as exc:
            raise self._write_failed(exc) from None
        return StoredObject(key=key, size=size, sha256=sha256)

    def put_bytes(self, key: str, data: bytes, content_type: str) -> StoredObject:
        """Write data into the folder under key, atomically."""
        target = self._path(key)
        try:
            size, sha256 = _write_atomically(target, [data])
        except OSError as exc:
            raise self._write_failed(exc) from None
        return StoredObject(key=key, size=size, sha256=sha256)

    def read_bytes(self, key: str) -> bytes:
        """Return the content of the file stored under key."""
        target = self._path(key)
        try:
            return target.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            logger.info("Media key %s is not in folder %s", key, self.root)
            raise NotFound(GONE) from None
        except OSError as exc:
            logger.warning("Reading %s failed: %s", target, exc, exc_info=True)
            raise StorageError(
                msg(
                    "Spotlight could not read the file from the media folder {folder} ({problem}).",
                    folder=self.root,
                    problem=_reason(exc),
                )
            ) from None

    def download_to(self, key: str, path: Path) -> None:
        """Copy the file stored under key to path, atomically."""
        source = self._path(key)
        if not source.is_file():
            raise NotFound(GONE)
        try:
            _write_atomically(Path(path), _file_chunks(source))
        except FileNotFoundError as exc:
            if exc.filename == str(source):
                raise NotFound(GONE) from None
            raise self._copy_failed(exc) from None
        except OSError as exc:
            raise self._copy_failed(exc) from None

    def _copy_failed(self, exc: OSError) -> StorageError:
        logger.warning("Copying out of media folder %s failed: %s", self.root, exc, exc_info=True)
        return StorageError(
            msg(
                "Spotlight could not copy the media file to a working folder ({problem}).",
                problem=_reason(exc),
            )
        )

    def exists(self, key: str) -> bool:
        """Tell whether a file is stored under key."""
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        """Remove the file stored under key, if there is one."""
        target = self._path(key)
        if not target.is_file():
            return
        try:
            target.unlink(missing_ok=True)
        except OSError as exc:
            logger.warning("Deleting %s failed: %s", target, exc, exc_info=True)
            raise StorageError(
                msg(
                    "Spotlight could not delete the file from the media folder {folder} "
                    "({problem}); nothing was deleted.",
                    folder=self.root,
                    problem=_reason(exc),
                )
            ) from None

    def list_keys(self) -> Iterator[str]:
        """Yield the key of every file in the folder (temporary and hidden files left out)."""
        if not self.root.is_dir():
            return
        try:
            for folder, subfolders, files in os.walk(self.root, onerror=_raise):
                subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
                relative = Path(folder).relative_to(self.root).parts
                for name in sorted(files):
                    key = "/".join((*relative, name))
                    if _is_listable(key):
                        yield key
                    elif not name.startswith("."):
                        logger.warning("Ignoring %s in the media folder: not a storage key", key)
        except OSError as exc:
            logger.warning("Listing media folder %s failed: %s", self.root, exc, exc_info=True)
            raise StorageError(
                msg(
                    "Spotlight could not list the files of the media folder {folder} ({problem}).",
                    folder=self.root,
                    problem=_reason(exc),
                )
            ) from None

    def download_url(self, key: str) -> str | None:
        """Return None: local files have no link, the app serves their bytes itself."""
        validate_key(key)
        return None

    def check(self) -> None:
        """Create the folder if needed and make sure a file can be written in it."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=self.root, prefix=".check."):
                pass
        except OSError as exc:
            logger.warning("Media folder %s is unusable: %s", self.root, exc, exc_info=True)
            raise StorageError(
                msg(
                    "The media folder {folder} cannot be used ({problem}). Ask an "
                    "administrator to check SPOTLIGHT_MEDIA_STORE and the folder's permissions.",
                    folder=self.root,
                    problem=_reason(exc),
                )
            ) from None

    def describe(self) -> str:
        """Say which folder holds the media."""
        return f"folder {self.root}"


class S3Store:
    """Media kept as objects in an S3 (or S3-compatible) bucket."""

    def __init__(
        self,
        bucket: str,
        prefix: str,
        client: BaseClient,
        *,
        multipart_threshold: int = DEFAULT_MULTIPART_THRESHOLD,
        multipart_chunksize: int = DEFAULT_MULTIPART_CHUNKSIZE,
        server_side_encryption: str | None = None,
        kms_key_id: str | None = None,
        presigned_url_seconds: int = 300,
    ) -> None:
        if multipart_chunksize < S3_MIN_PART_SIZE:
            raise ValueError(f"S3 parts must be at least {S3_MIN_PART_SIZE} bytes")
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self._client = client
        self._transfer = TransferConfig(
            multipart_threshold=multipart_threshold, multipart_chunksize=multipart_chunksize
        )
        self._encryption: dict[str, str] = {}
        if server_side_encryption:
            self._encryption["ServerSideEncryption"] = server_side_encryption
            if kms_key_id:
                self._encryption["SSEKMSKeyId"] = kms_key_id
        self._presigned_url_seconds = presigned_url_seconds

    def _object_key(self, key: str) -> str:
        return self.prefix + validate_key(key)

    def _upload_args(self, content_type: str, sha256: str) -> dict[str, Any]:
        return {"ContentType": content_type, "Metadata": {"sha256": sha256}, **self._encryption}

    def put_file(
        self, key: str, path: Path, content_type: str, progress: ProgressCallback | None = None
    ) -> StoredObject:
        """Upload the file at path under key, in parts when it is large."""
        object_key = self._object_key(key)
        size, sha256 = _sha256_of_file(Path(path))
        with self._translated("upload", object_key, NOTHING_SAVED):
            self._client.upload_file(
                str(path),
                self.bucket,
                object_key,
                ExtraArgs=self._upload_args(content_type, sha256),
                Callback=progress,
                Config=self._transfer,
            )
        return StoredObject(key=key, size=size, sha256=sha256)

    def put_bytes(self, key: str, data: bytes, content_type: str) -> StoredObject:
        """Upload data under key."""
        object_key = self._object_key(key)
        sha256 = hashlib.sha256(data).hexdigest()
        with self._translated("upload", object_key, NOTHING_SAVED):
            self._client.upload_fileobj(
                io.BytesIO(data),
                self.bucket,
                object_key,
                ExtraArgs=self._upload_args(content_type, sha256),
                Config=self._transfer,
            )
        return StoredObject(key=key, size=len(data), sha256=sha256)

    def read_bytes(self, key: str) -> bytes:
        """Download and return the whole object stored under key."""
        object_key = self._object_key(key)
        with self._translated("read", object_key, UNREAD):
            response = self._client.get_object(Bucket=self.bucket, Key=object_key)
            body = response["Body"]
            try:
                data: bytes = body.read()
            finally:
                body.close()
        return data

    def download_to(self, key: str, path: Path) -> None:
        """Download the object stored under key to the local file path."""
        object_key = self._object_key(key)
        with self._translated("download", object_key, UNREAD):
            self._client.download_file(self.bucket, object_key, str(path), Config=self._transfer)

    def exists(self, key: str) -> bool:
        """Tell whether an object is stored under key."""
        object_key = self._object_key(key)
        try:
            with self._translated("look-up", object_key, N_("Spotlight could not check the file")):
                self._client.head_object(Bucket=self.bucket, Key=object_key)
        except NotFound:
            return False
        return True

    def delete(self, key: str) -> None:
        """Delete the object stored under key; S3 accepts deleting a missing key."""
        object_key = self._object_key(key)
        with self._translated("delete", object_key, N_("nothing was deleted")):
            self._client.delete_object(Bucket=self.bucket, Key=object_key)

    def list_keys(self) -> Iterator[str]:
        """Yield the key of every object under the store's prefix, page by page."""
        with self._translated("listing", None, N_("the media files could not be listed")):
            pages = self._client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=self.prefix
            )
            for page in pages:
                for item in page.get("Contents", []):
                    key = str(item["Key"])[len(self.prefix) :]
                    if _is_listable(key):
                        yield key
                    else:
                        logger.warning(
                            "Ignoring %s in bucket %s: not a storage key", key, self.bucket
                        )

    def download_url(self, key: str) -> str:
        """Return a signed link that lets a browser fetch the object for a limited time."""
        object_key = self._object_key(key)
        with self._translated("link", object_key, N_("no download link could be made")):
            url: str = self._client.generate_presigned_url(
                "get_object",
                Params={"Bucket": self.bucket, "Key": object_key},
                ExpiresIn=self._presigned_url_seconds,
            )
        return url

    def check(self) -> None:
        """Make sure the bucket exists and these credentials may use it."""
        with self._translated("check", None, N_("Spotlight cannot use it")):
            self._client.head_bucket(Bucket=self.bucket)

    def describe(self) -> str:
        """Say which bucket (and prefix) holds the media."""
        where = f"S3 bucket {self.bucket}"
        return f"{where} (prefix {self.prefix})" if self.prefix else where

    @contextmanager
    def _translated(self, doing: str, object_key: str | None, outcome: str) -> Iterator[None]:
        """Turn any boto3/botocore failure into a StorageError (or NotFound) users can read."""
        try:
            yield
        except _S3_ERRORS as exc:
            error = self._user_error(_root_cause(exc), object_key is not None, outcome)
            if isinstance(error, NotFound):
                logger.info("S3 %s: %s not in bucket %s", doing, object_key, self.bucket)
            else:
                logger.warning(
                    "S3 %s of %s in bucket %s failed: %r",
                    doing,
                    object_key or "the bucket itself",
                    self.bucket,
                    exc,
                    exc_info=True,
                )
            raise error from None

    def _user_error(
        self, exc: BaseException, about_object: bool, outcome: str
    ) -> StorageError | NotFound:
        unreachable = StorageError(
            msg(
                "The media store (S3 bucket {bucket}) cannot be reached right now; {outcome}. "
                "Try again in a few minutes or ask an administrator to check "
                "SPOTLIGHT_S3_ENDPOINT_URL.",
                bucket=self.bucket,
                outcome=outcome,
            )
        )
        if isinstance(exc, NoCredentialsError | PartialCredentialsError | CredentialRetrievalError):
            return StorageError(
                msg(
                    "No credentials were found for the S3 bucket {bucket}: set AWS_ACCESS_KEY_ID "
                    "and AWS_SECRET_ACCESS_KEY or an AWS profile.",
                    bucket=self.bucket,
                )
            )
        if isinstance(exc, BotoConnectionError | HTTPClientError):
            return unreachable
        if isinstance(exc, ClientError):
            error = exc.response.get("Error", {})
            code = str(error.get("Code", ""))
            status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))
            if about_object and code in _MISSING_OBJECT_CODES:
                return NotFound(GONE)
            if code in _MISSING_BUCKET_CODES | _MISSING_OBJECT_CODES | _FORBIDDEN_CODES:
                return StorageError(
                    msg(
                        "The S3 bucket {bucket} does not exist or Spotlight may not use it; "
                        "{outcome}. Ask an administrator to check SPOTLIGHT_MEDIA_STORE.",
                        bucket=self.bucket,
                        outcome=outcome,
                    )
                )
            if code in _BAD_CREDENTIAL_CODES:
                return StorageError(
                    msg(
                        "The credentials for the S3 bucket {bucket} were refused; {outcome}. "
                        "Check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or the AWS profile.",
                        bucket=self.bucket,
                        outcome=outcome,
                    )
                )
            if status >= 500 or code in _BUSY_CODES:
                return unreachable
            return StorageError(
                msg(
                    "The media store (S3 bucket {bucket}) refused the request ({code}); "
                    "{outcome}. Ask an administrator to check the S3 settings.",
                    bucket=self.bucket,
                    code=code,
                    outcome=outcome,
                )
            )
        return StorageError(
            msg(
                "The media store (S3 bucket {bucket}) failed ({error}); "
                "{outcome}. Try again, or ask an administrator to check the S3 settings.",
                bucket=self.bucket,
                error=type(exc).__name__,
                outcome=outcome,
            )
        )


def _root_cause(exc: BaseException) -> BaseException:
    """Unwrap boto3's transfer errors down to the botocore error that caused them, if any."""
    cause: BaseException | None = exc
    for _ in range(10):  # wrappers nest a few levels at most; a bound also stops cycles
        if cause is None:
            break
        if isinstance(cause, BotoCoreError | ClientError):
            found: BaseException = cause
            return found
        inner = getattr(cause, "last_exception", None) or cause.__cause__ or cause.__context__
        cause = inner if isinstance(inner, BaseException) else None
    return exc


def open_store(
    settings: Settings,
    *,
    max_attempts: int = 3,
    connect_timeout: float = 5,
    read_timeout: float = 60,
    multipart_threshold: int = DEFAULT_MULTIPART_THRESHOLD,
    multipart_chunksize: int = DEFAULT_MULTIPART_CHUNKSIZE,
) -> MediaStore:
    """Build the store named by settings.media_store: a folder or s3://bucket/prefix."""
    if not settings.uses_s3:
        return LocalStore(settings.local_media_root())
    bucket, _, prefix = settings.media_store.removeprefix("s3://").partition("/")
    prefix = prefix.strip("/")
    if prefix:
        try:
            validate_key(prefix)
        except InvalidInput:
            raise ConfigurationError(
                msg(
                    "The setting SPOTLIGHT_MEDIA_STORE names a folder inside the bucket "
                    "({prefix}) that Spotlight cannot use: use letters, digits, '-', '_', '.' "
                    "and '/'.",
                    prefix=prefix,
                )
            ) from None
    # Fresh session: the default one caches credentials for the life of the process.
    session = boto3.session.Session(region_name=settings.s3_region)
    client = session.client(
        "s3",
        endpoint_url=settings.s3_endpoint_url or None,
        config=Config(
            retries={"mode": "standard", "max_attempts": max_attempts},
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            # S3-compatible stores (MinIO, Scaleway, OVH…) may reject the newer default CRC
            # checksums; only send them where the API requires one.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        ),
    )
    return S3Store(
        bucket,
        prefix,
        client,
        multipart_threshold=multipart_threshold,
        multipart_chunksize=multipart_chunksize,
        server_side_encryption=settings.s3_server_side_encryption,
        kms_key_id=settings.s3_kms_key_id,
        presigned_url_seconds=settings.presigned_url_seconds,
    )
