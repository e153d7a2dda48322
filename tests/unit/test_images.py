"""Photo ingest: upright, metadata-free copies of real photos; one clear sentence for the rest."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import struct
import warnings
import zlib
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import ExifTags, FitsImagePlugin, Image, PngImagePlugin

from campaigns.errors import InvalidInput
from campaigns.media.images import (
    ACCEPTED_FORMATS,
    MAX_PHOTO_BYTES,
    THUMBNAIL_SIZES,
    PreparedPhoto,
    prepare_photo,
)
from tests.fixtures_media import (
    BLUE,
    CAMERA_MODEL,
    RED,
    SECRET_COMMENT,
    camera_exif,
    cornered,
    encode,
    fits_file,
    fits_header_only,
    heic_from,
    jpeg_with_everything,
    mp4_video,
    noise,
    pdf_document,
    png_chunks,
    png_declaring,
    png_header_only,
    png_with_everything,
    srgb_icc,
    with_transparency,
)

USE_INSTEAD = "Use a JPEG, PNG, WebP or iPhone HEIC photo."
SMALLER = "Save a smaller copy and upload that instead."
METADATA_MARKERS = (b"Exif", b"GPS", b"http://ns.adobe.com/xap", b"XML:com.adobe.xmp", b"iCCP")


def reopen(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def close_to(actual: object, expected: tuple[int, ...], tolerance: int = 12) -> bool:
    assert isinstance(actual, tuple)
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def assert_no_metadata(data: bytes) -> None:
    image = reopen(data)
    assert len(image.getexif()) == 0
    assert not {"exif", "xmp", "icc_profile", "XML:com.adobe.xmp", "comment"} & set(image.info)
    for marker in (*METADATA_MARKERS, CAMERA_MODEL.encode(), SECRET_COMMENT, b"SecretEditor"):
        assert marker not in data, marker


def assert_clean_photo(photo: PreparedPhoto) -> None:
    assert_no_metadata(photo.original)
    for thumbnail in photo.thumbnails.values():
        assert_no_metadata(thumbnail)


def refusal(data: bytes, filename: str = "") -> str:
    with pytest.raises(InvalidInput) as caught:
        prepare_photo(data, filename)
    return str(caught.value)


# --- real photos -------------------------------------------------------------------------


def test_jpeg_turned_by_exif_orientation_comes_out_upright_without_metadata() -> None:
    upload = jpeg_with_everything(cornered(120, 80), orientation=6)
    stored = Image.open(io.BytesIO(upload))
    assert stored.size == (120, 80)
    assert stored.getexif().get_ifd(ExifTags.IFD.GPSInfo), "the fixture must carry a GPS position"
    assert CAMERA_MODEL.encode() in upload and SECRET_COMMENT in upload

    photo = prepare_photo(upload, "IMG_0001.jpg")

    assert (photo.width, photo.height) == (80, 120)
    assert (photo.source_format, photo.original_format) == ("JPEG", "jpeg")
    upright = reopen(photo.original)
    assert upright.format == "JPEG"
    assert upright.size == (80, 120)
    # Orientation 6 means "turn 90° clockwise to view": the red top-left goes to the top right.
    assert close_to(upright.getpixel((75, 5)), RED)
    assert close_to(upright.getpixel((5, 5)), BLUE)
    assert close_to(upright.getpixel((75, 115)), BLUE)
    assert_clean_photo(photo)


@pytest.mark.parametrize(
    ("orientation", "size", "red_at"),
    [(1, (120, 80), (5, 5)), (3, (120, 80), (115, 75)), (8, (80, 120), (5, 115))],
)
def test_every_exif_orientation_is_applied(
    orientation: int, size: tuple[int, int], red_at: tuple[int, int]
) -> None:
    photo = prepare_photo(jpeg_with_everything(cornered(120, 80), orientation))
    upright = reopen(photo.original)
    assert upright.size == size
    assert close_to(upright.getpixel(red_at), RED)


def test_png_with_transparency_keeps_alpha_and_gets_jpeg_thumbnails_on_white() -> None:
    photo = prepare_photo(encode(with_transparency(200, 100), "PNG"), "logo.png")

    assert (photo.source_format, photo.original_format) == ("PNG", "png")
    original = reopen(photo.original)
    assert original.format == "PNG"
    assert original.mode == "RGBA"
    assert original.getpixel((10, 10)) == (*RED, 255)
    assert original.getpixel((190, 10)) == (0, 0, 0, 0)
    for thumbnail in photo.thumbnails.values():
        small = reopen(thumbnail)
        assert (small.format, small.mode) == ("JPEG", "RGB")
        assert close_to(small.getpixel((small.width - 2, 2)), (255, 255, 255))
        assert close_to(small.getpixel((2, 2)), RED)


def test_png_whose_alpha_channel_is_fully_opaque_becomes_a_jpeg() -> None:
    photo = prepare_photo(encode(cornered(100, 100, mode="RGBA"), "PNG"))
    assert photo.original_format == "jpeg"
    assert reopen(photo.original).mode == "RGB"


def test_palette_png_with_a_transparent_colour_keeps_that_transparency() -> None:
    palette = with_transparency(100, 100).convert("P")
    photo = prepare_photo(encode(palette, "PNG", transparency=palette.getpixel((99, 0))))
    assert photo.original_format == "png"
    assert reopen(photo.original).getpixel((99, 0))[3] == 0  # type: ignore[index]


def test_png_metadata_xmp_text_exif_and_icc_profile_are_stripped() -> None:
    upload = png_with_everything(cornered(120, 80))
    before = Image.open(io.BytesIO(upload))
    assert {"XML:com.adobe.xmp", "icc_profile", "Author", "exif"} <= set(before.info)

    photo = prepare_photo(upload, "portrait.png")

    assert_clean_photo(photo)
    assert b"A. Secret" not in photo.original
    # The sRGB profile was applied, not just dropped: colours stay as they were shown.
    assert close_to(reopen(photo.original).getpixel((5, 5)), RED)


def test_jpeg_xmp_comment_and_icc_profile_are_stripped() -> None:
    upload = jpeg_with_everything(cornered(120, 80))
    assert b"http://ns.adobe.com/xap" in upload
    assert "icc_profile" in Image.open(io.BytesIO(upload)).info
    assert_clean_photo(prepare_photo(upload))


def test_unusable_colour_profile_is_dropped_without_refusing_the_photo() -> None:
    photo = prepare_photo(encode(cornered(), "JPEG", icc_profile=b"not a real profile" * 10))
    assert_clean_photo(photo)
    assert close_to(reopen(photo.original).getpixel((5, 5)), RED)


def test_webp_photo_is_accepted_and_re_encoded_as_jpeg() -> None:
    upload = encode(cornered(120, 80), "WEBP", quality=90, exif=camera_exif(6), xmp=b"x")
    photo = prepare_photo(upload, "photo.webp")
    assert (photo.source_format, photo.original_format) == ("WEBP", "jpeg")
    assert (photo.width, photo.height) == (80, 120)
    assert close_to(reopen(photo.original).getpixel((75, 5)), RED, tolerance=20)
    assert_clean_photo(photo)


def test_webp_with_transparency_becomes_png() -> None:
    photo = prepare_photo(encode(with_transparency(), "WEBP", lossless=True))
    assert (photo.source_format, photo.original_format) == ("WEBP", "png")
    assert reopen(photo.original).getpixel((110, 10)) == (0, 0, 0, 0)


def test_iphone_heic_is_accepted_and_turned_upright_exactly_once() -> None:
    upload = heic_from(cornered(120, 80), exif=camera_exif(6).tobytes(), quality=90)
    assert upload[4:12] == b"ftypheic"

    photo = prepare_photo(upload, "IMG_4021.HEIC")

    assert (photo.source_format, photo.original_format) == ("HEIF", "jpeg")
    upright = reopen(photo.original)
    assert upright.size == (80, 120)
    assert close_to(upright.getpixel((75, 5)), RED, tolerance=20)
    assert_clean_photo(photo)


def test_heic_with_transparency_becomes_png() -> None:
    photo = prepare_photo(heic_from(with_transparency(), quality=-1))
    assert (photo.source_format, photo.original_format) == ("HEIF", "png")
    assert reopen(photo.original).getpixel((110, 10))[3] == 0  # type: ignore[index]


def test_jpeg_with_a_second_picture_from_a_3d_camera_counts_as_jpeg() -> None:
    upload = encode(cornered(), "MPO", save_all=True, append_images=[cornered()])
    assert Image.open(io.BytesIO(upload)).format == "MPO"
    assert prepare_photo(upload).source_format == "JPEG"


def test_sixteen_bit_grey_png_keeps_its_tones() -> None:
    grey = Image.new("I;16", (100, 100), 32768)
    photo = prepare_photo(encode(grey, "PNG"))
    assert close_to(reopen(photo.original).getpixel((50, 50)), (128, 128, 128), tolerance=2)


def test_content_decides_the_format_not_the_file_name() -> None:
    photo = prepare_photo(encode(cornered(), "PNG"), "holiday.jpg")
    assert photo.source_format == "PNG"


def test_checksum_is_that_of_the_original_and_the_result_cannot_change() -> None:
    photo = prepare_photo(encode(cornered(), "PNG"))
    assert photo.sha256 == hashlib.sha256(photo.original).hexdigest()
    with pytest.raises(dataclasses.FrozenInstanceError):
        photo.width = 1  # type: ignore[misc]


def test_the_same_upload_always_gives_the_same_photo() -> None:
    upload = jpeg_with_everything(noise(300, 200), orientation=6)
    assert prepare_photo(upload) == prepare_photo(upload)


# --- thumbnails --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "small", "large"),
    [
        ((2000, 1000), (160, 80), (640, 320)),
        ((1000, 3000), (53, 160), (213, 640)),
        ((640, 640), (160, 160), (640, 640)),
        ((100, 300), (53, 160), (100, 300)),
        ((64, 64), (64, 64), (64, 64)),
        ((12_000, 64), (160, 1), (640, 3)),
    ],
)
def test_thumbnails_fit_their_longest_side_keep_proportions_and_never_grow(
    size: tuple[int, int], small: tuple[int, int], large: tuple[int, int]
) -> None:
    photo = prepare_photo(encode(cornered(*size), "JPEG"))
    assert set(photo.thumbnails) == set(THUMBNAIL_SIZES) == {"small", "large"}
    assert reopen(photo.thumbnails["small"]).size == small
    assert reopen(photo.thumbnails["large"]).size == large
    assert all(reopen(data).format == "JPEG" for data in photo.thumbnails.values())


def test_thumbnails_follow_the_exif_orientation() -> None:
    photo = prepare_photo(jpeg_with_everything(cornered(2000, 1000), orientation=6))
    assert reopen(photo.thumbnails["large"]).size == (320, 640)


# --- refusals ----------------------------------------------------------------------------


def test_empty_file_is_refused() -> None:
    assert refusal(b"", "photo.jpg") == "This file is empty; choose the photo again."


def test_file_over_the_size_limit_is_refused_before_reading_it() -> None:
    upload = b"\xff\xd8\xff" + b"\x00" * (31 * 1024 * 1024 - 3)
    assert refusal(upload) == f"This photo is 31 MB; the limit is 25 MB. {SMALLER}"
    just_over = b"\xff\xd8\xff" + b"\x00" * (MAX_PHOTO_BYTES - 2)
    assert refusal(just_over).startswith("This photo is 25.1 MB; the limit is 25 MB.")


@pytest.mark.parametrize(
    ("upload", "filename", "message"),
    [
        (
            pdf_document(),
            "photo.jpg",
            f"This file is not a photo we can read (it looks like a PDF document). {USE_INSTEAD}",
        ),
        (
            b"Dear team,\nplease find attached the portrait.\n" * 20,
            "portrait.png",
            f"This file is not a photo we can read (it looks like a text file). {USE_INSTEAD}",
        ),
        (
            b"<!DOCTYPE html><html><head><title>Photo</title></head></html>",
            "photo.jpg",
            f"This file is not a photo we can read (it looks like a web page). {USE_INSTEAD}",
        ),
        (
            mp4_video(),
            "clip.heic",
            f"This file is not a photo we can read (it looks like a video). {USE_INSTEAD}",
        ),
        (
            b"PK\x03\x04" + b"\x00" * 100,
            "photo.jpg",
            "This file is not a photo we can read (it looks like a ZIP archive or an Office "
            f"document). {USE_INSTEAD}",
        ),
        (
            bytes(range(256)) * 4,
            "photo.jpg",
            f"This file is not a photo we can read. {USE_INSTEAD}",
        ),
    ],
    ids=["pdf", "text", "web-page", "mp4-video", "zip", "unknown-binary"],
)
def test_files_that_are_not_pictures_are_refused_saying_what_they_look_like(
    upload: bytes, filename: str, message: str
) -> None:
    assert refusal(upload, filename) == message


@pytest.mark.parametrize(
    ("upload", "kind"),
    [
        (encode(cornered(), "GIF"), "a GIF image"),
        (encode(cornered(), "TIFF"), "a TIFF image"),
        (encode(cornered(), "BMP"), "a BMP image"),
        (fits_header_only(), "a FITS astronomy image"),
        (fits_file(), "a FITS astronomy image"),
        (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>', "an SVG drawing"),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf", "an AVIF image"),
    ],
    ids=["gif", "tiff", "bmp", "fits-header", "fits-image", "svg", "avif"],
)
def test_pictures_in_other_formats_are_refused_naming_the_format(upload: bytes, kind: str) -> None:
    assert (
        refusal(upload, "photo.jpg") == f"This file is {kind}; use JPEG, PNG, WebP or HEIC instead."
    )


def test_fits_decoder_is_never_reached_even_for_a_file_pillow_would_open(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Image.open(io.BytesIO(fits_file())).format == "FITS"  # without the allow-list

    def fail(*_: object) -> None:
        raise AssertionError("the FITS decoder was reached")

    monkeypatch.setattr(FitsImagePlugin.FitsImageFile, "_open", fail)
    assert "FITS" in refusal(fits_file(), "photo.jpg")
    assert "FITS" not in ACCEPTED_FORMATS


@pytest.mark.parametrize(
    ("label", "source_format", "whole"),
    [
        ("JPEG", "JPEG", encode(noise(256, 256), "JPEG", quality=95)),
        ("PNG", "PNG", encode(noise(256, 256), "PNG")),
        ("WebP", "WEBP", encode(noise(256, 256), "WEBP", quality=95)),
        ("HEIC", "HEIF", heic_from(noise(256, 256), quality=90)),
    ],
    ids=["jpeg", "png", "webp", "heic"],
)
def test_truncated_photo_is_refused_as_damaged(
    label: str, source_format: str, whole: bytes
) -> None:
    assert prepare_photo(whole).source_format == source_format
    assert refusal(whole[: len(whole) // 2], "photo.jpg") == (
        f"This {label} photo is damaged or incomplete, so we cannot read it. Upload the "
        "original file again, or export it again from the phone or photo editor."
    )


def test_a_truncated_photo_is_still_refused_once_the_report_renderer_is_loaded() -> None:
    # The PDF library switches Pillow to "accept truncated images" for the whole process.
    import campaigns.reports.render  # noqa: F401

    whole = encode(noise(256, 256), "JPEG", quality=95)
    assert "damaged or incomplete" in refusal(whole[: len(whole) // 2], "photo.jpg")


def test_decompression_bomb_is_refused_from_its_header_before_any_decoding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bomb = png_declaring(7_000, 7_000)  # 49 megapixels in about 6 KB
    assert len(bomb) < 10_000

    def fail(*_: object) -> None:
        raise AssertionError("the bomb was decoded")

    monkeypatch.setattr(PngImagePlugin.PngImageFile, "load", fail)
    assert refusal(bomb, "photo.png") == (
        f"This photo is 7,000 × 7,000 pixels; the most we accept is 40 megapixels. {SMALLER}"
    )


def test_photo_above_pillows_own_warning_threshold_is_refused_with_its_size() -> None:
    with pytest.warns(Image.DecompressionBombWarning):
        message = refusal(png_header_only(10_000, 10_000))
    assert message.startswith("This photo is 10,000 × 10,000 pixels; the most we accept is 40")


def test_bomb_warning_turned_into_an_error_is_still_a_clear_refusal() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        message = refusal(png_header_only(10_000, 10_000))
    assert (
        message
        == f"This photo has about 100 megapixels; the most we accept is 40 megapixels. {SMALLER}"
    )


@pytest.mark.parametrize(
    "bomb", [png_header_only(30_000, 30_000), png_declaring(30_000, 30_000)], ids=["header", "real"]
)
def test_giant_bomb_pillow_refuses_itself_gets_the_same_sentence(bomb: bytes) -> None:
    assert len(bomb) < 200_000
    assert refusal(bomb, "photo.png") == (
        f"This photo has about 900 megapixels; the most we accept is 40 megapixels. {SMALLER}"
    )


def test_photo_longer_than_jpeg_can_hold_is_refused_from_its_header() -> None:
    assert refusal(png_header_only(80, 70_000)) == (
        f"This photo is 80 × 70,000 pixels; the longest side we accept is 30,000 pixels. {SMALLER}"
    )


def test_png_whose_colour_table_is_missing_is_refused_as_damaged() -> None:
    header = struct.pack(">IIBBBBB", 80, 80, 8, 3, 0, 0, 0)  # palette colours, but no PLTE
    pixels = zlib.compress(b"\x00" * 81 * 80)
    upload = png_chunks((b"IHDR", header), (b"IDAT", pixels), (b"IEND", b""))
    assert refusal(upload).startswith("This PNG photo is damaged or incomplete")


@pytest.mark.parametrize("size", [(63, 500), (500, 40), (16, 16)])
def test_photo_too_small_to_show_well_is_refused(size: tuple[int, int]) -> None:
    width, height = size
    assert refusal(encode(cornered(*size), "PNG")) == (
        f"This photo is {width} × {height} pixels, too small to show well; use one at least "
        "64 pixels on each side."
    )


# --- hostile input never escapes as anything but InvalidInput ----------------------------

SIGNATURES = [
    b"\xff\xd8\xff\xe0",
    b"\xff\xd8\xff\xe1",
    b"\x89PNG\r\n\x1a\n",
    b"RIFF\x00\x01\x00\x00WEBPVP8 ",
    b"RIFF\x00\x01\x00\x00WEBPVP8L",
    b"\x00\x00\x00\x18ftypheic",
    b"\x00\x00\x00\x18ftypmif1",
    b"SIMPLE  =",
    b"GIF89a",
    b"%PDF-1.4",
]


def prepare_or_refuse(data: bytes) -> None:
    """The only allowed outcomes: a usable photo, or InvalidInput with a sentence."""
    try:
        photo: PreparedPhoto | None = prepare_photo(data, "upload.jpg")
        message = ""
    except InvalidInput as error:
        photo, message = None, str(error)
    if photo is None:
        assert message.startswith("This ")
        assert message.endswith(".")
    else:
        assert photo.original
        assert set(photo.thumbnails) == set(THUMBNAIL_SIZES)


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@settings(max_examples=300, deadline=None)
@given(
    st.binary(max_size=4096)
    | st.builds(bytes.__add__, st.sampled_from(SIGNATURES), st.binary(max_size=4096))
)
def test_arbitrary_bytes_only_ever_succeed_or_raise_invalid_input(data: bytes) -> None:
    prepare_or_refuse(data)


@cache
def seed_photos() -> dict[str, bytes]:
    image = jpeg_with_everything(noise(72, 72), orientation=6)
    return {
        "jpeg": image,
        "png": png_with_everything(with_transparency(72, 72)),
        "webp": encode(noise(72, 72), "WEBP", exif=camera_exif(6), icc_profile=srgb_icc()),
        "heic": heic_from(noise(72, 72), exif=camera_exif(3).tobytes(), quality=50),
    }


# Pillow warns (and then carries on) about damaged EXIF blocks and very large headers.
@pytest.mark.filterwarnings("ignore:Truncated File Read:UserWarning")
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_damaged_real_photos_only_ever_succeed_or_raise_invalid_input(data: st.DataObject) -> None:
    original = seed_photos()[data.draw(st.sampled_from(sorted(seed_photos())), label="format")]
    damaged = bytearray(original)
    edits = st.tuples(st.integers(0, len(original) - 1), st.integers(0, 255))
    for position, value in data.draw(st.lists(edits, max_size=6), label="edits"):
        damaged[position] = value
    cut = data.draw(st.integers(1, len(original)), label="cut")
    prepare_or_refuse(bytes(damaged[:cut]))
