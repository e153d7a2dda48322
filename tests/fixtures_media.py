"""Test images made in code: real photos in each accepted format and hostile look-alikes."""

from __future__ import annotations

import io
import random
import struct
import zlib

import pillow_heif
from PIL import ExifTags, Image, ImageCms
from PIL.PngImagePlugin import PngInfo

BLUE = (0, 0, 255)
RED = (255, 0, 0)
CAMERA_MODEL = "Spotlight TestCam 9000"
SECRET_COMMENT = b"taken at 12 Secret Street"
XMP_PACKET = (
    b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="SecretEditor 3"/>'
    b'</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)

pillow_heif.register_heif_opener()


def cornered(width: int = 120, height: int = 80, mode: str = "RGB") -> Image.Image:
    """A blue picture whose top-left quarter is red, to see where that corner ends up."""
    image = Image.new("RGB", (width, height), BLUE)
    image.paste(RED, (0, 0, width // 2, height // 2))
    return image.convert(mode)


def noise(width: int, height: int, seed: int = 1) -> Image.Image:
    """Random pixels: they compress badly, so cutting the file loses real picture data."""
    return Image.frombytes(
        "RGB", (width, height), random.Random(seed).randbytes(width * height * 3)
    )


def with_transparency(width: int = 120, height: int = 80) -> Image.Image:
    """A red picture whose right half is fully transparent."""
    image = Image.new("RGBA", (width, height), (*RED, 255))
    image.paste((0, 0, 0, 0), (width // 2, 0, width, height))
    return image


def camera_exif(orientation: int = 1) -> Image.Exif:
    """EXIF as a phone writes it: orientation, camera, date and a GPS position."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "Spotlight"
    exif[ExifTags.Base.Model] = CAMERA_MODEL
    exif[ExifTags.Base.DateTime] = "2024:05:06 07:08:09"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (48.0, 51.0, 24.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 21.0, 3.0)
    return exif


def srgb_icc() -> bytes:
    """A real ICC colour profile (sRGB) as cameras and editors embed them."""
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def encode(image: Image.Image, format: str, **options: object) -> bytes:
    """Save image in format with Pillow's save options and return the bytes."""
    buffer = io.BytesIO()
    image.save(buffer, format=format, **options)
    return buffer.getvalue()


def jpeg_with_everything(image: Image.Image, orientation: int = 1) -> bytes:
    """A JPEG carrying EXIF (with GPS), XMP, an ICC profile and a comment."""
    return encode(
        image,
        "JPEG",
        exif=camera_exif(orientation),
        xmp=XMP_PACKET,
        icc_profile=srgb_icc(),
        comment=SECRET_COMMENT,
        quality=95,
    )


def png_with_everything(image: Image.Image) -> bytes:
    """A PNG carrying XMP in iTXt, text chunks, EXIF and an ICC profile."""
    info = PngInfo()
    info.add_itxt("XML:com.adobe.xmp", XMP_PACKET.decode("utf-8"))
    info.add_text("Author", "A. Secret")
    info.add_itxt("Comment", SECRET_COMMENT.decode("ascii"), zip=True)
    return encode(image, "PNG", pnginfo=info, icc_profile=srgb_icc(), exif=camera_exif())


def png_declaring(width: int, height: int) -> bytes:
    """A complete, valid 1-bit black PNG: huge in pixels, tiny on disk, like a real bomb."""
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte, then the packed pixels
    compressor = zlib.compressobj(9)
    rows_per_step = max(1, (1 << 20) // len(row))
    parts = []
    for first in range(0, height, rows_per_step):
        parts.append(compressor.compress(row * min(rows_per_step, height - first)))
    parts.append(compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return png_chunks((b"IHDR", header), (b"IDAT", b"".join(parts)), (b"IEND", b""))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header declares width × height, followed by almost no picture data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return png_chunks((b"IHDR", header), (b"IDAT", zlib.compress(b"\x00" * 64)), (b"IEND", b""))


def png_chunks(*chunks: tuple[bytes, bytes]) -> bytes:
    """PNG signature followed by the given (type, data) chunks with correct CRCs."""
    out = [b"\x89PNG\r\n\x1a\n"]
    for kind, data in chunks:
        crc = zlib.crc32(kind + data)
        out.append(struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc))
    return b"".join(out)


def fits_file() -> bytes:
    """A minimal valid FITS image (the format with Pillow 11's decompression-bomb flaw)."""
    cards = [
        "SIMPLE  =                    T",
        "BITPIX  =                    8",
        "NAXIS   =                    2",
        "NAXIS1  =                  100",
        "NAXIS2  =                  100",
        "END",
    ]
    header = "".join(card.ljust(80) for card in cards).ljust(2880).encode("ascii")
    return header + b"\x00" * 2880 * 4


def fits_header_only() -> bytes:
    """The FITS opening card padded to one 2880-byte block."""
    return b"SIMPLE  =                    T".ljust(2880, b" ")


def pdf_document() -> bytes:
    """The start of a PDF as any office suite writes it."""
    return (
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n"
        b"%%EOF\n"
    )


def mp4_video() -> bytes:
    """The opening boxes of an MP4 video: an 'ftyp' box that is not HEIC, then media data."""
    ftyp = b"ftypisom" + b"\x00\x00\x02\x00" + b"isomiso2avc1mp41"
    return struct.pack(">I", 8 + len(ftyp)) + ftyp + struct.pack(">I", 16) + b"mdat" + b"\x00" * 8


def heic_from(image: Image.Image, **options: object) -> bytes:
    """A HEIC photo as an iPhone sends it (HEVC in a HEIF container)."""
    return encode(image, "HEIF", **options)
