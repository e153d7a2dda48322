"""Rendering three network versions of a 1080p portrait: ours against two baselines.

The portrait is a generated 60-second 1920x1080 "talking head" with sound. Each contender makes
an Instagram Reels (9:16, cropped), a LinkedIn square (blur fill) and a YouTube (16:9) version:

- ours: `render_versions`, one ffmpeg process, plus a JPEG cover per version;
- (a) one hand-written ffmpeg command making the same three videos with the same encoder settings;
- (b) naive moviepy 2: `VideoFileClip`, crop/resize, `write_videofile` once per version.

Each runs in a fresh Python process so that its peak memory is its own: the figure is the
process's own peak RSS plus the largest peak RSS of its children (ffmpeg), from getrusage.
Prints wall time, CPU time (less sensitive to other load on the machine) and peak memory, and
the ratios ours/(a) and ours/(b). Target: ours <= 1.15x (a) in wall time.

    PYTHONPATH=. .venv/bin/python bench/bench_render.py [--seconds 60] [--skip-moviepy]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 1.15
ENCODER = [
    "-c:v", "libx264", "-profile:v", "high", "-pix_fmt", "yuv420p", "-preset", "veryfast",
    "-crf", "21", "-r", "30", "-g", "60", "-keyint_min", "60", "-sc_threshold", "0",
    "-c:a", "aac", "-b:a", "160k", "-ar", "48000", "-ac", "2", "-movflags", "+faststart",
]  # fmt: skip
CONTENDERS = {
    "ours": "ours (render_versions)",
    "ffmpeg": "(a) hand-written ffmpeg",
    "moviepy": "(b) naive moviepy 2",
}


def run_ours(source: Path, out: Path, seconds: float) -> None:
    """Three versions and their covers through Spotlight's renderer."""
    from campaigns.media.presets import get_preset
    from campaigns.media.render import VersionSpec, render_versions

    specs = [
        VersionSpec(get_preset("instagram_reels"), out / "reels.mp4", out / "reels.jpg"),
        VersionSpec(
            get_preset("linkedin_1x1"), out / "linkedin.mp4", out / "linkedin.jpg", reframe="blur"
        ),
        VersionSpec(get_preset("youtube"), out / "youtube.mp4", out / "youtube.jpg"),
    ]
    render_versions(
        source, "mov,mp4,m4a,3gp,3g2,mj2", specs, source_duration_s=seconds, has_audio=True
    )


def run_ffmpeg_by_hand(source: Path, out: Path, seconds: float) -> None:
    """The command an ffmpeg user would write for the same three videos."""
    import imageio_ffmpeg

    graph = (
        "[0:v]fps=30,split=4[r][lb][lf][y];"
        "[r]crop=ih*9/16:ih,scale=1080:1920:flags=lanczos[rv];"
        "[lb]scale=270:270:force_original_aspect_ratio=increase,crop=270:270,"
        "boxblur=12:2,scale=1080:1080[bg];"
        "[lf]scale=1080:1080:force_original_aspect_ratio=decrease:flags=lanczos[fg];"
        "[bg][fg]overlay=(W-w)/2:(H-h)/2[lv];"
        "[y]scale=1920:1080:flags=lanczos[yv];"
        "[0:a]loudnorm=I=-14:TP=-1.5:LRA=11,aresample=48000,asplit=3[a1][a2][a3]"
    )
    args = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y"]
    args += ["-i", str(source), "-filter_complex", graph]
    for video, audio, name in (("rv", "a1", "reels"), ("lv", "a2", "linkedin"), ("yv", "a3", "yt")):
        args += ["-map", f"[{video}]", "-map", f"[{audio}]", *ENCODER, str(out / f"{name}.mp4")]
    subprocess.run(args, check=True)  # noqa: S603 - a fixed argument list


def run_moviepy(source: Path, out: Path, seconds: float) -> None:
    """What a Python developer would write first with moviepy 2: one write per version."""
    import numpy as np
    from moviepy import CompositeVideoClip, VideoFileClip, afx
    from PIL import Image, ImageFilter

    def blurred(frame: np.ndarray) -> np.ndarray:
        return np.asarray(Image.fromarray(frame).filter(ImageFilter.GaussianBlur(6)))

    clip = VideoFileClip(str(source)).with_effects([afx.AudioNormalize()])
    width, height = clip.size
    reels = clip.cropped(
        x_center=width / 2, y_center=height / 2, width=height * 9 / 16, height=height
    ).resized((1080, 1920))
    square = clip.cropped(x_center=width / 2, y_center=height / 2, width=height, height=height)
    background = square.resized((270, 270)).image_transform(blurred).resized((1080, 1080))
    front = clip.resized(width=1080).with_position("center")
    linkedin = CompositeVideoClip([background, front], size=(1080, 1080)).with_audio(clip.audio)
    youtube = clip.resized((1920, 1080))
    params = ["-profile:v", "high", "-crf", "21", "-g", "60", "-keyint_min", "60"]
    params += ["-sc_threshold", "0", "-movflags", "+faststart", "-ac", "2"]
    for name, version in (("reels", reels), ("linkedin", linkedin), ("youtube", youtube)):
        version.write_videofile(
            str(out / f"{name}.mp4"),
            fps=30,
            codec="libx264",
            preset="veryfast",
            audio_codec="aac",
            audio_bitrate="160k",
            audio_fps=48000,
            pixel_format="yuv420p",
            ffmpeg_params=params,
            logger=None,
        )
        version.save_frame(str(out / f"{name}.jpg"), t=1.0, with_mask=False)
    clip.close()


RUNNERS = {"ours": run_ours, "ffmpeg": run_ffmpeg_by_hand, "moviepy": run_moviepy}


def measure(name: str, source: Path, out: Path, seconds: float) -> dict[str, float]:
    """Run one contender in this process and report its time and memory."""
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    RUNNERS[name](source, out, seconds)
    wall = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "wall_s": wall,
        "cpu_s": own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime,
        "python_mb": own.ru_maxrss / 1024,  # Linux reports kilobytes
        "ffmpeg_mb": children.ru_maxrss / 1024,
    }


def in_fresh_process(name: str, source: Path, out: Path, seconds: float) -> dict[str, float]:
    """Measure one contender in its own Python process, so peaks are not shared."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(  # noqa: S603 - this very script, fixed arguments
        [sys.executable, __file__, "--contender", name, "--source", str(source),
         "--out", str(out), "--seconds", str(seconds)],
        check=False, capture_output=True, text=True, env=env,
    )  # fmt: skip
    if result.returncode != 0:
        sys.exit(f"{CONTENDERS[name]} failed:\n{result.stderr[-3000:]}")
    figures: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    """Generate the portrait, render it three ways and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the portrait")
    parser.add_argument("--skip-moviepy", action="store_true", help="leave out baseline (b)")
    parser.add_argument(
        "--repeats",
        type=int,
        default=1,
        help="run ours and (a) this many times, alternating, and keep each one's fastest run "
        "(moviepy runs once)",
    )
    parser.add_argument(
        "--source", type=Path, help="use this 1920x1080 clip (of --seconds) instead of making one"
    )
    parser.add_argument("--contender", choices=RUNNERS, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.contender:
        print(json.dumps(measure(args.contender, args.source, args.out, args.seconds)))
        return

    from tests.fixtures_video import make_talking_head

    rounds = [["ours", "ffmpeg"]] * max(1, args.repeats)
    if not args.skip_moviepy:
        rounds[0] = [*rounds[0], "moviepy"]
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-render-") as folder:
        work = Path(folder)
        started = time.perf_counter()
        source = args.source or make_talking_head(work / "portrait.mp4", seconds=args.seconds)
        print(
            f"portrait: {args.seconds:g} s 1920x1080 30 fps with sound, "
            f"{source.stat().st_size / 1e6:.1f} MB, ready in {time.perf_counter() - started:.0f} s"
        )
        print("versions: instagram_reels (crop), linkedin_1x1 (blur), youtube; veryfast, crf 21")
        for number, names in enumerate(rounds, start=1):
            for name in names:
                figures = in_fresh_process(name, source, work / f"{name}-{number}", args.seconds)
                if name not in results or figures["wall_s"] < results[name]["wall_s"]:
                    results[name] = figures
                peak = figures["python_mb"] + figures["ffmpeg_mb"]
                print(
                    f"{CONTENDERS[name]:26} wall {figures['wall_s']:7.1f} s  "
                    f"cpu {figures['cpu_s']:7.1f} s  peak {peak:7.0f} MB "
                    f"(python {figures['python_mb']:.0f} + ffmpeg {figures['ffmpeg_mb']:.0f})",
                    flush=True,
                )
    names = list(results)
    if args.repeats > 1:
        print(f"ratios from each contender's fastest of {args.repeats} runs")
    ours = results["ours"]
    for name in names[1:]:
        other = results[name]
        label = "(a)" if name == "ffmpeg" else "(b)"
        peak = (ours["python_mb"] + ours["ffmpeg_mb"]) / (other["python_mb"] + other["ffmpeg_mb"])
        print(
            f"ours/{label}: wall {ours['wall_s'] / other['wall_s']:.2f}x  "
            f"cpu {ours['cpu_s'] / other['cpu_s']:.2f}x  peak memory {peak:.2f}x"
        )
    ratio = ours["wall_s"] / results["ffmpeg"]["wall_s"]
    verdict = "meets" if ratio <= TARGET else "MISSES"
    print(f"target ours <= {TARGET}x (a) in wall time: {verdict} ({ratio:.2f}x)")


if __name__ == "__main__":
    main()
