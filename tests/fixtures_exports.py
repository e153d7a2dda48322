"""Builders of analytics exports as the networks write them, as bytes, small and deterministic."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook

BOM = codecs.BOM_UTF8


@dataclass(frozen=True)
class Post:
    """One post and its lifetime figures; the builders write it in each network's way."""

    post_id: str
    title: str
    published: datetime
    url: str = ""
    impressions: int = 1000
    reach: int = 800
    views: int = 500
    likes: int = 40
    comments: int = 5
    shares: int = 3
    saves: int = 2
    clicks: int = 12
    follows: int = 1


@dataclass(frozen=True)
class Day:
    """The account's (or one video's) figures for one day."""

    day: date
    impressions: int = 300
    views: int = 200
    likes: int = 10
    comments: int = 2
    shares: int = 1
    clicks: int = 4


def posts(count: int = 3, *, start: datetime = datetime(2025, 6, 2, 9, 30)) -> list[Post]:
    """A few posts, a day apart, with distinct ids, titles and figures."""
    return [
        Post(
            post_id=f"72100000000000000{index:02}",
            title=f"Portrait {index + 1}: from apprentice to engineer",
            published=start.replace(day=start.day + index),
            impressions=1000 + 100 * index,
            reach=800 + 10 * index,
            views=500 + index,
            likes=40 + index,
            comments=5 + index,
            shares=3 + index,
            saves=2 + index,
            clicks=12 + index,
            follows=1 + index,
        )
        for index in range(count)
    ]


def days(count: int = 3, *, start: date = date(2025, 6, 1)) -> list[Day]:
    """A few consecutive days of figures."""
    return [
        Day(start.replace(day=start.day + index), impressions=300 + index, likes=10 + index)
        for index in range(count)
    ]


def csv_text(rows: Sequence[Sequence[object]], *, delimiter: str = ",") -> str:
    """Rows as CSV text, quoted the way Meta and YouTube quote."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def xlsx(sheets: dict[str, Sequence[Sequence[object]]]) -> bytes:
    """A workbook with one sheet per entry, rows written from A1."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zipped(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip archive of the given members."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def reencoded(data: bytes, encoding: str) -> bytes:
    """The same CSV in another encoding (“utf-16” writes a BOM, “utf-16-le” does not)."""
    return data.removeprefix(BOM).decode("utf-8").encode(encoding)


# --- LinkedIn -------------------------------------------------------------------------------

LINKEDIN_NOTE = "Aggregated metrics for the Page's updates. All dates are in UTC."


def linkedin_url(post: Post) -> str:
    """The link LinkedIn writes for a post: its id is the number in the urn."""
    return post.url or f"https://www.linkedin.com/feed/update/urn:li:activity:{post.post_id}"


def linkedin_xlsx(
    posts: Sequence[Post] = (),
    days: Sequence[Day] = (),
    *,
    old_names: bool = False,
    sponsored: int = 0,
) -> bytes:
    """LinkedIn Page → Content export: a note on row 1, the header on row 2, two sheets.

    Each daily figure is written organic, `sponsored`, then total (organic + sponsored).
    """
    likes, shares = ("Reactions", "Shares") if old_names else ("Likes", "Reposts")
    metric_names = ("Impressions", "Clicks", likes, "Comments", shares, "Engagement rate")
    metrics_header = ["Date"]
    for name in metric_names:
        metrics_header += [f"{name} (organic)", f"{name} (sponsored)", f"{name} (total)"]
    metrics: list[list[object]] = [[LINKEDIN_NOTE], metrics_header]
    for day in days:
        figures = (day.impressions, day.clicks, day.likes, day.comments, day.shares)
        rate = round(sum(figures[1:]) / day.impressions, 4)
        row: list[object] = [day.day.strftime("%m/%d/%Y")]
        for figure in figures:
            row += [figure, sponsored, figure + sponsored]
        metrics.append([*row, rate, 0, rate])
    if old_names:
        header = [
            "Update title", "Update link", "Update type", "Campaign name", "Posted by",
            "Date", "Audience", "Impressions", "Clicks", "Click through rate (CTR)",
            "Reactions", "Comments", "Shares", "Follows", "Engagement rate",
        ]  # fmt: skip
    else:
        header = [
            "Post title", "Post link", "Post type", "Campaign name", "Posted by",
            "Created date", "Audience", "Impressions", "Views (excluding off-site video views)",
            "Off-site views", "Clicks", "Click-through rate (CTR)", "Likes", "Comments",
            "Reposts", "Follows", "Engagement rate", "Content Type",
        ]  # fmt: skip
    all_posts: list[list[object]] = [[LINKEDIN_NOTE], header]
    for post in posts:
        engaged = post.clicks + post.likes + post.comments + post.shares
        rate = round(engaged / post.impressions, 4)
        created = post.published.strftime("%m/%d/%Y")
        ctr = round(post.clicks / post.impressions, 4)
        if old_names:
            all_posts.append(
                [post.title, linkedin_url(post), "Organic", "", "Comms Team", created, "All",
                 post.impressions, post.clicks, ctr, post.likes, post.comments, post.shares,
                 post.follows, rate]
            )  # fmt: skip
        else:
            all_posts.append(
                [post.title, linkedin_url(post), "Organic", "", "Comms Team", created, "All",
                 post.impressions, post.views, 0, post.clicks, ctr, post.likes, post.comments,
                 post.shares, post.follows, rate, "Video"]
            )  # fmt: skip
    return xlsx({"Metrics": metrics, "All posts": all_posts})


# --- Meta Business Suite --------------------------------------------------------------------

_META_HEADERS = {
    # (network, language): the header, in the export's order
    ("instagram", "en"): [
        "Post ID", "Account ID", "Account username", "Account name", "Description",
        "Duration (sec)", "Publish time", "Permalink", "Post type", "Data comment", "Date",
        "{views}", "Reach", "Likes", "Shares", "Follows", "Comments", "Saves",
    ],
    ("instagram", "fr"): [
        "Identifiant de la publication", "Identifiant du compte", "Nom d'utilisateur du compte",
        "Nom du compte", "Description", "Durée (s)", "Heure de publication", "Lien permanent",
        "Type de publication", "Commentaire sur les données", "Date", "{views}", "Couverture",
        "Mentions J'aime", "Partages", "Abonnements", "Commentaires", "Enregistrements",
    ],
    ("facebook", "en"): [
        "Post ID", "Page ID", "Page name", "Title", "Description", "Duration (sec)",
        "Publish time", "Permalink", "Post type", "Data comment", "Date", "{views}", "Reach",
        "Reactions", "Comments", "Shares", "Total clicks", "Link Clicks", "Seconds viewed",
        "Average Seconds viewed",
    ],
    ("facebook", "fr"): [
        "Identifiant de la publication", "Identifiant de la Page", "Nom de la Page", "Titre",
        "Description", "Durée (s)", "Heure de publication", "Lien permanent",
        "Type de publication", "Commentaire sur les données", "Date", "{views}", "Couverture",
        "Réactions", "Commentaires", "Partages", "Total des clics", "Clics sur un lien",
        "Secondes de visionnage", "Moyenne de secondes de visionnage",
    ],
}  # fmt: skip


def meta_url(post: Post, network: str) -> str:
    """The permalink Meta writes for a post."""
    if post.url:
        return post.url
    if network == "instagram":
        return f"https://www.instagram.com/reel/C{post.post_id[-8:]}/"
    return f"https://www.facebook.com/100064/posts/{post.post_id}"


def meta_csv(
    posts: Sequence[Post],
    *,
    network: str = "instagram",
    language: str = "en",
    views_header: str | None = None,
    thousands: str = "",
) -> bytes:
    """Meta Business Suite → Content export: UTF-8 with BOM, commas, every cell quoted.

    French exports write dates day first and decimals with a comma (inside quotes);
    `thousands` is put between thousands of the reach (e.g. a narrow no-break space).
    """
    views = views_header or ("Vues" if language == "fr" else "Views")
    header = [name.replace("{views}", views) for name in _META_HEADERS[(network, language)]]
    date_format = "%d/%m/%Y %H:%M" if language == "fr" else "%m/%d/%Y %H:%M"
    lifetime = "Total" if language == "fr" else "Lifetime"
    rows: list[list[object]] = [header]
    for post in posts:
        published = post.published.strftime(date_format)
        reach = f"{post.reach:,}".replace(",", thousands) if thousands else str(post.reach)
        seconds = post.views * 7.5
        average = "7,5" if language == "fr" else "7.5"
        if network == "instagram":
            rows.append(
                [post.post_id, "17841400000000000", "ecole.example", "École Example",
                 post.title, "32", published, meta_url(post, network), "Reel", "", lifetime,
                 post.impressions, reach, post.likes, post.shares, post.follows,
                 post.comments, post.saves]
            )  # fmt: skip
        else:
            seconds_text = f"{seconds:.1f}".replace(".", "," if language == "fr" else ".")
            rows.append(
                [post.post_id, "100064000000000", "École Example", "", post.title, "32",
                 published, meta_url(post, network), "Videos", "", lifetime, post.impressions,
                 reach, post.likes, post.comments, post.shares, post.clicks + 3, post.clicks,
                 seconds_text, average]
            )  # fmt: skip
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
    return BOM + buffer.getvalue().encode("utf-8")


def meta_timeseries_csv(
    title: str = "Instagram reach",
    values: Sequence[tuple[date, int]] = (),
    *,
    sep_line: bool = True,
) -> bytes:
    """Meta Business Suite → Insights export: `sep=,`, a title line, then `Date,Primary`."""
    lines = ["sep=,"] if sep_line else []
    lines += [f'"{title}"', '"Date","Primary"']
    lines += [f'"{day.isoformat()}T00:00:00","{value}"' for day, value in values]
    return BOM + ("\n".join(lines) + "\n").encode("utf-8")


# --- YouTube Studio -------------------------------------------------------------------------

YOUTUBE_TABLE_HEADER = [
    "Content", "Video title", "Video publish time", "Duration", "Views", "Engaged views",
    "Watch time (hours)", "Subscribers", "Impressions", "Impressions click-through rate (%)",
    "Average view duration", "Average percentage viewed (%)", "Likes", "Comments added",
    "Shares",
]  # fmt: skip


def _youtube_published(post: Post) -> str:
    return f"{post.published:%b} {post.published.day}, {post.published.year}"


def youtube_table_csv(videos: Sequence[Post], *, total_row: bool = True) -> bytes:
    """Table data.csv: BOM, then a first data row with the total of all videos."""
    rows: list[list[object]] = [YOUTUBE_TABLE_HEADER]
    if total_row:
        rows.append(
            ["Total", "", "", "", sum(v.views for v in videos), "", 12.5, -1,
             sum(v.impressions for v in videos), "5.1", "0:00:45", "38.2",
             sum(v.likes for v in videos), sum(v.comments for v in videos),
             sum(v.shares for v in videos)]
        )  # fmt: skip
    for video in videos:
        rows.append(
            [video.post_id, video.title, _youtube_published(video), 95, video.views,
             video.views - 20, round(video.views * 45 / 3600, 4), -1, video.impressions,
             "4.8", "0:00:45", "47.37", video.likes, video.comments, video.shares]
        )  # fmt: skip
    return BOM + csv_text(rows).encode("utf-8")


def youtube_chart_csv(videos: Sequence[Post], days: Sequence[Day]) -> bytes:
    """Chart data.csv: one row per video per day."""
    rows: list[list[object]] = [
        ["Date", "Content", "Video title", "Video publish time", "Duration", "Views"]
    ]
    for day in days:
        for index, video in enumerate(videos):
            rows.append(
                [day.day.isoformat(), video.post_id, video.title, _youtube_published(video),
                 95, day.views + index]
            )  # fmt: skip
    return BOM + csv_text(rows).encode("utf-8")


def youtube_totals_csv(days: Sequence[Day]) -> bytes:
    """Totals.csv: the channel's figure per day."""
    rows: list[list[object]] = [["Date", "Views"]]
    rows += [[day.day.isoformat(), day.views] for day in days]
    return BOM + csv_text(rows).encode("utf-8")


def youtube_zip(
    videos: Sequence[Post], days: Sequence[Day] = (), *, total_row: bool = True
) -> bytes:
    """YouTube Studio → Advanced mode → Export: the three CSV files, zipped."""
    members = {"Table data.csv": youtube_table_csv(videos, total_row=total_row)}
    if days:
        members["Chart data.csv"] = youtube_chart_csv(videos, days)
        members["Totals.csv"] = youtube_totals_csv(days)
    return zipped(members)


# --- TikTok Studio --------------------------------------------------------------------------

TIKTOK_CONTENT_HEADER = [
    "Video title", "Video link", "Post time", "Total likes", "Total comments", "Total shares",
    "Total views", "Total saves",
]  # fmt: skip


def tiktok_url(post: Post) -> str:
    """The link TikTok writes: the video id follows `video/`."""
    return post.url or f"https://www.tiktok.com/@ecole.example/video/{post.post_id}"


def _tiktok_day(day: date, with_year: bool) -> str:
    return f"{day:%B} {day.day}, {day.year}" if with_year else f"{day:%B} {day.day}"


def tiktok_content_rows(posts: Sequence[Post], *, with_year: bool = False) -> list[list[object]]:
    """The Content tab: post times often without a year (“July 1”)."""
    rows: list[list[object]] = [TIKTOK_CONTENT_HEADER]
    for post in posts:
        rows.append(
            [post.title, tiktok_url(post), _tiktok_day(post.published.date(), with_year),
             post.likes, post.comments, post.shares, post.views, post.saves]
        )  # fmt: skip
    return rows


def tiktok_overview_rows(days: Sequence[Day], *, with_year: bool = False) -> list[list[object]]:
    """The Overview tab: the account's figures per day."""
    rows: list[list[object]] = [
        ["Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares"]
    ]
    for day in days:
        rows.append(
            [_tiktok_day(day.day, with_year), day.views, 7, day.likes, day.comments, day.shares]
        )
    return rows


def tiktok_csv(
    posts: Sequence[Post] = (), days: Sequence[Day] = (), *, with_year: bool = False
) -> bytes:
    """One TikTok tab as CSV (UTF-8, no BOM): Content when posts are given, else Overview."""
    rows = (
        tiktok_content_rows(posts, with_year=with_year)
        if posts
        else tiktok_overview_rows(days, with_year=with_year)
    )
    return csv_text(rows).encode("utf-8")


def tiktok_xlsx(
    posts: Sequence[Post] = (), days: Sequence[Day] = (), *, with_year: bool = False
) -> bytes:
    """One TikTok tab as XLSX."""
    if posts:
        return xlsx({"Content": tiktok_content_rows(posts, with_year=with_year)})
    return xlsx({"Overview": tiktok_overview_rows(days, with_year=with_year)})


# --- The team's own tables ------------------------------------------------------------------


def generic_csv(
    header: Sequence[str], rows: Sequence[Sequence[object]], *, delimiter: str = ","
) -> bytes:
    """A hand-made table as Excel saves it (“CSV UTF-8”, with a BOM)."""
    return BOM + csv_text([list(header), *map(list, rows)], delimiter=delimiter).encode("utf-8")


# --- Hostile archives -----------------------------------------------------------------------


def zip_bomb(size: int = 50 * 1024 * 1024) -> bytes:
    """A small archive that unpacks to `size` bytes of the same character."""
    return zipped({"Table data.csv": b"0" * size})


def zip_with_traversal() -> bytes:
    """An archive whose member would be written outside the folder it is unpacked into."""
    return zipped({"Table data.csv": b"Content,Video title\n", "../../etc/cron.d/evil": b"x"})
