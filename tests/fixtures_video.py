"""Test videos made with the ffmpeg of the imageio-ffmpeg wheel (nothing committed)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


def make_clip(
    path: Path,
    *,
    seconds: float = 2.0,
    width: int = 640,
    height: int = 360,
    fps: int = 25,
    audio: bool = True,
    extra: tuple[str, ...] = (),
    video_codec: str = "libx264",
) -> Path:
    """A test-pattern clip with a tone, written to path (container from the extension)."""
    args = [
        FFMPEG, "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate={fps}:duration={seconds}",
    ]  # fmt: skip
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}"]
    args += ["-c:v", video_codec, "-pix_fmt", "yuv420p"]
    if video_codec == "libx264":
        args += ["-preset", "ultrafast"]
    if audio:
        args += ["-c:a", "aac" if path.suffix != ".webm" else "libopus", "-shortest"]
    args += [*extra, str(path)]
    subprocess.run(args, check=True, timeout=120)
    return path


# --- Rendering fixtures (tests/integration/test_render.py, bench/bench_render.py) ---

PHONE_LOCATION = "+48.8584+002.2945+035.000/"


def make_talking_head(
    path: Path,
    *,
    seconds: float = 60.0,
    width: int = 1920,
    height: int = 1080,
    fps: int = 30,
    crf: int = 20,
) -> Path:
    """A 'talking head'-like clip: slow gradient backdrop, a swaying disc, a voice-like tone."""
    disc = min(width, height) // 2
    radius = disc // 2
    graph = (
        f"gradients=s={width}x{height}:r={fps}:d={seconds}:speed=0.002:"
        "c0=0x30405a:c1=0x8a9bb0:c2=0x5a4a3a:nb_colors=3[bg];"
        f"color=c=0xd8a888:s={disc}x{disc}:r={fps}:d=1,format=yuva420p,"
        f"geq=lum='p(X,Y)':cb='p(X,Y)':cr='p(X,Y)':"
        f"a='if(lte(hypot(X-{radius},Y-{radius}),{radius}),255,0)',"
        "loop=loop=-1:size=1[head];"
        f"[bg][head]overlay=x='(W-w)/2+W/12*sin(t/2)':y='(H-h)/2+H/40*sin(t*1.3)':"
        # Temporal grain, as a camera sensor gives: without it the clip compresses unrealistically.
        "shortest=1,noise=alls=5:allf=t,format=yuv420p[v];"
        f"sine=frequency=180:sample_rate=48000:duration={seconds},"
        "volume='0.4+0.35*sin(2*PI*3*t)':eval=frame[voice];"
        f"anoisesrc=color=pink:amplitude=0.03:sample_rate=48000:duration={seconds}[room];"
        "[voice][room]amix=inputs=2:normalize=0[a]"
    )
    args = [
        FFMPEG, "-hide_banner", "-loglevel", "error", "-y",
        "-filter_complex", graph, "-map", "[v]", "-map", "[a]", "-t", str(seconds),
        "-c:v", "libx264", "-preset", "veryfast", "-crf", str(crf), "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "128k", str(path),
    ]  # fmt: skip
    subprocess.run(args, check=True, timeout=1800)
    return path


def tag_like_a_phone(source: Path, path: Path, *, rotation: int | None = None) -> Path:
    """A stream copy of source carrying what phones record: GPS, make, device handler, rotation."""
    args = [FFMPEG, "-hide_banner", "-loglevel", "error", "-y"]
    if rotation is not None:
        args += ["-display_rotation:v:0", str(rotation)]
    args += [
        "-i", str(source), "-c", "copy", "-movflags", "use_metadata_tags",
        "-metadata", f"location={PHONE_LOCATION}",
        "-metadata", f"com.apple.quicktime.location.ISO6709={PHONE_LOCATION}",
        "-metadata", "com.apple.quicktime.make=Apple",
        "-metadata", "com.apple.quicktime.model=iPhone 15",
        "-metadata:s:v:0", "handler_name=Core Media Video",
        str(path),
    ]  # fmt: skip
    subprocess.run(args, check=True, timeout=120)
    return path


def make_two_colour_clip(path: Path, *, seconds: float = 2.0, rotation: int | None = None) -> Path:
    """A 640x360 clip, left half red and right half blue, optionally tagged to display rotated."""
    graph = (
        f"color=c=red:s=640x360:r=25:d={seconds},"
        "drawbox=x=320:y=0:w=320:h=360:color=blue:t=fill,format=yuv420p[v]"
    )
    plain = path.with_name(path.stem + "-plain" + path.suffix)
    args = [
        FFMPEG, "-hide_banner", "-loglevel", "error", "-y", "-filter_complex", graph,
        "-map", "[v]", "-c:v", "libx264", "-preset", "ultrafast", str(plain),
    ]  # fmt: skip
    subprocess.run(args, check=True, timeout=120)
    if rotation is None:
        plain.replace(path)
        return path
    args = [FFMPEG, "-hide_banner", "-loglevel", "error", "-y"]
    args += ["-display_rotation:v:0", str(rotation), "-i", str(plain), "-c", "copy", str(path)]
    subprocess.run(args, check=True, timeout=120)
    plain.unlink()
    return path


def write_srt(path: Path, cues: list[tuple[float, float, str]]) -> Path:
    """An SRT file with the given (start s, end s, text) cues, in UTF-8."""

    def stamp(seconds: float) -> str:
        millis = round(seconds * 1000)
        hours, millis = divmod(millis, 3_600_000)
        minutes, millis = divmod(millis, 60_000)
        secs, millis = divmod(millis, 1000)
        return f"{hours:02d}:{minutes:02d}:{secs:02d},{millis:03d}"

    blocks = [
        f"{number}\n{stamp(start)} --> {stamp(end)}\n{text}\n"
        for number, (start, end, text) in enumerate(cues, start=1)
    ]
    path.write_text("\n".join(blocks), encoding="utf-8")
    return path


def make_damaged_video(source: Path, path: Path) -> Path:
    """The first kilobytes of a real MP4: a header without its index, as an interrupted upload."""
    path.write_bytes(source.read_bytes()[:4096])
    return path


def _ffmpeg(*args: str) -> None:
    """Run the wheel's ffmpeg quietly, failing the test on any error."""
    command = [FFMPEG, "-hide_banner", "-loglevel", "error", "-y", *args]
    subprocess.run(command, check=True, timeout=120)


def make_rotated_clip(path: Path, source: Path, degrees: int) -> Path:
    """A stream copy of source that players turn by degrees (counter-clockwise), as phones do."""
    _ffmpeg("-display_rotation:v:0", str(degrees), "-i", str(source), "-c", "copy", str(path))
    return path


def make_vfr_clip(path: Path) -> Path:
    """3 s of video whose first second runs at 25 fps and the rest at 12.5 fps (no sound)."""
    _ffmpeg(
        "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=2",
        "-vf", "setpts='if(lt(N,25),N/25/TB,(25+(N-25)*2)/25/TB)'", "-fps_mode", "vfr",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(path),
    )  # fmt: skip
    return path


def make_sparse_clip(path: Path, *, frames: int = 3, gap_s: int = 1000) -> Path:
    """A tiny video whose few frames are gap_s apart: really that long, yet a few kilobytes."""
    _ffmpeg(
        "-f", "lavfi", "-i", f"testsrc2=size=320x240:rate=1:duration={frames}",
        "-vf", f"setpts=N*{gap_s}/TB", "-fps_mode", "passthrough",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(path),
    )  # fmt: skip
    return path


def make_sound_only(path: Path, *, seconds: float = 2.0) -> Path:
    """An AAC tone in an M4A (MP4 audio) file, whatever the extension of path."""
    _ffmpeg(
        "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
        "-c:a", "aac", "-f", "ipod", str(path),
    )  # fmt: skip
    return path


def make_subtitles_only(path: Path) -> Path:
    """A Matroska file holding one SRT subtitle track and nothing else."""
    captions = path.with_suffix(".srt")
    captions.write_text("1\n00:00:01,000 --> 00:00:02,000\nHello\n", encoding="utf-8")
    _ffmpeg("-i", str(captions), "-c:s", "srt", "-f", "matroska", str(path))
    return path


def make_located_clip(path: Path, *, iso6709: str = "+48.8566+002.3522/") -> Path:
    """A short clip tagged with where it was shot, the way phones tag it for its container."""
    if path.suffix == ".mov":  # iPhones: a QuickTime metadata key
        tags = ["-movflags", "use_metadata_tags",
                "-metadata", f"com.apple.quicktime.location.ISO6709={iso6709}"]  # fmt: skip
    else:  # Android and ffmpeg: the MP4 ©xyz atom, or a Matroska LOCATION tag
        tags = ["-metadata", f"location={iso6709}", "-metadata:s:v", f"location={iso6709}"]
    return make_clip(path, seconds=1.5, width=320, height=240, audio=False, extra=tuple(tags))


def patch_matroska_duration(path: Path, seconds: float) -> Path:
    """Make a Matroska/WebM file's header claim seconds, leaving every frame as it was.

    The Segment Info element Duration (ID 0x4489) is a float in timestamp-scale units
    (milliseconds, as ffmpeg writes them); FFmpeg reports it as the file's duration.
    """
    import struct  # here, not at the top: the module's head belongs to make_clip's authors

    data = bytearray(path.read_bytes())
    at = data.find(b"\x44\x89\x88", 0, 4096)  # ID, then size 8: a big-endian double
    if at < 0:
        raise ValueError(f"{path.name} has no 8-byte Duration element near its start")
    struct.pack_into(">d", data, at + 3, seconds * 1000)
    path.write_bytes(bytes(data))
    return path


def patch_mp4_movie_duration(path: Path, seconds: float) -> Path:
    """Make an MP4's movie header (mvhd) claim seconds; the tracks' sample tables stay true."""
    import struct

    data = bytearray(path.read_bytes())
    at = data.find(b"mvhd")
    if at < 0 or data[at + 4] != 0:
        raise ValueError(f"{path.name} has no version-0 movie header")
    # version and flags (4 bytes), creation and modification times (4 + 4), timescale, duration
    timescale = struct.unpack_from(">I", data, at + 16)[0]
    struct.pack_into(">I", data, at + 20, round(seconds * timescale))
    path.write_bytes(bytes(data))
    return path


def cut_file(source: Path, path: Path, fraction: float) -> Path:
    """The first fraction of source's bytes, as an interrupted upload or copy leaves them."""
    data = source.read_bytes()
    path.write_bytes(data[: int(len(data) * fraction)])
    return path


def write_hls_playlist(path: Path, segment: Path) -> Path:
    """An HLS playlist whose one segment is segment (a local file), under any name."""
    path.write_text(
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n"
        f"#EXTINF:2.0,\n{segment}\n#EXT-X-ENDLIST\n",
        encoding="utf-8",
    )
    return path


def write_ffconcat(path: Path, target: Path) -> Path:
    """An ffmpeg concat script that would read target, under any name."""
    path.write_text(f"ffconcat version 1.0\nfile '{target}'\n", encoding="utf-8")
    return path


def make_one_pixel_clip(path: Path) -> Path:
    """Two seconds of a single red pixel (testsrc2 cannot draw below 2 × 2)."""
    _ffmpeg(
        "-f", "lavfi", "-i", "color=c=red:size=1x1:rate=25:duration=2",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv444p", str(path),
    )  # fmt: skip
    return path


def make_live_recording(source: Path, path: Path) -> Path:
    """A stream copy of a Matroska/WebM source written as a browser records: no duration, no
    index, sizes left unknown."""
    _ffmpeg("-i", str(source), "-c", "copy", "-f", "webm" if path.suffix == ".webm" else "matroska",
            "-live", "1", str(path))  # fmt: skip
    return path
