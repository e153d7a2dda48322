"""Caption files (SRT, WebVTT): read them, check their cues against the video, write clean SRT."""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import PurePath

import srt
import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError
from webvtt.models import Timestamp

from campaigns import wording
from campaigns.errors import InvalidInput
from campaigns.i18n import N_, msg

MAX_CAPTION_BYTES = 2 * 1024 * 1024  # a 30-minute portrait's captions take about 50 kB
MAX_LINE_CHARS = 42  # BBC subtitle guidelines; a comfortable line on a phone
MAX_LINES = 2
_MIN_TRIMMED_S = 0.2  # a cue cut shorter than this by a trim would only flash
_END_SLACK_S = 0.001  # timings are in milliseconds; ignore rounding at the very end

_USE_INSTEAD = N_("Use an SRT (.srt) or WebVTT (.vtt) captions file.")
_SRT_HELP = N_(
    "Each cue needs a number, a timing line such as “00:00:01,000 --> 00:00:04,000”, then its "
    "text, with an empty line between cues."
)
_SRT_TIMING = re.compile(r"\d+:\d+:\d+[,.]\d+\s*-[ -]\s*>")
_VTT_TIMING = re.compile(
    r"\s*((?:\d+:)?\d{1,2}:\d{1,2}\.\d{1,3})\s*-->\s*((?:\d+:)?\d{1,2}:\d{1,2}\.\d{1,3})"
)
_TIMING_LIKE = re.compile(r"\d+:\d\d")  # part of a timing, however mistyped
# Markup that is not shown: SRT/WebVTT tags such as <i> or <v Ana>, and ASS overrides ({\an8}).
_MARKUP = re.compile(r"<[^>\n]*>|\{\\[^}\n]*\}")


@dataclass(frozen=True, slots=True)
class Cue:
    """One caption: its number in the file (from 1), when it shows and hides, and its text."""

    index: int
    start_s: float
    end_s: float
    text: str


@dataclass(frozen=True, slots=True)
class CaptionCheck:
    """The cues of a captions file and, as sentences, what is wrong or could be better."""

    cues: tuple[Cue, ...]
    problems: tuple[str, ...]


def parse_captions(data: bytes, filename: str) -> tuple[Cue, ...]:
    """Read the cues of an SRT or WebVTT file, whatever its text encoding, or refuse it."""
    if not data:
        raise InvalidInput(N_("This captions file is empty."))
    if len(data) > MAX_CAPTION_BYTES:
        raise InvalidInput(
            msg(
                "This captions file is {size} MB, far more than captions "
                "for a video need; check that it is the right file.",
                size=wording.decimal(len(data) / 1_000_000, 1),
            )
        )
    text = _decode(data).replace("\r\n", "\n").replace("\r", "\n")
    cues = _parse_vtt(text) if _is_vtt(text, filename) else _parse_srt(text)
    if not cues:
        raise InvalidInput(N_("This captions file has no cues in it."))
    return cues


def check_cues(cues: Sequence[Cue], duration_s: float | None) -> CaptionCheck:
    """List what is wrong with the cues (timing, overlaps, text) against the video's length."""
    problems: list[str] = []
    for cue in cues:
        problems += _timing_problems(cue, duration_s)
        problems += _text_problems(cue)
    problems += _overlaps(cues)
    return CaptionCheck(cues=tuple(cues), problems=tuple(problems))


def to_srt(cues: Sequence[Cue]) -> str:
    """The cues as clean SRT: in time order, numbered from 1, without empty or timeless cues."""
    subtitles = [
        srt.Subtitle(
            index=cue.index,
            start=timedelta(milliseconds=round(cue.start_s * 1000)),
            end=timedelta(milliseconds=round(cue.end_s * 1000)),
            content=cue.text,
        )
        for cue in cues
    ]
    # compose() drops cues without text or length, and blank lines that would end a cue early.
    return str(srt.compose(subtitles, reindex=True, start_index=1, strict=True))


def shift_and_trim(cues: Sequence[Cue], start_s: float, end_s: float | None) -> tuple[Cue, ...]:
    """The cues shown between start_s and end_s, cut to that window and moved to start at 0."""
    if start_s < 0 or (end_s is not None and end_s <= start_s):
        raise InvalidInput(N_("The end of the cut must come after its start."))
    window_end = float("inf") if end_s is None else end_s
    kept: list[Cue] = []
    for cue in sorted(cues, key=lambda item: (item.start_s, item.end_s)):
        start, end = max(cue.start_s, start_s), min(cue.end_s, window_end)
        if end - start < _MIN_TRIMMED_S:
            continue
        kept.append(
            replace(
                cue,
                index=len(kept) + 1,
                start_s=round(start - start_s, 3),
                end_s=round(end - start_s, 3),
            )
        )
    return tuple(kept)


def _decode(data: bytes) -> str:
    """Text from UTF-8, UTF-16 or UTF-32 (with or without a byte-order mark) or Windows-1252."""
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return _decode_as(data[len(bom) :], encoding)
    if b"\x00" in data:
        try:
            return data.decode(_utf16_without_bom(data) or "")
        except (UnicodeDecodeError, LookupError):
            raise InvalidInput(
                msg(
                    "This file is not a captions file (it is not text). {advice}",
                    advice=_USE_INSTEAD,
                )
            ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:  # Windows' Western European encoding, in which French Windows tools still save
        return data.decode("cp1252")
    except UnicodeDecodeError:  # five bytes have no cp1252 character; Latin-1 reads them all
        return data.decode("latin-1")


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a byte-order mark shows a zero byte beside nearly every Latin letter."""
    sample = data[:4096]
    even, odd = sample[0::2], sample[1::2]
    if odd and odd.count(0) > len(odd) * 0.4 and even.count(0) < len(even) * 0.1:
        return "utf-16-le"
    if even and even.count(0) > len(even) * 0.4 and odd.count(0) < len(odd) * 0.1:
        return "utf-16-be"
    return None


def _decode_as(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise InvalidInput(
            N_(
                "This captions file is damaged (its text encoding is inconsistent); save it "
                "again as UTF-8 and upload that."
            )
        ) from None


def _is_vtt(text: str, filename: str) -> bool:
    """WebVTT or SRT: the content decides (files are often misnamed), then the extension."""
    suffix = PurePath(filename).suffix.lower()
    if text.startswith("WEBVTT"):
        return True
    if _SRT_TIMING.search(text) or suffix == ".srt":
        return False
    if suffix == ".vtt":
        raise InvalidInput(
            msg(
                "This captions file is not valid WebVTT: line 1 must be “WEBVTT”. {advice}",
                advice=_USE_INSTEAD,
            )
        )
    raise InvalidInput(
        msg("This file is not a captions file we can read. {advice}", advice=_USE_INSTEAD)
    )


def _parse_srt(text: str) -> tuple[Cue, ...]:
    try:
        subtitles = list(srt.parse(text.lstrip("\ufeff"), ignore_errors=False))
    except srt.SRTParseError as exc:
        offset = int(exc.expected_start) + _culprit(str(exc.unmatched_content))
        raise _syntax_error("SRT", text, offset, _SRT_HELP) from None
    except (ValueError, OverflowError) as exc:  # a timing srt matched but cannot convert
        raise InvalidInput(
            msg(
                "This captions file is not valid SRT: a timing cannot be read ({problem}). "
                "{advice}",
                problem=str(exc),
                advice=_SRT_HELP,
            )
        ) from None
    return tuple(
        Cue(
            index=number,
            start_s=round(subtitle.start.total_seconds(), 3),
            end_s=round(subtitle.end.total_seconds(), 3),
            text=_clean_text(str(subtitle.content)),
        )
        for number, subtitle in enumerate(subtitles, start=1)
    )


def _parse_vtt(text: str) -> tuple[Cue, ...]:
    _check_vtt_timings(text)
    try:
        captions = webvtt.WebVTT.from_string(text).captions
    except (MalformedFileError, MalformedCaptionError, ValueError) as exc:
        raise InvalidInput(
            msg(
                "This captions file is not valid WebVTT ({problem}). {advice}",
                problem=str(exc),
                advice=_USE_INSTEAD,
            )
        ) from None
    return tuple(
        Cue(
            index=number,
            start_s=caption.start_time.in_milliseconds() / 1000,
            end_s=caption.end_time.in_milliseconds() / 1000,
            text=_clean_text(caption.text),
        )
        for number, caption in enumerate(captions, start=1)
    )


def _check_vtt_timings(text: str) -> None:
    """Refuse a timing line webvtt-py would skip or reject, naming its line."""
    for number, line in enumerate(text.split("\n"), start=1):
        if "-->" not in line:
            continue
        match = _VTT_TIMING.match(line)
        try:
            if match is None:
                raise MalformedCaptionError(line)
            Timestamp.from_string(match[1])
            Timestamp.from_string(match[2])
        except MalformedCaptionError:
            raise InvalidInput(
                msg(
                    "This captions file is not valid WebVTT: line {number} "
                    "(“{line}”) is not a timing such as “00:01.000 --> 00:04.000”.",
                    number=number,
                    line=_snippet(line),
                )
            ) from None


def _culprit(unmatched: str) -> int:
    """Where to look in text srt could not read: a mistyped timing, else the first line."""
    timing = _TIMING_LIKE.search(unmatched)
    if timing is not None:
        return unmatched.rfind("\n", 0, timing.start()) + 1
    return len(unmatched) - len(unmatched.lstrip())


def _syntax_error(kind: str, text: str, offset: int, help_text: str) -> InvalidInput:
    line_number = text.count("\n", 0, offset) + 1
    line = text[offset:].split("\n", 1)[0]
    return InvalidInput(
        msg(
            "This captions file is not valid {kind}: we cannot read line {number} "
            "(“{line}”). {advice}",
            kind=kind,
            number=line_number,
            line=_snippet(line),
            advice=help_text,
        )
    )


def _snippet(line: str) -> str:
    line = line.strip()
    return line if len(line) <= 40 else line[:39] + "…"


def _clean_text(text: str) -> str:
    lines = [line.rstrip() for line in text.strip("\n").split("\n")]
    return "\n".join(lines).strip()


def _timing_problems(cue: Cue, duration_s: float | None) -> list[str]:
    if cue.end_s < cue.start_s:
        return [
            msg(
                "Cue {index} ends before it starts ({start} → {end}); swap or correct its times.",
                index=cue.index,
                start=_clock(cue.start_s),
                end=_clock(cue.end_s),
            )
        ]
    problems: list[str] = []
    if cue.end_s == cue.start_s:
        problems.append(
            msg(
                "Cue {index} at {start} ends as soon as it starts, so it would never be seen.",
                index=cue.index,
                start=_clock(cue.start_s),
            )
        )
    if duration_s is not None:
        if cue.start_s >= duration_s:
            problems.append(
                msg(
                    "Cue {index} starts at {start}, after the video ends "
                    "({video_end}); remove it or correct its time.",
                    index=cue.index,
                    start=_clock(cue.start_s),
                    video_end=_clock(duration_s),
                )
            )
        elif cue.end_s > duration_s + _END_SLACK_S:
            problems.append(
                msg(
                    "Cue {index} ends at {end}, after the video ends "
                    "({video_end}); it can be cut to end with the video.",
                    index=cue.index,
                    end=_clock(cue.end_s),
                    video_end=_clock(duration_s),
                )
            )
    return problems


def _text_problems(cue: Cue) -> list[str]:
    visible = (_MARKUP.sub("", line).strip() for line in cue.text.split("\n"))
    shown = [line for line in visible if line]
    where = msg("Cue {index} ({start})", index=cue.index, start=_clock(cue.start_s))
    if not shown:
        return [msg("{cue} has no text.", cue=where)]
    problems: list[str] = []
    longest = max(len(line) for line in shown)
    if longest > MAX_LINE_CHARS:
        problems.append(
            msg(
                "{cue} has a line of {longest} characters; lines of {limit} characters "
                "or fewer are easier to read on a phone.",
                cue=where,
                longest=longest,
                limit=MAX_LINE_CHARS,
            )
        )
    if len(shown) > MAX_LINES:
        problems.append(
            msg(
                "{cue} has {lines} lines; use at most {limit} lines per cue so that "
                "the picture stays visible.",
                cue=where,
                lines=len(shown),
                limit=MAX_LINES,
            )
        )
    return problems


def _overlaps(cues: Sequence[Cue]) -> list[str]:
    """Cues shown at the same time, in time order: each against the one still showing."""
    problems: list[str] = []
    showing: Cue | None = None
    for cue in sorted(cues, key=lambda item: (item.start_s, item.end_s)):
        if cue.end_s <= cue.start_s:
            continue  # reported as a timing problem already
        if showing is not None and cue.start_s < showing.end_s:
            problems.append(
                msg(
                    "Cues {first} and {second} overlap: cue {second} starts at "
                    "{start}, before cue {first} ends at {end}.",
                    first=showing.index,
                    second=cue.index,
                    start=_clock(cue.start_s),
                    end=_clock(showing.end_s),
                )
            )
        if showing is None or cue.end_s > showing.end_s:
            showing = cue
    return problems


def _clock(seconds: float) -> str:
    """mm:ss.mmm, with hours in front when there are any."""
    milliseconds = round(seconds * 1000)
    sign = "-" if milliseconds < 0 else ""
    hours, rest = divmod(abs(milliseconds), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    clock = f"{minutes:02d}:{secs:02d}.{millis:03d}"
    return f"{sign}{hours}:{clock}" if hours else f"{sign}{clock}"
