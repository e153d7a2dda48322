"""The one way Spotlight runs ffmpeg: an argument list, a timeout, progress, cancel, a log tail."""

from __future__ import annotations

import logging
import queue
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO

import imageio_ffmpeg

from campaigns import wording
from campaigns.errors import SpotlightError
from campaigns.i18n import N_, msg

logger = logging.getLogger(__name__)

# Before any other argument: no banner, never read the terminal, overwrite our own temporary
# outputs, and let the first input open plain files only (no http, concat, subfile, pipe…).
PREFIX = ("-hide_banner", "-nostdin", "-y", "-protocol_whitelist", "file")
# Machine-readable progress on stdout, warnings and errors on stderr, no interactive stats line.
_REPORTING = ("-loglevel", "warning", "-nostats", "-stats_period", "0.5", "-progress", "pipe:1")
LOG_LINES = 200
_POLL_S = 0.1
# `cancelled` may ask a database: ask it a few times a second, not on every progress line.
_CANCEL_CHECK_S = 0.25
_KILL_WAIT_S = 10.0


class RenderCancelled(SpotlightError):
    """The person cancelled the rendering; every partial file is gone."""

    def __init__(self) -> None:
        super().__init__(N_("The rendering was cancelled; nothing was kept."))


class RenderFailed(SpotlightError):
    """ffmpeg stopped with an error; `log` holds the technical tail for the log, not for users."""

    def __init__(self, message: str, log: str = "") -> None:
        super().__init__(message)
        self.log = log


def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary shipped in the imageio-ffmpeg wheel."""
    return str(imageio_ffmpeg.get_ffmpeg_exe())


def run_ffmpeg(
    args: Sequence[str],
    *,
    timeout_s: float,
    duration_s: float | None = None,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    log_path: Path | None = None,
) -> None:
    """Run ffmpeg with args, report progress 0..1, stop on cancel or timeout, raise on failure."""
    command = [ffmpeg_exe(), *PREFIX, *_REPORTING, *args]
    tail: deque[str] = deque(maxlen=LOG_LINES)
    started = time.monotonic()
    process = subprocess.Popen(  # noqa: S603 - an argument list, never a shell
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None  # noqa: S101 - pipes asked
    lines: queue.Queue[str | None] = queue.Queue()
    readers = [
        threading.Thread(target=_pump, args=(process.stdout, lines.put, True), daemon=True),
        threading.Thread(target=_pump, args=(process.stderr, tail.append, False), daemon=True),
    ]
    for reader in readers:
        reader.start()
    reported = 0.0
    next_check = started
    outcome = "interrupted"  # until the loop ends on its own, anything else must stop ffmpeg
    try:
        while True:
            try:
                line = lines.get(timeout=_POLL_S)
            except queue.Empty:
                line = ""
            if line is None:  # stdout closed: ffmpeg has finished or died
                outcome = "finished"
                break
            fraction = _fraction(line, duration_s)
            if fraction is not None and fraction > reported and progress is not None:
                reported = fraction
                progress(fraction)
            now = time.monotonic()
            if cancelled is not None and now >= next_check:
                next_check = now + _CANCEL_CHECK_S
                if cancelled():
                    outcome = "cancelled"
                    break
            if now - started > timeout_s:
                outcome = "timeout"
                break
    finally:
        if outcome != "finished":
            _stop(process)
        returncode = _wait(process, max(1.0, timeout_s - (time.monotonic() - started)))
        for reader in readers:
            reader.join(timeout=5)
        _write_log(log_path, command, tail, returncode)
    if outcome == "cancelled":
        raise RenderCancelled
    technical = "\n".join(tail)
    if outcome == "timeout":
        raise RenderFailed(
            msg(
                "The rendering took longer than {length} and was stopped; "
                "try a shorter clip or fewer versions at a time.",
                length=_minutes(timeout_s),
            ),
            technical,
        )
    if returncode != 0:
        logger.warning("ffmpeg exited with %s: %s", returncode, technical[-2000:])
        raise RenderFailed(_explain(tail), technical)
    if progress is not None and reported < 1.0:
        progress(1.0)


def _pump(stream: IO[bytes], put: Callable[[str | None], object], mark_end: bool) -> None:
    """Copy a pipe line by line into put, then None once it closes if mark_end."""
    with stream:
        for raw in stream:
            put(raw.decode("utf-8", errors="replace").rstrip("\r\n"))
    if mark_end:
        put(None)


def _fraction(line: str, duration_s: float | None) -> float | None:
    """The share of the work done according to one `-progress` line, if it says."""
    if not duration_s or duration_s <= 0:
        return None
    key, _, value = line.partition("=")
    if key == "progress" and value == "end":
        return 1.0
    if key != "out_time_us":
        return None
    try:
        done_s = int(value) / 1_000_000
    except ValueError:  # "N/A" before the first frame is written
        return None
    return min(1.0, max(0.0, done_s / duration_s))


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Kill ffmpeg; a half-written file is useless, so there is no graceful stop to wait for."""
    if process.poll() is None:
        process.kill()


def _wait(process: subprocess.Popen[bytes], timeout_s: float) -> int:
    """Wait for ffmpeg to exit, killing it if it outlives timeout_s."""
    try:
        return process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait(timeout=_KILL_WAIT_S)


def _write_log(
    log_path: Path | None, command: Sequence[str], tail: Iterable[str], returncode: int
) -> None:
    """Keep the command and the end of ffmpeg's messages where an administrator can read them."""
    if log_path is None:
        return
    text = "$ " + " ".join(command) + "\n" + "\n".join(tail) + f"\n[exit status {returncode}]\n"
    try:
        log_path.write_text(text, encoding="utf-8")
    except OSError as exc:
        logger.warning("Cannot write the ffmpeg log to %s: %s", log_path, exc)


_KNOWN_CAUSES = (
    (
        ("Invalid data found", "moov atom not found", "EBML header parsing failed"),
        N_(
            "The video file is damaged or is not a video Spotlight can read; "
            "export it again from the phone or editing software and upload the new file."
        ),
    ),
    (
        ("No space left on device",),
        N_("The server ran out of disk space while rendering; ask an administrator to free some."),
    ),
    (
        ("Unable to open", "No such file or directory"),
        N_("A file needed for the rendering could not be opened; upload the video again."),
    ),
)


def _explain(tail: Iterable[str]) -> str:
    """A sentence for the user chosen from what ffmpeg said last."""
    text = "\n".join(tail)
    for needles, sentence in _KNOWN_CAUSES:
        if any(needle in text for needle in needles):
            return sentence
    return N_(
        "The video could not be rendered because of an unexpected error; "
        "the technical details are in the log for an administrator."
    )


def _minutes(seconds: float) -> str:
    """A timeout spoken as people say it."""
    if seconds < 120:
        return msg("{count} seconds", count=wording.count(round(seconds)))
    return msg("{count} minutes", count=wording.count(round(seconds / 60)))
