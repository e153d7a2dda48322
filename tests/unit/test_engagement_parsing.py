"""Reading analytics exports: each network's format and quirks, and hostile or broken files."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns.engagement.parsing import (
    ColumnMapping,
    ParsedExport,
    ParsedRow,
    detect_platform,
    parse_export,
    read_columns,
)
from campaigns.errors import InvalidInput
from tests import fixtures_exports as fx

TODAY = date(2025, 7, 15)
NOT_AN_EXPORT = "does not look like an analytics export from LinkedIn, Meta, YouTube or TikTok"


def parse(name: str, data: bytes, platform: str = "auto", **options: object) -> ParsedExport:
    today = options.pop("today", TODAY)
    return parse_export(name, data, platform, today=today, **options)  # type: ignore[arg-type]


def rows_of(export: ParsedExport, sheet: str) -> list[ParsedRow]:
    return [row for row in export.rows if row.sheet == sheet]


def reasons(export: ParsedExport) -> list[str]:
    return [row.reason for row in export.rejected]


# --- LinkedIn -------------------------------------------------------------------------------


def test_linkedin_posts_are_found_under_the_note_row_with_their_urn_ids() -> None:
    posts = fx.posts(2)
    export = parse("content.xlsx", fx.linkedin_xlsx(posts, fx.days(2)))
    found = rows_of(export, "All posts")
    assert export.platform == "linkedin"
    assert export.kind == "lifetime"
    assert [row.source_row for row in found] == [3, 4]
    assert [row.network_post_id for row in found] == [p.post_id for p in posts]
    assert found[0].title == posts[0].title
    assert found[0].scope == "post"
    assert found[0].day is None
    assert found[0].published_at == datetime(2025, 6, 2, tzinfo=UTC)
    assert found[0].metrics == {
        "impressions": 1000,
        "video_views": 500,
        "link_clicks": 12,
        "likes": 40,
        "comments": 5,
        "shares": 3,
        "follows": 1,
        "engagement_rate": 0.06,
    }


def test_linkedin_daily_metrics_take_the_total_of_organic_and_sponsored() -> None:
    export = parse("content.xlsx", fx.linkedin_xlsx(days=fx.days(3), sponsored=5))
    daily = rows_of(export, "Metrics")
    assert [row.day for row in daily] == [date(2025, 6, 1), date(2025, 6, 2), date(2025, 6, 3)]
    assert {row.scope for row in daily} == {"account"}
    assert daily[0].metrics["impressions"] == 305
    assert daily[0].metrics["likes"] == 15
    assert export.kind == "daily"
    assert (export.period_start, export.period_end) == (date(2025, 6, 1), date(2025, 6, 3))


def test_linkedin_old_column_names_give_the_same_posts() -> None:
    posts = fx.posts(2)
    new = parse("a.xlsx", fx.linkedin_xlsx(posts, fx.days(2)))
    old = parse("a.xlsx", fx.linkedin_xlsx(posts, fx.days(2), old_names=True))
    strip = {"video_views"}  # the old export had no views column
    assert [
        (r.network_post_id, r.title, r.published_at, r.day, r.metrics.keys() - strip)
        for r in new.rows
    ] == [(r.network_post_id, r.title, r.published_at, r.day, r.metrics.keys()) for r in old.rows]
    assert [r.metrics["likes"] for r in old.rows] == [r.metrics["likes"] for r in new.rows]


# --- Meta -----------------------------------------------------------------------------------


def test_instagram_content_export_is_read_with_views_as_impressions() -> None:
    posts = fx.posts(3)
    export = parse("export.csv", fx.meta_csv(posts))
    assert export.platform == "instagram"
    assert export.kind == "lifetime"
    first = export.rows[0]
    assert (first.source_row, first.sheet) == (2, "")
    assert first.network_post_id == posts[0].post_id
    assert first.post_url == fx.meta_url(posts[0], "instagram")
    assert first.published_at == datetime(2025, 6, 2, 9, 30, tzinfo=UTC)
    assert first.metrics == {
        "impressions": 1000,
        "reach": 800,
        "likes": 40,
        "shares": 3,
        "follows": 1,
        "comments": 5,
        "saves": 2,
    }


def test_meta_exports_before_2025_say_impressions_and_give_the_same_figure() -> None:
    posts = fx.posts(1)
    views = parse("a.csv", fx.meta_csv(posts, views_header="Views"))
    impressions = parse("a.csv", fx.meta_csv(posts, views_header="Impressions"))
    assert views.rows[0].metrics["impressions"] == impressions.rows[0].metrics["impressions"]


def test_french_facebook_export_reads_headers_decimal_commas_and_thin_spaces() -> None:
    posts = [fx.Post("555001", "Été à l'atelier", datetime(2025, 6, 3, 18, 45), reach=12345)]
    export = parse(
        "publications.csv",
        fx.meta_csv(posts, network="facebook", language="fr", thousands="\u202f"),
    )
    row = export.rows[0]
    assert export.platform == "facebook"
    assert row.title == "Été à l'atelier"
    assert row.published_at == datetime(2025, 6, 3, 18, 45, tzinfo=UTC)  # 03/06 is day first
    assert row.metrics["reach"] == 12345
    assert row.metrics["average_view_duration_seconds"] == 7.5
    assert row.metrics["watch_time_seconds"] == 3750
    assert row.metrics["link_clicks"] == 12


def test_french_instagram_export_is_told_from_facebook_by_its_username_column() -> None:
    export = parse("x.csv", fx.meta_csv(fx.posts(1), network="instagram", language="fr"))
    assert export.platform == "instagram"
    assert export.rows[0].metrics["likes"] == 40


def test_meta_time_series_gives_daily_account_figures_named_by_its_title() -> None:
    values = [(date(2025, 6, 1), 120), (date(2025, 6, 2), 95)]
    export = parse("reach.csv", fx.meta_timeseries_csv("Facebook Page reach", values))
    assert export.platform == "facebook"
    assert export.kind == "daily"
    assert [(r.scope, r.day, r.metrics) for r in export.rows] == [
        ("account", date(2025, 6, 1), {"reach": 120}),
        ("account", date(2025, 6, 2), {"reach": 95}),
    ]
    # Excel hides the sep= line: the title is row 1, the header row 2.
    assert export.rows[0].source_row == 3


def test_meta_time_series_without_sep_line_is_read_too() -> None:
    data = fx.meta_timeseries_csv("Instagram follows", [(date(2025, 6, 1), 4)], sep_line=False)
    export = parse("f.csv", data)
    assert export.rows[0].metrics == {"follows": 4}
    assert export.rows[0].source_row == 3


def test_unfollows_are_not_taken_for_follows() -> None:
    data = fx.meta_timeseries_csv("Instagram unfollows", [(date(2025, 6, 1), 4)])
    with pytest.raises(InvalidInput, match="does not track"):
        parse("u.csv", data)


def test_a_time_series_that_names_no_network_needs_the_network_chosen() -> None:
    data = fx.meta_timeseries_csv("Reach", [(date(2025, 6, 1), 4)])
    with pytest.raises(InvalidInput, match="Facebook or Instagram"):
        parse("r.csv", data)
    assert parse("r.csv", data, "instagram").platform == "instagram"


# --- YouTube --------------------------------------------------------------------------------


def test_youtube_table_data_drops_the_total_row_and_says_so() -> None:
    videos = fx.posts(2)
    export = parse("youtube.zip", fx.youtube_zip(videos))
    table = rows_of(export, "Table data.csv")
    assert [row.network_post_id for row in table] == [v.post_id for v in videos]
    assert [row.source_row for row in table] == [3, 4]
    assert "The first row of Table data.csv is the total of all videos and was left out." in (
        export.notes
    )
    assert export.rejected == ()


def test_youtube_units_become_seconds_and_fractions() -> None:
    video = fx.posts(1)[0]
    row = parse("yt.zip", fx.youtube_zip([video])).rows[0]
    assert row.published_at == datetime(2025, 6, 2, tzinfo=UTC)
    assert row.metrics["watch_time_seconds"] == pytest.approx(video.views * 45)
    assert row.metrics["average_view_duration_seconds"] == 45
    assert row.metrics["completion_rate"] == pytest.approx(0.4737)
    assert row.metrics["video_views"] == video.views
    assert row.metrics["comments"] == video.comments
    assert "follows" not in row.metrics  # “Subscribers” is a net figure, often negative


def test_youtube_chart_data_gives_one_daily_row_per_video_and_totals_per_channel() -> None:
    videos, days = fx.posts(2), fx.days(3)
    export = parse("yt.zip", fx.youtube_zip(videos, days))
    chart = rows_of(export, "Chart data.csv")
    totals = rows_of(export, "Totals.csv")
    assert len(chart) == 6
    assert {(row.network_post_id, row.day) for row in chart} == {
        (v.post_id, d.day) for v in videos for d in days
    }
    assert {row.scope for row in chart} == {"post"}
    assert next((row.scope, row.day, row.metrics) for row in totals) == (
        "account",
        date(2025, 6, 1),
        {"video_views": 200},
    )
    assert export.kind == "lifetime"


def test_youtube_table_without_a_total_row_keeps_its_first_video() -> None:
    export = parse("yt.zip", fx.youtube_zip(fx.posts(2), total_row=False))
    assert len(export.rows) == 2
    assert export.notes == ()


# --- TikTok ---------------------------------------------------------------------------------


def test_tiktok_post_times_without_a_year_take_it_from_the_file_name() -> None:
    posts = fx.posts(2)
    export = parse("Content_20250601-20250630.csv", fx.tiktok_csv(posts))
    assert export.platform == "tiktok"
    assert [row.published_at for row in export.rows] == [
        datetime(2025, 6, 2, tzinfo=UTC),
        datetime(2025, 6, 3, tzinfo=UTC),
    ]
    assert [row.network_post_id for row in export.rows] == [p.post_id for p in posts]
    assert (export.period_start, export.period_end) == (date(2025, 6, 1), date(2025, 6, 30))
    assert any("no year" in note for note in export.notes)


def test_tiktok_year_inference_crosses_new_year_within_the_named_period() -> None:
    posts = [
        fx.Post("7400000000000000001", "Open day", datetime(2024, 12, 20, 18, 0)),
        fx.Post("7400000000000000002", "Back to school", datetime(2025, 1, 3, 18, 0)),
    ]
    export = parse("Content_20241215-20250114.xlsx", fx.tiktok_xlsx(posts), today=date(2025, 7, 1))
    assert [row.published_at for row in export.rows] == [
        datetime(2024, 12, 20, tzinfo=UTC),
        datetime(2025, 1, 3, tzinfo=UTC),
    ]


def test_tiktok_year_inference_uses_the_past_year_when_the_name_has_no_period() -> None:
    days = [fx.Day(date(2024, 12, 30)), fx.Day(date(2024, 12, 31)), fx.Day(date(2025, 1, 2))]
    export = parse("Overview.csv", fx.tiktok_csv(days=days), today=date(2025, 1, 20))
    assert [row.day for row in export.rows] == [d.day for d in days]
    assert export.kind == "daily"
    assert {row.scope for row in export.rows} == {"account"}
    assert (export.period_start, export.period_end) == (date(2024, 12, 30), date(2025, 1, 2))


def test_tiktok_dates_with_a_year_set_the_period_themselves() -> None:
    export = parse("Content.csv", fx.tiktok_csv(fx.posts(2), with_year=True))
    assert (export.period_start, export.period_end) == (date(2025, 6, 2), date(2025, 6, 3))
    assert not any("no year" in note for note in export.notes)


# --- The team's own tables ------------------------------------------------------------------


OWN_HEADER = ["Lien", "Titre", "Publié le", "J'aime", "Taux"]
OWN_ROWS = [
    ["https://example.org/p/1", "Portes ouvertes", "25/03/2025", "1 204", "4,5 %"],
    ["https://example.org/p/2", "Stage en entreprise", "03/04/2025", "87", "2,1 %"],
]
OWN_MAPPING = ColumnMapping(
    {
        "post_url": "Lien",
        "title": "Titre",
        "published_at": "Publié le",
        "likes": "J'aime",
        "engagement_rate": "Taux",
    },
    platform="instagram",
)


def test_own_table_is_read_through_its_column_mapping() -> None:
    data = fx.generic_csv(OWN_HEADER, OWN_ROWS, delimiter=";")
    export = parse("suivi.csv", data, "csv", mapping=OWN_MAPPING)
    assert export.platform == "instagram"
    assert [row.platform for row in export.rows] == ["instagram", "instagram"]
    assert [row.published_at for row in export.rows] == [
        datetime(2025, 3, 25, tzinfo=UTC),
        datetime(2025, 4, 3, tzinfo=UTC),  # day first, told by 25/03
    ]
    assert export.rows[0].metrics == {"likes": 1204, "engagement_rate": 0.045}


def test_own_table_without_a_mapping_asks_for_one() -> None:
    with pytest.raises(InvalidInput, match="column mapping"):
        parse("suivi.csv", fx.generic_csv(OWN_HEADER, OWN_ROWS), "csv")


def test_a_mapped_column_missing_from_the_file_is_named() -> None:
    mapping = ColumnMapping({"title": "Titre", "likes": "Likes"})
    with pytest.raises(InvalidInput, match="“Likes” chosen for likes is not in the file"):
        parse("suivi.csv", fx.generic_csv(OWN_HEADER, OWN_ROWS), "csv", mapping=mapping)


def test_own_table_with_ambiguous_dates_says_how_they_were_read() -> None:
    data = fx.generic_csv(OWN_HEADER, [OWN_ROWS[1]])
    export = parse("suivi.csv", data, "csv", mapping=OWN_MAPPING)
    assert export.rows[0].published_at == datetime(2025, 4, 3, tzinfo=UTC)
    assert any("read them as day/month/year" in note for note in export.notes)


def test_read_columns_gives_the_header_even_below_a_note_row() -> None:
    assert read_columns("suivi.csv", fx.generic_csv(OWN_HEADER, OWN_ROWS)) == OWN_HEADER
    assert read_columns("content.xlsx", fx.linkedin_xlsx(fx.posts(1)))[:2] == [
        "Date",
        "Impressions (organic)",
    ]


# --- Encodings and detection ----------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "cp1252"])
def test_exports_saved_in_other_encodings_read_the_same(encoding: str) -> None:
    posts = [fx.Post("555001", "Été à l'atelier – portes ouvertes", datetime(2025, 6, 3, 18, 45))]
    original = fx.meta_csv(posts, network="facebook", language="fr")
    export = parse("x.csv", fx.reencoded(original, encoding))
    assert export.rows == parse("x.csv", original).rows
    assert export.rows[0].title == posts[0].title


@pytest.mark.parametrize(
    ("name", "data", "platform"),
    [
        ("youtube.xlsx", fx.tiktok_csv(fx.posts(1)), "tiktok"),
        ("linkedin.csv", fx.youtube_zip(fx.posts(1)), "youtube"),
        ("tiktok.zip", fx.linkedin_xlsx(fx.posts(1)), "linkedin"),
        ("report", fx.meta_csv(fx.posts(1), network="facebook"), "facebook"),
    ],
)
def test_the_network_is_told_from_the_content_not_the_file_name(
    name: str, data: bytes, platform: str
) -> None:
    assert detect_platform(name, data) == platform
    assert parse(name, data).platform == platform


def test_asking_for_the_wrong_network_says_which_one_it_looks_like() -> None:
    with pytest.raises(InvalidInput) as error:
        parse("x.zip", fx.youtube_zip(fx.posts(1)), "linkedin")
    assert str(error.value) == "This looks like a YouTube export, not a LinkedIn one."


def test_asking_for_facebook_with_an_instagram_export_is_refused() -> None:
    with pytest.raises(InvalidInput, match="an Instagram export, not a Facebook one"):
        parse("x.csv", fx.meta_csv(fx.posts(1)), "facebook")


def test_an_unknown_table_is_not_taken_for_an_export() -> None:
    data = fx.generic_csv(OWN_HEADER, OWN_ROWS)
    with pytest.raises(InvalidInput, match=NOT_AN_EXPORT):
        detect_platform("suivi.csv", data)
    with pytest.raises(InvalidInput, match="Other \\(CSV/XLSX\\)"):
        parse("suivi.csv", data)


# --- Whole-file problems --------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   \r\n", b"\xef\xbb\xbf", b"\xff\xfe", b",,,\n,,\n"])
def test_an_empty_file_is_refused(data: bytes) -> None:
    with pytest.raises(InvalidInput, match="The file is empty"):
        parse("x.csv", data)


def test_an_empty_workbook_is_refused() -> None:
    with pytest.raises(InvalidInput, match="The file is empty"):
        parse("x.xlsx", fx.xlsx({"Sheet1": []}))


@pytest.mark.parametrize(
    "data",
    [
        fx.meta_csv([]),
        fx.tiktok_csv(days=[]),
        fx.linkedin_xlsx(),
        fx.youtube_zip([]),
    ],
    ids=["meta", "tiktok", "linkedin", "youtube-total-only"],
)
def test_a_header_without_rows_is_refused(data: bytes) -> None:
    with pytest.raises(InvalidInput, match="no rows of figures"):
        parse("x", data)


def test_a_damaged_workbook_is_refused_with_a_sentence() -> None:
    data = fx.linkedin_xlsx(fx.posts(1))
    with pytest.raises(InvalidInput, match=r"damaged|cannot be read"):
        parse("content.xlsx", data[: len(data) // 2])


def test_an_old_excel_file_that_is_not_one_is_refused() -> None:
    with pytest.raises(InvalidInput, match="Excel file cannot be read"):
        parse("content.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)


def test_a_zip_with_a_path_outside_its_folder_is_refused() -> None:
    with pytest.raises(InvalidInput, match="unsafe path"):
        parse("yt.zip", fx.zip_with_traversal())


def test_a_zip_with_an_absolute_path_is_refused() -> None:
    data = fx.zipped({"/etc/passwd": b"x", "Table data.csv": fx.youtube_table_csv(fx.posts(1))})
    with pytest.raises(InvalidInput, match="unsafe path"):
        parse("yt.zip", data)


def test_a_zip_bomb_is_refused_before_it_is_unpacked() -> None:
    with pytest.raises(InvalidInput, match="zip bomb"):
        parse("yt.zip", fx.zip_bomb())


def test_a_zip_larger_than_200_mb_unpacked_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("Table data.csv", b"x")
    data = bytearray(buffer.getvalue())
    # Claim 300 MB in the central directory, as a crafted archive would.
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = (300 * 1024 * 1024).to_bytes(4, "little")
    with pytest.raises(InvalidInput, match="more than 200 MB"):
        parse("yt.zip", bytes(data))


def test_a_zip_with_too_many_files_is_refused() -> None:
    members = {f"part {index}.csv": b"a,b\n1,2\n" for index in range(21)}
    with pytest.raises(InvalidInput, match="more than 20 files"):
        parse("many.zip", fx.zipped(members))


def test_other_files_in_a_youtube_zip_are_reported_not_dropped_silently() -> None:
    members = {
        "Table data.csv": fx.youtube_table_csv(fx.posts(1)),
        "readme.pdf": b"%PDF-1.4",
        "Notes.csv": b"Remark\nThis is our own note\n",
    }
    export = parse("yt.zip", fx.zipped(members))
    assert len(export.rows) == 1
    assert any("readme.pdf" in note for note in export.notes)
    assert any("Notes.csv" in note for note in export.notes)


# --- Row-level problems ---------------------------------------------------------------------


def test_a_negative_figure_rejects_its_row_with_the_column_and_value() -> None:
    data = fx.generic_csv(
        fx.TIKTOK_CONTENT_HEADER,
        [
            ["Ok", "https://www.tiktok.com/@s/video/1", "June 3", 4, 1, 0, 90, 0],
            ["Bad", "https://www.tiktok.com/@s/video/2", "June 4", -3, 1, 0, 90, 0],
        ],
    )
    export = parse("Content_20250601-20250630.csv", data)
    assert [row.network_post_id for row in export.rows] == ["1"]
    assert reasons(export) == ["Row 3: “Total likes” is negative (-3)."]
    assert export.rejected[0].source_row == 3


def test_an_unreadable_number_and_date_are_both_in_the_reason() -> None:
    data = fx.generic_csv(
        fx.TIKTOK_CONTENT_HEADER,
        [["Bad", "https://www.tiktok.com/@s/video/2", "Junk 44", "lots", 1, 0, 90, 0]],
    )
    export = parse("Content.csv", data)
    assert export.rows == ()
    assert reasons(export) == [
        "Row 2: “Post time” is not a date we can read (“Junk 44”); "
        "“Total likes” is not a number (“lots”)."
    ]


def test_a_date_after_today_rejects_its_row() -> None:
    export = parse("x.csv", fx.meta_csv(fx.posts(2)), today=date(2025, 6, 2))
    assert len(export.rows) == 1
    assert reasons(export) == ["Row 3: “Publish time” is in the future (2025-06-03)."]


def test_an_exact_duplicate_row_is_left_out_and_reported() -> None:
    posts = fx.posts(2)
    data = fx.meta_csv([posts[0], posts[1], posts[0]])
    export = parse("x.csv", data)
    assert len(export.rows) == 2
    assert reasons(export) == ["Row 4: it repeats row 2 exactly, so it was left out."]


def test_a_post_row_with_no_link_id_or_title_is_rejected() -> None:
    data = fx.generic_csv(fx.TIKTOK_CONTENT_HEADER, [["", "", "June 3", 4, 1, 0, 90, 0]])
    export = parse("Content_20250601-20250630.csv", data)
    assert export.rows == ()
    assert "cannot be matched to a post" in reasons(export)[0]


def test_a_daily_row_without_a_date_is_rejected() -> None:
    data = fx.generic_csv(
        ["Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares"],
        [["June 1", 5, 1, 1, 0, 0], ["", 6, 1, 1, 0, 0]],
    )
    export = parse("Overview_20250601-20250630.csv", data)
    assert len(export.rows) == 1
    assert reasons(export) == ["Row 3: “Date” is empty, so the figures have no day."]


# --- Never a traceback ----------------------------------------------------------------------

VALID_EXPORTS = [
    fx.linkedin_xlsx(fx.posts(1), fx.days(1)),
    fx.youtube_zip(fx.posts(1), fx.days(1)),
    fx.meta_csv(fx.posts(1)),
    fx.tiktok_xlsx(fx.posts(1)),
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(VALID_EXPORTS),
    st.integers(min_value=0, max_value=4000),
    st.binary(max_size=8),
)
def test_damaged_exports_give_rows_or_a_sentence_never_a_traceback(
    data: bytes, cut: int, junk: bytes
) -> None:
    damaged = data[: min(cut, len(data))] + junk + data[min(cut, len(data)) + len(junk) :]
    try:
        outcome = str(len(parse("export", damaged).rows)) + " rows."
    except InvalidInput as error:
        outcome = str(error)
    assert outcome.endswith(".")


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_rows_or_a_sentence_never_a_traceback(data: bytes) -> None:
    try:
        outcome = str(len(parse("export.csv", data).rows)) + " rows."
    except InvalidInput as error:
        outcome = str(error)
    assert outcome.endswith(".")
