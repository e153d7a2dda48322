"""Hostile and malformed inputs for every entry point, built in memory at test time.

Each `Case` says how to feed its input to Spotlight and what must come back: a refusal (a
`SpotlightError` whose sentence contains `refused`) with the database and media store untouched,
or an acceptance that `check` inspects (the input kept as plain text, never as markup or a formula).
The table in README.md lists them all.
"""

from __future__ import annotations

import csv
import io
import json
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from PIL import Image
from sqlalchemy import Engine, select

from campaigns import applications, backup, catalogue, catalogue_io, portraits
from campaigns.auth import SYSTEM
from campaigns.db import read_only
from campaigns.engagement import importing
from campaigns.media.captions import CaptionCheck
from campaigns.models import Portrait, RoleModel
from campaigns.portraits import PortraitInput
from campaigns.storage import LocalStore
from tests import fixtures_exports as exports
from tests.fixtures_people import HEADER, PDF, jpeg, person, to_csv

TODAY = date(2026, 6, 30)
KEY = b"k" * 32
MAX_VIDEO_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class World:
    """A seeded installation: one person with a consent, maybe a portrait and a backup."""

    db: Engine
    store: LocalStore
    folder: Path
    person_id: int
    clip: Path
    portrait_id: int | None = None
    backup: Path | None = None


@dataclass(frozen=True, slots=True)
class Case:
    """One hostile input, how to feed it to Spotlight and what must come back."""

    id: str
    entry: str
    what: str
    act: Callable[[World], object]
    refused: str = ""  # a piece of the sentence the refusal must contain
    check: Callable[[World, object], None] | None = None  # for inputs accepted as plain text
    needs: str = ""  # "portrait" or "backup": prepared before the "before" snapshot


# --- Builders -----------------------------------------------------------------------------------


def zipped(members: dict[str, bytes]) -> bytes:
    """A zip archive of the given members, names taken as they are (even `../`)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(side: int = 20_000) -> bytes:
    """A 1-bit PNG of side × side black pixels: about 50 kB that would unpack to 400 megapixels."""
    row = b"\x00" * (1 + (side + 7) // 8)
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", body)
        + png_chunk(b"IEND", b"")
    )


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims huge dimensions (its pixels are missing)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


def jpeg_with_huge_exif() -> bytes:
    """A valid JPEG carrying about 60 kB of EXIF text (and a GPS position)."""
    exif = Image.Exif()
    exif[0x010E] = "A" * 60_000  # ImageDescription
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 29.0)}  # GPS
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 40, 40)).save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (320, 240)).save(buffer, format="GIF")
    return buffer.getvalue()


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="320" height="240">'
    b"<script>alert(document.cookie)</script><rect width='320' height='240'/></svg>"
)
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def clip_bytes(world: World) -> bytes:
    return world.clip.read_bytes()


def ten_hour_mp4(world: World) -> bytes:
    """The test clip with its movie header's duration changed to ten hours."""
    data = bytearray(clip_bytes(world))
    at = data.index(b"mvhd") + 4
    version = data[at]
    if version == 0:
        timescale_at = at + 4 + 8
        (timescale,) = struct.unpack(">I", data[timescale_at : timescale_at + 4])
        data[timescale_at + 4 : timescale_at + 8] = struct.pack(">I", timescale * 36_000)
    else:
        timescale_at = at + 4 + 16
        (timescale,) = struct.unpack(">I", data[timescale_at : timescale_at + 4])
        data[timescale_at + 4 : timescale_at + 12] = struct.pack(">Q", timescale * 36_000)
    return bytes(data)


HLS_LOCAL = b"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n"
HLS_REMOTE = (
    b"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n"
    b"http://169.254.169.254/latest/meta-data/seg.ts\n#EXT-X-ENDLIST\n"
)
FFCONCAT = b"ffconcat version 1.0\nfile '/etc/passwd'\nfile 'http://example.com/a.mp4'\n"


FORMULA = '=HYPERLINK("http://evil.example","Click")'


def roles_csv(**change: str) -> bytes:
    """The import template with one person, changed where asked."""
    return to_csv([{**person(1), **change}])


def srt(*cues: tuple[str, str, str]) -> bytes:
    blocks = [f"{i}\n{start} --> {end}\n{text}\n" for i, (start, end, text) in enumerate(cues, 1)]
    return "\n".join(blocks).encode("utf-8")


APPLICATIONS_HEADER = ["Application ID", "Submitted", "Programme", "Family", "Gender", "Status"]


def applications_csv(rows: list[list[str]], header: list[str] = APPLICATIONS_HEADER) -> bytes:
    return exports.csv_text([header, *rows]).encode("utf-8")


def application(app_id: str, **change: str) -> list[str]:
    values = {
        "Submitted": "2026-06-01 10:00",
        "Programme": "Web developer",
        "Family": "tech",
        "Gender": "F",
        "Status": "applied",
    }
    values.update(change)
    return [app_id, *(values[h] for h in APPLICATIONS_HEADER[1:])]


def tiktok_content(rows: list[list[object]]) -> bytes:
    return exports.csv_text([exports.TIKTOK_CONTENT_HEADER, *rows]).encode("utf-8")


def negative_tiktok() -> bytes:
    rows = exports.tiktok_content_rows(exports.posts(2), with_year=True)
    return tiktok_content([[*row[:3], -5, -1, -1, -1000, -1] for row in rows[1:]])


def future_tiktok() -> bytes:
    return exports.tiktok_csv(exports.posts(2, start=datetime(2099, 1, 1, 9)), with_year=True)


# --- Actions ------------------------------------------------------------------------------------


def photo(data: bytes | Callable[[], bytes], filename: str) -> Callable[[World], object]:
    def act(world: World) -> object:
        body = data() if callable(data) else data
        return catalogue.set_photo(
            world.db, world.store, SYSTEM, world.person_id, body, filename, "A portrait."
        )

    return act


def video(data: bytes | Callable[[World], bytes], filename: str) -> Callable[[World], object]:
    def act(world: World) -> object:
        body = data(world) if callable(data) else data
        return portraits.add_portrait(
            world.db,
            world.store,
            SYSTEM,
            io.BytesIO(body),
            filename,
            PortraitInput(title="Hostile", role_model_ids=(world.person_id,), alt_text="A clip."),
            max_bytes=MAX_VIDEO_BYTES,
        )

    return act


def captions(data: bytes, filename: str = "captions.srt") -> Callable[[World], object]:
    def act(world: World) -> object:
        assert world.portrait_id is not None
        return portraits.set_captions(
            world.db, world.store, SYSTEM, world.portrait_id, data, filename
        )

    return act


def roles(
    data: bytes | Callable[[], bytes], filename: str = "people.csv"
) -> Callable[[World], object]:
    def act(world: World) -> object:
        body = data() if callable(data) else data
        return catalogue_io.apply_import(world.db, SYSTEM, body, filename)

    return act


def metrics(
    data: bytes | Callable[[], bytes], filename: str, platform: str = "auto"
) -> Callable[[World], object]:
    def act(world: World) -> object:
        body = data() if callable(data) else data
        return importing.import_metrics(
            world.db, SYSTEM, filename, body, platform=platform, today=TODAY
        )

    return act


def admissions(data: bytes, filename: str = "applications.csv") -> Callable[[World], object]:
    def act(world: World) -> object:
        return applications.import_applications(
            world.db, SYSTEM, filename, data, key=KEY, today=TODAY
        )

    return act


def restore(tamper: Callable[[Path], None]) -> Callable[[World], object]:
    def act(world: World) -> object:
        assert world.backup is not None
        tamper(world.backup)
        return backup.restore_backup(world.db, world.store, world.backup, force=True)

    return act


def edit_manifest(change: Callable[[dict[str, object]], None]) -> Callable[[Path], None]:
    def tamper(folder: Path) -> None:
        path = folder / backup.MANIFEST
        manifest = json.loads(path.read_text(encoding="utf-8"))
        change(manifest)
        path.write_text(json.dumps(manifest), encoding="utf-8")

    return tamper


def _first_file(manifest: dict[str, object]) -> dict[str, object]:
    files = manifest["files"]
    assert isinstance(files, list)
    entry = files[0]
    assert isinstance(entry, dict)
    return entry


def _bad_hash(manifest: dict[str, object]) -> None:
    _first_file(manifest)["sha256"] = "0" * 64


def _escape(manifest: dict[str, object]) -> None:
    _first_file(manifest)["path"] = "../../outside.txt"


def _drop_manifest(folder: Path) -> None:
    (folder / backup.MANIFEST).unlink()


def _garble_manifest(folder: Path) -> None:
    (folder / backup.MANIFEST).write_bytes(b"{not json at all \x00\xff")


def _flip_a_media_byte(folder: Path) -> None:
    target = next(p for p in sorted((folder / "media").rglob("*")) if p.is_file())
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))


# --- Checks for inputs accepted as plain text ----------------------------------------------------


def stored_names(world: World) -> list[str]:
    with read_only(world.db) as session:
        return list(session.scalars(select(RoleModel.full_name).order_by(RoleModel.id)))


def name_kept_as_text(expected: str) -> Callable[[World, object], None]:
    def check(world: World, result: object) -> None:
        assert expected in stored_names(world)
        exported = catalogue_io.export_role_models(world.db, SYSTEM, "csv").decode("utf-8-sig")
        assert expected in exported

    return check


def formula_neutralised(world: World, result: object) -> None:
    assert isinstance(result, catalogue_io.ImportPreview)
    assert FORMULA in stored_names(world)  # kept as the text that was typed
    exported = catalogue_io.export_role_models(world.db, SYSTEM, "csv").decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(exported)) for cell in row]
    assert "'" + FORMULA in cells
    assert not [cell for cell in cells if cell.startswith("=")]


def captions_as_text(cue_text: str) -> Callable[[World, object], None]:
    """The cue is kept word for word in the stored SRT, which nothing renders as a web page."""

    def check(world: World, result: object) -> None:
        with read_only(world.db) as session:
            portrait = session.get(Portrait, world.portrait_id)
            assert portrait is not None and portrait.captions_key
            key = portrait.captions_key
        stored = world.store.read_bytes(key).decode("utf-8")
        assert f"00:00:00,100 --> 00:00:01,000\n{cue_text}\n" in stored

    return check


def photo_clean(world: World, result: object) -> None:
    with read_only(world.db) as session:
        person_row = session.get(RoleModel, world.person_id)
        assert person_row is not None and person_row.photo_id == result
    originals = [p for p in world.store.root.rglob("original.*")]
    assert originals
    for path in originals:
        with Image.open(path) as image:
            assert not image.getexif()


def real_duration_kept(world: World, result: object) -> None:
    with read_only(world.db) as session:
        portrait = session.get(Portrait, result)
        assert portrait is not None and portrait.duration_s < 2.0


def cohort_kept_as_text(value: str) -> Callable[[World, object], None]:
    def check(world: World, result: object) -> None:
        with read_only(world.db) as session:
            cohorts = set(session.scalars(select(RoleModel.cohort)))
        assert value in cohorts

    return check


def nothing_to_import(world: World, result: object) -> None:
    assert isinstance(result, catalogue_io.ImportPreview) and not result.rows
    assert stored_names(world) == ["Amina Diallo"]


def captions_warn(fragment: str) -> Callable[[World, object], None]:
    def check(world: World, result: object) -> None:
        assert isinstance(result, CaptionCheck)
        assert any(fragment in problem for problem in result.problems), result.problems

    return check


def big_line() -> bytes:
    return roles_csv(bio="x" * 1_000_000)


# --- The corpus ---------------------------------------------------------------------------------

CASES: tuple[Case, ...] = (
    # Photos
    Case(
        "photo-pdf-as-jpg",
        "photo",
        "a PDF named .jpg",
        photo(PDF, "me.jpg"),
        refused="it looks like a PDF document",
    ),
    Case(
        "photo-html-as-jpg",
        "photo",
        "an HTML page with a script named .jpg",
        photo(HTML, "me.jpg"),
        refused="it looks like a web page",
    ),
    Case(
        "photo-zip-as-jpg",
        "photo",
        "a zip archive named .jpg",
        photo(zipped({"a.jpg": jpeg()}), "me.jpg"),
        refused="it looks like a ZIP archive",
    ),
    Case(
        "photo-truncated-jpeg",
        "photo",
        "the first half of a JPEG",
        photo(jpeg()[: len(jpeg()) // 2], "me.jpg"),
        refused="damaged or incomplete",
    ),
    Case(
        "photo-empty", "photo", "an empty file", photo(b"", "me.jpg"), refused="This file is empty"
    ),
    Case(
        "photo-png-bomb",
        "photo",
        "a 50 kB PNG that unpacks to 400 megapixels",
        photo(png_bomb, "bomb.png"),
        refused="the most we accept is 40 megapixels",
    ),
    Case(
        "photo-png-claims-huge",
        "photo",
        "a tiny PNG whose header claims 60,000 × 60,000",
        photo(png_claiming(60_000, 60_000), "huge.png"),
        refused="the most we accept is 40 megapixels",
    ),
    Case(
        "photo-svg-script",
        "photo",
        "an SVG with a script",
        photo(SVG, "me.svg"),
        refused="This file is an SVG drawing",
    ),
    Case(
        "photo-svg-as-jpg",
        "photo",
        "an SVG with a script named .jpg",
        photo(SVG, "me.jpg"),
        refused="This file is an SVG drawing",
    ),
    Case("photo-gif", "photo", "a GIF", photo(gif(), "me.gif"), refused="This file is a GIF image"),
    Case(
        "photo-huge-exif",
        "photo",
        "a valid JPEG with 60 kB of EXIF and a GPS position",
        photo(jpeg_with_huge_exif, "me.jpg"),
        check=photo_clean,
    ),
    # Videos
    Case(
        "video-text-as-mp4",
        "video",
        "a text file named .mp4",
        video(b"Hello, this is not a video.\n" * 20, "clip.mp4"),
        refused="it looks like a text file",
    ),
    Case(
        "video-truncated-mp4",
        "video",
        "the first third of a real MP4",
        video(lambda w: clip_bytes(w)[: len(clip_bytes(w)) // 3], "clip.mp4"),
        refused="damaged or incomplete",
    ),
    Case(
        "video-empty",
        "video",
        "an empty file named .mp4",
        video(b"", "clip.mp4"),
        refused="This file is empty",
    ),
    Case(
        "video-hls-local",
        "video",
        "an HLS playlist pointing at file:///etc/passwd, named .mp4",
        video(HLS_LOCAL, "clip.mp4"),
        refused="streaming playlist (HLS)",
    ),
    Case(
        "video-hls-remote",
        "video",
        "an HLS playlist pointing at an http address, named .mp4",
        video(HLS_REMOTE, "clip.mp4"),
        refused="streaming playlist (HLS)",
    ),
    Case(
        "video-ffconcat",
        "video",
        "an ffconcat list of /etc/passwd and a URL, named .mp4",
        video(FFCONCAT, "clip.mp4"),
        refused="FFmpeg concat script",
    ),
    Case(
        "video-ten-hours",
        "video",
        "a real MP4 whose header claims ten hours",
        video(ten_hour_mp4, "clip.mp4"),
        check=real_duration_kept,
    ),
    Case(
        "video-exe-name",
        "video",
        "a real MP4 named .exe",
        video(clip_bytes, "clip.exe"),
        refused="is not one",
    ),
    # Captions
    Case(
        "captions-binary",
        "captions",
        "random binary bytes named .srt",
        captions(bytes(range(256)) * 40),
        needs="portrait",
        refused="not a captions file (it is not text)",
    ),
    Case(
        "captions-absurd-time",
        "captions",
        "a cue at 99:99:99,999",
        captions(srt(("99:99:99,999", "99:99:99,999", "Hello"))),
        check=captions_warn("after the video ends"),
        needs="portrait",
    ),
    Case(
        "captions-backwards",
        "captions",
        "a cue that ends before it starts",
        captions(srt(("00:00:05,000", "00:00:01,000", "Hello"))),
        check=captions_warn("ends before it starts"),
        needs="portrait",
    ),
    Case(
        "captions-one-mb-line",
        "captions",
        "a single 1 MB line",
        captions(b"x" * 1_000_000),
        needs="portrait",
        refused="is not valid SRT",
    ),
    Case(
        "captions-too-big",
        "captions",
        "a 3 MB captions file",
        captions(srt(("00:00:00,000", "00:00:01,000", "y" * 3_000_000))),
        needs="portrait",
        refused="far more than captions for a video need",
    ),
    Case(
        "captions-script-tag",
        "captions",
        "a cue with a script tag",
        captions(srt(("00:00:00,100", "00:00:01,000", "<script>alert(1)</script>Hi"))),
        check=captions_as_text("<script>alert(1)</script>Hi"),
        needs="portrait",
    ),
    Case(
        "captions-rtl-override",
        "captions",
        "a cue with a right-to-left override",
        captions(srt(("00:00:00,100", "00:00:01,000", "Hello \u202egnp.exe"))),
        check=captions_as_text("Hello \u202egnp.exe"),
        needs="portrait",
    ),
    Case(
        "captions-pdf",
        "captions",
        "a PDF named .srt",
        captions(PDF),
        needs="portrait",
        refused="is not valid SRT",
    ),
    # Role-model imports
    Case(
        "roles-formula",
        "role models",
        "a name starting =HYPERLINK(...)",
        roles(roles_csv(full_name=FORMULA)),
        check=formula_neutralised,
    ),
    Case(
        "roles-script-name",
        "role models",
        "a name holding a script tag",
        roles(roles_csv(full_name="<script>alert(1)</script> Ada")),
        check=name_kept_as_text("<script>alert(1)</script> Ada"),
    ),
    Case(
        "roles-rtl-name",
        "role models",
        "a name holding a right-to-left override",
        roles(roles_csv(full_name="Ada \u202eecalovL")),
        check=name_kept_as_text("Ada \u202eecalovL"),
    ),
    Case(
        "roles-year-0001",
        "role models",
        "a cohort in year 0001",
        roles(roles_csv(cohort="0001")),
        check=cohort_kept_as_text("0001"),
    ),
    Case(
        "roles-year-9999",
        "role models",
        "a cohort in year 9999",
        roles(roles_csv(cohort="9999")),
        check=cohort_kept_as_text("9999"),
    ),
    Case(
        "roles-huge-line",
        "role models",
        "a row with a 1 MB bio",
        roles(big_line),
        refused="a cell is longer than",
    ),
    Case(
        "roles-utf16",
        "role models",
        "the template saved as UTF-16 without BOM, then cut",
        roles(roles_csv().decode().encode("utf-16-le")[:-1]),
        refused="This file is not a CSV table",
    ),
    Case(
        "roles-binary",
        "role models",
        "random bytes named .csv",
        roles(bytes(range(256)) * 20),
        refused="This file is not a CSV table",
    ),
    Case(
        "roles-xlsx-other-zip",
        "role models",
        "a zip of a text file named .xlsx",
        roles(zipped({"readme.txt": b"hello"}), "people.xlsx"),
        refused="not an Excel workbook Spotlight can read",
    ),
    Case(
        "roles-xlsx-traversal",
        "role models",
        "a zip with a ../ member named .xlsx",
        roles(zipped({"../../evil.txt": b"x", "[Content_Types].xml": b"<x/>"}), "people.xlsx"),
        refused="not an Excel workbook Spotlight can read",
    ),
    Case("roles-empty", "role models", "an empty file", roles(b""), refused="The file is empty"),
    Case(
        "roles-header-only",
        "role models",
        "the template header without rows",
        roles((",".join(HEADER) + "\n").encode()),
        check=nothing_to_import,
    ),
    # Metrics exports
    Case(
        "metrics-empty",
        "metrics",
        "an empty file",
        metrics(b"", "export.csv"),
        refused="The file is empty",
    ),
    Case(
        "metrics-header-only",
        "metrics",
        "a TikTok header without rows",
        metrics(tiktok_content([]), "Content.csv"),
        refused="column headers but no rows",
    ),
    Case(
        "metrics-zip-bomb",
        "metrics",
        "a zip whose member unpacks to 200 MB",
        metrics(lambda: exports.zip_bomb(200 * 1024 * 1024), "youtube.zip"),
        refused="zip bomb",
    ),
    Case(
        "metrics-zip-traversal",
        "metrics",
        "a zip with a ../../etc/cron.d member",
        metrics(exports.zip_with_traversal, "youtube.zip"),
        refused="unsafe path",
    ),
    Case(
        "metrics-wrong-platform",
        "metrics",
        "a TikTok export declared as LinkedIn",
        metrics(lambda: exports.tiktok_csv(exports.posts()), "Content.csv", "linkedin"),
        refused="looks like a TikTok export, not a LinkedIn one",
    ),
    Case(
        "metrics-negative",
        "metrics",
        "a TikTok export with negative figures",
        metrics(negative_tiktok, "Content.csv"),
        refused="is negative",
    ),
    Case(
        "metrics-future",
        "metrics",
        "a TikTok export of posts dated 2099",
        metrics(future_tiktok, "Content.csv"),
        refused="is in the future",
    ),
    Case(
        "metrics-utf16-garbage",
        "metrics",
        "UTF-16 bytes of nonsense",
        metrics("\ufeff\u4e00\u4e01\x00garbage\x00".encode("utf-16-le") * 50, "export.csv"),
        refused="does not look like an analytics export",
    ),
    Case(
        "metrics-binary",
        "metrics",
        "random bytes named .xlsx",
        metrics(bytes(range(256)) * 20, "export.xlsx"),
        refused="cannot tell how the text of this file is encoded",
    ),
    # Applications exports
    Case(
        "applications-emails",
        "applications",
        "a column of e-mail addresses",
        admissions(
            applications_csv(
                [[*application("A1"), "a@b.example"]], [*APPLICATIONS_HEADER, "E-mail"]
            )
        ),
        refused="has a column “E-mail”",
    ),
    Case(
        "applications-names",
        "applications",
        "a column of names",
        admissions(
            applications_csv(
                [[*application("A1"), "Ada Lovelace"]], [*APPLICATIONS_HEADER, "Full name"]
            )
        ),
        refused="has a column “Full name”",
    ),
    Case(
        "applications-hidden-email",
        "applications",
        "an e-mail address hidden in the programme cell",
        admissions(
            applications_csv([application("A1", Programme="Web dev (ask ada@school.example)")])
        ),
        refused="Row 2 holds an e-mail address",
    ),
    Case(
        "applications-empty",
        "applications",
        "an empty file",
        admissions(b""),
        refused="This file is empty",
    ),
    Case(
        "applications-binary",
        "applications",
        "random bytes named .xlsx",
        admissions(bytes(range(256)) * 20, "applications.xlsx"),
        refused="cannot tell how the text of this file is encoded",
    ),
    Case(
        "applications-header-only",
        "applications",
        "a header without rows",
        admissions(applications_csv([])),
        refused="a header but no applications",
    ),
    # Backups
    Case(
        "backup-traversal",
        "backup",
        "a manifest file path ../../outside.txt",
        restore(edit_manifest(_escape)),
        needs="backup",
        refused="leaves the backup folder",
    ),
    Case(
        "backup-tampered-hash",
        "backup",
        "a manifest checksum changed",
        restore(edit_manifest(_bad_hash)),
        needs="backup",
        refused="has changed since the backup was made",
    ),
    Case(
        "backup-media-flipped",
        "backup",
        "one byte of a media file changed",
        restore(_flip_a_media_byte),
        needs="backup",
        refused="has changed since the backup was made",
    ),
    Case(
        "backup-no-manifest",
        "backup",
        "no manifest.json",
        restore(_drop_manifest),
        needs="backup",
        refused="manifest.json is missing",
    ),
    Case(
        "backup-manifest-not-json",
        "backup",
        "a manifest.json that is not JSON",
        restore(_garble_manifest),
        needs="backup",
        refused="manifest.json cannot be read (it is not text)",
    ),
)
