"""Test videos made with the ffmpeg binary that the imageio-ffmpeg wheel ships (no files committed)."""

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
