"""Importing a YouTube Studio export at full size: 1,000 videos × 100 days = 100,000 daily rows.

On a fresh SQLite file (the schema from the migrations) with one campaign, one YouTube account
and --posts published videos, times three imports of campaigns.engagement.importing:

1. the export, first time: every row is new (the issue's target: under 10 s);
2. the same bytes again: recognised by their hash, nothing changes (should be near-instant);
3. a newer export where every figure changed: every row is an update.

Each step is compared with a BASELINE run in the same script on its own copy of the same
database: the zip's CSV files read with pandas (`pd.read_csv`), the video ids mapped to posts
with a dict, and the same rows written to the same tables with one `executemany` per table
(SQLAlchemy core `insert(...)` with a list of dicts) in one transaction — the "as fast as this
machine allows" floor, with no validation. For step 2 the baseline is the file's sha256 and one
lookup; for step 3 it is the same executemany as an upsert (INSERT … ON CONFLICT DO UPDATE).

    PYTHONPATH=. .venv/bin/python bench/bench_metrics_import.py [--rows 100000] [--posts 1000]
        [--repeats 3] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import pstats
import resource
import shutil
import statistics
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine, insert, select, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from campaigns import posts
from campaigns.auth import Actor, Role
from campaigns.db import make_engine, transaction, upgrade_database
from campaigns.engagement.importing import ImportReport, import_metrics
from campaigns.engagement.parsing import parse_export
from campaigns.models import (
    AccountMetricDaily,
    MetricImport,
    Post,
    PostMetricDaily,
    PostMetricSnapshot,
)
from tests import fixtures_exports as exports

EDITOR = Actor(user_id=None, email="bench@school.example", role=Role.EDITOR)
TODAY = date(2025, 7, 1)
FIRST_DAY = date(2025, 3, 1)
PUBLISHED = datetime(2025, 1, 6, 9, 30)
BUDGET_S = 10.0


@dataclass(frozen=True)
class Exports:
    """The two exports: the first, and a newer one where every figure changed."""

    first: bytes
    newer: bytes
    chart_rows: int
    table_rows: int
    totals_rows: int


def video_id(index: int) -> str:
    """An 11-character YouTube-like id."""
    return f"v{index:010d}"


def videos(count: int, bump: int = 0) -> list[exports.Post]:
    return [
        exports.Post(
            post_id=video_id(index),
            title=f"Portrait {index + 1}: from apprentice to engineer",
            published=PUBLISHED + timedelta(days=index % 50, minutes=index % 600),
            impressions=1000 + 10 * index + bump,
            reach=800 + index + bump,
            views=500 + index + bump,
            likes=40 + index % 90 + bump,
            comments=5 + index % 20 + bump,
            shares=3 + index % 10 + bump,
        )
        for index in range(count)
    ]


def days(count: int, bump: int = 0) -> list[exports.Day]:
    return [exports.Day(FIRST_DAY + timedelta(days=n), views=200 + n + bump) for n in range(count)]


def build_exports(post_count: int, day_count: int) -> Exports:
    """Both zips, written by the fixture builders (the format the importer expects)."""
    first = exports.youtube_zip(videos(post_count), days(day_count))
    newer = exports.youtube_zip(videos(post_count, bump=7), days(day_count, bump=7))
    return Exports(first, newer, post_count * day_count, post_count, day_count)


def build_world(path: Path, post_count: int) -> None:
    """A fresh database: a campaign, a YouTube account, and the videos published on it."""
    engine = make_engine(f"sqlite:///{path}")
    upgrade_database(engine)
    campaign = posts.create_campaign(
        engine, EDITOR, posts.CampaignInput("Spring", date(2025, 1, 1), date(2025, 12, 31))
    )
    account = posts.create_account(
        engine, EDITOR, "FR YouTube", "youtube", "@school", "fr", "Europe/Paris"
    )
    with transaction(engine) as session:
        session.add_all(
            Post(
                campaign_id=campaign,
                account_id=account,
                text=video.title,
                status="published",
                scheduled_at=video.published.replace(tzinfo=UTC),
                published_at=video.published.replace(tzinfo=UTC),
                author=EDITOR.email,
                published_url=f"https://www.youtube.com/watch?v={video.post_id}",
            )
            for video in videos(post_count)
        )
    with engine.begin() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


def fresh_copy(template: Path, name: str) -> Engine:
    """A copy of the prepared world, so that every run starts from the same database."""
    target = template.with_name(name)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, target)
    return make_engine(f"sqlite:///{target}")


# --- The baseline ---------------------------------------------------------------------------


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _frame(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")


def _post_ids(engine: Engine) -> tuple[dict[str, int], int]:
    with engine.connect() as connection:
        rows = connection.execute(select(Post.id, Post.published_url)).all()
        account = connection.execute(text("SELECT id FROM channel_accounts")).scalar_one()
    return {url.rsplit("v=", 1)[-1]: post_id for post_id, url in rows}, account


def baseline_rows(engine: Engine, data: bytes, import_id: int) -> dict[Any, list[dict[str, Any]]]:
    """The rows of the three CSV files, read by pandas, as dicts for executemany."""
    refs, account = _post_ids(engine)
    members = _members(data)
    chart = _frame(members["Chart data.csv"])
    chart["post_id"] = chart["Content"].map(refs)
    chart["day"] = pd.to_datetime(chart["Date"]).dt.date
    daily = [
        {"post_id": int(p), "day": d, "import_id": import_id, "video_views": float(v)}
        for p, d, v in zip(chart["post_id"], chart["day"], chart["Views"], strict=True)
    ]
    table = _frame(members["Table data.csv"])
    table = table[table["Content"] != "Total"]
    snapshots = [
        {"post_id": refs[c], "as_of": TODAY, "import_id": import_id, "video_views": float(v),
         "impressions": float(i), "watch_time_seconds": float(w) * 3600, "likes": float(lk),
         "comments": float(cm), "shares": float(sh)}
        for c, v, i, w, lk, cm, sh in zip(
            table["Content"], table["Views"], table["Impressions"], table["Watch time (hours)"],
            table["Likes"], table["Comments added"], table["Shares"], strict=True,
        )
    ]  # fmt: skip
    totals = _frame(members["Totals.csv"])
    account_daily = [
        {"account_id": account, "day": d, "import_id": import_id, "video_views": float(v)}
        for d, v in zip(pd.to_datetime(totals["Date"]).dt.date, totals["Views"], strict=True)
    ]
    return {
        PostMetricDaily: daily,
        PostMetricSnapshot: snapshots,
        AccountMetricDaily: account_daily,
    }


def _record(connection: Any, data: bytes) -> int:
    return int(
        connection.execute(
            insert(MetricImport).values(
                file_name="youtube.zip",
                sha256=hashlib.sha256(data).hexdigest(),
                platform="youtube",
                kind="daily",
                imported_at=datetime.now(UTC),
            )
        ).inserted_primary_key[0]
    )


def baseline_insert(engine: Engine, data: bytes) -> int:
    """Step 1's floor: pandas reads, one executemany insert per table, one transaction."""
    with engine.execution_options(sqlite_write=True).begin() as connection:
        import_id = _record(connection, data)
        rows = baseline_rows(engine, data, import_id)
        for model, values in rows.items():
            connection.execute(insert(model), values)
    return sum(len(values) for values in rows.values())


def baseline_already(engine: Engine, data: bytes) -> int:
    """Step 2's floor: the file's hash and one lookup."""
    digest = hashlib.sha256(data).hexdigest()
    with engine.connect() as connection:
        found = connection.execute(
            select(MetricImport.id).where(MetricImport.sha256 == digest)
        ).scalar()
    assert found is not None
    return 0


_CONFLICT: dict[Any, tuple[str, str]] = {
    PostMetricDaily: ("post_id", "day"),
    PostMetricSnapshot: ("post_id", "as_of"),
    AccountMetricDaily: ("account_id", "day"),
}


def baseline_upsert(engine: Engine, data: bytes) -> int:
    """Step 3's floor: pandas reads, one executemany upsert per table, one transaction."""
    with engine.execution_options(sqlite_write=True).begin() as connection:
        import_id = _record(connection, data)
        rows = baseline_rows(engine, data, import_id)
        for model, values in rows.items():
            statement = sqlite_insert(model)
            keys = {key for key in values[0] if key not in _CONFLICT[model]}
            connection.execute(
                statement.on_conflict_do_update(
                    index_elements=list(_CONFLICT[model]),
                    set_={key: statement.excluded[key] for key in keys},
                ),
                values,
            )
    return sum(len(values) for values in rows.values())


# --- Ours -----------------------------------------------------------------------------------


def ours(engine: Engine, name: str, data: bytes) -> ImportReport:
    return import_metrics(engine, EDITOR, name, data, platform="youtube", today=TODAY)


def timed(run: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Step:
    name: str
    rows: int = 0
    ours: list[float] | None = None
    baseline: list[float] | None = None


def one_repeat(template: Path, data: Exports, steps: Sequence[Step]) -> float:
    """All three steps of ours, then all three of the baseline, each on a fresh copy.

    Returns the peak RSS (MB) once ours has run, before the baseline.
    """
    engine = fresh_copy(template, "ours.db")
    runs = (
        lambda: ours(engine, "youtube.zip", data.first),
        lambda: ours(engine, "youtube-again.zip", data.first),
        lambda: ours(engine, "youtube-later.zip", data.newer),
    )
    for step, run in zip(steps, runs, strict=True):
        seconds, report = timed(run)
        assert report.rejected == 0 and report.unmatched == 0, report.summary
        step.rows = max(step.rows, report.imported + report.updated)
        step.ours = [*(step.ours or []), seconds]
    engine.dispose()
    ours_peak = peak_rss_mb()
    floor_engine = fresh_copy(template, "baseline.db")
    floors = (
        lambda: baseline_insert(floor_engine, data.first),
        lambda: baseline_already(floor_engine, data.first),
        lambda: baseline_upsert(floor_engine, data.newer),
    )
    for step, floor in zip(steps, floors, strict=True):
        seconds, rows = timed(floor)
        assert rows == step.rows, (step.name, rows, step.rows)
        step.baseline = [*(step.baseline or []), seconds]
    floor_engine.dispose()
    return ours_peak


def parse_only(data: Exports, repeats: int) -> tuple[float, float]:
    """Where step 1's time starts: parse_export alone against pd.read_csv alone."""
    parse = statistics.median(
        timed(lambda: parse_export("youtube.zip", data.first, "youtube", today=TODAY))[0]
        for _ in range(repeats)
    )
    read = statistics.median(
        timed(lambda: [_frame(m) for m in _members(data.first).values()])[0] for _ in range(repeats)
    )
    return parse, read


def profile(template: Path, data: Exports, top: int) -> None:
    """cProfile of steps 1 and 3 of ours, the functions with the most time of their own."""
    for label, first, then in (
        ("step 1 (all new)", data.first, None),
        ("step 3 (all updates)", data.first, data.newer),
    ):
        engine = fresh_copy(template, "profile.db")
        if then is not None:
            ours(engine, "youtube.zip", first)
        profiler = cProfile.Profile()
        profiler.enable()
        ours(engine, "profiled.zip", then or first)
        profiler.disable()
        engine.dispose()
        print(f"\ncProfile, {label}: top {top} by own time (tottime)")
        stats = pstats.Stats(profiler).strip_dirs().sort_stats("tottime")
        stats.print_stats(top)
        print(f"cProfile, {label}: top {top} by cumulative time")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)


def main() -> None:
    """Build the world and the exports, then time the three imports against their floors."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows of Chart data.csv")
    parser.add_argument("--posts", type=int, default=1000, help="published videos")
    parser.add_argument("--repeats", type=int, default=3, help="runs per step (median)")
    parser.add_argument("--profile", action="store_true", help="cProfile steps 1 and 3")
    parser.add_argument("--top", type=int, default=30, help="functions listed by --profile")
    arguments = parser.parse_args()
    day_count = max(1, arguments.rows // arguments.posts)

    with tempfile.TemporaryDirectory() as folder:
        template = Path(folder) / "world.db"
        seconds, _ = timed(lambda: build_world(template, arguments.posts))
        print(f"world: {arguments.posts} published YouTube videos (built in {seconds:.1f} s)")
        seconds, data = timed(lambda: build_exports(arguments.posts, day_count))
        print(
            f"exports: Chart data.csv {data.chart_rows:,} rows ({arguments.posts} videos × "
            f"{day_count} days), Table data.csv {data.table_rows:,}, Totals.csv "
            f"{data.totals_rows}; zip {len(data.first) / 1e6:.1f} MB, built in {seconds:.1f} s; "
            f"peak RSS {peak_rss_mb():.0f} MB"
        )
        steps = [
            Step("1. first import (all new)"),
            Step("2. same file again"),
            Step("3. newer export (all updates)"),
        ]
        after_first = min(one_repeat(template, data, steps) for _ in range(arguments.repeats))
        print(
            f"median of {arguments.repeats} runs, each on a fresh copy of the world; baseline: "
            "pandas read_csv + one executemany per table in one transaction"
        )
        print(
            f"{'step':32} {'rows':>8} {'ours s':>8} {'baseline s':>10} {'ratio':>7} {'rows/s':>9}"
        )
        for step in steps:
            mine = statistics.median(step.ours or [])
            floor = statistics.median(step.baseline or [])
            rate = f"{step.rows / mine:9,.0f}" if step.rows else f"{'-':>9}"
            flag = "  OVER 10 s TARGET" if step is steps[0] and mine > BUDGET_S else ""
            print(
                f"{step.name:32} {step.rows:8,} {mine:8.3f} {floor:10.3f} {mine / floor:7.1f} "
                f"{rate}{flag}"
            )
        parse, read = parse_only(data, arguments.repeats)
        print(
            f"{'   of which parse_export alone':32} {'':8} {parse:8.3f} {read:10.3f} "
            f"{parse / read:7.1f}   (baseline: pd.read_csv of the 3 files)"
        )
        print(
            f"peak RSS: {after_first:.0f} MB after the first run of ours (before any baseline), "
            f"{peak_rss_mb():.0f} MB at the end"
        )
        if arguments.profile:
            profile(template, data, arguments.top)


if __name__ == "__main__":
    main()
