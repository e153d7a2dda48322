"""Decode a portrait once and encode every network version in one ffmpeg run, metadata-free.

One ffmpeg process reads the source (demuxer forced, plain files only), normalises the sound
once, splits the picture and the sound, and writes per version an H.264 High / AAC MP4 with its
moov atom first and no metadata from the source (no GPS, no device names), plus a JPEG cover.
Outputs are written under temporary names beside their final paths and renamed only when the
whole run succeeded, so a cancelled or failed rendering leaves nothing behind.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import av

from campaigns.errors import ConfigurationError, InvalidInput
from campaigns.i18n import N_, msg
from campaigns.media.ffmpeg import RenderFailed, run_ffmpeg
from campaigns.media.presets import Preset

logger = logging.getLogger(__name__)

# Only font files in this folder: libass loads every file in it (the licence sits one level up).
FONTS_DIR = Path(__file__).resolve().parents[2] / "assets" / "fonts" / "ttf"
FONT_FILE = FONTS_DIR / "DejaVuSans-Bold.ttf"
FONT_FAMILY = "DejaVu Sans"
FPS = 30
GOP_FRAMES = 2 * FPS
CRF = 21
AUDIO_BITRATE = "160k"
SAMPLE_RATE = 48_000
LOUDNORM = "loudnorm=I=-14:TP=-1.5:LRA=11"
ENCODER_PRESETS = (
    "ultrafast",
    "superfast",
    "veryfast",
    "faster",
    "fast",
    "medium",
    "slow",
    "slower",
    "veryslow",
)
DEFAULT_ENCODER_PRESET = "veryfast"
LOWER_THIRD_S = 4.0
MIN_VERSION_S = 0.5
# Demuxer names as PyAV/ffmpeg probing reports them -> the one demuxer we force when reading.
# Phones and editors export MP4/MOV or WebM/MKV; anything else is refused before ffmpeg runs.
_DEMUXERS = {
    "mov": "mov",
    "mp4": "mov",
    "m4a": "mov",
    "3gp": "mov",
    "3g2": "mov",
    "mj2": "mov",
    "matroska": "matroska",
    "webm": "matroska",
}
_BUFFER = 1024 * 1024
_INCOMPLETE = N_(
    "The rendering finished without writing every version; "
    "the technical details are in the log for an administrator."
)


@dataclass(frozen=True, slots=True)
class VersionSpec:
    """One version to render: the network preset, where to write it, and how to frame it."""

    preset: Preset
    output: Path
    cover: Path
    reframe: Literal["crop", "blur"] = "crop"
    focal_x: float = 0.5
    focal_y: float = 0.5
    captions_srt: Path | None = None  # timed against the source; shifted with the trim
    cover_at_s: float = 1.0
    lower_third: tuple[str, str] | None = None
    trim_start_s: float = 0.0
    trim_end_s: float | None = None


@dataclass(frozen=True, slots=True)
class RenderedVersion:
    """A version written to disk, with what a caller needs to store and publish it."""

    preset_name: str
    output: Path
    cover: Path
    duration_s: float
    size_bytes: int
    sha256: str


@dataclass(frozen=True, slots=True)
class _Window:
    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


def build_command(
    source: Path,
    source_container: str,
    specs: Sequence[VersionSpec],
    source_duration_s: float,
    has_audio: bool,
    *,
    encoder_preset: str = DEFAULT_ENCODER_PRESET,
) -> list[str]:
    """The ffmpeg arguments (after run_ffmpeg's prefix) that render every spec in one decode."""
    if not specs:
        raise ValueError("build_command needs at least one version to render")
    if encoder_preset not in ENCODER_PRESETS:
        raise ConfigurationError(
            msg(
                "The render speed '{speed}' is not one Spotlight knows; set it to one of: "
                "{speeds}.",
                speed=encoder_preset,
                speeds=", ".join(ENCODER_PRESETS),
            )
        )
    demuxer = input_demuxer(source_container)
    windows = [_window(spec, source_duration_s) for spec in specs]
    for spec in specs:
        _check_spec(spec)
    shared = windows[0] if all(w == windows[0] for w in windows) else None
    args: list[str] = []
    # Each branch's own clock: the source's, or zero-based when the input is cut for everyone.
    branch_windows = windows
    if shared is not None:
        if shared.start_s > 0:
            args += ["-ss", _num(shared.start_s)]
        if shared.end_s < source_duration_s:
            args += ["-t", _num(shared.duration_s)]
        # Timestamps start at zero after an input seek: branches need no trim of their own.
        branch_windows = [_Window(0.0, shared.duration_s)] * len(specs)
    args += ["-f", demuxer, "-i", str(source)]

    graph = _Graph(per_branch_trim=shared is None)
    for index, spec in enumerate(specs):
        graph.add_version(index, spec, branch_windows[index], windows[index].start_s)
    chains = [f"[0:V:0]fps={FPS},split={graph.video_branches}" + "".join(graph.video_labels)]
    if has_audio:
        chains.append(
            f"[0:a:0]{LOUDNORM},aresample={SAMPLE_RATE},"
            f"aformat=sample_fmts=fltp:channel_layouts=stereo,"
            f"asplit={len(specs)}" + "".join(f"[a{i}]" for i in range(len(specs)))
        )
    chains += graph.chains
    for index, window in enumerate(branch_windows):
        chains.append(_audio_chain(index, window, has_audio, trim=shared is None))
    args += ["-filter_complex", ";".join(chains)]

    for index, spec in enumerate(specs):
        args += _video_output(index, spec, encoder_preset)
        args += _cover_output(index, spec)
    return args


def render_versions(
    source: Path,
    source_container: str,
    specs: Sequence[VersionSpec],
    *,
    source_duration_s: float,
    has_audio: bool,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    timeout_s: float = 3600,
    log_path: Path | None = None,
    encoder_preset: str = DEFAULT_ENCODER_PRESET,
) -> list[RenderedVersion]:
    """Render every version of source in one ffmpeg run; all files appear, or none."""
    finals = [path for spec in specs for path in (spec.output, spec.cover)]
    if len(set(finals)) != len(finals):
        raise ValueError("every version needs its own output and cover path")
    token = secrets.token_hex(4)
    staged = [
        dataclasses.replace(
            spec, output=_partial(spec.output, token), cover=_partial(spec.cover, token)
        )
        for spec in specs
    ]
    args = build_command(
        source,
        source_container,
        staged,
        source_duration_s,
        has_audio,
        encoder_preset=encoder_preset,
    )
    longest = max(_window(spec, source_duration_s).duration_s for spec in specs)
    report = None if progress is None else _capped(progress)
    partials = [path for spec in staged for path in (spec.output, spec.cover)]
    try:
        for path in partials:
            path.parent.mkdir(parents=True, exist_ok=True)
        run_ffmpeg(
            args,
            timeout_s=timeout_s,
            duration_s=longest,
            progress=report,
            cancelled=cancelled,
            log_path=log_path,
        )
        rendered = [_describe(spec, done) for spec, done in zip(specs, staged, strict=True)]
        _publish(staged, specs)
    except BaseException:
        for path in partials:
            path.unlink(missing_ok=True)
        raise
    if progress is not None:
        progress(1.0)
    return rendered


def input_demuxer(source_container: str) -> str:
    """The demuxer to force for a probed container name, or InvalidInput if we do not read it."""
    for name in source_container.split(","):
        demuxer = _DEMUXERS.get(name.strip().lower())
        if demuxer is not None:
            return demuxer
    raise InvalidInput(
        msg(
            "Spotlight cannot render this video's format ({format}); "
            "export it as MP4 or MOV and upload it again.",
            format=source_container,
        )
    )


def escape_option(value: str) -> str:
    """Escape a value for a filter's key=value list and then for the filtergraph around it."""
    level1 = re.sub(r"([\\':])", r"\\\1", value)
    return re.sub(r"([\\'\[\],;])", r"\\\1", level1)


class _Graph:
    """Collects the per-version branches that hang off the single split of the decoded picture."""

    def __init__(self, *, per_branch_trim: bool) -> None:
        self.per_branch_trim = per_branch_trim
        self.video_labels: list[str] = []
        self.chains: list[str] = []

    @property
    def video_branches(self) -> int:
        return len(self.video_labels)

    def branch(self, name: str) -> str:
        """A new output of the split, returned as its label."""
        label = f"[{name}]"
        self.video_labels.append(label)
        return label

    def add_version(
        self, index: int, spec: VersionSpec, window: _Window, source_start_s: float
    ) -> None:
        """The video chain of one version, and the one-frame chain of its cover."""
        trim = _trim(window) if self.per_branch_trim else ""
        framed = self.reframe(f"v{index}", spec, trim)
        steps = [*_caption_filters(spec, source_start_s), *_lower_third_filters(spec)]
        self.chains.append(f"{framed}" + "".join("," + step for step in steps) + f"[vout{index}]")

        cover_at = _cover_time(spec, window)
        cover_trim = f"trim=start={_num(window.start_s + cover_at)},trim=end_frame=1,"
        cover_trim += "setpts=PTS-STARTPTS,"
        framed = self.reframe(f"c{index}", spec, cover_trim)
        self.chains.append(f"{framed}[cout{index}]")

    def reframe(self, name: str, spec: VersionSpec, head: str) -> str:
        """A chain (without its output label) giving the preset's frame from split outputs."""
        width, height = spec.preset.width, spec.preset.height
        tail = "setsar=1,format=yuv420p"
        if spec.reframe == "crop":
            source = self.branch(name)
            return f"{source}{head}{_crop(spec)},scale={width}:{height}:flags=lanczos,{tail}"
        back, front = self.branch(f"{name}b"), self.branch(f"{name}f")
        small_w, small_h = _even(width / 4), _even(height / 4)
        self.chains.append(
            f"{back}{head}scale={small_w}:{small_h}:force_original_aspect_ratio=increase,"
            f"crop={small_w}:{small_h},boxblur=luma_radius=12:luma_power=2,"
            f"eq=brightness=-0.06,scale={width}:{height}:flags=bilinear[{name}bg]"
        )
        self.chains.append(
            f"{front}{head}scale={width}:{height}:force_original_aspect_ratio=decrease:"
            f"force_divisible_by=2:flags=lanczos[{name}fg]"
        )
        return f"[{name}bg][{name}fg]overlay=x=(W-w)/2:y=(H-h)/2,{tail}"


def _crop(spec: VersionSpec) -> str:
    """A crop of the preset's shape around the focal point, kept inside the (upright) frame."""
    w, h = spec.preset.width, spec.preset.height
    fx, fy = _num(spec.focal_x), _num(spec.focal_y)
    return (
        f"crop=w=min(iw\\,ih*{w}/{h}):h=min(ih\\,iw*{h}/{w})"
        f":x=clip({fx}*iw-ow/2\\,0\\,iw-ow):y=clip({fy}*ih-oh/2\\,0\\,ih-oh)"
    )


def _caption_filters(spec: VersionSpec, source_start_s: float = 0.0) -> list[str]:
    """The subtitles filter burning the SRT in, when this network has no caption upload."""
    if spec.captions_srt is None or spec.preset.captions != "burn":
        return []
    preset = spec.preset
    width, height, safe = preset.width, preset.height, preset.safe_area
    size = caption_font_size(preset)
    style = ",".join(
        [
            f"FontName={FONT_FAMILY}",
            "Bold=1",
            f"FontSize={size}",
            "PrimaryColour=&H00FFFFFF",
            # Style 3 draws an opaque box behind each line; libass paints it with OutlineColour.
            "BorderStyle=3",
            "OutlineColour=&H40000000",
            "BackColour=&H40000000",
            f"Outline={max(2, round(size * 0.22))}",
            "Shadow=0",
            "Alignment=2",
            f"MarginV={round(height * safe.bottom + size * 0.4)}",
            f"MarginL={round(width * max(safe.left, 0.04))}",
            f"MarginR={round(width * max(safe.right, 0.04))}",
            # Pixel units, so sizes and margins above are in output pixels.
            f"PlayResX={width}",
            f"PlayResY={height}",
            "WrapStyle=0",
        ]
    )
    burn = (
        "subtitles=filename="
        + escape_option(str(spec.captions_srt))
        + ":fontsdir="
        + escape_option(str(FONTS_DIR))
        + ":force_style="
        + escape_option(style)
    )
    if source_start_s <= 0:
        return [burn]
    # The branch's clock starts at zero at the trim; the cues count from the source's start.
    offset = _num(source_start_s)
    return [f"setpts=PTS+{offset}/TB", burn, f"setpts=PTS-{offset}/TB"]


def caption_font_size(preset: Preset) -> int:
    """Caption size in output pixels: 5.5% of the short side (59 px on a 1080-wide frame)."""
    return round(min(preset.width, preset.height) * 0.055)


def _lower_third_filters(spec: VersionSpec) -> list[str]:
    """Name and programme over a dark box in the lower safe area for the first seconds."""
    if spec.lower_third is None:
        return []
    preset = spec.preset
    width, height, safe = preset.width, preset.height, preset.safe_area
    name, programme = (_plain(text) for text in spec.lower_third)
    left = round(width * max(safe.left, 0.05))
    room = width - left - round(width * max(safe.right, 0.05))
    short = min(width, height)
    name_size = _fitting_size(name, round(short * 0.05), room)
    programme_size = _fitting_size(programme, round(short * 0.036), room)
    # Above the captions' box, so both can be read at once.
    captions_room = caption_font_size(preset) * 4 if _caption_filters(spec) else 0
    bottom = round(height * (1 - safe.bottom)) - captions_room
    programme_y = bottom - programme_size
    name_y = programme_y - round(programme_size * 0.6) - name_size
    steps = []
    for text, size, y in ((name, name_size, name_y), (programme, programme_size, programme_y)):
        if not text:
            continue
        options = {
            "fontfile": str(FONT_FILE),
            "expansion": "none",
            "text": text,
            "fontsize": str(size),
            "fontcolor": "white",
            "box": "1",
            "boxcolor": "black@0.65",
            "boxborderw": str(max(4, round(size * 0.3))),
            "x": str(left),
            "y": str(y),
            "enable": f"lt(t,{_num(LOWER_THIRD_S)})",
        }
        steps.append(
            "drawtext="
            + ":".join(f"{key}={escape_option(value)}" for key, value in options.items())
        )
    return steps


def _fitting_size(text: str, size: int, room: int) -> int:
    """The font size, shrunk when a long line would run out of the safe area."""
    # DejaVu Sans Bold averages about 0.68 em per character in Latin text.
    needed = max(1, len(text)) * 0.68
    return max(12, min(size, int(room / needed)))


def _plain(text: str) -> str:
    """One line of printable text, trimmed to what fits on a lower third."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())[:80]


def _audio_chain(index: int, window: _Window, has_audio: bool, *, trim: bool) -> str:
    """The sound of one version: its share of the normalised track, or silence of its length."""
    if not has_audio:
        return (
            f"anullsrc=r={SAMPLE_RATE}:cl=stereo,"
            f"atrim=duration={_num(window.duration_s)}[aout{index}]"
        )
    if not trim:
        return f"[a{index}]anull[aout{index}]"
    return (
        f"[a{index}]atrim=start={_num(window.start_s)}:end={_num(window.end_s)},"
        f"asetpts=PTS-STARTPTS[aout{index}]"
    )


def _video_output(index: int, spec: VersionSpec, encoder_preset: str) -> list[str]:
    """Encoder and muxer options shared by every network: the 'one safe master' of platforms.md."""
    return [
        "-map", f"[vout{index}]",
        "-map", f"[aout{index}]",
        "-c:v", "libx264",
        "-profile:v", "high",
        "-pix_fmt", "yuv420p",
        "-preset", encoder_preset,
        *_high_profile_tools(encoder_preset),
        "-crf", str(CRF),
        "-r", str(FPS),
        "-g", str(GOP_FRAMES),
        "-keyint_min", str(GOP_FRAMES),
        "-sc_threshold", "0",
        "-flags:v", "+cgop+bitexact",
        "-c:a", "aac",
        "-b:a", AUDIO_BITRATE,
        "-ar", str(SAMPLE_RATE),
        "-ac", "2",
        "-flags:a", "+bitexact",
        "-map_metadata", "-1",
        "-map_chapters", "-1",
        "-metadata:s:v:0", "handler_name=VideoHandler",
        "-metadata:s:a:0", "handler_name=SoundHandler",
        "-metadata:s:v:0", "location=",
        "-metadata", "location=",
        "-movflags", "+faststart",
        "-fflags", "+bitexact",
        "-f", "mp4",
        str(spec.output),
    ]  # fmt: skip


def _high_profile_tools(encoder_preset: str) -> list[str]:
    """x264 options that keep the stream High profile, which X and Instagram expect."""
    if encoder_preset != "ultrafast":
        return []
    # ultrafast turns CABAC and 8x8 transforms off, which makes the stream Constrained Baseline
    # whatever -profile:v says; turning them back on costs little and keeps it High.
    return ["-x264-params", "cabac=1:8x8dct=1"]


def _cover_output(index: int, spec: VersionSpec) -> list[str]:
    """A one-frame JPEG of the framed picture, without captions, EXIF or encoder comment."""
    return [
        "-map", f"[cout{index}]",
        "-frames:v", "1",
        "-c:v", "mjpeg",
        "-q:v", "2",
        "-flags:v", "+bitexact",
        "-map_metadata", "-1",
        "-fflags", "+bitexact",
        "-update", "1",
        "-f", "image2",
        str(spec.cover),
    ]  # fmt: skip


def _trim(window: _Window) -> str:
    """Filters keeping this version's part of the source, restarting its clock at zero."""
    return f"trim=start={_num(window.start_s)}:end={_num(window.end_s)},setpts=PTS-STARTPTS,"


def _window(spec: VersionSpec, source_duration_s: float) -> _Window:
    """The part of the source this version shows, checked against the source's length."""
    end = source_duration_s if spec.trim_end_s is None else min(spec.trim_end_s, source_duration_s)
    start = spec.trim_start_s
    if start < 0 or end - start < MIN_VERSION_S:
        raise InvalidInput(
            msg(
                "The part chosen for {version} is empty or shorter than half a second; "
                "choose a start before the end, inside the video.",
                version=spec.preset.label,
            )
        )
    return _Window(start, end)


def _check_spec(spec: VersionSpec) -> None:
    """Refuse a spec whose framing or captions cannot be rendered."""
    if not (0 <= spec.focal_x <= 1 and 0 <= spec.focal_y <= 1):
        raise InvalidInput(N_("The point to keep in frame must lie inside the picture."))
    if spec.reframe not in ("crop", "blur"):
        raise ValueError(f"unknown reframe {spec.reframe!r}")
    burns = spec.captions_srt is not None and spec.preset.captions == "burn"
    if burns and not (spec.captions_srt and spec.captions_srt.is_file()):
        raise InvalidInput(
            msg(
                "The captions for {version} are missing; add them again and retry.",
                version=spec.preset.label,
            )
        )


def _cover_time(spec: VersionSpec, window: _Window) -> float:
    """When to take the cover, kept inside the version so there is always a frame to take."""
    last = max(0.0, window.duration_s - 2 / FPS)
    return min(max(0.0, spec.cover_at_s), last)


def _describe(final: VersionSpec, staged: VersionSpec) -> RenderedVersion:
    """Check one staged version and describe it under its final name."""
    for path in (staged.output, staged.cover):
        if not path.is_file() or path.stat().st_size == 0:
            raise RenderFailed(_INCOMPLETE, f"missing or empty output: {path}")
    return RenderedVersion(
        preset_name=final.preset.name,
        output=final.output,
        cover=final.cover,
        duration_s=_duration_s(staged.output),
        size_bytes=staged.output.stat().st_size,
        sha256=_sha256(staged.output),
    )


def _publish(staged: Sequence[VersionSpec], finals: Sequence[VersionSpec]) -> None:
    """Move every staged file to its final name; if one move fails, take back the others."""
    moved: list[Path] = []
    try:
        for done, final in zip(staged, finals, strict=True):
            for source, target in ((done.output, final.output), (done.cover, final.cover)):
                source.replace(target)
                moved.append(target)
    except BaseException:
        for path in moved:
            path.unlink(missing_ok=True)
        raise


def _duration_s(path: Path) -> float:
    """The length of a rendered MP4, read from its header."""
    try:
        with av.open(str(path)) as container:
            duration = container.duration
    except av.error.FFmpegError as exc:
        raise RenderFailed(_INCOMPLETE, f"cannot read {path.name}: {exc}") from exc
    return 0.0 if duration is None else float(duration) / 1_000_000


def _sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_BUFFER):
            digest.update(chunk)
    return digest.hexdigest()


def _partial(path: Path, token: str) -> Path:
    """A hidden temporary name beside path, with the same extension."""
    return path.with_name(f".{path.stem}.partial-{token}{path.suffix}")


def _capped(progress: Callable[[float], None]) -> Callable[[float], None]:
    """Progress from ffmpeg, held below 1.0 until the files are checked and renamed."""

    def report(fraction: float) -> None:
        progress(min(fraction, 0.99))

    return report


def _even(value: float) -> int:
    """The nearest even whole number (H.264 with 4:2:0 needs even sides)."""
    return max(2, round(value / 2) * 2)


def _num(value: float) -> str:
    """A number for a filter option: plain decimal, at most millisecond precision."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text or "0"
