"""Uploaded videos: check what a file really is and read its size, length and rotation.

Nothing here trusts the file. The demuxer is chosen from our own look at the first bytes and
forced, so a streaming playlist or a concat script renamed ``.mp4`` is refused before FFmpeg
sees it and nothing it points at is ever opened. Only the ``file`` protocol is allowed, probing
is bounded, and the length comes from packet timestamps rather than the header's claim.
"""

from __future__ import annotations

import codecs
import itertools
import logging
import math
import re
import statistics
import struct
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path
from typing import BinaryIO

import av
import av.error
from av.container import InputContainer
from av.stream import Disposition, Stream
from av.video.stream import VideoStream

from campaigns import wording
from campaigns.errors import InvalidInput
from campaigns.i18n import N_, msg

logger = logging.getLogger(__name__)

MP4_DEMUXER = "mov,mp4,m4a,3gp,3g2,mj2"
MATROSKA_DEMUXER = "matroska,webm"
# FFmpeg's names for the two demuxers we allow; sniff_container returns one of them.
ALLOWED_CONTAINERS = frozenset({MP4_DEMUXER, MATROSKA_DEMUXER})
ACCEPTED_EXTENSIONS = (".mp4", ".mov", ".m4v", ".webm", ".mkv")
MAX_DURATION_S = 30 * 60  # portraits last 30 s to a few minutes
MIN_DURATION_S = 1.0
MIN_SIDE, MAX_SIDE = 144, 4096  # pixels, after rotation

_SNIFF_BYTES = 4096
_PROBE_BYTES = 10_000_000  # FFmpeg's probesize: bytes read to find the streams
_PROBE_MICROSECONDS = 10_000_000  # FFmpeg's analyzeduration
_FFMPEG_TIMEOUT_S = 30.0
_VFR_SAMPLE_PACKETS = 300  # video packets read from the start to judge the frame timing
_REORDER_MARGIN = 16  # most frames a decoder may hold back (H.264 and HEVC allow 16)
_TAIL_S = 3.0  # the duration check reads from this far before the claimed end
_MAX_TOP_LEVEL_BOXES = 10_000

_USE_INSTEAD = N_("Upload an MP4, MOV or WebM video instead.")
_DAMAGED = N_(
    "This video is damaged or incomplete, so we cannot read it. Export it again from the phone "
    "or camera and upload the new file."
)
_UNREADABLE = N_("We could not read this file; upload it again.")
_EBML_MAGIC = b"\x1a\x45\xdf\xa3"
_MATROSKA_SEGMENT = b"\x18\x53\x80\x67"
_QUICKTIME_ATOMS = frozenset({b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"})
# Top-level MP4/QuickTime boxes; only these count as evidence that a file was cut short.
_MP4_TOP_LEVEL = _QUICKTIME_ATOMS | frozenset(
    {b"ftyp", b"moof", b"mfra", b"meta", b"uuid", b"sidx", b"styp", b"pdin", b"prft", b"emsg"}
)
_IMAGE_BRANDS = {
    **dict.fromkeys(
        (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"),
        N_("a photo (HEIC)"),
    ),
    b"avif": N_("a photo (AVIF)"),
    b"avis": N_("an animated picture (AVIF)"),
    b"crx ": N_("a Canon raw photo"),
}
_SIGNATURES = (
    (b"\xff\xd8\xff", N_("a photo (JPEG)")),
    (b"\x89PNG\r\n\x1a\n", N_("a picture (PNG)")),
    (b"GIF87a", N_("an animated picture (GIF)")),
    (b"GIF89a", N_("an animated picture (GIF)")),
    (b"II*\x00", N_("a picture (TIFF)")),
    (b"MM\x00*", N_("a picture (TIFF)")),
    (b"ID3", N_("an audio file (MP3)")),
    (b"fLaC", N_("an audio file (FLAC)")),
    (b"OggS", N_("an Ogg audio file")),
    (b"#!AMR", N_("a voice recording (AMR)")),
    (b"FLV\x01", N_("a Flash video, which we do not accept")),
    (b"\x30\x26\xb2\x75\x8e\x66\xcf\x11", N_("a Windows Media file, which we do not accept")),
    (b"\x00\x00\x01\xba", N_("an MPEG-2 video, which we do not accept")),
    (b"PK\x03\x04", N_("a ZIP archive or an Office document")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", N_("an Office document")),
    (b"Rar!\x1a\x07", N_("a RAR archive")),
    (b"7z\xbc\xaf\x27\x1c", N_("a 7-Zip archive")),
    (b"\x1f\x8b", N_("a compressed (gzip) file")),
    (b"{\\rtf", N_("a text document")),
)
_TEXT_KINDS = (
    ("#extm3u", N_("a streaming playlist (HLS), not the video itself")),
    ("ffconcat", N_("an FFmpeg concat script, not a video")),
    ("webvtt", N_("a captions file (WebVTT)")),
    ("<!doctype html", N_("a web page")),
    ("<html", N_("a web page")),
)
_SRT_TIMING = re.compile(r"\d+:\d+:\d+[,.]\d+\s*-->")
# Keys FFmpeg uses for where a video was shot: "location" and "location-eng" (MP4 ©xyz),
# "com.apple.quicktime.location.ISO6709" (iPhone), "LOCATION" (Matroska).
_LOCATION_KEY = re.compile(r"location|iso6709|©xyz|xyz$", re.IGNORECASE)
_GPS_TRACK_HANDLER = "gopro met"  # GoPro cameras record GPS in a telemetry track of this name


@dataclass(frozen=True, slots=True)
class VideoProbe:
    """What an uploaded video really holds; sizes are as shown, after rotation."""

    container: str
    duration_s: float
    width: int
    height: int
    coded_width: int
    coded_height: int
    rotation: int
    fps: float
    variable_frame_rate: bool
    video_codec: str
    audio_codec: str | None
    has_audio: bool
    bit_rate: int | None
    size_bytes: int
    has_location_metadata: bool

    @property
    def is_portrait(self) -> bool:
        """True when the video is shown taller than wide."""
        return self.height > self.width

    def as_dict(self) -> dict[str, object]:
        """The probe as JSON-ready values."""
        values = asdict(self)
        values["duration_s"] = round(self.duration_s, 3)
        values["fps"] = round(self.fps, 3)
        return values


def sniff_container(path: Path) -> str:
    """Name the demuxer to force for this file from its first bytes, or refuse it."""
    head = _read_head(path)
    if not head:
        raise _refusal(N_("This file is empty."), path)
    if head[4:8] == b"ftyp":
        image = _IMAGE_BRANDS.get(head[8:12])
        if image:
            raise _refusal(_not_a_video(image), path)
        return MP4_DEMUXER
    if head[4:8] in _QUICKTIME_ATOMS and struct.unpack_from(">I", head)[0] not in range(2, 8):
        return MP4_DEMUXER  # an older QuickTime movie, without a file-type box
    if head.startswith(_EBML_MAGIC):
        return MATROSKA_DEMUXER
    raise _refusal(_not_a_video(_looks_like(head)), path)


def probe_video(path: Path) -> VideoProbe:
    """Read an uploaded video's size, length, rotation and codecs, refusing what we cannot use."""
    demuxer = sniff_container(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _refusal(_UNREADABLE, path, exc) from None
    if _looks_cut_short(path, demuxer, size):
        raise _refusal(_DAMAGED, path)
    try:
        with av.open(
            str(path.resolve()),
            mode="r",
            format=demuxer,
            container_options=_demuxer_options(demuxer),
            timeout=_FFMPEG_TIMEOUT_S,  # FFmpeg stops any one open or read that takes longer
        ) as container:
            return _probe(container, demuxer, size, path)
    except InvalidInput:
        raise
    except (av.error.FFmpegError, OSError, EOFError, ValueError, RuntimeError) as exc:
        raise _refusal(_DAMAGED, path, exc) from None


def _demuxer_options(demuxer: str) -> dict[str, str]:
    """Options that keep FFmpeg on this one local file, with this one demuxer, briefly."""
    options = {
        "protocol_whitelist": "file",
        "format_whitelist": demuxer,
        "probesize": str(_PROBE_BYTES),
        "analyzeduration": str(_PROBE_MICROSECONDS),
    }
    if demuxer == MP4_DEMUXER:
        options["enable_drefs"] = "0"  # never follow a movie's references to other files
    return options


def _probe(container: InputContainer, demuxer: str, size: int, path: Path) -> VideoProbe:
    if container.format.name not in ALLOWED_CONTAINERS:  # forced above; checked all the same
        raise _refusal(_not_a_video(None), path)
    video = _picture_stream(container, path)
    # Sound FFmpeg cannot decode (a new spatial format, say) is as good as none for rendering.
    audio = next((s for s in container.streams.audio if s.codec_context is not None), None)
    coded_width, coded_height = video.width, video.height
    if coded_width <= 0 or coded_height <= 0:
        raise _refusal(_DAMAGED, path)
    if max(coded_width, coded_height) > MAX_SIDE:  # refused before decoding a huge picture
        raise _refusal(
            msg(
                "This video is {width} × {height} pixels; the longest side we "
                "accept is {limit} pixels. Export it at 4K or less and upload it again.",
                width=wording.count(coded_width),
                height=wording.count(coded_height),
                limit=wording.count(MAX_SIDE),
            ),
            path,
        )
    rotation, head_pts = _first_frame(container, video, path)
    width, height = (
        (coded_height, coded_width) if rotation in (90, 270) else (coded_width, coded_height)
    )
    if min(width, height) < MIN_SIDE:
        raise _refusal(
            msg(
                "This video is {width} × {height} pixels; portraits need at least {limit} "
                "pixels on each side.",
                width=wording.count(width),
                height=wording.count(height),
                limit=MIN_SIDE,
            ),
            path,
        )
    streams = [video] if audio is None else [video, audio]
    duration, tail_pts = _playing_time(container, streams, video, path)
    _check_duration(duration, path)
    return VideoProbe(
        container=demuxer,
        duration_s=duration,
        width=width,
        height=height,
        coded_width=coded_width,
        coded_height=coded_height,
        rotation=rotation,
        fps=_frame_rate(video, head_pts),
        variable_frame_rate=_is_variable(video, (head_pts, tail_pts)),
        video_codec=video.codec.canonical_name,
        audio_codec=audio.codec.canonical_name if audio is not None else None,
        has_audio=_has_sound(audio, demuxer),
        bit_rate=round(size * 8 / duration) if duration > 0 else None,
        size_bytes=size,
        has_location_metadata=_has_location(container),
    )


def _picture_stream(container: InputContainer, path: Path) -> VideoStream:
    """The first real picture stream; cover art (an attached picture) does not count."""
    for stream in container.streams.video:
        if not stream.disposition & Disposition.attached_pic:
            if stream.codec_context is None:
                raise _refusal(
                    msg(
                        "This video's picture is in a format we cannot read. {advice}",
                        advice=_USE_INSTEAD,
                    ),
                    path,
                )
            return stream
    if container.streams.audio:
        raise _refusal(N_("This file has sound but no picture."), path)
    raise _refusal(N_("This file has no picture, so it is not a video we can use."), path)


def _first_frame(
    container: InputContainer, video: VideoStream, path: Path
) -> tuple[int, list[int]]:
    """Decode one frame for the display rotation; note the first packets' timestamps on the way.

    PyAV 18 can write a stream's display matrix but not read it: the decoder copies it onto
    each frame, so one decoded frame is the only way to learn it.
    """
    rotation: int | None = None
    timestamps: list[int] = []
    reached_end = True
    for packet in container.demux(video):
        if packet.pts is not None:
            timestamps.append(packet.pts)
        if rotation is None and packet.size:
            frames = video.decode(packet)
            if frames:
                rotation = _quarter_turns(frames[0].rotation)
        if rotation is not None and len(timestamps) >= _VFR_SAMPLE_PACKETS:
            reached_end = False
            break
    if rotation is None:
        frames = video.decode(None)  # a decoder may hold frames back until it is flushed
        if not frames:
            raise _refusal(_DAMAGED, path)
        rotation = _quarter_turns(frames[0].rotation)
    timestamps.sort()
    if not reached_end:  # frames shown just before the cut may still be unread
        timestamps = timestamps[:-_REORDER_MARGIN]
    return rotation, timestamps


def _quarter_turns(degrees: float) -> int:
    """0, 90, 180 or 270: the counter-clockwise turn, as FFmpeg's -display_rotation counts."""
    return round(degrees / 90.0) * 90 % 360


def _playing_time(
    container: InputContainer, streams: Sequence[Stream], video: VideoStream, path: Path
) -> tuple[float, list[int]]:
    """Seconds from the first to the last packet, read near the end; the header may lie.

    Seeking backwards from the claimed end lands on the last keyframe before it, however long
    the file claims to be, so only the file's last few seconds are read, never decoded. Reading
    stops as soon as the packets pass the longest length we accept.
    """
    start = _start_seconds(container, streams)
    claimed_end = start + container.duration / 1_000_000 if container.duration else None
    target = 0.0
    if claimed_end is not None and math.isfinite(claimed_end):
        target = max(0.0, min(claimed_end, start + MAX_DURATION_S + 1) - _TAIL_S)
    end, tail = _last_timestamp(container, streams, video, target, start)
    if end is None and target > 0:
        end, tail = _last_timestamp(container, streams, video, 0.0, start)
    if end is None:
        raise _refusal(_DAMAGED, path)
    return max(0.0, end - start), tail


def _start_seconds(container: InputContainer, streams: Iterable[Stream]) -> float:
    starts = [
        float(stream.start_time * stream.time_base)
        for stream in streams
        if stream.start_time is not None and stream.time_base
    ]
    if starts:
        return min(starts)
    return container.start_time / 1_000_000 if container.start_time else 0.0


def _last_timestamp(
    container: InputContainer,
    streams: Sequence[Stream],
    video: VideoStream,
    from_s: float,
    start: float,
) -> tuple[float | None, list[int]]:
    """The latest packet end (seconds) from from_s on, and the video timestamps read."""
    container.seek(int(from_s * 1_000_000), backward=True)
    end: float | None = None
    video_pts: list[int] = []
    for packet in container.demux(*streams):
        timestamp = packet.pts if packet.pts is not None else packet.dts
        if timestamp is None or packet.time_base is None or not packet.size:
            continue
        if packet.stream_index == video.index:
            video_pts.append(timestamp)
        packet_end = float((timestamp + max(packet.duration or 0, 0)) * packet.time_base)
        end = packet_end if end is None else max(end, packet_end)
        if end - start > MAX_DURATION_S + 1:
            break  # long enough to refuse (the rest is not read, so it says "more than")
    return end, sorted(video_pts)


def _check_duration(duration: float, path: Path) -> None:
    if duration > MAX_DURATION_S + 1:  # reading stopped early: the true length is unknown
        raise _refusal(
            msg(
                "This video lasts more than {limit} minutes, the longest we accept. "
                "Trim it and upload it again.",
                limit=MAX_DURATION_S // 60,
            ),
            path,
        )
    if duration > MAX_DURATION_S:
        raise _refusal(
            msg(
                "This video lasts {length}; the longest we accept is "
                "{limit} minutes. Trim it and upload it again.",
                length=_spoken_length(duration),
                limit=MAX_DURATION_S // 60,
            ),
            path,
        )
    if duration < MIN_DURATION_S:
        tenths = math.floor(duration * 10) / 10  # rounded down, so that it never reads "1.0"
        length = (
            msg("only {tenths} seconds", tenths=wording.decimal(tenths, 1))
            if tenths
            else N_("less than a tenth of a second")
        )
        raise _refusal(
            msg(
                "This video lasts {length}; it must last at least {minimum:g} second.",
                length=length,
                minimum=MIN_DURATION_S,
            ),
            path,
        )


def _spoken_length(seconds: float) -> str:
    """'2 hours 5 minutes', '45 minutes' or '31 minutes 10 seconds', as a person says it."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    parts = (
        [(hours, "hour"), (minutes, "minute")] if hours else [(minutes, "minute"), (secs, "second")]
    )
    words = [_count_of(count, unit) for count, unit in parts if count]
    if len(words) == 2:
        return msg("{larger} {smaller}", larger=words[0], smaller=words[1])
    return words[0] if words else N_("0 seconds")


def _count_of(count: int, unit: str) -> str:
    """'1 hour', '5 minutes': a count with its unit, singular or plural."""
    number = wording.count(count)
    if unit == "hour":
        return (
            msg("{count} hour", count=number) if count == 1 else msg("{count} hours", count=number)
        )
    if unit == "minute":
        if count == 1:
            return msg("{count} minute", count=number)
        return msg("{count} minutes", count=number)
    if count == 1:
        return msg("{count} second", count=number)
    return msg("{count} seconds", count=number)


def _frame_rate(video: VideoStream, timestamps: Sequence[int]) -> float:
    """Frames per second on average; the typical frame spacing when FFmpeg has no average."""
    for rate in (video.average_rate, video.guessed_rate, video.base_rate):
        if rate:
            return float(rate)
    deltas = _spacings(timestamps)
    if deltas and video.time_base:
        return float(1 / (statistics.median(deltas) * video.time_base))
    return 0.0


def _is_variable(video: VideoStream, groups: Iterable[Sequence[int]]) -> bool:
    """True when frames are not evenly spaced (phones drop or stretch frames in low light).

    Two signs: the average rate differs from the stream's nominal rate, or the timestamps read
    at the start and end of the file are spaced unevenly.
    """
    average, nominal = video.average_rate, video.base_rate
    if average and nominal and abs(average / nominal - 1) > Fraction(2, 100):
        return True
    for timestamps in groups:
        deltas = _spacings(timestamps)
        if len(deltas) < 2:
            continue
        typical = statistics.median(deltas)
        # One tick of slack: Matroska stores milliseconds, so 30 fps reads as 33 or 34 ms.
        tolerance = max(typical * 0.12, 1.5)
        if any(abs(delta - typical) > tolerance for delta in deltas):
            return True
    return False


def _spacings(timestamps: Sequence[int]) -> list[int]:
    ordered = sorted(set(timestamps))
    return [later - earlier for earlier, later in itertools.pairwise(ordered)]


def _has_sound(audio: Stream | None, demuxer: str) -> bool:
    """An audio track with samples in it (an MP4 says how many; Matroska does not)."""
    if audio is None or audio.codec_context is None:
        return False
    return not (demuxer == MP4_DEMUXER and audio.frames == 0)


def _has_location(container: InputContainer) -> bool:
    """True when the file says where it was shot (GPS tags or a GPS track)."""
    tagged = [container.metadata, *(stream.metadata for stream in container.streams)]
    if any(_LOCATION_KEY.search(key) for metadata in tagged for key in metadata):
        return True
    return any(
        _GPS_TRACK_HANDLER in stream.metadata.get("handler_name", "").lower()
        for stream in container.streams.data
    )


def _looks_cut_short(path: Path, demuxer: str, size: int) -> bool:
    """True when the file's own box or segment sizes reach past its end (an interrupted copy)."""
    try:
        with path.open("rb") as file:
            if demuxer == MP4_DEMUXER:
                return _mp4_cut_short(file, size)
            return _matroska_cut_short(file, size)
    except OSError as exc:
        raise _refusal(_DAMAGED, path, exc) from None


def _mp4_cut_short(file: BinaryIO, size: int) -> bool:
    offset = 0
    for _ in range(_MAX_TOP_LEVEL_BOXES):
        if size - offset < 8:
            return False
        file.seek(offset)
        header = file.read(16)
        box_size, box_type = struct.unpack_from(">I4s", header)
        if box_type not in _MP4_TOP_LEVEL:
            return False  # trailing bytes we do not know; FFmpeg will judge them
        if box_size == 0:  # the box runs to the end of the file
            return False
        if box_size == 1:
            if len(header) < 16:
                return True
            box_size = struct.unpack_from(">Q", header, 8)[0]
        if box_size < 8 or offset + box_size > size:
            return True
        offset += box_size
    return False


def _matroska_cut_short(file: BinaryIO, size: int) -> bool:
    head = file.read(64)
    header_size = _ebml_number(head, 4)
    if header_size is None:
        return True
    value, length = header_size
    segment_at = 4 + length + value
    if head[segment_at : segment_at + 4] != _MATROSKA_SEGMENT:
        return False  # an unusual layout; FFmpeg will judge it
    segment_size = _ebml_number(head, segment_at + 4)
    if segment_size is None:
        return True
    value, length = segment_size
    if value == (1 << (7 * length)) - 1:  # "unknown size": a live recording, no claim made
        return False
    return segment_at + 4 + length + value > size


def _ebml_number(data: bytes, offset: int) -> tuple[int, int] | None:
    """An EBML variable-length size at offset: its value and its length in bytes."""
    if offset >= len(data) or data[offset] == 0:
        return None
    first = data[offset]
    length = 9 - first.bit_length()
    if offset + length > len(data):
        return None
    value = first & ((1 << (8 - length)) - 1)
    for byte in data[offset + 1 : offset + length]:
        value = value << 8 | byte
    return value, length


def _read_head(path: Path) -> bytes:
    """The first bytes of a regular file; a pipe or device could block or never end."""
    try:
        if not path.is_file():
            raise _refusal(N_("We could not find this video; upload it again."), path)
        with path.open("rb") as file:
            return file.read(_SNIFF_BYTES)
    except OSError as exc:
        raise _refusal(_UNREADABLE, path, exc) from None


def _looks_like(head: bytes) -> str | None:
    """Say what a refused file seems to be, so that the user knows what went wrong."""
    if b"%PDF-" in head[:1024]:
        return N_("a PDF document")
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    if head[:4] == b"RIFF":
        return {
            b"WAVE": N_("an audio file (WAV)"),
            b"AVI ": N_("an AVI video, which we do not accept"),
            b"WEBP": N_("a picture (WebP)"),
        }.get(head[8:12])
    if len(head) > 188 and head[0] == 0x47 and head[188] == 0x47:
        return N_("a broadcast recording (MPEG-TS), which we do not accept")
    if head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2", b"\xff\xf1", b"\xff\xf9"):
        return N_("an audio file")
    text = _text_start(head)
    if text is None:
        return None
    start = text.lstrip().lower()
    for prefix, kind in _TEXT_KINDS:
        if start.startswith(prefix):
            return kind
    if start.startswith("<?xml") and "<mpd" in start:
        return N_("a streaming manifest (DASH), not the video itself")
    if _SRT_TIMING.search(text):
        return N_("a captions file (SRT)")
    return N_("a text file")


def _text_start(head: bytes) -> str | None:
    """The first bytes as text, or None when they are binary."""
    for bom, encoding in (
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF8, "utf-8"),
    ):
        if head.startswith(bom):
            body = head[len(bom) :]
            if encoding != "utf-8":
                body = body[: len(body) - len(body) % 2]
            return body.decode(encoding, errors="replace")
    if b"\x00" in head:
        return None
    text = codecs.getincrementaldecoder("utf-8")(errors="replace").decode(head, final=False)
    printable = sum(1 for char in text if char.isprintable() or char in "\t\r\n\f")
    return text if text and printable / len(text) >= 0.95 else None


def _not_a_video(kind: str | None) -> str:
    if kind is None:
        return msg("This file is not a video we can read. {advice}", advice=_USE_INSTEAD)
    return msg(
        "This file is not a video we can read (it looks like {kind}). {advice}",
        kind=kind,
        advice=_USE_INSTEAD,
    )


def _refusal(message: str, path: Path, cause: BaseException | None = None) -> InvalidInput:
    """Log why a video was refused (never its content) and build the error the user sees."""
    logger.info("Refused video %r: %s%s", path.name, message, f" ({cause!r})" if cause else "")
    return InvalidInput(message)
