"""Probing uploaded videos: real files read right, hostile or broken ones refused in a sentence."""

from __future__ import annotations

from pathlib import Path

import av
import pytest

from campaigns.errors import InvalidInput
from campaigns.media import probe
from campaigns.media.probe import MATROSKA_DEMUXER, MP4_DEMUXER, probe_video, sniff_container
from tests.fixtures_video import (
    cut_file,
    make_clip,
    make_live_recording,
    make_located_clip,
    make_one_pixel_clip,
    make_rotated_clip,
    make_sound_only,
    make_sparse_clip,
    make_subtitles_only,
    make_vfr_clip,
    patch_matroska_duration,
    patch_mp4_movie_duration,
    write_ffconcat,
    write_hls_playlist,
)

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"
_VP8_FAST = ("-deadline", "realtime", "-cpu-used", "8")
DAMAGED = (
    "This video is damaged or incomplete, so we cannot read it. Export it again from the phone "
    "or camera and upload the new file."
)


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One ordinary 2 s, 640x360 H.264 + AAC MP4, shared by the tests that only read it."""
    return make_clip(tmp_path_factory.mktemp("clip") / "clip.mp4")


@pytest.fixture(scope="module")
def webm_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One 2 s, 640x360 VP8 + Opus WebM, encoded at libvpx's fastest settings."""
    path = tmp_path_factory.mktemp("webm") / "clip.webm"
    return make_clip(path, video_codec="libvpx", extra=_VP8_FAST)


def copy_of(source: Path, path: Path) -> Path:
    path.write_bytes(source.read_bytes())
    return path


def refusal(path: Path) -> str:
    with pytest.raises(InvalidInput) as refused:
        probe_video(path)
    return str(refused.value)


@pytest.fixture
def no_ffmpeg(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the probe hands the file to FFmpeg at all."""

    def opened(*args: object, **kwargs: object) -> None:
        pytest.fail(f"FFmpeg was asked to open {args[0]!r}")

    monkeypatch.setattr(probe.av, "open", opened)


@pytest.mark.parametrize(
    ("name", "codec", "sound", "demuxer"),
    [
        ("portrait.mp4", "libx264", "aac", MP4_DEMUXER),
        ("portrait.mov", "libx264", "aac", MP4_DEMUXER),
        ("portrait.m4v", "libx264", "aac", MP4_DEMUXER),
        ("portrait.webm", "libvpx", "opus", MATROSKA_DEMUXER),
        ("portrait.mkv", "libx264", "aac", MATROSKA_DEMUXER),
    ],
)
def test_ordinary_videos_are_read_in_every_accepted_container(
    tmp_path: Path, webm_clip: Path, name: str, codec: str, sound: str, demuxer: str
) -> None:
    path = webm_clip if codec == "libvpx" else make_clip(tmp_path / name, video_codec=codec)
    found = probe_video(path)
    assert found.container == demuxer
    assert found.duration_s == pytest.approx(2.0, abs=0.05)
    assert (found.width, found.height, found.rotation) == (640, 360, 0)
    assert (found.coded_width, found.coded_height) == (640, 360)
    assert found.fps == pytest.approx(25.0)
    assert not found.variable_frame_rate
    assert found.video_codec == {"libx264": "h264", "libvpx": "vp8"}[codec]
    assert (found.audio_codec, found.has_audio) == (sound, True)
    assert found.size_bytes == path.stat().st_size
    assert found.bit_rate is not None and found.bit_rate > 0
    assert not found.has_location_metadata


def test_the_probe_is_json_ready(clip: Path) -> None:
    values = probe_video(clip).as_dict()
    assert {"duration_s", "width", "height", "fps", "video_codec", "audio_codec"} <= set(values)
    assert {"rotation", "has_audio", "has_location_metadata"} <= set(values)
    assert all(isinstance(value, str | int | float | bool | None) for value in values.values())


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("chaplin.mp4", dict(duration_s=9.64, width=640, height=360, fps=25.0,
                             video_codec="h264", audio_codec="mp3")),
        ("big_buck_bunny_0_30.webm", dict(duration_s=30.0, width=1280, height=720, fps=24.0,
                                          video_codec="vp8", audio_codec="vorbis")),
    ],
)  # fmt: skip
def test_real_encodes_are_read(name: str, expected: dict[str, object]) -> None:
    sample = SAMPLES / name
    if not sample.is_file():
        pytest.skip(f"the real samples are not beside this checkout ({SAMPLES} is missing)")
    found = probe_video(sample).as_dict()
    assert found["duration_s"] == pytest.approx(expected.pop("duration_s"), abs=0.05)
    assert {key: found[key] for key in expected} == expected
    assert found["has_audio"] is True
    assert found["variable_frame_rate"] is False


def test_an_empty_file_is_refused(tmp_path: Path, no_ffmpeg: None) -> None:
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    assert refusal(empty) == "This file is empty."


@pytest.mark.parametrize("fraction", [0.5, 0.1])
@pytest.mark.parametrize("index_first", [False, True], ids=["index-at-end", "faststart"])
def test_a_cut_off_mp4_is_refused_as_incomplete(
    tmp_path: Path, clip: Path, fraction: float, index_first: bool
) -> None:
    source = clip
    if index_first:  # the index (moov) up front, as phones and "web optimised" exports write
        source = make_clip(tmp_path / "faststart.mp4", extra=("-movflags", "+faststart"))
    assert refusal(cut_file(source, tmp_path / "cut.mp4", fraction)) == DAMAGED


@pytest.mark.parametrize("fraction", [0.5, 0.9])
def test_a_cut_off_webm_is_refused_as_incomplete(
    tmp_path: Path, webm_clip: Path, fraction: float
) -> None:
    assert refusal(cut_file(webm_clip, tmp_path / "cut.webm", fraction)) == DAMAGED


def test_a_file_with_a_video_header_and_garbage_after_it_is_refused(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.mp4"
    garbage.write_bytes(b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + bytes(range(256)) * 8)
    assert refusal(garbage) == DAMAGED


def test_scrambled_copies_of_a_clip_never_escape_as_ffmpeg_errors(
    tmp_path: Path, clip: Path
) -> None:
    original = clip.read_bytes()
    for seed in range(40):
        scrambled = bytearray(original)
        for step in range(1, 30):  # a deterministic scatter of bad bytes, head to tail
            scrambled[(seed * 7919 + step * step * 104_729) % len(scrambled)] = (seed + step) % 256
        path = tmp_path / f"scrambled-{seed}.mp4"
        path.write_bytes(bytes(scrambled))
        message = "."
        try:
            probe_video(path)
        except InvalidInput as refused:
            message = str(refused)
        assert message.endswith(".")


@pytest.mark.parametrize(
    ("content", "looks_like"),
    [
        (b"Hello team,\nhere is the portrait of Ana.\n", "a text file"),
        (b"<!DOCTYPE html><html><body>Download</body></html>", "a web page"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF document"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "a photo (JPEG)"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "a photo (HEIC)"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00", "an audio file (MP3)"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "an audio file (WAV)"),
        (b"RIFF\x24\x00\x00\x00AVI LIST", "an AVI video, which we do not accept"),
        (b"1\n00:00:01,000 --> 00:00:02,000\nHi\n", "a captions file (SRT)"),
    ],
)
def test_files_that_are_not_videos_are_named(
    tmp_path: Path, no_ffmpeg: None, content: bytes, looks_like: str
) -> None:
    path = tmp_path / "portrait.mp4"
    path.write_bytes(content)
    assert refusal(path) == (
        f"This file is not a video we can read (it looks like {looks_like}). "
        "Upload an MP4, MOV or WebM video instead."
    )


def test_an_hls_playlist_named_mp4_is_refused_before_ffmpeg_sees_it(
    tmp_path: Path, clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    playlist = write_hls_playlist(tmp_path / "portrait.mp4", clip)
    # The danger is real: left to detect the format itself, FFmpeg follows the playlist.
    with av.open(str(write_hls_playlist(tmp_path / "same.m3u8", clip))) as followed:
        assert followed.format.name == "hls" and followed.streams.video
    monkeypatch.setattr(probe.av, "open", lambda *a, **k: pytest.fail("FFmpeg opened it"))
    with pytest.raises(InvalidInput, match=r"it looks like a streaming playlist \(HLS\)"):
        sniff_container(playlist)
    assert refusal(playlist).startswith("This file is not a video we can read")


def test_an_ffconcat_script_named_mp4_is_refused(
    tmp_path: Path, clip: Path, no_ffmpeg: None
) -> None:
    script = write_ffconcat(tmp_path / "portrait.mp4", clip)
    assert "it looks like an FFmpeg concat script" in refusal(script)


def test_a_folder_is_refused(tmp_path: Path, no_ffmpeg: None) -> None:
    folder = tmp_path / "folder.mp4"
    folder.mkdir()
    assert refusal(folder) == "We could not find this video; upload it again."


def test_a_one_pixel_video_is_refused(tmp_path: Path) -> None:
    tiny = make_clip(tmp_path / "tiny.mp4", width=2, height=2, audio=False)
    tiny_message = "This video is 2 × 2 pixels; portraits need at least 144 pixels on each side."
    assert refusal(tiny) == tiny_message
    dot = make_one_pixel_clip(tmp_path / "dot.mp4")
    assert refusal(dot) == tiny_message.replace("2 × 2", "1 × 1")


def test_a_video_over_4k_is_refused(tmp_path: Path) -> None:
    wide = make_clip(tmp_path / "wide.mp4", seconds=1, width=4112, height=144, audio=False)
    assert refusal(wide).startswith(
        "This video is 4,112 × 144 pixels; the longest side we accept is 4,096 pixels."
    )


def test_a_4k_phone_video_held_upright_is_portrait(tmp_path: Path) -> None:
    landscape = make_clip(
        tmp_path / "uhd.mp4", seconds=2, width=3840, height=2160, fps=5, audio=False
    )
    found = probe_video(make_rotated_clip(tmp_path / "upright.mp4", landscape, 90))
    assert (found.width, found.height, found.rotation) == (2160, 3840, 90)
    assert (found.coded_width, found.coded_height) == (3840, 2160)
    assert found.is_portrait


@pytest.mark.parametrize(
    ("degrees", "rotation", "size"),
    [(90, 90, (360, 640)), (180, 180, (640, 360)), (-90, 270, (360, 640)), (270, 270, (360, 640))],
)
@pytest.mark.parametrize("suffix", [".mp4", ".mkv"])
def test_rotation_comes_from_the_display_matrix(
    tmp_path: Path,
    clip: Path,
    degrees: int,
    rotation: int,
    size: tuple[int, int],
    suffix: str,
) -> None:
    found = probe_video(make_rotated_clip(tmp_path / f"turned{suffix}", clip, degrees))
    assert ((found.width, found.height), found.rotation) == (size, rotation)


def test_sound_without_picture_is_refused(tmp_path: Path) -> None:
    assert refusal(make_sound_only(tmp_path / "voice-memo.mp4")) == (
        "This file has sound but no picture."
    )


def test_a_file_without_picture_or_sound_is_refused(tmp_path: Path) -> None:
    assert refusal(make_subtitles_only(tmp_path / "subtitles.mkv")) == (
        "This file has no picture, so it is not a video we can use."
    )


def test_a_silent_video_is_read_without_audio(tmp_path: Path) -> None:
    found = probe_video(make_clip(tmp_path / "silent.mp4", audio=False))
    assert (found.has_audio, found.audio_codec) == (False, None)


@pytest.mark.parametrize("suffix", [".mp4", ".mkv"])
def test_a_variable_frame_rate_is_detected(tmp_path: Path, suffix: str) -> None:
    found = probe_video(make_vfr_clip(tmp_path / f"vfr{suffix}"))
    assert found.variable_frame_rate
    assert found.duration_s == pytest.approx(3.0, abs=0.05)


@pytest.mark.parametrize("suffix", [".mkv", ".webm"])
def test_a_header_claiming_ten_hours_is_not_believed(
    tmp_path: Path, webm_clip: Path, suffix: str
) -> None:
    if suffix == ".webm":
        source = copy_of(webm_clip, tmp_path / "liar.webm")
    else:
        source = make_clip(tmp_path / "liar.mkv")
    path = patch_matroska_duration(source, 10 * 3600)
    with av.open(str(path)) as container:  # the claim FFmpeg reads from the header
        assert container.duration == 10 * 3600 * 1_000_000
    found = probe_video(path)
    assert found.duration_s == pytest.approx(2.0, abs=0.05)
    assert found.bit_rate is not None and found.bit_rate > 100_000  # size over the real length


def test_a_browser_recording_without_a_duration_is_measured_from_its_packets(
    tmp_path: Path, webm_clip: Path
) -> None:
    recording = make_live_recording(webm_clip, tmp_path / "recording.webm")
    with av.open(str(recording)) as container:
        assert container.duration is None
    assert probe_video(recording).duration_s == pytest.approx(2.0, abs=0.05)


def test_an_mp4_movie_header_claiming_ten_hours_is_not_believed(tmp_path: Path, clip: Path) -> None:
    # FFmpeg already prefers the tracks' sample tables to the movie header (mvhd) of an MP4.
    path = copy_of(clip, tmp_path / "liar.mp4")
    found = probe_video(patch_mp4_movie_duration(path, 10 * 3600))
    assert found.duration_s == pytest.approx(2.0, abs=0.05)


def test_a_video_really_longer_than_30_minutes_is_refused(tmp_path: Path) -> None:
    sparse = make_sparse_clip(tmp_path / "long.mp4", frames=3, gap_s=1000)  # 0 s, 1000 s, 2000 s
    assert refusal(sparse) == (
        "This video lasts more than 30 minutes, the longest we accept. Trim it and upload it again."
    )


@pytest.mark.parametrize("suffix", [".mp4", ".mkv"])
def test_a_video_just_over_30_minutes_says_how_long_it_is(tmp_path: Path, suffix: str) -> None:
    sparse = make_sparse_clip(tmp_path / f"long{suffix}", frames=2, gap_s=1800)  # ends at 1801 s
    assert refusal(sparse) == (
        "This video lasts 30 minutes 1 second; the longest we accept is 30 minutes. "
        "Trim it and upload it again."
    )


def test_a_video_of_exactly_30_minutes_is_accepted(tmp_path: Path) -> None:
    sparse = make_sparse_clip(tmp_path / "long.mp4", frames=2, gap_s=1799)  # ends at 1800 s
    found = probe_video(sparse)
    assert found.duration_s == pytest.approx(1800.0)
    assert found.variable_frame_rate


def test_a_video_under_a_second_is_refused(tmp_path: Path) -> None:
    short = make_clip(tmp_path / "short.mp4", seconds=0.5, audio=False)
    assert refusal(short) == "This video lasts only 0.5 seconds; it must last at least 1 second."


@pytest.mark.parametrize("suffix", [".mp4", ".mov", ".mkv"])
def test_a_video_tagged_with_where_it_was_shot_probes_and_says_so(
    tmp_path: Path, suffix: str
) -> None:
    found = probe_video(make_located_clip(tmp_path / f"located{suffix}"))
    assert found.has_location_metadata
    assert found.duration_s == pytest.approx(1.5, abs=0.05)
