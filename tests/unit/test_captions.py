"""Caption files: parsing SRT and WebVTT in any encoding, checking cues, writing SRT, trimming."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaigns.errors import InvalidInput
from campaigns.media.captions import (
    MAX_CAPTION_BYTES,
    CaptionCheck,
    Cue,
    check_cues,
    parse_captions,
    shift_and_trim,
    to_srt,
)

SRT = """1
00:00:01,000 --> 00:00:03,500
Bonjour, je m'appelle Zoé.

2
00:00:03,600 --> 00:00:06,000
Je suis ingénieure
à Lyon.

3
00:00:06,000 --> 00:00:08,250
Et vous ?
"""

VTT = """WEBVTT

NOTE written by hand

00:01.000 --> 00:03.500
Bonjour, je m'appelle Zoé.

intro-2
00:00:03.600 --> 00:00:06.000 align:start line:90%
<v Zoé>Je suis ingénieure</v>
à Lyon.

00:06.000 --> 00:08.250
Et vous ?
"""

EXPECTED = (
    Cue(1, 1.0, 3.5, "Bonjour, je m'appelle Zoé."),
    Cue(2, 3.6, 6.0, "Je suis ingénieure\nà Lyon."),
    Cue(3, 6.0, 8.25, "Et vous ?"),
)


def cue(index: int, start: float, end: float, text: str = "Bonjour") -> Cue:
    return Cue(index=index, start_s=start, end_s=end, text=text)


def test_srt_and_vtt_with_the_same_cues_parse_the_same() -> None:
    assert parse_captions(SRT.encode(), "zoe.srt") == EXPECTED
    assert parse_captions(VTT.encode(), "zoe.vtt") == EXPECTED


def test_srt_with_crlf_a_bom_and_a_dot_before_milliseconds_parses() -> None:
    data = "\ufeff" + SRT.replace("00:00:01,000", "00:00:01.000").replace("\n", "\r\n")
    assert parse_captions(data.encode("utf-8"), "zoe.srt") == EXPECTED


@pytest.mark.parametrize(
    ("encoding", "filename"),
    [
        ("utf-16", "zoe.srt"),  # with a byte-order mark, as Windows Notepad saves "Unicode"
        ("utf-16-le", "zoe.srt"),  # without one
        ("utf-16-be", "zoe.vtt"),
        ("utf-8-sig", "zoe.vtt"),
        ("cp1252", "zoe.srt"),  # older French Windows tools
    ],
)
def test_accents_survive_every_common_encoding(encoding: str, filename: str) -> None:
    text = VTT if filename.endswith(".vtt") else SRT
    cues = parse_captions(text.encode(encoding), filename)
    assert cues[0].text == "Bonjour, je m'appelle Zoé."
    assert cues[1].text == "Je suis ingénieure\nà Lyon."


def test_the_content_decides_when_the_extension_is_wrong() -> None:
    assert parse_captions(VTT.encode(), "zoe.srt") == EXPECTED
    assert parse_captions(SRT.encode(), "zoe.vtt") == EXPECTED
    assert parse_captions(SRT.encode(), "zoe.txt") == EXPECTED


def test_overlapping_cues_are_named_with_their_times() -> None:
    cues = (cue(1, 1.0, 4.0), cue(2, 3.5, 6.0), cue(3, 6.0, 7.0))
    assert check_cues(cues, 10.0).problems == (
        "Cues 1 and 2 overlap: cue 2 starts at 00:03.500, before cue 1 ends at 00:04.000.",
    )


def test_a_cue_inside_a_long_one_overlaps_it_even_after_a_short_one() -> None:
    cues = (cue(1, 0.0, 10.0), cue(2, 1.0, 2.0), cue(3, 5.0, 6.0))
    problems = check_cues(cues, None).problems
    assert [problem.split(":")[0] for problem in problems] == [
        "Cues 1 and 2 overlap",
        "Cues 1 and 3 overlap",
    ]


def test_a_cue_starting_after_the_video_is_reported() -> None:
    problems = check_cues((cue(1, 1.0, 2.0), cue(2, 31.0, 33.0)), 30.0).problems
    assert problems == (
        "Cue 2 starts at 00:31.000, after the video ends (00:30.000); remove it or correct "
        "its time.",
    )


def test_a_cue_ending_after_the_video_is_reported_as_trimmable() -> None:
    problems = check_cues((cue(1, 28.0, 31.5),), 30.0).problems
    assert problems == (
        "Cue 1 ends at 00:31.500, after the video ends (00:30.000); it can be cut to end with "
        "the video.",
    )


def test_without_a_video_length_only_the_cues_themselves_are_checked() -> None:
    assert check_cues((cue(1, 3600.0, 3605.0),), None).problems == ()


def test_cue_ending_before_it_starts_and_zero_length_cue_are_reported() -> None:
    problems = check_cues((cue(1, 5.0, 4.0), cue(2, 6.0, 6.0)), None).problems
    assert problems == (
        "Cue 1 ends before it starts (00:05.000 → 00:04.000); swap or correct its times.",
        "Cue 2 at 00:06.000 ends as soon as it starts, so it would never be seen.",
    )


def test_an_empty_cue_is_reported_and_left_out_of_the_srt() -> None:
    data = b"1\n00:00:01,000 --> 00:00:02,000\n\n\n2\n00:00:03,000 --> 00:00:04,000\nHi\n"
    cues = parse_captions(data, "empty.srt")
    assert cues[0] == cue(1, 1.0, 2.0, "")
    assert check_cues(cues, 5.0).problems == ("Cue 1 (00:01.000) has no text.",)
    assert to_srt(cues) == "1\n00:00:03,000 --> 00:00:04,000\nHi\n\n"


def test_a_cue_of_markup_only_counts_as_empty() -> None:
    assert check_cues((cue(1, 0, 1, "<i> </i>"),), None).problems == (
        "Cue 1 (00:00.000) has no text.",
    )


def test_long_lines_and_too_many_lines_are_advice() -> None:
    long_line = "Je suis devenue ingénieure après un bac professionnel"  # 53 characters
    cues = (cue(1, 0.0, 2.0, long_line), cue(2, 2.0, 4.0, "un\ndeux\ntrois"))
    assert check_cues(cues, None).problems == (
        "Cue 1 (00:00.000) has a line of 53 characters; lines of 42 characters or fewer are "
        "easier to read on a phone.",
        "Cue 2 (00:02.000) has 3 lines; use at most 2 lines per cue so that the picture stays "
        "visible.",
    )


def test_markup_does_not_count_towards_line_length() -> None:
    text = "<i>" + "x" * 42 + "</i>{\\an8}"
    assert check_cues((cue(1, 0.0, 2.0, text),), None).problems == ()


def test_times_over_an_hour_show_the_hours() -> None:
    problems = check_cues((cue(7, 3725.5, 3726.0),), 60.0).problems
    assert problems[0].startswith("Cue 7 starts at 1:02:05.500, after the video ends (01:00.000)")


def test_a_clean_file_has_no_problems() -> None:
    check = check_cues(parse_captions(SRT.encode(), "zoe.srt"), 9.0)
    assert check == CaptionCheck(cues=EXPECTED, problems=())


def test_to_srt_round_trips_and_renumbers_in_time_order() -> None:
    shuffled = (EXPECTED[2], EXPECTED[0], EXPECTED[1])
    written = to_srt(shuffled)
    assert written.startswith("1\n00:00:01,000 --> 00:00:03,500\nBonjour")
    assert parse_captions(written.encode(), "out.srt") == EXPECTED


def test_to_srt_converts_vtt_cues_to_srt_timings() -> None:
    written = to_srt(parse_captions(VTT.encode(), "zoe.vtt"))
    assert "00:00:03,600 --> 00:00:06,000\nJe suis ingénieure\nà Lyon.\n" in written


def test_to_srt_keeps_a_cue_with_a_blank_line_in_one_piece() -> None:
    written = to_srt((cue(1, 0.0, 1.0, "un\n\ndeux"),))
    assert parse_captions(written.encode(), "x.srt") == (cue(1, 0.0, 1.0, "un\ndeux"),)


def test_shift_and_trim_keeps_the_window_and_moves_it_to_zero() -> None:
    cues = (cue(1, 0.0, 2.0), cue(2, 4.0, 7.0), cue(3, 8.0, 9.0), cue(4, 9.5, 12.0))
    assert shift_and_trim(cues, 5.0, 10.0) == (
        cue(1, 0.0, 2.0),  # cue 2, its first second cut off
        cue(2, 3.0, 4.0),
        cue(3, 4.5, 5.0),  # cue 4, cut at the end of the window
    )


def test_shift_and_trim_without_an_end_keeps_everything_after_the_start() -> None:
    cues = (cue(1, 0.0, 2.0), cue(2, 4.0, 7.0))
    assert shift_and_trim(cues, 1.0, None) == (cue(1, 0.0, 1.0), cue(2, 3.0, 6.0))


def test_shift_and_trim_drops_slivers_a_cut_would_leave() -> None:
    assert shift_and_trim((cue(1, 0.0, 5.1),), 5.0, 8.0) == ()


def test_shift_and_trim_refuses_a_window_that_ends_before_it_starts() -> None:
    with pytest.raises(InvalidInput, match="The end of the cut must come after its start"):
        shift_and_trim((cue(1, 0.0, 1.0),), 5.0, 5.0)


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "a.srt", "This captions file is empty."),
        (
            b"Dear team, here are the captions.",
            "a.srt",
            "This captions file is not valid SRT: we cannot read line 1 (“Dear team, here are "
            "the captions.”).",
        ),
        (
            b"\x00\x01\x02\xff\xfe\x03",
            "a.srt",
            "This file is not a captions file (it is not text).",
        ),
        (
            b"some notes",
            "a.vtt",
            "This captions file is not valid WebVTT: line 1 must be “WEBVTT”.",
        ),
        (b"some notes", "notes.txt", "This file is not a captions file we can read."),
        (b"WEBVTT\n\nNOTE nothing yet\n", "a.vtt", "This captions file has no cues in it."),
        (
            b"WEBVTT\n\n00:01.000 --> 00:03.000\nHi\n\n00:04.000 --> 00:75.000\nThere\n",
            "a.vtt",
            "This captions file is not valid WebVTT: line 6 (“00:04.000 --> 00:75.000”) is not a "
            "timing such as “00:01.000 --> 00:04.000”.",
        ),
    ],
)
def test_unreadable_files_are_refused_with_a_sentence(
    data: bytes, filename: str, message: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_captions(data, filename)
    assert str(refused.value).startswith(message)


def test_a_broken_srt_names_the_line_that_breaks_it() -> None:
    lines = SRT.split("\n")
    lines[5] = "00:00:03,600 -> 00:00:06,000"  # line 6: an arrow with one dash
    with pytest.raises(InvalidInput) as refused:
        parse_captions("\n".join(lines).encode(), "zoe.srt")
    assert str(refused.value).startswith(
        "This captions file is not valid SRT: we cannot read line 6 (“00:00:03,600 -> "
        "00:00:06,000”)."
    )


def test_a_file_far_too_big_for_captions_is_refused() -> None:
    with pytest.raises(InvalidInput, match="far more than captions for a video need"):
        parse_captions(b"x" * (MAX_CAPTION_BYTES + 1), "huge.srt")


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=400), filename=st.sampled_from(["a.srt", "a.vtt", "a.txt"]))
def test_any_bytes_give_cues_or_a_refusal(data: bytes, filename: str) -> None:
    try:
        cues = parse_captions(data, filename)
    except InvalidInput as refused:
        cues, message = (), str(refused)
    else:
        message = ""
    if cues:
        check_cues(cues, 30.0)
        to_srt(cues)
    else:
        assert message.endswith(".")


caption_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=30
).filter(lambda text: text.strip() and "-->" not in text)


@settings(max_examples=150, deadline=None)
@given(
    spans=st.lists(
        st.tuples(st.integers(0, 3_600_000), st.integers(1, 60_000), caption_text),
        min_size=1,
        max_size=8,
    )
)
def test_srt_written_from_any_cues_reads_back_the_same(spans: list[tuple[int, int, str]]) -> None:
    cues = tuple(
        cue(number, start / 1000, (start + length) / 1000, text.strip())
        for number, (start, length, text) in enumerate(sorted(spans), start=1)
    )
    assert parse_captions(to_srt(cues).encode(), "round.srt") == cues
