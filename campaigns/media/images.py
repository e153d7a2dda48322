"""Photo ingest for role-model portraits: refuse what we cannot trust, strip metadata, thumbnail."""

from __future__ import annotations

import codecs
import hashlib
import io
import logging
import math
import re
import struct
from dataclasses import dataclass

import pillow_heif
from PIL import ExifTags, Image, ImageCms, ImageFile, UnidentifiedImageError

from campaigns import wording
from campaigns.errors import InvalidInput
from campaigns.i18n import N_, msg

logger = logging.getLogger(__name__)

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
MAX_PIXELS = 40_000_000
MAX_PHOTO_BYTES = 25 * 1024 * 1024
THUMBNAIL_SIZES = {"small": 160, "large": 640}

# Adds "HEIF" to Pillow's plugin table for the whole process (idempotent). Uploads are only
# ever opened with the explicit ACCEPTED_FORMATS list, so this is the one format it adds here.
pillow_heif.register_heif_opener()

_MiB = 1024 * 1024
_MIN_SIDE = 64
# JPEG cannot store a side over 65,500 pixels; this leaves room for any real panorama.
_MAX_SIDE = 30_000
_JPEG_QUALITY = 90
_THUMBNAIL_QUALITY = 85
_USE_INSTEAD = N_("Use a JPEG, PNG, WebP or iPhone HEIC photo.")
_TRY_AGAIN = N_("Save a smaller copy and upload that instead.")
# What Pillow and pillow-heif raise on damaged or hostile input: pillow-heif adds RuntimeError,
# Pillow's EXIF reader struct.error; a bomb warning is an error when warnings are errors.
_DECODE_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    RuntimeError,
    struct.error,
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,
)
# Some cameras write JPEGs with a second picture (MPO); Pillow's JPEG opener reports them so.
_SOURCE_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "HEIF": "HEIF"}
_LABELS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "HEIF": "HEIC"}  # as users call them
# EXIF orientation -> the turn or flip that shows the photo upright (as ImageOps.exif_transpose).
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SIXTEEN_BIT_MODES = frozenset({"I", "I;16", "I;16L", "I;16B", "I;16N"})

_HEIF_BRANDS = frozenset(
    {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"}
)
_AUDIO_BRANDS = frozenset({b"M4A ", b"M4B ", b"M4P "})
_QUICKTIME_ATOMS = frozenset({b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"})
_BMP_HEADER_SIZES = frozenset({12, 16, 40, 52, 56, 64, 108, 124})
# Start of file -> what it is, for formats we recognise but do not accept.
_OTHER_IMAGES = (
    (b"GIF87a", N_("a GIF image")),
    (b"GIF89a", N_("a GIF image")),
    (b"II*\x00", N_("a TIFF image")),
    (b"MM\x00*", N_("a TIFF image")),
    (b"II+\x00", N_("a TIFF image")),
    (b"MM\x00+", N_("a TIFF image")),
    (b"SIMPLE  =", N_("a FITS astronomy image")),
    (b"8BPS", N_("a Photoshop document")),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", N_("a JPEG 2000 image")),
    (b"\xff\x4f\xff\x51", N_("a JPEG 2000 image")),
    (b"\x00\x00\x00\x0cJXL \r\n\x87\n", N_("a JPEG XL image")),
    (b"\xff\x0a", N_("a JPEG XL image")),
    (b"\x00\x00\x01\x00", N_("an icon file")),
    (b"v/1\x01", N_("an OpenEXR image")),
)
_NOT_IMAGES = (
    (b"%!PS", N_("a PostScript document")),
    (b"PK\x03\x04", N_("a ZIP archive or an Office document")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", N_("an Office document")),
    (b"{\\rtf", N_("a text document")),
    (b"\x1a\x45\xdf\xa3", N_("a video")),
    (b"ID3", N_("an audio file")),
    (b"fLaC", N_("an audio file")),
    (b"OggS", N_("an audio or video file")),
    (b"Rar!\x1a\x07", N_("a RAR archive")),
    (b"7z\xbc\xaf\x27\x1c", N_("a 7-Zip archive")),
    (b"\x1f\x8b", N_("a compressed (gzip) file")),
)


@dataclass(frozen=True, slots=True)
class PreparedPhoto:
    """An uploaded photo made safe to publish: upright, metadata-free, with thumbnails."""

    original: bytes
    original_format: str
    width: int
    height: int
    thumbnails: dict[str, bytes]
    sha256: str
    source_format: str


def prepare_photo(data: bytes, filename: str = "") -> PreparedPhoto:
    """Check an uploaded photo and return an upright copy without metadata, plus thumbnails."""
    _check_file_size(data, filename)
    with _open(data, filename) as image:
        source_format = _SOURCE_FORMATS.get(image.format or "")
        if source_format is None:  # the allow-list makes this unreachable; refuse all the same
            raise _refusal(_not_a_photo(data), filename)
        _check_dimensions(*image.size, filename=filename)
        _decode(image, source_format, filename)
        _check_dimensions(*image.size, filename=filename)  # HEIF may only know after decoding
        clean = _clean_copy(image, filename)
    if clean.mode == "RGBA":
        original, original_format = _png_bytes(clean), "png"
    else:
        original, original_format = _jpeg_bytes(clean, _JPEG_QUALITY), "jpeg"
    return PreparedPhoto(
        original=original,
        original_format=original_format,
        width=clean.width,
        height=clean.height,
        thumbnails=_thumbnails(clean),
        sha256=hashlib.sha256(original).hexdigest(),
        source_format=source_format,
    )


def _refusal(message: str, filename: str, cause: BaseException | None = None) -> InvalidInput:
    """Log why an upload was refused (never its content) and build the error the user sees."""
    logger.info("Refused photo %r: %s%s", filename, message, f" ({cause!r})" if cause else "")
    return InvalidInput(message)


def _check_file_size(data: bytes, filename: str) -> None:
    if not data:
        raise _refusal(N_("This file is empty; choose the photo again."), filename)
    if len(data) > MAX_PHOTO_BYTES:
        raise _refusal(
            msg(
                "This photo is {size}; the limit is {limit} MB. {advice}",
                size=_megabytes(len(data)),
                limit=MAX_PHOTO_BYTES // _MiB,
                advice=_TRY_AGAIN,
            ),
            filename,
        )


def _megabytes(size: int) -> str:
    """Whole megabytes, or tenths just above the limit so that 25.1 MB never reads as 25 MB."""
    megabytes = size / _MiB
    if megabytes >= MAX_PHOTO_BYTES / _MiB + 0.5:
        return msg("{size} MB", size=wording.decimal(megabytes, 0, grouping=False))
    return msg("{size} MB", size=wording.decimal(math.ceil(megabytes * 10) / 10, 1, grouping=False))


def _open(data: bytes, filename: str) -> ImageFile.ImageFile:
    """Read the header with only the accepted decoders; FITS and the rest are never reached."""
    try:
        return Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except UnidentifiedImageError as exc:
        label = _accepted_label(data)
        message = _damaged(label) if label else _not_a_photo(data)
        raise _refusal(message, filename, exc) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _refusal(_bomb_message(exc), filename, exc) from None
    except _DECODE_ERRORS as exc:
        raise _refusal(_damaged(_accepted_label(data)), filename, exc) from None


def _check_dimensions(width: int, height: int, *, filename: str) -> None:
    if width * height > MAX_PIXELS:
        raise _refusal(
            msg(
                "This photo is {width} × {height} pixels; the most we accept is "
                "{limit} megapixels. {advice}",
                width=wording.count(width),
                height=wording.count(height),
                limit=MAX_PIXELS // 1_000_000,
                advice=_TRY_AGAIN,
            ),
            filename,
        )
    if max(width, height) > _MAX_SIDE:
        raise _refusal(
            msg(
                "This photo is {width} × {height} pixels; the longest side we accept is "
                "{limit} pixels. {advice}",
                width=wording.count(width),
                height=wording.count(height),
                limit=wording.count(_MAX_SIDE),
                advice=_TRY_AGAIN,
            ),
            filename,
        )
    if min(width, height) < _MIN_SIDE:
        raise _refusal(
            msg(
                "This photo is {width} × {height} pixels, too small to show well; use one at "
                "least {limit} pixels on each side.",
                width=wording.count(width),
                height=wording.count(height),
                limit=_MIN_SIDE,
            ),
            filename,
        )


def _bomb_message(exc: Exception) -> str:
    """Pillow refuses such photos before we see their size; its message carries the count."""
    found = re.search(r"\((\d+) pixels\)", str(exc))
    if found is None:
        return msg(
            "This photo has far too many pixels; the most we accept is {limit} megapixels. "
            "{advice}",
            limit=MAX_PIXELS // 1_000_000,
            advice=_TRY_AGAIN,
        )
    return msg(
        "This photo has about {found} megapixels; the most we accept is {limit} "
        "megapixels. {advice}",
        found=wording.decimal(int(found[1]) / 1_000_000, 0),
        limit=MAX_PIXELS // 1_000_000,
        advice=_TRY_AGAIN,
    )


def _decode(image: ImageFile.ImageFile, source_format: str, filename: str) -> None:
    try:
        image.load()
    except _DECODE_ERRORS as exc:
        raise _refusal(_damaged(_LABELS[source_format]), filename, exc) from None
    if image.mode in ("P", "PA") and image.palette is None:  # a PNG missing its colour table
        raise _refusal(_damaged(_LABELS[source_format]), filename)


def _damaged(label: str | None) -> str:
    if label:
        return msg(
            "This {format} photo is damaged or incomplete, so we cannot read it. Upload the "
            "original file again, or export it again from the phone or photo editor.",
            format=label,
        )
    return N_(
        "This photo is damaged or incomplete, so we cannot read it. Upload the original "
        "file again, or export it again from the phone or photo editor."
    )


def _clean_copy(image: Image.Image, filename: str) -> Image.Image:
    """Upright sRGB pixels in a new image, so that no metadata can ride along."""
    orientation = _orientation(image, filename)
    pixels = _rgb_or_rgba(_to_srgb(image, filename))
    if orientation in _UPRIGHT:
        pixels = pixels.transpose(_UPRIGHT[orientation])
    clean = Image.new(pixels.mode, pixels.size)
    clean.paste(pixels)
    return clean


def _orientation(image: Image.Image, filename: str) -> int:
    """EXIF orientation; a broken EXIF block leaves the photo as stored, as viewers do."""
    try:
        value = image.getexif().get(ExifTags.Base.Orientation, 1)
    except _DECODE_ERRORS as exc:
        logger.info("Ignoring the unreadable EXIF data of photo %r: %r", filename, exc)
        return 1
    return value if isinstance(value, int) else 1


def _to_srgb(image: Image.Image, filename: str) -> Image.Image:
    """Convert colours to sRGB: dropping an iPhone's Display P3 profile alone would dull them."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if profile.profile.xcolor_space.strip() != image.mode.removesuffix("A"):
            logger.info("Photo %r has a colour profile for another colour model", filename)
            return image
        output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
        # A fresh sRGB profile per call: LittleCMS profiles are not safe to share across threads.
        srgb = ImageCms.createProfile("sRGB")
        converted = ImageCms.profileToProfile(image, profile, srgb, outputMode=output_mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError) as exc:
        logger.info("Ignoring the unusable colour profile of photo %r: %r", filename, exc)
        return image
    return image if converted is None else converted


def _rgb_or_rgba(image: Image.Image) -> Image.Image:
    """RGB, or RGBA when some pixel is at least partly transparent."""
    if image.mode in _SIXTEEN_BIT_MODES:
        # Pillow clips 16-bit values at 255 when it converts to 8 bits; scale them instead.
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if image.has_transparency_data:
        rgba = image.convert("RGBA")
        lowest_alpha = rgba.getchannel("A").getextrema()[0]
        if isinstance(lowest_alpha, int | float) and lowest_alpha < 255:
            return rgba
        return rgba.convert("RGB")
    return image if image.mode == "RGB" else image.convert("RGB")


def _thumbnails(clean: Image.Image) -> dict[str, bytes]:
    base = clean
    if clean.mode == "RGBA":
        base = Image.new("RGB", clean.size, "white")
        base.paste(clean, mask=clean.getchannel("A"))
    thumbnails = {}
    for name, side in THUMBNAIL_SIZES.items():
        thumbnail = base.copy()
        thumbnail.thumbnail((side, side), Image.Resampling.LANCZOS)
        thumbnails[name] = _jpeg_bytes(thumbnail, _THUMBNAIL_QUALITY)
    return thumbnails


def _jpeg_bytes(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality, optimize=True)
    return buffer.getvalue()


def _png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _accepted_label(data: bytes) -> str | None:
    """Name the accepted format the bytes claim to be, even if they turn out to be damaged."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP"
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return "HEIC"
    return None


def _not_a_photo(data: bytes) -> str:
    """Say what the file seems to be, so that the user knows what went wrong."""
    image_kind = _other_image_kind(data)
    if image_kind:
        return msg("This file is {kind}; use JPEG, PNG, WebP or HEIC instead.", kind=image_kind)
    kind = _other_file_kind(data)
    if kind:
        return msg(
            "This file is not a photo we can read (it looks like {kind}). {advice}",
            kind=kind,
            advice=_USE_INSTEAD,
        )
    return msg("This file is not a photo we can read. {advice}", advice=_USE_INSTEAD)


def _other_image_kind(data: bytes) -> str | None:
    for signature, kind in _OTHER_IMAGES:
        if data.startswith(signature):
            return kind
    if data[4:8] == b"ftyp" and data[8:12] in (b"avif", b"avis"):
        return N_("an AVIF image")
    if data[4:8] == b"ftyp" and data[8:12] == b"crx ":
        return N_("a Canon raw photo")
    if data[:2] == b"BM" and _bmp_header_size(data) in _BMP_HEADER_SIZES:
        return N_("a BMP image")
    text = _text_start(data)
    if text is not None and "<svg" in text.lower():
        return N_("an SVG drawing")
    return None


def _bmp_header_size(data: bytes) -> int | None:
    return int(struct.unpack_from("<I", data, 14)[0]) if len(data) >= 18 else None


def _other_file_kind(data: bytes) -> str | None:
    if b"%PDF-" in data[:1024]:  # PDF readers accept a little junk before the marker
        return N_("a PDF document")
    for signature, kind in _NOT_IMAGES:
        if data.startswith(signature):
            return kind
    if data[:4] == b"RIFF":
        return {b"AVI ": N_("a video"), b"WAVE": N_("an audio file")}.get(data[8:12])
    if data[4:8] == b"ftyp":
        return N_("an audio file") if data[8:12] in _AUDIO_BRANDS else N_("a video")
    if data[4:8] in _QUICKTIME_ATOMS:
        return N_("a video")
    text = _text_start(data)
    if text is None:
        return None
    start = text.lstrip().lower()
    if start.startswith(("<!doctype html", "<html")):
        return N_("a web page")
    return N_("a text file")


def _text_start(data: bytes) -> str | None:
    """The first few kilobytes as text, or None when they are binary."""
    head = data[:4096]
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom) : len(head) - len(head) % 2].decode(encoding, errors="replace")
    if b"\x00" in head:
        return None
    try:  # not final: the cut at 4 KiB may split a character
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        text = head.decode("cp1252", errors="replace")
    printable = sum(1 for char in text if char.isprintable() or char in "\t\r\n\f")
    return text if text and printable / len(text) >= 0.95 else None
