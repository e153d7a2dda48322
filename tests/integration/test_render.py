"""Rendering network versions: one decode, clean files, captions, covers, cancel and failure."""

from __future__ import annotations

import hashlib
import itertools
import re
import struct
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from campaigns.errors import ConfigurationError, InvalidInput
from campaigns.media.ffmpeg import RenderCancelled, RenderFailed
from campaigns.media.presets import get_preset
from campaigns.media.render import (
    RenderedVersion,
    VersionSpec,
    build_command,
    caption_font_size,
    render_versions,
)
from tests.fixtures_video import (
    FFMPEG,
    make_clip,
    make_damaged_video,
    make_two_colour_clip,
    tag_like_a_phone,
    write_srt,
)

REELS = get_preset("instagram_reels")
LINKEDIN_SQUARE = get_preset("linkedin_1x1")
X = get_preset("x")
FEED_SQUARE = get_preset("instagram_feed_1x1")
TRIMMED_S = 2.5
# What phones write and must never reach a network: GPS, make and model, device handler names.
PRIVATE_MARKERS = (b"location", b"ISO6709", b"\xa9xyz", b"Apple", b"iPhone", b"Core Media")


@dataclass
class Rendering:
    folder: Path
    specs: list[VersionSpec]
    versions: list[RenderedVersion]
    progress: list[float]

    def version(self, name: str) -> RenderedVersion:
        return next(v for v in self.versions if v.output.stem == name)


def container_name(path: Path) -> str:
    """The demuxer name as probing reports it ("mov,mp4,m4a,3gp,3g2,mj2")."""
    with av.open(str(path)) as container:
        return str(container.format.name)


@pytest.fixture(scope="module")
def rendering(tmp_path_factory: pytest.TempPathFactory) -> Rendering:
    """One call rendering a phone-like portrait into Reels, LinkedIn (blur), X and a control."""
    folder = tmp_path_factory.mktemp("render")
    clip = make_clip(folder / "clip.mp4", seconds=3.0)
    source = tag_like_a_phone(clip, folder / "portrait.mov")
    srt = write_srt(folder / "captions.srt", [(0.0, 2.9, "Élodie, développeuse web")])
    out = folder / "out"
    out.mkdir()
    specs = [
        VersionSpec(
            REELS,
            out / "reels.mp4",
            out / "reels.jpg",
            focal_x=0.35,
            captions_srt=srt,
            # Every character the filtergraph syntax cares about, in the text of a drawtext.
            lower_third=("Élodie d'Almeida", "Web: [promo 2025], 100% ; \\o/"),
            trim_end_s=TRIMMED_S,
        ),
        # The same framing without captions: the control for "captions are visible".
        VersionSpec(
            REELS,
            out / "reels-plain.mp4",
            out / "reels-plain.jpg",
            focal_x=0.35,
            trim_end_s=TRIMMED_S,
        ),
        VersionSpec(
            LINKEDIN_SQUARE,
            out / "linkedin.mp4",
            out / "linkedin.jpg",
            reframe="blur",
            captions_srt=srt,
            trim_end_s=TRIMMED_S,
        ),
        VersionSpec(X, out / "x.mp4", out / "x.jpg", captions_srt=srt, trim_end_s=TRIMMED_S),
    ]
    progress: list[float] = []
    versions = render_versions(
        source,
        container_name(source),
        specs,
        source_duration_s=3.0,
        has_audio=True,
        progress=progress.append,
        log_path=folder / "render.log",
    )
    return Rendering(folder, specs, versions, progress)


def frame_at(path: Path, index: int) -> np.ndarray:
    """The picture of frame number index as an RGB array (height, width, 3)."""
    with av.open(str(path)) as container:
        for number, frame in enumerate(container.decode(video=0)):
            if number == index:
                return frame.to_ndarray(format="rgb24").astype(np.int16)
    raise AssertionError(f"{path.name} has fewer than {index + 1} frames")


def top_level_boxes(path: Path) -> list[tuple[bytes, bytes]]:
    """(type, payload) of each top-level MP4 box; mdat's payload left out."""
    data = path.read_bytes()
    boxes, offset = [], 0
    while offset < len(data):
        size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        header = 8
        if size == 1:
            size = struct.unpack(">Q", data[offset + 8 : offset + 16])[0]
            header = 16
        elif size == 0:
            size = len(data) - offset
        payload = b"" if kind == b"mdat" else data[offset + header : offset + size]
        boxes.append((kind, payload))
        offset += size
    return boxes


def integrated_loudness(path: Path) -> float:
    """Integrated loudness in LUFS, from the summary of ffmpeg's ebur128 filter."""
    result = subprocess.run(
        [FFMPEG, "-hide_banner", "-nostats", "-i", str(path), "-map", "0:a:0",
         "-af", "ebur128=framelog=quiet", "-f", "null", "-"],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    summary = result.stderr.rsplit("Summary:", 1)[-1]
    match = re.search(r"I:\s+(-?\d+(?:\.\d+)?) LUFS", summary)
    assert match, result.stderr[-500:]
    return float(match.group(1))


def test_every_version_is_the_safe_master_at_its_preset_size(rendering: Rendering) -> None:
    for spec in rendering.specs:
        with av.open(str(spec.output)) as container:
            video, audio = container.streams.video[0], container.streams.audio[0]
            assert video.codec_context.name == "h264"
            assert video.codec_context.profile == "High"
            assert video.codec_context.format.name == "yuv420p"
            assert (video.codec_context.width, video.codec_context.height) == (
                spec.preset.width,
                spec.preset.height,
            )
            assert video.average_rate == 30
            assert audio.codec_context.name == "aac"
            assert audio.codec_context.sample_rate == 48_000
            assert audio.codec_context.layout.nb_channels == 2
            stamps = sorted(p.pts for p in container.demux(video) if p.pts is not None)
        steps = {round(Fraction(b - a) * video.time_base, 6) for a, b in itertools.pairwise(stamps)}
        assert steps == {round(Fraction(1, 30), 6)}, f"{spec.output.name} is not constant 30 fps"


def test_moov_atom_comes_before_the_media_data(rendering: Rendering) -> None:
    for spec in rendering.specs:
        kinds = [kind for kind, _ in top_level_boxes(spec.output)]
        assert kinds.index(b"moov") < kinds.index(b"mdat"), spec.output.name


def test_no_location_or_device_metadata_survives(rendering: Rendering) -> None:
    source = rendering.folder / "portrait.mov"
    assert any(marker in source.read_bytes() for marker in PRIVATE_MARKERS)  # the test is real
    for spec in rendering.specs:
        headers = b"".join(payload for _, payload in top_level_boxes(spec.output))
        assert [m for m in PRIVATE_MARKERS if m in headers] == [], spec.output.name
        with av.open(str(spec.output)) as container:
            assert set(container.metadata) <= {"major_brand", "minor_version", "compatible_brands"}
            for stream in container.streams:
                assert set(stream.metadata) <= {"language", "handler_name", "vendor_id", "encoder"}
                assert stream.metadata.get("handler_name") in {"VideoHandler", "SoundHandler"}
        assert not any(m in spec.cover.read_bytes() for m in PRIVATE_MARKERS)


def test_durations_follow_the_trim(rendering: Rendering) -> None:
    for version in rendering.versions:
        assert version.duration_s == pytest.approx(TRIMMED_S, abs=0.1)
        with av.open(str(version.output)) as container:
            video = container.streams.video[0]
            assert video.frames == pytest.approx(TRIMMED_S * 30, abs=2)


def test_each_version_has_a_jpeg_cover_at_its_size(rendering: Rendering) -> None:
    for spec in rendering.specs:
        with Image.open(spec.cover, formats=["JPEG"]) as cover:
            assert cover.size == (spec.preset.width, spec.preset.height)
            assert not cover.getexif()


def test_sound_is_normalised_to_minus_14_lufs(rendering: Rendering) -> None:
    for version in rendering.versions:
        assert integrated_loudness(version.output) == pytest.approx(-14.0, abs=2.0)


def test_burned_captions_are_visible_and_clear_of_the_buttons(rendering: Rendering) -> None:
    captioned = frame_at(rendering.version("reels").output, 30)
    plain = frame_at(rendering.version("reels-plain").output, 30)
    size = caption_font_size(REELS)
    box_bottom = round(REELS.height * (1 - REELS.safe_area.bottom) - size * 0.4)
    caption_band = np.s_[box_bottom - size : box_bottom - 8, 200:880]
    assert np.abs(captioned[caption_band] - plain[caption_band]).mean() > 20
    # The bottom fifth, where Reels draws the account name and caption, is left alone.
    buttons_band = np.s_[round(REELS.height * (1 - REELS.safe_area.bottom)) + 8 :, :]
    assert np.abs(captioned[buttons_band] - plain[buttons_band]).mean() < 3


def test_sidecar_networks_do_not_get_captions_burned_in(rendering: Rendering) -> None:
    spec = next(s for s in rendering.specs if s.preset.name == "x")
    args = build_command(Path("/in.mov"), "mov", [spec], 3.0, True)
    assert "subtitles=" not in " ".join(args)


def test_blur_fill_leaves_no_black_bars(rendering: Rendering) -> None:
    frame = frame_at(rendering.version("linkedin").output, 30)
    # A 16:9 picture fitted into a square leaves ~236 rows above it: they hold the blurred copy.
    top_band, bottom_band = frame[:200], frame[-200:]
    for band in (top_band, bottom_band):
        assert band.mean() > 30
        assert (band.max(axis=2) > 24).mean() > 0.9


def test_progress_rises_and_ends_at_one(rendering: Rendering) -> None:
    assert rendering.progress, "no progress was reported"
    assert rendering.progress == sorted(rendering.progress)
    assert all(0.0 <= value <= 1.0 for value in rendering.progress)
    assert rendering.progress[-1] == 1.0


def test_rendered_versions_describe_their_files(rendering: Rendering) -> None:
    for version, spec in zip(rendering.versions, rendering.specs, strict=True):
        assert version.preset_name == spec.preset.name
        assert (version.output, version.cover) == (spec.output, spec.cover)
        assert version.size_bytes == spec.output.stat().st_size
        assert version.sha256 == hashlib.sha256(spec.output.read_bytes()).hexdigest()
    out = rendering.versions[0].output.parent
    expected = {path.name for spec in rendering.specs for path in (spec.output, spec.cover)}
    assert {path.name for path in out.iterdir()} == expected  # no partial file left behind


def test_one_decode_feeds_every_version(rendering: Rendering) -> None:
    source = rendering.folder / "portrait.mov"
    args = build_command(source, container_name(source), rendering.specs, 3.0, True)
    assert args.count("-i") == 1
    assert args[args.index("-i") - 2 : args.index("-i") + 2] == ["-f", "mov", "-i", str(source)]
    graph = args[args.index("-filter_complex") + 1]
    assert len(re.findall(r"(?<![a-z])split=", graph)) == 1
    assert len(re.findall(r"asplit=", graph)) == 1
    assert graph.count("loudnorm=I=-14:TP=-1.5:LRA=11") == 1
    assert args.count("-map_metadata") == 2 * len(rendering.specs)


def test_source_without_sound_gets_a_silent_aac_track(tmp_path: Path) -> None:
    source = make_clip(tmp_path / "mute.mp4", seconds=2.0, audio=False)
    spec = VersionSpec(X, tmp_path / "out" / "x.mp4", tmp_path / "out" / "x.jpg")
    render_versions(
        source,
        container_name(source),
        [spec],
        source_duration_s=2.0,
        has_audio=False,
        encoder_preset="ultrafast",
    )
    with av.open(str(spec.output)) as container:
        assert container.streams.video[0].codec_context.profile == "High"  # even at ultrafast
        audio = container.streams.audio[0]
        assert audio.codec_context.name == "aac"
        assert audio.codec_context.sample_rate == 48_000
        assert audio.codec_context.layout.nb_channels == 2
        samples = np.concatenate([f.to_ndarray().ravel() for f in container.decode(audio)])
    assert len(samples) >= 2 * 48_000 * 1.9
    assert np.abs(samples).max() == 0


def test_cancel_after_first_progress_keeps_nothing(tmp_path: Path) -> None:
    # Long enough that the first progress report comes well before the end.
    source = make_clip(tmp_path / "clip.mp4", seconds=8.0)
    out = tmp_path / "out"
    specs = [
        VersionSpec(LINKEDIN_SQUARE, out / "li.mp4", out / "li.jpg"),
        VersionSpec(X, out / "x.mp4", out / "x.jpg"),
    ]
    seen: list[float] = []
    with pytest.raises(RenderCancelled) as caught:
        render_versions(
            source,
            container_name(source),
            specs,
            source_duration_s=8.0,
            has_audio=True,
            progress=seen.append,
            cancelled=lambda: bool(seen),
            encoder_preset="superfast",
        )
    assert str(caught.value) == "The rendering was cancelled; nothing was kept."
    assert seen
    assert max(seen) < 0.99  # stopped half-way, not after ffmpeg had finished anyway
    assert list(out.iterdir()) == []


def test_damaged_source_fails_with_a_sentence_and_keeps_nothing(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "clip.mp4", seconds=2.0)
    broken = make_damaged_video(clip, tmp_path / "broken.mp4")
    out = tmp_path / "out"
    log = tmp_path / "render.log"
    spec = VersionSpec(X, out / "x.mp4", out / "x.jpg")
    with pytest.raises(RenderFailed) as caught:
        render_versions(
            broken, "mov,mp4,m4a,3gp,3g2,mj2", [spec], source_duration_s=2.0, has_audio=True,
            log_path=log,
        )  # fmt: skip
    message = str(caught.value)
    assert "damaged" in message
    assert message.endswith(".")
    assert "ffmpeg" not in message  # the technical part goes to the log, not to the user
    assert caught.value.log
    assert "exit status" in log.read_text(encoding="utf-8")
    assert list(out.iterdir()) == []


def test_focal_point_is_taken_in_the_upright_frame_and_trims_are_per_version(
    tmp_path: Path,
) -> None:
    source = make_two_colour_clip(tmp_path / "rotated.mp4", seconds=2.0, rotation=90)
    upright = subprocess.run(
        [FFMPEG, "-hide_banner", "-loglevel", "error", "-i", str(source), "-frames:v", "1",
         "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    picture = np.frombuffer(upright, dtype=np.uint8).reshape(640, 360, 3)  # portrait once upright
    top_colour, bottom_colour = picture[20, 180], picture[-20, 180]
    assert np.abs(top_colour.astype(int) - bottom_colour.astype(int)).sum() > 200
    out = tmp_path / "out"
    specs = [
        VersionSpec(LINKEDIN_SQUARE, out / "top.mp4", out / "top.jpg", focal_y=0.0,
                    trim_end_s=1.0),
        VersionSpec(LINKEDIN_SQUARE, out / "bottom.mp4", out / "bottom.jpg", focal_y=1.0,
                    trim_start_s=0.5, trim_end_s=2.0),
    ]  # fmt: skip
    top, bottom = render_versions(
        source,
        container_name(source),
        specs,
        source_duration_s=2.0,
        has_audio=False,
        encoder_preset="superfast",
    )
    for version, colour in ((top, top_colour), (bottom, bottom_colour)):
        mean = frame_at(version.output, 10).reshape(-1, 3).mean(axis=0)
        assert np.abs(mean - colour).max() < 40, (version.output.name, mean, colour)
    assert top.duration_s == pytest.approx(1.0, abs=0.1)
    assert bottom.duration_s == pytest.approx(1.5, abs=0.1)


def test_burned_captions_follow_the_source_clock_when_trimmed(tmp_path: Path) -> None:
    source = make_clip(tmp_path / "clip.mp4", seconds=3.0)
    odd = tmp_path / "it's: [a] folder, with; signs"  # every character filtergraphs care about
    odd.mkdir()
    srt = write_srt(odd / "cues.srt", [(2.0, 2.9, "Bonjour à tous")])
    out = tmp_path / "out"
    specs = [
        VersionSpec(FEED_SQUARE, out / "cap.mp4", out / "cap.jpg", captions_srt=srt,
                    trim_start_s=1.5),
        VersionSpec(FEED_SQUARE, out / "plain.mp4", out / "plain.jpg", trim_start_s=1.5,
                    trim_end_s=2.95),
    ]  # fmt: skip
    render_versions(
        source,
        container_name(source),
        specs,
        source_duration_s=3.0,
        has_audio=True,
        encoder_preset="superfast",
    )
    size = caption_font_size(FEED_SQUARE)
    box_bottom = round(FEED_SQUARE.height * (1 - FEED_SQUARE.safe_area.bottom) - size * 0.4)
    band = np.s_[box_bottom - size : box_bottom - 8, 300:780]

    def difference(index: int) -> float:
        captioned, plain = frame_at(out / "cap.mp4", index), frame_at(out / "plain.mp4", index)
        return float(np.abs(captioned[band] - plain[band]).mean())

    assert difference(3) < 3  # 1.6 s into the source: no cue yet
    assert difference(30) > 20  # 2.5 s into the source: the cue is on screen


def test_a_shared_trim_cuts_the_input_once_and_shifts_the_cues() -> None:
    srt = Path(__file__)  # any existing file stands in for the captions here
    specs = [
        VersionSpec(FEED_SQUARE, Path("/o/a.mp4"), Path("/o/a.jpg"), captions_srt=srt,
                    trim_start_s=1.5, trim_end_s=2.5),
        VersionSpec(X, Path("/o/b.mp4"), Path("/o/b.jpg"), trim_start_s=1.5, trim_end_s=2.5),
    ]  # fmt: skip
    args = build_command(Path("/in.mp4"), "mov,mp4,m4a,3gp,3g2,mj2", specs, 3.0, True)
    assert args[: args.index("-i")] == ["-ss", "1.5", "-t", "1", "-f", "mov"]
    graph = args[args.index("-filter_complex") + 1]
    assert "trim=start=1.5" not in graph
    assert "setpts=PTS+1.5/TB" in graph


def test_unknown_containers_are_refused_before_ffmpeg_runs() -> None:
    spec = VersionSpec(X, Path("/o/x.mp4"), Path("/o/x.jpg"))
    with pytest.raises(InvalidInput, match="MP4 or MOV"):
        build_command(Path("/in.avi"), "avi", [spec], 3.0, True)
    with pytest.raises(InvalidInput, match="inside the video"):
        build_command(
            Path("/in.mp4"), "mov", [VersionSpec(X, Path("/o/x.mp4"), Path("/o/x.jpg"),
                                                 trim_start_s=2.9)], 3.0, True
        )  # fmt: skip


def test_an_unknown_render_speed_is_a_configuration_error() -> None:
    spec = VersionSpec(X, Path("/o/x.mp4"), Path("/o/x.jpg"))
    with pytest.raises(ConfigurationError, match="veryfast"):
        build_command(Path("/in.mp4"), "mov", [spec], 3.0, True, encoder_preset="turbo")
